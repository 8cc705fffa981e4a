//! The statistics of a fiscal year read a dozen columns of its submissions.
//! From the table, each count fetched whole rows (subjects and details
//! included) scattered over the file: 12 s for a year of 200,000 at a
//! million rows. With every column they read in one index, each count is a
//! scan of the year's slice of that index. It starts with agency, fiscal
//! year and kind, so it also replaces the two narrower fiscal-year indexes.
//! The (agency, status) index goes too: SQLite chose it for a year's
//! counts by status, because it yields rows already grouped, and then read
//! every row of every year to find the year's; the inbox's counts per status
//! read this index just as well. The survey's answers get a covering index
//! of their own, so counting them reads no table rows either.

use sea_orm_migration::prelude::*;

use crate::m20261125_000001_foundation::{index, Submission as S, SubmissionRating as R};

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "ix_submission_statistics";
/// Replaced: (agency, fiscal year, kind), (agency, fiscal year, month, kind)
/// and (agency, status, id).
const FISCAL: &str = "ix_submission_fiscal";
const FISCAL_MONTH: &str = "ix_submission_fiscal_month";
const STATUS: &str = "ix_submission_status";
const ANSWERS: &str = "ix_rating_answers";

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
        index(m, R::Table, ANSWERS, &[R::SubmissionId, R::QuestionId, R::Value]).await?;
        for old in [FISCAL, FISCAL_MONTH, STATUS] {
            m.drop_index(Index::drop().name(old).table(S::Table).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        index(m, S::Table, FISCAL, &[S::AgencyId, S::FiscalYear, S::Kind]).await?;
        index(m, S::Table, FISCAL_MONTH, &[S::AgencyId, S::FiscalYear, S::FiscalMonth, S::Kind]).await?;
        index(m, S::Table, STATUS, &[S::AgencyId, S::Status, S::Id]).await?;
        m.drop_index(Index::drop().name(ANSWERS).table(R::Table).to_owned()).await?;
        m.drop_index(Index::drop().name(NAME).table(S::Table).to_owned()).await
    }
}
