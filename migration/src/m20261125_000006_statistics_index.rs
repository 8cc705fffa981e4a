//! The statistics of a fiscal year read a dozen columns of its submissions.
//! From the table, each count fetched whole rows (subjects and details
//! included) scattered over the file: 12 s for a year of 200,000 at a
//! million rows. With every column they read in one index, each count is a
//! scan of the year's slice of that index. It starts with agency, fiscal
//! year and kind, so it also replaces the two narrower fiscal-year indexes.

use sea_orm_migration::prelude::*;

use crate::m20261125_000001_foundation::{index, Submission as S};

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "ix_submission_statistics";
/// Replaced: (agency, fiscal year, kind) and (agency, fiscal year, month, kind).
const FISCAL: &str = "ix_submission_fiscal";
const FISCAL_MONTH: &str = "ix_submission_fiscal_month";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        index(
            m,
            S::Table,
            NAME,
            &[
                S::AgencyId,
                S::FiscalYear,
                S::Kind,
                S::Status,
                S::Channel,
                S::FiscalMonth,
                S::DepartmentId,
                S::ServiceId,
                S::AskedForBenefit,
                S::ReceivedAt,
                S::DueAt,
                S::FirstAnsweredAt,
                S::ClosedAt,
            ],
        )
        .await?;
        for old in [FISCAL, FISCAL_MONTH] {
            m.drop_index(Index::drop().name(old).table(S::Table).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        index(m, S::Table, FISCAL, &[S::AgencyId, S::FiscalYear, S::Kind]).await?;
        index(m, S::Table, FISCAL_MONTH, &[S::AgencyId, S::FiscalYear, S::FiscalMonth, S::Kind]).await?;
        m.drop_index(Index::drop().name(NAME).table(S::Table).to_owned()).await
    }
}
