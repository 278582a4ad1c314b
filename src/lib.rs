//! Rapport: a terminal session-notes journal for therapists.

pub mod cli;
pub mod demo;
pub mod domain;
pub mod fit;
pub mod practice;
pub mod progress;
pub mod sanitize;
pub mod store;
pub mod sync;
pub mod tui;
