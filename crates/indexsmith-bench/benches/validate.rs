//! Native benchmarks: validate + digest, validate alone (no hashing), parse alone and hashing
//! alone, per index size; and validate + digest per findings density.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use indexsmith::json::Document;
use indexsmith::validate::validate_document;
use indexsmith::{validate, ValidateOptions};
use indexsmith_bench::{index, index_of_size, index_with_findings, DENSITIES, SIZES};

fn inputs() -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = SIZES.iter().map(|&n| (n.to_string(), index(n))).collect();
    if std::env::var_os("INDEXSMITH_BENCH_50MB").is_some() {
        v.push(("50mb".to_owned(), index_of_size(50 * 1_000_000)));
    }
    v
}

fn bench_validate(c: &mut Criterion) {
    let options = ValidateOptions::default();
    let mut group = c.benchmark_group("validate");
    for (name, doc) in inputs() {
        group.throughput(Throughput::Bytes(doc.len() as u64));
        if doc.len() > 10_000_000 {
            group.sample_size(10);
        }
        group.bench_with_input(
            BenchmarkId::new("validate+digest", &name),
            &doc,
            |b, doc| b.iter(|| validate(black_box(doc), &options)),
        );
        group.bench_with_input(
            BenchmarkId::new("validate_document", &name),
            &doc,
            |b, doc| b.iter(|| validate_document(black_box(doc), &options)),
        );
        group.bench_with_input(BenchmarkId::new("parse", &name), &doc, |b, doc| {
            b.iter(|| Document::parse(black_box(doc), &options.limits))
        });
        group.bench_with_input(BenchmarkId::new("sha256", &name), &doc, |b, doc| {
            b.iter(|| indexsmith::digest::sha256(black_box(doc)))
        });
    }
    group.finish();
}

/// validate + digest of the 1,000- and 10,000-entry indexes with 1, 10 and 80 findings per 100
/// entries: the cost of reporting findings.
fn bench_findings(c: &mut Criterion) {
    let options = ValidateOptions::default();
    let mut group = c.benchmark_group("findings");
    for entries in [1_000, 10_000] {
        for per_100 in DENSITIES {
            let doc = index_with_findings(entries, per_100);
            group.throughput(Throughput::Bytes(doc.len() as u64));
            group.bench_with_input(
                BenchmarkId::new(format!("validate+digest/{entries}"), per_100),
                &doc,
                |b, doc| b.iter(|| validate(black_box(doc), &options)),
            );
        }
    }
    group.finish();
}

criterion_group!(benches, bench_validate, bench_findings);
criterion_main!(benches);
