//! Time as Thai agencies count it: Asia/Bangkok (UTC+7, no daylight saving),
//! Buddhist-Era years (Gregorian + 543), fiscal years that start 1 October.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};

pub const BUDDHIST_ERA_OFFSET: i32 = 543;

pub fn bangkok() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&bangkok()).date_naive()
}

/// The Buddhist-Era fiscal year a local date belongs to: 1 Oct 2025 – 30 Sep
/// 2026 is fiscal year 2569.
pub fn fiscal_year(date: NaiveDate) -> i32 {
    let year = if date.month() >= 10 { date.year() + 1 } else { date.year() };
    year + BUDDHIST_ERA_OFFSET
}

/// Month within the fiscal year: 1 = October … 12 = September.
pub fn fiscal_month(date: NaiveDate) -> i32 {
    (date.month() as i32 + 2) % 12 + 1
}

/// The Gregorian (year, month) of a fiscal month (1 = October) of a
/// Buddhist-Era fiscal year: month 1 of 2569 is October 2025.
pub fn calendar_month(fiscal_year: i32, fiscal_month: i32) -> (i32, u32) {
    let year = fiscal_year - BUDDHIST_ERA_OFFSET - i32::from(fiscal_month <= 3);
    (year, ((fiscal_month + 8) % 12 + 1) as u32)
}

/// The first day of a fiscal month.
pub fn fiscal_month_start(fiscal_year: i32, fiscal_month: i32) -> NaiveDate {
    let (year, month) = calendar_month(fiscal_year, fiscal_month);
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn fiscal_year_starts_on_the_first_of_october() {
        assert_eq!(fiscal_year(date(2025, 9, 30)), 2568);
        assert_eq!(fiscal_year(date(2025, 10, 1)), 2569);
        assert_eq!(fiscal_year(date(2026, 9, 30)), 2569);
        assert_eq!(fiscal_year(date(2026, 11, 25)), 2570);
    }

    #[test]
    fn fiscal_months_run_october_to_september() {
        assert_eq!(fiscal_month(date(2025, 10, 1)), 1);
        assert_eq!(fiscal_month(date(2025, 12, 31)), 3);
        assert_eq!(fiscal_month(date(2026, 1, 1)), 4);
        assert_eq!(fiscal_month(date(2026, 9, 30)), 12);
    }

    #[test]
    fn fiscal_months_map_back_to_calendar_months() {
        assert_eq!(calendar_month(2569, 1), (2025, 10));
        assert_eq!(calendar_month(2569, 3), (2025, 12));
        assert_eq!(calendar_month(2569, 4), (2026, 1));
        assert_eq!(calendar_month(2569, 12), (2026, 9));
        for day in [date(2025, 10, 1), date(2026, 3, 15), date(2026, 9, 30)] {
            let (y, m) = calendar_month(fiscal_year(day), fiscal_month(day));
            assert_eq!((y, m), (day.year(), day.month()));
        }
        assert_eq!(fiscal_month_start(2569, 7), date(2026, 4, 1));
    }

    #[test]
    fn bangkok_midnight_moves_the_date_and_the_fiscal_year() {
        // 30 Sep 2026 17:30 UTC is already 1 Oct 2026 00:30 in Bangkok.
        let at = DateTime::parse_from_rfc3339("2026-09-30T17:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(local_date(at), date(2026, 10, 1));
        assert_eq!(fiscal_year(local_date(at)), 2570);
    }
}
