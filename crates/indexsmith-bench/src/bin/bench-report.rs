//! Writes the Markdown benchmark report from criterion's estimates:
//! `bench-report CRITERION_DIR INPUTS_DIR OUT.md [SECTION.md...]`.
//!
//! Reads the median of each benchmark (`<group>/<function>/<size>/new/estimates.json`), and
//! appends the given sections (the Node results of `bench/node.mjs` and `bench/wasm-core.mjs`).

use indexsmith::json::parse_value;
use std::fmt::Write;
use std::path::Path;

/// The median time of one benchmark, in nanoseconds.
fn median_ns(criterion: &Path, id: &str) -> Option<f64> {
    let bytes = std::fs::read(criterion.join(id).join("new/estimates.json")).ok()?;
    let value = parse_value(&bytes).ok()?;
    match value.get("median")?.get("point_estimate")? {
        indexsmith::json::value::Value::Number(n) => n.parse().ok(),
        _ => None,
    }
}

fn fmt_time(ns: Option<f64>) -> String {
    match ns {
        None => "–".to_owned(),
        Some(ns) if ns >= 1e6 => format!("{:.2} ms", ns / 1e6),
        Some(ns) => format!("{:.1} µs", ns / 1e3),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [criterion, inputs, out, rest @ ..] = args.as_slice() else {
        eprintln!("usage: bench-report CRITERION_DIR INPUTS_DIR OUT.md [SECTION.md...]");
        std::process::exit(2);
    };
    let criterion = Path::new(criterion);
    let mut md = String::new();
    md.push_str("# indexsmith benchmark report\n\n");
    md.push_str("Native (criterion medians, release build). Inputs from `gen-inputs`: OCI indexes, 2-space pretty-printed, one entry in five an attestation.\n\n");
    md.push_str("| entries | bytes | validate + digest | validate (no digest) | parse only | SHA-256 only | validate MB/s | validate time / 100-entry time |\n");
    md.push_str("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    let base = median_ns(criterion, "validate/validate_document/100");
    for size in ["10", "100", "1000", "10000", "50mb"] {
        let file = if size == "50mb" {
            "index-50mb.json".to_owned()
        } else {
            format!("index-{size}.json")
        };
        let bytes = std::fs::metadata(Path::new(inputs).join(&file))
            .map(|m| m.len())
            .ok();
        let validate = median_ns(criterion, &format!("validate/validate_document/{size}"));
        if validate.is_none() && size == "50mb" {
            continue;
        }
        let throughput = match (bytes, validate) {
            (Some(b), Some(ns)) => format!("{:.0}", b as f64 / ns * 1e3),
            _ => "–".to_owned(),
        };
        let ratio = match (validate, base) {
            (Some(v), Some(b)) => format!("{:.1}×", v / b),
            _ => "–".to_owned(),
        };
        let _ = writeln!(
            md,
            "| {size} | {} | {} | {} | {} | {} | {throughput} | {ratio} |",
            bytes.map_or("–".to_owned(), |b| b.to_string()),
            fmt_time(median_ns(
                criterion,
                &format!("validate/validate+digest/{size}")
            )),
            fmt_time(validate),
            fmt_time(median_ns(criterion, &format!("validate/parse/{size}"))),
            fmt_time(median_ns(criterion, &format!("validate/sha256/{size}"))),
        );
    }
    let _ = writeln!(
        md,
        "\nTarget: 10,000 entries within 120× the 100-entry time.\n"
    );
    let _ = writeln!(md, "| compose | median |\n|---|---:|\n| edit_index, 1,000 entries (setPlatform + annotate, then validate + digest of the result) | {} |\n", fmt_time(median_ns(criterion, "compose/edit_index/1000")));
    if rest.is_empty() {
        md.push_str("Node results: not run (no `node`).\n");
    }
    for extra in rest {
        match std::fs::read_to_string(extra) {
            Ok(text) => {
                md.push_str(&text);
                md.push('\n');
            }
            Err(e) => {
                let _ = writeln!(md, "{extra}: not available ({e}).\n");
            }
        }
    }
    if let Err(e) = std::fs::write(out, md) {
        eprintln!("{out}: {e}");
        std::process::exit(1);
    }
}
