pub mod browser;
pub mod registry;
