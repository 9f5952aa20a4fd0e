//! Rejecting a disagreement in review (egui_kittest, then the `spantag` binary): the
//! rejection is one undoable step, is saved in the curated file's `rejected` list, keeps the
//! disagreement settled when review is opened again, and keeps "Accept all agreed" and
//! `spantag curate` from bringing a rejected version back. Expected versions come from the
//! annotators' files (spans overlapping the disagreement), not from spantag's review code.

use crate::common;
use crate::harness;
use common::{Key3, copy_review_sample, spans_of, spantag_exits};

use std::collections::BTreeSet;
use std::path::Path;

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable as _;
use spantag_core::store::AnnotationFile;

fn open_review(dir: &Path, doc: &Path) -> egui_kittest::Harness<'static, spantag_app::SpantagApp> {
    harness::app(harness::tester(dir, doc, true))
}

fn open_count(h: &egui_kittest::Harness<'_, spantag_app::SpantagApp>) -> usize {
    let app = h.state();
    app.review_state()
        .unwrap()
        .navigator
        .open_count(app.layer().unwrap())
}

#[test]
fn a_rejected_disagreement_stays_rejected_after_undo_redo_save_reopen_and_curate() {
    let dir = tempfile::tempdir().unwrap();
    let name = "port-strike.txt";
    let folder = dir.path().join("week 3");
    std::fs::create_dir(&folder).unwrap();
    let doc = copy_review_sample(&folder, name, &["alice", "bob", "chen"]);
    let mut all: Vec<Key3> = Vec::new();
    for who in ["alice", "bob", "chen"] {
        all.extend(spans_of(&folder.join(format!("{name}.{who}.ron"))));
    }
    let chars: Vec<char> = std::fs::read_to_string(&doc).unwrap().chars().collect();

    let mut h = open_review(dir.path(), &doc);
    assert!(h.state().in_review());
    let open_before = open_count(&h);
    let d = harness::current_disagreement(&h);
    // Its versions: every annotator's span that overlaps it, from the files.
    let versions: BTreeSet<Key3> = all
        .iter()
        .filter(|(s, e, _)| *s < d.end && d.start < *e)
        .cloned()
        .collect();
    assert!(!versions.is_empty());

    h.get_by_role_and_label(Role::Button, "Reject all versions")
        .click();
    h.run();
    assert_eq!(open_count(&h), open_before - 1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(open_count(&h), open_before, "undo opens it again");
    assert!(h.state().layer().unwrap().rejected.is_empty());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run();
    assert_eq!(open_count(&h), open_before - 1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();

    // Saved: each version once in the curated file's `rejected` list, with its text.
    let curated = folder.join(format!("{name}.curated.ron"));
    let file = AnnotationFile::read(&curated).unwrap();
    let rejected: BTreeSet<Key3> = file
        .rejected
        .iter()
        .map(|r| (r.start, r.end, r.label.clone()))
        .collect();
    assert_eq!(rejected, versions);
    for r in &file.rejected {
        assert_eq!(chars[r.start..r.end].iter().collect::<String>(), r.text);
    }
    assert!(file.spans.is_empty());
    drop(h);

    // Opened again: still settled.
    let h = open_review(dir.path(), &doc);
    assert_eq!(open_count(&h), open_before - 1);
    drop(h);

    // Bulk curation with every option leaves the rejected versions out and says so.
    let stdout = spantag_exits(
        0,
        &[
            "curate",
            "--accept-agreed",
            "--min-agree",
            "1",
            "--uncontested",
        ],
        &[&folder],
    )
    .stdout;
    assert!(stdout.contains("rejected in review"), "{stdout}");
    let kept: BTreeSet<Key3> = spans_of(&curated);
    assert!(kept.is_disjoint(&versions), "{kept:?} {versions:?}");
    assert!(!kept.is_empty(), "the other agreed spans were added");
}
