//! Command outputs: documents as their exact bytes (nothing added) to standard output or `-o FILE`,
//! text lines to standard output, messages to standard error.

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use crate::error::CliError;

/// Writes `bytes` exactly: to `file` when given (and not `-`), else to standard output.
pub fn document(bytes: &[u8], file: Option<&PathBuf>) -> Result<(), CliError> {
    match file {
        Some(path) if path.as_os_str() != "-" => {
            std::fs::write(path, bytes).map_err(|e| CliError::io(path, &e))
        }
        _ => stdout(bytes),
    }
}

/// Writes `bytes` to standard output and flushes. A closed pipe (`| head`) is not an error.
pub fn stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(CliError::io(Path::new("<stdout>"), &e)),
        _ => Ok(()),
    }
}

/// Writes text lines to standard output.
pub fn lines(text: &str) -> Result<(), CliError> {
    stdout(text.as_bytes())
}

/// Writes a value as JSON (compact, one line, newline-terminated) to standard output.
pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<(), CliError> {
    let mut text = serde_json::to_string(value)
        .map_err(|e| CliError::failed(format!("cannot write JSON: {e}")))?;
    text.push('\n');
    stdout(text.as_bytes())
}

/// Prints the diagnostics of a composed document on standard error, one a line.
pub fn diagnostics(what: &str, diagnostics: &[indexsmith::Diagnostic]) {
    for d in diagnostics {
        eprintln!("{what}:{d}");
    }
}
