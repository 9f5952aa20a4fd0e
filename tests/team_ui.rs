//! The app on files a git merge left: conflicts listed in the file show in the problems
//! strip, named; a file with conflict markers does not open, and the message says why and
//! what to do.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use egui_kittest::kittest::Queryable as _;
use spantag_app::AppOptions;

const TEXT: &str = "Daniel Reyes spoke. The council voted.\n";

fn options(dir: &std::path::Path) -> AppOptions {
    AppOptions {
        document: Some(dir.join("doc.txt")),
        annotator: Some("tester".to_owned()),
        config_dir: Some(dir.join("config")),
        ..Default::default()
    }
}

#[test]
fn a_merge_conflict_in_the_file_is_named_in_the_problems_strip() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.txt"), TEXT).unwrap();
    let hash = spantag_core::document::Document::open(&dir.path().join("doc.txt"))
        .unwrap()
        .hash()
        .to_owned();
    let council = "(id: 2, start: 24, end: 31, label: \"event\", text: \"council\")";
    std::fs::write(
        dir.path().join("doc.txt.tester.ron"),
        format!(
            "(version: 1, source: \"doc.txt\", source_hash: \"{hash}\", annotator: \"tester\", \
             spans: [{council}], conflicts: [(id: 2, ours: Span({council}), theirs: Deleted)])"
        ),
    )
    .unwrap();
    let mut h = common::app(options(dir.path()));
    h.get_by_label_contains("1 problem(s) in");
    h.get_by_label("Details").click();
    h.run();
    h.get_by_label_contains(
        "span 2: merge conflict — ours: 24..31 event \"council\"; theirs: deleted",
    );
}

#[test]
fn a_file_with_conflict_markers_says_a_git_merge_left_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.txt"), TEXT).unwrap();
    std::fs::write(
        dir.path().join("doc.txt.tester.ron"),
        "(\n<<<<<<< HEAD\n    version: 1,\n=======\n    version: 2,\n>>>>>>> theirs\n)\n",
    )
    .unwrap();
    let h = common::app(options(dir.path()));
    h.get_by_label_contains("a git merge left conflict markers");
}
