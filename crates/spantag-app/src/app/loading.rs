//! Opening a document off the UI thread. Reading, decoding and indexing a document and
//! parsing (and, when the source changed, re-anchoring) its annotation file run on a loader
//! thread; the UI waits a moment for it, so small documents open as if at once, and past
//! that shows progress and stays responsive.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use egui::RichText;

use super::SpantagApp;
use crate::open::OpenDocument;
use spantag_core::session::{ReviewLayers, Session};
use spantag_core::store;

/// How long opening may block the UI before progress is shown instead: one frame.
const WAIT_BEFORE_PROGRESS: Duration = Duration::from_millis(16);

/// What a document is opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Your own layer, editable.
    Annotate,
    /// Review: the annotators' layers read-only, the curated layer editable.
    Review,
}

/// A document being opened.
pub(super) struct Loading {
    path: PathBuf,
    kind: Kind,
    started: Instant,
    /// Re-anchoring progress: spans done and in all.
    done: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
    result: mpsc::Receiver<Result<Session, String>>,
    /// Review: the annotators' layers, which arrive after the document is on screen.
    layers: PendingLayers,
}

/// Annotators' layers still being read (review).
pub(super) type PendingLayers = mpsc::Receiver<Result<ReviewLayers, String>>;

impl Loading {
    /// What the status bar says meanwhile.
    pub(super) fn describe(&self) -> String {
        let name = super::file_name(&self.path);
        let total = self.total.load(Ordering::Relaxed);
        if total > 0 {
            let done = self.done.load(Ordering::Relaxed).min(total);
            format!("Opening {name}: re-anchoring spans to the changed text, {done} of {total}")
        } else {
            format!("Opening {name}…")
        }
    }

    fn fraction(&self) -> Option<f32> {
        let total = self.total.load(Ordering::Relaxed);
        (total > 0).then(|| self.done.load(Ordering::Relaxed) as f32 / total as f32)
    }
}

impl SpantagApp {
    /// Opens a document and the annotator's layer for it. On failure the current state is
    /// kept and the reason shown.
    pub fn open_document(&mut self, path: &Path) {
        if path.is_dir() {
            self.open_folder(path);
            return;
        }
        self.start_loading(path, Kind::Annotate);
    }

    /// Opens a folder as a corpus: lists its documents (in the background), then opens the
    /// one last worked on there, else the first not done.
    pub fn open_folder(&mut self, path: &Path) {
        let root = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.corpus = Some(crate::corpus::CorpusState::open(
            &root,
            &self.annotator,
            self.egui_ctx.clone(),
        ));
        self.info(format!("Listing {}…", root.display()));
    }

    /// Takes the corpus listing when it is ready and opens its first document.
    pub(super) fn poll_corpus(&mut self, ctx: &egui::Context, wait: bool) {
        let Some(corpus) = &mut self.corpus else {
            return;
        };
        match corpus.poll(wait) {
            None => {
                if corpus.is_listing() || corpus.is_reading_progress() {
                    ctx.request_repaint_after(Duration::from_millis(50));
                }
            }
            Some(Err(err)) => {
                self.corpus = None;
                self.error(format!("Could not list the folder: {err}"));
            }
            Some(Ok(())) => {
                let n = corpus.entries.len();
                if n == 0 {
                    let root = corpus.root.display().to_string();
                    self.corpus = None;
                    self.error(format!(
                        "{root} holds no documents (.txt or .md files) to annotate"
                    ));
                    return;
                }
                let last = self.settings.last_in_folder.get(&corpus.root).cloned();
                let first = corpus
                    .open_when_listed
                    .then(|| corpus.first_to_open(last.as_deref()))
                    .flatten();
                if let Some(first) = first {
                    self.commands.push(crate::command::Command::Open(first));
                }
            }
        }
    }

    pub(super) fn start_loading(&mut self, path: &Path, kind: Kind) {
        if kind == Kind::Annotate
            && let Err(err) = store::validate_user_annotator(&self.annotator)
        {
            self.error(err.to_string());
            return;
        }
        if path.is_dir() {
            self.error(format!(
                "{} is a folder: open a document in it (folders as corpora are not supported yet)",
                path.display()
            ));
            return;
        }
        if self.loading.is_some() {
            self.info("Still opening the previous document — try again in a moment");
            return;
        }
        let (tx, rx) = mpsc::channel();
        let (layers_tx, layers_rx) = mpsc::channel();
        let done = Arc::new(AtomicUsize::new(0));
        let total = Arc::new(AtomicUsize::new(0));
        let (thread_done, thread_total) = (Arc::clone(&done), Arc::clone(&total));
        let (doc_path, annotator) = (path.to_path_buf(), self.annotator.clone());
        let wake = self.egui_ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("open-document".into())
            .spawn(move || {
                let mut progress = |d: usize, t: usize| {
                    thread_total.store(t, Ordering::Relaxed);
                    thread_done.store(d, Ordering::Relaxed);
                };
                // The UI draws the result in the next frame, not at its next poll.
                let repaint = || {
                    if let Some(ctx) = &wake {
                        ctx.request_repaint();
                    }
                };
                match kind {
                    Kind::Annotate => {
                        let _ = tx.send(Session::open(&doc_path, &annotator, &mut progress));
                        repaint();
                    }
                    Kind::Review => {
                        // The document and the curated layer go on screen first; the
                        // annotators' layers follow (their files are read meanwhile).
                        let mut shown = false;
                        let layers =
                            Session::open_review_staged(&doc_path, &mut progress, |session| {
                                let _ = tx.send(Ok(session));
                                repaint();
                                shown = true;
                            });
                        if shown {
                            let _ = layers_tx.send(layers);
                        } else {
                            let err = layers
                                .err()
                                .unwrap_or_else(|| "the document could not be opened".to_owned());
                            let _ = tx.send(Err(err));
                        }
                        repaint();
                    }
                }
            });
        if let Err(err) = spawned {
            self.error(format!("Could not open {}: {err}", path.display()));
            return;
        }
        let loading = Loading {
            path: path.to_path_buf(),
            kind,
            started: Instant::now(),
            done,
            total,
            result: rx,
            layers: layers_rx,
        };
        match loading.result.recv_timeout(WAIT_BEFORE_PROGRESS) {
            Ok(result) => {
                self.pending_layers = (kind == Kind::Review).then_some(loading.layers);
                self.finish_loading(path, kind, result);
            }
            Err(_) => self.loading = Some(loading),
        }
    }

    /// Blocks until a document being opened is open (benchmarks, tests).
    pub fn wait_until_loaded(&mut self) {
        if self.corpus.as_ref().is_some_and(|c| c.is_listing()) {
            let ctx = egui::Context::default();
            self.poll_corpus(&ctx, true);
            let commands = std::mem::take(&mut self.commands);
            for command in commands {
                if let crate::command::Command::Open(path) = command {
                    self.open_document(&path);
                } else {
                    self.commands.push(command);
                }
            }
        }
        if let Some(loading) = self.loading.take() {
            let result = loading
                .result
                .recv()
                .unwrap_or_else(|_| Err("the loader stopped".to_owned()));
            self.pending_layers = (loading.kind == Kind::Review).then_some(loading.layers);
            self.finish_loading(&loading.path, loading.kind, result);
        }
        if let Some(corpus) = &mut self.corpus {
            corpus.wait_for_progress();
        }
        if let Some(rx) = self.pending_layers.take() {
            let layers = rx
                .recv()
                .unwrap_or_else(|_| Err("the loader stopped".to_owned()));
            self.insert_layers(layers);
        }
    }

    /// Whether the annotators' layers of a review are still being read.
    pub fn layers_pending(&self) -> bool {
        self.pending_layers.is_some()
    }

    fn insert_layers(&mut self, layers: Result<ReviewLayers, String>) {
        if self.review.is_none() {
            // Review was left (or another document opened) before they arrived.
            return;
        }
        let read = match layers {
            Ok(read) => read,
            Err(err) => {
                self.error(format!("Could not read the annotators' layers: {err}"));
                return;
            }
        };
        let Some(open) = &mut self.open else { return };
        let n = read.layers.len();
        open.session.insert_read_only(read.layers);
        let unreadable: Vec<String> = read
            .unreadable
            .iter()
            .map(|(id, _)| id.name().to_owned())
            .collect();
        if let Some(review) = &mut self.review {
            review.unreadable = read.unreadable;
        }
        if !open.show_problems {
            open.show_problems = open.session.layers().any(|(_, l)| !l.problems().is_empty());
        }
        let open_count = match &mut self.review {
            Some(review) => {
                review.refresh(&open.session);
                review.open_count(&open.session)
            }
            None => 0,
        };
        if unreadable.is_empty() {
            self.info(format!(
                "Reviewing {n} annotators: {} open — N goes to the next, Alt+1…9 accepts a version",
                spantag_core::edit_summary::count(open_count, "disagreement", "disagreements")
            ));
        } else {
            self.error(format!(
                "Could not read the layer of {} (see the review panel); reviewing the other {n}",
                unreadable.join(", ")
            ));
        }
        if std::mem::take(&mut self.goto_first_disagreement) {
            self.step_disagreement(true);
        }
        self.say_saved_on_leaving();
    }

    /// Whether a document is being opened.
    pub fn is_loading(&self) -> bool {
        self.loading.is_some()
    }

    pub(super) fn poll_loading(&mut self, ctx: &egui::Context) {
        if let Some(rx) = &self.pending_layers {
            match rx.try_recv() {
                Ok(layers) => {
                    self.pending_layers = None;
                    self.insert_layers(layers);
                }
                Err(mpsc::TryRecvError::Empty) => {
                    ctx.request_repaint_after(Duration::from_millis(20));
                }
                Err(mpsc::TryRecvError::Disconnected) => {
                    self.pending_layers = None;
                    self.error("Could not read the annotators' layers: the loader stopped");
                }
            }
        }
        let Some(loading) = &self.loading else { return };
        match loading.result.try_recv() {
            Ok(result) => {
                let (path, kind) = (loading.path.clone(), loading.kind);
                let taken = self.loading.take();
                self.pending_layers = taken.filter(|_| kind == Kind::Review).map(|l| l.layers);
                self.finish_loading(&path, kind, result);
            }
            Err(mpsc::TryRecvError::Empty) => {
                ctx.request_repaint_after(Duration::from_millis(50));
            }
            Err(mpsc::TryRecvError::Disconnected) => {
                let path = loading.path.clone();
                self.loading = None;
                self.error(format!(
                    "Could not open {}: the loader stopped",
                    path.display()
                ));
            }
        }
    }

    /// The central panel while a document opens and none is open yet.
    pub(super) fn loading_ui(&mut self, ui: &mut egui::Ui) {
        let Some(loading) = &self.loading else { return };
        ui.vertical_centered(|ui| {
            ui.add_space(ui.available_height() * 0.3);
            ui.label(RichText::new(loading.describe()).size(16.0));
            ui.add_space(10.0);
            match loading.fraction() {
                Some(f) => {
                    ui.add(
                        egui::ProgressBar::new(f)
                            .desired_width(360.0)
                            .show_percentage(),
                    );
                }
                None => {
                    ui.add(egui::Spinner::new().size(28.0));
                }
            }
            ui.add_space(6.0);
            ui.weak(format!("{:.1} s", loading.started.elapsed().as_secs_f32()));
        });
    }

    fn finish_loading(&mut self, path: &Path, kind: Kind, result: Result<Session, String>) {
        self.finish_loading_inner(path, kind, result);
        // Review mode says it once the annotators' layers are in.
        if self.pending_layers.is_none() {
            self.say_saved_on_leaving();
        }
    }

    /// Says again what leaving the previous document saved, before the current message.
    fn say_saved_on_leaving(&mut self) {
        if let Some(saved) = self.saved_on_leaving.take() {
            self.status.prefix(&saved);
        }
    }

    fn finish_loading_inner(&mut self, path: &Path, kind: Kind, result: Result<Session, String>) {
        let session = match result {
            Ok(session) => session,
            Err(err) => {
                self.error(err);
                return;
            }
        };
        let n = session.editable().layer().spans().len();
        let notice = session.document().encoding().notice();
        let change = store::Problem::change_summary(
            [session.editable().problems()],
            &super::file_name(path),
        );
        let change_ok = session.editable().problems().iter().all(|p| p.is_notice());
        let annotator = session.editable_id().to_string();
        let project_error = session.project_error().map(str::to_owned);
        self.open = Some(OpenDocument::new(session));
        self.view.reset();
        self.review = None;
        if kind == Kind::Review {
            let mut review = crate::review::ReviewState::default();
            if let Some(open) = &self.open {
                review.refresh(&open.session);
            }
            self.review = Some(review);
        }
        self.span_list = crate::panels::SpanListState::default();
        self.offer_recovery();
        self.settings.touch_recent(path);
        if let Some(corpus) = &self.corpus
            && path.starts_with(&corpus.root)
        {
            self.settings
                .last_in_folder
                .insert(corpus.root.clone(), path.to_path_buf());
        }
        self.settings.last_annotator = Some(self.annotator.clone());
        self.save_settings();
        if let Some(err) = project_error {
            self.warn(format!(
                "The project file was not used: {err}. Using the labels of the annotation file (or the defaults)"
            ));
        } else if kind == Kind::Review {
            self.info("Reading the annotators' layers…");
        } else if let Some(notice) = notice {
            self.warn(notice);
        } else if let Some(change) = change {
            if change_ok {
                self.info(change);
            } else {
                self.warn(format!("{change} (see the problems above)"));
            }
        } else if n > 0 {
            self.info(format!(
                "Loaded {n} span{} by {annotator}",
                if n == 1 { "" } else { "s" }
            ));
        } else if self
            .open
            .as_ref()
            .is_some_and(|o| o.session.document().char_len() == 0)
        {
            self.info(format!(
                "{} is empty: there is nothing to annotate",
                super::file_name(path)
            ));
        } else {
            self.info(format!(
                "New annotations by {annotator} — select text and press 1–9 to tag"
            ));
        }
    }
}
