//! The image registry stacks push to and deploy from, spoken to with the Docker
//! Registry HTTP API v2 (the CNCF distribution registry, or any registry that speaks it):
//! one configured (`registry.url`), or one monitor runs itself ([`managed`]).
//!
//! Without a registry, a stack's images stay on the server that built them, named
//! `monitor/<stack>`; deploying then works on that server only.

pub mod managed;

use async_graphql::SimpleObject;
use bollard::auth::DockerCredentials;
use secrecy::ExposeSecret;

use crate::config::RegistrySettings;
use crate::error::{Error, Result};

/// How long one registry API call may take.
const CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);
/// Tags listed per stack: the registry API gives no push times to page by, so the list
/// is bounded instead.
const MAX_TAGS: usize = 200;

/// An image of a stack in the registry.
#[derive(Debug, Clone, SimpleObject)]
pub struct StackImage {
    /// The full reference to deploy, e.g. `registry:5000/api:3f2a9c1d0e4b`.
    pub reference: String,
    pub tag: String,
    /// The manifest's digest, e.g. `sha256:…`.
    pub digest: Option<String>,
}

#[derive(Clone)]
pub struct Registry {
    /// `http(s)://host[:port]`, where the API is.
    api: String,
    /// `host[:port]`, as image references name it.
    host: String,
    username: Option<String>,
    password: Option<secrecy::SecretString>,
    http: reqwest::Client,
}

impl Registry {
    /// The configured registry, if any; a malformed URL stops monitor at start.
    pub fn from_settings(settings: &RegistrySettings) -> anyhow::Result<Option<Registry>> {
        let Some(url) = settings
            .url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        else {
            return Ok(None);
        };
        Registry::at(url, settings.username.clone(), settings.password.clone()).map(Some)
    }

    /// A registry at `http(s)://host[:port]`.
    pub fn at(
        url: &str,
        username: Option<String>,
        password: Option<secrecy::SecretString>,
    ) -> anyhow::Result<Registry> {
        let url = url.trim_end_matches('/');
        let host = url
            .strip_prefix("http://")
            .or_else(|| url.strip_prefix("https://"))
            .filter(|host| !host.is_empty() && !host.contains('/'))
            .ok_or_else(|| {
                anyhow::anyhow!("a registry URL is http(s)://host[:port], not {url:?}")
            })?;
        let http = reqwest::Client::builder().timeout(CALL_TIMEOUT).build()?;
        Ok(Registry {
            api: url.to_string(),
            host: host.to_string(),
            username,
            password,
            http,
        })
    }

    /// `host:port/<stack>`, the repository a stack's images are pushed to.
    pub fn repository(&self, stack_name: &str) -> String {
        format!("{}/{stack_name}", self.host)
    }

    /// What the Docker engine presents to the registry on push and pull.
    pub fn credentials(&self) -> Option<DockerCredentials> {
        let username = self.username.clone()?;
        Some(DockerCredentials {
            username: Some(username),
            password: self
                .password
                .as_ref()
                .map(|p| p.expose_secret().to_string()),
            serveraddress: Some(self.host.clone()),
            ..Default::default()
        })
    }

    /// Whether `image` lives in this registry (and so is pulled with its credentials).
    pub fn holds(&self, image: &str) -> bool {
        image.starts_with(&format!("{}/", self.host))
    }

    /// A stack's tags and their digests, as the registry lists them.
    pub async fn images(&self, stack_name: &str) -> Result<Vec<StackImage>> {
        #[derive(serde::Deserialize)]
        struct TagList {
            tags: Option<Vec<String>>,
        }
        let response = self
            .get(&format!("{}/v2/{stack_name}/tags/list", self.api))
            .send()
            .await
            .map_err(|e| self.unavailable(e))?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(Vec::new());
        }
        let list: TagList = response
            .error_for_status()
            .map_err(|e| self.unavailable(e))?
            .json()
            .await
            .map_err(|e| self.unavailable(e))?;
        let mut tags = list.tags.unwrap_or_default();
        tags.sort();
        tags.truncate(MAX_TAGS);
        let mut images = Vec::with_capacity(tags.len());
        for tag in tags {
            let digest = self.digest(stack_name, &tag).await?;
            images.push(StackImage {
                reference: format!("{}:{tag}", self.repository(stack_name)),
                tag,
                digest,
            });
        }
        Ok(images)
    }

    async fn digest(&self, stack_name: &str, tag: &str) -> Result<Option<String>> {
        let response = self
            .http
            .head(format!("{}/v2/{stack_name}/manifests/{tag}", self.api))
            .header(
                reqwest::header::ACCEPT,
                "application/vnd.docker.distribution.manifest.v2+json, \
                 application/vnd.oci.image.manifest.v1+json, \
                 application/vnd.docker.distribution.manifest.list.v2+json, \
                 application/vnd.oci.image.index.v1+json",
            );
        let response = self
            .authorized(response)
            .send()
            .await
            .map_err(|e| self.unavailable(e))?;
        Ok(response
            .headers()
            .get("docker-content-digest")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string))
    }

    fn get(&self, url: &str) -> reqwest::RequestBuilder {
        self.authorized(self.http.get(url))
    }

    fn authorized(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.username {
            Some(username) => request.basic_auth(
                username,
                self.password
                    .as_ref()
                    .map(|p| p.expose_secret().to_string()),
            ),
            None => request,
        }
    }

    fn unavailable(&self, error: reqwest::Error) -> Error {
        Error::Unavailable {
            component: "registry",
            message: format!("{} did not answer: {error}", self.api),
        }
    }
}
