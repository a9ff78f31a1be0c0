//! Benchmarks.
//!
//! `cargo xtask bench` runs every benchmark available and writes a Markdown report
//! (target/bench-report.md): the native benches (10 to 10,000 entries); in Node the JavaScript
//! baseline and floor, and the npm package when it is built; the web build against the baseline
//! in headless Chromium; the core in WebAssembly against native.
//! BENCH_50MB=1 adds the 50 MB document (native and Node); BENCH_QUICK=1 measures shorter (noisier).
//!
//! `cargo xtask bench-registry` builds the npm package and measures the registry budgets
//! (bench/registry.mjs) against real docker-registry instances on 127.0.0.1, side by side with
//! `skopeo copy --all`; see bench/registry.mjs for its environment.
//!
//! `cargo xtask bench-app` builds the web app and measures its responsiveness in headless
//! Chromium (bench/app.mjs): keystroke and paste to the next frame next to a bare `<textarea>`,
//! and the long tasks after pasting a 7,000-entry index (target/bench-app.md).

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::run::{self, Result};
use crate::{npm_package, setup, system, web};

const INPUTS: &str = "target/bench-inputs";
const REPORT: &str = "target/bench-report.md";
const PKG: &str = "crates/indexsmith-wasm/pkg";

pub fn run() -> Result {
    setup::run()?;
    run::section(&format!("generating inputs in {INPUTS}"));
    run::cargo(&[
        "run",
        "--quiet",
        "--release",
        "-p",
        "indexsmith-bench",
        "--bin",
        "gen-inputs",
        "--",
        INPUTS,
    ])?;

    let quick: &[&str] = if std::env::var_os("BENCH_QUICK").is_some() {
        &["--warm-up-time", "1", "--measurement-time", "3"]
    } else {
        &[]
    };
    if std::env::var_os("BENCH_50MB").is_some() {
        // Read by the benches and bench/node.mjs; single-threaded here.
        std::env::set_var("INDEXSMITH_BENCH_50MB", "1");
    }
    run::section("native benchmarks");
    for bench in ["validate", "compose"] {
        let mut args = vec!["bench", "-p", "indexsmith-bench", "--bench", bench, "--"];
        args.extend(quick);
        run::cargo(&args)?;
    }

    let mut tables: Vec<&str> = Vec::new();
    let _ = fs::remove_file("target/bench-node.md");
    let _ = fs::remove_file("target/bench-wasm-core.md");
    if !Path::new(PKG).exists() {
        run::section("building the npm package");
        npm_package::build()?;
    }
    // ajv and @noble/hashes (the JavaScript baseline) and playwright-core come from the npm
    // workspace: the scripts resolve them from the repository root.
    run::section("Node benchmarks");
    // --expose-gc: each batch of the comparison starts on a collected heap.
    run::status(Command::new("node").args([
        "--expose-gc",
        "bench/node.mjs",
        INPUTS,
        "target/bench-node.md",
        ".",
        PKG,
    ]))?;
    tables.push("target/bench-node.md");
    match system::chromium() {
        Ok(_) => {
            run::section("headless Chromium");
            run::status(Command::new("node").args([
                "bench/chromium.mjs",
                INPUTS,
                "target/bench-chromium.md",
                ".",
                PKG,
            ]))?;
            tables.push("target/bench-chromium.md");
        }
        Err(e) => run::section(&format!("headless Chromium: skipped ({e})")),
    }
    run::section("the core in WebAssembly against native");
    // The profiles of the npm package's modules: wasm-release (browsers) and wasm-node (Node).
    for profile in ["wasm-release", "wasm-node"] {
        run::cargo(&[
            "build",
            "--quiet",
            "--profile",
            profile,
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "indexsmith-bench-wasm",
        ])?;
    }
    run::status(Command::new("node").args([
        "bench/wasm-core.mjs",
        INPUTS,
        "target/bench-wasm-core.md",
        "target/criterion",
    ]))?;
    tables.push("target/bench-wasm-core.md");

    let mut args = vec![
        "run",
        "--quiet",
        "--release",
        "-p",
        "indexsmith-bench",
        "--bin",
        "bench-report",
        "--",
        "target/criterion",
        INPUTS,
        REPORT,
    ];
    args.extend(&tables);
    run::cargo(&args)?;

    let wasm = Path::new(PKG).join("indexsmith_bg.wasm");
    if wasm.exists() {
        let (raw, gz) = run::sizes(&wasm)?;
        let mut report = fs::read_to_string(REPORT)?;
        report.push_str(&format!(
            "\nnpm `.wasm` (indexsmith_bg.wasm): {raw} bytes raw, {gz} bytes gzip -9.\n"
        ));
        fs::write(REPORT, report)?;
    }
    println!("report: {REPORT}");
    Ok(())
}

pub fn registry() -> Result {
    setup::run()?;
    npm_package::build()?;
    run::status(Command::new("node").arg("bench/registry.mjs"))
}

pub fn app() -> Result {
    setup::run()?;
    web::build()?;
    run::section("the web app in Chromium (bench/app.mjs)");
    let chromium = system::chromium()?;
    run::status(
        Command::new("node")
            .args(["bench/app.mjs", "dist", "target/bench-app.md"])
            .env("CHROMIUM", chromium),
    )
}
