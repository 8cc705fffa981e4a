//! Issue 13: the transactional outbox. A message to a resident or to staff
//! (an e-mail, a LINE message) is a row written in the same transaction as
//! the event that causes it; a background sender delivers it later, so a
//! mail outage never holds up a submission and a rolled-back event sends
//! nothing. `dedupe_key` makes enqueuing one event twice impossible;
//! `claimed_until` is the lease of the instance sending a row.
//!
//! Also: the language a resident wrote in (their messages speak it), and an
//! optional e-mail address for staff (assignments, the daily digest).

use sea_orm_migration::prelude::*;

use crate::m20261125_000001_foundation::{fk, index, pk, unique_index, Agency, StaffUser, Submission};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(OutboxMessage::Table)
                .col(pk(OutboxMessage::Id))
                .col(ColumnDef::new(OutboxMessage::AgencyId).big_integer().not_null())
                .col(ColumnDef::new(OutboxMessage::Channel).string_len(16).not_null())
                .col(ColumnDef::new(OutboxMessage::Recipient).string_len(254).not_null())
                .col(ColumnDef::new(OutboxMessage::Subject).string_len(300).not_null())
                .col(ColumnDef::new(OutboxMessage::BodyText).text().not_null())
                .col(ColumnDef::new(OutboxMessage::BodyHtml).text().null())
                .col(ColumnDef::new(OutboxMessage::Payload).json().null())
                .col(ColumnDef::new(OutboxMessage::SubmissionId).big_integer().null())
                .col(ColumnDef::new(OutboxMessage::Purpose).string_len(32).not_null())
                .col(ColumnDef::new(OutboxMessage::State).string_len(16).not_null().default("pending"))
                .col(ColumnDef::new(OutboxMessage::Attempts).integer().not_null().default(0))
                .col(ColumnDef::new(OutboxMessage::NextAttemptAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(OutboxMessage::ClaimedUntil).timestamp_with_time_zone().null())
                .col(ColumnDef::new(OutboxMessage::ClaimToken).string_len(32).null())
                .col(ColumnDef::new(OutboxMessage::LastError).text().null())
                .col(ColumnDef::new(OutboxMessage::DedupeKey).string_len(200).not_null())
                .col(ColumnDef::new(OutboxMessage::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(OutboxMessage::SentAt).timestamp_with_time_zone().null())
                .foreign_key(&mut fk(OutboxMessage::Table, OutboxMessage::AgencyId, Agency::Table, Agency::Id))
                .foreign_key(&mut fk(
                    OutboxMessage::Table,
                    OutboxMessage::SubmissionId,
                    Submission::Table,
                    Submission::Id,
                ))
                .check(Expr::col(OutboxMessage::Channel).is_in(["email", "line"]))
                .check(Expr::col(OutboxMessage::State).is_in(["pending", "sent", "failed"]))
                .check(Expr::col(OutboxMessage::Attempts).gte(0))
                .to_owned(),
        )
        .await?;
        unique_index(m, OutboxMessage::Table, "outbox_message_dedupe", &[OutboxMessage::DedupeKey]).await?;
        // The sender's question: which pending rows are due?
        index(m, OutboxMessage::Table, "outbox_message_due", &[OutboxMessage::State, OutboxMessage::NextAttemptAt])
            .await?;
        index(m, OutboxMessage::Table, "outbox_message_submission", &[OutboxMessage::SubmissionId]).await?;

        m.alter_table(
            Table::alter()
                .table(Contact::Table)
                .add_column(ColumnDef::new(Contact::Language).string_len(2).not_null().default("th"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(StaffUser::Table)
                .add_column(ColumnDef::new(StaffEmail::Email).string_len(254).null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(StaffUser::Table).drop_column(StaffEmail::Email).to_owned()).await?;
        m.alter_table(Table::alter().table(Contact::Table).drop_column(Contact::Language).to_owned()).await?;
        m.drop_table(Table::drop().table(OutboxMessage::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum OutboxMessage {
    Table,
    Id,
    AgencyId,
    Channel,
    Recipient,
    Subject,
    BodyText,
    BodyHtml,
    Payload,
    SubmissionId,
    Purpose,
    State,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    ClaimToken,
    LastError,
    DedupeKey,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Contact {
    Table,
    Language,
}

#[derive(DeriveIden, Clone, Copy)]
enum StaffEmail {
    Email,
}
