//! Review mode driven through the real app (egui_kittest): a document annotated by alice,
//! bob and chen; step to a disagreement, accept one annotator's version, accept all agreed,
//! undo, save, and check the curated file. Expected spans come from the three files
//! themselves (set operations on (start, end, label)), not from spantag's review code.

use std::collections::BTreeSet;
use std::path::Path;

use egui::accesskit::Role;
use egui::{Key, Modifiers, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use spantag_app::SpantagApp;
use spantag_core::store::AnnotationFile;

use crate::common;
use crate::harness;
use common::{Key3, copy_review_sample, spans_of};
use harness::run_until;

/// The sample document the tests review.
const NAME: &str = "council-budget.txt";

/// The app on `dir/`[`NAME`] as annotator `tester`, in review mode or annotating (not yet
/// loaded: the tests wait with [`run_until`]).
fn app_on(dir: &Path, review: bool) -> Harness<'static, SpantagApp> {
    let options = harness::tester(dir, &dir.join(NAME), review);
    Harness::builder()
        .with_size(vec2(1400.0, 900.0))
        .build_eframe(move |cc| SpantagApp::new(cc, options))
}

fn curated_spans(app: &SpantagApp) -> BTreeSet<Key3> {
    app.layer()
        .unwrap()
        .spans()
        .iter()
        .map(|s| (s.start, s.end, s.label.clone()))
        .collect()
}

#[test]
fn review_step_accept_accept_all_undo_and_save() {
    let dir = tempfile::tempdir().unwrap();
    let name = NAME;
    let doc = copy_review_sample(dir.path(), name, &["alice", "bob", "chen"]);
    let [alice, bob, chen] =
        ["alice", "bob", "chen"].map(|who| spans_of(&dir.path().join(format!("{name}.{who}.ron"))));
    let agreed: BTreeSet<Key3> = alice
        .intersection(&bob)
        .cloned()
        .collect::<BTreeSet<_>>()
        .intersection(&chen)
        .cloned()
        .collect();
    assert!(!agreed.is_empty());

    let mut h = app_on(dir.path(), true);
    run_until(&mut h, "review mode", |app| {
        app.in_review() && app.layer().is_some()
    });
    h.get_by_label_contains("Disagreements");
    // The app went to the first disagreement; N moves to the next one.
    let first = harness::current_disagreement(&h);
    // Each version shows its offsets, and its text with both ends (versions differing only
    // in where they end must look different).
    let text: Vec<char> = std::fs::read_to_string(&doc).unwrap().chars().collect();
    let versions: Vec<_> = first.says.iter().flat_map(|says| &says.spans).collect();
    for s in &versions {
        h.get_all_by_label(&format!("{}–{}", s.start, s.end))
            .next()
            .unwrap();
        let last: String = text[s.end.saturating_sub(6)..s.end].iter().collect();
        let ending_here = versions.iter().filter(|v| v.end == s.end).count();
        assert!(
            h.query_all_by_label_contains(&format!("{last}”")).count() >= ending_here,
            "the end of {s:?} is shown for each version that ends there"
        );
    }
    h.key_press(Key::N);
    h.run();
    let second = harness::current_disagreement(&h);
    assert!(second.start > first.start, "N goes forward");
    // Stacked and identical spans are never a disagreement.
    for d in h.state().review_state().unwrap().navigator.all() {
        let versions: Vec<BTreeSet<(usize, usize, &str)>> = d
            .says
            .iter()
            .map(|s| {
                s.spans
                    .iter()
                    .map(|x| (x.start, x.end, x.label.as_str()))
                    .collect()
            })
            .collect();
        assert!(versions.windows(2).any(|w| w[0] != w[1]), "{d:?}");
    }
    // Accept bob's version with the button in his row (the second "Accept").
    let bobs: BTreeSet<Key3> = second.says[1]
        .spans
        .iter()
        .map(|s| (s.start, s.end, s.label.clone()))
        .collect();
    h.get_all_by_role_and_label(Role::Button, "Accept")
        .nth(1)
        .unwrap()
        .click();
    h.run();
    let after_accept = curated_spans(h.state());
    assert_eq!(after_accept, bobs, "bob's version is the curated one");
    // Accept all agreed: the curated layer gains exactly the agreed spans.
    h.get_by_role_and_label(Role::Button, "Accept all agreed")
        .click();
    h.run();
    let expected: BTreeSet<Key3> = bobs.union(&agreed).cloned().collect();
    assert_eq!(curated_spans(h.state()), expected);
    // Undo takes back "accept all" in one step, redo brings it back.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(curated_spans(h.state()), after_accept);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run();
    assert_eq!(curated_spans(h.state()), expected);
    // Save: <document>.curated.ron beside the source, the annotators' files untouched.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    let curated = dir.path().join(format!("{name}.curated.ron"));
    assert_eq!(spans_of(&curated), expected);
    let file = AnnotationFile::read(&curated).unwrap();
    assert_eq!(file.annotator, "curated");
    let text = std::fs::read_to_string(&doc).unwrap();
    let chars: Vec<char> = text.chars().collect();
    for s in &file.spans {
        assert_eq!(chars[s.start..s.end].iter().collect::<String>(), s.text);
    }
    assert_eq!(
        spans_of(&dir.path().join(format!("{name}.alice.ron"))),
        alice
    );
    // The settled disagreement no longer counts as open.
    let app = h.state();
    let review = app.review_state().unwrap();
    let curated_layer = app.layer().unwrap();
    assert!(review.navigator.is_settled(&second, curated_layer));
    assert!(review.navigator.open_count(curated_layer) < review.navigator.all().len());
}

#[test]
fn curated_is_refused_as_an_annotator_name() {
    let err = spantag_core::store::validate_user_annotator("curated").unwrap_err();
    assert!(
        err.to_string().contains("reserved for the curated layer"),
        "{err}"
    );
    assert!(spantag_core::store::validate_user_annotator("alice").is_ok());
    let said = common::spantag_exits(2, &["--annotator", "curated", "some.txt"], &[]).stderr;
    assert!(said.contains("reserved"), "{said}");
}

#[test]
fn a_broken_teammate_file_is_named_and_does_not_hide_the_others() {
    let dir = tempfile::tempdir().unwrap();
    copy_review_sample(dir.path(), NAME, &["alice", "bob", "chen"]);
    // A hand edit broke bob's file.
    let bob = dir.path().join(format!("{NAME}.bob.ron"));
    let text = std::fs::read_to_string(&bob).unwrap();
    std::fs::write(&bob, text.replacen("(id: 3,", "(id: 3 oops,", 1)).unwrap();
    let mut h = app_on(dir.path(), true);
    run_until(&mut h, "review mode", |app| {
        app.in_review() && !app.layers_pending()
    });
    let shown: Vec<String> = h
        .state()
        .session()
        .unwrap()
        .read_only_ids()
        .iter()
        .map(|id| id.name().to_owned())
        .collect();
    assert_eq!(shown, ["alice", "chen"], "the readable layers are there");
    h.get_by_label_contains("bob  ·  could not be read");
    // The others still disagree somewhere, and nothing claims bob agrees.
    assert!(!h.state().review_state().unwrap().navigator.all().is_empty());
    // "Accept all agreed" would accept without bob's say: refused.
    let before = curated_spans(h.state());
    h.state_mut().push(spantag_app::Command::AcceptAllAgreed);
    h.run();
    assert_eq!(curated_spans(h.state()), before);
}

/// Ctrl+R with unsaved work saves it first (switching never loses it) and says so once
/// review mode is open, instead of the review's own messages hiding the save.
#[test]
fn switching_to_review_says_that_it_saved() {
    let dir = tempfile::tempdir().unwrap();
    copy_review_sample(dir.path(), NAME, &["alice", "bob"]);
    let mut h = app_on(dir.path(), false);
    run_until(&mut h, "the document", |app| app.layer().is_some());
    // Tag "Council" (the first word: drag over it, press 1).
    let (from, to) = (harness::pos(&h, 0), harness::pos(&h, 7));
    for (i, at) in [from, from, from + (to - from) * 0.5, to, to]
        .into_iter()
        .enumerate()
    {
        match i {
            0 | 2 | 3 => h.hover_at(at),
            1 => h.drag_at(at),
            _ => h.drop_at(at),
        }
        h.run();
    }
    h.key_press(Key::Num1);
    h.run();
    assert!(h.state().is_dirty());
    h.key_press_modifiers(Modifiers::COMMAND, Key::R);
    run_until(&mut h, "review mode", |app| {
        app.in_review()
            && app.review_state().is_some_and(|r| r.unreadable.is_empty())
            && app
                .status_text()
                .is_some_and(|s| s.contains("disagreement"))
    });
    let status = h.state().status_text().unwrap_or_default().to_owned();
    assert!(
        status.starts_with(&format!("Saved 1 span to {NAME}.tester.ron. ")),
        "{status}"
    );
    assert_eq!(
        spans_of(&dir.path().join(format!("{NAME}.tester.ron"))).len(),
        1
    );
}

/// A document clicked in the agreement window opens at its first disagreement, and the window
/// steps aside instead of covering the text.
#[test]
fn a_document_picked_in_the_agreement_window_is_not_covered_by_it() {
    let dir = tempfile::tempdir().unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs/review");
    for entry in std::fs::read_dir(&samples).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let mut h = app_on(dir.path(), true);
    run_until(&mut h, "review mode", |app| {
        app.in_review() && app.layer().is_some()
    });
    let folder = dir.path().to_path_buf();
    let ctx = h.ctx.clone();
    h.state_mut().agreement.show_for(&ctx, &folder);
    h.state_mut().agreement.wait();
    h.run();
    assert!(h.state().agreement.open);
    h.get_by_role_and_label(Role::Link, "port-strike.txt")
        .click();
    run_until(&mut h, "port-strike.txt in review", |app| {
        app.in_review()
            && app
                .session()
                .and_then(|s| s.document().path())
                .is_some_and(|p| p.ends_with("port-strike.txt"))
            && app
                .review_state()
                .is_some_and(|r| r.navigator.current().is_some())
    });
    assert!(!h.state().agreement.open, "the window stepped aside");
    assert!(h.query_by_label_contains("Agreement — ").is_none());
}

/// The agreement window shows Krippendorff's αU and Mathet et al.'s γ with the figures of
/// `spantag agree`, and hovering either explains it.
#[test]
fn the_agreement_window_shows_alpha_u_and_gamma_with_tooltips() {
    let dir = tempfile::tempdir().unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs/review");
    for entry in std::fs::read_dir(&samples).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let mut h = app_on(dir.path(), true);
    run_until(&mut h, "review mode", |app| {
        app.in_review() && app.layer().is_some()
    });
    let folder = dir.path().to_path_buf();
    let ctx = h.ctx.clone();
    h.state_mut().agreement.show_for(&ctx, &folder);
    h.state_mut().agreement.wait();
    h.run();
    let report = h.state().agreement.report.clone().expect("computed");
    let gamma = report.gamma.as_ref().expect("γ is computed in the window");
    assert_eq!((gamma.samples, gamma.seed), (30, 0), "agree's defaults");
    // The figures `spantag agree` prints for the folder.
    let set = spantag_core::review::plan(&[folder], None).unwrap();
    let options = spantag::cli::GammaArgs::default().options();
    let cli = spantag_core::review::compare_with(&set, &options, &mut |_, _| {}).unwrap();
    assert_eq!(report.alpha_u, cli.alpha_u);
    assert_eq!(report.gamma, cli.gamma);
    use spantag_core::review::agreement::figure;
    for (label, value, tip) in [
        (
            "Krippendorff's unitized alpha (αU, spans)",
            figure(report.alpha_u.overall),
            "Krippendorff's unitized alpha (αU): the spans themselves",
        ),
        (
            "Mathet et al.'s gamma (γ, spans)",
            figure(gamma.figures.gamma),
            "Mathet et al.'s gamma (γ): the spans are aligned",
        ),
    ] {
        assert!(value != "n/a", "{label}: {value}");
        assert!(
            !h.query_all_by_label(&value).collect::<Vec<_>>().is_empty(),
            "{label}: {value}"
        );
        assert!(
            h.query_by_label_contains(tip).is_none(),
            "no tooltip before hovering"
        );
        h.get_by_label(label).hover();
        h.run();
        h.run();
        h.get_by_label_contains(tip);
    }
}

/// A document edited after the annotators saved: their read-only layers are re-anchored in
/// memory, but they are not unsaved work (only their annotators can save them), so review
/// opens "Saved" and closing does not ask to save.
#[test]
fn stale_teammate_layers_are_not_unsaved_work() {
    let dir = tempfile::tempdir().unwrap();
    copy_review_sample(dir.path(), NAME, &["alice", "bob"]);
    let doc = dir.path().join(NAME);
    let text = std::fs::read_to_string(&doc).unwrap();
    std::fs::write(&doc, format!("BREAKING: {text}")).unwrap();
    let mut h = app_on(dir.path(), true);
    run_until(&mut h, "review mode", |app| {
        app.in_review() && app.session().is_some_and(|s| s.layers().count() == 3)
    });
    assert!(!h.state().is_dirty(), "nothing of the curator's to save");
    h.get_by_label_contains("changed since it was annotated");
}
