//! `CurrentStaff`: the logged-in, still active staff member whose session is
//! of their current epoch, or a refusal (a redirect to the login page for
//! pages, 401 for the API).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use entity::staff_user;
use sea_orm::EntityTrait;
use tower_sessions::Session;

use super::{SESSION_EPOCH, SESSION_USER};
use crate::domain::actor::Staff;
use crate::error::AppError;
use crate::extract::ServedAgency;
use crate::state::AppState;

pub struct CurrentStaff(pub Staff);

impl FromRequestParts<AppState> for CurrentStaff {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let session = Session::from_request_parts(parts, state).await.map_err(|_| AppError::Unauthorized)?;
        let user_id: Option<i64> = session.get(SESSION_USER).await.map_err(|e| AppError::Internal(e.into()))?;
        let user_id = user_id.ok_or(AppError::Unauthorized)?;
        let epoch: Option<i64> = session.get(SESSION_EPOCH).await.map_err(|e| AppError::Internal(e.into()))?;
        // Read on every request, so deactivating an account, changing a role
        // or resetting a password ends its sessions at once, on every instance.
        let user = staff_user::Entity::find_by_id(user_id).one(&state.db).await?;
        // A session is good on its own agency's pages only: a staff member of
        // one agency cannot act on another's by changing host or path. The
        // session is kept for its own agency.
        let served = parts.extensions.get::<ServedAgency>().map(|served| served.0.id);
        if user.as_ref().is_some_and(|user| Some(user.agency_id) != served) {
            return Err(AppError::Unauthorized);
        }
        match user {
            Some(user) if user.active && epoch == Some(user.session_epoch) => Ok(CurrentStaff(Staff::from(&user))),
            _ => {
                session.flush().await.map_err(|e| AppError::Internal(e.into()))?;
                Err(AppError::Unauthorized)
            }
        }
    }
}
