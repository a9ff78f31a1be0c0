#![no_main]
//! Any bytes through `validate`: no panic, and the report's invariants hold.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let report = indexsmith::validate(data, &indexsmith::ValidateOptions::default());
    indexsmith_fuzz::check_report(data, &report);
});
