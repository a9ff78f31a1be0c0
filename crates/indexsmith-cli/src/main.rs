//! `indexsmith`: the command line. Documents go to standard output as exact bytes, messages to
//! standard error; `-` reads standard input. Exit status: 0 success, 1 a failed check or
//! operation, 2 a usage or I/O problem.

mod cli;
mod commands;
// `login` (which checks credentials against the registry first) and the registry commands use
// all of it; until then only `logout` and the tests do.
#[allow(dead_code)]
mod credentials;
mod error;
mod input;
mod output;
mod platform_arg;
mod shapes;
mod style;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(status) => ExitCode::from(status),
        Err(error) => {
            error.print();
            ExitCode::from(error.status())
        }
    }
}
