//! Dates for people: Buddhist Era with Thai month names in Thai, Gregorian in
//! English, always in Bangkok time.

use chrono::{DateTime, Datelike, Timelike, Utc};

use super::Lang;

// Month names are locale data of this formatter, kept beside it.
use crate::domain::calendar::{bangkok, BUDDHIST_ERA_OFFSET};

const THAI_MONTHS: [&str; 12] = [
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
];
const ENGLISH_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `25 พฤศจิกายน 2569` / `25 November 2026`.
pub fn format_date(lang: Lang, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&bangkok());
    let month = local.month0() as usize;
    match lang {
        Lang::Th => format!("{} {} {}", local.day(), THAI_MONTHS[month], local.year() + BUDDHIST_ERA_OFFSET),
        Lang::En => format!("{} {} {}", local.day(), ENGLISH_MONTHS[month], local.year()),
    }
}

const THAI_MONTHS_SHORT: [&str; 12] =
    ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."];

/// `25 พ.ย. 2569` / `25 Nov 2026`: for tables, where a date should fit one line.
pub fn format_short_date(lang: Lang, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&bangkok());
    let month = local.month0() as usize;
    match lang {
        Lang::Th => format!("{} {} {}", local.day(), THAI_MONTHS_SHORT[month], local.year() + BUDDHIST_ERA_OFFSET),
        Lang::En => format!("{} {} {}", local.day(), &ENGLISH_MONTHS[month][..3], local.year()),
    }
}

/// A month's name: `ตุลาคม` / `October` (`month` from 1).
pub fn month_name(lang: Lang, month: u32) -> &'static str {
    let index = (month.clamp(1, 12) - 1) as usize;
    match lang {
        Lang::Th => THAI_MONTHS[index],
        Lang::En => ENGLISH_MONTHS[index],
    }
}

/// The date with the Bangkok time: `25 พฤศจิกายน 2569 เวลา 14:05 น.`.
pub fn format_datetime(lang: Lang, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&bangkok());
    let time = format!("{:02}:{:02}", local.hour(), local.minute());
    super::t_with(lang, "date.at_time", &[("date", &format_date(lang, at)), ("time", &time)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thai_dates_use_the_buddhist_era_and_bangkok_time() {
        let at = DateTime::parse_from_rfc3339("2026-11-24T18:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(format_date(Lang::Th, at), "25 พฤศจิกายน 2569");
        assert_eq!(format_date(Lang::En, at), "25 November 2026");
        assert_eq!(format_datetime(Lang::Th, at), "25 พฤศจิกายน 2569 เวลา 01:30 น.");
        assert_eq!(format_short_date(Lang::Th, at), "25 พ.ย. 2569");
        assert_eq!(format_short_date(Lang::En, at), "25 Nov 2026");
    }
}
