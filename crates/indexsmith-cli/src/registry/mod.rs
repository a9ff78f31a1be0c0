//! Glue between the commands and the registry protocol: the options every registry command
//! takes, the session (plain-HTTP hosts, credentials per registry), and the project's one driver
//! over its native transport, with progress on standard error.

pub mod reference;

use std::cell::RefCell;
use std::io::Read;

use indexsmith_registry::driver::native::NativeTransport;
use indexsmith_registry::driver::Driver;
use indexsmith_registry::{Credentials, Operation, Proxy, RegistryError, Session, SessionConfig};

use crate::credentials::{self, ConfigFile};
use crate::error::CliError;
use crate::progress::Progress;

/// Options of every command that talks to a registry.
#[derive(Debug, Clone, clap::Args)]
pub struct RegistryArgs {
    /// Log in as USER for this call (with --password-stdin), on the registry the command writes
    /// to (or reads from, for commands that only read). Other registries use `config.json`.
    #[arg(long, short = 'u', value_name = "USER", requires = "password_stdin")]
    pub username: Option<String>,
    /// Read the password (or token) for --username from standard input.
    #[arg(long, requires = "username")]
    pub password_stdin: bool,
    /// Speak plain HTTP to this registry (`host[:port]`). Loopback registries always use it.
    /// Repeatable.
    #[arg(long, value_name = "HOST")]
    pub plain_http: Vec<String>,
    /// Send every request through an `indexsmith serve` registry proxy, given by its base URL
    /// (`http://127.0.0.1:8080/proxy`): for a machine that reaches registries only through the
    /// one running the server. Token realms go through it as well.
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// No progress on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Reads a password from standard input, without one trailing newline (`\n` or `\r\n`).
pub fn password_from_stdin() -> Result<String, CliError> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| CliError::io(std::path::Path::new("<stdin>"), &e))?;
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    if text.is_empty() {
        return Err(CliError::usage("the password on standard input is empty"));
    }
    Ok(text)
}

/// The proxy at `base`, with the header by which `indexsmith serve` tells its clients' requests
/// from a page's that merely points at it.
fn proxy(base: &str) -> Result<Proxy, CliError> {
    let absolute = ["http://", "https://"].iter().any(|scheme| {
        base.len() > scheme.len() && base[..scheme.len()].eq_ignore_ascii_case(scheme)
    });
    if !absolute {
        return Err(CliError::usage(format!(
            "--proxy {base}: expected the proxy's base URL, e.g. http://127.0.0.1:8080/proxy"
        )));
    }
    Ok(Proxy::new(base).with_header("Indexsmith-Proxy", "1"))
}

/// The credentials a session gets for `registry`.
fn session_credentials(
    found: credentials::Credentials,
    registry: &str,
) -> Result<Credentials, CliError> {
    match found {
        credentials::Credentials::Basic { username, password } => {
            Ok(Credentials::new(username, password))
        }
        credentials::Credentials::IdentityToken(_) => Err(CliError::usage(format!(
            "the credentials kept for {registry} are an identity token (OAuth2 refresh token), \
             which this program cannot use yet; log in with a user name and password or access \
             token (indexsmith login {registry} -u USER --password-stdin)"
        ))),
    }
}

/// A session, a transport and a runtime for one command.
pub struct Client {
    runtime: tokio::runtime::Runtime,
    transport: NativeTransport,
    pub session: Session,
    progress: RefCell<Progress>,
}

impl Client {
    /// A client for the registries the command names. `primary` is the registry that
    /// `--username` applies to; every registry gets the credentials `config.json` keeps for it.
    pub fn new(args: &RegistryArgs, primary: &str, others: &[&str]) -> Result<Client, CliError> {
        let mut config = SessionConfig::default();
        for host in &args.plain_http {
            config = config.with_plain_http(host.clone());
        }
        if let Some(base) = &args.proxy {
            config = config.with_proxy(proxy(base)?);
        }
        let mut session = Session::new(config);
        let explicit = match &args.username {
            Some(user) if args.password_stdin => {
                Some(Credentials::new(user.clone(), password_from_stdin()?))
            }
            _ => None,
        };
        let mut registries: Vec<&str> = vec![primary];
        registries.extend(others.iter().copied().filter(|r| *r != primary));
        let mut file: Option<ConfigFile> = None;
        for registry in registries {
            if registry == primary {
                if let Some(c) = &explicit {
                    session.set_credentials(registry, c.clone());
                    continue;
                }
            }
            if file.is_none() {
                file = Some(ConfigFile::load()?);
            }
            if let Some(found) = file
                .as_ref()
                .and_then(|f| f.credentials(registry).transpose())
            {
                session.set_credentials(registry, session_credentials(found?, registry)?);
            }
        }
        Client::with_session(session, args.quiet)
    }

    pub fn with_session(session: Session, quiet: bool) -> Result<Client, CliError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| CliError::failed(format!("cannot start the runtime: {e}")))?;
        let transport = NativeTransport::new().map_err(|e| {
            CliError::failed(format!("cannot start the HTTP client: {}", e.message))
        })?;
        Ok(Client {
            runtime,
            transport,
            session,
            progress: RefCell::new(Progress::new(quiet)),
        })
    }

    /// Runs the operation `make` builds, through the driver, with its progress shown. `what`
    /// names it in errors (the reference, as the user wrote it).
    pub fn run<O: Operation>(
        &mut self,
        what: &str,
        make: impl FnOnce(&Session) -> O,
    ) -> Result<O::Output, CliError> {
        self.drive(what, true, make)
    }

    /// Like [`Client::run`], without progress (a plan, a check).
    pub fn run_silent<O: Operation>(
        &mut self,
        what: &str,
        make: impl FnOnce(&Session) -> O,
    ) -> Result<O::Output, CliError> {
        self.drive(what, false, make)
    }

    fn drive<O: Operation>(
        &mut self,
        what: &str,
        show: bool,
        make: impl FnOnce(&Session) -> O,
    ) -> Result<O::Output, CliError> {
        let Client {
            runtime,
            transport,
            session,
            progress,
        } = self;
        let result = runtime.block_on(async {
            let mut driver = Driver::new(&*transport).on_event(|e| {
                if show {
                    progress.borrow_mut().event(&e);
                }
            });
            driver.go(session, make).await
        });
        progress.borrow_mut().finish();
        result.map_err(|e| registry_error(&e, what))
    }
}

/// A registry error as the command reports it: its code and what it was about first
/// (`MANIFEST_UNKNOWN: 127.0.0.1:5000/app:nope: …`).
pub fn registry_error(e: &RegistryError, what: &str) -> CliError {
    let code = e.code();
    let text = e.to_string();
    let text = text
        .strip_prefix(code)
        .map_or(text.as_str(), str::trim_start);
    let mut message = format!("{code}: {what}: {text}");
    if let Some(status) = e.status {
        message.push_str(&format!(" [HTTP {status}]"));
    }
    CliError::failed(message)
}
