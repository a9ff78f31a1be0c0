//! One module per command. Each returns the exit status on success (0, or 1 for a negative
//! answer such as "invalid" or "different"), or a [`CliError`].

pub mod annotate;
pub mod completions;
pub mod copy;
pub mod create;
pub mod diff;
pub mod edit;
pub mod inspect;
pub mod login;
pub mod push;
pub mod resolve;
pub mod serve;
pub mod tags;
pub mod validate;

use crate::cli::{Cli, Command};
use crate::error::CliError;

pub fn run(cli: Cli) -> Result<u8, CliError> {
    match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Inspect(args) => inspect::run(&args),
        Command::Create(args) => create::run(&args),
        Command::Push(args) => push::run(&args),
        Command::Copy(args) => copy::run(&args),
        Command::Tags(args) => tags::run(&args),
        Command::Login(args) => login::login(&args),
        Command::Annotate(args) => annotate::run(&args),
        Command::Edit(args) => edit::run(&args),
        Command::Resolve(args) => resolve::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Logout(args) => login::logout(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Serve(options) => serve::run(options),
    }
}
