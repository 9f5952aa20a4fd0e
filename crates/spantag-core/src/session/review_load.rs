//! Reading the annotators' layers of a review on every core, starting before the document
//! is open.
//!
//! Each layer is two tasks: reading and parsing its file, which needs no document, then
//! checking it against the document and indexing it. The tasks share one queue, so that
//! every core stays busy to the end however many layers there are. While the document is
//! still being opened (on the caller's thread), the other threads read and parse files, and
//! wait when only checks are left; once the document is set, the caller's thread works
//! through the queue too.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use super::{LayerId, LayerState, ReadOnlyLayer};
use crate::annotation::Layer;
use crate::document::Document;
use crate::store::{self, AnnotationFile, Loaded, StoreError};

enum Task {
    Read(usize),
    Check(usize, Box<AnnotationFile>),
}

struct Queue {
    tasks: VecDeque<Task>,
    /// Set once the document is open: checks can start.
    doc: Option<Arc<Document>>,
    /// The document could not be opened: nothing more is done.
    cancelled: bool,
}

/// What one thread produced: the layer's position among the ids, and the layer or why it
/// could not be read (`usize::MAX` for a task that panicked).
type Produced = Vec<(usize, Result<ReadOnlyLayer, StoreError>)>;

pub(super) struct Loader {
    ids: Vec<LayerId>,
    paths: Vec<PathBuf>,
    queue: Mutex<Queue>,
    changed: Condvar,
}

impl Loader {
    /// A loader for the layers `ids` of the document at `doc_path`; `doc` when it is open.
    pub(super) fn new(
        doc_path: &std::path::Path,
        ids: &[LayerId],
        doc: Option<Arc<Document>>,
    ) -> Self {
        let paths = ids
            .iter()
            .map(|id| store::annotation_path(doc_path, id.name()))
            .collect();
        Self {
            ids: ids.to_vec(),
            paths,
            queue: Mutex::new(Queue {
                tasks: (0..ids.len()).map(Task::Read).collect(),
                doc,
                cancelled: false,
            }),
            changed: Condvar::new(),
        }
    }

    /// Threads worth running besides the caller's: one per other core, at most one per
    /// layer.
    pub(super) fn helpers(&self) -> usize {
        std::thread::available_parallelism()
            .map_or(2, std::num::NonZero::get)
            .saturating_sub(1)
            .min(self.ids.len())
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        // Tasks run outside the lock and catch their panics: a poisoned queue is still whole.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The document is open: checks may start.
    pub(super) fn set_document(&self, doc: Arc<Document>) {
        self.lock().doc = Some(doc);
        self.changed.notify_all();
    }

    /// The document could not be opened: the threads stop.
    pub(super) fn cancel(&self) {
        self.lock().cancelled = true;
        self.changed.notify_all();
    }

    /// The next task for this thread, with the document when it is open; `None` when there
    /// is nothing left for it (a file still being read elsewhere is checked by the thread
    /// reading it).
    fn next(&self) -> Option<(Task, Option<Arc<Document>>)> {
        let mut queue = self.lock();
        loop {
            if queue.cancelled {
                return None;
            }
            if let Some(doc) = queue.doc.clone() {
                return queue.tasks.pop_front().map(|task| (task, Some(doc)));
            }
            // No document yet: a file to read, else wait for the document.
            if let Some(at) = queue.tasks.iter().position(|t| matches!(t, Task::Read(_))) {
                return queue.tasks.remove(at).map(|task| (task, None));
            }
            if queue.tasks.is_empty() {
                return None;
            }
            queue = self
                .changed
                .wait(queue)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Works through the queue until nothing is left for this thread.
    pub(super) fn work(&self) -> Produced {
        let mut produced = Vec::new();
        while let Some((task, doc)) = self.next() {
            // A task that panics still counts as done (with an error), so that the other
            // threads do not wait for it forever.
            let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.run(task, doc.as_deref())
            }))
            .unwrap_or_else(|_| {
                Some((
                    usize::MAX,
                    Err(StoreError::BadAnnotator(
                        "a layer could not be loaded".into(),
                    )),
                ))
            });
            produced.extend(done);
        }
        produced
    }

    fn run(
        &self,
        task: Task,
        doc: Option<&Document>,
    ) -> Option<(usize, Result<ReadOnlyLayer, StoreError>)> {
        match task {
            Task::Read(k) if !self.paths[k].exists() => Some((
                k,
                Ok(self.finish(
                    k,
                    Loaded {
                        layer: Layer::new(self.ids[k].name()),
                        problems: Vec::new(),
                        changed: false,
                        disk_hash: None,
                        labels_stored: false,
                    },
                )),
            )),
            Task::Read(k) => match AnnotationFile::read_unhashed(&self.paths[k]) {
                Ok(file) => match doc {
                    // Checked at once by this thread, while the file is still in its cache.
                    Some(doc) => Some((k, Ok(self.check(k, file, doc)))),
                    None => {
                        self.lock().tasks.push_front(Task::Check(k, Box::new(file)));
                        self.changed.notify_all();
                        None
                    }
                },
                Err(err) => Some((k, Err(err))),
            },
            Task::Check(k, file) => {
                let doc = doc?;
                Some((k, Ok(self.check(k, *file, doc))))
            }
        }
    }

    fn check(&self, k: usize, file: AnnotationFile, doc: &Document) -> ReadOnlyLayer {
        let loaded = store::loaded_read_only(file, doc, self.ids[k].name());
        self.finish(k, loaded)
    }

    fn finish(&self, k: usize, loaded: Loaded) -> ReadOnlyLayer {
        ReadOnlyLayer {
            id: self.ids[k].clone(),
            state: LayerState::new(loaded, self.paths[k].clone(), false),
        }
    }

    /// Everything the threads produced, in the order of the ids: the layers read, and those
    /// that could not be (with why), so that one broken file does not hide the others.
    pub(super) fn collect(&self, parts: Vec<Produced>) -> super::ReviewLayers {
        let mut all: Produced = parts.into_iter().flatten().collect();
        all.sort_by_key(|(k, _)| *k);
        let mut out = super::ReviewLayers::default();
        for (k, layer) in all {
            match layer {
                Ok(layer) => out.layers.push(layer),
                Err(err) => {
                    let id = self
                        .ids
                        .get(k)
                        .cloned()
                        .unwrap_or_else(|| LayerId::Annotator("?".to_owned()));
                    out.unreadable.push((id, err.to_string()));
                }
            }
        }
        out
    }
}

/// Cancels the loader when dropped: set while the document is being opened, so that a panic
/// there does not leave the other threads waiting for it.
pub(super) struct CancelOnDrop<'a>(pub(super) &'a Loader);

impl Drop for CancelOnDrop<'_> {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// What a helper thread produced, or an error in its place if it panicked.
pub(super) fn joined(handle: std::thread::ScopedJoinHandle<'_, Produced>) -> Produced {
    handle.join().unwrap_or_else(|_| {
        vec![(
            usize::MAX,
            Err(StoreError::BadAnnotator(
                "a layer could not be loaded".into(),
            )),
        )]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::Span;
    use crate::session::Session;

    const TEXT: &str = "Zoë Reyes said the council met on Tuesday. 🙂 Bob disagreed.\n";

    /// A document and one file per annotator, each tagging a different word (by code point
    /// offsets, as Python slices the text).
    fn folder(annotators: &[&str]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let doc_path = dir.path().join("op ed.txt");
        std::fs::write(&doc_path, TEXT).unwrap();
        let doc = Document::open(&doc_path).unwrap();
        let words = [(0, 9), (15, 18), (19, 26), (34, 41), (45, 48), (49, 58)];
        for (i, who) in annotators.iter().enumerate() {
            let mut layer = Layer::new(who);
            let (start, end) = words[i % words.len()];
            layer.insert(Span::new(1, start..end, "actor", doc.slice(start..end)));
            store::save_layer(&layer, &doc, &store::annotation_path(&doc_path, who)).unwrap();
        }
        (dir, doc_path)
    }

    fn ids(names: &[&str]) -> Vec<LayerId> {
        names.iter().map(|n| LayerId::from_name(n)).collect()
    }

    fn first_span(layer: &ReadOnlyLayer) -> (String, usize, usize, String) {
        let s = &layer.state.layer().spans()[0];
        (layer.id.name().to_owned(), s.start, s.end, s.text.clone())
    }

    #[test]
    fn more_layers_than_cores_come_back_in_order_as_a_plain_read_gives_them() {
        let names = ["a", "b.c", "dana", "eli", "fay", "gus", "hal"];
        let (_dir, doc_path) = folder(&names);
        let mut shown = false;
        let read = Session::open_review_staged(&doc_path, &mut |_, _| {}, |s| {
            assert_eq!(s.document().char_len(), TEXT.chars().count());
            shown = true;
        })
        .unwrap();
        assert!(shown);
        assert!(read.unreadable.is_empty());
        let layers = read.layers;
        let doc = Document::open(&doc_path).unwrap();
        let got: Vec<_> = layers.iter().map(first_span).collect();
        let expected: Vec<_> = names
            .iter()
            .map(|who| {
                let path = store::annotation_path(&doc_path, who);
                let loaded = store::load_layer(&doc, &path, who).unwrap();
                let s = &loaded.layer.spans()[0];
                ((*who).to_owned(), s.start, s.end, s.text.clone())
            })
            .collect();
        assert_eq!(got, expected);
        // Offsets from the text: "Bob" after the emoji is code points 45..48.
        assert_eq!(got[4], ("fay".to_owned(), 45, 48, "Bob".to_owned()));
    }

    #[test]
    fn files_are_read_before_the_document_is_open_and_checked_after() {
        let names = ["alice", "bob", "chen"];
        let (_dir, doc_path) = folder(&names);
        let loader = Loader::new(&doc_path, &ids(&names), None);
        std::thread::scope(|scope| {
            let helper = scope.spawn(|| loader.work());
            // The helper parses every file, then waits for the document.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
            loop {
                let parsed = {
                    let queue = loader.lock();
                    queue.tasks.len() == names.len()
                        && queue.tasks.iter().all(|t| matches!(t, Task::Check(..)))
                };
                if parsed {
                    break;
                }
                assert!(
                    std::time::Instant::now() < deadline,
                    "the files were not read"
                );
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            assert!(!helper.is_finished(), "it waits for the document");
            loader.set_document(Arc::new(Document::open(&doc_path).unwrap()));
            let layers = loader.collect(vec![joined(helper)]).layers;
            let got: Vec<_> = layers.iter().map(|l| first_span(l).0).collect();
            assert_eq!(got, ["alice", "bob", "chen"]);
            assert!(layers.iter().all(|l| l.state.problems().is_empty()));
        });
    }

    #[test]
    fn readers_waiting_for_a_document_that_never_opens_stop() {
        let names = ["alice", "bob"];
        let (dir, doc_path) = folder(&names);
        // Cancelled while a helper waits: it stops with nothing.
        let loader = Loader::new(&doc_path, &ids(&names), None);
        std::thread::scope(|scope| {
            let helper = scope.spawn(|| loader.work());
            while loader
                .lock()
                .tasks
                .iter()
                .any(|t| matches!(t, Task::Read(_)))
            {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            loader.cancel();
            assert!(joined(helper).is_empty());
        });
        // A document that is not text: an error, and the window never gets a session.
        std::fs::write(&doc_path, b"\x00\x01\x02binary\x00").unwrap();
        let mut shown = false;
        let err =
            Session::open_review_staged(&doc_path, &mut |_, _| {}, |_| shown = true).unwrap_err();
        assert!(!shown);
        assert!(err.contains("op ed.txt"), "{err}");
        drop(dir);
    }

    #[test]
    fn a_broken_file_is_listed_without_hiding_the_others_and_a_stale_span_is_a_problem() {
        let names = ["alice", "bob", "chen"];
        let (_dir, doc_path) = folder(&names);
        // Chen's span pushed past the end by hand: read, with the problem to show.
        let chen = store::annotation_path(&doc_path, "chen");
        let text = std::fs::read_to_string(&chen).unwrap();
        std::fs::write(&chen, text.replace("end: 26", "end: 260")).unwrap();
        let layers = Session::open_review_staged(&doc_path, &mut |_, _| {}, |_| {})
            .unwrap()
            .layers;
        assert!(
            layers[2]
                .state
                .problems()
                .iter()
                .any(|p| matches!(p, store::Problem::OutOfRange { end: 260, .. }))
        );
        // Bob's file cut in half: the document is shown and the others' layers are read;
        // his is listed as unreadable, with his file's name in the message.
        let bob = store::annotation_path(&doc_path, "bob");
        let text = std::fs::read_to_string(&bob).unwrap();
        std::fs::write(&bob, &text[..text.len() / 2]).unwrap();
        let mut shown = false;
        let read =
            Session::open_review_staged(&doc_path, &mut |_, _| {}, |_| shown = true).unwrap();
        assert!(shown);
        let names: Vec<&str> = read.layers.iter().map(|l| l.id.name()).collect();
        assert_eq!(names, ["alice", "chen"]);
        assert_eq!(read.unreadable.len(), 1);
        assert_eq!(read.unreadable[0].0.name(), "bob");
        assert!(
            read.unreadable[0].1.contains("op ed.txt.bob.ron"),
            "{:?}",
            read.unreadable
        );
    }
}
