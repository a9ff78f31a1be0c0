//! `cargo xtask fuzz [SECONDS] [TARGET...]`: every fuzz target (or those named) for SECONDS each
//! (default 180; with FUZZ_RUNS=N, until N executions or SECONDS, whichever comes first), seeded from the corpus of real documents and the target's seeds in
//! fuzz/seeds/; prints the executions per target.
//! Crashes are kept under fuzz/artifacts/<target>/. Needs the nightly toolchain; installs the
//! cargo-fuzz of tools/versions when missing.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::run::{self, Error, Result};
use crate::versions;

/// The longest input a target is given: documents up to 64 KiB; the text parsers (platform
/// specifiers and references, which real inputs keep under a few hundred bytes) 4 KiB, where they
/// run several times faster. Their behaviour on long inputs is the linear-time tests' job.
fn max_len(target: &str) -> usize {
    match target {
        "platform_parse" | "reference_parse" => 4096,
        _ => 65536,
    }
}

/// The first byte of edit_index's input selects the edit: each document is seeded once per edit.
const EDIT_SELECTORS: &[u8] = &[1, 2, 3, 4, 5, 6, 7, 17, 33];

pub fn run(args: &[String]) -> Result {
    let (seconds, targets) = match args.split_first() {
        Some((first, rest)) if first.parse::<u64>().is_ok() => (first.clone(), rest.to_vec()),
        _ => ("180".to_string(), args.to_vec()),
    };
    let fuzz = || {
        let mut command = Command::new("cargo");
        command.arg("+nightly").arg("fuzz").current_dir("fuzz");
        command
    };
    let wanted = versions::tool("CARGO_FUZZ")?;
    let found = run::output(fuzz().arg("--version")).unwrap_or_default();
    if found.split_whitespace().nth(1) != Some(wanted.as_str()) {
        run::section(&format!("installing cargo-fuzz {wanted} (nightly)"));
        run::status(Command::new("cargo").args([
            "+nightly",
            "install",
            "cargo-fuzz",
            "--locked",
            "--version",
            &wanted,
        ]))?;
    }
    let targets = if targets.is_empty() {
        run::output(fuzz().arg("list"))?
            .lines()
            .map(str::to_string)
            .collect()
    } else {
        targets
    };

    fs::create_dir_all("fuzz/artifacts")?;
    let mut summary = Vec::new();
    for target in &targets {
        seed(target)?;
        run::section(&format!("fuzz {target} for {seconds}s"));
        let log = format!("fuzz/artifacts/{target}.log");
        // libFuzzer writes its progress to stderr: kept whole in the log, its summary printed.
        // No sanitizer by default: the crates fuzzed have no `unsafe` code, and AddressSanitizer
        // costs several times the executions (FUZZ_SANITIZER=address to have it).
        let sanitizer = std::env::var("FUZZ_SANITIZER").unwrap_or_else(|_| "none".to_string());
        let mut command = fuzz();
        command
            .args(["run", "--sanitizer", &sanitizer, target])
            .args([&format!("corpus/{target}"), "--"])
            .arg(format!("-max_total_time={seconds}"));
        if let Ok(runs) = std::env::var("FUZZ_RUNS") {
            command.arg(format!("-runs={runs}"));
        }
        // Written to the log as it runs (`tail -f` it to follow a long run), read back at the end.
        let file = fs::File::create(&log)?;
        let status = command
            .arg(format!("-max_len={}", max_len(target)))
            .args(["-timeout=10", "-rss_limit_mb=2048"])
            .stdout(file.try_clone()?)
            .stderr(file)
            .status()?;
        let text = String::from_utf8_lossy(&fs::read(&log)?).into_owned();
        for line in text.lines().filter(|l| {
            l.starts_with("Done")
                || l.starts_with("SUMMARY")
                || l.contains("ERROR")
                || l.contains("panicked")
        }) {
            println!("{line}");
        }
        let runs = text.lines().find_map(|l| {
            l.strip_prefix("Done ")?
                .split(' ')
                .next()?
                .parse::<u64>()
                .ok()
        });
        summary.push(match runs {
            Some(runs) if status.success() => {
                format!("{target}: {runs} executions, no crash")
            }
            _ => format!("{target}: CRASH (see {log} and fuzz/artifacts/{target}/)"),
        });
    }
    println!();
    run::section(&format!("fuzzing summary ({seconds}s per target)"));
    for line in &summary {
        println!("{line}");
    }
    if summary.iter().any(|l| l.contains("CRASH")) {
        return Err(Error::new("a fuzz target crashed"));
    }
    Ok(())
}

/// Seeds the target's corpus (a git-ignored folder, refilled each run): the target's own seeds
/// when it has them (the text parsers' inputs; for the others, a minimized set of inputs earlier
/// runs found), and for the document targets the shared corpus of real documents too (for
/// edit_index each document once per edit selector).
fn seed(target: &str) -> Result {
    let corpus = Path::new("fuzz/corpus").join(target);
    fs::create_dir_all(&corpus)?;
    let own = Path::new("fuzz/seeds").join(target);
    if own.is_dir() {
        for entry in fs::read_dir(&own)? {
            let path = entry?.path();
            if let Some(name) = path.file_name() {
                fs::copy(&path, corpus.join(name))?;
            }
        }
    }
    let per_document: &[u8] = match target {
        "platform_parse" | "reference_parse" => return Ok(()),
        "edit_index" => EDIT_SELECTORS,
        _ => &[],
    };
    for entry in fs::read_dir("tests/fixtures/corpus")? {
        let path = entry?.path();
        if !path.extension().is_some_and(|e| e == "json") {
            continue;
        }
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let bytes = fs::read(&path)?;
        if per_document.is_empty() {
            fs::write(corpus.join(&name), &bytes)?;
        }
        for selector in per_document {
            let stem = name.trim_end_matches(".json");
            fs::write(
                corpus.join(format!("{stem}-{selector}")),
                [&[*selector][..], &bytes].concat(),
            )?;
        }
    }
    Ok(())
}
