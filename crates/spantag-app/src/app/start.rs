//! The start screen: annotator name, open a document, recent documents.

use egui::{Key, RichText};

use super::{SpantagApp, expand_home};
use crate::command::Command;
use crate::theme;
use spantag_core::store;

impl SpantagApp {
    pub(super) fn start_screen(&mut self, ui: &mut egui::Ui) {
        ui.vertical_centered(|ui| {
            ui.add_space((ui.available_height() * 0.12).min(90.0));
            ui.label(RichText::new("spantag").size(40.0).strong());
            ui.label(
                RichText::new(
                    "Tag claims, actors and events in long texts — offline, fast, nothing lost",
                )
                .size(16.0)
                .weak(),
            );
            ui.add_space(24.0);
            let width = 520.0f32.min(ui.available_width() - 40.0);
            egui::Frame::group(ui.style())
                .inner_margin(18.0)
                .show(ui, |ui| {
                    ui.set_width(width);
                    ui.horizontal(|ui| {
                        let label = ui.label("Annotator");
                        let edit = ui
                            .add(
                                egui::TextEdit::singleline(&mut self.annotator_input)
                                    .desired_width(200.0),
                            )
                            .labelled_by(label.id)
                            .on_hover_text(
                                "Your annotations are saved as <document>.<annotator>.ron",
                            );
                        if edit.changed() {
                            match store::validate_user_annotator(&self.annotator_input) {
                                Ok(()) => {
                                    self.annotator = self.annotator_input.clone();
                                    self.settings.last_annotator = Some(self.annotator.clone());
                                }
                                Err(err) => {
                                    ui.colored_label(
                                        theme::error_color(self.settings.dark_mode),
                                        err.to_string(),
                                    );
                                }
                            }
                        }
                        if edit.lost_focus() {
                            self.save_settings();
                        }
                    });
                    ui.add_space(10.0);
                    if ui
                        .add_sized(
                            [width, 34.0],
                            egui::Button::new(RichText::new("Open document…").size(16.0)),
                        )
                        .on_hover_text("Ctrl+O")
                        .clicked()
                    {
                        self.commands.push(Command::OpenDialog);
                    }
                    ui.add_space(4.0);
                    if ui
                        .add_sized([width, 26.0], egui::Button::new("Open folder…"))
                        .on_hover_text("A folder of documents as a corpus: a list of them, your progress, Ctrl+PgDn to the next")
                        .clicked()
                    {
                        self.commands.push(Command::OpenFolderDialog);
                    }
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        let field = ui.add(
                            egui::TextEdit::singleline(&mut self.path_input)
                                .hint_text("…or type a path: ~/news/op-ed.txt")
                                .desired_width(width - 70.0),
                        );
                        let enter = field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
                        if (ui.button("Open").clicked() || enter)
                            && !self.path_input.trim().is_empty()
                        {
                            self.commands
                                .push(Command::Open(expand_home(self.path_input.trim())));
                        }
                    });
                    ui.add_space(6.0);
                    ui.weak("You can also drop a text file on this window.");
                });
            if !self.settings.recent.is_empty() {
                ui.add_space(18.0);
                ui.label(RichText::new("Recent").strong());
                for path in self.settings.recent.clone() {
                    let name = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let folder = path
                        .parent()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default();
                    if ui.link(format!("{name}   ·   {folder}")).clicked() {
                        self.commands.push(Command::Open(path));
                    }
                }
            }
        });
    }
}
