//! The search bar (Ctrl+F): plain text or a regular expression, whole words, case; matches
//! highlighted in the view and counted; next / previous; "Tag all matches as <label>" as one
//! undoable step. The matching itself is [`spantag_core::search`].

use std::ops::Range;

use egui::{Key, RichText};

use crate::command::Command;
use crate::open::OpenDocument;
use crate::theme;
use spantag_core::search::{Query, find_all};

/// The search bar's state.
#[derive(Default)]
pub struct SearchState {
    /// Whether the bar is shown.
    pub open: bool,
    /// What to look for.
    pub query: Query,
    /// The matches of the last search, sorted.
    pub matches: Vec<Range<usize>>,
    /// The match the user is on.
    pub current: Option<usize>,
    /// Why the query did not run (a bad pattern).
    pub error: Option<String>,
    /// The label "Tag all" uses.
    pub label: String,
    /// The query and document (its hash) the matches belong to.
    key: Option<(Query, String)>,
    focus_field: bool,
}

impl SearchState {
    /// Opens the bar with the keyboard in its field.
    pub fn show(&mut self) {
        self.open = true;
        self.focus_field = true;
    }

    /// Runs the query again if it changed (or the document did).
    pub fn refresh(&mut self, open: &OpenDocument) {
        // The document is told by its hash (two documents can have one length).
        let hash = open.session.document().hash();
        if self
            .key
            .as_ref()
            .is_some_and(|(q, h)| *q == self.query && h == hash)
        {
            return;
        }
        self.key = Some((self.query.clone(), hash.to_owned()));
        match find_all(open.session.document(), &self.query) {
            Ok(matches) => {
                self.matches = matches;
                self.error = None;
            }
            Err(err) => {
                self.matches.clear();
                self.error = Some(err.to_string());
            }
        }
        self.current = None;
    }

    /// Moves to the next (or previous) match after (before) `offset`, wrapping; returns it.
    pub fn step(&mut self, forward: bool, offset: usize) -> Option<Range<usize>> {
        let n = self.matches.len();
        if n == 0 {
            return None;
        }
        let next = match self.current {
            Some(i) if forward => (i + 1) % n,
            Some(i) => (i + n - 1) % n,
            None if forward => self.matches.partition_point(|r| r.start < offset) % n,
            None => self
                .matches
                .partition_point(|r| r.start < offset)
                .checked_sub(1)
                .unwrap_or(n - 1),
        };
        self.current = Some(next);
        self.matches.get(next).cloned()
    }
}

/// The bar above the document.
pub fn search_ui(
    ui: &mut egui::Ui,
    open: &OpenDocument,
    state: &mut SearchState,
    commands: &mut Vec<Command>,
) {
    egui::Frame::new()
        .inner_margin(egui::Margin::symmetric(10, 6))
        .fill(ui.visuals().faint_bg_color)
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                let label = ui.label("Find");
                let field = ui
                    .add(
                        egui::TextEdit::singleline(&mut state.query.text)
                            .hint_text("text, or a pattern with .*")
                            .desired_width(220.0),
                    )
                    .labelled_by(label.id);
                if std::mem::take(&mut state.focus_field) {
                    field.request_focus();
                }
                if field.has_focus() || field.lost_focus() {
                    let (enter, shift, esc) = ui.input(|i| {
                        (
                            i.key_pressed(Key::Enter),
                            i.modifiers.shift,
                            i.key_pressed(Key::Escape),
                        )
                    });
                    if enter {
                        commands.push(Command::SearchStep(!shift));
                        field.request_focus();
                    }
                    if esc {
                        commands.push(Command::CloseSearch);
                    }
                }
                // The toggles belong to the field: clicking one gives the keyboard back to
                // it, so the next letters typed go into the pattern, not to the document
                // (where `r` would start a relation).
                let toggles = [
                    ui.toggle_value(&mut state.query.case_sensitive, "Aa")
                        .on_hover_text("Match case"),
                    ui.toggle_value(&mut state.query.whole_word, "Word")
                        .on_hover_text("Whole words only"),
                    ui.toggle_value(&mut state.query.regex, ".*")
                        .on_hover_text("Regular expression"),
                ];
                if toggles.iter().any(egui::Response::clicked) {
                    field.request_focus();
                }
                state.refresh(open);
                let count = match (&state.error, state.current) {
                    (Some(_), _) => String::new(),
                    (None, Some(i)) => format!("{} of {}", i + 1, state.matches.len()),
                    (None, None) => format!("{} matches", state.matches.len()),
                };
                // An empty label breaks the wrapped row (it starts a row of no height, and
                // the rest of the bar is drawn over the start of it): none when there is an
                // error to show instead.
                if !count.is_empty() {
                    ui.label(count);
                }
                if ui
                    .add_enabled(!state.matches.is_empty(), egui::Button::new("▲"))
                    .on_hover_text("Previous match (Shift+Enter, Shift+F3)")
                    .clicked()
                {
                    commands.push(Command::SearchStep(false));
                }
                if ui
                    .add_enabled(!state.matches.is_empty(), egui::Button::new("▼"))
                    .on_hover_text("Next match (Enter, F3)")
                    .clicked()
                {
                    commands.push(Command::SearchStep(true));
                }
                ui.separator();
                if state.label.is_empty()
                    || open.scheme().get(&state.label).is_none()
                {
                    state.label = open
                        .scheme()
                        .labels()
                        .first()
                        .map(|l| l.name.clone())
                        .unwrap_or_default();
                }
                egui::ComboBox::from_label("Label")
                    .selected_text(state.label.as_str())
                    .width(90.0)
                    .show_ui(ui, |ui| {
                        for label in open.scheme().labels() {
                            ui.selectable_value(&mut state.label, label.name.clone(), &label.name);
                        }
                    });
                if ui
                    .add_enabled(
                        !state.matches.is_empty(),
                        egui::Button::new(format!("Tag all as {}", state.label)),
                    )
                    .on_hover_text(
                        "Tag every match not already tagged with this label (one step; Ctrl+Z undoes it)",
                    )
                    .clicked()
                {
                    commands.push(Command::TagAllMatches(state.label.clone()));
                }
                if ui.button("✕").on_hover_text("Close (Esc)").clicked() {
                    commands.push(Command::CloseSearch);
                }
            });
            if let Some(err) = &state.error {
                ui.colored_label(theme::error_color(ui.visuals().dark_mode), RichText::new(err));
            }
        });
}
