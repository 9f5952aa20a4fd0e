//! Crash safety: a recovery file written within a second or two of every change, offered
//! back when the document is opened again, and a panic hook that writes it (and a crash
//! report) before the process ends.
//!
//! The recovery file of `op-ed.txt.alice.ron` is the hidden
//! `.op-ed.txt.alice.ron.<pid>.recovery` in the same folder (one per process, so that two
//! windows on one layer never overwrite each other's): a complete annotation file, written
//! atomically. After a crash, [`pending`] finds every one left by a process that is no
//! longer running (and the older `.op-ed.txt.alice.ron.recovery`). One writer thread
//! serialises and writes them in order ([`write_later`], [`remove_later`]), so the UI thread
//! never spends a frame on it and a slow write never lands after a save.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, mpsc};

use crate::annotation::{Layer, Span};
use crate::store::{self, AnnotationFile, StoreError};

/// This process's recovery file of an annotation file.
pub fn recovery_path(annotation: &Path) -> PathBuf {
    recovery_path_of(annotation, Some(std::process::id()))
}

/// The recovery file of an annotation file written by process `pid` (`None`: the name used
/// before recovery files were per process).
fn recovery_path_of(annotation: &Path, pid: Option<u32>) -> PathBuf {
    let name = annotation
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match pid {
        Some(pid) => annotation.with_file_name(format!(".{name}.{pid}.recovery")),
        None => annotation.with_file_name(format!(".{name}.recovery")),
    }
}

/// Every recovery file of an annotation file, with the process that wrote it (`None`: an
/// older, unnumbered one).
pub fn recovery_files(annotation: &Path) -> Vec<(PathBuf, Option<u32>)> {
    let name = annotation
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let folder = crate::atomic::folder_of(annotation);
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut out: Vec<(PathBuf, Option<u32>)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let file = e.file_name().to_string_lossy().into_owned();
            let middle = file.strip_prefix(&prefix)?.strip_suffix("recovery")?;
            let pid = if middle.is_empty() {
                None
            } else {
                Some(middle.strip_suffix('.')?.parse::<u32>().ok()?)
            };
            Some((recovery_path_of(annotation, pid), pid))
        })
        .collect();
    out.sort();
    out
}

/// Writes the recovery file (atomically, without a backup).
pub fn write(annotation: &Path, text: &str) -> Result<(), StoreError> {
    store::write_atomic_no_backup(&recovery_path(annotation), text.as_bytes())
}

/// Removes this process's recovery file, if any.
pub fn remove(annotation: &Path) {
    let _ = std::fs::remove_file(recovery_path(annotation));
}

/// A recovery file left by a window that is no longer open.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The recovery file.
    pub path: PathBuf,
    /// What it holds.
    pub file: AnnotationFile,
}

/// Every recovery file worth offering, newest first: those of processes that are no longer
/// running (another window that crashed: offered whatever its age, since a save by another
/// window does not hold its work), and this process's or an unnumbered one when newer than
/// the annotation file (or there is none). Files of running processes (another window
/// open now) and files that do not parse are left alone.
pub fn pending_all(annotation: &Path) -> Vec<Found> {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let saved_at = modified(annotation);
    let me = std::process::id();
    let mut found: Vec<(std::time::SystemTime, Found)> = recovery_files(annotation)
        .into_iter()
        .filter(|(_, pid)| match pid {
            Some(pid) if *pid != me => crate::folder::pid_alive(*pid) == Some(false),
            _ => true,
        })
        .filter_map(|(path, pid)| {
            let at = modified(&path)?;
            let other = pid.is_some_and(|p| p != me);
            if !other && saved_at.is_some_and(|saved| saved > at) {
                return None;
            }
            let file = AnnotationFile::read(&path).ok()?;
            Some((at, Found { path, file }))
        })
        .collect();
    found.sort_by_key(|f| std::cmp::Reverse(f.0));
    found.into_iter().map(|(_, f)| f).collect()
}

/// The newest recovery file worth offering ([`pending_all`]), made this process's own (so
/// that discarding or keeping it aside acts on [`recovery_path`]). Any other one found is
/// kept beside the annotation file as `<file>.recovered-<pid>` (never deleted) and listed
/// by [`take_set_aside`].
pub fn pending(annotation: &Path) -> Option<AnnotationFile> {
    let mut all = pending_all(annotation).into_iter();
    let newest = all.next()?;
    let own = recovery_path(annotation);
    if newest.path != own && std::fs::rename(&newest.path, &own).is_err() {
        return Some(newest.file);
    }
    for (i, other) in all.enumerate() {
        let mut side = annotation.as_os_str().to_os_string();
        side.push(format!(".recovered-{}-{}", std::process::id(), i + 1));
        let side = PathBuf::from(side);
        if std::fs::rename(&other.path, &side).is_ok()
            && let Ok(mut aside) = SET_ASIDE.lock()
        {
            aside.push(side);
        }
    }
    Some(newest.file)
}

/// Recovery files of other crashed windows that [`pending`] kept aside, since the last call:
/// the app names them so that nothing typed in any window goes unmentioned.
pub fn take_set_aside() -> Vec<PathBuf> {
    SET_ASIDE
        .lock()
        .map(|mut v| std::mem::take(&mut *v))
        .unwrap_or_default()
}

static SET_ASIDE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// What a recovery file holds that the layer does not (or the other way round): everything a
/// user can change, so that no unsaved work goes unoffered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Differences {
    /// Spans and orphans added, removed or changed (range, label, text or note), each once.
    pub spans: usize,
    /// Relations added, removed or changed.
    pub relations: usize,
    /// Rejected suggestions added or removed.
    pub rejected: usize,
    /// The label list (names, colours, order) differs.
    pub labels: bool,
    /// The "done" tick differs.
    pub done: bool,
}

impl Differences {
    /// Between a recovery file and the layer as opened.
    pub fn between(file: &AnnotationFile, layer: &Layer) -> Self {
        let relation = |r: &crate::annotation::Relation| (r.id, r.from, r.to, r.label.clone());
        Self {
            spans: differing_spans(&file.spans, layer.spans())
                + differing_spans(&file.orphans, &layer.orphans),
            relations: symmetric(
                file.relations.iter().map(relation),
                layer.relations.iter().map(relation),
            ),
            rejected: symmetric(
                file.rejected.iter().cloned(),
                layer.rejected.iter().cloned(),
            ),
            labels: file.labels != layer.scheme.labels(),
            done: file.done != layer.done,
        }
    }

    /// Nothing differs: nothing to restore.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// For people: "2 span(s), 1 relation(s) and the label list".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for (n, what) in [
            (self.spans, "span(s)"),
            (self.relations, "relation(s)"),
            (self.rejected, "rejected suggestion(s)"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        if self.labels {
            parts.push("the label list".to_owned());
        }
        if self.done {
            parts.push("the done tick".to_owned());
        }
        match parts.split_last() {
            None => "nothing".to_owned(),
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        }
    }
}

/// How many items are in one list and not the other.
fn symmetric<T: Eq + std::hash::Hash>(
    a: impl Iterator<Item = T>,
    b: impl Iterator<Item = T>,
) -> usize {
    let left: std::collections::HashSet<T> = a.collect();
    let right: std::collections::HashSet<T> = b.collect();
    left.symmetric_difference(&right).count()
}

/// How many spans were added, removed or changed (range, label, text or note) between two
/// lists, by id: a span changed counts once.
pub fn differing_spans(a: &[Span], b: &[Span]) -> usize {
    let key = |s: &Span| {
        (
            s.start,
            s.end,
            s.label.clone(),
            s.text.clone(),
            s.note.clone(),
        )
    };
    let left: std::collections::HashMap<u64, _> = a.iter().map(|s| (s.id, key(s))).collect();
    let right: std::collections::HashMap<u64, _> = b.iter().map(|s| (s.id, key(s))).collect();
    let changed_or_gone = left
        .iter()
        .filter(|(id, k)| right.get(id) != Some(k))
        .count();
    changed_or_gone + right.keys().filter(|id| !left.contains_key(id)).count()
}

/// The latest recovery text of each annotation file with unsaved changes, for the panic
/// hook (every layer, not only the one on screen).
static SNAPSHOTS: Mutex<BTreeMap<PathBuf, String>> = Mutex::new(BTreeMap::new());

/// Why the last recovery file of an annotation file could not be written, while it could not.
static FAILURES: Mutex<BTreeMap<PathBuf, String>> = Mutex::new(BTreeMap::new());

/// Why the recovery file of `annotation` could not be written last time, if it could not:
/// unsaved work there is not protected against a crash, which the user must be told.
pub fn failure(annotation: &Path) -> Option<String> {
    FAILURES.lock().ok()?.get(annotation).cloned()
}

/// Remembers the latest state of one annotation file for the panic hook; `None` once it is
/// saved.
pub fn remember(annotation: &Path, text: Option<String>) {
    if let Ok(mut slot) = SNAPSHOTS.lock() {
        match text {
            Some(text) => slot.insert(annotation.to_path_buf(), text),
            None => slot.remove(annotation),
        };
    }
}

/// A layer's state to write as a recovery file: the layer shares its spans with the one on
/// screen (no copy), and is serialised on the writer thread.
pub struct Snapshot {
    /// The annotation file it belongs to.
    pub annotation: PathBuf,
    /// The layer, from [`Layer::snapshot`].
    pub layer: Layer,
    /// The source file's name.
    pub source: String,
    /// The source's hash.
    pub source_hash: String,
}

enum Job {
    Write(Box<Snapshot>),
    Remove(PathBuf),
    Flush(mpsc::Sender<()>),
}

/// The one thread that writes and removes recovery files, in the order asked: a slow write
/// can never land after the removal that follows a save.
fn writer() -> Option<mpsc::Sender<Job>> {
    static WRITER: OnceLock<Option<Mutex<mpsc::Sender<Job>>>> = OnceLock::new();
    WRITER
        .get_or_init(|| {
            let (tx, rx) = mpsc::channel::<Job>();
            std::thread::Builder::new()
                .name("recovery-writer".into())
                .spawn(move || {
                    for job in rx {
                        run(job);
                    }
                })
                .ok()
                .map(|_| Mutex::new(tx))
        })
        .as_ref()
        .and_then(|tx| tx.lock().ok().map(|tx| tx.clone()))
}

fn run(job: Job) {
    match job {
        Job::Write(snapshot) => {
            let text = AnnotationFile::from_layer_parts(
                &snapshot.layer,
                &snapshot.source,
                &snapshot.source_hash,
            )
            .to_ron();
            drop(snapshot.layer);
            remember(&snapshot.annotation, Some(text.clone()));
            let result = write(&snapshot.annotation, &text);
            if let Err(err) = &result {
                eprintln!("spantag: could not write the recovery file: {err}");
            }
            if let Ok(mut failures) = FAILURES.lock() {
                match result {
                    Ok(()) => failures.remove(&snapshot.annotation),
                    Err(err) => failures.insert(snapshot.annotation.clone(), err.to_string()),
                };
            }
        }
        Job::Remove(annotation) => {
            remember(&annotation, None);
            remove(&annotation);
        }
        Job::Flush(done) => {
            let _ = done.send(());
        }
    }
}

fn send(job: Job) {
    match writer() {
        Some(tx) => {
            if let Err(mpsc::SendError(job)) = tx.send(job) {
                run(job);
            }
        }
        None => run(job),
    }
}

/// Queues a recovery file write (serialised and written on the writer thread).
pub fn write_later(snapshot: Snapshot) {
    send(Job::Write(Box::new(snapshot)));
}

/// Queues the removal of a recovery file, after every write queued before it.
pub fn remove_later(annotation: &Path) {
    send(Job::Remove(annotation.to_path_buf()));
}

/// Waits until every queued write and removal is done.
pub fn flush() {
    let (tx, rx) = mpsc::channel();
    send(Job::Flush(tx));
    let _ = rx.recv_timeout(std::time::Duration::from_secs(30));
}

/// Installs a panic hook that writes the latest recovery snapshot and a crash report to
/// `crash_dir` (the settings folder), then runs the default hook.
pub fn install_panic_hook(crash_dir: Option<PathBuf>) {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let mut lines = vec![format!(
            "spantag {} crashed: {info}",
            env!("CARGO_PKG_VERSION")
        )];
        // `try_lock`: the panic may have happened while a snapshot was being replaced.
        if let Ok(guard) = SNAPSHOTS.try_lock() {
            for (annotation, text) in guard.iter() {
                match write(annotation, text) {
                    Ok(()) => lines.push(format!(
                        "Your unsaved annotations were written to {}; reopen the document to restore them.",
                        recovery_path(annotation).display()
                    )),
                    Err(err) => lines.push(format!("Could not write the recovery file: {err}")),
                }
            }
        }
        lines.push(format!("{}", std::backtrace::Backtrace::force_capture()));
        let report = lines.join("\n");
        if let Some(dir) = &crash_dir {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let path = dir.join(format!("crash-{secs}.txt"));
            if std::fs::create_dir_all(dir).is_ok() && std::fs::write(&path, &report).is_ok() {
                eprintln!("spantag: a crash report was written to {}", path.display());
            }
        }
        for line in lines.iter().filter(|l| l.starts_with("Your unsaved")) {
            eprintln!("spantag: {line}");
        }
        default(info);
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_span_file(label: &str) -> AnnotationFile {
        AnnotationFile {
            version: 1,
            source: "a.txt".into(),
            source_hash: "h".into(),
            annotator: "alice".into(),
            done: false,
            rejected: vec![],
            decisions: vec![],
            labels: vec![],
            spans: vec![Span::new(1, 0..1, label, "x")],
            relations: vec![],
            events: vec![],
            equivalences: vec![],
            orphans: vec![],
            conflicts: vec![],
            unknown: crate::unknown::Unknown::default(),
        }
    }

    fn ended_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    #[test]
    fn two_windows_on_one_layer_keep_two_recovery_files_and_both_come_back() {
        let dir = tempfile::tempdir().unwrap();
        let ann = dir.path().join("a.txt.alice.ron");
        // Window 1 (a process that crashed) and window 2 (another one that crashed) typed
        // different spans; then a third window saved the file.
        let (one, two) = (ended_pid(), ended_pid());
        std::fs::write(
            recovery_path_of(&ann, Some(one)),
            one_span_file("claim").to_ron(),
        )
        .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(
            recovery_path_of(&ann, Some(two)),
            one_span_file("actor").to_ron(),
        )
        .unwrap();
        // A window open now (PID 1 runs as long as the computer): not a crash, left alone.
        std::fs::write(
            recovery_path_of(&ann, Some(1)),
            one_span_file("event").to_ron(),
        )
        .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&ann, one_span_file("other").to_ron()).unwrap();
        let found = pending_all(&ann);
        let labels: Vec<&str> = found
            .iter()
            .map(|f| f.file.spans[0].label.as_str())
            .collect();
        assert_eq!(
            labels,
            ["actor", "claim"],
            "both crashed windows, newest first"
        );
        // Offered: the newest becomes this window's recovery file, the other is kept aside.
        let _ = take_set_aside();
        let offered = pending(&ann).unwrap();
        assert_eq!(offered.spans[0].label, "actor");
        assert_eq!(
            AnnotationFile::read(&recovery_path(&ann)).unwrap().spans[0].label,
            "actor"
        );
        let aside = take_set_aside();
        assert_eq!(aside.len(), 1, "{aside:?}");
        assert_eq!(
            AnnotationFile::read(&aside[0]).unwrap().spans[0].label,
            "claim"
        );
        assert!(recovery_path_of(&ann, Some(1)).exists());
    }

    #[test]
    fn recovery_files_are_hidden_offered_when_newer_and_compared() {
        let dir = tempfile::tempdir().unwrap();
        let ann = dir.path().join("a.txt.alice.ron");
        assert_eq!(
            recovery_path(&ann),
            dir.path()
                .join(format!(".a.txt.alice.ron.{}.recovery", std::process::id()))
        );
        assert!(pending(&ann).is_none());
        let file = AnnotationFile {
            version: 1,
            source: "a.txt".into(),
            source_hash: "h".into(),
            annotator: "alice".into(),
            done: false,
            rejected: vec![],
            decisions: vec![],
            unknown: Default::default(),
            conflicts: vec![],
            labels: vec![],
            spans: vec![Span::new(1, 0..1, "claim", "x")],
            relations: vec![],
            events: vec![],
            equivalences: vec![],
            orphans: vec![],
        };
        write(&ann, &file.to_ron()).unwrap();
        assert_eq!(pending(&ann).map(|f| f.spans.len()), Some(1));
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&ann, "saved later").unwrap();
        assert!(
            pending(&ann).is_none(),
            "a recovery older than the saved file is not offered"
        );
        remove(&ann);
        assert!(!recovery_path(&ann).exists());
        let a = file.spans.clone();
        let mut b = a.clone();
        b[0].label = "actor".into();
        assert_eq!(differing_spans(&a, &b), 1, "one span relabelled");
        assert_eq!(differing_spans(&a, &a), 0);
    }

    #[test]
    fn queued_writes_and_removals_happen_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let ann = dir.path().join("b.txt.alice.ron");
        let mut layer = Layer::new("alice");
        for i in 0..20_000u64 {
            let start = usize::try_from(i).unwrap() * 2;
            layer.insert(Span::new(i + 1, start..start + 1, "claim", "x"));
        }
        // A big write and then the removal that follows a save: the removal wins, however
        // slow the write.
        write_later(Snapshot {
            annotation: ann.clone(),
            layer: layer.snapshot(),
            source: "b.txt".into(),
            source_hash: "h".into(),
        });
        remove_later(&ann);
        flush();
        assert!(!recovery_path(&ann).exists());
        // A write on its own lands, with every span, and the panic hook has its text.
        write_later(Snapshot {
            annotation: ann.clone(),
            layer: layer.snapshot(),
            source: "b.txt".into(),
            source_hash: "h".into(),
        });
        flush();
        assert_eq!(pending(&ann).map(|f| f.spans.len()), Some(20_000));
        assert!(SNAPSHOTS.lock().unwrap().contains_key(&ann));
        remove_later(&ann);
        flush();
        assert!(!SNAPSHOTS.lock().unwrap().contains_key(&ann));
    }

    #[test]
    fn every_kind_of_change_is_a_difference_and_a_changed_span_counts_once() {
        let doc = crate::document::Document::from_text("Reyes said so.".to_owned());
        let mut layer = Layer::new("alice");
        for (id, start, end, label) in [(1, 0, 5, "actor"), (2, 6, 13, "claim")] {
            layer.insert(Span::new(id, start..end, label, doc.slice(start..end)));
        }
        let saved = AnnotationFile::from_layer(&layer, &doc);
        assert!(Differences::between(&saved, &layer).is_empty());
        let mut file = saved.clone();
        file.relations.push(crate::annotation::Relation {
            id: 3,
            from: 1,
            to: 2,
            label: "says".into(),
        });
        let d = Differences::between(&file, &layer);
        assert_eq!((d.spans, d.relations), (0, 1));
        assert_eq!(d.describe(), "1 relation(s)");
        let mut file = saved.clone();
        file.spans[0].note = Some("check".into());
        file.done = true;
        file.rejected.push(crate::annotation::Rejection {
            start: 11,
            end: 13,
            label: "actor".into(),
            text: "so".into(),
        });
        file.labels.reverse();
        let d = Differences::between(&file, &layer);
        assert_eq!(d.spans, 1, "a note changed: one span, not two");
        assert_eq!(
            d.describe(),
            "1 span(s), 1 rejected suggestion(s), the label list and the done tick"
        );
    }
}
