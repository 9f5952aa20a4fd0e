//! Exports and imports: golden files for every format, round trips, and a property test
//! that offsets survive any Unicode text.
//!
//! Regenerate the golden files after an intended change with
//! `UPDATE_GOLDEN=1 cargo test --release --test core formats::`, then review the diff.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use spantag_core::annotation::{Layer, Relation, Span};
use spantag_core::corpus::{self, LayerChoice};
use spantag_core::document::Document;
use spantag_core::formats::{self, Format, Offsets, Output};
use spantag_core::store;

use crate::common;

/// Emoji, accents, CJK, combining marks, CRLF, nested and overlapping spans.
const TEXT: &str = "Zoë Ångström 👋 told 東京 Shimbun: \"the plan is late\".\r\nMayor Daniel Reyes said the cafe\u{301} deal =SUM(A1) was signed.\r\n";

fn spans_for(doc: &Document) -> Vec<(&'static str, &'static str, Option<&'static str>)> {
    let _ = doc;
    vec![
        // (needle, label, note)
        (
            "Zoë Ångström",
            "actor",
            Some("name with \"quotes\" and\nnewline"),
        ),
        (
            "Zoë Ångström 👋 told 東京 Shimbun: \"the plan is late\"",
            "claim",
            None,
        ),
        ("東京 Shimbun", "actor", None),
        ("東京", "event", None),
        ("the plan is late\".\r\nMayor Daniel", "claim", None),
        ("Mayor Daniel Reyes", "actor", None),
        (
            "cafe\u{301} deal =SUM(A1)",
            "event",
            Some("=cmd|' /C calc'!A0"),
        ),
    ]
}

fn find(text: &str, needle: &str) -> (usize, usize) {
    let byte = text.find(needle).unwrap();
    let start = text[..byte].chars().count();
    (start, start + needle.chars().count())
}

/// Writes the fixture document and alice's (and bob's) layer into `dir`.
fn fixture(dir: &Path) -> PathBuf {
    let path = dir.join("golden.txt");
    std::fs::write(&path, TEXT).unwrap();
    let doc = Document::open(&path).unwrap();
    for (annotator, take) in [("alice", 7), ("bob", 2)] {
        let mut layer = Layer::new(annotator);
        layer.set_id_tag(0); // ids 1, 2, …, as the golden files have them
        for (needle, label, note) in spans_for(&doc).into_iter().take(take) {
            let (start, end) = find(TEXT, needle);
            let id = layer.allocate_id();
            layer.insert(
                Span::new(id, start..end, label, doc.slice(start..end))
                    .with_note(note.map(str::to_owned)),
            );
        }
        if annotator == "alice" {
            let id = layer.allocate_id();
            layer.relations.push(Relation {
                id,
                from: 1,
                to: 2,
                label: "says".to_owned(),
            });
        }
        store::save_layer(&layer, &doc, &store::annotation_path(&path, annotator)).unwrap();
    }
    path
}

fn export(
    dir: &Path,
    format: Format,
    offsets: Offsets,
    choice: &LayerChoice,
    out: &Path,
) -> formats::Report {
    let jobs = corpus::plan(&[dir.join("golden.txt")], choice).unwrap();
    formats::export(
        &jobs,
        format,
        offsets,
        &Output::Path(out.to_path_buf()),
        &mut |_, _| {},
    )
    .unwrap()
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn check_golden(name: &str, actual: &str) {
    let path = golden_dir().join(name);
    if std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing golden file {}", path.display()));
    assert_eq!(actual, expected, "golden file {name} differs");
}

#[test]
fn golden_files_for_every_format() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let all = LayerChoice::All;
    let alice = LayerChoice::Annotator("alice".to_owned());
    let single = [
        (Format::Jsonl, Offsets::Codepoints, "export.jsonl"),
        (Format::Doccano, Offsets::Codepoints, "export.doccano.jsonl"),
        (
            Format::Doccano,
            Offsets::Utf16,
            "export.doccano-utf16.jsonl",
        ),
        (Format::Conll, Offsets::Codepoints, "export.conll"),
        (
            Format::LabelStudio,
            Offsets::Codepoints,
            "export.label-studio.json",
        ),
        (
            Format::LabelStudio,
            Offsets::Utf16,
            "export.label-studio-utf16.json",
        ),
        (Format::Csv, Offsets::Codepoints, "export.csv"),
    ];
    for (format, offsets, name) in single {
        let out = dir.path().join(name);
        export(dir.path(), format, offsets, &all, &out);
        check_golden(name, &std::fs::read_to_string(&out).unwrap());
    }
    for (format, name) in [(Format::Brat, "brat"), (Format::Hf, "hf")] {
        let out = dir.path().join(name);
        let report = export(dir.path(), format, Offsets::Codepoints, &alice, &out);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            let file_name = file.file_name().unwrap().to_string_lossy().into_owned();
            check_golden(
                &format!("{name}/{file_name}"),
                &std::fs::read_to_string(&file).unwrap(),
            );
        }
        if format == Format::Hf {
            assert!(
                report.dropped_token_tags > 0,
                "nested spans drop token tags, and the report says so"
            );
        }
    }
}

#[test]
fn conll_reports_dropped_tags_and_tags_whole_tokens() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let out = dir.path().join("out.conll");
    let report = export(
        dir.path(),
        Format::Conll,
        Offsets::Codepoints,
        &LayerChoice::Annotator("alice".into()),
        &out,
    );
    assert!(report.dropped_token_tags > 0);
    let conll = std::fs::read_to_string(out).unwrap();
    assert!(
        conll.starts_with("-DOCSTART- golden.txt alice\tO\n\n"),
        "{conll}"
    );
    // "東京" is one event span covering two tokens inside an actor inside a claim.
    assert!(conll.contains("東\tB-event\n京\tI-event\n"), "{conll}");
    assert!(
        conll.contains("Mayor\tB-actor\nDaniel\tI-actor\nReyes\tI-actor\n"),
        "the shorter actor wins over the claim that crosses the line break"
    );
}

#[test]
fn exporting_again_keeps_the_previous_export_as_bak() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let out = dir.path().join("again.csv");
    export(
        dir.path(),
        Format::Csv,
        Offsets::Codepoints,
        &LayerChoice::Annotator("bob".into()),
        &out,
    );
    let first = std::fs::read(&out).unwrap();
    export(
        dir.path(),
        Format::Csv,
        Offsets::Codepoints,
        &LayerChoice::All,
        &out,
    );
    assert_eq!(
        std::fs::read(dir.path().join("again.csv.bak")).unwrap(),
        first
    );
    assert_ne!(std::fs::read(&out).unwrap(), first);
}

#[test]
fn csv_neutralises_formulas() {
    assert_eq!(formats::csv_table::neutralise("=SUM(A1)"), "'=SUM(A1)");
    assert_eq!(formats::csv_table::neutralise("@cmd"), "'@cmd");
    assert_eq!(formats::csv_table::neutralise("-1"), "'-1");
    assert_eq!(formats::csv_table::neutralise("plain"), "plain");
}

fn spans_of(
    dir: &Path,
    doc: &str,
    annotator: &str,
) -> Vec<(usize, usize, String, String, Option<String>)> {
    let path = dir.join(doc);
    let document = Document::open(&path).unwrap();
    let loaded = store::load_layer(
        &document,
        &store::annotation_path(&path, annotator),
        annotator,
    )
    .unwrap();
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    loaded
        .layer
        .spans()
        .iter()
        .map(|s| {
            (
                s.start,
                s.end,
                s.label.clone(),
                s.text.clone(),
                s.note.clone(),
            )
        })
        .collect()
}

#[test]
fn import_of_export_gives_back_the_same_spans() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let original = spans_of(dir.path(), "golden.txt", "alice");
    let cases = [
        (Format::Jsonl, Offsets::Codepoints, true),
        (Format::Doccano, Offsets::Codepoints, false),
        (Format::Doccano, Offsets::Utf16, false),
        (Format::LabelStudio, Offsets::Codepoints, false),
        (Format::LabelStudio, Offsets::Utf16, false),
        (Format::Brat, Offsets::Codepoints, true),
    ];
    for (format, offsets, keeps_notes) in cases {
        let out = dir.path().join(format!("rt-{}-{offsets:?}", format.name()));
        let alice = LayerChoice::Annotator("alice".to_owned());
        export(dir.path(), format, offsets, &alice, &out);
        let into = dir
            .path()
            .join(format!("into-{}-{offsets:?}", format.name()));
        let records = formats::read_import(format, &out, offsets, "alice").unwrap();
        let report = formats::write_imported(records, &into, false).unwrap();
        assert_eq!(report.documents, 1, "{format:?}");
        let back = spans_of(&into, "golden.txt", "alice");
        let strip = |v: &[(usize, usize, String, String, Option<String>)], notes: bool| {
            v.iter()
                .map(|(s, e, l, t, n)| {
                    (
                        *s,
                        *e,
                        l.clone(),
                        t.clone(),
                        if notes {
                            n.clone().map(|n| n.replace('\n', " "))
                        } else {
                            None
                        },
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            strip(&back, keeps_notes),
            strip(&original, keeps_notes),
            "{format:?} {offsets:?}"
        );
        assert_eq!(
            std::fs::read_to_string(into.join("golden.txt")).unwrap(),
            TEXT,
            "the text is written from the dataset"
        );
    }
}

/// import(export(layer)) == layer for the formats that carry ids, relations and notes: the
/// same spans with the same ids, texts and notes, the same relations. brat notes are one
/// line, so a line break in a note comes back as a space; Label Studio relations have no id
/// and get the next free one, which is the one they had here.
#[test]
fn import_of_export_gives_back_ids_relations_and_notes() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path());
    let doc = Document::open(&path).unwrap();
    let original = store::load_layer(&doc, &store::annotation_path(&path, "alice"), "alice")
        .unwrap()
        .layer;
    assert_eq!(original.relations.len(), 1);
    assert!(original.spans().iter().filter(|s| s.note.is_some()).count() == 2);
    for (format, offsets) in [
        (Format::Jsonl, Offsets::Codepoints),
        (Format::Brat, Offsets::Codepoints),
        (Format::LabelStudio, Offsets::Codepoints),
        (Format::LabelStudio, Offsets::Utf16),
    ] {
        let out = dir
            .path()
            .join(format!("rt2-{}-{offsets:?}", format.name()));
        let alice = LayerChoice::Annotator("alice".to_owned());
        export(dir.path(), format, offsets, &alice, &out);
        let into = dir
            .path()
            .join(format!("into2-{}-{offsets:?}", format.name()));
        let records = formats::read_import(format, &out, offsets, "alice").unwrap();
        let report = formats::write_imported(records, &into, false).unwrap();
        assert_eq!(
            (
                report.spans,
                report.relations,
                report.span_notes,
                report.skipped_relations
            ),
            (7, 1, 2, 0),
            "{format:?} {offsets:?}"
        );
        assert!(report.not_modelled.is_empty(), "{:?}", report.not_modelled);
        let into_path = into.join("golden.txt");
        let back = store::load_layer(
            &Document::open(&into_path).unwrap(),
            &store::annotation_path(&into_path, "alice"),
            "alice",
        )
        .unwrap()
        .layer;
        let mut expected = original.spans().to_vec();
        if format == Format::Brat {
            for span in &mut expected {
                span.note = span.note.as_ref().map(|n| n.replace('\n', " "));
            }
        }
        assert_eq!(back.spans(), expected, "{format:?} {offsets:?}");
        assert_eq!(back.relations, original.relations, "{format:?} {offsets:?}");
        assert_eq!(back.scheme, original.scheme, "{format:?} {offsets:?}");
    }
}

#[test]
fn import_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let out = dir.path().join("x.jsonl");
    export(
        dir.path(),
        Format::Jsonl,
        Offsets::Codepoints,
        &LayerChoice::Annotator("bob".into()),
        &out,
    );
    let records = formats::read_import(Format::Jsonl, &out, Offsets::Codepoints, "x").unwrap();
    // Importing into the folder that holds bob's file must refuse.
    let before = std::fs::read(dir.path().join("golden.txt.bob.ron")).unwrap();
    let err = formats::write_imported(records.clone(), dir.path(), false).unwrap_err();
    assert!(err.to_string().contains("--force"), "{err}");
    assert_eq!(
        std::fs::read(dir.path().join("golden.txt.bob.ron")).unwrap(),
        before
    );
    formats::write_imported(records, dir.path(), true).unwrap();
    assert!(dir.path().join("golden.txt.bob.ron.bak").exists());
}

#[test]
fn import_refuses_unsafe_names_and_bad_utf16() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, "{\"text\":\"a👋b\",\"spans\":[{\"start\":0,\"end\":1,\"label\":\"x\"}],\"meta\":{\"source\":\"../evil.txt\",\"annotator\":\"a\"}}\n").unwrap();
    let records = formats::read_import(Format::Jsonl, &input, Offsets::Codepoints, "a").unwrap();
    // Refused up front, the record named, nothing written (it used to be skipped with a note).
    let err = formats::write_imported(records, &dir.path().join("into"), false).unwrap_err();
    assert!(err.to_string().contains("../evil.txt"), "{err}");
    assert!(err.to_string().contains("nothing was imported"), "{err}");
    assert!(!dir.path().join("into").exists());
    let doccano = dir.path().join("d.jsonl");
    std::fs::write(&doccano, "{\"text\":\"a👋b\",\"label\":[[0,2,\"x\"]]}\n").unwrap();
    let err = formats::read_import(Format::Doccano, &doccano, Offsets::Utf16, "a").unwrap_err();
    assert!(err.to_string().contains("surrogate pair"), "{err}");
}

fn arb_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("\r\n".to_owned()),
            Just("\n".to_owned()),
            Just(" ".to_owned()),
            Just("e\u{301}".to_owned()),
            Just("👩‍💻".to_owned()),
            "[a-z]{1,6}",
            any::<char>()
                .prop_filter("no NUL", |c| *c != '\0')
                .prop_map(String::from),
        ],
        1..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(crate::proptest_config(64))]

    #[test]
    fn exported_offsets_match_text_for_any_unicode(text in arb_text(), raw_spans in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>()), 1..8)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("golden.txt");
        std::fs::write(&path, &text).unwrap();
        let doc = Document::open(&path).unwrap();
        let n = doc.char_len();
        let mut layer = Layer::new("p");
        for (a, b) in raw_spans {
            let (a, b) = (a.index(n + 1), b.index(n + 1));
            let (start, end) = (a.min(b), a.max(b));
            if start == end { continue; }
            common::add_span(&mut layer, &doc, start..end, "claim");
        }
        prop_assume!(!layer.spans().is_empty());
        store::save_layer(&layer, &doc, &store::annotation_path(&path, "p")).unwrap();
        // The document's text: a leading byte-order mark is not part of it.
        let text = doc.text().to_owned();
        let chars: Vec<char> = text.chars().collect();
        let utf16: Vec<u16> = text.encode_utf16().collect();

        let out = dir.path().join("o.jsonl");
        export(dir.path(), Format::Jsonl, Offsets::Codepoints, &LayerChoice::All, &out);
        let record: serde_json::Value = serde_json::from_str(std::fs::read_to_string(&out).unwrap().trim()).unwrap();
        prop_assert_eq!(record["text"].as_str().unwrap(), text.as_str());
        for span in record["spans"].as_array().unwrap() {
            let (s, e) = (span["start"].as_u64().unwrap() as usize, span["end"].as_u64().unwrap() as usize);
            prop_assert_eq!(chars[s..e].iter().collect::<String>(), span["text"].as_str().unwrap());
        }

        let out16 = dir.path().join("o16.jsonl");
        export(dir.path(), Format::Doccano, Offsets::Utf16, &LayerChoice::All, &out16);
        let record: serde_json::Value = serde_json::from_str(std::fs::read_to_string(&out16).unwrap().trim()).unwrap();
        for (label, span) in record["label"].as_array().unwrap().iter().zip(layer.spans()) {
            let (s, e) = (label[0].as_u64().unwrap() as usize, label[1].as_u64().unwrap() as usize);
            prop_assert_eq!(String::from_utf16(&utf16[s..e]).unwrap(), span.text.clone());
            prop_assert_eq!((doc.char_from_utf16(s), doc.char_from_utf16(e)), (Some(span.start), Some(span.end)));
        }

        let records = formats::read_import(Format::Doccano, &out16, Offsets::Utf16, "p").unwrap();
        prop_assert_eq!(records[0].layers[0].spans.iter().map(|s| (s.start, s.end)).collect::<Vec<_>>(), layer.spans().iter().map(|s| (s.start, s.end)).collect::<Vec<_>>());
    }
}

#[test]
fn brat_ann_with_crlf_lines_reads_like_lf() {
    // The text: "Ana " and 40 x's, so [0:3] is "Ana" and [6:32] 26 x's.
    let doc = Document::from_text(format!("Ana {}", "x".repeat(40)));
    let lf = format!(
        "T1\tactor 0 3\tAna\nT2\tclaim 6 32\t{}\nR1\tsays Arg1:T1 Arg2:T2\n#1\tAnnotatorNotes T1\tcheck\nE1\tx:T2\n",
        "x".repeat(26)
    );
    let crlf = lf.replace('\n', "\r\n");
    let parse = |ann: &str| {
        formats::brat::parse_ann(ann, Path::new("x.ann"), &doc, Offsets::Codepoints, "a")
    };
    let (a, b) = (parse(&lf).unwrap(), parse(&crlf).unwrap());
    assert_eq!(a, b);
    assert_eq!(a.spans[0].note.as_deref(), Some("check"));
    assert_eq!(
        (a.relations[0].from.as_str(), a.relations[0].to.as_str()),
        ("T1", "T2")
    );
    assert_eq!(a.events.len(), 1);
    assert_eq!(a.events[0].trigger, "T2");
}
