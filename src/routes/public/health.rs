use axum::extract::State;
use axum::http::StatusCode;

use crate::state::AppState;

/// 200 while the database answers a read, 503 otherwise. With a read replica
/// the second line tells its lag, or that public pages read from the primary
/// (still 200: the primary serves them).
pub async fn check(State(state): State<AppState>) -> (StatusCode, String) {
    if let Err(err) = crate::db::reachable(&state.db).await {
        tracing::warn!(error = %err, "health check: database unavailable");
        return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable".into());
    }
    let Some(replica) = &state.replica else { return (StatusCode::OK, "ok".into()) };
    let replica = match replica.lag() {
        Ok(lag) if lag <= crate::read_replica::MAX_LAG => format!("replica lag {:.3} s", lag.as_secs_f64()),
        Ok(lag) => format!("replica lag {:.3} s: too far behind, reading from the primary", lag.as_secs_f64()),
        Err(err) => format!("replica unavailable, reading from the primary: {err}"),
    };
    (StatusCode::OK, format!("ok\n{replica}"))
}
