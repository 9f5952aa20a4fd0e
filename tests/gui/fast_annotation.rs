//! Fast annotation through the real app (egui_kittest): drags that snap to whole words (and
//! Alt+drag that does not), and search with "tag all matches" as one undoable step. Expected
//! offsets are computed in the tests from the text (code points), not by spantag.

use egui::{Event, Key, Modifiers, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use spantag_app::{AppOptions, Command, SpantagApp};
use spantag_core::store::{AnnotationFile, annotation_path};

use crate::harness;
use harness::pos;

const TEXT: &str = "The Forum met on Tuesday. Reyes told the Forum that Reyes and the Forum disagree.\nForumites were not asked; the forum's chair, Zoë Reyes, said nothing.\n";

fn chars_before(needle_byte: usize) -> usize {
    TEXT[..needle_byte].chars().count()
}

struct Fixture {
    dir: tempfile::TempDir,
    doc: std::path::PathBuf,
}

fn harness() -> (Fixture, Harness<'static, SpantagApp>) {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("forum.txt");
    std::fs::write(&doc, TEXT).unwrap();
    let options = AppOptions {
        document: Some(doc.clone()),
        annotator: Some("tester".to_owned()),
        config_dir: Some(dir.path().join("config")),
        ..Default::default()
    };
    let mut h = Harness::builder()
        .with_size(vec2(1400.0, 900.0))
        .build_eframe(move |cc| SpantagApp::new(cc, options));
    h.state_mut().wait_until_loaded();
    h.run();
    (Fixture { dir, doc }, h)
}

fn drag(h: &mut Harness<'_, SpantagApp>, from: usize, to: usize, modifiers: Modifiers) {
    let (from, to) = (pos(h, from), pos(h, to));
    h.event(Event::ModifiersChanged(modifiers));
    h.hover_at(from);
    h.run();
    h.drag_at(from);
    h.run();
    h.hover_at(from + (to - from) * 0.5);
    h.run();
    h.hover_at(to);
    h.run();
    h.drop_at(to);
    h.run();
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    h.run();
}

#[test]
fn a_drag_short_of_a_word_end_selects_the_whole_word_and_alt_keeps_characters() {
    let (_fx, mut h) = harness();
    // "The Forum": F at 4; the drag ends between "Foru" and "m" (offset 8).
    let f = chars_before(TEXT.find("Forum").unwrap());
    drag(&mut h, f, f + 4, Modifiers::NONE);
    let sel = h.state().view.selected_range().unwrap();
    assert_eq!(sel, f..f + 5, "Foru became Forum");
    // Starting inside "Tuesday" and ending inside it again: the whole word.
    let t = chars_before(TEXT.find("Tuesday").unwrap());
    drag(&mut h, t + 2, t + 5, Modifiers::NONE);
    assert_eq!(h.state().view.selected_range().unwrap(), t..t + 7);
    // Alt+drag keeps character precision.
    drag(&mut h, f, f + 4, Modifiers::ALT);
    assert_eq!(h.state().view.selected_range().unwrap(), f..f + 4);
}

#[test]
fn search_and_tag_all_matches_in_one_undoable_step() {
    let (fx, mut h) = harness();
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    h.get_by_label("Find").type_text("Forum");
    h.run();
    // Case-sensitive whole words: the three capitalised "Forum" (not "Forumites", not
    // "forum's").
    h.get_by_label("Aa").click();
    h.run();
    h.get_by_label("Word").click();
    h.run();
    let expected: Vec<std::ops::Range<usize>> = TEXT
        .match_indices("Forum")
        .filter(|(b, _)| !TEXT[b + 5..].starts_with("ites"))
        .map(|(b, _)| chars_before(b)..chars_before(b) + 5)
        .collect();
    assert_eq!(expected.len(), 3);
    assert_eq!(h.state().search.matches, expected);
    h.get_by_label_contains("3 matches");
    // F3 (or Enter in the field) goes to the first match and selects it.
    h.key_press(Key::F3);
    h.run();
    assert_eq!(h.state().view.selected_range(), Some(expected[0].clone()));
    // That match is tagged by hand first (a click on the palette's label does this); "tag
    // all" then skips it.
    h.state_mut().push(Command::Tag("claim".to_owned()));
    h.run();
    assert_eq!(h.state().layer().unwrap().spans().len(), 1);
    h.get_by_label("Tag all as claim").click();
    h.run();
    let tagged = |h: &Harness<'_, SpantagApp>, label: &str| -> Vec<std::ops::Range<usize>> {
        h.state()
            .layer()
            .unwrap()
            .spans()
            .iter()
            .filter(|s| s.label == label)
            .map(|s| s.range())
            .collect()
    };
    assert_eq!(tagged(&h, "claim"), expected);
    // Tag all again: nothing new.
    h.get_by_label("Tag all as claim").click();
    h.run();
    assert_eq!(tagged(&h, "claim").len(), 3);
    // Esc after "Tag all" closes the find bar (the button had the focus).
    h.key_press(Key::Escape);
    h.run();
    assert!(
        !h.state().search.open,
        "Esc closes the find bar after Tag all"
    );
    // With the focus on one of the bar's toggles, Esc closes it too.
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    h.get_by_label("Aa").click();
    h.run();
    h.key_press(Key::Escape);
    h.run();
    assert!(
        !h.state().search.open,
        "Esc closes the find bar from a toggle"
    );
    // One undo takes the whole "tag all" back, not one span.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(tagged(&h, "claim"), [expected[0].clone()]);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    let file = AnnotationFile::read(&annotation_path(&fx.doc, "tester")).unwrap();
    let chars: Vec<char> = TEXT.chars().collect();
    assert_eq!(file.spans.len(), 3);
    for s in &file.spans {
        assert_eq!(chars[s.start..s.end].iter().collect::<String>(), "Forum");
    }
    drop(fx.dir);
}

#[test]
fn a_bad_pattern_says_so_and_finds_nothing() {
    let (_fx, mut h) = harness();
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    h.get_by_label("Find").type_text("(Reyes");
    h.run();
    assert!(
        h.state().search.error.is_none(),
        "as plain text it is no error"
    );
    h.get_by_label(".*").click();
    h.run();
    assert!(h.state().search.matches.is_empty());
    h.get_by_label_contains("not a valid regular expression");
}

fn click(h: &mut Harness<'_, SpantagApp>, offset: usize) {
    let p = pos(h, offset) + vec2(3.0, 0.0);
    harness::click_at(h, p);
}

fn tag_range(h: &mut Harness<'_, SpantagApp>, range: std::ops::Range<usize>, label: &str) {
    h.state_mut().view.selection = Some(spantag_app::doc_view::Selection {
        anchor: range.start,
        head: range.end,
    });
    h.state_mut().push(Command::Tag(label.to_owned()));
    h.run();
}

#[test]
fn a_relation_is_made_with_r_and_a_click_and_goes_with_its_span() {
    let (fx, mut h) = harness();
    // "Reyes told the Forum that Reyes and the Forum disagree": Reyes (actor) says the claim
    // "Reyes and the Forum disagree" (offsets from the text).
    let reyes = chars_before(TEXT.find("Reyes told").unwrap());
    let claim_byte = TEXT.find("Reyes and the Forum disagree").unwrap();
    let claim = chars_before(claim_byte)
        ..chars_before(claim_byte) + "Reyes and the Forum disagree".chars().count();
    tag_range(&mut h, reyes..reyes + 5, "actor");
    tag_range(&mut h, claim.clone(), "claim");
    let layer = h.state().layer().unwrap();
    let actor_id = layer
        .spans()
        .iter()
        .find(|s| s.label == "actor")
        .unwrap()
        .id;
    let claim_id = layer
        .spans()
        .iter()
        .find(|s| s.label == "claim")
        .unwrap()
        .id;
    // Click the actor, press R, click the claim (on "and", inside it only), pick "says".
    click(&mut h, reyes + 1);
    assert_eq!(h.state().selected_span().map(|r| r.id), Some(actor_id));
    h.key_press(Key::R);
    h.run();
    click(&mut h, claim.start + 7);
    h.get_by_label("says").click();
    h.run();
    let relations = h.state().layer().unwrap().relations.clone();
    assert_eq!(relations.len(), 1);
    assert_eq!(
        (
            relations[0].from,
            relations[0].to,
            relations[0].label.as_str()
        ),
        (actor_id, claim_id, "says")
    );
    // Saved in the file's relations.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    let file = AnnotationFile::read(&annotation_path(&fx.doc, "tester")).unwrap();
    assert_eq!(file.relations, relations);
    // Deleting the claim deletes the relation; one undo brings both back.
    click(&mut h, claim.start + 7);
    assert_eq!(h.state().selected_span().map(|r| r.id), Some(claim_id));
    h.key_press(Key::Delete);
    h.run();
    assert!(h.state().layer().unwrap().relations.is_empty());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().layer().unwrap().relations, relations);
    assert!(h.state().layer().unwrap().get(claim_id).is_some());
    // Relabelling the actor as an event leaves a "says" from an event, which the type does
    // not allow (actor → claim): kept, and said.
    click(&mut h, reyes + 1);
    assert_eq!(h.state().selected_span().map(|r| r.id), Some(actor_id));
    h.key_press(Key::Num3);
    h.run();
    let status = h.state().status_text().unwrap_or_default().to_owned();
    assert!(
        status.contains("the relation(s) says \"Reyes and the Forum disagree\" no longer fit(s)"),
        "{status}"
    );
    assert_eq!(h.state().layer().unwrap().relations, relations);
    // Relabelling it back as an actor: nothing to say.
    h.key_press(Key::Num2);
    h.run();
    let status = h.state().status_text().unwrap_or_default().to_owned();
    assert_eq!(status, "Relabelled as actor");
    // Removing the actor label asks first, and says the relation goes with the span.
    h.state_mut().push(Command::ShowLabelEditor);
    h.run();
    h.query_all_by_label("Remove").nth(1).unwrap().click();
    h.run();
    h.get_by_label_contains("they, and the 1 relation touching them, are deleted");
    h.get_by_label("Delete 1 span and the label");
}

#[test]
fn an_unsaved_relation_is_offered_back_after_a_crash() {
    let (fx, mut h) = harness();
    let reyes = chars_before(TEXT.find("Reyes told").unwrap());
    let claim_byte = TEXT.find("Reyes and the Forum disagree").unwrap();
    let claim = chars_before(claim_byte)
        ..chars_before(claim_byte) + "Reyes and the Forum disagree".chars().count();
    tag_range(&mut h, reyes..reyes + 5, "actor");
    tag_range(&mut h, claim.clone(), "claim");
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    // Only a relation is unsaved when the app goes away. Made from the keyboard: Enter in
    // the type picker takes the first type (and tags nothing behind it).
    click(&mut h, reyes + 1);
    h.key_press(Key::R);
    h.run();
    click(&mut h, claim.start + 7);
    h.get_by_label("says");
    h.key_press(Key::Enter);
    h.run();
    assert_eq!(h.state().layer().unwrap().spans().len(), 2);
    let relations = h.state().layer().unwrap().relations.clone();
    assert_eq!(relations.len(), 1);
    let ann = annotation_path(&fx.doc, "tester");
    let recovery = spantag_core::recovery::recovery_path(&ann);
    for _ in 0..500 {
        let _ = h.try_run();
        if std::fs::read_to_string(&recovery).is_ok_and(|t| t.contains("\"says\"")) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    drop(h); // as after a crash
    let options = AppOptions {
        document: Some(fx.doc.clone()),
        annotator: Some("tester".to_owned()),
        config_dir: Some(fx.dir.path().join("config")),
        ..Default::default()
    };
    let mut h = Harness::builder()
        .with_size(vec2(1400.0, 900.0))
        .build_eframe(move |cc| SpantagApp::new(cc, options));
    h.state_mut().wait_until_loaded();
    h.run();
    h.get_by_label_contains("Restore unsaved work?");
    h.get_by_label_contains("differ from the saved file in 1 relation(s).");
    h.get_by_label("Restore").click();
    h.run();
    assert_eq!(h.state().layer().unwrap().relations, relations);
    assert!(recovery.exists() || !AnnotationFile::read(&ann).unwrap().relations.is_empty());
}

#[test]
fn tab_walks_through_the_spans_in_text_order() {
    let (_fx, mut h) = harness();
    let forum = chars_before(TEXT.find("Forum").unwrap());
    let reyes = chars_before(TEXT.find("Reyes").unwrap());
    tag_range(&mut h, reyes..reyes + 5, "actor");
    tag_range(&mut h, forum..forum + 5, "actor");
    h.state_mut().push(Command::SelectSpan(None, false));
    h.run();
    let order: Vec<u64> = h
        .state()
        .layer()
        .unwrap()
        .spans()
        .iter()
        .map(|s| s.id)
        .collect();
    let mut seen = Vec::new();
    for _ in 0..3 {
        h.key_press(Key::Tab);
        h.run();
        seen.push(h.state().selected_span().map(|r| r.id).unwrap());
    }
    assert_eq!(
        seen,
        [order[0], order[1], order[0]],
        "in text order, wrapping"
    );
    h.key_press_modifiers(Modifiers::SHIFT, Key::Tab);
    h.run();
    assert_eq!(h.state().selected_span().map(|r| r.id), Some(order[1]));
}

#[test]
fn the_span_list_sorts_by_a_click_on_a_column_heading() {
    let (_fx, mut h) = harness();
    let forum = chars_before(TEXT.find("Forum").unwrap());
    let reyes = chars_before(TEXT.find("Reyes").unwrap());
    tag_range(&mut h, forum..forum + 5, "claim");
    tag_range(&mut h, reyes..reyes + 5, "actor");
    let rows = |h: &Harness<'_, SpantagApp>| -> Vec<String> {
        h.get_all_by_role(egui::accesskit::Role::ListItem)
            .map(|n| n.accesskit_node().label().unwrap_or_default())
            .collect()
    };
    assert_eq!(
        rows(&h),
        [
            format!("{forum} claim Forum"),
            format!("{reyes} actor Reyes")
        ]
    );
    h.get_by_label("Sort by label").click();
    h.run();
    assert_eq!(
        rows(&h),
        [
            format!("{reyes} actor Reyes"),
            format!("{forum} claim Forum")
        ]
    );
    h.get_by_label("Sort by text").click();
    h.run();
    assert_eq!(
        rows(&h),
        [
            format!("{forum} claim Forum"),
            format!("{reyes} actor Reyes")
        ]
    );
}

#[test]
fn shift_and_alt_arrows_move_the_selected_spans_ends_and_undo() {
    let (_fx, mut h) = harness();
    let reyes = chars_before(TEXT.find("Reyes told").unwrap());
    let tuesday = chars_before(TEXT.find("Tuesday").unwrap());
    tag_range(&mut h, reyes..reyes + 5, "actor");
    let range = |h: &Harness<'_, SpantagApp>| {
        let spans = h.state().layer().unwrap().spans();
        assert_eq!(spans.len(), 1);
        (spans[0].range(), spans[0].text.clone())
    };
    let shift_alt = Modifiers {
        alt: true,
        shift: true,
        ..Modifiers::NONE
    };
    let all = Modifiers {
        alt: true,
        shift: true,
        ..Modifiers::COMMAND
    };
    let steps = [
        (
            Modifiers::COMMAND | Modifiers::SHIFT,
            Key::ArrowRight,
            reyes..reyes + 10,
            "Reyes told",
        ),
        (
            Modifiers::SHIFT,
            Key::ArrowLeft,
            reyes..reyes + 9,
            "Reyes tol",
        ),
        (
            shift_alt,
            Key::ArrowLeft,
            reyes - 1..reyes + 9,
            " Reyes tol",
        ),
        (shift_alt, Key::ArrowRight, reyes..reyes + 9, "Reyes tol"),
        (
            all,
            Key::ArrowLeft,
            tuesday..reyes + 9,
            "Tuesday. Reyes tol",
        ),
    ];
    for (modifiers, key, expected, text) in steps.clone() {
        h.key_press_modifiers(modifiers, key);
        h.run();
        assert_eq!(
            range(&h),
            (expected, text.to_owned()),
            "{modifiers:?} {key:?}"
        );
    }
    assert!(
        h.state().view.selected_range().is_none(),
        "no text got selected"
    );
    // Every move is one undo step.
    for (_, _, expected, _) in steps.iter().rev().skip(1) {
        h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        h.run();
        assert_eq!(range(&h).0, *expected);
    }
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(range(&h).0, reyes..reyes + 5);
    // With text selected, Shift+→ extends the selection and leaves the span alone.
    h.state_mut().view.selection = Some(spantag_app::doc_view::Selection { anchor: 0, head: 3 });
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    h.run();
    assert_eq!(h.state().view.selected_range(), Some(0..4));
    assert_eq!(range(&h).0, reyes..reyes + 5);
}

/// An invalid pattern shows its error under the find bar and leaves the bar's controls in
/// their places: an empty match count made every control after it draw over the Find field,
/// which then could not be clicked.
#[test]
fn an_invalid_pattern_keeps_the_find_bar_usable() {
    let (_fx, mut h) = harness();
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    h.get_by_label("Find").type_text("(");
    h.run();
    h.get_by_label(".*").click();
    h.run();
    h.run();
    h.get_by_label_contains("not a valid regular expression");
    let field = h.get_by_label("Find").rect();
    for control in ["Aa", "Word", ".*", "✕"] {
        let rect = h.get_by_label(control).rect();
        assert!(
            !rect.intersects(field),
            "{control} at {rect:?} is drawn over the Find field at {field:?}"
        );
    }
    let tag_all = h.get_by_label_contains("Tag all as").rect();
    assert!(!tag_all.intersects(field), "{tag_all:?} over {field:?}");
}

/// Clicking a find-bar toggle leaves the keyboard with the Find field: the next letters go
/// into the pattern, not to the document as shortcuts (`r` would start a relation).
#[test]
fn find_bar_toggles_keep_the_keyboard_in_the_field() {
    let (_fx, mut h) = harness();
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    h.get_by_label("Find").type_text("lev");
    h.run();
    for toggle in [".*", "Aa", "Word"] {
        h.get_by_label(toggle).click();
        h.run();
        h.run();
        // Typed as a person types: to whatever has the keyboard.
        h.key_press(Key::R);
        h.event(Event::Text("r".into()));
        h.run();
    }
    let value = h
        .get_by_label("Find")
        .accesskit_node()
        .value()
        .unwrap_or_default();
    assert_eq!(value, "levrrr");
    assert!(
        h.state()
            .status_text()
            .is_none_or(|s| !s.contains("relation")),
        "{:?}",
        h.state().status_text()
    );
}
