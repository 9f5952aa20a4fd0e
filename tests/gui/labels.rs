//! The label editor through the real app (egui_kittest): renaming a label changes every
//! annotation file of the folder after a confirmation (with `.bak`s), recolouring and moving
//! labels are undoable, removing a used label asks first; with a project file the changes go
//! to `spantag.ron`. Files are written by hand here; expectations come from them.

use std::path::{Path, PathBuf};

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use spantag_app::{AppOptions, Command, SpantagApp};
use spantag_core::store::{AnnotationFile, annotation_path};

use crate::harness;

fn file(source: &str, annotator: &str, spans: &[(usize, usize, &str, &str)]) -> String {
    let mut out = format!(
        "(\n    version: 1,\n    source: \"{source}\",\n    source_hash: \"sha256:0\",\n    annotator: \"{annotator}\",\n    spans: [\n"
    );
    for (i, (start, end, label, text)) in spans.iter().enumerate() {
        out.push_str(&format!(
            "        (id: {}, start: {start}, end: {end}, label: \"{label}\", text: \"{text}\"),\n",
            i + 1
        ));
    }
    out.push_str("    ],\n)\n");
    out
}

/// news/a.txt (alice, bob) and news/week 2/b.txt (alice): "Reyes" is an actor everywhere.
fn corpus() -> (tempfile::TempDir, PathBuf, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("news");
    std::fs::create_dir_all(root.join("week 2")).unwrap();
    let a = root.join("a.txt");
    let b = root.join("week 2/b.txt");
    std::fs::write(&a, "Reyes spoke. The vote passed.").unwrap();
    std::fs::write(&b, "Later Reyes left.").unwrap();
    let files = vec![
        annotation_path(&a, "alice"),
        annotation_path(&a, "bob"),
        annotation_path(&b, "alice"),
    ];
    std::fs::write(
        &files[0],
        file(
            "a.txt",
            "alice",
            &[
                (0, 5, "actor", "Reyes"),
                (13, 28, "event", "The vote passed"),
            ],
        ),
    )
    .unwrap();
    std::fs::write(&files[1], file("a.txt", "bob", &[(0, 5, "actor", "Reyes")])).unwrap();
    std::fs::write(
        &files[2],
        file("b.txt", "alice", &[(6, 11, "actor", "Reyes")]),
    )
    .unwrap();
    (dir, root, files)
}

fn app(dir: &Path, document: PathBuf) -> Harness<'static, SpantagApp> {
    harness::app(AppOptions {
        document: Some(document),
        annotator: Some("alice".to_owned()),
        config_dir: Some(dir.join("config")),
        ..Default::default()
    })
}

fn labels_of(h: &Harness<'_, SpantagApp>) -> Vec<(String, String)> {
    h.state()
        .layer()
        .unwrap()
        .scheme
        .labels()
        .iter()
        .map(|l| (l.name.clone(), l.color.clone()))
        .collect()
}

#[test]
fn renaming_a_label_changes_every_file_of_the_folder_after_a_confirmation() {
    let (dir, root, files) = corpus();
    let before: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let mut h = app(dir.path(), root.clone());
    h.state_mut().push(Command::ShowLabelEditor);
    h.run();
    // The second row is actor (claim, actor, event): its Rename… button.
    h.query_all_by_label("Rename…").nth(1).unwrap().click();
    h.run();
    for _ in 0.."actor".len() {
        h.key_press(Key::Backspace);
    }
    h.run();
    h.event(egui::Event::Text("person".to_owned()));
    h.run();
    h.key_press(Key::Enter);
    h.run();
    // The confirmation counts what changes: 3 spans in 3 files.
    h.get_by_label_contains("Rename “actor” to “person”?");
    h.get_by_label_contains("3 spans in 3 annotation files");
    for (f, text) in files.iter().zip(&before) {
        assert_eq!(
            &std::fs::read_to_string(f).unwrap(),
            text,
            "nothing written yet"
        );
    }
    h.get_by_label("Rename in 3 files").click();
    h.run();
    for (f, text) in files.iter().zip(&before) {
        let now = AnnotationFile::read_unhashed(f).unwrap();
        assert!(
            now.spans.iter().all(|s| s.label != "actor"),
            "{}",
            f.display()
        );
        assert_eq!(
            now.spans.iter().filter(|s| s.label == "person").count(),
            text.matches("\"actor\"").count(),
            "{}",
            f.display()
        );
        let mut bak = f.as_os_str().to_owned();
        bak.push(".bak");
        let bak = std::fs::read_to_string(PathBuf::from(bak)).unwrap();
        if *f == files[0] {
            // The open document's file was saved first (its recorded hash was out of date):
            // its .bak is that save, still with "actor".
            assert_eq!(
                bak.matches("\"actor\"").count(),
                2,
                "its label list and one span: {bak}"
            );
        } else {
            assert_eq!(&bak, text);
        }
    }
    // The open document shows the new name, and the event span is untouched.
    let layer = h.state().layer().unwrap();
    let labels: Vec<&str> = layer.spans().iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, ["person", "event"]);
    assert!(layer.scheme.get("person").is_some() && layer.scheme.get("actor").is_none());
    h.get_by_label_contains("Renamed actor to person: 3 spans in 3 files");

    // Renaming onto a label that exists is refused before anything is asked.
    h.query_all_by_label("Rename…").nth(1).unwrap().click();
    h.run();
    for _ in 0.."person".len() {
        h.key_press(Key::Backspace);
    }
    h.event(egui::Event::Text("event".to_owned()));
    h.run();
    h.key_press(Key::Enter);
    h.run();
    h.get_by_label_contains("There is a label “event” already");
    assert!(h.state().label_editor.confirm.is_none());
}

#[test]
fn recolouring_and_moving_labels_undo_and_removing_a_used_one_asks_first() {
    let (dir, root, _) = corpus();
    let mut h = app(dir.path(), root.join("a.txt"));
    let defaults = labels_of(&h);
    assert_eq!(defaults[0].0, "claim");
    h.state_mut().push(Command::ShowLabelEditor);
    h.run();
    // Colour of event: the palette's fourth colour (orange), from its menu.
    h.get_by_label("Colour of event").click();
    h.run();
    h.get_by_label("#f28e2b").click();
    h.run();
    assert_eq!(
        h.state()
            .layer()
            .unwrap()
            .scheme
            .get("event")
            .unwrap()
            .color,
        "#f28e2b"
    );
    // event up: claim, event, actor (its hotkey is now 2).
    h.query_all_by_label("↑").nth(2).unwrap().click();
    h.run();
    let names: Vec<String> = labels_of(&h).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["claim", "event", "actor"]);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(labels_of(&h), defaults);
    // Removing actor (alice's "Reyes" uses it) asks, then deletes the span with it.
    h.query_all_by_label("Remove").nth(1).unwrap().click();
    h.run();
    h.get_by_label_contains("1 span of yours use");
    assert_eq!(h.state().layer().unwrap().spans().len(), 2);
    h.get_by_label("Delete 1 span and the label").click();
    h.run();
    let layer = h.state().layer().unwrap();
    assert_eq!(layer.spans().len(), 1);
    assert!(layer.scheme.get("actor").is_none());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().layer().unwrap().spans().len(), 2);
    assert_eq!(labels_of(&h), defaults, "one undo brings both back");
}

#[test]
fn with_a_project_file_the_changes_go_to_spantag_ron() {
    let (dir, root, _) = corpus();
    let project = root.join("spantag.ron");
    let text = "(\n    version: 1,\n    labels: [\n        (name: \"actor\", color: \"#e15759\", key: '1'),\n        (name: \"event\", color: \"#59a14f\", key: '2', description: Some(\"Something that happened\")),\n    ],\n)\n";
    std::fs::write(&project, text).unwrap();
    let mut h = app(dir.path(), root.join("a.txt"));
    // The project's labels only: alice's file lists no labels (so the defaults stand in
    // for them) and none of her spans uses claim.
    let names: Vec<String> = labels_of(&h).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["actor", "event"]);
    h.state_mut().push(Command::ShowLabelEditor);
    h.run();
    h.get_by_label_contains("The labels come from");
    h.get_by_label("Colour of actor").click();
    h.run();
    h.get_by_label("#b07aa1").click();
    h.run();
    h.query_all_by_label("↓").next().unwrap().click();
    h.run();
    let written = spantag_core::project::load(&project).unwrap();
    let got: Vec<(&str, &str, Option<char>, Option<&str>)> = written
        .labels
        .iter()
        .map(|l| {
            (
                l.name.as_str(),
                l.color.as_str(),
                l.key.map(|k| k.char()),
                l.description.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "event",
                "#59a14f",
                Some('1'),
                Some("Something that happened")
            ),
            ("actor", "#b07aa1", Some('2'), None),
        ]
    );
    let mut bak = project.as_os_str().to_owned();
    bak.push(".bak");
    assert!(PathBuf::from(bak).exists());
    let names: Vec<String> = labels_of(&h).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["event", "actor"], "the palette follows the file");
}
