//! The ITA documents an agency keeps in the portal (issue 17): the elements
//! of each ITA item it edits, its corruption-complaint guide, the analysis
//! of each indicator's result beside its yearly plan, and the link to the
//! NACC's ITAS survey with its collection window.
//!
//! A guide section left `NULL` is the default text, written from the
//! agency's settings when shown. Each editable row has a `version` that a
//! form carries back, so a save over someone else's newer save is refused.

use sea_orm_migration::prelude::*;

use crate::m20261125_000001_foundation::{fk, Agency};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(ItaItem::Table)
                .add_column(ColumnDef::new(ItaItem::Elements).text().not_null().default(""))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ComplaintGuide::Table)
                .col(ColumnDef::new(ComplaintGuide::AgencyId).big_integer().not_null().primary_key())
                .col(ColumnDef::new(ComplaintGuide::HowToComplain).text().null())
                .col(ColumnDef::new(ComplaintGuide::HandlingSteps).text().null())
                .col(ColumnDef::new(ComplaintGuide::ResponsibleUnit).text().null())
                .col(ColumnDef::new(ComplaintGuide::TimeFrames).text().null())
                .col(ColumnDef::new(ComplaintGuide::ExecutiveComplaints).text().null())
                .col(ColumnDef::new(ComplaintGuide::IssuerName).string_len(200).not_null())
                .col(ColumnDef::new(ComplaintGuide::IssuerPosition).string_len(200).not_null())
                .col(ColumnDef::new(ComplaintGuide::IssuedOn).date().null())
                .col(ColumnDef::new(ComplaintGuide::Version).integer().not_null())
                .col(ColumnDef::new(ComplaintGuide::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(&mut fk(ComplaintGuide::Table, ComplaintGuide::AgencyId, Agency::Table, Agency::Id))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PlanAnalysis::Table)
                .col(ColumnDef::new(PlanAnalysis::AgencyId).big_integer().not_null())
                .col(ColumnDef::new(PlanAnalysis::FiscalYear).integer().not_null())
                .col(ColumnDef::new(PlanAnalysis::Indicator).small_integer().not_null())
                .col(ColumnDef::new(PlanAnalysis::ScoreHundredths).integer().null())
                .col(ColumnDef::new(PlanAnalysis::Analysis).text().not_null())
                .col(ColumnDef::new(PlanAnalysis::Version).integer().not_null())
                .col(ColumnDef::new(PlanAnalysis::UpdatedAt).timestamp_with_time_zone().not_null())
                .primary_key(
                    Index::create()
                        .col(PlanAnalysis::AgencyId)
                        .col(PlanAnalysis::FiscalYear)
                        .col(PlanAnalysis::Indicator),
                )
                .foreign_key(&mut fk(PlanAnalysis::Table, PlanAnalysis::AgencyId, Agency::Table, Agency::Id))
                .check(Expr::col(PlanAnalysis::Indicator).between(1, 10))
                .check(Expr::col(PlanAnalysis::ScoreHundredths).between(0, 10_000))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ItasSurvey::Table)
                .col(ColumnDef::new(ItasSurvey::AgencyId).big_integer().not_null())
                .col(ColumnDef::new(ItasSurvey::FiscalYear).integer().not_null())
                .col(ColumnDef::new(ItasSurvey::Url).string_len(500).not_null())
                .col(ColumnDef::new(ItasSurvey::OpensOn).date().not_null())
                .col(ColumnDef::new(ItasSurvey::ClosesOn).date().not_null())
                .col(ColumnDef::new(ItasSurvey::Version).integer().not_null())
                .col(ColumnDef::new(ItasSurvey::UpdatedAt).timestamp_with_time_zone().not_null())
                .primary_key(Index::create().col(ItasSurvey::AgencyId).col(ItasSurvey::FiscalYear))
                .foreign_key(&mut fk(ItasSurvey::Table, ItasSurvey::AgencyId, Agency::Table, Agency::Id))
                .check(Expr::col(ItasSurvey::ClosesOn).gte(Expr::col(ItasSurvey::OpensOn)))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ItasSurvey::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(PlanAnalysis::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ComplaintGuide::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(ItaItem::Table).drop_column(ItaItem::Elements).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum ItaItem {
    Table,
    Elements,
}

#[derive(DeriveIden, Clone, Copy)]
enum ComplaintGuide {
    Table,
    AgencyId,
    HowToComplain,
    HandlingSteps,
    ResponsibleUnit,
    TimeFrames,
    ExecutiveComplaints,
    IssuerName,
    IssuerPosition,
    IssuedOn,
    Version,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PlanAnalysis {
    Table,
    AgencyId,
    FiscalYear,
    Indicator,
    ScoreHundredths,
    Analysis,
    Version,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ItasSurvey {
    Table,
    AgencyId,
    FiscalYear,
    Url,
    OpensOn,
    ClosesOn,
    Version,
    UpdatedAt,
}
