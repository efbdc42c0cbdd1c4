//! Container settings (`runContainer`'s input, a stack's deploy): each field checked the way Docker users write it, with the
//! field's path in the error, before anything reaches the engine.

use std::collections::HashMap;

use async_graphql::{ID, InputObject};
use bollard::models::{
    ContainerCreateBody, HostConfig, PortBinding, RestartPolicy, RestartPolicyNameEnum,
};

use crate::error::{Error, Result};

#[derive(Debug, InputObject)]
pub struct LabelInput {
    pub key: String,
    pub value: String,
}

#[derive(Debug, InputObject)]
pub struct RunContainerInput {
    pub server_id: ID,
    /// The container's name: letters, digits, `_`, `.` and `-`, at least 2 characters.
    pub name: String,
    /// An image reference, e.g. `nginx:1.27`, `registry.local:5000/team/api@sha256:…`.
    pub image: String,
    /// Replaces the image's command.
    pub command: Option<Vec<String>>,
    /// `KEY=value` entries.
    pub env: Option<Vec<String>>,
    /// `containerPort`, `hostPort:containerPort` or `ip:hostPort:containerPort`, each
    /// with an optional `/tcp`, `/udp` or `/sctp`.
    pub ports: Option<Vec<String>>,
    /// `/host/path:/container/path` or `volume-name:/container/path`, with optional `:ro`/`:rw`.
    pub volumes: Option<Vec<String>>,
    /// `host`, `none`, `bridge` or a network's name.
    pub network: Option<String>,
    /// `no`, `always`, `unless-stopped`, `on-failure` or `on-failure:N`.
    pub restart_policy: Option<String>,
    pub labels: Option<Vec<LabelInput>>,
}

/// A container's settings as users write them: what `runContainer` takes, and what a
/// stack's deploy settings run. Checked by [`ContainerSettings::parse`], the one place
/// that reads them.
#[derive(Debug, Clone, Default)]
pub struct ContainerSettings {
    pub name: String,
    pub image: String,
    pub command: Option<Vec<String>>,
    pub env: Vec<String>,
    pub ports: Vec<String>,
    pub volumes: Vec<String>,
    pub network: Option<String>,
    pub restart_policy: Option<String>,
    /// `(key, value)` pairs.
    pub labels: Vec<(String, String)>,
}

/// Validated container settings, ready for the engine.
#[derive(Debug)]
pub struct RunSpec {
    pub name: String,
    pub image: String,
    pub body: ContainerCreateBody,
}

impl RunContainerInput {
    pub fn parse(&self) -> Result<RunSpec> {
        self.settings().parse()
    }

    fn settings(&self) -> ContainerSettings {
        ContainerSettings {
            name: self.name.clone(),
            image: self.image.clone(),
            command: self.command.clone(),
            env: self.env.clone().unwrap_or_default(),
            ports: self.ports.clone().unwrap_or_default(),
            volumes: self.volumes.clone().unwrap_or_default(),
            network: self.network.clone(),
            restart_policy: self.restart_policy.clone(),
            labels: self
                .labels
                .iter()
                .flatten()
                .map(|label| (label.key.clone(), label.value.clone()))
                .collect(),
        }
    }
}

impl ContainerSettings {
    /// Checks every setting, naming the field (`input.<field>`) of the first that fails.
    pub fn parse(&self) -> Result<RunSpec> {
        let name = container_name(&self.name)?;
        let image = image_reference(&self.image, &["input", "image"])?;
        let env = each(&self.env, "env", env_entry)?;
        let ports = each(&self.ports, "ports", port_mapping)?;
        let binds = each(&self.volumes, "volumes", volume)?;
        let network = self.network.as_deref().map(network).transpose()?;
        let restart_policy = self
            .restart_policy
            .as_deref()
            .map(restart_policy)
            .transpose()?;
        let mut labels = HashMap::new();
        for (index, (key, value)) in self.labels.iter().enumerate() {
            if key.trim().is_empty() || key.len() > 256 || value.len() > 4096 {
                return Err(Error::bad_input(
                    &["input", "labels", &index.to_string(), "key"],
                    "a label key is 1 to 256 characters and its value at most 4096",
                ));
            }
            labels.insert(key.trim().to_string(), value.clone());
        }
        if let Some(command) = &self.command
            && command
                .iter()
                .any(|arg| arg.len() > 65536 || arg.contains('\0'))
        {
            return Err(Error::bad_input(
                &["input", "command"],
                "command arguments are at most 64 KiB and hold no NUL",
            ));
        }
        let mut exposed = Vec::new();
        let mut port_bindings: HashMap<String, Option<Vec<PortBinding>>> = HashMap::new();
        for (port, binding) in ports {
            exposed.push(port.clone());
            let bindings = port_bindings
                .entry(port)
                .or_insert_with(|| Some(Vec::new()));
            if let (Some(bindings), Some(binding)) = (bindings.as_mut(), binding) {
                bindings.push(binding);
            }
        }
        let body = ContainerCreateBody {
            image: Some(image.clone()),
            cmd: self.command.clone(),
            env: (!env.is_empty()).then_some(env),
            labels: (!labels.is_empty()).then_some(labels),
            exposed_ports: (!exposed.is_empty()).then_some(exposed),
            host_config: Some(HostConfig {
                binds: (!binds.is_empty()).then_some(binds),
                port_bindings: (!port_bindings.is_empty()).then_some(port_bindings),
                network_mode: network,
                restart_policy,
                ..Default::default()
            }),
            ..Default::default()
        };
        Ok(RunSpec { name, image, body })
    }
}

/// Parses each entry of an optional list, naming the entry's index on failure.
fn each<T>(
    values: &[String],
    field: &str,
    parse: impl Fn(&str) -> std::result::Result<T, String>,
) -> Result<Vec<T>> {
    values
        .iter()
        .enumerate()
        .map(|(index, value)| {
            parse(value)
                .map_err(|message| Error::bad_input(&["input", field, &index.to_string()], message))
        })
        .collect()
}

/// The longest container name accepted as a reference; the engine sets no limit, but
/// names people write are short, and a bound keeps a megabyte out of the engine's path.
const MAX_CONTAINER_REFERENCE: usize = 253;

/// Checks a reference to an existing container, by the engine's own grammar: an id (or
/// its prefix) of 1 to 64 hex digits, or a name `[a-zA-Z0-9][a-zA-Z0-9_.-]*` (the
/// engine's leading `/` allowed). Anything else would reach the engine's API path as
/// something other than a container: `""` or `.` is another endpoint, and `/etc/shadow`
/// or a URL a different route.
pub fn container_reference(raw: &str, path: &[&str]) -> Result<String> {
    let name = raw.strip_prefix('/').unwrap_or(raw);
    let is_id = (1..=64).contains(&name.len()) && name.chars().all(|c| c.is_ascii_hexdigit());
    let is_name = (1..=MAX_CONTAINER_REFERENCE).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if !(is_id || is_name) {
        let shown: String = raw.chars().take(40).collect();
        return Err(Error::bad_input(
            path,
            format!(
                "{shown:?} is not a container id or name: an id is 1 to 64 hex digits, a name \
                 up to {MAX_CONTAINER_REFERENCE} letters, digits, '_', '.' and '-', starting \
                 with a letter or digit"
            ),
        ));
    }
    Ok(name.to_string())
}

fn container_name(raw: &str) -> Result<String> {
    let name = raw.trim().trim_start_matches('/');
    let valid = (2..=128).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if !valid {
        return Err(Error::bad_input(
            &["input", "name"],
            "a container name is 2 to 128 letters, digits, '_', '.' and '-', starting with a letter or digit",
        ));
    }
    Ok(name.to_string())
}

/// Checks an image reference: `[host[:port]/]path[:tag][@algorithm:digest]`.
pub fn image_reference(raw: &str, path: &[&str]) -> Result<String> {
    let bad =
        |why: &str| Error::bad_input(path, format!("{raw:?} is not an image reference: {why}"));
    let reference = raw.trim();
    if reference.is_empty() || reference.len() > 512 {
        return Err(bad("it must be 1 to 512 characters"));
    }
    let (name_and_tag, digest) = match reference.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (reference, None),
    };
    if let Some(digest) = digest {
        let valid = digest.split_once(':').is_some_and(|(algorithm, hex)| {
            !algorithm.is_empty()
                && algorithm
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+._-".contains(c))
                && hex.len() >= 32
                && hex.chars().all(|c| c.is_ascii_hexdigit())
        });
        if !valid {
            return Err(bad("the digest must look like sha256:<hex>"));
        }
    }
    let last_slash = name_and_tag.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match name_and_tag[last_slash..].rfind(':') {
        Some(colon) => (
            &name_and_tag[..last_slash + colon],
            Some(&name_and_tag[last_slash + colon + 1..]),
        ),
        None => (name_and_tag, None),
    };
    if let Some(tag) = tag {
        let valid = (1..=128).contains(&tag.len())
            && tag.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            && tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !valid {
            return Err(bad("a tag is up to 128 letters, digits, '_', '.' and '-'"));
        }
    }
    let mut components: Vec<&str> = name.split('/').collect();
    let first = components[0];
    let has_registry = components.len() > 1
        && (first.contains('.') || first.contains(':') || first == "localhost");
    if has_registry {
        let (host, port) = first.split_once(':').unwrap_or((first, ""));
        let host_ok = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-".contains(c));
        let port_ok = port.is_empty() || port.parse::<u16>().is_ok();
        if !host_ok || !port_ok {
            return Err(bad("the registry must be host or host:port"));
        }
        components.remove(0);
    }
    for component in components {
        let valid = !component.is_empty()
            && component.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && component.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && component
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if !valid {
            return Err(bad(
                "repository names are lowercase letters, digits and separators ('.', '_', '-')",
            ));
        }
    }
    Ok(reference.to_string())
}

fn env_entry(raw: &str) -> std::result::Result<String, String> {
    let Some((key, _)) = raw.split_once('=') else {
        return Err(format!("{raw:?} must be KEY=value"));
    };
    let valid = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if !valid || raw.contains('\0') {
        return Err(format!(
            "{key:?} is not a variable name (letters, digits and '_', not starting with a digit)"
        ));
    }
    Ok(raw.to_string())
}

/// `[ip:][hostPort:]containerPort[/protocol]` → (`"80/tcp"`, binding).
fn port_mapping(raw: &str) -> std::result::Result<(String, Option<PortBinding>), String> {
    let usage = || {
        format!(
            "{raw:?} must be containerPort, hostPort:containerPort or ip:hostPort:containerPort, with an optional /tcp, /udp or /sctp"
        )
    };
    let (mapping, protocol) = match raw.rsplit_once('/') {
        Some((mapping, protocol)) if ["tcp", "udp", "sctp"].contains(&protocol) => {
            (mapping, protocol)
        }
        Some(_) => return Err(usage()),
        None => (raw, "tcp"),
    };
    let port = |text: &str| text.parse::<u16>().ok().filter(|p| *p > 0);
    let (ip, rest) = match mapping.strip_prefix('[') {
        Some(v6) => {
            let (ip, rest) = v6.split_once("]:").ok_or_else(usage)?;
            ip.parse::<std::net::Ipv6Addr>().map_err(|_| usage())?;
            (Some(ip.to_string()), rest)
        }
        None => {
            let parts: Vec<&str> = mapping.split(':').collect();
            if parts.len() == 3 {
                parts[0]
                    .parse::<std::net::Ipv4Addr>()
                    .map_err(|_| usage())?;
                (Some(parts[0].to_string()), &mapping[parts[0].len() + 1..])
            } else {
                (None, mapping)
            }
        }
    };
    let (host_port, container_port) = match rest.split_once(':') {
        Some((host, container)) => (
            Some(port(host).ok_or_else(usage)?),
            port(container).ok_or_else(usage)?,
        ),
        None if ip.is_none() => (None, port(rest).ok_or_else(usage)?),
        None => return Err(usage()),
    };
    let binding = host_port.map(|host_port| PortBinding {
        host_ip: ip,
        host_port: Some(host_port.to_string()),
    });
    Ok((format!("{container_port}/{protocol}"), binding))
}

/// `source:/container/path[:ro|:rw]` where source is an absolute host path or a volume.
fn volume(raw: &str) -> std::result::Result<String, String> {
    let usage = || {
        format!(
            "{raw:?} must be /host/path:/container/path or volume:/container/path, with an optional :ro or :rw"
        )
    };
    let parts: Vec<&str> = raw.split(':').collect();
    let (source, destination) = match parts.as_slice() {
        [source, destination] | [source, destination, "ro" | "rw"] => (*source, *destination),
        _ => return Err(usage()),
    };
    let volume_name = source.starts_with(|c: char| c.is_ascii_alphanumeric())
        && source.len() >= 2
        && source
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if !(source.starts_with('/') || volume_name)
        || !destination.starts_with('/')
        || destination == "/"
    {
        return Err(usage());
    }
    Ok(raw.to_string())
}

fn network(raw: &str) -> Result<String> {
    let name = raw.trim();
    let valid = !name.is_empty()
        && name.len() <= 128
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-:".contains(c));
    if !valid {
        return Err(Error::bad_input(
            &["input", "network"],
            "network must be host, none, bridge or a network's name",
        ));
    }
    Ok(name.to_string())
}

fn restart_policy(raw: &str) -> Result<RestartPolicy> {
    let bad = || {
        Error::bad_input(
            &["input", "restartPolicy"],
            format!(
                "{raw:?} is not a restart policy: use no, always, unless-stopped, on-failure or on-failure:N"
            ),
        )
    };
    let (name, retries) = match raw.trim() {
        "no" => (RestartPolicyNameEnum::NO, None),
        "always" => (RestartPolicyNameEnum::ALWAYS, None),
        "unless-stopped" => (RestartPolicyNameEnum::UNLESS_STOPPED, None),
        "on-failure" => (RestartPolicyNameEnum::ON_FAILURE, None),
        other => {
            let count = other.strip_prefix("on-failure:").ok_or_else(bad)?;
            let count: i64 = count
                .parse()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .ok_or_else(bad)?;
            (RestartPolicyNameEnum::ON_FAILURE, Some(count))
        }
    };
    Ok(RestartPolicy {
        name: Some(name),
        maximum_retry_count: retries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references_users_write_are_accepted() {
        for image in [
            "busybox",
            "nginx:1.27",
            "library/nginx:latest",
            "registry.local:5000/team/api:v2.1.0",
            "localhost/app",
            "ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert!(image_reference(image, &["image"]).is_ok(), "{image}");
        }
        for image in [
            "",
            "Nginx",
            "nginx:",
            "nginx:bad tag",
            "a//b",
            "host:99999/app/x",
            "app@sha256:xyz",
            "-app",
        ] {
            assert!(image_reference(image, &["image"]).is_err(), "{image}");
        }
    }

    #[test]
    fn container_references_follow_the_engine_grammar() {
        for good in ["web", "/web", "a", "f3a9", &"a".repeat(64), "api_v2.blue-1"] {
            assert!(container_reference(good, &["id"]).is_ok(), "{good}");
        }
        let long = "x".repeat(1 << 20);
        for bad in [
            "",
            ".",
            "..",
            "/",
            "/etc/shadow",
            "../../info",
            "http://evil.example/x",
            "web?force=1",
            "-web",
            "we b",
            long.as_str(),
        ] {
            match container_reference(bad, &["input", "id"]) {
                Err(Error::BadInput { field, .. }) => assert_eq!(field, ["input", "id"]),
                other => panic!("{bad:.40} gave {other:?}"),
            }
        }
    }

    #[test]
    fn port_mappings_accept_the_docker_forms() {
        let (port, binding) = port_mapping("127.0.0.1:8080:80/udp").expect("valid");
        assert_eq!(port, "80/udp");
        let binding = binding.expect("published");
        assert_eq!(
            (binding.host_ip.as_deref(), binding.host_port.as_deref()),
            (Some("127.0.0.1"), Some("8080"))
        );
        assert_eq!(port_mapping("8080:80").expect("valid").0, "80/tcp");
        assert!(port_mapping("80").expect("valid").1.is_none());
        assert!(port_mapping("[::1]:8080:80").is_ok());
        for bad in [
            "",
            "http",
            "8080:",
            ":80",
            "0:80",
            "70000:80",
            "8080:80/icmp",
            "1.2.3:8080:80",
            "a:b:c:d",
        ] {
            assert!(port_mapping(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn volumes_env_and_restart_policies_are_checked() {
        assert!(volume("/srv/data:/data:ro").is_ok());
        assert!(volume("pgdata:/var/lib/postgresql").is_ok());
        for bad in ["/srv/data", "rel/path:/data", "/a:/b:rx", "/a:b", "/a:/"] {
            assert!(volume(bad).is_err(), "{bad}");
        }
        assert!(env_entry("RUST_LOG=info").is_ok());
        assert!(env_entry("EMPTY=").is_ok());
        for bad in ["NOVALUE", "1ABC=x", "A B=x"] {
            assert!(env_entry(bad).is_err(), "{bad}");
        }
        assert_eq!(
            restart_policy("on-failure:3")
                .expect("valid")
                .maximum_retry_count,
            Some(3)
        );
        for bad in ["sometimes", "on-failure:0", "on-failure:x", "always:2"] {
            assert!(restart_policy(bad).is_err(), "{bad}");
        }
    }
}
