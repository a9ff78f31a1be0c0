//! `indexsmith completions SHELL`: a completion script for the shell, on standard output.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::CliError;

/// Print a shell completion script.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  indexsmith completions bash > /etc/bash_completion.d/indexsmith
  indexsmith completions zsh > \"${fpath[1]}/_indexsmith\"
  indexsmith completions fish > ~/.config/fish/completions/indexsmith.fish")]
pub struct Args {
    /// The shell.
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: &Args) -> Result<u8, CliError> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "indexsmith", &mut script);
    crate::output::stdout(&script)?;
    Ok(0)
}
