//! Processes a task starts and stops: a docker-registry on a free port of 127.0.0.1, and any
//! server whose readiness shows in its log.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::run::{self, Error, Result};

/// A started process, stopped (SIGTERM, then waited for) when dropped; its output goes to `log`.
pub struct Process {
    child: Child,
    pub log: PathBuf,
}

impl Process {
    pub fn spawn(command: &mut Command, log: &Path) -> Result<Self> {
        let out = File::create(log)?;
        let child = command
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .map_err(|e| Error::new(format!("cannot start {:?}: {e}", command.get_program())))?;
        Ok(Process {
            child,
            log: log.to_path_buf(),
        })
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits until `ready(log text)` holds, polling every 0.2 s; an error when the process exits
    /// first or `limit` passes.
    pub fn wait_for_log(
        &mut self,
        limit: Duration,
        ready: impl Fn(&str) -> bool,
    ) -> Result<String> {
        let deadline = Instant::now() + limit;
        loop {
            let text = fs::read_to_string(&self.log).unwrap_or_default();
            if ready(&text) {
                return Ok(text);
            }
            if !self.is_running() {
                return Err(Error::new(format!(
                    "{} exited:\n{}",
                    self.log.display(),
                    tail(&text, 20)
                )));
            }
            if Instant::now() > deadline {
                return Err(Error::new(format!(
                    "{} did not become ready",
                    self.log.display()
                )));
            }
            sleep(Duration::from_millis(200));
        }
    }

    /// The last lines of its log.
    pub fn log_tail(&self, lines: usize) -> String {
        tail(&fs::read_to_string(&self.log).unwrap_or_default(), lines)
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if self.is_running() {
            let pid = self.child.id().to_string();
            let _ = Command::new("kill").args(["-TERM", &pid]).status();
            let _ = self.child.wait();
        }
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// A free TCP port of 127.0.0.1 (free when asked; the caller retries if another process takes it).
pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The HTTP status of `GET path` on `addr` (host:port), if it answers.
pub fn http_status(addr: &str, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 64];
    let n = stream.read(&mut head).ok()?;
    let line = String::from_utf8_lossy(&head[..n]);
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A docker-registry (CNCF distribution 2.8) without authentication or CORS headers, on a free
/// port of 127.0.0.1, storing under `dir`; stopped when dropped.
pub struct Registry {
    pub addr: String,
    _process: Process,
}

impl Registry {
    pub fn start(program: &Path, dir: &Path, name: &str) -> Result<Self> {
        let mut last = Error::new("no attempt");
        for _ in 0..3 {
            let addr = format!("127.0.0.1:{}", free_port()?);
            let storage = dir.join(format!("{name}-storage"));
            fs::create_dir_all(&storage)?;
            let config = dir.join(format!("{name}.yml"));
            fs::write(&config, config_yaml(&addr, &storage, name))?;
            let mut process = Process::spawn(
                Command::new(program).arg("serve").arg(&config),
                &dir.join(format!("{name}.log")),
            )?;
            let deadline = Instant::now() + Duration::from_secs(60);
            while process.is_running() && Instant::now() < deadline {
                if http_status(&addr, "/v2/") == Some(200) {
                    return Ok(Registry {
                        addr,
                        _process: process,
                    });
                }
                sleep(Duration::from_millis(200));
            }
            last = Error::new(format!(
                "the registry did not start:\n{}",
                process.log_tail(20)
            ));
        }
        Err(last)
    }
}

fn config_yaml(addr: &str, storage: &Path, name: &str) -> String {
    let secret: u64 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    format!(
        "version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: '{}'\n  delete:\n    enabled: true\nhttp:\n  addr: '{addr}'\n  secret: '{name}-{secret}'\n",
        storage.display()
    )
}

/// The docker-registry program: on PATH, or Debian's path.
pub fn program() -> Result<PathBuf> {
    let path =
        run::which("docker-registry").unwrap_or_else(|| PathBuf::from("/usr/bin/docker-registry"));
    if run::is_executable(&path) {
        Ok(path)
    } else {
        Err(Error::new(
            "docker-registry is missing (`cargo xtask setup` installs it)",
        ))
    }
}
