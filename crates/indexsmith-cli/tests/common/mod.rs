//! Runs the built `indexsmith` binary, as a user or a CI step would.

#![allow(dead_code, clippy::result_large_err)]

// Real registries on 127.0.0.1 and tiny images seeded with raw HTTP calls: the registry crate's
// test support, shared rather than copied.
#[path = "../../../indexsmith-registry/tests/support/http.rs"]
pub mod http;
#[path = "../../../indexsmith-registry/tests/support/images.rs"]
pub mod images;
#[path = "../../../indexsmith-registry/tests/support/registry.rs"]
pub mod registry;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What a run of `indexsmith` gave.
pub struct Run {
    pub status: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Run {
    pub fn stdout_text(&self) -> String {
        String::from_utf8(self.stdout.clone()).expect("standard output is UTF-8")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "standard output is not JSON: {e}\n{}\nstderr: {}",
                self.stdout_text(),
                self.stderr
            )
        })
    }
}

/// The binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_indexsmith")
}

/// Runs `indexsmith ARGS` with `stdin` and extra environment variables.
pub fn run_with(args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(bin());
    command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("start indexsmith");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(bytes) = stdin {
        input.write_all(bytes).expect("write stdin");
    }
    drop(input);
    let out = child.wait_with_output().expect("wait for indexsmith");
    Run {
        status: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn run(args: &[&str]) -> Run {
    run_with(args, None, &[])
}

/// Writes an executable `docker-credential-NAME` into `dir` that appends "ACTION INPUT" lines
/// to `dir/NAME.log`, answers `get` for `known` with `username`/`secret`, and says
/// "credentials not found" otherwise.
pub fn credential_helper(dir: &Path, name: &str, known: &str, username: &str, secret: &str) {
    let path = dir.join(format!("docker-credential-{name}"));
    let log = dir.join(format!("{name}.log"));
    let script = format!(
        r#"#!/bin/sh
input=$(cat)
printf '%s %s\n' "$1" "$input" >> '{log}'
case "$1" in
  get)
    if [ "$input" = '{known}' ]; then
      printf '{{"ServerURL":"%s","Username":"{username}","Secret":"{secret}"}}' "$input"
    else
      echo "credentials not found in native keychain"; exit 1
    fi ;;
  store|erase) ;;
esac
"#,
        log = log.display()
    );
    std::fs::write(&path, script).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// `PATH` with `dir` first.
pub fn path_with(dir: &Path) -> String {
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A real document of the corpus.
pub fn corpus(name: &str) -> String {
    repo_root()
        .join("tests/fixtures/corpus")
        .join(name)
        .to_string_lossy()
        .into_owned()
}
