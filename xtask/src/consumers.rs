//! `cargo xtask consumers [--no-build] [ARGS...]`: the npm package's consumer matrix
//! (tests/consumers/run.mjs). The packed tarball goes into a fresh project per setup — TypeScript
//! in every module resolution, arethetypeswrong, Node, Vite (dev server and build), webpack 5,
//! esbuild (browser and Node bundles), Rollup — built with the tools pinned in
//! tests/consumers/package-lock.json and run in Node or headless Chromium.
//!
//! The matrix's tools have a lockfile of their own: each setup's temporary project resolves them
//! at exactly those versions, apart from the workspace's. They are installed (`npm ci`) when that
//! lockfile changed since the last install. Other arguments go to run.mjs
//! (e.g. `--only vite-dev-inline,webpack`).

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::npm_package;
use crate::run::{self, Result};

const DIR: &str = "tests/consumers";

pub fn run(args: &[String]) -> Result {
    let (build, rest) = match args.split_first() {
        Some((first, rest)) if first == "--no-build" => (false, rest),
        _ => (true, args),
    };
    install_tools()?;
    if build {
        npm_package::build()?;
    }
    run::status(
        Command::new("node")
            .arg(format!("{DIR}/run.mjs"))
            .args(rest),
    )
}

/// `npm ci` into tests/consumers/node_modules unless the installed lockfile is the current one.
fn install_tools() -> Result {
    let lock = Path::new(DIR).join("package-lock.json");
    let stamp = Path::new(DIR).join("node_modules/.installed-package-lock.json");
    if fs::read(&lock)? == fs::read(&stamp).unwrap_or_default() {
        return Ok(());
    }
    run::status(Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--prefix", DIR]))?;
    fs::copy(&lock, &stamp)?;
    Ok(())
}
