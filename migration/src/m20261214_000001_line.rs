//! LINE: residents may write to the agency's LINE Official Account.
//!
//! - `line_conversation`: one short conversation per agency and LINE user,
//!   its step and the answers so far, kept in the database so that any
//!   instance may take the next message. Deleted when it ends.
//! - `line_webhook_event`: the `webhookEventId`s already handled, so a
//!   redelivered event changes nothing twice.
//! - `contact.line_user_id`: the LINE user a submission came from, contact
//!   data like a phone number (erased with the rest of the contact row).

use sea_orm_migration::prelude::*;

use crate::m20261125_000001_foundation::{fk, index, pk, unique_index, Agency};

#[derive(DeriveMigrationName)]
pub struct Migration;

const STEPS: [&str; 6] = ["kind", "service", "details", "location", "photo", "confirm"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(LineConversation::Table)
                .col(pk(LineConversation::Id))
                .col(ColumnDef::new(LineConversation::AgencyId).big_integer().not_null())
                .col(ColumnDef::new(LineConversation::LineUserId).string_len(64).not_null())
                .col(
                    ColumnDef::new(LineConversation::Step)
                        .string_len(16)
                        .not_null()
                        .check(Expr::col(LineConversation::Step).is_in(STEPS)),
                )
                .col(ColumnDef::new(LineConversation::Kind).string_len(32).null())
                .col(ColumnDef::new(LineConversation::Service).string_len(64).null())
                .col(ColumnDef::new(LineConversation::Details).text().null())
                .col(ColumnDef::new(LineConversation::Location).string_len(300).null())
                .col(ColumnDef::new(LineConversation::PhotoMessageId).string_len(64).null())
                .col(ColumnDef::new(LineConversation::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(&mut fk(LineConversation::Table, LineConversation::AgencyId, Agency::Table, Agency::Id))
                .to_owned(),
        )
        .await?;
        unique_index(
            m,
            LineConversation::Table,
            "ux_line_conversation_user",
            &[LineConversation::AgencyId, LineConversation::LineUserId],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LineWebhookEvent::Table)
                .col(pk(LineWebhookEvent::Id))
                .col(ColumnDef::new(LineWebhookEvent::AgencyId).big_integer().not_null())
                .col(ColumnDef::new(LineWebhookEvent::WebhookEventId).string_len(64).not_null())
                .col(ColumnDef::new(LineWebhookEvent::ReceivedAt).timestamp_with_time_zone().not_null())
                .foreign_key(&mut fk(LineWebhookEvent::Table, LineWebhookEvent::AgencyId, Agency::Table, Agency::Id))
                .to_owned(),
        )
        .await?;
        unique_index(
            m,
            LineWebhookEvent::Table,
            "ux_line_webhook_event",
            &[LineWebhookEvent::AgencyId, LineWebhookEvent::WebhookEventId],
        )
        .await?;
        index(m, LineWebhookEvent::Table, "ix_line_webhook_event_received", &[LineWebhookEvent::ReceivedAt]).await?;

        m.alter_table(
            Table::alter()
                .table(Contact::Table)
                .add_column(ColumnDef::new(Contact::LineUserId).string_len(64).null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Contact::Table).drop_column(Contact::LineUserId).to_owned()).await?;
        m.drop_table(Table::drop().table(LineWebhookEvent::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(LineConversation::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum LineConversation {
    Table,
    Id,
    AgencyId,
    LineUserId,
    Step,
    Kind,
    Service,
    Details,
    Location,
    PhotoMessageId,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum LineWebhookEvent {
    Table,
    Id,
    AgencyId,
    WebhookEventId,
    ReceivedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Contact {
    Table,
    LineUserId,
}
