//! The app on files a git merge left: conflicts listed in the file show in the problems
//! strip, named; a file with conflict markers does not open, and the message says why and
//! what to do.

use crate::harness;

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
    let mut h = harness::app(options(dir.path()));
    h.get_by_label_contains("1 problem in");
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
    let h = harness::app(options(dir.path()));
    h.get_by_label_contains("a git merge left conflict markers");
}

/// The conflicts panel settles a merge conflict: "Keep theirs" on a span both sides changed
/// puts their version in place (its relation stays), "Keep ours" on the other keeps ours, each
/// is one undoable step, and the saved file holds the chosen versions and no `conflicts`.
#[test]
fn keeping_a_version_settles_the_conflict_and_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.txt"), TEXT).unwrap();
    let hash = spantag_core::document::Document::open(&dir.path().join("doc.txt"))
        .unwrap()
        .hash()
        .to_owned();
    // "Daniel Reyes" 0–12 (actor, theirs: an event), "council" 24–31 (theirs deleted it).
    let reyes = "(id: 1, start: 0, end: 12, label: \"actor\", text: \"Daniel Reyes\")";
    let reyes_theirs = "(id: 1, start: 7, end: 12, label: \"event\", text: \"Reyes\")";
    let council = "(id: 2, start: 24, end: 31, label: \"event\", text: \"council\")";
    std::fs::write(
        dir.path().join("doc.txt.tester.ron"),
        format!(
            "(version: 1, source: \"doc.txt\", source_hash: \"{hash}\", annotator: \"tester\", \
             spans: [{reyes}, {council}], relations: [(id: 3, from: 1, to: 2, label: \"participates\")], \
             conflicts: [(id: 1, ours: Span({reyes}), theirs: Span({reyes_theirs})), \
             (id: 2, ours: Span({council}), theirs: Deleted)])"
        ),
    )
    .unwrap();
    let mut h = harness::app(options(dir.path()));
    h.get_by_label("⚠ 2 merge conflicts");
    h.get_all_by_label("Keep theirs").next().unwrap().click();
    h.run();
    h.get_by_label("⚠ 1 merge conflict");
    // Undo brings the conflict back; redo settles it again.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    h.get_by_label("⚠ 2 merge conflicts");
    h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Z,
    );
    h.run();
    h.get_by_label("⚠ 1 merge conflict");
    // The council conflict: keep ours (the span stays).
    h.get_by_label("Keep ours").click();
    h.run();
    assert!(h.query_by_label("⚠ 1 merge conflict").is_none());
    assert!(h.query_by_label("Keep ours").is_none(), "the panel is gone");
    h.get_by_label_contains("no merge conflict left");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    h.run();
    let saved = std::fs::read_to_string(dir.path().join("doc.txt.tester.ron")).unwrap();
    assert!(!saved.contains("conflicts"), "{saved}");
    let file =
        spantag_core::store::AnnotationFile::from_ron(&saved, std::path::Path::new("x")).unwrap();
    let spans: Vec<(u64, usize, usize, &str)> = file
        .spans
        .iter()
        .map(|s| (s.id, s.start, s.end, s.label.as_str()))
        .collect();
    assert_eq!(spans, [(1, 7, 12, "event"), (2, 24, 31, "event")]);
    assert_eq!(
        file.relations.len(),
        1,
        "the relation stays on the span kept in place"
    );
}
