//! Native benchmarks of composition: `edit_index` on a 1,000-entry index with a platform edit
//! and an annotation (parse, edit, write, validate and digest the result).

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use indexsmith::compose::{edit_index, Edit};
use indexsmith::Platform;

fn bench_edit(c: &mut Criterion) {
    let doc = indexsmith_bench::index(1_000);
    let edits = [
        Edit::SetPlatform {
            index: 0,
            platform: Some(Platform::new("linux", "amd64").with_variant("v2")),
        },
        Edit::Annotate {
            entry: Some(1),
            key: "org.opencontainers.image.title".to_owned(),
            value: Some("edited".to_owned()),
        },
    ];
    // The edit must succeed, or the benchmark would time an error path.
    let composed = edit_index(&doc, &edits, None).expect("the generated index is editable");
    assert!(composed.bytes.len() > doc.len(), "the edits add bytes");
    let mut group = c.benchmark_group("compose");
    group.throughput(Throughput::Bytes(doc.len() as u64));
    group.bench_function(criterion::BenchmarkId::new("edit_index", 1000), |b| {
        b.iter(|| edit_index(black_box(&doc), &edits, None))
    });
    group.finish();
}

criterion_group!(benches, bench_edit);
criterion_main!(benches);
