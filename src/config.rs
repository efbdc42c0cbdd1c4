//! Settings, layered as users expect: defaults < `monitor.toml` < `MONITOR_*` env < flags.
//!
//! Nested keys come from env with a double underscore: `MONITOR_LIMITS__MAX_BODY_BYTES`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

/// Everything `monitor serve` can be told.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Settings {
    /// Address the HTTP server binds, e.g. `127.0.0.1:8080` (port 0 picks a free one).
    pub listen: SocketAddr,
    /// Directory of the embedded store (and anything else monitor keeps on disk).
    pub data_dir: PathBuf,
    /// Store URL: `surrealkv://DIR`, `rocksdb://DIR`, `mem://` or `ws://host:port`.
    /// Unset means the embedded SurrealKV store in `data_dir/store`.
    pub db: Option<String>,
    /// Namespace and database inside the store; only worth changing on a shared server.
    pub db_namespace: String,
    pub db_database: String,
    /// Root credentials for a remote store (`ws://…`); unused for embedded engines.
    pub db_username: Option<String>,
    #[serde(skip_serializing)]
    pub db_password: Option<SecretString>,
    /// Password for the `admin` user created on first start; generated when unset.
    #[serde(skip_serializing)]
    pub admin_password: Option<SecretString>,
    /// `pretty` for people, `json` for log pipelines.
    pub log_format: LogFormat,
    /// How long a login session lasts.
    pub session_ttl_hours: u32,
    /// How often idle websocket connections are pinged and their token checked again.
    pub websocket_ping_seconds: u64,
    /// How often each server's engine is checked (version, counts, host figures).
    pub server_check_seconds: u64,
    pub limits: Limits,
    /// Where stack images are pushed and deployed from.
    pub registry: RegistrySettings,
    /// The cluster apps are deployed to, and the resource they are deployed as.
    pub kubernetes: KubernetesSettings,
    /// Where each deployed app gets its dashboard.
    pub grafana: GrafanaSettings,
    /// Backups monitor takes by itself.
    pub backup: BackupSettings,
    /// What probe owners earn.
    pub probes: ProbeSettings,
}

/// Probe owners earn credits for the time their probes are connected, not per result,
/// so nobody farms credits measuring from their own probe.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ProbeSettings {
    /// Credits a probe's owner earns for each full period it is connected.
    pub earned_credits: i64,
    /// The period, in seconds: an hour.
    pub earning_seconds: u64,
}

impl Default for ProbeSettings {
    fn default() -> Self {
        ProbeSettings {
            earned_credits: 10,
            earning_seconds: 3600,
        }
    }
}

/// The Kubernetes cluster: its kubeconfig (else `KUBECONFIG`, `~/.kube/config`, then the
/// in-cluster service account), and the custom resource apps are deployed as.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct KubernetesSettings {
    /// A kubeconfig file; when unset, the usual places are tried.
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use; its current context when unset.
    pub context: Option<String>,
    /// Namespaces whose resources monitor watches; every namespace it may read when empty.
    pub namespaces: Vec<String>,
    /// The resource's API group, version, kind and plural, as its CRD defines them.
    pub group: String,
    pub version: String,
    pub kind: String,
    pub plural: String,
    /// How long one request to the API server may take (watches excepted).
    pub request_timeout_seconds: u64,
    /// How long a deploy waits for the controller to finish before it fails as timed
    /// out (the resource stays as applied).
    pub deploy_timeout_seconds: u64,
}

impl Default for KubernetesSettings {
    fn default() -> Self {
        KubernetesSettings {
            kubeconfig: None,
            context: None,
            namespaces: Vec::new(),
            group: "rampart.petuum.com".into(),
            version: "v1beta2".into(),
            kind: "RampartGraph".into(),
            plural: "rampartgraphs".into(),
            request_timeout_seconds: 30,
            deploy_timeout_seconds: 600,
        }
    }
}

/// Grafana's HTTP API and a service-account token for it; both unset means no dashboards.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct GrafanaSettings {
    /// `http(s)://host[:port][/sub-path]`, as users open Grafana in a browser.
    pub url: Option<String>,
    /// A service-account token (`glsa_…`) allowed to write dashboards; write-only.
    #[serde(skip_serializing)]
    pub token: Option<SecretString>,
}

/// Scheduled backups: the whole store written to `dir` every `every`, the newest `keep`
/// kept. Put `dir` on another disk than the store, so one failing disk loses one copy.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct BackupSettings {
    /// How often, e.g. `6h`, `30m`, `1d`; empty turns scheduled backups off.
    pub every: Option<String>,
    /// How many backups to keep; older ones are removed.
    pub keep: usize,
    /// Where backups are written; `<data_dir>/backups` when unset.
    pub dir: Option<PathBuf>,
}

impl Default for BackupSettings {
    fn default() -> Self {
        BackupSettings {
            every: Some("24h".into()),
            keep: 7,
            dir: None,
        }
    }
}

/// The image registry stacks push to: one that exists (`MONITOR_REGISTRY__URL`), or
/// one monitor runs itself as the `registry` stack on the first local server whose
/// engine has `managed_image`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RegistrySettings {
    /// `http(s)://host[:port]` of an existing registry; monitor then runs none.
    pub url: Option<String>,
    pub username: Option<String>,
    #[serde(skip_serializing)]
    pub password: Option<SecretString>,
    /// Whether monitor runs the registry itself when `url` is unset.
    pub managed: bool,
    /// The CNCF distribution registry's image, as the engine names it.
    pub managed_image: String,
    /// Where the managed registry listens (host network), and how images name it.
    pub managed_listen: String,
}

impl Default for RegistrySettings {
    fn default() -> Self {
        RegistrySettings {
            url: None,
            username: None,
            password: None,
            managed: true,
            managed_image: "registry:2".into(),
            managed_listen: "127.0.0.1:5000".into(),
        }
    }
}

/// Bounds that keep one client from hurting everyone else.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Limits {
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Deepest accepted GraphQL selection.
    pub max_query_depth: usize,
    /// Largest accepted GraphQL complexity (each field costs 1, lists multiply).
    pub max_query_complexity: usize,
    /// Longest accepted GraphQL query text, in bytes.
    pub max_query_bytes: usize,
    /// Most selections a query may hold once each fragment spread is replaced by its
    /// fragment; checked before validation, whose cost grows with this number.
    pub max_query_selections: usize,
    /// Login attempts allowed per username and per client address, each minute.
    pub login_attempts_per_minute: u32,
    /// How long one GraphQL request over HTTP may run before it is abandoned.
    pub request_timeout_seconds: u64,
    /// How long a client may take to send a request's headers before its connection
    /// is closed.
    pub header_read_timeout_seconds: u64,
    /// Subscriptions one websocket may hold open at once.
    pub websocket_subscriptions_per_connection: usize,
    /// Websockets one user may hold open at once.
    pub websocket_connections_per_user: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./data"),
            db: None,
            db_namespace: "monitor".into(),
            db_database: "monitor".into(),
            db_username: None,
            db_password: None,
            admin_password: None,
            log_format: LogFormat::Pretty,
            session_ttl_hours: 12,
            websocket_ping_seconds: 15,
            server_check_seconds: 10,
            limits: Limits {
                max_body_bytes: 1024 * 1024,
                max_query_depth: 16,
                max_query_complexity: 2000,
                max_query_bytes: 100_000,
                max_query_selections: 5000,
                login_attempts_per_minute: 10,
                request_timeout_seconds: 30,
                header_read_timeout_seconds: 10,
                websocket_subscriptions_per_connection: 100,
                websocket_connections_per_user: 32,
            },
            registry: RegistrySettings::default(),
            kubernetes: KubernetesSettings::default(),
            grafana: GrafanaSettings::default(),
            backup: BackupSettings::default(),
            probes: ProbeSettings::default(),
        }
    }
}

/// Values given as command-line flags; `None` leaves the lower layers alone.
#[derive(Debug, Default, Serialize)]
pub struct FlagOverrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub db: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_format: Option<LogFormat>,
}

impl Settings {
    /// Loads the layers. A missing default `monitor.toml` is fine; a missing file that
    /// was named explicitly is an error, as is any value of the wrong type.
    pub fn load(config_file: Option<&Path>, flags: FlagOverrides) -> anyhow::Result<Settings> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        match config_file {
            Some(path) if !path.exists() => {
                anyhow::bail!("config file {} does not exist", path.display())
            }
            Some(path) => figment = figment.merge(Toml::file_exact(path)),
            None if Path::new("monitor.toml").exists() => {
                figment = figment.merge(Toml::file_exact("monitor.toml"))
            }
            None => {}
        }
        let settings: Settings = figment
            .merge(Env::prefixed("MONITOR_").split("__"))
            .merge(Serialized::globals(flags))
            .extract()?;
        Ok(settings)
    }

    /// The first admin's password, if one was given; an empty value counts as none, as
    /// an empty `MONITOR_ADMIN_PASSWORD=` in an env file usually means "unset".
    pub fn admin_password(&self) -> Option<&SecretString> {
        use secrecy::ExposeSecret;
        self.admin_password
            .as_ref()
            .filter(|password| !password.expose_secret().is_empty())
    }

    /// Where scheduled backups go: the configured directory, or `backups` in the data dir.
    pub fn backup_dir(&self) -> PathBuf {
        self.backup
            .dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("backups"))
    }

    /// The store URL actually used: the configured one, or SurrealKV in the data dir.
    pub fn store_url(&self) -> String {
        match &self.db {
            Some(url) => url.clone(),
            None => format!("surrealkv://{}", self.data_dir.join("store").display()),
        }
    }
}

#[cfg(test)]
#[allow(
    clippy::result_large_err,
    reason = "figment::Jail's closures return figment::Error"
)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_env_which_wins_over_the_file() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "monitor.toml",
                "listen = \"127.0.0.1:9000\"\ndata_dir = \"/file\"\nsession_ttl_hours = 3\n",
            )?;
            jail.set_env("MONITOR_DATA_DIR", "/env");
            jail.set_env("MONITOR_LIMITS__MAX_QUERY_DEPTH", "5");
            let flags = FlagOverrides {
                listen: Some("127.0.0.1:9100".parse().expect("valid address")),
                ..FlagOverrides::default()
            };
            let settings = Settings::load(None, flags).expect("settings load");
            assert_eq!(settings.listen.port(), 9100);
            assert_eq!(settings.data_dir, PathBuf::from("/env"));
            assert_eq!(settings.session_ttl_hours, 3);
            assert_eq!(settings.limits.max_query_depth, 5);
            Ok(())
        });
    }

    #[test]
    fn a_named_config_file_that_does_not_exist_is_an_error() {
        let result = Settings::load(
            Some(Path::new("/nonexistent/monitor.toml")),
            FlagOverrides::default(),
        );
        assert!(result.is_err());
    }

    #[test]
    fn a_wrongly_typed_value_is_an_error() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("MONITOR_LISTEN", "not an address");
            assert!(Settings::load(None, FlagOverrides::default()).is_err());
            Ok(())
        });
    }

    #[test]
    fn kubernetes_and_grafana_settings_come_from_nested_env() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("MONITOR_KUBERNETES__KUBECONFIG", "/etc/monitor/kubeconfig");
            jail.set_env("MONITOR_KUBERNETES__NAMESPACES", "[apps, ml]");
            jail.set_env("MONITOR_KUBERNETES__VERSION", "v1");
            jail.set_env("MONITOR_GRAFANA__URL", "http://grafana:3000");
            jail.set_env("MONITOR_GRAFANA__TOKEN", "glsa_secret");
            let settings = Settings::load(None, FlagOverrides::default()).expect("settings load");
            let kubernetes = &settings.kubernetes;
            assert_eq!(
                kubernetes.kubeconfig,
                Some(PathBuf::from("/etc/monitor/kubeconfig"))
            );
            assert_eq!(kubernetes.namespaces, ["apps", "ml"]);
            assert_eq!(kubernetes.version, "v1");
            assert_eq!(kubernetes.group, "rampart.petuum.com");
            assert_eq!(settings.grafana.url.as_deref(), Some("http://grafana:3000"));
            let shown = serde_json::to_string(&settings).expect("settings serialize");
            assert!(
                !shown.contains("glsa_secret"),
                "the token is never written out"
            );
            Ok(())
        });
    }

    #[test]
    fn the_default_store_is_surrealkv_inside_the_data_dir() {
        let settings = Settings::default();
        assert_eq!(settings.store_url(), "surrealkv://./data/store");
    }
}
