//! Issue 17, points 3 and 9: the agency's channels (Facebook page, LINE ID,
//! office hours) beside its phone and e-mail; the elements of a
//! participation activity the ITA item asks for (who took part, the method,
//! how the results were used — the results are `outcome`); and evidence
//! files.
//!
//! A file's bytes live outside the database, in a directory addressed by
//! their SHA-256 (`domain::files`); `stored_file` holds what the portal
//! decided about them (the type sniffed from the bytes, the size, a clean
//! name), one row per agency and content. `activity_file` attaches files to
//! activities; another owner (a submission's photos) gets a table of its own
//! that points at the same `stored_file` rows.

use sea_orm_migration::prelude::*;

use crate::m20261125_000001_foundation::{fk, pk, unique_index, Agency};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The media types a stored file may have: what the portal can recognise
/// from the bytes and serve safely.
const MEDIA_TYPES: [&str; 4] = ["image/jpeg", "image/png", "image/webp", "application/pdf"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        for (column, len) in [
            (Channels::FacebookUrl, 300),
            (Channels::LineId, 100),
            (Channels::OfficeHoursTh, 300),
            (Channels::OfficeHoursEn, 300),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Agency::Table)
                    .add_column(ColumnDef::new(column).string_len(len).not_null().default(""))
                    .to_owned(),
            )
            .await?;
        }
        for column in [Activity::ParticipantGroups, Activity::Method, Activity::ResultsUsed] {
            m.alter_table(
                Table::alter().table(Activity::Table).add_column(ColumnDef::new(column).text().null()).to_owned(),
            )
            .await?;
        }

        m.create_table(
            Table::create()
                .table(StoredFile::Table)
                .col(pk(StoredFile::Id))
                .col(ColumnDef::new(StoredFile::AgencyId).big_integer().not_null())
                .col(ColumnDef::new(StoredFile::Sha256).string_len(64).not_null())
                .col(ColumnDef::new(StoredFile::MediaType).string_len(64).not_null())
                .col(ColumnDef::new(StoredFile::SizeBytes).big_integer().not_null())
                .col(ColumnDef::new(StoredFile::OriginalName).string_len(200).not_null())
                .col(ColumnDef::new(StoredFile::CreatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(&mut fk(StoredFile::Table, StoredFile::AgencyId, Agency::Table, Agency::Id))
                .check(Expr::col(StoredFile::SizeBytes).gt(0))
                .check(Expr::col(StoredFile::MediaType).is_in(MEDIA_TYPES))
                .check(Expr::cust("length(sha256) = 64"))
                .to_owned(),
        )
        .await?;
        unique_index(m, StoredFile::Table, "stored_file_content", &[StoredFile::AgencyId, StoredFile::Sha256]).await?;

        m.create_table(
            Table::create()
                .table(ActivityFile::Table)
                .col(ColumnDef::new(ActivityFile::ActivityId).big_integer().not_null())
                .col(ColumnDef::new(ActivityFile::FileId).big_integer().not_null())
                .col(ColumnDef::new(ActivityFile::AddedAt).timestamp_with_time_zone().not_null())
                .primary_key(Index::create().col(ActivityFile::ActivityId).col(ActivityFile::FileId))
                .foreign_key(&mut fk(ActivityFile::Table, ActivityFile::ActivityId, Activity::Table, Activity::Id))
                .foreign_key(&mut fk(ActivityFile::Table, ActivityFile::FileId, StoredFile::Table, StoredFile::Id))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ActivityFile::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(StoredFile::Table).to_owned()).await?;
        for column in [Activity::ParticipantGroups, Activity::Method, Activity::ResultsUsed] {
            m.alter_table(Table::alter().table(Activity::Table).drop_column(column).to_owned()).await?;
        }
        for column in [Channels::FacebookUrl, Channels::LineId, Channels::OfficeHoursTh, Channels::OfficeHoursEn] {
            m.alter_table(Table::alter().table(Agency::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Channels {
    FacebookUrl,
    LineId,
    OfficeHoursTh,
    OfficeHoursEn,
}

/// The activity table and its new columns.
#[derive(DeriveIden, Clone, Copy)]
enum Activity {
    Table,
    Id,
    ParticipantGroups,
    Method,
    ResultsUsed,
}

#[derive(DeriveIden, Clone, Copy)]
enum StoredFile {
    Table,
    Id,
    AgencyId,
    Sha256,
    MediaType,
    SizeBytes,
    OriginalName,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ActivityFile {
    Table,
    ActivityId,
    FileId,
    AddedAt,
}
