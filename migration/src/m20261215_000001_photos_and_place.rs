//! Photos and place of a submission.
//!
//! - `submission` gains the village number (หมู่), and the latitude and
//!   longitude the resident's phone gave. The free description of the place
//!   stays in `submission.location`.
//! - `submission_photo` links a submission to at most three stored photos
//!   (each with its thumbnail, itself a stored file). The position (0, 1 or
//!   2) is unique per submission, so the database itself refuses a fourth
//!   photo however many writers try at once. `published` is staff's choice
//!   when they publish the log entry.

use sea_orm_migration::prelude::*;

use crate::m20261125_000001_foundation::{fk, index, pk, unique_index, Agency};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Photos a submission may have.
const MAX_PHOTOS: i32 = 3;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        m.alter_table(
            Table::alter()
                .table(Submission::Table)
                .add_column(ColumnDef::new(Submission::Moo).small_integer().null())
                .to_owned(),
        )
        .await?;
        for column in [Submission::Latitude, Submission::Longitude] {
            m.alter_table(
                Table::alter().table(Submission::Table).add_column(ColumnDef::new(column).double().null()).to_owned(),
            )
            .await?;
        }

        m.create_table(
            Table::create()
                .table(SubmissionPhoto::Table)
                .col(pk(SubmissionPhoto::Id))
                .col(ColumnDef::new(SubmissionPhoto::AgencyId).big_integer().not_null())
                .col(ColumnDef::new(SubmissionPhoto::SubmissionId).big_integer().not_null())
                .col(ColumnDef::new(SubmissionPhoto::StoredFileId).big_integer().not_null())
                .col(ColumnDef::new(SubmissionPhoto::ThumbnailId).big_integer().not_null())
                .col(ColumnDef::new(SubmissionPhoto::Position).small_integer().not_null())
                .col(ColumnDef::new(SubmissionPhoto::Published).boolean().not_null().default(false))
                .col(ColumnDef::new(SubmissionPhoto::AddedAt).timestamp_with_time_zone().not_null())
                .foreign_key(&mut fk(SubmissionPhoto::Table, SubmissionPhoto::AgencyId, Agency::Table, Agency::Id))
                .foreign_key(&mut fk(
                    SubmissionPhoto::Table,
                    SubmissionPhoto::SubmissionId,
                    Submission::Table,
                    Submission::Id,
                ))
                .foreign_key(&mut fk(
                    SubmissionPhoto::Table,
                    SubmissionPhoto::StoredFileId,
                    StoredFile::Table,
                    StoredFile::Id,
                ))
                .foreign_key(&mut fk(
                    SubmissionPhoto::Table,
                    SubmissionPhoto::ThumbnailId,
                    StoredFile::Table,
                    StoredFile::Id,
                ))
                .check(
                    Expr::col(SubmissionPhoto::Position)
                        .gte(0)
                        .and(Expr::col(SubmissionPhoto::Position).lt(MAX_PHOTOS)),
                )
                .to_owned(),
        )
        .await?;
        unique_index(
            m,
            SubmissionPhoto::Table,
            "submission_photo_position",
            &[SubmissionPhoto::SubmissionId, SubmissionPhoto::Position],
        )
        .await?;
        index(
            m,
            SubmissionPhoto::Table,
            "submission_photo_agency",
            &[SubmissionPhoto::AgencyId, SubmissionPhoto::SubmissionId],
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SubmissionPhoto::Table).to_owned()).await?;
        for column in [Submission::Moo, Submission::Latitude, Submission::Longitude] {
            m.alter_table(Table::alter().table(Submission::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Submission {
    Table,
    Id,
    Moo,
    Latitude,
    Longitude,
}

#[derive(DeriveIden, Clone, Copy)]
enum StoredFile {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum SubmissionPhoto {
    Table,
    Id,
    AgencyId,
    SubmissionId,
    StoredFileId,
    ThumbnailId,
    Position,
    Published,
    AddedAt,
}
