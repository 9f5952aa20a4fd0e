//! Drives the real app headless with egui_kittest: drag over text, press keys, click the
//! palette, and check what was saved to disk.

use std::path::{Path, PathBuf};

use egui::accesskit::Role;
use egui::{Key, Modifiers, Pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use spantag_app::{AppOptions, Command, SpantagApp};
use spantag_core::session::{LayerId, SpanRef};
use spantag_core::store::{AnnotationFile, annotation_path};

use crate::harness;

const TEXT: &str = "Mayor Daniel Reyes declared victory.\n\nThe council approved $40 million in June.\nCritics say the plan is late.\n";

struct Fixture {
    dir: tempfile::TempDir,
    doc: PathBuf,
}

fn fixture(text: &str) -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let doc = dir.path().join("news.txt");
    std::fs::write(&doc, text).expect("write doc");
    Fixture { dir, doc }
}

fn harness(fx: &Fixture) -> Harness<'static, SpantagApp> {
    harness_with(fx, |b| b)
}

fn harness_with(
    fx: &Fixture,
    configure: impl FnOnce(
        egui_kittest::HarnessBuilder<SpantagApp>,
    ) -> egui_kittest::HarnessBuilder<SpantagApp>,
) -> Harness<'static, SpantagApp> {
    let options = AppOptions {
        document: Some(fx.doc.clone()),
        annotator: Some("tester".to_owned()),
        config_dir: Some(fx.dir.path().join("config")),
        ..Default::default()
    };
    let builder = Harness::builder().with_size(vec2(1400.0, 900.0));
    let mut harness = configure(builder).build_eframe(move |cc| SpantagApp::new(cc, options));
    // The document opens on a loader thread; the tests start once it is open.
    harness.state_mut().wait_until_loaded();
    harness.run();
    harness
}

use harness::{click_at, pos, press_release, run_until};

fn drag(harness: &mut Harness<'_, SpantagApp>, from: Pos2, to: Pos2) {
    harness.hover_at(from);
    harness.run();
    harness.drag_at(from);
    harness.run();
    let mid = from + (to - from) * 0.5;
    harness.hover_at(mid);
    harness.run();
    harness.hover_at(to);
    harness.run();
    harness.drop_at(to);
    harness.run();
}

fn double_click_at(harness: &mut Harness<'_, SpantagApp>, p: Pos2) {
    harness.hover_at(p);
    harness.run();
    press_release(harness, p);
    harness.step();
    press_release(harness, p);
    harness.run();
}

fn select_text(harness: &mut Harness<'_, SpantagApp>, needle: &str) -> (usize, usize) {
    let byte = TEXT.find(needle).expect("needle in text");
    let start = TEXT[..byte].chars().count();
    let end = start + needle.chars().count();
    let (a, b) = (pos(harness, start), pos(harness, end));
    drag(harness, a, b);
    (start, end)
}

fn spans(harness: &Harness<'_, SpantagApp>) -> Vec<(usize, usize, String, String)> {
    harness
        .state()
        .layer()
        .expect("a document is open")
        .spans()
        .iter()
        .map(|s| (s.start, s.end, s.label.clone(), s.text.clone()))
        .collect()
}

/// Presses Ctrl+S and lets the frame run.
fn save_now(h: &mut Harness<'_, SpantagApp>) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
}

fn saved(path: &Path) -> AnnotationFile {
    AnnotationFile::read(path).expect("saved file parses")
}

#[test]
fn drag_then_hotkey_tags_the_exact_text() {
    let fx = fixture(TEXT);
    let mut h = harness(&fx);
    let (start, end) = select_text(&mut h, "Daniel Reyes");
    let sel = h.state().view.selection.expect("a selection").range();
    assert_eq!(sel, start..end, "the drag selects exactly the word range");
    h.key_press(Key::Num2);
    h.run();
    assert_eq!(
        spans(&h),
        [(start, end, "actor".to_owned(), "Daniel Reyes".to_owned())]
    );
    assert!(h.state().is_dirty());
}

#[test]
fn whitespace_is_trimmed_from_a_new_span() {
    let fx = fixture(TEXT);
    let mut h = harness(&fx);
    let (start, end) = select_text(&mut h, " council approved ");
    h.key_press(Key::Num3);
    h.run();
    assert_eq!(
        spans(&h),
        [(
            start + 1,
            end - 1,
            "event".to_owned(),
            "council approved".to_owned()
        )]
    );
}

#[test]
fn palette_relabels_delete_undo_redo() {
    let fx = fixture(TEXT);
    let mut h = harness(&fx);
    let (start, end) = select_text(&mut h, "The council approved $40 million");
    h.key_press(Key::Num1);
    h.run();
    assert_eq!(spans(&h)[0].2, "claim");

    // The new span is selected: clicking "event" in the palette relabels it.
    h.get_by_role_and_label(Role::Button, "event").click();
    h.run();
    assert_eq!(
        spans(&h),
        [(
            start,
            end,
            "event".to_owned(),
            "The council approved $40 million".to_owned()
        )]
    );

    h.key_press(Key::Delete);
    h.run();
    assert!(spans(&h).is_empty());

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(spans(&h).len(), 1, "undo brings the span back");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(spans(&h)[0].2, "claim", "undo reverts the relabel");
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    assert_eq!(spans(&h)[0].2, "event", "redo");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run();
    assert!(spans(&h).is_empty(), "Ctrl+Y redoes the delete");
}

#[test]
fn clicking_a_span_selects_it_and_nested_spans_are_reachable() {
    let fx = fixture(TEXT);
    let mut h = harness(&fx);
    let (outer_start, _) = select_text(&mut h, "Mayor Daniel Reyes declared victory");
    h.key_press(Key::Num1);
    h.run();
    select_text(&mut h, "Daniel Reyes");
    h.key_press(Key::Num2);
    h.run();
    h.key_press(Key::Escape);
    h.run();
    assert_eq!(spans(&h).len(), 2);
    let ids: Vec<(u64, String)> = h
        .state()
        .layer()
        .unwrap()
        .spans()
        .iter()
        .map(|s| (s.id, s.label.clone()))
        .collect();

    // Clicking inside "Reyes" selects the innermost span (the actor)…
    let inside = pos(&h, outer_start + 8) + vec2(2.0, 0.0);
    h.hover_at(inside);
    h.run();
    click_at(&mut h, inside);
    let selected = h.state().selected_span().map(|r| r.id);
    let actor = ids.iter().find(|(_, l)| l == "actor").unwrap().0;
    let claim = ids.iter().find(|(_, l)| l == "claim").unwrap().0;
    assert_eq!(selected, Some(actor));
    // …clicking again at the same spot cycles out to the enclosing claim.
    click_at(&mut h, inside);
    assert_eq!(h.state().selected_span().map(|r| r.id), Some(claim));
    // Clicking "Mayor" (only inside the claim) selects the claim directly.
    let mayor = pos(&h, outer_start + 1) + vec2(2.0, 0.0);
    click_at(&mut h, mayor);
    assert_eq!(h.state().selected_span().map(|r| r.id), Some(claim));
}

#[test]
fn save_and_reload_restores_every_span() {
    let fx = fixture(TEXT);
    let mut h = harness(&fx);
    select_text(&mut h, "council");
    h.key_press(Key::Num2);
    h.run();
    select_text(&mut h, "Critics say the plan is late");
    h.key_press(Key::Num1);
    h.run();
    save_now(&mut h);
    assert!(!h.state().is_dirty());
    let path = annotation_path(&fx.doc, "tester");
    let file = saved(&path);
    assert_eq!(file.annotator, "tester");
    assert_eq!(file.source, "news.txt");
    assert_eq!(file.spans.len(), 2);
    let chars: Vec<char> = TEXT.chars().collect();
    for span in &file.spans {
        assert_eq!(
            chars[span.start..span.end].iter().collect::<String>(),
            span.text
        );
    }
    let before = spans(&h);
    drop(h);

    let h = harness(&fx);
    assert_eq!(spans(&h), before, "reopening shows every span where it was");
    assert!(!h.state().is_dirty());
}

#[test]
fn double_click_selects_a_word() {
    let fx = fixture(TEXT);
    // Real time between frames, so the two clicks fall within the double-click delay.
    let mut h = harness_with(&fx, |b| b.with_step_dt(1.0 / 60.0));
    let byte = TEXT.find("council").unwrap();
    let start = TEXT[..byte].chars().count();
    let p = pos(&h, start + 2) + vec2(2.0, 0.0);
    double_click_at(&mut h, p);
    assert_eq!(
        h.state().view.selection.map(|s| s.range()),
        Some(start..start + 7)
    );
}

#[test]
fn closing_with_unsaved_changes_asks_first() {
    let fx = fixture(TEXT);
    let mut h = harness(&fx);
    select_text(&mut h, "council");
    h.key_press(Key::Num2);
    h.run();
    h.state_mut().push(Command::CloseDocument);
    h.run();
    assert!(h.state().open.is_some(), "not closed without asking");
    h.get_by_label_contains("Save your changes");
    h.get_by_role_and_label(Role::Button, "Save").click();
    h.run();
    assert!(h.state().open.is_none());
    assert_eq!(saved(&annotation_path(&fx.doc, "tester")).spans.len(), 1);
}

#[test]
fn a_custom_label_can_be_added_and_used() {
    let fx = fixture(TEXT);
    let mut h = harness(&fx);
    h.state_mut().push(Command::AddLabel(
        LayerId::from_name("tester"),
        "quote".to_owned(),
    ));
    h.run();
    select_text(&mut h, "the plan is late");
    h.key_press(Key::Num4);
    h.run();
    assert_eq!(spans(&h)[0].2, "quote");
    save_now(&mut h);
    let file = saved(&annotation_path(&fx.doc, "tester"));
    assert!(file.labels.iter().any(|l| l.name == "quote"));
}

#[test]
fn non_ascii_and_crlf_offsets_are_code_points() {
    let text = "Zoë Ångström 👋 met 東京 officials.\r\nSecond line: naïve café.\r\n";
    let fx = fixture(text);
    let options = AppOptions {
        document: Some(fx.doc.clone()),
        annotator: Some("tester".to_owned()),
        config_dir: Some(fx.dir.path().join("config")),
        ..Default::default()
    };
    let mut h = Harness::builder()
        .with_size(vec2(1400.0, 900.0))
        .allow_missing_glyphs()
        .build_eframe(move |cc| SpantagApp::new(cc, options));
    h.state_mut().wait_until_loaded();
    h.run();
    let chars: Vec<char> = text.chars().collect();
    let find = |needle: &str| {
        let byte = text.find(needle).unwrap();
        let start = text[..byte].chars().count();
        (start, start + needle.chars().count())
    };
    for (needle, key) in [
        ("Ångström", Key::Num2),
        ("東京", Key::Num2),
        ("naïve café", Key::Num1),
    ] {
        let (start, end) = find(needle);
        let (a, b) = (pos(&h, start), pos(&h, end));
        drag(&mut h, a, b);
        h.key_press(key);
        h.run();
    }
    save_now(&mut h);
    let file = saved(&annotation_path(&fx.doc, "tester"));
    let texts: Vec<&str> = file.spans.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(texts, ["Ångström", "東京", "naïve café"]);
    for span in &file.spans {
        assert_eq!(
            chars[span.start..span.end].iter().collect::<String>(),
            span.text
        );
    }
    assert_eq!(file.spans[2].start, find("naïve café").0);
}

#[test]
fn export_dialog_saves_first_and_writes_the_dataset() {
    let fx = fixture(TEXT);
    let mut h = harness(&fx);
    select_text(&mut h, "Daniel Reyes");
    h.key_press(Key::Num2);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    h.run();
    assert!(h.state().export.open, "Ctrl+E opens the export dialog");
    let out = fx.dir.path().join("dataset.jsonl");
    h.state_mut().export.out = out.display().to_string();
    h.get_by_role_and_label(Role::Button, "Export").click();
    run_until(&mut h, "the export", |app| {
        !app.export.busy() && out.exists()
    });
    assert!(
        !h.state().is_dirty(),
        "unsaved changes were saved before exporting"
    );
    let line = std::fs::read_to_string(&out).unwrap();
    let record: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(record["spans"][0]["text"], "Daniel Reyes");
    assert_eq!(record["meta"]["annotator"], "tester");
    h.get_by_label_contains("1 span(s) written");
}

#[test]
fn import_dialog_writes_annotation_files_and_opens_the_document() {
    let fx = fixture(TEXT);
    let dataset = fx.dir.path().join("in.jsonl");
    std::fs::write(
        &dataset,
        "{\"text\":\"Imported text about Reyes.\",\"spans\":[{\"start\":20,\"end\":25,\"label\":\"actor\"}],\"meta\":{\"source\":\"imported.txt\",\"annotator\":\"tester\"}}\n",
    )
    .unwrap();
    let mut h = harness(&fx);
    h.state_mut().push(Command::ShowImport);
    h.run();
    assert!(h.state().import.open);
    let into = fx.dir.path().join("imported");
    h.state_mut().import.input = dataset.display().to_string();
    h.state_mut().import.into = into.display().to_string();
    h.get_by_role_and_label(Role::Button, "Import").click();
    run_until(&mut h, "the import", |app| {
        app.import.imported_first.is_some()
    });
    h.get_by_role_and_label(Role::Button, "Open imported.txt")
        .click();
    run_until(&mut h, "the imported document", |app| {
        app.open
            .as_ref()
            .is_some_and(|o| o.session.document().display_name() == "imported.txt")
    });
    assert_eq!(
        spans(&h),
        [(20, 25, "actor".to_owned(), "Reyes".to_owned())]
    );
}

fn tag(h: &mut Harness<'_, SpantagApp>, needle: &str, key: Key) {
    select_text(h, needle);
    h.key_press(key);
    h.run();
}

#[test]
fn unsaved_work_goes_to_a_recovery_file_and_is_offered_back() {
    let fx = fixture(TEXT);
    let ann = annotation_path(&fx.doc, "tester");
    let recovery = spantag_core::recovery::recovery_path(&ann);
    {
        let mut h = harness(&fx);
        tag(&mut h, "Daniel Reyes", Key::Num2);
        tag(&mut h, "council", Key::Num2);
        // Within two seconds of the change the recovery file holds it.
        run_until(&mut h, "the recovery file", |_| {
            std::fs::read_to_string(&recovery).is_ok_and(|t| t.contains("\"council\""))
        });
        // The app is dropped here without saving, as after a crash.
    }
    assert!(!ann.exists());
    let mut h = harness(&fx);
    h.get_by_label_contains("Restore unsaved work?");
    h.get_by_role_and_label(Role::Button, "Restore").click();
    h.run();
    let texts: Vec<String> = spans(&h).into_iter().map(|s| s.3).collect();
    assert_eq!(texts, ["Daniel Reyes", "council"]);
    assert!(h.state().is_dirty(), "restored work still needs saving");
    save_now(&mut h);
    assert_eq!(saved(&ann).spans.len(), 2);
    spantag_core::recovery::flush(); // the recovery thread removes it, after any write queued before
    assert!(!recovery.exists(), "saving removes the recovery file");
}

/// Two windows on one layer that both crashed: the newest work is offered, the other is kept
/// beside the file and named, and the saved file (written by a third window) does not hide
/// either.
#[test]
fn two_crashed_windows_on_one_layer_both_get_their_work_back() {
    let fx = fixture(TEXT);
    let ann = annotation_path(&fx.doc, "tester");
    let doc = spantag_core::document::Document::open(&fx.doc).unwrap();
    let one_span = |needle: &str| {
        let start = TEXT.find(needle).unwrap();
        let mut layer = spantag_core::annotation::Layer::new("tester");
        layer.insert(spantag_core::annotation::Span::new(
            1,
            start..start + needle.len(),
            "actor",
            needle,
        ));
        AnnotationFile::from_layer(&layer, &doc).to_ron()
    };
    let ended = || {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    };
    let name = ann.file_name().unwrap().to_string_lossy().into_owned();
    let older = ann.with_file_name(format!(".{name}.{}.recovery", ended()));
    std::fs::write(&older, one_span("council")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let newer = ann.with_file_name(format!(".{name}.{}.recovery", ended()));
    std::fs::write(&newer, one_span("Critics")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(
        &ann,
        AnnotationFile::from_layer(&spantag_core::annotation::Layer::new("tester"), &doc).to_ron(),
    )
    .unwrap();

    let mut h = harness(&fx);
    h.get_by_label_contains("Restore unsaved work?");
    h.get_by_label_contains("1 other window(s) on this layer also had unsaved work");
    h.get_by_role_and_label(Role::Button, "Restore").click();
    h.run();
    let texts: Vec<String> = spans(&h).into_iter().map(|s| s.3).collect();
    assert_eq!(texts, ["Critics"]);
    // Then the other window's work is offered too, and merged in.
    h.get_by_label_contains("Another window's unsaved work");
    h.get_by_role_and_label(Role::Button, "Merge it in").click();
    h.run();
    let mut texts: Vec<String> = spans(&h).into_iter().map(|s| s.3).collect();
    texts.sort();
    assert_eq!(texts, ["Critics", "council"]);
    h.get_by_label_contains("Merged the other window's work: 1 span(s) added");
    let aside: Vec<PathBuf> = std::fs::read_dir(fx.dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".recovered-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert!(
        std::fs::read_to_string(&aside[0])
            .unwrap()
            .contains("\"council\"")
    );
}

#[test]
fn a_teammates_change_on_disk_is_never_overwritten_silently() {
    let fx = fixture(TEXT);
    let ann = annotation_path(&fx.doc, "tester");
    let mut h = harness(&fx);
    tag(&mut h, "Daniel Reyes", Key::Num2);
    save_now(&mut h);
    // A teammate's version (git pull) adds a span while we add another one.
    let doc = spantag_core::document::Document::open(&fx.doc).unwrap();
    let mut theirs = spantag_core::store::load_layer(&doc, &ann, "tester")
        .unwrap()
        .layer;
    let id = theirs.allocate_id() + 100;
    let start = TEXT.find("Critics").unwrap();
    theirs.insert(spantag_core::annotation::Span::new(
        id,
        start..start + 7,
        "actor",
        "Critics",
    ));
    spantag_core::store::save_layer(&theirs, &doc, &ann).unwrap();
    tag(&mut h, "council", Key::Num2);
    save_now(&mut h);
    h.get_by_label_contains("changed on disk");
    assert_eq!(saved(&ann).spans.len(), 2, "their file was not overwritten");
    h.get_by_role_and_label(Role::Button, "Merge both").click();
    h.run();
    let merged: Vec<String> = saved(&ann).spans.into_iter().map(|s| s.text).collect();
    assert_eq!(
        merged,
        ["Daniel Reyes", "council", "Critics"],
        "the union of both was saved"
    );
    assert!(!h.state().is_dirty());
}

#[test]
fn keep_mine_saves_mine_and_keeps_theirs_beside_it() {
    let fx = fixture(TEXT);
    let ann = annotation_path(&fx.doc, "tester");
    let mut h = harness(&fx);
    tag(&mut h, "Daniel Reyes", Key::Num2);
    save_now(&mut h);
    let theirs = std::fs::read_to_string(&ann)
        .unwrap()
        .replace("\"actor\", text", "\"event\", text");
    std::fs::write(&ann, &theirs).unwrap();
    tag(&mut h, "council", Key::Num1);
    save_now(&mut h);
    h.get_by_role_and_label(Role::Button, "Keep mine").click();
    h.run();
    assert_eq!(saved(&ann).spans.len(), 2);
    let side: Vec<_> = std::fs::read_dir(fx.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("news.txt.tester.ron.theirs-"))
        .collect();
    assert_eq!(side.len(), 1, "their version is kept beside: {side:?}");
    assert_eq!(
        std::fs::read_to_string(fx.dir.path().join(&side[0])).unwrap(),
        theirs
    );
}

#[test]
fn when_saving_fails_the_edits_stay_and_save_as_works() {
    let fx = fixture(TEXT);
    let ann = annotation_path(&fx.doc, "tester");
    let mut h = harness(&fx);
    tag(&mut h, "council", Key::Num2);
    // A folder where the file should go makes every save fail, even for root.
    std::fs::create_dir(&ann).unwrap();
    std::fs::write(ann.join("keep"), "x").unwrap();
    save_now(&mut h);
    assert!(h.state().is_dirty(), "the edits are still in memory");
    h.get_by_label_contains("Could not save");
    let elsewhere = fx.dir.path().join("elsewhere.ron");
    h.get_by_role_and_label(Role::TextInput, "New file").click();
    h.run();
    // Replace the suggested path with ours: select all, then type.
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run();
    h.get_by_role_and_label(Role::TextInput, "New file")
        .type_text(&format!("{}", elsewhere.display()));
    h.run();
    h.get_by_role_and_label(Role::Button, "Save here").click();
    h.run();
    assert!(!h.state().is_dirty());
    assert_eq!(saved(&elsewhere).spans[0].text, "council");
    assert!(
        std::fs::read_dir(&ann).unwrap().count() == 1,
        "the folder in the way was left alone"
    );
}

#[test]
fn a_broken_annotation_file_is_reported_and_the_app_keeps_working() {
    let fx = fixture(TEXT);
    let ann = annotation_path(&fx.doc, "tester");
    std::fs::write(
        &ann,
        "(\n    version: 1,\n    spans: [\n        (id: 1, start: 0,",
    )
    .unwrap();
    let h = harness(&fx);
    assert!(
        h.state().open.is_none(),
        "the document is not opened over a broken file"
    );
    let status = h.state().status_text().unwrap_or_default().to_owned();
    assert!(
        status.contains("news.txt.tester.ron:4:"),
        "line and column: {status}"
    );
    assert_eq!(
        std::fs::read_to_string(&ann).unwrap(),
        "(\n    version: 1,\n    spans: [\n        (id: 1, start: 0,"
    );
    drop(h);
    let other = fixture("Another document.");
    let h = harness(&other);
    assert!(h.state().open.is_some(), "another document opens");
}

#[test]
fn orphaned_spans_can_be_placed_or_deleted() {
    let fx = fixture(TEXT);
    let ann = annotation_path(&fx.doc, "tester");
    let mut h = harness(&fx);
    tag(&mut h, "Critics say", Key::Num1);
    tag(&mut h, "council", Key::Num2);
    save_now(&mut h);
    drop(h);
    std::fs::write(
        &fx.doc,
        TEXT.replace("Critics say", "Skeptics argue")
            .replace("council", "assembly"),
    )
    .unwrap();
    let mut h = harness(&fx);
    assert_eq!(h.state().layer().unwrap().orphans.len(), 2);
    h.get_by_label_contains("Orphaned spans (2)");
    let (start, end) = {
        let text = TEXT
            .replace("Critics say", "Skeptics argue")
            .replace("council", "assembly");
        let b = text.find("Skeptics argue").unwrap();
        (text[..b].chars().count(), text[..b].chars().count() + 14)
    };
    let (a, b) = (pos(&h, start), pos(&h, end));
    drag(&mut h, a, b);
    // The orphans are listed in text order: "council" (actor), then "Critics say" (claim).
    h.get_all_by_role_and_label(Role::Button, "Place")
        .nth(1)
        .unwrap()
        .click();
    h.run();
    let council = h.state().layer().unwrap().orphans[0].id;
    h.state_mut().push(Command::DeleteOrphan(SpanRef::new(
        &LayerId::from_name("tester"),
        council,
    )));
    h.run();
    assert!(h.state().layer().unwrap().orphans.is_empty());
    assert_eq!(
        spans(&h),
        [(start, end, "claim".to_owned(), "Skeptics argue".to_owned())]
    );
    save_now(&mut h);
    let file = saved(&ann);
    assert!(file.orphans.is_empty());
    assert_eq!(file.spans[0].text, "Skeptics argue");
}

/// A source edited since it was annotated: when every span finds its text again that is
/// news (no "problem(s)", an info line saying how many moved); a span that lost its text is
/// a problem, counted and named.
#[test]
fn an_edited_source_is_news_unless_a_span_lost_its_text() {
    let fx = fixture(TEXT);
    let mut h = harness(&fx);
    tag(&mut h, "Critics say", Key::Num1);
    tag(&mut h, "council", Key::Num2);
    save_now(&mut h);
    drop(h);
    std::fs::write(&fx.doc, format!("Preface. {TEXT}")).unwrap();
    let mut h = harness(&fx);
    assert!(h.query_by_label_contains("problem in").is_none());
    assert!(h.query_by_label_contains("problems in").is_none());
    h.get_by_label_contains(
        "ℹ news.txt changed since it was annotated; 2 span(s) moved with their text",
    );
    let status = h.state().status_text().unwrap_or_default().to_owned();
    assert!(
        status.contains("2 span(s) moved with their text"),
        "{status}"
    );
    save_now(&mut h);
    drop(h);
    std::fs::write(
        &fx.doc,
        format!("Preface. {TEXT}").replace("council", "assembly"),
    )
    .unwrap();
    let h = harness(&fx);
    // The stale source is news; the orphan is the one problem.
    h.get_by_label_contains("⚠ 1 problem in");
    let status = h.state().status_text().unwrap_or_default().to_owned();
    assert!(
        status.contains("1 span(s) moved with their text, 1 lost it"),
        "{status}"
    );
}

#[test]
fn a_change_on_disk_without_local_edits_is_reloaded() {
    let fx = fixture(TEXT);
    let ann = annotation_path(&fx.doc, "tester");
    let mut h = harness(&fx);
    tag(&mut h, "council", Key::Num2);
    save_now(&mut h);
    let changed = std::fs::read_to_string(&ann)
        .unwrap()
        .replace("\"actor\", text", "\"event\", text");
    std::thread::sleep(std::time::Duration::from_millis(1_100)); // a new modification time
    std::fs::write(&ann, changed).unwrap();
    // The file is checked every two seconds.
    run_until(&mut h, "the reload", |app| {
        app.open.as_ref().is_some_and(|o| {
            o.layer()
                .spans()
                .first()
                .is_some_and(|s| s.label == "event")
        })
    });
    assert!(!h.state().is_dirty());
    assert!(
        h.state()
            .status_text()
            .unwrap_or_default()
            .contains("reloaded")
    );
}

#[test]
fn the_restore_offer_answers_enter_and_esc_without_losing_anything() {
    let fx = fixture(TEXT);
    let ann = annotation_path(&fx.doc, "tester");
    let recovery = spantag_core::recovery::recovery_path(&ann);
    let make_recovery = |fx: &Fixture| {
        let mut h = harness(fx);
        tag(&mut h, "council", Key::Num2);
        run_until(&mut h, "the recovery file", |_| {
            std::fs::read_to_string(&recovery).is_ok_and(|t| t.contains("\"council\""))
        });
    };
    // Esc: the dialog closes, the recovered work goes to a side file, nothing else changes.
    make_recovery(&fx);
    let mut h = harness(&fx);
    h.get_by_label_contains("Restore unsaved work?");
    h.key_press(Key::Escape);
    h.run();
    assert!(h.query_by_label_contains("Restore unsaved work?").is_none());
    assert!(spans(&h).is_empty(), "nothing restored");
    assert!(!recovery.exists());
    let side: Vec<_> = std::fs::read_dir(fx.dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".recovered-"))
        .collect();
    assert_eq!(side.len(), 1);
    assert!(
        std::fs::read_to_string(side[0].path())
            .unwrap()
            .contains("\"council\"")
    );
    drop(h);
    // Enter: restores (and one Ctrl+Z takes the restore back).
    make_recovery(&fx);
    let mut h = harness(&fx);
    h.get_by_label_contains("Restore unsaved work?");
    h.key_press(Key::Enter);
    h.run();
    assert!(h.query_by_label_contains("Restore unsaved work?").is_none());
    assert_eq!(spans(&h).len(), 1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(spans(&h).is_empty());
}

/// An empty file opens (it is not an error) and says that there is nothing to annotate,
/// instead of a blank page and "select text and press 1–9".
#[test]
fn an_empty_document_says_it_is_empty() {
    let fx = fixture("");
    let h = harness(&fx);
    assert_eq!(h.state().session().unwrap().document().char_len(), 0);
    h.get_by_label("news.txt is empty");
    let status = h.state().status_text().unwrap_or_default().to_owned();
    assert_eq!(status, "news.txt is empty: there is nothing to annotate");
}

/// Where the recovery file cannot be written (here a folder stands at its path, which stops
/// root too; for others, a read-only folder), the user is told that unsaved work is not
/// protected against a crash, not only the log.
#[test]
fn a_recovery_file_that_cannot_be_written_is_said() {
    let fx = fixture(TEXT);
    let ann = annotation_path(&fx.doc, "tester");
    std::fs::create_dir_all(spantag_core::recovery::recovery_path(&ann)).unwrap();
    let mut h = harness(&fx);
    tag(&mut h, "council", Key::Num2);
    run_until(&mut h, "the warning", |app| {
        spantag_core::recovery::flush();
        app.status_text()
            .is_some_and(|s| s.contains("not protected against a crash"))
    });
}

/// The status bar says which step an undo or a redo took back or did again, and what a
/// delete removed (with its relations), singular and plural right.
#[test]
fn undo_redo_and_delete_say_what_they_did() {
    let fx = fixture(TEXT);
    let mut h = harness(&fx);
    tag(&mut h, "council", Key::Num2);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(
        h.state().status_text(),
        Some("Undone: tag actor on ‘council’")
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run();
    assert_eq!(
        h.state().status_text(),
        Some("Redone: tag actor on ‘council’")
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().status_text(), Some("Nothing to undo"));
    // Delete a span: the message names it.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run();
    let council = h.state().layer().unwrap().spans()[0].id;
    h.state_mut().push(Command::SelectSpan(
        Some(SpanRef::new(&LayerId::from_name("tester"), council)),
        false,
    ));
    h.run();
    h.key_press(Key::Delete);
    h.run();
    assert_eq!(
        h.state().status_text(),
        Some("Deleted actor ‘council’ (Ctrl+Z brings it back)")
    );
}
