//! The machine: Debian packages (installed as root, or through sudo) and the tools a task needs.

use std::process::Command;

use crate::run::{self, Error, Result};

/// True when the Debian package is installed.
pub fn debian_installed(package: &str) -> bool {
    run::output(Command::new("dpkg-query").args(["-W", "-f=${Status}", package]))
        .is_ok_and(|status| status == "install ok installed")
}

/// Installs those of `packages` that are missing, with apt-get as root.
pub fn ensure_debian(packages: &[&str]) -> Result {
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| !debian_installed(p))
        .collect();
    if missing.is_empty() {
        println!("setup: Debian packages present");
        return Ok(());
    }
    println!("setup: installing {}", missing.join(" "));
    as_root(&["apt-get", "update"])?;
    let mut install = vec![
        "env",
        "DEBIAN_FRONTEND=noninteractive",
        "apt-get",
        "install",
        "-y",
        "--no-install-recommends",
    ];
    install.extend(&missing);
    as_root(&install)
}

/// Runs `args` as root: directly when this is root, else through sudo.
fn as_root(args: &[&str]) -> Result {
    let is_root = run::output(Command::new("id").arg("-u")).is_ok_and(|uid| uid.trim() == "0");
    if is_root {
        run::status(Command::new(args[0]).args(&args[1..]))
    } else if run::which("sudo").is_some() {
        run::status(Command::new("sudo").args(args))
    } else {
        Err(Error::new(format!(
            "`{}` needs root: run this as root",
            args.join(" ")
        )))
    }
}

/// An error unless `program` is on PATH; `hint` says how to get it.
pub fn require(program: &str, hint: &str) -> Result {
    if run::which(program).is_some() {
        Ok(())
    } else {
        Err(Error::new(format!("{program} is required ({hint})")))
    }
}

/// The browser the tests drive: $CHROMIUM, else Debian's.
pub fn chromium() -> Result<String> {
    let path = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if run::is_executable(std::path::Path::new(&path)) {
        Ok(path)
    } else {
        Err(Error::new(format!(
            "no browser at {path} (`cargo xtask setup` installs Debian's chromium)"
        )))
    }
}
