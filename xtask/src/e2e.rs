//! End-to-end tests of the web app in headless Chromium, against the served app, the registry
//! proxy and two local registries, neither with CORS headers (the app reaches both through the
//! proxy):
//! - the registry indexsmith-serve starts and seeds;
//! - a second docker-registry, seeded with sample/hello:latest by copying it through the proxy.
//!
//! Runs `node --test tests/e2e/`, keeps a screenshot per test in tests/output/e2e/, and stops
//! everything it started. E2E_SKIP_BUILD=1 reuses dist/ and target/release/indexsmith-serve.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::npm_package::TempDir;
use crate::registry::{self, Process, Registry};
use crate::run::{self, Error, Result};
use crate::{system, web};

const OUTPUT: &str = "tests/output/e2e";
const SERVE: &str = "target/release/indexsmith-serve";

pub fn test() -> Result {
    let chromium = system::chromium()?;
    let registry_program = registry::program()?;
    if !std::env::var("E2E_SKIP_BUILD").is_ok_and(|v| v == "1") {
        if !web::built_in_this_run() {
            web::build()?;
        }
        run::section("build: indexsmith-serve (release)");
        run::cargo(&["build", "--release", "--locked", "-p", "indexsmith-serve"])?;
    }
    for (path, how) in [
        ("dist/index.html", "cargo xtask build-web"),
        (SERVE, "cargo build --release -p indexsmith-serve"),
    ] {
        if !Path::new(path).exists() {
            return Err(Error::new(format!("{path} is missing ({how})")));
        }
    }
    let work = TempDir::new("indexsmith-e2e")?;
    let result = run_with_servers(&work.0, &chromium, &registry_program);
    if result.is_err() {
        print_logs(&work.0);
        let results = fs::read_to_string(work.0.join("results.tap")).unwrap_or_default();
        print!("{}", failures(&results));
    }
    result
}

fn run_with_servers(work: &Path, chromium: &str, registry_program: &Path) -> Result {
    run::section("start: indexsmith-serve --port 0 (app, proxy, seeded registry)");
    let mut serve = Process::spawn(
        Command::new(SERVE)
            .args(["--dist", "dist", "--port", "0", "--registry-bin"])
            .arg(registry_program),
        &work.join("serve.log"),
    )?;
    let log = serve.wait_for_log(Duration::from_secs(180), |log| {
        log.lines().any(|l| l.starts_with("  ready in"))
    })?;
    print!("{log}");
    let field = |name: &str| {
        log.lines().find_map(|line| {
            let mut words = line.split_whitespace();
            (words.next() == Some(name)).then(|| words.next()).flatten()
        })
    };
    let app = field("app").map(|a| a.trim_end_matches('/').to_string());
    let registry = field("registry").map(|r| {
        r.trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string()
    });
    if !log.lines().any(|l| l.starts_with("  sample ")) {
        return Err(Error::new("the sample image was not seeded"));
    }
    let (Some(app), Some(registry)) = (app, registry) else {
        return Err(Error::new("cannot read the app and registry addresses"));
    };

    run::section("start: a second docker-registry");
    let plain = Registry::start(registry_program, work, "plain-registry")?;
    println!("  second registry  http://{}/", plain.addr);
    run::status(Command::new("node").args([
        "tests/e2e/support/seed-plain.mjs",
        &app,
        &registry,
        &plain.addr,
    ]))?;

    run::section("node --test tests/e2e/");
    let _ = fs::remove_dir_all(OUTPUT);
    fs::create_dir_all(OUTPUT)?;
    let output = fs::canonicalize(OUTPUT)?;
    let tap = work.join("results.tap");
    let status = run::status(
        Command::new("node")
            .args(["--test", "--test-concurrency=1"])
            .args(["--test-reporter=spec", "--test-reporter-destination=stdout"])
            .arg("--test-reporter=tap")
            .arg(format!("--test-reporter-destination={}", tap.display()))
            .arg("tests/e2e/")
            .env("E2E_APP", &app)
            .env("E2E_REGISTRY", &registry)
            .env("E2E_PLAIN_REGISTRY", &plain.addr)
            .env("E2E_OUTPUT", &output)
            .env("E2E_CHROMIUM", chromium)
            .env("E2E_SERVE", fs::canonicalize(SERVE)?)
            .env("E2E_DIST", fs::canonicalize("dist")?),
    );
    let results = fs::read_to_string(&tap).unwrap_or_default();
    let count = |key: &str| -> Option<u32> {
        results
            .lines()
            .find_map(|l| l.strip_prefix(key)?.trim().parse().ok())
    };
    let (passed, failed) = (count("# pass "), count("# fail "));
    println!(
        "e2e: {} passed, {} failed (screenshots in {OUTPUT}/)",
        passed.unwrap_or(0),
        failed.unwrap_or(0)
    );
    drop(plain);
    drop(serve);
    status?;
    if failed != Some(0) || passed.unwrap_or(0) == 0 {
        return Err(Error::new("the end-to-end tests did not all pass"));
    }
    Ok(())
}

fn print_logs(work: &Path) {
    let Ok(entries) = fs::read_dir(work) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "log") {
            let text = fs::read_to_string(&path).unwrap_or_default();
            if !text.is_empty() {
                let lines: Vec<&str> = text.lines().collect();
                println!(
                    "--- {} (last lines)",
                    path.file_name().unwrap_or_default().to_string_lossy()
                );
                println!("{}", lines[lines.len().saturating_sub(20)..].join("\n"));
            }
        }
    }
}

/// The failed tests of a TAP report, each with its diagnostic block (the error, the expected and
/// actual values, the stack), so that the end of the output says why a run failed.
fn failures(tap: &str) -> String {
    const BLOCK_LINES: usize = 40;
    let mut out = String::new();
    let mut lines = tap.lines();
    while let Some(line) = lines.next() {
        if !line.trim_start().starts_with("not ok ") {
            continue;
        }
        out.push_str("--- failed: ");
        out.push_str(line.trim_start());
        out.push('\n');
        let mut kept = 0;
        for detail in lines.by_ref() {
            let detail_end = detail.trim() == "...";
            if kept < BLOCK_LINES && !detail_end && detail.trim() != "---" {
                out.push_str(detail);
                out.push('\n');
                kept += 1;
            }
            if detail_end {
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::failures;

    #[test]
    fn failures_keeps_the_failed_tests_and_their_diagnostics_only() {
        let tap = "TAP version 13\n\
                   # Subtest: passes\n\
                   ok 1 - passes\n  ---\n  duration_ms: 3\n  ...\n\
                   # Subtest: fails\n\
                   not ok 2 - fails\n  ---\n  duration_ms: 9\n  error: 'the focus on entry 7'\n  ...\n\
                   # pass 1\n# fail 1\n";
        assert_eq!(
            failures(tap),
            "--- failed: not ok 2 - fails\n  duration_ms: 9\n  error: 'the focus on entry 7'\n"
        );
        assert_eq!(failures("ok 1 - passes\n"), "");
    }
}
