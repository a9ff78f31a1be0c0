//! The indexsmith web app: a Yew single-page app over the core crate.
//!
//! Pure modules (the reducer, the URL codec, the table rows) compile and are tested
//! on the host; browser calls live in `services` and in component callbacks.

pub mod app;
pub mod components;
pub mod examples;
pub mod fragment;
pub mod hooks;
pub mod resolution;
pub mod rows;
pub mod services;
pub mod state;
