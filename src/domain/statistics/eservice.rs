//! E-Service figures (ITA item O10, issue 17 point 4): for each month of a
//! fiscal year and for the year, the submissions received by channel and by
//! kind, and the requests answered on time. Read from the counts the writes
//! keep (`tally`: kind, channel and answers per month), so a year costs a
//! few hundred rows however many submissions it had.

use chrono::NaiveDate;
use entity::enums::{Channel, Code, Kind};
use sea_orm::{ConnectionTrait, DbErr, Iterable};
use serde::Serialize;

use crate::domain::calendar::fiscal_month_start;
use crate::domain::tally::{self, Figure};

/// The channels that are online services: this portal, LINE and Facebook.
pub const ONLINE: [Channel; 3] = [Channel::Web, Channel::Line, Channel::Facebook];

/// One month of the year (or the whole year).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EServiceRow {
    /// 1 = October … 12 = September; 0 for the year.
    pub fiscal_month: i32,
    /// Whether the month has begun: months to come show no figures.
    pub begun: bool,
    /// Submissions received per channel, in `Channel::iter()` order.
    pub by_channel: Vec<i64>,
    /// Per kind, in `Kind::iter()` order.
    pub by_kind: Vec<i64>,
    /// Requests answered (feedback is not a request) in the month they were
    /// received, on time and late.
    pub on_time: i64,
    pub late: i64,
}

impl EServiceRow {
    pub fn total(&self) -> i64 {
        self.by_channel.iter().sum()
    }

    /// Received through the online channels ([`ONLINE`]).
    pub fn online(&self) -> i64 {
        Channel::iter().zip(&self.by_channel).filter(|(c, _)| ONLINE.contains(c)).map(|(_, n)| n).sum()
    }

    pub fn answered(&self) -> i64 {
        self.on_time + self.late
    }

    /// Share of answered requests answered on time, in percent.
    pub fn on_time_percent(&self) -> Option<f64> {
        (self.answered() > 0).then(|| self.on_time as f64 * 100.0 / self.answered() as f64)
    }

    fn add(&mut self, other: &EServiceRow) {
        for (sum, n) in self.by_channel.iter_mut().zip(&other.by_channel) {
            *sum += n;
        }
        for (sum, n) in self.by_kind.iter_mut().zip(&other.by_kind) {
            *sum += n;
        }
        self.on_time += other.on_time;
        self.late += other.late;
    }
}

/// A fiscal year's E-Service figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EServiceYear {
    pub fiscal_year: i32,
    pub channels: Vec<String>,
    pub kinds: Vec<String>,
    /// Twelve months, October first.
    pub months: Vec<EServiceRow>,
    pub year: EServiceRow,
}

/// The figures of `fiscal_year` as of `today` (Bangkok date).
pub async fn of_year(
    db: &impl ConnectionTrait,
    agency_id: i64,
    fiscal_year: i32,
    today: NaiveDate,
) -> Result<EServiceYear, DbErr> {
    let channels: Vec<Channel> = Channel::iter().collect();
    let kinds: Vec<Kind> = Kind::iter().collect();
    let empty = |fiscal_month: i32| EServiceRow {
        fiscal_month,
        begun: fiscal_month == 0 || fiscal_month_start(fiscal_year, fiscal_month) <= today,
        by_channel: vec![0; channels.len()],
        by_kind: vec![0; kinds.len()],
        on_time: 0,
        late: 0,
    };
    let mut months: Vec<EServiceRow> = (1..=12).map(empty).collect();
    for (month, figure, key, n) in tally::of_year(db, agency_id, fiscal_year).await? {
        let Some(row) = usize::try_from(month - 1).ok().and_then(|i| months.get_mut(i)) else { continue };
        match figure {
            Figure::Channel => {
                if let Some(i) = channels.iter().position(|c| c.code() == key) {
                    row.by_channel[i] += n;
                }
            }
            Figure::Kind => {
                if let Some(i) = kinds.iter().position(|k| k.code() == key) {
                    row.by_kind[i] += n;
                }
            }
            Figure::Answered if key == "on_time" => row.on_time += n,
            Figure::Answered if key == "late" => row.late += n,
            _ => {}
        }
    }
    let mut year = empty(0);
    for month in &months {
        year.add(month);
    }
    Ok(EServiceYear {
        fiscal_year,
        channels: channels.iter().map(Code::code).collect(),
        kinds: kinds.iter().map(Code::code).collect(),
        months,
        year,
    })
}
