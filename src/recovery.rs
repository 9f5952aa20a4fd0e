//! Crash safety: a recovery file written within a second or two of every change, offered
//! back when the document is opened again, and a panic hook that writes it (and a crash
//! report) before the process ends.
//!
//! The recovery file of `op-ed.txt.alice.ron` is the hidden `.op-ed.txt.alice.ron.recovery`
//! in the same folder: a complete annotation file, written atomically.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::annotation::Span;
use crate::store::{self, AnnotationFile, StoreError};

/// The recovery file of an annotation file.
pub fn recovery_path(annotation: &Path) -> PathBuf {
    let name = annotation
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    annotation.with_file_name(format!(".{name}.recovery"))
}

/// Writes the recovery file (atomically, without a backup).
pub fn write(annotation: &Path, text: &str) -> Result<(), StoreError> {
    store::write_atomic_no_backup(&recovery_path(annotation), text.as_bytes())
}

/// Removes the recovery file, if any.
pub fn remove(annotation: &Path) {
    let _ = std::fs::remove_file(recovery_path(annotation));
}

/// A recovery file worth offering: one that is newer than the annotation file (or there is
/// no annotation file) and that parses.
pub fn pending(annotation: &Path) -> Option<AnnotationFile> {
    let recovery = recovery_path(annotation);
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let recovered_at = modified(&recovery)?;
    if let Some(saved_at) = modified(annotation)
        && saved_at > recovered_at
    {
        return None;
    }
    AnnotationFile::read(&recovery).ok()
}

/// How many spans are in one list and not the other (compared by range, label, text and
/// note).
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
    let left: std::collections::HashSet<_> = a.iter().map(key).collect();
    let right: std::collections::HashSet<_> = b.iter().map(key).collect();
    left.symmetric_difference(&right).count()
}

/// The latest recovery snapshot (annotation path and file text), for the panic hook.
static SNAPSHOT: Mutex<Option<(PathBuf, String)>> = Mutex::new(None);

/// Remembers the latest state for the panic hook; `None` when everything is saved.
pub fn remember(snapshot: Option<(PathBuf, String)>) {
    if let Ok(mut slot) = SNAPSHOT.lock() {
        *slot = snapshot;
    }
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
        // `try_lock`: the panic may have happened while the snapshot was being replaced.
        if let Ok(guard) = SNAPSHOT.try_lock()
            && let Some((annotation, text)) = guard.as_ref()
        {
            match write(annotation, text) {
                Ok(()) => lines.push(format!(
                    "Your unsaved annotations were written to {}; reopen the document to restore them.",
                    recovery_path(annotation).display()
                )),
                Err(err) => lines.push(format!("Could not write the recovery file: {err}")),
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
        if let Some(line) = lines.get(1).filter(|l| l.starts_with("Your unsaved")) {
            eprintln!("spantag: {line}");
        }
        default(info);
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_files_are_hidden_offered_when_newer_and_compared() {
        let dir = tempfile::tempdir().unwrap();
        let ann = dir.path().join("a.txt.alice.ron");
        assert_eq!(
            recovery_path(&ann),
            dir.path().join(".a.txt.alice.ron.recovery")
        );
        assert!(pending(&ann).is_none());
        let file = AnnotationFile {
            version: 1,
            source: "a.txt".into(),
            source_hash: "h".into(),
            annotator: "alice".into(),
            labels: vec![],
            spans: vec![Span {
                id: 1,
                start: 0,
                end: 1,
                label: "claim".into(),
                text: "x".into(),
                note: None,
            }],
            relations: vec![],
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
        assert_eq!(differing_spans(&a, &b), 2);
        assert_eq!(differing_spans(&a, &a), 0);
    }
}
