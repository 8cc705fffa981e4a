//! Months, quarters and half-years of a fiscal year (month 1 = October).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    #[default]
    Month,
    Quarter,
    Half,
}

impl Period {
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "month" => Some(Period::Month),
            "quarter" => Some(Period::Quarter),
            "half" => Some(Period::Half),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Half => "half",
        }
    }

    fn months(self) -> i32 {
        match self {
            Period::Month => 1,
            Period::Quarter => 3,
            Period::Half => 6,
        }
    }

    /// The periods of a fiscal year: 1..=12, 1..=4 or 1..=2.
    pub fn numbers(self) -> std::ops::RangeInclusive<i32> {
        1..=12 / self.months()
    }

    /// The first fiscal month (1 = October) of period `number`.
    pub fn first_month(self, number: i32) -> i32 {
        (number - 1) * self.months() + 1
    }

    /// The last fiscal month of period `number`.
    pub fn last_month(self, number: i32) -> i32 {
        number * self.months()
    }

    /// The period a fiscal month (1 = October) falls in.
    pub fn of_month(self, fiscal_month: i32) -> i32 {
        (fiscal_month - 1) / self.months() + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_one_is_october_to_december_and_half_two_starts_in_april() {
        assert_eq!(Period::Quarter.of_month(1), 1);
        assert_eq!(Period::Quarter.of_month(3), 1);
        assert_eq!(Period::Quarter.of_month(4), 2);
        assert_eq!(Period::Half.of_month(7), 2);
        assert_eq!(Period::Half.numbers().count(), 2);
        assert_eq!(Period::Month.of_month(12), 12);
        assert_eq!((Period::Half.first_month(2), Period::Half.last_month(2)), (7, 12));
        assert_eq!((Period::Quarter.first_month(2), Period::Quarter.last_month(2)), (4, 6));
    }
}
