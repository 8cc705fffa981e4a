//! Siang's integration tests: one binary, a file per area.

mod helpers;

mod api;
mod bad_input;
mod escaping;
mod hardening;
mod outage;
mod pages;
mod staff_access;
mod staff_workflow;
mod submit;
mod track;
