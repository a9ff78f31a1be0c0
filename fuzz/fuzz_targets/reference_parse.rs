#![no_main]
//! Any text as an image reference: no panic, and a parsed reference survives formatting, for
//! both the grammar-only parser and the normalizing one: `parse(format(r)) == r`.

use indexsmith::reference::{parse_grammar, parse_normalized};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(r) = parse_grammar(text) {
        let formatted = r.to_string();
        let again = parse_grammar(&formatted)
            .unwrap_or_else(|e| panic!("{text:?} -> {formatted:?} does not parse: {e}"));
        assert_eq!(again, r, "{text:?} -> {formatted:?}");
    }
    if let Ok(r) = parse_normalized(text) {
        let formatted = r.to_string();
        let again = parse_normalized(&formatted)
            .unwrap_or_else(|e| panic!("{text:?} -> {formatted:?} does not parse: {e}"));
        assert_eq!(again, r, "{text:?} -> {formatted:?}");
        assert_eq!(again.to_string(), formatted, "formatting is stable");
    }
});
