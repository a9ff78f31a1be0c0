//! Runs `validate_document` on one generated index in a loop, for a profiler:
//! `profile-validate [ENTRIES] [ROUNDS] [FINDINGS_PER_100]` (default 10000 entries, 50 rounds, no
//! findings).

use indexsmith::validate::validate_document;
use indexsmith::ValidateOptions;

fn main() {
    let mut args = std::env::args().skip(1);
    let entries = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50);
    let per_100: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(0);
    let doc = indexsmith_bench::index_with_findings(entries, per_100);
    let start = std::time::Instant::now();
    let options = ValidateOptions::default();
    let mut diagnostics = 0;
    for _ in 0..rounds {
        diagnostics += validate_document(std::hint::black_box(&doc), &options)
            .diagnostics
            .len();
    }
    println!(
        "{entries} entries, {rounds} rounds, {diagnostics} diagnostics, {:?} a round",
        start.elapsed() / rounds as u32
    );
}
