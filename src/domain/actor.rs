//! Who is acting. Every domain write takes one (DESIGN.md rule 2).

use entity::enums::Role;

/// A logged-in staff member, as the permissions module sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub id: i64,
    /// The agency whose staff they are.
    pub agency_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department_id: Option<i64>,
}

impl Staff {
    /// The role's code (`integrity_officer`, …).
    pub fn role_code(&self) -> String {
        entity::enums::Code::code(&self.role)
    }
}

impl From<&entity::staff_user::Model> for Staff {
    fn from(user: &entity::staff_user::Model) -> Self {
        Self {
            id: user.id,
            agency_id: user.agency_id,
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            role: user.role,
            department_id: user.department_id,
        }
    }
}
