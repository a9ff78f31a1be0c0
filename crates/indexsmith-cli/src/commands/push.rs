//! `indexsmith push FILE TARGET`: push an index (or image manifest) given as bytes, with each
//! missing child taken from the target repository or a `--source` (`docker manifest push`). The
//! plan (present / mount / copy per child) goes to standard error, the pushed digest alone to
//! standard output; `--dry-run` prints the plan on standard output and pushes nothing.

use indexsmith_registry::ops::{ChildAction, PushPlan, Transfer, TransferOutput};
use indexsmith_registry::Repository;

use crate::error::CliError;
use crate::registry::{reference, Client, RegistryArgs};
use crate::{input, output};

/// Push an index to a registry, its children mounted or copied from source repositories.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  indexsmith push index.json 127.0.0.1:5000/app:1.0
  indexsmith create reg.example/app:amd64 reg.example/app:arm64 | indexsmith push - reg.example/app:1.0
  indexsmith push index.json reg.example/app:1.0 --source reg.example/app-amd64 --source reg.example/app-arm64
  indexsmith push --dry-run index.json reg.example/app:1.0

Without --source every child must already be in the target repository. The index is written
last, so a failed push never leaves the tag pointing at a half-pushed index.")]
pub struct Args {
    /// The index or manifest (`-` for standard input).
    pub file: String,
    /// Where to push it (`host[:port]/path[:tag]`).
    pub target: String,
    /// A repository to take missing children from (the first that has each). Repeatable.
    #[arg(long = "source", value_name = "REPO")]
    pub sources: Vec<String>,
    /// Print the plan and push nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// The plan, one line per manifest, then the totals.
pub fn plan_text(target: &str, plan: &PushPlan) -> String {
    let mut out = format!("plan: {} -> {target}\n", plan.digest);
    for c in &plan.children {
        let platform = c
            .platform
            .as_ref()
            .map_or_else(|| "(no platform)".to_owned(), |p| p.format_all());
        let action = match &c.action {
            ChildAction::Present => "present".to_owned(),
            ChildAction::ManifestOnly => "push manifest (blobs present)".to_owned(),
            ChildAction::Mount { from } => format!(
                "mount {} blobs ({}) from {from}",
                c.blobs_to_mount,
                mib(c.bytes_to_mount)
            ),
            ChildAction::Copy { from } => format!(
                "copy {} blobs ({}) from {from}{}",
                c.blobs_to_copy,
                mib(c.bytes_to_copy),
                if c.blobs_to_mount > 0 {
                    format!(", mount {}", c.blobs_to_mount)
                } else {
                    String::new()
                }
            ),
        };
        out.push_str(&format!("  {platform:<24} {}  {action}\n", c.digest));
    }
    out.push_str(&format!(
        "  index: {}; blobs: {} present, {} to mount, {} to copy ({})\n",
        if plan.root_present {
            "already there"
        } else {
            "to push"
        },
        plan.blobs_present,
        plan.blobs_to_mount,
        plan.blobs_to_copy,
        mib(plan.bytes_to_copy)
    ));
    out
}

pub fn run(args: &Args) -> Result<u8, CliError> {
    let target = reference::parse(&args.target)?;
    let sources: Vec<Repository> = args
        .sources
        .iter()
        .map(|s| reference::parse_repository(s))
        .collect::<Result<_, _>>()?;
    if args.registry.password_stdin && input::is_stdin(&args.file) {
        return Err(CliError::usage(
            "--password-stdin and a document on standard input (`-`) cannot be combined",
        ));
    }
    let doc = input::read(&args.file)?;
    let validation = indexsmith::validate::validate_document(&doc.bytes, &Default::default());
    let (Some(kind), true) = (validation.kind, validation.is_valid()) else {
        let mut message = format!(
            "{}: not a valid index or manifest; nothing was pushed",
            doc.name
        );
        for d in validation.diagnostics.iter().filter(|d| d.is_error()) {
            message.push_str(&format!("\n  {}:{d}", doc.name));
        }
        return Err(CliError::failed(message));
    };
    let media_type = validation
        .media_type
        .clone()
        .unwrap_or_else(|| kind.media_type().to_owned());
    let others: Vec<&str> = sources.iter().map(|s| s.registry.as_str()).collect();
    let mut client = Client::new(&args.registry, target.registry(), &others)?;
    let plan = client.run_silent(&target.text, |s| {
        Transfer::plan(
            s,
            &target.repository,
            target.tag(),
            doc.bytes.clone(),
            &media_type,
            sources.clone(),
        )
    })?;
    let TransferOutput::Plan(plan) = plan else {
        return Err(CliError::failed("the plan came back as a push report"));
    };
    let text = plan_text(&target.text, &plan);
    if args.dry_run {
        output::lines(&text)?;
        return Ok(0);
    }
    if !args.registry.quiet {
        eprint!("{text}");
    }
    let pushed = client.run(&target.text, |s| {
        Transfer::push(
            s,
            &target.repository,
            target.tag(),
            doc.bytes.clone(),
            &media_type,
            sources.clone(),
        )
    })?;
    let digest = match pushed {
        TransferOutput::Pushed(report) => report.digest.unwrap_or(plan.digest),
        TransferOutput::Plan(_) => plan.digest,
    };
    output::lines(&format!("{digest}\n"))?;
    Ok(0)
}
