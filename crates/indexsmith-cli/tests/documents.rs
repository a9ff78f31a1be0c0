//! The commands that need no registry, run as a CI step runs them: exit codes, standard output
//! (exact bytes for documents), standard error for messages.

mod common;

use common::{corpus, run, run_with};

const VALID_INDEX: &str = "alpine-3.23.2-oci-index-attestations.json";
const DUPLICATES: &str = "containers-image-oci-index-zstd-duplicate-platforms.json";
const MISSING_DIGEST: &str = "invalid-image-spec-index-missing-digest.json";
const DOCKER_LIST: &str = "distribution-spec-manifest-list.json";

fn read(name: &str) -> Vec<u8> {
    std::fs::read(corpus(name)).expect("corpus file")
}

#[test]
fn validate_exit_codes() {
    struct Case {
        name: &'static str,
        files: Vec<String>,
        status: i32,
    }
    let cases = [
        Case {
            name: "valid index",
            files: vec![corpus(VALID_INDEX)],
            status: 0,
        },
        Case {
            name: "warnings only",
            files: vec![corpus(DUPLICATES)],
            status: 0,
        },
        Case {
            name: "an error",
            files: vec![corpus(VALID_INDEX), corpus(MISSING_DIGEST)],
            status: 1,
        },
        Case {
            name: "unreadable file",
            files: vec![corpus(VALID_INDEX), "no-such-file.json".into()],
            status: 2,
        },
        Case {
            name: "unreadable wins over invalid",
            files: vec![corpus(MISSING_DIGEST), "no-such-file.json".into()],
            status: 2,
        },
    ];
    for case in cases {
        for format in ["text", "json", "github", "sarif"] {
            let mut args = vec!["validate", "--format", format];
            args.extend(case.files.iter().map(String::as_str));
            let out = run(&args);
            assert_eq!(
                out.status, case.status,
                "{} ({format}): {}",
                case.name, out.stderr
            );
        }
    }
}

#[test]
fn validate_usage_errors_exit_2() {
    for args in [
        vec!["validate"],
        vec!["validate", "--format", "xml", "a.json"],
        vec!["validate", "-", "-"],
    ] {
        let out = run(&args);
        assert_eq!(out.status, 2, "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{args:?} wrote to standard output");
    }
}

#[test]
fn a_proxy_that_is_not_a_url_is_a_usage_error() {
    for proxy in ["127.0.0.1:8080/proxy", "/proxy", "http://"] {
        let out = run(&["inspect", "127.0.0.1:1/app:v1", "--proxy", proxy]);
        assert_eq!(out.status, 2, "{proxy}: {}", out.stderr);
        assert!(
            out.stderr.contains("--proxy") && out.stderr.contains("base URL"),
            "{proxy}: {}",
            out.stderr
        );
    }
}

#[test]
fn validate_text_is_file_line_col_severity_code_message() {
    let file = corpus(DUPLICATES);
    let out = run(&["validate", &file]);
    let text = out.stdout_text();
    let first = text.lines().next().expect("a finding");
    let prefix = format!("{file}:");
    assert!(first.starts_with(&prefix), "{first}");
    let rest: Vec<&str> = first[prefix.len()..].splitn(4, ' ').collect();
    let (line, column) = rest[0]
        .trim_end_matches(':')
        .split_once(':')
        .expect("LINE:COL");
    assert!(
        line.parse::<u32>().unwrap() > 1 && column.parse::<u32>().unwrap() > 1,
        "{first}"
    );
    assert_eq!(rest[1], "warning");
    assert_eq!(rest[2], "[index/duplicate-platform]");
    assert!(out.stderr.contains("3 warnings"), "{}", out.stderr);
}

#[test]
fn validate_reads_standard_input_as_stdin() {
    let out = run_with(
        &["validate", "--format", "json", "-"],
        Some(b"{\"schemaVersion\": 2,"),
        &[],
    );
    assert_eq!(out.status, 1);
    let reports = out.json();
    assert_eq!(reports[0]["file"], "<stdin>");
    assert_eq!(reports[0]["valid"], false);
    assert_eq!(reports[0]["diagnostics"][0]["code"], "json/unexpected-end");
    let text = run_with(&["validate", "-"], Some(b"[1,"), &[]);
    assert!(
        text.stdout_text().starts_with("<stdin>:1:4: error [json/"),
        "{}",
        text.stdout_text()
    );
}

#[test]
fn validate_json_reports_each_file() {
    let (a, b) = (corpus(VALID_INDEX), corpus(MISSING_DIGEST));
    let out = run(&["validate", "--format", "json", &a, &b]);
    let reports = out.json();
    let reports = reports.as_array().expect("an array");
    assert_eq!(reports.len(), 2);
    let bytes = read(VALID_INDEX);
    assert_eq!(reports[0]["file"], a.as_str());
    assert_eq!(reports[0]["valid"], true);
    assert_eq!(reports[0]["kind"], "oci-index");
    assert_eq!(reports[0]["size"], bytes.len());
    let digest = indexsmith::digest::sha256(&bytes).to_string();
    assert_eq!(reports[0]["digest"], digest.as_str());
    assert_eq!(reports[1]["valid"], false);
    let d = reports[1]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["severity"] == "error")
        .expect("an error");
    assert_eq!(d["severity"], "error");
    assert!(
        d["pointer"].as_str().unwrap().starts_with("/manifests/"),
        "{d}"
    );
    assert_eq!(d["line"], d["span"]["start"]["line"]);
}

#[test]
fn validate_github_annotations() {
    let file = corpus(MISSING_DIGEST);
    let out = run(&["validate", "--format", "github", &file, &corpus(DUPLICATES)]);
    let text = out.stdout_text();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines.iter().any(|l| l.starts_with("::error file=")),
        "{text}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("::warning file=")),
        "{text}"
    );
    for line in &lines {
        let (command, message) = line[2..].split_once("::").expect("::CMD PROPS::MESSAGE");
        let props = command.split_once(' ').expect("properties").1;
        let keys: Vec<&str> = props
            .split(',')
            .map(|p| p.split('=').next().unwrap())
            .collect();
        assert_eq!(
            keys,
            ["file", "line", "col", "endLine", "endColumn", "title"],
            "{line}"
        );
        assert!(!message.contains('\n'), "{line}");
    }
    let info = run_with(
        &["validate", "--format", "github", "-"],
        Some(&read("image-spec-v1.0-index-example-no-mediatype.json")),
        &[],
    );
    assert!(
        info.stdout_text()
            .lines()
            .all(|l| l.starts_with("::warning file=<stdin>")
                || l.starts_with("::notice file=<stdin>")
                || l.starts_with("::error file=<stdin>")),
        "{}",
        info.stdout_text()
    );
}

/// Entry `i` of the index in `bytes`, parsed.
fn entry(bytes: &[u8], i: usize) -> serde_json::Value {
    let doc: serde_json::Value = serde_json::from_slice(bytes).expect("JSON");
    doc["manifests"][i].clone()
}

#[test]
fn annotate_sets_fields_of_the_picked_entry() {
    let file = corpus(DUPLICATES);
    let original = read(DUPLICATES);
    struct Case {
        name: &'static str,
        args: Vec<String>,
        entry: usize,
        expect: &'static [(&'static str, &'static str)],
    }
    let second_digest = entry(&original, 2)["digest"].as_str().unwrap().to_owned();
    let cases = [
        Case {
            name: "by position",
            args: vec![
                "--entry".into(),
                "1".into(),
                "--variant".into(),
                "v3".into(),
            ],
            entry: 1,
            expect: &[("/platform/variant", "v3")],
        },
        Case {
            name: "by digest, annotation",
            args: vec![
                "--digest".into(),
                second_digest.clone(),
                "--annotation".into(),
                "org.example.tier=gold".into(),
            ],
            entry: 2,
            expect: &[("/annotations/org.example.tier", "gold")],
        },
        Case {
            name: "os.version and features",
            args: vec![
                "--entry".into(),
                "0".into(),
                "--os-version".into(),
                "1.2".into(),
                "--os-features".into(),
                "a".into(),
            ],
            entry: 0,
            expect: &[
                ("/platform/os.version", "1.2"),
                ("/platform/os.features/0", "a"),
            ],
        },
    ];
    for case in cases {
        let mut args = vec!["annotate".to_owned(), file.clone()];
        args.extend(case.args);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&args);
        assert_eq!(out.status, 0, "{}: {}", case.name, out.stderr);
        let e = entry(&out.stdout, case.entry);
        for (pointer, value) in case.expect {
            let got = e.pointer(pointer).and_then(|v| v.as_str());
            assert_eq!(got, Some(*value), "{}: {pointer} in {e}", case.name);
        }
        // Every other entry is untouched, and the layout is the input's.
        let before: serde_json::Value = serde_json::from_slice(&original).unwrap();
        let after: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        for i in 0..before["manifests"].as_array().unwrap().len() {
            if i != case.entry {
                assert_eq!(
                    before["manifests"][i], after["manifests"][i],
                    "{}: entry {i}",
                    case.name
                );
            }
        }
        let first_line = |b: &[u8]| b.split(|c| *c == b'\n').nth(1).map(<[u8]>::to_vec);
        assert_eq!(
            first_line(&out.stdout),
            first_line(&original),
            "{}: layout",
            case.name
        );
    }
}

#[test]
fn annotate_refusals() {
    let file = corpus(DUPLICATES);
    let cases: [(&[&str], &str); 5] = [
        (
            &["--entry", "99", "--variant", "v8"],
            "compose/entry-out-of-range",
        ),
        (
            &["--platform", "linux/amd64", "--variant", "v2"],
            "picks 3 entries (0, 1, 5)",
        ),
        (
            &["--platform", "linux/mips64", "--variant", "v2"],
            "compose/no-match",
        ),
        (&["--entry", "0"], "nothing to set"),
        (&["--entry", "0", "--annotation", "novalue"], "KEY=VALUE"),
    ];
    for (extra, message) in cases {
        let mut args = vec!["annotate", &file];
        args.extend_from_slice(extra);
        let out = run(&args);
        assert_ne!(out.status, 0, "{extra:?}");
        assert!(out.stdout.is_empty(), "{extra:?}");
        assert!(out.stderr.contains(message), "{extra:?}: {}", out.stderr);
    }
    let not_index = run(&[
        "annotate",
        &corpus("regclient-oci-manifest-2layers.json"),
        "--entry",
        "0",
        "--os",
        "linux",
    ]);
    assert_eq!(not_index.status, 1);
    assert!(
        not_index.stderr.contains("compose/not-an-index"),
        "{}",
        not_index.stderr
    );
}

#[test]
fn annotate_writes_exact_bytes_to_a_file_and_style() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.json");
    let target_arg = target.to_string_lossy().into_owned();
    let file = corpus(DUPLICATES);
    let to_stdout = run(&[
        "annotate",
        &file,
        "--entry",
        "0",
        "--variant",
        "v2",
        "--style",
        "compact",
    ]);
    let to_file = run(&[
        "annotate",
        &file,
        "--entry",
        "0",
        "--variant",
        "v2",
        "--style",
        "compact",
        "-o",
        &target_arg,
    ]);
    assert_eq!(to_file.status, 0, "{}", to_file.stderr);
    assert!(to_file.stdout.is_empty());
    let written = std::fs::read(&target).unwrap();
    assert_eq!(written, to_stdout.stdout);
    assert!(
        !written.contains(&b'\n') && !written.ends_with(b"\n"),
        "compact, no newline added"
    );
    let docker = run(&[
        "annotate",
        &file,
        "--entry",
        "0",
        "--variant",
        "v2",
        "--style",
        "docker",
    ]);
    assert!(
        docker.stdout_text().contains("\n   \"schemaVersion\""),
        "{}",
        docker.stdout_text()
    );
}

#[test]
fn edit_remove_filter_convert() {
    let file = corpus(VALID_INDEX);
    let original = read(VALID_INDEX);
    let count = |bytes: &[u8]| {
        serde_json::from_slice::<serde_json::Value>(bytes).unwrap()["manifests"]
            .as_array()
            .unwrap()
            .len()
    };
    let total = count(&original);
    let cases: [(&[&str], usize); 5] = [
        // An entry goes with its attestation.
        (&["--remove", "platform:linux/arm/v7"], total - 2),
        (
            &["--remove", "index:0", "--remove", "platform:linux/s390x"],
            total - 4,
        ),
        (&["--filter", "linux/amd64", "--filter", "linux/arm64"], 4),
        (&["--filter", "linux/amd64", "--drop-attestations"], 1),
        (
            &[
                "--filter",
                "linux/amd64",
                "--drop-attestations",
                "--convert",
                "docker",
            ],
            1,
        ),
    ];
    for (extra, entries) in cases {
        let mut args = vec!["edit", &file];
        args.extend_from_slice(extra);
        let out = run(&args);
        assert_eq!(out.status, 0, "{extra:?}: {}", out.stderr);
        assert_eq!(count(&out.stdout), entries, "{extra:?}");
    }
    let converted = run(&["edit", &file, "--convert", "docker"]);
    let doc: serde_json::Value = serde_json::from_slice(&converted.stdout).unwrap();
    assert_eq!(
        doc["mediaType"],
        "application/vnd.docker.distribution.manifest.list.v2+json"
    );
    assert!(
        converted.stderr.contains("[convert/"),
        "the loss report: {}",
        converted.stderr
    );
}

#[test]
fn edit_refusals() {
    let file = corpus(VALID_INDEX);
    let cases: [(&[&str], i32, &str); 4] = [
        (&[], 2, "nothing to do"),
        (&["--remove", "entry:1"], 2, "index:N"),
        (&["--remove", "platform:aarch64"], 2, "platform/"),
        (&["--remove", "digest:sha256:0000"], 1, "compose/no-match"),
    ];
    for (extra, status, message) in cases {
        let mut args = vec!["edit", &file];
        args.extend_from_slice(extra);
        let out = run(&args);
        assert_eq!(out.status, status, "{extra:?}: {}", out.stderr);
        assert!(out.stderr.contains(message), "{extra:?}: {}", out.stderr);
    }
}

#[test]
fn edit_keeps_the_bytes_of_a_style_only_round_trip() {
    let file = corpus(DOCKER_LIST);
    let original = read(DOCKER_LIST);
    let compact = run(&["edit", &file, "--style", "compact"]);
    assert_eq!(compact.status, 0);
    let back = run_with(
        &["edit", "-", "--style", "docker"],
        Some(&compact.stdout),
        &[],
    );
    let again = run_with(
        &["edit", "-", "--style", "compact"],
        Some(&back.stdout),
        &[],
    );
    assert_eq!(again.stdout, compact.stdout);
    assert_ne!(compact.stdout, original);
}

#[test]
fn resolve_picks_and_explains() {
    let file = corpus(VALID_INDEX);
    let bytes = read(VALID_INDEX);
    let cases = [
        ("linux/arm/v7", false, Some("linux/arm/v7")),
        ("linux/arm64", false, Some("linux/arm64/v8")),
        ("linux/mips64", false, None),
        ("windows/amd64", false, None),
    ];
    for (platform, strict, pulled) in cases {
        let mut args = vec!["resolve", &file, "--platform", platform, "--json"];
        if strict {
            args.push("--strict");
        }
        let out = run(&args);
        let r = out.json();
        match pulled {
            Some(expected) => {
                assert_eq!(out.status, 0, "{platform}: {}", out.stderr);
                let i = r["selectedIndex"].as_u64().unwrap() as usize;
                assert_eq!(
                    r["selected"],
                    entry(&bytes, i),
                    "{platform}: selected is the entry as written"
                );
                let p = &r["candidates"][i]["platform"];
                let got = [
                    p["os"].as_str(),
                    p["architecture"].as_str(),
                    p["variant"].as_str(),
                ]
                .iter()
                .flatten()
                .copied()
                .collect::<Vec<_>>()
                .join("/");
                assert_eq!(got, expected, "{platform}");
                assert_eq!(r["candidates"][i]["reason"], "resolve/selected");
            }
            None => {
                assert_eq!(out.status, 1, "{platform}");
                assert!(
                    r["selected"].is_null() && r["selectedIndex"].is_null(),
                    "{platform}"
                );
            }
        }
        assert_eq!(
            r["candidates"].as_array().unwrap().len(),
            entry(&bytes, 0)
                .as_object()
                .map(
                    |_| serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()["manifests"]
                        .as_array()
                        .unwrap()
                        .len()
                )
                .unwrap()
        );
    }
    let text = run(&["resolve", &file, "--platform", "linux/arm/v7"]);
    let pulls: Vec<&str> = text
        .stdout
        .split(|b| *b == b'\n')
        .filter(|l| l.starts_with(b"pull "))
        .map(|l| std::str::from_utf8(l).unwrap())
        .collect();
    assert_eq!(pulls.len(), 1, "{}", text.stdout_text());
    assert!(
        pulls[0].contains("linux/arm/v7") && pulls[0].contains("resolve/selected"),
        "{}",
        pulls[0]
    );
    let bad = run(&["resolve", &file, "--platform", "arm64"]);
    assert_eq!(bad.status, 2);
    assert!(bad.stderr.contains("platform/missing-os"), "{}", bad.stderr);
}

#[test]
fn diff_exit_codes_and_rows() {
    let file = corpus(VALID_INDEX);
    let same = run(&["diff", &file, &file]);
    assert_eq!(same.status, 0, "{}", same.stderr);
    assert!(same.stdout_text().lines().all(|l| l.starts_with("= ")));
    let edited = run(&["edit", &file, "--remove", "platform:linux/s390x"]);
    let out = run_with(&["diff", &file, "-", "--json"], Some(&edited.stdout), &[]);
    assert_eq!(out.status, 1, "{}", out.stderr);
    let d = out.json();
    let removed: Vec<&str> = d["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["change"] == "removed")
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    assert_eq!(removed, ["linux/s390x", "attestation of linux/s390x"]);
    let missing = run(&["diff", &file, "no-such.json"]);
    assert_eq!(missing.status, 2);
}

#[test]
fn completions_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef indexsmith"),
        ("fish", "complete -c indexsmith"),
    ] {
        let out = run(&["completions", shell]);
        assert_eq!(out.status, 0, "{shell}");
        let text = out.stdout_text();
        assert!(text.contains(marker), "{shell}");
        assert!(
            text.contains("validate") && text.contains("annotate"),
            "{shell}: lists commands"
        );
    }
}

#[test]
fn help_has_examples() {
    for command in [
        "validate",
        "annotate",
        "edit",
        "resolve",
        "diff",
        "logout",
        "completions",
        "serve",
    ] {
        let out = run(&[command, "--help"]);
        assert_eq!(out.status, 0, "{command}");
        assert!(
            out.stdout_text().contains("Examples:"),
            "{command} --help has no examples"
        );
    }
}
