//! Who may do what, decided in one place from the staff member's role and
//! department and the item's kind and department. Routes ask here; the
//! authorization test walks the whole matrix.
//!
//! - `admin`: everything, but erasing a corruption reporter's identity.
//! - `integrity_officer`: every submission, corruption reports and reporters'
//!   identities included; alone decides when a reporter's identity is erased.
//! - `officer`: works submissions of their department and unassigned ones,
//!   never corruption reports.
//! - `viewer`: reads submissions other than corruption reports, never contact
//!   data, changes nothing.

use entity::enums::{Kind, Role};
use entity::submission;

use super::actor::Staff;

/// Which submissions a staff member's inbox holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Everything,
    /// All but corruption reports.
    AllButCorruption,
    /// This department's and unassigned ones, but no corruption reports.
    DepartmentOrUnassigned(Option<i64>),
}

pub fn inbox_scope(staff: &Staff) -> Scope {
    match staff.role {
        Role::Admin | Role::IntegrityOfficer => Scope::Everything,
        Role::Viewer => Scope::AllButCorruption,
        Role::Officer => Scope::DepartmentOrUnassigned(staff.department_id),
    }
}

impl Scope {
    pub fn includes(self, kind: Kind, department_id: Option<i64>) -> bool {
        match self {
            Scope::Everything => true,
            Scope::AllButCorruption => kind != Kind::Corruption,
            Scope::DepartmentOrUnassigned(own) => {
                kind != Kind::Corruption && (department_id.is_none() || (own.is_some() && department_id == own))
            }
        }
    }
}

pub fn can_view(staff: &Staff, item: &submission::Model) -> bool {
    inbox_scope(staff).includes(item.kind, item.department_id)
}

/// Triage, status changes, replies, notes, due dates and assignment.
pub fn can_work(staff: &Staff, item: &submission::Model) -> bool {
    staff.role != Role::Viewer && can_view(staff, item)
}

/// The submitter's name, phone and e-mail. Viewers never; officers only on
/// what they may work (which excludes corruption reports).
pub fn can_see_contact(staff: &Staff, item: &submission::Model) -> bool {
    can_work(staff, item)
}

/// Publishing to (and withdrawing from) the public log: admins, integrity
/// officers, and officers for their own department's items. Corruption
/// reports are never published one by one.
pub fn can_publish(staff: &Staff, item: &submission::Model) -> bool {
    if item.kind == Kind::Corruption {
        return false;
    }
    match staff.role {
        Role::Admin | Role::IntegrityOfficer => true,
        Role::Officer => staff.department_id.is_some() && item.department_id == staff.department_id,
        Role::Viewer => false,
    }
}

/// Recording a submission that arrived by walk-in, phone, letter and so on.
pub fn can_record_submission(staff: &Staff) -> bool {
    staff.role != Role::Viewer
}

/// Participation activities of a department (or of the whole agency, `None`).
pub fn can_manage_activity(staff: &Staff, department_id: Option<i64>) -> bool {
    match staff.role {
        Role::Admin | Role::IntegrityOfficer => true,
        Role::Officer => staff.department_id.is_some() && department_id == staff.department_id,
        Role::Viewer => false,
    }
}

/// Reading an activity in the staff workspace: a published one is public
/// anyway; a draft only by those who may manage it.
pub fn can_read_activity(staff: &Staff, department_id: Option<i64>, published: bool) -> bool {
    published || can_manage_activity(staff, department_id)
}

/// Whether the activities pages are open to this staff member at all (each
/// activity is then checked by its department).
pub fn can_manage_any_activity(staff: &Staff) -> bool {
    match staff.role {
        Role::Admin | Role::IntegrityOfficer => true,
        Role::Officer => staff.department_id.is_some(),
        Role::Viewer => false,
    }
}

/// Dated progress notes on a plan measure.
pub fn can_note_measure_progress(staff: &Staff, measure_department: Option<i64>) -> bool {
    can_manage_activity(staff, measure_department)
}

/// Users, departments, services, settings, plan measures, ITA items, audit log.
pub fn can_administer(staff: &Staff) -> bool {
    staff.role == Role::Admin
}

/// How long contact data is kept: the agency's decision, made by admins.
/// (Corruption reporters' identities have no period: see below.)
pub fn can_set_retention(staff: &Staff) -> bool {
    can_administer(staff)
}

/// Erasing a submitter's contact data before its retention period ends (a
/// resident's request, or the agency's own decision): admins, except for
/// corruption reports, whose reporter's identity is the integrity officer's
/// decision alone (nobody else may even see it).
pub fn can_decide_erasure(staff: &Staff, item: &submission::Model) -> bool {
    match item.kind {
        Kind::Corruption => staff.role == Role::IntegrityOfficer,
        _ => staff.role == Role::Admin,
    }
}

/// Whether erasure is this staff member's decision for some kinds at all.
pub fn can_decide_some_erasure(staff: &Staff) -> bool {
    matches!(staff.role, Role::Admin | Role::IntegrityOfficer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use entity::enums::{Channel, Status};

    fn staff(role: Role, department_id: Option<i64>) -> Staff {
        Staff { id: 1, agency_id: 1, username: "u".into(), display_name: "U".into(), role, department_id }
    }

    fn item(kind: Kind, department_id: Option<i64>) -> submission::Model {
        let now = Utc::now();
        submission::Model {
            id: 1,
            agency_id: 1,
            tracking_code: "2569-000001".into(),
            fiscal_year: 2569,
            fiscal_month: 2,
            kind,
            channel: Channel::Web,
            status: Status::Received,
            subject: "s".into(),
            details: "d".into(),
            location: None,
            service_id: None,
            department_id,
            assignee_id: None,
            anonymous: true,
            asked_for_benefit: None,
            access_key_hash: String::new(),
            received_at: now,
            due_at: now,
            close_due_at: now,
            next_due_at: Some(now),
            referred_to: None,
            first_answered_at: None,
            closed_at: None,
            updated_at: now,
            outcome: None,
            outcome_reason: None,
            reopened_at: None,
            moo: None,
            latitude: None,
            longitude: None,
        }
    }

    /// Every role × (own department, other department, unassigned, corruption):
    /// (view, work, contact, publish).
    #[test]
    fn the_whole_matrix() {
        const OWN: Option<i64> = Some(1);
        const OTHER: Option<i64> = Some(2);
        let cases: &[(Role, Kind, Option<i64>, [bool; 4])] = &[
            (Role::Admin, Kind::Complaint, OTHER, [true, true, true, true]),
            (Role::Admin, Kind::Corruption, None, [true, true, true, false]),
            (Role::IntegrityOfficer, Kind::Corruption, OTHER, [true, true, true, false]),
            (Role::IntegrityOfficer, Kind::Complaint, OTHER, [true, true, true, true]),
            (Role::Officer, Kind::Complaint, OWN, [true, true, true, true]),
            (Role::Officer, Kind::Complaint, None, [true, true, true, false]),
            (Role::Officer, Kind::Complaint, OTHER, [false, false, false, false]),
            (Role::Officer, Kind::Corruption, OWN, [false, false, false, false]),
            (Role::Officer, Kind::Corruption, None, [false, false, false, false]),
            (Role::Viewer, Kind::Suggestion, OTHER, [true, false, false, false]),
            (Role::Viewer, Kind::Corruption, None, [false, false, false, false]),
            // Questions are worked like any submission of their division.
            (Role::Officer, Kind::Question, OWN, [true, true, true, true]),
            (Role::Officer, Kind::Question, None, [true, true, true, false]),
            (Role::Officer, Kind::Question, OTHER, [false, false, false, false]),
            (Role::Viewer, Kind::Question, OWN, [true, false, false, false]),
        ];
        for (role, kind, department, expected) in cases {
            let who = staff(*role, OWN);
            let what = item(*kind, *department);
            let got =
                [can_view(&who, &what), can_work(&who, &what), can_see_contact(&who, &what), can_publish(&who, &what)];
            assert_eq!(&got, expected, "{role:?} on {kind:?} of {department:?}");
        }
    }

    #[test]
    fn administration_is_for_admins_only() {
        for role in [Role::IntegrityOfficer, Role::Officer, Role::Viewer] {
            assert!(!can_administer(&staff(role, Some(1))));
        }
        assert!(can_administer(&staff(Role::Admin, None)));
        assert!(!can_record_submission(&staff(Role::Viewer, None)));
        assert!(can_manage_activity(&staff(Role::Officer, Some(1)), Some(1)));
        assert!(!can_manage_activity(&staff(Role::Officer, Some(1)), Some(2)));
        assert!(!can_manage_activity(&staff(Role::Officer, None), None));
        assert!(can_read_activity(&staff(Role::Officer, Some(1)), Some(2), true));
        assert!(!can_read_activity(&staff(Role::Officer, Some(1)), Some(2), false));
        assert!(!can_read_activity(&staff(Role::Officer, Some(1)), None, false));
        assert!(can_read_activity(&staff(Role::IntegrityOfficer, None), Some(2), false));
    }

    #[test]
    fn erasure_is_decided_by_admins_and_for_corruption_reporters_by_the_integrity_officer_alone() {
        for role in [Role::Admin, Role::IntegrityOfficer, Role::Officer, Role::Viewer] {
            let who = staff(role, Some(1));
            assert_eq!(can_decide_erasure(&who, &item(Kind::Complaint, Some(1))), role == Role::Admin, "{role:?}");
            assert_eq!(can_decide_erasure(&who, &item(Kind::Question, None)), role == Role::Admin, "{role:?}");
            assert_eq!(
                can_decide_erasure(&who, &item(Kind::Corruption, None)),
                role == Role::IntegrityOfficer,
                "{role:?}"
            );
            assert_eq!(can_set_retention(&who), role == Role::Admin, "{role:?}");
            assert_eq!(can_decide_some_erasure(&who), matches!(role, Role::Admin | Role::IntegrityOfficer), "{role:?}");
        }
    }
}
