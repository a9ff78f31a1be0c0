//! `indexsmith edit FILE`: remove entries, keep only some platforms, convert OCI ⇄ Docker
//! (`crane index filter`, `regctl index delete`). The loss report goes to standard error.

use std::path::PathBuf;

use clap::ValueEnum;
use indexsmith::compose::{self, Edit, Format, Selector};

use crate::error::CliError;
use crate::style::StyleArg;
use crate::{input, output, platform_arg};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// An OCI image index.
    Oci,
    /// A Docker manifest list.
    Docker,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Oci => Format::Oci,
            FormatArg::Docker => Format::Docker,
        }
    }
}

/// Remove entries, filter platforms or convert an index (`crane index filter`).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  indexsmith edit index.json --remove platform:linux/arm/v7
  indexsmith edit index.json --remove index:3 --remove digest:sha256:…
  indexsmith edit index.json --filter linux/amd64 --filter linux/arm64 -o index.json
  indexsmith edit list.json --convert oci

Edits apply in this order: removals, the filter, the conversion. What a conversion cannot carry
is reported on standard error.")]
pub struct Args {
    /// The index or manifest list (`-` for standard input).
    pub file: String,

    /// Remove entries: `index:N` (from 0), `digest:D` or `platform:P`, with the attestation
    /// entries that describe them. Repeatable.
    #[arg(long, value_name = "SELECTOR")]
    pub remove: Vec<String>,
    /// Keep only the entries of these platforms (and their attestations). Repeatable.
    #[arg(long, value_name = "PLATFORM")]
    pub filter: Vec<String>,
    /// With --filter, drop attestation entries too.
    #[arg(long, requires = "filter")]
    pub drop_attestations: bool,
    /// Convert to an OCI index or a Docker manifest list.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub convert: Option<FormatArg>,

    /// Layout of the output (default: the input's own).
    #[arg(long, value_enum)]
    pub style: Option<StyleArg>,
    /// Write the result to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Parses `index:N`, `digest:D` or `platform:P`.
pub fn selector(arg: &str) -> Result<Selector, CliError> {
    let bad = || {
        CliError::usage(format!(
            "--remove `{arg}`: expected index:N, digest:DIGEST or platform:PLATFORM"
        ))
    };
    let (kind, value) = arg.split_once(':').ok_or_else(bad)?;
    match kind {
        "index" => value.parse().map(Selector::Index).map_err(|_| bad()),
        "digest" if !value.is_empty() => Ok(Selector::Digest(value.to_owned())),
        "platform" => Ok(Selector::Platform(platform_arg::parse(value)?)),
        _ => Err(bad()),
    }
}

pub fn edits(args: &Args) -> Result<Vec<Edit>, CliError> {
    let mut edits = Vec::new();
    for arg in &args.remove {
        edits.push(Edit::Remove {
            selector: selector(arg)?,
        });
    }
    if !args.filter.is_empty() {
        let platforms = args
            .filter
            .iter()
            .map(|p| platform_arg::parse(p))
            .collect::<Result<Vec<_>, _>>()?;
        edits.push(Edit::Filter {
            platforms,
            keep_attestations: !args.drop_attestations,
        });
    }
    if let Some(to) = args.convert {
        edits.push(Edit::Convert { to: to.into() });
    }
    if edits.is_empty() && args.style.is_none() {
        return Err(CliError::usage(
            "nothing to do: give --remove, --filter, --convert or --style",
        ));
    }
    Ok(edits)
}

pub fn run(args: &Args) -> Result<u8, CliError> {
    let edits = edits(args)?;
    let doc = input::read(&args.file)?;
    let composed = compose::edit_index(&doc.bytes, &edits, args.style.map(Into::into))
        .map_err(|e| CliError::compose(&e))?;
    output::diagnostics("result", &composed.diagnostics);
    output::document(&composed.bytes, args.output.as_ref())?;
    Ok(0)
}
