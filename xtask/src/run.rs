//! Running programs: each command is echoed, and a failure is an error naming the command.

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A task's failure: what failed, said once, for the user.
#[derive(Debug)]
pub struct Error(String);

impl Error {
    pub fn new(message: impl Into<String>) -> Self {
        Error(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error(e.to_string())
    }
}

pub type Result<T = ()> = std::result::Result<T, Error>;

/// Prints a section heading, as every task does before each step.
pub fn section(title: &str) {
    println!("== {title} ==");
}

/// How a command is shown: program and arguments, space-separated.
fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

/// Runs `command` with inherited stdio; an error when it cannot start or exits non-zero.
pub fn status(command: &mut Command) -> Result {
    let status = command
        .status()
        .map_err(|e| Error::new(format!("cannot run `{}`: {e}", describe(command))))?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::new(format!(
            "`{}` failed ({status})",
            describe(command)
        )))
    }
}

/// Runs `command` and returns its standard output (stderr inherited); an error when it fails.
pub fn output(command: &mut Command) -> Result<String> {
    let out = command
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Error::new(format!("cannot run `{}`: {e}", describe(command))))?;
    if !out.status.success() {
        return Err(Error::new(format!(
            "`{}` failed ({})",
            describe(command),
            out.status
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `cargo ARGS...` with inherited stdio.
pub fn cargo(args: &[&str]) -> Result {
    status(Command::new(cargo_program()).args(args))
}

/// The cargo that runs this task (so that `cargo +toolchain xtask` stays on that toolchain).
pub fn cargo_program() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Replaces this process by `command` (the server keeps the terminal and its Ctrl-C).
pub fn exec(command: &mut Command) -> Result {
    use std::os::unix::process::CommandExt;
    Err(Error::new(format!(
        "cannot run `{}`: {}",
        describe(command),
        command.exec()
    )))
}

/// The first `name` on PATH, if any.
pub fn which(name: impl AsRef<OsStr>) -> Option<PathBuf> {
    let name = name.as_ref();
    std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| is_executable(candidate))
    })
}

/// True when `path` is a file with an execute bit.
pub fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The project-local npm tools (node_modules/.bin) first on PATH, for this process and its
/// children: Trunk then finds binaryen's wasm-opt there.
pub fn npm_tools_on_path() {
    let local = std::env::current_dir()
        .map(|d| d.join("node_modules/.bin"))
        .unwrap_or_else(|_| PathBuf::from("node_modules/.bin"));
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = vec![local.clone()];
    dirs.extend(std::env::split_paths(&path).filter(|d| *d != local));
    if let Ok(joined) = std::env::join_paths(dirs) {
        // Single-threaded here: no other thread reads the environment.
        std::env::set_var("PATH", joined);
    }
}

/// A project-local npm tool: node_modules/.bin/NAME (installed by `cargo xtask setup`).
pub fn npm_tool(name: &str) -> Result<PathBuf> {
    let path = PathBuf::from("node_modules/.bin").join(name);
    if is_executable(&path) {
        Ok(path)
    } else {
        Err(Error::new(format!(
            "{} is missing: run `cargo xtask setup` (npm ci)",
            path.display()
        )))
    }
}

/// Size of a file in bytes and after gzip -9.
pub fn sizes(path: &Path) -> Result<(u64, u64)> {
    let raw = std::fs::metadata(path)
        .map_err(|e| Error::new(format!("{}: {e}", path.display())))?
        .len();
    let gz = output(
        Command::new("sh")
            .arg("-c")
            .arg("gzip -9 -c \"$1\" | wc -c")
            .arg("sh")
            .arg(path),
    )?;
    let gz = gz
        .trim()
        .parse()
        .map_err(|_| Error::new(format!("gzip -9 of {}: no size", path.display())))?;
    Ok((raw, gz))
}
