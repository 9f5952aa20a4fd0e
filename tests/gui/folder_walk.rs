//! The app given a FIFO — as the document to open, or inside the folder to list — shows a
//! message instead of spinning on "Opening…" for ever. Each case runs in a thread with a
//! deadline, so a hang fails the test.
#![cfg(unix)]

use std::path::PathBuf;
use std::time::Duration;

use egui_kittest::kittest::Queryable as _;
use spantag_app::AppOptions;

use crate::harness;

fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success(), "mkfifo is needed for this test");
}

/// Opens `target` in the app; the message it shows contains `expect` and no document is
/// open. Fails when the app has not settled within 20 s.
fn opens_with_message(target: PathBuf, config: PathBuf, expect: &'static str) {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let h = harness::app(AppOptions {
            document: Some(target),
            annotator: Some("tester".to_owned()),
            config_dir: Some(config),
            ..Default::default()
        });
        h.get_by_label_contains(expect);
        let _ = tx.send(h.state().session().is_none());
    });
    let nothing_open = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the app hung, or showed no message about the FIFO");
    assert!(nothing_open);
}

#[test]
fn opening_a_fifo_shows_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("a.txt");
    mkfifo(&fifo);
    opens_with_message(fifo, dir.path().join("config"), "named pipe (FIFO)");
}

#[test]
fn a_folder_with_a_fifo_shows_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("news");
    std::fs::create_dir(&root).unwrap();
    std::fs::write(root.join("b.txt"), "Reyes spoke.").unwrap();
    mkfifo(&root.join("a.txt"));
    opens_with_message(root, dir.path().join("config"), "named pipe (FIFO)");
}
