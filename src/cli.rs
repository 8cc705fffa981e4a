//! The `siang` command line: `serve` (the default), `migrate` and `demo`.

use anyhow::Context;
use clap::{Parser, Subcommand};
use migration::MigratorTrait;

use crate::config::{DatabaseConfig, ServerConfig};

#[derive(Debug, Parser)]
#[command(name = "siang", version, about = "Siang (เสียง): public feedback and participation portal")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub database: DatabaseConfig,
    #[command(flatten)]
    pub server: ServerConfig,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations, then serve the portal (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Apply migrations and load the demonstration agency (a fresh database only).
    Demo,
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let db = crate::db::connect(&cli.database.url).await?;
    migration::Migrator::up(&db, None).await.context("applying migrations")?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => {
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Demo => {
            let loaded = crate::demo::load(&db, chrono::Utc::now()).await?;
            println!(
                "Demo loaded: {} submissions, {} plan measures, {} activities. Run `siang serve` and open /log.",
                loaded.submissions, loaded.measures, loaded.activities
            );
            Ok(())
        }
        Command::Serve => crate::app::serve(db, cli.server).await,
    }
}
