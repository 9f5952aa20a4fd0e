//! Exports and `check` used as a user would, on the mistakes a user makes: exporting into
//! the corpus folder itself, two documents whose names differ only in their extension, a
//! renamed document, orphaned spans, a file listing its own labels. Each test runs the real
//! `spantag` binary on files it writes by hand.

use std::path::Path;

use crate::common;
use common::{spantag, spantag_exits, text};

/// An annotation file written by hand, with these labels listed and these orphans.
fn annotation(
    doc: &Path,
    annotator: &str,
    labels: &[&str],
    spans: &[(u64, usize, usize, &str, &str)],
    orphans: &[(u64, usize, usize, &str, &str)],
) {
    let hash = spantag_core::document::hash_bytes(&std::fs::read(doc).unwrap());
    let name = doc.file_name().unwrap().to_string_lossy().into_owned();
    let list = |items: &[(u64, usize, usize, &str, &str)]| -> String {
        items
            .iter()
            .map(|(id, start, end, label, text)| {
                format!(
                    "(id: {id}, start: {start}, end: {end}, label: {label:?}, text: {text:?}), "
                )
            })
            .collect()
    };
    let labels: String = labels
        .iter()
        .map(|l| format!("(name: {l:?}, color: \"#123456\"), "))
        .collect();
    let out = format!(
        "(version: 1, source: {name:?}, source_hash: {hash:?}, annotator: {annotator:?}, labels: [{labels}], spans: [{}], relations: [], orphans: [{}])\n",
        list(spans),
        list(orphans)
    );
    std::fs::write(doc.with_file_name(format!("{name}.{annotator}.ron")), out).unwrap();
}

#[test]
fn an_export_never_writes_over_its_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.txt");
    // Latin-1 bytes: an export that rewrote the document would change them.
    let original = b"Le maire Fran\xe7ois M\xfcller a parl\xe9.\n".to_vec();
    std::fs::write(&doc, &original).unwrap();
    annotation(
        &doc,
        "alice",
        &["actor"],
        &[(1, 9, 24, "actor", "François Müller")],
        &[],
    );
    let ann = dir.path().join("doc.txt.alice.ron");
    let ann_before = std::fs::read(&ann).unwrap();

    // brat into the corpus folder would write doc.txt over the document.
    let out = spantag_exits(
        2,
        &["export", "--format", "brat", "--out"],
        &[dir.path(), dir.path()],
    );
    assert!(out.stderr.contains("never writes over"), "{}", out.stderr);
    // A single-file format pointed at the document or at the annotation file.
    for target in [&doc, &ann] {
        spantag_exits(
            2,
            &["export", "--format", "csv", "--out"],
            &[target, dir.path()],
        );
    }
    assert_eq!(std::fs::read(&doc).unwrap(), original);
    assert_eq!(std::fs::read(&ann).unwrap(), ann_before);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(
        names,
        ["doc.txt", "doc.txt.alice.ron"],
        "nothing else written"
    );

    // Into a folder of its own it works.
    spantag_exits(
        0,
        &["export", "--format", "brat", "--out"],
        &[&dir.path().join("brat"), dir.path()],
    );
    assert!(dir.path().join("brat/doc.ann").exists());
}

#[test]
fn brat_gives_two_documents_that_differ_in_extension_two_names() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(corpus.join("a")).unwrap();
    let txt = corpus.join("a/doc.txt");
    let md = corpus.join("a/doc.md");
    std::fs::write(&txt, "Alpha Reyes spoke.\n").unwrap();
    std::fs::write(&md, "Gamma Chen wrote.\n").unwrap();
    annotation(
        &txt,
        "alice",
        &["actor"],
        &[(1, 6, 11, "actor", "Reyes")],
        &[],
    );
    annotation(
        &md,
        "alice",
        &["actor"],
        &[(1, 6, 10, "actor", "Chen")],
        &[],
    );
    let brat = dir.path().join("brat");
    let out = spantag(&["export", "--format", "brat", "--out"], &[&brat, &corpus]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("a/doc.txt is written as a/doc.txt.txt"),
        "{stderr}"
    );
    // Sorted by name, a/doc.md comes first and keeps the short name.
    let read = |p: &str| std::fs::read_to_string(brat.join(p)).unwrap();
    assert_eq!(read("a/doc.txt"), "Gamma Chen wrote.\n");
    assert!(
        read("a/doc.ann").contains("actor 6 10\tChen"),
        "{}",
        read("a/doc.ann")
    );
    assert_eq!(read("a/doc.txt.txt"), "Alpha Reyes spoke.\n");
    assert!(read("a/doc.txt.ann").contains("actor 6 11\tReyes"));
    let leftovers: Vec<_> = std::fs::read_dir(brat.join("a"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".bak"))
        .collect();
    assert!(leftovers.is_empty(), "nothing written twice: {leftovers:?}");
}

#[test]
fn orphans_and_files_of_a_renamed_document_are_reported_not_passed_over() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("d.txt");
    std::fs::write(&doc, "Reyes met Okafor. They agreed.\n").unwrap();
    // Okafor's old tag: orphaned when the text it covered ("disagreed strongly") went.
    annotation(
        &doc,
        "alice",
        &["actor", "event"],
        &[(1, 0, 5, "actor", "Reyes")],
        &[(2, 23, 41, "event", "disagreed strongly")],
    );
    let out = spantag_exits(1, &["check"], &[dir.path()]);
    assert!(out.stdout.contains("1 orphaned span(s)"), "{}", out.stdout);
    let out = spantag_exits(0, &["export", "--format", "csv"], &[dir.path()]);
    let stderr = out.stderr;
    assert!(stderr.contains("1 orphaned span(s)"), "{stderr}");
    assert!(stderr.contains("1 span(s) left out"), "{stderr}");
    assert_eq!(out.stdout.lines().count(), 2, "header and Reyes");

    // The document renamed: its annotation file is reported, alone or among others.
    let renamed = tempfile::tempdir().unwrap();
    let old = renamed.path().join("op-ed.txt");
    std::fs::write(&old, "Reyes spoke.\n").unwrap();
    annotation(
        &old,
        "alice",
        &["actor"],
        &[(1, 0, 5, "actor", "Reyes")],
        &[],
    );
    std::fs::rename(&old, renamed.path().join("op-ed-final.txt")).unwrap();
    let out = spantag_exits(1, &["check"], &[renamed.path()]);
    assert!(
        out.stdout
            .contains("op-ed.txt.alice.ron: its source document is not beside it"),
        "{}",
        out.stdout
    );
    let other = renamed.path().join("other.txt");
    std::fs::write(&other, "Chen wrote.\n").unwrap();
    annotation(
        &other,
        "bob",
        &["actor"],
        &[(1, 0, 4, "actor", "Chen")],
        &[],
    );
    let out = spantag_exits(1, &["check"], &[renamed.path()]);
    assert!(
        out.stderr.contains("2 file(s) checked, 1 problem(s)"),
        "{}",
        out.stderr
    );
    // A RON file of another kind beside them is not taken for an annotation file.
    std::fs::write(renamed.path().join("settings.v2.ron"), "(zoom: 2)").unwrap();
    let out = spantag(&["check"], &[renamed.path()]);
    assert!(
        text(&out.stderr).contains("2 file(s) checked, 1 problem(s)"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn tag_lists_hold_the_labels_the_files_list_not_unused_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("d.txt");
    std::fs::write(&doc, "Reyes spoke.\n").unwrap();
    annotation(
        &doc,
        "a",
        &["B", "A"],
        &[(1, 0, 5, "A", "Reyes"), (2, 0, 5, "B", "Reyes")],
        &[],
    );
    let hf = dir.path().join("hf");
    spantag_exits(
        0,
        &["export", "--format", "hf", "--out"],
        &[&hf, dir.path()],
    );
    let labels: Vec<String> =
        serde_json::from_str(&std::fs::read_to_string(hf.join("labels.json")).unwrap()).unwrap();
    // Labels other than the defaults go by name, whatever the file's order.
    assert_eq!(labels, ["O", "B-A", "I-A", "B-B", "I-B"]);
    let brat = dir.path().join("brat");
    spantag_exits(
        0,
        &["export", "--format", "brat", "--out"],
        &[&brat, dir.path()],
    );
    let conf = std::fs::read_to_string(brat.join("annotation.conf")).unwrap();
    assert_eq!(
        conf.lines().take(3).collect::<Vec<_>>(),
        ["[entities]", "A", "B"]
    );
}

/// `--annotator` where a user puts it: before the command or after it; refused by commands
/// that take none and next to `--curated`; a name nobody used is answered with the names
/// there are.
#[test]
fn the_annotator_option_is_taken_where_it_means_something() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.txt");
    std::fs::write(&doc, "Reyes met Okafor.").unwrap();
    annotation(&doc, "alice", &[], &[(1, 0, 5, "actor", "Reyes")], &[]);
    annotation(&doc, "bob", &[], &[(1, 10, 16, "actor", "Okafor")], &[]);
    let annotators_in = |stdout: &str| -> Vec<String> {
        stdout
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["meta"]["annotator"].as_str().unwrap().to_owned()
            })
            .collect()
    };
    let before = spantag_exits(0, &["-a", "bob", "export", "-f", "jsonl"], &[dir.path()]);
    assert_eq!(annotators_in(&before.stdout), ["bob"]);
    let after = spantag_exits(0, &["export", "-f", "jsonl", "-a", "bob"], &[dir.path()]);
    assert_eq!(annotators_in(&after.stdout), ["bob"]);

    let said = spantag_exits(2, &["-a", "bob", "check"], &[dir.path()]).stderr;
    assert!(
        said.contains("--annotator is not an option of this command"),
        "{said}"
    );
    let help = spantag(&["check", "--help"], &[]);
    assert!(
        !text(&help.stdout).contains("--annotator"),
        "{}",
        text(&help.stdout)
    );

    for args in [
        &["export", "-f", "jsonl", "-a", "bob", "--curated"][..],
        &["-a", "bob", "export", "-f", "jsonl", "--curated"][..],
    ] {
        let out = spantag_exits(2, args, &[dir.path()]);
        assert!(out.stdout.is_empty(), "{args:?}: nothing exported");
    }

    let said = spantag_exits(2, &["export", "-f", "jsonl", "-a", "bbo"], &[dir.path()]).stderr;
    assert!(
        said.contains("no annotation files of \"bbo\" in the inputs; annotators found: alice, bob"),
        "{said}"
    );
}

/// `--offsets utf16` counts UTF-16 code units in every format with character offsets, and is
/// refused by those that list tokens. Python: s = "😀 Reyes met Okafor."; s.index("Reyes") ==
/// 2 code points; len(s[:2].encode("utf-16-le")) // 2 == 3 code units, so Reyes is [3, 8) and
/// Okafor (code points [12, 18)) is [13, 19).
#[test]
fn utf16_offsets_apply_to_every_format_that_has_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    let doc = corpus.join("doc.txt");
    std::fs::write(&doc, "😀 Reyes met Okafor.").unwrap();
    annotation(
        &doc,
        "alice",
        &[],
        &[(1, 2, 7, "actor", "Reyes"), (2, 12, 18, "actor", "Okafor")],
        &[],
    );
    let jsonl = spantag_exits(
        0,
        &["export", "-f", "jsonl", "--offsets", "utf16"],
        &[&corpus],
    );
    let record: serde_json::Value = serde_json::from_str(jsonl.stdout.trim()).unwrap();
    let offsets: Vec<(u64, u64)> = record["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap()))
        .collect();
    assert_eq!(offsets, [(3, 8), (13, 19)]);

    let csv = spantag(&["export", "-f", "csv", "--offsets", "utf16"], &[&corpus]);
    let rows: Vec<String> = text(&csv.stdout)
        .lines()
        .skip(1)
        .map(str::to_owned)
        .collect();
    assert_eq!(
        rows,
        [
            "doc.txt,alice,3,8,actor,Reyes,,",
            "doc.txt,alice,13,19,actor,Okafor,,"
        ]
    );

    let brat = dir.path().join("brat");
    spantag_exits(
        0,
        &[
            "export",
            "-f",
            "brat",
            "--offsets",
            "utf16",
            "--out",
            brat.to_str().unwrap(),
        ],
        &[&corpus],
    );
    let ann: String = walk(&brat)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "ann"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert!(ann.contains("T1\tactor 3 8\tReyes"), "{ann}");
    assert!(ann.contains("T2\tactor 13 19\tOkafor"), "{ann}");

    for format in ["conll", "hf"] {
        let said = spantag_exits(
            2,
            &[
                "export",
                "-f",
                format,
                "--offsets",
                "utf16",
                "--out",
                dir.path().join(format).to_str().unwrap(),
            ],
            &[&corpus],
        )
        .stderr;
        assert!(
            said.contains("lists tokens, not character offsets"),
            "{said}"
        );
    }
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// A hand-edited file with one id on two spans: both are exported, the later with a new id,
/// and the summary says so instead of renumbering silently.
#[test]
fn a_repeated_span_id_is_named_when_the_export_renumbers_it() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.txt");
    std::fs::write(&doc, "Reyes met Okafor.").unwrap();
    annotation(
        &doc,
        "alice",
        &[],
        &[(4, 0, 5, "actor", "Reyes"), (4, 10, 16, "actor", "Okafor")],
        &[],
    );
    let out = spantag_exits(0, &["export", "-f", "jsonl"], &[dir.path()]);
    let said = &out.stderr;
    assert!(
        said.contains("doc.txt (alice): span id(s) 4 used more than once"),
        "{said}"
    );
    let record: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    let ids: Vec<u64> = record["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_u64().unwrap())
        .collect();
    // The later span gets an id minted by the export's session (tag × 100000 + n).
    assert_eq!(ids[0], 4);
    assert!(ids[1] > 100_000, "{ids:?}");
}

/// An export never replaces a user's file that it did not write: brat naming notes.md's
/// output notes.txt beside the user's own notes.txt, or --out naming another document's
/// annotation file. A brat folder written by an earlier export is written again.
#[test]
fn an_export_never_writes_over_a_users_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "My precious notes.\n").unwrap();
    let md = dir.path().join("notes.md");
    // "Markdown about Alice.\n"[15:20] == "Alice"
    std::fs::write(&md, "Markdown about Alice.\n").unwrap();
    annotation(&md, "alice", &[], &[(1, 15, 20, "actor", "Alice")], &[]);
    let before = std::fs::read(&notes).unwrap();
    let said = spantag_exits(
        2,
        &["export", "-f", "brat", "-o", dir.path().to_str().unwrap()],
        &[&md],
    )
    .stderr;
    assert!(
        said.contains("no earlier brat export of spantag wrote them"),
        "{said}"
    );
    assert_eq!(std::fs::read(&notes).unwrap(), before);
    assert!(!dir.path().join("notes.txt.bak").exists());

    let other = dir.path().join("other.txt.bob.ron");
    std::fs::write(&other, "bob's work").unwrap();
    spantag_exits(
        2,
        &["export", "-f", "csv", "-o", other.to_str().unwrap()],
        &[&md],
    );
    assert_eq!(std::fs::read_to_string(&other).unwrap(), "bob's work");

    // Into a folder of its own, twice: the second run replaces what the first wrote.
    let brat = dir.path().join("brat");
    for _ in 0..2 {
        spantag_exits(
            0,
            &["export", "-f", "brat", "-o", brat.to_str().unwrap()],
            &[&md],
        );
    }
    assert!(brat.join("notes.ann").exists());
}

/// One folder given under two spellings (or one document twice) is exported and checked
/// once: duplicate records would leak documents from a training split into a test split.
#[test]
fn inputs_named_twice_are_exported_once() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("s");
    std::fs::create_dir_all(&corpus).unwrap();
    let doc = corpus.join("a.txt");
    std::fs::write(&doc, "Reyes met Okafor.").unwrap();
    annotation(&doc, "alice", &[], &[(1, 0, 5, "actor", "Reyes")], &[]);
    annotation(&doc, "bob", &[], &[(1, 10, 16, "actor", "Okafor")], &[]);
    let dotted = corpus.join(".").join("a.txt");
    for inputs in [
        vec![corpus.clone(), dir.path().join("s/../s")],
        vec![doc.clone(), dotted.clone()],
    ] {
        let paths: Vec<&Path> = inputs.iter().map(|p| p.as_path()).collect();
        let out = spantag_exits(0, &["export", "-f", "jsonl"], &paths);
        assert_eq!(out.stdout.lines().count(), 2, "one record per layer");
        let check = spantag(&["check"], &paths);
        assert!(
            text(&check.stderr).contains("2 file(s) checked"),
            "{}",
            text(&check.stderr)
        );
    }
}

/// Label names that a format cannot hold as they are: brat has no spaces in labels, so
/// "Person Name" and "Person_Name" would merge into one label; CoNLL tags are one
/// whitespace-free field. Python: t = "Ann Lee met Bo."; t[0:7] == "Ann Lee", t[12:14] == "Bo".
#[test]
fn labels_with_spaces_stay_distinct_and_one_field() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("a.txt");
    std::fs::write(&doc, "Ann Lee met Bo.").unwrap();
    annotation(
        &doc,
        "alice",
        &["Person Name", "Person_Name"],
        &[
            (1, 0, 7, "Person Name", "Ann Lee"),
            (2, 12, 14, "Person_Name", "Bo"),
        ],
        &[],
    );
    let brat = dir.path().join("brat");
    let said = spantag_exits(
        0,
        &["export", "-f", "brat", "-o", brat.to_str().unwrap()],
        &[&doc],
    )
    .stderr;
    let ann = std::fs::read_to_string(brat.join("a.ann")).unwrap();
    assert!(ann.contains("T1\tPerson_Name 0 7\tAnn Lee"), "{ann}");
    assert!(ann.contains("T2\tPerson_Name_2 12 14\tBo"), "{ann}");
    let conf = std::fs::read_to_string(brat.join("annotation.conf")).unwrap();
    assert!(
        conf.contains("[entities]\nPerson_Name\nPerson_Name_2\n"),
        "{conf}"
    );
    assert!(said.contains("it is Person_Name_2"), "{said}");

    let out = spantag(&["export", "-f", "conll"], &[&doc]);
    let said = text(&out.stderr);
    let conll = text(&out.stdout);
    assert!(
        conll.contains("Ann\tB-Person_Name\nLee\tI-Person_Name\n"),
        "{conll}"
    );
    assert!(
        conll
            .lines()
            .all(|l| l.split('\t').nth(1).is_none_or(|t| !t.contains(' '))),
        "{conll}"
    );
    assert!(said.contains("written as '_'"), "{said}");
}

/// check names the spans re-anchoring should be looked at: one that moved apart from the
/// text around it (to another mention of its text) and one that could not be placed.
/// Python, old text "The minister Maria Lopez announced a budget. …": [4:12] "minister",
/// [13:24] "Maria Lopez", [25:34] "announced"; the new text adds "PREFIX. " (8 code points)
/// and renames the minister, so "Maria Lopez" is only found at the journalist's mention
/// (new_text.index("Maria Lopez") == 82).
#[test]
fn check_names_the_spans_that_moved_apart_or_were_lost() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("news.txt");
    let old = "The minister Maria Lopez announced a budget. Later a journalist asked about Maria Lopez.\n";
    std::fs::write(&doc, old).unwrap();
    annotation(
        &doc,
        "alice",
        &[],
        &[
            (1, 4, 12, "actor", "minister"),
            (2, 13, 24, "actor", "Maria Lopez"),
            (3, 25, 34, "event", "announced"),
            (4, 37, 43, "claim", "budget"),
        ],
        &[],
    );
    std::fs::write(
        &doc,
        old.replace(
            "The minister Maria Lopez",
            "PREFIX. The minister Mario Lopes",
        )
        .replace("budget", "plan"),
    )
    .unwrap();
    let out = spantag(&["check"], &[dir.path()]);
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("span 2 (actor \"Maria Lopez\") moved from 13..24 to 82..93, not with the text around it (the spans beside it moved by 8)"),
        "{said}"
    );
    assert!(
        said.contains("span 4 (claim \"budget\") at 37..43 could not be placed: orphaned"),
        "{said}"
    );
    assert!(
        !said.contains("span 1 ("),
        "span 1 moved with the text: {said}"
    );
}

/// Files a folder command would pass over without a word are named by check: one named after
/// a document but with no valid annotator name in it, and one whose name and annotator field
/// disagree (copied by hand).
#[test]
fn check_names_misnamed_annotation_files() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("op-ed.txt");
    std::fs::write(&doc, "Reyes spoke.").unwrap();
    annotation(&doc, "alice", &[], &[(1, 0, 5, "actor", "Reyes")], &[]);
    let alice = dir.path().join("op-ed.txt.alice.ron");
    std::fs::copy(&alice, dir.path().join("op-ed.txt.alice smith.ron")).unwrap();
    std::fs::copy(&alice, dir.path().join("op-ed.txt.bob.ron")).unwrap();
    let out = spantag(&["check"], &[dir.path()]);
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("op-ed.txt.alice smith.ron: named like an annotation file of op-ed.txt, but \"alice smith\" is not an annotator name"),
        "{said}"
    );
    assert!(
        said.contains(
            "op-ed.txt.bob.ron: its name says annotator \"bob\" but the file says \"alice\""
        ),
        "{said}"
    );
}

/// A name that reads two ways (annotator j.doe of notes.txt, or doe of notes.txt.j, both
/// documents existing) is named by check with what the file says its source is.
#[test]
fn check_names_an_annotation_file_name_that_reads_two_ways() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("notes.txt");
    std::fs::write(&doc, "Reyes spoke.").unwrap();
    annotation(&doc, "j.doe", &[], &[(1, 0, 5, "actor", "Reyes")], &[]);
    std::fs::write(dir.path().join("notes.txt.j"), "Reyes spoke.").unwrap();
    let out = spantag(&["check"], &[dir.path()]);
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("its name reads as annotator \"doe\" of notes.txt.j (taken) or as annotator \"j.doe\" of notes.txt (the file names \"notes.txt\" as its source)"),
        "{said}"
    );
}

/// A document edited after it was annotated: check says so and how to record it, and
/// `check --update` saves the file with its spans where their text now is (as opening and
/// saving in the app does), keeping the previous version as .bak. Python: "PREFIX. Reyes
/// met Okafor."[8:13] == "Reyes", [18:24] == "Okafor".
#[test]
fn check_update_records_a_changed_source() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("a.txt");
    std::fs::write(&doc, "Reyes met Okafor.").unwrap();
    annotation(
        &doc,
        "alice",
        &["actor"],
        &[(1, 0, 5, "actor", "Reyes"), (2, 10, 16, "actor", "Okafor")],
        &[],
    );
    let file = dir.path().join("a.txt.alice.ron");
    let before = std::fs::read(&file).unwrap();
    std::fs::write(&doc, "PREFIX. Reyes met Okafor.").unwrap();
    let out = spantag_exits(1, &["check"], &[dir.path()]);
    assert!(
        out.stdout.contains("`spantag check --update`"),
        "{}",
        out.stdout
    );
    let out = spantag_exits(0, &["check", "--update"], &[dir.path()]);
    assert!(out.stdout.contains("updated to the changed text"));
    assert_eq!(
        std::fs::read(dir.path().join("a.txt.alice.ron.bak")).unwrap(),
        before
    );
    let saved = spantag_core::store::AnnotationFile::read(&file).unwrap();
    let spans: Vec<(usize, usize, &str)> = saved
        .spans
        .iter()
        .map(|s| (s.start, s.end, s.text.as_str()))
        .collect();
    assert_eq!(spans, [(8, 13, "Reyes"), (18, 24, "Okafor")]);
    spantag_exits(0, &["check"], &[dir.path()]);
}

/// A document whose spans sit around abbreviations and initials, where a sentence splitter
/// that ends sentences at every full stop cuts them in two (brat's CoNLL-2002 corpus had
/// "Louis D." + "Boccardi"). Returns the document and the span texts.
fn abbreviations_corpus(dir: &Path) -> (std::path::PathBuf, Vec<&'static str>) {
    let text = "Dr. Smith met J. K. Rowling on Monday. Louis D. Boccardi told U.S. officials \
                that Gen. Lee had left.\n";
    let doc = dir.join("abbrev.txt");
    std::fs::write(&doc, text).unwrap();
    let wanted = vec![
        "Dr. Smith",
        "J. K. Rowling",
        "Louis D. Boccardi",
        "U.S. officials",
        "Gen. Lee",
    ];
    let spans: Vec<(u64, usize, usize, &str, &str)> = wanted
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let start = text[..text.find(w).unwrap()].chars().count();
            (i as u64 + 1, start, start + w.chars().count(), "actor", *w)
        })
        .collect();
    annotation(&doc, "alice", &["actor"], &spans, &[]);
    (doc, wanted)
}

/// seqeval — the library NER evaluations use to read IOB2 — finds exactly one entity per
/// span in the CoNLL export: the expected entities come from an independent reader, not from
/// spantag's own tagging.
#[test]
#[ignore = "needs python3 with seqeval (pip install seqeval); CI installs it and runs it"]
fn conll_export_gives_seqeval_one_entity_per_span() {
    let dir = tempfile::tempdir().unwrap();
    let (doc, wanted) = abbreviations_corpus(dir.path());
    let conll = dir.path().join("out.conll");
    spantag_exits(
        0,
        &["export", "-f", "conll", "--strict", "-o"],
        &[&conll, &doc],
    );
    let script = r#"
import sys
from seqeval.metrics.sequence_labeling import get_entities
tokens, tags = [], []
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if not line or line.startswith("-DOCSTART-"):
        tokens.append(None); tags.append("O")
        continue
    tok, tag = line.split("\t")
    tokens.append(tok); tags.append(tag)
for _label, first, last in get_entities(tags):
    print(" ".join(tokens[first:last + 1]))
"#;
    let py = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&conll)
        .output()
        .expect("python3 runs");
    assert!(py.status.success(), "seqeval failed: {}", text(&py.stderr));
    let entities: Vec<String> = text(&py.stdout).lines().map(str::to_owned).collect();
    // CoNLL lists tokens (UAX #29 words): "Dr. Smith" reads back as "Dr . Smith".
    assert_eq!(wanted.len(), 5);
    let expected = [
        "Dr . Smith",
        "J . K . Rowling",
        "Louis D . Boccardi",
        "U.S . officials",
        "Gen . Lee",
    ];
    assert_eq!(entities, expected);
}

/// `--strict` refuses an export that would split a span or write it as no entity, and writes
/// nothing; without it the summary counts the spans that did not come out whole.
#[test]
fn strict_export_refuses_to_break_spans() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.txt");
    std::fs::write(&doc, "Mayor Daniel Reyes declared victory\n").unwrap();
    // The claim is cut in two by the shorter actor inside it.
    annotation(
        &doc,
        "alice",
        &["claim", "actor"],
        &[
            (1, 0, 35, "claim", "Mayor Daniel Reyes declared victory"),
            (2, 6, 18, "actor", "Daniel Reyes"),
        ],
        &[],
    );
    let conll = dir.path().join("out.conll");
    let err = spantag_exits(
        1,
        &["export", "-f", "conll", "--strict", "-o"],
        &[&conll, &doc],
    )
    .stderr;
    assert!(err.contains("--strict") && err.contains("#1"), "{err}");
    assert!(!conll.exists(), "nothing is written under --strict");

    let err = spantag_exits(0, &["export", "-f", "conll", "-o"], &[&conll, &doc]).stderr;
    assert!(
        err.contains("2 span(s): 1 written whole, 1 split into several entities"),
        "{err}"
    );
    assert!(conll.exists());
}

/// Label lists written with an export hold the labels the data uses, plus those the project
/// file declares — not the default scheme (claim, actor, event) that a file listing no
/// labels falls back to.
#[test]
fn exported_label_lists_hold_the_labels_used() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.txt");
    std::fs::write(&doc, "Ana met Ben in Oslo.\n").unwrap();
    annotation(
        &doc,
        "alice",
        &[],
        &[(1, 0, 3, "PER", "Ana"), (2, 8, 11, "PER", "Ben")],
        &[],
    );
    let hf = dir.path().join("hf");
    spantag_exits(0, &["export", "-f", "hf", "-o"], &[&hf, &doc]);
    let labels = std::fs::read_to_string(hf.join("labels.json")).unwrap();
    let labels: Vec<String> = serde_json::from_str(&labels).unwrap();
    assert_eq!(labels, ["O", "B-PER", "I-PER"]);

    // A project file that declares LOC (unused so far) adds it.
    std::fs::write(
        dir.path().join("spantag.ron"),
        "(version: 1, labels: [(name: \"PER\", color: \"#cc3333\"), (name: \"LOC\", color: \"#3366cc\")])\n",
    )
    .unwrap();
    let brat = dir.path().join("brat");
    spantag_exits(0, &["export", "-f", "brat", "-o"], &[&brat, &doc]);
    let conf = std::fs::read_to_string(brat.join("annotation.conf")).unwrap();
    let entities: Vec<&str> = conf
        .split("[entities]")
        .nth(1)
        .unwrap()
        .split('[')
        .next()
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(entities, ["PER", "LOC"], "{conf}");
}

/// The Hugging Face export loads with `datasets.load_dataset(FOLDER)` — the library's own
/// reader — with `ner_tags` a sequence of `ClassLabel` named as `labels.json` names them.
#[test]
#[ignore = "needs python3 with datasets (pip install datasets); CI installs it and runs it"]
fn hf_export_loads_with_named_class_labels() {
    let dir = tempfile::tempdir().unwrap();
    let (doc, _) = abbreviations_corpus(dir.path());
    let hf = dir.path().join("hf");
    spantag_exits(0, &["export", "-f", "hf", "-o"], &[&hf, &doc]);
    let script = r#"
import sys, json, datasets
d = datasets.load_dataset(sys.argv[1])["train"]
names = d.features["ner_tags"].feature.names
print(json.dumps({"names": names, "tags": [names[t] for t in d[0]["ner_tags"]]}))
"#;
    let py = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&hf)
        .env("HF_DATASETS_OFFLINE", "1")
        .output()
        .expect("python3 runs");
    assert!(py.status.success(), "datasets failed: {}", text(&py.stderr));
    let got: serde_json::Value = serde_json::from_str(text(&py.stdout).trim()).unwrap();
    assert_eq!(got["names"], serde_json::json!(["O", "B-actor", "I-actor"]));
    // "Dr . Smith met J . K . Rowling ..." — the first sentence's tags, by name.
    assert_eq!(
        got["tags"],
        serde_json::json!([
            "B-actor", "I-actor", "I-actor", "O", "B-actor", "I-actor", "I-actor", "I-actor",
            "I-actor", "O", "O", "O"
        ])
    );
}

/// The hf export writes a dataset card `README.md`; a README someone else wrote in the
/// output folder is never replaced.
#[test]
fn hf_export_never_replaces_a_readme_it_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let (doc, _) = abbreviations_corpus(dir.path());
    let hf = dir.path().join("hf");
    std::fs::create_dir(&hf).unwrap();
    std::fs::write(hf.join("README.md"), "my notes\n").unwrap();
    let out = spantag(&["export", "-f", "hf", "-o"], &[&hf, &doc]);
    assert_ne!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("did not write it"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(hf.join("README.md")).unwrap(),
        "my notes\n"
    );
    assert!(!hf.join("data.jsonl").exists(), "nothing written");
    // Its own card is replaced by the next export.
    std::fs::remove_file(hf.join("README.md")).unwrap();
    for _ in 0..2 {
        spantag_exits(0, &["export", "-f", "hf", "-o"], &[&hf, &doc]);
    }
}

/// Three small edits to a source: `check` names the two spans whose text changed (case)
/// and none of those that stayed put or moved with the text around them. Offsets by hand.
#[test]
fn check_after_small_edits_names_changed_text_not_spans_that_moved_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("news.txt");
    let old = "Anna Berg spoke first. The council met in Oslo. Later the mayor said the budget was late. Finally Berg left the hall.\n";
    let at = |needle: &str| {
        let b = old.find(needle).unwrap();
        (
            old[..b].chars().count(),
            old[..b].chars().count() + needle.chars().count(),
        )
    };
    let spans = [
        (1, "actor", "Anna Berg"),
        (2, "event", "The council met in Oslo"),
        (3, "actor", "the mayor"),
        (4, "claim", "the budget was late"),
        (5, "actor", "Berg left"),
        (6, "event", "left the hall"),
    ];
    std::fs::write(&doc, old).unwrap();
    let rows: Vec<(u64, usize, usize, &str, &str)> = spans
        .iter()
        .map(|&(id, label, text)| {
            let (s, e) = at(text);
            (id, s, e, label, text)
        })
        .collect();
    annotation(&doc, "alice", &[], &rows, &[]);
    let new = old
        .replace("spoke first", "spoke at first")
        .replace("The council", "The Council")
        .replace("the budget", "the Budget")
        .replace("Finally", "And finally");
    std::fs::write(&doc, &new).unwrap();
    let out = spantag(&["check"], &[dir.path()]);
    let said = text(&out.stdout);
    assert!(
        said.contains(
            "span 2 (event \"The council met in Oslo\") now covers \"The Council met in Oslo\""
        ),
        "{said}"
    );
    assert!(
        said.contains("span 4 (claim \"the budget was late\") now covers \"the Budget was late\""),
        "{said}"
    );
    for id in [1, 3, 5, 6] {
        assert!(
            !said.contains(&format!("span {id} (")),
            "span {id} is fine: {said}"
        );
    }
}
