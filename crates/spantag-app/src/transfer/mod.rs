//! The Export… and Import… dialogs. The work runs on a background thread (the same core
//! functions as `spantag export` / `spantag import`), with a progress bar and a summary.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use egui::RichText;

use crate::theme;
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

enum Message {
    Progress(usize, usize),
    Done(Result<String, String>),
}

/// A running or finished job.
struct Job {
    rx: mpsc::Receiver<Message>,
    done: usize,
    total: usize,
}

/// The outcome of the last job, shown until the dialog is closed.
struct Outcome {
    ok: bool,
    text: String,
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

/// What the dialogs need to know about the open document.
pub struct Context<'a> {
    /// The open document's path.
    pub document: &'a Path,
    /// The current annotator.
    pub annotator: &'a str,
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

fn spawn<F>(ctx: &egui::Context, work: F) -> Job
where
    F: FnOnce(&mut dyn FnMut(usize, usize)) -> Result<String, String> + Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    let ctx = ctx.clone();
    std::thread::spawn(move || {
        let progress_tx = tx.clone();
        let progress_ctx = ctx.clone();
        let mut progress = move |done, total| {
            let _ = progress_tx.send(Message::Progress(done, total));
            progress_ctx.request_repaint();
        };
        let result = work(&mut progress);
        let _ = tx.send(Message::Done(result));
        ctx.request_repaint();
    });
    Job {
        rx,
        done: 0,
        total: 0,
    }
}

/// Drains a job's messages; returns the outcome when it has finished.
fn poll(job: &mut Job) -> Option<Outcome> {
    while let Ok(message) = job.rx.try_recv() {
        match message {
            Message::Progress(done, total) => {
                job.done = done;
                job.total = total;
            }
            Message::Done(result) => {
                return Some(match result {
                    Ok(text) => Outcome { ok: true, text },
                    Err(text) => Outcome { ok: false, text },
                });
            }
        }
    }
    None
}

/// A path field with a Browse… button; returns whether Browse… was clicked.
fn path_field(ui: &mut egui::Ui, value: &mut String, hint: &str) -> bool {
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(value)
                .desired_width(300.0)
                .hint_text(hint),
        );
        ui.button("Browse…").clicked()
    })
    .inner
}

/// The two-column form of the Export… and Import… dialogs.
fn form_grid(id: &str) -> egui::Grid {
    egui::Grid::new(id).num_columns(2).spacing([12.0, 8.0])
}

/// The frame of the Export… and Import… dialogs: centred near the top, fixed size.
fn dialog_window(title: &str) -> egui::Window<'_> {
    egui::Window::new(title)
        .anchor(egui::Align2::CENTER_TOP, [0.0, 90.0])
        .collapsible(false)
        .resizable(false)
        .default_width(460.0)
}

/// Esc (close) and Enter (the default button) for a dialog, taken from the frame's input
/// before its text fields see them.
fn dialog_keys(ctx: &egui::Context) -> (bool, bool) {
    ctx.input_mut(|i| {
        (
            i.consume_key(egui::Modifiers::NONE, egui::Key::Escape),
            i.consume_key(egui::Modifiers::NONE, egui::Key::Enter),
        )
    })
}

fn progress_ui(ui: &mut egui::Ui, job: &Job) {
    let fraction = if job.total == 0 {
        0.0
    } else {
        job.done as f32 / job.total as f32
    };
    ui.add(
        egui::ProgressBar::new(fraction)
            .show_percentage()
            .text(format!("{} / {} documents", job.done, job.total)),
    );
    ui.ctx()
        .request_repaint_after(std::time::Duration::from_millis(100));
}

fn outcome_ui(ui: &mut egui::Ui, outcome: &Outcome) {
    let dark = ui.visuals().dark_mode;
    let color = if outcome.ok {
        ui.visuals().text_color()
    } else {
        theme::error_color(dark)
    };
    egui::ScrollArea::vertical()
        .id_salt("transfer-outcome")
        .max_height(160.0)
        .show(ui, |ui| {
            ui.label(RichText::new(&outcome.text).color(color));
        });
}

fn browse(
    ctx: &egui::Context,
    folder: bool,
    save_name: Option<String>,
    start: Option<PathBuf>,
) -> mpsc::Receiver<Option<PathBuf>> {
    let (tx, rx) = mpsc::channel();
    let ctx = ctx.clone();
    std::thread::spawn(move || {
        let mut dialog = rfd::FileDialog::new();
        if let Some(dir) = start {
            dialog = dialog.set_directory(dir);
        }
        let picked = if folder {
            dialog.pick_folder()
        } else if let Some(name) = save_name {
            dialog.set_file_name(name).save_file()
        } else {
            dialog.pick_file()
        };
        let _ = tx.send(picked);
        ctx.request_repaint();
    });
    rx
}

/// Polls a Browse… dialog; `Some(None)` means it closed without a choice.
fn poll_browse(rx: &mut Option<mpsc::Receiver<Option<PathBuf>>>) -> Option<Option<PathBuf>> {
    let result = rx.as_ref()?.try_recv().ok()?;
    *rx = None;
    Some(result)
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
            let records = formats::read_import(format, &input, offsets, &annotator)
                .map_err(|e| e.to_string())?;
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
            for note in report.notes.iter().take(50) {
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
