//! The terminal app: one [`model::Model`], a pure [`update::update`] and
//! [`view::view`], and the loop in [`app`] that runs their effects.

pub mod action;
pub mod app;
pub mod ctx;
pub mod draft;
pub mod effects;
pub mod input;
pub mod keymap;
pub mod keys;
pub mod model;
pub mod popup;
pub mod roster;
pub mod runtime;
pub mod screens;
pub mod sync;
pub mod theme;
pub mod update;
pub mod view;
pub mod worker;
