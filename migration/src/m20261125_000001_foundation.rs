//! The agency, its departments, services and staff, and what residents submit.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Agency::Table)
                .col(pk(Agency::Id))
                .col(ColumnDef::new(Agency::Slug).string_len(64).not_null().unique_key())
                .col(ColumnDef::new(Agency::NameTh).string_len(200).not_null())
                .col(ColumnDef::new(Agency::NameEn).string_len(200).not_null())
                .col(ColumnDef::new(Agency::AddressTh).string_len(500).not_null())
                .col(ColumnDef::new(Agency::AddressEn).string_len(500).not_null())
                .col(ColumnDef::new(Agency::Phone).string_len(64).not_null())
                .col(ColumnDef::new(Agency::Email).string_len(200).not_null())
                .col(ColumnDef::new(Agency::FirstAnswerDays).integer().not_null())
                .col(ColumnDef::new(Agency::ClosingDays).integer().not_null())
                .col(ColumnDef::new(Agency::ShowStaffNames).boolean().not_null().default(false))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Department::Table)
                .col(pk(Department::Id))
                .col(ColumnDef::new(Department::AgencyId).big_integer().not_null())
                .col(ColumnDef::new(Department::Code).string_len(32).not_null())
                .col(ColumnDef::new(Department::NameTh).string_len(200).not_null())
                .col(ColumnDef::new(Department::NameEn).string_len(200).not_null())
                .col(ColumnDef::new(Department::Active).boolean().not_null())
                .foreign_key(&mut fk(Department::Table, Department::AgencyId, Agency::Table, Agency::Id))
                .to_owned(),
        )
        .await?;
        unique_index(m, Department::Table, "ux_department_code", &[Department::AgencyId, Department::Code]).await?;

        m.create_table(
            Table::create()
                .table(Service::Table)
                .col(pk(Service::Id))
                .col(ColumnDef::new(Service::AgencyId).big_integer().not_null())
                .col(ColumnDef::new(Service::Slug).string_len(64).not_null())
                .col(ColumnDef::new(Service::NameTh).string_len(200).not_null())
                .col(ColumnDef::new(Service::NameEn).string_len(200).not_null())
                .col(ColumnDef::new(Service::DepartmentId).big_integer().null())
                .col(ColumnDef::new(Service::Active).boolean().not_null())
                // The published service standard (คู่มือการให้บริการ); Thai is required
                // to publish, English optional. Empty text means "not stated".
                .col(ColumnDef::new(Service::Published).boolean().not_null().default(false))
                .col(ColumnDef::new(Service::RequirementsTh).text().not_null().default(""))
                .col(ColumnDef::new(Service::RequirementsEn).text().not_null().default(""))
                .col(ColumnDef::new(Service::TimeFrameTh).string_len(200).not_null().default(""))
                .col(ColumnDef::new(Service::TimeFrameEn).string_len(200).not_null().default(""))
                .col(ColumnDef::new(Service::FeeTh).string_len(500).not_null().default(""))
                .col(ColumnDef::new(Service::FeeEn).string_len(500).not_null().default(""))
                .col(ColumnDef::new(Service::ApplyAtTh).text().not_null().default(""))
                .col(ColumnDef::new(Service::ApplyAtEn).text().not_null().default(""))
                .col(ColumnDef::new(Service::OnlineUrl).string_len(500).not_null().default(""))
                .col(ColumnDef::new(Service::LegalBasisTh).text().not_null().default(""))
                .col(ColumnDef::new(Service::LegalBasisEn).text().not_null().default(""))
                .foreign_key(&mut fk(Service::Table, Service::AgencyId, Agency::Table, Agency::Id))
                .foreign_key(&mut fk(Service::Table, Service::DepartmentId, Department::Table, Department::Id))
                .to_owned(),
        )
        .await?;
        unique_index(m, Service::Table, "ux_service_slug", &[Service::AgencyId, Service::Slug]).await?;

        m.create_table(
            Table::create()
                .table(ServiceStep::Table)
                .col(ColumnDef::new(ServiceStep::ServiceId).big_integer().not_null())
                .col(ColumnDef::new(ServiceStep::Position).integer().not_null())
                .col(ColumnDef::new(ServiceStep::DescriptionTh).string_len(500).not_null())
                .col(ColumnDef::new(ServiceStep::DescriptionEn).string_len(500).not_null())
                .col(ColumnDef::new(ServiceStep::DurationTh).string_len(100).not_null())
                .col(ColumnDef::new(ServiceStep::DurationEn).string_len(100).not_null())
                .primary_key(Index::create().col(ServiceStep::ServiceId).col(ServiceStep::Position))
                .foreign_key(&mut fk(ServiceStep::Table, ServiceStep::ServiceId, Service::Table, Service::Id))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(StaffUser::Table)
                .col(pk(StaffUser::Id))
                .col(ColumnDef::new(StaffUser::AgencyId).big_integer().not_null())
                .col(ColumnDef::new(StaffUser::Username).string_len(64).not_null().unique_key())
                .col(ColumnDef::new(StaffUser::DisplayName).string_len(200).not_null())
                .col(ColumnDef::new(StaffUser::PasswordHash).string_len(255).not_null())
                .col(ColumnDef::new(StaffUser::Role).string_len(24).not_null())
                .col(ColumnDef::new(StaffUser::DepartmentId).big_integer().null())
                .col(ColumnDef::new(StaffUser::Active).boolean().not_null())
                .col(ColumnDef::new(StaffUser::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(StaffUser::LastLoginAt).timestamp_with_time_zone().null())
                .foreign_key(&mut fk(StaffUser::Table, StaffUser::AgencyId, Agency::Table, Agency::Id))
                .foreign_key(&mut fk(StaffUser::Table, StaffUser::DepartmentId, Department::Table, Department::Id))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TrackingCounter::Table)
                .col(ColumnDef::new(TrackingCounter::AgencyId).big_integer().not_null())
                .col(ColumnDef::new(TrackingCounter::FiscalYear).integer().not_null())
                .col(ColumnDef::new(TrackingCounter::LastValue).big_integer().not_null())
                .primary_key(Index::create().col(TrackingCounter::AgencyId).col(TrackingCounter::FiscalYear))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AppSetting::Table)
                .col(ColumnDef::new(AppSetting::Key).string_len(64).not_null().primary_key())
                .col(ColumnDef::new(AppSetting::Value).text().not_null())
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Submission::Table)
                .col(pk(Submission::Id))
                .col(ColumnDef::new(Submission::AgencyId).big_integer().not_null())
                .col(ColumnDef::new(Submission::TrackingCode).string_len(32).not_null().unique_key())
                .col(ColumnDef::new(Submission::FiscalYear).integer().not_null())
                .col(ColumnDef::new(Submission::FiscalMonth).integer().not_null())
                .col(ColumnDef::new(Submission::Kind).string_len(24).not_null())
                .col(ColumnDef::new(Submission::Channel).string_len(24).not_null())
                .col(ColumnDef::new(Submission::Status).string_len(24).not_null())
                .col(ColumnDef::new(Submission::Subject).string_len(800).not_null())
                .col(ColumnDef::new(Submission::Details).text().not_null())
                .col(ColumnDef::new(Submission::Location).string_len(800).null())
                .col(ColumnDef::new(Submission::ServiceId).big_integer().null())
                .col(ColumnDef::new(Submission::DepartmentId).big_integer().null())
                .col(ColumnDef::new(Submission::AssigneeId).big_integer().null())
                .col(ColumnDef::new(Submission::Anonymous).boolean().not_null())
                .col(ColumnDef::new(Submission::AskedForBenefit).boolean().null())
                .col(ColumnDef::new(Submission::AccessKeyHash).string_len(64).not_null())
                .col(ColumnDef::new(Submission::ReceivedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Submission::DueAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Submission::CloseDueAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Submission::NextDueAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(Submission::ReferredTo).string_len(300).null())
                .col(ColumnDef::new(Submission::FirstAnsweredAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(Submission::ClosedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(Submission::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(&mut fk(Submission::Table, Submission::AgencyId, Agency::Table, Agency::Id))
                .foreign_key(&mut fk(Submission::Table, Submission::ServiceId, Service::Table, Service::Id))
                .foreign_key(&mut fk(Submission::Table, Submission::DepartmentId, Department::Table, Department::Id))
                .foreign_key(&mut fk(Submission::Table, Submission::AssigneeId, StaffUser::Table, StaffUser::Id))
                .to_owned(),
        )
        .await?;
        index(
            m,
            Submission::Table,
            "ix_submission_received",
            &[Submission::AgencyId, Submission::ReceivedAt, Submission::Id],
        )
        .await?;
        index(
            m,
            Submission::Table,
            "ix_submission_fiscal",
            &[Submission::AgencyId, Submission::FiscalYear, Submission::Kind],
        )
        .await?;
        index(
            m,
            Submission::Table,
            "ix_submission_status",
            &[Submission::AgencyId, Submission::Status, Submission::Id],
        )
        .await?;
        // The inbox's "most overdue first" and overdue filter.
        index(
            m,
            Submission::Table,
            "ix_submission_next_due",
            &[Submission::AgencyId, Submission::NextDueAt, Submission::Id],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(SubmissionEvent::Table)
                .col(pk(SubmissionEvent::Id))
                .col(ColumnDef::new(SubmissionEvent::SubmissionId).big_integer().not_null())
                .col(ColumnDef::new(SubmissionEvent::At).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(SubmissionEvent::Kind).string_len(24).not_null())
                .col(ColumnDef::new(SubmissionEvent::Public).boolean().not_null())
                .col(ColumnDef::new(SubmissionEvent::Status).string_len(24).null())
                .col(ColumnDef::new(SubmissionEvent::Message).text().null())
                .col(ColumnDef::new(SubmissionEvent::ActorId).big_integer().null())
                .foreign_key(&mut fk(
                    SubmissionEvent::Table,
                    SubmissionEvent::SubmissionId,
                    Submission::Table,
                    Submission::Id,
                ))
                .foreign_key(&mut fk(SubmissionEvent::Table, SubmissionEvent::ActorId, StaffUser::Table, StaffUser::Id))
                .to_owned(),
        )
        .await?;
        index(m, SubmissionEvent::Table, "ix_event_submission", &[SubmissionEvent::SubmissionId, SubmissionEvent::Id])
            .await?;

        m.create_table(
            Table::create()
                .table(SubmissionIndicator::Table)
                .col(ColumnDef::new(SubmissionIndicator::SubmissionId).big_integer().not_null())
                .col(ColumnDef::new(SubmissionIndicator::Indicator).small_integer().not_null())
                .primary_key(Index::create().col(SubmissionIndicator::SubmissionId).col(SubmissionIndicator::Indicator))
                .foreign_key(&mut fk(
                    SubmissionIndicator::Table,
                    SubmissionIndicator::SubmissionId,
                    Submission::Table,
                    Submission::Id,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            SubmissionIndicator::Table,
            "ix_indicator_submission",
            &[SubmissionIndicator::Indicator, SubmissionIndicator::SubmissionId],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(SubmissionRating::Table)
                .col(ColumnDef::new(SubmissionRating::SubmissionId).big_integer().not_null())
                .col(ColumnDef::new(SubmissionRating::QuestionId).string_len(32).not_null())
                .col(ColumnDef::new(SubmissionRating::Value).small_integer().not_null())
                .primary_key(Index::create().col(SubmissionRating::SubmissionId).col(SubmissionRating::QuestionId))
                .foreign_key(&mut fk(
                    SubmissionRating::Table,
                    SubmissionRating::SubmissionId,
                    Submission::Table,
                    Submission::Id,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CorruptionDetail::Table)
                .col(ColumnDef::new(CorruptionDetail::SubmissionId).big_integer().not_null().primary_key())
                .col(ColumnDef::new(CorruptionDetail::Official).string_len(800).not_null())
                .col(ColumnDef::new(CorruptionDetail::OccurredWhen).string_len(800).null())
                .col(ColumnDef::new(CorruptionDetail::Evidence).text().null())
                .foreign_key(&mut fk(
                    CorruptionDetail::Table,
                    CorruptionDetail::SubmissionId,
                    Submission::Table,
                    Submission::Id,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Contact::Table)
                .col(ColumnDef::new(Contact::SubmissionId).big_integer().not_null().primary_key())
                .col(ColumnDef::new(Contact::Name).string_len(800).null())
                .col(ColumnDef::new(Contact::Phone).string_len(64).null())
                .col(ColumnDef::new(Contact::Email).string_len(320).null())
                .col(ColumnDef::new(Contact::ConsentedAt).timestamp_with_time_zone().not_null())
                .foreign_key(&mut fk(Contact::Table, Contact::SubmissionId, Submission::Table, Submission::Id))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Contact::Table.into_iden(),
            CorruptionDetail::Table.into_iden(),
            SubmissionRating::Table.into_iden(),
            SubmissionIndicator::Table.into_iden(),
            SubmissionEvent::Table.into_iden(),
            Submission::Table.into_iden(),
            AppSetting::Table.into_iden(),
            TrackingCounter::Table.into_iden(),
            StaffUser::Table.into_iden(),
            ServiceStep::Table.into_iden(),
            Service::Table.into_iden(),
            Department::Table.into_iden(),
            Agency::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

pub(crate) fn pk<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().auto_increment().primary_key().to_owned()
}

pub(crate) fn fk<T: IntoIden + 'static, C: IntoIden, R: IntoIden + 'static, RC: IntoIden>(
    table: T,
    col: C,
    ref_table: R,
    ref_col: RC,
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(table, col).to(ref_table, ref_col).to_owned()
}

pub(crate) async fn index<T: IntoIden + 'static, C: IntoIden + Copy>(
    m: &SchemaManager<'_>,
    table: T,
    name: &str,
    cols: &[C],
) -> Result<(), DbErr> {
    create_index(m, Index::create().name(name).table(table).to_owned(), cols).await
}

pub(crate) async fn unique_index<T: IntoIden + 'static, C: IntoIden + Copy>(
    m: &SchemaManager<'_>,
    table: T,
    name: &str,
    cols: &[C],
) -> Result<(), DbErr> {
    create_index(m, Index::create().name(name).table(table).unique().to_owned(), cols).await
}

async fn create_index<C: IntoIden + Copy>(
    m: &SchemaManager<'_>,
    mut stmt: IndexCreateStatement,
    cols: &[C],
) -> Result<(), DbErr> {
    for c in cols {
        stmt.col(*c);
    }
    m.create_index(stmt).await
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Agency {
    Table,
    Id,
    Slug,
    NameTh,
    NameEn,
    AddressTh,
    AddressEn,
    Phone,
    Email,
    FirstAnswerDays,
    ClosingDays,
    ShowStaffNames,
    /// Added by the write-rule migration.
    DataVersion,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Department {
    Table,
    Id,
    AgencyId,
    Code,
    NameTh,
    NameEn,
    Active,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Service {
    Table,
    Id,
    AgencyId,
    Slug,
    NameTh,
    NameEn,
    DepartmentId,
    Active,
    Published,
    RequirementsTh,
    RequirementsEn,
    TimeFrameTh,
    TimeFrameEn,
    FeeTh,
    FeeEn,
    ApplyAtTh,
    ApplyAtEn,
    OnlineUrl,
    LegalBasisTh,
    LegalBasisEn,
}

#[derive(DeriveIden, Clone, Copy)]
enum ServiceStep {
    Table,
    ServiceId,
    Position,
    DescriptionTh,
    DescriptionEn,
    DurationTh,
    DurationEn,
}

#[derive(DeriveIden, Clone, Copy)]
enum TrackingCounter {
    Table,
    AgencyId,
    FiscalYear,
    LastValue,
}

#[derive(DeriveIden, Clone, Copy)]
enum AppSetting {
    Table,
    Key,
    Value,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Submission {
    Table,
    Id,
    AgencyId,
    TrackingCode,
    FiscalYear,
    FiscalMonth,
    Kind,
    Channel,
    Status,
    Subject,
    Details,
    Location,
    ServiceId,
    DepartmentId,
    AssigneeId,
    Anonymous,
    AskedForBenefit,
    AccessKeyHash,
    ReceivedAt,
    DueAt,
    CloseDueAt,
    NextDueAt,
    ReferredTo,
    FirstAnsweredAt,
    ClosedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum SubmissionEvent {
    Table,
    Id,
    SubmissionId,
    At,
    Kind,
    Public,
    Status,
    Message,
    ActorId,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum StaffUser {
    Table,
    Id,
    AgencyId,
    Username,
    DisplayName,
    PasswordHash,
    Role,
    DepartmentId,
    Active,
    CreatedAt,
    LastLoginAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SubmissionIndicator {
    Table,
    SubmissionId,
    Indicator,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum SubmissionRating {
    Table,
    SubmissionId,
    QuestionId,
    Value,
}

#[derive(DeriveIden, Clone, Copy)]
enum CorruptionDetail {
    Table,
    SubmissionId,
    Official,
    OccurredWhen,
    Evidence,
}

#[derive(DeriveIden, Clone, Copy)]
enum Contact {
    Table,
    SubmissionId,
    Name,
    Phone,
    Email,
    ConsentedAt,
}
