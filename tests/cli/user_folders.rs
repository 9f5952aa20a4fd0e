//! The command line used as a user would: folders, odd file names, repeated words, edited
//! sources, several annotators. Each test runs the real `spantag` binary on files it writes,
//! and checks the output against offsets worked out by hand (Python's `str` slicing rules:
//! code points, half-open).

use std::path::Path;

use crate::common;
use common::{spantag, spantag_exits, text};

/// Writes an annotation file by hand, as a teammate's spantag (or a script) would.
fn annotation(
    path: &Path,
    source: &str,
    source_hash: &str,
    annotator: &str,
    spans: &[(u64, usize, usize, &str, &str)],
) {
    let mut out = format!(
        "(\n    version: 1,\n    source: {source:?},\n    source_hash: {source_hash:?},\n    annotator: {annotator:?},\n    labels: [],\n    spans: [\n"
    );
    for (id, start, end, label, text) in spans {
        out.push_str(&format!(
            "        (id: {id}, start: {start}, end: {end}, label: {label:?}, text: {text:?}),\n"
        ));
    }
    out.push_str("    ],\n    relations: [],\n)\n");
    std::fs::write(path, out).unwrap();
}

fn hash_of(path: &Path) -> String {
    spantag_core::document::hash_bytes(&std::fs::read(path).unwrap())
}

/// `[start, end]` pairs of every span in a JSONL export, per line.
fn jsonl_spans(out: &str) -> Vec<Vec<(u64, u64, String)>> {
    out.lines()
        .map(|line| {
            let record: serde_json::Value = serde_json::from_str(line).unwrap();
            record["spans"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    (
                        s["start"].as_u64().unwrap(),
                        s["end"].as_u64().unwrap(),
                        s["label"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .collect()
}

#[test]
fn an_edited_source_keeps_two_spans_on_a_repeated_name_apart() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.txt");
    std::fs::write(&doc, "Bob met Bob.").unwrap();
    let hash = hash_of(&doc);
    annotation(
        &dir.path().join("doc.txt.alice.ron"),
        "doc.txt",
        &hash,
        "alice",
        &[(1, 0, 3, "actor", "Bob"), (2, 8, 11, "actor", "Bob")],
    );
    // The editor adds a word in front.
    std::fs::write(&doc, "Yesterday, Bob met Bob.").unwrap();
    let out = spantag_exits(0, &["export", "--format", "jsonl"], &[&doc]);
    // "Yesterday, Bob met Bob."[11:14] == "Bob" and [19:22] == "Bob".
    assert_eq!(
        jsonl_spans(&out.stdout),
        [vec![
            (11, 14, "actor".to_owned()),
            (19, 22, "actor".to_owned())
        ]]
    );
    // `check` says what opening it will do (move both spans), not that every offset is wrong.
    let out = spantag(&["check"], &[&doc]);
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("the source text changed"), "{said}");
    assert!(said.contains("2 span(s) moved"), "{said}");
    assert!(!said.contains("stored text"), "{said}");
}

#[test]
fn dotted_annotator_names_work_in_export_and_check() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.txt");
    std::fs::write(&doc, "Reyes spoke.").unwrap();
    let hash = hash_of(&doc);
    for who in ["j.doe", "jane.doe@lab"] {
        annotation(
            &dir.path().join(format!("doc.txt.{who}.ron")),
            "doc.txt",
            &hash,
            who,
            &[(1, 0, 5, "actor", "Reyes")],
        );
    }
    let out = spantag_exits(0, &["export", "--format", "jsonl"], &[dir.path()]);
    let annotators: Vec<String> = out
        .stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["meta"]["annotator"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(annotators, ["j.doe", "jane.doe@lab"]);
    let file = dir.path().join("doc.txt.j.doe.ron");
    let out = spantag_exits(0, &["check"], &[&file]);
    assert!(out.stderr.contains("1 file(s) checked, no problems"));
    // Exporting one of them by name.
    let out = spantag_exits(
        0,
        &["export", "--annotator", "jane.doe@lab", "--format", "jsonl"],
        &[&doc],
    );
    assert_eq!(out.stdout.lines().count(), 1);
}

#[test]
fn check_searches_folders_and_fails_when_there_is_nothing_to_check() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("2024").join("march");
    std::fs::create_dir_all(&nested).unwrap();
    let doc = nested.join("Op Ed — draft (v2).txt");
    std::fs::write(&doc, "Zoë Reyes spoke.").unwrap();
    let hash = hash_of(&doc);
    annotation(
        &nested.join("Op Ed — draft (v2).txt.zoë.ron"),
        "Op Ed — draft (v2).txt",
        &hash,
        "zoë",
        &[(1, 0, 9, "actor", "Zoë Reyes")],
    );
    let out = spantag_exits(0, &["check"], &[dir.path()]);
    assert!(out.stderr.contains("1 file(s) checked, no problems"));
    // A wrong text in the nested file is found from the top folder.
    annotation(
        &nested.join("Op Ed — draft (v2).txt.bob.ron"),
        "Op Ed — draft (v2).txt",
        &hash,
        "bob",
        &[(1, 0, 9, "actor", "Zoe Reyes")],
    );
    let out = spantag_exits(1, &["check"], &[dir.path()]);
    assert!(
        out.stdout.contains("span 1: stored text \"Zoe Reyes\""),
        "{}",
        out.stdout
    );
    // A folder with documents but no annotation files: nothing checked is not a success.
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("lonely.txt"), "text").unwrap();
    let out = spantag_exits(1, &["check"], &[empty.path()]);
    assert!(out.stderr.contains("no annotation files"), "{}", out.stderr);
    // An annotation file whose document is missing says what it looked for.
    let stray = empty.path().join("gone.txt.j.doe.ron");
    annotation(&stray, "gone.txt", "sha256:0", "j.doe", &[]);
    let out = spantag_exits(1, &["check"], &[&stray]);
    assert!(
        out.stdout.contains("looked for gone.txt.j, gone.txt"),
        "{}",
        out.stdout
    );
}

/// Writes an annotation file whose label list is in the given order.
fn annotation_with_labels(
    path: &Path,
    source: &str,
    hash: &str,
    annotator: &str,
    labels: &[&str],
    spans: &[(u64, usize, usize, &str, &str)],
) {
    annotation(path, source, hash, annotator, spans);
    let list: String = labels
        .iter()
        .map(|l| format!("(name: {l:?}, color: \"#123456\"), "))
        .collect();
    let text = std::fs::read_to_string(path)
        .unwrap()
        .replace("labels: [],", &format!("labels: [{list}],"));
    std::fs::write(path, text).unwrap();
}

#[test]
fn token_tags_do_not_depend_on_an_annotators_label_order() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.txt");
    std::fs::write(&doc, "Reyes said so.").unwrap();
    let hash = hash_of(&doc);
    // Both tagged "Reyes" as actor and as quote (the same range): the tie is broken by the
    // one scheme (defaults first, then by name), not by each file's own list.
    let spans = [(1, 0, 5, "actor", "Reyes"), (2, 0, 5, "quote", "Reyes")];
    annotation_with_labels(
        &dir.path().join("doc.txt.alice.ron"),
        "doc.txt",
        &hash,
        "alice",
        &["quote", "actor"],
        &spans,
    );
    annotation_with_labels(
        &dir.path().join("doc.txt.bob.ron"),
        "doc.txt",
        &hash,
        "bob",
        &["actor", "quote"],
        &spans,
    );
    let out = spantag_exits(0, &["export", "--format", "conll"], &[&doc]);
    let tags: Vec<String> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("Reyes"))
        .map(|l| l.split_whitespace().last().unwrap().to_owned())
        .collect();
    assert_eq!(tags, ["B-actor", "B-actor"], "{}", out.stdout);
}

#[test]
fn suggest_lists_text_tagged_elsewhere_and_a_models_spans_but_not_rejections() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("week 1");
    std::fs::create_dir_all(&root).unwrap();
    // a.txt: alice tagged "Zoë Reyes" (0..9) as an actor.
    let a = root.join("a.txt");
    std::fs::write(&a, "Zoë Reyes spoke.").unwrap();
    annotation(
        &root.join("a.txt.j.doe.ron"),
        "a.txt",
        "sha256:0",
        "j.doe",
        &[(1, 0, 9, "actor", "Zoë Reyes")],
    );
    // b.txt: "Zoë Reyes" twice (Python: [m.start() for m in re.finditer("Zoë Reyes", t)]
    // == [5, 24]); alice rejected the second; a model tagged "met" (t.find("met") == 15) as
    // an event.
    let b = root.join("b.txt");
    let text_b = "Then Zoë Reyes met, and Zoë Reyes left.";
    std::fs::write(&b, text_b).unwrap();
    let rejected = "(\n    version: 1,\n    source: \"b.txt\",\n    source_hash: \"sha256:0\",\n    annotator: \"j.doe\",\n    spans: [],\n    rejected: [(start: 24, end: 33, label: \"actor\", text: \"Zoë Reyes\")],\n)\n";
    std::fs::write(root.join("b.txt.j.doe.ron"), rejected).unwrap();
    annotation(
        &root.join("b.txt.model.ron"),
        "b.txt",
        "sha256:0",
        "model",
        &[(1, 15, 18, "event", "met")],
    );
    let out = spantag_exits(0, &["suggest", "-a", "j.doe", "--from", "model"], &[&root]);
    let lines: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<(String, u64, u64, &str, &str, &str)> = lines
        .iter()
        .map(|v| {
            (
                Path::new(v["document"].as_str().unwrap())
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                v["start"].as_u64().unwrap(),
                v["end"].as_u64().unwrap(),
                v["label"].as_str().unwrap(),
                v["text"].as_str().unwrap(),
                v["origin"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "b.txt".to_owned(),
                5,
                14,
                "actor",
                "Zoë Reyes",
                "tagged elsewhere"
            ),
            ("b.txt".to_owned(), 15, 18, "event", "met", "model"),
        ]
    );
    assert!(out.stderr.contains("2 suggestions in 2 documents"));
    // Nothing to suggest is not a success, and no annotator is a usage error.
    spantag_exits(1, &["suggest", "-a", "j.doe"], &[&a]);
    // An annotator with no files here (a typo, or someone new) is told why nothing comes.
    let zed = spantag_exits(1, &["suggest", "-a", "zed"], &[&root]);
    assert!(
        zed.stderr
            .contains("zed has no annotation files in these documents")
            && zed.stderr.contains("annotators found: j.doe, model"),
        "{}",
        zed.stderr
    );
    let who = spantag_exits(2, &["suggest"], &[&root]);
    assert!(who.stderr.contains("--annotator"));
    // A layer to suggest from that no document has (a typo) is named, with those there are.
    let typo = spantag_exits(2, &["suggest", "-a", "j.doe", "--from", "modle"], &[&root]);
    let said = &typo.stderr;
    assert!(
        said.contains("no document here has an annotation file of \"modle\"")
            && said.contains("annotators found: j.doe, model"),
        "{said}"
    );
    assert!(typo.stdout.is_empty());
    // A broken file: what could be read is still suggested, the file is named, exit 2.
    std::fs::write(root.join("b.txt.model.ron"), "(version: 1, spans: [").unwrap();
    let broken = spantag_exits(2, &["suggest", "-a", "j.doe", "--from", "model"], &[&root]);
    let said = &broken.stderr;
    assert!(said.contains("b.txt.model.ron"), "{said}");
    assert!(said.contains("1 file(s) could not be read"), "{said}");
    assert_eq!(broken.stdout.lines().count(), 1, "Zoë Reyes in b.txt");
}
