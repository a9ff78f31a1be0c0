//! `--json` output has the npm package's shapes: every object has exactly the members its
//! TypeScript interface declares in the package's declarations (`indexsmith.d.ts.golden`),
//! recursively through the named member types.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{corpus, repo_root, run, run_with};
use serde_json::Value;

/// Interface name → member name → the member's declared type.
type Interfaces = BTreeMap<String, BTreeMap<String, String>>;

/// Reads `export interface Name { member: Type; … }` blocks (doc comments skipped).
fn interfaces() -> Interfaces {
    let path = repo_root().join("crates/indexsmith-wasm/indexsmith.d.ts.golden");
    let text = std::fs::read_to_string(&path).expect("the npm declarations");
    let mut out = Interfaces::new();
    let mut current: Option<(String, BTreeMap<String, String>)> = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("export interface ") {
            let name = rest.split([' ', '{']).next().unwrap().to_owned();
            current = Some((name, BTreeMap::new()));
        } else if line == "}" {
            if let Some((name, members)) = current.take() {
                out.insert(name, members);
            }
        } else if let Some((_, members)) = current.as_mut() {
            if line.starts_with("/**") || line.starts_with('*') || line.is_empty() {
                continue;
            }
            if let Some((name, ty)) = line.split_once(':') {
                members.insert(
                    name.trim_end_matches('?').to_owned(),
                    ty.trim().trim_end_matches(';').to_owned(),
                );
            }
        }
    }
    out
}

/// Checks `value` against interface `name`, and its members against their named types.
fn check(interfaces: &Interfaces, name: &str, value: &Value, at: &str, extra: &[&str]) {
    let declared = interfaces
        .get(name)
        .unwrap_or_else(|| panic!("no interface {name} in the declarations"));
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("{at}: {name} is not an object: {value}"));
    let got: BTreeSet<&str> = object.keys().map(String::as_str).collect();
    let mut want: BTreeSet<&str> = declared.keys().map(String::as_str).collect();
    want.extend(extra);
    assert_eq!(got, want, "{at}: members of {name}");
    for (member, ty) in declared {
        let inner = ty.trim_end_matches(" | null").trim_end_matches("[]");
        if !interfaces.contains_key(inner) {
            continue;
        }
        let v = &object[member];
        match v {
            Value::Null => assert!(ty.ends_with("| null"), "{at}.{member}: null for {ty}"),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    check(interfaces, inner, item, &format!("{at}.{member}[{i}]"), &[]);
                }
            }
            _ => check(interfaces, inner, v, &format!("{at}.{member}"), &[]),
        }
    }
}

#[test]
fn validate_json_is_report_with_file() {
    let interfaces = interfaces();
    let out = run(&[
        "validate",
        "--format",
        "json",
        &corpus("containers-image-oci-index-zstd-duplicate-platforms.json"),
        &corpus("invalid-image-spec-index-missing-digest.json"),
    ]);
    let reports = out.json();
    for (i, report) in reports.as_array().unwrap().iter().enumerate() {
        assert!(!report["diagnostics"].as_array().unwrap().is_empty());
        check(&interfaces, "Report", report, &format!("[{i}]"), &["file"]);
    }
}

#[test]
fn resolve_json_is_resolution() {
    let interfaces = interfaces();
    let file = corpus("alpine-3.23.2-oci-index-attestations.json");
    for platform in ["linux/arm64", "linux/mips64"] {
        let out = run(&["resolve", &file, "--platform", platform, "--json"]);
        let r = out.json();
        // `selected` is the entry as written, not one of the package's own interfaces.
        let mut shaped = r.clone();
        shaped["selected"] = Value::Null;
        check(&interfaces, "Resolution", &shaped, platform, &[]);
    }
}

#[test]
fn diff_json_is_index_diff() {
    let interfaces = interfaces();
    let file = corpus("alpine-3.23.2-oci-index-attestations.json");
    let edited = run(&["edit", &file, "--remove", "index:0", "--convert", "docker"]);
    let out = run_with(&["diff", &file, "-", "--json"], Some(&edited.stdout), &[]);
    let d = out.json();
    assert!(!d["changedFields"].as_array().unwrap().is_empty());
    check(&interfaces, "IndexDiff", &d, "diff", &[]);
}

#[test]
fn inspect_json_is_inspect_result() {
    use common::images::{self, Seeder};
    use common::registry::{Auth, Registry};
    let interfaces = interfaces();
    let registry = Registry::start(Auth::None);
    let seeder = Seeder {
        host: registry.host(),
        authorization: None,
    };
    let amd64 = images::image("shape", "amd64", &[100]);
    let arm = images::image("shape", "arm/v7", &[100, 200]);
    seeder.index("shape", "1", &[&amd64, &arm]);
    seeder.image("shape", &amd64, Some("single"));
    for tag in ["1", "single"] {
        let out = run(&[
            "inspect",
            "--json",
            &format!("{}/shape:{tag}", registry.host()),
        ]);
        assert_eq!(out.status, 0, "{}", out.stderr);
        check(&interfaces, "InspectResult", &out.json(), tag, &[]);
    }
}
