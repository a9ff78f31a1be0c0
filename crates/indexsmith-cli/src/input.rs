//! Command inputs: a path, or `-` for standard input (read once, reported as `<stdin>`).

use std::io::Read;
use std::path::Path;

use crate::error::CliError;

/// The name standard input is reported under.
pub const STDIN_NAME: &str = "<stdin>";

/// A document read whole, with the name to report it under.
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// True when `arg` names standard input.
pub fn is_stdin(arg: &str) -> bool {
    arg == "-"
}

/// Reads `arg` (a path, or `-`).
pub fn read(arg: &str) -> Result<Input, CliError> {
    if is_stdin(arg) {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| CliError::io(Path::new(STDIN_NAME), &e))?;
        return Ok(Input {
            name: STDIN_NAME.to_owned(),
            bytes,
        });
    }
    let bytes = std::fs::read(arg).map_err(|e| CliError::io(Path::new(arg), &e))?;
    Ok(Input {
        name: arg.to_owned(),
        bytes,
    })
}

/// Refuses a command line that names standard input more than once.
pub fn stdin_at_most_once<'a>(args: impl IntoIterator<Item = &'a str>) -> Result<(), CliError> {
    if args.into_iter().filter(|a| is_stdin(a)).count() > 1 {
        return Err(CliError::usage(
            "standard input (`-`) can be read only once",
        ));
    }
    Ok(())
}
