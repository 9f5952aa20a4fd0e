//! The native file dialog, on its own thread so that a slow desktop portal never freezes a
//! frame, and what its answer (or its absence) means.

use std::path::Path;
use std::sync::mpsc;

use super::SpantagApp;
use crate::command::Command;

impl SpantagApp {
    pub(super) fn open_folder_dialog(&mut self, ctx: &egui::Context) {
        self.file_dialog(ctx, true);
    }

    pub(super) fn open_dialog(&mut self, ctx: &egui::Context) {
        self.file_dialog(ctx, false);
    }

    /// The native dialog choosing a document (or a folder), on its own thread so that a slow
    /// portal never freezes a frame; the answer arrives through `self.dialog`.
    fn file_dialog(&mut self, ctx: &egui::Context, folder: bool) {
        if self.dialog.is_some() {
            return;
        }
        let (tx, rx) = mpsc::channel();
        let ctx = ctx.clone();
        let start_dir = self
            .settings
            .recent
            .first()
            .and_then(|p| p.parent())
            .map(Path::to_path_buf);
        let spawned = std::thread::Builder::new()
            .name("file-dialog".into())
            .spawn(move || {
                let mut dialog = rfd::FileDialog::new();
                if let Some(dir) = start_dir {
                    dialog = dialog.set_directory(dir);
                }
                let chosen = if folder {
                    dialog
                        .set_title("Open a folder of documents to annotate")
                        .pick_folder()
                } else {
                    dialog
                        .set_title("Open a document to annotate")
                        .add_filter("Text", &["txt", "md", "text", "csv", "tsv", "log"])
                        .add_filter("All files", &["*"])
                        .pick_file()
                };
                let _ = tx.send(chosen);
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.dialog = Some(rx);
                self.info(if folder {
                    "Choosing a folder…"
                } else {
                    "Choosing a file…"
                });
            }
            Err(err) => self.error(format!("Could not show the file dialog: {err}")),
        }
    }

    pub(super) fn poll_dialog(&mut self) {
        let Some(rx) = &self.dialog else { return };
        match rx.try_recv() {
            Ok(Some(path)) => {
                self.dialog = None;
                self.commands.push(Command::Open(path));
            }
            Ok(None) | Err(mpsc::TryRecvError::Disconnected) => {
                self.dialog = None;
                self.info(
                    "No file chosen. If no dialog appeared, this desktop has no file-chooser portal: type a path on the start screen, drop a file on the window, or pass it on the command line",
                );
            }
            Err(mpsc::TryRecvError::Empty) => {}
        }
    }
}
