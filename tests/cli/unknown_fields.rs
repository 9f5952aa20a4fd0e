//! Fields spantag does not know — on a span, a relation, the file — survive every rewrite:
//! `label rename`, a save from the app (through `Session`), and `curate`.

use std::path::Path;
use std::process::Command;

use spantag_core::document::hash_bytes;
use spantag_core::session::{LayerId, Session};

const DOC: &str = "Reyes met Lee.";

/// An annotation file as a script might leave it: spantag's fields plus `confidence` on a
/// span, `weight` on a relation and `tool` on the file.
fn file(annotator: &str) -> String {
    format!(
        "(\n    version: 1,\n    source: \"doc.txt\",\n    source_hash: {hash:?},\n    \
         annotator: \"{annotator}\",\n    tool: \"ner v2\",\n    labels: [],\n    spans: [\n        \
         (id: 1, start: 0, end: 5, label: \"person\", text: \"Reyes\", confidence: 0.5),\n        \
         (id: 2, start: 10, end: 13, label: \"person\", text: \"Lee\"),\n    ],\n    \
         relations: [\n        (id: 3, from: 1, to: 2, label: \"met\", weight: 2),\n    ],\n)\n",
        hash = hash_bytes(DOC.as_bytes())
    )
}

fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.txt"), DOC).unwrap();
    std::fs::write(dir.path().join("doc.txt.alice.ron"), file("alice")).unwrap();
    dir
}

/// The line of `text` holding `needle`.
fn line_with<'a>(text: &'a str, needle: &str) -> &'a str {
    text.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in\n{text}"))
}

/// The unknown fields are there, each on its item's line, and the file reads back.
fn assert_kept(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(
        line_with(&text, "start: 0, end: 5").contains("confidence: 0.5"),
        "{text}"
    );
    assert!(
        !line_with(&text, "start: 10, end: 13").contains("confidence"),
        "{text}"
    );
    assert!(
        line_with(&text, "from: 1, to: 2").contains("weight: 2"),
        "{text}"
    );
    assert_eq!(
        line_with(&text, "tool:").trim(),
        "tool: \"ner v2\",",
        "{text}"
    );
    // Written twice, the same bytes (deterministic).
    let again = spantag_core::store::AnnotationFile::read(path)
        .unwrap()
        .to_ron();
    assert_eq!(again, text);
}

#[test]
fn label_rename_keeps_unknown_fields() {
    let dir = folder();
    let out = Command::new(env!("CARGO_BIN_EXE_spantag"))
        .args(["label", "rename", "person", "actor"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let path = dir.path().join("doc.txt.alice.ron");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        line_with(&text, "start: 0, end: 5").contains("\"actor\""),
        "{text}"
    );
    assert_kept(&path);
}

#[test]
fn a_save_from_the_app_keeps_unknown_fields() {
    let dir = folder();
    let mut session = Session::open(&dir.path().join("doc.txt"), "alice", &mut |_, _| {}).unwrap();
    let id = LayerId::from_name("alice");
    session.tag(&id, 6..9, "event").unwrap();
    session.save(&id).unwrap();
    let path = dir.path().join("doc.txt.alice.ron");
    assert!(std::fs::read_to_string(&path).unwrap().contains("\"met\""));
    assert_kept(&path);
}

#[test]
fn curate_keeps_unknown_fields_of_the_curated_file() {
    let dir = folder();
    std::fs::write(dir.path().join("doc.txt.bob.ron"), file("bob")).unwrap();
    // The curated file has the first span only; curate adds the second, both agree on it.
    let curated = file("curated").replace(
        "        (id: 2, start: 10, end: 13, label: \"person\", text: \"Lee\"),\n",
        "",
    );
    let curated = curated.replace(
        "        (id: 3, from: 1, to: 2, label: \"met\", weight: 2),\n",
        "        (id: 3, from: 1, to: 1, label: \"met\", weight: 2),\n",
    );
    std::fs::write(dir.path().join("doc.txt.curated.ron"), curated).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_spantag"))
        .args(["curate", "--accept-agreed"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = std::fs::read_to_string(dir.path().join("doc.txt.curated.ron")).unwrap();
    assert!(
        text.contains("start: 10, end: 13"),
        "curate added the span: {text}"
    );
    assert!(
        line_with(&text, "start: 0, end: 5").contains("confidence: 0.5"),
        "{text}"
    );
    assert!(
        line_with(&text, "from: 1, to: 1").contains("weight: 2"),
        "{text}"
    );
    assert_eq!(
        line_with(&text, "tool:").trim(),
        "tool: \"ner v2\",",
        "{text}"
    );
}

#[test]
fn check_update_keeps_unknown_fields() {
    let dir = folder();
    // The text changed since the file was saved: `check --update` re-anchors and rewrites.
    std::fs::write(dir.path().join("doc.txt"), format!("Today {DOC}")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_spantag"))
        .args(["check", "--update"])
        .arg(dir.path())
        .output()
        .unwrap();
    let text = std::fs::read_to_string(dir.path().join("doc.txt.alice.ron")).unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("updated"),
        "{out:?}"
    );
    assert!(
        line_with(&text, "start: 6, end: 11").contains("confidence: 0.5"),
        "{text}"
    );
    assert!(
        line_with(&text, "from: 1, to: 2").contains("weight: 2"),
        "{text}"
    );
    assert_eq!(
        line_with(&text, "tool:").trim(),
        "tool: \"ner v2\",",
        "{text}"
    );
}

#[test]
fn a_git_merge_keeps_both_sides_unknown_fields_on_the_right_spans() {
    let read = |text: &str| {
        spantag_core::store::AnnotationFile::from_ron(text, Path::new("x.ron")).unwrap()
    };
    let ours = read(&file("alice"));
    // Theirs added a different span under id 1 (it is renumbered), with its own confidence.
    let theirs = read(
        &file("alice")
            .replace(
                "(id: 1, start: 0, end: 5, label: \"person\", text: \"Reyes\", confidence: 0.5)",
                "(id: 1, start: 6, end: 9, label: \"event\", text: \"met\", confidence: 0.9)",
            )
            .replace("tool: \"ner v2\"", "pipeline: 7"),
    );
    let merged = spantag_core::team::merge::merge(None, &ours, &theirs);
    // Their span 1 and their relation 3 (from their span 1, so another relation than ours)
    // are renumbered; nothing conflicts.
    assert_eq!(merged.renumbered.len(), 2, "{:?}", merged.renumbered);
    assert!(
        merged.file.conflicts.is_empty(),
        "{:?}",
        merged.file.conflicts
    );
    let text = merged.file.to_ron();
    assert!(
        line_with(&text, "start: 0, end: 5").contains("confidence: 0.5"),
        "{text}"
    );
    assert!(
        line_with(&text, "start: 6, end: 9").contains("confidence: 0.9"),
        "{text}"
    );
    assert_eq!(
        line_with(&text, "tool:").trim(),
        "tool: \"ner v2\",",
        "{text}"
    );
    assert_eq!(
        line_with(&text, "pipeline:").trim(),
        "pipeline: 7,",
        "{text}"
    );
}
