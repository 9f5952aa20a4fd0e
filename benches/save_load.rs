//! Saving and loading 100k spans as RON, side by side with serde_json doing the same work.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Benchmarks panic on set-up failure.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use spantag::annotation::Span;
use spantag::document::Document;
use spantag::store::AnnotationFile;

fn save_load(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let corpus = common::corpus(dir.path(), "10MB-100k", 10_000_000, 100_000);
    let doc = Document::open(&corpus.doc).unwrap();
    let file = AnnotationFile::read(&corpus.ron).unwrap();
    assert_eq!(file.spans.len(), 100_000);
    let ron_text = file.to_ron();
    let json_text = serde_json::to_string(&file.spans).unwrap();
    let _ = doc;

    let mut group = c.benchmark_group("save_load_100k_spans");
    group.sample_size(20);
    group.bench_function("ron_write", |b| {
        b.iter(|| std::hint::black_box(file.to_ron()))
    });
    group.bench_function("serde_json_write", |b| {
        b.iter(|| std::hint::black_box(serde_json::to_string(&file.spans).unwrap()))
    });
    group.bench_function("ron_read", |b| {
        b.iter(|| std::hint::black_box(AnnotationFile::from_ron(&ron_text, &corpus.ron).unwrap()))
    });
    group.bench_function("serde_json_read", |b| {
        b.iter(|| std::hint::black_box(serde_json::from_str::<Vec<Span>>(&json_text).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, save_load);
criterion_main!(benches);
