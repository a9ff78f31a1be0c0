//! `indexsmith annotate FILE`: set platform fields and annotations of one entry
//! (`docker manifest annotate`). Prints the edited bytes, in the input's own layout by default.

use std::path::PathBuf;

use indexsmith::compose::{self, Edit, IndexDocument, PlatformField, Selector};

use crate::error::CliError;
use crate::style::StyleArg;
use crate::{input, output, platform_arg};

/// Set the platform fields or annotations of one entry of an index (`docker manifest annotate`).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  indexsmith annotate index.json --entry 2 --variant v7
  indexsmith annotate index.json --platform linux/arm64 --annotation org.example.tier=gold -o index.json
  indexsmith annotate index.json --digest sha256:… --os-version 10.0.20348.2582

An empty value (--variant '') removes the field.")]
#[command(group(clap::ArgGroup::new("which").required(true).args(["entry", "digest", "platform"])))]
pub struct Args {
    /// The index or manifest list (`-` for standard input).
    pub file: String,

    /// The entry at this position (counted from 0, as the app's table).
    #[arg(long, value_name = "N")]
    pub entry: Option<usize>,
    /// The entry with this digest.
    #[arg(long, value_name = "DIGEST")]
    pub digest: Option<String>,
    /// The entry with this platform (it must pick exactly one entry).
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Option<String>,

    /// Set `platform.os`.
    #[arg(long)]
    pub os: Option<String>,
    /// Set `platform.architecture`.
    #[arg(long)]
    pub arch: Option<String>,
    /// Set `platform.variant`.
    #[arg(long)]
    pub variant: Option<String>,
    /// Set `platform.os.version`.
    #[arg(long, value_name = "VERSION")]
    pub os_version: Option<String>,
    /// Set `platform.os.features` (comma-separated).
    #[arg(long, value_name = "A,B")]
    pub os_features: Option<String>,
    /// Set an annotation of the entry (`KEY=VALUE`). Repeatable.
    #[arg(long = "annotation", value_name = "KEY=VALUE")]
    pub annotations: Vec<String>,

    /// Layout of the output (default: the input's own).
    #[arg(long, value_enum)]
    pub style: Option<StyleArg>,
    /// Write the result to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The one entry the arguments pick.
fn pick(bytes: &[u8], args: &Args) -> Result<usize, CliError> {
    let doc = IndexDocument::parse(bytes).map_err(|e| CliError::compose(&e))?;
    let selector = match (&args.entry, &args.digest, &args.platform) {
        (Some(n), _, _) => Selector::Index(*n),
        (_, Some(d), _) => Selector::Digest(d.clone()),
        (_, _, Some(p)) => Selector::Platform(platform_arg::parse(p)?),
        _ => return Err(CliError::usage("give --entry, --digest or --platform")),
    };
    let picked = doc.select(&selector).map_err(|e| CliError::compose(&e))?;
    match picked.as_slice() {
        [one] => Ok(*one),
        many => Err(CliError::usage(format!(
            "{selector} picks {} entries ({}); use --entry N",
            many.len(),
            many.iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The edits the field options ask for.
pub fn edits(index: usize, args: &Args) -> Result<Vec<Edit>, CliError> {
    let fields = [
        (PlatformField::Os, &args.os),
        (PlatformField::Architecture, &args.arch),
        (PlatformField::Variant, &args.variant),
        (PlatformField::OsVersion, &args.os_version),
        (PlatformField::OsFeatures, &args.os_features),
    ];
    let mut edits: Vec<Edit> = fields
        .into_iter()
        .filter_map(|(field, value)| {
            value.as_ref().map(|v| Edit::SetPlatformField {
                index,
                field,
                value: (!v.is_empty()).then(|| v.clone()),
            })
        })
        .collect();
    for arg in &args.annotations {
        let (key, value) = platform_arg::key_value(arg)?;
        edits.push(Edit::Annotate {
            entry: Some(index),
            key,
            value: Some(value),
        });
    }
    if edits.is_empty() {
        return Err(CliError::usage(
            "nothing to set: give --os, --arch, --variant, --os-version, --os-features or --annotation",
        ));
    }
    Ok(edits)
}

pub fn run(args: &Args) -> Result<u8, CliError> {
    let doc = input::read(&args.file)?;
    let index = pick(&doc.bytes, args)?;
    let edits = edits(index, args)?;
    let composed = compose::edit_index(&doc.bytes, &edits, args.style.map(Into::into))
        .map_err(|e| CliError::compose(&e))?;
    output::diagnostics("result", &composed.diagnostics);
    output::document(&composed.bytes, args.output.as_ref())?;
    Ok(0)
}
