//! Exports and `check` used as a user would, on the mistakes a user makes: exporting into
//! the corpus folder itself, two documents whose names differ only in their extension, a
//! renamed document, orphaned spans, a file listing its own labels. Each test runs the real
//! `spantag` binary on files it writes by hand.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests may panic: that is how they fail.

use std::path::Path;

mod common;
use common::{spantag, text};

/// An annotation file written by hand, with these labels listed and these orphans.
fn annotation(
    doc: &Path,
    annotator: &str,
    labels: &[&str],
    spans: &[(u64, usize, usize, &str, &str)],
    orphans: &[(u64, usize, usize, &str, &str)],
) {
    let hash = spantag::document::hash_bytes(&std::fs::read(doc).unwrap());
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
    let out = spantag(
        &["export", "--format", "brat", "--out"],
        &[dir.path(), dir.path()],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("never writes over"),
        "{}",
        text(&out.stderr)
    );
    // A single-file format pointed at the document or at the annotation file.
    for target in [&doc, &ann] {
        let out = spantag(
            &["export", "--format", "csv", "--out"],
            &[target, dir.path()],
        );
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
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
    let out = spantag(
        &["export", "--format", "brat", "--out"],
        &[&dir.path().join("brat"), dir.path()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
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
    let out = spantag(&["check"], &[dir.path()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("1 orphaned span(s)"),
        "{}",
        text(&out.stdout)
    );
    let out = spantag(&["export", "--format", "csv"], &[dir.path()]);
    assert!(out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("1 orphaned span(s)"), "{stderr}");
    assert!(stderr.contains("1 span(s) left out"), "{stderr}");
    assert_eq!(text(&out.stdout).lines().count(), 2, "header and Reyes");

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
    let out = spantag(&["check"], &[renamed.path()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("op-ed.txt.alice.ron: its source document is not beside it"),
        "{}",
        text(&out.stdout)
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
    let out = spantag(&["check"], &[renamed.path()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("2 file(s) checked, 1 problem(s)"),
        "{}",
        text(&out.stderr)
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
    let out = spantag(&["export", "--format", "hf", "--out"], &[&hf, dir.path()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let labels: Vec<String> =
        serde_json::from_str(&std::fs::read_to_string(hf.join("labels.json")).unwrap()).unwrap();
    // Labels other than the defaults go by name, whatever the file's order.
    assert_eq!(labels, ["O", "B-A", "I-A", "B-B", "I-B"]);
    let brat = dir.path().join("brat");
    let out = spantag(
        &["export", "--format", "brat", "--out"],
        &[&brat, dir.path()],
    );
    assert!(out.status.success());
    let conf = std::fs::read_to_string(brat.join("annotation.conf")).unwrap();
    assert_eq!(
        conf.lines().take(3).collect::<Vec<_>>(),
        ["[entities]", "A", "B"]
    );
}
