//! Suggestions on the three generators: how soon what is on screen is answered, and how
//! long the whole document takes, on the worker thread's path (`suggest::compute_owned`).
//!
//! For each generator (`synth`, `prose`: word-aligned spans one per ~100 characters,
//! `random-cuts`: spans cut at random code points) at 1 MB / 10k and 10 MB / 100k spans:
//! - on screen: from the request to the first (partial) answer, for a screenful of 8,000
//!   code points in the middle of the document; target ≤ 100 ms;
//! - whole document: from the request to the last answer (the on-screen one first);
//! - whole document alone: the same without a screen to answer first (`spantag suggest`'s
//!   path);
//!
//! median of 5, each from a fresh cache (as after opening the document). Run with
//! `cargo bench --bench suggest` (`SPANTAG_BENCH_KIND=prose` for one generator).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Benchmarks panic on set-up failure.

use std::sync::Arc;
use std::time::Instant;

use spantag_core::document::Document;
use spantag_core::suggest::{Cancel, Counts, Request, compute_owned};

mod common;
use common::median;

/// Makes a layer of a document: `(document, spans, annotator, seed)`.
type LayerOf = fn(&Document, usize, &str, u64) -> spantag_core::annotation::Layer;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if args.iter().any(|a| !"suggest".contains(a.as_str())) {
        return;
    }
    println!(
        "| generator | size | on screen (first answer) | whole document after it | whole document alone | suggestions | target: on screen ≤ 100 ms |"
    );
    println!("|---|---|---|---|---|---|---|");
    let only = std::env::var("SPANTAG_BENCH_KIND").ok();
    for kind in ["synth", "prose", "random-cuts"] {
        if only.as_deref().is_some_and(|k| k != kind) {
            continue;
        }
        for (size, bytes, spans) in [
            ("1 MB / 10k", 1_000_000, 10_000),
            ("10 MB / 100k", 10_000_000, 100_000),
        ] {
            let (text, layer_of): (String, LayerOf) = match kind {
                "prose" => (
                    spantag_core::synth::prose::text(bytes, 42),
                    spantag_core::synth::prose::word_layer,
                ),
                "random-cuts" => (
                    spantag_core::synth::prose::text(bytes, 42),
                    spantag_core::synth::prose::random_cut_layer,
                ),
                _ => (
                    spantag_core::synth::text(bytes, 42),
                    spantag_core::synth::layer,
                ),
            };
            let doc = Arc::new(Document::from_text(text));
            let layer = layer_of(&doc, spans, "bench", 42);
            let middle = doc.char_len() / 2;
            let mut firsts = Vec::new();
            let mut wholes = Vec::new();
            let mut alones = Vec::new();
            let mut found = 0;
            for _ in 0..5 {
                let mut request = Request::new(Arc::clone(&doc), layer.snapshot());
                request.path = None;
                request.focus = Some(middle..middle + 8_000);
                let t = Instant::now();
                let mut first = None;
                let (items, _) = compute_owned(
                    request,
                    &Cancel::default(),
                    &mut Counts::default(),
                    &mut |_, _| {
                        first.get_or_insert(t.elapsed().as_secs_f64() * 1e3);
                    },
                );
                wholes.push(t.elapsed().as_secs_f64() * 1e3);
                firsts.push(first.expect("an answer for the screen"));
                found = std::hint::black_box(items).len();

                let mut request = Request::new(Arc::clone(&doc), layer.snapshot());
                request.path = None;
                let t = Instant::now();
                let (items, _) = compute_owned(
                    request,
                    &Cancel::default(),
                    &mut Counts::default(),
                    &mut |_, _| {},
                );
                alones.push(t.elapsed().as_secs_f64() * 1e3);
                assert_eq!(items.len(), found, "the same suggestions either way");
            }
            let first = median(&mut firsts);
            println!(
                "| {kind} | {size} | {first:.1} ms | {:.1} ms | {:.1} ms | {found} | {} |",
                median(&mut wholes),
                median(&mut alones),
                if first <= 100.0 { "within" } else { "over" }
            );
        }
    }
}
