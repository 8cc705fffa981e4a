//! A fresh install gets one agency, the divisions most อปท. have, and a few
//! common services, so residents can submit at once; admins rename and edit
//! them from the staff workspace.

use sea_orm_migration::prelude::*;

use crate::m20261125_000001_foundation::{Agency, Department, Service};

#[derive(DeriveMigrationName)]
pub struct Migration;

const DEPARTMENTS: &[(&str, &str, &str)] = &[
    ("office", "สำนักปลัด", "Office of the Permanent Secretary"),
    ("finance", "กองคลัง", "Finance Division"),
    ("works", "กองช่าง", "Public Works Division"),
    ("education", "กองการศึกษา ศาสนาและวัฒนธรรม", "Education, Religion and Culture Division"),
];

const SERVICES: &[(&str, &str, &str, &str)] = &[
    ("building-permit", "ขออนุญาตก่อสร้างอาคาร", "Building permit", "works"),
    ("land-tax", "ชำระภาษีที่ดินและสิ่งปลูกสร้าง", "Land and building tax payment", "finance"),
    ("elderly-allowance", "ขอรับเบี้ยยังชีพผู้สูงอายุ", "Old-age allowance", "office"),
    ("disability-allowance", "ขอรับเบี้ยความพิการ", "Disability allowance", "office"),
    ("water-supply", "ขอรับน้ำอุปโภคบริโภค", "Drinking and household water", "office"),
    ("street-light", "แจ้งซ่อมไฟฟ้าสาธารณะ", "Street-light repair", "works"),
    ("waste-collection", "การจัดเก็บขยะมูลฝอย", "Waste collection", "office"),
    ("child-centre", "ศูนย์พัฒนาเด็กเล็ก", "Child development centre", "education"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.exec_stmt(
            Query::insert()
                .into_table(Agency::Table)
                .columns([
                    Agency::Slug,
                    Agency::NameTh,
                    Agency::NameEn,
                    Agency::AddressTh,
                    Agency::AddressEn,
                    Agency::Phone,
                    Agency::Email,
                    Agency::FirstAnswerDays,
                    Agency::ClosingDays,
                ])
                .values_panic([
                    "default".into(),
                    "องค์การบริหารส่วนตำบล (ยังไม่ได้ตั้งชื่อ)".into(),
                    "Subdistrict Administrative Organization (name not set)".into(),
                    "".into(),
                    "".into(),
                    "".into(),
                    "".into(),
                    15.into(),
                    30.into(),
                ])
                .to_owned(),
        )
        .await?;
        let agency = Query::select()
            .column(Agency::Id)
            .from(Agency::Table)
            .and_where(Expr::col(Agency::Slug).eq("default"))
            .to_owned();

        for (code, th, en) in DEPARTMENTS {
            m.exec_stmt(
                Query::insert()
                    .into_table(Department::Table)
                    .columns([
                        Department::AgencyId,
                        Department::Code,
                        Department::NameTh,
                        Department::NameEn,
                        Department::Active,
                    ])
                    .values_panic([
                        SimpleExpr::SubQuery(None, Box::new(agency.clone().into_sub_query_statement())),
                        (*code).into(),
                        (*th).into(),
                        (*en).into(),
                        true.into(),
                    ])
                    .to_owned(),
            )
            .await?;
        }
        for (slug, th, en, dept) in SERVICES {
            let department = Query::select()
                .column(Department::Id)
                .from(Department::Table)
                .and_where(Expr::col(Department::Code).eq(*dept))
                .to_owned();
            m.exec_stmt(
                Query::insert()
                    .into_table(Service::Table)
                    .columns([
                        Service::AgencyId,
                        Service::Slug,
                        Service::NameTh,
                        Service::NameEn,
                        Service::DepartmentId,
                        Service::Active,
                    ])
                    .values_panic([
                        SimpleExpr::SubQuery(None, Box::new(agency.clone().into_sub_query_statement())),
                        (*slug).into(),
                        (*th).into(),
                        (*en).into(),
                        SimpleExpr::SubQuery(None, Box::new(department.into_sub_query_statement())),
                        true.into(),
                    ])
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [Service::Table.into_iden(), Department::Table.into_iden(), Agency::Table.into_iden()] {
            m.exec_stmt(Query::delete().from_table(table).to_owned()).await?;
        }
        Ok(())
    }
}
