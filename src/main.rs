use clap::Parser;
use siang::cli::Cli;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "siang=info,tower_http=info,sea_orm_migration=warn".into()),
        )
        .init();
    match siang::cli::run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("siang: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
