//! `spantag import` used as a user would: datasets written by hand the way other tools write
//! them, run through the real binary. Expected offsets and texts are worked out with Python's
//! `str` slicing rules (code points, half-open) and written next to each case.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests may panic: that is how they fail.

mod common;
use common::{spantag, text};

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
