//! Writes the benchmark inputs: `gen-inputs [DIR]` (default `target/bench-inputs`).
//!
//! Files: `index-{10,100,1000,10000}.json`, `index-50mb.json`, and the 1,000- and 10,000-entry
//! indexes with findings, `index-{1000,10000}-f{1,10,80}.json` (findings per 100 entries).

use indexsmith_bench::{index, index_of_size, index_with_findings, DENSITIES, SIZES};
use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "target/bench-inputs".to_owned()),
    );
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("{}: {e}", dir.display());
        std::process::exit(1);
    }
    let mut files: Vec<(String, Vec<u8>)> = SIZES
        .iter()
        .map(|&n| (format!("index-{n}.json"), index(n)))
        .collect();
    files.push(("index-50mb.json".to_owned(), index_of_size(50 * 1_000_000)));
    for entries in [1_000, 10_000] {
        for per_100 in DENSITIES.into_iter().filter(|&d| d > 0) {
            files.push((
                format!("index-{entries}-f{per_100}.json"),
                index_with_findings(entries, per_100),
            ));
        }
    }
    for (name, bytes) in files {
        let path = dir.join(&name);
        if std::fs::read(&path).is_ok_and(|old| old == bytes) {
            println!("{} ({} bytes, unchanged)", path.display(), bytes.len());
            continue;
        }
        if let Err(e) = std::fs::write(&path, &bytes) {
            eprintln!("{}: {e}", path.display());
            std::process::exit(1);
        }
        println!("{} ({} bytes)", path.display(), bytes.len());
    }
}
