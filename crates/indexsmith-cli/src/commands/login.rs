//! `indexsmith login` and `indexsmith logout`: credentials in Docker's `config.json`.

use crate::credentials::ConfigFile;
use crate::error::CliError;

/// Forget the credentials of a registry (`docker logout`).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  indexsmith logout registry.example
  DOCKER_CONFIG=./ci-docker indexsmith logout 127.0.0.1:5000")]
pub struct LogoutArgs {
    /// The registry, `host[:port]`.
    pub registry: String,
}

pub fn logout(args: &LogoutArgs) -> Result<u8, CliError> {
    let mut config = ConfigFile::load()?;
    if config.erase(&args.registry)? {
        config.save()?;
        eprintln!(
            "Removed the credentials of {} from {}",
            args.registry,
            config.path().display()
        );
    } else {
        eprintln!("Not logged in to {}", args.registry);
    }
    Ok(0)
}
