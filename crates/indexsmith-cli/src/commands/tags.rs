//! `indexsmith tags REPO`: the repository's tags, sorted, one a line (`crane ls`,
//! `az acr repository show-tags`); `--json` adds each tag's digest and media type.

use indexsmith_registry::ops::{HeadManifest, ListTags};
use indexsmith_registry::ManifestRef;

use crate::error::CliError;
use crate::output;
use crate::registry::{reference, Client, RegistryArgs};
use crate::shapes::TagEntry;

/// List the tags of a repository.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  indexsmith tags 127.0.0.1:5000/app
  indexsmith tags --json registry.example/team/app")]
pub struct Args {
    /// The repository (`host[:port]/path`).
    pub repository: String,
    /// Print `[{ tag, digest, mediaType }]`.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

pub fn run(args: &Args) -> Result<u8, CliError> {
    let repository = reference::parse_repository(&args.repository)?;
    let mut client = Client::new(&args.registry, &repository.registry, &[])?;
    let mut tags = client.run(&args.repository, |s| ListTags::new(s, &repository, None))?;
    tags.sort();
    tags.dedup();
    if !args.json {
        let mut text = String::new();
        for tag in &tags {
            text.push_str(tag);
            text.push('\n');
        }
        return output::lines(&text).map(|()| 0);
    }
    let mut rows = Vec::with_capacity(tags.len());
    for tag in tags {
        let what = format!("{}:{tag}", args.repository);
        let head = client.run(&what, |s| {
            HeadManifest::new(s, &repository, ManifestRef::Tag(tag.clone()))
        })?;
        rows.push(TagEntry {
            tag,
            digest: head.digest.to_string(),
            media_type: head.media_type,
        });
    }
    output::json(&rows)?;
    Ok(0)
}
