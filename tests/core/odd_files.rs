//! Odd but honest files: a byte-order mark, an empty brat label, an annotation file that is a
//! symbolic link.

use spantag_core::formats::{Offsets, brat};
use spantag_core::store::{self, AnnotationFile};

const FILE: &str = "(\n    version: 1,\n    source: \"doc.txt\",\n    source_hash: \"sha256:0\",\n    annotator: \"alice\",\n    labels: [],\n    spans: [\n        (id: 1, start: 0, end: 5, label: \"person\", text: \"Reyes\"),\n    ],\n    relations: [],\n)\n";

#[test]
fn a_bom_before_a_brat_ann_does_not_hide_its_first_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.txt"), "Reyes met Lee.").unwrap();
    std::fs::write(
        dir.path().join("doc.ann"),
        "\u{feff}T1\tperson 0 5\tReyes\nT2\tperson 10 13\tLee\n",
    )
    .unwrap();
    let imported = brat::import(dir.path(), Offsets::Codepoints, "alice").unwrap();
    let labels: Vec<(usize, usize, &str)> = imported[0].layers[0]
        .spans
        .iter()
        .map(|s| (s.start, s.end, s.label.as_str()))
        .collect();
    assert_eq!(labels, [(0, 5, "person"), (10, 13, "person")]);
}

#[test]
fn a_bom_before_an_annotation_file_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.txt.alice.ron");
    std::fs::write(&path, format!("\u{feff}{FILE}")).unwrap();
    let file = AnnotationFile::read(&path).unwrap();
    assert_eq!(file.spans.len(), 1);
    assert_eq!(file.spans[0].text, "Reyes");
}

#[test]
fn an_empty_brat_label_is_refused_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.txt"), "Reyes met Lee.").unwrap();
    std::fs::write(
        dir.path().join("doc.ann"),
        "T1\tperson 0 5\tReyes\nT2\t 10 13\tLee\n",
    )
    .unwrap();
    let err = brat::import(dir.path(), Offsets::Codepoints, "alice")
        .unwrap_err()
        .to_string();
    assert!(err.contains("doc.ann"), "{err}");
    assert!(err.contains('2'), "names line 2: {err}");
    assert!(err.contains("label is empty"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_linked_annotation_file_is_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    let target = shared.join("doc.txt.alice.ron");
    std::fs::write(&target, FILE).unwrap();
    let link = dir.path().join("doc.txt.alice.ron");
    std::os::unix::fs::symlink("shared/doc.txt.alice.ron", &link).unwrap();
    let changed = FILE.replace("person", "actor");
    store::write_atomic(&link, changed.as_bytes()).unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is kept"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), changed);
    assert_eq!(
        std::fs::read_to_string(shared.join("doc.txt.alice.ron.bak")).unwrap(),
        FILE,
        "the previous version is kept beside the target"
    );
    assert!(!dir.path().join("doc.txt.alice.ron.bak").exists());
}

#[test]
fn a_bom_before_the_project_file_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.txt"), "Reyes met Lee.").unwrap();
    std::fs::write(dir.path().join("doc.txt.alice.ron"), FILE).unwrap();
    std::fs::write(
        dir.path().join("spantag.ron"),
        "\u{feff}(version: 1, labels: [(name: \"person\", color: \"#4e79a7\"), (name: \"place\", color: \"#59a14f\")])\n",
    )
    .unwrap();
    // `label` commands read the project file themselves; the app through project::load.
    let usage = spantag_core::labels::usage(dir.path()).unwrap();
    let in_project: Vec<&str> = usage
        .labels
        .iter()
        .filter(|l| l.in_project)
        .map(|l| l.name.as_str())
        .collect();
    assert_eq!(in_project, ["person", "place"]);
    let project = spantag_core::project::load(&dir.path().join("spantag.ron")).unwrap();
    assert_eq!(project.labels.len(), 2);
}
