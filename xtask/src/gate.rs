//! Formatting and lints: the checks that fail fast, and `cargo xtask fmt` that fixes formatting.

use std::process::Command;

use crate::run::{self, Error, Result};

/// The crates that only make sense in WebAssembly, linted for wasm32 as well.
const WASM_CRATES: &[&str] = &[
    "indexsmith-wasm",
    "indexsmith-web",
    "indexsmith-web-registry",
    "indexsmith-bench-wasm",
];

/// Crates the core must never depend on (it has no I/O, no clock, no browser).
const FORBIDDEN_IN_CORE: &[&str] = &[
    "gloo",
    "web-sys",
    "reqwest",
    "tokio",
    "js-sys",
    "wasm-bindgen",
];

/// rustfmt on the workspace and the fuzz crate, Prettier on the JavaScript and TypeScript.
pub fn check_format() -> Result {
    let fix = "run `cargo xtask fmt`";
    run::cargo(&["fmt", "--all", "--check"])
        .map_err(|e| Error::new(format!("{e}: Rust code is not formatted; {fix}")))?;
    run::status(
        Command::new(run::cargo_program())
            .args(["fmt", "--check"])
            .current_dir("fuzz"),
    )
    .map_err(|e| Error::new(format!("{e}: the fuzz crate is not formatted; {fix}")))?;
    run::status(Command::new(run::npm_tool("prettier")?).args(["--check", "."]))
        .map_err(|e| Error::new(format!("{e}: JavaScript is not formatted; {fix}")))
}

/// clippy with warnings as errors: the workspace on the host with every feature, and the
/// WebAssembly crates for wasm32.
pub fn clippy() -> Result {
    let lints = [
        "--all-targets",
        "--all-features",
        "--locked",
        "--",
        "-D",
        "warnings",
    ];
    let mut host = vec!["clippy", "--workspace"];
    host.extend(lints);
    run::cargo(&host)?;
    let mut wasm = vec!["clippy", "--target", "wasm32-unknown-unknown"];
    for krate in WASM_CRATES {
        wasm.extend(["-p", krate]);
    }
    wasm.extend(lints);
    run::cargo(&wasm)
}

/// `cargo tree` of the core's normal dependencies lists none of FORBIDDEN_IN_CORE.
pub fn core_boundary() -> Result {
    let tree = run::output(Command::new(run::cargo_program()).args([
        "tree",
        "-p",
        "indexsmith",
        "-e",
        "normal",
        "--prefix",
        "none",
    ]))?;
    let found: Vec<&str> = tree
        .lines()
        .filter(|line| {
            let name = line.split(' ').next().unwrap_or_default();
            FORBIDDEN_IN_CORE
                .iter()
                .any(|f| name == *f || name.starts_with(&format!("{f}-")))
        })
        .collect();
    if found.is_empty() {
        println!("ok: the core depends on no browser, network or runtime crate");
        Ok(())
    } else {
        Err(Error::new(format!(
            "indexsmith depends on {}",
            found.join(", ")
        )))
    }
}

/// `cargo xtask fmt`: rewrites everything into the project's format.
pub fn format() -> Result {
    run::cargo(&["fmt", "--all"])?;
    run::status(
        Command::new(run::cargo_program())
            .arg("fmt")
            .current_dir("fuzz"),
    )?;
    run::status(Command::new(run::npm_tool("prettier")?).args([
        "--write",
        "--log-level",
        "warn",
        ".",
    ]))
}
