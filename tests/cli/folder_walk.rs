//! Folder commands on folders holding links and special files: each command returns within
//! two seconds, with a message, and never touches a file outside the folder it was given.
//! Each case runs the real binary with a timeout guard, so a hang fails instead of blocking.
#![cfg(unix)]

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const DOC: &str = "Reyes spoke. Lee left.";

fn layer(annotator: &str) -> String {
    format!(
        "(\n    version: 1,\n    source: \"doc.txt\",\n    source_hash: \"sha256:0\",\n    \
         annotator: \"{annotator}\",\n    labels: [],\n    spans: [\n        \
         (id: 1, start: 0, end: 12, label: \"claim\", text: \"Reyes spoke.\"),\n    ],\n    \
         relations: [],\n)\n"
    )
}

/// `outer/corpus` with one document annotated by alice and bob, and beside the corpus (outside
/// it) a document with alice's file using the same label.
fn setup() -> (tempfile::TempDir, PathBuf) {
    let outer = tempfile::tempdir().unwrap();
    let corpus = outer.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for dir in [&corpus, &outer.path().to_path_buf()] {
        std::fs::write(dir.join("doc.txt"), DOC).unwrap();
        std::fs::write(dir.join("doc.txt.alice.ron"), layer("alice")).unwrap();
    }
    std::fs::write(corpus.join("doc.txt.bob.ron"), layer("bob")).unwrap();
    (outer, corpus)
}

/// Every file below `dir` (not following links) with its bytes.
fn snapshot(dir: &Path, skip: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            let t = e.file_type().unwrap();
            if p == skip {
                continue;
            }
            if t.is_dir() {
                stack.push(p);
            } else if t.is_file() {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            } else {
                out.push((p, Vec::new()));
            }
        }
    }
    out.sort();
    out
}

/// Runs the binary; fails the test if it has not finished after `limit`.
fn run_bounded(args: &[&str], dir: &Path, limit: Duration) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_spantag"))
        .args(args)
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > limit {
            child.kill().unwrap();
            let _ = child.wait();
            panic!(
                "spantag {args:?} {} took longer than {limit:?}",
                dir.display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

const COMMANDS: [&[&str]; 7] = [
    &["check"],
    &["export", "--format", "jsonl", "--all-annotators"],
    &["suggest", "--annotator", "carol", "--from", "alice"],
    &["label", "list"],
    &["label", "rename", "claim", "assertion"],
    &["agree"],
    &["curate", "--accept-agreed"],
];

/// Runs every folder command on a fresh corpus made odd by `make`; checks the outside is
/// untouched and hands each command's exit code and output to `check`.
fn each_command(make: impl Fn(&Path), check: impl Fn(&[&str], Option<i32>, &str)) {
    for args in COMMANDS {
        let (outer, corpus) = setup();
        make(&corpus);
        let before = snapshot(outer.path(), &corpus);
        let (code, text) = run_bounded(args, &corpus, Duration::from_secs(2));
        assert_eq!(
            snapshot(outer.path(), &corpus),
            before,
            "spantag {args:?} changed files outside the folder:\n{text}"
        );
        assert!(!text.trim().is_empty(), "spantag {args:?} said nothing");
        check(args, code, &text);
    }
}

#[test]
fn self_links_do_not_loop() {
    each_command(
        |corpus| {
            symlink(".", corpus.join("x")).unwrap();
            symlink(".", corpus.join("y")).unwrap();
        },
        |args, _code, text| {
            // The document is found once, not through x/ and y/ as well.
            assert!(!text.contains("x/doc.txt"), "{args:?}: {text}");
            assert!(!text.contains("y/doc.txt"), "{args:?}: {text}");
        },
    );
}

#[test]
fn a_link_to_the_parent_folder_is_not_followed() {
    each_command(
        |corpus| symlink("..", corpus.join("up")).unwrap(),
        |args, _code, text| {
            assert!(
                text.contains("outside the folder: not followed"),
                "{args:?}: {text}"
            );
        },
    );
}

#[test]
fn a_fifo_named_like_a_document_is_refused() {
    each_command(
        |corpus| {
            let status = Command::new("mkfifo")
                .arg(corpus.join("a.txt"))
                .status()
                .unwrap();
            assert!(status.success());
        },
        |args, code, text| {
            assert!(text.contains("named pipe (FIFO)"), "{args:?}: {text}");
            assert_ne!(code, Some(0), "{args:?}: {text}");
        },
    );
}

#[test]
fn a_txt_link_to_dev_zero_is_refused() {
    each_command(
        |corpus| symlink("/dev/zero", corpus.join("zero.txt")).unwrap(),
        |args, code, text| {
            assert!(text.contains("character device"), "{args:?}: {text}");
            assert_ne!(code, Some(0), "{args:?}: {text}");
        },
    );
}

#[test]
fn opening_a_fifo_or_dev_zero_as_a_document_is_refused() {
    let (_outer, corpus) = setup();
    let fifo = corpus.join("a.txt");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    symlink("/dev/zero", corpus.join("zero.txt")).unwrap();
    for (path, kind) in [
        (fifo, "named pipe (FIFO)"),
        (corpus.join("zero.txt"), "character device"),
    ] {
        // In a thread, so that a hang (a FIFO opened, /dev/zero read) fails the test.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let opened = spantag_core::document::Document::open(&path).map(|_| ());
            // The app polls annotation files for changes by hashing them.
            let hash = spantag_core::atomic::file_hash(&path);
            let _ = tx.send((opened, hash));
        });
        let (opened, hash) = rx
            .recv_timeout(Duration::from_secs(2))
            .expect("opening did not return within 2 s");
        let err = opened.unwrap_err();
        assert!(err.to_string().contains(kind), "{err}");
        assert_eq!(hash, None);
    }
}
