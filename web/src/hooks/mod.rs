//! Custom hooks.

pub mod use_shortcuts;
pub mod use_url_sync;
pub mod use_virtual;
