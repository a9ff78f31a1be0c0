pub mod browser;
pub mod failures;
pub mod images;
pub mod module;
pub mod registry;
pub mod remote;
pub mod wire;
