//! The router with its layers, and serving it.

use std::time::Duration;

use anyhow::Context;
use axum::http::header;
use axum::{middleware, Router};
use sea_orm::DatabaseConnection;
use tower::ServiceBuilder;
use tower_http::compression::predicate::{NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, DefaultPredicate};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::auth::session_store::DbSessionStore;
use crate::config::ServerConfig;
use crate::state::AppState;

/// The portal's routes with their layers, innermost first: the limits (body
/// size, time, concurrency) and the cross-site refusal answer with errors
/// that the error renderer turns into pages; the agency the request is for
/// is resolved (fresh, for every request: `extract::resolve_agency`), or a
/// plain 404 given where none is served; the renderer needs the CSRF cookie
/// that `ensure_cookie` reads or makes; Thai text is marked up on every page, error pages
/// included; security headers go on every answer; text is compressed for
/// slow rural connections (fonts are compressed already). Under
/// `SIANG_PUBLIC_URL`, links leave absolute and the routes sit under its
/// path prefix (`public_url`).
pub fn build_router(state: AppState) -> Router {
    use crate::security;
    let static_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/static");
    // Fonts never change under one name (a new cut gets a new file name);
    // the stylesheet and script may change with a release. `private`: the
    // answer may carry a visitor's first form-token cookie.
    let cache_for = |value: &'static str| {
        SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, header::HeaderValue::from_static(value))
    };
    let fonts = ServiceBuilder::new()
        .layer(cache_for("private, max-age=31536000, immutable"))
        .service(ServeDir::new(format!("{static_dir}/fonts")));
    let static_files =
        ServiceBuilder::new().layer(cache_for("private, max-age=3600")).service(ServeDir::new(static_dir));
    let compress = DefaultPredicate::new().and(NotForContentType::const_new("font/"));
    let cookies = crate::csrf::CsrfCookies {
        key: state.csrf.clone(),
        secure: state.config.secure_cookies,
        public_origin: state.config.public_url.as_ref().map(|url| url.origin().to_owned()),
    };
    let portal = crate::routes::router(&state)
        // The health check says for itself whether the database answers.
        .route("/healthz", axum::routing::get(crate::routes::public::health::check))
        .nest_service("/static/fonts", fonts)
        .nest_service("/static", static_files)
        .route_service("/favicon.ico", ServeFile::new(format!("{static_dir}/favicon.ico")))
        .route_service("/robots.txt", ServeFile::new(format!("{static_dir}/robots.txt")))
        .layer(middleware::from_fn_with_state(state.clone(), security::limit_body))
        .layer(middleware::from_fn_with_state(state.clone(), security::time_limit))
        .layer(middleware::from_fn_with_state(state.clone(), security::cap_concurrency))
        .layer(middleware::from_fn_with_state(cookies.clone(), crate::csrf::refuse_cross_site))
        .layer(middleware::from_fn_with_state(state.clone(), crate::extract::resolve_agency))
        .layer(middleware::from_fn_with_state(state.clone(), crate::error_page::render_error_pages))
        .layer(middleware::from_fn_with_state(state.clone(), crate::thai_text::mark_up_pages))
        .layer(middleware::from_fn_with_state(cookies, crate::csrf::ensure_cookie))
        .layer(middleware::from_fn_with_state(state.clone(), security::headers))
        .layer(middleware::from_fn_with_state(state.clone(), crate::public_url::absolute_links))
        .layer(CompressionLayer::new().compress_when(compress))
        .layer(TraceLayer::new_for_http())
        .with_state(state.clone());
    let health = Router::new().route("/healthz", axum::routing::get(crate::routes::public::health::check));
    crate::public_url::mount(portal, health.with_state(state.clone()), state.config.public_url.as_ref())
}

pub async fn serve(db: DatabaseConnection, config: ServerConfig) -> anyhow::Result<()> {
    let addr = config.addr;
    let transports = crate::notify::transports(&config).map_err(anyhow::Error::msg)?;
    let state =
        AppState::new(db, config).await.context("loading the agency and the signing secret, opening the file store")?;
    let limits = state.limits.clone();
    let sessions = DbSessionStore::new(state.db.clone());
    let db = state.db.clone();
    tokio::spawn(async move {
        let mut every_minute = tokio::time::interval(Duration::from_secs(60));
        loop {
            every_minute.tick().await;
            limits.forget_idle();
            if let Err(err) = sessions.delete_expired().await {
                tracing::warn!(error = %err, "could not remove expired staff sessions");
            }
            let forgotten = crate::domain::submissions::submit::forget_old_requests(&db, chrono::Utc::now()).await;
            if let Err(err) = forgotten {
                tracing::warn!(error = %err, "could not forget old submission requests");
            }
            if let Err(err) = crate::domain::line::forget_old(&db, chrono::Utc::now()).await {
                tracing::warn!(error = %err, "could not forget old LINE events and conversations");
            }
        }
    });

    tokio::spawn(crate::domain::privacy::retention::every_day(state.db.clone()));
    if !transports.is_empty() {
        let sender = crate::notify::sender::Sender::new(state.db.clone(), transports, Default::default());
        sender.spawn();
    }

    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("listening on {addr}"))?;
    tracing::info!("Siang is serving http://{}/", listener.local_addr()?);
    let header_timeout = state.config.header_timeout;
    let db = state.db.clone();
    crate::server::run(listener, build_router(state), header_timeout, shutdown_signal()).await;
    // Only now that no request can use it: let the database finish cleanly
    // (SQLite checkpoints its write-ahead log, PostgreSQL sessions end).
    db.close().await.context("closing the database")?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
