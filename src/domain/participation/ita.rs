//! The ITA evidence index: which ITA items this portal answers, per fiscal
//! year. Codes and titles change yearly, so admins keep them as data; a year
//! with none saved falls back to the defaults below (those of 2569).

use chrono::{DateTime, Utc};
use entity::ita_item;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::actor::Staff;
use crate::domain::audit::{self, Action, Entry};
use crate::domain::error::DomainError;
use crate::domain::links::same_origin_path;
use crate::domain::permissions;
use crate::domain::validation::FieldErrors;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ItaItem {
    pub code: String,
    pub title_th: String,
    pub title_en: String,
    /// The portal page that answers it, e.g. `/manual`.
    pub url_path: String,
}

/// The OIT items of the 2569 assessment this portal serves as evidence for;
/// `{fy}` in a path stands for the fiscal year.
const DEFAULTS: &[(&str, &str, &str, &str)] = &[
    ("O11", "ช่องทางการติดต่อและถาม-ตอบ (Q&A)", "Contact and Q&A channel", "/qa"),
    ("O12", "คู่มือหรือมาตรฐานการให้บริการ", "Service manual", "/services"),
    ("O16", "E-Service", "E-Service", "/submit"),
    ("O29", "แนวปฏิบัติการจัดการเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ", "Corruption-complaint guide", "/manual#corruption"),
    ("O30", "ช่องทางแจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ", "Corruption-complaint channel", "/report-corruption"),
    ("O31", "ข้อมูลเชิงสถิติเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ", "Corruption-complaint statistics", "/stats/{fy}#corruption"),
    ("O34", "การเปิดโอกาสให้เกิดการมีส่วนร่วม (ผลการมีส่วนร่วม)", "Results of participation", "/log?fiscal_year={fy}"),
];

pub fn defaults(fiscal_year: i32) -> Vec<ItaItem> {
    DEFAULTS
        .iter()
        .map(|(code, th, en, path)| ItaItem {
            code: (*code).to_owned(),
            title_th: (*th).to_owned(),
            title_en: (*en).to_owned(),
            url_path: path.replace("{fy}", &fiscal_year.to_string()),
        })
        .collect()
}

/// The year's items as saved, or the defaults when none are.
pub async fn items(db: &impl ConnectionTrait, agency_id: i64, fiscal_year: i32) -> Result<Vec<ItaItem>, DbErr> {
    let saved = ita_item::Entity::find()
        .filter(ita_item::Column::AgencyId.eq(agency_id))
        .filter(ita_item::Column::FiscalYear.eq(fiscal_year))
        .order_by_asc(ita_item::Column::Position)
        .all(db)
        .await?;
    if saved.is_empty() {
        return Ok(defaults(fiscal_year));
    }
    Ok(saved
        .into_iter()
        .map(|row| ItaItem {
            code: row.code,
            title_th: row.title_th,
            title_en: row.title_en,
            // A link saved before it was checked as a browser reads it is not shown as a link.
            url_path: same_origin_path(&row.url_path).unwrap_or_default(),
        })
        .collect())
}

/// Replaces the year's items (admins only).
pub async fn save_items(
    db: &sea_orm::DatabaseConnection,
    staff: &Staff,
    agency_id: i64,
    fiscal_year: i32,
    items: &[ItaItem],
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    if !permissions::can_administer(staff) {
        return Err(DomainError::Forbidden);
    }
    let mut errors = FieldErrors::default();
    // Only the portal's own pages: a link elsewhere is not this portal's
    // evidence. Kept as a browser would read it.
    let paths: Vec<Option<String>> = items.iter().map(|item| same_origin_path(item.url_path.trim())).collect();
    for (i, item) in items.iter().enumerate() {
        if item.code.trim().is_empty() || item.code.chars().count() > 32 {
            errors.add(format!("items.{i}.code"), "required");
        }
        if item.title_th.trim().is_empty() {
            errors.add(format!("items.{i}.title_th"), "required");
        }
        if paths[i].is_none() {
            errors.add(format!("items.{i}.url_path"), "local_path");
        }
    }
    errors.into_result().map_err(DomainError::Invalid)?;

    let txn = crate::domain::write::begin(db, agency_id).await?;
    ita_item::Entity::delete_many()
        .filter(ita_item::Column::AgencyId.eq(agency_id))
        .filter(ita_item::Column::FiscalYear.eq(fiscal_year))
        .exec(&txn)
        .await?;
    if !items.is_empty() {
        ita_item::Entity::insert_many(items.iter().zip(paths).zip(1..).map(|((item, path), position)| {
            ita_item::ActiveModel {
                agency_id: Set(agency_id),
                fiscal_year: Set(fiscal_year),
                position: Set(position),
                code: Set(item.code.trim().to_owned()),
                title_th: Set(item.title_th.trim().to_owned()),
                title_en: Set(item.title_en.trim().to_owned()),
                url_path: Set(path.unwrap_or_default()),
                ..Default::default()
            }
        }))
        .exec(&txn)
        .await?;
    }
    audit::record(&txn, staff, Entry::new(Action::ItaItemsSaved).detail(fiscal_year.to_string()), now).await?;
    txn.commit().await?;
    Ok(())
}
