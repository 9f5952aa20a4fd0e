//! `spantag label list|rename|remove` used as a user would: a folder with a subfolder, file
//! names with spaces, a dotted annotator name (`j.doe`), two annotators and the curated
//! layer, a project file. Each test runs the real binary on files it writes by hand, and
//! checks the files against what it wrote (never against what the code produced).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use spantag_core::store::AnnotationFile;

use crate::common;
use common::{spantag, spantag_exits, text};

fn hash_of(path: &Path) -> String {
    spantag_core::document::hash_bytes(&std::fs::read(path).unwrap())
}

/// (id, start, end, label, text)
type S = (u64, usize, usize, &'static str, &'static str);
/// (id, from, to, relation type)
type R = (u64, u64, u64, &'static str);

/// Writes an annotation file by hand, as a teammate's spantag (or a script) would.
fn annotation(path: &Path, doc: &Path, annotator: &str, labels: &[&str], spans: &[S], rels: &[R]) {
    let source = doc.file_name().unwrap().to_str().unwrap();
    let hash = hash_of(doc);
    let mut out = format!(
        "(\n    version: 1,\n    source: {source:?},\n    source_hash: {hash:?},\n    annotator: {annotator:?},\n    labels: [\n"
    );
    for (i, label) in labels.iter().enumerate() {
        out.push_str(&format!(
            "        (name: {label:?}, color: \"#00000{i}\"),\n"
        ));
    }
    out.push_str("    ],\n    spans: [\n");
    for (id, start, end, label, text) in spans {
        out.push_str(&format!(
            "        (id: {id}, start: {start}, end: {end}, label: {label:?}, text: {text:?}),\n"
        ));
    }
    out.push_str("    ],\n    relations: [\n");
    for (id, from, to, label) in rels {
        out.push_str(&format!(
            "        (id: {id}, from: {from}, to: {to}, label: {label:?}),\n"
        ));
    }
    out.push_str("    ],\n)\n");
    std::fs::write(path, out).unwrap();
}

const PROJECT: &str = r##"(
    version: 1,
    labels: [
        (name: "claim", color: "#4e79a7", key: '1'),
        (name: "actor", color: "#e15759", key: '2', description: Some("Who acts or speaks")),
        (name: "event", color: "#59a14f"),
    ],
    relation_types: [
        (name: "says", from: ["actor"], to: ["claim"]),
        (name: "participates", from: ["actor"], to: ["event"]),
    ],
)
"##;

/// One annotation file of the corpus as written: path, labels, spans, relations.
struct Written {
    path: PathBuf,
    labels: &'static [&'static str],
    spans: &'static [S],
    relations: &'static [R],
}

const ALL: &[&str] = &["claim", "actor", "event"];

/// "Mayor Reyes said the port will close."
///  Reyes = [6:11], "the port will close" = [17:36], port = [21:25], "Mayor Reyes" = [0:11]
const ONE_ALICE: &[S] = &[
    (1, 6, 11, "actor", "Reyes"),
    (2, 17, 36, "claim", "the port will close"),
    (3, 21, 25, "actor", "port"),
];
const ONE_JDOE: &[S] = &[
    (1, 0, 11, "actor", "Mayor Reyes"),
    (2, 17, 36, "claim", "the port will close"),
];
/// "Dockers strike on Monday."  Dockers = [0:7], strike = [8:14]
const STRIKE_ALICE: &[S] = &[(1, 0, 7, "actor", "Dockers"), (2, 8, 14, "event", "strike")];
const STRIKE_JDOE: &[S] = &[(1, 8, 14, "event", "strike")];
const STRIKE_CURATED: &[S] = &[(4, 0, 7, "actor", "Dockers"), (5, 8, 14, "event", "strike")];

/// The corpus: `Op Ed one.txt` (alice, j.doe) and `week 2/notes on strike.txt` (alice,
/// j.doe — who tagged no actor and whose label list has none —, curated), under a project
/// file. Returns the folder, the files and the project file.
fn corpus() -> (tempfile::TempDir, Vec<Written>, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let week = dir.path().join("week 2");
    std::fs::create_dir(&week).unwrap();
    let one = dir.path().join("Op Ed one.txt");
    std::fs::write(&one, "Mayor Reyes said the port will close.").unwrap();
    let strike = week.join("notes on strike.txt");
    std::fs::write(&strike, "Dockers strike on Monday.").unwrap();
    let project = dir.path().join("spantag.ron");
    std::fs::write(&project, PROJECT).unwrap();
    let files = vec![
        Written {
            path: dir.path().join("Op Ed one.txt.alice.ron"),
            labels: ALL,
            spans: ONE_ALICE,
            relations: &[(4, 1, 2, "says")],
        },
        Written {
            path: dir.path().join("Op Ed one.txt.j.doe.ron"),
            labels: ALL,
            spans: ONE_JDOE,
            relations: &[],
        },
        Written {
            path: week.join("notes on strike.txt.alice.ron"),
            labels: ALL,
            spans: STRIKE_ALICE,
            relations: &[(3, 1, 2, "participates")],
        },
        Written {
            path: week.join("notes on strike.txt.curated.ron"),
            labels: ALL,
            spans: STRIKE_CURATED,
            relations: &[],
        },
        Written {
            path: week.join("notes on strike.txt.j.doe.ron"),
            labels: &["claim", "event"],
            spans: STRIKE_JDOE,
            relations: &[],
        },
    ];
    for file in &files {
        let doc = if file.path.starts_with(&week) {
            &strike
        } else {
            &one
        };
        let annotator = file
            .path
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .trim_end_matches(".ron")
            .rsplit(".txt.")
            .next()
            .unwrap()
            .to_owned();
        annotation(
            &file.path,
            doc,
            &annotator,
            file.labels,
            file.spans,
            file.relations,
        );
    }
    (dir, files, project)
}

/// Every file under `dir`, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

fn bak(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(".bak");
    PathBuf::from(name)
}

fn spans_of(path: &Path) -> Vec<(u64, usize, usize, String, String)> {
    AnnotationFile::read(path)
        .unwrap()
        .spans
        .into_iter()
        .map(|s| (s.id, s.start, s.end, s.label, s.text))
        .collect()
}

/// The spans as written, with one label renamed.
fn renamed(spans: &[S], old: &str, new: &str) -> Vec<(u64, usize, usize, String, String)> {
    let mut out: Vec<_> = spans
        .iter()
        .map(|&(id, start, end, label, text)| {
            let label = if label == old { new } else { label };
            (id, start, end, label.to_owned(), text.to_owned())
        })
        .collect();
    out.sort_by(|a, b| (a.1, a.2, &a.3, a.0).cmp(&(b.1, b.2, &b.3, b.0)));
    out
}

/// The spans as written, in the order files keep them.
fn as_written(spans: &[S]) -> Vec<(u64, usize, usize, String, String)> {
    renamed(spans, "", "")
}

fn check_passes(dir: &Path) {
    let out = spantag_exits(0, &["check"], &[dir]);
    assert!(out.stderr.contains("5 file(s) checked, no problems"));
}

#[test]
fn rename_changes_every_layer_and_the_project_file_and_check_still_passes() {
    let (dir, files, project) = corpus();
    check_passes(dir.path());
    let before = snapshot(dir.path());
    let out = spantag(&["label", "rename", "actor", "person"], &[dir.path()]);
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{said}{}", text(&out.stderr));
    // One line per changed file, with the count of spans as written above (2, 1, 1, 1).
    for (file, n) in [(0, 2), (1, 1), (2, 1), (3, 1)] {
        let line = format!("{}: {n} span(s) renamed", files[file].path.display());
        assert!(said.contains(&line), "{line:?} not in:\n{said}");
    }
    assert!(!said.contains("notes on strike.txt.j.doe.ron"), "{said}");
    assert!(said.contains("spantag.ron: label renamed"), "{said}");
    assert!(
        text(&out.stderr).contains("5 span(s) in 4 of 5 annotation file(s)"),
        "{}",
        text(&out.stderr)
    );

    for file in &files[..4] {
        let path = &file.path;
        assert_eq!(
            spans_of(path),
            renamed(file.spans, "actor", "person"),
            "{}",
            path.display()
        );
        let now = AnnotationFile::read(path).unwrap();
        let labels: Vec<(&str, &str)> = now
            .labels
            .iter()
            .map(|l| (l.name.as_str(), l.color.as_str()))
            .collect();
        assert_eq!(
            labels,
            [
                ("claim", "#000000"),
                ("person", "#000001"),
                ("event", "#000002")
            ]
        );
        let relations: Vec<(u64, u64, u64, &str)> = now
            .relations
            .iter()
            .map(|r| (r.id, r.from, r.to, r.label.as_str()))
            .collect();
        assert_eq!(relations, file.relations);
        let raw = std::fs::read_to_string(path).unwrap();
        assert!(raw.contains("\"person\""), "{raw}");
        assert!(!raw.contains("\"actor\""), "{raw}");
        assert_eq!(std::fs::read(bak(path)).unwrap(), before[path]);
    }
    // j.doe never used the label: not rewritten, no backup.
    let untouched = &files[4].path;
    assert_eq!(std::fs::read(untouched).unwrap(), before[untouched]);
    assert!(!bak(untouched).exists());

    let now = spantag_core::project::load(&project).unwrap();
    let names: Vec<&str> = now.labels.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["claim", "person", "event"]);
    assert_eq!(now.labels[1].color, "#e15759");
    assert_eq!(
        now.labels[1].key.map(|k| k.char()),
        Some('2'),
        "the key stays"
    );
    let ends: Vec<(&str, &[String], &[String])> = now
        .relation_types
        .iter()
        .map(|t| (t.name.as_str(), &t.from[..], &t.to[..]))
        .collect();
    assert_eq!(
        ends,
        [
            (
                "says",
                &["person".to_owned()][..],
                &["claim".to_owned()][..]
            ),
            (
                "participates",
                &["person".to_owned()][..],
                &["event".to_owned()][..]
            )
        ]
    );
    assert_eq!(std::fs::read_to_string(bak(&project)).unwrap(), PROJECT);

    check_passes(dir.path());
    // The list shows the new name with the counts written above.
    let out = spantag(&["label", "list"], &[dir.path()]);
    let rows: Vec<Vec<String>> = text(&out.stdout)
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .collect();
    assert!(rows.contains(&vec!["person".into(), "5".into(), "4".into()]));
    assert!(!rows.iter().any(|r| r[0] == "actor"));
}

#[test]
fn list_prints_an_aligned_table_of_labels() {
    let (dir, _, project) = corpus();
    // A longer label nobody used yet, so that the columns need padding.
    let with_more = PROJECT.replace(
        "    ],\n    relation_types",
        "        (name: \"organisation\", color: \"#76b7b2\"),\n    ],\n    relation_types",
    );
    assert_ne!(with_more, PROJECT);
    std::fs::write(&project, with_more).unwrap();
    let out = spantag_exits(0, &["label", "list"], &[dir.path()]);
    let table = out.stdout;
    let lines: Vec<&str> = table.lines().collect();
    let rows: Vec<Vec<&str>> = lines
        .iter()
        .map(|l| l.split_whitespace().collect())
        .collect();
    // The project's labels in its order; counts from the spans written above:
    // claim 1 + 1; actor 2 + 1 + 1 + 1 in four files; event 1 + 1 + 1.
    assert_eq!(
        rows,
        [
            vec!["label", "spans", "files"],
            vec!["claim", "2", "2"],
            vec!["actor", "5", "4"],
            vec!["event", "3", "3"],
            vec!["organisation", "0", "0"],
        ],
        "{table}"
    );
    // Aligned: names padded to the longest, counts right-aligned under their headings.
    let width = lines[0].chars().count();
    assert!(lines.iter().all(|l| l.chars().count() == width), "{table}");
    assert!(lines[0].starts_with("label         spans"), "{table}");
    assert!(lines[1].starts_with("claim             2"), "{table}");
    assert!(
        out.stderr.contains("5 annotation file(s)"),
        "{}",
        out.stderr
    );
    // Nothing to list is not a success.
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("lonely.txt"), "text").unwrap();
    let out = spantag_exits(1, &["label", "list"], &[empty.path()]);
    assert!(out.stderr.contains("no annotation files"), "{}", out.stderr);
}

#[test]
fn renaming_to_a_label_that_exists_is_refused_and_changes_nothing() {
    let (dir, files, _) = corpus();
    let before = snapshot(dir.path());
    let err = spantag_exits(2, &["label", "rename", "actor", "event"], &[dir.path()]).stderr;
    assert!(err.contains("\"event\" already exists"), "{err}");
    assert!(err.contains("merge"), "{err}");
    assert_eq!(snapshot(dir.path()), before, "no file changed, none added");
    assert_eq!(
        spans_of(&files[0].path),
        as_written(files[0].spans),
        "the spans are as written"
    );
}

#[test]
fn a_hand_broken_file_stops_the_rename_and_is_named() {
    let (dir, files, _) = corpus();
    // j.doe's file in the subfolder, broken on its line 5 (a missing comma and quote).
    let broken = &files[4].path;
    let raw = std::fs::read_to_string(broken).unwrap();
    let mut lines: Vec<&str> = raw.lines().collect();
    assert!(lines[4].starts_with("    annotator:"));
    lines[4] = "    annotator: \"j.doe\" done: true,";
    std::fs::write(broken, lines.join("\n")).unwrap();
    let before = snapshot(dir.path());
    let err = spantag_exits(2, &["label", "rename", "actor", "person"], &[dir.path()]).stderr;
    assert!(
        err.contains("week 2/notes on strike.txt.j.doe.ron:5:"),
        "{err}"
    );
    assert!(err.contains("No file was changed"), "{err}");
    assert_eq!(snapshot(dir.path()), before, "no file changed, none added");
}

#[test]
fn remove_refuses_used_labels_unless_forced_then_deletes_spans_and_relations() {
    let (dir, files, project) = corpus();
    let before = snapshot(dir.path());
    let err = spantag_exits(2, &["label", "remove", "actor"], &[dir.path()]).stderr;
    assert!(err.contains("5 span(s) in 4 file(s)"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(snapshot(dir.path()), before);

    let out = spantag(&["label", "remove", "actor", "--force"], &[dir.path()]);
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{said}{}", text(&out.stderr));
    for (file, spans, relations) in [(0, 2, 1), (1, 1, 0), (2, 1, 1), (3, 1, 0)] {
        let line = format!(
            "{}: {spans} span(s) and {relations} relation(s) deleted",
            files[file].path.display()
        );
        assert!(said.contains(&line), "{line:?} not in:\n{said}");
        let left: Vec<S> = files[file]
            .spans
            .iter()
            .copied()
            .filter(|s| s.3 != "actor")
            .collect();
        assert_eq!(spans_of(&files[file].path), as_written(&left));
        let now = AnnotationFile::read(&files[file].path).unwrap();
        assert!(now.relations.is_empty(), "every relation touched an actor");
        let labels: Vec<&str> = now.labels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(labels, ["claim", "event"]);
    }
    let untouched = &files[4].path;
    assert_eq!(std::fs::read(untouched).unwrap(), before[untouched]);
    // Both relation types linked only actors: deleted, and said so.
    assert!(said.contains("deleted"), "{said}");
    let now = spantag_core::project::load(&project).unwrap();
    let names: Vec<&str> = now.labels.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["claim", "event"]);
    assert!(now.relation_types.is_empty());
    check_passes(dir.path());
}

#[test]
fn a_label_found_nowhere_is_nothing_to_do() {
    let (dir, _, _) = corpus();
    let before = snapshot(dir.path());
    for args in [
        &["label", "rename", "quote", "citation"][..],
        &["label", "remove", "quote"][..],
    ] {
        let err = spantag_exits(2, args, &[dir.path()]).stderr;
        assert!(
            err.contains(&format!("found nothing to {}", args[1])),
            "{err}"
        );
        assert!(err.contains("\"quote\""), "{err}");
        assert!(err.contains("5 annotation file(s)"), "{err}");
    }
    assert_eq!(snapshot(dir.path()), before);
}

/// A document renamed after it was annotated leaves its annotation file behind (`check`
/// reports it): renaming a label renames it there too, so that the old name does not come
/// back when the file is matched to its document again.
#[test]
fn a_rename_reaches_the_files_of_a_renamed_document() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("old name.txt");
    std::fs::write(&doc, "Reyes spoke.").unwrap();
    let file = dir.path().join("old name.txt.alice.ron");
    // "Reyes spoke."[0:5] == "Reyes"
    annotation(
        &file,
        &doc,
        "alice",
        &["actor"],
        &[(1, 0, 5, "actor", "Reyes")],
        &[],
    );
    std::fs::rename(&doc, dir.path().join("new name.txt")).unwrap();
    let out = spantag(&["label", "rename", "actor", "person"], &[dir.path()]);
    let said = text(&out.stdout) + &text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert_eq!(
        spans_of(&file),
        [(1, 0, 5, "person".to_owned(), "Reyes".to_owned())]
    );
    let list = spantag(&["label", "list"], &[dir.path()]);
    assert!(
        text(&list.stdout).contains("person"),
        "{}",
        text(&list.stdout)
    );
}
