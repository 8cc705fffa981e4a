//! The status workflow: which status may follow which, and which steps owe
//! the resident a message.
//!
//! ```text
//! received → accepted → in_progress → resolved
//! received/accepted → rejected (not the agency's matter) | referred (to another agency)
//! ```

use entity::enums::Status;

pub fn next_statuses(from: Status) -> &'static [Status] {
    match from {
        Status::Received => &[Status::Accepted, Status::Rejected, Status::Referred],
        Status::Accepted => &[Status::InProgress, Status::Rejected, Status::Referred],
        Status::InProgress => &[Status::Resolved],
        Status::Resolved | Status::Rejected | Status::Referred => &[],
    }
}

pub fn can_move(from: Status, to: Status) -> bool {
    next_statuses(from).contains(&to)
}

/// Closing steps must tell the resident why or what was done.
pub fn needs_message(to: Status) -> bool {
    is_closed(to)
}

pub fn is_closed(status: Status) -> bool {
    matches!(status, Status::Resolved | Status::Rejected | Status::Referred)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    #[test]
    fn every_legal_transition_and_no_other() {
        let legal = [
            (Status::Received, Status::Accepted),
            (Status::Received, Status::Rejected),
            (Status::Received, Status::Referred),
            (Status::Accepted, Status::InProgress),
            (Status::Accepted, Status::Rejected),
            (Status::Accepted, Status::Referred),
            (Status::InProgress, Status::Resolved),
        ];
        for from in Status::iter() {
            for to in Status::iter() {
                assert_eq!(can_move(from, to), legal.contains(&(from, to)), "{from:?} → {to:?}");
            }
        }
    }

    #[test]
    fn closing_steps_need_a_message() {
        assert!(needs_message(Status::Resolved) && needs_message(Status::Rejected) && needs_message(Status::Referred));
        assert!(!needs_message(Status::Accepted) && !needs_message(Status::InProgress));
    }
}
