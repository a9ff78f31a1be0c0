//! Round trips of the text parsers through their formatters, `parse(format(x)) == x`, including
//! the inputs fuzzing found.

use indexsmith::platform;
use indexsmith::reference::{parse_grammar, parse_normalized};

#[test]
fn platforms_survive_format_all() {
    let cases = [
        ("plain", "linux/amd64"),
        ("variant", "linux/arm/v7"),
        ("arm64 v8 kept", "linux/arm64/v8"),
        ("os.version", "windows(10.0.17763)/amd64"),
        ("os.version and feature", "windows(10.0.17763+win32k)/amd64"),
        ("feature only", "linux(+gpu)/amd64"),
        // Found by fuzzing: features written out of order come back sorted. They are a set
        // (containerd's FormatAll sorts them), so the platform is the same up to their order.
        ("features out of order", "windows(10.0.17763+win+2k)/amd64"),
        ("duplicate features", "linux(+b+a+b)/amd64"),
        ("percent-encoded version", "windows(10%2E0)/amd64"),
        ("version after colon", "windows/amd64:10.0.20348"),
    ];
    for (name, text) in cases {
        let p = platform::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let formatted = p.format_all();
        let again =
            platform::parse(&formatted).unwrap_or_else(|e| panic!("{name}: {formatted:?}: {e}"));
        let mut features = p.os_features.clone();
        features.sort();
        features.dedup();
        assert_eq!(
            again.os_features, features,
            "{name}: features as a sorted set"
        );
        assert_eq!(
            (
                &again.os,
                &again.architecture,
                &again.variant,
                &again.os_version
            ),
            (&p.os, &p.architecture, &p.variant, &p.os_version),
            "{name}"
        );
        assert_eq!(
            again.format_all(),
            formatted,
            "{name}: formatting is stable"
        );
    }
}

#[test]
fn references_survive_display() {
    let cases = [
        ("short name", "ubuntu"),
        ("tag", "ubuntu:24.04"),
        ("digest", "library/ubuntu@sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f"),
        ("registry with port", "localhost:5000/a/b:c"),
        ("ipv6 registry", "[::1]:5000/x"),
        ("tag and digest", "docker.io/library/alpine:3.20@sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f"),
    ];
    for (name, text) in cases {
        let r = parse_normalized(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            parse_normalized(&r.to_string()).as_ref(),
            Ok(&r),
            "{name}: normalized"
        );
        if let Ok(g) = parse_grammar(text) {
            assert_eq!(
                parse_grammar(&g.to_string()).as_ref(),
                Ok(&g),
                "{name}: grammar"
            );
        }
    }
}
