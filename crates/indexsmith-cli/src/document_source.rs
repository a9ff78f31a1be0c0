//! A document named on the command line: a file, `-`, or an image reference fetched from its
//! registry (exact bytes, verified against their digest).

use std::path::Path;

use indexsmith_registry::ops::FetchManifest;

use crate::error::CliError;
use crate::input::{self, Input};
use crate::registry::{reference, Client, RegistryArgs};

/// True when `arg` is read locally: `-`, or a path that exists.
pub fn is_local(arg: &str) -> bool {
    input::is_stdin(arg) || Path::new(arg).exists()
}

/// Reads `arg` from a file or standard input, else fetches it as a reference.
pub fn load(arg: &str, args: &RegistryArgs) -> Result<Input, CliError> {
    if is_local(arg) {
        return input::read(arg);
    }
    let target = reference::parse(arg).map_err(|e| {
        CliError::usage(format!(
            "{arg}: no such file, and not an image reference ({e})"
        ))
    })?;
    let mut client = Client::new(args, target.registry(), &[])?;
    let manifest = client.run(&target.text, |s| {
        FetchManifest::new(s, &target.repository, target.manifest_ref())
    })?;
    Ok(Input {
        name: arg.to_owned(),
        bytes: manifest.bytes,
    })
}
