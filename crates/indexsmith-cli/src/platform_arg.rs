//! Platform and `KEY=VALUE` arguments.

use indexsmith::Platform;

use crate::error::CliError;

/// Parses a platform specifier and normalizes it, as the npm package's `parsePlatform` does.
pub fn parse(specifier: &str) -> Result<Platform, CliError> {
    indexsmith::platform::parse(specifier)
        .map(|p| p.normalize())
        .map_err(|e| CliError::usage(format!("{}: {specifier}: {e}", e.code())))
}

/// Parses `KEY=VALUE` (the value may be empty; the key may not).
pub fn key_value(arg: &str) -> Result<(String, String), CliError> {
    match arg.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err(CliError::usage(format!(
            "annotation `{arg}` is not KEY=VALUE"
        ))),
    }
}
