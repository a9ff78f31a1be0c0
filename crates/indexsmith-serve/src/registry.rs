//! Running a local registry: Debian's `docker-registry` (the CNCF distribution registry 2.8) on
//! 127.0.0.1, with a generated configuration and storage in a temporary directory. It sends no
//! CORS headers: browsers reach it only through the proxy, which only the app may use, so other
//! web sites cannot read from it, write to it or delete from it. The child is killed when the
//! handle is dropped.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tempfile::TempDir;
use tokio::process::{Child, Command};
use url::Url;

/// The program name of the Debian package `docker-registry`.
pub const PROGRAM: &str = "docker-registry";

/// Token authentication settings (the registry's `auth.token` section).
#[derive(Debug, Clone)]
pub struct TokenAuth {
    pub realm: String,
    pub service: String,
    pub issuer: String,
    /// PEM certificates whose keys sign the tokens.
    pub root_cert_bundle: PathBuf,
}

/// How to start the registry.
#[derive(Debug, Clone, Default)]
pub struct RegistryOptions {
    /// The program; by default `docker-registry` from `PATH`, then `/usr/bin/docker-registry`.
    pub program: Option<PathBuf>,
    /// The port on 127.0.0.1; by default a free one.
    pub port: Option<u16>,
    /// Without `port`: this port when it is free, else a free one.
    pub preferred_port: Option<u16>,
    /// Keep storage here instead of in the temporary directory.
    pub data: Option<PathBuf>,
    /// Require tokens.
    pub token_auth: Option<TokenAuth>,
}

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("the registry program `{0}` was not found; install it with `apt-get install docker-registry`")]
    NotInstalled(String),
    #[error("cannot prepare the registry: {0}")]
    Io(#[from] std::io::Error),
    #[error("the registry exited during startup ({status}); its log:\n{log}")]
    Exited { status: String, log: String },
    #[error("the registry did not answer GET /v2/ within {seconds} s; its log:\n{log}")]
    NotReady { seconds: u64, log: String },
}

/// A running registry. Dropping it kills the process and removes the temporary directory.
#[derive(Debug)]
pub struct LocalRegistry {
    child: Child,
    port: u16,
    storage: PathBuf,
    // Dropped after the child (fields drop in order).
    _dir: TempDir,
}

/// A free TCP port on 127.0.0.1 (free when asked; another process may take it after).
pub fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind(("127.0.0.1", 0))?
        .local_addr()?
        .port())
}

/// True when nothing listens on 127.0.0.1:`port` (at the moment of asking).
fn port_is_free(port: u16) -> bool {
    std::net::TcpListener::bind(("127.0.0.1", port)).is_ok()
}

/// Finds the registry program.
pub fn find_program(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return path.is_file().then(|| path.to_path_buf());
    }
    let from_path = std::env::var_os("PATH")
        .map(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(PROGRAM))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    from_path
        .into_iter()
        .chain([PathBuf::from("/usr/bin").join(PROGRAM)])
        .find(|p| p.is_file())
}

/// A YAML single-quoted scalar.
fn yaml(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The registry configuration.
pub fn config(port: u16, storage: &Path, secret: &str, options: &RegistryOptions) -> String {
    let mut out = String::new();
    out.push_str("version: 0.1\n");
    out.push_str("log:\n  level: warn\n  accesslog:\n    disabled: true\n");
    out.push_str("storage:\n");
    out.push_str(&format!(
        "  filesystem:\n    rootdirectory: {}\n",
        yaml(&storage.to_string_lossy())
    ));
    out.push_str("  delete:\n    enabled: true\n");
    out.push_str("  maintenance:\n    uploadpurging:\n      enabled: false\n");
    out.push_str("http:\n");
    out.push_str(&format!("  addr: {}\n", yaml(&format!("127.0.0.1:{port}"))));
    out.push_str(&format!("  secret: {}\n", yaml(secret)));
    out.push_str("  headers:\n    X-Content-Type-Options: ['nosniff']\n");
    out.push_str("    Content-Security-Policy: ['sandbox']\n");
    if let Some(auth) = &options.token_auth {
        out.push_str("auth:\n  token:\n");
        out.push_str(&format!("    realm: {}\n", yaml(&auth.realm)));
        out.push_str(&format!("    service: {}\n", yaml(&auth.service)));
        out.push_str(&format!("    issuer: {}\n", yaml(&auth.issuer)));
        out.push_str(&format!(
            "    rootcertbundle: {}\n",
            yaml(&auth.root_cert_bundle.to_string_lossy())
        ));
    }
    out
}

/// A secret for the registry's upload state; it only has to differ between runs.
fn secret() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    let a = hasher.finish();
    hasher.write_u64(a);
    format!("{a:016x}{:016x}", hasher.finish())
}

/// The last lines of the registry log.
fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

const READY_SECONDS: u64 = 60;

impl LocalRegistry {
    /// Starts the registry and waits until `GET /v2/` answers.
    pub async fn start(options: &RegistryOptions) -> Result<LocalRegistry, RegistryError> {
        let program = find_program(options.program.as_deref()).ok_or_else(|| {
            RegistryError::NotInstalled(
                options
                    .program
                    .as_ref()
                    .map_or_else(|| PROGRAM.to_string(), |p| p.display().to_string()),
            )
        })?;
        // A picked port may be taken by someone else before the registry binds it: try again.
        let attempts = if options.port.is_some() { 1 } else { 3 };
        let mut last = None;
        for _ in 0..attempts {
            match Self::start_once(&program, options).await {
                Err(RegistryError::Exited { status, log })
                    if log.contains("address already in use") =>
                {
                    last = Some(RegistryError::Exited { status, log });
                }
                other => return other,
            }
        }
        Err(last.unwrap_or(RegistryError::NotReady {
            seconds: 0,
            log: String::new(),
        }))
    }

    async fn start_once(
        program: &Path,
        options: &RegistryOptions,
    ) -> Result<LocalRegistry, RegistryError> {
        let dir = tempfile::Builder::new()
            .prefix("indexsmith-registry-")
            .tempdir()?;
        let storage = match &options.data {
            Some(data) => {
                std::fs::create_dir_all(data)?;
                data.canonicalize()?
            }
            None => dir.path().join("storage"),
        };
        let port = match (options.port, options.preferred_port) {
            (Some(port), _) => port,
            (None, Some(preferred)) if port_is_free(preferred) => preferred,
            (None, _) => free_port()?,
        };
        let config_path = dir.path().join("config.yml");
        std::fs::write(&config_path, config(port, &storage, &secret(), options))?;
        let log_path = dir.path().join("registry.log");
        let log = std::fs::File::create(&log_path)?;
        let child = Command::new(program)
            .arg("serve")
            .arg(&config_path)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .kill_on_drop(true)
            .spawn()?;
        let mut registry = LocalRegistry {
            child,
            port,
            storage,
            _dir: dir,
        };
        registry.wait_ready(&log_path).await?;
        Ok(registry)
    }

    async fn wait_ready(&mut self, log_path: &Path) -> Result<(), RegistryError> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .map_err(std::io::Error::other)?;
        let url = format!("{}v2/", self.url());
        let deadline = tokio::time::Instant::now() + Duration::from_secs(READY_SECONDS);
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Err(RegistryError::Exited {
                    status: status.to_string(),
                    log: log_tail(log_path),
                });
            }
            if let Ok(response) = client.get(&url).send().await {
                let status = response.status().as_u16();
                // 401 is the answer of a registry that requires tokens.
                if status == 200
                    || (status == 401
                        && response
                            .headers()
                            .contains_key("docker-distribution-api-version"))
                {
                    return Ok(());
                }
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(RegistryError::NotReady {
                    seconds: READY_SECONDS,
                    log: log_tail(log_path),
                });
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `127.0.0.1:PORT`, the registry host of references.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> Url {
        // A socket address always makes a valid URL.
        Url::parse(&format!("http://127.0.0.1:{}/", self.port)).unwrap_or_else(|_| unreachable!())
    }

    /// Where blobs and manifests are stored.
    pub fn storage(&self) -> &Path {
        &self.storage
    }

    /// Kills the registry and waits for it to exit.
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_has_storage_delete_and_no_cors() {
        let text = config(
            5123,
            Path::new("/tmp/it's here"),
            "s",
            &RegistryOptions::default(),
        );
        let expected = [
            "rootdirectory: '/tmp/it''s here'",
            "addr: '127.0.0.1:5123'",
            "delete:\n    enabled: true",
            "X-Content-Type-Options: ['nosniff']",
        ];
        for needle in expected {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
        assert!(
            !text.contains("Access-Control"),
            "CORS headers in the config:\n{text}"
        );
        assert!(!text.contains("auth:"), "auth without token_auth:\n{text}");
    }
}
