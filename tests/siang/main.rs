//! Siang's integration tests: one binary, a file per area.

mod helpers;

mod api;
mod pages;
mod submit;
mod track;
