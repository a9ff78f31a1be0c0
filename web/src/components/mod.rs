//! One component per file, each with its `Props` beside it.

pub mod add_entry;
pub mod annotations;
pub mod copy_panel;
pub mod diagnostics;
pub mod diff_panel;
pub mod editor;
pub mod entry_details;
pub mod error_alert;
pub mod format_panel;
pub mod output_panel;
pub mod platform_table;
pub mod registry_panel;
pub mod resolve_panel;
pub mod source_bar;
pub mod summary;
pub mod tabs;
pub mod tags_table;
pub mod transfer_status;
