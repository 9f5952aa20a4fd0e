//! `spantag synth`: generated documents and layers for trying spantag on big data.

use spantag_core::document::Document;
use spantag_core::store::{self};

use super::Progress;

/// Which generator `spantag synth` uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SynthKind {
    /// News-like sentences from a few names and claims; spans nest and overlap.
    Synth,
    /// English-like prose; spans of one to four whole words, one per stretch.
    Prose,
    /// English-like prose; spans cut at random code points (a model's noisy output).
    RandomCuts,
}

pub(super) fn synth(
    kind: SynthKind,
    bytes: usize,
    spans: usize,
    docs: usize,
    seed: u64,
    out: &std::path::Path,
    annotator: &str,
) -> i32 {
    if let Err(err) = std::fs::create_dir_all(out) {
        eprintln!("spantag synth: {}: {err}", out.display());
        return 1;
    }
    let mut progress = Progress::new("documents");
    for i in 0..docs {
        let doc_seed = seed.wrapping_add(i as u64);
        let path = out.join(format!("doc-{i:05}.txt"));
        let text = match kind {
            SynthKind::Synth => spantag_core::synth::text(bytes, doc_seed),
            SynthKind::Prose | SynthKind::RandomCuts => {
                spantag_core::synth::prose::text(bytes, doc_seed)
            }
        };
        if let Err(err) = store::write_atomic(&path, text.as_bytes()) {
            eprintln!("spantag synth: {err}");
            return 1;
        }
        let doc = match Document::open(&path) {
            Ok(doc) => doc,
            Err(err) => {
                eprintln!("spantag synth: {err}");
                return 1;
            }
        };
        let layer = match kind {
            SynthKind::Synth => spantag_core::synth::layer(&doc, spans, annotator, doc_seed),
            SynthKind::Prose => {
                spantag_core::synth::prose::word_layer(&doc, spans, annotator, doc_seed)
            }
            SynthKind::RandomCuts => {
                spantag_core::synth::prose::random_cut_layer(&doc, spans, annotator, doc_seed)
            }
        };
        if let Err(err) = store::save_layer(&layer, &doc, &store::annotation_path(&path, annotator))
        {
            eprintln!("spantag synth: {err}");
            return 1;
        }
        progress.update(i + 1, docs);
    }
    0
}
