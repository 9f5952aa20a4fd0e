//! Colours, fonts and sizes: every visual constant of the app lives here.

use egui::{
    Color32, FontData, FontFamily, FontId,
    epaint::text::{FontInsert, FontPriority, InsertFontFamily},
};

use spantag_core::annotation::Label;

/// Widest the text column gets, in points, so lines stay readable on wide screens.
pub const MAX_TEXT_WIDTH: f32 = 860.0;
/// Space left and right of the text column, in points.
pub const TEXT_MARGIN: f32 = 28.0;
/// Thickness of one nesting lane under the text, in points.
pub const LANE_THICKNESS: f32 = 2.5;
/// Gap between lanes, in points.
pub const LANE_GAP: f32 = 1.0;
/// How many lanes are drawn; deeper nesting shares the last lane.
pub const MAX_LANES: usize = 3;
/// How far the first lane reaches up into the descender area of the text row, in points.
pub const LANE_OVERLAP: f32 = 3.0;
/// Smallest and largest document font size.
pub const FONT_SIZE_RANGE: (f32, f32) = (10.0, 32.0);

/// The font of the document text.
pub fn document_font(size: f32) -> FontId {
    FontId::proportional(size)
}

/// Extra room above each row for relation arcs and their labels, when the shown layers have
/// relations (egui adds the same below, where the lanes are).
pub const ARC_BAND: f32 = 8.0;

/// [`line_height_for`], with room above each row for relation arcs when `arcs`.
pub fn line_height_with(row_height: f32, lanes: usize, arcs: bool) -> f32 {
    line_height_for(row_height, lanes) + if arcs { 2.0 * ARC_BAND } else { 0.0 }
}

/// Height of one lane step (bar plus gap), in points.
pub const LANE_STEP: f32 = LANE_THICKNESS + LANE_GAP;

/// Line height for a font's row height: egui splits the extra space evenly above and below
/// the glyphs, and the space below holds the nesting lanes.
pub fn line_height(row_height: f32) -> f32 {
    line_height_for(row_height, MAX_LANES)
}

/// [`line_height`] with room for `lanes` lanes (review mode gives each annotator one).
pub fn line_height_for(row_height: f32, lanes: usize) -> f32 {
    (row_height + 2.0 * (lanes.max(1) as f32 * LANE_STEP - LANE_OVERLAP).max(2.0)).round()
}

/// The colour of the document text: stronger than egui's default body text, for reading.
pub fn document_text(dark_mode: bool) -> Color32 {
    if dark_mode {
        Color32::from_gray(222)
    } else {
        Color32::from_gray(24)
    }
}

/// A label's colour.
pub fn label_color(label: &Label) -> Color32 {
    let [r, g, b] = label.rgb();
    Color32::from_rgb(r, g, b)
}

/// The fill behind a span's text; nested spans stack and get darker.
pub fn span_fill(color: Color32, dark_mode: bool) -> Color32 {
    let alpha = if dark_mode { 0.26 } else { 0.20 };
    color.gamma_multiply(alpha)
}

/// The fill behind the selected span.
pub fn selected_span_fill(color: Color32, dark_mode: bool) -> Color32 {
    let alpha = if dark_mode { 0.55 } else { 0.45 };
    color.gamma_multiply(alpha)
}

/// The fill behind search matches; `current` for the one the user is on.
pub fn search_fill(dark_mode: bool, current: bool) -> Color32 {
    let base = if dark_mode {
        Color32::from_rgb(0xd8, 0xa6, 0x1e)
    } else {
        Color32::from_rgb(0xf2, 0xc1, 0x2e)
    };
    base.gamma_multiply(if current { 0.75 } else { 0.35 })
}

/// The background behind a relation arc's label, so that it reads over the text below.
pub fn relation_label_bg(dark_mode: bool) -> Color32 {
    if dark_mode {
        Color32::from_rgb(0x1b, 0x1b, 0x1b)
    } else {
        Color32::from_rgb(0xf8, 0xf8, 0xf8)
    }
}

/// Readable text on top of a label-coloured chip.
pub fn text_on(color: Color32) -> Color32 {
    let [r, g, b, _] = color.to_array();
    let luma = 0.299 * f32::from(r) + 0.587 * f32::from(g) + 0.114 * f32::from(b);
    if luma > 150.0 {
        Color32::from_gray(20)
    } else {
        Color32::WHITE
    }
}

/// The colour of notices about problems.
pub fn warning_color(dark_mode: bool) -> Color32 {
    if dark_mode {
        Color32::from_rgb(0xf2, 0xc0, 0x5c)
    } else {
        Color32::from_rgb(0x9a, 0x5b, 0x00)
    }
}

/// The colour of what is done and fine (a chosen version).
pub fn ok_color(dark_mode: bool) -> Color32 {
    if dark_mode {
        Color32::from_rgb(0x7c, 0xd3, 0x8a)
    } else {
        Color32::from_rgb(0x1e, 0x7a, 0x34)
    }
}

/// The colour of errors.
pub fn error_color(dark_mode: bool) -> Color32 {
    if dark_mode {
        Color32::from_rgb(0xff, 0x80, 0x70)
    } else {
        Color32::from_rgb(0xb0, 0x1e, 0x10)
    }
}

/// Applies the light or dark theme.
pub fn apply(ctx: &egui::Context, dark_mode: bool) {
    ctx.set_theme(if dark_mode {
        egui::Theme::Dark
    } else {
        egui::Theme::Light
    });
}

/// System fonts tried as fallbacks for scripts egui's built-in fonts lack (CJK, Hebrew,
/// Arabic, Devanagari, …). Missing files are skipped.
const FALLBACK_FONTS: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "C:\\Windows\\Fonts\\msyh.ttc",
    "C:\\Windows\\Fonts\\seguisym.ttf",
    // Emoji the bundled Noto Emoji subset lacks (🤝, 🙂, …), in monochrome outlines egui
    // can draw: Symbola (Debian/Ubuntu `fonts-symbola`, Fedora, Arch), Noto Emoji, Segoe UI
    // Emoji. After the bundled fonts, so those win where they have the glyph.
    "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",
    "/usr/share/fonts/gdouros-symbola/Symbola.ttf",
    "/usr/share/fonts/TTF/Symbola.ttf",
    "/usr/share/fonts/truetype/noto/NotoEmoji-Regular.ttf",
    "/usr/share/fonts/noto/NotoEmoji-Regular.ttf",
    "C:\\Windows\\Fonts\\seguiemj.ttf",
];

/// Adds the system fallback fonts that exist on this machine.
pub fn install_fallback_fonts(ctx: &egui::Context) {
    for path in FALLBACK_FONTS {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        ctx.add_font(FontInsert::new(
            path,
            FontData::from_owned(bytes),
            vec![
                InsertFontFamily {
                    family: FontFamily::Proportional,
                    priority: FontPriority::Lowest,
                },
                InsertFontFamily {
                    family: FontFamily::Monospace,
                    priority: FontPriority::Lowest,
                },
            ],
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Needs a system emoji font (CI installs `fonts-symbola`); run with `--include-ignored`.
    #[test]
    #[ignore = "needs an emoji font on the system: apt-get install fonts-symbola"]
    fn emoji_the_bundled_fonts_lack_fall_back_to_a_system_font() {
        let ctx = egui::Context::default();
        let font = egui::FontId::proportional(14.0);
        let _ = ctx.run_ui(egui::RawInput::default(), |_| {});
        let bundled = ctx.fonts_mut(|f| f.has_glyph(&font, '🤝'));
        assert!(
            !bundled,
            "the bundled fonts have 🤝 now: this fallback may be unneeded"
        );
        install_fallback_fonts(&ctx);
        let _ = ctx.run_ui(egui::RawInput::default(), |_| {});
        let _ = ctx.run_ui(egui::RawInput::default(), |_| {});
        assert!(
            ctx.fonts_mut(|f| f.has_glyph(&font, '🤝') && f.has_glyph(&font, '🙂')),
            "no fallback font draws 🤝: install fonts-symbola (or Noto Emoji)"
        );
        // The bundled fonts still draw what they have (the Latin text is theirs).
        assert!(ctx.fonts_mut(|f| f.has_glyph(&font, 'é')));
    }
}
