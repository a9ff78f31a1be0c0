#![no_main]
//! Any text as a platform specifier: no panic, an error has a `platform/` code, and a parsed
//! platform survives formatting: `parse(format_all(p)) == p` (features compared as a set), and
//! formatting is stable.

use indexsmith::platform;
use libfuzzer_sys::fuzz_target;

fn with_feature_set(mut p: indexsmith::Platform) -> indexsmith::Platform {
    p.os_features.sort();
    p.os_features.dedup();
    p.os_features.retain(|f| !f.is_empty());
    p
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match platform::parse(text) {
        Ok(p) => {
            let formatted = p.format_all();
            let again = platform::parse(&formatted)
                .unwrap_or_else(|e| panic!("{text:?} -> {formatted:?} does not parse: {e}"));
            // `os.features` is a set: `format_all` writes it sorted and without duplicates, as
            // containerd's `FormatAll` does, while `parse` keeps the written order.
            assert_eq!(
                with_feature_set(again.clone()),
                with_feature_set(p),
                "{text:?} -> {formatted:?}"
            );
            assert_eq!(again.format_all(), formatted, "formatting is stable");
        }
        Err(e) => assert!(e.code().starts_with("platform/"), "{e:?}"),
    }
});
