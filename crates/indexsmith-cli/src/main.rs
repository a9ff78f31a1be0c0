//! `indexsmith`: the command line. Documents go to standard output as exact bytes, messages to
//! standard error; `-` reads standard input. Exit status: 0 success, 1 a failed check or
//! operation, 2 a usage or I/O problem.

mod cli;
mod commands;
mod credentials;
mod document_source;
mod error;
mod huge_pages;
mod input;
mod output;
mod platform_arg;
mod progress;
mod registry;
mod shapes;
mod style;

use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static ALLOCATOR: huge_pages::HugePageHint = huge_pages::HugePageHint;

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
