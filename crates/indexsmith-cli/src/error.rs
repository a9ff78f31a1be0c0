//! Errors of a command, with their exit status: 1 when an operation failed, 2 for a usage or
//! I/O problem (as `diff(1)` and linters do).

use std::fmt;
use std::path::Path;

/// Exit status of a failed check or operation.
pub const FAILED: u8 = 1;
/// Exit status of a usage or I/O problem.
pub const TROUBLE: u8 = 2;

#[derive(Debug)]
pub struct CliError {
    status: u8,
    message: String,
}

impl CliError {
    /// The operation failed (a registry error, an edit that cannot be done, …).
    pub fn failed(message: impl Into<String>) -> CliError {
        CliError {
            status: FAILED,
            message: message.into(),
        }
    }

    /// The command was called wrongly.
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError {
            status: TROUBLE,
            message: message.into(),
        }
    }

    /// A file or stream could not be read or written.
    pub fn io(path: &Path, error: &std::io::Error) -> CliError {
        CliError {
            status: TROUBLE,
            message: format!("{}: {error}", path.display()),
        }
    }

    /// A core compose error, with its stable code.
    pub fn compose(error: &indexsmith::compose::ComposeError) -> CliError {
        let mut message = format!("{}: {error}", error.code());
        if let indexsmith::compose::ComposeError::NotAnIndex { diagnostics } = error {
            for d in diagnostics.iter().filter(|d| d.is_error()) {
                message.push_str(&format!("\n  {d}"));
            }
        }
        CliError::failed(message)
    }

    pub fn status(&self) -> u8 {
        self.status
    }

    pub fn print(&self) {
        eprintln!("indexsmith: {}", self.message);
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
