//! Saving and loading 100k spans as RON, side by side with serde_json doing the same work.
//!
//! Reading is measured three ways: `fastron` (spantag's fast reader for the files it writes),
//! the `ron` crate itself (what `store` falls back to, with the same recursion limit), and
//! `serde_json` reading the same file as JSON; plus `AnnotationFile::from_ron`, the path a load
//! takes (fastron, falling back to `ron`). After criterion's runs an interleaved pass prints the
//! medians and the ratios.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Benchmarks panic on set-up failure.

mod common;

use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use spantag_core::store::AnnotationFile;

fn ron_crate(text: &str) -> AnnotationFile {
    ron::Options::default()
        .with_recursion_limit(32)
        .from_str(text)
        .unwrap()
}

fn save_load(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let corpus = common::corpus(dir.path(), "10MB-100k", 10_000_000, 100_000);
    let file = AnnotationFile::read(&corpus.ron).unwrap();
    assert_eq!(file.spans.len(), 100_000);
    let ron_text = file.to_ron();
    let json_text = serde_json::to_string(&file).unwrap();
    // All three readers give the same file.
    assert_eq!(
        spantag_core::store::fastron::parse(&ron_text).as_ref(),
        Some(&file)
    );
    assert_eq!(ron_crate(&ron_text), file);
    assert_eq!(
        serde_json::from_str::<AnnotationFile>(&json_text).unwrap(),
        file
    );

    let write: [(&str, &dyn Fn()); 2] = [
        ("ron_write", &|| {
            std::hint::black_box(file.to_ron());
        }),
        ("serde_json_write", &|| {
            std::hint::black_box(serde_json::to_string(&file).unwrap());
        }),
    ];
    let read: [(&str, &dyn Fn()); 4] = [
        ("fastron_read", &|| {
            std::hint::black_box(spantag_core::store::fastron::parse(&ron_text).unwrap());
        }),
        ("ron_crate_read", &|| {
            std::hint::black_box(ron_crate(&ron_text));
        }),
        ("serde_json_read", &|| {
            std::hint::black_box(serde_json::from_str::<AnnotationFile>(&json_text).unwrap());
        }),
        ("store_from_ron", &|| {
            std::hint::black_box(AnnotationFile::from_ron(&ron_text, &corpus.ron).unwrap());
        }),
    ];

    let only = std::env::var("SPANTAG_BENCH_ONLY").unwrap_or_default();
    let mut group = c.benchmark_group("save_load_100k_spans");
    group.sample_size(20);
    for (name, f) in write.iter().chain(&read) {
        if name.contains(only.as_str()) {
            group.bench_function(*name, |b| b.iter(f));
        }
    }
    group.finish();

    // Interleaved: one call of each per round, so that machine noise hits them alike.
    let rounds = common::env_number("SPANTAG_BENCH_ROUNDS", 30);
    let all: Vec<(&str, &dyn Fn())> = write.iter().chain(&read).copied().collect();
    let mut times = vec![Vec::with_capacity(rounds); all.len()];
    for _ in 0..rounds {
        for (slot, (_, f)) in all.iter().enumerate() {
            let start = Instant::now();
            f();
            times[slot].push(start.elapsed().as_secs_f64() * 1e3);
        }
    }
    println!("\n{rounds} interleaved rounds, 100k spans (ms):");
    println!("| arm | median | min |");
    println!("|---|---|---|");
    let mut median = std::collections::HashMap::new();
    for ((name, _), t) in all.iter().zip(&mut times) {
        let m = common::median(t);
        println!("| {name} | {m:.1} | {:.1} |", t[0]);
        median.insert(*name, m);
    }
    let ratio = |a: &str, b: &str| median[a] / median[b];
    let verdict = |r: f64| if r <= 2.0 { "within" } else { "over" };
    let save = ratio("ron_write", "serde_json_write");
    let load = ratio("store_from_ron", "serde_json_read");
    println!(
        "save: ron_write / serde_json_write = {save:.2}x ({} the bound of 2x)",
        verdict(save)
    );
    println!(
        "load: store_from_ron / serde_json_read = {load:.2}x ({} the bound of 2x)",
        verdict(load)
    );
    let ron = ratio("ron_crate_read", "serde_json_read");
    println!(
        "load with the ron crate alone: ron_crate_read / serde_json_read = {ron:.2}x ({} the bound of 2x)",
        verdict(ron)
    );
    println!(
        "ron_crate_read / fastron_read = {:.2}x",
        ratio("ron_crate_read", "fastron_read")
    );
}

criterion_group!(benches, save_load);
criterion_main!(benches);
