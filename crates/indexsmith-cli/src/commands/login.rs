//! `indexsmith login` and `indexsmith logout`: credentials in Docker's `config.json`, where
//! `docker login`, `crane auth login` and regctl keep them.

use indexsmith_registry::ops::Ping;
use indexsmith_registry::{Credentials, Session, SessionConfig};

use crate::credentials::ConfigFile;
use crate::error::CliError;
use crate::registry::{password_from_stdin, Client};

/// Log in to a registry: the credentials are checked against it, then kept in `config.json`
/// (`$DOCKER_CONFIG` or `~/.docker`), or in its credential helper when it has one.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  echo \"$REGISTRY_PASSWORD\" | indexsmith login registry.example -u ci --password-stdin
  DOCKER_CONFIG=./ci-docker indexsmith login 127.0.0.1:5000 -u admin --password-stdin < password.txt

Nothing is written when the registry refuses the credentials.")]
pub struct LoginArgs {
    /// The registry, `host[:port]` (the port is part of the key, as in Docker's config.json).
    pub registry: String,
    /// The user name.
    #[arg(long, short = 'u', value_name = "USER")]
    pub username: String,
    /// Read the password (or access token) from standard input; one trailing newline is removed.
    #[arg(long, required = true)]
    pub password_stdin: bool,
    /// Speak plain HTTP to this registry. Loopback registries always do.
    #[arg(long)]
    pub plain_http: bool,
}

pub fn login(args: &LoginArgs) -> Result<u8, CliError> {
    check_registry_name(&args.registry)?;
    let password = password_from_stdin()?;
    let mut config = SessionConfig::default();
    if args.plain_http {
        config = config.with_plain_http(args.registry.clone());
    }
    let mut session = Session::new(config);
    session.set_credentials(
        &args.registry,
        Credentials::new(args.username.clone(), password.clone()),
    );
    let mut client = Client::with_session(session, true)?;
    client.run_silent(&args.registry, |s| Ping::new(s, &args.registry))?;
    let mut file = ConfigFile::load()?;
    file.store(&args.registry, &args.username, &password)?;
    file.save()?;
    eprintln!(
        "Login Succeeded ({} in {})",
        args.registry,
        file.path().display()
    );
    Ok(0)
}

/// A registry is `host[:port]`: no scheme, no path.
fn check_registry_name(registry: &str) -> Result<(), CliError> {
    if registry.is_empty() || registry.contains("://") || registry.contains('/') {
        return Err(CliError::usage(format!(
            "{registry:?}: name a registry as host[:port] (e.g. registry.example or 127.0.0.1:5000)"
        )));
    }
    Ok(())
}

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
