//! CPU time per frame while scrolling (10 wheel steps down, 10 up, over and over): the real app's UI run headless on an `egui::Context`
//! (1400×900, `Context::run_ui` plus tessellation), for 10 kB / 10 spans, 1 MB / 10k spans and
//! 10 MB / 100k spans, and a naive baseline (the whole document in one `LayoutJob` with a
//! highlight per span, in a `Label` inside a `ScrollArea`) at 10 kB and 1 MB.
//!
//! After criterion's runs, a side-by-side pass interleaves the configurations frame by frame
//! (so machine noise hits them alike) and prints median and p99 frame times and the ratios
//! the README reports.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Benchmarks panic on set-up failure.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use egui::{Color32, Event, Modifiers, MouseWheelUnit, Pos2, RawInput, Rect, pos2, vec2};
use spantag::document::Document;
use spantag::store;
use spantag::ui::{AppOptions, SpantagApp};

const SIZE: egui::Vec2 = vec2(1400.0, 900.0);

trait Scene {
    fn frame(&mut self, ctx: &egui::Context, input: RawInput);
}

/// One frame: run the UI, tessellate, drop texture updates.
fn run(ctx: &egui::Context, input: RawInput, mut ui: impl FnMut(&mut egui::Ui)) {
    let mut output = ctx.run_ui(input, |ui_root| ui(ui_root));
    let shapes = std::mem::take(&mut output.shapes);
    std::hint::black_box(ctx.tessellate(shapes, output.pixels_per_point));
    output.textures_delta.clear();
}

/// The whole app: menus, panels, span list, status bar and the document view.
struct App(SpantagApp);

impl Scene for App {
    fn frame(&mut self, ctx: &egui::Context, input: RawInput) {
        run(ctx, input, |ui| self.0.ui_root(ui));
    }
}

/// spantag's document view alone in a central panel: what the naive baseline is compared to.
struct View(SpantagApp);

impl Scene for View {
    fn frame(&mut self, ctx: &egui::Context, input: RawInput) {
        run(ctx, input, |ui| {
            egui::CentralPanel::default().show(ui, |ui| self.0.document_ui(ui));
        });
    }
}

/// What a typical egui annotator does: one `LayoutJob` for the whole text with a background
/// colour per span, built in the frame (immediate mode) and shown as a `Label` in a
/// `ScrollArea`. With `cached`, the job is built once and cloned each frame instead.
struct Naive {
    text: String,
    /// (byte start, byte end, colour index or none) sections, from a sweep over the spans.
    spans: Vec<(usize, usize, usize)>,
    cached: Option<egui::text::LayoutJob>,
}

const COLORS: [Color32; 3] = [
    Color32::from_rgb(78, 121, 167),
    Color32::from_rgb(225, 87, 89),
    Color32::from_rgb(89, 161, 79),
];

impl Naive {
    fn new(doc_path: &Path, ron: &Path, cached: bool) -> Self {
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
            cached: None,
        };
        if cached {
            naive.cached = Some(naive.job());
        }
        naive
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
        let job = match &self.cached {
            Some(job) => job.clone(),
            None => self.job(),
        };
        run(ctx, input, |ui| {
            egui::CentralPanel::default().show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .auto_shrink(false)
                    .show(ui, |ui| {
                        ui.add(egui::Label::new(job.clone()).wrap());
                    });
            });
        });
    }
}

/// Feeds a scene frames that scroll 10 wheel steps down, then 10 up, and so on: the same
/// distance for every document, so none of them stops at its end.
struct Driver {
    ctx: egui::Context,
    scene: Box<dyn Scene>,
    frame: u64,
}

impl Driver {
    fn new(scene: Box<dyn Scene>) -> Self {
        let ctx = egui::Context::default();
        ctx.set_theme(egui::Theme::Dark);
        let mut driver = Self {
            ctx,
            scene,
            frame: 0,
        };
        for _ in 0..10 {
            driver.step(); // font atlas, first layouts
        }
        driver
    }

    fn input(&self) -> RawInput {
        let t = self.frame as f64 / 60.0;
        // In the left margin of the text column (inside the scroll area, so the wheel
        // scrolls it, but over no span, so no tooltip is drawn).
        let pointer = Pos2::new(245.0, 450.0);
        let down = (self.frame / 10).is_multiple_of(2);
        RawInput {
            screen_rect: Some(Rect::from_min_size(pos2(0.0, 0.0), SIZE)),
            time: Some(t),
            predicted_dt: 1.0 / 60.0,
            events: vec![
                Event::PointerMoved(pointer),
                Event::MouseWheel {
                    unit: MouseWheelUnit::Point,
                    delta: vec2(0.0, if down { -120.0 } else { 120.0 }),
                    phase: egui::TouchPhase::Move,
                    modifiers: Modifiers::NONE,
                    source: egui::MouseWheelSource::Wheel,
                },
            ],
            ..Default::default()
        }
    }

    fn step(&mut self) {
        let input = self.input();
        self.scene.frame(&self.ctx, input);
        self.frame += 1;
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
        if bytes <= 1_000_000 {
            for (label, cached) in [("naive", false), ("naive-cached", true)] {
                let scene = Naive::new(&corpus.doc, &corpus.ron, cached);
                drivers.push((format!("{label}/{name}"), Driver::new(Box::new(scene))));
            }
        }
    }
    Setup { dir, drivers }
}

fn frame(c: &mut Criterion) {
    let mut setup = setup();
    let mut group = c.benchmark_group("frame");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(4));
    let only = std::env::var("SPANTAG_BENCH_ONLY").unwrap_or_default();
    for (name, driver) in &mut setup.drivers {
        if name.contains(only.as_str()) {
            group.bench_function(name.as_str(), |b| b.iter(|| driver.step()));
        }
    }
    group.finish();
    responses(&setup);
    let profile = std::env::var("SPANTAG_BENCH_PROFILE").unwrap_or_default();
    if profile.is_empty() {
        side_by_side(&mut setup.drivers);
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

/// How long the frames that carry out a user action take on the 10 MB / 100k document: the
/// frame that handles it and the one after (which shows its result).
fn responses(setup: &Setup) {
    use spantag::ui::Command;
    use spantag::ui::doc_view::{ScrollTarget, Selection};
    let doc = setup.dir.path().join("10MB-100k.txt");
    let mut app = open_app(&doc);
    let ctx = egui::Context::default();
    let mut frame = 0u64;
    let mut step = |app: &mut SpantagApp| {
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(pos2(0.0, 0.0), SIZE)),
            time: Some(frame as f64 / 60.0),
            ..Default::default()
        };
        frame += 1;
        run(&ctx, input, |ui| app.ui_root(ui));
    };
    for _ in 0..5 {
        step(&mut app);
    }
    let mut time = |name: &str, app: &mut SpantagApp, setup_action: &dyn Fn(&mut SpantagApp)| {
        let mut worst: f64 = 0.0;
        let mut all = Vec::new();
        for _ in 0..20 {
            setup_action(app);
            let start = Instant::now();
            step(app);
            step(app);
            let ms = start.elapsed().as_secs_f64() * 1e3;
            worst = worst.max(ms);
            all.push(ms);
        }
        all.sort_by(f64::total_cmp);
        println!("| {name} | {:.2} | {worst:.2} |", percentile(&all, 0.5));
    };
    println!("\nresponding to an action on the 10 MB / 100k-span document, two frames (ms):");
    println!("| action | median | worst of 20 |");
    println!("|---|---|---|");
    time("select text and tag it (1)", &mut app, &|app| {
        let start = 5_000_000
            + app
                .open
                .as_ref()
                .map_or(0, |o| o.layer().spans().len() % 1000)
                * 7;
        app.view.selection = Some(Selection {
            anchor: start,
            head: start + 9,
        });
        app.push(Command::Tag("event".to_owned()));
    });
    time("undo", &mut app, &|app| app.push(Command::Undo));
    time("jump to the end (Ctrl+End)", &mut app, &|app| {
        app.push(Command::GoTo(ScrollTarget::Top(0)));
        app.push(Command::GoTo(ScrollTarget::End));
    });
    time("jump to a span from the list", &mut app, &|app| {
        let id = app.open.as_ref().and_then(|o| {
            o.layer()
                .spans()
                .get(o.layer().spans().len() / 2 + app.view.selection.map_or(0, |s| s.anchor % 100))
                .map(|s| o.own(s.id))
        });
        app.push(Command::SelectSpan(id, true));
    });
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Interleaves frames of the configurations whose names contain `filter`, so that they
/// see the same machine; returns (name, median ms) and prints median and p99.
fn interleaved(
    drivers: &mut [(String, Driver)],
    filter: &[&str],
    rounds: usize,
) -> Vec<(String, f64)> {
    let chosen: Vec<usize> = (0..drivers.len())
        .filter(|&i| filter.iter().any(|f| drivers[i].0.starts_with(f)))
        .collect();
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); chosen.len()];
    for _ in 0..rounds {
        for (slot, &i) in chosen.iter().enumerate() {
            let start = Instant::now();
            drivers[i].1.step();
            times[slot].push(start.elapsed().as_secs_f64() * 1e3);
        }
    }
    println!(
        "\n{rounds} interleaved frames each of {} (ms):",
        filter.join(", ")
    );
    println!("| configuration | median | p99 |");
    println!("|---|---|---|");
    let mut medians = Vec::new();
    for (slot, &i) in chosen.iter().enumerate() {
        let t = &mut times[slot];
        t.sort_by(f64::total_cmp);
        let (median, p99) = (percentile(t, 0.5), percentile(t, 0.99));
        println!("| {} | {median:.3} | {p99:.3} |", drivers[i].0);
        medians.push((drivers[i].0.clone(), median));
    }
    medians
}

/// The figures of the README: each ratio from one interleaved run of the configurations it
/// compares.
fn side_by_side(drivers: &mut [(String, Driver)]) {
    let rounds = std::env::var("SPANTAG_BENCH_FRAMES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(600);
    let m = |medians: &[(String, f64)], n: &str| {
        medians
            .iter()
            .find(|(name, _)| name == n)
            .map_or(f64::NAN, |(_, v)| *v)
    };

    let app = interleaved(drivers, &["app/"], rounds);
    println!(
        "whole app, 10 MB/100k vs 10 kB/10 (median): {:.2}x (must be <= 1.3); 1 MB/10k vs 10 kB/10: {:.2}x",
        m(&app, "app/10MB-100k") / m(&app, "app/10kB-10"),
        m(&app, "app/1MB-10k") / m(&app, "app/10kB-10")
    );

    let views = interleaved(drivers, &["view/", "naive/", "naive-cached/"], rounds);
    println!(
        "document view, 10 MB/100k vs 10 kB/10 (median): {:.2}x",
        m(&views, "view/10MB-100k") / m(&views, "view/10kB-10")
    );
    println!(
        "naive view / spantag view at 1 MB/10k (median): {:.1}x (must be >= 20)",
        m(&views, "naive/1MB-10k") / m(&views, "view/1MB-10k")
    );
    println!(
        "naive view with a cached job / spantag view at 1 MB/10k (median): {:.1}x",
        m(&views, "naive-cached/1MB-10k") / m(&views, "view/1MB-10k")
    );
    println!(
        "naive view / spantag view at 10 kB/10 (median): {:.1}x",
        m(&views, "naive/10kB-10") / m(&views, "view/10kB-10")
    );
}

criterion_group!(benches, frame);
criterion_main!(benches);
