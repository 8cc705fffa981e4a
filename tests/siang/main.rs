//! Siang's integration tests: one binary, a file per area.

mod fixtures;
mod helpers;

mod api;
mod backup;
mod bad_input;
mod concurrency;
mod counts;
mod escaping;
mod exports;
mod hardening;
mod ita;
mod open311;
mod openapi;
mod outage;
mod pages;
mod participation;
mod privacy;
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
