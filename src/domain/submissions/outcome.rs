//! What came of a closed submission (issue 18): fixed or answered, partly
//! done, not possible (with the reason), or referred. The status says an
//! item is closed; the outcome says whether the problem is gone, so that
//! "closed" never reads as "fixed".
//!
//! Forms and counts speak one flat code per outcome: `fixed`, `partly`,
//! `referred`, or the reason for "not possible" (`budget`,
//! `not_authority`, `duplicate`, `not_found`).

use entity::enums::{Code, Outcome, OutcomeReason, Status};
use sea_orm::{ActiveEnum, Iterable};

use crate::domain::error::DomainError;

/// A closed submission's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Closing {
    Fixed,
    Partly,
    NotPossible(OutcomeReason),
    Referred,
}

impl Closing {
    /// Every outcome, in the order forms and tables list them.
    pub fn all() -> Vec<Closing> {
        let mut all = vec![Closing::Fixed, Closing::Partly];
        all.extend(OutcomeReason::iter().map(Closing::NotPossible));
        all.push(Closing::Referred);
        all
    }

    /// The flat code of forms, labels (`outcome.<code>`) and counts.
    pub fn code(self) -> String {
        match self {
            Closing::Fixed => "fixed".into(),
            Closing::Partly => "partly".into(),
            Closing::NotPossible(reason) => reason.code(),
            Closing::Referred => "referred".into(),
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::all().into_iter().find(|c| c.code() == code.trim())
    }

    /// As stored: the outcome and its reason.
    pub fn columns(self) -> (Outcome, Option<OutcomeReason>) {
        match self {
            Closing::Fixed => (Outcome::Fixed, None),
            Closing::Partly => (Outcome::Partly, None),
            Closing::NotPossible(reason) => (Outcome::NotPossible, Some(reason)),
            Closing::Referred => (Outcome::Referred, None),
        }
    }

    /// From the stored columns; `None` for an open item.
    pub fn from_columns(outcome: Option<Outcome>, reason: Option<OutcomeReason>) -> Option<Self> {
        Some(match outcome? {
            Outcome::Fixed => Closing::Fixed,
            Outcome::Partly => Closing::Partly,
            Outcome::NotPossible => Closing::NotPossible(reason.unwrap_or(OutcomeReason::NotAuthority)),
            Outcome::Referred => Closing::Referred,
        })
    }

    /// The broad outcome's code (`not_possible` for every reason).
    pub fn outcome_code(self) -> String {
        self.columns().0.to_value()
    }

    /// Whether a closing status may carry this outcome: a resolved item was
    /// fixed, partly done or found not possible; a rejected one was not
    /// possible; a referred one was referred.
    pub fn fits(self, status: Status) -> bool {
        match status {
            Status::Resolved => !matches!(self, Closing::Referred),
            Status::Rejected => matches!(self, Closing::NotPossible(_)),
            Status::Referred => self == Closing::Referred,
            _ => false,
        }
    }

    /// The outcomes a closing status offers.
    pub fn for_status(status: Status) -> Vec<Closing> {
        Self::all().into_iter().filter(|c| c.fits(status)).collect()
    }

    /// What a closing that does not say means: what the status itself has
    /// always meant (rejected = not the agency's matter). Staff forms always
    /// say; this serves older callers and the API.
    pub fn implied_by(status: Status) -> Option<Self> {
        match status {
            Status::Resolved => Some(Closing::Fixed),
            Status::Rejected => Some(Closing::NotPossible(OutcomeReason::NotAuthority)),
            Status::Referred => Some(Closing::Referred),
            _ => None,
        }
    }

    /// The outcome of closing with `status`, as the form said (`code`,
    /// possibly empty): a field error when it does not fit.
    pub fn choose(status: Status, code: &str) -> Result<Self, DomainError> {
        if code.trim().is_empty() {
            return Self::implied_by(status).ok_or_else(|| DomainError::invalid("outcome", "unknown_outcome"));
        }
        let closing = Self::parse(code).ok_or_else(|| DomainError::invalid("outcome", "unknown_outcome"))?;
        if !closing.fits(status) {
            return Err(DomainError::invalid("outcome", "outcome_does_not_fit"));
        }
        Ok(closing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_and_stores_as_its_columns() {
        for closing in Closing::all() {
            assert_eq!(Closing::parse(&closing.code()), Some(closing));
            let (outcome, reason) = closing.columns();
            assert_eq!(Closing::from_columns(Some(outcome), reason), Some(closing));
            assert_eq!(reason.is_some(), outcome == Outcome::NotPossible);
        }
        assert_eq!(Closing::all().len(), 7);
    }

    #[test]
    fn each_closing_status_takes_only_its_outcomes() {
        assert_eq!(Closing::for_status(Status::Referred), [Closing::Referred]);
        assert!(Closing::for_status(Status::Rejected).iter().all(|c| matches!(c, Closing::NotPossible(_))));
        assert!(Closing::for_status(Status::Resolved).contains(&Closing::Partly));
        assert!(Closing::for_status(Status::InProgress).is_empty());
        assert!(Closing::choose(Status::Rejected, "fixed").is_err());
        assert!(Closing::choose(Status::Resolved, "nonsense").is_err());
        assert_eq!(Closing::choose(Status::Resolved, "budget").unwrap(), Closing::NotPossible(OutcomeReason::Budget));
        assert_eq!(Closing::choose(Status::Resolved, "").unwrap(), Closing::Fixed);
    }
}
