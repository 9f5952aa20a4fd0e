//! The corpus panel: every document of the open folder and its subfolders with your span
//! count and done tick, a filter, "n of m done"; a click opens a document.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use egui::RichText;

use crate::corpus::{CorpusEntry, entries};
use crate::ui::command::Command;

/// An open corpus folder.
pub struct CorpusState {
    /// The folder.
    pub root: PathBuf,
    /// Its documents, by path.
    pub entries: Vec<CorpusEntry>,
    /// The filter box's text.
    pub filter: String,
    pending: Option<mpsc::Receiver<Result<Vec<CorpusEntry>, String>>>,
    /// Open this document when the listing arrives (the last one worked on, else the first
    /// not done).
    pub open_when_listed: bool,
}

impl CorpusState {
    /// Starts listing a folder on a background thread.
    pub fn open(root: &Path, annotator: &str, ctx: Option<egui::Context>) -> Self {
        let (tx, rx) = mpsc::channel();
        let (dir, who) = (root.to_path_buf(), annotator.to_owned());
        let _ = std::thread::Builder::new()
            .name("corpus".into())
            .spawn(move || {
                let _ = tx.send(entries(&dir, &who).map_err(|e| e.to_string()));
                if let Some(ctx) = ctx {
                    ctx.request_repaint();
                }
            });
        Self {
            root: root.to_path_buf(),
            entries: Vec::new(),
            filter: String::new(),
            pending: Some(rx),
            open_when_listed: true,
        }
    }

    /// Takes the listing when it is ready; `Some(Err)` when it failed.
    pub fn poll(&mut self, wait: bool) -> Option<Result<(), String>> {
        let rx = self.pending.as_ref()?;
        let got = if wait {
            rx.recv().map_err(|_| mpsc::TryRecvError::Disconnected)
        } else {
            rx.try_recv()
        };
        match got {
            Ok(Ok(entries)) => {
                self.entries = entries;
                self.pending = None;
                Some(Ok(()))
            }
            Ok(Err(err)) => {
                self.pending = None;
                Some(Err(err))
            }
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => {
                self.pending = None;
                Some(Err("the listing stopped".into()))
            }
        }
    }

    /// Whether the listing is still being read.
    pub fn is_listing(&self) -> bool {
        self.pending.is_some()
    }

    /// The document to open first: `last` when it is in the corpus, else the first one not
    /// done, else the first.
    pub fn first_to_open(&self, last: Option<&Path>) -> Option<PathBuf> {
        last.filter(|l| self.entries.iter().any(|e| e.path == *l))
            .map(Path::to_path_buf)
            .or_else(|| {
                self.entries
                    .iter()
                    .find(|e| !e.done)
                    .map(|e| e.path.clone())
            })
            .or_else(|| self.entries.first().map(|e| e.path.clone()))
    }

    /// The document after (or before) `current`, wrapping around.
    pub fn neighbour(&self, current: &Path, forward: bool) -> Option<PathBuf> {
        let n = self.entries.len();
        let at = self.entries.iter().position(|e| e.path == current)?;
        let next = if forward {
            (at + 1) % n
        } else {
            (at + n - 1) % n
        };
        (next != at).then(|| self.entries[next].path.clone())
    }

    /// Updates one document's count and tick (after it was saved or changed).
    pub fn update(&mut self, path: &Path, spans: usize, done: bool) {
        if let Some(e) = self.entries.iter_mut().find(|e| e.path == path) {
            e.spans = Some(spans);
            e.done = done;
        }
    }

    /// The folder's name, for the title bar.
    pub fn name(&self) -> String {
        self.root.file_name().map_or_else(
            || self.root.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }
}

/// The corpus list (at the top of the left panel).
pub fn corpus_ui(
    ui: &mut egui::Ui,
    state: &mut CorpusState,
    current: Option<&Path>,
    commands: &mut Vec<Command>,
) {
    let done = state.entries.iter().filter(|e| e.done).count();
    egui::CollapsingHeader::new(RichText::new(format!("Corpus · {}", state.name())).strong())
        .id_salt("corpus")
        .default_open(true)
        .show(ui, |ui| {
            if state.is_listing() {
                ui.horizontal(|ui| {
                    ui.add(egui::Spinner::new());
                    ui.label("Listing the folder…");
                });
                return;
            }
            ui.weak(format!("{done} of {} done", state.entries.len()))
                .on_hover_text("Ctrl+PgDn / Ctrl+PgUp: save and open the next / previous document");
            ui.add(
                egui::TextEdit::singleline(&mut state.filter)
                    .hint_text("Filter documents")
                    .desired_width(ui.available_width()),
            );
            let needle = state.filter.to_lowercase();
            let rows: Vec<&CorpusEntry> = state
                .entries
                .iter()
                .filter(|e| needle.is_empty() || e.name.to_lowercase().contains(&needle))
                .collect();
            let row_h = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
            egui::ScrollArea::vertical()
                .id_salt("corpus-list")
                .max_height(220.0)
                .auto_shrink([false, true])
                .show_rows(ui, row_h, rows.len(), |ui, range| {
                    for e in &rows[range] {
                        let is_current = current == Some(e.path.as_path());
                        ui.horizontal(|ui| {
                            let mut tick = e.done;
                            let box_response = ui
                                .add_enabled(is_current, egui::Checkbox::without_text(&mut tick))
                                .on_hover_text(if is_current {
                                    "Done (kept in your annotation file)"
                                } else {
                                    "Open the document to change this"
                                })
                                .on_disabled_hover_text("Open the document to change this");
                            let name = format!("done: {}", e.name);
                            box_response.widget_info(|| {
                                egui::WidgetInfo::selected(
                                    egui::Role::CheckBox,
                                    is_current,
                                    tick,
                                    &name,
                                )
                            });
                            if box_response.changed() {
                                commands.push(Command::ToggleDone);
                            }
                            let count = e.spans.map_or_else(|| "–".to_owned(), |n| n.to_string());
                            let text = format!("{}  ({count})", e.name);
                            if ui
                                .selectable_label(is_current, text)
                                .on_hover_text(e.path.display().to_string())
                                .clicked()
                                && !is_current
                            {
                                commands.push(Command::Open(e.path.clone()));
                            }
                        });
                    }
                });
        });
}
