//! Where a server's Docker engine is: written the way users already write `DOCKER_HOST`,
//! or as the address of a `monitor agent`.

use std::fmt;
use std::path::PathBuf;

use crate::error::{Error, Result};

/// A parsed, valid server endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// `unix:///var/run/docker.sock`: an engine on the monitor host itself.
    Unix(PathBuf),
    /// `tcp://host:2375`: an engine's plain HTTP API.
    Tcp { host: String, port: u16 },
    /// `agent+http://host:port` or `agent+https://host:port`: a `monitor agent`.
    Agent { host: String, port: u16, tls: bool },
}

impl Endpoint {
    /// Parses `raw`, reporting a problem as `BAD_USER_INPUT` at `path`.
    pub fn parse(raw: &str, path: &[&str]) -> Result<Endpoint> {
        let raw = raw.trim();
        let bad = |message: String| Error::bad_input(path, message);
        let Some((scheme, rest)) = raw.split_once("://") else {
            return Err(bad(format!(
                "endpoint {raw:?} has no scheme: use unix:///path/to/docker.sock, tcp://host:port, agent+http://host:port or agent+https://host:port"
            )));
        };
        match scheme {
            "unix" => {
                if !rest.starts_with('/') || rest.len() < 2 {
                    return Err(bad(
                        "a unix endpoint needs an absolute socket path, e.g. unix:///var/run/docker.sock".into(),
                    ));
                }
                Ok(Endpoint::Unix(PathBuf::from(rest)))
            }
            "tcp" => {
                let (host, port) = host_and_port(rest).map_err(bad)?;
                Ok(Endpoint::Tcp { host, port })
            }
            "agent+http" | "agent+https" => {
                let (host, port) = host_and_port(rest).map_err(bad)?;
                Ok(Endpoint::Agent {
                    host,
                    port,
                    tls: scheme == "agent+https",
                })
            }
            other => Err(bad(format!(
                "unknown endpoint scheme {other:?}: use unix, tcp, agent+http or agent+https"
            ))),
        }
    }

    /// Whether commands can run on this server: on the monitor host for a local socket,
    /// through the agent for a remote one. A bare `tcp://` engine offers no shell.
    pub fn runs_commands(&self) -> bool {
        !matches!(self, Endpoint::Tcp { .. })
    }

    pub fn is_agent(&self) -> bool {
        matches!(self, Endpoint::Agent { .. })
    }
}

/// `host:port` or `[v6]:port`, with nothing after it but an optional `/`.
fn host_and_port(rest: &str) -> std::result::Result<(String, u16), String> {
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.contains('/') || authority.contains('?') || authority.contains('@') {
        return Err(format!(
            "{rest:?} must be host:port, with no path, query or credentials"
        ));
    }
    let Some((host, port)) = authority.rsplit_once(':') else {
        return Err(format!("{rest:?} needs a port, e.g. 10.0.0.5:2376"));
    };
    let port: u16 = port
        .parse()
        .ok()
        .filter(|port| *port > 0)
        .ok_or_else(|| format!("port {port:?} must be a number from 1 to 65535"))?;
    let valid_host = if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        v6.parse::<std::net::Ipv6Addr>().is_ok()
    } else {
        !host.is_empty()
            && host.len() <= 253
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    };
    if !valid_host {
        return Err(format!("{host:?} is not a host name or IP address"));
    }
    Ok((host.to_string(), port))
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Unix(path) => write!(f, "unix://{}", path.display()),
            Endpoint::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            Endpoint::Agent { host, port, tls } => {
                let scheme = if *tls { "agent+https" } else { "agent+http" };
                write!(f, "{scheme}://{host}:{port}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<Endpoint> {
        Endpoint::parse(raw, &["input", "endpoint"])
    }

    #[test]
    fn the_endpoints_users_write_parse_and_print_back() {
        for raw in [
            "unix:///var/run/docker.sock",
            "tcp://10.0.0.5:2375",
            "agent+http://build-1.internal:7070",
            "agent+https://[::1]:7443",
        ] {
            assert_eq!(parse(raw).expect(raw).to_string(), raw);
        }
    }

    #[test]
    fn malformed_endpoints_are_refused_at_the_endpoint_field() {
        for raw in [
            "",
            "/var/run/docker.sock",
            "unix://relative.sock",
            "tcp://host",
            "tcp://host:0",
            "tcp://host:99999",
            "tcp://:2375",
            "tcp://host:2375/path",
            "agent+http://user@host:1",
            "ssh://host:22",
            "http://host:80",
        ] {
            let error = parse(raw).expect_err(raw);
            assert_eq!(error.code(), "BAD_USER_INPUT", "{raw}");
            let Error::BadInput { field, .. } = error else {
                unreachable!()
            };
            assert_eq!(field, ["input", "endpoint"]);
        }
    }

    #[test]
    fn only_plain_tcp_engines_cannot_run_commands() {
        assert!(
            parse("unix:///run/docker.sock")
                .expect("unix")
                .runs_commands()
        );
        assert!(parse("agent+http://h:1").expect("agent").runs_commands());
        assert!(!parse("tcp://h:2375").expect("tcp").runs_commands());
    }
}
