//! `spantag agree` against `spantag export --format conll --all-annotators` on the same
//! corpus: 1,000 documents (`spantag synth` defaults: 10 kB, 10 spans) × 3 annotators; and
//! `spantag agree --gamma` (γ with its default 30 random continua per document) against
//! `spantag agree`.
//! The first annotator is `synth::layer`; the other two are perturbed copies (labels
//! changed, boundaries moved, spans dropped and added). Both commands run through the
//! library functions the command line calls, interleaved, after one warm-up run each.
//!
//! `cargo bench --no-default-features --bench agree`; `SPANTAG_BENCH_DOCS` and
//! `SPANTAG_BENCH_RUNS` change the corpus size (1000) and the timed runs (7).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Benchmarks panic on set-up failure.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use spantag_core::annotation::{Layer, Span};
use spantag_core::corpus::{self, LayerChoice};
use spantag_core::document::Document;
use spantag_core::formats::{self, Format, Offsets, Output};
use spantag_core::review;
use spantag_core::store;
use spantag_core::synth::{self, Rng};

mod common;
use common::median;

const LABELS: [&str; 3] = ["claim", "actor", "event"];

/// A copy of `layer` by another annotator: of each span, 70% kept, 10% relabelled, 10% with
/// a boundary moved by 1–5 code points, 10% dropped; and a new span after one in twenty.
fn perturb(layer: &Layer, doc: &Document, annotator: &str, seed: u64) -> Layer {
    let mut rng = Rng::new(seed);
    let len = doc.char_len();
    let mut spans = Vec::new();
    let mut id = 0;
    let mut push = |start: usize, end: usize, label: &str, spans: &mut Vec<Span>| {
        id += 1;
        spans.push(Span::new(id, start..end, label, doc.slice(start..end)));
    };
    for s in layer.spans() {
        match rng.below(10) {
            0 => {}
            1 => {
                let other = LABELS[(LABELS.iter().position(|l| *l == s.label).unwrap_or(0)
                    + 1
                    + rng.below(2))
                    % 3];
                push(s.start, s.end, other, &mut spans);
            }
            2 => {
                let d = 1 + rng.below(5);
                let (start, end) = if rng.below(2) == 0 {
                    (s.start, (s.end + d).min(len))
                } else {
                    ((s.start + d).min(s.end - 1), s.end)
                };
                push(start, end, &s.label, &mut spans);
            }
            _ => push(s.start, s.end, &s.label, &mut spans),
        }
        if rng.below(20) == 0 && s.end + 12 < len {
            push(s.end + 2, s.end + 12, LABELS[rng.below(3)], &mut spans);
        }
    }
    Layer::from_parts(annotator, layer.scheme.clone(), spans, Vec::new())
}

fn make_corpus(dir: &Path, docs: usize) {
    for i in 0..docs {
        let seed = 1 + i as u64;
        let path = dir.join(format!("doc-{i:05}.txt"));
        std::fs::write(&path, synth::text(10_000, seed)).unwrap();
        let doc = Document::open(&path).unwrap();
        let alice = synth::layer(&doc, 10, "alice", seed);
        let bob = perturb(&alice, &doc, "bob", seed * 31);
        let chen = perturb(&alice, &doc, "chen", seed * 77);
        for layer in [&alice, &bob, &chen] {
            store::save_layer(
                layer,
                &doc,
                &store::annotation_path(&path, &layer.annotator),
            )
            .unwrap();
        }
    }
}

fn export(dir: &Path, out: &Path) -> Duration {
    let started = Instant::now();
    let jobs = corpus::plan(&[dir.to_path_buf()], &LayerChoice::All).unwrap();
    let report = formats::export(
        &jobs,
        Format::Conll,
        Offsets::Codepoints,
        &Output::Path(out.to_path_buf()),
        &mut |_, _| {},
    )
    .unwrap();
    assert_eq!(report.layers, jobs.len() * 3);
    started.elapsed()
}

fn agree(dir: &Path, out: &Path) -> Duration {
    let started = Instant::now();
    let set = review::plan(&[dir.to_path_buf()], None).unwrap();
    let report = review::compare(&set, &mut |_, _| {}).unwrap();
    std::fs::write(out, report.to_json()).unwrap();
    assert_eq!(report.annotators.len(), 3);
    started.elapsed()
}

fn agree_gamma(dir: &Path, out: &Path) -> Duration {
    let started = Instant::now();
    let set = review::plan(&[dir.to_path_buf()], None).unwrap();
    let options = review::AgreementOptions {
        gamma: Some(review::agreement::gamma::GammaOptions::default()),
    };
    let report = review::compare_with(&set, &options, &mut |_, _| {}).unwrap();
    std::fs::write(out, report.to_json()).unwrap();
    let gamma = report.gamma.as_ref().unwrap();
    assert!(gamma.figures.gamma.is_some() && gamma.figures.exact);
    started.elapsed()
}

fn main() {
    let docs = common::env_number("SPANTAG_BENCH_DOCS", 1000);
    let runs = common::env_number("SPANTAG_BENCH_RUNS", 7);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("corpus");
    std::fs::create_dir(&dir).unwrap();
    let setup = Instant::now();
    make_corpus(&dir, docs);
    eprintln!(
        "corpus: {docs} documents × 3 annotators written in {:.1} s",
        setup.elapsed().as_secs_f64()
    );
    let out: PathBuf = tmp.path().join("out.conll");
    let json: PathBuf = tmp.path().join("out.json");
    // Warm-up (file cache, allocator).
    export(&dir, &out);
    agree(&dir, &json);
    agree_gamma(&dir, &json);
    let (mut e, mut a, mut g) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        e.push(export(&dir, &out));
        a.push(agree(&dir, &json));
        g.push(agree_gamma(&dir, &json));
    }
    let (me, ma, mg) = (
        median(&mut e.clone()),
        median(&mut a.clone()),
        median(&mut g.clone()),
    );
    println!("export --format conll --all-annotators: median {me:.2?} over {runs} runs {e:.2?}");
    println!("agree --format json:                    median {ma:.2?} over {runs} runs {a:.2?}");
    println!("agree --gamma --format json:            median {mg:.2?} over {runs} runs {g:.2?}");
    println!(
        "ratio agree / export: {:.2}× (target ≤ 3×)",
        ma.as_secs_f64() / me.as_secs_f64()
    );
    println!(
        "ratio agree --gamma / agree: {:.2}× (target ≤ 10×)",
        mg.as_secs_f64() / ma.as_secs_f64()
    );
}
