//! `indexsmith resolve FILE --platform P`: which entry a client pulls for P (containerd's
//! matcher), and why each other entry is not pulled. Exit 1 when no entry can be pulled.

use indexsmith::compose::{self, IndexDocument};
use indexsmith::resolve::Reason;
use serde_json::value::RawValue;

use crate::error::{CliError, FAILED};
use crate::registry::RegistryArgs;
use crate::shapes::{Candidate, Platform, Resolution};
use crate::{document_source, output, platform_arg};

/// Show which entry of an index a client pulls for a platform, and why.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  indexsmith resolve index.json --platform linux/arm64
  indexsmith resolve index.json --platform linux/arm/v7 --strict
  indexsmith resolve 127.0.0.1:5000/app:1.0 --platform linux/arm64
  indexsmith resolve index.json --platform windows/amd64:10.0.20348 --json

Exit status: 0 an entry is pulled, 1 none matches, 2 a usage or I/O problem.")]
pub struct Args {
    /// The index or manifest list: a file, `-` for standard input, or an image reference.
    pub source: String,
    /// The platform the client runs (`linux/arm64`, `windows/amd64:10.0.20348`).
    #[arg(long, value_name = "PLATFORM")]
    pub platform: String,
    /// No fallbacks (containerd's `OnlyStrict`): `linux/arm64` does not take `linux/arm/v7`.
    #[arg(long)]
    pub strict: bool,
    /// Print the npm package's `resolvePlatform` result.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

fn shape(bytes: &[u8], r: &indexsmith::Resolution) -> Result<Resolution, CliError> {
    let selected = match r.selected {
        Some(i) => {
            let doc = IndexDocument::parse(bytes).map_err(|e| CliError::compose(&e))?;
            let entry = compose::to_bytes(&doc.entries()[i], Default::default());
            let text = String::from_utf8(entry)
                .map_err(|e| CliError::failed(format!("entry {i} is not UTF-8: {e}")))?;
            Some(
                RawValue::from_string(text)
                    .map_err(|e| CliError::failed(format!("entry {i}: {e}")))?,
            )
        }
        None => None,
    };
    Ok(Resolution {
        selected,
        selected_index: r.selected,
        preferences: r.preferences.iter().cloned().map(Platform::from).collect(),
        candidates: r
            .candidates
            .iter()
            .map(|c| Candidate {
                index: c.index,
                platform: c.platform.clone().map(Platform::from),
                matched: c.matched,
                rank: c.rank,
                reason: c.reason.code().to_owned(),
                message: c.message.clone(),
            })
            .collect(),
    })
}

fn text(r: &indexsmith::Resolution, digests: &[String]) -> String {
    let mut out = String::new();
    for c in &r.candidates {
        let mark = if matches!(
            c.reason,
            Reason::Selected { .. } | Reason::SelectedWithoutPlatform
        ) {
            "pull"
        } else {
            "skip"
        };
        let platform = c
            .platform
            .as_ref()
            .map_or_else(|| "(no platform)".to_owned(), |p| p.format_all());
        let digest = digests.get(c.index).map_or("", String::as_str);
        out.push_str(&format!(
            "{mark} [{}] {platform} {digest}  {}: {}\n",
            c.index,
            c.reason.code(),
            c.message
        ));
    }
    out
}

pub fn run(args: &Args) -> Result<u8, CliError> {
    let requested = platform_arg::parse(&args.platform)?;
    let doc = document_source::load(&args.source, &args.registry)?;
    let resolution = compose::resolve_index(&doc.bytes, &requested, args.strict)
        .map_err(|e| CliError::compose(&e))?;
    if args.json {
        output::json(&shape(&doc.bytes, &resolution)?)?;
    } else {
        let parsed = IndexDocument::parse(&doc.bytes).map_err(|e| CliError::compose(&e))?;
        let digests: Vec<String> = parsed
            .entries()
            .iter()
            .map(|e| {
                e.get("digest")
                    .and_then(|d| d.as_str())
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect();
        output::lines(&text(&resolution, &digests))?;
        if resolution.selected.is_none() {
            eprintln!(
                "indexsmith: no entry of {} matches {}",
                doc.name,
                requested.format_all()
            );
        }
    }
    Ok(if resolution.selected.is_some() {
        0
    } else {
        FAILED
    })
}
