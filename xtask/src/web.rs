//! The web app: built into dist/ by Trunk (offline, size-tuned profile `wasm-release`, wasm-opt
//! -Oz from the npm workspace's binaryen; its pre_build hook bundles the editor with esbuild from
//! the npm workspace), then its registry module (web/registry: the registry client, which the app
//! loads on its first registry call), then the size of every file, raw and gzip -9, and the
//! first-load budget.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::npm_package;
use crate::run::{self, Error, Result};

/// First load (html, wasm, js, css, the editor bundle included; not the registry module), gzip -9.
/// The editor (CodeMirror 6) is about 124 KiB of it; the goal is 300 KiB.
const FIRST_LOAD_BUDGET: u64 = 440 * 1024;

/// The `<meta>` of dist/index.html that names the registry module's script for the app.
const REGISTRY_META: &str = "indexsmith-registry-module";
/// The registry module's files in dist/: `registry-<hash>.js` and `registry-<hash>_bg.wasm`.
const REGISTRY_PREFIX: &str = "registry-";

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
    build_registry_module(Path::new("dist"))?;
    BUILT.store(true, Ordering::Relaxed);
    report_sizes(Path::new("dist"))
}

/// Builds the registry module into `dist` (named by a hash of its code, so that a cache never
/// serves an old one to a new page) and names it in `dist`/index.html for the app.
fn build_registry_module(dist: &Path) -> Result {
    run::section("build: the registry module (web/registry)");
    let bindgen = npm_package::wasm_bindgen()?;
    run::status(
        Command::new(run::cargo_program())
            .args(["build", "--locked", "--target", "wasm32-unknown-unknown"])
            .args([
                "--profile",
                "wasm-release",
                "-p",
                "indexsmith-web-registry",
                "--lib",
            ]),
    )?;
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let wasm =
        Path::new(&target).join("wasm32-unknown-unknown/wasm-release/indexsmith_web_registry.wasm");
    let name = format!("{REGISTRY_PREFIX}{:016x}", fnv1a(&std::fs::read(&wasm)?));
    let tmp = npm_package::TempDir::new("indexsmith-registry-module")?;
    run::status(
        Command::new(&bindgen)
            .args(["--target", "web", "--no-typescript", "--out-name", &name])
            .args(["--remove-name-section", "--remove-producers-section"])
            .arg("--out-dir")
            .arg(&tmp.0)
            .arg(&wasm),
    )?;
    // wasm-bindgen writes the app crate's snippets for the module too; its glue imports none.
    if std::fs::read_to_string(tmp.0.join(format!("{name}.js")))?.contains("./snippets/") {
        return Err(Error::new(
            "the registry module imports JavaScript snippets, which are not copied to dist/",
        ));
    }
    for file in [format!("{name}.js"), format!("{name}_bg.wasm")] {
        std::fs::copy(tmp.0.join(&file), dist.join(&file))?;
    }
    let wasm_opt = run::npm_tool("wasm-opt")?;
    npm_package::optimize(
        Some(&wasm_opt),
        &dist.join(format!("{name}_bg.wasm")),
        "-Oz",
    )?;
    announce(&dist.join("index.html"), &format!("./{name}.js"))
}

/// Adds the `<meta>` naming the registry module's script to the page.
fn announce(index: &Path, script: &str) -> Result {
    let html = std::fs::read_to_string(index)?;
    let Some(at) = html.find("</head>") else {
        return Err(Error::new(format!("{} has no </head>", index.display())));
    };
    let meta = format!("<meta name=\"{REGISTRY_META}\" content=\"{script}\" />\n");
    std::fs::write(index, format!("{}{meta}{}", &html[..at], &html[at..]))?;
    Ok(())
}

/// FNV-1a, 64 bits: a name that changes with the module's code.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn report_sizes(dist: &Path) -> Result {
    let mut files = Vec::new();
    collect(dist, &mut files)?;
    files.sort();
    println!();
    run::section("dist/ sizes (bytes)");
    println!("{:<48} {:>10} {:>10}", "file", "raw", "gzip-9");
    let (mut total_raw, mut total_gz, mut first_raw, mut first_gz) = (0, 0, 0, 0);
    let (mut registry_raw, mut registry_gz) = (0, 0);
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
        let code = matches!(
            file.extension().and_then(|e| e.to_str()),
            Some("wasm" | "js" | "css" | "html")
        );
        if name.starts_with(REGISTRY_PREFIX) {
            registry_raw += raw;
            registry_gz += gz;
        } else if code {
            first_raw += raw;
            first_gz += gz;
        }
    }
    println!("{:<48} {total_raw:>10} {total_gz:>10}", "total");
    println!(
        "{:<48} {first_raw:>10} {first_gz:>10}",
        "first load (html+wasm+js+css)"
    );
    println!(
        "{:<48} {registry_raw:>10} {registry_gz:>10}",
        "registry module (loaded on the first registry call)"
    );
    if registry_raw == 0 {
        return Err(Error::new("dist/ has no registry module"));
    }
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
