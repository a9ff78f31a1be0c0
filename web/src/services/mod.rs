pub mod browser;
pub mod failures;
pub mod images;
pub mod registry;
