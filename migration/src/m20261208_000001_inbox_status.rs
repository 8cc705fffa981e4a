//! The inbox filtered by status, newest first: without an index that starts
//! with the status, a status kept only by old items (rejected, referred)
//! walks every newer submission to find one page of them.

use sea_orm_migration::prelude::*;

use crate::m20261125_000001_foundation::{index, Submission as S};

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "ix_submission_status_received";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        index(m, S::Table, NAME, &[S::AgencyId, S::Status, S::ReceivedAt, S::Id]).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name(NAME).table(S::Table).to_owned()).await
    }
}
