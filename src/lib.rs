//! Siang (เสียง): a public feedback and participation portal for Thai local
//! government. `routes` parse requests and render; `domain` decides; `entity`
//! and `migration` (workspace crates) hold the database.

pub mod app;
pub mod auth;
pub mod backup;
pub mod charts;
pub mod cli;
pub mod config;
pub mod csrf;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod error_page;
pub mod extract;
pub mod files;
pub mod i18n;
pub mod line;
pub mod notify;
pub mod public_url;
pub mod qr;
pub mod rate_limit;
pub mod read_cache;
pub mod read_replica;
pub mod routes;
pub mod security;
pub mod server;
pub mod state;
pub mod text_input;
pub mod thai_text;
pub mod xml;
