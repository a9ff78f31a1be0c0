//! The web app: built into dist/ by Trunk (offline, size-tuned profile `wasm-release`, wasm-opt
//! -Oz from the npm workspace's binaryen; its pre_build hook bundles the editor with esbuild from
//! the npm workspace), then the size of every file, raw and gzip -9, and the first-load budget.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::run::{self, Error, Result};

/// First load (html, wasm, js, css, the editor bundle included), gzip -9. The editor (CodeMirror 6)
/// is about 124 KiB of it; the goal is 300 KiB.
const FIRST_LOAD_BUDGET: u64 = 520 * 1024;

static BUILT: AtomicBool = AtomicBool::new(false);

/// True once this process has built dist/ (the end-to-end suite then reuses it).
pub fn built_in_this_run() -> bool {
    BUILT.load(Ordering::Relaxed)
}

pub fn build() -> Result {
    run::section("build: web app (trunk build --release --offline)");
    // Trunk uses the wasm-opt it finds on PATH (no version pinned in Trunk.toml), so it never
    // downloads one; --offline makes any missing tool an error instead of a download.
    run::npm_tool("wasm-opt")?;
    // The editor bundle (Trunk.toml's pre_build hook: web/editor/build.mjs).
    run::npm_tool("esbuild")?;
    run::npm_tools_on_path();
    run::status(Command::new("trunk").args([
        "build",
        "--release",
        "--offline",
        "--dist",
        "dist",
        "index.html",
    ]))?;
    BUILT.store(true, Ordering::Relaxed);
    report_sizes(Path::new("dist"))
}

fn report_sizes(dist: &Path) -> Result {
    let mut files = Vec::new();
    collect(dist, &mut files)?;
    files.sort();
    println!();
    run::section("dist/ sizes (bytes)");
    println!("{:<48} {:>10} {:>10}", "file", "raw", "gzip-9");
    let (mut total_raw, mut total_gz, mut first_raw, mut first_gz) = (0, 0, 0, 0);
    for file in &files {
        let (raw, gz) = run::sizes(file)?;
        let name = file
            .strip_prefix(dist)
            .unwrap_or(file)
            .display()
            .to_string();
        println!("{name:<48} {raw:>10} {gz:>10}");
        total_raw += raw;
        total_gz += gz;
        let first_load = matches!(
            file.extension().and_then(|e| e.to_str()),
            Some("wasm" | "js" | "css" | "html")
        );
        if first_load {
            first_raw += raw;
            first_gz += gz;
        }
    }
    println!("{:<48} {total_raw:>10} {total_gz:>10}", "total");
    println!(
        "{:<48} {first_raw:>10} {first_gz:>10}",
        "first load (html+wasm+js+css)"
    );
    if first_gz > FIRST_LOAD_BUDGET {
        return Err(Error::new(format!(
            "first load is over the {} KiB gzip budget",
            FIRST_LOAD_BUDGET / 1024
        )));
    }
    Ok(())
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> Result {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}
