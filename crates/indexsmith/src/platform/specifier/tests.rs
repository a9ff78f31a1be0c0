use super::*;
use proptest::prelude::*;

fn p(os: &str, arch: &str, variant: &str) -> Platform {
    let mut p = Platform::new(os, arch);
    if !variant.is_empty() {
        p = p.with_variant(variant);
    }
    p
}

/// Stands in for "the host" of containerd's tests: a linux/arm64 machine.
fn defaults() -> Platform {
    p("linux", "arm64", "")
}

struct Case {
    name: &'static str,
    input: &'static str,
    expected: Platform,
    /// containerd `Format` of the result (Display), or `FormatAll` when `all` is set.
    formatted: &'static str,
    all: bool,
}

fn cases() -> Vec<Case> {
    let c = |name, input, expected, formatted| Case {
        name,
        input,
        expected,
        formatted,
        all: false,
    };
    let a = |name, input, expected, formatted| Case {
        name,
        input,
        expected,
        formatted,
        all: true,
    };
    vec![
        c(
            "os/arch",
            "linux/amd64",
            p("linux", "amd64", ""),
            "linux/amd64",
        ),
        c(
            "arm64 no variant",
            "linux/arm64",
            p("linux", "arm64", ""),
            "linux/arm64",
        ),
        c(
            "arm64 explicit v8 is kept",
            "linux/arm64/v8",
            p("linux", "arm64", "v8"),
            "linux/arm64/v8",
        ),
        c(
            "arm64 explicit v8.0 becomes v8",
            "linux/arm64/v8.0",
            p("linux", "arm64", "v8"),
            "linux/arm64/v8",
        ),
        c(
            "arm64 explicit 8 becomes v8",
            "linux/arm64/8",
            p("linux", "arm64", "v8"),
            "linux/arm64/v8",
        ),
        c(
            "aarch64 with v8",
            "linux/aarch64/v8",
            p("linux", "arm64", "v8"),
            "linux/arm64/v8",
        ),
        c(
            "arm64 v9.0 becomes v9",
            "linux/arm64/v9.0",
            p("linux", "arm64", "v9"),
            "linux/arm64/v9",
        ),
        c(
            "arm64 v8.2 kept",
            "linux/arm64/v8.2",
            p("linux", "arm64", "v8.2"),
            "linux/arm64/v8.2",
        ),
        c(
            "arm without variant stays bare",
            "linux/arm",
            p("linux", "arm", ""),
            "linux/arm",
        ),
        c(
            "arm v6",
            "linux/arm/v6",
            p("linux", "arm", "v6"),
            "linux/arm/v6",
        ),
        c(
            "arm explicit v7 is kept",
            "linux/arm/v7",
            p("linux", "arm", "v7"),
            "linux/arm/v7",
        ),
        c(
            "arm 7 becomes v7",
            "linux/arm/7",
            p("linux", "arm", "v7"),
            "linux/arm/v7",
        ),
        c(
            "armhf is arm (v7 implied)",
            "linux/armhf",
            p("linux", "arm", ""),
            "linux/arm",
        ),
        c(
            "armel is arm/v6",
            "linux/armel",
            p("linux", "arm", "v6"),
            "linux/arm/v6",
        ),
        c(
            "Linux/x86_64",
            "Linux/x86_64",
            p("linux", "amd64", ""),
            "linux/amd64",
        ),
        c(
            "x86-64",
            "linux/x86-64",
            p("linux", "amd64", ""),
            "linux/amd64",
        ),
        c(
            "amd64 v1 dropped",
            "linux/amd64/v1",
            p("linux", "amd64", ""),
            "linux/amd64",
        ),
        c(
            "amd64 v3 kept",
            "linux/amd64/v3",
            p("linux", "amd64", "v3"),
            "linux/amd64/v3",
        ),
        c("i386", "linux/i386", p("linux", "386", ""), "linux/386"),
        c(
            "macos",
            "macos/arm64",
            p("darwin", "arm64", ""),
            "darwin/arm64",
        ),
        c(
            "s390x",
            "linux/s390x",
            p("linux", "s390x", ""),
            "linux/s390x",
        ),
        c(
            "unknown os kept",
            "plan10/amd64",
            p("plan10", "amd64", ""),
            "plan10/amd64",
        ),
        c(
            "unknown arch kept with os",
            "linux/foo",
            p("linux", "foo", ""),
            "linux/foo",
        ),
        // Single components take the missing part from the defaults (containerd: the host).
        c("only arch arm", "arm", p("linux", "arm", ""), "linux/arm"),
        c(
            "only arch armel",
            "armel",
            p("linux", "arm", "v6"),
            "linux/arm/v6",
        ),
        c(
            "only arch armhf",
            "armhf",
            p("linux", "arm", ""),
            "linux/arm",
        ),
        c(
            "only arch Aarch64",
            "Aarch64",
            p("linux", "arm64", ""),
            "linux/arm64",
        ),
        c(
            "only arch x86_64",
            "x86_64",
            p("linux", "amd64", ""),
            "linux/amd64",
        ),
        c("only arch i386", "i386", p("linux", "386", ""), "linux/386"),
        c(
            "only arch s390x",
            "s390x",
            p("linux", "s390x", ""),
            "linux/s390x",
        ),
        c(
            "only os linux",
            "linux",
            p("linux", "arm64", ""),
            "linux/arm64",
        ),
        c(
            "only os macOS",
            "macOS",
            p("darwin", "arm64", ""),
            "darwin/arm64",
        ),
        c(
            "only os windows",
            "windows",
            p("windows", "arm64", ""),
            "windows/arm64",
        ),
        a(
            "empty parentheses",
            "windows()",
            p("windows", "arm64", ""),
            "windows/arm64",
        ),
        a(
            "os.version",
            "windows(10.0.17763)",
            p("windows", "arm64", "").with_os_version("10.0.17763"),
            "windows(10.0.17763)/arm64",
        ),
        a(
            "os.version and feature",
            "windows(10.0.17763+win32k)/amd64",
            p("windows", "amd64", "")
                .with_os_version("10.0.17763")
                .with_os_features(vec!["win32k".into()]),
            "windows(10.0.17763+win32k)/amd64",
        ),
        a(
            "feature only",
            "linux(+gpu)/amd64",
            p("linux", "amd64", "").with_os_features(vec!["gpu".into()]),
            "linux(+gpu)/amd64",
        ),
        a(
            "two features",
            "linux(+gpu+simd)/amd64",
            p("linux", "amd64", "").with_os_features(vec!["gpu".into(), "simd".into()]),
            "linux(+gpu+simd)/amd64",
        ),
        a(
            "features keep input order, format sorts",
            "linux(+unsorted+erofs)/amd64",
            p("linux", "amd64", "").with_os_features(vec!["unsorted".into(), "erofs".into()]),
            "linux(+erofs+unsorted)/amd64",
        ),
        a(
            "percent-encoded plus in version",
            "windows(10.0.17763%2Bbuild.42)/amd64",
            p("windows", "amd64", "").with_os_version("10.0.17763+build.42"),
            "windows(10.0.17763%2Bbuild.42)/amd64",
        ),
        a(
            "percent-encoded version and feature",
            "windows(10.0.17763%2Bbuild.42+win32k)/amd64",
            p("windows", "amd64", "")
                .with_os_version("10.0.17763+build.42")
                .with_os_features(vec!["win32k".into()]),
            "windows(10.0.17763%2Bbuild.42+win32k)/amd64",
        ),
        a(
            "percent sign",
            "windows(50%25done)/amd64",
            p("windows", "amd64", "").with_os_version("50%done"),
            "windows(50%25done)/amd64",
        ),
        a(
            "lowercase escape accepted",
            "windows(a%2fb)/amd64",
            p("windows", "amd64", "").with_os_version("a/b"),
            "windows(a%2Fb)/amd64",
        ),
        a(
            "needless escape decoded",
            "windows(10%2e0)/amd64",
            p("windows", "amd64", "").with_os_version("10.0"),
            "windows(10.0)/amd64",
        ),
        a(
            "colon in version stays escaped",
            "windows(10%3A0)/amd64",
            p("windows", "amd64", "").with_os_version("10:0"),
            "windows(10%3A0)/amd64",
        ),
        a(
            "non-ascii version",
            "linux(%C3%A9t%C3%A9)/amd64",
            p("linux", "amd64", "").with_os_version("\u{e9}t\u{e9}"),
            "linux(%C3%A9t%C3%A9)/amd64",
        ),
        a(
            "version with variant",
            "windows(10.0.17763)/arm/v7",
            p("windows", "arm", "v7").with_os_version("10.0.17763"),
            "windows(10.0.17763)/arm/v7",
        ),
        // The app's form.
        a(
            "colon os.version",
            "windows/amd64:10.0.20348",
            p("windows", "amd64", "").with_os_version("10.0.20348"),
            "windows(10.0.20348)/amd64",
        ),
        a(
            "colon os.version with variant",
            "windows/arm64/v8:10.0.26100.1",
            p("windows", "arm64", "v8").with_os_version("10.0.26100.1"),
            "windows(10.0.26100.1)/arm64/v8",
        ),
        a(
            "colon os.version with features in parentheses",
            "windows(+win32k)/amd64:10.0.20348",
            p("windows", "amd64", "")
                .with_os_version("10.0.20348")
                .with_os_features(vec!["win32k".into()]),
            "windows(10.0.20348+win32k)/amd64",
        ),
        a(
            "colon os.version on os only",
            "windows:10.0.20348",
            p("windows", "arm64", "").with_os_version("10.0.20348"),
            "windows(10.0.20348)/arm64",
        ),
    ]
}

#[test]
fn parse_table() {
    for case in cases() {
        let got = parse_with_defaults(case.input, &defaults())
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(got, case.expected, "{}: parsed", case.name);
        let formatted = if case.all {
            got.format_all()
        } else {
            got.to_string()
        };
        assert_eq!(formatted, case.formatted, "{}: formatted", case.name);
        // containerd: "re-parse the formatted output and ensure we are stable".
        let reparsed = parse(&formatted)
            .unwrap_or_else(|e| panic!("{}: reparse {formatted:?}: {e}", case.name));
        let reformatted = if case.all {
            reparsed.format_all()
        } else {
            reparsed.to_string()
        };
        assert_eq!(reformatted, formatted, "{}: round trip", case.name);
    }
}

#[test]
fn parse_without_defaults_needs_both_parts() {
    use ParsePlatformError::*;
    let cases: &[(&str, &str, ParsePlatformError)] = &[
        ("os only", "linux", MissingArchitecture("linux".into())),
        (
            "os only normalized",
            "macOS",
            MissingArchitecture("darwin".into()),
        ),
        (
            "os with version only",
            "windows(10.0.17763)",
            MissingArchitecture("windows".into()),
        ),
        ("arch only", "arm64", MissingOs("arm64".into())),
        ("arch only normalized", "x86_64", MissingOs("amd64".into())),
        ("armhf only", "armhf", MissingOs("arm".into())),
        // wasip1 is a GOOS but not in containerd's list, so containerd treats it as an architecture.
        (
            "wasip1 is not in containerd's list",
            "wasip1",
            UnknownOsOrArchitecture("wasip1".into()),
        ),
    ];
    for (name, input, expected) in cases {
        assert_eq!(parse(input).as_ref(), Err(expected), "{name}");
        assert_eq!(
            input.parse::<Platform>().as_ref(),
            Err(expected),
            "{name}: FromStr"
        );
    }
}

#[test]
fn defaults_follow_containerd_host_rules() {
    let cases: &[(&str, &str, Platform, &str)] = &[
        (
            "arm host v7 gives no variant",
            "linux",
            p("linux", "arm", "v7"),
            "linux/arm",
        ),
        (
            "arm host v6 keeps variant",
            "linux",
            p("linux", "arm", "v6"),
            "linux/arm/v6",
        ),
        (
            "arm64 host variant not used",
            "linux",
            p("linux", "arm64", "v8"),
            "linux/arm64",
        ),
        (
            "amd64 host variant not used",
            "windows",
            p("windows", "amd64", "v3"),
            "windows/amd64",
        ),
        (
            "arch only takes only the os",
            "amd64",
            p("darwin", "arm64", "v8").with_os_version("1"),
            "darwin/amd64",
        ),
    ];
    for (name, input, host, expected) in cases {
        let got = parse_with_defaults(input, host).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(got.format_all(), *expected, "{name}");
    }
}

#[test]
fn parse_rejects() {
    // (name, input, code)
    let cases: &[(&str, &str, &str)] = &[
        ("empty", "", "platform/empty"),
        (
            "leading slash",
            "/linux/arm",
            "platform/invalid-os-component",
        ),
        ("trailing slash", "linux/arm/", "platform/invalid-component"),
        ("empty middle", "linux//arm", "platform/invalid-component"),
        ("space", "linux /arm", "platform/invalid-os-component"),
        (
            "invalid character",
            "linux/&arm",
            "platform/invalid-component",
        ),
        (
            "too many components",
            "linux/arm/foo/bar",
            "platform/too-many-components",
        ),
        (
            "way too many components",
            "linux/arm/foo/bar/baz",
            "platform/invalid-component",
        ),
        ("wildcard", "linux/*", "platform/wildcard"),
        ("wildcard os", "*", "platform/wildcard"),
        (
            "dot in os",
            "linux.x/amd64",
            "platform/invalid-os-component",
        ),
        (
            "unclosed parenthesis",
            "windows(10.0/amd64",
            "platform/invalid-os-component",
        ),
        (
            "parenthesis in version",
            "windows(1(0))/amd64",
            "platform/invalid-os-component",
        ),
        (
            "empty feature",
            "linux(+)/amd64",
            "platform/invalid-os-component",
        ),
        (
            "double plus",
            "linux(+a++b)/amd64",
            "platform/invalid-os-component",
        ),
        (
            "space in version",
            "windows(10 0)/amd64",
            "platform/invalid-os-component",
        ),
        (
            "bad escape",
            "windows(10%zz)/amd64",
            "platform/invalid-escape",
        ),
        (
            "short escape",
            "windows(10%2)/amd64",
            "platform/invalid-escape",
        ),
        (
            "escape to invalid utf-8",
            "windows(%ff)/amd64",
            "platform/invalid-escape",
        ),
        (
            "bad feature escape",
            "linux(+a%)/amd64",
            "platform/invalid-escape",
        ),
        (
            "unknown single component",
            "foo",
            "platform/unknown-os-or-architecture",
        ),
        (
            "arch with parentheses",
            "amd64(1)",
            "platform/unknown-os-or-architecture",
        ),
        (
            "os only without defaults",
            "linux",
            "platform/missing-architecture",
        ),
        ("arch only without defaults", "arm64", "platform/missing-os"),
        (
            "empty colon version",
            "windows/amd64:",
            "platform/invalid-os-version",
        ),
        (
            "bad colon version",
            "windows/amd64:10 0",
            "platform/invalid-os-version",
        ),
        (
            "two colons",
            "windows/amd64:10:0",
            "platform/invalid-os-version",
        ),
        (
            "version twice",
            "windows(10.0.1)/amd64:10.0.1",
            "platform/conflicting-os-version",
        ),
        ("colon only", ":10.0", "platform/invalid-os-component"),
    ];
    for (name, input, code) in cases {
        match parse(input) {
            Ok(p) => panic!("{name}: {input:?} parsed as {p:?}"),
            Err(e) => {
                assert_eq!(e.code(), *code, "{name}: {e}");
                assert!(!e.to_string().is_empty(), "{name}: message");
            }
        }
    }
}

#[test]
fn large_inputs_from_containerd_benchmarks() {
    // containerd BenchmarkParseOSOptions inputs: they must finish quickly and decide correctly.
    let lengthy = format!("linux(+{})/amd64", vec!["feature"; 16].join("+"));
    assert_eq!(
        parse(&lengthy).map(|p| p.os_features.len()),
        Ok(16),
        "lengthy features"
    );
    let plus_chain = format!("linux({})/amd64", "+".repeat(64 * 1024));
    assert_eq!(
        parse(&plus_chain).map_err(|e| e.code()),
        Err("platform/invalid-os-component"),
        "exploding plus chain"
    );
    let blob = format!("linux(+CONFIG_{}BAR)/amd64", "FOO=y_".repeat(16 * 1024));
    assert_eq!(
        parse(&blob).map_err(|e| e.code()),
        Err("platform/invalid-os-component"),
        "'=' is not an option character"
    );
    let long_version = format!("windows({})/amd64", "1.".repeat(50_000));
    assert_eq!(
        parse(&long_version).map(|p| p.os_version.map(|v| v.len())),
        Ok(Some(100_000)),
        "long os.version"
    );
}

#[test]
fn error_offsets_locate_the_component() {
    let cases: &[(&str, &str, usize)] = &[
        ("third component", "linux/arm/&", 10),
        ("second component", "linux/a b", 6),
        ("feature escape", "linux(+ok+b%z)/amd64", 10),
        ("version escape", "windows(%)/amd64", 8),
        ("colon version", "linux/amd64:!", 12),
    ];
    for (name, input, offset) in cases {
        let e = parse(input).expect_err(name);
        let got = match e {
            ParsePlatformError::InvalidComponent { offset, .. }
            | ParsePlatformError::InvalidEscape { offset, .. }
            | ParsePlatformError::InvalidOsVersion { offset, .. } => offset,
            other => panic!("{name}: unexpected {other:?}"),
        };
        assert_eq!(got, *offset, "{name}");
    }
}

#[test]
fn format_all_encoding() {
    let cases: &[(&str, Platform, &str)] = &[
        (
            "plus in version",
            p("windows", "amd64", "").with_os_version("10.0.17763+build.42"),
            "windows(10.0.17763%2Bbuild.42)/amd64",
        ),
        (
            "percent",
            p("windows", "amd64", "").with_os_version("50%done"),
            "windows(50%25done)/amd64",
        ),
        (
            "parentheses",
            p("windows", "amd64", "").with_os_version("1.0(beta)"),
            "windows(1.0%28beta%29)/amd64",
        ),
        (
            "slash",
            p("windows", "amd64", "").with_os_version("a/b"),
            "windows(a%2Fb)/amd64",
        ),
        (
            "plain",
            p("windows", "amd64", "").with_os_version("10.0.17763"),
            "windows(10.0.17763)/amd64",
        ),
        (
            "plus in feature",
            p("linux", "amd64", "").with_os_features(vec!["feat+v2".into()]),
            "linux(+feat%2Bv2)/amd64",
        ),
        (
            "percent in feature",
            p("linux", "amd64", "").with_os_features(vec!["100%gpu".into()]),
            "linux(+100%25gpu)/amd64",
        ),
        (
            "both encoded",
            p("windows", "amd64", "")
                .with_os_version("10.0+build")
                .with_os_features(vec!["feat+1".into()]),
            "windows(10.0%2Bbuild+feat%2B1)/amd64",
        ),
        (
            "empty and duplicate features skipped",
            p("linux", "amd64", "").with_os_features(vec![
                "".into(),
                "simd".into(),
                "gpu".into(),
                "".into(),
                "gpu".into(),
            ]),
            "linux(+gpu+simd)/amd64",
        ),
        (
            "only empty features",
            p("linux", "amd64", "").with_os_features(vec!["".into()]),
            "linux/amd64",
        ),
        ("empty os", p("", "amd64", ""), "unknown"),
        ("variant", p("linux", "arm", "v7"), "linux/arm/v7"),
    ];
    for (name, platform, expected) in cases {
        let formatted = platform.format_all();
        assert_eq!(formatted, *expected, "{name}");
        if platform.os.is_empty() {
            continue;
        }
        let reparsed = parse(&formatted).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            reparsed.os_version, platform.os_version,
            "{name}: os.version round trip"
        );
        let mut want: Vec<String> = platform
            .os_features
            .iter()
            .filter(|f| !f.is_empty())
            .cloned()
            .collect();
        want.sort();
        want.dedup();
        assert_eq!(reparsed.os_features, want, "{name}: os.features round trip");
    }
}

fn arb_platform() -> impl Strategy<Value = Platform> {
    let os = prop::sample::select(vec![
        "linux", "windows", "darwin", "freebsd", "plan10", "a-b_c",
    ]);
    let arch_variant = prop::sample::select(vec![
        ("amd64", ""),
        ("amd64", "v2"),
        ("amd64", "v4"),
        ("arm64", ""),
        ("arm64", "v8"),
        ("arm64", "v8.3"),
        ("arm64", "v9"),
        ("arm", ""),
        ("arm", "v5"),
        ("arm", "v6"),
        ("arm", "v7"),
        ("arm", "v8"),
        ("386", ""),
        ("riscv64", "rva22u64"),
        ("ppc64le", ""),
        ("s390x", ""),
        ("mips64le", "hardfloat"),
        ("foo.bar", "x_y-z"),
    ]);
    // Any printable text for os.version and features: the encoding must carry it through.
    let version = prop::option::of("[^\\p{C}]{1,12}");
    let features = prop::collection::btree_set("[^\\p{C}]{1,8}", 0..4);
    (os, arch_variant, version, features).prop_map(|(os, (arch, variant), version, features)| {
        let mut p = p(os, arch, variant);
        p.os_version = version;
        p.os_features = features.into_iter().collect();
        p
    })
}

proptest! {
    #[test]
    fn format_all_then_parse_is_identity(platform in arb_platform()) {
        let text = platform.format_all();
        let parsed = parse(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
        prop_assert_eq!(&parsed, &platform, "{}", text);
        prop_assert_eq!(parsed.format_all(), text);
    }

    #[test]
    fn display_then_parse_is_identity_without_os_options(platform in arb_platform()) {
        let mut platform = platform;
        platform.os_version = None;
        platform.os_features.clear();
        let text = platform.to_string();
        prop_assert_eq!(parse(&text).ok(), Some(platform));
    }

    #[test]
    fn arbitrary_input_never_panics_and_reformats_stably(s in "\\PC{0,40}") {
        if let Ok(platform) = parse_with_defaults(&s, &defaults()) {
            prop_assert!(!platform.os.is_empty() && !platform.architecture.is_empty(), "{:?}", s);
            let text = platform.format_all();
            let again = parse(&text).map_err(|e| TestCaseError::fail(format!("{s:?} -> {text:?}: {e}")))?;
            prop_assert_eq!(again.format_all(), text);
        }
    }

    #[test]
    fn specifier_shaped_input_never_panics(s in "[a-zA-Z0-9_.%+()/:*-]{0,30}") {
        match parse(&s) {
            Ok(platform) => prop_assert_eq!(parse(&platform.format_all()).ok(), Some(platform.normalize_for_reparse())),
            Err(e) => prop_assert!(e.code().starts_with("platform/")),
        }
    }
}

impl Platform {
    /// What a formatted platform parses back to: features sorted, deduplicated, without empties.
    fn normalize_for_reparse(&self) -> Platform {
        let mut p = self.clone();
        p.os_features.retain(|f| !f.is_empty());
        p.os_features.sort();
        p.os_features.dedup();
        p
    }
}
