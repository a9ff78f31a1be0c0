//! `indexsmith create REF...`: an index from child references (`docker manifest create`,
//! `crane index append`): each entry's digest, size and media type from the child's exact bytes,
//! its platform from the child's config, or from `--platform`, given once per reference.

use std::path::PathBuf;

use indexsmith::compose::{self, Child, CreateRequest};
use indexsmith_registry::ops::{CreateIndex, NestedIndex};

use crate::commands::edit::FormatArg;
use crate::error::CliError;
use crate::registry::{reference, Client, RegistryArgs};
use crate::style::StyleArg;
use crate::{output, platform_arg};

/// Create an index from per-platform images in a registry (`docker manifest create`).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  indexsmith create 127.0.0.1:5000/app:amd64 127.0.0.1:5000/app:arm64 > index.json
  indexsmith create reg.example/app:amd64 reg.example/app:arm64 | indexsmith push - reg.example/app:1.0
  indexsmith create a:1 b:1 --platform linux/amd64 --platform linux/arm/v7 --format docker --style docker

The document goes to standard output as its exact bytes (compact by default).")]
pub struct Args {
    /// The child images, in order.
    #[arg(required = true, value_name = "REF")]
    pub references: Vec<String>,
    /// An OCI image index (default) or a Docker manifest list.
    #[arg(long, value_enum, default_value = "oci")]
    pub format: FormatArg,
    /// Annotate the index (`KEY=VALUE`). Repeatable.
    #[arg(long = "annotation", value_name = "KEY=VALUE")]
    pub annotations: Vec<String>,
    /// The platform of each reference, in order, instead of the one its config declares: give it
    /// once per reference or not at all.
    #[arg(long = "platform", value_name = "PLATFORM")]
    pub platforms: Vec<String>,
    /// Layout of the document.
    #[arg(long, value_enum, default_value = "compact")]
    pub style: StyleArg,
    /// Write the document to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

pub fn run(args: &Args) -> Result<u8, CliError> {
    if !args.platforms.is_empty() && args.platforms.len() != args.references.len() {
        return Err(CliError::usage(format!(
            "--platform is given {} times for {} references: give it once per reference, in order, or not at all",
            args.platforms.len(),
            args.references.len()
        )));
    }
    let platforms = args
        .platforms
        .iter()
        .map(|p| platform_arg::parse(p))
        .collect::<Result<Vec<_>, _>>()?;
    let annotations = args
        .annotations
        .iter()
        .map(|a| platform_arg::key_value(a))
        .collect::<Result<Vec<_>, _>>()?;
    let targets = args
        .references
        .iter()
        .map(|r| reference::parse(r))
        .collect::<Result<Vec<_>, _>>()?;
    let registries: Vec<&str> = targets.iter().map(|t| t.registry()).collect();
    let mut client = Client::new(&args.registry, registries[0], &registries[1..])?;
    let sources = targets
        .iter()
        .map(|t| (t.repository.clone(), t.manifest_ref()))
        .collect();
    let what = args.references.join(" ");
    let entries = client.run(&what, |s| CreateIndex::new(s, sources, NestedIndex::Refuse))?;
    let mut request = CreateRequest::new(args.format.into()).style(args.style.into());
    for (i, entry) in entries.into_iter().enumerate() {
        let Some(bytes) = entry.manifest else {
            return Err(CliError::failed(format!(
                "{}: is an index; name the platform images it lists",
                args.references[i]
            )));
        };
        let mut child = Child::new(bytes);
        if let Some(p) = platforms.get(i).cloned().or(entry.descriptor.platform) {
            child = child.with_platform(p);
        }
        request = request.child(child);
    }
    for (key, value) in annotations {
        request = request.annotation(key, value);
    }
    let composed = compose::create_index(&request).map_err(|e| CliError::compose(&e))?;
    output::diagnostics("result", &composed.diagnostics);
    output::document(&composed.bytes, args.output.as_ref())?;
    Ok(0)
}
