//! Every code the project uses is in the registry (`indexsmith::codes`), and `CODES.md` is the
//! registry's table. The sources are read as text: the Rust crates, the npm package's JavaScript
//! and the app, outside their test modules.

use regex::Regex;
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Upper-case literals in code positions that are not codes (what they are).
const NOT_CODES: &[&str] = &[
    // Element names (`tagName`), in the app's keyboard shortcuts.
    "TEXTAREA",
    "INPUT",
    "SELECT",
    // Environment variables.
    "CARGO_PKG_VERSION",
    "CARGO_PKG_REPOSITORY",
    "DOCKER_CONFIG",
    // HTTP methods.
    "GET",
    "HEAD",
    "POST",
    "PUT",
    "PATCH",
    "DELETE",
    // `typeof e.code === "string"`.
    "string",
];

/// Areas of the `area/name` codes: a literal `area/name` in one of them is a code.
const AREAS: &[&str] = &[
    "json",
    "document",
    "schema",
    "descriptor",
    "platform",
    "index",
    "manifest",
    "config",
    "convert",
    "compose",
    "reference",
    "resolve",
    "inspect",
    "copy",
];

/// The source files to read: `.rs` under `crates/*/src` and `web/src`, the npm package's JS.
fn sources() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path
                .extension()
                .is_some_and(|x| ["rs", "js", "cjs", "mjs"].contains(&x.to_str().unwrap_or("")))
                && path.file_stem().is_some_and(|s| s != "tests")
            {
                out.push(path);
            }
        }
    }
    let root = repo_root();
    let mut out = Vec::new();
    for krate in std::fs::read_dir(root.join("crates")).unwrap().flatten() {
        walk(&krate.path().join("src"), &mut out);
        walk(&krate.path().join("js"), &mut out);
    }
    walk(&root.join("web/src"), &mut out);
    out.sort();
    out
}

/// The codes a source uses, with their line numbers.
fn codes_in(text: &str, patterns: &[Regex]) -> Vec<(usize, String)> {
    // Test modules come last in a file; their codes may be made up on purpose.
    let text = text.split("#[cfg(test)]").next().unwrap_or(text);
    let comment = Regex::new(r"(?m)^\s*(//|\*|/\*).*$").unwrap();
    let text = comment.replace_all(text, "");
    let mut out = Vec::new();
    for p in patterns {
        for c in p.captures_iter(&text) {
            let m = c.get(1).unwrap();
            let code = m.as_str();
            let is_area_code = code
                .split_once('/')
                .is_some_and(|(area, _)| AREAS.contains(&area));
            if code.contains('/') && !is_area_code || NOT_CODES.contains(&code) {
                continue;
            }
            let line = text[..m.start()].matches('\n').count() + 1;
            out.push((line, code.to_owned()));
        }
    }
    out.sort();
    out
}

fn patterns() -> Vec<Regex> {
    [
        // `area/name` literals.
        r#""([a-z][a-z0-9]*/[a-z0-9][a-z0-9-]*)""#,
        // SCREAMING_SNAKE literals with an underscore.
        r#""([A-Z][A-Z0-9]*_[A-Z0-9_]*)""#,
        // Code positions: constructors of errors and failures, and `code` members.
        r#"(?:Failure::new|error_with_code|apiError|callError|[^#\[\w.]error)\(\s*"([^"]+)""#,
        r#"\.code\s*=\s*"([^"]+)""#,
        r#"\bcode\s*===?\s*"([^"]+)""#,
        // Match arms that return or match upper-case codes.
        r#"=>\s*"([A-Z][A-Z0-9_]*)""#,
        r#""([A-Z][A-Z0-9_]*)"\s*(?:=>|\|)"#,
    ]
    .iter()
    .map(|p| Regex::new(p).unwrap())
    .collect()
}

#[test]
fn every_code_used_is_registered() {
    let patterns = patterns();
    let mut unknown = Vec::new();
    let mut seen = 0;
    for path in sources() {
        let text = std::fs::read_to_string(&path).unwrap();
        for (line, code) in codes_in(&text, &patterns) {
            seen += 1;
            if indexsmith::codes::lookup(&code).is_none() {
                unknown.push(format!("{}:{line}: {code}", path.display()));
            }
        }
    }
    assert!(seen > 100, "the sources were read ({seen} codes found)");
    assert!(
        unknown.is_empty(),
        "codes missing from crates/indexsmith/src/codes.rs:\n{}",
        unknown.join("\n")
    );
}

#[test]
fn the_scan_finds_codes_in_each_position() {
    let patterns = patterns();
    let cases = [
        (r#"Failure::new("copy/made-up", "x")"#, Some("copy/made-up")),
        (r#"error_with_code("made-up", m)"#, Some("made-up")),
        (r#"throw apiError("MADE_UP", "x");"#, Some("MADE_UP")),
        (r#"e.code = "made-up";"#, Some("made-up")),
        (r#"ErrorKind::X => "MADEUP","#, Some("MADEUP")),
        (r#"Some("reference/made-up")"#, Some("reference/made-up")),
        (r#"let t = "linux/amd64";"#, None),
        (r#"let t = "TEXTAREA" | x;"#, None),
        (r#"// Failure::new("copy/made-up", "x")"#, None),
    ];
    for (line, expected) in cases {
        let found = codes_in(line, &patterns);
        assert_eq!(found.first().map(|(_, c)| c.as_str()), expected, "{line}");
    }
}

#[test]
fn codes_md_is_the_registry() {
    let path = repo_root().join("crates/indexsmith/CODES.md");
    let table = indexsmith::codes::markdown();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &table).unwrap();
    }
    let written = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        written == table,
        "{} is not the registry's table: UPDATE_GOLDEN=1 cargo test -p indexsmith --test codes",
        path.display()
    );
}
