//! The sample documents and annotation files that ship with spantag stay valid: every
//! annotation file parses, matches its source, and is in the canonical form spantag writes.

use std::path::Path;

use spantag_core::document::Document;
use spantag_core::store::{AnnotationFile, annotation_files};

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample_docs");

#[test]
fn sample_annotations_are_valid_and_canonical() {
    let doc_path = Path::new(SAMPLES).join("op-ed.txt");
    let doc = Document::open(&doc_path).expect("op-ed.txt opens");
    let files = annotation_files(&doc_path);
    let annotators: Vec<&str> = files.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(annotators, ["alice", "bob"]);
    for (annotator, path) in &files {
        let text = std::fs::read_to_string(path).expect("readable");
        let file = AnnotationFile::from_ron(&text, path).expect("parses");
        assert_eq!(&file.annotator, annotator);
        assert!(
            file.problems(&doc).is_empty(),
            "{annotator}: {:?}",
            file.problems(&doc)
        );
        assert_eq!(
            file.to_ron(),
            text,
            "{annotator}'s file is exactly what spantag would write"
        );
        assert!(file.spans.len() >= 15);
    }
}

#[test]
fn sample_documents_cover_crlf_and_non_ascii() {
    let crlf = std::fs::read(Path::new(SAMPLES).join("harbour-report.txt")).expect("read");
    assert!(crlf.windows(2).any(|w| w == b"\r\n"));
    let brief = Document::open(&Path::new(SAMPLES).join("summit-brief.txt")).expect("opens");
    assert!(!brief.text().is_ascii());
    assert!(brief.char_len() < brief.text().len());
}

#[test]
fn review_samples_have_three_canonical_layers_per_document() {
    let dir = Path::new(SAMPLES).join("review");
    let mut documents = 0;
    for entry in std::fs::read_dir(&dir).expect("sample_docs/review") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        documents += 1;
        let doc = Document::open(&path).expect("opens");
        let files = annotation_files(&path);
        let annotators: Vec<&str> = files.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(annotators, ["alice", "bob", "chen"], "{}", path.display());
        for (annotator, file_path) in &files {
            let text = std::fs::read_to_string(file_path).expect("readable");
            let file = AnnotationFile::from_ron(&text, file_path).expect("parses");
            assert_eq!(&file.annotator, annotator);
            assert!(file.problems(&doc).is_empty(), "{:?}", file.problems(&doc));
            assert_eq!(file.to_ron(), text, "{} is canonical", file_path.display());
            assert!(file.spans.len() >= 7);
        }
    }
    assert_eq!(documents, 3);
}
