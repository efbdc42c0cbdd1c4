//! User input for servers: the GraphQL input objects and their validation.

use async_graphql::{ID, InputObject, MaybeUndefined};

use crate::docker::Endpoint;
use crate::error::{Error, Result};

#[derive(Debug, InputObject)]
pub struct CreateServerInput {
    /// 1 to 64 characters of letters, digits, `.`, `_` and `-`; unique.
    pub name: String,
    /// `unix:///var/run/docker.sock`, `tcp://host:port`, `agent+http://host:port` or
    /// `agent+https://host:port`.
    pub endpoint: String,
    /// The token the agent was started with; required for agent endpoints, write-only.
    pub agent_token: Option<String>,
    /// An absolute path on the server: where commands run by default.
    pub root_directory: Option<String>,
    pub tags: Option<Vec<String>>,
}

/// Changes to a server; absent fields stay as they are, `null` clears an optional one.
#[derive(Debug, InputObject)]
pub struct UpdateServerInput {
    pub id: ID,
    pub name: Option<String>,
    pub endpoint: Option<String>,
    pub agent_token: MaybeUndefined<String>,
    pub root_directory: MaybeUndefined<String>,
    pub tags: Option<Vec<String>>,
}

#[derive(Debug, InputObject)]
pub struct DeleteServerInput {
    pub id: ID,
}

/// A server's configuration once every field is valid.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerConfig {
    pub name: String,
    pub endpoint: Endpoint,
    pub agent_token: Option<String>,
    pub root_directory: Option<String>,
    pub tags: Vec<String>,
}

impl ServerConfig {
    /// Validates a whole configuration; `path` names each field for errors.
    pub fn parse(
        name: &str,
        endpoint: &str,
        agent_token: Option<&str>,
        root_directory: Option<&str>,
        tags: &[String],
    ) -> Result<ServerConfig> {
        let name = parse_name(name)?;
        let endpoint = Endpoint::parse(endpoint, &["input", "endpoint"])?;
        let agent_token = match (endpoint.is_agent(), agent_token) {
            (true, Some(token)) if token.trim().len() >= 16 && token.trim().is_ascii() => {
                Some(token.trim().to_string())
            }
            (true, Some(_)) => {
                return Err(Error::bad_input(
                    &["input", "agentToken"],
                    "the agent token must be at least 16 ASCII characters",
                ));
            }
            (true, None) => {
                return Err(Error::bad_input(
                    &["input", "agentToken"],
                    "an agent endpoint needs the token the agent was started with",
                ));
            }
            (false, Some(_)) => {
                return Err(Error::bad_input(
                    &["input", "agentToken"],
                    "only agent endpoints (agent+http://, agent+https://) take a token",
                ));
            }
            (false, None) => None,
        };
        let root_directory = root_directory.map(parse_root_directory).transpose()?;
        Ok(ServerConfig {
            name,
            endpoint,
            agent_token,
            root_directory,
            tags: parse_tags(tags)?,
        })
    }
}

fn parse_name(raw: &str) -> Result<String> {
    let name = raw.trim();
    let path = &["input", "name"];
    if !(1..=64).contains(&name.len()) {
        return Err(Error::bad_input(
            path,
            "name must be 1 to 64 characters long",
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric())
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        return Err(Error::bad_input(
            path,
            "name may only hold letters, digits, '.', '_' and '-', and starts with a letter or digit",
        ));
    }
    Ok(name.to_string())
}

fn parse_root_directory(raw: &str) -> Result<String> {
    let path = &["input", "rootDirectory"];
    if !raw.starts_with('/') || raw.len() > 4096 || raw.contains('\0') {
        return Err(Error::bad_input(
            path,
            "rootDirectory must be an absolute path, e.g. /srv/monitor",
        ));
    }
    Ok(raw.to_string())
}

fn parse_tags(raw: &[String]) -> Result<Vec<String>> {
    if raw.len() > 20 {
        return Err(Error::bad_input(&["input", "tags"], "at most 20 tags"));
    }
    let mut tags: Vec<String> = Vec::new();
    for (index, tag) in raw.iter().enumerate() {
        let tag = tag.trim();
        let valid = (1..=32).contains(&tag.len())
            && tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._:-".contains(c));
        if !valid {
            let index = index.to_string();
            return Err(Error::bad_input(
                &["input", "tags", &index],
                "a tag is 1 to 32 characters of letters, digits, '.', '_', ':' and '-'",
            ));
        }
        if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_string());
        }
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(error: Error) -> Vec<String> {
        match error {
            Error::BadInput { field, .. } => field,
            other => panic!("expected BAD_USER_INPUT, got {other:?}"),
        }
    }

    #[test]
    fn agents_need_a_token_and_others_refuse_one() {
        let error =
            ServerConfig::parse("a", "agent+http://h:1", None, None, &[]).expect_err("no token");
        assert_eq!(field(error), ["input", "agentToken"]);
        let error = ServerConfig::parse("a", "unix:///s", Some("0123456789abcdef"), None, &[])
            .expect_err("token on a socket");
        assert_eq!(field(error), ["input", "agentToken"]);
        let config = ServerConfig::parse(
            "a",
            "agent+http://h:1",
            Some(" 0123456789abcdef "),
            None,
            &[],
        )
        .expect("valid");
        assert_eq!(config.agent_token.as_deref(), Some("0123456789abcdef"));
    }

    #[test]
    fn each_bad_field_is_named() {
        let tags = vec!["ok".to_string(), "not ok".to_string()];
        let error = ServerConfig::parse("a", "unix:///s", None, None, &tags).expect_err("bad tag");
        assert_eq!(field(error), ["input", "tags", "1"]);
        let error =
            ServerConfig::parse("a", "unix:///s", None, Some("relative"), &[]).expect_err("dir");
        assert_eq!(field(error), ["input", "rootDirectory"]);
        let error = ServerConfig::parse("-a", "unix:///s", None, None, &[]).expect_err("name");
        assert_eq!(field(error), ["input", "name"]);
    }
}
