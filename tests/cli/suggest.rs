//! `spantag suggest` on documents whose right answer is known: the evidence printed per
//! suggestion (`--format json`), the candidates left out and why, `--accept` (with `.bak`),
//! `--min-evidence` and `--label`. Offsets are worked out here from the text (ASCII: bytes
//! are code points).

use std::path::{Path, PathBuf};

use crate::common;
use common::{spantag, spantag_exits, text};

/// One sentence, six times: "Reyes" at 27·i, "the" at 27·i + 10, "river" at 27·i + 14.
const UNIT: &str = "Reyes met the river board. ";

fn at(i: usize, offset: usize) -> usize {
    i * UNIT.len() + offset
}

/// A folder with the document and alice's file: "Reyes" tagged at its first five places
/// (actor), "river" at its first (place), "the" once (event).
fn folder() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("docs");
    std::fs::create_dir_all(&root).unwrap();
    let doc = root.join("op-ed.txt");
    let body = UNIT.repeat(6);
    assert_eq!(&body[at(5, 0)..at(5, 5)], "Reyes");
    assert_eq!(&body[at(0, 14)..at(0, 19)], "river");
    std::fs::write(&doc, &body).unwrap();
    let mut spans = String::new();
    let mut id = 0;
    let mut push = |start: usize, end: usize, label: &str| {
        id += 1;
        spans.push_str(&format!(
            "        (id: {id}, start: {start}, end: {end}, label: {label:?}, text: {:?}),\n",
            &body[start..end]
        ));
    };
    for i in 0..5 {
        push(at(i, 0), at(i, 5), "actor");
    }
    push(at(0, 10), at(0, 13), "event");
    push(at(0, 14), at(0, 19), "place");
    let file = root.join("op-ed.txt.alice.ron");
    let hash = spantag_core::document::hash_bytes(body.as_bytes());
    std::fs::write(
        &file,
        format!(
            "(\n    version: 1,\n    source: \"op-ed.txt\",\n    source_hash: {hash:?},\n    annotator: \"alice\",\n    spans: [\n{spans}    ],\n)\n"
        ),
    )
    .unwrap();
    (dir, root, file)
}

#[test]
fn json_prints_the_evidence_of_each_suggestion_and_why_the_rest_was_left_out() {
    let (_dir, root, _) = folder();
    let out = spantag_exits(0, &["suggest", "-a", "alice", "--format", "json"], &[&root]);
    let said = &out.stderr;
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let items = v["suggestions"].as_array().unwrap();
    // Only the sixth "Reyes": tagged at 5 of its 6 places. "river" (1 of 6) is too weak,
    // "the" is a stop word.
    assert_eq!(items.len(), 1, "{v:#}");
    assert_eq!(items[0]["start"], at(5, 0));
    assert_eq!(items[0]["end"], at(5, 5));
    assert_eq!(items[0]["label"], "actor");
    assert_eq!(items[0]["text"], "Reyes");
    assert_eq!(items[0]["evidence"]["tagged"], 5);
    assert_eq!(items[0]["evidence"]["seen"], 6);
    assert_eq!(items[0]["evidence"]["share"], 0.833);
    let left = &v["left_out"];
    // "river": its 5 untagged places; "Reyes": its 5 tagged places repeat a span's range.
    assert_eq!(left["below_evidence_threshold"], 5, "{left:#}");
    assert_eq!(left["repeats_an_exact_range"], 5, "{left:#}");
    assert_eq!(left["overlaps_a_span_of_the_same_label"], 0);
    assert_eq!(left["tagged_texts_not_distinctive"], 1);
    assert!(
        said.contains("left out 10 candidate places: 5 below the evidence threshold")
            && said.contains("5 repeat a span's exact range")
            && said.contains("1 tagged text is never suggested: stop words"),
        "{said}"
    );
    // The default output: one line, with the same evidence.
    let lines = spantag(&["suggest", "-a", "alice"], &[&root]);
    let line: serde_json::Value = serde_json::from_str(text(&lines.stdout).trim()).unwrap();
    assert_eq!(line["evidence"], items[0]["evidence"]);
    // A lower threshold lets "river" in (1 of 6 = 17%), strongest evidence first.
    let low = spantag(
        &["suggest", "-a", "alice", "--min-evidence", "0.1"],
        &[&root],
    );
    let texts: Vec<String> = text(&low.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["text"].to_string())
        .collect();
    assert_eq!(
        texts,
        [
            "\"Reyes\"",
            "\"river\"",
            "\"river\"",
            "\"river\"",
            "\"river\"",
            "\"river\""
        ]
    );
    // A threshold that is not a share is refused.
    let bad = spantag_exits(
        2,
        &["suggest", "-a", "alice", "--min-evidence", "50"],
        &[&root],
    );
    assert!(bad.stderr.contains("from 0 to 1"), "{}", bad.stderr);
}

fn spans_of(file: &Path) -> Vec<(usize, usize, String)> {
    spantag_core::store::AnnotationFile::read(file)
        .unwrap()
        .spans
        .iter()
        .map(|s| (s.start, s.end, s.label.clone()))
        .collect()
}

#[test]
fn accept_tags_the_suggestions_in_the_annotators_file_and_keeps_a_bak() {
    let (_dir, root, file) = folder();
    let before = std::fs::read_to_string(&file).unwrap();
    // Only places, at a threshold that lets "river" in: its five untagged places.
    let out = spantag_exits(
        0,
        &[
            "suggest",
            "-a",
            "alice",
            "--accept",
            "--min-evidence",
            "0.1",
            "--label",
            "place",
        ],
        &[&root],
    );
    let said = &out.stderr;
    assert!(out.stdout.is_empty());
    assert!(
        said.contains("accepted 5 suggestions into alice's files of 1 document"),
        "{said}"
    );
    assert!(said.contains("1 have another label than --label"), "{said}");
    let spans = spans_of(&file);
    for i in 0..6 {
        assert!(
            spans.contains(&(at(i, 14), at(i, 19), "place".to_owned())),
            "river {i}: {spans:?}"
        );
    }
    assert_eq!(spans.len(), 7 + 5);
    let mut bak = file.as_os_str().to_owned();
    bak.push(".bak");
    assert_eq!(std::fs::read_to_string(PathBuf::from(bak)).unwrap(), before);
    // Then the rest at the default threshold: the sixth "Reyes".
    spantag_exits(0, &["suggest", "-a", "alice", "--accept"], &[&root]);
    assert!(spans_of(&file).contains(&(at(5, 0), at(5, 5), "actor".to_owned())));
    // Nothing left: not a success, and nothing written.
    let written = std::fs::read_to_string(&file).unwrap();
    let again = spantag_exits(1, &["suggest", "-a", "alice", "--accept"], &[&root]);
    assert!(again.stderr.contains("accepted 0 suggestions"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), written);
}

#[test]
fn a_model_command_is_run_its_spans_saved_as_the_model_layer_and_suggested() {
    let (dir, root, _) = folder();
    // A tiny "model": tags every "board" as an org, by code point (Python str indices).
    let script = dir.path().join("model.py");
    std::fs::write(
        &script,
        "import json, sys\nfor line in sys.stdin:\n    d = json.loads(line)\n    t = d['text']\n    i = t.find('board')\n    while i >= 0:\n        print(json.dumps({'id': d['id'], 'start': i, 'end': i + 5, 'label': 'org'}))\n        i = t.find('board', i + 1)\n",
    )
    .unwrap();
    let command = format!("python3 {}", script.display());
    let out = spantag_exits(
        0,
        &["suggest", "-a", "alice", "--only-from", "--model", &command],
        &[&root],
    );
    let said = &out.stderr;
    assert!(
        said.contains("the model tagged 6 spans in 1 document"),
        "{said}"
    );
    // Saved as the read-only model layer, with the text at each place.
    let model = root.join("op-ed.txt.model.ron");
    let spans = spans_of(&model);
    let boards: Vec<(usize, usize, String)> = (0..6)
        .map(|i| (at(i, 20), at(i, 25), "org".to_owned()))
        .collect();
    assert_eq!(spans, boards);
    // Suggested, with no evidence (a layer's spans).
    let lines: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6);
    assert!(
        lines
            .iter()
            .all(|l| l["origin"] == "model" && l["text"] == "board" && l["evidence"].is_null())
    );
    // A model that writes a span for a document it was not given: nothing written, the
    // reason said.
    std::fs::remove_file(&model).unwrap();
    let said = spantag_exits(
        2,
        &[
            "suggest",
            "-a",
            "alice",
            "--model",
            r#"cat > /dev/null; echo '{"id": "x", "start": 0, "end": 9999, "label": "org"}'"#,
        ],
        &[&root],
    )
    .stderr;
    assert!(said.contains("which it was not given"), "{said}");
    assert!(!model.exists());
    // A model that fails: its message passes through, exit 2.
    let failed = spantag_exits(
        2,
        &[
            "suggest",
            "-a",
            "alice",
            "--model",
            "echo 'no GPU here' >&2; exit 3",
        ],
        &[&root],
    );
    let said = &failed.stderr;
    assert!(
        said.contains("no GPU here") && said.contains("failed"),
        "{said}"
    );
    assert!(!model.exists());
}

/// The project file can name the team's model (`model: Some("…")` in spantag.ron):
/// `--project-model` runs it (saying which command), plain `suggest` never does, and a
/// project file without one is named with what to add.
#[test]
fn the_project_files_model_runs_only_when_asked() {
    let (dir, root, _) = folder();
    let marker = dir.path().join("ran");
    let script = dir.path().join("model.py");
    std::fs::write(
        &script,
        format!(
            "import json, sys\nopen({:?}, 'w').write('yes')\nfor line in sys.stdin:\n    d = json.loads(line)\n    i = d['text'].find('board')\n    if i >= 0:\n        print(json.dumps({{'id': d['id'], 'start': i, 'end': i + 5, 'label': 'org'}}))\n",
            marker.display().to_string()
        ),
    )
    .unwrap();
    let command = format!("python3 {}", script.display());
    // Without a model entry: said, exit 2.
    std::fs::write(root.join("spantag.ron"), "(version: 1)\n").unwrap();
    let out = spantag(&["suggest", "-a", "alice", "--project-model"], &[&root]);
    let said = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("names no model; add `model: Some("), "{said}");
    std::fs::write(
        root.join("spantag.ron"),
        format!("(version: 1, model: Some({command:?}))\n"),
    )
    .unwrap();
    // Plain suggest does not run it.
    let out = spantag(&["suggest", "-a", "alice"], &[&root]);
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "{}",
        text(&out.stderr)
    );
    assert!(!marker.exists(), "the project's model ran unasked");
    // --project-model does, and says so.
    let out = spantag(
        &["suggest", "-a", "alice", "--only-from", "--project-model"],
        &[&root],
    );
    let said = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(
        said.contains(&format!("running the project file's model: {command}")),
        "{said}"
    );
    assert!(marker.exists());
    assert!(
        said.contains("the model tagged 1 span in 1 document"),
        "{said}"
    );
    assert!(root.join("op-ed.txt.model.ron").exists());
}
