//! A whole app run headless for frame benchmarks: 1400×900, `Context::run_ui` plus
//! tessellation, scrolling 10 wheel steps down then 10 up, pointer over the text.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // Benchmarks panic on set-up failure.

use std::time::Instant;

use egui::{Event, Modifiers, MouseWheelUnit, Pos2, RawInput, Rect, pos2, vec2};
use spantag_app::SpantagApp;

/// Feeds the app frames and times them.
pub struct Driver {
    ctx: egui::Context,
    /// The app.
    pub app: SpantagApp,
    frame: u64,
}

impl Driver {
    /// A driver whose first frame has not run yet (to time it).
    pub fn new_cold(app: SpantagApp) -> Self {
        let ctx = egui::Context::default();
        ctx.set_theme(egui::Theme::Dark);
        Self { ctx, app, frame: 0 }
    }

    /// A driver warmed up by 20 frames (font atlas, first layouts).
    pub fn new(app: SpantagApp) -> Self {
        let ctx = egui::Context::default();
        ctx.set_theme(egui::Theme::Dark);
        let mut d = Self { ctx, app, frame: 0 };
        for _ in 0..20 {
            d.step();
        }
        d
    }

    /// One frame; returns its time in ms.
    pub fn step(&mut self) -> f64 {
        let down = (self.frame / 10).is_multiple_of(2);
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(pos2(0.0, 0.0), vec2(1400.0, 900.0))),
            time: Some(self.frame as f64 / 60.0),
            predicted_dt: 1.0 / 60.0,
            events: vec![
                Event::PointerMoved(Pos2::new(420.0, 450.0)),
                Event::MouseWheel {
                    unit: MouseWheelUnit::Point,
                    delta: vec2(0.0, if down { -120.0 } else { 120.0 }),
                    phase: egui::TouchPhase::Move,
                    modifiers: Modifiers::NONE,
                    source: egui::MouseWheelSource::Wheel,
                },
            ],
            ..Default::default()
        };
        let started = Instant::now();
        let mut output = self.ctx.run_ui(input, |ui| self.app.ui_root(ui));
        let shapes = std::mem::take(&mut output.shapes);
        std::hint::black_box(self.ctx.tessellate(shapes, output.pixels_per_point));
        output.textures_delta.clear();
        self.frame += 1;
        started.elapsed().as_secs_f64() * 1e3
    }
}
