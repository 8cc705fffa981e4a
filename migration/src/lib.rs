//! Database migrations, one per file, applied by `siang migrate` and at the
//! start of `siang serve`.

pub use sea_orm_migration::prelude::*;

/// The text PostgreSQL's search index covers (see the search migration).
pub use m20261129_000009_search::POSTGRES_TEXT as SEARCH_TEXT_POSTGRES;

mod m20261125_000001_foundation;
mod m20261125_000002_default_agency;
mod m20261125_000003_sessions_and_audit;
mod m20261125_000004_participation;
mod m20261125_000005_service_figures;
mod m20261125_000006_statistics_index;
mod m20261129_000007_write_rule;
mod m20261129_000008_tallies;
mod m20261129_000009_search;
mod m20261201_100001_tracking_key_index;
mod m20261201_100002_session_epoch;
mod m20261201_100003_login_failures;
mod m20261202_000001_data_lifecycle;
mod m20261206_000001_ita_documents;
mod m20261208_000001_inbox_status;
mod m20261210_000001_outcomes;
mod m20261211_000001_open311;
mod m20261212_000001_channels_and_evidence;
mod m20261213_000001_outbox;
mod m20261214_000001_line;
mod m20261215_000001_photos_and_place;
mod m20261216_000001_tenants;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_foundation::Migration),
            Box::new(m20261125_000002_default_agency::Migration),
            Box::new(m20261125_000003_sessions_and_audit::Migration),
            Box::new(m20261125_000004_participation::Migration),
            Box::new(m20261125_000005_service_figures::Migration),
            Box::new(m20261125_000006_statistics_index::Migration),
            Box::new(m20261129_000007_write_rule::Migration),
            Box::new(m20261129_000008_tallies::Migration),
            Box::new(m20261129_000009_search::Migration),
            Box::new(m20261201_100001_tracking_key_index::Migration),
            Box::new(m20261201_100002_session_epoch::Migration),
            Box::new(m20261201_100003_login_failures::Migration),
            Box::new(m20261202_000001_data_lifecycle::Migration),
            Box::new(m20261206_000001_ita_documents::Migration),
            Box::new(m20261208_000001_inbox_status::Migration),
            Box::new(m20261210_000001_outcomes::Migration),
            Box::new(m20261211_000001_open311::Migration),
            Box::new(m20261212_000001_channels_and_evidence::Migration),
            Box::new(m20261213_000001_outbox::Migration),
            Box::new(m20261214_000001_line::Migration),
            Box::new(m20261215_000001_photos_and_place::Migration),
            Box::new(m20261216_000001_tenants::Migration),
        ]
    }
}
