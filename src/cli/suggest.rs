//! `spantag suggest`: spans tagged elsewhere, or another layer's, offered where they are missing.

use spantag_core::corpus::{self};
use spantag_core::document::Document;
use spantag_core::store::{self};
use std::io::Write as _;
use std::path::PathBuf;

use super::annotators_beside;

pub(super) fn suggest(
    annotator: Option<&str>,
    from: Option<&str>,
    only_from: bool,
    inputs: &[PathBuf],
) -> i32 {
    let Some(annotator) = annotator else {
        eprintln!("spantag suggest: whose suggestions? Name the annotator with --annotator NAME");
        return 2;
    };
    for name in std::iter::once(annotator).chain(from) {
        if let Err(err) = store::validate_user_annotator(name) {
            eprintln!("spantag suggest: {err}");
            return 2;
        }
    }
    if only_from && from.is_none() {
        eprintln!("spantag suggest: --only-from needs --from ANNOTATOR");
        return 2;
    }
    let mut documents = Vec::new();
    for skipped in corpus::skipped_links(inputs) {
        eprintln!("note: {skipped}");
    }
    for input in inputs {
        if input.is_dir() {
            match corpus::documents(input) {
                Ok(found) => documents.extend(found),
                Err(err) => {
                    eprintln!("spantag suggest: {err}");
                    return 2;
                }
            }
        } else if input.is_file() {
            documents.push(input.clone());
        } else {
            eprintln!("spantag suggest: {} does not exist", input.display());
            return 2;
        }
    }
    if documents.is_empty() {
        eprintln!("spantag suggest: no documents (.txt, .md) in the inputs");
        return 2;
    }
    if let Some(from) = from {
        let has = |d: &PathBuf| store::annotation_path(d, from).exists();
        if !documents.iter().any(has) {
            let here = annotators_beside(&documents);
            eprintln!(
                "spantag suggest: no document here has an annotation file of {from:?} \
                 (<document>.{from}.ron) to suggest from; annotators found: {here}"
            );
            return 2;
        }
    }
    if from.is_none()
        && !documents
            .iter()
            .any(|d| store::annotation_path(d, annotator).exists())
    {
        eprintln!(
            "spantag suggest: {annotator} has no annotation files in these documents, so nothing \
             they tagged can be suggested (annotators found: {}); --from ANNOTATOR suggests \
             another layer's spans",
            annotators_beside(&documents)
        );
        return 1;
    }
    let (lexicon, unreadable) = spantag_core::suggest::Lexicon::load(&documents, annotator);
    if unreadable > 0 {
        eprintln!(
            "spantag suggest: {unreadable} of {annotator}'s annotation files could not be read \
             (`spantag check` says why); their tags are not suggested"
        );
    }
    let lexicon = std::sync::Arc::new(lexicon);
    let mut found = 0;
    // Documents and annotation files that could not be read.
    let mut broken = std::collections::BTreeSet::new();
    let mut out = std::io::stdout().lock();
    for path in &documents {
        let doc = match Document::open(path) {
            Ok(doc) => doc,
            Err(err) => {
                eprintln!("spantag suggest: {}: {err}", path.display());
                broken.insert(path.clone());
                continue;
            }
        };
        let mut layer_of = |name: &str| -> Option<spantag_core::annotation::Layer> {
            let file = store::annotation_path(path, name);
            if !file.exists() {
                return None;
            }
            match store::load_layer(&doc, &file, name) {
                Ok(loaded) => Some(loaded.layer),
                Err(err) => {
                    eprintln!("spantag suggest: {err}");
                    broken.insert(file);
                    None
                }
            }
        };
        let layer =
            layer_of(annotator).unwrap_or_else(|| spantag_core::annotation::Layer::new(annotator));
        let source = from.and_then(&mut layer_of);
        let doc = std::sync::Arc::new(doc);
        let items = spantag_core::suggest::compute(&spantag_core::suggest::Request {
            doc: std::sync::Arc::clone(&doc),
            path: Some(path.clone()),
            layer,
            lexicon: Some(std::sync::Arc::clone(&lexicon)),
            tagged_elsewhere: !only_from,
            source,
            generation: 0,
        });
        for s in items {
            let line = serde_json::json!({
                "document": path.display().to_string(),
                "start": s.start,
                "end": s.end,
                "label": s.label,
                "text": doc.slice(s.range()),
                "origin": match &s.origin {
                    spantag_core::suggest::Origin::TaggedElsewhere => "tagged elsewhere".to_owned(),
                    spantag_core::suggest::Origin::Layer(name) => name.clone(),
                },
            });
            if writeln!(out, "{line}").is_err() {
                return 1;
            }
            found += 1;
        }
    }
    eprintln!(
        "spantag suggest: {found} suggestion{} in {} document{}",
        if found == 1 { "" } else { "s" },
        documents.len(),
        if documents.len() == 1 { "" } else { "s" }
    );
    if !broken.is_empty() {
        eprintln!(
            "spantag suggest: {} file(s) could not be read (named above); fix them and run it again",
            broken.len()
        );
        2
    } else if found > 0 {
        0
    } else {
        1
    }
}
