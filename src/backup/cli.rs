//! The backup commands: `monitor backup`, `monitor restore`, `monitor db nuke`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use futures::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use tokio::io::AsyncWriteExt;

use crate::store::{DataDirLock, Store, StoreAddress};

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Base URL of the server, e.g. http://127.0.0.1:8080.
    #[arg(long)]
    pub server: String,
    /// An ADMIN API token.
    #[arg(long, env = "MONITOR_TOKEN", hide_env_values = true)]
    pub token: String,
    /// File to write; `-` for standard output.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Data directory of the store to restore into.
    #[arg(long, default_value = "./data")]
    pub data_dir: PathBuf,
    /// Store URL, when not the embedded store in the data directory.
    #[arg(long)]
    pub db: Option<String>,
    /// Restore even into a store that already holds data (it is wiped first).
    #[arg(long)]
    pub force: bool,
    /// The backup file written by `monitor backup` or `GET /backup`.
    pub file: PathBuf,
}

fn address(data_dir: &Path, db: Option<&str>) -> StoreAddress {
    let settings = crate::config::Settings {
        data_dir: data_dir.to_path_buf(),
        db: db.map(str::to_string),
        ..crate::config::Settings::default()
    };
    StoreAddress::from_settings(&settings)
}

/// The data directory's lock when the store is the one embedded in it: a store a
/// running monitor has open is neither restored into nor nuked.
fn embedded(data_dir: &Path, db: Option<&str>) -> anyhow::Result<Option<DataDirLock>> {
    match db {
        None => DataDirLock::acquire(data_dir).map(Some),
        Some(_) => Ok(None),
    }
}

fn bar(length: Option<u64>, template: &str) -> ProgressBar {
    let bar = match length {
        Some(length) => ProgressBar::new(length),
        None => ProgressBar::new_spinner(),
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

/// Downloads a backup from a running server, with a progress bar, and checks that it
/// arrived whole (its last line is the trailer).
pub async fn download(args: BackupArgs) -> anyhow::Result<()> {
    let url = format!("{}/backup", args.server.trim_end_matches('/'));
    let response = reqwest::Client::new()
        .get(&url)
        .bearer_auth(&args.token)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("cannot reach {url}: {e}"))?;
    if !response.status().is_success() {
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        anyhow::bail!("the server refused the backup ({status}): {body}");
    }
    let bar = bar(None, "{spinner} {bytes} received ({bytes_per_sec})");
    let mut out: Box<dyn tokio::io::AsyncWrite + Unpin> = if args.out == Path::new("-") {
        Box::new(tokio::io::stdout())
    } else {
        Box::new(
            tokio::fs::File::create(&args.out)
                .await
                .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", args.out.display()))?,
        )
    };
    let mut tail: Vec<u8> = Vec::new();
    let mut body = response.bytes_stream();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| anyhow::anyhow!("the download broke off: {e}"))?;
        out.write_all(&chunk).await?;
        tail.extend_from_slice(&chunk);
        if tail.len() > 4096 {
            tail.drain(..tail.len() - 4096);
        }
        bar.inc(chunk.len() as u64);
    }
    out.flush().await?;
    bar.finish();
    let last_line = String::from_utf8_lossy(&tail);
    let last_line = last_line.trim_end().rsplit('\n').next().unwrap_or_default();
    if serde_json::from_str::<super::format::Trailer>(last_line).is_err() {
        anyhow::bail!("the backup is incomplete: the server stopped before its end (see its log)");
    }
    eprintln!("backup written to {}", args.out.display());
    Ok(())
}

/// Restores a backup file into an empty store (or, with `--force`, a wiped one).
pub async fn restore_file(args: RestoreArgs) -> anyhow::Result<()> {
    let verified = super::restore::verify(&args.file).await?;
    let _data_dir = embedded(&args.data_dir, args.db.as_deref())?;
    let store = Store::connect(&address(&args.data_dir, args.db.as_deref())).await?;
    if !store.is_empty().await? {
        if !args.force {
            anyhow::bail!(
                "the store at {} already holds data: restore only into an empty store, or pass --force to wipe it first",
                store.url()
            );
        }
        store.remove_everything().await?;
    }
    store.prepare().await?;
    let bar = bar(
        Some(verified.records),
        "{bar:40} {pos}/{len} records ({eta} left)",
    );
    let written = super::restore::load(&store, &args.file, |done| bar.set_position(done)).await?;
    store.migrate_restored().await?;
    bar.finish();
    eprintln!(
        "restored {written} records (backup of {} by monitor {})",
        verified.header.created_at, verified.header.monitor_version
    );
    Ok(())
}

/// Wipes a store after the user confirms. An embedded store's directory is removed
/// without opening it, so even a store too broken or too new to open can be nuked.
pub async fn nuke(data_dir: &Path, db: Option<&str>, yes: bool) -> anyhow::Result<()> {
    let _data_dir = embedded(data_dir, db)?;
    let address = address(data_dir, db);
    if !yes {
        eprint!(
            "This deletes everything in {}. Type 'nuke' to go on: ",
            address.url
        );
        std::io::stderr().flush()?;
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if answer.trim() != "nuke" {
            anyhow::bail!("nothing was deleted");
        }
    }
    match address.embedded_dir() {
        Some(dir) => {
            if dir.exists() {
                std::fs::remove_dir_all(&dir)
                    .map_err(|e| anyhow::anyhow!("cannot remove {}: {e}", dir.display()))?;
            }
            crate::store::marker::remove(&dir)
                .map_err(|e| anyhow::anyhow!("cannot remove the store's record: {e}"))?;
        }
        None => Store::connect(&address).await?.remove_everything().await?,
    }
    eprintln!("the store at {} is empty", address.url);
    Ok(())
}
