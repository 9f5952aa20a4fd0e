//! Folder operations are all or nothing: `spantag label rename` killed (SIGKILL) at random
//! moments leaves, once the next command ran, every file renamed or every file as it was; two
//! renames at once never both report success with one of them lost.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn spantag() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spantag"))
}

fn run(args: &[&str]) -> Output {
    spantag().args(args).output().unwrap()
}

/// A synthetic corpus of `docs` documents, one annotation file each.
fn corpus(dir: &Path, docs: usize) {
    let out = run(&[
        "synth",
        "--docs",
        &docs.to_string(),
        "--bytes",
        "1500",
        "--spans",
        "12",
        "--seed",
        "7",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{out:?}");
}

/// Every file of a folder (name → bytes).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// The lines of a file, sorted (a rename may reorder spans with the same range).
fn sorted_lines(bytes: &[u8]) -> Vec<String> {
    let mut lines: Vec<String> = String::from_utf8_lossy(bytes)
        .lines()
        .map(str::to_owned)
        .collect();
    lines.sort();
    lines
}

/// What the file format says a rename of `old` to `new` does to an annotation file: its
/// label list entry and every span's label change, nothing else.
fn renamed(bytes: &[u8], old: &str, new: &str) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes)
        .replace(&format!("name: \"{old}\""), &format!("name: \"{new}\""))
        .replace(&format!("label: \"{old}\""), &format!("label: \"{new}\""));
    sorted_lines(text.as_bytes())
}

#[derive(Debug, PartialEq, Clone, Copy)]
enum State {
    Unchanged,
    Renamed,
}

/// Whether every annotation file of `dir` is as in `before`, or every one renamed; panics on
/// a mixture, on a leftover temporary file, journal or lock.
fn folder_state(dir: &Path, before: &BTreeMap<String, Vec<u8>>, renames: &[(&str, &str)]) -> State {
    let now = snapshot(dir);
    let leftovers: Vec<&String> = now
        .keys()
        .filter(|n| n.ends_with(".tmp") || n.starts_with(".spantag"))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
    let mut states = Vec::new();
    for (name, old) in before.iter().filter(|(n, _)| n.ends_with(".ron")) {
        let current = &now[name];
        let state = if current == old {
            State::Unchanged
        } else {
            let mut expected = old.clone();
            for (from, to) in renames {
                expected = renamed(&expected, from, to).join("\n").into_bytes();
            }
            assert_eq!(
                sorted_lines(current),
                sorted_lines(&expected),
                "{name} is neither as it was nor renamed"
            );
            // Its previous version is kept.
            assert_eq!(now.get(&format!("{name}.bak")), Some(old), "{name}.bak");
            State::Renamed
        };
        states.push((name.clone(), state));
    }
    let first = states[0].1;
    let odd: Vec<&(String, State)> = states.iter().filter(|(_, s)| *s != first).collect();
    assert!(
        odd.is_empty(),
        "{} file(s) {first:?} but {} not, e.g. {:?}",
        states.len() - odd.len(),
        odd.len(),
        odd.first()
    );
    first
}

/// A small seeded generator (xorshift), for kill moments that are random but repeatable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn a_rename_killed_at_any_moment_is_finished_or_undone_by_the_next_command() {
    let root = tempfile::tempdir().unwrap();
    let pristine = root.path().join("pristine");
    // 1,500 documents, one annotation file each, as the corpus.
    corpus(&pristine, 1500);
    let before = snapshot(&pristine);
    assert!(before.len() >= 3000);
    let claim = ("claim", "assertion");

    // How long a whole run takes here, to spread the kills over it.
    let full = root.path().join("full");
    copy_folder(&pristine, &full);
    let started = Instant::now();
    let out = run(&[
        "label",
        "rename",
        "claim",
        "assertion",
        full.to_str().unwrap(),
    ]);
    let duration = started.elapsed();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(folder_state(&full, &before, &[claim]), State::Renamed);
    eprintln!("a full rename of 1,500 files takes {duration:?}");

    let mut rng = Rng(0x5eed_1234_abcd_0042);
    let mut seen = Vec::new();
    let mut rerun = Vec::new();
    for round in 0..20 {
        let dir = root.path().join(format!("round-{round}"));
        copy_folder(&pristine, &dir);
        let mut child = spantag()
            .args([
                "label",
                "rename",
                "claim",
                "assertion",
                dir.to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        let at = if round < 14 {
            // Anywhere in the run.
            let at = Duration::from_micros(rng.next() % (duration.as_micros() as u64 + 1));
            std::thread::sleep(at);
            at
        } else {
            // While files are being renamed into place: the journal is there. (Waited for as
            // long as the command runs: on a loaded machine it gets there later than the
            // measured run took.)
            let journal = dir.join(".spantag-journal.ron");
            while !journal.exists() && child.try_wait().ok().flatten().is_none() {
                std::thread::sleep(Duration::from_micros(200));
            }
            std::thread::sleep(Duration::from_micros(rng.next() % 3000));
            started.elapsed()
        };
        let _ = child.kill();
        let status = child.wait().unwrap();
        // The next command on the folder finishes (or undoes) what was interrupted.
        let check = run(&["check", dir.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&check.stderr);
        assert!(
            check.status.success() && stderr.contains("no problems"),
            "round {round} (killed after {at:?}): check says {} {stderr}",
            String::from_utf8_lossy(&check.stdout)
        );
        let state = folder_state(&dir, &before, &[claim]);
        let finished = stderr.contains("finished the interrupted label rename");
        assert!(
            !finished || state == State::Renamed,
            "round {round}: {stderr}"
        );
        seen.push((at, status.success(), finished, state));
        // The folder is usable again: the rename (or nothing) is still to do. (Once per kind
        // of outcome, to keep the test short.)
        if !rerun.contains(&(finished, state)) {
            rerun.push((finished, state));
            let again = run(&[
                "label",
                "rename",
                "claim",
                "assertion",
                dir.to_str().unwrap(),
            ]);
            match state {
                State::Unchanged => assert!(again.status.success(), "{again:?}"),
                State::Renamed => assert_eq!(again.status.code(), Some(2), "{again:?}"),
            }
            assert_eq!(folder_state(&dir, &before, &[claim]), State::Renamed);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
    eprintln!("kills (moment, had finished, rolled forward by check, state): {seen:?}");
    // The kills were spread: some before anything was renamed, some while files were being
    // renamed (finished by `check`).
    assert!(seen.iter().any(|s| s.3 == State::Unchanged), "{seen:?}");
    assert!(seen.iter().any(|s| s.2), "{seen:?}");
}

/// Starts two commands at once and waits for both.
fn together(a: &[&str], b: &[&str]) -> (Output, Output) {
    let spawn = |args: &[&str]| {
        spantag()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (first, second) = (spawn(a), spawn(b));
    (
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    )
}

#[test]
fn two_renames_at_once_both_happen_or_one_refuses() {
    let root = tempfile::tempdir().unwrap();
    let pristine = root.path().join("pristine");
    corpus(&pristine, 300);
    let before = snapshot(&pristine);
    let dir = root.path().join("two");
    copy_folder(&pristine, &dir);
    let d = dir.to_str().unwrap();
    let (a, b) = together(
        &["label", "rename", "claim", "assertion", d],
        &["label", "rename", "actor", "person", d],
    );
    let now = snapshot(&dir);
    for (name, old) in before.iter().filter(|(n, _)| n.ends_with(".ron")) {
        let mut expected = old.clone();
        for ((from, to), out) in [(("claim", "assertion"), &a), (("actor", "person"), &b)] {
            if out.status.success() {
                expected = renamed(&expected, from, to).join("\n").into_bytes();
            } else {
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert!(stderr.contains("is busy"), "{stderr}");
            }
        }
        assert_eq!(sorted_lines(&now[name]), sorted_lines(&expected), "{name}");
    }
    assert!(
        !now.keys()
            .any(|n| n.ends_with(".tmp") || n.starts_with(".spantag")),
        "{:?}",
        now.keys()
            .filter(|n| n.starts_with('.'))
            .collect::<Vec<_>>()
    );

    // The same rename twice: one does it, the other finds nothing (or is refused).
    let dir = root.path().join("same");
    copy_folder(&pristine, &dir);
    let d = dir.to_str().unwrap();
    let (a, b) = together(
        &["label", "rename", "claim", "assertion", d],
        &["label", "rename", "claim", "assertion", d],
    );
    assert!(
        !(a.status.success() && b.status.success()),
        "both said they renamed: {a:?} {b:?}"
    );
    assert!(a.status.success() || b.status.success(), "{a:?} {b:?}");
    let loser = if a.status.success() { &b } else { &a };
    let stderr = String::from_utf8_lossy(&loser.stderr);
    assert!(
        stderr.contains("found nothing to rename") || stderr.contains("is busy"),
        "{stderr}"
    );
    assert_eq!(
        folder_state(&dir, &before, &[("claim", "assertion")]),
        State::Renamed
    );
}

/// Files named by a folder lock or journal are spantag's; `check` says when an operation is
/// under way (the lock holder runs) rather than calling the folder clean.
#[test]
fn check_reports_an_operation_under_way() {
    let root = tempfile::tempdir().unwrap();
    corpus(root.path(), 3);
    let file = std::fs::read_dir(root.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "ron"))
        .unwrap();
    // A journal and a lock of a running process (this test's): under way.
    let lock = spantag_core::folder::lock::acquire(root.path(), "label rename a b").unwrap();
    let journal = format!(
        "(operation: \"label rename a b\", process: (pid: {}, host: {:?}), files: [(target: {:?}, temp: \".spantag-x.tmp\", old: None, new: \"sha256:00\")])",
        std::process::id(),
        spantag_core::folder::host_name(),
        file.file_name().unwrap().to_string_lossy()
    );
    std::fs::write(root.path().join(".spantag-journal.ron"), journal).unwrap();
    let out = run(&["check", root.path().to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("label rename a b is under way"), "{stdout}");
    drop(lock);
    let _: PathBuf = file;
}

/// While another spantag holds a folder, every command that changes it waits, then refuses
/// naming the holder, and changes nothing.
#[test]
fn folder_commands_refuse_while_another_holds_the_folder() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("corpus");
    corpus(&dir, 4);
    // A second annotator, so that there is something to curate.
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if let Some(doc) = name.strip_suffix(".synth.ron") {
            std::fs::copy(&path, dir.join(format!("{doc}.bob.ron"))).unwrap();
        }
    }
    let before = snapshot(&dir);
    // PID 1 runs as long as the computer does.
    let holder = format!(
        "(process: (pid: 1, host: {:?}), operation: \"label rename x y\", since: 0)",
        spantag_core::folder::host_name()
    );
    std::fs::write(dir.join(".spantag.lock"), holder).unwrap();
    let d = dir.to_str().unwrap();
    let jsonl = root.path().join("in.jsonl");
    std::fs::write(
        &jsonl,
        "{\"text\": \"Hello there\", \"label\": [[0, 5, \"actor\"]]}\n",
    )
    .unwrap();
    for args in [
        vec!["label", "rename", "claim", "assertion", d],
        vec!["label", "remove", "event", d],
        vec!["curate", "--accept-agreed", d],
        vec![
            "import",
            "--format",
            "jsonl",
            "--into",
            d,
            jsonl.to_str().unwrap(),
        ],
    ] {
        let out = run(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.contains("is busy"), "{args:?}: {stderr}");
        assert!(stderr.contains("process 1 on host"), "{args:?}: {stderr}");
        assert!(stderr.contains("label rename x y"), "{args:?}: {stderr}");
        let mut now = snapshot(&dir);
        now.remove(".spantag.lock");
        let mut expected = before.clone();
        expected.remove(".spantag.lock");
        assert_eq!(now, expected, "{args:?} changed files");
    }
}

/// Read-only commands finish an operation a kill left too, before they read: `export`, `agree`
/// and `suggest` on a folder whose rename was killed while its journal existed see every file
/// renamed, and say that they finished it.
#[test]
fn reading_commands_finish_an_interrupted_rename_first() {
    let root = tempfile::tempdir().unwrap();
    let pristine = root.path().join("pristine");
    corpus(&pristine, 300);
    let before = snapshot(&pristine);
    for (round, command) in [
        vec!["export", "--format", "jsonl", "--out", "-"],
        vec!["agree"],
        vec!["suggest", "--annotator", "synth"],
    ]
    .into_iter()
    .enumerate()
    {
        let dir = root.path().join(format!("r{round}"));
        copy_folder(&pristine, &dir);
        let mut child = spantag()
            .args([
                "label",
                "rename",
                "claim",
                "assertion",
                dir.to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let journal = dir.join(".spantag-journal.ron");
        let started = Instant::now();
        while !journal.exists() && started.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_micros(200));
        }
        let _ = child.kill();
        let _ = child.wait();
        assert!(
            journal.exists(),
            "{command:?}: the kill landed while the journal existed"
        );
        let mut args = command.clone();
        args.push(dir.to_str().unwrap());
        let out = run(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("interrupted label rename"),
            "{command:?}: {stderr}"
        );
        assert!(!journal.exists(), "{command:?}: the journal is gone");
        assert_eq!(
            folder_state(&dir, &before, &[("claim", "assertion")]),
            State::Renamed,
            "{command:?}"
        );
    }
}
