//! Two costs of the corpus and relation features, each against its baseline:
//!
//! - relations: whole-app frames (`common::driver`: 1400×900, scrolling) on a 1 MB document with
//!   10k spans and 10,000 relations between them, against the same document and spans without
//!   relations; 600 interleaved frames, median and p99; target ≤ 1.3×.
//! - corpus (with `SPANTAG_BENCH_CORPUS_CORE=1`): a folder of 10,000 documents of 2 kB, half
//!   of them annotated, opened headless until everything is read (listing, every annotation
//!   file's count and tick, the first document), against one document of the same kind; the
//!   figure the target is about, process start to the first frame with the corpus panel, is
//!   `benches/first_frame.sh`'s.
//!
//! Run with `cargo bench --bench corpus_relations`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Benchmarks panic on set-up failure.

use std::path::Path;
use std::time::Instant;

use spantag_app::{AppOptions, SpantagApp};
use spantag_core::annotation::Relation;
use spantag_core::document::Document;
use spantag_core::store;

mod common;
use common::driver::Driver;
use common::{median, p99};

fn app(doc: &Path, config: &Path) -> SpantagApp {
    SpantagApp::headless(AppOptions {
        document: Some(doc.to_path_buf()),
        annotator: Some("bench".to_owned()),
        config_dir: Some(config.to_path_buf()),
        ..Default::default()
    })
}

fn relations(dir: &Path) {
    let text = spantag_core::synth::text(1_000_000, 42);
    let plain = dir.join("plain.txt");
    let related = dir.join("related.txt");
    std::fs::write(&plain, &text).unwrap();
    std::fs::write(&related, &text).unwrap();
    let doc = Document::open(&plain).unwrap();
    let layer = spantag_core::synth::layer(&doc, 10_000, "bench", 42);
    store::save_layer(&layer, &doc, &store::annotation_path(&plain, "bench")).unwrap();
    let mut with = layer.clone();
    let ids: Vec<u64> = layer.spans().iter().map(|s| s.id).collect();
    for (i, pair) in ids.windows(2).take(10_000).enumerate() {
        let id = with.allocate_id();
        with.relations.push(Relation {
            id,
            from: pair[0],
            to: pair[1],
            label: if i % 2 == 0 { "says" } else { "participates" }.to_owned(),
        });
    }
    let related_doc = Document::open(&related).unwrap();
    store::save_layer(
        &with,
        &related_doc,
        &store::annotation_path(&related, "bench"),
    )
    .unwrap();
    let config = dir.join("config");
    let mut a = Driver::over_the_text(app(&plain, &config));
    let mut b = Driver::over_the_text(app(&related, &config));
    let n = b.app().layer().map_or(0, |l| l.relations.len());
    let frames = common::frames();
    let (mut without, mut with_rel) = (Vec::new(), Vec::new());
    for _ in 0..frames {
        without.push(a.step_ms());
        with_rel.push(b.step_ms());
    }
    let (m0, m1) = (median(&mut without), median(&mut with_rel));
    let ratio = m1 / m0;
    println!(
        "| frame, 1 MB / 10k spans, {n} relations vs none (median of {frames}) | {m1:.3} ms | {m0:.3} ms | {ratio:.2}× ({}) | ≤ 1.3× |",
        if ratio <= 1.3 { "within" } else { "over" }
    );
    println!(
        "| same, p99 | {:.3} ms | {:.3} ms | {:.2}× | |",
        p99(&mut with_rel),
        p99(&mut without),
        p99(&mut with_rel) / p99(&mut without)
    );
}

fn corpus(dir: &Path) {
    let root = dir.join("corpus");
    std::fs::create_dir_all(&root).unwrap();
    for i in 0..10_000u64 {
        let path = root.join(format!("doc-{i:05}.txt"));
        std::fs::write(&path, spantag_core::synth::text(2_000, i)).unwrap();
        if i % 2 == 0 {
            let doc = Document::open(&path).unwrap();
            let layer = spantag_core::synth::layer(&doc, 5, "bench", i);
            store::save_layer(&layer, &doc, &store::annotation_path(&path, "bench")).unwrap();
        }
    }
    let single = dir.join("single.txt");
    std::fs::copy(root.join("doc-00001.txt"), &single).unwrap();
    let (mut one, mut folder) = (Vec::new(), Vec::new());
    for round in 0..5 {
        // A fresh settings folder each time: no "last document" to remember.
        let config = dir.join(format!("config-{round}"));
        let t = Instant::now();
        let mut d = Driver::over_the_text_cold(app(&single, &config));
        d.step();
        one.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let mut d = Driver::over_the_text_cold(app(&root, &config.with_extension("corpus")));
        d.step();
        assert!(
            d.app()
                .corpus
                .as_ref()
                .is_some_and(|c| c.entries.len() == 10_000)
        );
        assert!(d.app().session().is_some());
        folder.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let (o, f) = (median(&mut one), median(&mut folder));
    let ratio = f / o;
    println!(
        "| open to the first frame: a folder of 10,000 documents (half annotated) vs one document | {f:.1} ms | {o:.1} ms | {ratio:.2}× ({}) | ≤ 2× |",
        if ratio <= 2.0 { "within" } else { "over" }
    );
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if args
        .iter()
        .any(|a| !"corpus_relations".contains(a.as_str()))
    {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    println!("| what | measured | baseline | ratio | target |");
    println!("|---|---|---|---|---|");
    relations(dir.path());
    if std::env::var_os("SPANTAG_BENCH_CORPUS_CORE").is_some() {
        corpus(dir.path());
    }
}
