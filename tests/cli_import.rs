//! `spantag import` used as a user would: datasets written by hand the way other tools write
//! them, run through the real binary. Expected offsets and texts are worked out with Python's
//! `str` slicing rules (code points, half-open) and written next to each case.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests may panic: that is how they fail.

use std::path::Path;

mod common;
use common::{spantag, text};

/// The spans of an annotation file as `(start, end, label, text)`, read with spantag's loader.
fn spans_in(doc: &Path, annotator: &str) -> Vec<(usize, usize, String, String)> {
    let document = spantag::document::Document::open(doc).unwrap();
    let loaded = spantag::store::load_layer(
        &document,
        &spantag::store::annotation_path(doc, annotator),
        annotator,
    )
    .unwrap();
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    loaded
        .layer
        .spans()
        .iter()
        .map(|s| (s.start, s.end, s.label.clone(), s.text.clone()))
        .collect()
}

fn span(start: usize, end: usize, label: &str, text: &str) -> (usize, usize, String, String) {
    (start, end, label.to_owned(), text.to_owned())
}

/// Every file under `dir` (none when it does not exist).
fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(files_under(&path));
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn import_offers_and_accepts_only_the_formats_it_reads() {
    let out = spantag(&["import", "--help"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let help = text(&out.stdout);
    for format in ["jsonl", "doccano", "brat", "label-studio"] {
        assert!(help.contains(format), "{format} missing from:\n{help}");
    }
    for format in ["conll", "hf", "csv"] {
        assert!(!help.contains(format), "{format} offered by:\n{help}");
    }
    // A format import cannot read is refused by the argument parser (exit 2, usage error),
    // with the ones it can.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("x.csv");
    std::fs::write(&input, "document,annotator,start,end,label,text,note\n").unwrap();
    let into = dir.path().join("out");
    for format in ["csv", "conll", "hf"] {
        let out = spantag(
            &[
                "import",
                "--format",
                format,
                "--into",
                into.to_str().unwrap(),
            ],
            &[&input],
        );
        let said = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{said}");
        assert!(
            said.contains("invalid value")
                && said.contains("[possible values: jsonl, doccano, brat, label-studio]"),
            "{said}"
        );
        assert!(!into.exists());
    }
}

/// The tester's case: "I 😀 love Paris." with "Paris" at UTF-16 offsets 10..15 (the emoji is
/// two UTF-16 code units), given without `--offsets utf16`. Python: t[10:15] == "aris.",
/// t.find("Paris") == 9, and t.encode("utf-16-le")[20:30].decode("utf-16-le") == "Paris".
#[test]
fn a_span_whose_text_is_not_at_its_offsets_refuses_the_import_and_names_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let text_ = "I 😀 love Paris.";
    let ls = dir.path().join("ls.json");
    std::fs::write(
        &ls,
        serde_json::json!([{"id": 1, "data": {"text": text_}, "annotations": [{"id": 1, "result": [
            {"id": "s1", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 10, "end": 15, "text": "Paris", "labels": ["GPE"]}}]}]}])
        .to_string(),
    )
    .unwrap();
    let jsonl = dir.path().join("x.jsonl");
    std::fs::write(
        &jsonl,
        format!(
            "{}\n",
            serde_json::json!({"text": text_, "spans": [
                {"id": 1, "start": 10, "end": 15, "label": "GPE", "text": "Paris"}]})
        ),
    )
    .unwrap();
    let brat = dir.path().join("in");
    std::fs::create_dir_all(&brat).unwrap();
    std::fs::write(brat.join("doc.txt"), format!("{text_}\n")).unwrap();
    std::fs::write(brat.join("doc.ann"), "T1\tGPE 10 15\tParis\n").unwrap();
    let cases: [(&str, &Path, &str, &str, &str); 3] = [
        (
            "label-studio",
            &ls,
            "m",
            "task 1, annotation 1, region s1 (GPE)",
            "task-1.txt",
        ),
        ("jsonl", &jsonl, "j", "line 1, span 1 (GPE)", "doc-1.txt"),
        ("brat", &brat, "b", "line 1, T1 (GPE)", "doc.txt"),
    ];
    for (format, input, who, at, doc) in cases {
        let into = dir.path().join(format!("out-{format}"));
        let args = [
            "import",
            "--format",
            format,
            "--annotator",
            who,
            "--into",
            into.to_str().unwrap(),
        ];
        let out = spantag(&args, &[input]);
        let said = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{format}: {said}");
        assert!(
            said.contains(&format!(
                "{at} at 10..15: the dataset says \"Paris\", the document has \"aris.\" there"
            )),
            "{format}: {said}"
        );
        assert!(said.contains("nothing was imported"), "{format}: {said}");
        assert!(
            said.contains("Read as UTF-16 code units") && said.contains("--offsets utf16"),
            "{format}: {said}"
        );
        assert_eq!(
            files_under(&into),
            Vec::<std::path::PathBuf>::new(),
            "{format}"
        );
        // Following the advice imports "Paris" at code points 9..14.
        let mut args = args.to_vec();
        args.extend(["--offsets", "utf16"]);
        let out = spantag(&args, &[input]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{format}: {}",
            text(&out.stderr)
        );
        assert_eq!(
            spans_in(&into.join(doc), who),
            [span(9, 14, "GPE", "Paris")],
            "{format}"
        );
    }
}

/// brat writes a span that crosses a line break as fragments, its text column being the
/// fragments' texts joined by a space (brat before 1.3: joined by nothing); the check reads
/// it so, for `\n` and `\r\n` texts alike, and imports the hull. Python:
/// "Ana met\nMayor Reyes.\n"[4:7] == "met", [8:19] == "Mayor Reyes", [4:19] == "met\nMayor Reyes";
/// with "\r\n": [4:7] == "met", [9:20] == "Mayor Reyes", [4:20] == "met\r\nMayor Reyes".
#[test]
fn brat_fragments_are_checked_as_brat_writes_their_text() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("Ana met\nMayor Reyes.\n", "4 7;8 19", "met Mayor Reyes", 19),
        (
            "Ana met\r\nMayor Reyes.\r\n",
            "4 7;9 20",
            "met Mayor Reyes",
            20,
        ),
        ("Ana met\nMayor Reyes.\n", "4 7;8 19", "metMayor Reyes", 19),
    ];
    for (n, (doc_text, offsets, column, end)) in cases.into_iter().enumerate() {
        let input = dir.path().join(format!("in{n}"));
        std::fs::create_dir_all(&input).unwrap();
        std::fs::write(input.join("doc.txt"), doc_text).unwrap();
        std::fs::write(
            input.join("doc.ann"),
            format!("T1\tactor 0 3\tAna\nT2\tclaim {offsets}\t{column}\n"),
        )
        .unwrap();
        let into = dir.path().join(format!("out{n}"));
        let out = spantag(
            &[
                "import",
                "--format",
                "brat",
                "-a",
                "b",
                "--into",
                into.to_str().unwrap(),
            ],
            &[&input],
        );
        assert_eq!(out.status.code(), Some(0), "{n}: {}", text(&out.stderr));
        let hull: String = doc_text.chars().skip(4).take(end - 4).collect();
        assert_eq!(
            spans_in(&into.join("doc.txt"), "b"),
            [span(0, 3, "actor", "Ana"), span(4, end, "claim", &hull)],
            "{n}"
        );
    }
    // A text column that is not the fragments' text is refused, named by its line; with no
    // other reading that fits, the message says what to check rather than a unit.
    let input = dir.path().join("bad");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("doc.txt"), "Ana met\nMayor Reyes.\n").unwrap();
    std::fs::write(
        input.join("doc.ann"),
        "T1\tactor 0 3\tAna\nT2\tclaim 4 7;8 19\tmet Mayor Ruiz\n",
    )
    .unwrap();
    let into = dir.path().join("out-bad");
    let out = spantag(
        &[
            "import",
            "--format",
            "brat",
            "-a",
            "b",
            "--into",
            into.to_str().unwrap(),
        ],
        &[&input],
    );
    let said = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains(
            "line 2, T2 (claim) at 4..7;8..19: the dataset says \"met Mayor Ruiz\", the document has \"met Mayor Reyes\" there"
        ),
        "{said}"
    );
    assert!(!said.contains("--offsets utf16 ("), "{said}");
    assert!(
        said.contains("Check that the offsets count code points"),
        "{said}"
    );
    assert!(!into.exists());
}

/// The other way round: code point offsets read with `--offsets utf16` are refused with the
/// advice to drop it. "Zoë 👋 met Reyes 🎉 and Okafor." (Python): find("Reyes") == 10,
/// find("Okafor") == 22; in UTF-16 code units Okafor is 24..30, so 22..28 read as UTF-16 is
/// "🎉 and" cut, not "Okafor". Reyes (10..15) also sits after an emoji: 10..15 as UTF-16 is
/// " met ".
#[test]
fn code_points_read_as_utf16_are_refused_with_the_advice_to_drop_the_option() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("x.jsonl");
    let line = serde_json::json!({"text": "Zoë 👋 met Reyes 🎉 and Okafor.", "spans": [
        {"start": 10, "end": 15, "label": "PER", "text": "Reyes"},
        {"start": 22, "end": 28, "label": "PER", "text": "Okafor"}],
        "meta": {"source": "z.txt", "annotator": "k"}});
    std::fs::write(&input, format!("{line}\n")).unwrap();
    let into = dir.path().join("out");
    let args = ["import", "-f", "jsonl", "--into", into.to_str().unwrap()];
    let mut utf16 = args.to_vec();
    utf16.extend(["--offsets", "utf16"]);
    let out = spantag(&utf16, &[&input]);
    let said = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("2 span(s)"), "{said}");
    assert!(said.contains("line 1, span #1 (PER) at 10..15"), "{said}");
    assert!(said.contains("line 1, span #2 (PER) at 22..28"), "{said}");
    assert!(
        said.contains("Read as code points") && said.contains("without --offsets utf16"),
        "{said}"
    );
    assert!(!into.exists());
    let out = spantag(&args, &[&input]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        spans_in(&into.join("z.txt"), "k"),
        [span(10, 15, "PER", "Reyes"), span(22, 28, "PER", "Okafor")]
    );
}
