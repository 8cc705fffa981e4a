//! Tracking looks a submission up by its code and its key's hash together,
//! from this index alone: an unknown code and a known code with a wrong key
//! then both end as one miss in the same index, with no table row read, so
//! the answer's timing cannot tell a real code from an invented one. Unique
//! (as the code alone already is), because SQLite then prefers it to the
//! code's own unique index, which would read the row to compare the hash.

use sea_orm_migration::prelude::*;

use crate::m20261125_000001_foundation::Submission as S;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "ix_submission_tracking_key";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create().name(NAME).table(S::Table).col(S::TrackingCode).col(S::AccessKeyHash).unique().to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name(NAME).table(S::Table).to_owned()).await
    }
}
