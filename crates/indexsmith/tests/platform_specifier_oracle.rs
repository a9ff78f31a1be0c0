//! The hand-written OS component parser checked against containerd's expressions
//! (`platforms.go`): `osRe` for the first component, `specifierRe` for the others.

use indexsmith::platform::{parse, ParsePlatformError};
use proptest::prelude::*;
use regex::Regex;
use std::sync::OnceLock;

fn os_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^([A-Za-z0-9_-]+)(?:\(([A-Za-z0-9_.%-]*)((?:\+[A-Za-z0-9_.%-]+)*)\))?$")
            .unwrap()
    })
}

fn specifier_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^[A-Za-z0-9_.-]+$").unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn os_component_agrees_with_os_re(os in "[a-cA-C0-9_.%+()/ -]{0,14}") {
        prop_assume!(!os.contains('/'));
        let result = parse(&format!("{os}/amd64"));
        let refused = matches!(result, Err(ParsePlatformError::InvalidOsComponent { .. } | ParsePlatformError::Empty));
        prop_assert_eq!(!refused, os_re().is_match(&os), "{:?} -> {:?}", os, result);
        if let (Ok(platform), Some(caps)) = (&result, os_re().captures(&os)) {
            prop_assert_eq!(&platform.os, &caps[1].to_ascii_lowercase());
            let version = caps.get(2).map_or("", |m| m.as_str());
            if !version.contains('%') {
                prop_assert_eq!(platform.os_version.as_deref().unwrap_or(""), version);
            }
        }
    }

    #[test]
    fn other_components_agree_with_specifier_re(arch in "[a-c0-9_.%+()/ -]{0,8}", variant in "[a-c0-9_.%+() -]{0,8}") {
        prop_assume!(!arch.contains('/'));
        let result = parse(&format!("linux/{arch}/{variant}"));
        let valid = specifier_re().is_match(&arch) && specifier_re().is_match(&variant);
        prop_assert_eq!(result.is_ok(), valid, "{:?}/{:?} -> {:?}", arch, variant, result);
    }
}
