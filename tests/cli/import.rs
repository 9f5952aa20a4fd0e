//! `spantag import` used as a user would: datasets written by hand the way other tools write
//! them, run through the real binary. Expected offsets and texts are worked out with Python's
//! `str` slicing rules (code points, half-open) and written next to each case.

use std::path::Path;

use crate::common;
use common::{Ran, spantag_exits};

/// Runs `spantag import --format FORMAT [ARGS…] --into INTO INPUT`, checks that it exits with
/// `code`, and returns what it printed.
fn import(code: i32, format: &str, args: &[&str], into: &Path, input: &Path) -> Ran {
    let mut all = vec!["import", "--format", format];
    all.extend_from_slice(args);
    all.extend(["--into", into.to_str().unwrap()]);
    spantag_exits(code, &all, &[input])
}

/// The spans of an annotation file as `(start, end, label, text)`, read with spantag's loader.
fn spans_in(doc: &Path, annotator: &str) -> Vec<(usize, usize, String, String)> {
    let document = spantag_core::document::Document::open(doc).unwrap();
    let loaded = spantag_core::store::load_layer(
        &document,
        &spantag_core::store::annotation_path(doc, annotator),
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
    let out = spantag_exits(0, &["import", "--help"], &[]);
    let help = out.stdout;
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
        let said = import(2, format, &[], &into, &input).stderr;
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
            // Unnamed records are named from their first words.
            "i-love-paris.txt",
        ),
        (
            "jsonl",
            &jsonl,
            "j",
            "line 1, span 1 (GPE)",
            "i-love-paris.txt",
        ),
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
        let said = spantag_exits(2, &args, &[input]).stderr;
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
        spantag_exits(0, &args, &[input]);
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
        let out = import(0, "brat", &["-a", "b"], &into, &input);
        // Fragments split at a line break are one span: nothing to say about them.
        assert!(!out.stderr.contains("discontinuous"), "{n}: {}", out.stderr);
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
    let said = import(2, "brat", &["-a", "b"], &into, &input).stderr;
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
    let said = spantag_exits(2, &utf16, &[&input]).stderr;
    assert!(said.contains("2 span(s)"), "{said}");
    assert!(said.contains("line 1, span #1 (PER) at 10..15"), "{said}");
    assert!(said.contains("line 1, span #2 (PER) at 22..28"), "{said}");
    assert!(
        said.contains("Read as code points") && said.contains("without --offsets utf16"),
        "{said}"
    );
    assert!(!into.exists());
    spantag_exits(0, &args, &[&input]);
    assert_eq!(
        spans_in(&into.join("z.txt"), "k"),
        [span(10, 15, "PER", "Reyes"), span(22, 28, "PER", "Okafor")]
    );
}

/// One JSONL line per record.
fn jsonl(path: &Path, records: &[serde_json::Value]) {
    let lines: String = records.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(path, lines).unwrap();
}

/// The spans (with ids) and relations of an annotation file.
fn layer_in(doc: &Path, annotator: &str) -> spantag_core::annotation::Layer {
    let document = spantag_core::document::Document::open(doc).unwrap();
    let loaded = spantag_core::store::load_layer(
        &document,
        &spantag_core::store::annotation_path(doc, annotator),
        annotator,
    )
    .unwrap();
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    loaded.layer
}

/// Two records for d.txt by m (the tester's case, then with ids that collide, a span and a
/// relation both give, and notes). Python: "Reyes met Okafor.\n"[0:5] == "Reyes",
/// [6:9] == "met", [10:16] == "Okafor".
#[test]
fn records_for_one_document_and_annotator_are_merged_into_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let text_ = "Reyes met Okafor.\n";
    let meta = serde_json::json!({"source": "d.txt", "annotator": "m"});
    let input = dir.path().join("x.jsonl");
    jsonl(
        &input,
        &[
            serde_json::json!({"text": text_, "spans": [{"start": 0, "end": 5, "label": "actor"}], "meta": meta}),
            serde_json::json!({"text": text_, "spans": [{"start": 10, "end": 16, "label": "actor"}], "meta": meta}),
        ],
    );
    let into = dir.path().join("out");
    let said = import(0, "jsonl", &[], &into, &input).stderr;
    let file = into.join("d.txt.m.ron");
    assert!(
        said.contains(&format!(
            "note: {}: 2 records of d.txt by m merged into this one file",
            file.display()
        )),
        "{said}"
    );
    assert!(said.contains("1 annotation file(s), 2 span(s)"), "{said}");
    assert_eq!(
        spans_in(&into.join("d.txt"), "m"),
        [
            span(0, 5, "actor", "Reyes"),
            span(10, 16, "actor", "Okafor")
        ]
    );
    assert!(
        !into.join("d.txt.m.ron.bak").exists(),
        "nothing overwritten"
    );

    // Ids that collide, a span both give (Reyes, with two notes; met), a relation both give
    // (Reyes → met): record B's Reyes (id 5) and met (id 2) are A's 1 and 2; its Okafor (id 1,
    // taken) gets the first id above every id kept (A's 1, 2, 3 and B's relation id 4): 5; its
    // relation 3 (taken) Okafor → met gets 6; its relation 4 is A's relation 3 again.
    let input = dir.path().join("y.jsonl");
    jsonl(
        &input,
        &[
            serde_json::json!({"text": text_, "meta": meta,
                "spans": [{"id": 1, "start": 0, "end": 5, "label": "actor", "note": "mayor"},
                          {"id": 2, "start": 6, "end": 9, "label": "event"}],
                "relations": [{"id": 3, "from": 1, "to": 2, "label": "participates"}]}),
            serde_json::json!({"text": text_, "meta": meta,
                "spans": [{"id": 1, "start": 10, "end": 16, "label": "actor"},
                          {"id": 2, "start": 6, "end": 9, "label": "event"},
                          {"id": 5, "start": 0, "end": 5, "label": "actor", "note": "check"}],
                "relations": [{"id": 3, "from": 1, "to": 2, "label": "participates"},
                              {"id": 4, "from": 5, "to": 2, "label": "participates"}]}),
        ],
    );
    let into = dir.path().join("out2");
    let said = import(0, "jsonl", &[], &into, &input).stderr;
    assert!(
        said.contains("2 records of d.txt by m merged into this one file (2 span(s) and 1 relation(s) given by more than one record kept once)"),
        "{said}"
    );
    assert!(
        said.contains("1 annotation file(s), 3 span(s), 2 relation(s), 1 note(s)"),
        "{said}"
    );
    let layer = layer_in(&into.join("d.txt"), "m");
    let spans: Vec<(u64, usize, usize, &str, Option<&str>)> = layer
        .spans()
        .iter()
        .map(|s| (s.id, s.start, s.end, s.label.as_str(), s.note.as_deref()))
        .collect();
    assert_eq!(
        spans,
        [
            (1, 0, 5, "actor", Some("mayor\ncheck")),
            (2, 6, 9, "event", None),
            (5, 10, 16, "actor", None),
        ]
    );
    let relations: Vec<(u64, u64, u64, &str)> = layer
        .relations
        .iter()
        .map(|r| (r.id, r.from, r.to, r.label.as_str()))
        .collect();
    assert_eq!(
        relations,
        [(3, 1, 2, "participates"), (6, 5, 2, "participates")]
    );
}

/// Every output is checked before anything is written: a run that would stop half-way
/// (an existing annotation file without --force, two texts for one document) writes nothing.
#[test]
fn an_import_that_cannot_finish_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let into = dir.path().join("out");
    std::fs::create_dir_all(&into).unwrap();
    std::fs::write(into.join("b.txt"), "Okafor left.").unwrap();
    std::fs::write(into.join("b.txt.m.ron"), "teammate's file").unwrap();
    std::fs::write(into.join("c.txt"), "Mensah stayed.").unwrap();
    std::fs::write(into.join("c.txt.m.ron"), "another one").unwrap();
    let input = dir.path().join("x.jsonl");
    let record = |source: &str, text_: &str| {
        serde_json::json!({"text": text_, "spans": [{"start": 0, "end": 5, "label": "actor"}],
                           "meta": {"source": source, "annotator": "m"}})
    };
    // a.txt comes first and could be written; b.txt and c.txt have annotation files.
    jsonl(
        &input,
        &[
            record("a.txt", "Reyes spoke."),
            record("b.txt", "Okafor left."),
            record("c.txt", "Mensah stayed."),
        ],
    );
    let before = files_under(&into);
    let said = import(2, "jsonl", &[], &into, &input).stderr;
    assert!(
        said.contains("nothing was imported: 2 annotation file(s) exist already"),
        "{said}"
    );
    for name in ["b.txt.m.ron", "c.txt.m.ron"] {
        assert!(
            said.contains(&format!("\n  {}\n", into.join(name).display())),
            "each file on a line of its own: {said}"
        );
    }
    // The advice is given once, not once per file.
    assert_eq!(said.matches("--force").count(), 1, "{said}");
    assert_eq!(files_under(&into), before, "nothing written");
    assert_eq!(
        std::fs::read_to_string(into.join("b.txt.m.ron")).unwrap(),
        "teammate's file"
    );
    // Two texts for one document: refused before a.txt is written.
    jsonl(
        &input,
        &[
            record("a.txt", "Reyes spoke."),
            record("d.txt", "Reyes met Okafor."),
            record("d.txt", "Reyes met Mensah."),
        ],
    );
    let said = import(2, "jsonl", &[], &into, &input).stderr;
    assert!(
        said.contains("d.txt: the dataset gives this document two different texts"),
        "{said}"
    );
    assert_eq!(files_under(&into), before, "nothing written");
    // With --force all three are written, the old files kept as .bak.
    jsonl(
        &input,
        &[
            record("a.txt", "Reyes spoke."),
            record("b.txt", "Okafor left."),
            record("c.txt", "Mensah stayed."),
        ],
    );
    import(0, "jsonl", &["--force"], &into, &input);
    assert_eq!(
        std::fs::read_to_string(into.join("b.txt.m.ron.bak")).unwrap(),
        "teammate's file"
    );
    // "Okafor left."[0:5] == "Okafo" (the record's span, as given).
    assert_eq!(
        spans_in(&into.join("b.txt"), "m"),
        [span(0, 5, "actor", "Okafo")]
    );
    assert_eq!(
        spans_in(&into.join("a.txt"), "m"),
        [span(0, 5, "actor", "Reyes")]
    );
}

/// An import that found nothing to import says so and does not exit 0: an empty input, and
/// records whose only layer cannot be written (an annotator name with a space).
#[test]
fn an_import_with_nothing_to_import_fails() {
    let dir = tempfile::tempdir().unwrap();
    let into = dir.path().join("out");
    let input = dir.path().join("empty.jsonl");
    std::fs::write(&input, "").unwrap();
    let said = import(2, "jsonl", &[], &into, &input).stderr;
    assert!(
        said.contains(&format!(
            "no records in {}; nothing was imported",
            input.display()
        )),
        "{said}"
    );
    assert!(!into.exists() || files_under(&into).is_empty());

    jsonl(
        &input,
        &[serde_json::json!({"text": "Reyes spoke.",
            "spans": [{"start": 0, "end": 5, "label": "actor"}],
            "meta": {"source": "a.txt", "annotator": "a b"}})],
    );
    let said = import(1, "jsonl", &[], &into, &input).stderr;
    assert!(said.contains("layer skipped"), "{said}");
    assert!(said.contains("no annotation file was written"), "{said}");
}

/// brat's file names cannot say which document and annotator a `.ann` came from
/// (`op-ed.alice.ann`); the export's spantag-sources.tsv does, so an import gives back the
/// same annotation files: names, extensions, annotators and spans.
#[test]
fn a_brat_export_of_several_annotators_imports_back_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(corpus.join("week 1")).unwrap();
    let op_ed = corpus.join("week 1/op-ed.md");
    std::fs::write(&op_ed, "Reyes met Okafor.\n").unwrap();
    let brief = corpus.join("brief.txt");
    std::fs::write(&brief, "Mensah left.\n").unwrap();
    let write = |doc: &Path, annotator: &str, spans: &[(usize, usize, &str, &str)]| {
        let name = doc.file_name().unwrap().to_string_lossy().into_owned();
        let spans: String = spans
            .iter()
            .enumerate()
            .map(|(i, (s, e, l, t))| {
                format!(
                    "(id: {}, start: {s}, end: {e}, label: {l:?}, text: {t:?}), ",
                    i + 1
                )
            })
            .collect();
        std::fs::write(
            doc.with_file_name(format!("{name}.{annotator}.ron")),
            format!("(version: 1, source: {name:?}, source_hash: \"sha256:0\", annotator: {annotator:?}, spans: [{spans}])\n"),
        )
        .unwrap();
    };
    // "Reyes met Okafor.\n"[0:5] == "Reyes", [10:16] == "Okafor"; "Mensah left."[0:6].
    write(&op_ed, "alice", &[(0, 5, "actor", "Reyes")]);
    write(
        &op_ed,
        "j.doe",
        &[(0, 5, "actor", "Reyes"), (10, 16, "actor", "Okafor")],
    );
    write(&brief, "bob", &[(0, 6, "actor", "Mensah")]);
    let brat = dir.path().join("brat");
    spantag_exits(
        0,
        &["export", "-f", "brat", "--out", brat.to_str().unwrap()],
        &[&corpus],
    );
    let into = dir.path().join("back");
    import(0, "brat", &[], &into, &brat);
    let names: Vec<String> = files_under(&into)
        .iter()
        .map(|p| {
            p.strip_prefix(&into)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    assert_eq!(
        names,
        [
            "brief.txt",
            "brief.txt.bob.ron",
            "week 1/op-ed.md",
            "week 1/op-ed.md.alice.ron",
            "week 1/op-ed.md.j.doe.ron",
        ]
    );
    assert_eq!(
        spans_in(&into.join("week 1/op-ed.md"), "j.doe"),
        [
            span(0, 5, "actor", "Reyes"),
            span(10, 16, "actor", "Okafor")
        ]
    );
    assert_eq!(
        spans_in(&into.join("brief.txt"), "bob"),
        [span(0, 6, "actor", "Mensah")]
    );
    // A broken sources file is named, not ignored.
    std::fs::write(
        brat.join("spantag-sources.tsv"),
        "file\tdocument\tannotator\nonly-one\n",
    )
    .unwrap();
    let said = import(2, "brat", &[], &dir.path().join("again"), &brat).stderr;
    assert!(said.contains("spantag-sources.tsv"), "{said}");
}

/// An imported layer lists the labels its dataset uses, not spantag's default ones too: an
/// export of it would otherwise list claim, actor and event as classes nothing uses.
#[test]
fn an_import_adds_no_labels_the_dataset_does_not_use() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("x.jsonl");
    jsonl(
        &input,
        &[serde_json::json!({"text": "Apple hired Tim.",
            "spans": [{"start": 0, "end": 5, "label": "ORG"}],
            "meta": {"source": "a.txt", "annotator": "m"}})],
    );
    let into = dir.path().join("o");
    import(0, "jsonl", &[], &into, &input);
    let labels: Vec<String> = layer_in(&into.join("a.txt"), "m")
        .scheme
        .labels()
        .iter()
        .map(|l| l.name.clone())
        .collect();
    assert_eq!(labels, ["ORG"]);
    let file = spantag_core::store::AnnotationFile::read(&into.join("a.txt.m.ron")).unwrap();
    assert_eq!(file.source, "a.txt", "the file names its document");
    let hf = dir.path().join("hf");
    spantag_exits(
        0,
        &["export", "-f", "hf", "-o", hf.to_str().unwrap()],
        &[&into],
    );
    let tags: Vec<String> =
        serde_json::from_str(&std::fs::read_to_string(hf.join("labels.json")).unwrap()).unwrap();
    assert_eq!(tags, ["O", "B-ORG", "I-ORG"]);
}

/// Label Studio says who made each annotation (`completed_by`): a user is one layer in every
/// task, wherever their annotation comes in the list; an annotation skipped in Label Studio
/// (`was_cancelled`) and a Prodigy record answered `reject` are not annotations and are left
/// out with a note.
#[test]
fn imported_layers_follow_their_annotators_and_skip_rejected_work() {
    let dir = tempfile::tempdir().unwrap();
    let annotation = |id: u64, user: u64, end: usize, text_: &str, label: &str| {
        serde_json::json!({"id": id, "completed_by": user, "result": [{"id": format!("r{id}"),
            "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": 0, "end": end, "text": text_, "labels": [label]}}]})
    };
    let mut cancelled = annotation(5, 5, 3, "Ann", "MISC");
    cancelled["was_cancelled"] = serde_json::json!(true);
    // User 3 says PER and user 4 ORG, in both tasks; their order differs between the tasks.
    let tasks = serde_json::json!([
        {"id": 1, "data": {"text": "Ann met Bo."},
         "annotations": [annotation(1, 3, 3, "Ann", "PER"), annotation(2, 4, 3, "Ann", "ORG"), cancelled]},
        {"id": 2, "data": {"text": "Cy met Di."},
         "annotations": [annotation(3, 4, 2, "Cy", "ORG"), annotation(4, 3, 2, "Cy", "PER")]}
    ]);
    let input = dir.path().join("ls.json");
    std::fs::write(&input, tasks.to_string()).unwrap();
    let into = dir.path().join("o");
    let said = import(0, "label-studio", &[], &into, &input).stderr;
    // Tasks without meta.source are named from their first words.
    for task in ["ann-met-bo.txt", "cy-met-di.txt"] {
        let labels = |who: &str| -> Vec<String> {
            spans_in(&into.join(task), who)
                .into_iter()
                .map(|s| s.2)
                .collect()
        };
        assert_eq!(labels("imported-3"), ["PER"], "{task}");
        assert_eq!(labels("imported-4"), ["ORG"], "{task}");
    }
    assert!(!into.join("ann-met-bo.txt.imported-5.ron").exists());
    assert!(
        said.contains("cancelled (skipped) in Label Studio"),
        "{said}"
    );

    let input = dir.path().join("prodigy.jsonl");
    jsonl(
        &input,
        &[
            serde_json::json!({"text": "Ann met Bo.", "spans": [{"start": 0, "end": 3, "label": "PER"}],
                "answer": "accept", "meta": {"source": "a.txt", "annotator": "m"}}),
            serde_json::json!({"text": "Cy met Di.", "spans": [{"start": 0, "end": 2, "label": "PER"}],
                "answer": "reject", "meta": {"source": "b.txt", "annotator": "m"}}),
        ],
    );
    let into = dir.path().join("p");
    let said = import(0, "jsonl", &[], &into, &input).stderr;
    assert!(into.join("a.txt.m.ron").exists());
    assert!(
        !into.join("b.txt.m.ron").exists(),
        "a rejected record is not an annotation"
    );
    assert!(said.contains("the Prodigy answer \"reject\""), "{said}");
}

/// doccano gives no span texts to check, but offsets in the wrong unit show: spans that cut
/// words where the other unit puts every span on whole words get a note saying what to do
/// (not a refusal: a span may cut a word on purpose). Python: t = "Zoë 👩‍👩‍👧 met Ann
/// here.\n"; t[17:20] == " he" (code points), while in UTF-16 units "Ann" is 17..20
/// (t.index("Ann") == 14 code points, and the family emoji is 5 code points, 8 units).
#[test]
fn doccano_offsets_that_look_counted_in_the_other_unit_get_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("d.jsonl");
    jsonl(
        &input,
        &[serde_json::json!({"text": "Zoë 👩‍👩‍👧 met Ann here.\n",
            "label": [[0, 3, "PER"], [17, 20, "PER"]]})],
    );
    let into = dir.path().join("out");
    let said = import(0, "doccano", &[], &into, &input).stderr;
    assert!(
        said.contains("if the offsets are counted in that unit, import again with --offsets utf16"),
        "{said}"
    );
    assert!(said.contains("line 1, span #2 (PER) at 17..20"), "{said}");
    let into = dir.path().join("out16");
    let out = import(0, "doccano", &["--offsets", "utf16"], &into, &input);
    assert!(
        !out.stderr.contains("cut through a word"),
        "no note when they fit"
    );
    assert_eq!(
        spans_in(&into.join("zoë-met-ann-here.txt"), "imported"),
        [span(0, 3, "PER", "Zoë"), span(14, 17, "PER", "Ann")]
    );
    // Plain ASCII text: both units are one, nothing to tell; a span cutting a word is kept.
    jsonl(
        &input,
        &[serde_json::json!({"text": "Ann met Bo.", "label": [[1, 5, "PER"]]})],
    );
    import(0, "doccano", &[], &dir.path().join("ascii"), &input);
}

/// Newer doccano exports spans as `entities` (`start_offset`, `end_offset`) with relations
/// between them by id. Python: t = "Reyes met Okafor."; t[0:5] == "Reyes", t[10:16] == "Okafor".
#[test]
fn newer_doccano_entities_and_relations_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("d.jsonl");
    jsonl(
        &input,
        &[serde_json::json!({"id": 7, "text": "Reyes met Okafor.",
            "entities": [{"id": 11, "label": "PER", "start_offset": 0, "end_offset": 5},
                         {"id": 12, "label": "PER", "start_offset": 10, "end_offset": 16}],
            "relations": [{"id": 3, "from_id": 11, "to_id": 12, "type": "met"}]})],
    );
    let into = dir.path().join("out");
    import(0, "doccano", &[], &into, &input);
    let layer = layer_in(&into.join("reyes-met-okafor.txt"), "imported");
    let spans: Vec<(u64, usize, usize, &str)> = layer
        .spans()
        .iter()
        .map(|s| (s.id, s.start, s.end, s.text.as_str()))
        .collect();
    assert_eq!(spans, [(11, 0, 5, "Reyes"), (12, 10, 16, "Okafor")]);
    let relations: Vec<(u64, u64, &str)> = layer
        .relations
        .iter()
        .map(|r| (r.from, r.to, r.label.as_str()))
        .collect();
    assert_eq!(relations, [(11, 12, "met")]);
}

/// brat's annotation lines, with ids taken out: each `T` is named by its label and offsets,
/// each `E` by its place among the `E` lines, and the other lines refer to those names. `M`
/// (brat's older attribute line) reads as `A`. Sorted, so that two files holding the same
/// annotations under other ids compare equal.
fn brat_lines(ann: &str) -> Vec<String> {
    let mut names: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let lines: Vec<Vec<&str>> = ann
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').collect())
        .collect();
    let mut events = 0;
    for fields in &lines {
        let id = fields[0];
        if id.starts_with('T') {
            names.insert(id.to_owned(), format!("T[{}]", fields[1]));
        } else if id.starts_with('E') {
            events += 1;
            names.insert(id.to_owned(), format!("E#{events}"));
        }
    }
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| format!("?{id}"));
    let mut out: Vec<String> = lines
        .iter()
        .map(|fields| {
            let id = fields[0];
            let rest: Vec<String> = fields[1]
                .split(' ')
                .map(|part| match part.split_once(':') {
                    Some((role, target)) => format!("{role}:{}", name(target)),
                    None if names.contains_key(part) => name(part),
                    None => part.to_owned(),
                })
                .collect();
            let kind = match id.chars().next() {
                Some('M') => 'A',
                Some(c) => c,
                None => '?',
            };
            let text = fields.get(2).map_or(String::new(), |t| format!("\t{t}"));
            match kind {
                'T' | 'E' => format!("{}\t{}{text}", name(id), rest.join(" ")),
                _ => format!("{kind}\t{}{text}", rest.join(" ")),
            }
        })
        .collect();
    out.sort();
    out
}

/// A hand-written brat file with every kind of line spantag keeps — `T` (continuous, across
/// a line break, discontinuous), `R`, `E` with several roles and an event as an argument, `A`
/// as a flag and with a value, the older `M`, `*`, `#` notes on a span and on an event — is
/// imported, saved, and exported again with the same annotation lines (ids renumbered
/// consistently). Offsets worked out in Python: t = "North and South Korea signed.\nDr. Kim
/// said no.\n"; t[0:5] == "North", t[16:21] == "Korea", t[22:28] == "signed", t[30:37] ==
/// "Dr. Kim", t[34:37] == "Kim", t[22:29] + t[30:33] == "signed." + "Dr.".
#[test]
fn brat_lines_of_every_kind_come_back_from_an_import_and_export() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let text_ = "North and South Korea signed.\nDr. Kim said no.\n";
    std::fs::write(input.join("doc.txt"), text_).unwrap();
    let ann = "T1\tCountry 0 5;16 21\tNorth Korea\n\
               T2\tPerson 34 37\tKim\n\
               T3\tSign 22 28\tsigned\n\
               T4\tPerson 30 37\tDr. Kim\n\
               T5\tClaim 22 29;30 33\tsigned. Dr.\n\
               A1\tNegation T2\n\
               A2\tCertainty T1 hedged\n\
               M3\tCertainty T4 probable\n\
               #1\tAnnotatorNotes T1\tthe north\n\
               R1\tsays Arg1:T2 Arg2:T1\n\
               E1\tSign:T3 Agent:T1 Agent2:T2\n\
               E2\tSign:T3 Theme:E1\n\
               A4\tSpeculation E1\n\
               A5\tPolarity E2 negative\n\
               #2\tAnnotatorNotes E1\tan event note\n\
               *\tEquiv T2 T4\n";
    std::fs::write(input.join("doc.ann"), ann).unwrap();
    let into = dir.path().join("out");
    let said = import(0, "brat", &["-a", "b"], &into, &input).stderr;
    assert!(!said.contains("not imported"), "{said}");
    assert!(said.contains("2 event(s)"), "{said}");
    // The discontinuous span keeps its pieces; the one across the line break is one piece.
    let layer = layer_in(&into.join("doc.txt"), "b");
    let pieces: Vec<(&str, Vec<(usize, usize)>)> = layer
        .spans()
        .iter()
        .map(|s| (s.text.as_str(), s.fragments.clone()))
        .collect();
    assert!(pieces.contains(&("North and South Korea", vec![(0, 5), (16, 21)])));
    assert!(pieces.contains(&("signed.\nDr.", vec![])), "{pieces:?}");
    assert_eq!(layer.events.len(), 2);
    assert_eq!(layer.equivalences.len(), 1);
    // Exported again: the same lines, M written as A.
    let out = dir.path().join("exp");
    spantag_exits(
        0,
        &["export", "-f", "brat", "--out", out.to_str().unwrap()],
        &[&into],
    );
    let back = std::fs::read_to_string(out.join("doc.ann")).unwrap();
    assert_eq!(brat_lines(&back), brat_lines(ann), "{back}");
    let conf = std::fs::read_to_string(out.join("annotation.conf")).unwrap();
    assert!(conf.contains("[events]\nSign\t"), "{conf}");
    assert!(
        conf.contains("Certainty\tArg:<ENTITY>, Value:hedged|probable"),
        "{conf}"
    );
    // A format without pieces, events or attributes says so, per document.
    let conll = spantag_exits(0, &["export", "-f", "conll"], &[&into]).stderr;
    assert!(
        conll.contains(
            "doc.txt (b): 2 event(s) not written; the attributes of 5 span(s) not \
                        written; 1 discontinuous span(s) written as their first-to-last extent"
        ),
        "{conll}"
    );
    // --strict refuses it.
    spantag_exits(1, &["export", "-f", "conll", "--strict"], &[&into]);
}

/// JSONL keeps attributes and pieces both ways (in UTF-16 units too). Python: t = "Zoë 👋
/// North and South Korea"; t.index("North") == 6 code points, 7 UTF-16 units.
#[test]
fn jsonl_keeps_attributes_and_pieces() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("x.jsonl");
    let t = "Zoë 👋 North and South Korea";
    jsonl(
        &input,
        &[
            serde_json::json!({"text": t, "meta": {"source": "d.txt", "annotator": "m"},
            "spans": [{"id": 1, "start": 7, "end": 28, "label": "place",
                       "attrs": {"certainty": "hedged"}, "fragments": [[7, 12], [23, 28]]}]}),
        ],
    );
    let into = dir.path().join("a");
    import(0, "jsonl", &["--offsets", "utf16"], &into, &input);
    let layer = layer_in(&into.join("d.txt"), "m");
    let s = &layer.spans()[0];
    assert_eq!(
        (s.start, s.end, s.text.as_str()),
        (6, 27, "North and South Korea")
    );
    assert_eq!(s.fragments, [(6, 11), (22, 27)]);
    assert_eq!(s.attrs["certainty"], "hedged");
    let out = spantag_exits(0, &["export", "-f", "jsonl"], &[&into]).stdout;
    let record: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(
        record["spans"][0]["fragments"],
        serde_json::json!([[6, 11], [22, 27]])
    );
    assert_eq!(
        record["spans"][0]["attrs"],
        serde_json::json!({"certainty": "hedged"})
    );
}

/// A record without a document name whose text is a document already in the folder (the
/// tester's case: spaCy-style JSONL without meta.source imported into the folder it came
/// from) is that document's: no doc-N.txt beside it, and a later export has each document
/// once. A new text is named from its first words (Python:
/// "-".join(w.lower() for w in "Ngozi Okafor, the émigré, spoke.".split()[:4]) with
/// punctuation dropped: "ngozi-okafor-the-émigré").
#[test]
fn a_record_without_a_name_goes_to_the_document_with_its_text() {
    let dir = tempfile::tempdir().unwrap();
    let into = dir.path().join("corpus");
    std::fs::create_dir_all(into.join("sub")).unwrap();
    let council = "The Council met on Monday.\n";
    std::fs::write(into.join("sub/council.txt"), council).unwrap();
    std::fs::write(into.join("reyes.txt"), "Reyes spoke.").unwrap();
    let input = dir.path().join("x.jsonl");
    let new = "Ngozi Okafor, the émigré, spoke.";
    jsonl(
        &input,
        &[
            serde_json::json!({"text": council, "spans": [{"start": 4, "end": 11, "label": "actor"}]}),
            serde_json::json!({"text": "Reyes spoke.", "spans": [{"start": 0, "end": 5, "label": "actor"}]}),
            serde_json::json!({"text": new, "spans": [{"start": 0, "end": 12, "label": "actor"}]}),
            serde_json::json!({"text": new, "spans": [{"start": 14, "end": 24, "label": "actor"}]}),
        ],
    );
    let said = import(0, "jsonl", &[], &into, &input).stderr;
    assert!(said.contains("line 1 -> sub/council.txt"), "{said}");
    assert!(
        said.contains("line 3 -> ngozi-okafor-the-émigré.txt"),
        "{said}"
    );
    assert_eq!(
        spans_in(&into.join("sub/council.txt"), "imported"),
        [span(4, 11, "actor", "Council")]
    );
    assert_eq!(
        spans_in(&into.join("reyes.txt"), "imported"),
        [span(0, 5, "actor", "Reyes")]
    );
    let made = into.join("ngozi-okafor-the-émigré.txt");
    assert_eq!(std::fs::read_to_string(&made).unwrap(), new);
    assert_eq!(
        spans_in(&made, "imported"),
        [
            span(0, 12, "actor", "Ngozi Okafor"),
            span(14, 24, "actor", "the émigré")
        ]
    );
    let texts: Vec<_> = files_under(&into)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    assert_eq!(texts.len(), 3, "{texts:?}");
    // Exported again: each document once.
    let out = dir.path().join("again.jsonl");
    spantag_exits(
        0,
        &[
            "export",
            "--format",
            "jsonl",
            "--annotator",
            "imported",
            "-o",
            out.to_str().unwrap(),
        ],
        &[&into],
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 3);
    // The same text again (another annotator): the same document; a different text whose
    // first words are taken gets -2.
    let input2 = dir.path().join("y.jsonl");
    jsonl(
        &input2,
        &[
            serde_json::json!({"text": new, "spans": [], "meta": {"annotator": "bob"}}),
            serde_json::json!({"text": "Ngozi Okafor, the émigré, left.", "spans": [], "meta": {"annotator": "bob"}}),
        ],
    );
    let said = import(0, "jsonl", &[], &into, &input2).stderr;
    assert!(
        said.contains("line 1 -> ngozi-okafor-the-émigré.txt"),
        "{said}"
    );
    assert!(
        said.contains("line 2 -> ngozi-okafor-the-émigré-2.txt"),
        "{said}"
    );
}

/// `--annotator NAME` decides the layer even when the records name an annotator (the
/// tester's case: a JSONL with meta.annotator "alice" imported with --annotator model went
/// into alice's file); without it, the records' annotator stands.
#[test]
fn the_annotator_option_decides_the_layer() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("x.jsonl");
    let meta = serde_json::json!({"source": "d.txt", "annotator": "alice"});
    jsonl(
        &input,
        &[
            serde_json::json!({"text": "Reyes spoke.", "spans": [{"start": 0, "end": 5, "label": "actor"}], "meta": meta}),
        ],
    );
    let into = dir.path().join("a");
    let said = import(0, "jsonl", &["--annotator", "model"], &into, &input).stderr;
    assert!(said.contains("names annotator(s) alice"), "{said}");
    assert_eq!(
        spans_in(&into.join("d.txt"), "model"),
        [span(0, 5, "actor", "Reyes")]
    );
    assert!(!store_path(&into.join("d.txt"), "alice").exists());
    let into = dir.path().join("b");
    import(0, "jsonl", &[], &into, &input);
    assert_eq!(
        spans_in(&into.join("d.txt"), "alice"),
        [span(0, 5, "actor", "Reyes")]
    );
    // Before the command, as everywhere.
    let into = dir.path().join("c");
    spantag_exits(
        0,
        &[
            "-a",
            "model",
            "import",
            "--format",
            "jsonl",
            "--into",
            into.to_str().unwrap(),
        ],
        &[&input],
    );
    assert!(store_path(&into.join("d.txt"), "model").exists());
}

fn store_path(doc: &Path, annotator: &str) -> std::path::PathBuf {
    spantag_core::store::annotation_path(doc, annotator)
}

/// `spantag status` counts what spans carry beyond their label, and `spantag agree` compares
/// attributes on the spans two annotators both made. The sample's alice layer has 8 spans
/// with attributes, one in pieces and one event (counted by hand in
/// sample_docs/events/peace-talks.txt.alice.ron); bob's copy says "probable" where alice
/// says "hedged" on one of the three claims with a certainty.
#[test]
fn status_counts_attributes_and_agree_compares_them() {
    let dir = tempfile::tempdir().unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs/events");
    for name in [
        "peace-talks.txt",
        "peace-talks.txt.alice.ron",
        "spantag.ron",
    ] {
        std::fs::copy(samples.join(name), dir.path().join(name)).unwrap();
    }
    let status = spantag_exits(0, &["status"], &[dir.path()]).stdout;
    assert!(
        status.contains("9 spans, 8 with attributes, 1 in pieces, 1 events, 0 done"),
        "{status}"
    );
    let alice = std::fs::read_to_string(dir.path().join("peace-talks.txt.alice.ron")).unwrap();
    let bob = alice
        .replace("annotator: \"alice\"", "annotator: \"bob\"")
        .replacen(
            "attrs: {\"certainty\": \"hedged\"}",
            "attrs: {\"certainty\": \"probable\"}",
            1,
        );
    assert_ne!(alice.replace("alice", "bob"), bob, "one certainty changed");
    std::fs::write(dir.path().join("peace-talks.txt.bob.ron"), bob).unwrap();
    let json = spantag_exits(
        0,
        &["agree", "--format", "json", "--no-gamma"],
        &[dir.path()],
    )
    .stdout;
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let attributes = &report["pairs"][0]["attributes"];
    assert_eq!(attributes["certainty"]["compared"], 3);
    assert_eq!(attributes["certainty"]["agreed"], 2);
    assert_eq!(attributes["kind"]["agreed"], 4);
    assert_eq!(attributes["negated"]["compared"], 2);
}
