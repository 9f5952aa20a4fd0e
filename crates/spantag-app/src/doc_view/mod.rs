//! The document view: a virtualized, wrapped text column with span highlights, nesting
//! lanes, mouse selection and span hit-testing.
//!
//! Only the blocks (lines) that intersect the viewport are laid out and painted. Block
//! heights live in a Fenwick tree: unmeasured blocks carry an estimate, replaced by the real
//! height once laid out, so finding the block at a scroll position and the position of a
//! block are `O(log n)` whatever the document's length. Spans in view come from the
//! [`SpanIndex`], never from a scan of all spans.
//!
//! Rooms: `heights` (the Fenwick tree, laying out and measuring blocks), `scroll` (the
//! anchor and scroll targets), `caret` (caret motion by character, word, row, page),
//! `paint` (text, spans, lanes, chips, matches, ghosts, selection), `relations` (arcs),
//! `pointer` (hit-testing, clicks and drags) and `text` (one-line previews). This file
//! holds the types the rest of the app uses and the frame's entry point, [`DocView::ui`].

mod caret;
mod heights;
mod paint;
mod pieces;
mod pointer;
mod relations;
mod scroll;
mod text;

use std::ops::Range;
use std::sync::Arc;

use egui::{Color32, Galley, Pos2, Rect, vec2};

use crate::theme;
use spantag_core::annotation::{LabelScheme, Layer, SpanIndex};
use spantag_core::document::Document;
use spantag_core::session::{LayerId, SpanRef};

use heights::{Heights, empty_block_height};
use paint::range_rects_into;
pub use text::{preview, preview_ends};

/// A text selection in document code points; `anchor` is where the drag began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    /// Where the selection started.
    pub anchor: usize,
    /// Where it ends now (moves while dragging or shift-clicking).
    pub head: usize,
}

impl Selection {
    /// The selected range, ordered.
    pub fn range(&self) -> Range<usize> {
        self.anchor.min(self.head)..self.anchor.max(self.head)
    }
}

/// Where to scroll on the next frame. Every target is resolved against laid-out text (the
/// blocks it needs are measured first), so it lands exactly whatever was estimated before.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ScrollTarget {
    /// Put the row holding this offset at the top of the view.
    Top(usize),
    /// Scroll only if this offset is out of view; then show its row a third of the way down,
    /// with context above (jumps: span list, search, review).
    Reveal(usize),
    /// Scroll as little as needed to show the row holding this offset (the caret).
    Keep(usize),
    /// The very end of the document.
    End,
}

/// A caret movement asked for by a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motion {
    /// One character (grapheme) back.
    Left,
    /// One character (grapheme) on.
    Right,
    /// To the start of this or the previous word.
    WordLeft,
    /// To the end of this or the next word.
    WordRight,
    /// One visual row up.
    Up,
    /// One visual row down.
    Down,
    /// To the start of the visual row.
    RowStart,
    /// To the end of the visual row.
    RowEnd,
    /// A screen up (the view scrolls with it).
    PageUp,
    /// A screen down (the view scrolls with it).
    PageDown,
    /// The start of the document.
    DocStart,
    /// The end of the document.
    DocEnd,
}

/// What the view reports back to the app after a frame.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ViewOutput {
    /// The user clicked a span (or empty text, `Some(None)`).
    pub clicked_span: Option<Option<SpanRef>>,
    /// The user clicked a suggestion (its index in [`ViewInput::suggestions`]) where there
    /// is no span: accept it.
    pub clicked_suggestion: Option<usize>,
}

/// One layer drawn by the view.
pub struct ViewLayer<'a> {
    /// Which layer.
    pub id: &'a LayerId,
    /// Its spans.
    pub layer: &'a Layer,
    /// Their index.
    pub index: &'a SpanIndex,
    /// Whether it is the layer being edited (drawn filled); read-only layers are drawn
    /// fainter, with their lanes.
    pub editable: bool,
    /// Positions in `layer.relations` of the relations touching each span (arcs are drawn
    /// for the spans on screen only).
    pub relation_index: Option<&'a std::collections::HashMap<u64, Vec<usize>>>,
    /// Event arguments as arcs from their trigger, and their positions by span (drawn like
    /// relations).
    pub events: (
        &'a [spantag_core::annotation::Relation],
        Option<&'a std::collections::HashMap<u64, Vec<usize>>>,
    ),
}

/// What the view reads each frame (never mutated by the view).
pub struct ViewInput<'a> {
    /// The document.
    pub doc: &'a Document,
    /// The layers shown: the editable one and any read-only ones (review).
    pub layers: &'a [ViewLayer<'a>],
    /// The labels (colours) of every layer.
    pub scheme: &'a LabelScheme,
    /// The selected span, drawn emphasised.
    pub selected_span: Option<&'a SpanRef>,
    /// Document font size.
    pub font_size: f32,
    /// Theme.
    pub dark_mode: bool,
    /// Some shown layer has relations: each row gets room above it for their arcs.
    pub arcs: bool,
    /// Lanes under each line: [`theme::MAX_LANES`] for nesting, or one per layer in review.
    pub lanes: usize,
    /// Review: each layer has its own lane (in the order of `layers`); read-only layers are
    /// drawn as lane bars only, the editable one filled.
    pub lanes_by_layer: bool,
    /// A drag selects whole words (Alt+drag keeps character precision).
    pub snap_words: bool,
    /// Search matches to highlight, sorted, not overlapping.
    pub highlights: &'a [Range<usize>],
    /// The match the user is on.
    pub current_highlight: Option<usize>,
    /// Suggested spans, sorted by start; those still live for the editable layer are drawn
    /// as ghosts (dashed outlines).
    pub suggestions: &'a [spantag_core::suggest::Suggestion],
    /// The suggestion `Enter` accepts, drawn emphasised.
    pub current_suggestion: Option<usize>,
}

/// A block laid out and painted in the last frame.
#[derive(Clone)]
struct VisibleBlock {
    index: usize,
    /// Document offset of the block's first code point.
    start: usize,
    /// Screen position of the galley's top-left corner.
    origin: Pos2,
    galley: Arc<Galley>,
    /// Height on screen (blank lines are shorter than their galley).
    height: f32,
    /// (layer, position in that layer's span list, lane) for the spans in this block.
    lanes: Vec<(usize, usize, usize)>,
    /// Positions in `lanes` of spans that share their lane with an earlier, overlapping span
    /// (review mode, one lane per layer): their ends are notched into the lane, so a nested
    /// span's boundaries stay visible on the span around it.
    nested: Vec<usize>,
}

/// Where the view is, as a place in the document: the top edge of the view is `dy` points
/// below the top of block `block`. Measuring blocks later (their estimated heights replaced)
/// never moves it, unlike a pixel offset into estimated content.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Anchor {
    block: usize,
    dy: f32,
}

/// What blocks are laid out with (set at the start of each frame).
#[derive(Clone)]
struct LayoutParams {
    font: egui::FontId,
    col_width: f32,
    line_h: f32,
    color: Color32,
}

/// Space under the last line of the document.
const BOTTOM_PAD: f32 = 40.0;

/// The view's own state between frames.
#[derive(Default)]
pub struct DocView {
    heights: Heights,
    layout_key: Option<(u32, u32, usize)>,
    /// The current text selection; its `head` is the caret.
    pub selection: Option<Selection>,
    /// Where the current drag started, before snapping to words.
    drag_anchor: Option<usize>,
    /// Relation labels laid out once (they repeat: says, participates, …).
    relation_labels: std::collections::HashMap<(String, u32, [u8; 4]), Arc<Galley>>,
    /// The caret, kept when the selection is cleared (after tagging, Esc).
    caret: Option<usize>,
    /// The x position Up and Down keep to, in galley coordinates.
    preferred_x: Option<f32>,
    scroll_target: Option<ScrollTarget>,
    /// The scroll position (the source of truth; the scroll area's pixel offset follows it).
    anchor: Anchor,
    /// The pixel offset given to the scroll area in the last frame, and the one it ended
    /// the frame with (after the wheel or the scroll bar moved it).
    used_offset: Option<f32>,
    ended_offset: f32,
    /// Scrolling asked for by the view itself (auto-scroll while dragging, page keys).
    pending_delta: f32,
    params: Option<LayoutParams>,
    view_height: f32,
    /// The document's widget id, and whether it should take the keyboard focus.
    id: Option<egui::Id>,
    focus_request: bool,
    visible: Vec<VisibleBlock>,
    visible_rect: Option<Rect>,
    text_row_height: f32,
    /// Offset and span of the last click, to cycle through nested spans on repeated clicks.
    last_click: Option<(usize, SpanRef)>,
    /// Laid-out blocks kept across frames (egui's own cache keeps only the last frame's), so
    /// scrolling back and forth does not shape the same text again.
    galleys: std::collections::HashMap<usize, Arc<Galley>>,
    /// What the cached galleys depend on: width, font size, colour, pixels per point.
    galley_key: Option<(u32, u32, [u8; 4], u32)>,
    /// Where suggestions were drawn in the last frame (for clicks and the tooltip): rect,
    /// colour, whether it is the current one, and its index in the suggestion list.
    ghosts: Vec<(Rect, Color32, bool, usize)>,
}

/// How many laid-out blocks the view keeps; past this the cache starts over.
const MAX_CACHED_GALLEYS: usize = 2_000;

impl DocView {
    /// Asks the view to scroll on the next frame.
    pub fn scroll_to(&mut self, target: ScrollTarget) {
        self.scroll_target = Some(target);
    }

    /// The selected text range, if the selection is not empty.
    pub fn selected_range(&self) -> Option<Range<usize>> {
        self.selection.map(|s| s.range()).filter(|r| !r.is_empty())
    }

    /// The document offset at the top of the view in the last frame.
    pub fn top_offset(&self) -> Option<usize> {
        self.visible.first().map(|b| b.start)
    }

    /// The document range of the blocks drawn in the last frame (what is on screen, to the
    /// ends of its first and last blocks).
    pub fn visible_range(&self) -> Option<Range<usize>> {
        let first = self.visible.first()?;
        let last = self.visible.last()?;
        Some(first.start..last.start + last.galley.job.text.chars().count())
    }

    /// Whether the last frame drew document text.
    pub fn shows_text(&self) -> bool {
        self.visible
            .iter()
            .any(|b| !b.galley.rows.iter().all(|r| r.glyphs.is_empty()))
    }

    /// Forgets everything measured (a new document).
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// The screen position of the boundary just before code point `offset` (half a point to
    /// its right, vertically centred on the text), if it is on screen. Used by tests and the
    /// real-window smoke test to aim the mouse.
    pub fn screen_pos_of(&self, offset: usize) -> Option<Pos2> {
        let block = self
            .visible
            .iter()
            .find(|b| offset >= b.start && offset <= b.start + b.galley.job.text.chars().count())?;
        let rect = block
            .galley
            .pos_from_cursor(egui::text::CCursor::new(offset - block.start));
        Some(block.origin + vec2(rect.min.x + 0.5, rect.center().y))
    }

    /// Shows the view filling the available space.
    pub fn ui(&mut self, ui: &mut egui::Ui, input: &ViewInput<'_>) -> ViewOutput {
        let mut output = ViewOutput::default();
        let doc = input.doc;
        let ctx = ui.ctx().clone();
        let blocks = doc.blocks();
        let avail = ui.available_size();
        let col_width =
            (avail.x - 2.0 * theme::TEXT_MARGIN - 14.0).clamp(120.0, theme::MAX_TEXT_WIDTH);
        let font = theme::document_font(input.font_size);
        self.text_row_height = ui.fonts_mut(|f| f.row_height(&font));
        let line_h = theme::line_height_with(self.text_row_height, input.lanes, input.arcs);
        let text_color = theme::document_text(input.dark_mode);
        self.view_height = avail.y.max(1.0);
        let galley_key = (
            col_width.to_bits(),
            input.font_size.to_bits() ^ (input.lanes as u32) ^ (u32::from(input.arcs) << 16),
            text_color.to_array(),
            ctx.pixels_per_point().to_bits(),
        );
        if self.galley_key != Some(galley_key) || self.galleys.len() > MAX_CACHED_GALLEYS {
            self.galleys.clear();
            self.relation_labels.clear();
            self.galley_key = Some(galley_key);
        }
        self.params = Some(LayoutParams {
            font,
            col_width,
            line_h,
            color: text_color,
        });

        // Re-estimate heights when the width, font or document changes, keeping the first
        // visible character at the top of the view.
        let key = (
            col_width.to_bits(),
            input.font_size.to_bits() ^ (input.lanes as u32) ^ (u32::from(input.arcs) << 16),
            blocks.len(),
        );
        if self.layout_key != Some(key) {
            let keep = self
                .layout_key
                .is_some()
                .then(|| self.first_visible_char())
                .flatten();
            let char_w = input.font_size * 0.5;
            let per_row = (col_width / char_w).max(1.0);
            let estimates = blocks
                .iter()
                .map(|b| {
                    if b.start == b.end {
                        empty_block_height(line_h)
                    } else {
                        ((b.end - b.start) as f32 / per_row).ceil().max(1.0) * line_h
                    }
                })
                .collect();
            self.heights.reset(estimates);
            self.layout_key = Some(key);
            self.used_offset = None;
            if self.anchor.block >= blocks.len() {
                self.anchor = Anchor::default();
            }
            if let Some(offset) = keep
                && self.scroll_target.is_none()
            {
                self.scroll_target = Some(ScrollTarget::Top(offset));
            }
        }

        // The scrolling since the last frame (wheel, scroll bar, the view's own) moves the
        // anchor; a target replaces it. Both measure the blocks they pass over.
        let mut delta = std::mem::take(&mut self.pending_delta);
        if let Some(used) = self.used_offset {
            delta += self.ended_offset - used;
        }
        if delta.abs() > 0.01 {
            self.move_anchor(&ctx, doc, delta);
        }
        if let Some(target) = self.scroll_target.take() {
            self.apply_target(&ctx, doc, target);
        }
        self.clamp_to_end(&ctx, doc);
        let offset = (self.heights.prefix(self.anchor.block) + f64::from(self.anchor.dy)) as f32;

        let area = egui::ScrollArea::vertical()
            .id_salt("document")
            .auto_shrink(false)
            .content_margin(0.0)
            .vertical_scroll_offset(offset);
        // No rubber-banding: it would pull the offset back to last frame's bounds when
        // measuring made the content longer, which would read as the user scrolling.
        let spacing = ui.spacing().scroll;
        ui.spacing_mut().scroll.kinetic.rubber_band = false;
        let scroll = area.show_viewport(ui, |ui, viewport| {
            self.content_ui(ui, viewport, input, col_width, &mut output);
        });
        ui.spacing_mut().scroll = spacing;
        self.used_offset = Some(offset);
        self.ended_offset = scroll.state.clamped_offset().y;
        if let Some(sel) = self.selection {
            self.caret = Some(sel.head);
        }
        output
    }

    /// Makes the document take the keyboard focus on the next frame (after a dialog closes).
    pub fn focus(&mut self) {
        self.focus_request = true;
    }

    /// The document widget's id (once shown).
    pub fn id(&self) -> Option<egui::Id> {
        self.id
    }

    /// The caret: the selection's moving end, or where it was last.
    pub fn caret(&self) -> Option<usize> {
        self.selection.map(|s| s.head).or(self.caret)
    }

    /// The first character at least partly visible at the top of the view in the last frame.
    pub fn first_visible_char(&self) -> Option<usize> {
        let top = self.visible_rect?.min.y;
        for block in &self.visible {
            let mut start = 0;
            for row in &block.galley.rows {
                if block.origin.y + row.max_y() > top {
                    return Some(block.start + start);
                }
                start += row.char_count_including_newline().0;
            }
        }
        None
    }

    /// The part of the screen the document was drawn in, in the last frame.
    pub fn viewport(&self) -> Option<Rect> {
        self.visible_rect
    }

    /// The screen rectangles covering a range of the document, for what is on screen.
    pub fn screen_rects_of(&self, range: Range<usize>, doc: &Document) -> Vec<Rect> {
        let band_half = self.text_row_height / 2.0;
        let mut rects = Vec::new();
        for block in &self.visible {
            let block_range = doc.blocks()[block.index].range();
            range_rects_into(block, &block_range, range.clone(), band_half, &mut rects);
        }
        rects
    }
}
