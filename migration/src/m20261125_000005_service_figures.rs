//! A service's own figures (its page at `/services/{slug}` and the
//! by-service table of `/stats/{fiscal_year}`) count one service's
//! submissions of a fiscal year and kind; this index serves those counts.

use sea_orm_migration::prelude::*;

use crate::m20261125_000001_foundation::{index, Submission};

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "ix_submission_service";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        index(m, Submission::Table, NAME, &[Submission::ServiceId, Submission::FiscalYear, Submission::Kind]).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name(NAME).table(Submission::Table).to_owned()).await
    }
}
