//! The terminal app.
pub mod app;
