//! The suggestion worker: searches on a thread of its own, newest request first.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use super::{Cancel, Counts, Report, Request, Suggestion, compute_owned};

/// An answer of the [`Worker`]: the request's generation, the suggestions, the report (a
/// `partial` one covers what was on screen; the whole document's follows).
pub type Answer = (u64, Vec<Suggestion>, Report);

/// Called on the worker's thread when an answer is ready (the app asks for a frame).
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// Computes suggestions on a thread of its own: the UI sends requests as the layer changes
/// and picks up the newest answer; requests that queued up while one ran are skipped, and a
/// new request or [`Worker::cancel`] (the document was closed) stops the running one. A
/// request with a [`Request::focus`] is answered twice: what is on screen first, then the
/// whole document. Each answer calls the [`Waker`], if any, so that the UI need not poll.
/// When the thread cannot be started, or has died, requests are answered at once on the
/// caller's thread.
pub struct Worker {
    requests: Option<mpsc::Sender<(Request, Cancel)>>,
    outbox: mpsc::Sender<Answer>,
    answers: mpsc::Receiver<Answer>,
    /// The running (or queued) request's switch.
    last: Cancel,
    /// Searches running now (0 or 1).
    busy: Arc<AtomicUsize>,
    /// Whether answers call a waker (the UI need not poll for them).
    wakes: bool,
}

impl Worker {
    /// Starts the thread, without a waker: the UI polls ([`Self::poll`]) while an answer is
    /// due.
    pub fn start() -> Self {
        Self::with_waker(None)
    }

    /// Starts the thread; `wake` is called after each answer is sent.
    pub fn with_waker(wake: Option<Waker>) -> Self {
        let (requests, inbox) = mpsc::channel::<(Request, Cancel)>();
        let (outbox, answers) = mpsc::channel();
        let thread_outbox = outbox.clone();
        let busy = Arc::new(AtomicUsize::new(0));
        let wakes = wake.is_some();
        let thread_busy = Arc::clone(&busy);
        let spawned = std::thread::Builder::new()
            .name("spantag-suggest".into())
            .spawn(move || {
                let mut cache = Counts::default();
                while let Ok(mut request) = inbox.recv() {
                    while let Ok(newer) = inbox.try_recv() {
                        request = newer;
                    }
                    let (request, cancel) = request;
                    if cancel.is_cancelled() {
                        continue;
                    }
                    thread_busy.fetch_add(1, Ordering::SeqCst);
                    let generation = request.generation;
                    let send = |items, report| {
                        let sent = thread_outbox.send((generation, items, report)).is_ok();
                        if let Some(wake) = &wake {
                            wake();
                        }
                        sent
                    };
                    let (items, report) =
                        compute_owned(request, &cancel, &mut cache, &mut |items, report| {
                            send(items, report);
                        });
                    thread_busy.fetch_sub(1, Ordering::SeqCst);
                    if report.cancelled {
                        continue;
                    }
                    if !send(items, report) {
                        break;
                    }
                }
            });
        Self {
            requests: spawned.is_ok().then_some(requests),
            outbox,
            answers,
            last: Cancel::default(),
            busy,
            wakes,
        }
    }

    /// Asks for suggestions (the search running for an older request stops).
    pub fn request(&mut self, request: Request) {
        self.last.cancel();
        self.last = Cancel::default();
        let request = match &self.requests {
            Some(thread) => match thread.send((request, self.last.clone())) {
                Ok(()) => return,
                Err(mpsc::SendError((request, _))) => request,
            },
            None => request,
        };
        let generation = request.generation;
        let (items, report) =
            compute_owned(request, &self.last, &mut Counts::default(), &mut |_, _| {});
        let _ = self.outbox.send((generation, items, report));
    }

    /// Stops the running search (its answer is dropped): the document was closed.
    pub fn cancel(&self) {
        self.last.cancel();
    }

    /// Whether answers wake the UI (a thread is running and a waker was given).
    pub fn wakes(&self) -> bool {
        self.wakes && self.requests.is_some()
    }

    /// Whether a search is running.
    pub fn is_busy(&self) -> bool {
        self.busy.load(Ordering::SeqCst) > 0
    }

    /// The newest answer that arrived, if any (a whole document's answer before a partial
    /// one of the same request, which it covers).
    pub fn poll(&self) -> Option<Answer> {
        let mut newest: Option<Answer> = None;
        while let Ok(answer) = self.answers.try_recv() {
            let covered = newest
                .as_ref()
                .is_some_and(|n| n.0 == answer.0 && !n.2.partial && answer.2.partial);
            if !covered {
                newest = Some(answer);
            }
        }
        newest
    }
}
