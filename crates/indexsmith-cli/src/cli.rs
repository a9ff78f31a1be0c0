//! The command line: one subcommand per job, each with its arguments in its own module.

use clap::{Parser, Subcommand};

use crate::commands::{
    annotate, completions, copy, create, diff, edit, inspect, login, push, resolve, tags, validate,
};

const EXAMPLES: &str = "\
Examples:
  indexsmith validate index.json --format github
  indexsmith create reg.example/app:amd64 reg.example/app:arm64 | indexsmith push - reg.example/app:1.0
  indexsmith inspect reg.example/app:1.0
  indexsmith copy reg.example/app:1.0 prod.example/app:1.0
  indexsmith annotate index.json --platform linux/arm --variant v7 -o index.json
  indexsmith edit index.json --filter linux/amd64 --filter linux/arm64
  indexsmith resolve index.json --platform linux/arm64
  indexsmith diff before.json after.json
  indexsmith serve --port 0

Documents are written to standard output as their exact bytes; messages go to standard error.
`-` reads standard input. Exit status: 0 success, 1 a failed check or operation, 2 a usage or
I/O problem.";

/// Validate, inspect and compose multi-platform container image indexes (OCI image indexes and
/// Docker manifest lists), without a Docker daemon.
#[derive(Debug, Parser)]
#[command(name = "indexsmith", version, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Validate(validate::Args),
    Inspect(inspect::Args),
    Create(create::Args),
    Annotate(annotate::Args),
    Edit(edit::Args),
    Resolve(resolve::Args),
    Diff(diff::Args),
    Push(push::Args),
    Copy(copy::Args),
    Tags(tags::Args),
    Login(login::LoginArgs),
    Logout(login::LogoutArgs),
    Completions(completions::Args),
    /// Serve the app, a registry proxy for it and a seeded local registry (127.0.0.1 only).
    #[command(after_help = "Examples:\n  indexsmith serve\n  indexsmith serve --port 0 --no-seed")]
    Serve(indexsmith_serve::cli::Options),
}
