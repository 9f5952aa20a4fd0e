//! Never losing an annotation: atomic saves under SIGKILL, re-anchoring after the source
//! changed, and bad input that is reported without changing any file.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use spantag_core::annotation::Layer;
use spantag_core::document::{Document, DocumentError};
use spantag_core::store::{self, AnnotationFile, Problem, StoreError};

use crate::common;

fn layer_with(doc: &Document, needles: &[(&str, &str)]) -> Layer {
    let mut layer = Layer::new("alice");
    layer.set_id_tag(0); // ids 1, 2, …: the columns below are counted on them
    for (needle, label) in needles {
        let byte = doc.text().find(needle).unwrap();
        let start = doc.char_from_byte(byte);
        common::add_span(
            &mut layer,
            doc,
            start..start + needle.chars().count(),
            label,
        );
    }
    layer
}

#[test]
fn sigkill_during_saves_never_leaves_a_broken_file() {
    let dir = tempfile::tempdir().unwrap();
    let doc = Document::from_text("The mayor said the levee is late. ".repeat(2_000));
    let small = layer_with(&doc, &[("mayor", "actor")]);
    let big = spantag_core::synth::layer(&doc, 2_000, "alice", 3);
    let (a, b) = (dir.path().join("a.ron"), dir.path().join("b.ron"));
    let text_a = AnnotationFile::from_layer(&small, &doc).to_ron();
    let text_b = AnnotationFile::from_layer(&big, &doc).to_ron();
    std::fs::write(&a, &text_a).unwrap();
    std::fs::write(&b, &text_b).unwrap();
    let target = dir.path().join("doc.txt.alice.ron");
    std::fs::write(&target, &text_a).unwrap();
    let mut seed = 12_345u64;
    // What each kill interrupted, from what the save loop (a, b, a, b, …) left on disk:
    // a `.spantag-*.tmp` file means a save was in flight; `b` as the file or as its `.bak`
    // means at least one whole save of each version had happened.
    let (mut in_flight, mut after_both, mut idle) = (0, 0, 0);
    for round in 0..100 {
        // Each round starts from version a with no backup and no temporary file.
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".tmp") || name.ends_with(".bak") {
                std::fs::remove_file(dir.path().join(name)).unwrap();
            }
        }
        std::fs::write(&target, &text_a).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_spantag"))
            .arg("stress-save")
            .args([&target, &a, &b])
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        std::thread::sleep(Duration::from_micros(2_000 + (seed >> 33) % 30_000));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let now = std::fs::read_to_string(&target).unwrap();
        assert!(
            now == text_a || now == text_b,
            "round {round}: the file is neither version"
        );
        assert!(AnnotationFile::from_ron(&now, &target).is_ok());
        let bak = std::fs::read_to_string(dir.path().join("doc.txt.alice.ron.bak")).ok();
        let tmp = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                let name = e.as_ref().unwrap().file_name();
                let name = name.to_string_lossy();
                name.starts_with(".spantag-") && name.ends_with(".tmp")
            })
            .count();
        if let Some(bak) = &bak {
            assert!(
                *bak == text_a || *bak == text_b,
                "round {round}: the backup is neither version"
            );
        }
        if tmp > 0 {
            in_flight += 1;
        } else if now == text_b || bak.as_deref() == Some(text_b.as_str()) {
            after_both += 1;
        } else {
            idle += 1;
        }
    }
    eprintln!(
        "kills: {in_flight} during a save, {after_both} between saves after both versions were saved, {idle} before that"
    );
    assert!(
        in_flight + after_both >= 60,
        "most kills must land while saving: {in_flight} in flight, {after_both} after both, {idle} idle"
    );
    assert!(in_flight >= 10, "some kills land mid-save: {in_flight}");
}

#[test]
fn changed_source_reanchors_spans_and_keeps_the_rest_as_orphans() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("news.txt");
    let before = "Budget row deepens.\n\nMayor Daniel Reyes said the levee would be finished by May.\n\nThe council approved $40 million in June.\n\nCritics called the plan reckless.\n";
    std::fs::write(&path, before).unwrap();
    let doc = Document::open(&path).unwrap();
    let layer = layer_with(
        &doc,
        &[
            ("Mayor Daniel Reyes", "actor"),
            ("the levee would be finished by May", "claim"),
            ("The council approved $40 million in June", "event"),
            ("Critics called the plan reckless", "claim"),
            ("Budget row", "event"),
        ],
    );
    let ann = store::annotation_path(&path, "alice");
    store::save_layer(&layer, &doc, &ann).unwrap();

    // Insert a paragraph, delete one, change a word in another.
    let after = "Budget row deepens.\n\nAn inserted paragraph about the flats and the river.\n\nMayor Daniel Reyes said the levee would be finished by May.\n\nCritics called the plan foolish.\n";
    std::fs::write(&path, after).unwrap();
    let doc = Document::open(&path).unwrap();
    let loaded = store::load_layer(&doc, &ann, "alice").unwrap();
    assert!(loaded.changed);
    assert!(
        loaded
            .problems
            .iter()
            .any(|p| matches!(p, Problem::StaleSource { .. }))
    );
    assert!(
        loaded.problems.contains(&Problem::Reanchored {
            moved: 2,
            orphaned: 2
        }),
        "{:?}",
        loaded.problems
    );
    for span in loaded.layer.spans() {
        assert_eq!(
            doc.slice(span.range()),
            span.text,
            "every placed span points at its text"
        );
    }
    let placed: Vec<&str> = loaded
        .layer
        .spans()
        .iter()
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(
        placed,
        [
            "Budget row",
            "Mayor Daniel Reyes",
            "the levee would be finished by May"
        ]
    );
    let orphans: Vec<&str> = loaded
        .layer
        .orphans
        .iter()
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(
        orphans,
        [
            "The council approved $40 million in June",
            "Critics called the plan reckless"
        ]
    );

    // Saved and loaded again, the orphans are still there and nothing is stale.
    store::save_layer(&loaded.layer, &doc, &ann).unwrap();
    let again = store::load_layer(&doc, &ann, "alice").unwrap();
    assert_eq!(again.layer.orphans.len(), 2);
    assert!(again.problems.is_empty(), "{:?}", again.problems);
    assert!(!again.changed);
}

fn unchanged_after<T>(dir: &Path, f: impl FnOnce() -> T) -> T {
    let snapshot = |d: &Path| {
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.path().is_file())
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = snapshot(dir);
    let result = f();
    assert_eq!(snapshot(dir), before, "no file was changed");
    result
}

#[test]
fn bad_input_is_reported_and_no_file_changes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("empty.txt"), "").unwrap();
    std::fs::write(d.join("binary.bin"), b"\x7fELF\x02\x01\x01\x00\x00\x00").unwrap();
    std::fs::write(
        d.join("latin1.txt"),
        b"Caf\xe9 cr\xe8me, na\xefve \xe0 la fran\xe7aise",
    )
    .unwrap();
    std::fs::write(
        d.join("utf16.txt"),
        [0xFF, 0xFE, b'H', 0, b'i', 0, 0x3D, 0xD8, 0x4B, 0xDC],
    )
    .unwrap();
    std::fs::write(d.join("crlf.txt"), "one\r\ntwo\r\n").unwrap();
    let big = std::fs::File::create(d.join("huge.txt")).unwrap();
    big.set_len(300 * 1024 * 1024).unwrap(); // sparse: no disk used
    drop(big);
    unchanged_after(d, || {
        let empty = Document::open(&d.join("empty.txt")).unwrap();
        assert_eq!(empty.char_len(), 0);
        let err = Document::open(&d.join("binary.bin")).unwrap_err();
        assert!(matches!(err, DocumentError::Binary { .. }));
        assert!(err.to_string().contains("binary file"), "{err}");
        let latin1 = Document::open(&d.join("latin1.txt")).unwrap();
        assert_eq!(latin1.text(), "Café crème, naïve à la française");
        assert!(
            latin1
                .encoding()
                .notice()
                .is_some_and(|n| n.contains("Not valid UTF-8"))
        );
        let utf16 = Document::open(&d.join("utf16.txt")).unwrap();
        assert_eq!(utf16.text(), "Hi👋");
        assert!(utf16.encoding().notice().is_some());
        let crlf = Document::open(&d.join("crlf.txt")).unwrap();
        assert_eq!(crlf.slice(5..8), "two");
        let started = std::time::Instant::now();
        let err = Document::open(&d.join("huge.txt")).unwrap_err();
        assert!(err.to_string().contains("300 MB"), "{err}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "refused without reading it"
        );
    });
}

/// `good` with a field `extra` (which the schema ignores) holding `depth` nested lists: a
/// valid file in every other way, so that what stops the parser is the nesting limit.
fn nested_in_a_field(good: &str, depth: usize) -> String {
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let with = good.replacen(
        "    version: 1,\n",
        &format!("    version: 1,\n    extra: {nested},\n"),
        1,
    );
    assert_ne!(with, good);
    with
}

/// What spantag says when the recursion limit stops the `ron` crate.
const RECURSION_LIMIT: &str = "brackets nested too deeply";

#[test]
fn deep_nesting_in_a_field_is_stopped_by_the_recursion_limit() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.txt"), "Mayor Reyes said so.").unwrap();
    let doc = Document::open(&dir.path().join("doc.txt")).unwrap();
    let layer = layer_with(&doc, &[("Mayor Reyes", "actor")]);
    let good = AnnotationFile::from_layer(&layer, &doc).to_ron();
    let path = Path::new("d.ron");
    // `ron` counts two levels per list (the list and its element) plus two for the file's
    // struct and the field: 10 lists are 22 levels, within spantag's limit of 32, and load
    // (the field is ignored; the file is otherwise valid).
    let shallow = AnnotationFile::from_ron(&nested_in_a_field(&good, 10), path).unwrap();
    assert_eq!(shallow.spans.len(), 1);
    // 40 lists: 82 levels, past spantag's limit of 32 but within the `ron` crate's default of
    // 128. A million: far past any stack, so without a limit this test dies of a stack
    // overflow.
    for depth in [40, 1_000_000] {
        let err = AnnotationFile::from_ron(&nested_in_a_field(&good, depth), path).unwrap_err();
        let StoreError::Parse { line, message, .. } = &err else {
            panic!("depth {depth}: expected a parse error, got {err}");
        };
        assert!(message.contains(RECURSION_LIMIT), "depth {depth}: {err}");
        assert_eq!(*line, 3, "depth {depth}: the error is in the field: {err}");
    }
}

#[test]
fn broken_annotation_files_report_line_and_column_and_stay_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("doc.txt"), "Mayor Reyes said so.").unwrap();
    let doc = Document::open(&d.join("doc.txt")).unwrap();
    let layer = layer_with(&doc, &[("Mayor Reyes", "actor")]);
    let good = AnnotationFile::from_layer(&layer, &doc).to_ron();
    let cases = [
        ("truncated", good[..good.len() - 20].to_owned()),
        ("hand-broken", good.replace("end: 11", "end: eleven")),
        (
            "not utf-8",
            "(\n version: 1,\n source: \"\u{fffd}".replace('\u{fffd}', "\u{0}"),
        ),
        ("deeply nested", nested_in_a_field(&good, 50_000)),
        ("future version", good.replace("version: 1", "version: 99")),
    ];
    for (what, text) in cases {
        let path = d.join("doc.txt.alice.ron");
        let bytes = if what == "not utf-8" {
            b"(\n version: 1,\n source: \"\xff\xfe\"".to_vec()
        } else {
            text.into_bytes()
        };
        std::fs::write(&path, &bytes).unwrap();
        let err = unchanged_after(d, || store::load_layer(&doc, &path, "alice").unwrap_err());
        match (&err, what) {
            (StoreError::Version { found: 99, .. }, "future version") => {}
            (StoreError::Parse { line, col, .. }, _) => {
                // Where each error is, counted by hand in the file `good` (line 1 is `(`,
                // the labels take lines 6–10, the span is line 12, `    ],` line 13).
                let expected = match what {
                    // The last 21 bytes are `    relations: [],\n)\n`; cutting 20 leaves
                    // its first space, so the text ends `    ],\n `. `ron` reports where
                    // the missing field should have begun: right after the last thing it
                    // read, the `,` of `    ],` (line 13, column 6), so column 7.
                    "truncated" => (13, 7),
                    // `        (id: 1, start: 0, end: ` is 31 characters.
                    "hand-broken" => (12, 32),
                    // ` source: "` is 10 bytes; the bad byte is the 11th.
                    "not utf-8" => (3, 11),
                    // The field `extra` is line 3 and `    extra: ` is 11 characters;
                    // the struct and the field take 2 levels and each list 2 more, so the
                    // 16th `[` (column 27) would be level 33, one past the limit of 32.
                    "deeply nested" => (3, 27),
                    _ => (0, 0),
                };
                assert_eq!((*line, *col), expected, "{what}: {err}");
                assert!(err.to_string().contains("left untouched"), "{what}: {err}");
            }
            _ => panic!("{what}: unexpected {err}"),
        }
    }
    // `spantag check` says so too, one line per problem, and exits 1.
    std::fs::write(
        d.join("doc.txt.alice.ron"),
        good.replace("text: \"Mayor Reyes\"", "text: \"Mayor Rayes\""),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_spantag"))
        .args(["check"])
        .arg(d.join("doc.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("span 1: stored text \"Mayor Rayes\""),
        "{stdout}"
    );
}
