//! A folder opened as a corpus in the real app (egui_kittest): the panel lists every document
//! (annotated or not), the first one not done opens, the done tick is kept in the annotation
//! file, and Ctrl+PgDn saves and moves to the next document.

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use spantag_app::{AppOptions, Command, SpantagApp};
use spantag_core::store::{AnnotationFile, annotation_path};

use crate::harness;

fn open_doc(h: &Harness<'_, SpantagApp>) -> Option<String> {
    h.state()
        .session()
        .and_then(|s| s.document().path())
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
}

#[test]
fn a_folder_opens_as_a_corpus_and_ctrl_pgdn_moves_on() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("news");
    std::fs::create_dir_all(root.join("week2")).unwrap();
    std::fs::write(root.join("a.txt"), "Reyes spoke first.").unwrap();
    std::fs::write(root.join("b.md"), "Okafor answered.").unwrap();
    std::fs::write(root.join("week2/c.txt"), "The council met.").unwrap();
    std::fs::write(root.join("picture.png"), "not text").unwrap();
    // a.txt is done already (by this annotator): the first document not done opens.
    let done_file = "(\n    version: 1,\n    source: \"a.txt\",\n    source_hash: \"sha256:0\",\n    annotator: \"tester\",\n    done: true,\n    spans: [],\n)\n";
    std::fs::write(annotation_path(&root.join("a.txt"), "tester"), done_file).unwrap();
    let options = AppOptions {
        document: Some(root.clone()),
        annotator: Some("tester".to_owned()),
        config_dir: Some(dir.path().join("config")),
        ..Default::default()
    };
    let mut h = harness::app(options);
    let corpus = h.state().corpus.as_ref().expect("a corpus");
    let names: Vec<&str> = corpus.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["a.txt", "b.md", "week2/c.txt"]);
    assert_eq!(open_doc(&h).as_deref(), Some("b.md"), "the first not done");
    h.get_by_label_contains("1 of 3 done");
    // Tick b.md done; Ctrl+PgDn saves it (done: true in the file) and opens week2/c.txt.
    h.state_mut().push(Command::ToggleDone);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::PageDown);
    h.run();
    h.state_mut().wait_until_loaded();
    h.run();
    assert_eq!(open_doc(&h).as_deref(), Some("c.txt"));
    let b = AnnotationFile::read(&annotation_path(&root.join("b.md"), "tester")).unwrap();
    assert!(b.done, "the tick is kept in the annotation file");
    h.get_by_label_contains("2 of 3 done");
    // Ctrl+PgUp goes back.
    h.key_press_modifiers(Modifiers::COMMAND, Key::PageUp);
    h.run();
    h.state_mut().wait_until_loaded();
    h.run();
    assert_eq!(open_doc(&h).as_deref(), Some("b.md"));
    // Reopening the folder opens the document last worked on there.
    drop(h);
    let options = AppOptions {
        document: Some(root.clone()),
        annotator: Some("tester".to_owned()),
        config_dir: Some(dir.path().join("config")),
        ..Default::default()
    };
    let h = harness::app(options);
    assert_eq!(open_doc(&h).as_deref(), Some("b.md"));
}

#[test]
fn a_long_document_name_does_not_push_the_panel_out_of_view() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("news");
    std::fs::create_dir_all(root.join("reports of the harbour authority")).unwrap();
    std::fs::write(root.join("a.txt"), "Reyes spoke first.").unwrap();
    std::fs::write(
        root.join("reports of the harbour authority/quarterly-safety-review-north-quay.txt"),
        "Okafor answered.",
    )
    .unwrap();
    let options = AppOptions {
        document: Some(root.clone()),
        annotator: Some("tester".to_owned()),
        config_dir: Some(dir.path().join("config")),
        ..Default::default()
    };
    let mut h = harness::app(options);
    h.run();
    // Everything in the panel stays within it (the long name is cut, with its whole path on
    // hover), the counts and keys at the right of the labels too.
    let panel_right = h.state().left_panel_rect.unwrap().max.x;
    for label in ["Add", "Edit labels…"] {
        let right = h.get_by_label(label).rect().max.x;
        assert!(
            right <= panel_right + 1.0,
            "{label}: {right} > {panel_right}"
        );
    }
}
