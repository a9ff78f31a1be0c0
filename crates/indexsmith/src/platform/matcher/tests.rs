use super::*;
use crate::platform::parse;

fn pl(s: &str) -> Platform {
    parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

/// (requested, candidates that match, candidates that do not). containerd's `TestOnly`, extended.
const ONLY: &[(&str, &[&str], &[&str])] = &[
    (
        "linux/amd64",
        &["linux/amd64", "linux/386", "linux/x86_64", "linux/amd64/v1"],
        &[
            "linux/amd64/v2",
            "linux/arm/v7",
            "linux/arm64",
            "windows/amd64",
            "windows/arm",
        ],
    ),
    (
        "linux/amd64/v2",
        &[
            "linux/amd64",
            "linux/amd64/v1",
            "linux/amd64/v2",
            "linux/386",
        ],
        &[
            "linux/amd64/v3",
            "linux/amd64/v4",
            "linux/arm/v7",
            "linux/arm64",
            "windows/amd64",
            "windows/arm",
        ],
    ),
    (
        "linux/amd64/v4",
        &[
            "linux/amd64/v3",
            "linux/amd64/v2",
            "linux/amd64",
            "linux/386",
        ],
        &["linux/amd64/v5", "linux/arm64"],
    ),
    (
        "linux/386",
        &["linux/386", "linux/i386"],
        &[
            "linux/amd64",
            "linux/arm/v7",
            "linux/arm64",
            "windows/amd64",
            "windows/arm",
        ],
    ),
    (
        "windows/amd64",
        &["windows/amd64", "windows(10.0.17763)/amd64", "windows/386"],
        &["linux/amd64", "linux/arm/v7", "linux/arm64", "windows/arm"],
    ),
    (
        "linux/arm/v8",
        &[
            "linux/arm",
            "linux/arm/v5",
            "linux/arm/v6",
            "linux/arm/v7",
            "linux/arm/v8",
        ],
        &[
            "linux/amd64",
            "linux/arm/v4",
            "linux/arm64",
            "windows/amd64",
            "windows/arm",
        ],
    ),
    (
        "linux/arm/v7",
        &[
            "linux/arm",
            "linux/arm/v5",
            "linux/arm/v6",
            "linux/arm/v7",
            "linux/armhf",
            "linux/armel",
        ],
        &[
            "linux/amd64",
            "linux/arm/v4",
            "linux/arm/v8",
            "linux/arm64",
            "windows/amd64",
            "windows/arm",
        ],
    ),
    (
        "linux/arm",
        &["linux/arm/v7", "linux/arm/v6", "linux/arm/v5"],
        &["linux/arm/v8", "linux/arm64"],
    ),
    (
        "linux/arm/v6",
        &["linux/arm/v5", "linux/arm/v6", "linux/armel"],
        &[
            "linux/amd64",
            "linux/arm",
            "linux/arm/v4",
            "linux/arm/v7",
            "linux/arm/v8",
            "linux/arm64",
            "windows/amd64",
            "windows/arm",
        ],
    ),
    (
        "linux/arm/v5",
        &["linux/arm/v5"],
        &[
            "linux/amd64",
            "linux/arm",
            "linux/arm/v4",
            "linux/arm/v6",
            "linux/arm/v7",
            "linux/arm/v8",
            "linux/arm64",
            "windows/amd64",
            "windows/arm",
        ],
    ),
    (
        "linux/arm/v4",
        &["linux/arm/v4"],
        &[
            "linux/amd64",
            "linux/arm",
            "linux/arm/v5",
            "linux/arm/v6",
            "linux/arm/v7",
            "linux/arm/v8",
            "linux/arm64",
            "windows/amd64",
            "windows/arm",
        ],
    ),
    (
        "linux/arm64",
        &[
            "linux/arm",
            "linux/arm/v5",
            "linux/arm/v6",
            "linux/arm/v7",
            "linux/arm/v8",
            "linux/arm64",
            "linux/arm64/v8",
            "linux/aarch64",
        ],
        &[
            "linux/amd64",
            "linux/arm/v4",
            "linux/arm/v9",
            "linux/arm64/v9",
            "linux/arm64/v8.1",
            "windows/amd64",
            "windows/arm",
        ],
    ),
    (
        "linux/arm64/v8.1",
        &[
            "linux/arm",
            "linux/arm/v5",
            "linux/arm/v6",
            "linux/arm/v7",
            "linux/arm/v8",
            "linux/arm64",
            "linux/arm64/v8",
            "linux/arm64/v8.1",
        ],
        &[
            "linux/amd64",
            "linux/arm/v4",
            "linux/arm/v9",
            "linux/arm64/v8.2",
            "linux/arm64/v9",
            "windows/amd64",
            "windows/arm",
        ],
    ),
    (
        "linux/arm64/v9",
        &[
            "linux/arm",
            "linux/arm/v5",
            "linux/arm/v6",
            "linux/arm/v7",
            "linux/arm/v8",
            "linux/arm64",
            "linux/arm64/v8",
            "linux/arm64/v8.1",
            "linux/arm64/v8.2",
            "linux/arm64/v8.3",
            "linux/arm64/v8.4",
            "linux/arm64/v8.5",
            "linux/arm64/v9",
            "linux/arm64/v9.0",
        ],
        &[
            "linux/amd64",
            "linux/arm/v4",
            "windows/amd64",
            "windows/arm",
            "linux/arm64/v8.6",
            "linux/arm64/v9.1",
            "linux/arm64/v7",
            "linux/arm64/v10",
        ],
    ),
    (
        "linux/arm64/v9.2",
        &[
            "linux/arm64/v9.1",
            "linux/arm64/v9",
            "linux/arm64/v8.7",
            "linux/arm64/v8.1",
            "linux/arm64",
            "linux/arm/v8",
            "linux/arm",
        ],
        &["linux/arm64/v9.3", "linux/arm64/v8.8"],
    ),
    (
        "linux/arm64/v9.5",
        &["linux/arm64/v9.4", "linux/arm64/v8.9", "linux/arm64/v8"],
        &["linux/arm64/v9.6"],
    ),
    (
        "linux/arm64/v10",
        &[
            "linux/arm64/v10",
            "linux/arm/v10",
            "linux/arm/v9",
            "linux/arm/v5",
        ],
        &["linux/arm64/v9", "linux/arm64"],
    ),
    (
        "linux/riscv64",
        &["linux/riscv64"],
        &["linux/riscv64/rva22u64", "linux/amd64"],
    ),
];

/// containerd's `TestOnlyStrict`, extended.
const ONLY_STRICT: &[(&str, &[&str], &[&str])] = &[
    (
        "linux/amd64",
        &["linux/amd64", "linux/x86_64", "linux/amd64/v1"],
        &[
            "linux/386",
            "linux/arm/v7",
            "linux/arm64",
            "windows/amd64",
            "windows/arm",
            "linux/amd64/v2",
        ],
    ),
    (
        "linux/386",
        &["linux/386"],
        &[
            "linux/amd64",
            "linux/arm/v7",
            "linux/arm64",
            "windows/amd64",
            "windows/arm",
        ],
    ),
    (
        "windows/amd64",
        &["windows/amd64", "windows(10.0.17763)/amd64"],
        &["linux/amd64", "linux/arm/v7", "linux/arm64", "windows/arm"],
    ),
    (
        "windows(10.0.17763)/amd64",
        &[
            "windows/amd64",
            "windows(10.0.17763)/amd64",
            "windows(10.0.17763.5830)/amd64",
        ],
        &[
            "linux/amd64",
            "linux/arm/v7",
            "linux/arm64",
            "windows/arm",
            "windows(10.0.20348)/amd64",
        ],
    ),
    (
        "linux/arm/v8",
        &["linux/arm/v8"],
        &[
            "linux/arm",
            "linux/arm/v5",
            "linux/arm/v6",
            "linux/arm/v7",
            "linux/amd64",
            "linux/arm/v4",
            "linux/arm64",
            "windows/amd64",
            "windows/arm",
        ],
    ),
    (
        "linux/arm/v7",
        &["linux/arm", "linux/arm/v7"],
        &[
            "linux/arm/v5",
            "linux/arm/v6",
            "linux/amd64",
            "linux/arm/v4",
            "linux/arm/v8",
            "linux/arm64",
            "windows/amd64",
            "windows/arm",
        ],
    ),
    (
        "linux/arm/v6",
        &["linux/arm/v6"],
        &[
            "linux/arm/v5",
            "linux/amd64",
            "linux/arm",
            "linux/arm/v4",
            "linux/arm/v7",
            "linux/arm/v8",
            "linux/arm64",
            "windows/amd64",
            "windows/arm",
        ],
    ),
    (
        "linux/arm/v5",
        &["linux/arm/v5"],
        &[
            "linux/amd64",
            "linux/arm",
            "linux/arm/v4",
            "linux/arm/v6",
            "linux/arm/v7",
            "linux/arm/v8",
            "linux/arm64",
            "windows/amd64",
            "windows/arm",
        ],
    ),
    (
        "linux/arm/v4",
        &["linux/arm/v4"],
        &[
            "linux/amd64",
            "linux/arm",
            "linux/arm/v5",
            "linux/arm/v6",
            "linux/arm/v7",
            "linux/arm/v8",
            "linux/arm64",
            "windows/amd64",
            "windows/arm",
        ],
    ),
    (
        "linux/arm64/v9",
        &["linux/arm64/v9", "linux/arm64/v9.0"],
        &[
            "linux/arm",
            "linux/arm/v5",
            "linux/arm/v6",
            "linux/arm/v7",
            "linux/arm/v8",
            "linux/amd64",
            "linux/arm/v4",
            "linux/arm/v9",
            "linux/arm64/v8",
            "linux/arm64/v8.1",
            "windows/amd64",
            "windows/arm",
        ],
    ),
    (
        "linux/arm64/v8.1",
        &["linux/arm64/v8.1"],
        &[
            "linux/arm",
            "linux/arm/v5",
            "linux/arm/v6",
            "linux/arm/v7",
            "linux/arm/v8",
            "linux/amd64",
            "linux/arm/v4",
            "linux/arm/v9",
            "linux/arm64/v8",
            "linux/arm64/v9",
            "windows/amd64",
            "windows/arm",
        ],
    ),
    (
        "linux/arm64",
        &["linux/arm64", "linux/arm64/v8", "linux/aarch64"],
        &[
            "linux/arm",
            "linux/arm/v5",
            "linux/arm/v6",
            "linux/arm/v7",
            "linux/arm/v8",
            "linux/amd64",
            "linux/arm/v4",
            "linux/arm/v9",
            "linux/arm64/v9",
            "windows/amd64",
            "windows/arm",
        ],
    ),
];

fn check_table(
    name: &str,
    build: fn(&Platform) -> MatchComparer,
    table: &[(&str, &[&str], &[&str])],
) {
    for (requested, yes, no) in table {
        let m = build(&pl(requested));
        for c in *yes {
            assert!(m.matches(&pl(c)), "{name}({requested}) should match {c}");
        }
        for c in *no {
            assert!(
                !m.matches(&pl(c)),
                "{name}({requested}) should not match {c}"
            );
        }
    }
}

#[test]
fn only_table() {
    check_table("only", only, ONLY);
}

#[test]
fn only_strict_table() {
    check_table("only_strict", only_strict, ONLY_STRICT);
}

#[test]
fn preference_order() {
    // (requested, preferences as formatted by containerd's FormatAll)
    let cases: &[(&str, &[&str])] = &[
        ("linux/amd64", &["linux/amd64", "linux/386"]),
        (
            "linux/amd64/v3",
            &[
                "linux/amd64/v3",
                "linux/amd64/v2",
                "linux/amd64",
                "linux/386",
            ],
        ),
        (
            "linux/arm/v7",
            &["linux/arm/v7", "linux/arm/v6", "linux/arm/v5"],
        ),
        (
            "linux/arm",
            &["linux/arm/v7", "linux/arm/v6", "linux/arm/v5"],
        ),
        ("linux/arm/v5", &["linux/arm/v5"]),
        (
            "linux/arm64",
            &[
                "linux/arm64",
                "linux/arm/v8",
                "linux/arm/v7",
                "linux/arm/v6",
                "linux/arm/v5",
            ],
        ),
        (
            "linux/arm64/v8.2",
            &[
                "linux/arm64/v8.2",
                "linux/arm64/v8.1",
                "linux/arm64",
                "linux/arm/v8",
                "linux/arm/v7",
                "linux/arm/v6",
                "linux/arm/v5",
            ],
        ),
        (
            "linux/arm64/v9.1",
            &[
                "linux/arm64/v9.1",
                "linux/arm64/v9",
                "linux/arm64/v8.6",
                "linux/arm64/v8.5",
                "linux/arm64/v8.4",
                "linux/arm64/v8.3",
                "linux/arm64/v8.2",
                "linux/arm64/v8.1",
                "linux/arm64",
                "linux/arm/v8",
                "linux/arm/v7",
                "linux/arm/v6",
                "linux/arm/v5",
            ],
        ),
        (
            "windows(10.0.20348)/amd64",
            &["windows(10.0.20348)/amd64", "windows(10.0.20348)/386"],
        ),
        ("linux(+gpu)/s390x", &["linux(+gpu)/s390x"]),
        ("linux/arm64/foo", &["linux/arm64/foo", "linux/arm/foo"]),
    ];
    for (requested, expected) in cases {
        let got: Vec<String> = only(&pl(requested))
            .preferences()
            .map(Platform::format_all)
            .collect();
        assert_eq!(got, *expected, "only({requested})");
    }
    let strict: Vec<String> = only_strict(&pl("linux/arm64/v8"))
        .preferences()
        .map(Platform::format_all)
        .collect();
    assert_eq!(strict, ["linux/arm64"], "only_strict normalizes");
}

#[test]
fn huge_variant_levels_do_not_explode() {
    assert_eq!(
        only(&pl("linux/amd64/v999999999999")).preferences().count(),
        1 + MAX_EXPANDED_LEVEL as usize + 1
    );
    assert!(
        only(&pl("linux/arm/v99999999999999999999999"))
            .preferences()
            .count()
            == 1,
        "overflowing level is no level"
    );
}

#[test]
fn rank_and_less() {
    // (requested, a, b, a preferred to b, b preferred to a)
    let cases: &[(&str, &str, &str, bool, bool)] = &[
        ("linux/amd64", "linux/amd64", "linux/386", true, false),
        ("linux/amd64", "linux/386", "linux/amd64", false, true),
        ("linux/amd64", "linux/386", "linux/arm64", true, false),
        ("linux/amd64", "linux/amd64", "linux/amd64", false, false),
        (
            "linux/amd64/v3",
            "linux/amd64/v2",
            "linux/amd64",
            true,
            false,
        ),
        ("linux/arm64", "linux/arm/v7", "linux/arm/v8", false, true),
        ("linux/arm64", "linux/arm64/v8", "linux/arm64", false, false),
        ("linux/arm/v7", "linux/arm", "linux/arm/v6", true, false),
        ("linux/s390x", "linux/arm64", "linux/amd64", false, false),
        // More features first among equally ranked matches.
        (
            "linux(+a+b)/amd64",
            "linux(+a+b)/amd64",
            "linux(+a)/amd64",
            true,
            false,
        ),
        (
            "linux(+a+b)/amd64",
            "linux/amd64",
            "linux(+b)/amd64",
            false,
            true,
        ),
        (
            "linux(+a+b)/amd64",
            "linux(+a+b)/386",
            "linux/amd64",
            false,
            true,
        ),
        // Neither matches: compare again without features.
        (
            "linux/amd64",
            "linux(+x)/amd64",
            "linux(+y)/386",
            true,
            false,
        ),
    ];
    for (requested, a, b, ab, ba) in cases {
        let m = only(&pl(requested));
        assert_eq!(m.less(&pl(a), &pl(b)), *ab, "only({requested}): {a} < {b}");
        assert_eq!(m.less(&pl(b), &pl(a)), *ba, "only({requested}): {b} < {a}");
    }
    let m = only(&pl("linux/arm64/v8.2"));
    let ranks: Vec<Option<usize>> = [
        "linux/arm64/v8.2",
        "linux/arm64/v8.1",
        "linux/arm64/v8",
        "linux/arm/v8",
        "linux/arm/v5",
        "linux/amd64",
    ]
    .iter()
    .map(|c| m.rank(&pl(c)))
    .collect();
    assert_eq!(ranks, [Some(0), Some(1), Some(2), Some(3), Some(6), None]);
}

#[test]
fn os_features_are_a_subset_rule() {
    // (matcher, candidate, matches)
    let cases: &[(&str, &str, bool)] = &[
        ("linux(+a+b)/amd64", "linux/amd64", true),
        ("linux(+a+b)/amd64", "linux(+a)/amd64", true),
        ("linux(+a+b)/amd64", "linux(+b+a)/amd64", true),
        ("linux(+a+b)/amd64", "linux(+a+a)/amd64", true),
        ("linux(+a+b)/amd64", "linux(+c)/amd64", false),
        ("linux(+a+b)/amd64", "linux(+a+b+c)/amd64", false),
        ("linux/amd64", "linux(+gpu)/amd64", false),
        // win32k on a Windows candidate is ignored (containerd windowsStripFeaturesMatcher).
        ("windows/amd64", "windows(+win32k)/amd64", true),
        ("windows/amd64", "windows(10.0.20348+win32k)/amd64", true),
        ("windows/amd64", "windows(+other)/amd64", false),
        ("linux/amd64", "linux(+win32k)/amd64", false),
        // os.version is only compared for Windows.
        ("linux(5.15)/amd64", "linux(6.1)/amd64", true),
        (
            "windows(10.0.20348)/amd64",
            "windows(10.0.17763.1)/amd64",
            false,
        ),
        (
            "windows(10.0.26100)/amd64",
            "windows(10.0.20348.1)/amd64",
            true,
        ),
    ];
    for (matcher, candidate, expected) in cases {
        let m = PlatformMatcher::new(&pl(matcher));
        assert_eq!(
            m.matches(&pl(candidate)),
            *expected,
            "{matcher} vs {candidate}"
        );
    }
}

#[test]
fn matcher_checks_windows_version_only_for_windows_as_given() {
    // containerd decides on the OS as given, before normalization.
    let mut upper = Platform::new("Windows", "amd64").with_os_version("10.0.20348");
    let m = PlatformMatcher::new(&upper);
    assert!(m.matches(&Platform::new("windows", "amd64").with_os_version("10.0.17763")));
    upper.os = "windows".into();
    assert!(!PlatformMatcher::new(&upper)
        .matches(&Platform::new("windows", "amd64").with_os_version("10.0.17763")));
}
