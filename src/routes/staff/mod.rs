//! The staff workspace: login, the inbox, working a submission, and the
//! admins' pages. Every route but the login page takes `CurrentStaff`, so
//! an anonymous visitor is sent to log in; what each role may do is decided
//! by `domain::permissions`.

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::auth::session_store::DbSessionStore;
use crate::state::AppState;

mod admin;
mod api_keys;
mod audit;
mod guide;
mod inbox;
mod login;
mod participation;
mod privacy;
mod services;
mod submissions;
mod widgets;

/// Staff sessions end after this long without a request.
const IDLE_TIMEOUT: time::Duration = time::Duration::hours(2);

pub fn router(state: &AppState) -> Router<AppState> {
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name(state.csrf.names.session)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(IDLE_TIMEOUT));
    Router::new()
        .route("/staff/login", get(login::show).post(login::login))
        .route("/staff/logout", post(login::logout))
        .route("/staff/logout-everywhere", post(login::logout_everywhere))
        .route("/staff", get(inbox::show))
        .route("/staff/submissions/new", get(submissions::new_form).post(submissions::record))
        .route("/staff/submissions/{id}", get(submissions::show))
        .route("/staff/submissions/{id}/assign", post(submissions::assign))
        .route("/staff/submissions/{id}/indicators", post(submissions::indicators))
        .route("/staff/submissions/{id}/status", post(submissions::status))
        .route("/staff/submissions/{id}/reopen", post(submissions::reopen))
        .route("/staff/submissions/{id}/reply", post(submissions::reply))
        .route("/staff/submissions/{id}/notes", post(submissions::note))
        .route("/staff/submissions/{id}/due", post(submissions::due))
        .route("/staff/submissions/{id}/reporter", post(submissions::reveal_reporter))
        .route("/staff/submissions/{id}/photos/{photo_id}", get(submissions::photo))
        .route("/staff/submissions/{id}/photos/{photo_id}/thumbnail", get(submissions::photo_thumbnail))
        .route("/staff/submissions/{id}/publish", post(submissions::publish))
        .route("/staff/submissions/{id}/unpublish", post(submissions::unpublish))
        .route("/staff/users", get(admin::users).post(admin::create_user))
        .route("/staff/users/{id}", post(admin::update_user))
        .route("/staff/users/{id}/password", post(admin::reset_password))
        .route("/staff/departments", get(admin::departments).post(admin::create_department))
        .route("/staff/departments/{id}", post(admin::update_department))
        .route("/staff/services", get(services::list).post(services::create))
        .route("/staff/services/{id}", get(services::edit).post(services::update))
        .route("/staff/settings", get(admin::settings).post(admin::save_settings))
        .route("/staff/settings/widgets", get(widgets::show))
        .route("/staff/audit", get(audit::show))
        .route("/staff/privacy", get(privacy::show))
        .route("/staff/privacy/requests/{id}", post(privacy::decide))
        .route("/staff/privacy/erase", post(privacy::erase))
        .route("/staff/privacy/retention", post(privacy::save_retention))
        .route("/staff/activities", get(participation::activities).post(participation::create_activity))
        .route("/staff/activities/new", get(participation::new_activity))
        .route("/staff/activities/{id}", get(participation::edit_activity).post(participation::update_activity))
        .route(
            "/staff/activities/{id}/evidence",
            post(participation::upload_evidence)
                .layer(DefaultBodyLimit::max(crate::domain::files::MAX_UPLOAD_BODY_BYTES)),
        )
        .route("/staff/activities/{id}/files/{file_id}", get(participation::evidence_file))
        .route("/staff/activities/{id}/files/{file_id}/remove", post(participation::remove_evidence))
        .route("/staff/plan", get(participation::plan_now))
        .route("/staff/plan/{fiscal_year}", get(participation::plan).post(participation::create_measure))
        .route("/staff/measures/{id}", get(participation::edit_measure).post(participation::update_measure))
        .route("/staff/measures/{id}/progress", post(participation::measure_progress))
        .route("/staff/measures/{id}/evidence", post(participation::measure_evidence))
        .route("/staff/ita", get(participation::ita_now))
        .route("/staff/ita/{fiscal_year}", get(participation::ita_items).post(participation::save_ita_items))
        .route("/staff/ita/{fiscal_year}/survey", post(participation::save_survey))
        .route("/staff/plan/{fiscal_year}/analysis", post(participation::save_analysis))
        .route("/staff/manual", get(guide::edit).post(guide::save))
        .route("/staff/api-keys", get(api_keys::list).post(api_keys::issue))
        .route("/staff/api-keys/{id}/revoke", post(api_keys::revoke))
        .layer(sessions)
}
