//! An import checks every record's name before writing anything: a bad name anywhere (here
//! the tenth record) refuses the whole import with the record named, and nothing is written.

use spantag_core::formats::{self, Imported, ImportedLayer, ImportedSpan};

fn record(name: &str) -> Imported {
    Imported {
        named: true,
        name: name.to_owned(),
        text: "Reyes spoke.".to_owned(),
        layers: vec![ImportedLayer::new(
            "alice".to_owned(),
            vec![ImportedSpan::new(0, 5, "person".to_owned())],
        )],
    }
}

/// Nine good records, then `bad`.
fn nine_then(bad: &[&str]) -> Vec<Imported> {
    let mut records: Vec<Imported> = (1..=9).map(|i| record(&format!("doc{i}.txt"))).collect();
    records.extend(bad.iter().map(|b| record(b)));
    records
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
    if !dir.exists() {
        return Vec::new();
    }
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

#[test]
fn each_bad_name_is_refused_up_front_and_nothing_is_written() {
    let long = format!("{}.txt", "n".repeat(252));
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["spantag.ron"], "spantag.ron"),
        (vec![".spantag-x1.tmp"], ".spantag-"),
        (vec!["x.txt.bob.ron"], ".ron"),
        (vec!["old.txt.bak"], ".bak"),
        (vec!["a\0b.txt"], "control character"),
        (vec!["tab\there.txt"], "control character"),
        (vec![long.as_str()], "at most 255"),
        (vec!["a.txt", "a.txt/b.txt"], "also the folder of"),
        (vec!["../evil.txt"], "not a relative file name"),
        (vec!["/etc/evil.txt"], "not a relative file name"),
    ];
    for (bad, why) in cases {
        let dir = tempfile::tempdir().unwrap();
        let into = dir.path().join("into");
        let err = formats::write_imported(nine_then(&bad), &into, false)
            .unwrap_err()
            .to_string();
        assert!(err.contains(why), "{bad:?}: {err}");
        assert!(
            err.contains("record 10 "),
            "{bad:?}: names the record: {err}"
        );
        assert!(err.contains("nothing was imported"), "{bad:?}: {err}");
        assert_eq!(files_in(&into), Vec::<String>::new(), "{bad:?}: {err}");
        assert!(files_in(dir.path()).iter().all(|n| n == "into"), "{bad:?}");
    }
}

#[test]
fn a_document_name_that_is_a_file_on_disk_already_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "Reyes spoke.").unwrap();
    let err = formats::write_imported(nine_then(&["a.txt/b.txt"]), dir.path(), false)
        .unwrap_err()
        .to_string();
    assert!(err.contains("is a file, so it cannot be a folder"), "{err}");
    assert_eq!(files_in(dir.path()), ["a.txt"]);
}

#[test]
fn good_names_are_all_written() {
    let dir = tempfile::tempdir().unwrap();
    let report = formats::write_imported(nine_then(&["week 2/é.txt"]), dir.path(), false).unwrap();
    assert_eq!(report.documents, 10);
    assert!(dir.path().join("week 2/é.txt.alice.ron").is_file());
}
