//! Validation takes time linear in the input for every shape the limits admit.
//!
//! Each hostile shape is generated at a size `n` and at `4n`, and validated both ways in the same
//! run: linear work takes about 4× as long at `4n`, quadratic work about 16×. A shape fails when
//! the ratio of the best times is above [`QUADRATIC_LIKE`], measured again a few times before
//! failing, so that a noisy machine does not fail it. Only ratios within one run are compared,
//! never absolute times.
//!
//! The shapes are those that made a cost per finding depend on the size of the document: many
//! findings on one long line, repeated keys (named and not), findings under a huge key, long
//! runs without ASCII before findings, deep nesting, long strings and numbers, and each kind of
//! index-wide lint at scale.

use indexsmith::{validate, Report, ValidateOptions, MAX_DIAGNOSTICS_PER_CODE};
use std::fmt::Write;
use std::time::{Duration, Instant};

/// A ratio of times at `4n` and `n` above this is taken as worse than linear (linear is about 4,
/// quadratic about 16).
const QUADRATIC_LIKE: f64 = 8.0;

/// Tries before a shape is said to be worse than linear.
const TRIES: usize = 5;

/// The ratio of the best of a few timings of validating `large` and `small`, taken in turn so
/// that a change in the machine's load weighs on both alike.
fn best_ratio(small: &[u8], large: &[u8]) -> f64 {
    let options = ValidateOptions::default();
    let time = |doc: &[u8]| {
        let t = Instant::now();
        std::hint::black_box(validate(doc, &options));
        t.elapsed()
    };
    let (mut best_small, mut best_large) = (Duration::MAX, Duration::MAX);
    for _ in 0..5 {
        best_small = best_small.min(time(small));
        best_large = best_large.min(time(large));
    }
    best_large.as_secs_f64() / best_small.as_secs_f64().max(1e-9)
}

struct Shape {
    name: &'static str,
    /// The size parameter for the smaller document.
    n: usize,
    make: fn(usize) -> String,
    /// What the report of any size must show: a code present, and at most this many diagnostics.
    check: fn(&Report),
}

fn digest(i: usize) -> String {
    format!("sha256:{:064x}", i)
}

/// An entry of an OCI index, on one line.
fn entry(i: usize, platform: &str, annotations: &str) -> String {
    format!(
        r#"{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{}","size":{}{platform}{annotations}}}"#,
        digest(i),
        1000 + i
    )
}

/// A minified OCI index of `entries`, all on one line.
fn one_line_index(entries: impl Iterator<Item = String>) -> String {
    let mut out =
        r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":["#
            .to_owned();
    for (i, e) in entries.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&e);
    }
    out.push_str("]}");
    out
}

fn has(report: &Report, code: &str) -> bool {
    report.diagnostics.iter().any(|d| d.code.as_str() == code)
}

/// Every code is capped, so no report has more than this many diagnostics per code present.
fn bounded(report: &Report) {
    let mut codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    assert!(
        report.diagnostics.len() <= codes.len() * (MAX_DIAGNOSTICS_PER_CODE + 1),
        "{} diagnostics for {} codes",
        report.diagnostics.len(),
        codes.len()
    );
}

fn shapes() -> Vec<Shape> {
    vec![
        Shape {
            name: "repeated named key on one line",
            n: 5_000,
            make: |n| {
                let mut s = r#"{"schemaVersion":2"#.to_owned();
                for _ in 0..n {
                    s.push_str(r#","manifests":[]"#);
                }
                s + "}"
            },
            check: |r| {
                assert!(has(r, "json/duplicate-key"));
                assert!(has(r, "document/too-many-diagnostics"));
                bounded(r);
            },
        },
        Shape {
            name: "repeated unnamed key on one line",
            n: 5_000,
            make: |n| {
                let mut s = r#"{"schemaVersion":2"#.to_owned();
                for _ in 0..n {
                    s.push_str(r#","x-vendor":1"#);
                }
                s + "}"
            },
            check: |r| {
                assert!(has(r, "json/duplicate-key"));
                bounded(r);
            },
        },
        Shape {
            name: "distinct keys in one object",
            n: 5_000,
            make: |n| {
                let mut s = r#"{"schemaVersion":2"#.to_owned();
                for i in 0..n {
                    let _ = write!(s, r#","k{i}":{i}"#);
                }
                s + "}"
            },
            check: |r| assert!(!has(r, "json/duplicate-key")),
        },
        Shape {
            name: "every named key repeated in turn",
            n: 1_000,
            make: |n| {
                let names = [
                    "mediaType",
                    "digest",
                    "size",
                    "urls",
                    "annotations",
                    "platform",
                    "os",
                    "architecture",
                    "variant",
                    "os.version",
                    "manifests",
                    "config",
                    "layers",
                ];
                let mut s = "{".to_owned();
                for i in 0..n {
                    for name in names {
                        if i > 0 || name != names[0] {
                            s.push(',');
                        }
                        let _ = write!(s, r#""{name}":{i}"#);
                    }
                }
                s + "}"
            },
            check: |r| {
                assert!(has(r, "json/duplicate-key"));
                bounded(r);
            },
        },
        Shape {
            name: "findings under a huge key",
            n: 2_000,
            make: |n| {
                let mut s = format!(r#"{{"schemaVersion":2,"{}":{{"#, "k".repeat(n * 20));
                for i in 0..n {
                    if i > 0 {
                        s.push(',');
                    }
                    s.push_str(r#""a":"\u0001""#);
                }
                s + "}}"
            },
            check: |r| {
                assert!(has(r, "json/duplicate-key"));
                assert!(r.diagnostics.iter().all(|d| d.pointer.len() <= 2_048));
                bounded(r);
            },
        },
        Shape {
            name: "findings after a long run without ASCII",
            n: 2_000,
            make: |n| {
                let mut s = format!(r#"{{"schemaVersion":2,"a":"{}"#, "é".repeat(n * 20));
                for _ in 0..n.min(1_000) {
                    s.push('\u{1}');
                }
                s + r#""}"#
            },
            check: |r| assert!(has(r, "json/control-character")),
        },
        Shape {
            name: "many findings on one long line",
            n: 1_000,
            make: |n| {
                one_line_index((0..n).map(|i| {
                    entry(
                        i,
                        r#","platform":{"os":"linux","architecture":"amd64"}"#,
                        "",
                    )
                }))
            },
            check: |r| {
                assert!(has(r, "index/duplicate-platform"));
                bounded(r);
            },
        },
        Shape {
            name: "os.version on linux in every entry",
            n: 1_000,
            make: |n| {
                one_line_index((0..n).map(|i| {
                    let p = format!(
                        r#","platform":{{"os":"linux","architecture":"amd64","os.version":"{i}"}}"#
                    );
                    entry(i, &p, "")
                }))
            },
            check: |r| assert!(has(r, "platform/os-version-not-windows")),
        },
        Shape {
            name: "docker list entries without platform",
            n: 1_000,
            make: |n| {
                let mut s = r#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":["#.to_owned();
                for i in 0..n {
                    if i > 0 {
                        s.push(',');
                    }
                    let _ = write!(
                        s,
                        r#"{{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"{}","size":1}}"#,
                        digest(i)
                    );
                }
                s + "]}"
            },
            check: |r| assert!(has(r, "index/missing-platform")),
        },
        Shape {
            name: "attestations of missing digests",
            n: 1_000,
            make: |n| {
                one_line_index((0..n).map(|i| {
                    entry(
                        i,
                        r#","platform":{"os":"unknown","architecture":"unknown"}"#,
                        &format!(
                            r#","annotations":{{"vnd.docker.reference.type":"attestation-manifest","vnd.docker.reference.digest":"{}"}}"#,
                            digest(i + 10_000_000)
                        ),
                    )
                }))
            },
            check: |r| assert!(has(r, "index/dangling-attestation")),
        },
        Shape {
            name: "windows entries without os.version",
            n: 1_000,
            make: |n| {
                one_line_index((0..n).map(|i| {
                    let p = format!(
                        r#","platform":{{"os":"windows","architecture":"amd64","os.features":["f{i}"]}}"#
                    );
                    entry(i, &p, "")
                }))
            },
            check: |r| assert!(has(r, "index/windows-without-os-version")),
        },
        Shape {
            name: "annotations of the wrong type",
            n: 2_000,
            make: |n| {
                let mut s = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[],"annotations":{"#.to_owned();
                for i in 0..n {
                    if i > 0 {
                        s.push(',');
                    }
                    let _ = write!(s, r#""org.example.{i}":{i}"#);
                }
                s + "}}"
            },
            check: |r| assert!(has(r, "descriptor/annotation-not-string")),
        },
        Shape {
            name: "lone surrogates in one string",
            n: 8_000,
            make: |n| format!(r#"{{"schemaVersion":2,"x":"{}"}}"#, r"\ud800".repeat(n)),
            check: |r| assert!(has(r, "json/lone-surrogate")),
        },
        Shape {
            name: "trailing commas",
            n: 8_000,
            make: |n| format!(r#"{{"schemaVersion":2,"x":[{}[1,]]}}"#, "[1,],".repeat(n)),
            check: |r| assert!(has(r, "json/trailing-comma")),
        },
        Shape {
            name: "deep nesting, many times over",
            n: 300,
            make: |n| {
                let deep = format!(r#"{}{{"a":1,"a":2}}{}"#, "[".repeat(60), "]".repeat(60));
                let items = vec![deep; n].join(",");
                format!(r#"{{"schemaVersion":2,"x":[{items}]}}"#)
            },
            check: |r| assert!(has(r, "json/duplicate-key")),
        },
        Shape {
            name: "long escaped strings",
            n: 20_000,
            make: |n| {
                format!(
                    r#"{{"schemaVersion":2,"{k}":1,"{k}":2,"mediaType":"{v}"}}"#,
                    k = r"\u0061\n".repeat(n / 4),
                    v = r"a\/b\u00e9".repeat(n)
                )
            },
            check: |r| assert!(has(r, "json/duplicate-key")),
        },
        Shape {
            name: "a long number as size",
            n: 100_000,
            make: |n| {
                format!(
                    r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{}","size":{}}}]}}"#,
                    digest(1),
                    "9".repeat(n)
                )
            },
            check: |r| assert!(has(r, "descriptor/size-out-of-range")),
        },
    ]
}

#[test]
fn validation_time_is_linear_for_every_hostile_shape() {
    let mut worse = Vec::new();
    for shape in shapes() {
        let small = (shape.make)(shape.n);
        let large = (shape.make)(shape.n * 4);
        for doc in [&small, &large] {
            (shape.check)(&validate(doc.as_bytes(), &ValidateOptions::default()));
        }
        let mut ratios = Vec::new();
        let linear = (0..TRIES).any(|_| {
            let ratio = best_ratio(small.as_bytes(), large.as_bytes());
            ratios.push(ratio);
            ratio <= QUADRATIC_LIKE
        });
        eprintln!("{}: time at 4n / time at n = {ratios:.1?}", shape.name);
        if !linear {
            worse.push(format!(
                "{}: time at 4n / time at n = {ratios:.1?}",
                shape.name
            ));
        }
    }
    assert!(worse.is_empty(), "worse than linear:\n{}", worse.join("\n"));
}
