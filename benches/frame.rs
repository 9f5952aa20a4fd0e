//! CPU time per frame while scrolling: the real app's UI run headless on an `egui::Context`
//! (1400×900, `Context::run_ui` plus tessellation), for 10 kB / 10 spans, 1 MB / 10k spans and
//! 10 MB / 100k spans, spantag's document view alone, and naive baselines (the whole document
//! in one `LayoutJob` with a highlight per span, in a `Label` inside a `ScrollArea`) at 10 kB
//! and 1 MB.
//!
//! Two kinds of scrolling:
//! - warm: 10 wheel steps down, 10 up, over and over (the same ~1,200 px, so after the first
//!   round every block is already laid out);
//! - cold: down one or three screens per frame through the whole document, or a jump to a
//!   random place each frame, so that each frame lays out blocks it has never seen. A document
//!   too short for that (10 kB is about four screens) starts again from the top with a fresh
//!   view (`DocView::reset`) when it reaches its end, and before each jump.
//!
//! After criterion's runs (warm configurations only), a side-by-side pass interleaves the
//! configurations frame by frame (so machine noise hits them alike) and prints median, p99 and
//! worst frame times and the ratios benches/README.md reports; then the naive views' whole-document
//! layouts (first frame, and the frame after one edit) and the frames that carry out user
//! actions.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Benchmarks panic on set-up failure.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::driver::{App, Driver, Motion, SIZE, Scene, run};
use criterion::{Criterion, criterion_group, criterion_main};
use egui::{Color32, RawInput, Rect, pos2};
use spantag_app::doc_view::ScrollTarget;
use spantag_app::{AppOptions, SpantagApp};
use spantag_core::document::Document;
use spantag_core::store;

/// spantag's document view alone in a central panel: what the naive baseline is compared to.
struct View(SpantagApp);

impl Scene for View {
    fn frame(&mut self, ctx: &egui::Context, input: RawInput) {
        run(ctx, input, |ui| {
            egui::CentralPanel::default().show(ui, |ui| self.0.document_ui(ui));
        });
    }
    fn app(&mut self) -> Option<&mut SpantagApp> {
        Some(&mut self.0)
    }
}

/// What a typical egui annotator does: one `LayoutJob` for the whole text with a background
/// colour per span, shown as a `Label` in a `ScrollArea`. Three variants:
/// - `PerFrame`: the job is built in the frame (immediate mode); egui's layout cache then
///   hashes it and finds the galley;
/// - `CachedJob`: the job is built once and cloned each frame (egui hashes it each frame);
/// - `Galley`: the fairest naive view: the job is laid out once into a galley, which each frame
///   only paints (a `Label` of the galley); an edit builds the job and lays it out again.
struct Naive {
    text: String,
    /// (byte start, byte end, colour index) per span, sorted by start.
    spans: Vec<(usize, usize, usize)>,
    kind: NaiveKind,
    cached: Option<egui::text::LayoutJob>,
    galley: Option<std::sync::Arc<egui::Galley>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum NaiveKind {
    PerFrame,
    CachedJob,
    Galley,
}

const COLORS: [Color32; 3] = [
    Color32::from_rgb(78, 121, 167),
    Color32::from_rgb(225, 87, 89),
    Color32::from_rgb(89, 161, 79),
];

impl Naive {
    fn new(doc_path: &Path, ron: &Path, kind: NaiveKind) -> Self {
        let doc = Document::open(doc_path).unwrap();
        let layer = store::load_layer(&doc, ron, "bench").unwrap().layer;
        let spans = layer
            .spans()
            .iter()
            .map(|s| {
                (
                    doc.byte_from_char(s.start),
                    doc.byte_from_char(s.end),
                    layer.scheme.position(&s.label).unwrap_or(0) % 3,
                )
            })
            .collect();
        let mut naive = Self {
            text: doc.text().to_owned(),
            spans,
            kind,
            cached: None,
            galley: None,
        };
        if kind == NaiveKind::CachedJob {
            naive.cached = Some(naive.job());
        }
        naive
    }

    /// An edit: a new span over the word at about `fraction` of the text. The galley variant
    /// must lay the document out again.
    fn tag_at(&mut self, fraction: f64) {
        let mut start = (self.text.len() as f64 * fraction) as usize;
        while !self.text.is_char_boundary(start) {
            start += 1;
        }
        let end = self.text[start..]
            .char_indices()
            .nth(9)
            .map_or(self.text.len(), |(i, _)| start + i);
        let at = self.spans.partition_point(|s| s.0 <= start);
        self.spans.insert(at, (start, end, 2));
        self.cached = (self.kind == NaiveKind::CachedJob).then(|| self.job());
        self.galley = None;
    }

    /// The job: text between span boundaries gets the colour of the innermost open span.
    fn job(&self) -> egui::text::LayoutJob {
        let mut cuts: Vec<usize> = self.spans.iter().flat_map(|&(a, b, _)| [a, b]).collect();
        cuts.push(0);
        cuts.push(self.text.len());
        cuts.sort_unstable();
        cuts.dedup();
        let mut job = egui::text::LayoutJob::default();
        let mut open: Vec<(usize, usize, usize)> = Vec::new();
        let mut next = 0;
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            open.retain(|&(_, end, _)| end > a);
            while next < self.spans.len() && self.spans[next].0 <= a {
                if self.spans[next].1 > a {
                    open.push(self.spans[next]);
                }
                next += 1;
            }
            let inner = open.iter().min_by_key(|&&(s, e, _)| e - s);
            let background = inner.map_or(Color32::TRANSPARENT, |&(_, _, c)| {
                COLORS[c].gamma_multiply(0.3)
            });
            job.append(
                &self.text[a..b],
                0.0,
                egui::TextFormat {
                    font_id: egui::FontId::proportional(17.0),
                    color: Color32::from_gray(222),
                    background,
                    ..Default::default()
                },
            );
        }
        job
    }
}

impl Scene for Naive {
    fn frame(&mut self, ctx: &egui::Context, input: RawInput) {
        let job = match self.kind {
            NaiveKind::PerFrame => Some(self.job()),
            NaiveKind::CachedJob => self.cached.clone(),
            NaiveKind::Galley => None,
        };
        run(ctx, input, |ui| {
            egui::CentralPanel::default().show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .auto_shrink(false)
                    .show(ui, |ui| match &job {
                        Some(job) => {
                            ui.add(egui::Label::new(job.clone()).wrap());
                        }
                        None => {
                            if self.galley.is_none() {
                                let mut job = self.job();
                                job.wrap.max_width = ui.available_width();
                                self.galley = Some(ui.fonts_mut(|f| f.layout_job(job)));
                            }
                            if let Some(galley) = &self.galley {
                                ui.add(egui::Label::new(galley.clone()));
                            }
                        }
                    });
            });
        });
    }
}

fn open_app(doc: &Path) -> SpantagApp {
    let config = tempfile::tempdir().unwrap().keep();
    let app = SpantagApp::headless(AppOptions {
        document: Some(doc.to_path_buf()),
        annotator: Some("bench".to_owned()),
        config_dir: Some(config),
        ..Default::default()
    });
    assert!(app.open.is_some(), "the benchmark document opens");
    app
}

struct Setup {
    dir: tempfile::TempDir,
    drivers: Vec<(String, Driver)>,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let mut drivers = Vec::new();
    for (name, bytes, spans) in common::SIZES {
        let corpus = common::corpus(dir.path(), name, bytes, spans);
        drivers.push((
            format!("app/{name}"),
            Driver::new(Box::new(App(open_app(&corpus.doc)))),
        ));
        drivers.push((
            format!("view/{name}"),
            Driver::new(Box::new(View(open_app(&corpus.doc)))),
        ));
        for (label, motion) in COLD {
            drivers.push((
                format!("{label}/app/{name}"),
                Driver::with_motion(Box::new(App(open_app(&corpus.doc))), motion),
            ));
        }
        if bytes <= 1_000_000 {
            for (label, kind) in [
                ("naive", NaiveKind::PerFrame),
                ("naive-cached", NaiveKind::CachedJob),
                ("naive-galley", NaiveKind::Galley),
            ] {
                let scene = Naive::new(&corpus.doc, &corpus.ron, kind);
                drivers.push((format!("{label}/{name}"), Driver::new(Box::new(scene))));
            }
        }
    }
    Setup { dir, drivers }
}

/// The cold motions, by the name prefix of their configurations.
const COLD: [(&str, Motion); 3] = [
    ("cold-1screen", Motion::Down(1.0)),
    ("cold-3screens", Motion::Down(3.0)),
    ("cold-jump", Motion::Jump),
];

fn frame(c: &mut Criterion) {
    let mut setup = setup();
    // `SPANTAG_BENCH_ONLY=while-suggesting`: only the frames while suggestions are computed.
    if std::env::var("SPANTAG_BENCH_ONLY").is_ok_and(|o| o == "while-suggesting") {
        for name in ["1MB-10k", "10MB-100k"] {
            while_suggesting(&setup, name);
        }
        return;
    }
    let mut group = c.benchmark_group("frame");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(4));
    let only = std::env::var("SPANTAG_BENCH_ONLY").unwrap_or_default();
    // The cold configurations are measured only in the interleaved pass, which leaves out
    // the frames that do not move.
    for (name, driver) in &mut setup.drivers {
        if name.contains(only.as_str()) && !name.starts_with("cold") {
            group.bench_function(name.as_str(), |b| b.iter(|| driver.step()));
        }
    }
    group.finish();
    let profile = std::env::var("SPANTAG_BENCH_PROFILE").unwrap_or_default();
    if profile.is_empty() {
        side_by_side(&mut setup.drivers);
        naive_layouts(&setup);
        for name in ["1MB-10k", "10MB-100k"] {
            responses(&setup, name);
        }
        for name in ["1MB-10k", "10MB-100k"] {
            while_suggesting(&setup, name);
        }
    } else {
        // Run one configuration for a while, for `perf record`.
        for (name, driver) in &mut setup.drivers {
            if *name == profile {
                for _ in 0..30_000 {
                    driver.step();
                }
            }
        }
    }
}

/// Frames while the suggestion worker searches the document just opened, against frames of
/// the same app once it has answered (the bound: within 1.3×). Each of 5 rounds opens
/// the document afresh (the worker's counts start empty, as after opening), scrolls back and
/// forth, and sorts each frame by whether the suggestions were settled before it; the first
/// 30 frames (first layouts of the blocks the motion passes) are left out of both.
fn while_suggesting(setup: &Setup, name: &str) {
    let doc = setup.dir.path().join(format!("{name}.txt"));
    let (mut busy, mut idle) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        let mut driver = Driver::new(Box::new(App(open_app(&doc))));
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut after = 0;
        for frame in 0.. {
            let searching = !driver.app().suggestions.is_settled();
            let ms = driver.step_ms();
            if frame < 30 {
                continue;
            }
            if searching {
                busy.push(ms);
            } else {
                idle.push(ms);
                after += 1;
                if after == 300 {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "the suggestions never settled");
        }
    }
    if busy.is_empty() {
        println!(
            "\n{name}: the suggestions settled within the first 30 frames; nothing to compare"
        );
        return;
    }
    let (bm, im) = (common::median(&mut busy), common::median(&mut idle));
    println!(
        "\nframes while the suggestions of the {name} document are computed (worker busy) vs after (ms, 5 openings):"
    );
    println!("| | frames | median | p99 |");
    println!("|---|---|---|---|");
    println!(
        "| while computing | {} | {bm:.3} | {:.3} |",
        busy.len(),
        common::p99(&mut busy)
    );
    println!(
        "| after | {} | {im:.3} | {:.3} |",
        idle.len(),
        common::p99(&mut idle)
    );
    println!(
        "ratio of medians: {:.2}x (bound 1.3x: {})",
        bm / im,
        if bm / im <= 1.3 { "within" } else { "over" }
    );
}

/// One headless frame of the whole app on `ctx`, with no input but the time.
fn app_frame(ctx: &egui::Context, app: &mut SpantagApp, frame: &mut u64) {
    let input = RawInput {
        screen_rect: Some(Rect::from_min_size(pos2(0.0, 0.0), SIZE)),
        time: Some(*frame as f64 / 60.0),
        ..Default::default()
    };
    *frame += 1;
    run(ctx, input, |ui| app.ui_root(ui));
}

/// How long the frames that carry out a user action take on a document: the frame that
/// handles it and the one after (which shows its result). Each round does the action's whole
/// work, and checks that it did: a new span tagged, one undone, the view moved from the top
/// to the end, the view moved to a span far from the previous one.
fn responses(setup: &Setup, name: &str) {
    use spantag_app::Command;
    use spantag_app::doc_view::Selection;
    let doc = setup.dir.path().join(format!("{name}.txt"));
    let mut app = open_app(&doc);
    let ctx = egui::Context::default();
    let mut frame = 0u64;
    for _ in 0..5 {
        app_frame(&ctx, &mut app, &mut frame);
    }
    let spans = |app: &SpantagApp| app.open.as_ref().map_or(0, |o| o.layer().spans().len());
    let top = |app: &SpantagApp| app.view.top_offset().unwrap_or(0);
    let len = app
        .open
        .as_ref()
        .map_or(0, |o| o.session.document().char_len());
    let n = spans(&app);
    println!(
        "\nresponding to an action on the {name} document (ms; `first` is the first of 20 rounds; frames: the one that handles it, the one that shows it, and more while the view shows no text):"
    );
    println!("| action | median | worst of 20 | first | frames |");
    println!("|---|---|---|---|---|");
    let mut time = |what: &str,
                    app: &mut SpantagApp,
                    prepare: &dyn Fn(&mut SpantagApp, usize),
                    action: &dyn Fn(&mut SpantagApp, usize),
                    check: &dyn Fn(&SpantagApp, usize, usize)| {
        let mut all = Vec::new();
        let mut frames = Vec::new();
        for round in 0..20 {
            // Untimed: whatever puts the app where the action starts, and two frames.
            prepare(app, round);
            app_frame(&ctx, app, &mut frame);
            app_frame(&ctx, app, &mut frame);
            let before = (spans(app), top(app));
            action(app, round);
            // Timed: the frame that handles the action, the one that shows its result, and
            // more while the view has no text on screen (at most 6 in all).
            let start = Instant::now();
            let mut n = 0;
            while n < 2 || (n < 6 && !app.view.shows_text()) {
                app_frame(&ctx, app, &mut frame);
                n += 1;
            }
            all.push(start.elapsed().as_secs_f64() * 1e3);
            frames.push(n);
            check(app, before.0, before.1);
        }
        let first = all[0];
        all.sort_by(f64::total_cmp);
        println!(
            "| {what} | {:.2} | {:.2} | {first:.2} | {}–{} |",
            percentile(&all, 0.5),
            all[all.len() - 1],
            frames.iter().min().unwrap_or(&0),
            frames.iter().max().unwrap_or(&0)
        );
    };
    time(
        "select text and tag it (1)",
        &mut app,
        &|_, _| {},
        &|app, round| {
            // A different place each round, 1/22 of the document apart.
            let start = len / 20 + round * (len / 22);
            app.view.selection = Some(Selection {
                anchor: start,
                head: start + 9,
            });
            app.push(Command::Tag("event".to_owned()));
        },
        &|app, spans_before, _| {
            assert_eq!(
                spans(app),
                spans_before + 1,
                "tagged: {:?}",
                app.status_text()
            );
        },
    );
    time(
        "undo",
        &mut app,
        &|_, _| {},
        &|app, _| app.push(Command::Undo),
        &|app, spans_before, _| assert_eq!(spans(app) + 1, spans_before, "undone"),
    );
    time(
        "jump from the top to the end (Ctrl+End)",
        &mut app,
        &|app, _| app.push(Command::GoTo(ScrollTarget::Top(0))),
        &|app, _| app.push(Command::GoTo(ScrollTarget::End)),
        &|app, _, top_before| {
            assert_eq!(top_before, 0, "started at the top");
            assert!(top(app) > len * 9 / 10, "at the end");
        },
    );
    time(
        "jump to a far span from the list",
        &mut app,
        &|_, _| {},
        &|app, round| {
            // Spread over the document by the golden ratio: a different, far span each round.
            let at = ((round as f64 + 1.0) * 0.618_034).fract();
            let id = app.open.as_ref().and_then(|o| {
                o.layer()
                    .spans()
                    .get((at * n as f64) as usize)
                    .map(|s| o.own(s.id))
            });
            app.push(Command::SelectSpan(id, true));
        },
        &|app, _, top_before| {
            let moved = top(app).abs_diff(top_before);
            assert!(moved > len / 20, "the view moved far: {moved}");
        },
    );
}

/// The naive views' cost that a per-frame figure hides: laying the whole document out before
/// its first frame and again after every edit; next to spantag's document view opening the
/// same document (its first frame) on an equally warmed-up context.
fn naive_layouts(setup: &Setup) {
    println!("\nwhole-document layouts of the naive view, next to spantag's first frame (ms):");
    println!(
        "| document | naive: first frame (layout) | naive: frame after an edit, median of 5 | naive: repaint-only frame, median | spantag view: first frame |"
    );
    println!("|---|---|---|---|---|");
    for name in ["10kB-10", "1MB-10k"] {
        let doc = setup.dir.path().join(format!("{name}.txt"));
        let ron = store::annotation_path(&doc, "bench");
        // Warm the context (font atlas) with an empty scene first, as `Driver::new` does.
        struct Empty;
        impl Scene for Empty {
            fn frame(&mut self, ctx: &egui::Context, input: RawInput) {
                run(ctx, input, |ui| {
                    egui::CentralPanel::default().show(ui, |ui| ui.label("warm-up"));
                });
            }
        }
        let mut driver = Driver::new(Box::new(Empty));
        driver.scene = Box::new(Naive::new(&doc, &ron, NaiveKind::Galley));
        let timed = |driver: &mut Driver| {
            let start = Instant::now();
            driver.step();
            start.elapsed().as_secs_f64() * 1e3
        };
        let first = timed(&mut driver);
        let mut repaint: Vec<f64> = (0..20).map(|_| timed(&mut driver)).collect();
        let mut edits = Vec::new();
        for i in 0..5 {
            let mut naive = Naive::new(&doc, &ron, NaiveKind::Galley);
            naive.tag_at(0.1 + 0.15 * i as f64);
            // The same scene with one more span: its galley must be laid out again. (egui
            // keeps the rows it laid out in the last frame; the repaint-only frames between
            // edits lay out nothing, so each edit starts from an empty cache, as it would.)
            driver.scene = Box::new(naive);
            edits.push(timed(&mut driver));
            for _ in 0..3 {
                driver.step();
            }
        }
        repaint.sort_by(f64::total_cmp);
        edits.sort_by(f64::total_cmp);
        let mut view = Driver::new(Box::new(Empty));
        view.scene = Box::new(View(open_app(&doc)));
        let view_first = timed(&mut view);
        println!(
            "| {name} | {first:.1} | {:.1} | {:.3} | {view_first:.1} |",
            percentile(&edits, 0.5),
            percentile(&repaint, 0.5)
        );
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Interleaves frames of the configurations whose names start with one of `filter`, so that
/// they see the same machine, until each has `rounds` counted frames; returns (name, median
/// ms) and prints median, p99 and worst.
fn interleaved(
    drivers: &mut [(String, Driver)],
    filter: &[&str],
    rounds: usize,
) -> Vec<(String, f64)> {
    let chosen: Vec<usize> = (0..drivers.len())
        .filter(|&i| filter.iter().any(|f| drivers[i].0.starts_with(f)))
        .collect();
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); chosen.len()];
    let mut skipped = vec![0usize; chosen.len()];
    while times.iter().any(|t| t.len() < rounds) {
        for (slot, &i) in chosen.iter().enumerate() {
            if times[slot].len() >= rounds {
                continue;
            }
            let start = Instant::now();
            let counts = drivers[i].1.step();
            let ms = start.elapsed().as_secs_f64() * 1e3;
            if counts {
                times[slot].push(ms);
            } else {
                skipped[slot] += 1;
            }
        }
    }
    println!(
        "\n{rounds} interleaved frames each of {} (ms):",
        filter.join(", ")
    );
    println!("| configuration | median | p99 | worst | frames left out (did not move) |");
    println!("|---|---|---|---|---|");
    let mut medians = Vec::new();
    for (slot, &i) in chosen.iter().enumerate() {
        let t = &mut times[slot];
        t.sort_by(f64::total_cmp);
        let (median, p99, worst) = (percentile(t, 0.5), percentile(t, 0.99), t[t.len() - 1]);
        println!(
            "| {} | {median:.3} | {p99:.3} | {worst:.3} | {} |",
            drivers[i].0, skipped[slot]
        );
        medians.push((drivers[i].0.clone(), median));
    }
    medians
}

/// "within" or "over" a bound, from the numbers.
fn verdict(value: f64, bound: f64, at_most: bool) -> &'static str {
    if (at_most && value <= bound) || (!at_most && value >= bound) {
        "within"
    } else {
        "over"
    }
}

/// The figures of benches/README.md: each ratio from one interleaved run of the configurations it
/// compares.
fn side_by_side(drivers: &mut [(String, Driver)]) {
    let rounds = common::frames();
    let m = |medians: &[(String, f64)], n: &str| {
        medians
            .iter()
            .find(|(name, _)| name == n)
            .map_or(f64::NAN, |(_, v)| *v)
    };

    let app = interleaved(drivers, &["app/"], rounds);
    let r = m(&app, "app/10MB-100k") / m(&app, "app/10kB-10");
    println!(
        "warm: whole app, 10 MB/100k vs 10 kB/10 (median): {r:.2}x, {} the bound of 1.3x; 1 MB/10k vs 10 kB/10: {:.2}x; 10 MB/100k vs 1 MB/10k: {:.2}x",
        verdict(r, 1.3, true),
        m(&app, "app/1MB-10k") / m(&app, "app/10kB-10"),
        m(&app, "app/10MB-100k") / m(&app, "app/1MB-10k")
    );

    for (label, _) in COLD {
        let prefix = format!("{label}/app/");
        let cold = interleaved(drivers, &[prefix.as_str()], rounds);
        let r = m(&cold, &format!("{prefix}10MB-100k")) / m(&cold, &format!("{prefix}10kB-10"));
        println!(
            "{label}: whole app, 10 MB/100k vs 10 kB/10 (median): {r:.2}x ({} the warm bound of 1.3x); 1 MB/10k vs 10 kB/10: {:.2}x; 10 MB/100k vs 1 MB/10k: {:.2}x",
            verdict(r, 1.3, true),
            m(&cold, &format!("{prefix}1MB-10k")) / m(&cold, &format!("{prefix}10kB-10")),
            m(&cold, &format!("{prefix}10MB-100k")) / m(&cold, &format!("{prefix}1MB-10k"))
        );
    }

    let views = interleaved(
        drivers,
        &["view/", "naive/", "naive-cached/", "naive-galley/"],
        rounds,
    );
    println!(
        "document view, 10 MB/100k vs 10 kB/10 (median): {:.2}x",
        m(&views, "view/10MB-100k") / m(&views, "view/10kB-10")
    );
    // The same views interleaved only with each other: the naive views between them evict
    // the CPU caches, which costs the larger documents' views more.
    let alone = interleaved(drivers, &["view/"], rounds);
    println!(
        "document view alone (interleaved only with the other views), 10 MB/100k vs 10 kB/10 (median): {:.2}x; 1 MB/10k vs 10 kB/10: {:.2}x",
        m(&alone, "view/10MB-100k") / m(&alone, "view/10kB-10"),
        m(&alone, "view/1MB-10k") / m(&alone, "view/10kB-10")
    );
    for (label, what) in [
        ("naive", "naive view (job built per frame)"),
        ("naive-cached", "naive view with a cached job"),
        (
            "naive-galley",
            "naive view with a cached galley (repaint only)",
        ),
    ] {
        let r = m(&views, &format!("{label}/1MB-10k")) / m(&views, "view/1MB-10k");
        println!(
            "{what} / spantag view at 1 MB/10k (median): {r:.1}x ({} the bound of >= 20x); at 10 kB/10: {:.1}x",
            verdict(r, 20.0, false),
            m(&views, &format!("{label}/10kB-10")) / m(&views, "view/10kB-10")
        );
    }
}

criterion_group!(benches, frame);
criterion_main!(benches);
