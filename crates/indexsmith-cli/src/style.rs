//! `--style`: how a written document is laid out.

use clap::ValueEnum;
use indexsmith::json::write::Style;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StyleArg {
    /// No whitespace (crane, regctl, buildkit).
    Compact,
    /// Indented with 3 spaces, as `docker manifest push` writes.
    Docker,
    /// Indented with tabs.
    Tab,
}

impl From<StyleArg> for Style {
    fn from(s: StyleArg) -> Style {
        match s {
            StyleArg::Compact => Style::Compact,
            StyleArg::Docker => Style::DOCKER,
            StyleArg::Tab => Style::Tab,
        }
    }
}
