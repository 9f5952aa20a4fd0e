//! Teams on git, for real: two clones of one repository edit the same annotation file and
//! merge with `git pull`, through spantag's merge driver and without it.
//!
//! These tests need `git`; without it they fail saying so (rather than pass unseen).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use spantag_core::annotation::{Relation, Span};
use spantag_core::document::Document;
use spantag_core::store::{self, AnnotationFile};
use spantag_core::team::conflict::Version;

const TEXT: &str =
    "Daniel Reyes spoke. The council voted.\nMayor Ann Lee disagreed.\n\nLater, the press asked.\n";
const DOC: &str = "op-ed.txt";
const LAYER: &str = "op-ed.txt.alice.ron";

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_spantag")
}

fn run(dir: &Path, program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .unwrap_or_else(|e| panic!("could not run {program} (these tests need git installed): {e}"))
}

fn git(dir: &Path, args: &[&str]) -> Output {
    let out = run(dir, "git", args);
    assert!(
        out.status.success(),
        "git {args:?} in {}: {}{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn spantag(dir: &Path, args: &[&str]) -> Output {
    run(dir, bin(), args)
}

/// Code point offset of a text's only occurrence.
fn at(needle: &str) -> (usize, usize) {
    let byte = TEXT.find(needle).unwrap();
    assert!(
        TEXT[byte + 1..].find(needle).is_none(),
        "{needle} is unique"
    );
    let start = TEXT[..byte].chars().count();
    (start, start + needle.chars().count())
}

/// A bare origin and a first commit with the document and Alice's file (ids 1–3, the old
/// scheme), then two clones with their own user.
fn repository(with_driver: bool) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    git(root, &["init", "-q", "--bare", "-b", "main", "origin.git"]);
    git(root, &["clone", "-q", "origin.git", "seed"]);
    let seed = root.join("seed");
    std::fs::write(seed.join(DOC), TEXT).unwrap();
    let doc = Document::open(&seed.join(DOC)).unwrap();
    let mut layer = spantag_core::annotation::Layer::new("alice");
    layer.set_id_tag(0);
    for (word, label) in [
        ("Daniel Reyes", "actor"),
        ("council", "actor"),
        ("voted", "event"),
    ] {
        add_span(&mut layer, word, label);
    }
    let file = AnnotationFile::from_layer(&layer, &doc);
    std::fs::write(seed.join(LAYER), file.to_ron()).unwrap();
    for (k, v) in [("user.name", "Seed"), ("user.email", "seed@example.org")] {
        git(&seed, &["config", k, v]);
    }
    if with_driver {
        let out = spantag(&seed, &["git-setup"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(said.contains("added *.txt.*.ron merge=spantag"), "{said}");
        // Idempotent: a second run finds everything done and changes nothing.
        let before = std::fs::read(seed.join(".gitattributes")).unwrap();
        let again = spantag(&seed, &["git-setup"]);
        assert!(again.status.success());
        let said = String::from_utf8_lossy(&again.stdout);
        assert!(said.contains("already routes annotation files"), "{said}");
        assert!(!said.contains("set to"), "{said}");
        assert_eq!(std::fs::read(seed.join(".gitattributes")).unwrap(), before);
        git(&seed, &["add", ".gitattributes"]);
    }
    git(&seed, &["add", DOC, LAYER]);
    git(&seed, &["commit", "-q", "-m", "base"]);
    git(&seed, &["push", "-q", "origin", "main"]);
    let mut clones = Vec::new();
    for name in ["one", "two"] {
        git(root, &["clone", "-q", "origin.git", name]);
        let clone = root.join(name);
        for (k, v) in [("user.name", name), ("user.email", "t@example.org")] {
            git(&clone, &["config", k, v]);
        }
        git(&clone, &["config", "pull.rebase", "false"]);
        if with_driver {
            // The config is per clone; the driver is this very binary (absolute path).
            assert!(spantag(&clone, &["git-setup"]).status.success());
            let driver = git(&clone, &["config", "merge.spantag.driver"]);
            let driver = String::from_utf8_lossy(&driver.stdout);
            assert!(driver.contains(bin()), "{driver}");
        }
        clones.push(clone);
    }
    let two = clones.pop().unwrap();
    let one = clones.pop().unwrap();
    (tmp, one, two)
}

/// Alice's layer in a clone, minting ids under `tag` (0: the old scheme).
fn edit(clone: &Path, tag: u64, change: impl FnOnce(&mut spantag_core::annotation::Layer)) {
    let doc = Document::open(&clone.join(DOC)).unwrap();
    let mut layer = store::load_layer(&doc, &clone.join(LAYER), "alice")
        .unwrap()
        .layer;
    layer.set_id_tag(tag);
    change(&mut layer);
    std::fs::write(
        clone.join(LAYER),
        AnnotationFile::from_layer(&layer, &doc).to_ron(),
    )
    .unwrap();
    git(clone, &["commit", "-q", "-am", "edit"]);
}

fn add_span(layer: &mut spantag_core::annotation::Layer, word: &str, label: &str) -> u64 {
    let (start, end) = at(word);
    let id = layer.allocate_id();
    layer.insert(Span::new(id, start..end, label, word));
    id
}

fn add_relation(layer: &mut spantag_core::annotation::Layer, from: u64, to: u64, label: &str) {
    let id = layer.allocate_id();
    layer.relations.push(Relation {
        id,
        from,
        to,
        label: label.into(),
    });
}

fn id_of(layer: &spantag_core::annotation::Layer, word: &str) -> u64 {
    layer.spans().iter().find(|s| s.text == word).unwrap().id
}

#[test]
fn two_clones_merge_through_the_driver_with_every_span_and_relation_once() {
    let (_tmp, one, two) = repository(true);
    // Both clones mint with the old scheme, so their new ids collide (4, 5, 6 on both sides).
    edit(&one, 0, |layer| {
        let spoke = add_span(layer, "spoke", "event");
        let reyes = id_of(layer, "Daniel Reyes");
        add_relation(layer, reyes, spoke, "does");
        layer.remove(id_of(layer, "council")); // deletes what two relabels
    });
    edit(&two, 0, |layer| {
        let lee = add_span(layer, "Ann Lee", "actor");
        let disagreed = add_span(layer, "disagreed", "event");
        add_relation(layer, lee, disagreed, "does");
        let mut council = layer.get(id_of(layer, "council")).unwrap().clone();
        council.label = "event".into();
        layer.replace(council);
    });
    git(&one, &["push", "-q", "origin", "main"]);
    let pull = run(&two, "git", &["pull", "-q", "origin", "main"]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&pull.stdout),
        String::from_utf8_lossy(&pull.stderr)
    );
    assert!(
        !pull.status.success(),
        "the true conflict stops the merge: {said}"
    );
    assert!(said.contains("spantag merged"), "the driver ran: {said}");
    assert!(said.contains("CONFLICT"), "{said}");
    let text = std::fs::read_to_string(two.join(LAYER)).unwrap();
    assert!(!text.contains("<<<<<<<"), "{text}");
    // The file loads, conflict and all.
    let doc = Document::open(&two.join(DOC)).unwrap();
    let loaded = store::load_layer(&doc, &two.join(LAYER), "alice").unwrap();
    let layer = &loaded.layer;
    let mut texts: Vec<(&str, &str)> = layer
        .spans()
        .iter()
        .map(|s| (s.text.as_str(), s.label.as_str()))
        .collect();
    texts.sort_unstable();
    assert_eq!(
        texts,
        [
            ("Ann Lee", "actor"),
            ("Daniel Reyes", "actor"),
            ("council", "event"), // relabelled by two, deleted by one: kept, as a conflict
            ("disagreed", "event"),
            ("spoke", "event"),
            ("voted", "event"),
        ]
    );
    let mut ids: Vec<u64> = layer.spans().iter().map(|s| s.id).collect();
    ids.extend(layer.relations.iter().map(|r| r.id));
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "every span and relation id once: {text}");
    let text_of = |id: u64| layer.get(id).unwrap().text.clone();
    let mut joined: Vec<(String, String)> = layer
        .relations
        .iter()
        .map(|r| (text_of(r.from), text_of(r.to)))
        .collect();
    joined.sort();
    assert_eq!(
        joined,
        [
            ("Ann Lee".to_owned(), "disagreed".to_owned()),
            ("Daniel Reyes".to_owned(), "spoke".to_owned()),
        ],
        "each relation joins the texts it joined on its own side"
    );
    assert_eq!(layer.conflicts.len(), 1, "{text}");
    let conflict = &layer.conflicts[0];
    assert!(
        matches!(&conflict.ours, Version::Span(s) if s.label == "event" && s.text == "council")
    );
    assert_eq!(conflict.theirs, Version::Deleted);
    assert!(
        loaded
            .problems
            .iter()
            .any(|p| p.to_string().contains("merge conflict")),
        "{:?}",
        loaded.problems
    );
    // `check` names the unresolved conflict.
    let check = spantag(&two, &["check", LAYER]);
    let out = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(1), "{out}");
    assert!(out.contains("span 2: merge conflict"), "{out}");
    // `status` counts it.
    let status = spantag(&two, &["status", "--format", "json", "."]);
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(json["totals"]["conflicts"], 1);
    assert_eq!(json["totals"]["spans"], 6);
}

#[test]
fn a_plain_git_merge_of_two_clones_additions_gives_no_duplicate_ids() {
    // Spans far apart in the file merge line by line without conflict markers. Under the old
    // scheme (tag 0) both clones mint id 4: the merge holds two spans with one id — the bug.
    // With a random tag per session each mints from its own block.
    let random = spantag_core::team::ids::random_tag;
    for (tags, duplicates) in [((0, 0), true), ((random(), random()), false)] {
        let (_tmp, one, two) = repository(false);
        edit(&one, tags.0, |layer| {
            add_span(layer, "Daniel", "actor");
        });
        edit(&two, tags.1, |layer| {
            add_span(layer, "press", "actor");
        });
        git(&one, &["push", "-q", "origin", "main"]);
        git(&two, &["pull", "-q", "origin", "main"]);
        let file = AnnotationFile::read(&two.join(LAYER)).unwrap();
        let mut ids: Vec<u64> = file.spans.iter().map(|s| s.id).collect();
        assert_eq!(ids.len(), 5);
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len() < 5, duplicates, "tags {tags:?}: ids {ids:?}");
        let doc = Document::open(&two.join(DOC)).unwrap();
        let dup = file
            .problems(&doc)
            .into_iter()
            .any(|p| matches!(p, store::Problem::DuplicateId { .. }));
        assert_eq!(dup, duplicates);
        if duplicates {
            // `check` names both spans.
            let check = spantag(&two, &["check", LAYER]);
            let out = String::from_utf8_lossy(&check.stdout);
            assert!(out.contains("id used by two spans"), "{out}");
            assert!(
                out.contains("\"Daniel\"") && out.contains("\"press\""),
                "{out}"
            );
        }
    }
}

#[test]
fn conflict_markers_are_explained_and_the_driver_redoes_the_merge() {
    let (_tmp, one, two) = repository(false);
    // Neighbouring lines changed on both sides: git leaves markers.
    edit(&one, 0, |layer| {
        let mut s = layer.get(2).unwrap().clone();
        s.note = Some("one".into());
        layer.replace(s);
    });
    edit(&two, 0, |layer| {
        let mut s = layer.get(2).unwrap().clone();
        s.label = "event".into();
        layer.replace(s);
        let mut s = layer.get(3).unwrap().clone();
        s.note = Some("two".into());
        layer.replace(s);
    });
    git(&one, &["push", "-q", "origin", "main"]);
    let pull = run(&two, "git", &["pull", "-q", "origin", "main"]);
    assert!(!pull.status.success());
    assert!(
        std::fs::read_to_string(two.join(LAYER))
            .unwrap()
            .contains("<<<<<<<")
    );
    let check = spantag(&two, &["check", LAYER]);
    let out = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(1));
    assert!(out.contains("a git merge left conflict markers"), "{out}");
    assert!(out.contains("git checkout --conflict=merge"), "{out}");
    assert!(out.contains("spantag git-setup"), "{out}");
    // Following the advice: set up, then redo this file's merge through the driver.
    assert!(spantag(&two, &["git-setup"]).status.success());
    let redo = run(&two, "git", &["checkout", "--conflict=merge", LAYER]);
    assert!(
        redo.status.success(),
        "{}",
        String::from_utf8_lossy(&redo.stderr)
    );
    let text = std::fs::read_to_string(two.join(LAYER)).unwrap();
    assert!(!text.contains("<<<<<<<"), "{text}");
    let file = AnnotationFile::read(&two.join(LAYER)).unwrap();
    let council = file.spans.iter().find(|s| s.id == 2).unwrap();
    let voted = file.spans.iter().find(|s| s.id == 3).unwrap();
    // Span 2 changed on both sides (note vs label): a conflict; span 3 only on two's side.
    assert_eq!(voted.note.as_deref(), Some("two"));
    assert_eq!(council.label, "event");
    assert_eq!(file.conflicts.len(), 1, "{text}");
}

#[test]
fn the_driver_refuses_unreadable_versions_and_leaves_ours_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let good = "(version: 1, source: \"d.txt\", source_hash: \"sha256:x\", annotator: \"alice\", spans: [])\n";
    std::fs::write(d.join("base.ron"), good).unwrap();
    std::fs::write(d.join("ours.ron"), good).unwrap();
    std::fs::write(d.join("theirs.ron"), "(version: 1, spans: [").unwrap();
    let out = spantag(
        d,
        &[
            "merge-driver",
            "base.ron",
            "ours.ron",
            "theirs.ron",
            "d.txt.alice.ron",
        ],
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("cannot merge d.txt.alice.ron"), "{said}");
    assert!(said.contains("git show :3:d.txt.alice.ron"), "{said}");
    assert_eq!(std::fs::read_to_string(d.join("ours.ron")).unwrap(), good);
    // An empty base (both sides created the file) merges both.
    std::fs::write(d.join("base.ron"), "").unwrap();
    std::fs::write(
        d.join("theirs.ron"),
        good.replace(
            "spans: []",
            "spans: [(id: 1, start: 0, end: 1, label: \"a\", text: \"x\")]",
        ),
    )
    .unwrap();
    let out = spantag(d, &["merge-driver", "base.ron", "ours.ron", "theirs.ron"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let merged = AnnotationFile::read(&d.join("ours.ron")).unwrap();
    assert_eq!(merged.spans.len(), 1);
    // status: not a folder is bad input.
    let out = spantag(d, &["status", "ours.ron"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a folder"));
}
