//! What the benchmarks share: deterministic corpora written to a temp folder, the figures
//! they report (median, p99), numbers read from the environment, and — for the benchmarks of
//! the app (`gui` feature) — `driver`, which runs the app headless frame by frame.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // Benchmarks panic on set-up failure.

#[cfg(feature = "gui")]
pub mod driver;

use std::path::{Path, PathBuf};

use spantag_core::document::Document;
use spantag_core::store;

/// A generated document and its annotation file.
pub struct Corpus {
    pub name: &'static str,
    pub doc: PathBuf,
    pub ron: PathBuf,
}

/// The three sizes of the issue: 10 kB / 10 spans, 1 MB / 10k spans, 10 MB / 100k spans.
pub const SIZES: [(&str, usize, usize); 3] = [
    ("10kB-10", 10_000, 10),
    ("1MB-10k", 1_000_000, 10_000),
    ("10MB-100k", 10_000_000, 100_000),
];

/// The generator the benchmarks use: `SPANTAG_BENCH_KIND=synth` (the default: news-like
/// text from a few names, nested spans), `prose` (English-like prose, spans of whole
/// words) or `random-cuts` (prose, spans cut at random code points), as `spantag synth
/// --kind`.
pub fn kind() -> String {
    std::env::var("SPANTAG_BENCH_KIND").unwrap_or_else(|_| "synth".to_owned())
}

/// A document's text from the generator of [`kind`].
pub fn text(bytes: usize, seed: u64) -> String {
    match kind().as_str() {
        "prose" | "random-cuts" => spantag_core::synth::prose::text(bytes, seed),
        _ => spantag_core::synth::text(bytes, seed),
    }
}

/// A layer from the generator of [`kind`].
pub fn layer(
    doc: &Document,
    spans: usize,
    annotator: &str,
    seed: u64,
) -> spantag_core::annotation::Layer {
    match kind().as_str() {
        "prose" => spantag_core::synth::prose::word_layer(doc, spans, annotator, seed),
        "random-cuts" => spantag_core::synth::prose::random_cut_layer(doc, spans, annotator, seed),
        _ => spantag_core::synth::layer(doc, spans, annotator, seed),
    }
}

/// Writes a corpus of `bytes` with `spans` spans into `dir` ([`kind`]'s generator).
pub fn corpus(dir: &Path, name: &'static str, bytes: usize, spans: usize) -> Corpus {
    let doc_path = dir.join(format!("{name}.txt"));
    std::fs::write(&doc_path, text(bytes, 42)).unwrap();
    let doc = Document::open(&doc_path).unwrap();
    let layer = self::layer(&doc, spans, "bench", 42);
    let ron = store::annotation_path(&doc_path, "bench");
    store::save_layer(&layer, &doc, &ron).unwrap();
    Corpus {
        name,
        doc: doc_path,
        ron,
    }
}

/// The middle value of `v` (of an even count, the upper one); sorts `v`.
pub fn median<T: PartialOrd + Copy>(v: &mut [T]) -> T {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    v[v.len() / 2]
}

/// The 99th percentile of `v` (the value 99% of the way up, by count); sorts `v`.
pub fn p99(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() as f64 * 0.99) as usize).min(v.len() - 1)]
}

/// A whole number from the environment variable `name` (`SPANTAG_BENCH_FRAMES`, …), else
/// `default`.
pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// How many frames the frame benchmarks time per configuration: `SPANTAG_BENCH_FRAMES`, else
/// 600.
pub fn frames() -> usize {
    env_number("SPANTAG_BENCH_FRAMES", 600)
}
