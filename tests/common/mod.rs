//! Helpers shared by the tests that drive the real app with egui_kittest (build the app at
//! the README's window size with a document or folder open, point and click at places in the
//! text) and by those that run the `spantag` binary.

// Each test file uses some of these.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

use egui::{Modifiers, Pos2, vec2};
use egui_kittest::Harness;
use spantag_app::{AppOptions, SpantagApp};

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

/// Runs the `spantag` binary with these arguments, then these paths.
pub fn spantag(args: &[&str], paths: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spantag"))
        .args(args)
        .args(paths)
        .output()
        .unwrap()
}

/// A command's output as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
