//! The menu bar. Shortcut texts come from the one key table in `keymap.rs`.

use super::keymap::{Action, keys};
use super::{SpantagApp, menu_item};
use crate::command::Command;
use crate::doc_view::ScrollTarget;

impl SpantagApp {
    pub(super) fn menu_bar(&mut self, ui: &mut egui::Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            let has_doc = self.open.is_some();
            ui.menu_button("File", |ui| {
                if menu_item(ui, true, "Open…", keys(Action::Open)) {
                    self.commands.push(Command::OpenDialog);
                }
                if menu_item(ui, true, "Open folder…", "") {
                    self.commands.push(Command::OpenFolderDialog);
                }
                ui.menu_button("Open recent", |ui| {
                    if self.settings.recent.is_empty() {
                        ui.weak("No recent documents");
                    }
                    for path in self.settings.recent.clone() {
                        if ui.button(path.display().to_string()).clicked() {
                            self.commands.push(Command::Open(path));
                        }
                    }
                });
                ui.separator();
                if menu_item(ui, has_doc, "Export…", keys(Action::Export)) {
                    self.commands.push(Command::ShowExport);
                }
                if menu_item(ui, true, "Import…", "") {
                    self.commands.push(Command::ShowImport);
                }
                ui.separator();
                if menu_item(ui, has_doc, "Save", keys(Action::Save)) {
                    self.commands.push(Command::Save);
                }
                if menu_item(ui, has_doc, "Close document", keys(Action::Close)) {
                    self.commands.push(Command::CloseDocument);
                }
                ui.separator();
                if menu_item(ui, true, "Quit", keys(Action::Quit)) {
                    self.commands.push(Command::Quit);
                }
            });
            ui.menu_button("Edit", |ui| {
                let (can_undo, can_redo, has_span) =
                    self.open.as_ref().map_or((false, false, false), |o| {
                        (
                            o.session.editable().can_undo(),
                            o.session.editable().can_redo(),
                            o.selected_own().is_some(),
                        )
                    });
                if menu_item(ui, can_undo, "Undo", keys(Action::Undo)) {
                    self.commands.push(Command::Undo);
                }
                if menu_item(ui, can_redo, "Redo", keys(Action::Redo)) {
                    self.commands.push(Command::Redo);
                }
                ui.separator();
                if menu_item(ui, has_doc, "Find…", keys(Action::Find)) {
                    self.commands.push(Command::ShowSearch);
                }
                ui.separator();
                if menu_item(ui, has_span, "Delete span", keys(Action::Delete)) {
                    self.commands.push(Command::DeleteSelected);
                }
                ui.separator();
                if menu_item(ui, has_doc && self.review.is_none(), "Labels…", "") {
                    self.commands.push(Command::ShowLabelEditor);
                }
            });
            ui.menu_button("View", |ui| {
                let theme_label = if self.settings.dark_mode {
                    "Light theme"
                } else {
                    "Dark theme"
                };
                if ui.button(theme_label).clicked() {
                    self.commands.push(Command::ToggleTheme);
                }
                if menu_item(ui, true, "Larger text", keys(Action::Larger)) {
                    self.commands.push(Command::FontSize(1.0));
                }
                if menu_item(ui, true, "Smaller text", keys(Action::Smaller)) {
                    self.commands.push(Command::FontSize(-1.0));
                }
                ui.separator();
                let review_text = if self.review.is_some() {
                    "Back to annotating"
                } else {
                    "Review teammates' annotations"
                };
                if menu_item(ui, has_doc, review_text, keys(Action::Review)) {
                    self.commands.push(Command::ToggleReview);
                }
                if menu_item(ui, has_doc, "Agreement…", "") {
                    self.commands.push(Command::ShowAgreement);
                }
                ui.separator();
                self.suggestions_menu(ui, has_doc);
                ui.separator();
                let mut snap = self.settings.snap_to_words;
                if ui
                    .checkbox(&mut snap, "Select whole words when dragging")
                    .on_hover_text("Alt+drag keeps character precision")
                    .changed()
                {
                    self.commands.push(Command::ToggleSnapWords);
                }
                ui.separator();
                let left = if self.settings.show_left_panel {
                    "Hide labels panel"
                } else {
                    "Show labels panel"
                };
                if menu_item(ui, true, left, keys(Action::ToggleLeftPanel)) {
                    self.commands.push(Command::ToggleLeftPanel);
                }
                let right = if self.settings.show_right_panel {
                    "Hide span list"
                } else {
                    "Show span list"
                };
                if menu_item(ui, true, right, keys(Action::ToggleRightPanel)) {
                    self.commands.push(Command::ToggleRightPanel);
                }
                ui.separator();
                if menu_item(ui, has_doc, "Go to start", keys(Action::Start)) {
                    self.commands.push(Command::GoTo(ScrollTarget::Top(0)));
                }
                if menu_item(ui, has_doc, "Go to end", keys(Action::End)) {
                    self.commands.push(Command::GoTo(ScrollTarget::End));
                }
            });
            ui.menu_button("Help", |ui| {
                if menu_item(ui, true, "Keyboard shortcuts", keys(Action::Help)) {
                    self.show_shortcuts = true;
                }
            });
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let icon = if self.settings.dark_mode {
                    "☀"
                } else {
                    "🌙"
                };
                if ui
                    .button(icon)
                    .on_hover_text("Switch between dark and light theme")
                    .clicked()
                {
                    self.commands.push(Command::ToggleTheme);
                }
            });
        });
    }

    /// View → Suggestions: on or off, text tagged elsewhere, and a layer to suggest from.
    fn suggestions_menu(&mut self, ui: &mut egui::Ui, has_doc: bool) {
        ui.menu_button("Suggestions", |ui| {
            let mut on = self.settings.suggestions;
            if ui
                .checkbox(&mut on, "Show suggestions")
                .on_hover_text("Ghost spans you accept (Enter or click) or reject (Backspace)")
                .changed()
            {
                self.commands.push(Command::ToggleSuggestions);
            }
            ui.add_enabled_ui(on, |ui| {
                let mut tagged = self.settings.suggest_tagged_elsewhere;
                if ui
                    .checkbox(&mut tagged, "Text tagged elsewhere")
                    .on_hover_text(
                        "Text you tagged in this document or another of the folder, \
                         found again untagged",
                    )
                    .changed()
                {
                    self.commands.push(Command::ToggleSuggestTaggedElsewhere);
                }
                ui.separator();
                ui.weak("Spans of another layer:");
                let current = self.suggestions.source.clone();
                if ui.radio(current.is_none(), "None").clicked() {
                    self.commands.push(Command::SuggestFrom(None));
                }
                let mut names = self.suggestion_sources();
                if let Some(name) = &current
                    && !names.contains(name)
                {
                    names.push(name.clone());
                }
                for name in names {
                    if ui
                        .add_enabled(
                            has_doc,
                            egui::RadioButton::new(current.as_ref() == Some(&name), &name),
                        )
                        .on_hover_text(format!(
                            "Suggest the spans of {name}'s file beside the document \
                             (e.g. a model's predictions imported with \
                             spantag import --annotator {name})"
                        ))
                        .clicked()
                    {
                        self.commands.push(Command::SuggestFrom(Some(name)));
                    }
                }
            });
        });
    }

    /// The other annotators with a file beside the open document.
    fn suggestion_sources(&self) -> Vec<String> {
        let Some(open) = &self.open else {
            return Vec::new();
        };
        let Some(path) = open.session.document().path() else {
            return Vec::new();
        };
        let own = open.layer().annotator.clone();
        spantag_core::store::annotation_files(path)
            .into_iter()
            .map(|(name, _)| name)
            .filter(|name| *name != own && name != spantag_core::store::CURATED)
            .collect()
    }
}
