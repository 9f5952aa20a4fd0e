//! Attributes and pieces in the app: the project file declares `claim: negated (a flag, key
//! v)` and `certainty (certain | probable | hedged, key c)`; a span gets them by key and
//! from the span panel, G and a drag add a piece ("North … Korea"), undo takes each back, and
//! the saved file holds exactly what is left.

use egui::{Key, Modifiers, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use spantag_app::SpantagApp;
use spantag_core::store::{AnnotationFile, annotation_path};

use crate::harness::{self, pos};

/// Python: t = "North and South Korea signed the deal.\n"; t[0:5] == "North",
/// t[16:21] == "Korea", t[0:21] == "North and South Korea".
const TEXT: &str = "North and South Korea signed the deal.\n";

const PROJECT: &str = r##"(
    version: 1,
    labels: [
        (name: "claim", color: "#4e79a7", attributes: [
            (name: "negated", key: Some('v')),
            (name: "certainty", values: ["certain", "probable", "hedged"], default: Some("certain"), key: Some('c')),
        ]),
        (name: "actor", color: "#e15759"),
    ],
)"##;

fn drag(h: &mut Harness<'_, SpantagApp>, from: Pos2, to: Pos2) {
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
}

fn select(h: &mut Harness<'_, SpantagApp>, start: usize, end: usize) {
    let (a, b) = (pos(h, start), pos(h, end));
    drag(h, a, b);
}

fn the_span(h: &Harness<'_, SpantagApp>) -> spantag_core::annotation::Span {
    let layer = h.state().layer().expect("a document is open");
    assert_eq!(layer.spans().len(), 1, "{:?}", layer.spans());
    layer.spans()[0].clone()
}

#[test]
fn attributes_by_key_and_a_piece_by_drag_are_undoable_and_saved() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("news.txt");
    std::fs::write(&doc, TEXT).unwrap();
    std::fs::write(dir.path().join("spantag.ron"), PROJECT).unwrap();
    let mut h = harness::app(harness::tester(dir.path(), &doc, false));
    // "North" tagged claim (key 1) and selected.
    select(&mut h, 0, 5);
    h.key_press(Key::Num1);
    h.run();
    let span = the_span(&h);
    assert_eq!((span.start, span.end, span.label.as_str()), (0, 5, "claim"));
    // V sets the flag; C steps certainty to its first value, then the next.
    h.key_press(Key::V);
    h.run();
    h.key_press(Key::C);
    h.run();
    h.key_press(Key::C);
    h.run();
    let span = the_span(&h);
    assert_eq!(span.attrs.get("negated").map(String::as_str), Some("true"));
    assert_eq!(
        span.attrs.get("certainty").map(String::as_str),
        Some("probable")
    );
    // The span panel shows the flag as a checked box; unticking it unsets it.
    h.get_by_label("negated").click();
    h.run();
    assert_eq!(the_span(&h).attrs.get("negated"), None);
    // G, then a drag over "Korea": the span is "North … Korea".
    h.key_press(Key::G);
    h.run();
    select(&mut h, 16, 21);
    h.run();
    let span = the_span(&h);
    assert_eq!(
        (span.start, span.end, span.text.as_str()),
        (0, 21, "North and South Korea")
    );
    assert_eq!(span.fragments, [(0, 5), (16, 21)]);
    // Undo the piece, then the checkbox: the span is "North" again, negated again.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    let span = the_span(&h);
    assert_eq!((span.start, span.end, span.fragments.len()), (0, 5, 0));
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(
        the_span(&h).attrs.get("negated").map(String::as_str),
        Some("true")
    );
    // Redo both, save, and read the file.
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    let file = AnnotationFile::read(&annotation_path(&doc, "tester")).unwrap();
    assert_eq!(file.spans.len(), 1);
    let saved = &file.spans[0];
    assert_eq!((saved.start, saved.end), (0, 21));
    assert_eq!(saved.fragments, [(0, 5), (16, 21)]);
    assert_eq!(
        saved
            .attrs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect::<Vec<_>>(),
        [("certainty", "probable")]
    );
    let text = std::fs::read_to_string(annotation_path(&doc, "tester")).unwrap();
    assert!(
        text.contains("attrs: {\"certainty\": \"probable\"}, fragments: [(0, 5), (16, 21)]"),
        "{text}"
    );
}

/// The project file makes `event` spans triggers with the roles Participant and Place: with
/// "met" selected, R and a click on "Kim" offer "Participant (event role)"; picking it makes
/// an event whose argument is Kim, drawn and saved; a second argument joins the same event;
/// undo takes each back. Python: t = "Kim met Lee in Seoul.\n"; t[0:3] == "Kim", t[4:7] ==
/// "met", t[15:20] == "Seoul".
#[test]
fn an_event_argument_is_made_with_r_a_click_and_a_role() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("meeting.txt");
    std::fs::write(&doc, "Kim met Lee in Seoul.\n").unwrap();
    std::fs::write(
        dir.path().join("spantag.ron"),
        r##"(
    version: 1,
    labels: [
        (name: "actor", color: "#e15759"),
        (name: "event", color: "#59a14f"),
        (name: "place", color: "#f28e2b"),
    ],
    events: [(label: "event", roles: ["Participant", "Place"])],
)"##,
    )
    .unwrap();
    let mut h = harness::app(harness::tester(dir.path(), &doc, false));
    for (range, key) in [
        ((0, 3), Key::Num1),
        ((4, 7), Key::Num2),
        ((15, 20), Key::Num3),
    ] {
        select(&mut h, range.0, range.1);
        h.key_press(key);
        h.run();
    }
    let id_at = |h: &Harness<'_, SpantagApp>, start: usize| {
        h.state()
            .layer()
            .unwrap()
            .spans()
            .iter()
            .find(|s| s.start == start)
            .unwrap()
            .id
    };
    let (kim, met, seoul) = (id_at(&h, 0), id_at(&h, 4), id_at(&h, 15));
    let relate = |h: &mut Harness<'_, SpantagApp>, target: usize, role: &str| {
        let at = pos(h, 5);
        harness::click_at(h, at);
        h.key_press(Key::R);
        h.run();
        let at = pos(h, target);
        harness::click_at(h, at);
        h.get_by_label(&format!("{role} (event role)")).click();
        h.run();
    };
    relate(&mut h, 1, "Participant");
    relate(&mut h, 17, "Place");
    let events = h.state().layer().unwrap().events.clone();
    assert_eq!(events.len(), 1, "one event, two arguments: {events:?}");
    assert_eq!(
        (events[0].trigger, events[0].label.as_str()),
        (met, "event")
    );
    let args: Vec<(&str, u64)> = events[0]
        .args
        .iter()
        .map(|a| (a.role.as_str(), a.to))
        .collect();
    assert_eq!(args, [("Participant", kim), ("Place", seoul)]);
    // The span panel of "met" lists the event; "Delete event" deletes it, undo restores it.
    let at = pos(&h, 5);
    harness::click_at(&mut h, at);
    h.get_by_label("Participant: “Kim”");
    h.get_by_label("Delete event").click();
    h.run();
    assert!(h.state().layer().unwrap().events.is_empty());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().layer().unwrap().events[0].args.len(), 2);
    // Undo the Place argument, then the event.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().layer().unwrap().events[0].args.len(), 1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(h.state().layer().unwrap().events.is_empty());
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    let file = AnnotationFile::read(&annotation_path(&doc, "tester")).unwrap();
    assert_eq!(file.events.len(), 1);
    assert_eq!(file.events[0].args.len(), 1);
    assert_eq!(file.events[0].args[0].to, kim);
}
