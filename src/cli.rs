//! The `siang` command line: `serve` (the default) and `migrate`.

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
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let db = crate::db::connect(&cli.database.url).await?;
    migration::Migrator::up(&db, None).await.context("applying migrations")?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => {
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Serve => crate::app::serve(db, cli.server).await,
    }
}
