//! The command line behaves like the tools analysts know (git, ripgrep, cargo): one exit-code
//! table for every subcommand, "did you mean" for a mistyped subcommand, a version that names
//! its build, a quiet end when the reader closes the pipe, completions and a man page, and
//! `synth --annotators` for trying agreement. Each test runs the real `spantag` binary.
//!
//! The exit-code table (docs/command-line.md, `spantag --help`): 0 done; 1 ran and found
//! problems or nothing to do; 2 could not run as asked (bad arguments, missing or unreadable
//! input, unknown annotator); 141 the reader closed stdout.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::common;
use common::{spantag, spantag_exits, text};

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A corpus of `docs` generated documents, each annotated by alice and bob.
fn corpus(dir: &Path, docs: usize, bytes: usize) -> PathBuf {
    let out = dir.join("corpus");
    spantag_exits(
        0,
        &[
            "synth",
            "--out",
            s(&out),
            "--docs",
            &docs.to_string(),
            "--bytes",
            &bytes.to_string(),
            "--spans",
            "30",
            "--annotators",
            "alice,bob",
        ],
        &[],
    );
    out
}

#[test]
fn every_subcommand_follows_the_exit_code_table() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(dir.path(), 2, 3_000);
    let missing = dir.path().join("missing");
    // A folder with a document and no annotation file: nothing to do.
    let bare = dir.path().join("bare");
    std::fs::create_dir_all(&bare).unwrap();
    std::fs::write(bare.join("lonely.txt"), "Reyes spoke.").unwrap();
    // A document whose text changed after it was annotated: a problem for check.
    let changed = dir.path().join("changed");
    std::fs::create_dir_all(&changed).unwrap();
    for name in ["doc-00000.txt", "doc-00000.txt.alice.ron"] {
        std::fs::copy(corpus.join(name), changed.join(name)).unwrap();
    }
    std::fs::write(changed.join("doc-00000.txt"), "Entirely new text.").unwrap();
    // An import whose input holds no record: the input is not what --format says.
    let no_records = dir.path().join("empty.jsonl");
    std::fs::write(&no_records, "").unwrap();
    let exported = dir.path().join("export.jsonl");
    let into = dir.path().join("imported");
    let synth_out = dir.path().join("synth");

    let (c, b, m, ch) = (s(&corpus), s(&bare), s(&missing), s(&changed));
    let cases: Vec<(Vec<&str>, i32)> = vec![
        // check
        (vec!["check", c], 0),
        (vec!["check", ch], 1),
        (vec!["check", b], 1),
        (vec!["check", m], 2),
        // export
        (vec!["export", "-f", "jsonl", "-o", s(&exported), c], 0),
        (vec!["export", "-f", "jsonl", b], 1),
        (vec!["export", "-f", "jsonl", "-a", "zed", c], 2),
        (vec!["export", "-f", "jsonl", m], 2),
        (vec!["export", "-f", "no-such-format", c], 2),
        // import
        (
            vec!["import", "-f", "jsonl", "--into", s(&into), s(&exported)],
            0,
        ),
        // The same import again: the files are there, refused without --force.
        (
            vec!["import", "-f", "jsonl", "--into", s(&into), s(&exported)],
            2,
        ),
        (vec!["import", "-f", "jsonl", "--into", s(&into), m], 2),
        (
            vec!["import", "-f", "jsonl", "--into", s(&into), s(&no_records)],
            2,
        ),
        // agree
        (vec!["agree", c], 0),
        (vec!["agree", "--fail-under", "0.5", c], 0),
        (vec!["agree", "--fail-under", "0.999", c], 1),
        (vec!["agree", "--fail-under", "7", c], 2),
        (vec!["agree", "--annotators", "alice", c], 1),
        (vec!["agree", "--annotators", "alice,zed", c], 2),
        (vec!["agree", m], 2),
        // curate
        (vec!["curate", "--accept-agreed", c], 0),
        (vec!["curate", "--accept-agreed", b], 1),
        (
            vec!["curate", "--accept-agreed", "--annotators", "alice,zed", c],
            2,
        ),
        (vec!["curate", c], 2),
        // label
        (vec!["label", "list", c], 0),
        (vec!["label", "list", b], 1),
        (vec!["label", "rename", "nosuchlabel", "other", c], 2),
        (vec!["label", "list", m], 2),
        // suggest
        (vec!["suggest", "-a", "alice", c], 0),
        (vec!["suggest", "-a", "zed", c], 1),
        (vec!["suggest", "-a", "alice", "--from", "zed", c], 2),
        (vec!["suggest", "-a", "alice", m], 2),
        // synth
        (vec!["synth", "--out", s(&synth_out), "--docs", "1"], 0),
        (
            vec!["synth", "--out", s(&synth_out), "--disagreement", "2"],
            2,
        ),
        // status (a team lead's look), git-setup, merge-driver
        (vec!["status", c], 0),
        (vec!["status", "--format", "json", c], 0),
        (vec!["status", m], 2),
        (vec!["git-setup", b], 2),
        (vec!["merge-driver", m, m, m], 2),
        // completions, man, help
        (vec!["completions", "bash"], 0),
        (vec!["completions", "tcsh"], 2),
        (vec!["man"], 0),
        (vec!["help", "formats"], 0),
        (vec!["help", "nosuchtopic"], 2),
        // review needs a window; a missing path is refused before one opens.
        (vec!["review", m], 2),
        // not a subcommand
        (vec!["stauts"], 2),
        (vec!["--no-such-option"], 2),
    ];
    let mut wrong = Vec::new();
    for (args, expected) in &cases {
        let out = spantag(args, &[]);
        if out.status.code() != Some(*expected) {
            wrong.push(format!(
                "spantag {}: exit {:?}, expected {expected}\n{}",
                args.join(" "),
                out.status.code(),
                text(&out.stderr)
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn an_unknown_subcommand_is_an_error_that_says_what_was_meant() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_spantag"))
        .arg("exprot")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let said = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("unrecognized subcommand 'exprot'"), "{said}");
    assert!(
        said.contains("similar subcommand exists: 'export'"),
        "{said}"
    );
    assert!(!said.contains("could not open a window"), "{said}");
    // Nothing close: no suggestion, still an error (not a window on a missing document).
    let out = Command::new(env!("CARGO_BIN_EXE_spantag"))
        .arg("frobnicate")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let said = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(
        said.contains("unrecognized subcommand 'frobnicate'"),
        "{said}"
    );
    assert!(!said.contains("similar subcommand"), "{said}");
    // A folder or file that exists opens, even named like a command: the app starts (and
    // stops after its first frame, or cannot open a window without a display).
    std::fs::create_dir(dir.path().join("exprot")).unwrap();
    std::fs::write(dir.path().join("stauts"), "Reyes spoke.").unwrap();
    for name in ["exprot", "stauts"] {
        let out = Command::new(env!("CARGO_BIN_EXE_spantag"))
            .arg(name)
            .current_dir(dir.path())
            .env("SPANTAG_EXIT_AFTER_FIRST_FRAME", "1")
            .output()
            .unwrap();
        let said = text(&out.stderr);
        assert!(!said.contains("unrecognized subcommand"), "{name}: {said}");
        assert!(
            out.status.success() || said.contains("could not open a window"),
            "{name}: {said}"
        );
    }
}

#[test]
fn version_names_the_commit_and_the_build_date() {
    let out = spantag_exits(0, &["--version"], &[]);
    let said = out.stdout;
    let shape = regex::Regex::new(
        r"^spantag \d+\.\d+\.\d+ \(([0-9a-f]{7,}|not built from git), built (\d{4})-(\d{2})-(\d{2})\)\n$",
    )
    .unwrap();
    let caps = shape.captures(&said).unwrap_or_else(|| panic!("{said:?}"));
    let month: u32 = caps[3].parse().unwrap();
    let day: u32 = caps[4].parse().unwrap();
    assert!(
        (2026..2100).contains(&caps[2].parse::<u32>().unwrap()),
        "{said}"
    );
    assert!(
        (1..=12).contains(&month) && (1..=31).contains(&day),
        "{said}"
    );
    // Built from this clone: the commit is git's own answer.
    let head = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    if let Ok(head) = head
        && head.status.success()
    {
        assert_eq!(&caps[1], text(&head.stdout).trim(), "{said}");
    }
}

/// `spantag … | head`: the reader takes one line and closes the pipe. The command stops
/// quietly with 141 (128 + SIGPIPE, what a shell reports for `cat` there), without "Broken
/// pipe" or a panic on stderr.
#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    // Far more output than a pipe holds (64 KiB), so the writer meets the closed pipe.
    let corpus = corpus(dir.path(), 20, 20_000);
    for args in [
        vec!["export", "-f", "jsonl", s(&corpus)],
        vec!["export", "-f", "csv", s(&corpus)],
        vec!["export", "-f", "conll", s(&corpus)],
        vec!["export", "-f", "label-studio", s(&corpus)],
        vec!["suggest", "-a", "alice", s(&corpus)],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_spantag"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty(), "{args:?}: no first line");
        // The reader (and the pipe) is gone here.
        let out = child.wait_with_output().unwrap();
        let said = text(&out.stderr);
        assert_eq!(out.status.code(), Some(141), "{args:?}: {said}");
        assert!(!said.contains("Broken pipe"), "{args:?}: {said}");
        assert!(!said.contains("panicked"), "{args:?}: {said}");
    }
}

#[test]
fn completions_and_the_man_page_name_the_subcommands() {
    let subcommands = [
        "check", "export", "import", "agree", "curate", "label", "suggest", "synth", "review",
    ];
    for shell in ["bash", "zsh", "fish"] {
        let out = spantag_exits(0, &["completions", shell], &[]);
        let script = out.stdout;
        for name in subcommands {
            assert!(script.contains(name), "{shell} completions lack {name}");
        }
    }
    let out = spantag_exits(0, &["man"], &[]);
    let page = out.stdout;
    assert!(page.contains(".TH spantag 1"), "{page}");
    for name in subcommands {
        assert!(page.contains(name), "the man page lacks {name}");
    }
    let dir = tempfile::tempdir().unwrap();
    spantag_exits(0, &["man", "--dir", s(dir.path())], &[]);
    for page in ["spantag.1", "spantag-export.1", "spantag-label-rename.1"] {
        let written = std::fs::read_to_string(dir.path().join(page)).unwrap();
        assert!(written.starts_with(".ie"), "{page}");
    }
}

#[test]
fn help_teaches_with_examples_topics_and_the_exit_table() {
    let out = spantag(&["--help"], &[]);
    let said = text(&out.stdout);
    assert!(said.contains("Exit status"), "{said}");
    assert!(said.contains("141"), "{said}");
    assert!(said.contains("synth"), "synth is listed: {said}");
    assert!(said.contains("[DOCUMENT|FOLDER]"), "{said}");
    for name in [
        "check",
        "export",
        "import",
        "agree",
        "curate",
        "label",
        "suggest",
        "synth",
        "review",
        "completions",
        "man",
    ] {
        let out = spantag(&[name, "--help"], &[]);
        let said = text(&out.stdout);
        assert!(said.contains("Examples:"), "{name}: {said}");
        assert!(said.contains("Exit status"), "{name}: {said}");
        // `spantag help NAME` is the same page.
        let out = spantag_exits(0, &["help", name], &[]);
        assert!(out.stdout.contains("Examples:"), "help {name}");
    }
    let formats = text(&spantag(&["help", "formats"], &[]).stdout);
    for format in [
        "jsonl",
        "doccano",
        "conll",
        "hf",
        "brat",
        "label-studio",
        "csv",
    ] {
        assert!(
            formats.contains(&format!("\n  {format} ")),
            "{format}: {formats}"
        );
    }
    let files = text(&spantag(&["help", "files"], &[]).stdout);
    for field in ["source_hash", "annotator", "spans", "half-open", ".bak"] {
        assert!(files.contains(field), "{field}: {files}");
    }
    let out = spantag(&["curate", "corpus"], &[]);
    let said = text(&out.stderr);
    assert!(said.contains("--accept-agreed"), "{said}");
    assert!(!said.contains("required arguments"), "{said}");
}

/// `synth --annotators`: one layer per annotator, each departing from the others, the
/// documents written once (a rerun rewrites none and leaves no .bak of generated text), and
/// a document of the user's never overwritten.
#[test]
fn synth_writes_one_layer_per_annotator_and_never_rewrites_a_document() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c");
    let args = [
        "synth",
        "--out",
        s(&out),
        "--docs",
        "3",
        "--spans",
        "40",
        "--annotators",
        "alice,bob,carol",
    ];
    assert_eq!(spantag(&args, &[]).status.code(), Some(0));
    for i in 0..3 {
        let doc = out.join(format!("doc-0000{i}.txt"));
        let layers: Vec<String> = ["alice", "bob", "carol"]
            .iter()
            .map(|a| std::fs::read_to_string(format!("{}.{a}.ron", doc.display())).unwrap())
            .collect();
        let spans = |ron: &str| -> Vec<String> {
            ron.lines()
                .filter(|l| l.trim_start().starts_with("(id:"))
                .map(str::to_owned)
                .collect()
        };
        assert_ne!(spans(&layers[0]), spans(&layers[1]), "{i}: alice and bob");
        assert_ne!(spans(&layers[1]), spans(&layers[2]), "{i}: bob and carol");
    }
    // Agreement is high but not perfect: something to measure.
    let agree = spantag_exits(0, &["agree", "-f", "json", s(&out)], &[]);
    let report: serde_json::Value = serde_json::from_str(&agree.stdout).unwrap();
    let alpha = report["krippendorff_alpha"].as_f64().unwrap();
    assert!((0.5..0.99).contains(&alpha), "alpha {alpha}");

    let doc = out.join("doc-00000.txt");
    let before = std::fs::metadata(&doc).unwrap().modified().unwrap();
    assert_eq!(spantag(&args, &[]).status.code(), Some(0));
    assert_eq!(std::fs::metadata(&doc).unwrap().modified().unwrap(), before);
    let baks: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt.bak"))
        .collect();
    assert!(baks.is_empty(), "{baks:?}");

    std::fs::write(&doc, "My own notes.").unwrap();
    let said = spantag_exits(2, &args, &[]).stderr;
    assert!(said.contains("already exists with other text"), "{said}");
    assert_eq!(std::fs::read_to_string(&doc).unwrap(), "My own notes.");
}
