//! The app's side of suggestions ([`spantag_core::suggest`]): asking the worker thread again when
//! the layer changes, loading the corpus's tagged texts and a source layer, and knowing
//! which suggestion `Enter` / `Backspace` act on.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;

use crate::open::OpenDocument;
use spantag_core::annotation::Layer;
use spantag_core::suggest::{self, Lexicon, Request, Suggestion, Waker, Worker};

/// Documents up to this size (and layers, source layers and corpus texts up to
/// [`INLINE_SPANS`]) get their suggestions on the UI thread; larger ones on the worker thread.
const INLINE_BYTES: usize = 256 * 1024;
const INLINE_SPANS: usize = 5_000;
/// How long a large layer must be left alone before its suggestions are asked for again.
const IDLE: std::time::Duration = std::time::Duration::from_millis(300);
/// How often the UI looks for an answer from the worker or the corpus reader: at first
/// every [`POLL`], then less often the longer the answer takes (a quarter of the wait so
/// far, at most [`POLL_MAX`]), so that a long search does not repaint the window thirty
/// times a second (under software rendering that cost as much CPU as the search).
const POLL: std::time::Duration = std::time::Duration::from_millis(30);
const POLL_MAX: std::time::Duration = std::time::Duration::from_millis(250);
/// Corpora up to this many documents have their tagged texts read at once.
const INLINE_DOCUMENTS: usize = 200;

/// What the last request was computed from; a new request goes out when it changes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Asked {
    document: u64,
    revision: u64,
    tagged_elsewhere: bool,
    source: Option<String>,
    lexicon: u64,
}

/// Suggestions for the open document.
#[derive(Default)]
pub struct SuggestState {
    worker: Option<Worker>,
    /// The suggestions, sorted by start (some may have been tagged or rejected since: check
    /// with [`suggest::is_live`]).
    pub items: Vec<Suggestion>,
    /// The one `Enter` accepts and `Backspace` rejects (an index into `items`).
    pub current: Option<usize>,
    generation: u64,
    /// The generation of the answer in `items`.
    answered: u64,
    asked: Option<Asked>,
    /// The live count for a layer revision and an answer (while the answer is stale).
    counted: Option<((u64, u64), usize)>,
    /// The layer's revision and when it was first seen (for [`IDLE`]).
    edited: Option<(u64, std::time::Instant)>,
    /// The document the suggestions are for (its address and hash), and a counter of
    /// documents seen.
    document: Option<(usize, String)>,
    documents_seen: u64,
    /// Evidence of saved documents being worked out (corpus root, document, its texts).
    #[allow(clippy::type_complexity)]
    saved_stats: Vec<
        mpsc::Receiver<(
            Option<PathBuf>,
            PathBuf,
            Vec<spantag_core::suggest::evidence::TextStats>,
        )>,
    >,
    /// Since when an answer has been due (for the polling interval).
    waiting_since: Option<std::time::Instant>,
    /// Texts tagged in the corpus folder, once read.
    lexicon: Option<Arc<Lexicon>>,
    lexicon_root: Option<PathBuf>,
    lexicon_version: u64,
    lexicon_loading: Option<mpsc::Receiver<(PathBuf, Lexicon)>>,
    /// The layer whose spans are suggested: its annotator, and the layer once loaded for
    /// the open document.
    pub source: Option<String>,
    source_layer: Option<(PathBuf, Layer)>,
    /// Why the source layer could not be loaded, for the status bar.
    pub source_error: Option<String>,
}

impl SuggestState {
    /// Forgets what belongs to the previous document (the source layer's name stays: it is
    /// loaded again for the next document).
    pub fn document_closed(&mut self) {
        // The search for the old document stops: its answer would mean nothing now.
        if let Some(worker) = &self.worker {
            worker.cancel();
        }
        self.items.clear();
        self.current = None;
        self.asked = None;
        self.source_layer = None;
        self.source_error = None;
    }

    /// Chooses the layer whose spans are suggested (`None`: no layer).
    pub fn set_source(&mut self, source: Option<String>) {
        if self.source != source {
            self.source = source;
            self.source_layer = None;
            self.source_error = None;
            self.asked = None;
        }
    }

    /// Reads the corpus's tagged texts again (after labels were renamed on disk).
    pub fn forget_corpus(&mut self) {
        self.lexicon_root = None;
        self.lexicon = None;
        self.lexicon_loading = None;
        self.lexicon_version += 1;
    }

    /// The open document's own tags, recorded after a save so that the next document of the
    /// corpus gets them as suggestions. Their evidence needs a pass over the document (how
    /// often each tagged text occurs), done on a thread of its own so that a save of a big
    /// document does not wait for it.
    pub fn remember_layer(
        &mut self,
        path: &Path,
        doc: Arc<spantag_core::document::Document>,
        layer: Layer,
    ) {
        if self.lexicon.is_none() {
            return;
        }
        let (tx, rx) = mpsc::channel();
        let path = path.to_path_buf();
        let root = self.lexicon_root.clone();
        let spawned = std::thread::Builder::new()
            .name("spantag-lexicon-save".into())
            .spawn(move || {
                let stats = spantag_core::suggest::evidence::document_stats(
                    &doc,
                    layer
                        .spans()
                        .iter()
                        .map(|s| (s.start, s.end, s.label.as_str(), s.text.as_str())),
                );
                let _ = tx.send((root, path, stats));
            });
        if spawned.is_ok() {
            self.saved_stats.push(rx);
        }
    }

    /// Records the evidence of saved documents that has been worked out.
    fn poll_saved(&mut self) {
        let mut done = Vec::new();
        for (i, rx) in self.saved_stats.iter().enumerate() {
            match rx.try_recv() {
                Ok((root, path, stats)) => {
                    if root == self.lexicon_root
                        && let Some(lexicon) = &mut self.lexicon
                    {
                        Arc::make_mut(lexicon).set_document(&path, stats);
                        self.lexicon_version += 1;
                    }
                    done.push(i);
                }
                Err(mpsc::TryRecvError::Disconnected) => done.push(i),
                Err(mpsc::TryRecvError::Empty) => {}
            }
        }
        for i in done.into_iter().rev() {
            self.saved_stats.remove(i);
        }
    }

    /// Once per frame: picks up answers, asks again when the layer changed (answered for
    /// `on_screen` first), and finds the current suggestion from `caret`.
    pub fn tick(
        &mut self,
        open: &OpenDocument,
        corpus: Option<(&Path, &[spantag_core::corpus::CorpusEntry])>,
        tagged_elsewhere: bool,
        (caret, on_screen): (Option<usize>, Option<std::ops::Range<usize>>),
        ctx: Option<&egui::Context>,
    ) {
        let doc = open.session.document();
        let address = std::ptr::from_ref(doc) as usize;
        if !self
            .document
            .as_ref()
            .is_some_and(|(a, hash)| *a == address && hash == doc.hash())
        {
            // Another document: the old suggestions' offsets mean nothing here.
            self.document_closed();
            self.document = Some((address, doc.hash().to_owned()));
            self.documents_seen += 1;
        }
        self.poll_lexicon(corpus, &open.layer().annotator);
        self.poll_saved();
        self.load_source(open);
        let worker = self.worker.get_or_insert_with(|| {
            // The worker asks for a frame when an answer is ready: no polling meanwhile.
            Worker::with_waker(ctx.map(|ctx| {
                let ctx = ctx.clone();
                Arc::new(move || ctx.request_repaint()) as Waker
            }))
        });
        if let Some((generation, items, report)) = worker.poll()
            && generation == self.generation
        {
            self.items = items;
            if !report.partial {
                self.answered = generation;
            }
        }
        let session = &open.session;
        let asked = Asked {
            document: self.documents_seen,
            revision: open.revision(),
            tagged_elsewhere,
            source: self.source_layer.as_ref().map(|(_, l)| l.annotator.clone()),
            lexicon: self.lexicon_version,
        };
        if self.asked.as_ref() != Some(&asked) {
            let small = session.document().text().len() <= INLINE_BYTES
                && open.layer().spans().len() <= INLINE_SPANS
                && self
                    .source_layer
                    .as_ref()
                    .is_none_or(|(_, l)| l.spans().len() <= INLINE_SPANS)
                && self
                    .lexicon
                    .as_ref()
                    .is_none_or(|l| l.len() <= INLINE_SPANS);
            // A large layer is asked about once it has been left alone for a moment: the
            // worker shares its spans while it copies what it needs, and an edit meanwhile
            // would copy them all. Ghosts tagged meanwhile are hidden at once anyway.
            let only_edited = self.asked.as_ref().is_some_and(|a| {
                Asked {
                    revision: asked.revision,
                    ..a.clone()
                } == asked
            });
            let now = std::time::Instant::now();
            if self.edited.is_none_or(|(r, _)| r != asked.revision) {
                self.edited = Some((asked.revision, now));
            }
            let waited = self.edited.map_or(IDLE, |(_, at)| now - at);
            if !small && only_edited && waited < IDLE {
                if let Some(ctx) = ctx {
                    ctx.request_repaint_after(IDLE - waited);
                }
            } else {
                self.generation += 1;
                let mut request = Request::new(session.document_arc(), open.layer().snapshot());
                request.path = session.document().path().map(Path::to_path_buf);
                request.lexicon = self.lexicon.clone();
                request.tagged_elsewhere = tagged_elsewhere;
                request.source = self.source_layer.as_ref().map(|(_, l)| l.snapshot());
                request.focus = on_screen;
                request.generation = self.generation;
                if small {
                    // A small document costs well under a millisecond: no thread, no frame
                    // late.
                    self.items = suggest::compute(&request);
                    self.answered = self.generation;
                } else {
                    worker.request(request);
                }
                self.asked = Some(asked);
            }
        }
        let worker_wakes = self.worker.as_ref().is_some_and(Worker::wakes);
        if (self.answered != self.generation && !worker_wakes)
            || self.lexicon_loading.is_some()
            || !self.saved_stats.is_empty()
        {
            // An answer is due from another thread: look again soon (a delayed frame, not an
            // immediate one from that thread).
            let since = *self
                .waiting_since
                .get_or_insert_with(std::time::Instant::now);
            if let Some(ctx) = ctx {
                ctx.request_repaint_after((since.elapsed() / 4).clamp(POLL, POLL_MAX));
            }
        } else {
            self.waiting_since = None;
        }
        let state = session.editable();
        self.current = suggest::next_live(
            &self.items,
            caret.unwrap_or(0),
            state.layer(),
            state.index(),
        );
    }

    /// How many suggestions still stand: all of `items` when they answer the layer as it is
    /// (they were filtered against it), else counted on the layer (up to `cap`).
    pub fn live_count(&mut self, open: &OpenDocument, cap: usize) -> usize {
        let fresh = self.answered == self.generation
            && self
                .asked
                .as_ref()
                .is_some_and(|a| a.revision == open.revision());
        if fresh {
            return self.items.len();
        }
        let key = (open.revision(), self.answered);
        if let Some((k, n)) = self.counted
            && k == key
        {
            return n;
        }
        let state = open.session.editable();
        let n = self
            .items
            .iter()
            .filter(|s| suggest::is_live(s, state.layer(), state.index()))
            .take(cap)
            .count();
        self.counted = Some((key, n));
        n
    }

    /// Whether `items` answer the newest request and the corpus's texts have been read (the
    /// suggestions on screen are up to date).
    pub fn is_settled(&self) -> bool {
        self.lexicon_loading.is_none()
            && self.saved_stats.is_empty()
            && self.asked.is_some()
            && self.answered == self.generation
    }

    /// Whether the corpus's tagged texts are still being read.
    pub fn is_loading(&self) -> bool {
        self.lexicon_loading.is_some()
    }

    fn poll_lexicon(
        &mut self,
        corpus: Option<(&Path, &[spantag_core::corpus::CorpusEntry])>,
        annotator: &str,
    ) {
        if let Some(rx) = &self.lexicon_loading
            && let Ok((root, lexicon)) = rx.try_recv()
        {
            self.lexicon_loading = None;
            if self.lexicon_root.as_deref() == Some(root.as_path()) {
                self.lexicon = Some(Arc::new(lexicon));
                self.lexicon_version += 1;
            }
        }
        let Some((root, documents)) = corpus else {
            if self.lexicon_root.take().is_some() {
                self.lexicon = None;
                self.lexicon_version += 1;
            }
            return;
        };
        if self.lexicon_root.as_deref() == Some(root) {
            return;
        }
        self.lexicon_root = Some(root.to_path_buf());
        self.lexicon = None;
        self.lexicon_version += 1;
        let (tx, rx) = mpsc::channel();
        let documents: Vec<PathBuf> = documents.iter().map(|e| e.path.clone()).collect();
        if documents.len() <= INLINE_DOCUMENTS {
            let (lexicon, _) = Lexicon::load(&documents, annotator);
            self.lexicon = Some(Arc::new(lexicon));
            return;
        }
        let (root, annotator) = (root.to_path_buf(), annotator.to_owned());
        let spawned = std::thread::Builder::new()
            .name("spantag-lexicon".into())
            .spawn(move || {
                let (lexicon, _) = Lexicon::load(&documents, &annotator);
                let _ = tx.send((root, lexicon));
            });
        if spawned.is_ok() {
            self.lexicon_loading = Some(rx);
        }
    }

    fn load_source(&mut self, open: &OpenDocument) {
        let Some(name) = &self.source else {
            self.source_layer = None;
            return;
        };
        let doc = open.session.document();
        let Some(path) = doc.path() else { return };
        if self
            .source_layer
            .as_ref()
            .is_some_and(|(p, _)| p.as_path() == path)
        {
            return;
        }
        let file = spantag_core::store::annotation_path(path, name);
        if !file.exists() {
            self.source_error = Some(format!(
                "No suggestions from {name}: {} does not exist",
                file.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ));
            self.source_layer = Some((path.to_path_buf(), Layer::new(name)));
            return;
        }
        match spantag_core::store::load_layer(doc, &file, name) {
            Ok(loaded) => {
                self.source_layer = Some((path.to_path_buf(), loaded.layer));
                self.source_error = None;
            }
            Err(err) => {
                self.source_error = Some(format!("No suggestions from {name}: {err}"));
                self.source_layer = Some((path.to_path_buf(), Layer::new(name)));
            }
        }
    }
}
