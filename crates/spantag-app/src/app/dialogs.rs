//! Dialogs and strips: unsaved changes, keyboard shortcuts, export and import, problems
//! found on loading.

use std::path::Path;

use egui::{Key, RichText, ViewportCommand};

use super::keymap::shortcut_rows;
use super::{AfterConfirm, SpantagApp};
use crate::command::Command;
use crate::{theme, transfer};

impl SpantagApp {
    pub(super) fn confirm_dialog(&mut self, ctx: &egui::Context) {
        let Some(after) = self.confirm.clone() else {
            return;
        };
        let mut choice = None;
        egui::Modal::new(egui::Id::unique("unsaved-changes")).show(ctx, |ui| {
            ui.set_width(380.0);
            ui.heading("Save your changes?");
            ui.add_space(6.0);
            let name = self
                .open
                .as_ref()
                .map(|o| o.session.document().display_name())
                .unwrap_or_default();
            ui.label(format!(
                "Your annotations of {name} have changes that are not saved yet."
            ));
            ui.add_space(12.0);
            ui.horizontal(|ui| {
                // Enter confirms the default button (Save); Esc cancels.
                if ui.button("Save").clicked() || ui.input(|i| i.key_pressed(Key::Enter)) {
                    choice = Some(true);
                }
                if ui.button("Don't save").clicked() {
                    choice = Some(false);
                }
                if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(Key::Escape)) {
                    self.confirm = None;
                    self.view.focus();
                }
            });
        });
        let Some(save) = choice else { return };
        self.confirm = None;
        self.view.focus();
        if save && !self.save() {
            return;
        }
        if !save && let Some(open) = &mut self.open {
            // The user chose to discard: the recovery files go too.
            open.session.discard_recovery();
        }
        match after {
            AfterConfirm::Quit => {
                self.allow_close = true;
                ctx.send_viewport_cmd(ViewportCommand::Close);
            }
            AfterConfirm::Close => {
                self.open = None;
                self.view.reset();
            }
            AfterConfirm::Open(path) => {
                self.open = None;
                self.view.reset();
                self.open_document(&path);
            }
        }
    }

    pub(super) fn shortcuts_window(&mut self, ctx: &egui::Context) {
        if !self.show_shortcuts {
            return;
        }
        // Esc or Enter closes it (its only button is the close button).
        if ctx.input_mut(|i| {
            i.consume_key(egui::Modifiers::NONE, Key::Escape)
                || i.consume_key(egui::Modifiers::NONE, Key::Enter)
        }) {
            self.show_shortcuts = false;
            self.view.focus();
            return;
        }
        let mut open = self.show_shortcuts;
        // It fits the window: at most the window's height less a margin, scrolling inside
        // when the table is taller (a small screen, a large font).
        let screen = ctx.content_rect();
        let max_height = (screen.height() - 80.0).max(160.0);
        let max_width = (screen.width() - 40.0).max(240.0);
        egui::Window::new("Keyboard shortcuts")
            .open(&mut open)
            .resizable(false)
            .collapsible(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
            .max_height(max_height)
            .max_width(max_width)
            .show(ctx, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("shortcuts-scroll")
                    .max_height(max_height - 40.0)
                    .auto_shrink([false, true])
                    .show(ui, |ui| {
                        egui::Grid::new("shortcuts")
                            .num_columns(2)
                            .spacing([24.0, 6.0])
                            .show(ui, |ui| {
                                for (keys, what) in shortcut_rows() {
                                    ui.label(RichText::new(keys).monospace().strong());
                                    ui.add(egui::Label::new(what).wrap());
                                    ui.end_row();
                                }
                            });
                    });
            });
        if !open {
            self.view.focus();
        }
        self.show_shortcuts = open;
    }

    pub(super) fn transfer_dialogs(&mut self, ctx: &egui::Context) {
        let was_open = self.export.open || self.import.open;
        if let Some(path) = self
            .open
            .as_ref()
            .and_then(|o| o.session.document().path())
            .map(Path::to_path_buf)
        {
            let annotator = self.annotator.clone();
            let context = transfer::Context {
                document: &path,
                annotator: &annotator,
            };
            if self.export.ui(ctx, &context) {
                // Exports read the files on disk: save first so they hold what is on screen.
                if !self.is_dirty() || self.save() {
                    self.export.start(ctx, &context);
                }
            }
        }
        if let Some(path) = self.import.ui(ctx) {
            self.commands.push(Command::Open(path));
        }
        if was_open && !(self.export.open || self.import.open) {
            self.view.focus();
        }
    }

    pub(super) fn problems_strip(&mut self, ui: &mut egui::Ui) {
        let dark = self.settings.dark_mode;
        let Some(open) = &mut self.open else { return };
        if !open.show_problems {
            return;
        }
        let problems = || open.session.layers().flat_map(|(_, l)| l.problems());
        if problems().next().is_none() {
            return;
        }
        let key: crate::open::ProblemsKey = open
            .session
            .layers()
            .map(|(_, l)| (l.problems().as_ptr() as usize, l.problems().len()))
            .collect();
        let (count, change) = match &open.problems_summary {
            Some((k, count, change)) if *k == key => (*count, change.clone()),
            _ => {
                // A source that changed, with every span found again, is news, not a problem.
                let count = problems().filter(|p| !p.is_notice()).count();
                let document = super::file_name(
                    open.session
                        .document()
                        .path()
                        .unwrap_or(Path::new("the document")),
                );
                let change = spantag_core::store::Problem::change_summary(
                    open.session.layers().map(|(_, l)| l.problems()),
                    &document,
                );
                open.problems_summary = Some((key, count, change.clone()));
                (count, change)
            }
        };
        let path = open.session.editable().path().display().to_string();
        let session = &open.session;
        let mut dismiss = false;
        let color = if count > 0 {
            theme::warning_color(dark)
        } else {
            ui.visuals().hyperlink_color
        };
        egui::Frame::new().fill(color.gamma_multiply(0.15)).inner_margin(8.0).show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                if count > 0 {
                    ui.colored_label(color, format!("⚠ {} in {path}", spantag_core::edit_summary::count(count, "problem", "problems")));
                } else {
                    ui.colored_label(color, format!("ℹ {}", change.as_deref().unwrap_or("The source changed")));
                }
                if ui.small_button("Dismiss").clicked() {
                    dismiss = true;
                }
            });
            if count > 0 {
                ui.weak("Every span was kept. Spans whose offsets do not fit the text are listed in the span table.");
            } else {
                let yours = session
                    .editable()
                    .problems()
                    .iter()
                    .any(|p| matches!(p, spantag_core::store::Problem::StaleSource { .. }));
                ui.weak(if yours {
                    "Saving records the new version of the text in the annotation file."
                } else {
                    "The teammates' files are read-only here; each records the new text when its annotator saves."
                });
            }
            egui::CollapsingHeader::new("Details").id_salt("problem-details").show(ui, |ui| {
                // Formatted only while the details are open, not every frame.
                egui::ScrollArea::vertical().max_height(140.0).show(ui, |ui| {
                    for (id, layer) in session.layers() {
                        for problem in layer.problems().iter().take(500) {
                            ui.label(format!("{id}: {problem}"));
                        }
                    }
                });
            });
        });
        if dismiss {
            open.show_problems = false;
        }
    }
}
