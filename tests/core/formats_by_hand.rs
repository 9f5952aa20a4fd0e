//! Every export format against output written by hand from the format's specification, not
//! regenerated from the code (the golden files in `tests/core/formats.rs` catch changes; these catch
//! mistakes).
//!
//! The text has an emoji (two UTF-16 code units), CJK and CRLF line endings. Its offsets were
//! computed independently with Python slicing (`t.index(s)`, and `len(t[:i].encode("utf-16-le"))
//! // 2` for UTF-16), never by running spantag:
//!
//! | span | label | code points | UTF-16 |
//! |---|---|---|---|
//! | `Ana` | actor | 0..3 | 0..3 |
//! | `met 東京 staff.\r\nMayor Reyes` | claim | 6..32 | 7..33 |
//! | `東京` | event | 10..12 | 11..13 |
//! | `Mayor Reyes` (note `=1+1`) | actor | 21..32 | 22..33 |
//!
//! The `\r` is code point 19 and the `\n` 20. JSON outputs are read back with `serde_json` (an
//! independent reader, so key order does not matter) and compared with hand-written values;
//! the text formats are compared byte for byte.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use spantag_core::annotation::{Layer, Relation, Span};
use spantag_core::corpus::{self, LayerChoice};
use spantag_core::document::Document;
use spantag_core::formats::{self, Format, Offsets, Output};
use spantag_core::store;

const TEXT: &str = "Ana 👋 met 東京 staff.\r\nMayor Reyes said \"no\".\r\n";
const CLAIM: &str = "met 東京 staff.\r\nMayor Reyes";

/// Writes `doc.txt` and alice's layer (four spans and one relation) into `dir`.
fn fixture(dir: &Path) -> PathBuf {
    let path = dir.join("doc.txt");
    std::fs::write(&path, TEXT).unwrap();
    let doc = Document::open(&path).unwrap();
    let mut layer = Layer::new("alice");
    for (id, start, end, label, text, note) in [
        (1, 0, 3, "actor", "Ana", None),
        (2, 6, 32, "claim", CLAIM, None),
        (3, 10, 12, "event", "東京", None),
        (4, 21, 32, "actor", "Mayor Reyes", Some("=1+1")),
    ] {
        layer.insert(Span::new(id, start..end, label, text).with_note(note.map(str::to_owned)));
    }
    layer.relations.push(Relation {
        id: 5,
        from: 4,
        to: 2,
        label: "says".to_owned(),
    });
    let ann = store::annotation_path(&path, "alice");
    store::save_layer(&layer, &doc, &ann).unwrap();
    // The fixture itself is what the table above says.
    let loaded = store::load_layer(&doc, &ann, "alice").unwrap();
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    path
}

/// Exports alice's layer of `doc.txt` to `out` (a file or, for folder formats, a folder).
fn export(format: Format, offsets: Offsets) -> (tempfile::TempDir, PathBuf, formats::Report) {
    let dir = tempfile::tempdir().unwrap();
    let doc = fixture(dir.path());
    let out = dir.path().join("out");
    let jobs = corpus::plan(&[doc], &LayerChoice::Annotator("alice".to_owned())).unwrap();
    let report = formats::export(
        &jobs,
        format,
        offsets,
        &Output::Path(out.clone()),
        &mut |_, _| {},
    )
    .unwrap();
    (dir, out, report)
}

fn export_text(format: Format, offsets: Offsets) -> String {
    let (_dir, out, _) = export(format, offsets);
    std::fs::read_to_string(out).unwrap()
}

fn json_lines(text: &str) -> Vec<Value> {
    assert!(text.ends_with('\n'), "JSON Lines end with a newline");
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn jsonl_by_hand() {
    let text = export_text(Format::Jsonl, Offsets::Codepoints);
    let expected = json!({
        "text": TEXT,
        "spans": [
            {"id": 1, "start": 0, "end": 3, "label": "actor", "text": "Ana"},
            {"id": 2, "start": 6, "end": 32, "label": "claim", "text": CLAIM},
            {"id": 3, "start": 10, "end": 12, "label": "event", "text": "東京"},
            {"id": 4, "start": 21, "end": 32, "label": "actor", "text": "Mayor Reyes", "note": "=1+1"},
        ],
        "relations": [{"id": 5, "from": 4, "to": 2, "label": "says"}],
        "meta": {"source": "doc.txt", "annotator": "alice"},
    });
    assert_eq!(json_lines(&text), [expected]);
}

#[test]
fn doccano_by_hand_code_points() {
    let text = export_text(Format::Doccano, Offsets::Codepoints);
    // The layer has a relation and a note, so the record takes doccano's relation shape:
    // entities with ids, relations by entity id, and the note as a comment naming its entity.
    let expected = json!({
        "text": TEXT,
        "entities": [
            {"id": 1, "start_offset": 0, "end_offset": 3, "label": "actor"},
            {"id": 2, "start_offset": 6, "end_offset": 32, "label": "claim"},
            {"id": 3, "start_offset": 10, "end_offset": 12, "label": "event"},
            {"id": 4, "start_offset": 21, "end_offset": 32, "label": "actor"},
        ],
        "relations": [{"id": 5, "from_id": 4, "to_id": 2, "type": "says"}],
        "Comments": ["#4 =1+1"],
        "source": "doc.txt",
        "annotator": "alice",
    });
    assert_eq!(json_lines(&text), [expected]);
}

#[test]
fn doccano_by_hand_utf16() {
    let text = export_text(Format::Doccano, Offsets::Utf16);
    let expected = json!({
        "text": TEXT,
        "entities": [
            {"id": 1, "start_offset": 0, "end_offset": 3, "label": "actor"},
            {"id": 2, "start_offset": 7, "end_offset": 33, "label": "claim"},
            {"id": 3, "start_offset": 11, "end_offset": 13, "label": "event"},
            {"id": 4, "start_offset": 22, "end_offset": 33, "label": "actor"},
        ],
        "relations": [{"id": 5, "from_id": 4, "to_id": 2, "type": "says"}],
        "Comments": ["#4 =1+1"],
        "source": "doc.txt",
        "annotator": "alice",
    });
    assert_eq!(json_lines(&text), [expected]);
}

/// A Label Studio `labels` result, as its docs describe one.
fn ls_result(id: &str, start: usize, end: usize, text: &str, label: &str) -> Value {
    json!({
        "id": id,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "origin": "manual",
        "value": {"start": start, "end": end, "text": text, "labels": [label]},
    })
}

/// A per-region `textarea` result (Label Studio's TextArea with `perRegion`): the same id as
/// the region it annotates.
fn ls_note(id: &str, start: usize, end: usize, note: &str) -> Value {
    json!({
        "id": id,
        "from_name": "note",
        "to_name": "text",
        "type": "textarea",
        "origin": "manual",
        "value": {"start": start, "end": end, "text": [note]},
    })
}

/// The fixture's relation as a Label Studio `relation` result: Mayor Reyes says the claim.
fn ls_says() -> Value {
    json!({
        "from_id": "s4",
        "to_id": "s2",
        "type": "relation",
        "direction": "right",
        "labels": ["says"],
    })
}

fn ls_task(results: Vec<Value>) -> Value {
    json!([{
        "id": 1,
        "data": {"text": TEXT},
        "meta": {"source": "doc.txt", "annotators": ["alice"]},
        "annotations": [{"id": 1, "result": results}],
    }])
}

#[test]
fn label_studio_by_hand_code_points() {
    let text = export_text(Format::LabelStudio, Offsets::Codepoints);
    let expected = ls_task(vec![
        ls_result("s1", 0, 3, "Ana", "actor"),
        ls_result("s2", 6, 32, CLAIM, "claim"),
        ls_result("s3", 10, 12, "東京", "event"),
        ls_result("s4", 21, 32, "Mayor Reyes", "actor"),
        ls_note("s4", 21, 32, "=1+1"),
        ls_says(),
    ]);
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), expected);
}

#[test]
fn label_studio_by_hand_utf16() {
    let text = export_text(Format::LabelStudio, Offsets::Utf16);
    let expected = ls_task(vec![
        ls_result("s1", 0, 3, "Ana", "actor"),
        ls_result("s2", 7, 33, CLAIM, "claim"),
        ls_result("s3", 11, 13, "東京", "event"),
        ls_result("s4", 22, 33, "Mayor Reyes", "actor"),
        ls_note("s4", 22, 33, "=1+1"),
        ls_says(),
    ]);
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), expected);
}

#[test]
fn csv_by_hand() {
    // RFC 4180: a field with CR or LF is quoted; the empty note is an empty field; every
    // cell is the exact text, so the note `=1+1` stays `=1+1`.
    let expected = "document,annotator,start,end,label,text,note,attrs\n\
                    doc.txt,alice,0,3,actor,Ana,,\n\
                    doc.txt,alice,6,32,claim,\"met 東京 staff.\r\nMayor Reyes\",,\n\
                    doc.txt,alice,10,12,event,東京,,\n\
                    doc.txt,alice,21,32,actor,Mayor Reyes,=1+1,\n";
    assert_eq!(export_text(Format::Csv, Offsets::Codepoints), expected);
    // For a spreadsheet (`--excel`), the note gets the apostrophe against formula injection.
    let dir = tempfile::tempdir().unwrap();
    let doc = fixture(dir.path());
    let jobs = corpus::plan(&[doc], &LayerChoice::All).unwrap();
    let out = dir.path().join("out.csv");
    let options = formats::ExportOptions {
        excel: true,
        ..formats::ExportOptions::default()
    };
    formats::export_with(
        &jobs,
        Format::Csv,
        &options,
        &Output::Path(out.clone()),
        &mut |_, _| {},
    )
    .unwrap();
    assert_eq!(
        std::fs::read_to_string(out).unwrap(),
        expected.replace(",=1+1", ",'=1+1")
    );
}

// Tokens by UAX #29: `👋` is one word, each Han ideograph is its own word, `.` and `"` are
// words of their own, `\r\n` is white space. Each line is one sentence. Innermost span wins:
// `東京` is the event inside the claim, `Mayor Reyes` the actor inside it; `staff` comes
// after the event, so the claim begins again (B). The claim runs over the line break, so the
// two lines stay one sentence (a sentence break never cuts a span). Dropped tags: 東, 京,
// Mayor, Reyes each lose the claim; the claim comes out as two entities (`met`, `staff .`).

#[test]
fn conll_by_hand() {
    let (_dir, out, report) = export(Format::Conll, Offsets::Codepoints);
    let expected = "-DOCSTART- doc.txt alice\tO\n\
                    \n\
                    Ana\tB-actor\n\
                    👋\tO\n\
                    met\tB-claim\n\
                    東\tB-event\n\
                    京\tI-event\n\
                    staff\tB-claim\n\
                    .\tI-claim\n\
                    Mayor\tB-actor\n\
                    Reyes\tI-actor\n\
                    said\tO\n\
                    \"\tO\n\
                    no\tO\n\
                    \"\tO\n\
                    .\tO\n\
                    \n";
    assert_eq!(std::fs::read_to_string(out).unwrap(), expected);
    assert_eq!(report.dropped_token_tags, 4);
    assert_eq!((report.spans_split, report.spans_lost), (1, 0));
}

#[test]
fn hf_by_hand() {
    let (_dir, out, report) = export(Format::Hf, Offsets::Codepoints);
    // labels.json: O, then B-x, I-x per label in scheme order (claim, actor, event).
    let labels: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("labels.json")).unwrap()).unwrap();
    assert_eq!(
        labels,
        json!([
            "O", "B-claim", "I-claim", "B-actor", "I-actor", "B-event", "I-event"
        ])
    );
    // So B-claim 1, I-claim 2, B-actor 3, I-actor 4, B-event 5, I-event 6.
    let data = std::fs::read_to_string(out.join("data.jsonl")).unwrap();
    assert_eq!(
        json_lines(&data),
        [json!({
            "id": "0",
            "tokens": ["Ana", "👋", "met", "東", "京", "staff", ".", "Mayor", "Reyes", "said", "\"", "no", "\"", "."],
            "ner_tags": [3, 0, 1, 5, 6, 1, 2, 3, 4, 0, 0, 0, 0, 0],
            "source": "doc.txt",
            "annotator": "alice",
        }),]
    );
    assert_eq!(report.dropped_token_tags, 4);
}

#[test]
fn brat_by_hand() {
    let (_dir, out, _) = export(Format::Brat, Offsets::Codepoints);
    let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
    // brat standoff: `T<n>\t<type> <start> <end>[;<start> <end>…]\t<text>`, code point
    // offsets into the .txt; a span across the CRLF (code points 19 and 20) becomes two
    // fragments, whose texts are joined with a space. Notes are AnnotatorNotes lines. T and R
    // numbers are the span and relation ids (1–4 and 5).
    assert_eq!(read("doc.txt"), TEXT);
    assert_eq!(
        read("doc.ann"),
        "T1\tactor 0 3\tAna\n\
         T2\tclaim 6 19;21 32\tmet 東京 staff. Mayor Reyes\n\
         T3\tevent 10 12\t東京\n\
         T4\tactor 21 32\tMayor Reyes\n\
         #1\tAnnotatorNotes T4\t=1+1\n\
         R5\tsays Arg1:T4 Arg2:T2\n"
    );
    assert_eq!(
        read("annotation.conf"),
        "[entities]\nclaim\nactor\nevent\n\n[relations]\nsays\tArg1:<ENTITY>, Arg2:<ENTITY>\n\n[events]\n\n[attributes]\n"
    );
    assert_eq!(
        read("visual.conf"),
        "[labels]\n\n[drawing]\nclaim\tbgColor:#4e79a7\nactor\tbgColor:#e15759\nevent\tbgColor:#59a14f\n"
    );
}

// Imports of hand-written input, each written from the format's documentation (brat:
// brat.nlplab.org/standoff.html; Label Studio: labelstud.io/guide/export, the `labels`,
// per-region `textarea` and `relation` results); the expected spans, relations and notes
// were worked out by hand from the offsets in the table at the top.

/// Imports `records` into a fresh folder and loads `annotator`'s layer of `name`.
fn import_by_hand(
    records: Vec<formats::Imported>,
    name: &str,
    annotator: &str,
) -> (formats::ImportReport, Layer) {
    let dir = tempfile::tempdir().unwrap();
    let report = formats::write_imported(records, dir.path(), false).unwrap();
    let path = dir.path().join(name);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), TEXT);
    let doc = Document::open(&path).unwrap();
    let loaded =
        store::load_layer(&doc, &store::annotation_path(&path, annotator), annotator).unwrap();
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    (report, loaded.layer)
}

fn span(id: u64, start: usize, end: usize, label: &str, text: &str, note: Option<&str>) -> Span {
    Span::new(id, start..end, label, text).with_note(note.map(str::to_owned))
}

fn relation(id: u64, from: u64, to: u64, label: &str) -> Relation {
    Relation {
        id,
        from,
        to,
        label: label.to_owned(),
    }
}

#[test]
fn brat_import_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.txt"), TEXT).unwrap();
    // One line of every kind brat's standoff documentation lists.
    std::fs::write(
        dir.path().join("doc.ann"),
        "T1\tactor 0 3\tAna\n\
         T2\tclaim 6 19;21 32\tmet 東京 staff. Mayor Reyes\n\
         T3\tevent 10 12\t東京\n\
         T4\tactor 21 32\tMayor Reyes\n\
         T5\tspeech 33 37\tsaid\n\
         R1\tsays Arg1:T4 Arg2:T2\n\
         R2\tlocated Arg1:T3 Arg2:T9\n\
         E1\tspeech:T5 Speaker:T4\n\
         A1\tNegation E1\n\
         N1\tReference T4 Wikidata:Q42\tMayor Reyes\n\
         *\tEquiv T1 T4\n\
         #1\tAnnotatorNotes T4\t=1+1\n\
         #2\tAnnotatorNotes R1\tcheck the quote\n",
    )
    .unwrap();
    let records =
        formats::read_import(Format::Brat, dir.path(), Offsets::Codepoints, "dan").unwrap();
    let (report, layer) = import_by_hand(records, "doc.txt", "dan");
    // T<n> keeps id n; the claim's two fragments are split at the line break only (19..21 is
    // "\r\n"), as brat writes a span across lines: one piece, 6..32.
    assert_eq!(
        layer.spans(),
        [
            span(1, 0, 3, "actor", "Ana", None),
            span(2, 6, 32, "claim", CLAIM, None),
            span(3, 10, 12, "event", "東京", None),
            span(4, 21, 32, "actor", "Mayor Reyes", Some("=1+1")),
            span(5, 33, 37, "speech", "said", None),
        ]
    );
    // R1's id 1 is T1's, so it gets the next free id, 6; R2 names T9, which does not exist.
    assert_eq!(layer.relations, [relation(6, 4, 2, "says")]);
    assert_eq!(
        (report.spans, report.relations, report.span_notes),
        (5, 1, 1)
    );
    assert_eq!(report.skipped_relations, 1);
    let not_modelled: Vec<(&str, usize)> = report
        .not_modelled
        .iter()
        .map(|(k, n)| (k.as_str(), *n))
        .collect();
    assert_eq!(
        not_modelled,
        [
            ("brat AnnotatorNotes on relations or attributes", 1),
            ("brat normalizations (N)", 1),
        ]
    );
    // E1 keeps no id of its own (1 is T1's): after the relation's 6 it gets 7; its
    // Negation and the equivalence of T1 and T4 come along.
    assert_eq!(
        layer.events,
        [spantag_core::annotation::Event {
            id: 7,
            label: "speech".into(),
            trigger: 5,
            args: vec![spantag_core::annotation::EventArg {
                role: "Speaker".into(),
                to: 4
            }],
            attrs: [("Negation".to_owned(), "true".to_owned())].into(),
            note: None,
        }]
    );
    assert_eq!(
        layer.equivalences,
        [spantag_core::annotation::Equivalence {
            label: "Equiv".into(),
            members: vec![1, 4]
        }]
    );
    let summary = report.summary(Path::new("out"));
    assert!(
        summary.contains("5 span(s), 1 relation(s), 1 event(s), 1 note(s)")
            && summary.contains("1 relation(s) left out")
            && summary.contains("1 brat normalizations (N)"),
        "{summary}"
    );
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("relation R2 (located) skipped: T9")),
        "{:?}",
        report.notes
    );
}

#[test]
fn jsonl_import_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    // spantag's JSONL: span ids, a note, relations by span id; one relation names a span
    // that is not there, one is Prodigy's token-based shape, which spantag does not read.
    let line = json!({
        "text": TEXT,
        "spans": [
            {"id": 10, "start": 0, "end": 3, "label": "actor"},
            {"id": 4, "start": 21, "end": 32, "label": "actor", "note": "=1+1"},
            {"id": 2, "start": 6, "end": 32, "label": "claim"},
            {"start": 10, "end": 12, "label": "event"},
        ],
        "relations": [
            {"id": 7, "from": 4, "to": 2, "label": "says"},
            {"from": 10, "to": 9, "label": "knows"},
            {"head": 0, "child": 3, "label": "x"},
        ],
        "meta": {"source": "doc.txt", "annotator": "erin"},
    });
    std::fs::write(&input, format!("{line}\n")).unwrap();
    let records =
        formats::read_import(Format::Jsonl, &input, Offsets::Codepoints, "nobody").unwrap();
    let (report, layer) = import_by_hand(records, "doc.txt", "erin");
    // Ids 10, 4 and 2 are kept, relation 7 too; the span without an id gets 11, the first id
    // above every kept one.
    assert_eq!(
        layer.spans(),
        [
            span(10, 0, 3, "actor", "Ana", None),
            span(2, 6, 32, "claim", CLAIM, None),
            span(11, 10, 12, "event", "東京", None),
            span(4, 21, 32, "actor", "Mayor Reyes", Some("=1+1")),
        ]
    );
    assert_eq!(layer.relations, [relation(7, 4, 2, "says")]);
    assert_eq!(
        (report.spans, report.relations, report.skipped_relations),
        (4, 1, 1)
    );
    assert_eq!(
        report
            .not_modelled
            .get("JSONL relations without numeric from, to and label"),
        Some(&1)
    );
}

#[test]
fn label_studio_import_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("tasks.json");
    let region = |id: &str, start: usize, end: usize, text: &str, label: &str| {
        json!({"id": id, "from_name": "label", "to_name": "text", "type": "labels",
               "value": {"start": start, "end": end, "text": text, "labels": [label]}})
    };
    let tasks = json!([{
        "id": 7,
        "data": {"text": TEXT},
        "annotations": [{"id": 1, "result": [
            region("a1", 0, 3, "Ana", "actor"),
            region("b2", 21, 32, "Mayor Reyes", "actor"),
            region("c3", 6, 32, CLAIM, "claim"),
            // A per-region TextArea: the same id as its region.
            {"id": "b2", "from_name": "note", "to_name": "text", "type": "textarea",
             "value": {"start": 21, "end": 32, "text": ["=1+1"]}},
            {"from_id": "b2", "to_id": "c3", "type": "relation", "direction": "right",
             "labels": ["says"]},
            // "left" points from to_id to from_id; no label.
            {"from_id": "c3", "to_id": "a1", "type": "relation", "direction": "left",
             "labels": []},
            {"from_id": "a1", "to_id": "zz", "type": "relation", "direction": "right",
             "labels": ["knows"]},
            {"id": "d4", "from_name": "sentiment", "to_name": "text", "type": "choices",
             "value": {"choices": ["neutral"]}},
        ]}],
    }]);
    std::fs::write(&input, tasks.to_string()).unwrap();
    let records =
        formats::read_import(Format::LabelStudio, &input, Offsets::Codepoints, "fay").unwrap();
    // Without meta the task is named from its first words (lower case, letters and digits,
    // joined by "-" until 24 bytes are reached; the emoji is no word).
    let (report, layer) = import_by_hand(records, "ana-met-東京-staff-mayor.txt", "fay");
    // Region ids that are not spantag's `s<n>` get ids in result order: a1 1, b2 2, c3 3;
    // relations follow: 4 and 5; the one to the missing region zz is left out.
    assert_eq!(
        layer.spans(),
        [
            span(1, 0, 3, "actor", "Ana", None),
            span(3, 6, 32, "claim", CLAIM, None),
            span(2, 21, 32, "actor", "Mayor Reyes", Some("=1+1")),
        ]
    );
    assert_eq!(
        layer.relations,
        [relation(4, 2, 3, "says"), relation(5, 1, 3, "related")]
    );
    assert_eq!(
        (
            report.spans,
            report.relations,
            report.span_notes,
            report.skipped_relations
        ),
        (3, 2, 1, 1)
    );
    assert_eq!(
        report.not_modelled.get("Label Studio \"choices\" results"),
        Some(&1)
    );
}

/// doccano's relation shape comes back whole: spans with their ids, the relation between the
/// same two spans, and the note from the comment that names its entity.
#[test]
fn doccano_relations_and_notes_come_back() {
    let text = export_text(Format::Doccano, Offsets::Codepoints);
    let records =
        formats::doccano::parse(&text, Path::new("x.jsonl"), Offsets::Codepoints, "imported")
            .unwrap();
    let layer = &records[0].layers[0];
    let spans: Vec<(usize, usize, &str, Option<&str>)> = layer
        .spans
        .iter()
        .map(|s| (s.start, s.end, s.label.as_str(), s.note.as_deref()))
        .collect();
    assert_eq!(
        spans,
        [
            (0, 3, "actor", None),
            (6, 32, "claim", None),
            (10, 12, "event", None),
            (21, 32, "actor", Some("=1+1")),
        ]
    );
    let relations: Vec<(&str, &str, &str)> = layer
        .relations
        .iter()
        .map(|r| (r.from.as_str(), r.to.as_str(), r.label.as_str()))
        .collect();
    assert_eq!(relations, [("4", "2", "says")]);
}
