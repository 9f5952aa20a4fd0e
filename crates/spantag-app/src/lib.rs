//! The egui user interface on top of the core.

pub mod agreement;
pub mod app;
pub mod command;
pub mod conflicts;
pub mod corpus;
pub mod doc_view;
pub mod label_editor;
pub mod open;
pub mod panels;
pub mod review;
pub mod search;
pub mod span_attributes;
pub mod suggestions;
pub mod theme;
pub mod transfer;
pub mod versions;

pub use app::{AppOptions, SpantagApp};
pub use command::Command;

/// The window icon, from `assets/icon.png`.
pub fn icon() -> Option<egui::IconData> {
    eframe::icon_data::from_png_bytes(include_bytes!("../../../assets/icon.png")).ok()
}

/// Opens the main window and runs until it is closed.
pub fn run(options: AppOptions) -> eframe::Result {
    let crash_dir = options
        .config_dir
        .clone()
        .or_else(spantag_core::settings::Settings::default_dir);
    spantag_core::recovery::install_panic_hook(crash_dir);
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("spantag")
        .with_app_id("spantag")
        .with_inner_size([1280.0, 820.0])
        .with_min_inner_size([640.0, 400.0])
        .with_drag_and_drop(true);
    if let Some(icon) = icon() {
        viewport = viewport.with_icon(icon);
    }
    let native = eframe::NativeOptions {
        viewport,
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    eframe::run_native(
        "spantag",
        native,
        Box::new(move |cc| Ok(Box::new(SpantagApp::new(cc, options)))),
    )
}
