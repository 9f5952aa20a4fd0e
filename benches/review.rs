//! Review mode against the single-layer view on the same document: a 1 MB document with
//! five annotators' layers of 10k spans each (alice's synthetic layer; the others perturbed
//! copies of it: about one span in eight relabelled, moved by a word, or left out).
//!
//! Prints, from interleaved runs:
//! - opening: `Session::open` (one layer) vs review as the window opens it
//!   (`Session::open_review_staged`): when the document and the curated layer are on screen,
//!   and when the five annotators' layers (read on the other core meanwhile) are in too;
//!   median of 21 each; target ≤ 2×.
//! - frame: the whole app headless (1400×900, `run_ui` plus tessellation, 10 wheel steps down
//!   then 10 up) in annotate mode vs review mode with every layer shown; median and p99 over
//!   `SPANTAG_BENCH_FRAMES` (600) frames each; target ≤ 1.5×.
//!
//! Run with `cargo bench --bench review`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Benchmarks panic on set-up failure.

use std::path::Path;
use std::time::Instant;

use spantag_app::{AppOptions, SpantagApp};
use spantag_core::annotation::{Layer, Span};
use spantag_core::document::Document;
use spantag_core::session::Session;
use spantag_core::store;

mod common;
use common::driver::Driver;
use common::{median, p99};

const ANNOTATORS: [&str; 5] = ["alice", "bob", "chen", "dana", "eli"];

fn perturbed(base: &Layer, doc: &Document, who: &str, seed: u64) -> Layer {
    let mut layer = Layer::new(who);
    let mut state = seed;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % 64
    };
    for span in base.spans() {
        let roll = next();
        let mut s: Span = span.clone();
        match roll {
            0..=2 => continue, // left out
            3..=5 => {
                s.label = match s.label.as_str() {
                    "claim" => "event".into(),
                    "event" => "actor".into(),
                    _ => "claim".into(),
                };
            }
            6 | 7 => {
                // One word shorter at the end, when there is a space to cut at.
                let text = doc.slice(s.start..s.end);
                if let Some(cut) = text.trim_end().rfind(' ') {
                    s.end = s.start + text[..cut].chars().count();
                }
            }
            _ => {}
        }
        s.text = doc.slice(s.start..s.end).to_owned();
        if !s.is_empty() && layer.find_duplicate(s.range(), &s.label).is_none() {
            layer.insert(s);
        }
    }
    layer
}

fn write_corpus(dir: &Path) -> std::path::PathBuf {
    let doc_path = dir.join("review-1MB.txt");
    std::fs::write(&doc_path, common::text(1_000_000, 42)).unwrap();
    let doc = Document::open(&doc_path).unwrap();
    let base = common::layer(&doc, 10_000, "alice", 42);
    for (i, who) in ANNOTATORS.iter().enumerate() {
        let layer = if i == 0 {
            base.clone()
        } else {
            perturbed(&base, &doc, who, 7 + i as u64)
        };
        store::save_layer(&layer, &doc, &store::annotation_path(&doc_path, who)).unwrap();
    }
    doc_path
}

fn main() {
    // `cargo bench` passes `--bench`; a filter that excludes "review" skips this one.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if args.iter().any(|a| !"review".contains(a.as_str())) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let doc = write_corpus(dir.path());
    let config = dir.path().join("config");

    // Opening, interleaved.
    let (mut single, mut first, mut review) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..21 {
        // Each session is dropped after its time is taken: freeing five layers' spans is
        // not part of opening them (it counted 2–3 ms against review before).
        let t = Instant::now();
        let kept = std::hint::black_box(Session::open(&doc, "alice", &mut |_, _| {}).unwrap());
        single.push(t.elapsed().as_secs_f64() * 1e3);
        drop(kept);
        // Review as the window opens it: the document and the curated layer on screen
        // first, while the annotators' files are read on the other core.
        let t = Instant::now();
        let mut shown = None;
        let layers = Session::open_review_staged(&doc, &mut |_, _| {}, |s| {
            first.push(t.elapsed().as_secs_f64() * 1e3);
            shown = Some(s);
        })
        .unwrap();
        let mut session = shown.unwrap();
        assert!(layers.unreadable.is_empty());
        session.insert_read_only(layers.layers);
        review.push(t.elapsed().as_secs_f64() * 1e3);
        drop(std::hint::black_box(session));
    }
    let (open_single, open_first, open_review) =
        (median(&mut single), median(&mut first), median(&mut review));
    if std::env::var_os("SPANTAG_BENCH_BREAKDOWN").is_some() {
        let d = Document::open(&doc).unwrap();
        let path = store::annotation_path(&doc, "bob");
        for _ in 0..3 {
            let t = Instant::now();
            let file = store::AnnotationFile::read_unhashed(&path).unwrap();
            let read = t.elapsed().as_secs_f64() * 1e3;
            let t = Instant::now();
            let loaded = store::loaded_from(file, &d, "bob");
            let load = t.elapsed().as_secs_f64() * 1e3;
            let t = Instant::now();
            std::hint::black_box(spantag_core::annotation::SpanIndex::build(
                loaded.layer.spans(),
            ));
            let index = t.elapsed().as_secs_f64() * 1e3;
            let t = Instant::now();
            std::hint::black_box(Document::open(&doc).unwrap());
            let docopen = t.elapsed().as_secs_f64() * 1e3;
            println!(
                "read+parse {read:.1} ms, check+layer {load:.1} ms, index {index:.1} ms, document {docopen:.1} ms"
            );
        }
    }

    // Frames, interleaved.
    let options = |review: bool| AppOptions {
        document: Some(doc.clone()),
        annotator: Some("alice".to_owned()),
        config_dir: Some(config.clone()),
        review,
        ..Default::default()
    };
    let mut annotate = Driver::over_the_text(SpantagApp::headless(options(false)));
    let mut reviewing = Driver::over_the_text(SpantagApp::headless(options(true)));
    assert!(reviewing.app().in_review());
    let disagreements = reviewing
        .app()
        .review_state()
        .map_or(0, |r| r.navigator.all().len());
    let frames = common::frames();
    let (mut a, mut r) = (Vec::new(), Vec::new());
    for _ in 0..frames {
        a.push(annotate.step_ms());
        r.push(reviewing.step_ms());
    }
    let (a_med, r_med) = (median(&mut a), median(&mut r));
    let (a_p99, r_p99) = (p99(&mut a), p99(&mut r));
    let verdict = |ratio: f64, bound: f64| if ratio <= bound { "within" } else { "over" };
    println!(
        "review mode, 1 MB document, 5 annotators × ~10k spans ({disagreements} disagreements)"
    );
    println!("| what | one layer | review (5 layers + curated) | ratio |");
    println!("|---|---|---|---|");
    let first_ratio = open_first / open_single;
    println!(
        "| open: on screen (document + curated layer; median of 21) | {open_single:.1} ms | {open_first:.1} ms | {first_ratio:.2}× ({} 2×) |",
        verdict(first_ratio, 2.0)
    );
    let open_ratio = open_review / open_single;
    println!(
        "| open: all five annotators' layers read too | {open_single:.1} ms | {open_review:.1} ms | {open_ratio:.2}× ({} 2×) |",
        verdict(open_ratio, 2.0)
    );
    let frame_ratio = r_med / a_med;
    println!(
        "| frame, median ({frames} frames) | {a_med:.3} ms | {r_med:.3} ms | {frame_ratio:.2}× ({} 1.5×) |",
        verdict(frame_ratio, 1.5)
    );
    println!(
        "| frame, p99 | {a_p99:.3} ms | {r_p99:.3} ms | {:.2}× |",
        r_p99 / a_p99
    );
}
