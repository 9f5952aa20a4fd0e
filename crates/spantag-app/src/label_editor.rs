//! The label editor (Edit → Labels…): add, rename, recolour, reorder and remove labels.
//!
//! Renaming changes every annotation file of the corpus (every annotator's, the curated
//! layer, the project file) through [`spantag_core::labels::rename`], after a confirmation that
//! says how many files and spans; the other changes are undoable edits of your layer, or,
//! when a project file (`spantag.ron`) sets the labels, changes to that file (with a `.bak`).

use egui::{Color32, CornerRadius, RichText, Sense, vec2};

use crate::command::Command;
use crate::open::OpenDocument;
use crate::theme;
use spantag_core::annotation::{LabelScheme, PALETTE, parse_hex_color, validate_label_name};

/// A change that waits for the user's yes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirm {
    /// Rename a label in every file under `root`.
    Rename {
        /// The label.
        old: String,
        /// Its new name.
        new: String,
        /// Annotation files that use it.
        files: usize,
        /// Spans (and orphans) with it.
        spans: usize,
        /// Project files that define it.
        projects: usize,
        /// Where the files are (shown).
        root: String,
    },
    /// Remove a label that spans of your layer use (they are deleted with it).
    Remove {
        /// The label.
        name: String,
        /// Your spans with it.
        spans: usize,
        /// Your relations touching those spans (deleted with them).
        relations: usize,
    },
}

/// The label editor's state.
#[derive(Debug, Default)]
pub struct LabelEditor {
    /// Whether the window is shown.
    pub open: bool,
    /// The label being renamed and the name typed so far.
    rename: Option<(String, String)>,
    /// A change waiting for confirmation.
    pub confirm: Option<Confirm>,
    new_label: String,
    hex: String,
    /// The rename field takes the keyboard focus in its first frame.
    focus_rename: bool,
    /// Why the last change was refused.
    pub error: Option<String>,
    /// The project file that sets the labels (shown), and the document it was looked up for.
    project: Option<String>,
    project_of: Option<Option<std::path::PathBuf>>,
}

impl LabelEditor {
    /// Looks up the project file again (it may have been written or removed).
    pub fn refresh_project(&mut self) {
        self.project_of = None;
    }
}

impl LabelEditor {
    /// Shows the editor for the open document; changes go out as commands.
    pub fn ui(&mut self, ctx: &egui::Context, open: &OpenDocument, commands: &mut Vec<Command>) {
        if !self.open {
            return;
        }
        // Which project file sets the labels is looked up once per document (and after each
        // change made here), not read from disk every frame.
        let document = open
            .session
            .document()
            .path()
            .map(std::path::Path::to_path_buf);
        if self.project_of.as_ref() != Some(&document) {
            self.project = open
                .session
                .project()
                .map(|(path, _)| path.display().to_string());
            self.project_of = Some(document);
        }
        let project = self.project.clone();
        let mut shown = true;
        egui::Window::new("Labels")
            .open(&mut shown)
            .default_pos(ctx.content_rect().center_top() + vec2(-230.0, 80.0))
            .resizable(false)
            .collapsible(false)
            .default_width(460.0)
            .show(ctx, |ui| {
                if let Some(confirm) = self.confirm.clone() {
                    self.confirm_ui(ui, &confirm, commands);
                    return;
                }
                match &project {
                    Some(file) => ui.weak(format!(
                        "The labels come from {file}, shared with your team: colour, order, \
                         new and removed labels are written there (the old file is kept as \
                         .bak)."
                    )),
                    None => ui.weak(
                        "Colour, order, new and removed labels are saved in your annotation \
                         file (Ctrl+Z undoes them).",
                    ),
                };
                ui.add_space(6.0);
                self.table_ui(ui, open, commands);
                ui.add_space(6.0);
                ui.horizontal(|ui| {
                    let field = ui.add(
                        egui::TextEdit::singleline(&mut self.new_label)
                            .hint_text("New label")
                            .desired_width(200.0),
                    );
                    let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    if ui.button("Add").clicked() || enter {
                        let name = self.new_label.trim().to_owned();
                        match validate_label_name(&name) {
                            Err(why) => self.error = Some(why),
                            Ok(()) => {
                                commands.push(Command::EditorAddLabel(name));
                                self.new_label.clear();
                            }
                        }
                    }
                });
                if let Some(err) = &self.error {
                    ui.colored_label(theme::error_color(ui.visuals().dark_mode), err);
                }
            });
        // Esc (not taken by a confirmation or a text field) closes the editor.
        if self.confirm.is_none()
            && !ctx.text_edit_focused()
            && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape))
        {
            shown = false;
        }
        if !shown {
            self.open = false;
            self.rename = None;
            self.confirm = None;
        }
    }

    fn table_ui(&mut self, ui: &mut egui::Ui, open: &OpenDocument, commands: &mut Vec<Command>) {
        let labels = open.layer().scheme.labels().to_vec();
        let counts = open.counts();
        egui::Grid::new("label-editor")
            .num_columns(6)
            .spacing(vec2(10.0, 6.0))
            .striped(true)
            .show(ui, |ui| {
                ui.weak("Key");
                ui.weak("Colour");
                ui.weak("Name");
                ui.weak("Yours");
                ui.weak("Order");
                ui.weak("");
                ui.end_row();
                for (i, label) in labels.iter().enumerate() {
                    ui.monospace(LabelScheme::hotkey(i).map(String::from).unwrap_or_default());
                    self.colour_ui(ui, &label.name, theme::label_color(label), commands);
                    let renaming = self
                        .rename
                        .as_ref()
                        .is_some_and(|(old, _)| *old == label.name);
                    if renaming {
                        let mut done = None;
                        if let Some((_, new)) = &mut self.rename {
                            let field = ui.add_sized(
                                [130.0, 20.0],
                                egui::TextEdit::singleline(new)
                                    .id_salt("rename-field")
                                    .hint_text("New name"),
                            );
                            if std::mem::take(&mut self.focus_rename) {
                                field.request_focus();
                            }
                            if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                                done = Some(new.trim().to_owned());
                            }
                        }
                        if let Some(new) = done {
                            self.ask_rename(&label.name, new, commands);
                        }
                    } else {
                        ui.label(RichText::new(&label.name).strong());
                    }
                    let count = counts
                        .iter()
                        .find(|(n, _)| *n == label.name)
                        .map_or(0, |(_, c)| *c);
                    ui.label(count.to_string());
                    ui.horizontal(|ui| {
                        if ui
                            .add_enabled(i > 0, egui::Button::new("↑").small())
                            .on_hover_text("Move up (its key follows its place)")
                            .clicked()
                        {
                            commands.push(Command::MoveLabel(label.name.clone(), i - 1));
                        }
                        if ui
                            .add_enabled(i + 1 < labels.len(), egui::Button::new("↓").small())
                            .on_hover_text("Move down")
                            .clicked()
                        {
                            commands.push(Command::MoveLabel(label.name.clone(), i + 1));
                        }
                    });
                    ui.horizontal(|ui| {
                        if renaming {
                            if ui.button("Rename").clicked()
                                && let Some((_, new)) = self.rename.clone()
                            {
                                self.ask_rename(&label.name, new.trim().to_owned(), commands);
                            }
                            if ui.button("Cancel").clicked() {
                                self.rename = None;
                            }
                        } else {
                            if ui
                                .button("Rename…")
                                .on_hover_text("Rename it in every annotation file of the folder")
                                .clicked()
                            {
                                self.rename = Some((label.name.clone(), label.name.clone()));
                                self.focus_rename = true;
                                self.error = None;
                            }
                            if ui
                                .button("Remove")
                                .on_hover_text(if count == 0 {
                                    "No span of yours uses it".to_owned()
                                } else {
                                    format!("{count} spans of yours use it: asks first")
                                })
                                .clicked()
                            {
                                commands.push(Command::RemoveLabel(label.name.clone(), false));
                            }
                        }
                    });
                    ui.end_row();
                }
            });
    }

    fn ask_rename(&mut self, old: &str, new: String, commands: &mut Vec<Command>) {
        if new == old {
            self.rename = None;
            return;
        }
        match validate_label_name(&new) {
            Err(why) => self.error = Some(why),
            Ok(()) => {
                self.error = None;
                commands.push(Command::AskRenameLabel(old.to_owned(), new));
            }
        }
    }

    /// A swatch that opens a menu of palette colours and a `#rrggbb` field.
    fn colour_ui(
        &mut self,
        ui: &mut egui::Ui,
        name: &str,
        color: Color32,
        commands: &mut Vec<Command>,
    ) {
        let (rect, response) = ui.allocate_exact_size(vec2(26.0, 18.0), Sense::click());
        ui.painter().rect_filled(rect, CornerRadius::same(3), color);
        let response = response.on_hover_text(format!("Change the colour of {name}"));
        response.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Colour of {name}"))
        });
        egui::Popup::menu(&response).show(|ui| {
            ui.horizontal_wrapped(|ui| {
                ui.set_max_width(150.0);
                for hex in PALETTE {
                    let c = parse_hex_color(hex)
                        .map_or(Color32::GRAY, |[r, g, b]| Color32::from_rgb(r, g, b));
                    let (rect, swatch) = ui.allocate_exact_size(vec2(22.0, 22.0), Sense::click());
                    ui.painter().rect_filled(rect, CornerRadius::same(3), c);
                    swatch.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, hex));
                    if swatch.on_hover_text(hex).clicked() {
                        commands.push(Command::LabelColor(name.to_owned(), hex.to_owned()));
                        ui.close();
                    }
                }
            });
            ui.horizontal(|ui| {
                ui.add(
                    egui::TextEdit::singleline(&mut self.hex)
                        .hint_text("#rrggbb")
                        .desired_width(80.0),
                );
                let hex = self.hex.trim().to_ascii_lowercase();
                let ok = parse_hex_color(&hex).is_some() && hex.len() == 7;
                if ui.add_enabled(ok, egui::Button::new("Set")).clicked() {
                    commands.push(Command::LabelColor(name.to_owned(), hex));
                    ui.close();
                }
            });
        });
    }

    fn confirm_ui(&mut self, ui: &mut egui::Ui, confirm: &Confirm, commands: &mut Vec<Command>) {
        match confirm {
            Confirm::Rename {
                old,
                new,
                files,
                spans,
                projects,
                root,
            } => {
                ui.label(RichText::new(format!("Rename “{old}” to “{new}”?")).strong());
                ui.label(format!(
                    "{spans} span{} in {files} annotation file{}{} under {root} change — every \
                     annotator's, not only yours. Each changed file keeps its old version as \
                     .bak. Your unsaved changes are saved first. Ctrl+Z cannot undo this: \
                     rename it back instead.",
                    plural(*spans),
                    plural(*files),
                    if *projects > 0 {
                        format!(" and {projects} project file{}", plural(*projects))
                    } else {
                        String::new()
                    },
                ));
                let (enter, esc) = keys(ui);
                ui.horizontal(|ui| {
                    if ui
                        .button(RichText::new(format!("Rename in {files} files")).strong())
                        .on_hover_text("Enter")
                        .clicked()
                        || enter
                    {
                        commands.push(Command::RenameLabel(old.clone(), new.clone()));
                        self.confirm = None;
                        self.rename = None;
                    }
                    if ui.button("Cancel").on_hover_text("Esc").clicked() || esc {
                        self.confirm = None;
                    }
                });
            }
            Confirm::Remove {
                name,
                spans,
                relations,
            } => {
                ui.label(RichText::new(format!("Remove “{name}”?")).strong());
                let and_relations = if *relations > 0 {
                    format!(
                        ", and the {relations} relation{} touching them,",
                        plural(*relations)
                    )
                } else {
                    String::new()
                };
                ui.label(format!(
                    "{spans} span{} of yours use it: they{and_relations} are deleted with it \
                     (Ctrl+Z brings them back).",
                    plural(*spans)
                ));
                let (enter, esc) = keys(ui);
                ui.horizontal(|ui| {
                    if ui
                        .button(
                            RichText::new(format!(
                                "Delete {spans} span{} and the label",
                                plural(*spans)
                            ))
                            .strong(),
                        )
                        .on_hover_text("Enter")
                        .clicked()
                        || enter
                    {
                        commands.push(Command::RemoveLabel(name.clone(), true));
                        self.confirm = None;
                    }
                    if ui.button("Cancel").on_hover_text("Esc").clicked() || esc {
                        self.confirm = None;
                    }
                });
            }
        }
    }
}

/// Enter and Esc, taken for a confirmation (its default button and Cancel) so that nothing
/// else answers them.
fn keys(ui: &egui::Ui) -> (bool, bool) {
    ui.input_mut(|i| {
        (
            i.consume_key(egui::Modifiers::NONE, egui::Key::Enter),
            i.consume_key(egui::Modifiers::NONE, egui::Key::Escape),
        )
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
