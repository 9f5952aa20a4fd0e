//! The annotation file beside the source text: `<source>.<annotator>.ron`.
//!
//! Files are written for people and for git: pretty RON, one span per line, spans sorted by
//! (start, end, label), a `version` field and the source's hash. Writes go through
//! [`crate::atomic`], so a file is never left half written and the previous version is kept
//! as `<file>.bak`.
//!
//! | file | holds |
//! |---|---|
//! | `schema.rs` | [`AnnotationFile`], the on-disk shape, and its conversion to a layer |
//! | `naming.rs` | file names: [`annotation_path`], [`parse_file_name`], [`annotation_files`] |
//! | `writer.rs` | the canonical RON writer |
//! | `reader.rs` | reading and parsing, with line and column in errors |
//! | `fastron.rs` | the fast reader for the shape spantag writes |
//! | `problems.rs` | [`Problem`]s found in a loaded file |
//! | `load.rs` | loading a layer for a document, re-anchoring when the source changed |

use std::path::{Path, PathBuf};

use crate::annotation::Layer;
use crate::atomic::Backup;
use crate::document::Document;

pub mod fastron;
mod load;
mod naming;
mod problems;
mod reader;
mod schema;
mod writer;

pub use load::{
    Loaded, load_layer, loaded_from, loaded_read_only, loaded_with_progress, open_with_layer,
};
pub use naming::{
    CURATED, annotation_files, annotation_path, file_name_candidates, parse_file_name,
    split_annotation_path, validate_annotator, validate_user_annotator,
};
pub use problems::Problem;
pub use schema::AnnotationFile;
pub use writer::{push_ron_string, ron_string};

/// The schema version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// Annotation files larger than this are refused (a 100k-span file is about 10 MB).
pub const MAX_ANNOTATION_BYTES: u64 = 512 * 1024 * 1024;

/// Why an annotation file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Reading or writing failed.
    #[error("could not {action} {path}: {source}")]
    Io {
        /// "read" or "write".
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The file is not valid RON or not an annotation file.
    #[error(
        "{path}:{line}:{col}: {message}. The file was left untouched; {advice}",
        advice = repair_advice(.path)
    )]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        col: usize,
        /// What is wrong.
        message: String,
    },
    /// A git merge left conflict markers in the file.
    #[error("{path}:{line}: {advice}", advice = crate::team::markers::advice(.path))]
    MergeMarkers {
        /// The file.
        path: PathBuf,
        /// 1-based line of the first `<<<<<<<`.
        line: usize,
    },
    /// The file is newer than this build understands.
    #[error(
        "{path} has format version {found}; this spantag reads version {FORMAT_VERSION} — update spantag"
    )]
    Version {
        /// The file.
        path: PathBuf,
        /// The version found.
        found: u32,
    },
    /// The file is too large to be an annotation file.
    #[error("{path} is {size_mb} MB, too large for an annotation file")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in MB.
        size_mb: u64,
    },
    /// The annotator name cannot be part of a file name.
    #[error("{0}")]
    BadAnnotator(String),
    /// Another spantag is changing files in the folder (see [`crate::folder::lock`]).
    #[error("{0}")]
    Busy(String),
}

/// What to do about a file that cannot be parsed: restore the `.bak` spantag kept, when there
/// is one, or fix the file by hand.
fn repair_advice(path: &Path) -> String {
    let mut bak = path.as_os_str().to_owned();
    bak.push(".bak");
    let bak = PathBuf::from(bak);
    if bak.exists() {
        format!(
            "fix it in a text editor or restore the previous version, {}",
            bak.display()
        )
    } else {
        "fix it in a text editor (there is no .bak of it to restore)".to_owned()
    }
}

/// Writes `contents` to `path` atomically, keeping the previous version as `<path>.bak`.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), StoreError> {
    crate::atomic::write(path, contents, Backup::Keep).map_err(|source| StoreError::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    })
}

/// [`write_atomic`] without keeping a `.bak` (recovery files, scratch copies).
pub fn write_atomic_no_backup(path: &Path, contents: &[u8]) -> Result<(), StoreError> {
    crate::atomic::write(path, contents, Backup::Skip).map_err(|source| StoreError::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    })
}

/// Saves a layer beside its document; returns the hash of the bytes written.
///
/// The save holds the folder's lock ([`crate::folder::lock`]): while another spantag
/// renames labels or curates there, it waits a few seconds, then fails saying who holds it.
pub fn save_layer(layer: &Layer, doc: &Document, path: &Path) -> Result<String, StoreError> {
    let text = AnnotationFile::from_layer(layer, doc).to_ron();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let _lock =
        crate::folder::lock::acquire(crate::atomic::folder_of(path), &format!("save {name}"))
            .map_err(|e| StoreError::Busy(e.to_string()))?;
    write_atomic(path, text.as_bytes())?;
    Ok(crate::document::hash_bytes(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::Span;

    fn sample() -> (Document, Layer) {
        let doc =
            Document::from_text("Café owner Zoë said: \"東京 👍 rocks\"\r\nNext line.".to_owned());
        let mut layer = Layer::new("alice");
        for (start, end, label) in [
            (11, 14, "actor"),
            (0, 34, "claim"),
            (22, 24, "actor"),
            (35, 39, "event"),
        ] {
            let id = layer.allocate_id();
            layer.insert(
                Span::new(id, start..end, label, doc.slice(start..end))
                    .with_note((label == "claim").then(|| "quoted \"as is\"".to_owned())),
            );
        }
        (doc, layer)
    }

    #[test]
    fn ron_round_trip_is_identical() {
        let (doc, layer) = sample();
        let file = AnnotationFile::from_layer(&layer, &doc);
        let text = file.to_ron();
        let back = AnnotationFile::from_ron(&text, Path::new("x.ron")).unwrap();
        assert_eq!(back, file);
        assert_eq!(
            back.to_ron(),
            text,
            "serialising twice gives the same bytes"
        );
        assert!(back.problems(&doc).is_empty(), "{:?}", back.problems(&doc));
        assert_eq!(back.into_layer(), layer);
    }

    #[test]
    fn attributes_and_fragments_are_saved_on_the_spans_line_and_read_back() {
        // "North and South Korea", Python: t[0:5] == "North", t[16:21] == "Korea".
        let doc = Document::from_text("North and South Korea met.".to_owned());
        let mut layer = Layer::new("alice");
        layer.scheme.ensure("place");
        let mut span = Span::new(1, 0..21, "place", doc.slice(0..21));
        span.fragments = vec![(0, 5), (16, 21)];
        span.attrs.insert("negated".into(), "true".into());
        span.attrs
            .insert("certainty".into(), "hedged \"maybe\"".into());
        layer.insert(span);
        layer.insert(Span::new(2, 22..25, "event", "met"));
        let file = AnnotationFile::from_layer(&layer, &doc);
        let text = file.to_ron();
        let line = text.lines().find(|l| l.contains("id: 1,")).unwrap();
        assert_eq!(
            line.trim(),
            "(id: 1, start: 0, end: 21, label: \"place\", text: \"North and South Korea\", \
             attrs: {\"certainty\": \"hedged \\\"maybe\\\"\", \"negated\": \"true\"}, \
             fragments: [(0, 5), (16, 21)]),"
        );
        // A span without them has neither field.
        let plain = text.lines().find(|l| l.contains("id: 2,")).unwrap();
        assert!(
            !plain.contains("attrs") && !plain.contains("fragments"),
            "{plain}"
        );
        let back = AnnotationFile::from_ron(&text, Path::new("x.ron")).unwrap();
        assert_eq!(back, file);
        assert!(back.problems(&doc).is_empty(), "{:?}", back.problems(&doc));
        assert_eq!(back.into_layer(), layer);
        // Fragments that are not pieces of the span are a problem; the span stays whole.
        let broken = text.replace(
            "fragments: [(0, 5), (16, 21)]",
            "fragments: [(0, 5), (3, 21)]",
        );
        let file = AnnotationFile::from_ron(&broken, Path::new("x.ron")).unwrap();
        assert!(
            file.problems(&doc)
                .iter()
                .any(|p| matches!(p, Problem::BadFragments { id: 1 })),
            "{:?}",
            file.problems(&doc)
        );
        assert!(file.into_layer().get(1).unwrap().fragments.is_empty());
    }

    #[test]
    fn one_span_per_line_sorted() {
        let (doc, layer) = sample();
        let text = AnnotationFile::from_layer(&layer, &doc).to_ron();
        let span_lines: Vec<&str> = text.lines().filter(|l| l.contains("start:")).collect();
        assert_eq!(span_lines.len(), 4);
        assert!(span_lines[0].contains("start: 0, end: 34"), "{text}");
        assert!(span_lines[1].contains("start: 11"));
        assert!(text.starts_with(
            "(\n    version: 1,\n    source: \"untitled\",\n    source_hash: \"sha256:"
        ));
    }

    #[test]
    fn offsets_are_python_code_points() {
        let (doc, layer) = sample();
        let chars: Vec<char> = doc.text().chars().collect();
        for span in layer.spans() {
            let py: String = chars[span.start..span.end].iter().collect();
            assert_eq!(py, span.text);
        }
        assert_eq!(layer.spans()[2].text, "東京");
        assert_eq!(layer.spans()[3].text, "Next");
    }

    #[test]
    fn parse_errors_carry_line_and_column() {
        let (doc, layer) = sample();
        let text = AnnotationFile::from_layer(&layer, &doc).to_ron();
        let broken = &text[..text.len() / 2];
        let err = AnnotationFile::from_ron(broken, Path::new("a.ron")).unwrap_err();
        let StoreError::Parse { line, .. } = err else {
            panic!("expected a parse error, got {err}");
        };
        assert!(line > 1);
    }

    #[test]
    fn a_parse_error_offers_the_bak_only_when_there_is_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.txt.alice.ron");
        let err = AnnotationFile::from_ron("(version: 1, spans: [", &path)
            .unwrap_err()
            .to_string();
        assert!(err.contains("there is no .bak of it"), "{err}");
        assert!(!err.contains("restore the previous"), "{err}");
        std::fs::write(dir.path().join("doc.txt.alice.ron.bak"), "").unwrap();
        let err = AnnotationFile::from_ron("(version: 1, spans: [", &path)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&format!(
                "restore the previous version, {}.bak",
                path.display()
            )),
            "{err}"
        );
    }

    #[test]
    fn strings_round_trip_through_ron() {
        for s in [
            "plain",
            "year's \"quoted\"",
            "back\\slash",
            "tab\tnew\nline\r",
            "\u{0}\u{7f}\u{85}",
            "東京 👩‍💻 e\u{301} עברית",
        ] {
            let parsed: String = ron::from_str(&ron_string(s)).unwrap();
            assert_eq!(parsed, s);
        }
        assert_eq!(ron_string("year's"), "\"year's\"");
    }

    #[test]
    fn problems_are_reported_not_dropped() {
        let (doc, layer) = sample();
        let mut file = AnnotationFile::from_layer(&layer, &doc);
        file.spans[0].end = 10_000;
        file.spans[1].text = "wrong".into();
        file.spans[2].label = "mystery".into();
        let problems = file.problems(&doc);
        assert_eq!(problems.len(), 3, "{problems:?}");
        let layer = file.into_layer();
        assert_eq!(layer.spans().len(), 4);
        assert!(layer.scheme.get("mystery").is_some());
    }

    #[test]
    fn annotator_names_are_checked_and_files_found() {
        assert!(validate_annotator("alice").is_ok());
        assert!(validate_annotator("zoë_2").is_ok());
        for bad in ["", "../x", "a/b", ".hidden", "a b"] {
            assert!(validate_annotator(bad).is_err(), "{bad}");
        }
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("op-ed.txt");
        std::fs::write(&src, "x").unwrap();
        for who in ["bob", "alice"] {
            std::fs::write(annotation_path(&src, who), "").unwrap();
        }
        std::fs::write(dir.path().join("op-ed.txt.alice.ron.bak"), "").unwrap();
        let found: Vec<String> = annotation_files(&src).into_iter().map(|(a, _)| a).collect();
        assert_eq!(found, ["alice", "bob"]);
        assert_eq!(
            annotation_path(&src, "alice").file_name().unwrap(),
            "op-ed.txt.alice.ron"
        );
    }

    #[test]
    fn ids_are_unique_across_spans_and_orphans() {
        let (doc, layer) = sample();
        let mut file = AnnotationFile::from_layer(&layer, &doc);
        let mut orphan = file.spans[0].clone();
        orphan.start = 500;
        orphan.end = 505;
        file.orphans.push(orphan.clone()); // same id as spans[0]
        let layer = file.into_layer();
        let mut ids: Vec<u64> = layer
            .spans()
            .iter()
            .chain(&layer.orphans)
            .map(|s| s.id)
            .collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "every id once");
        let mut layer = layer;
        let fresh = layer.allocate_id();
        assert!(
            ids.iter().all(|&id| id < fresh),
            "new ids are above orphan ids"
        );
        // Orphans count in equality: a layer that lost its orphans is a different layer.
        let mut without = layer.clone();
        without.orphans.clear();
        assert_ne!(without, layer);
    }

    #[test]
    fn read_only_layers_trust_the_hash_but_still_check_offsets() {
        let (doc, layer) = sample();
        let mut file = AnnotationFile::from_layer(&layer, &doc);
        file.spans[1].text = "hand edited".into();
        file.spans[2].end = 10_000;
        let full = file.problems(&doc);
        assert!(
            full.iter()
                .any(|p| matches!(p, Problem::TextMismatch { .. }))
        );
        let trusted = file.problems_trusting_hash(&doc);
        assert!(
            !trusted
                .iter()
                .any(|p| matches!(p, Problem::TextMismatch { .. }))
        );
        assert!(
            trusted
                .iter()
                .any(|p| matches!(p, Problem::OutOfRange { .. }))
        );
        // A file saved against another text gets every check.
        file.source_hash = "sha256:other".into();
        assert!(
            file.problems_trusting_hash(&doc)
                .iter()
                .any(|p| matches!(p, Problem::TextMismatch { .. }))
        );
    }
}
