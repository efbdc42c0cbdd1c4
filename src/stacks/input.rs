//! Stack inputs and their checks. Every check names the field it rejects, and nothing
//! is written until the whole configuration is valid.

use async_graphql::{ID, InputObject, MaybeUndefined};

use super::model::{
    CloneLocation, KeyValue, PipelineStep, PipelineStepKind, RepoScript, StackBuild, StackDeploy,
    StackRepo,
};
use crate::containers::ContainerSettings;
use crate::error::{Error, Result};

const DEFAULT_LOG_TAIL: i32 = 100;

#[derive(Debug, InputObject)]
pub struct CreateStackInput {
    /// Lowercase letters, digits, '.', '_' and '-': it names the image and container.
    pub name: String,
    pub server_id: ID,
    pub repo: Option<StackRepoInput>,
    pub build: Option<StackBuildInput>,
    pub deploy: Option<StackDeployInput>,
    pub pipeline: Option<Vec<PipelineStepInput>>,
}

/// Changes to a stack: a field left out stays as it is; `repo`, `build` or `deploy`
/// set to null removes that part.
#[derive(Debug, InputObject)]
pub struct UpdateStackInput {
    pub id: ID,
    pub name: Option<String>,
    pub server_id: Option<ID>,
    pub repo: MaybeUndefined<StackRepoInput>,
    pub build: MaybeUndefined<StackBuildInput>,
    pub deploy: MaybeUndefined<StackDeployInput>,
    pub pipeline: Option<Vec<PipelineStepInput>>,
}

#[derive(Debug, InputObject)]
pub struct DeleteStackInput {
    pub id: ID,
    /// Also stop and remove the stack's containers (default true).
    #[graphql(default = true)]
    pub remove_containers: bool,
}

#[derive(Debug, Clone, InputObject)]
pub struct StackRepoInput {
    pub url: String,
    #[graphql(default_with = "String::from(\"main\")")]
    pub branch: String,
    #[graphql(default_with = "CloneLocation::Monitor")]
    pub clone_on: CloneLocation,
    #[graphql(default)]
    pub scripts: Vec<RepoScriptInput>,
}

#[derive(Debug, Clone, InputObject)]
pub struct RepoScriptInput {
    pub name: String,
    pub command: String,
}

#[derive(Debug, Clone, InputObject)]
pub struct StackBuildInput {
    #[graphql(default_with = "String::from(\".\")")]
    pub path: String,
    #[graphql(default_with = "String::from(\"Dockerfile\")")]
    pub dockerfile: String,
    #[graphql(default)]
    pub args: Vec<KeyValue>,
    #[graphql(default)]
    pub pre_build_scripts: Vec<String>,
    /// `default`, `host` or `none`.
    #[graphql(default_with = "String::from(\"default\")")]
    pub network_mode: String,
}

#[derive(Debug, Clone, InputObject)]
pub struct StackDeployInput {
    pub image: Option<String>,
    #[graphql(default)]
    pub ports: Vec<String>,
    #[graphql(default)]
    pub volumes: Vec<String>,
    pub network: Option<String>,
    pub restart_policy: Option<String>,
    #[graphql(default)]
    pub env: Vec<String>,
    #[graphql(default)]
    pub command: Vec<String>,
    #[graphql(default_with = "DEFAULT_LOG_TAIL")]
    pub log_tail: i32,
}

#[derive(Debug, Clone, InputObject)]
pub struct PipelineStepInput {
    pub kind: PipelineStepKind,
    /// The repo script a SCRIPT step runs.
    pub script: Option<String>,
}

/// A stack's whole configuration, checked.
#[derive(Debug, Clone)]
pub struct StackConfig {
    pub name: String,
    pub server_id: String,
    pub repo: Option<StackRepo>,
    pub build: Option<StackBuild>,
    pub deploy: Option<StackDeploy>,
    pub pipeline: Vec<PipelineStep>,
}

/// The raw parts of a configuration, as a create or an update (applied to the stored
/// stack) leaves them.
pub struct RawConfig<'a> {
    pub name: &'a str,
    pub server_id: &'a str,
    pub repo: Option<StackRepoInput>,
    pub build: Option<StackBuildInput>,
    pub deploy: Option<StackDeployInput>,
    pub pipeline: Vec<PipelineStepInput>,
}

impl RawConfig<'_> {
    pub fn check(self) -> Result<StackConfig> {
        let name = stack_name(self.name)?;
        let repo = self.repo.map(|repo| repo.check()).transpose()?;
        let build = self
            .build
            .map(|build| build.check(repo.as_ref()))
            .transpose()?;
        let deploy = self
            .deploy
            .map(|deploy| deploy.check(&name, build.is_some()))
            .transpose()?;
        let pipeline = self
            .pipeline
            .iter()
            .enumerate()
            .map(|(index, step)| {
                step.check(index, repo.as_ref(), build.is_some(), deploy.is_some())
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(StackConfig {
            name,
            server_id: self.server_id.to_string(),
            repo,
            build,
            deploy,
            pipeline,
        })
    }
}

fn stack_name(raw: &str) -> Result<String> {
    let name = raw.trim();
    let valid = (2..=64).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c));
    if !valid {
        return Err(Error::bad_input(
            &["input", "name"],
            "a stack name is 2 to 64 lowercase letters, digits, '_', '.' and '-', starting with a letter or digit",
        ));
    }
    Ok(name.to_string())
}

impl StackRepoInput {
    fn check(self) -> Result<StackRepo> {
        let url = repo_url(&self.url)?;
        let branch = branch_name(&self.branch, &["input", "repo", "branch"])?;
        let mut scripts: Vec<RepoScript> = Vec::new();
        for (index, script) in self.scripts.into_iter().enumerate() {
            let index = index.to_string();
            let name = script.name.trim();
            let name_ok = (1..=64).contains(&name.len())
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
            if !name_ok {
                return Err(Error::bad_input(
                    &["input", "repo", "scripts", &index, "name"],
                    "a script name is 1 to 64 letters, digits, '_', '.' and '-'",
                ));
            }
            if scripts.iter().any(|s| s.name == name) {
                return Err(Error::bad_input(
                    &["input", "repo", "scripts", &index, "name"],
                    format!("there is already a script named {name}"),
                ));
            }
            let command = script.command.trim();
            if command.is_empty() || command.len() > 65536 || command.contains('\0') {
                return Err(Error::bad_input(
                    &["input", "repo", "scripts", &index, "command"],
                    "a script's command is 1 to 65536 characters with no NUL",
                ));
            }
            scripts.push(RepoScript {
                name: name.to_string(),
                command: command.to_string(),
            });
        }
        Ok(StackRepo {
            url,
            branch,
            clone_on: self.clone_on,
            scripts,
        })
    }
}

/// A URL git can clone: a URL with a scheme git speaks, scp-like `user@host:path`, or
/// an absolute path. A leading `-` is refused, so a URL can never become an option.
fn repo_url(raw: &str) -> Result<String> {
    let url = raw.trim();
    let bad = |why: &str| {
        Error::bad_input(
            &["input", "repo", "url"],
            format!("{url:?} is not a repository URL: {why}"),
        )
    };
    if url.is_empty() || url.len() > 2048 {
        return Err(bad("it must be 1 to 2048 characters"));
    }
    if url.starts_with('-') || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("it may not start with '-' or hold spaces"));
    }
    if let Some((scheme, rest)) = url.split_once("://") {
        if !["https", "http", "ssh", "git", "file"].contains(&scheme) {
            return Err(bad("the scheme must be https, http, ssh, git or file"));
        }
        if rest.is_empty() || (scheme != "file" && rest.starts_with('/')) {
            return Err(bad("it needs a host and a path"));
        }
        return Ok(url.to_string());
    }
    if url.starts_with('/') {
        return Ok(url.to_string());
    }
    // scp-like syntax: [user@]host:path
    match url.split_once(':') {
        Some((host, path)) if !host.is_empty() && !path.is_empty() && !host.contains('/') => {
            Ok(url.to_string())
        }
        _ => Err(bad(
            "use https://host/path, ssh://host/path, user@host:path, file:///path or an absolute path",
        )),
    }
}

/// A branch name as `git check-ref-format --branch` accepts it.
fn branch_name(raw: &str, path: &[&str]) -> Result<String> {
    let branch = raw.trim();
    let valid = (1..=255).contains(&branch.len())
        && !branch.starts_with(['-', '/', '.'])
        && !branch.ends_with(['/', '.'])
        && !branch.ends_with(".lock")
        && !branch.contains("..")
        && !branch.contains("//")
        && !branch.contains("@{")
        && !branch.contains("/.")
        && branch != "@"
        && !branch
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || "~^:?*[\\".contains(c));
    if !valid {
        return Err(Error::bad_input(
            path,
            format!("{branch:?} is not a valid branch name"),
        ));
    }
    Ok(branch.to_string())
}

/// A path inside the repository: relative, with no `..`.
fn inside_repo(raw: &str, path: &[&str]) -> Result<String> {
    let value = raw.trim().trim_start_matches("./");
    let value = if value.is_empty() { "." } else { value };
    let escapes = value.starts_with('/')
        || value.contains('\0')
        || value.split('/').any(|component| component == "..");
    if escapes || value.len() > 1024 {
        return Err(Error::bad_input(
            path,
            format!("{raw:?} must be a relative path inside the repository, without '..'"),
        ));
    }
    Ok(value.trim_end_matches('/').to_string())
}

impl StackBuildInput {
    fn check(self, repo: Option<&StackRepo>) -> Result<StackBuild> {
        let Some(repo) = repo else {
            return Err(Error::bad_input(
                &["input", "build"],
                "a build needs a repo to build from",
            ));
        };
        let path = inside_repo(&self.path, &["input", "build", "path"])?;
        let dockerfile = inside_repo(&self.dockerfile, &["input", "build", "dockerfile"])?;
        for (index, arg) in self.args.iter().enumerate() {
            let valid = arg
                .key
                .starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && arg.key.len() <= 256
                && arg
                    .key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid {
                return Err(Error::bad_input(
                    &["input", "build", "args", &index.to_string(), "key"],
                    format!("{:?} is not a build argument name", arg.key),
                ));
            }
        }
        for (index, script) in self.pre_build_scripts.iter().enumerate() {
            if !repo.scripts.iter().any(|s| &s.name == script) {
                return Err(Error::bad_input(
                    &["input", "build", "preBuildScripts", &index.to_string()],
                    format!("the repo has no script named {script:?}"),
                ));
            }
        }
        let network_mode = self.network_mode.trim().to_string();
        if !["default", "host", "none"].contains(&network_mode.as_str()) {
            return Err(Error::bad_input(
                &["input", "build", "networkMode"],
                "networkMode is default, host or none",
            ));
        }
        Ok(StackBuild {
            path,
            dockerfile,
            args: self.args,
            pre_build_scripts: self.pre_build_scripts,
            network_mode,
        })
    }
}

impl StackDeployInput {
    fn check(self, stack_name: &str, has_build: bool) -> Result<StackDeploy> {
        let image = match self.image.as_deref().map(str::trim) {
            Some(image) if !image.is_empty() => Some(image.to_string()),
            _ if has_build => None,
            _ => {
                return Err(Error::bad_input(
                    &["input", "deploy", "image"],
                    "deploy needs an image, or a build to take the image from",
                ));
            }
        };
        if !(0..=10_000).contains(&self.log_tail) {
            return Err(Error::bad_input(
                &["input", "deploy", "logTail"],
                "logTail is 0 to 10000 lines",
            ));
        }
        let deploy = StackDeploy {
            image,
            ports: self.ports,
            volumes: self.volumes,
            network: self.network,
            restart_policy: self.restart_policy,
            env: self.env,
            command: self.command,
            log_tail: self.log_tail,
        };
        // The container settings are a container's: checked the same way, with the
        // error's path under `deploy`.
        let placeholder = format!("{stack_name}:latest");
        deploy
            .container(
                stack_name,
                deploy.image.as_deref().unwrap_or(&placeholder),
                Vec::new(),
            )
            .parse()
            .map_err(|error| error.under(&["input", "deploy"]))?;
        Ok(deploy)
    }
}

impl StackDeploy {
    /// The container this configuration runs, from `image`, with `labels`.
    pub fn container(
        &self,
        name: &str,
        image: &str,
        labels: Vec<(String, String)>,
    ) -> ContainerSettings {
        ContainerSettings {
            name: name.to_string(),
            image: image.to_string(),
            command: (!self.command.is_empty()).then(|| self.command.clone()),
            env: self.env.clone(),
            ports: self.ports.clone(),
            volumes: self.volumes.clone(),
            network: self.network.clone(),
            restart_policy: self.restart_policy.clone(),
            labels,
        }
    }
}

impl PipelineStepInput {
    fn check(
        &self,
        index: usize,
        repo: Option<&StackRepo>,
        has_build: bool,
        has_deploy: bool,
    ) -> Result<PipelineStep> {
        let index = index.to_string();
        let at = ["input", "pipeline", index.as_str()];
        let missing = |what: &str| {
            Error::bad_input(
                &at,
                format!("a {:?} step needs the stack to have {what}", self.kind),
            )
        };
        match self.kind {
            PipelineStepKind::Pull if repo.is_none() => return Err(missing("a repo")),
            PipelineStepKind::Build | PipelineStepKind::Push if !has_build => {
                return Err(missing("a build"));
            }
            PipelineStepKind::Deploy if !has_deploy => return Err(missing("deploy settings")),
            PipelineStepKind::Script => {
                let script = self.script.as_deref().unwrap_or_default();
                if !repo.is_some_and(|repo| repo.scripts.iter().any(|s| s.name == script)) {
                    return Err(Error::bad_input(
                        &["input", "pipeline", &index, "script"],
                        format!("the repo has no script named {script:?}"),
                    ));
                }
            }
            _ => {}
        }
        Ok(PipelineStep {
            kind: self.kind,
            script: match self.kind {
                PipelineStepKind::Script => self.script.clone(),
                _ => None,
            },
        })
    }
}

impl From<&StackRepo> for StackRepoInput {
    fn from(repo: &StackRepo) -> StackRepoInput {
        StackRepoInput {
            url: repo.url.clone(),
            branch: repo.branch.clone(),
            clone_on: repo.clone_on,
            scripts: repo
                .scripts
                .iter()
                .map(|s| RepoScriptInput {
                    name: s.name.clone(),
                    command: s.command.clone(),
                })
                .collect(),
        }
    }
}

impl From<&StackBuild> for StackBuildInput {
    fn from(build: &StackBuild) -> StackBuildInput {
        StackBuildInput {
            path: build.path.clone(),
            dockerfile: build.dockerfile.clone(),
            args: build.args.clone(),
            pre_build_scripts: build.pre_build_scripts.clone(),
            network_mode: build.network_mode.clone(),
        }
    }
}

impl From<&StackDeploy> for StackDeployInput {
    fn from(deploy: &StackDeploy) -> StackDeployInput {
        StackDeployInput {
            image: deploy.image.clone(),
            ports: deploy.ports.clone(),
            volumes: deploy.volumes.clone(),
            network: deploy.network.clone(),
            restart_policy: deploy.restart_policy.clone(),
            env: deploy.env.clone(),
            command: deploy.command.clone(),
            log_tail: deploy.log_tail,
        }
    }
}

impl From<&PipelineStep> for PipelineStepInput {
    fn from(step: &PipelineStep) -> PipelineStepInput {
        PipelineStepInput {
            kind: step.kind,
            script: step.script.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_urls_git_can_clone_are_accepted() {
        for url in [
            "https://github.com/org/app.git",
            "ssh://git@host:2222/org/app.git",
            "git@github.com:org/app.git",
            "file:///srv/git/app.git",
            "/srv/git/app",
        ] {
            assert!(repo_url(url).is_ok(), "{url}");
        }
        for url in [
            "",
            "ftp://host/app",
            "-uhack",
            "https://",
            "https:///path",
            "relative/path",
            "has space",
        ] {
            assert!(repo_url(url).is_err(), "{url}");
        }
    }

    #[test]
    fn branch_names_follow_git_rules() {
        for branch in ["main", "release/1.2", "feature_x-y"] {
            assert!(branch_name(branch, &["b"]).is_ok(), "{branch}");
        }
        for branch in [
            "", "-x", "a..b", "a b", "x.lock", "a:b", "a~1", "/a", "a/", "@",
        ] {
            assert!(branch_name(branch, &["b"]).is_err(), "{branch}");
        }
    }

    #[test]
    fn paths_stay_inside_the_repository() {
        assert_eq!(inside_repo("./app/", &["p"]).expect("valid"), "app");
        assert_eq!(inside_repo("", &["p"]).expect("valid"), ".");
        for bad in ["/etc", "../x", "a/../../b"] {
            assert!(inside_repo(bad, &["p"]).is_err(), "{bad}");
        }
    }
}
