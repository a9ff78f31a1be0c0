//! `indexsmith inspect REF`: the index and, per child, its platform, digest, size, config,
//! layers and total size (`docker manifest inspect -v`, `regctl manifest get`); `--raw` prints the
//! exact bytes the registry served, whose sha256 is the digest.

use indexsmith_registry::ops::{FetchManifest, Inspect, Inspection};

use crate::error::CliError;
use crate::output;
use crate::registry::{reference, Client, RegistryArgs};
use crate::shapes::{InspectResult, Platform};

/// Show an image index (or image) in a registry, child by child.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  indexsmith inspect 127.0.0.1:5000/app:1.0
  indexsmith inspect --raw ghcr.io/owner/app:1.0 | sha256sum
  indexsmith inspect --json registry.example/app@sha256:…")]
pub struct Args {
    /// The image or index (`host[:port]/path[:tag][@digest]`).
    pub reference: String,
    /// Print the npm package's `inspect()` result.
    #[arg(long, conflicts_with = "raw")]
    pub json: bool,
    /// Print the exact bytes the registry served.
    #[arg(long)]
    pub raw: bool,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

fn mib(bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        format!("{bytes} B")
    } else {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    }
}

fn platform_text(p: &Platform) -> String {
    let mut s = format!("{}/{}", p.os, p.architecture);
    if let Some(v) = &p.variant {
        s.push('/');
        s.push_str(v);
    }
    if let Some(v) = &p.os_version {
        s.push(':');
        s.push_str(v);
    }
    s
}

pub fn text(name: &str, i: &Inspection) -> String {
    let shaped = InspectResult::from(i.clone());
    let mut out = format!(
        "{name}\n  digest      {}\n  media type  {}\n  size        {}\n",
        shaped.digest, shaped.media_type, shaped.size
    );
    for (n, c) in shaped.children.iter().enumerate() {
        // The platform the index declares; the config's when it says something else.
        let declared = c.descriptor.platform.as_ref().map(platform_text);
        let config = c.platform.as_ref().map(platform_text);
        let platform = match (declared, config) {
            (Some(d), Some(c)) if d != c => format!("{d} (config: {c})"),
            (Some(d), _) => d,
            (None, Some(c)) => c,
            (None, None) => "(no platform)".to_owned(),
        };
        out.push_str(&format!(
            "  [{n}] {platform}\n      digest  {}  ({})\n",
            c.descriptor.digest,
            mib(c.descriptor.size)
        ));
        match (&c.manifest, &c.config) {
            (Some(m), Some(config)) => out.push_str(&format!(
                "      config  {}\n      layers  {} ({}), total {}\n",
                config.digest,
                m.layers,
                mib(m.layers_size),
                mib(m.total_size)
            )),
            _ => out.push_str(&format!("      {}\n", c.descriptor.media_type)),
        }
    }
    out
}

pub fn run(args: &Args) -> Result<u8, CliError> {
    let target = reference::parse(&args.reference)?;
    let mut client = Client::new(&args.registry, target.registry(), &[])?;
    if args.raw {
        let manifest = client.run(&target.text, |s| {
            FetchManifest::new(s, &target.repository, target.manifest_ref())
        })?;
        output::stdout(&manifest.bytes)?;
        return Ok(0);
    }
    let inspection = client.run(&target.text, |s| {
        Inspect::new(s, &target.repository, target.manifest_ref())
    })?;
    if args.json {
        output::json(&InspectResult::from(inspection))?;
    } else {
        output::lines(&text(&target.text, &inspection))?;
    }
    Ok(0)
}
