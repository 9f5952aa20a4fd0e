//! The app under egui_kittest, for the GUI tests: built at the README's window size with a
//! document or folder open, driven until background work is done, clicked at places in the
//! text.

// Each test file uses some of these.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use egui::{Modifiers, Pos2, vec2};
use egui_kittest::Harness;
use spantag_app::{AppOptions, SpantagApp};
use spantag_core::review::Disagreement;

/// The app in a 1400×900 window, with what `options` names open (a folder lists first, then
/// opens its document, so loading is waited for twice).
pub fn app(options: AppOptions) -> Harness<'static, SpantagApp> {
    let mut h = Harness::builder()
        .with_size(vec2(1400.0, 900.0))
        .build_eframe(move |cc| SpantagApp::new(cc, options));
    h.state_mut().wait_until_loaded();
    h.run();
    h.state_mut().wait_until_loaded();
    h.run();
    h
}

/// Options that open `document` as annotator `tester`, with settings in `dir/config`, in
/// review mode or annotating.
pub fn tester(dir: &Path, document: &Path, review: bool) -> AppOptions {
    AppOptions {
        document: Some(document.to_path_buf()),
        annotator: Some("tester".to_owned()),
        config_dir: Some(dir.join("config")),
        review,
        ..Default::default()
    }
}

/// Runs frames until `done` holds (background work keeps asking for frames; that is not a
/// failure here); panics naming `what` after about five seconds.
pub fn run_until(
    h: &mut Harness<'_, SpantagApp>,
    what: &str,
    mut done: impl FnMut(&SpantagApp) -> bool,
) {
    for _ in 0..500 {
        let _ = h.try_run();
        if done(h.state()) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("timed out waiting for {what}");
}

/// The screen position of the boundary before code point `offset`.
pub fn pos(h: &Harness<'_, SpantagApp>, offset: usize) -> Pos2 {
    h.state()
        .view
        .screen_pos_of(offset)
        .unwrap_or_else(|| panic!("offset {offset} is not on screen"))
}

/// Presses and releases the primary button at `p` (one click, no frame in between).
pub fn press_release(h: &Harness<'_, SpantagApp>, p: Pos2) {
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos: p,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
}

/// Moves the pointer to `p` and clicks there.
pub fn click_at(h: &mut Harness<'_, SpantagApp>, p: Pos2) {
    h.hover_at(p);
    h.run();
    press_release(h, p);
    h.run();
}

/// The disagreement review mode is at.
pub fn current_disagreement(h: &Harness<'_, SpantagApp>) -> Disagreement {
    h.state()
        .review_state()
        .expect("in review mode")
        .navigator
        .current()
        .cloned()
        .expect("at a disagreement")
}
