#![no_main]
//! Any text as a platform specifier: no panic, an error has a `platform/` code, and a parsed
//! platform survives formatting: `parse(format_all(p)) == p`, and `Display` gives its prefix.

use indexsmith::platform;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match platform::parse(text) {
        Ok(p) => {
            let formatted = p.format_all();
            let again = platform::parse(&formatted).unwrap_or_else(|e| panic!("{text:?} -> {formatted:?} does not parse: {e}"));
            assert_eq!(again, p, "{text:?} -> {formatted:?}");
            assert_eq!(again.format_all(), formatted, "formatting is stable");
        }
        Err(e) => assert!(e.code().starts_with("platform/"), "{e:?}"),
    }
});
