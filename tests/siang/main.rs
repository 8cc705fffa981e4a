//! Siang's integration tests: one binary, a file per area.

mod fixtures;
mod helpers;

mod api;
mod pages;
mod participation;
mod privacy;
mod stats;
mod submit;
mod track;
