//! CPU time per frame while scrolling: the real app's UI run headless on an `egui::Context`
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

struct App(SpantagApp);

impl Scene for App {
    fn frame(&mut self, ctx: &egui::Context, input: RawInput) {
        run(ctx, input, |ui| self.0.ui_root(ui));
    }
}

/// What a typical egui annotator does: one `LayoutJob` for the whole text with a background
/// colour per span, shown as a `Label` in a `ScrollArea`.
struct Naive {
    job: egui::text::LayoutJob,
}

impl Naive {
    fn new(doc_path: &Path, ron: &Path) -> Self {
        let doc = Document::open(doc_path).unwrap();
        let layer = store::load_layer(&doc, ron, "bench").unwrap().layer;
        let text = doc.text();
        // Section boundaries at every span start and end.
        let mut cuts: Vec<usize> = layer
            .spans()
            .iter()
            .flat_map(|s| [s.start, s.end])
            .collect();
        cuts.push(0);
        cuts.push(doc.char_len());
        cuts.sort_unstable();
        cuts.dedup();
        let mut job = egui::text::LayoutJob::default();
        let colors = [
            Color32::from_rgb(78, 121, 167),
            Color32::from_rgb(225, 87, 89),
            Color32::from_rgb(89, 161, 79),
        ];
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let inner = layer
                .spans()
                .iter()
                .filter(|s| s.start <= a && s.end >= b)
                .min_by_key(|s| s.len());
            let background = inner.map_or(Color32::TRANSPARENT, |s| {
                colors[layer.scheme.position(&s.label).unwrap_or(0) % 3].gamma_multiply(0.3)
            });
            let (ba, bb) = (doc.byte_from_char(a), doc.byte_from_char(b));
            job.append(
                &text[ba..bb],
                0.0,
                egui::TextFormat {
                    font_id: egui::FontId::proportional(17.0),
                    color: Color32::from_gray(222),
                    background,
                    ..Default::default()
                },
            );
        }
        Self { job }
    }
}

impl Scene for Naive {
    fn frame(&mut self, ctx: &egui::Context, input: RawInput) {
        let job = &self.job;
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

/// Feeds a scene frames that scroll down (and back up every 40 frames) with the wheel.
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
        let pointer = Pos2::new(700.0, 450.0);
        let down = (self.frame / 40).is_multiple_of(2);
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

fn app_scene(doc: &Path) -> Box<dyn Scene> {
    let config = tempfile::tempdir().unwrap().keep();
    let app = SpantagApp::headless(AppOptions {
        document: Some(doc.to_path_buf()),
        annotator: Some("bench".to_owned()),
        config_dir: Some(config),
    });
    assert!(app.open.is_some(), "the benchmark document opens");
    Box::new(App(app))
}

struct Setup {
    _dir: tempfile::TempDir,
    drivers: Vec<(String, Driver)>,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let mut drivers = Vec::new();
    for (name, bytes, spans) in common::SIZES {
        let corpus = common::corpus(dir.path(), name, bytes, spans);
        drivers.push((
            format!("spantag/{name}"),
            Driver::new(app_scene(&corpus.doc)),
        ));
        if bytes <= 1_000_000 {
            drivers.push((
                format!("naive/{name}"),
                Driver::new(Box::new(Naive::new(&corpus.doc, &corpus.ron))),
            ));
        }
    }
    Setup { _dir: dir, drivers }
}

fn frame(c: &mut Criterion) {
    let mut setup = setup();
    let mut group = c.benchmark_group("frame");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(4));
    for (name, driver) in &mut setup.drivers {
        group.bench_function(name.as_str(), |b| b.iter(|| driver.step()));
    }
    group.finish();
    side_by_side(&mut setup.drivers);
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Interleaved frames, so every configuration sees the same machine.
fn side_by_side(drivers: &mut [(String, Driver)]) {
    let rounds = std::env::var("SPANTAG_BENCH_FRAMES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); drivers.len()];
    for _ in 0..rounds {
        for (i, (_, driver)) in drivers.iter_mut().enumerate() {
            let start = Instant::now();
            driver.step();
            times[i].push(start.elapsed().as_secs_f64() * 1e3);
        }
    }
    let mut medians = Vec::new();
    println!("\nside by side, {rounds} interleaved frames each (ms):");
    println!("| configuration | median | p99 |");
    println!("|---|---|---|");
    for ((name, _), t) in drivers.iter().zip(&mut times) {
        t.sort_by(f64::total_cmp);
        let (median, p99) = (percentile(t, 0.5), percentile(t, 0.99));
        println!("| {name} | {median:.3} | {p99:.3} |");
        medians.push((name.clone(), median));
    }
    let m = |n: &str| {
        medians
            .iter()
            .find(|(name, _)| name == n)
            .map_or(f64::NAN, |(_, v)| *v)
    };
    println!(
        "\n10 MB/100k vs 10 kB/10 (median): {:.2}x (must be <= 1.3)",
        m("spantag/10MB-100k") / m("spantag/10kB-10")
    );
    println!(
        "naive vs spantag at 1 MB/10k (median): {:.1}x cheaper (must be >= 20)",
        m("naive/1MB-10k") / m("spantag/1MB-10k")
    );
    println!(
        "naive vs spantag at 10 kB/10 (median): {:.1}x",
        m("naive/10kB-10") / m("spantag/10kB-10")
    );
}

criterion_group!(benches, frame);
criterion_main!(benches);
