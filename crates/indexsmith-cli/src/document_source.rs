//! A document named on the command line: a file, `-`, or an image reference fetched from its
//! registry (exact bytes, verified against their digest). A name is taken as a reference only
//! when it names its registry (`127.0.0.1:5000/app:1.0`, `docker.io/library/alpine`) and is not
//! an existing path, so that a mistyped file name never goes out to a registry.

use std::path::Path;

use indexsmith_registry::ops::FetchManifest;

use crate::error::CliError;
use crate::input::{self, Input};
use crate::registry::{reference, Client, RegistryArgs};

/// True when `arg` is read locally: `-`, a path that exists, or anything that does not name a
/// registry host.
pub fn is_local(arg: &str) -> bool {
    input::is_stdin(arg)
        || Path::new(arg).exists()
        || indexsmith::reference::parse_grammar(arg).map_or(true, |r| r.domain.is_empty())
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
