//! Suggestions through the real app (egui_kittest): text tagged in another document of the
//! folder comes back as ghost spans, Enter accepts, Backspace rejects (remembered in the
//! annotation file, not suggested again), a click accepts, undo brings a ghost back; a
//! model's layer (`--suggest-from model`) is suggested the same way, and the toggle turns
//! suggestions off. Expected offsets are computed here from the text (code points).

use std::ops::Range;
use std::time::{Duration, Instant};

use egui::{Key, Modifiers};

use crate::harness;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use spantag_app::{AppOptions, Command, SpantagApp};
use spantag_core::store::{AnnotationFile, annotation_path};

const OTHER: &str = "Mayor Reyes met the Forum on Tuesday.";
const TEXT: &str = "Zoë said Reyes was late. Later Reyes left, and Reyesville cheered. Reyes won.";

/// Every whole-word "Reyes" of TEXT, in code points (not "Reyesville").
fn reyes() -> Vec<Range<usize>> {
    TEXT.match_indices("Reyes")
        .filter(|(b, _)| !TEXT[b + 5..].starts_with("ville"))
        .map(|(b, _)| {
            let start = TEXT[..b].chars().count();
            start..start + 5
        })
        .collect()
}

/// Runs frames until the suggestions on screen are up to date with the layer.
fn settle(h: &mut Harness<'_, SpantagApp>) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        h.run();
        if h.state().suggestions.is_settled() {
            h.run();
            return;
        }
        assert!(Instant::now() < deadline, "suggestions never arrived");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The suggestions still standing, as (range, label).
fn live(h: &Harness<'_, SpantagApp>) -> Vec<(Range<usize>, String)> {
    let app = h.state();
    let layer = app.layer().unwrap();
    let index = spantag_core::annotation::SpanIndex::build(layer.spans());
    app.suggestions
        .items
        .iter()
        .filter(|s| spantag_core::suggest::is_live(s, layer, &index))
        .map(|s| (s.range(), s.label.clone()))
        .collect()
}

fn spans(h: &Harness<'_, SpantagApp>) -> Vec<(Range<usize>, String)> {
    h.state()
        .layer()
        .unwrap()
        .spans()
        .iter()
        .map(|s| (s.range(), s.label.clone()))
        .collect()
}

fn corpus() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("news");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("a.txt"), OTHER).unwrap();
    std::fs::write(root.join("b.txt"), TEXT).unwrap();
    // In a.txt (done), "Reyes" (6..11) is an actor.
    let a = "(\n    version: 1,\n    source: \"a.txt\",\n    source_hash: \"sha256:0\",\n    annotator: \"tester\",\n    done: true,\n    spans: [\n        (id: 1, start: 6, end: 11, label: \"actor\", text: \"Reyes\"),\n    ],\n)\n";
    assert_eq!(OTHER.chars().skip(6).take(5).collect::<String>(), "Reyes");
    std::fs::write(annotation_path(&root.join("a.txt"), "tester"), a).unwrap();
    (dir, root)
}

fn options(dir: &tempfile::TempDir, document: std::path::PathBuf) -> AppOptions {
    AppOptions {
        document: Some(document),
        annotator: Some("tester".to_owned()),
        config_dir: Some(dir.path().join("config")),
        ..Default::default()
    }
}

#[test]
fn text_tagged_in_another_document_is_suggested_accepted_and_rejected() {
    let (dir, root) = corpus();
    let mut h = harness::app(options(&dir, root.clone()));
    settle(&mut h);
    let doc = h
        .state()
        .session()
        .unwrap()
        .document()
        .path()
        .unwrap()
        .to_owned();
    assert_eq!(
        doc.file_name().unwrap(),
        "b.txt",
        "the first document not done"
    );
    let reyes = reyes();
    assert_eq!(reyes.len(), 3);
    let actor = |r: &Range<usize>| (r.clone(), "actor".to_owned());
    assert_eq!(live(&h), reyes.iter().map(actor).collect::<Vec<_>>());

    // Enter accepts the first, Backspace rejects the second.
    h.key_press(Key::Enter);
    settle(&mut h);
    assert_eq!(spans(&h), vec![actor(&reyes[0])]);
    h.key_press(Key::Backspace);
    settle(&mut h);
    assert_eq!(
        spans(&h),
        vec![actor(&reyes[0])],
        "Backspace deleted nothing"
    );
    assert_eq!(live(&h), vec![actor(&reyes[2])]);

    // A click on the last ghost accepts it; undo brings the ghost back.
    let rect = h
        .state()
        .view
        .screen_rects_of(reyes[2].clone(), h.state().session().unwrap().document())[0];
    harness::click_at(&mut h, rect.center());
    settle(&mut h);
    assert_eq!(spans(&h), vec![actor(&reyes[0]), actor(&reyes[2])]);
    assert!(live(&h).is_empty());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    assert_eq!(live(&h), vec![actor(&reyes[2])]);

    // Saved: the accepted span and the rejection (with its text) are in the file.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    let file = AnnotationFile::read(&annotation_path(&root.join("b.txt"), "tester")).unwrap();
    let saved: Vec<(usize, usize, &str, &str)> = file
        .spans
        .iter()
        .map(|s| (s.start, s.end, s.label.as_str(), s.text.as_str()))
        .collect();
    assert_eq!(
        saved,
        vec![(reyes[0].start, reyes[0].end, "actor", "Reyes")]
    );
    let rejected: Vec<(usize, usize, &str, &str)> = file
        .rejected
        .iter()
        .map(|r| (r.start, r.end, r.label.as_str(), r.text.as_str()))
        .collect();
    assert_eq!(
        rejected,
        vec![(reyes[1].start, reyes[1].end, "actor", "Reyes")]
    );
    let raw = std::fs::read_to_string(annotation_path(&root.join("b.txt"), "tester")).unwrap();
    assert!(raw.contains("rejected: ["), "{raw}");
    drop(h);

    // The folder opened again (b.txt first): the rejected one does not come back; the other
    // still stands ("Reyes" tagged at 2 of the 4 places seen: a.txt's, and b.txt's three
    // with one tagged and one rejected; 50% is enough). The corpus counts: b.txt alone
    // (tagged at 1 of its 3 places) would not be evidence enough.
    let mut h = harness::app(options(&dir, root.clone()));
    settle(&mut h);
    assert_eq!(live(&h), vec![actor(&reyes[2])]);
}

#[test]
fn a_models_layer_is_suggested_and_the_toggle_turns_suggestions_off() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("brief.txt");
    std::fs::write(&doc, TEXT).unwrap();
    // The model's predictions, as `spantag import --annotator model` would write them:
    // "Zoë" (0..3) actor and "was late" (15..23) event.
    assert_eq!(TEXT.chars().take(3).collect::<String>(), "Zoë");
    assert_eq!(
        TEXT.chars().skip(15).take(8).collect::<String>(),
        "was late"
    );
    let model = "(\n    version: 1,\n    source: \"brief.txt\",\n    source_hash: \"sha256:0\",\n    annotator: \"model\",\n    spans: [\n        (id: 1, start: 0, end: 3, label: \"actor\", text: \"Zoë\"),\n        (id: 2, start: 15, end: 23, label: \"event\", text: \"was late\"),\n    ],\n)\n";
    std::fs::write(annotation_path(&doc, "model"), model).unwrap();
    let mut opts = options(&dir, doc.clone());
    opts.suggest_from = Some("model".to_owned());
    let mut h = harness::app(opts);
    settle(&mut h);
    assert_eq!(
        live(&h),
        vec![(0..3, "actor".to_owned()), (15..23, "event".to_owned())]
    );
    h.key_press(Key::Enter);
    settle(&mut h);
    assert_eq!(spans(&h), vec![(0..3, "actor".to_owned())]);
    h.key_press(Key::Backspace);
    settle(&mut h);
    assert!(live(&h).is_empty());
    assert!(h.state().layer().unwrap().is_rejected(15, 23, "event"));

    // Off: no ghosts, and Enter tags nothing.
    h.state_mut().push(Command::Undo);
    h.run();
    settle(&mut h);
    assert_eq!(live(&h), vec![(15..23, "event".to_owned())]);
    h.state_mut().push(Command::ToggleSuggestions);
    h.run();
    assert!(!h.state().suggestions_shown());
    h.key_press(Key::Enter);
    h.run();
    assert_eq!(spans(&h), vec![(0..3, "actor".to_owned())]);
    // The model's file was only read.
    assert_eq!(
        std::fs::read_to_string(annotation_path(&doc, "model")).unwrap(),
        model
    );
}

#[test]
fn enter_and_esc_answer_the_label_editor_not_the_suggestions_behind_it() {
    let (dir, root) = corpus();
    let mut h = harness::app(options(&dir, root.clone()));
    settle(&mut h);
    let ghosts = live(&h);
    assert_eq!(ghosts.len(), 3);
    h.state_mut().push(Command::ShowLabelEditor);
    h.run();
    // Rename actor (the second row) to person; Enter in the field, then Enter again in the
    // confirmation.
    h.query_all_by_label("Rename…").nth(1).unwrap().click();
    h.run();
    for _ in 0.."actor".len() {
        h.key_press(Key::Backspace);
    }
    h.event(egui::Event::Text("person".to_owned()));
    h.run();
    h.key_press(Key::Enter);
    h.run();
    h.get_by_label_contains("Rename “actor” to “person”?");
    h.key_press(Key::Enter);
    settle(&mut h);
    assert!(
        h.state().layer().unwrap().spans().is_empty(),
        "no suggestion was accepted behind the dialog"
    );
    let other =
        AnnotationFile::read_unhashed(&annotation_path(&root.join("a.txt"), "tester")).unwrap();
    assert_eq!(other.spans[0].label, "person", "Enter confirmed the rename");
    // Esc closes the editor, and only then do the keys reach the document again.
    assert!(h.state().label_editor.open);
    h.key_press(Key::Escape);
    h.run();
    assert!(!h.state().label_editor.open);
    h.key_press(Key::Enter);
    settle(&mut h);
    assert_eq!(
        h.state().layer().unwrap().spans().len(),
        1,
        "now Enter accepts"
    );
}

/// A suggestion far down a long paragraph (its line is on screen, it is not) is shown before
/// a key acts on it: the first Enter scrolls there, the second accepts.
#[test]
fn enter_on_a_suggestion_out_of_sight_in_a_long_paragraph_scrolls_first() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("news");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("a.txt"), OTHER).unwrap();
    let a = "(\n    version: 1,\n    source: \"a.txt\",\n    source_hash: \"sha256:0\",\n    annotator: \"tester\",\n    done: true,\n    spans: [\n        (id: 1, start: 6, end: 11, label: \"actor\", text: \"Reyes\"),\n    ],\n)\n";
    std::fs::write(annotation_path(&root.join("a.txt"), "tester"), a).unwrap();
    // One line (one paragraph) that wraps over many screens.
    // The second Reyes is in the same block (at most 2,000 characters) as the first, some
    // twenty rows further down: its block is laid out, the suggestion itself is below the
    // window.
    let text = format!(
        "Zoë said Reyes was late. {}Reyes won. {}",
        "The council met again and talked. ".repeat(52),
        "Then the council went home. ".repeat(400)
    );
    std::fs::write(root.join("b.txt"), &text).unwrap();
    let last = text[..text.rfind("Reyes won.").unwrap()].chars().count();
    assert!(last < 1_950, "in the first block");
    let opts = options(&dir, root.clone());
    let mut h = Harness::builder()
        .with_size(egui::vec2(900.0, 420.0))
        .build_eframe(move |cc| SpantagApp::new(cc, opts));
    for _ in 0..2 {
        h.state_mut().wait_until_loaded();
        h.run();
    }
    settle(&mut h);
    assert_eq!(live(&h).len(), 2, "{:?}", live(&h));
    h.key_press(Key::Enter);
    settle(&mut h);
    assert_eq!(spans(&h), vec![(9..14, "actor".to_owned())]);
    let on_screen = |h: &Harness<'_, SpantagApp>| {
        let viewport = h.state().view.viewport().unwrap();
        h.state()
            .view
            .screen_rects_of(last..last + 5, h.state().session().unwrap().document())
            .iter()
            .any(|r| viewport.contains_rect(*r))
    };
    assert!(!on_screen(&h), "the second Reyes starts out of sight");
    // Enter: the view goes there; nothing is tagged unseen.
    h.key_press(Key::Enter);
    settle(&mut h);
    h.run();
    assert_eq!(spans(&h).len(), 1, "accepted without being seen");
    assert!(on_screen(&h), "the view moved to the suggestion");
    h.key_press(Key::Enter);
    settle(&mut h);
    assert_eq!(
        spans(&h).last(),
        Some(&(last..last + 5, "actor".to_owned()))
    );
}
