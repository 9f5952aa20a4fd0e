//! Search and "tag all" on the 10 MB / 100k-span synthetic document.
//!
//! - search: `spantag_core::search::find_all` (matches as code point ranges) against `grep -c`
//!   and `grep -cE` on the same file, for a plain string and a regular expression; median of
//!   9 interleaved runs; target ≤ 5×. grep runs as a process (its start-up is in its time),
//!   and counts matching lines, the cheapest thing it can do.
//! - tag all: `Session::tag_all` of 10,000 matches (one undoable step) against one
//!   `Session::tag`, on the document with its 100k spans loaded; target ≤ 20×; then one undo.
//!
//! - suggestions: `spantag_core::suggest::compute` on the same document and layer (every tagged
//!   text found again in 10 MB, checked against 100k spans). It runs on a thread of its
//!   own after each edit, so it is reported, not held to a ratio; the UI thread only checks
//!   the few suggestions on screen.
//!
//! Run with `cargo bench --bench search`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Benchmarks panic on set-up failure.

use std::process::Command;
use std::time::Instant;

use spantag_core::search::{Query, find_all};
use spantag_core::session::{LayerId, Session};

mod common;
use common::median;

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if args.iter().any(|a| !"search".contains(a.as_str())) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let corpus = common::corpus(dir.path(), "10MB-100k", 10_000_000, 100_000);
    let doc = spantag_core::document::Document::open(&corpus.doc).unwrap();
    println!("search and tag all, 10 MB document with 100k spans");
    println!("| what | spantag | baseline | ratio | target |");
    println!("|---|---|---|---|---|");
    for (name, text, regex, grep_flag) in [
        ("plain \"council\"", "council", false, "-c"),
        (
            "regex \"[A-Z][a-z]+ said\"",
            "[A-Z][a-z]+ said",
            true,
            "-cE",
        ),
    ] {
        let query = Query {
            text: text.to_owned(),
            case_sensitive: true,
            regex,
            ..Query::default()
        };
        let (mut ours, mut grep) = (Vec::new(), Vec::new());
        let mut found = 0;
        for _ in 0..9 {
            let t = Instant::now();
            found = std::hint::black_box(find_all(&doc, &query).unwrap()).len();
            ours.push(ms(t));
            let t = Instant::now();
            let out = Command::new("grep")
                .args([grep_flag, text])
                .arg(&corpus.doc)
                .output()
                .unwrap();
            grep.push(ms(t));
            assert!(out.status.success());
        }
        let (o, g) = (median(&mut ours), median(&mut grep));
        let ratio = o / g;
        println!(
            "| search, {name} ({found} matches) | {o:.1} ms | grep {grep_flag}: {g:.1} ms | {ratio:.2}× ({}) | ≤ 5× |",
            if ratio <= 5.0 { "within" } else { "over" }
        );
    }

    // Tag all against one tag.
    let mut session = Session::open(&corpus.doc, "bench", &mut |_, _| {}).unwrap();
    let id = LayerId::from_name("bench");
    let query = Query {
        text: "the".to_owned(),
        case_sensitive: true,
        whole_word: true,
        ..Query::default()
    };
    let matches = find_all(session.document(), &query).unwrap();
    let ten_thousand: Vec<_> = matches
        .iter()
        .step_by((matches.len() / 10_000).max(1))
        .take(10_000)
        .cloned()
        .collect();
    let mut singles = Vec::new();
    for r in ten_thousand.iter().skip(10_000 - 7).cloned() {
        let t = Instant::now();
        session.tag(&id, r, "quote").unwrap();
        singles.push(ms(t));
    }
    for _ in 0..7 {
        session.undo(&id);
    }
    let before = session.editable().layer().spans().len();
    let t = Instant::now();
    let added = session.tag_all(&id, &ten_thousand, "quote").unwrap();
    let all = ms(t);
    assert_eq!(session.editable().layer().spans().len(), before + added);
    let t = Instant::now();
    assert!(session.undo(&id));
    let undo = ms(t);
    assert_eq!(
        session.editable().layer().spans().len(),
        before,
        "one undo step"
    );
    let single = median(&mut singles);
    let ratio = all / single;
    println!(
        "| tag all {added} matches (one step) | {all:.1} ms | one tag: {single:.2} ms | {ratio:.1}× ({}) | ≤ 20× |",
        if ratio <= 20.0 { "within" } else { "over" }
    );
    println!("| undo of that tag all | {undo:.1} ms | | | |");

    // Suggestions over the whole document (the worker thread's job after an edit).
    let mut request = spantag_core::suggest::Request::new(
        session.document_arc(),
        session.editable().layer().snapshot(),
    );
    request.path = None;
    let mut times = Vec::new();
    let mut found = 0;
    for _ in 0..5 {
        let t = Instant::now();
        found = std::hint::black_box(spantag_core::suggest::compute(&request)).len();
        times.push(ms(t));
    }
    println!(
        "| suggestions: every tagged text found again ({found} ghosts) | {:.0} ms (worker thread) | | | |",
        median(&mut times)
    );
}
