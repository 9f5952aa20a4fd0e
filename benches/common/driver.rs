//! The app run headless frame by frame, for the frame benchmarks (`frame`, `review`,
//! `corpus_relations`): a [`Scene`] (the whole app, or one of `frame`'s views) fed 1400×900
//! frames on an `egui::Context` (`Context::run_ui` plus tessellation) that scroll as a
//! [`Motion`] says, with the pointer resting at one place.

use std::time::Instant;

use egui::{Event, Modifiers, MouseWheelUnit, Pos2, RawInput, Rect, pos2, vec2};
use spantag_app::SpantagApp;
use spantag_app::doc_view::ScrollTarget;

/// The window the frames are run in.
pub const SIZE: egui::Vec2 = vec2(1400.0, 900.0);

/// In the left margin of the text column: inside the scroll area, so the wheel scrolls it,
/// but over no span, so no tooltip is drawn (`frame`).
pub const IN_THE_MARGIN: Pos2 = Pos2::new(245.0, 450.0);

/// Over the text (`review`, `corpus_relations`).
pub const OVER_THE_TEXT: Pos2 = Pos2::new(420.0, 450.0);

/// What a driver runs each frame.
pub trait Scene {
    /// One frame.
    fn frame(&mut self, ctx: &egui::Context, input: RawInput);
    /// The app, for scenes that have one (cold scrolling moves and resets its view).
    fn app(&mut self) -> Option<&mut SpantagApp> {
        None
    }
}

/// One frame: run the UI, tessellate, drop texture updates.
pub fn run(ctx: &egui::Context, input: RawInput, mut ui: impl FnMut(&mut egui::Ui)) {
    let mut output = ctx.run_ui(input, |ui_root| ui(ui_root));
    let shapes = std::mem::take(&mut output.shapes);
    std::hint::black_box(ctx.tessellate(shapes, output.pixels_per_point));
    output.textures_delta.clear();
}

/// The whole app: menus, panels, span list, status bar and the document view.
pub struct App(pub SpantagApp);

impl Scene for App {
    fn frame(&mut self, ctx: &egui::Context, input: RawInput) {
        run(ctx, input, |ui| self.0.ui_root(ui));
    }
    fn app(&mut self) -> Option<&mut SpantagApp> {
        Some(&mut self.0)
    }
}

/// How a driver scrolls.
#[derive(Clone, Copy, PartialEq)]
pub enum Motion {
    /// Warm: 10 wheel steps (120 px) down, then 10 up, and so on: the same distance for every
    /// document, so none of them stops at its end.
    BackAndForth,
    /// Cold: this many screen heights (900 px) down each frame, through the whole document;
    /// at the end, back to the top with a fresh view.
    Down(f32),
    /// Cold: a jump to a random place each frame (`ScrollTarget::Top`); documents of less
    /// than 100k characters get a fresh view before each jump.
    Jump,
}

/// Wheel steps under 8 points are applied at once rather than smoothed over frames by egui,
/// so a distance is sent as many steps of this size.
const SMALL_STEP: f32 = 7.5;

/// Feeds a scene frames that scroll as its [`Motion`] says.
pub struct Driver {
    ctx: egui::Context,
    /// What it runs (a benchmark may swap it for another on the same warmed-up context).
    pub scene: Box<dyn Scene>,
    motion: Motion,
    /// Where the pointer rests.
    pointer: Pos2,
    frame: u64,
    seed: u64,
    /// The view's top offset after the previous frame (cold motions).
    last_top: Option<usize>,
    /// Frames in a row in which the view did not move.
    stuck: u32,
    /// How long the last frame's UI and tessellation took, in ms.
    last_ms: f64,
}

impl Driver {
    /// Scrolls back and forth with the pointer in the margin, after 10 warm-up frames.
    pub fn new(scene: Box<dyn Scene>) -> Self {
        Self::with_motion(scene, Motion::BackAndForth)
    }

    /// Scrolls as `motion` says with the pointer in the margin, after 10 warm-up frames (a
    /// cold motion then starts again at the top with a fresh view).
    pub fn with_motion(scene: Box<dyn Scene>, motion: Motion) -> Self {
        let mut driver = Self::cold(scene, motion, IN_THE_MARGIN);
        for _ in 0..10 {
            driver.step(); // font atlas, first layouts
        }
        if motion != Motion::BackAndForth {
            driver.restart(); // the warm-up frames saw the top of the document
        }
        driver
    }

    /// The whole app scrolling back and forth with the pointer over the text, after 20
    /// warm-up frames (font atlas, first layouts).
    pub fn over_the_text(app: SpantagApp) -> Self {
        let mut driver = Self::over_the_text_cold(app);
        for _ in 0..20 {
            driver.step();
        }
        driver
    }

    /// The same before its first frame (to time it).
    pub fn over_the_text_cold(app: SpantagApp) -> Self {
        Self::cold(Box::new(App(app)), Motion::BackAndForth, OVER_THE_TEXT)
    }

    fn cold(scene: Box<dyn Scene>, motion: Motion, pointer: Pos2) -> Self {
        let ctx = egui::Context::default();
        ctx.set_theme(egui::Theme::Dark);
        Self {
            ctx,
            scene,
            motion,
            pointer,
            frame: 0,
            seed: 42,
            last_top: None,
            stuck: 0,
            last_ms: 0.0,
        }
    }

    /// The scene's app.
    pub fn app(&mut self) -> &mut SpantagApp {
        self.scene.app().expect("the scene has an app")
    }

    /// Back to the top with a view that has seen nothing.
    fn restart(&mut self) {
        if let Some(app) = self.scene.app() {
            app.view.reset();
            app.view.scroll_to(ScrollTarget::Top(0));
        }
        self.last_top = None;
        self.stuck = 0;
    }

    fn input(&self) -> RawInput {
        let t = self.frame as f64 / 60.0;
        let wheel = |dy: f32| Event::MouseWheel {
            unit: MouseWheelUnit::Point,
            delta: vec2(0.0, dy),
            phase: egui::TouchPhase::Move,
            modifiers: Modifiers::NONE,
            source: egui::MouseWheelSource::Wheel,
        };
        let mut events = vec![Event::PointerMoved(self.pointer)];
        match self.motion {
            Motion::BackAndForth => {
                let down = (self.frame / 10).is_multiple_of(2);
                events.push(wheel(if down { -120.0 } else { 120.0 }));
            }
            Motion::Down(screens) => {
                let steps = (screens * SIZE.y / SMALL_STEP).round() as usize;
                events.extend((0..steps).map(|_| wheel(-SMALL_STEP)));
            }
            Motion::Jump => {}
        }
        RawInput {
            screen_rect: Some(Rect::from_min_size(pos2(0.0, 0.0), SIZE)),
            time: Some(t),
            predicted_dt: 1.0 / 60.0,
            events,
            ..Default::default()
        }
    }

    /// One frame; returns its time in ms: the scene's UI and tessellation.
    pub fn step_ms(&mut self) -> f64 {
        self.step();
        self.last_ms
    }

    /// One frame; returns whether it counts: a cold frame that did not move does not, since
    /// it lays out nothing new. That is the end of the document, or a frame in which the view
    /// corrects its scroll offset after blocks above the top turned out taller or shorter than
    /// estimated; two such frames in a row are the end, and the next frame starts at the top.
    pub fn step(&mut self) -> bool {
        let motion = self.motion;
        if motion == Motion::Jump {
            self.seed = self
                .seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let seed = self.seed;
            if let Some(app) = self.scene.app() {
                let len = app
                    .open
                    .as_ref()
                    .map_or(0, |o| o.session.document().char_len());
                if len < 100_000 {
                    app.view.reset();
                }
                let to = ((seed >> 33) as usize) % len.max(1);
                app.view.scroll_to(ScrollTarget::Top(to));
            }
        }
        let input = self.input();
        let started = Instant::now();
        self.scene.frame(&self.ctx, input);
        self.last_ms = started.elapsed().as_secs_f64() * 1e3;
        self.frame += 1;
        if let Motion::Down(_) = motion {
            let top = self.scene.app().and_then(|app| app.view.top_offset());
            let moved = self.last_top.is_none() || top != self.last_top;
            self.last_top = top;
            if !moved {
                self.stuck += 1;
                if self.stuck >= 2 {
                    self.restart();
                }
                return false;
            }
            self.stuck = 0;
        }
        true
    }
}
