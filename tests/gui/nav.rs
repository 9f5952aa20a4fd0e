//! Navigation lands where asked (on long generated documents, whatever was laid out before),
//! the keyboard alone can select and tag, dialogs close with Esc, and the side panels give
//! way in narrow windows. Drives the real app headless with egui_kittest.

use std::path::PathBuf;
use std::time::Instant;

use egui::accesskit::Role;
use egui::{Key, Modifiers, Rect, Vec2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use spantag_app::doc_view::{ScrollTarget, Selection};
use spantag_app::{AppOptions, Command, SpantagApp};
use spantag_core::store::{AnnotationFile, annotation_path};

struct Fixture {
    dir: tempfile::TempDir,
    doc: PathBuf,
    text: String,
}

fn fixture(text: String) -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let doc = dir.path().join("long.txt");
    std::fs::write(&doc, &text).expect("write doc");
    Fixture { dir, doc, text }
}

/// A small deterministic random number generator (xorshift), so failures repeat.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Ordinary paragraphs of varied length and word widths, about `bytes` long, then paragraphs
/// in capitals; the last word is "Omega".
fn long_text(bytes: usize) -> String {
    const WORDS: &[&str] = &[
        "council",
        "river",
        "budget",
        "mayor",
        "reported",
        "quietly",
        "seventeen",
        "bridge",
        "approved",
        "north",
        "election",
        "harbour",
        "Tuesday",
        "inspectors",
        "water",
        "schools",
        "the",
        "a",
        "of",
        "and",
        "in",
        "to",
        "was",
        "infrastructure",
        "said",
        "residents",
        "WWW",
        "mm",
        "ill",
        "jurisdictional",
        "on",
        "it",
        "procurement",
        "Zoë",
        "café",
    ];
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut text = String::with_capacity(bytes + 200);
    while text.len() < bytes {
        let long = rng.below(4) == 0;
        let words = 5 + rng.below(if long { 400 } else { 120 });
        let mut sentence_start = true;
        for w in 0..words {
            let word = WORDS[rng.below(WORDS.len())];
            if sentence_start {
                let mut chars = word.chars();
                if let Some(first) = chars.next() {
                    text.extend(first.to_uppercase());
                    text.push_str(chars.as_str());
                }
            } else {
                text.push_str(word);
            }
            sentence_start = rng.below(12) == 0 || w + 1 == words;
            text.push_str(if w + 1 == words {
                "."
            } else if sentence_start {
                ". "
            } else {
                " "
            });
        }
        text.push_str(if rng.below(3) == 0 { "\n\n" } else { "\n" });
    }
    // The end is set in wide capitals, which take more room than a height estimate from the
    // number of characters expects, and the last paragraph is long, so the last word is many
    // rows below the top of its paragraph.
    const WIDE: &[&str] = &[
        "MAXIMUM",
        "WOMBAT",
        "MEMORANDUM",
        "WWM",
        "MOM",
        "HQ",
        "DOWNTOWN",
    ];
    for paragraph in 0..41 {
        // The last one just fits one layout block (2,000 characters).
        let (words, chars) = if paragraph == 40 {
            (usize::MAX, 1_960)
        } else {
            (30 + rng.below(120), usize::MAX)
        };
        let start = text.len();
        for _ in 0..words {
            if text.len() - start >= chars {
                break;
            }
            text.push_str(WIDE[rng.below(WIDE.len())]);
            text.push(' ');
        }
        text.push_str(if paragraph == 40 {
            "Omega.\n"
        } else {
            "END.\n"
        });
    }
    text
}

fn harness_sized(fx: &Fixture, size: Vec2) -> Harness<'static, SpantagApp> {
    let options = AppOptions {
        document: Some(fx.doc.clone()),
        annotator: Some("tester".to_owned()),
        config_dir: Some(fx.dir.path().join("config")),
        ..Default::default()
    };
    let mut h = Harness::builder()
        .with_size(size)
        .build_eframe(move |cc| SpantagApp::new(cc, options));
    for _ in 0..3000 {
        let _ = h.try_run();
        if h.state().open.is_some() && h.state().view.viewport().is_some() {
            let _ = h.try_run();
            return h;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("the document did not open");
}

fn harness(fx: &Fixture) -> Harness<'static, SpantagApp> {
    harness_sized(fx, vec2(1400.0, 900.0))
}

/// Code point offset of the first occurrence of `needle` at or after byte `from`.
fn find(text: &str, needle: &str, from: usize) -> (usize, usize) {
    let byte = from + text[from..].find(needle).expect("needle in text");
    let start = text[..byte].chars().count();
    (start, start + needle.chars().count())
}

fn viewport(h: &Harness<'_, SpantagApp>) -> Rect {
    h.state().view.viewport().expect("the document is shown")
}

/// Whether the boundary before `offset` is drawn inside the document's viewport.
fn on_screen(h: &Harness<'_, SpantagApp>, offset: usize) -> bool {
    h.state()
        .view
        .screen_pos_of(offset)
        .is_some_and(|p| viewport(h).contains(p))
}

/// Two frames: the one that takes the request and the one after it.
fn two_frames(h: &mut Harness<'_, SpantagApp>) {
    h.step();
    h.step();
}

fn ctrl_end_shows_the_last_line(bytes: usize) {
    let fx = fixture(long_text(bytes));
    let mut h = harness(&fx);
    let last = fx.text.trim_end().chars().count();
    assert!(!on_screen(&h, last), "the test starts away from the end");
    h.key_press_modifiers(Modifiers::COMMAND, Key::End);
    h.step();
    let t = Instant::now();
    h.step();
    eprintln!(
        "{} MB: the Ctrl+End frame took {:.2} ms",
        bytes / 1_000_000,
        t.elapsed().as_secs_f64() * 1e3
    );
    assert!(
        on_screen(&h, last),
        "the last line is on screen after the first Ctrl+End"
    );
    assert_eq!(h.state().view.caret(), Some(fx.text.chars().count()));
}

#[test]
fn ctrl_end_reaches_the_last_line_at_once_1mb() {
    ctrl_end_shows_the_last_line(1_000_000);
}

#[test]
fn ctrl_end_reaches_the_last_line_at_once_10mb() {
    ctrl_end_shows_the_last_line(10_000_000);
}

fn span_list_jump_lands(bytes: usize) {
    let fx = fixture(long_text(bytes));
    let (start, end) = find(&fx.text, "Omega", fx.text.len() - 40);
    {
        // Tag the last word without ever showing it, save, and start again.
        let mut h = harness(&fx);
        h.state_mut().view.selection = Some(Selection {
            anchor: start,
            head: end,
        });
        h.key_press(Key::Num2);
        h.run();
        h.key_press_modifiers(Modifiers::COMMAND, Key::S);
        h.run();
        assert!(!h.state().is_dirty());
    }
    let mut h = harness(&fx);
    assert!(!on_screen(&h, start));
    h.get_by_role_and_label(Role::ListItem, &format!("{start} actor Omega"))
        .click();
    two_frames(&mut h);
    let doc = h.state().session().unwrap().document();
    let rects = h.state().view.screen_rects_of(start..end, doc);
    let view = viewport(&h);
    assert!(!rects.is_empty(), "the span is drawn");
    for rect in rects {
        assert!(view.contains_rect(rect), "{rect:?} is inside {view:?}");
    }
}

#[test]
fn span_list_jump_to_the_last_word_lands_1mb() {
    span_list_jump_lands(1_000_000);
}

#[test]
fn span_list_jump_to_the_last_word_lands_10mb() {
    span_list_jump_lands(10_000_000);
}

fn random_jumps_land(bytes: usize) {
    let fx = fixture(long_text(bytes));
    let len = fx.text.chars().count();
    let mut h = harness(&fx);
    let mut rng = Rng(0x0dd_ba11);
    for round in 0..20 {
        let from = rng.below(len);
        h.state_mut().push(Command::GoTo(ScrollTarget::Top(from)));
        two_frames(&mut h);
        assert!(on_screen(&h, from), "round {round}: Top({from}) lands");
        let mut target = rng.below(len);
        while target.abs_diff(from) < len / 10 {
            target = rng.below(len);
        }
        h.state_mut()
            .push(Command::GoTo(ScrollTarget::Reveal(target)));
        two_frames(&mut h);
        assert!(
            on_screen(&h, target),
            "round {round}: Reveal({target}) lands"
        );
        let view = viewport(&h);
        let y = h.state().view.screen_pos_of(target).unwrap().y;
        assert!(
            y >= view.min.y + view.height() * 0.2,
            "round {round}: context above the target"
        );
    }
}

#[test]
fn random_far_jumps_land_1mb() {
    random_jumps_land(1_000_000);
}

#[test]
fn random_far_jumps_land_10mb() {
    random_jumps_land(10_000_000);
}

fn reading_position_survives_relayout(bytes: usize) {
    let fx = fixture(long_text(bytes));
    let len = fx.text.chars().count();
    let mut h = harness(&fx);
    // Deep inside a long paragraph, so that rewrapping moves the rows a lot.
    let mut at = fx.text.floor_char_boundary(fx.text.len() * 2 / 3);
    loop {
        let end = fx.text[at..].find('\n').map_or(fx.text.len(), |n| at + n);
        if end - at > 2_000 {
            at += 1_500;
            break;
        }
        at = end + 1;
    }
    let target = fx.text[..at].chars().count();
    assert!(target < len);
    h.state_mut().push(Command::GoTo(ScrollTarget::Top(target)));
    h.run();
    let first = h.state().view.first_visible_char().unwrap();
    h.set_size(vec2(1000.0, 900.0));
    h.run();
    assert!(
        on_screen(&h, first),
        "narrower window: {first} still in view"
    );
    h.set_size(vec2(1600.0, 700.0));
    h.run();
    assert!(on_screen(&h, first), "wider window: {first} still in view");
    h.state_mut().push(Command::FontSize(5.0));
    h.run();
    assert!(on_screen(&h, first), "larger text: {first} still in view");
    h.state_mut().push(Command::FontSize(-8.0));
    h.run();
    assert!(on_screen(&h, first), "smaller text: {first} still in view");
}

#[test]
fn width_and_font_changes_keep_the_reading_position_1mb() {
    reading_position_survives_relayout(1_000_000);
}

#[test]
fn width_and_font_changes_keep_the_reading_position_10mb() {
    reading_position_survives_relayout(10_000_000);
}

#[test]
fn wheel_scrolling_over_unmeasured_text_moves_exactly_by_the_wheel() {
    let fx = fixture(long_text(1_000_000));
    let len = fx.text.chars().count();
    let mut h = harness(&fx);
    h.state_mut()
        .push(Command::GoTo(ScrollTarget::Top(len / 2)));
    h.run();
    let view = viewport(&h);
    let pointer = view.center();
    h.hover_at(pointer);
    h.run();
    // Upwards, into text never laid out: each step moves what is on screen by the wheel's
    // distance, however tall the blocks above turn out to be.
    for step in 0..15 {
        let first = h.state().view.first_visible_char().unwrap();
        let y = h.state().view.screen_pos_of(first).unwrap().y;
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: vec2(0.0, 60.0),
            modifiers: Modifiers::NONE,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
        });
        h.run();
        let moved = h.state().view.screen_pos_of(first).unwrap().y - y;
        assert!(
            (moved - 60.0).abs() < 1.0,
            "step {step}: the text moved {moved} for a 60 point wheel step"
        );
    }
}

#[test]
fn the_view_follows_the_caret_by_rows_and_pages() {
    let fx = fixture(long_text(1_000_000));
    let mut h = harness(&fx);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Home);
    h.run();
    let mut last = 0;
    for press in 0..60 {
        h.key_press(Key::ArrowDown);
        two_frames(&mut h);
        let caret = h.state().view.caret().unwrap();
        assert!(caret > last, "press {press}: ↓ moves on ({last} → {caret})");
        assert!(
            on_screen(&h, caret),
            "press {press}: the caret stays in view"
        );
        last = caret;
    }
    for press in 0..5 {
        h.key_press(Key::PageDown);
        two_frames(&mut h);
        let caret = h.state().view.caret().unwrap();
        assert!(caret > last, "PgDn {press} moves on");
        assert!(
            on_screen(&h, caret),
            "PgDn {press}: the caret stays in view"
        );
        last = caret;
    }
    h.key_press_modifiers(Modifiers::SHIFT, Key::PageUp);
    two_frames(&mut h);
    let sel = h.state().view.selection.unwrap();
    assert_eq!(
        sel.anchor, last,
        "Shift+PgUp selects from where the caret was"
    );
    assert!(sel.head < last && on_screen(&h, sel.head));
}

const SHORT: &str = "Zoë Ångström met Daniel Reyes in Zürich.\n\nThe council approved $40 million in June.\nCritics say the plan is late.\n";

#[test]
fn keyboard_only_select_two_words_and_tag() {
    let fx = fixture(SHORT.to_owned());
    let mut h = harness(&fx);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Home);
    h.run();
    assert_eq!(h.state().view.caret(), Some(0));
    for _ in 0..3 {
        // Zoë, Ångström, met: the caret ends after "met".
        h.key_press_modifiers(Modifiers::COMMAND, Key::ArrowRight);
        h.run();
    }
    h.key_press(Key::ArrowRight);
    h.run();
    for _ in 0..2 {
        h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::ArrowRight);
        h.run();
    }
    h.key_press(Key::Num2);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    let file = AnnotationFile::read(&annotation_path(&fx.doc, "tester")).unwrap();
    let (start, end) = find(SHORT, "Daniel Reyes", 0);
    let got: Vec<(usize, usize, &str, &str)> = file
        .spans
        .iter()
        .map(|s| (s.start, s.end, s.label.as_str(), s.text.as_str()))
        .collect();
    assert_eq!(got, [(start, end, "actor", "Daniel Reyes")]);
}

#[test]
fn arrows_home_end_and_rows_move_the_caret() {
    let fx = fixture(SHORT.to_owned());
    let mut h = harness(&fx);
    let press = |h: &mut Harness<'_, SpantagApp>, m: Modifiers, k: Key| {
        h.key_press_modifiers(m, k);
        h.run();
    };
    press(&mut h, Modifiers::COMMAND, Key::Home);
    press(&mut h, Modifiers::NONE, Key::End);
    let first_line = SHORT.lines().next().unwrap().chars().count();
    assert_eq!(h.state().view.caret(), Some(first_line));
    // Down twice: over the blank line to the third line; Home goes to its start.
    press(&mut h, Modifiers::NONE, Key::ArrowDown);
    press(&mut h, Modifiers::NONE, Key::ArrowDown);
    press(&mut h, Modifiers::NONE, Key::Home);
    let (third, _) = find(SHORT, "The council", 0);
    assert_eq!(h.state().view.caret(), Some(third));
    press(&mut h, Modifiers::SHIFT, Key::End);
    let (_, third_end) = find(SHORT, "in June.", 0);
    assert_eq!(
        h.state().view.selection.map(|s| s.range()),
        Some(third..third_end)
    );
    press(&mut h, Modifiers::NONE, Key::ArrowLeft);
    assert_eq!(
        h.state().view.caret(),
        Some(third),
        "← collapses to the start"
    );
    press(&mut h, Modifiers::NONE, Key::ArrowUp);
    press(&mut h, Modifiers::NONE, Key::ArrowUp);
    assert_eq!(h.state().view.caret(), Some(0));
    press(&mut h, Modifiers::COMMAND, Key::A);
    assert_eq!(
        h.state().view.selection.map(|s| s.range()),
        Some(0..first_line),
        "Ctrl+A selects the paragraph"
    );
}

fn document_has_focus(h: &Harness<'_, SpantagApp>) -> bool {
    let id = h.state().view.id();
    id.is_some() && h.ctx.memory(|m| m.focused()) == id
}

#[test]
fn esc_closes_each_dialog_and_the_document_gets_the_keys_again() {
    let fx = fixture(SHORT.to_owned());
    let mut h = harness(&fx);

    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    h.run();
    assert!(h.state().export.open);
    h.key_press(Key::Escape);
    h.run();
    assert!(!h.state().export.open, "Esc closes Export…");
    assert!(document_has_focus(&h));

    h.state_mut().push(Command::ShowImport);
    h.run();
    assert!(h.state().import.open);
    h.key_press(Key::Escape);
    h.run();
    assert!(!h.state().import.open, "Esc closes Import…");
    assert!(document_has_focus(&h));

    h.key_press(Key::F1);
    h.run();
    assert!(
        h.query_all_by_label("Keyboard shortcuts").next().is_some(),
        "F1 shows the shortcuts"
    );
    h.key_press(Key::Escape);
    h.run();
    assert!(
        h.query_all_by_label("Keyboard shortcuts").next().is_none(),
        "Esc closes the shortcuts window"
    );
    assert!(document_has_focus(&h));
    // The keys reach the document again.
    h.key_press_modifiers(Modifiers::COMMAND, Key::End);
    h.run();
    assert_eq!(h.state().view.caret(), Some(SHORT.chars().count()));

    // The unsaved-changes question: Esc cancels.
    h.state_mut().view.selection = Some(Selection { anchor: 0, head: 3 });
    h.key_press(Key::Num2);
    h.run();
    h.state_mut().push(Command::CloseDocument);
    h.run();
    h.get_by_label_contains("Save your changes");
    h.key_press(Key::Escape);
    h.run();
    assert!(h.query_by_label_contains("Save your changes").is_none());
    assert!(h.state().open.is_some());
}

#[test]
fn enter_confirms_the_default_button() {
    let fx = fixture(SHORT.to_owned());
    let mut h = harness(&fx);
    h.state_mut().view.selection = Some(Selection { anchor: 0, head: 3 });
    h.key_press(Key::Num2);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    h.run();
    let out = fx.dir.path().join("out.jsonl");
    h.state_mut().export.out = out.display().to_string();
    h.key_press(Key::Enter);
    for _ in 0..500 {
        let _ = h.try_run();
        if !h.state().export.busy() && out.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(out.exists(), "Enter started the export");
    // The unsaved-changes question: Enter saves.
    h.state_mut().view.selection = Some(Selection {
        anchor: 4,
        head: 12,
    });
    h.key_press(Key::Escape); // closes the Export… dialog
    h.run();
    h.key_press(Key::Num1);
    h.run();
    h.state_mut().push(Command::CloseDocument);
    h.run();
    h.key_press(Key::Enter);
    h.run();
    assert!(h.state().open.is_none(), "saved and closed");
    let file = AnnotationFile::read(&annotation_path(&fx.doc, "tester")).unwrap();
    assert_eq!(file.spans.len(), 2);
}

fn document_width(h: &Harness<'_, SpantagApp>) -> f32 {
    viewport(h).width()
}

#[test]
fn narrow_windows_keep_most_of_the_width_for_the_document() {
    let fx = fixture(long_text(20_000));
    let mut h = harness_sized(&fx, vec2(800.0, 560.0));
    assert!(
        document_width(&h) >= 0.6 * 800.0,
        "the document gets {} of 800",
        document_width(&h)
    );
    // Wide again: the panels get their remembered widths back.
    h.set_size(vec2(1400.0, 900.0));
    h.run();
    h.run();
    let wide = document_width(&h);
    assert!(wide < 1400.0 * 0.65, "the panels are back: {wide}");
    // Hiding both panels gives the document the whole width; the key table's keys work.
    h.key_press(Key::F9);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::CloseBracket);
    h.run();
    assert!(document_width(&h) > 1300.0, "{}", document_width(&h));
    drop(h);
    // It is remembered.
    let h = harness_sized(&fx, vec2(1400.0, 900.0));
    assert!(document_width(&h) > 1300.0, "hidden panels stay hidden");
}

#[test]
fn a_resized_panel_keeps_its_width_across_runs() {
    let fx = fixture(long_text(20_000));
    let mut h = harness(&fx);
    let before = document_width(&h);
    // The right panel's edge sits just left of the span list; drag it 80 points right.
    let view = viewport(&h);
    let edge = egui::pos2(view.max.x + 1.0, view.center().y);
    let to = edge + vec2(80.0, 0.0);
    h.hover_at(edge);
    h.run();
    h.drag_at(edge);
    h.run();
    h.hover_at(edge + vec2(40.0, 0.0));
    h.run();
    h.hover_at(to);
    h.run();
    h.drop_at(to);
    h.run();
    h.run();
    let after = document_width(&h);
    assert!(
        after > before + 40.0,
        "the span list got narrower: {before} → {after}"
    );
    drop(h);
    let h = harness(&fx);
    assert!(
        (document_width(&h) - after).abs() < 4.0,
        "remembered: {after} vs {}",
        document_width(&h)
    );
}

/// F1's table fits a small window: the shortcuts window stays inside it and its last row
/// can be scrolled to.
#[test]
fn f1_help_fits_a_small_window_and_scrolls_to_its_last_row() {
    let fx = fixture("A short text.\n".to_owned());
    let mut h = harness_sized(&fx, vec2(1000.0, 560.0));
    h.key_press(Key::F1);
    h.run();
    h.run();
    let window = h.get_by_label("Keyboard shortcuts").rect();
    let (last_keys, _) = *spantag_app::app::SHORTCUTS.last().unwrap();
    let first_keys = spantag_app::app::SHORTCUTS[0].0;
    let first = h.get_all_by_label(first_keys).next().unwrap().rect();
    let last = || h.get_all_by_label(last_keys).last().unwrap().rect();
    assert!(first.min.y >= 0.0, "{first:?}");
    // The table is taller than the window allows: its last row starts out of sight…
    assert!(last().max.y > 560.0, "{:?} in {window:?}", last());
    // …and scrolling over the table brings it into the window, whole.
    for _ in 0..40 {
        h.hover_at(first.center());
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: vec2(0.0, -120.0),
            modifiers: Modifiers::NONE,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
        });
        h.run();
    }
    let row = h.get_all_by_label(last_keys).last().unwrap().rect();
    assert!(
        row.max.y <= 560.0 && row.min.y >= 0.0,
        "the last row is reachable: {row:?}"
    );
}

/// Below 700 points wide the side panels are drawers: the document gets the width, a toggle
/// slides the labels panel over it at a readable width (label names whole, the Add button
/// inside the window), and Esc closes it.
#[test]
fn a_narrow_window_turns_the_side_panels_into_drawers() {
    let fx = fixture("A short text about the council.\n".to_owned());
    let mut h = harness_sized(&fx, vec2(480.0, 700.0));
    h.run();
    h.run();
    assert!(
        h.query_by_label("Add").is_none(),
        "no panel squeezed beside the text"
    );
    h.get_by_label("☰ Labels").click();
    h.run();
    h.run();
    let add = h.get_by_label("Add").rect();
    assert!(
        add.max.x <= 480.0,
        "the Add button is inside the window: {add:?}"
    );
    // Label names whole, not "cl…".
    for name in ["claim", "actor", "event"] {
        assert!(h.query_all_by_label(name).next().is_some(), "{name}");
    }
    h.key_press(Key::Escape);
    h.run();
    assert!(h.query_by_label("Add").is_none(), "Esc closes the drawer");
    h.get_by_label("Spans ☰").click();
    h.run();
    h.run();
    h.get_by_label("Spans");
}
