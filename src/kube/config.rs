//! Where the cluster's address and credentials come from, in the order a user expects:
//! the `kubernetes.kubeconfig` setting, then `KUBECONFIG`, then `~/.kube/config`, then
//! the service account of the pod monitor runs in. None of them present means "not
//! configured", which is a normal state, not an error: monitor runs without a cluster.

use std::ffi::OsString;
use std::path::PathBuf;

use kube::config::{KubeConfigOptions, Kubeconfig};

use crate::config::KubernetesSettings;

/// A place the cluster configuration was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The `kubernetes.kubeconfig` setting.
    Setting(PathBuf),
    /// The files listed in `KUBECONFIG`, merged as kubectl merges them.
    KubeconfigEnv(OsString),
    /// `~/.kube/config`.
    Home(PathBuf),
    /// The pod's service account (`KUBERNETES_SERVICE_HOST` and its mounted token).
    InCluster,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Setting(path) => write!(f, "kubeconfig {}", path.display()),
            Source::KubeconfigEnv(paths) => write!(f, "KUBECONFIG={}", paths.to_string_lossy()),
            Source::Home(path) => write!(f, "kubeconfig {}", path.display()),
            Source::InCluster => write!(f, "the pod's service account"),
        }
    }
}

/// What the process environment says about where a cluster could be configured.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    pub kubeconfig: Option<OsString>,
    pub home: Option<PathBuf>,
    pub in_cluster: bool,
}

impl Environment {
    /// Reads `KUBECONFIG`, `HOME` and `KUBERNETES_SERVICE_HOST`.
    pub fn current() -> Environment {
        Environment {
            kubeconfig: std::env::var_os("KUBECONFIG").filter(|value| !value.is_empty()),
            home: std::env::var_os("HOME").map(PathBuf::from),
            in_cluster: std::env::var_os("KUBERNETES_SERVICE_HOST").is_some(),
        }
    }
}

/// The first place that configures a cluster, if any does. A configured path counts
/// even when the file is missing: the user meant it, so that is an error to show.
pub fn find_source(settings: &KubernetesSettings, environment: &Environment) -> Option<Source> {
    if let Some(path) = &settings.kubeconfig {
        return Some(Source::Setting(path.clone()));
    }
    if let Some(paths) = &environment.kubeconfig {
        return Some(Source::KubeconfigEnv(paths.clone()));
    }
    if let Some(path) = environment
        .home
        .as_ref()
        .map(|home| home.join(".kube").join("config"))
        .filter(|path| path.exists())
    {
        return Some(Source::Home(path));
    }
    environment.in_cluster.then_some(Source::InCluster)
}

/// Reads the client configuration from `source`; the error says what is wrong with it.
pub async fn load(source: &Source, settings: &KubernetesSettings) -> Result<kube::Config, String> {
    let options = KubeConfigOptions {
        context: settings.context.clone(),
        ..KubeConfigOptions::default()
    };
    let kubeconfig = match source {
        Source::InCluster => {
            return kube::Config::incluster().map_err(|error| format!("{source}: {error}"));
        }
        Source::Setting(path) | Source::Home(path) => Kubeconfig::read_from(path),
        Source::KubeconfigEnv(_) => Kubeconfig::from_env()
            .and_then(|found| found.ok_or(kube::config::KubeconfigError::FindPath)),
    }
    .map_err(|error| format!("{source}: {error}"))?;
    kube::Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .map_err(|error| format!("{source}: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setting_wins_then_kubeconfig_then_home_then_the_pod() {
        let home = tempfile::tempdir().expect("temporary directory");
        std::fs::create_dir(home.path().join(".kube")).expect("mkdir");
        std::fs::write(home.path().join(".kube/config"), "").expect("write");
        let mut settings = KubernetesSettings {
            kubeconfig: Some("/etc/monitor/kubeconfig".into()),
            ..KubernetesSettings::default()
        };
        let mut environment = Environment {
            kubeconfig: Some("/a:/b".into()),
            home: Some(home.path().to_path_buf()),
            in_cluster: true,
        };
        let found = || find_source(&settings, &environment);
        assert_eq!(
            found(),
            Some(Source::Setting("/etc/monitor/kubeconfig".into()))
        );
        settings.kubeconfig = None;
        let found = || find_source(&settings, &environment);
        assert_eq!(found(), Some(Source::KubeconfigEnv("/a:/b".into())));
        environment.kubeconfig = None;
        let found = || find_source(&settings, &environment);
        assert_eq!(
            found(),
            Some(Source::Home(home.path().join(".kube/config")))
        );
        environment.home = None;
        assert_eq!(
            find_source(&settings, &environment),
            Some(Source::InCluster)
        );
    }

    #[test]
    fn nothing_anywhere_is_not_configured() {
        let environment = Environment {
            home: Some("/nonexistent-home".into()),
            ..Environment::default()
        };
        assert_eq!(
            find_source(&KubernetesSettings::default(), &environment),
            None
        );
    }

    #[tokio::test]
    async fn a_configured_kubeconfig_that_is_missing_says_which_file() {
        let source = Source::Setting("/nonexistent/kubeconfig".into());
        let error = load(&source, &KubernetesSettings::default())
            .await
            .expect_err("a missing file is an error");
        assert!(error.contains("/nonexistent/kubeconfig"), "{error}");
    }
}
