//! The `siang` command line: `serve` (the default), `migrate`, `agency
//! create|list|disable`, `user create`, `api-key issue`, `demo`, `recount`,
//! `purge`, `backup` and `restore`.

use anyhow::Context;
use clap::{Parser, Subcommand};
use migration::MigratorTrait;

use entity::enums::Role;
use sea_orm::{ActiveEnum, DatabaseConnection};

use crate::backup::Location;
use crate::config::{DatabaseConfig, ServerConfig};
use crate::domain::error::DomainError;
use crate::domain::{accounts, agency, tally};
use crate::i18n::Lang;

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
    Demo {
        /// Also generate this many submissions over five fiscal years, in
        /// bulk (for benchmarks: `--synthetic 1000000`).
        #[arg(long, value_name = "N")]
        synthetic: Option<usize>,
    },
    /// Manage the agencies a province deployment serves.
    #[command(subcommand)]
    Agency(AgencyCommand),
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage the API keys of Open311 clients.
    #[command(subcommand)]
    ApiKey(ApiKeyCommand),
    /// Count every figure again from the submissions, replacing the counts
    /// the writes keep; with `--check`, only compare and print differences
    /// (exit status 1 when there are any).
    Recount {
        #[arg(long)]
        check: bool,
    },
    /// Erase contact data whose retention period has ended (what the
    /// portal's daily job does), or with --dry-run list what would go.
    Purge {
        /// List what would be erased; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Copy the database, consistently, while the portal serves: SQLite with
    /// VACUUM INTO, PostgreSQL with pg_dump. FILE must not exist yet.
    Backup { file: std::path::PathBuf },
    /// Restore a backup made by `siang backup` into this database. Stop the
    /// portal first. A database that holds data is refused unless --force.
    Restore {
        file: std::path::PathBuf,
        /// Replace a database that holds data.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AgencyCommand {
    /// Add an agency, with the usual departments. It is served on its host,
    /// and at /a/SLUG/ on any host of the deployment.
    Create {
        /// Lower-case letters, digits and dashes, e.g. `chonkram`.
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name_th: String,
        #[arg(long)]
        name_en: String,
        /// The host its pages are served on, e.g. `chonkram.example.go.th`.
        #[arg(long)]
        host: Option<String>,
    },
    /// Give an agency its host, or with no HOST take it away.
    SetHost { slug: String, host: Option<String> },
    /// List the agencies: slug, host, active, names.
    List,
    /// Stop serving an agency (its data stays).
    Disable { slug: String },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a staff account; the password is read from standard input.
    Create {
        /// The agency's slug (default: the first agency).
        #[arg(long)]
        agency: Option<String>,
        #[arg(long)]
        username: String,
        /// admin, integrity_officer, officer or viewer.
        #[arg(long)]
        role: String,
        /// The department's code (required for officers), e.g. `office`.
        #[arg(long)]
        department: Option<String>,
        /// The name shown to colleagues (default: the user name).
        #[arg(long, default_value = "")]
        name: String,
        /// Read the password from standard input (the only way: never on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Issue an API key to an Open311 client; the key is printed once (only
    /// its hash is kept). Admins can also issue and revoke keys at /staff/api-keys.
    Issue {
        /// Who the key is for (an application, an organisation).
        #[arg(long)]
        name: String,
        /// The agency's slug (default: the first agency).
        #[arg(long)]
        agency: Option<String>,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let url = cli.database.url;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Recount { check: false } => {
            let started = std::time::Instant::now();
            tally::recount(&migrated(&url).await?).await.context("recounting")?;
            println!("Recounted in {:.1} s.", started.elapsed().as_secs_f64());
            Ok(())
        }
        Command::Recount { check: true } => {
            let differences =
                tally::check(&migrated(&url).await?).await.context("comparing the counts with the rows")?;
            for d in &differences {
                println!("{:?}: stored {}, counted from the rows {}", d.key, d.stored, d.counted);
            }
            if differences.is_empty() {
                println!("Every count agrees with the rows.");
                Ok(())
            } else {
                println!("{} counts differ; `siang recount` replaces them.", differences.len());
                std::process::exit(1);
            }
        }
        Command::Migrate => {
            counted(&url).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Demo { synthetic } => {
            let db = counted(&url).await?;
            let now = chrono::Utc::now();
            let loaded = crate::demo::load(&db, now).await?;
            println!(
                "Demo loaded: {} submissions, {} plan measures, {} activities.",
                loaded.submissions, loaded.measures, loaded.activities
            );
            if let Some(count) = synthetic {
                let started = std::time::Instant::now();
                let generated = crate::demo::synthetic::generate(&db, &loaded, count, now).await?;
                println!(
                    "Generated {} submissions ({} published) and {} activities in {:.1} s.",
                    generated.submissions,
                    generated.published,
                    generated.activities,
                    started.elapsed().as_secs_f64()
                );
            }
            println!("Run `siang serve` and open /log.");
            Ok(())
        }
        Command::Serve => {
            let db = counted(&url).await?;
            warn_if_no_admin(&db).await?;
            crate::app::serve(db, cli.server).await
        }
        Command::Agency(command) => agency_command(&counted(&url).await?, command).await,
        Command::User(UserCommand::Create { agency, username, role, department, name, password_stdin: _ }) => {
            let db = counted(&url).await?;
            let agency = named_agency(&db, agency.as_deref()).await?;
            create_user(&db, &agency, username, &role, department.as_deref(), name).await
        }
        Command::ApiKey(ApiKeyCommand::Issue { name, agency }) => {
            let db = counted(&url).await?;
            let creator = accounts::Creator::Operator(named_agency(&db, agency.as_deref()).await?.id);
            match crate::domain::open311::issue_key(&db, creator, &name, chrono::Utc::now()).await {
                Ok(issued) => {
                    println!("{}", issued.key);
                    Ok(())
                }
                Err(DomainError::Invalid(_)) => anyhow::bail!("the name must be one line of 1 to 200 characters"),
                Err(other) => Err(other.into()),
            }
        }
        Command::Purge { dry_run } => purge(&counted(&url).await?, dry_run).await,
        // A backup copies the database as it is: a newer binary must not
        // migrate it under a running portal. A restore replaces it.
        Command::Backup { file } => {
            let summary = crate::backup::backup(&Location::new(url), &file).await?;
            println!("Backed up {summary} to {}.", file.display());
            Ok(())
        }
        Command::Restore { file, force } => {
            let summary = crate::backup::restore(&file, &Location::new(url), force).await?;
            println!("Restored {summary} from {}.", file.display());
            Ok(())
        }
    }
}

/// The database, with every migration applied.
async fn migrated(url: &str) -> anyhow::Result<DatabaseConnection> {
    let db = crate::db::connect(url).await?;
    migration::Migrator::up(&db, None).await.context("applying migrations")?;
    Ok(db)
}

/// The database migrated, with its counts made under the current counting
/// rules (a first start after an upgrade recounts).
async fn counted(url: &str) -> anyhow::Result<DatabaseConnection> {
    let db = migrated(url).await?;
    if tally::ensure_counted(&db).await.context("counting")? {
        tracing::info!("counted every submission under the current counting rules");
    }
    Ok(db)
}

/// The retention job by hand, or its dry run: the same function either way.
async fn purge(db: &DatabaseConnection, dry_run: bool) -> anyhow::Result<()> {
    use crate::domain::privacy::retention::{self, Run};
    let listed = retention::purge(db, chrono::Utc::now(), if dry_run { Run::DryRun } else { Run::Erase }).await?;
    for item in &listed {
        println!("{}\t{}\tclosed {}", item.tracking_code, item.kind.to_value(), item.closed_at.format("%Y-%m-%d"));
    }
    if dry_run {
        println!("{} would be erased (dry run: nothing was changed).", listed.len());
    } else {
        println!("Erased the contact data of {} submissions.", listed.len());
    }
    Ok(())
}

/// A fresh install has no admin and no default password: say how to make one.
async fn warn_if_no_admin(db: &DatabaseConnection) -> anyhow::Result<()> {
    if !accounts::has_active_admin(db).await? {
        tracing::warn!(
            "no active admin account yet. Create one with:\n    siang user create --username admin --role admin --password-stdin\n(type the password, at least {} characters, then Enter; add the same --database-url if you set one)",
            crate::auth::password::MIN_LENGTH
        );
    }
    Ok(())
}

/// The agency a command names by its slug; the first agency by default.
async fn named_agency(db: &DatabaseConnection, slug: Option<&str>) -> anyhow::Result<entity::agency::Model> {
    match slug {
        Some(slug) => agency::by_slug(db, slug).await?.ok_or_else(|| anyhow::anyhow!("no agency with slug {slug:?}")),
        None => Ok(agency::current(db).await?),
    }
}

async fn agency_command(db: &DatabaseConnection, command: AgencyCommand) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    match command {
        AgencyCommand::Create { slug, name_th, name_en, host } => {
            let input = agency::NewAgency { slug, name_th, name_en, host };
            let created = agency::create(db, input, now).await.map_err(explain)?;
            println!("created agency {} (id {})", created.slug, created.id);
        }
        AgencyCommand::SetHost { slug, host } => {
            let saved = agency::set_host(db, &slug, host.as_deref(), now).await.map_err(explain)?;
            println!("agency {} is served on {}", saved.slug, saved.host.as_deref().unwrap_or("its /a/ path only"));
        }
        AgencyCommand::List => {
            for row in agency::list(db).await? {
                let state = if row.active { "active" } else { "disabled" };
                let host = row.host.as_deref().unwrap_or("-");
                println!("{}\t{host}\t{state}\t{}\t{}", row.slug, row.name_th, row.name_en);
            }
        }
        AgencyCommand::Disable { slug } => match agency::disable(db, &slug, now).await {
            Ok(_) => println!("agency {slug} is disabled"),
            Err(DomainError::NotFound) => anyhow::bail!("no agency with slug {slug:?}"),
            Err(other) => return Err(other.into()),
        },
    }
    Ok(())
}

/// A refusal of the domain in words for the command line.
fn explain(err: DomainError) -> anyhow::Error {
    match err {
        DomainError::Invalid(errors) => {
            let problems: Vec<String> = errors
                .iter()
                .flat_map(|(field, list)| {
                    list.iter().map(move |e| {
                        format!("{field}: {}", crate::i18n::t(Lang::En, &format!("validation.{}", e.code)))
                    })
                })
                .collect();
            anyhow::anyhow!("{}", problems.join("; "))
        }
        other => other.into(),
    }
}

async fn create_user(
    db: &DatabaseConnection,
    agency: &entity::agency::Model,
    username: String,
    role: &str,
    department: Option<&str>,
    display_name: String,
) -> anyhow::Result<()> {
    let role = Role::try_from_value(&role.to_owned())
        .map_err(|_| anyhow::anyhow!("unknown role {role:?}: use admin, integrity_officer, officer or viewer"))?;
    let department_id = match department {
        Some(code) => {
            let found = agency::departments(db, agency.id).await?.into_iter().find(|d| d.code == code);
            Some(found.ok_or_else(|| anyhow::anyhow!("no department with code {code:?}"))?.id)
        }
        None => None,
    };
    let mut password = String::new();
    std::io::stdin().read_line(&mut password).context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']).to_owned();
    let input = accounts::NewUser { username, display_name, role, department_id, password };
    let user = accounts::create_user(db, accounts::Creator::Operator(agency.id), input, chrono::Utc::now())
        .await
        .map_err(explain)?;
    println!("created {} ({}) in {}", user.username, role.to_value(), agency.slug);
    Ok(())
}
