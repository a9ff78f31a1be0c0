//! `indexsmith copy SRC DST`: a whole multi-platform image (or the named platforms) between
//! repositories or registries, mounting where it can (`crane copy`, `skopeo copy --all`,
//! `az acr import`). Prints the digest: the source's own without `--platform`, else the digest of
//! the filtered index.

use indexsmith::compose::{self, Edit};
use indexsmith_registry::ops::{FetchManifest, Transfer, TransferOutput};

use crate::error::CliError;
use crate::registry::{reference, Client, RegistryArgs};
use crate::{output, platform_arg};

/// Copy an image or index, with every child and blob, to another repository or registry.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  indexsmith copy 127.0.0.1:5000/app:1.0 127.0.0.1:5001/app:1.0
  indexsmith copy build.example/app:1.0 prod.example/app:1.0 --platform linux/amd64 --platform linux/arm64

Without --platform the source's bytes are copied unchanged (same digest); with it, an index of
only those platforms (and their attestations) is written, with a new digest.")]
pub struct Args {
    /// The source image or index.
    pub source: String,
    /// The destination (`host[:port]/path[:tag]`; the source's tag when none is given).
    pub destination: String,
    /// Copy only the entries of these platforms. Repeatable.
    #[arg(long = "platform", value_name = "PLATFORM")]
    pub platforms: Vec<String>,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

pub fn run(args: &Args) -> Result<u8, CliError> {
    let source = reference::parse(&args.source)?;
    let target = reference::parse(&args.destination)?;
    let platforms = args
        .platforms
        .iter()
        .map(|p| platform_arg::parse(p))
        .collect::<Result<Vec<_>, _>>()?;
    let tag = target
        .tag()
        .or_else(|| source.tag().filter(|_| target.reference.digest.is_none()));
    let mut client = Client::new(&args.registry, target.registry(), &[source.registry()])?;
    let what = format!("{} -> {}", source.text, target.text);
    let pushed = if platforms.is_empty() {
        client.run(&what, |s| {
            Transfer::copy(
                s,
                &source.repository,
                source.manifest_ref(),
                &target.repository,
                tag,
            )
        })?
    } else {
        let manifest = client.run(&source.text, |s| {
            FetchManifest::new(s, &source.repository, source.manifest_ref())
        })?;
        let filtered = compose::edit_index(
            &manifest.bytes,
            &[Edit::Filter {
                platforms,
                keep_attestations: true,
            }],
            None,
        )
        .map_err(|e| CliError::compose(&e))?;
        client.run(&what, |s| {
            Transfer::push(
                s,
                &target.repository,
                tag,
                filtered.bytes.clone(),
                &filtered.media_type,
                [source.repository.clone()],
            )
        })?
    };
    let TransferOutput::Pushed(report) = pushed else {
        return Err(CliError::failed("the copy came back as a plan"));
    };
    let digest = report
        .digest
        .ok_or_else(|| CliError::failed(format!("{what}: the registry returned no digest")))?;
    output::lines(&format!("{digest}\n"))?;
    Ok(0)
}
