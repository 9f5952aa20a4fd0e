//! `spantag agree` and `spantag curate` end to end, through the library and
//! `spantag::cli::run`, in this process (not through the binary).

use std::path::{Path, PathBuf};

use spantag::cli::{AgreeFormat, CliCommand, GammaArgs, run};
use spantag_core::annotation::{Layer, Span};
use spantag_core::document::Document;
use spantag_core::review::{self, CurateOptions};
use spantag_core::store;

use crate::common;
use common::add_span;

const TEXT: &str = "Mayor Ana Ruiz said the bridge will open in May. Critics disagreed.\n";

/// Spans as (start, end, label).
type Spans<'a> = &'a [(usize, usize, &'a str)];

/// Writes `name` with TEXT and one layer per (annotator, spans).
fn document(dir: &Path, name: &str, layers: &[(&str, Spans<'_>)]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, TEXT).unwrap();
    let doc = Document::open(&path).unwrap();
    for (annotator, spans) in layers {
        let mut layer = Layer::new(annotator);
        for &(start, end, label) in *spans {
            layer.scheme.ensure(label);
            add_span(&mut layer, &doc, start..end, label);
        }
        store::save_layer(&layer, &doc, &store::annotation_path(&path, annotator)).unwrap();
    }
    path
}

// "Mayor Ana Ruiz" 0–14, "Ana Ruiz" 6–14, "the bridge will open in May" 20–47,
// "Critics" 49–56.
const ALICE: &[(usize, usize, &str)] = &[(0, 14, "actor"), (20, 47, "claim"), (49, 56, "actor")];
const BOB: &[(usize, usize, &str)] = &[(6, 14, "actor"), (20, 47, "claim")];
const CHEN: &[(usize, usize, &str)] = &[(0, 14, "actor"), (20, 47, "event"), (49, 56, "actor")];

fn json(inputs: &[PathBuf], annotators: Option<&[String]>) -> serde_json::Value {
    let set = review::plan(inputs, annotators).unwrap();
    let report = review::compare(&set, &mut |_, _| {}).unwrap();
    serde_json::from_str(&report.to_json()).unwrap()
}

/// The report with γ (`agree`'s default options, or these).
fn report_with_gamma(inputs: &[PathBuf], gamma: GammaArgs) -> review::AgreementReport {
    let set = review::plan(inputs, None).unwrap();
    review::compare_with(&set, &gamma.options(), &mut |_, _| {}).unwrap()
}

#[test]
fn three_annotators_and_a_document_some_did_not_annotate() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("more");
    std::fs::create_dir(&sub).unwrap();
    document(
        dir.path(),
        "a.txt",
        &[("alice", ALICE), ("bob", BOB), ("chen", CHEN)],
    );
    document(&sub, "b.txt", &[("alice", ALICE), ("bob", BOB)]);
    let v = json(&[dir.path().to_path_buf()], None);
    assert_eq!(v["documents"], 1);
    assert_eq!(v["annotators"], serde_json::json!(["alice", "bob", "chen"]));
    assert_eq!(
        v["skipped"],
        serde_json::json!([{"document": "more/b.txt", "missing": ["chen"]}])
    );
    let pairs = v["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 3);
    // alice vs bob: exact matches 1 (the claim) of 3 + 2 → 2/5; overlap 2 → 4/5.
    let ab = &pairs[0];
    assert_eq!(
        (ab["a"].as_str(), ab["b"].as_str()),
        (Some("alice"), Some("bob"))
    );
    assert_eq!(ab["f1_exact"], 0.4);
    assert_eq!(ab["f1_overlap"], 0.8);
    assert_eq!(ab["per_label"]["actor"]["support_a"], 2);
    assert_eq!(ab["per_label"]["actor"]["support_b"], 1);
    assert_eq!(ab["per_label"]["actor"]["f1_exact"], 0.0);
    assert_eq!(ab["confusion"]["actor"]["(no span)"], 1);
    // alice vs chen: the claim is an event for chen.
    let ac = &pairs[1];
    assert_eq!(ac["confusion"]["claim"]["event"], 1);
    assert_eq!(ac["per_label"]["claim"]["f1_exact"], 0.0);
    assert!(ac["cohen_kappa"].is_f64());
    assert!(v["fleiss_kappa"].is_f64());
    assert!(v["krippendorff_alpha"].is_f64());
    assert_eq!(v["per_document"].as_array().unwrap().len(), 1);
    // Only alice and bob: both documents are compared, pooled.
    let names = ["alice".to_owned(), "bob".to_owned()];
    let v = json(&[dir.path().to_path_buf()], Some(&names));
    assert_eq!(v["documents"], 2);
    assert_eq!(v["pairs"][0]["per_label"]["claim"]["support_a"], 2);
    assert_eq!(v["per_document"].as_array().unwrap().len(), 2);
}

/// Token-level figures, by hand. Tokens of TEXT: Mayor Ana Ruiz said the bridge will open
/// in May . Critics disagreed . (14 tokens). alice: actor ×3, O, claim ×6, O, actor, O, O.
/// bob: O, actor ×2, O, claim ×6, O, O, O, O. Agreements: 12 of 14 (Mayor and Critics
/// differ). alice: actor 4, claim 6, O 4; bob: actor 2, claim 6, O 6.
/// p_o = 12/14; p_e = (4·2 + 6·6 + 4·6)/196 = 68/196; κ = (168 − 68)/(196 − 68) = 100/128.
#[test]
fn token_kappa_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let doc = document(dir.path(), "a.txt", &[("alice", ALICE), ("bob", BOB)]);
    let v = json(&[doc], None);
    let kappa = v["pairs"][0]["cohen_kappa"].as_f64().unwrap();
    assert!((kappa - 100.0 / 128.0).abs() < 1e-12, "{kappa}");
}

/// αU and γ by hand for alice and bob on TEXT (68 code points).
///
/// αU, actor: alice 0–14, 49–56; bob 6–14. Overlapping sections: the units 0–14 and 6–14
/// (δ² = 6² + 0² = 36) and alice's 49–56 inside bob's gap 14–68 (7² = 49): D_o = 2 · 85 /
/// (2 · 1 · 68²). Units 14, 7, 8 (N = 3); gaps 35, 12 (alice), 6, 54 (bob). D_e numerator:
/// l = 14: 2 · 14·13·27/3 + 14² · (22 + 41); l = 7: 2 · 7·6·13/3 + 7² · (6 + 29 + 48); l = 8:
/// 2 · 8·7·15/3 + 8² · (5 + 28 + 47) = 25,735; denominator 136 · 135 − (182 + 42 + 56);
/// D_e = 2 · 25,735 / (68 · 18,080). claim: the same span 20–47 for both, D_o = 0, αU = 1;
/// D_e = 2 · (2 · 27·26·53/3) / (68 · (136 · 135 − 2 · 27·26)) (no gap holds 27).
///
/// γ: best alignment {alice 0–14, bob 6–14} (d = (6/22)²), the two claims (0) and alice's
/// 49–56 alone (Δ∅ = 1); 5 units over 2 annotators: observed (1 + (6/22)²) / 2.5.
#[test]
fn span_measures_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let doc = document(dir.path(), "a.txt", &[("alice", ALICE), ("bob", BOB)]);
    let report = report_with_gamma(&[doc], GammaArgs::default());
    let v: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    let observed_actor = 2.0 * 85.0 / (2.0 * 68.0 * 68.0);
    let expected_actor = 2.0 * 25_735.0 / (68.0 * 18_080.0);
    let expected_claim = 2.0 * (2.0 * 12_402.0) / (68.0 * (136.0 * 135.0 - 1404.0));
    let close = |a: &serde_json::Value, b: f64| (a.as_f64().unwrap() - b).abs() < 1e-12;
    let alpha_u = &v["alpha_u"];
    assert!(
        close(
            &alpha_u["per_label"]["actor"],
            1.0 - observed_actor / expected_actor
        ),
        "{alpha_u}"
    );
    assert_eq!(alpha_u["per_label"]["claim"], 1.0);
    assert!(close(
        &alpha_u["overall"],
        1.0 - observed_actor / (expected_actor + expected_claim)
    ));
    assert_eq!(v["per_document"][0]["alpha_u"], *alpha_u, "one document");
    let gamma = &v["gamma"];
    let observed = (1.0 + (6.0f64 / 22.0).powi(2)) / 2.5;
    assert!(close(&gamma["observed_disorder"], observed), "{gamma}");
    assert_eq!(gamma["samples"], 30);
    assert_eq!(gamma["seed"], 0);
    assert_eq!(gamma["exact"], true);
    let expected = gamma["expected_disorder"].as_f64().unwrap();
    assert!(close(&gamma["gamma"], 1.0 - observed / expected));
    let per_document = &v["per_document"][0]["gamma"];
    assert_eq!(per_document["gamma"], gamma["gamma"], "one document");
    // The table and the CSV carry them too.
    let table = report.to_table();
    assert!(
        table.contains("Krippendorff's unitized alpha (αU)"),
        "{table}"
    );
    assert!(table.contains("Mathet et al.'s gamma (γ)"), "{table}");
    let csv = report.to_csv().unwrap();
    let actor = format!(
        "(all),,,actor,alpha_u,{:.3}",
        1.0 - observed_actor / expected_actor
    );
    assert!(csv.contains(&actor), "{csv}");
    assert!(csv.contains("(all),,,claim,alpha_u,1.000"), "{csv}");
    assert!(csv.contains("a.txt,,,(all),gamma,"), "{csv}");
    assert!(
        csv.contains("(all),,,(all),gamma_expected_disorder,"),
        "{csv}"
    );
}

/// `--gamma-seed`: the same seed gives the same report, another seed another expected
/// disorder (the observed one is not random); `--no-gamma` leaves γ out (null in JSON, no
/// row in the table or the CSV); `--gamma-samples` must be at least 1.
#[test]
fn gamma_seed_samples_and_no_gamma() {
    let dir = tempfile::tempdir().unwrap();
    document(
        dir.path(),
        "a.txt",
        &[("alice", ALICE), ("bob", BOB), ("chen", CHEN)],
    );
    document(
        dir.path(),
        "b.txt",
        &[("alice", BOB), ("bob", CHEN), ("chen", ALICE)],
    );
    let inputs = [dir.path().to_path_buf()];
    let seeded = |seed, samples| GammaArgs {
        gamma_seed: seed,
        gamma_samples: samples,
        ..GammaArgs::default()
    };
    let one = report_with_gamma(&inputs, seeded(7, 30)).to_json();
    let again = report_with_gamma(&inputs, seeded(7, 30)).to_json();
    assert_eq!(one, again);
    let v: serde_json::Value = serde_json::from_str(&one).unwrap();
    let w: serde_json::Value =
        serde_json::from_str(&report_with_gamma(&inputs, seeded(8, 30)).to_json()).unwrap();
    assert_eq!(
        v["gamma"]["observed_disorder"],
        w["gamma"]["observed_disorder"]
    );
    assert_ne!(
        v["gamma"]["expected_disorder"],
        w["gamma"]["expected_disorder"]
    );
    let more: serde_json::Value =
        serde_json::from_str(&report_with_gamma(&inputs, seeded(7, 200)).to_json()).unwrap();
    assert_eq!(more["gamma"]["samples"], 200);
    assert_ne!(
        more["gamma"]["expected_disorder"],
        v["gamma"]["expected_disorder"]
    );
    // Pooled: the documents' disorders weighted by units per annotator.
    let docs = v["per_document"].as_array().unwrap();
    let units = [8.0 / 3.0, 8.0 / 3.0]; // each document has 3 + 2 + 3 spans
    let observed: f64 = docs
        .iter()
        .zip(units)
        .map(|(d, w)| d["gamma"]["observed_disorder"].as_f64().unwrap() * w)
        .sum::<f64>()
        / units.iter().sum::<f64>();
    assert!((v["gamma"]["observed_disorder"].as_f64().unwrap() - observed).abs() < 1e-12);
    // Left out.
    let none = report_with_gamma(
        &inputs,
        GammaArgs {
            no_gamma: true,
            ..GammaArgs::default()
        },
    );
    let n: serde_json::Value = serde_json::from_str(&none.to_json()).unwrap();
    assert!(n["gamma"].is_null());
    assert!(n["per_document"][0]["gamma"].is_null());
    assert!(n["alpha_u"]["overall"].is_f64(), "αU is always there");
    assert!(!none.to_table().contains("γ"));
    assert!(!none.to_csv().unwrap().contains("gamma"));
    // The command line's options.
    use clap::Parser;
    let parse = |args: &[&str]| spantag::cli::Cli::try_parse_from(args);
    assert!(parse(&["spantag", "agree", "--gamma-samples", "0", "x"]).is_err());
    let cli = parse(&["spantag", "agree", "--gamma-seed", "5", "--no-gamma", "x"]).unwrap();
    let Some(CliCommand::Agree { gamma, .. }) = cli.command else {
        panic!("agree expected");
    };
    assert_eq!(
        gamma,
        GammaArgs {
            no_gamma: true,
            gamma_samples: 30,
            gamma_seed: 5
        }
    );
}

#[test]
fn empty_layers_give_null_not_nan() {
    let dir = tempfile::tempdir().unwrap();
    let doc = document(dir.path(), "a.txt", &[("alice", &[]), ("bob", &[])]);
    let v = json(&[doc], None);
    let pair = &v["pairs"][0];
    assert!(pair["f1_exact"].is_null());
    assert!(pair["f1_overlap"].is_null());
    assert!(pair["cohen_kappa"].is_null(), "every token is O");
    assert!(v["fleiss_kappa"].is_null());
    assert!(v["krippendorff_alpha"].is_null());
    assert!(v["alpha_u"]["overall"].is_null());
    assert_eq!(v["alpha_u"]["per_label"], serde_json::json!({}));
    let report = report_with_gamma(&[dir.path().to_path_buf()], GammaArgs::default());
    let g: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert!(g["gamma"]["gamma"].is_null(), "{}", g["gamma"]);
    assert!(g["gamma"]["observed_disorder"].is_null());
    assert!(g["per_document"][0]["gamma"]["gamma"].is_null());
    assert!(!report.to_json().contains("NaN"));
    let table = report.to_table();
    assert!(table.contains("n/a"), "{table}");
    assert!(!table.contains("NaN"));
    assert!(report.to_csv().unwrap().contains("n/a"));
}

#[test]
fn dotted_annotator_names_are_found_beside_a_document() {
    let dir = tempfile::tempdir().unwrap();
    let doc = document(dir.path(), "doc.txt", &[("j.doe", ALICE), ("bob", BOB)]);
    let v = json(&[doc], None);
    assert_eq!(v["annotators"], serde_json::json!(["bob", "j.doe"]));
}

fn agree(inputs: Vec<PathBuf>, annotators: Option<Vec<String>>) -> i32 {
    run(CliCommand::Agree {
        annotators,
        format: AgreeFormat::Json,
        fail_under: None,
        gamma: GammaArgs::default(),
        inputs,
    })
}

#[test]
fn nothing_to_compare_exits_1_an_unknown_annotator_2() {
    let dir = tempfile::tempdir().unwrap();
    let one = document(dir.path(), "a.txt", &[("alice", ALICE)]);
    assert_eq!(agree(vec![one.clone()], None), 1, "one annotator");
    let both = document(dir.path(), "b.txt", &[("alice", ALICE), ("bob", BOB)]);
    assert_eq!(agree(vec![both.clone()], None), 0);
    assert_eq!(
        agree(vec![both], Some(vec!["alice".into(), "zed".into()])),
        2,
        "no document has zed"
    );
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(agree(vec![empty.path().to_path_buf()], None), 1);
    assert_eq!(agree(vec![dir.path().join("missing.txt")], None), 2);
}

fn curate(inputs: Vec<PathBuf>, min_agree: Option<usize>, uncontested: bool) -> i32 {
    run(CliCommand::Curate {
        accept_agreed: true,
        annotators: None,
        min_agree,
        uncontested,
        inputs,
    })
}

fn curated_spans(doc: &Path) -> Vec<(usize, usize, String)> {
    let file = store::AnnotationFile::read(&review::curated_path(doc)).unwrap();
    assert_eq!(file.annotator, "curated");
    file.spans
        .iter()
        .map(|s| (s.start, s.end, s.label.clone()))
        .collect()
}

#[test]
fn curate_adds_agreed_spans_keeps_the_rest_and_never_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let doc = document(
        dir.path(),
        "a.txt",
        &[
            ("alice", ALICE),
            ("bob", BOB),
            ("chen", CHEN),
            // A reviewer's earlier decision, and one span the rules will also accept.
            ("curated", &[(49, 56, "actor"), (57, 66, "event")]),
        ],
    );
    // All three agree on nothing: exit 1, the curated file untouched.
    assert_eq!(curate(vec![doc.clone()], None, false), 1);
    assert!(!dir.path().join("a.txt.curated.ron.bak").exists());
    // Majority (2 of 3): actor 0–14 (alice, chen), actor 49–56 (alice, chen; already
    // there). The claim 20–47 (alice, bob) is contested: chen put event on that range.
    assert_eq!(curate(vec![doc.clone()], Some(2), false), 0);
    assert_eq!(
        curated_spans(&doc),
        [
            (0, 14, "actor".to_owned()),
            (49, 56, "actor".to_owned()),
            (57, 66, "event".to_owned())
        ]
    );
    assert!(
        dir.path().join("a.txt.curated.ron.bak").exists(),
        "the old file is kept"
    );
    // Again: nothing new, nothing duplicated.
    assert_eq!(curate(vec![doc.clone()], Some(2), false), 0);
    assert_eq!(curated_spans(&doc).len(), 3);
    // The curated layer is never an annotator being compared by default.
    let set = review::plan(std::slice::from_ref(&doc), None).unwrap();
    assert_eq!(set.annotators, ["alice", "bob", "chen"]);
    // --min-agree out of range.
    assert_eq!(curate(vec![doc], Some(4), false), 2);
}

#[test]
fn curate_all_agreed_and_uncontested_through_the_library() {
    let dir = tempfile::tempdir().unwrap();
    let lone: &[(usize, usize, &str)] = &[(20, 47, "claim"), (49, 56, "actor")];
    let doc = document(
        dir.path(),
        "a.txt",
        &[("alice", lone), ("bob", &[(20, 47, "claim")])],
    );
    let set = review::plan(std::slice::from_ref(&doc), None).unwrap();
    let mut notes = Vec::new();
    let outcomes = review::curate(&set, CurateOptions::default(), &mut notes, &mut |_| {}).unwrap();
    assert_eq!((outcomes[0].added, outcomes[0].remaining), (1, 1));
    let options = CurateOptions {
        min_agree: None,
        uncontested: true,
    };
    let outcomes = review::curate(&set, options, &mut notes, &mut |_| {}).unwrap();
    assert_eq!((outcomes[0].added, outcomes[0].remaining), (1, 0));
    assert_eq!(
        curated_spans(&doc),
        [(20, 47, "claim".to_owned()), (49, 56, "actor".to_owned())]
    );
    let text = std::fs::read_to_string(review::curated_path(&doc)).unwrap();
    let file = store::AnnotationFile::from_ron(&text, &doc).unwrap();
    assert_eq!(file.to_ron(), text, "canonical");
    assert!(file.problems(&Document::open(&doc).unwrap()).is_empty());
}

#[test]
fn sample_review_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs/review");
    let v = json(std::slice::from_ref(&dir), None);
    assert_eq!(v["documents"], 3);
    assert_eq!(v["annotators"], serde_json::json!(["alice", "bob", "chen"]));
    assert!(v["skipped"].as_array().unwrap().is_empty());
    let alpha = v["krippendorff_alpha"].as_f64().unwrap();
    assert!(
        alpha > 0.5 && alpha < 1.0,
        "realistic, imperfect agreement: {alpha}"
    );
    assert_eq!(agree(vec![dir], None), 0);
}

#[test]
fn the_table_has_labels_as_rows_in_aligned_columns() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs/review");
    let set = review::plan(std::slice::from_ref(&dir), None).unwrap();
    let table = review::compare(&set, &mut |_, _| {}).unwrap().to_table();
    println!("{table}");
    assert!(table.contains("alice vs bob"));
    let rows: Vec<&str> = table
        .lines()
        .skip_while(|l| *l != "alice vs bob")
        .skip(1)
        .take(5)
        .collect();
    assert!(rows[0].trim_start().starts_with("label"));
    assert!(rows[1].trim_start().starts_with("actor"));
    // Right-aligned figures end in the same column.
    let width = rows[0].chars().count();
    assert!(
        rows[1..4].iter().all(|r| r.chars().count() == width),
        "{rows:#?}"
    );
    let csv = review::compare(&set, &mut |_, _| {})
        .unwrap()
        .to_csv()
        .unwrap();
    assert!(csv.starts_with("document,annotator_a,annotator_b,label,measure,value\n"));
}

#[test]
fn curate_exits_1_with_one_annotator_and_honours_annotators() {
    let dir = tempfile::tempdir().unwrap();
    let one = document(dir.path(), "a.txt", &[("alice", ALICE)]);
    assert_eq!(curate(vec![one], None, false), 1);
    let doc = document(
        dir.path(),
        "b.txt",
        &[("alice", ALICE), ("bob", BOB), ("chen", CHEN)],
    );
    // alice and chen alone agree on both actors.
    let code = run(CliCommand::Curate {
        accept_agreed: true,
        annotators: Some(vec!["alice".into(), "chen".into()]),
        min_agree: None,
        uncontested: false,
        inputs: vec![doc.clone()],
    });
    assert_eq!(code, 0);
    assert_eq!(
        curated_spans(&doc),
        [(0, 14, "actor".to_owned()), (49, 56, "actor".to_owned())]
    );
    assert!(!dir.path().join("a.txt.curated.ron").exists());
}

#[test]
fn the_command_lines_parse() {
    use clap::{CommandFactory as _, Parser as _};
    use spantag::cli::Cli;
    Cli::command().debug_assert();
    let cli = Cli::try_parse_from([
        "spantag",
        "agree",
        "--annotators",
        "alice,j.doe",
        "--format",
        "csv",
        "docs",
        "more.txt",
    ])
    .unwrap();
    let Some(CliCommand::Agree {
        annotators,
        format,
        inputs,
        ..
    }) = cli.command
    else {
        panic!("agree expected");
    };
    assert_eq!(annotators.unwrap(), ["alice", "j.doe"]);
    assert_eq!(format, AgreeFormat::Csv);
    assert_eq!(inputs.len(), 2);
    let cli = Cli::try_parse_from([
        "spantag",
        "curate",
        "--accept-agreed",
        "--min-agree",
        "2",
        "--uncontested",
        "docs",
    ])
    .unwrap();
    assert!(matches!(
        cli.command,
        Some(CliCommand::Curate {
            min_agree: Some(2),
            uncontested: true,
            ..
        })
    ));
    // Without --accept-agreed it parses, and run() says what curate does (exit 2).
    assert!(matches!(
        Cli::try_parse_from(["spantag", "curate", "docs"]).map(|c| c.command),
        Ok(Some(CliCommand::Curate {
            accept_agreed: false,
            ..
        }))
    ));
    assert!(Cli::try_parse_from(["spantag", "agree"]).is_err());
}

/// A corpus where each document has its own pair of annotators (a common design) has no
/// document with all of them: the message says which pairs can be compared instead, and an
/// annotator named with --annotators who annotated nothing is named as such.
#[test]
fn nothing_in_common_suggests_the_pairs_that_share_documents() {
    let dir = tempfile::tempdir().unwrap();
    document(dir.path(), "d1.txt", &[("alice", ALICE), ("bob", BOB)]);
    document(dir.path(), "d2.txt", &[("alice", ALICE)]);
    document(dir.path(), "d3.txt", &[("bob", BOB), ("chen", ALICE)]);
    let folder = vec![dir.path().to_path_buf()];
    let err = review::plan(&folder, None).unwrap_err().to_string();
    assert!(
        err.contains(
            "compare fewer with --annotators, e.g. alice,bob (1 document(s)), bob,chen (1 document(s))"
        ),
        "{err}"
    );
    let names = ["alice".to_owned(), "zed".to_owned()];
    let err = review::plan(&folder, Some(&names)).unwrap_err().to_string();
    assert!(
        err.contains(
            "zed has no annotation files in the inputs (annotators found: alice, bob, chen)"
        ),
        "{err}"
    );
    assert_eq!(agree(folder, None), 1);
}

/// curate over a folder reads every file before it writes any curated file: a teammate's
/// broken file in the last document stops it with nothing written, not half-way.
#[test]
fn curate_stops_before_writing_when_a_file_cannot_be_read() {
    let dir = tempfile::tempdir().unwrap();
    let first = document(dir.path(), "a.txt", &[("alice", ALICE), ("bob", ALICE)]);
    let last = document(dir.path(), "z.txt", &[("alice", ALICE), ("bob", BOB)]);
    let broken = store::annotation_path(&last, "bob");
    let text = std::fs::read_to_string(&broken).unwrap();
    std::fs::write(&broken, &text[..text.len() / 2]).unwrap();
    assert_eq!(curate(vec![dir.path().to_path_buf()], None, false), 2);
    assert!(!review::curated_path(&first).exists(), "nothing written");
    assert!(!review::curated_path(&last).exists());
}

/// A disagreement a person settled in review stays settled: with the curated layer holding
/// bob's "Ana Ruiz" (6–14) where alice and chen said "Mayor Ana Ruiz" (0–14), a majority
/// `curate` does not add alice's and chen's version beside it (the doubled span of a
/// three-annotator corpus), and says so.
#[test]
fn curate_never_doubles_a_settled_disagreement() {
    let dir = tempfile::tempdir().unwrap();
    let doc = document(
        dir.path(),
        "a.txt",
        &[
            ("alice", ALICE),
            ("bob", BOB),
            ("chen", CHEN),
            // The curator accepted bob's boundaries for the actor.
            ("curated", &[(6, 14, "actor")]),
        ],
    );
    assert_eq!(curate(vec![doc.clone()], Some(2), false), 0);
    let spans = curated_spans(&doc);
    assert!(
        !spans.contains(&(0, 14, "actor".to_owned())),
        "the annotators' other version is not added beside the chosen one: {spans:?}"
    );
    assert!(spans.contains(&(6, 14, "actor".to_owned())), "{spans:?}");
    // Other agreed spans still come in (Critics, agreed by alice and chen).
    assert!(spans.contains(&(49, 56, "actor".to_owned())), "{spans:?}");
    // The same rule holds for "Accept all agreed" in review.
    let d = Document::from_text(TEXT.to_owned());
    let layers: Vec<Layer> = [ALICE, BOB, CHEN]
        .iter()
        .enumerate()
        .map(|(i, spans)| {
            let mut l = Layer::new(["alice", "bob", "chen"][i]);
            for &(start, end, label) in *spans {
                add_span(&mut l, &d, start..end, label);
            }
            l
        })
        .collect();
    let mut curated = Layer::new("curated");
    curated.insert(Span::new(1, 6..14, "actor", "Ana Ruiz"));
    let options = CurateOptions {
        min_agree: Some(2),
        uncontested: false,
    };
    let (_, n) = review::navigate::accept_agreed(&d, &curated, &layers, options);
    assert_eq!(n, 1, "only Critics (49–56) is added");
}
