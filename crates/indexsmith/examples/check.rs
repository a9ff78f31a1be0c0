//! Validates files and prints their diagnostics: `cargo run --example check -- FILE...`.

fn main() {
    let mut failed = false;
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                failed = true;
                continue;
            }
        };
        let report = indexsmith::validate(&bytes, &indexsmith::ValidateOptions::default());
        println!(
            "{path}: {} {} {} bytes, valid: {}",
            report.kind.map_or("-", |k| k.as_str()),
            report.digest,
            report.size,
            report.valid
        );
        for d in &report.diagnostics {
            println!("  {d}");
        }
        failed |= !report.valid;
    }
    std::process::exit(i32::from(failed));
}
