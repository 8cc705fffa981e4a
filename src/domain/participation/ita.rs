//! The ITA evidence index: which ITA items this portal answers, per fiscal
//! year, and the NACC's ITAS survey link of a year.
//!
//! Codes, titles and the elements each item requires change yearly and by
//! type of agency, so each year's list is data: one catalogue file a year
//! (`ita_2568.toml`, `ita_2569.toml`, each noting its sources and where they
//! disagree). Admins may replace a year's list with their own; a year with
//! nothing saved shows its catalogue, and a year without a catalogue the
//! latest one before it.

use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, Utc};
use entity::{ita_item, itas_survey};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Deserialize;

use crate::domain::actor::Staff;
use crate::domain::audit::{self, Action, Entry};
use crate::domain::calendar::local_date;
use crate::domain::error::DomainError;
use crate::domain::links::same_origin_path;
use crate::domain::permissions;
use crate::domain::validation::{single_line, FieldErrors};
use crate::domain::write;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ItaItem {
    pub code: String,
    pub title_th: String,
    pub title_en: String,
    /// The portal page that answers it, e.g. `/manual`.
    pub url_path: String,
    /// What the assessment requires of the item.
    pub elements: Vec<String>,
}

/// A year's catalogue file.
#[derive(Debug, Deserialize)]
struct CatalogueFile {
    fiscal_year: i32,
    note_th: String,
    note_en: String,
    item: Vec<CatalogueItem>,
}

#[derive(Debug, Deserialize)]
struct CatalogueItem {
    code: String,
    title_th: String,
    title_en: String,
    /// `{fy}` is the fiscal year, `{previous_fy}` the year before.
    path: String,
    elements: Vec<String>,
}

static CATALOGUES: LazyLock<Vec<CatalogueFile>> = LazyLock::new(|| {
    // Compiled in: a malformed file fails the test suite, never a request.
    let mut files: Vec<CatalogueFile> = [include_str!("ita_2568.toml"), include_str!("ita_2569.toml")]
        .iter()
        .map(|text| toml::from_str(text).expect("an ITA catalogue file is valid"))
        .collect();
    files.sort_by_key(|f| f.fiscal_year);
    files
});

/// Where a year's list comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The catalogue of that year (or, for a year without one, of the
    /// latest year before it), with its note on sources.
    Catalogue { year: i32, note_th: &'static str, note_en: &'static str },
    /// The agency's own list, saved by an admin.
    Agency,
    /// No list: a year before the first catalogue, nothing saved.
    None,
}

/// A year's items and where they come from.
#[derive(Debug, Clone)]
pub struct YearItems {
    pub items: Vec<ItaItem>,
    pub source: Source,
}

/// The catalogue's items for `fiscal_year`: its own, or the latest year's
/// before it; none before the first catalogue.
pub fn catalogue(fiscal_year: i32) -> YearItems {
    let Some(file) = CATALOGUES.iter().rev().find(|f| f.fiscal_year <= fiscal_year) else {
        return YearItems { items: Vec::new(), source: Source::None };
    };
    let items = file
        .item
        .iter()
        .map(|item| ItaItem {
            code: item.code.clone(),
            title_th: item.title_th.clone(),
            title_en: item.title_en.clone(),
            url_path: item
                .path
                .replace("{previous_fy}", &(fiscal_year - 1).to_string())
                .replace("{fy}", &fiscal_year.to_string()),
            elements: item.elements.clone(),
        })
        .collect();
    YearItems {
        items,
        source: Source::Catalogue { year: file.fiscal_year, note_th: &file.note_th, note_en: &file.note_en },
    }
}

/// The year's items as saved, or its catalogue when none are.
pub async fn items(db: &impl ConnectionTrait, agency_id: i64, fiscal_year: i32) -> Result<YearItems, DbErr> {
    let saved = ita_item::Entity::find()
        .filter(ita_item::Column::AgencyId.eq(agency_id))
        .filter(ita_item::Column::FiscalYear.eq(fiscal_year))
        .order_by_asc(ita_item::Column::Position)
        .all(db)
        .await?;
    if saved.is_empty() {
        return Ok(catalogue(fiscal_year));
    }
    let items = saved
        .into_iter()
        .map(|row| ItaItem {
            code: row.code,
            title_th: row.title_th,
            title_en: row.title_en,
            // A link saved before it was checked as a browser reads it is not shown as a link.
            url_path: same_origin_path(&row.url_path).unwrap_or_default(),
            elements: lines(&row.elements),
        })
        .collect();
    Ok(YearItems { items, source: Source::Agency })
}

/// The non-blank lines of a text, trimmed.
pub fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// Replaces the year's items (admins only).
pub async fn save_items(
    db: &DatabaseConnection,
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
        if item.elements.iter().map(|e| e.chars().count() + 1).sum::<usize>() > 5000 {
            errors.add(format!("items.{i}.elements"), "message_too_long");
        }
    }
    errors.into_result().map_err(DomainError::Invalid)?;

    let txn = write::begin(db, agency_id).await?;
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
                elements: Set(item.elements.iter().map(|e| e.trim()).collect::<Vec<_>>().join("\n")),
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

// ----- the ITAS survey link -----

/// The NACC's survey link of a year as an admin set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyInput {
    pub url: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    /// The version the form showed (`None`: there was none).
    pub seen: Option<i32>,
}

/// The year's ITAS survey link, if one is set.
pub async fn survey(
    db: &impl ConnectionTrait,
    agency_id: i64,
    fiscal_year: i32,
) -> Result<Option<itas_survey::Model>, DbErr> {
    itas_survey::Entity::find_by_id((agency_id, fiscal_year)).one(db).await
}

/// Whether the survey collects answers today (Bangkok).
pub fn collecting(survey: &itas_survey::Model, now: DateTime<Utc>) -> bool {
    (survey.opens_on..=survey.closes_on).contains(&local_date(now))
}

/// The survey link to show residents now: set, and today (Bangkok) within
/// its collection window.
pub async fn open_survey(
    db: &impl ConnectionTrait,
    agency_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<itas_survey::Model>, DbErr> {
    let today = local_date(now);
    itas_survey::Entity::find()
        .filter(itas_survey::Column::AgencyId.eq(agency_id))
        .filter(itas_survey::Column::OpensOn.lte(today))
        .filter(itas_survey::Column::ClosesOn.gte(today))
        .order_by_desc(itas_survey::Column::FiscalYear)
        .one(db)
        .await
}

/// Sets (or changes) the year's survey link (admins only). Saving what is
/// already stored changes nothing; a form shown before someone else's save
/// is refused as a conflict.
pub async fn save_survey(
    db: &DatabaseConnection,
    staff: &Staff,
    agency_id: i64,
    fiscal_year: i32,
    input: SurveyInput,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    if !permissions::can_administer(staff) {
        return Err(DomainError::Forbidden);
    }
    let url = input.url.trim();
    let mut errors = FieldErrors::default();
    let parsed = url::Url::parse(url).ok().filter(|u| u.scheme() == "https" && u.host_str().is_some());
    if parsed.is_none() || url.chars().count() > 500 || single_line(url).is_err() {
        errors.add("survey_url", "https_url");
    }
    if input.closes_on < input.opens_on {
        errors.add("closes_on", "period_order");
    }
    errors.into_result().map_err(DomainError::Invalid)?;

    let txn = write::begin(db, agency_id).await?;
    let current = survey(&txn, agency_id, fiscal_year).await?;
    if input.seen != current.as_ref().map(|c| c.version) {
        return Err(DomainError::Conflict);
    }
    if current.as_ref().is_some_and(|c| c.url == url && c.opens_on == input.opens_on && c.closes_on == input.closes_on)
    {
        return Ok(());
    }
    let row = itas_survey::ActiveModel {
        agency_id: Set(agency_id),
        fiscal_year: Set(fiscal_year),
        url: Set(url.to_owned()),
        opens_on: Set(input.opens_on),
        closes_on: Set(input.closes_on),
        version: Set(current.as_ref().map_or(1, |c| c.version + 1)),
        updated_at: Set(now),
    };
    if current.is_some() {
        itas_survey::Entity::update(row).exec(&txn).await?;
    } else {
        itas_survey::Entity::insert(row).exec(&txn).await?;
    }
    audit::record(&txn, staff, Entry::new(Action::ItasSurveySaved).detail(fiscal_year.to_string()), now).await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_year_has_its_own_codes() {
        let code_of = |year: i32, title: &str| {
            catalogue(year).items.into_iter().find(|i| i.title_th.starts_with(title)).map(|i| i.code)
        };
        let guide = "แนวปฏิบัติการจัดการเรื่องร้องเรียนการทุจริต";
        assert_eq!(code_of(2569, guide).as_deref(), Some("O16"));
        assert_eq!(code_of(2568, guide).as_deref(), Some("O17"));
        assert_eq!(code_of(2569, "การนำผลการประเมิน ITA").as_deref(), Some("O25"));
        assert_eq!(code_of(2568, "การนำผลการประเมิน ITA"), None);
    }

    #[test]
    fn every_item_says_what_it_requires_and_where_siang_serves_it() {
        for year in [2568, 2569] {
            let YearItems { items, source } = catalogue(year);
            assert!(matches!(source, Source::Catalogue { year: y, .. } if y == year));
            for item in items {
                assert!(!item.elements.is_empty(), "{year} {}", item.code);
                assert_eq!(same_origin_path(&item.url_path).as_deref(), Some(item.url_path.as_str()));
                assert!(!item.url_path.contains('{'), "{}", item.url_path);
            }
        }
    }

    #[test]
    fn statistics_items_point_at_the_previous_year_and_later_years_use_the_latest_list() {
        let stats = |year: i32| catalogue(year).items.into_iter().find(|i| i.url_path.starts_with("/stats/")).unwrap();
        assert_eq!(stats(2569).url_path, "/stats/2568#corruption");
        assert_eq!(catalogue(2571).source, catalogue(2569).source);
        assert_eq!(stats(2571).url_path, "/stats/2570#corruption");
        assert_eq!(catalogue(2567).source, Source::None);
    }
}
