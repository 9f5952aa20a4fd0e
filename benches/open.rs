//! Opening the 10 MB document: read + decode + index, and loading its 100k-span file, side by
//! side with `wc -m` reading the same file.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Benchmarks panic on set-up failure.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use spantag_core::annotation::SpanIndex;
use spantag_core::document::Document;
use spantag_core::store;

fn open(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let corpus = common::corpus(dir.path(), "10MB-100k", 10_000_000, 100_000);
    let mut group = c.benchmark_group("open_10MB");
    group.sample_size(20);
    group.bench_function("wc_m", |b| {
        b.iter(|| {
            let out = std::process::Command::new("wc")
                .arg("-m")
                .arg(&corpus.doc)
                .output()
                .unwrap();
            assert!(out.status.success());
        });
    });
    group.bench_function("read_decode_index", |b| {
        b.iter(|| std::hint::black_box(Document::open(&corpus.doc).unwrap()));
    });
    let doc = Document::open(&corpus.doc).unwrap();
    group.bench_function("load_100k_spans", |b| {
        b.iter(|| {
            let loaded = store::load_layer(&doc, &corpus.ron, "bench").unwrap();
            std::hint::black_box(SpanIndex::build(loaded.layer.spans()))
        });
    });
    group.finish();
}

criterion_group!(benches, open);
criterion_main!(benches);
