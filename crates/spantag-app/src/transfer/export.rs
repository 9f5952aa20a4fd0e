//! The Export… dialog: format, documents, layers, offsets and where to write, then the
//! export on a background thread.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use super::{
    Context, Job, Outcome, browse, dialog_keys, dialog_window, form_grid, outcome_ui, path_field,
    poll, poll_browse, progress_ui, spawn,
};
use spantag_core::corpus::{self, LayerChoice};
use spantag_core::formats::{self, Format, Offsets, Output};

/// Which documents an export covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The open document.
    Document,
    /// Every annotated document in the open document's folder and below.
    Folder,
}

/// Which layers an export covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layers {
    /// The current annotator's.
    Mine,
    /// Every annotator's.
    All,
    /// The curated layer.
    Curated,
}

/// The Export… dialog's state.
pub struct ExportDialog {
    /// Whether the dialog is shown.
    pub open: bool,
    /// The format.
    pub format: Format,
    /// Documents to export.
    pub scope: Scope,
    /// Layers to export.
    pub layers: Layers,
    /// Offsets for doccano / Label Studio.
    pub offsets: Offsets,
    /// Where to write.
    pub out: String,
    job: Option<Job>,
    outcome: Option<Outcome>,
    browse: Option<mpsc::Receiver<Option<PathBuf>>>,
}

impl Default for ExportDialog {
    fn default() -> Self {
        Self {
            open: false,
            format: Format::Jsonl,
            scope: Scope::Document,
            layers: Layers::Mine,
            offsets: Offsets::Codepoints,
            out: String::new(),
            job: None,
            outcome: None,
            browse: None,
        }
    }
}

fn default_out(doc: &Path, format: Format, scope: Scope) -> String {
    let dir = doc.parent().unwrap_or(Path::new("."));
    let stem = match scope {
        Scope::Document => doc
            .file_stem()
            .map_or_else(|| "export".to_owned(), |s| s.to_string_lossy().into_owned()),
        Scope::Folder => "corpus".to_owned(),
    };
    let name = if format.is_folder() {
        format!("{stem}-{}", format.name())
    } else if format.name() == format.extension() {
        format!("{stem}.{}", format.extension())
    } else {
        format!("{stem}.{}.{}", format.name(), format.extension())
    };
    dir.join(name).display().to_string()
}

impl ExportDialog {
    /// Opens the dialog with sensible defaults for the open document.
    pub fn show_for(&mut self, document: &Path) {
        self.open = true;
        self.outcome = None;
        self.out = default_out(document, self.format, self.scope);
    }

    /// Whether an export is running.
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    /// Starts the export with the current settings.
    pub fn start(&mut self, ctx: &egui::Context, context: &Context<'_>) {
        let inputs = match self.scope {
            Scope::Document => vec![context.document.to_path_buf()],
            Scope::Folder => vec![
                context
                    .document
                    .parent()
                    .unwrap_or(Path::new("."))
                    .to_path_buf(),
            ],
        };
        let choice = match self.layers {
            Layers::Mine => LayerChoice::Annotator(context.annotator.to_owned()),
            Layers::All => LayerChoice::All,
            Layers::Curated => LayerChoice::Curated,
        };
        let (format, offsets) = (self.format, self.offsets);
        let out = PathBuf::from(self.out.trim());
        self.outcome = None;
        self.job = Some(spawn(ctx, move |progress| {
            let jobs = corpus::plan(&inputs, &choice).map_err(|e| e.to_string())?;
            if jobs.iter().all(|j| j.layers.is_empty()) {
                return Err("No annotation files for the chosen layer: save your annotations first, or choose another layer".to_owned());
            }
            let report =
                formats::export(&jobs, format, offsets, &Output::Path(out.clone()), progress)
                    .map_err(|e| e.to_string())?;
            let mut text = format!("{}.\nWritten to {}", report.summary(), out.display());
            for note in report.notes.iter().take(50) {
                text.push_str("\n• ");
                text.push_str(note);
            }
            Ok(text)
        }));
    }

    /// Shows the dialog; returns whether the user asked to start the export (the caller
    /// saves unsaved changes, then calls [`Self::start`]).
    pub fn ui(&mut self, ctx: &egui::Context, context: &Context<'_>) -> bool {
        if !self.open {
            return false;
        }
        if let Some(job) = &mut self.job
            && let Some(outcome) = poll(job)
        {
            self.outcome = Some(outcome);
            self.job = None;
        }
        if let Some(Some(path)) = poll_browse(&mut self.browse) {
            self.out = path.display().to_string();
        }
        let mut open = self.open;
        let (escape, enter) = dialog_keys(ctx);
        let mut start = enter && self.job.is_none() && !self.out.trim().is_empty();
        if escape && self.job.is_none() {
            self.open = false;
            return false;
        }
        dialog_window("Export").open(&mut open).show(ctx, |ui| {
            let busy = self.job.is_some();
            ui.add_enabled_ui(!busy, |ui| {
                form_grid("export-grid").show(ui, |ui| {
                    ui.label("Format");
                    let before = (self.format, self.scope);
                    egui::ComboBox::from_id_salt("export-format")
                        .selected_text(self.format.description())
                        .width(300.0)
                        .show_ui(ui, |ui| {
                            for format in Format::ALL {
                                ui.selectable_value(&mut self.format, format, format.description());
                            }
                        })
                        .response
                        .widget_info(|| {
                            egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Format")
                        });
                    ui.end_row();
                    ui.label("Documents");
                    ui.horizontal(|ui| {
                        ui.radio_value(&mut self.scope, Scope::Document, "This document");
                        ui.radio_value(
                            &mut self.scope,
                            Scope::Folder,
                            "This folder and subfolders",
                        );
                    });
                    ui.end_row();
                    if (self.format, self.scope) != before {
                        self.out = default_out(context.document, self.format, self.scope);
                    }
                    ui.label("Layers");
                    ui.horizontal(|ui| {
                        ui.radio_value(
                            &mut self.layers,
                            Layers::Mine,
                            format!("Mine ({})", context.annotator),
                        );
                        ui.radio_value(&mut self.layers, Layers::All, "All annotators");
                        ui.radio_value(&mut self.layers, Layers::Curated, "Curated");
                    });
                    ui.end_row();
                    if self.format.has_offsets() {
                        ui.label("Offsets");
                        ui.horizontal(|ui| {
                            ui.radio_value(
                                &mut self.offsets,
                                Offsets::Codepoints,
                                "Code points (Python)",
                            )
                            .on_hover_text("text[start:end] in Python");
                            ui.radio_value(
                                &mut self.offsets,
                                Offsets::Utf16,
                                "UTF-16 (JavaScript)",
                            )
                            .on_hover_text("What doccano and Label Studio count in the browser");
                        });
                        ui.end_row();
                    }
                    ui.label(if self.format.is_folder() {
                        "Folder"
                    } else {
                        "File"
                    });
                    if path_field(ui, &mut self.out, "Where to write") && self.browse.is_none() {
                        let path = PathBuf::from(&self.out);
                        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                        self.browse = Some(browse(
                            ctx,
                            self.format.is_folder(),
                            name,
                            path.parent().map(Path::to_path_buf),
                        ));
                    }
                    ui.end_row();
                });
                ui.add_space(4.0);
                ui.weak("Exports use the saved annotation files; unsaved changes are saved first.");
            });
            ui.add_space(8.0);
            if let Some(job) = &self.job {
                progress_ui(ui, job);
            } else if ui
                .add_enabled(!self.out.trim().is_empty(), egui::Button::new("Export"))
                .clicked()
            {
                start = true;
            }
            if let Some(outcome) = &self.outcome {
                ui.separator();
                outcome_ui(ui, outcome);
            }
        });
        self.open = open || self.job.is_some();
        start
    }
}
