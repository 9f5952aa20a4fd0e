//! The corpus panel: every document of the open folder and its subfolders with your span
//! count and done tick, a filter, "n of m done"; a click opens a document.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use egui::RichText;

use spantag_core::corpus::{CorpusEntry, listing, progress};

/// What the listing thread sends: first the documents (names only) and the one to open
/// first, then everyone's counts and ticks.
enum Listed {
    Names {
        entries: Vec<CorpusEntry>,
        first_not_done: Option<PathBuf>,
    },
    Progress(Vec<(Option<usize>, bool)>),
    Failed(String),
}
use crate::command::Command;

/// An open corpus folder.
pub struct CorpusState {
    /// The folder.
    pub root: PathBuf,
    /// Its documents, by path.
    pub entries: Vec<CorpusEntry>,
    /// The filter box's text.
    pub filter: String,
    pending: Option<mpsc::Receiver<Listed>>,
    /// Counts and ticks are still being read.
    reading_progress: bool,
    first_not_done: Option<PathBuf>,
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
                let entries = match listing(&dir) {
                    Ok(entries) => entries,
                    Err(err) => {
                        let _ = tx.send(Listed::Failed(err.to_string()));
                        return;
                    }
                };
                // Only as many files as it takes to find the first document not done.
                let first_not_done = entries
                    .iter()
                    .find(|e| !progress(&e.path, &who).1)
                    .map(|e| e.path.clone());
                let paths: Vec<PathBuf> = entries.iter().map(|e| e.path.clone()).collect();
                let _ = tx.send(Listed::Names {
                    entries,
                    first_not_done,
                });
                if let Some(ctx) = &ctx {
                    ctx.request_repaint();
                }
                let all = paths.iter().map(|p| progress(p, &who)).collect();
                let _ = tx.send(Listed::Progress(all));
                if let Some(ctx) = ctx {
                    ctx.request_repaint();
                }
            });
        Self {
            root: root.to_path_buf(),
            entries: Vec::new(),
            filter: String::new(),
            pending: Some(rx),
            reading_progress: false,
            first_not_done: None,
            open_when_listed: true,
        }
    }

    /// Takes what the listing thread sent: `Some(Ok)` when the names arrived (the panel
    /// can show them and a document open), `Some(Err)` when listing failed. Counts and
    /// ticks arrive later and are filled in silently.
    pub fn poll(&mut self, wait: bool) -> Option<Result<(), String>> {
        loop {
            let rx = self.pending.as_ref()?;
            let got = if wait && !self.reading_progress {
                rx.recv().map_err(|_| mpsc::TryRecvError::Disconnected)
            } else {
                rx.try_recv()
            };
            match got {
                Ok(Listed::Names {
                    entries,
                    first_not_done,
                }) => {
                    self.entries = entries;
                    self.first_not_done = first_not_done;
                    self.reading_progress = true;
                    return Some(Ok(()));
                }
                Ok(Listed::Progress(all)) => {
                    for (e, (spans, done)) in self.entries.iter_mut().zip(all) {
                        // A document changed in this session keeps what the app knows.
                        if e.spans.is_none() {
                            e.spans = spans;
                            e.done = done;
                        }
                    }
                    self.pending = None;
                    self.reading_progress = false;
                }
                Ok(Listed::Failed(err)) => {
                    self.pending = None;
                    return Some(Err(err));
                }
                Err(mpsc::TryRecvError::Empty) => return None,
                Err(mpsc::TryRecvError::Disconnected) => {
                    self.pending = None;
                    if self.reading_progress {
                        self.reading_progress = false;
                        return None;
                    }
                    return Some(Err("the listing stopped".into()));
                }
            }
        }
    }

    /// Blocks until the counts and ticks are read (tests, benchmarks).
    pub fn wait_for_progress(&mut self) {
        while self.reading_progress {
            let Some(rx) = &self.pending else { return };
            match rx.recv() {
                Ok(Listed::Progress(all)) => {
                    for (e, (spans, done)) in self.entries.iter_mut().zip(all) {
                        if e.spans.is_none() {
                            e.spans = spans;
                            e.done = done;
                        }
                    }
                    self.pending = None;
                    self.reading_progress = false;
                }
                Ok(_) => {}
                Err(_) => {
                    self.pending = None;
                    self.reading_progress = false;
                }
            }
        }
    }

    /// Whether the documents are still being listed (names not there yet).
    pub fn is_listing(&self) -> bool {
        self.pending.is_some() && !self.reading_progress
    }

    /// Whether the counts and ticks are still being read.
    pub fn is_reading_progress(&self) -> bool {
        self.reading_progress
    }

    /// The document to open first: `last` when it is in the corpus, else the first one not
    /// done, else the first.
    pub fn first_to_open(&self, last: Option<&Path>) -> Option<PathBuf> {
        last.filter(|l| self.entries.iter().any(|e| e.path == *l))
            .map(Path::to_path_buf)
            .or_else(|| self.first_not_done.clone())
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
            let counted = if state.is_reading_progress() {
                " (reading…)"
            } else {
                ""
            };
            ui.weak(format!("{done} of {} done{counted}", state.entries.len()))
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
                            // The count on the right, the name cut to the width left (its
                            // whole path on hover): a long name never widens the panel.
                            let count = e.spans.map_or_else(|| "–".to_owned(), |n| n.to_string());
                            let name_width = (ui.available_width() - 32.0).max(40.0);
                            ui.scope(|ui| {
                                ui.set_max_width(name_width);
                                if ui
                                    .add(
                                        egui::Button::selectable(is_current, e.name.as_str())
                                            .truncate(),
                                    )
                                    .on_hover_text(e.path.display().to_string())
                                    .clicked()
                                    && !is_current
                                {
                                    commands.push(Command::Open(e.path.clone()));
                                }
                            });
                            ui.with_layout(
                                egui::Layout::right_to_left(egui::Align::Center),
                                |ui| ui.weak(count).on_hover_text("Spans in your file"),
                            );
                        });
                    }
                });
        });
}
