//! The Import… dialog: format, annotator, offsets, the dataset and the folder to write
//! into, then the import on a background thread.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use super::{
    Job, Outcome, browse, dialog_keys, dialog_window, form_grid, outcome_ui, path_field, poll,
    poll_browse, progress_ui, spawn,
};
use spantag_core::formats::{self, Format, Offsets};

/// The Import… dialog's state.
pub struct ImportDialog {
    /// Whether the dialog is shown.
    pub open: bool,
    /// The format read.
    pub format: Format,
    /// How the input counts offsets (every importable format).
    pub offsets: Offsets,
    /// The dataset file or brat folder.
    pub input: String,
    /// The folder to write into.
    pub into: String,
    /// Annotator for records that do not name one.
    pub annotator: String,
    /// Overwrite existing annotation files.
    pub force: bool,
    job: Option<Job>,
    outcome: Option<Outcome>,
    browse_input: Option<mpsc::Receiver<Option<PathBuf>>>,
    browse_into: Option<mpsc::Receiver<Option<PathBuf>>>,
    /// The first document imported, to offer opening it.
    pub imported_first: Option<PathBuf>,
    first_rx: Option<mpsc::Receiver<PathBuf>>,
}

impl Default for ImportDialog {
    fn default() -> Self {
        Self {
            open: false,
            format: Format::Jsonl,
            offsets: Offsets::Codepoints,
            input: String::new(),
            into: String::new(),
            annotator: String::new(),
            force: false,
            job: None,
            outcome: None,
            browse_input: None,
            browse_into: None,
            imported_first: None,
            first_rx: None,
        }
    }
}

impl ImportDialog {
    /// Opens the dialog; `folder` is where imported files go by default.
    pub fn show_for(&mut self, folder: Option<&Path>, annotator: &str) {
        self.open = true;
        self.outcome = None;
        self.imported_first = None;
        if self.into.is_empty()
            && let Some(folder) = folder
        {
            self.into = folder.display().to_string();
        }
        if self.annotator.is_empty() {
            annotator.clone_into(&mut self.annotator);
        }
    }

    /// Starts the import with the current settings.
    pub fn start(&mut self, ctx: &egui::Context) {
        let (format, offsets, force) = (self.format, self.offsets, self.force);
        let input = PathBuf::from(self.input.trim());
        let into = PathBuf::from(self.into.trim());
        let annotator = self.annotator.trim().to_owned();
        let (first_tx, first_rx) = mpsc::channel();
        self.first_rx = Some(first_rx);
        self.outcome = None;
        self.job = Some(spawn(ctx, move |progress| {
            spantag_core::store::validate_user_annotator(&annotator).map_err(|e| e.to_string())?;
            progress(0, 1);
            let mut records = formats::read_import(format, &input, offsets, &annotator)
                .map_err(|e| e.to_string())?;
            // Named before the first is picked: a record without a name may be a document
            // already in the folder.
            let naming = formats::names::name_unnamed(&mut records, &into);
            if let Some(first) = records
                .first()
                .and_then(|r| formats::safe_relative(&r.name))
            {
                let _ = first_tx.send(into.join(first));
            }
            let report =
                formats::write_imported(records, &into, force).map_err(|e| e.to_string())?;
            progress(1, 1);
            let mut text = report.summary(&into);
            for note in naming.iter().chain(&report.notes).take(50) {
                text.push_str("\n• ");
                text.push_str(note);
            }
            Ok(text)
        }));
    }

    /// Shows the dialog; returns a document to open when the user asks for it.
    pub fn ui(&mut self, ctx: &egui::Context) -> Option<PathBuf> {
        if !self.open {
            return None;
        }
        if let Some(job) = &mut self.job
            && let Some(outcome) = poll(job)
        {
            if outcome.ok {
                self.imported_first = self.first_rx.as_ref().and_then(|rx| rx.try_recv().ok());
            }
            self.outcome = Some(outcome);
            self.job = None;
        }
        if let Some(Some(path)) = poll_browse(&mut self.browse_input) {
            self.input = path.display().to_string();
        }
        if let Some(Some(path)) = poll_browse(&mut self.browse_into) {
            self.into = path.display().to_string();
        }
        let mut open = self.open;
        let (escape, enter) = dialog_keys(ctx);
        let mut start = enter
            && self.job.is_none()
            && !self.input.trim().is_empty()
            && !self.into.trim().is_empty();
        if escape && self.job.is_none() {
            self.open = false;
            return None;
        }
        let mut open_doc = None;
        dialog_window("Import").open(&mut open).show(ctx, |ui| {
            let busy = self.job.is_some();
            ui.add_enabled_ui(!busy, |ui| {
                form_grid("import-grid").show(ui, |ui| {
                    ui.label("Format");
                    egui::ComboBox::from_id_salt("import-format")
                        .selected_text(self.format.description())
                        .width(300.0)
                        .show_ui(ui, |ui| {
                            for format in Format::ALL.into_iter().filter(|f| f.can_import()) {
                                ui.selectable_value(&mut self.format, format, format.description());
                            }
                        })
                        .response
                        .widget_info(|| {
                            egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Import format")
                        });
                    ui.end_row();
                    // Every importer reads either unit (the hidden choice of another format
                    // must not apply unseen).
                    ui.label("Offsets");
                    ui.horizontal(|ui| {
                        ui.radio_value(
                            &mut self.offsets,
                            Offsets::Codepoints,
                            "Code points (Python)",
                        );
                        ui.radio_value(&mut self.offsets, Offsets::Utf16, "UTF-16 (JavaScript)");
                    });
                    ui.end_row();
                    ui.label(if self.format == Format::Brat {
                        "Folder or .ann"
                    } else {
                        "File"
                    });
                    if path_field(ui, &mut self.input, "Dataset to import")
                        && self.browse_input.is_none()
                    {
                        self.browse_input =
                            Some(browse(ctx, self.format == Format::Brat, None, None));
                    }
                    ui.end_row();
                    ui.label("Into folder");
                    if path_field(
                        ui,
                        &mut self.into,
                        "Where documents and annotation files go",
                    ) && self.browse_into.is_none()
                    {
                        self.browse_into = Some(browse(ctx, true, None, None));
                    }
                    ui.end_row();
                    ui.label("Annotator");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.annotator)
                            .desired_width(160.0)
                            .hint_text("for records without one"),
                    );
                    ui.end_row();
                    ui.label("");
                    ui.checkbox(
                        &mut self.force,
                        "Overwrite existing annotation files (kept as .bak)",
                    );
                    ui.end_row();
                });
            });
            ui.add_space(8.0);
            if let Some(job) = &self.job {
                progress_ui(ui, job);
            } else if ui
                .add_enabled(
                    !self.input.trim().is_empty() && !self.into.trim().is_empty(),
                    egui::Button::new("Import"),
                )
                .clicked()
            {
                start = true;
            }
            if let Some(outcome) = &self.outcome {
                ui.separator();
                outcome_ui(ui, outcome);
                if let Some(first) = &self.imported_first
                    && ui
                        .button(format!(
                            "Open {}",
                            first
                                .file_name()
                                .map(|n| n.to_string_lossy().into_owned())
                                .unwrap_or_default()
                        ))
                        .clicked()
                {
                    open_doc = Some(first.clone());
                }
            }
        });
        self.open = (open || self.job.is_some()) && open_doc.is_none();
        if start {
            self.start(ctx);
        }
        open_doc
    }
}
