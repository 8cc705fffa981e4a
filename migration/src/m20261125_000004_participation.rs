//! The public half of participation: publications of submissions to the
//! log, participation activities, the yearly plan's measures with progress
//! notes and evidence, and the ITA evidence index. Every index here serves a
//! query of `domain::participation` or `domain::statistics`.

use sea_orm_migration::prelude::*;

use crate::m20261125_000001_foundation::{fk, index, pk, unique_index, Agency, Department, StaffUser, Submission};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Publication::Table)
                .col(pk(Publication::Id))
                .col(ColumnDef::new(Publication::SubmissionId).big_integer().not_null().unique_key())
                .col(ColumnDef::new(Publication::SummaryTh).text().not_null())
                .col(ColumnDef::new(Publication::SummaryEn).text().null())
                .col(ColumnDef::new(Publication::OutcomeTh).text().null())
                .col(ColumnDef::new(Publication::OutcomeEn).text().null())
                .col(ColumnDef::new(Publication::PublishedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Publication::PublishedBy).big_integer().not_null())
                .col(ColumnDef::new(Publication::WithdrawnAt).timestamp_with_time_zone().null())
                .foreign_key(&mut fk(Publication::Table, Publication::SubmissionId, Submission::Table, Submission::Id))
                .foreign_key(&mut fk(Publication::Table, Publication::PublishedBy, StaffUser::Table, StaffUser::Id))
                .to_owned(),
        )
        .await?;
        // The feed: live publications, newest first.
        index(m, Publication::Table, "ix_publication_live", &[Publication::WithdrawnAt, Publication::PublishedAt])
            .await?;

        m.create_table(
            Table::create()
                .table(Activity::Table)
                .col(pk(Activity::Id))
                .col(ColumnDef::new(Activity::AgencyId).big_integer().not_null())
                .col(ColumnDef::new(Activity::Kind).string_len(24).not_null())
                .col(ColumnDef::new(Activity::TitleTh).string_len(300).not_null())
                .col(ColumnDef::new(Activity::TitleEn).string_len(300).null())
                .col(ColumnDef::new(Activity::HeldAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Activity::FiscalYear).integer().not_null())
                .col(ColumnDef::new(Activity::Place).string_len(300).not_null())
                .col(ColumnDef::new(Activity::Participants).integer().not_null())
                .col(ColumnDef::new(Activity::Description).text().not_null())
                .col(ColumnDef::new(Activity::Outcome).text().null())
                .col(ColumnDef::new(Activity::DepartmentId).big_integer().null())
                .col(ColumnDef::new(Activity::Published).boolean().not_null())
                .col(ColumnDef::new(Activity::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(&mut fk(Activity::Table, Activity::AgencyId, Agency::Table, Agency::Id))
                .foreign_key(&mut fk(Activity::Table, Activity::DepartmentId, Department::Table, Department::Id))
                .to_owned(),
        )
        .await?;
        // The log's keyset order and its fiscal-year filter.
        index(
            m,
            Activity::Table,
            "ix_activity_log",
            &[Activity::AgencyId, Activity::Published, Activity::HeldAt, Activity::Id],
        )
        .await?;
        index(m, Activity::Table, "ix_activity_fiscal", &[Activity::AgencyId, Activity::FiscalYear]).await?;

        m.create_table(
            Table::create()
                .table(ActivityIndicator::Table)
                .col(ColumnDef::new(ActivityIndicator::ActivityId).big_integer().not_null())
                .col(ColumnDef::new(ActivityIndicator::Indicator).small_integer().not_null())
                .primary_key(Index::create().col(ActivityIndicator::ActivityId).col(ActivityIndicator::Indicator))
                .foreign_key(&mut fk(
                    ActivityIndicator::Table,
                    ActivityIndicator::ActivityId,
                    Activity::Table,
                    Activity::Id,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            ActivityIndicator::Table,
            "ix_activity_indicator",
            &[ActivityIndicator::Indicator, ActivityIndicator::ActivityId],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ActivitySubmission::Table)
                .col(ColumnDef::new(ActivitySubmission::ActivityId).big_integer().not_null())
                .col(ColumnDef::new(ActivitySubmission::SubmissionId).big_integer().not_null())
                .primary_key(Index::create().col(ActivitySubmission::ActivityId).col(ActivitySubmission::SubmissionId))
                .foreign_key(&mut fk(
                    ActivitySubmission::Table,
                    ActivitySubmission::ActivityId,
                    Activity::Table,
                    Activity::Id,
                ))
                .foreign_key(&mut fk(
                    ActivitySubmission::Table,
                    ActivitySubmission::SubmissionId,
                    Submission::Table,
                    Submission::Id,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Measure::Table)
                .col(pk(Measure::Id))
                .col(ColumnDef::new(Measure::AgencyId).big_integer().not_null())
                .col(ColumnDef::new(Measure::FiscalYear).integer().not_null())
                .col(ColumnDef::new(Measure::Indicator).small_integer().not_null())
                .col(ColumnDef::new(Measure::Position).integer().not_null())
                .col(ColumnDef::new(Measure::TitleTh).string_len(500).not_null())
                .col(ColumnDef::new(Measure::TitleEn).string_len(500).null())
                .col(ColumnDef::new(Measure::Steps).text().not_null())
                .col(ColumnDef::new(Measure::PeriodStart).date().not_null())
                .col(ColumnDef::new(Measure::PeriodEnd).date().not_null())
                .col(ColumnDef::new(Measure::DepartmentId).big_integer().null())
                .col(ColumnDef::new(Measure::Progress).string_len(24).not_null())
                .col(ColumnDef::new(Measure::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(&mut fk(Measure::Table, Measure::AgencyId, Agency::Table, Agency::Id))
                .foreign_key(&mut fk(Measure::Table, Measure::DepartmentId, Department::Table, Department::Id))
                .to_owned(),
        )
        .await?;
        index(
            m,
            Measure::Table,
            "ix_measure_plan",
            &[Measure::AgencyId, Measure::FiscalYear, Measure::Indicator, Measure::Position],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(MeasureNote::Table)
                .col(pk(MeasureNote::Id))
                .col(ColumnDef::new(MeasureNote::MeasureId).big_integer().not_null())
                .col(ColumnDef::new(MeasureNote::NotedOn).date().not_null())
                .col(ColumnDef::new(MeasureNote::Progress).string_len(24).not_null())
                .col(ColumnDef::new(MeasureNote::Note).text().not_null())
                .col(ColumnDef::new(MeasureNote::AuthorId).big_integer().not_null())
                .col(ColumnDef::new(MeasureNote::CreatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(&mut fk(MeasureNote::Table, MeasureNote::MeasureId, Measure::Table, Measure::Id))
                .foreign_key(&mut fk(MeasureNote::Table, MeasureNote::AuthorId, StaffUser::Table, StaffUser::Id))
                .to_owned(),
        )
        .await?;
        index(m, MeasureNote::Table, "ix_measure_note", &[MeasureNote::MeasureId, MeasureNote::NotedOn]).await?;

        m.create_table(
            Table::create()
                .table(MeasureSubmission::Table)
                .col(ColumnDef::new(MeasureSubmission::MeasureId).big_integer().not_null())
                .col(ColumnDef::new(MeasureSubmission::SubmissionId).big_integer().not_null())
                .primary_key(Index::create().col(MeasureSubmission::MeasureId).col(MeasureSubmission::SubmissionId))
                .foreign_key(&mut fk(
                    MeasureSubmission::Table,
                    MeasureSubmission::MeasureId,
                    Measure::Table,
                    Measure::Id,
                ))
                .foreign_key(&mut fk(
                    MeasureSubmission::Table,
                    MeasureSubmission::SubmissionId,
                    Submission::Table,
                    Submission::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(MeasureActivity::Table)
                .col(ColumnDef::new(MeasureActivity::MeasureId).big_integer().not_null())
                .col(ColumnDef::new(MeasureActivity::ActivityId).big_integer().not_null())
                .primary_key(Index::create().col(MeasureActivity::MeasureId).col(MeasureActivity::ActivityId))
                .foreign_key(&mut fk(MeasureActivity::Table, MeasureActivity::MeasureId, Measure::Table, Measure::Id))
                .foreign_key(&mut fk(
                    MeasureActivity::Table,
                    MeasureActivity::ActivityId,
                    Activity::Table,
                    Activity::Id,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ItaItem::Table)
                .col(pk(ItaItem::Id))
                .col(ColumnDef::new(ItaItem::AgencyId).big_integer().not_null())
                .col(ColumnDef::new(ItaItem::FiscalYear).integer().not_null())
                .col(ColumnDef::new(ItaItem::Position).integer().not_null())
                .col(ColumnDef::new(ItaItem::Code).string_len(32).not_null())
                .col(ColumnDef::new(ItaItem::TitleTh).string_len(500).not_null())
                .col(ColumnDef::new(ItaItem::TitleEn).string_len(500).not_null())
                .col(ColumnDef::new(ItaItem::UrlPath).string_len(300).not_null())
                .foreign_key(&mut fk(ItaItem::Table, ItaItem::AgencyId, Agency::Table, Agency::Id))
                .to_owned(),
        )
        .await?;
        unique_index(m, ItaItem::Table, "ux_ita_item", &[ItaItem::AgencyId, ItaItem::FiscalYear, ItaItem::Position])
            .await?;

        // Statistics group a fiscal year's submissions by month and kind.
        index(
            m,
            Submission::Table,
            "ix_submission_fiscal_month",
            &[Submission::AgencyId, Submission::FiscalYear, Submission::FiscalMonth, Submission::Kind],
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_submission_fiscal_month").table(Submission::Table).to_owned()).await?;
        for table in [
            ItaItem::Table.into_iden(),
            MeasureActivity::Table.into_iden(),
            MeasureSubmission::Table.into_iden(),
            MeasureNote::Table.into_iden(),
            Measure::Table.into_iden(),
            ActivitySubmission::Table.into_iden(),
            ActivityIndicator::Table.into_iden(),
            Activity::Table.into_iden(),
            Publication::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Publication {
    Table,
    Id,
    SubmissionId,
    SummaryTh,
    SummaryEn,
    OutcomeTh,
    OutcomeEn,
    PublishedAt,
    PublishedBy,
    WithdrawnAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Activity {
    Table,
    Id,
    AgencyId,
    Kind,
    TitleTh,
    TitleEn,
    HeldAt,
    FiscalYear,
    Place,
    Participants,
    Description,
    Outcome,
    DepartmentId,
    Published,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ActivityIndicator {
    Table,
    ActivityId,
    Indicator,
}

#[derive(DeriveIden, Clone, Copy)]
enum ActivitySubmission {
    Table,
    ActivityId,
    SubmissionId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Measure {
    Table,
    Id,
    AgencyId,
    FiscalYear,
    Indicator,
    Position,
    TitleTh,
    TitleEn,
    Steps,
    PeriodStart,
    PeriodEnd,
    DepartmentId,
    Progress,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MeasureNote {
    Table,
    Id,
    MeasureId,
    NotedOn,
    Progress,
    Note,
    AuthorId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MeasureSubmission {
    Table,
    MeasureId,
    SubmissionId,
}

#[derive(DeriveIden, Clone, Copy)]
enum MeasureActivity {
    Table,
    MeasureId,
    ActivityId,
}

#[derive(DeriveIden, Clone, Copy)]
enum ItaItem {
    Table,
    Id,
    AgencyId,
    FiscalYear,
    Position,
    Code,
    TitleTh,
    TitleEn,
    UrlPath,
}
