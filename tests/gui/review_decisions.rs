//! Review decisions that stick, driven through the real app (egui_kittest) and the command
//! line: settle every disagreement of a three-annotator document (accept a version, accept
//! an annotator's "no span", reject), save, run `spantag curate --accept-agreed
//! --min-agree 2` on the folder, and the curated file holds exactly what was settled; the
//! curated file rewritten on disk keeps the window in review with the new spans; a label
//! renamed across the folder is not brought back by a new curated layer.
//!
//! Expected spans are written out by hand from the text below (what a person settled), not
//! computed by spantag's review code.

use std::collections::BTreeSet;
use std::path::Path;

use egui::accesskit::Role;
use egui::{Key, Modifiers, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use spantag_app::{AppOptions, SpantagApp};
use spantag_core::annotation::{Layer, Span};
use spantag_core::document::Document;
use spantag_core::store::AnnotationFile;

use crate::common;

const NAME: &str = "talks.txt";
const TEXT: &str = "Louis Park met Ana Reyes in Seoul. The talks on the levee ended early, \
officials said. Budget cuts will hurt schools, the mayor warned.\n";

type Key3 = (usize, usize, String);

/// Code-point range of a text's only occurrence (as Python's `str.find`).
fn at(needle: &str) -> (usize, usize) {
    let byte = TEXT.find(needle).unwrap();
    assert!(
        TEXT[byte + 1..].find(needle).is_none(),
        "{needle} is unique"
    );
    let start = TEXT[..byte].chars().count();
    (start, start + needle.chars().count())
}

fn key(needle: &str, label: &str) -> Key3 {
    let (s, e) = at(needle);
    (s, e, label.to_owned())
}

fn write_layer(dir: &Path, annotator: &str, spans: &[(&str, &str)]) {
    let doc = Document::from_text(TEXT.to_owned());
    let spans: Vec<Span> = spans
        .iter()
        .enumerate()
        .map(|(i, (needle, label))| {
            let (start, end) = at(needle);
            Span::new(i as u64 + 1, start..end, *label, *needle)
        })
        .collect();
    let layer = Layer::from_parts(
        annotator,
        spantag_core::annotation::LabelScheme::default(),
        spans,
        Vec::new(),
    );
    let file = AnnotationFile::from_layer_parts(&layer, NAME, doc.hash());
    std::fs::write(dir.join(format!("{NAME}.{annotator}.ron")), file.to_ron()).unwrap();
}

const BOUNDARY_NARROW: &str = "The talks on the levee ended early";
const BOUNDARY_WIDE: &str = "The talks on the levee ended early, officials said";
const CUTS_CLAIM: &str = "Budget cuts will hurt schools";
const CUTS_EVENT: &str = "Budget cuts will hurt schools, the mayor warned";

/// ana and cai agree everywhere; ben differs in four places.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(NAME), TEXT).unwrap();
    let majority = [
        ("Louis Park", "actor"),
        ("Ana Reyes", "actor"),
        ("Seoul", "actor"),
        (BOUNDARY_NARROW, "claim"),
        (CUTS_CLAIM, "claim"),
    ];
    write_layer(dir.path(), "ana", &majority);
    write_layer(dir.path(), "cai", &majority);
    write_layer(
        dir.path(),
        "ben",
        &[
            ("Louis Park", "actor"),
            ("Ana Reyes", "event"),
            (BOUNDARY_WIDE, "claim"),
            (CUTS_EVENT, "event"),
        ],
    );
    dir
}

fn app_on(dir: &Path) -> Harness<'static, SpantagApp> {
    let options = AppOptions {
        document: Some(dir.join(NAME)),
        annotator: Some("tester".to_owned()),
        config_dir: Some(dir.join("config")),
        review: true,
        ..Default::default()
    };
    Harness::builder()
        .with_size(vec2(1400.0, 900.0))
        .build_eframe(move |cc| SpantagApp::new(cc, options))
}

fn run_until(h: &mut Harness<'_, SpantagApp>, what: &str, done: impl Fn(&SpantagApp) -> bool) {
    for _ in 0..600 {
        let _ = h.try_run();
        if done(h.state()) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("timed out waiting for {what}");
}

fn curated_in_app(app: &SpantagApp) -> BTreeSet<Key3> {
    app.layer()
        .unwrap()
        .spans()
        .iter()
        .map(|s| (s.start, s.end, s.label.clone()))
        .collect()
}

fn spans_of(path: &Path) -> BTreeSet<Key3> {
    AnnotationFile::read(path)
        .unwrap()
        .spans
        .into_iter()
        .map(|s| (s.start, s.end, s.label))
        .collect()
}

fn open_count(app: &SpantagApp) -> usize {
    let review = app.review_state().unwrap();
    review.navigator.open_count(app.layer().unwrap())
}

#[test]
fn settled_disagreements_stay_settled_through_curate_and_an_outside_rewrite() {
    let dir = folder();
    let mut h = app_on(dir.path());
    run_until(&mut h, "the annotators' layers", |app| {
        app.in_review() && !app.layers_pending() && app.layer().is_some()
    });
    // Seoul (ben: no span), Ana Reyes (label), the talks (boundary), the budget cuts (two
    // overlapping versions with other labels and ranges).
    assert!(open_count(h.state()) >= 4, "{}", open_count(h.state()));
    let (reyes, seoul) = (at("Ana Reyes"), at("Seoul"));
    for _ in 0..10 {
        if open_count(h.state()) == 0 {
            break;
        }
        let d = h
            .state()
            .review_state()
            .unwrap()
            .navigator
            .current()
            .cloned()
            .expect("the app shows an open disagreement");
        let before = open_count(h.state());
        if (d.start, d.end) == reyes {
            // actor, event, actor: keep none (X).
            h.key_press(Key::X);
        } else {
            // Everywhere else ben's version (Alt+2, ben is the second shown annotator);
            // at Seoul that is "no span".
            assert_eq!(d.says[1].annotator, "ben");
            if (d.start, d.end) == seoul {
                assert!(d.says[1].spans.is_empty(), "ben made no span at Seoul");
            }
            h.key_press_modifiers(Modifiers::ALT, Key::Num2);
        }
        h.run();
        assert!(
            open_count(h.state()) < before,
            "settling {d:?} lowered the open count ({})",
            h.state().status_text().unwrap_or_default()
        );
    }
    assert_eq!(open_count(h.state()), 0);
    // Going back over settled ones shows the version chosen.
    let expected = [
        "Settled: no span (ben)",
        "Settled: ben's version",
        "Settled: every version rejected",
    ];
    let (mut seen, mut chosen) = (BTreeSet::new(), 0);
    for _ in 0..5 {
        h.key_press(Key::N);
        h.run();
        chosen += h.query_all_by_label("✔ chosen").count();
        seen.extend(
            expected
                .iter()
                .filter(|e| h.query_by_label(e).is_some())
                .copied(),
        );
    }
    assert_eq!(
        seen,
        expected.into_iter().collect(),
        "each settlement names its choice"
    );
    assert!(
        chosen >= 2,
        "ben's row is marked where his version was chosen"
    );
    // What everyone agreed on.
    h.get_by_role_and_label(Role::Button, "Accept all agreed")
        .click();
    h.run();
    let settled: BTreeSet<Key3> = [
        key("Louis Park", "actor"),
        key(BOUNDARY_WIDE, "claim"),
        key(CUTS_EVENT, "event"),
    ]
    .into();
    assert_eq!(curated_in_app(h.state()), settled);
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    let curated = dir.path().join(format!("{NAME}.curated.ron"));
    assert_eq!(spans_of(&curated), settled);
    let file = AnnotationFile::read(&curated).unwrap();
    assert!(
        file.decisions.len() >= 4,
        "each settlement is recorded: {:?}",
        file.decisions
    );
    assert!(
        file.decisions
            .iter()
            .any(|d| (d.start, d.end) == seoul && d.outcome == "no_span" && d.annotator == "ben"),
        "{:?}",
        file.decisions
    );

    // A majority vote over the folder must not reopen or double what was settled.
    let out = common::spantag(
        &["curate", "--accept-agreed", "--min-agree", "2"],
        &[dir.path()],
    );
    let stdout = common::text(&out.stdout);
    let stderr = common::text(&out.stderr);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stderr.contains("0 disagreement(s) remain"), "{stderr}");
    assert_eq!(spans_of(&curated), settled, "{stdout}{stderr}");
    // agree says they are settled.
    let out = common::spantag(&["agree", "--format", "json"], &[dir.path()]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["settled"], report["disagreements"], "{report}");

    // Someone rewrites the curated file (git pull, a copy): the window stays in review and
    // shows the new spans.
    let mut layer = AnnotationFile::read(&curated).unwrap().into_layer();
    let (s, e) = at("Seoul");
    let id = layer.allocate_id();
    layer.insert(Span::new(id, s..e, "actor", "Seoul"));
    let doc = Document::from_text(TEXT.to_owned());
    let rewritten = AnnotationFile::from_layer_parts(&layer, NAME, doc.hash());
    std::fs::write(&curated, rewritten.to_ron()).unwrap();
    let mut with_seoul = settled.clone();
    with_seoul.insert(key("Seoul", "actor"));
    run_until(&mut h, "the reloaded curated layer", |app| {
        app.layer().is_some() && curated_in_app(app) == with_seoul
    });
    assert!(h.state().in_review(), "still reviewing after the reload");
    assert_eq!(h.state().layer().unwrap().annotator, "curated");
    run_until(&mut h, "the annotators' layers again", |app| {
        !app.layers_pending()
    });
    assert_eq!(h.state().session().unwrap().read_only_ids().len(), 3);
}

#[test]
fn a_label_renamed_across_the_folder_is_not_brought_back_in_review() {
    let dir = folder();
    let out = common::spantag(&["label", "rename", "actor", "person"], &[dir.path()]);
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    let ana = AnnotationFile::read(&dir.path().join(format!("{NAME}.ana.ron"))).unwrap();
    let color = ana
        .labels
        .iter()
        .find(|l| l.name == "person")
        .map(|l| l.color.clone())
        .expect("ana's file lists person");
    let mut h = app_on(dir.path());
    run_until(&mut h, "the annotators' layers", |app| {
        app.in_review() && !app.layers_pending() && app.layer().is_some()
    });
    let scheme = h.state().session().unwrap().scheme().clone();
    let names: Vec<&str> = scheme.labels().iter().map(|l| l.name.as_str()).collect();
    assert!(!names.contains(&"actor"), "{names:?}");
    assert_eq!(names.iter().filter(|n| **n == "person").count(), 1);
    assert_eq!(scheme.get("person").unwrap().color, color, "{names:?}");
    // The palette's hotkey tags the new name into the curated layer.
    let person = scheme.position("person").unwrap();
    assert!(person < 9);
    assert!(h.get_all_by_label_contains("person").next().is_some());
}

/// `spantag review FOLDER` (the options main.rs gives it): the folder panel lists the
/// folder, and Ctrl+PgDn goes on reviewing the next document.
#[test]
fn reviewing_a_folder_shows_the_folder_and_steps_to_the_next_document_in_review() {
    let dir = folder();
    // A second document, annotated by the same three.
    let second = dir.path().join("zz-second.txt");
    std::fs::write(&second, TEXT).unwrap();
    for who in ["ana", "ben", "cai"] {
        std::fs::copy(
            dir.path().join(format!("{NAME}.{who}.ron")),
            dir.path().join(format!("zz-second.txt.{who}.ron")),
        )
        .unwrap();
    }
    let options = AppOptions {
        document: Some(dir.path().join(NAME)),
        annotator: Some("tester".to_owned()),
        config_dir: Some(dir.path().join("config")),
        review: true,
        folder: Some(dir.path().to_path_buf()),
        ..Default::default()
    };
    let mut h = Harness::builder()
        .with_size(vec2(1400.0, 900.0))
        .build_eframe(move |cc| SpantagApp::new(cc, options));
    run_until(&mut h, "the folder listed and the review open", |app| {
        app.in_review()
            && !app.layers_pending()
            && app.corpus.as_ref().is_some_and(|c| c.entries.len() == 2)
    });
    // The document named is the one open, not the folder's first to do.
    let open = |app: &SpantagApp| {
        app.session()
            .and_then(|s| s.document().path())
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
    };
    assert_eq!(open(h.state()).as_deref(), Some(NAME));
    h.key_press_modifiers(Modifiers::COMMAND, Key::PageDown);
    run_until(&mut h, "the next document in review", |app| {
        open(app).as_deref() == Some("zz-second.txt") && app.in_review() && !app.layers_pending()
    });
    assert_eq!(h.state().session().unwrap().read_only_ids().len(), 3);
}

/// Who said what, at a glance: under the document, one row per annotator shows that
/// annotator's spans on the sentence of the current disagreement, brackets at their
/// boundaries and the label at the end.
#[test]
fn the_versions_strip_shows_each_annotators_spans_on_the_sentence() {
    let dir = folder();
    let mut h = app_on(dir.path());
    run_until(&mut h, "the annotators' layers", |app| {
        app.in_review() && !app.layers_pending() && app.layer().is_some()
    });
    h.run();
    let d = h
        .state()
        .review_state()
        .unwrap()
        .navigator
        .current()
        .cloned()
        .unwrap();
    assert_eq!((d.start, d.end), at("Ana Reyes"), "the first disagreement");
    h.get_by_label("Versions");
    // ana and cai: an actor; ben: an event. Louis Park (everyone's) is on the sentence too.
    // ana's and cai's versions are the same: one row stands for both.
    fn rows(h: &Harness<'_, SpantagApp>, needle: &str) -> usize {
        h.query_all_by_label_contains(needle).count()
    }
    assert_eq!(
        rows(&h, "[Louis Park]actor met [Ana Reyes]actor in [Seoul]actor"),
        1
    );
    assert_eq!(
        rows(&h, "[Louis Park]actor met [Ana Reyes]event in Seoul"),
        1
    );
    // The curated row: nothing yet.
    assert_eq!(rows(&h, "Louis Park met Ana Reyes in Seoul."), 1);
    // Accepting ben's version marks his row and fills the curated one.
    // (The next open disagreement, Seoul, is on the same sentence.)
    h.key_press_modifiers(Modifiers::ALT, Key::Num2);
    h.run();
    assert_eq!(
        rows(&h, "[Louis Park]actor"),
        2,
        "ana's and cai's row, ben's row; the curated row has no Louis Park yet"
    );
    assert_eq!(
        rows(&h, "met [Ana Reyes]event in Seoul"),
        2,
        "ben's and the curated row"
    );
}

/// With a project file: a rename across the folder changes it too, and a new curated layer
/// shows the new name once, in the project file's colour.
#[test]
fn a_label_renamed_in_a_project_keeps_the_project_colour_in_review() {
    let dir = folder();
    std::fs::write(
        dir.path().join("spantag.ron"),
        "(version: 1, labels: [(name: \"claim\", color: \"#4e79a7\"), (name: \"actor\", color: \"#b07aa1\"), (name: \"event\", color: \"#59a14f\")])\n",
    )
    .unwrap();
    let out = common::spantag(&["label", "rename", "actor", "person"], &[dir.path()]);
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    let mut h = app_on(dir.path());
    run_until(&mut h, "the annotators' layers", |app| {
        app.in_review() && !app.layers_pending() && app.layer().is_some()
    });
    let scheme = h.state().session().unwrap().scheme().clone();
    let names: Vec<&str> = scheme.labels().iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["claim", "person", "event"]);
    assert_eq!(scheme.get("person").unwrap().color, "#b07aa1");
}
