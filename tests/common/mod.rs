//! Helpers shared by the integration tests that need no window, so that the command-line
//! and core tests use them without egui: running the `spantag` binary and checking how it
//! exited, adding spans to a layer, and the review samples. The GUI tests' helpers (the app
//! under egui_kittest) are in `harness.rs`.

// Each test file uses some of these.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use spantag_core::annotation::{Layer, Span};
use spantag_core::document::Document;
use spantag_core::store::AnnotationFile;

/// Runs the `spantag` binary with these arguments, then these paths.
pub fn spantag(args: &[&str], paths: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spantag"))
        .args(args)
        .args(paths)
        .output()
        .unwrap()
}

/// What a run of the binary printed, as text.
pub struct Ran {
    /// Its standard output.
    pub stdout: String,
    /// Its standard error: messages, the summary.
    pub stderr: String,
}

/// Runs the `spantag` binary with these arguments, then these paths, and checks that it
/// exited with `code` (a failure names the command and shows what it said on stderr);
/// returns what it printed.
#[track_caller]
pub fn spantag_exits(code: i32, args: &[&str], paths: &[&Path]) -> Ran {
    let out = spantag(args, paths);
    let ran = Ran {
        stdout: text(&out.stdout),
        stderr: text(&out.stderr),
    };
    let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    assert_eq!(
        out.status.code(),
        Some(code),
        "spantag {} {}\nsaid on stderr:\n{}",
        args.join(" "),
        paths.join(" "),
        ran.stderr
    );
    ran
}

/// A command's output as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Adds a span over `range` of `doc`'s text to `layer`, with a fresh id; returns the id.
pub fn add_span(layer: &mut Layer, doc: &Document, range: Range<usize>, label: &str) -> u64 {
    let id = layer.allocate_id();
    layer.insert(Span::new(id, range.clone(), label, doc.slice(range)));
    id
}

/// A span as review compares it: (start, end, label).
pub type Key3 = (usize, usize, String);

/// The spans of an annotation file, as [`Key3`]s.
pub fn spans_of(path: &Path) -> BTreeSet<Key3> {
    AnnotationFile::read(path)
        .unwrap()
        .spans
        .into_iter()
        .map(|s| (s.start, s.end, s.label))
        .collect()
}

/// Copies the review sample `name` (`sample_docs/review/`) and the annotation files of
/// `annotators` into `dir`; returns the document's path there.
pub fn copy_review_sample(dir: &Path, name: &str, annotators: &[&str]) -> PathBuf {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs/review");
    std::fs::copy(samples.join(name), dir.join(name)).unwrap();
    for who in annotators {
        let file = format!("{name}.{who}.ron");
        std::fs::copy(samples.join(&file), dir.join(&file)).unwrap();
    }
    dir.join(name)
}
