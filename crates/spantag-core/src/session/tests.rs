//! Tests of the session: editing, undo per layer, read-only layers, orphans, recovery,
//! merging, the scheme and the project file.

use super::*;
use crate::annotation::Span;
use crate::store::AnnotationFile;

fn session_with_two_layers() -> (tempfile::TempDir, Session) {
    let dir = tempfile::tempdir().unwrap();
    let doc_path = dir.path().join("doc.txt");
    std::fs::write(&doc_path, "Mayor Reyes said the levee is late.").unwrap();
    let mut session = Session::open(&doc_path, "alice", &mut |_, _| {}).unwrap();
    let id = LayerId::from_name("alice");
    session.tag(&id, 0..11, "actor").unwrap();
    session.save(&id).unwrap();
    (dir, session)
}

#[test]
fn span_ends_move_by_a_character_or_a_word_and_undo() {
    let dir = tempfile::tempdir().unwrap();
    let doc_path = dir.path().join("doc.txt");
    // Offsets by hand: "Mayor Daniel Reyes, of Zoë's town." — Mayor 0..5, Daniel
    // 6..12, Reyes 13..18, "," 18, of 20..22, Zoë's 23..28.
    std::fs::write(&doc_path, "Mayor Daniel Reyes, of Zoë's town.").unwrap();
    let mut session = Session::open(&doc_path, "alice", &mut |_, _| {}).unwrap();
    let id = LayerId::from_name("alice");
    let Tagged::Added(span) = session.tag(&id, 6..18, "actor").unwrap() else {
        panic!("not tagged");
    };
    let mut step = |edge, word, forward| {
        session
            .move_span_edge(&id, span, edge, word, forward)
            .unwrap()
    };
    assert_eq!(step(Edge::End, true, false), Some(6..12), "back over Reyes");
    assert_eq!(
        step(Edge::End, false, true),
        Some(6..13),
        "one character on"
    );
    assert_eq!(
        step(Edge::End, true, true),
        Some(6..18),
        "to the end of Reyes"
    );
    assert_eq!(step(Edge::Start, true, false), Some(0..18), "Mayor joins");
    assert_eq!(
        step(Edge::Start, true, true),
        Some(6..18),
        "Mayor leaves again"
    );
    assert_eq!(
        step(Edge::End, true, true),
        Some(6..22),
        "past the comma to of"
    );
    assert_eq!(
        step(Edge::End, true, true),
        Some(6..28),
        "Zoë's is one word"
    );
    assert_eq!(step(Edge::Start, false, false), Some(5..28));
    // A span cannot vanish: one character left, its end cannot pass its start.
    let Tagged::Added(small) = session.tag(&id, 0..1, "claim").unwrap() else {
        panic!("not tagged");
    };
    assert_eq!(
        session
            .move_span_edge(&id, small, Edge::End, false, false)
            .unwrap(),
        None
    );
    assert_eq!(
        session
            .move_span_edge(&id, small, Edge::Start, false, false)
            .unwrap(),
        None,
        "at the document's start"
    );
    let get = |s: &Session| {
        let span = s.editable().layer().get(span).unwrap().clone();
        (span.start, span.end, span.text, span.label)
    };
    assert_eq!(
        get(&session),
        (
            5,
            28,
            " Daniel Reyes, of Zoë's".to_owned(),
            "actor".to_owned()
        )
    );
    // Each move is one step.
    session.undo(&id); // the claim span
    session.undo(&id);
    assert_eq!(get(&session).0..get(&session).1, 6..28);
    for _ in 0..7 {
        session.undo(&id);
    }
    assert_eq!(
        get(&session),
        (6, 18, "Daniel Reyes".to_owned(), "actor".to_owned())
    );
}

#[test]
fn two_editable_layers_are_edited_and_undone_independently() {
    let (dir, mut session) = session_with_two_layers();
    let alice = LayerId::from_name("alice");
    // Bob's layer, then make it editable (as the curated layer is in review).
    let doc = session.document().clone();
    let bob = LayerId::from_name("bob");
    let path = dir.path().join("doc.txt.bob.ron");
    session.layers.insert(
        bob.clone(),
        LayerState::new(store::load_layer(&doc, &path, "bob").unwrap(), path, true),
    );
    assert_eq!(
        session.tag(&alice, 11..12, "claim").unwrap(),
        Tagged::OnlyWhitespace
    );
    let Tagged::Added(added) = session.tag(&alice, 16..35, "claim").unwrap() else {
        panic!("added");
    };
    assert_eq!(
        session.editable().layer().get(added).unwrap().start,
        17,
        "trimmed to the text"
    );
    assert_eq!(
        session.tag(&alice, 17..35, "claim").unwrap(),
        Tagged::Duplicate(added)
    );
    assert!(matches!(
        session.tag(&bob, 6..11, "actor").unwrap(),
        Tagged::Added(_)
    ));
    session.tag(&bob, 17..35, "quote").unwrap();
    assert!(
        session.scheme().get("quote").is_some(),
        "one scheme for all layers"
    );
    assert_eq!(session.editable().layer().spans().len(), 2);
    assert_eq!(session.layer(&bob).unwrap().layer().spans().len(), 2);
    assert!(session.undo(&bob));
    assert_eq!(session.layer(&bob).unwrap().layer().spans().len(), 1);
    assert_eq!(
        session.editable().layer().spans().len(),
        2,
        "undo in Bob's layer leaves Alice's alone"
    );
    assert!(session.undo(&alice));
    assert_eq!(session.editable().layer().spans().len(), 1);
    assert_eq!(session.layer(&bob).unwrap().layer().spans().len(), 1);
    assert!(!session.editable().is_dirty(), "back to what was saved");
    assert!(session.layer(&bob).unwrap().is_dirty());
    assert!(
        session.scheme().get("quote").is_none(),
        "undo took the label back"
    );
    assert!(session.redo(&bob));
    assert!(session.scheme().get("quote").is_some());
}

#[test]
fn read_only_layers_refuse_edits() {
    let (dir, mut session) = session_with_two_layers();
    std::fs::copy(
        dir.path().join("doc.txt.alice.ron"),
        dir.path().join("doc.txt.bob.ron"),
    )
    .unwrap();
    let bob = LayerId::from_name("bob");
    session.add_read_only(bob.clone()).unwrap();
    assert_eq!(session.layer(&bob).unwrap().layer().spans().len(), 1);
    assert!(matches!(
        session.tag(&bob, 0..5, "claim"),
        Err(SessionError::ReadOnly(_))
    ));
    assert!(!session.undo(&bob));
}

#[test]
fn placing_an_orphan_keeps_its_id_and_undo_takes_it_back() {
    let (_dir, mut session) = session_with_two_layers();
    let alice = LayerId::from_name("alice");
    let orphan = Span::new(9, 100..105, "claim", "gone!").with_note(Some("kept".into()));
    session.apply(&alice, Edit::AddOrphan(orphan)).unwrap();
    let Tagged::Added(new) = session.tag(&alice, 12..16, "event").unwrap() else {
        panic!("tagged");
    };
    assert!(new > 9, "a new span never takes an orphan's id");
    session.place_orphan(&alice, 9, 17..34).unwrap();
    let placed = session.editable().layer().get(9).unwrap();
    assert_eq!(
        (placed.text.as_str(), placed.note.as_deref()),
        ("the levee is late", Some("kept"))
    );
    assert!(session.editable().layer().orphans.is_empty());
    session.undo(&alice);
    assert_eq!(session.editable().layer().orphans.len(), 1);
    assert!(session.editable().layer().get(9).is_none());
}

#[test]
fn restore_reanchors_and_is_undoable() {
    let (dir, mut session) = session_with_two_layers();
    let alice = LayerId::from_name("alice");
    let before = session.editable().layer().clone();
    let revision = session.editable().revision();
    // A recovery file written against an older text with two words more in front.
    let old = Document::from_text("Today Mayor Reyes said the levee is late.".into());
    let mut layer = Layer::new("alice");
    layer.insert(Span::new(1, 18..22, "claim", "said"));
    layer.insert(Span::new(2, 6..17, "actor", "Mayor Reyes"));
    let file = AnnotationFile::from_layer(&layer, &old);
    let restored = session.restore(&alice, file).unwrap();
    assert_eq!(restored.moved, 2);
    assert_ne!(session.editable().revision(), revision, "lists refresh");
    let spans: Vec<(usize, &str)> = session
        .editable()
        .layer()
        .spans()
        .iter()
        .map(|s| (s.start, s.text.as_str()))
        .collect();
    assert_eq!(spans, [(0, "Mayor Reyes"), (12, "said")]);
    assert!(session.editable().is_dirty());
    assert!(session.undo(&alice));
    assert_eq!(session.editable().layer().spans(), before.spans());
    drop(dir);
}

#[test]
fn a_changed_source_is_recorded_by_the_next_save_and_warned_once() {
    let (dir, session) = session_with_two_layers();
    drop(session);
    let doc_path = dir.path().join("doc.txt");
    // Text appended: every span still matches.
    std::fs::write(&doc_path, "Mayor Reyes said the levee is late. More.").unwrap();
    let mut session = Session::open(&doc_path, "alice", &mut |_, _| {}).unwrap();
    assert!(
        session
            .editable()
            .problems()
            .iter()
            .any(|p| matches!(p, Problem::StaleSource { .. }))
    );
    assert!(
        session.editable().is_dirty(),
        "the new hash is not on disk yet"
    );
    session.save(&LayerId::from_name("alice")).unwrap();
    let again = Session::open(&doc_path, "alice", &mut |_, _| {}).unwrap();
    assert!(
        again.editable().problems().is_empty(),
        "{:?}",
        again.editable().problems()
    );
    assert!(!again.editable().is_dirty());
}

#[test]
fn merging_adds_only_what_is_missing_in_one_step() {
    let (_dir, mut session) = session_with_two_layers();
    let alice = LayerId::from_name("alice");
    let mut theirs = AnnotationFile::from_layer(session.editable().layer(), session.document());
    theirs
        .spans
        .push(Span::new(1, 17..35, "claim", "the levee is late."));
    // Their relation from "Mayor Reyes" (their id 7, my id 1) to their new claim (their
    // id 1, which is my Mayor Reyes's id: ids differ between files), and a rejection.
    theirs.spans[0].id = 7;
    theirs.relations.push(crate::annotation::Relation {
        id: 8,
        from: 7,
        to: 1,
        label: "says".into(),
    });
    theirs.rejected.push(crate::annotation::Rejection {
        start: 21,
        end: 26,
        label: "actor".into(),
        text: "levee".into(),
    });
    let added = session.merge_file(&alice, &theirs).unwrap();
    assert_eq!(added, 1);
    let layer = session.editable().layer();
    let spans: Vec<(u64, usize, &str)> = layer
        .spans()
        .iter()
        .map(|s| (s.id, s.start, s.label.as_str()))
        .collect();
    assert_eq!(spans.len(), 2);
    let (mayor, claim) = (spans[0].0, spans[1].0);
    assert_eq!((spans[0].1, spans[1].1), (0, 17));
    assert_ne!(mayor, claim, "the merged span got a fresh id");
    let relations: Vec<(u64, u64, &str)> = layer
        .relations
        .iter()
        .map(|r| (r.from, r.to, r.label.as_str()))
        .collect();
    assert_eq!(
        relations,
        [(mayor, claim, "says")],
        "their relation, on my ids"
    );
    assert!(layer.is_rejected(21, 26, "actor"));
    // Merging again adds nothing.
    assert_eq!(session.merge_file(&alice, &theirs).unwrap(), 0);
    assert_eq!(session.editable().layer().relations.len(), 1);
    session.undo(&alice);
    session.undo(&alice);
    let layer = session.editable().layer();
    assert_eq!(layer.spans().len(), 1);
    assert!(layer.relations.is_empty() && layer.rejected.is_empty());
}

#[test]
fn scheme_has_one_order_whatever_each_layer_lists() {
    let mut a = LabelScheme::new(["claim", "actor", "event"]);
    a.ensure("quote");
    let b = LabelScheme::new(["zeal", "event", "actor", "claim", "quote"]);
    let unified = LabelScheme::unified(&a, [&a, &b]);
    let names: Vec<&str> = unified.labels().iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["claim", "actor", "event", "quote", "zeal"]);
    assert_eq!(
        unified.get("actor").map(|l| l.color.clone()),
        a.get("actor").map(|l| l.color.clone())
    );
}

#[test]
fn reanchoring_on_open_reports_progress() {
    let dir = tempfile::tempdir().unwrap();
    let doc_path = dir.path().join("doc.txt");
    let text = "Reyes spoke. ".repeat(300);
    std::fs::write(&doc_path, &text).unwrap();
    let mut session = Session::open(&doc_path, "alice", &mut |_, _| {}).unwrap();
    let alice = LayerId::from_name("alice");
    for i in 0..300 {
        session.tag(&alice, i * 13..i * 13 + 5, "actor").unwrap();
    }
    session.save(&alice).unwrap();
    std::fs::write(&doc_path, format!("Editor's note. {text}")).unwrap();
    let mut calls = Vec::new();
    let reopened = Session::open(&doc_path, "alice", &mut |done, total| {
        calls.push((done, total));
    })
    .unwrap();
    assert_eq!(calls.last(), Some(&(300, 300)));
    let starts: Vec<usize> = reopened
        .editable()
        .layer()
        .spans()
        .iter()
        .map(|s| s.start)
        .collect();
    assert_eq!(starts, (0..300).map(|i| i * 13 + 15).collect::<Vec<_>>());
}

#[test]
fn default_relation_types_follow_a_renamed_label() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.txt");
    std::fs::write(&doc, "Reyes said so.").unwrap();
    let says = |s: &Session, from: &str, to: &str| {
        s.relation_types()
            .iter()
            .any(|t| t.name == "says" && t.allows(from, to))
    };
    let session = Session::open(&doc, "alice", &mut |_, _| {}).unwrap();
    assert!(says(&session, "actor", "claim"));
    assert!(
        !says(&session, "event", "claim"),
        "the defaults still guide"
    );
    // alice renamed actor to person (spantag label rename, or the label editor).
    std::fs::write(
        dir.path().join("doc.txt.bob.ron"),
        "(version: 1, source: \"doc.txt\", source_hash: \"sha256:0\", annotator: \"bob\",\n labels: [(name: \"claim\", color: \"#4e79a7\"), (name: \"person\", color: \"#e15759\"), (name: \"event\", color: \"#59a14f\")],\n spans: [(id: 1, start: 0, end: 5, label: \"person\", text: \"Reyes\")])\n",
    )
    .unwrap();
    let session = Session::open(&doc, "bob", &mut |_, _| {}).unwrap();
    assert!(
        says(&session, "person", "claim"),
        "{:?}",
        session.relation_types()
    );
    assert!(
        !says(&session, "person", "event"),
        "the target is still a claim"
    );
}

#[test]
fn with_a_project_file_the_defaults_show_only_when_a_file_lists_them_or_a_span_uses_them() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.txt");
    std::fs::write(&doc, "Reyes said so.").unwrap();
    std::fs::write(
        dir.path().join("spantag.ron"),
        "(version: 1, labels: [(name: \"quote\", color: \"#f28e2b\"), (name: \"actor\", color: \"#e15759\")])",
    )
    .unwrap();
    let names = |who: &str| -> Vec<String> {
        let session = Session::open(&doc, who, &mut |_, _| {}).unwrap();
        session
            .editable()
            .layer()
            .scheme
            .labels()
            .iter()
            .map(|l| l.name.clone())
            .collect()
    };
    // A file written by hand, without a label list: the claim its span uses stays.
    std::fs::write(
        dir.path().join("doc.txt.bob.ron"),
        "(version: 1, source: \"doc.txt\", source_hash: \"sha256:0\", annotator: \"bob\",\n spans: [(id: 1, start: 0, end: 5, label: \"claim\", text: \"Reyes\")])\n",
    )
    .unwrap();
    assert_eq!(names("bob"), ["quote", "actor", "claim"]);
    // A file that lists labels keeps them all, after the project's.
    std::fs::write(
        dir.path().join("doc.txt.chen.ron"),
        "(version: 1, source: \"doc.txt\", source_hash: \"sha256:0\", annotator: \"chen\",\n labels: [(name: \"claim\", color: \"#4e79a7\"), (name: \"event\", color: \"#59a14f\")],\n spans: [])\n",
    )
    .unwrap();
    assert_eq!(names("chen"), ["quote", "actor", "claim", "event"]);
    // No file at all: the project's labels only.
    assert_eq!(names("dana"), ["quote", "actor"]);
}

#[test]
fn the_project_file_sets_labels_and_relation_types_and_a_bad_one_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("week 1");
    std::fs::create_dir(&sub).unwrap();
    let doc = sub.join("doc.txt");
    std::fs::write(&doc, "Reyes said so.").unwrap();
    std::fs::write(
        dir.path().join("spantag.ron"),
        "(\n    version: 1,\n    labels: [\n        (name: \"quote\", color: \"#f28e2b\", key: '1'),\n        (name: \"actor\", color: \"#e15759\"),\n    ],\n    relation_types: [\n        (name: \"utters\", from: [\"actor\"], to: [\"quote\"]),\n    ],\n)\n",
    )
    .unwrap();
    let session = Session::open(&doc, "alice", &mut |_, _| {}).unwrap();
    assert!(session.project_error().is_none());
    let names: Vec<&str> = session
        .scheme()
        .labels()
        .iter()
        .map(|l| l.name.as_str())
        .collect();
    assert_eq!(
        names,
        ["quote", "actor"],
        "the project's labels, quote on key 1, and not the defaults (no file yet)"
    );
    assert_eq!(
        session.scheme().by_hotkey(1).map(|l| l.name.as_str()),
        Some("quote")
    );
    let types: Vec<&str> = session
        .relation_types()
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(types, ["utters"]);
    // A broken file: reported, defaults used, nothing written.
    std::fs::write(
        dir.path().join("spantag.ron"),
        "(version: 1, labels: [(name: \"x\", color: \"red\")])",
    )
    .unwrap();
    let session = Session::open(&doc, "alice", &mut |_, _| {}).unwrap();
    let err = session.project_error().unwrap();
    assert!(err.contains("spantag.ron:1:"), "{err}");
    let names: Vec<&str> = session
        .scheme()
        .labels()
        .iter()
        .map(|l| l.name.as_str())
        .collect();
    assert_eq!(names, ["claim", "actor", "event"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("spantag.ron")).unwrap(),
        "(version: 1, labels: [(name: \"x\", color: \"red\")])"
    );
}

#[test]
fn event_arguments_are_added_and_removed_one_by_one_and_undone() {
    // "Mayor Reyes said the levee is late.": Mayor Reyes 0..11, said 12..16, levee 21..26.
    let (_dir, mut session) = session_with_two_layers();
    let id = LayerId::from_name("alice");
    let tagged = |t: Tagged| match t {
        Tagged::Added(span) => span,
        _ => panic!("not tagged"),
    };
    let said = tagged(session.tag(&id, 12..16, "event").unwrap());
    let levee = tagged(session.tag(&id, 21..26, "claim").unwrap());
    let reyes = session.layer(&id).unwrap().layer().spans()[0].id;
    let event = session.add_event_arg(&id, said, reyes, "Speaker").unwrap();
    // A second argument joins the same event; the same one again is not added twice.
    assert_eq!(
        session.add_event_arg(&id, said, levee, "Topic").unwrap(),
        event
    );
    assert_eq!(
        session.add_event_arg(&id, said, levee, "Topic").unwrap(),
        event
    );
    let args = |s: &Session| -> Vec<String> {
        s.layer(&id)
            .unwrap()
            .layer()
            .events
            .iter()
            .flat_map(|e| e.args.iter().map(|a| a.role.clone()))
            .collect()
    };
    assert_eq!(args(&session), ["Speaker", "Topic"]);
    session.remove_event_part(&id, event, Some(0)).unwrap();
    assert_eq!(args(&session), ["Topic"]);
    session.remove_event_part(&id, event, None).unwrap();
    assert!(session.layer(&id).unwrap().layer().events.is_empty());
    assert!(session.remove_event_part(&id, event, None).is_err());
    assert!(session.undo(&id));
    assert!(session.undo(&id));
    assert_eq!(args(&session), ["Speaker", "Topic"]);
    // Arguments cannot point at their own trigger.
    assert!(session.add_event_arg(&id, said, said, "Self").is_err());
}
