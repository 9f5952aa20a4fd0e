//! `spantag synth`: generated documents and layers for trying spantag on big data and for
//! evaluating agreement (one layer per annotator, with controlled disagreement).

use spantag_core::annotation::Layer;
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

impl SynthKind {
    /// A document's text.
    fn text(self, bytes: usize, seed: u64) -> String {
        match self {
            Self::Synth => spantag_core::synth::text(bytes, seed),
            Self::Prose | Self::RandomCuts => spantag_core::synth::prose::text(bytes, seed),
        }
    }

    /// A layer of about `count` spans on `doc`.
    fn layer(self, doc: &Document, count: usize, annotator: &str, seed: u64) -> Layer {
        match self {
            Self::Synth => spantag_core::synth::layer(doc, count, annotator, seed),
            Self::Prose => spantag_core::synth::prose::word_layer(doc, count, annotator, seed),
            Self::RandomCuts => {
                spantag_core::synth::prose::random_cut_layer(doc, count, annotator, seed)
            }
        }
    }
}

/// What to generate.
pub(super) struct Plan {
    /// The generator.
    pub kind: SynthKind,
    pub bytes: usize,
    pub spans: usize,
    pub docs: usize,
    pub seed: u64,
    /// With two or more annotators: the share of spans each departs on.
    pub disagreement: f64,
}

/// Each annotator's seed: the document's, moved by their place in the list.
fn annotator_seed(doc_seed: u64, index: usize) -> u64 {
    doc_seed ^ (index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

pub(super) fn synth(plan: Plan, out: &std::path::Path, annotators: &[String]) -> i32 {
    let mut seen = std::collections::BTreeSet::new();
    for name in annotators {
        if let Err(err) = store::validate_user_annotator(name) {
            eprintln!("spantag synth: {err}");
            return 2;
        }
        if !seen.insert(name) {
            eprintln!("spantag synth: {name:?} is named twice in --annotators");
            return 2;
        }
    }
    if !(0.0..=1.0).contains(&plan.disagreement) {
        eprintln!(
            "spantag synth: --disagreement {}: give a share from 0 to 1 (0.15 is 15% of spans)",
            plan.disagreement
        );
        return 2;
    }
    let texts: Vec<(std::path::PathBuf, String)> = (0..plan.docs)
        .map(|i| {
            (
                out.join(format!("doc-{i:05}.txt")),
                plan.kind.text(plan.bytes, plan.seed.wrapping_add(i as u64)),
            )
        })
        .collect();
    // A document already there is kept as it is: the same text is not written again, and a
    // different one (the user's, or another --bytes/--seed) stops everything before any write.
    let mut clashes = texts.iter().filter(|(path, text)| {
        path.exists() && std::fs::read(path).ok().as_deref() != Some(text.as_bytes())
    });
    if let Some((first, _)) = clashes.next() {
        eprintln!(
            "spantag synth: {} already exists with other text ({} such document(s)); nothing was \
             written. Choose an empty --out folder, or the --bytes and --seed that made them",
            first.display(),
            1 + clashes.count()
        );
        return 2;
    }
    if let Err(err) = std::fs::create_dir_all(out) {
        eprintln!("spantag synth: {}: {err}", out.display());
        return 2;
    }
    let mut progress = Progress::new("documents");
    let mut replaced = 0;
    for (i, (path, text)) in texts.iter().enumerate() {
        let doc_seed = plan.seed.wrapping_add(i as u64);
        if !path.exists()
            && let Err(err) = store::write_atomic_no_backup(path, text.as_bytes())
        {
            eprintln!("spantag synth: {err}");
            return 2;
        }
        let doc = match Document::open(path) {
            Ok(doc) => doc,
            Err(err) => {
                eprintln!("spantag synth: {err}");
                return 2;
            }
        };
        let base = plan.kind.layer(&doc, plan.spans, "synth", doc_seed);
        for (n, annotator) in annotators.iter().enumerate() {
            let layer = if annotators.len() == 1 {
                plan.kind.layer(&doc, plan.spans, annotator, doc_seed)
            } else {
                spantag_core::synth::vary(
                    &base,
                    &doc,
                    annotator,
                    annotator_seed(doc_seed, n),
                    plan.disagreement,
                )
            };
            let file = store::annotation_path(path, annotator);
            replaced += usize::from(file.exists());
            if let Err(err) = store::save_layer(&layer, &doc, &file) {
                eprintln!("spantag synth: {err}");
                return 2;
            }
        }
        progress.update(i + 1, plan.docs);
    }
    eprintln!(
        "spantag synth: {} document(s) in {}, {} layer(s) each ({}){}",
        plan.docs,
        out.display(),
        annotators.len(),
        annotators.join(", "),
        if replaced > 0 {
            format!("; {replaced} annotation file(s) replaced, the previous ones kept as .bak")
        } else {
            String::new()
        }
    );
    0
}
