//! The `monitor` binary: parses the command line and hands over to the library.

use std::process::ExitCode;

use clap::Parser;
use monitor::app::{Application, shutdown_signal};
use monitor::cli::{Cli, Command, DbCommand, ServeArgs};
use monitor::config::{LogFormat, Settings};

fn main() -> ExitCode {
    monitor::resident::return_large_buffers_when_freed();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => {
            let settings = Settings::load(args.config.as_deref(), args.overrides())?;
            monitor::telemetry::init(settings.log_format);
            let application = Application::build(settings).await?;
            application.run_until(shutdown_signal()).await
        }
        Command::Agent(args) => {
            monitor::telemetry::init(args.log_format);
            monitor::agent::run(args, shutdown_signal()).await
        }
        Command::Probe(args) => {
            monitor::telemetry::init(args.log_format);
            monitor::probe::run(args, shutdown_signal()).await
        }
        Command::Schema => {
            print!("{}", monitor::graphql::sdl());
            Ok(())
        }
        Command::Backup(args) => monitor::backup::download(args).await,
        Command::Restore(args) => {
            monitor::telemetry::init(LogFormat::Pretty);
            monitor::backup::restore_file(args).await
        }
        Command::Db {
            command: DbCommand::Nuke { data_dir, db, yes },
        } => monitor::backup::nuke(&data_dir, db.as_deref(), yes).await,
        Command::Healthcheck { url } => {
            let response = reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(3))
                .build()?
                .get(&url)
                .send()
                .await?;
            anyhow::ensure!(
                response.status().is_success(),
                "{url} answered {}",
                response.status()
            );
            Ok(())
        }
    }
}
