//! The Export… and Import… dialogs. The work runs on a background thread (the same core
//! functions as `spantag export` / `spantag import`), with a progress bar and a summary.
//!
//! `export.rs` holds the Export… dialog, `import.rs` the Import… dialog; this file the
//! background job, its progress and outcome, and the form helpers both use.

mod export;
mod import;

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use egui::RichText;

use crate::theme;

pub use export::{ExportDialog, Layers, Scope};
pub use import::ImportDialog;

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

/// What the dialogs need to know about the open document.
pub struct Context<'a> {
    /// The open document's path.
    pub document: &'a Path,
    /// The current annotator.
    pub annotator: &'a str,
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
