//! Siang's integration tests: one binary, a file per area.

mod fixtures;
mod helpers;

mod api;
mod backup;
mod bad_input;
mod concurrency;
mod counts;
mod escaping;
mod eservice;
mod evidence;
mod exports;
mod hardening;
mod ita;
mod outage;
mod outcomes;
mod pages;
mod participation;
mod posters;
mod privacy;
mod public_url;
mod qa;
mod repeats;
mod residents_rights;
mod retention;
mod search;
mod security;
mod services;
mod staff_access;
mod staff_participation;
mod staff_workflow;
mod stats;
mod submit;
mod synthetic;
mod track;
mod valid_html;
