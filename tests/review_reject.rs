//! Rejecting a disagreement in review (egui_kittest, then the `spantag` binary): the
//! rejection is one undoable step, is saved in the curated file's `rejected` list, keeps the
//! disagreement settled when review is opened again, and keeps "Accept all agreed" and
//! `spantag curate` from bringing a rejected version back. Expected versions come from the
//! annotators' files (spans overlapping the disagreement), not from spantag's review code.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests may panic: that is how they fail.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable as _;
use spantag_app::AppOptions;
use spantag_core::store::AnnotationFile;

type Key3 = (usize, usize, String);

fn spans_of(path: &Path) -> Vec<Key3> {
    AnnotationFile::read(path)
        .unwrap()
        .spans
        .into_iter()
        .map(|s| (s.start, s.end, s.label))
        .collect()
}

fn open_review(dir: &Path, doc: &Path) -> egui_kittest::Harness<'static, spantag_app::SpantagApp> {
    common::app(AppOptions {
        document: Some(doc.to_path_buf()),
        annotator: Some("tester".to_owned()),
        config_dir: Some(dir.join("config")),
        review: true,
        ..Default::default()
    })
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
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs/review");
    let folder = dir.path().join("week 3");
    std::fs::create_dir(&folder).unwrap();
    std::fs::copy(samples.join(name), folder.join(name)).unwrap();
    let mut all: Vec<Key3> = Vec::new();
    for who in ["alice", "bob", "chen"] {
        let file = format!("{name}.{who}.ron");
        std::fs::copy(samples.join(&file), folder.join(&file)).unwrap();
        all.extend(spans_of(&folder.join(&file)));
    }
    let doc = folder.join(name);
    let chars: Vec<char> = std::fs::read_to_string(&doc).unwrap().chars().collect();

    let mut h = open_review(dir.path(), &doc);
    assert!(h.state().in_review());
    let open_before = open_count(&h);
    let d = h
        .state()
        .review_state()
        .unwrap()
        .navigator
        .current()
        .cloned()
        .expect("at the first disagreement");
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
    let out = common::spantag(
        &[
            "curate",
            "--accept-agreed",
            "--min-agree",
            "1",
            "--uncontested",
        ],
        &[&folder],
    );
    let stdout = common::text(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        common::text(&out.stderr)
    );
    assert!(stdout.contains("rejected in review"), "{stdout}");
    let kept: BTreeSet<Key3> = spans_of(&curated).into_iter().collect();
    assert!(kept.is_disjoint(&versions), "{kept:?} {versions:?}");
    assert!(!kept.is_empty(), "the other agreed spans were added");
}
