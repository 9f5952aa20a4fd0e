//! The document view: a virtualized, wrapped text column with span highlights, nesting
//! lanes, mouse selection and span hit-testing.
//!
//! Only the blocks (lines) that intersect the viewport are laid out and painted. Block
//! heights live in a Fenwick tree: unmeasured blocks carry an estimate, replaced by the real
//! height once laid out, so finding the block at a scroll position and the position of a
//! block are `O(log n)` whatever the document's length. Spans in view come from the
//! [`SpanIndex`], never from a scan of all spans.

use std::ops::Range;
use std::sync::Arc;

use egui::{
    Color32, CornerRadius, Galley, Pos2, Rect, Sense, Stroke, StrokeKind, Vec2, pos2, vec2,
};

use crate::theme;
use spantag_core::annotation::{LabelScheme, Layer, Span, SpanIndex};
use spantag_core::document::Document;
use spantag_core::session::{LayerId, SpanRef};

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

/// Heights of all blocks with prefix sums (a Fenwick tree, sums in f64 for precision).
#[derive(Debug, Default)]
struct Heights {
    values: Vec<f32>,
    tree: Vec<f64>,
}

impl Heights {
    fn reset(&mut self, values: Vec<f32>) {
        let n = values.len();
        let mut tree = vec![0.0f64; n + 1];
        for (i, v) in values.iter().enumerate() {
            tree[i + 1] += f64::from(*v);
            let parent = (i + 1) + ((i + 1) & (i + 1).wrapping_neg());
            if parent <= n {
                tree[parent] += tree[i + 1];
            }
        }
        self.values = values;
        self.tree = tree;
    }

    fn len(&self) -> usize {
        self.values.len()
    }

    fn set(&mut self, i: usize, value: f32) {
        let delta = f64::from(value - self.values[i]);
        if delta == 0.0 {
            return;
        }
        self.values[i] = value;
        let mut k = i + 1;
        while k < self.tree.len() {
            self.tree[k] += delta;
            k += k & k.wrapping_neg();
        }
    }

    /// Sum of the heights of blocks `0..i`.
    fn prefix(&self, i: usize) -> f64 {
        let mut sum = 0.0;
        let mut k = i.min(self.values.len());
        while k > 0 {
            sum += self.tree[k];
            k -= k & k.wrapping_neg();
        }
        sum
    }

    fn total(&self) -> f64 {
        self.prefix(self.values.len())
    }

    /// The block containing height `y` (clamped to the last block).
    fn find(&self, y: f64) -> usize {
        let n = self.values.len();
        if n == 0 {
            return 0;
        }
        let mut pos = 0;
        let mut remaining = y;
        let mut step = n.next_power_of_two();
        while step > 0 {
            let next = pos + step;
            if next <= n && self.tree[next] <= remaining {
                pos = next;
                remaining -= self.tree[next];
            }
            step /= 2;
        }
        pos.min(n - 1)
    }
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

    /// The document offset under a screen position, from the blocks on screen.
    fn offset_at(&self, pos: Pos2) -> Option<usize> {
        let first = self.visible.first()?;
        if pos.y < first.origin.y {
            return Some(first.start);
        }
        let block = self
            .visible
            .iter()
            .find(|b| pos.y < b.origin.y + b.height)
            .or(self.visible.last())?;
        let cursor = block.galley.cursor_from_pos(pos - block.origin);
        Some(block.start + cursor.index.0)
    }

    /// The span under a screen position: a lane bar picks exactly its span; text picks the
    /// innermost span there, and repeated clicks on the same spot cycle outward.
    fn span_at(&mut self, pos: Pos2, input: &ViewInput<'_>) -> Option<SpanRef> {
        let block = self
            .visible
            .iter()
            .find(|b| pos.y >= b.origin.y && pos.y < b.origin.y + b.height)?;
        let local = pos - block.origin;
        let row = block
            .galley
            .rows
            .iter()
            .find(|r| local.y >= r.min_y() && local.y < r.max_y())?;
        let char_offset = self.char_under(pos)?;
        let band_bottom = row.rect().center().y + self.text_row_height / 2.0;
        if local.y > band_bottom - theme::LANE_OVERLAP {
            let lane = ((local.y - band_bottom + theme::LANE_OVERLAP) / theme::LANE_STEP) as usize;
            let hit = block.lanes.iter().find_map(|&(k, p, l)| {
                let layer = input.layers.get(k)?;
                let span = layer.layer.spans().get(p)?;
                (l == lane.min(input.lanes.max(1) - 1)
                    && span.start <= char_offset
                    && char_offset < span.end)
                    .then(|| SpanRef::new(layer.id, span.id))
            });
            if let Some(hit) = hit {
                self.last_click = Some((char_offset, hit.clone()));
                return Some(hit);
            }
        }
        // Spans of the editable layer first, then the others; innermost first.
        let mut here: Vec<(bool, usize, usize, &LayerId, u64)> = input
            .layers
            .iter()
            .flat_map(|l| {
                l.index
                    .overlapping(char_offset..char_offset)
                    .into_iter()
                    .filter_map(|p| l.layer.spans().get(p))
                    .map(move |s| (!l.editable, s.len(), s.start, l.id, s.id))
            })
            .collect();
        here.sort();
        let refs: Vec<SpanRef> = here
            .into_iter()
            .map(|(_, _, _, layer, id)| SpanRef::new(layer, id))
            .collect();
        let choice = match &self.last_click {
            Some((at, last)) if *at == char_offset => {
                let i = refs
                    .iter()
                    .position(|r| r == last)
                    .map_or(0, |i| (i + 1) % refs.len().max(1));
                refs.get(i).cloned()
            }
            _ => refs.first().cloned(),
        };
        self.last_click = choice.clone().map(|r| (char_offset, r));
        choice
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
        let line_h = theme::line_height_for(self.text_row_height, input.lanes);
        let text_color = theme::document_text(input.dark_mode);
        self.view_height = avail.y.max(1.0);
        let galley_key = (
            col_width.to_bits(),
            input.font_size.to_bits() ^ (input.lanes as u32),
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
            input.font_size.to_bits() ^ (input.lanes as u32),
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

    /// The laid-out block `i` (from the cache, or laid out now with the last frame's
    /// parameters).
    fn galley(&mut self, ctx: &egui::Context, doc: &Document, i: usize) -> Option<Arc<Galley>> {
        if let Some(galley) = self.galleys.get(&i) {
            return Some(galley.clone());
        }
        let params = self.params.as_ref()?;
        if i >= doc.blocks().len() {
            return None;
        }
        let text = doc.block_text(i).to_owned();
        let mut job = egui::text::LayoutJob::single_section(
            text,
            egui::TextFormat {
                font_id: params.font.clone(),
                color: params.color,
                line_height: Some(params.line_h),
                ..Default::default()
            },
        );
        job.wrap.max_width = params.col_width;
        let galley = ctx.fonts_mut(|f| f.layout_job(job));
        self.galleys.insert(i, galley.clone());
        Some(galley)
    }

    /// Lays out block `i` and records its real height.
    fn measure(&mut self, ctx: &egui::Context, doc: &Document, i: usize) -> f32 {
        let line_h = self.params.as_ref().map_or(1.0, |p| p.line_h);
        match self.galley(ctx, doc, i) {
            Some(galley) => {
                let h = block_height(&galley, line_h);
                self.heights.set(i, h);
                h
            }
            None => self.heights.values.get(i).copied().unwrap_or(0.0),
        }
    }

    /// Moves the view by `delta` points of laid-out text (a long way, like a scroll bar
    /// drag, goes by the estimates instead).
    fn move_anchor(&mut self, ctx: &egui::Context, doc: &Document, delta: f32) {
        let n = self.heights.len();
        if n == 0 {
            self.anchor = Anchor::default();
            return;
        }
        let mut block = self.anchor.block.min(n - 1);
        let mut dy = self.anchor.dy + delta;
        if delta.abs() > 3.0 * self.view_height {
            let y = (self.heights.prefix(block) + f64::from(dy)).max(0.0);
            block = self.heights.find(y);
            dy = (y - self.heights.prefix(block)) as f32;
        }
        while dy < 0.0 && block > 0 {
            block -= 1;
            dy += self.measure(ctx, doc, block);
        }
        dy = dy.max(0.0);
        while block + 1 < n {
            let h = self.measure(ctx, doc, block);
            if dy < h {
                break;
            }
            dy -= h;
            block += 1;
        }
        self.anchor = Anchor { block, dy };
    }

    /// The block holding `offset` and the top and bottom of its row within that block.
    fn row_of(
        &mut self,
        ctx: &egui::Context,
        doc: &Document,
        offset: usize,
    ) -> Option<(usize, f32, f32)> {
        let blocks = doc.blocks();
        if blocks.is_empty() {
            return None;
        }
        let b = doc.block_at(offset).min(blocks.len() - 1);
        let galley = self.galley(ctx, doc, b)?;
        self.measure(ctx, doc, b);
        let local = offset
            .saturating_sub(blocks[b].start)
            .min(blocks[b].end - blocks[b].start);
        let rect = galley.pos_from_cursor(egui::text::CCursor::new(local));
        Some((b, rect.min.y, rect.max.y))
    }

    /// Where the row holding `offset` is, relative to the top of the view (infinite when it
    /// is more than a screen away).
    fn row_in_view(&mut self, ctx: &egui::Context, doc: &Document, offset: usize) -> (f32, f32) {
        let Some((b, top, bottom)) = self.row_of(ctx, doc, offset) else {
            return (f32::INFINITY, f32::INFINITY);
        };
        if b < self.anchor.block {
            return (f32::NEG_INFINITY, f32::NEG_INFINITY);
        }
        let mut y = -self.anchor.dy;
        for k in self.anchor.block..b {
            y += self.measure(ctx, doc, k);
            if y > self.view_height {
                return (f32::INFINITY, f32::INFINITY);
            }
        }
        (y + top, y + bottom)
    }

    fn apply_target(&mut self, ctx: &egui::Context, doc: &Document, target: ScrollTarget) {
        let view_h = self.view_height;
        match target {
            ScrollTarget::Top(offset) => {
                if let Some((block, top, _)) = self.row_of(ctx, doc, offset) {
                    self.anchor = Anchor { block, dy: top };
                }
            }
            ScrollTarget::End => self.anchor_at_end(ctx, doc),
            ScrollTarget::Reveal(offset) => {
                let (top, bottom) = self.row_in_view(ctx, doc, offset);
                if top >= 0.0 && bottom <= view_h {
                    return;
                }
                if let Some((block, top, _)) = self.row_of(ctx, doc, offset) {
                    self.anchor = Anchor { block, dy: top };
                    self.move_anchor(ctx, doc, -(view_h / 3.0).round());
                }
            }
            ScrollTarget::Keep(offset) => {
                let (top, bottom) = self.row_in_view(ctx, doc, offset);
                if top >= 0.0 && bottom <= view_h {
                    return;
                }
                if let Some((block, top, bottom)) = self.row_of(ctx, doc, offset) {
                    if self.anchor.block > block
                        || (self.anchor.block == block && self.anchor.dy > top)
                    {
                        self.anchor = Anchor { block, dy: top };
                    } else {
                        self.anchor = Anchor { block, dy: bottom };
                        self.move_anchor(ctx, doc, -view_h);
                    }
                }
            }
        }
    }

    /// The view showing the last line at its bottom.
    fn anchor_at_end(&mut self, ctx: &egui::Context, doc: &Document) {
        let need = (self.view_height - BOTTOM_PAD).max(0.0);
        let mut tail = 0.0;
        let mut k = self.heights.len();
        while k > 0 {
            k -= 1;
            tail += self.measure(ctx, doc, k);
            if tail >= need {
                self.anchor = Anchor {
                    block: k,
                    dy: tail - need,
                };
                return;
            }
        }
        self.anchor = Anchor::default();
    }

    /// Never scrolls past the end: near it, the blocks to the end are measured, and the view
    /// is moved up when they do not fill it.
    fn clamp_to_end(&mut self, ctx: &egui::Context, doc: &Document) {
        let n = self.heights.len();
        if n == 0 {
            return;
        }
        let y = self.heights.prefix(self.anchor.block) + f64::from(self.anchor.dy);
        if self.heights.total() - y > 4.0 * f64::from(self.view_height) {
            return;
        }
        let need = (self.view_height - BOTTOM_PAD).max(0.0);
        let mut tail = 0.0;
        let mut k = n;
        while k > self.anchor.block {
            k -= 1;
            tail += self.measure(ctx, doc, k);
            if k > self.anchor.block && tail >= need {
                return;
            }
        }
        if tail - self.anchor.dy < need {
            self.anchor_at_end(ctx, doc);
        }
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

    /// Selects the block (paragraph) holding the caret.
    pub fn select_block(&mut self, doc: &Document) {
        let Some(caret) = self.caret().or_else(|| self.first_visible_char()) else {
            return;
        };
        if let Some(block) = doc.blocks().get(doc.block_at(caret)) {
            self.selection = Some(Selection {
                anchor: block.start,
                head: block.end,
            });
            self.caret = Some(block.end);
        }
    }

    /// Moves the caret as a key asks; with `extend` the selection's anchor stays put. The
    /// view follows the caret.
    pub fn move_caret(
        &mut self,
        ctx: &egui::Context,
        doc: &Document,
        motion: Motion,
        extend: bool,
    ) {
        if doc.blocks().is_empty() {
            return;
        }
        let from = self
            .caret()
            .or_else(|| self.first_visible_char())
            .unwrap_or(0)
            .min(doc.char_len());
        if !matches!(
            motion,
            Motion::Up | Motion::Down | Motion::PageUp | Motion::PageDown
        ) {
            self.preferred_x = None;
        }
        let selected = self.selected_range().filter(|_| !extend);
        let line_h = self.params.as_ref().map_or(20.0, |p| p.line_h);
        let to = match motion {
            Motion::Left => selected.map_or_else(|| char_left(doc, from), |r| r.start),
            Motion::Right => selected.map_or_else(|| char_right(doc, from), |r| r.end),
            Motion::WordLeft => word_left(doc, from),
            Motion::WordRight => word_right(doc, from),
            Motion::Up => self.row_step(ctx, doc, from, false),
            Motion::Down => self.row_step(ctx, doc, from, true),
            Motion::PageUp | Motion::PageDown => {
                let down = motion == Motion::PageDown;
                let page = (self.view_height - 2.0 * line_h).max(line_h);
                let rows = (page / line_h).floor().max(1.0) as usize;
                let mut to = from;
                for _ in 0..rows {
                    to = self.row_step(ctx, doc, to, down);
                }
                self.pending_delta += if down { page } else { -page };
                to
            }
            Motion::RowStart | Motion::RowEnd => self.row_edge(ctx, doc, from, motion),
            Motion::DocStart => 0,
            Motion::DocEnd => doc.char_len(),
        };
        let anchor = match (extend, self.selection) {
            (true, Some(sel)) => sel.anchor,
            _ => from,
        };
        self.selection = Some(Selection {
            anchor: if extend { anchor } else { to },
            head: to,
        });
        self.caret = Some(to);
        self.scroll_target = Some(match motion {
            Motion::DocStart => ScrollTarget::Top(0),
            Motion::DocEnd => ScrollTarget::End,
            _ => ScrollTarget::Keep(to),
        });
    }

    /// One visual row up or down from `from`, keeping to the preferred x position.
    fn row_step(&mut self, ctx: &egui::Context, doc: &Document, from: usize, down: bool) -> usize {
        let blocks = doc.blocks();
        let b = doc.block_at(from).min(blocks.len() - 1);
        let Some(galley) = self.galley(ctx, doc, b) else {
            return from;
        };
        let block = blocks[b];
        let local = from
            .saturating_sub(block.start)
            .min(block.end - block.start);
        let cursor = egui::text::CCursor {
            index: egui::text::CharIndex(local),
            prefer_next_row: true,
        };
        let x = *self
            .preferred_x
            .get_or_insert_with(|| galley.pos_from_cursor(cursor).min.x);
        let row = galley.layout_from_cursor(cursor).row;
        let next = if down { b + 1 } else { b.wrapping_sub(1) };
        if down && row + 1 < galley.rows.len() {
            let (c, _) = galley.cursor_down_one_row(&cursor, Some(x));
            block.start + c.index.0
        } else if !down && row > 0 {
            let (c, _) = galley.cursor_up_one_row(&cursor, Some(x));
            block.start + c.index.0
        } else if next < blocks.len()
            && let Some(other) = self.galley(ctx, doc, next)
        {
            let y = if down {
                other.rows.first().map_or(0.0, |r| r.rect().center().y)
            } else {
                other.rows.last().map_or(0.0, |r| r.rect().center().y)
            };
            blocks[next].start + other.cursor_from_pos(vec2(x, y)).index.0
        } else if down {
            block.end
        } else {
            block.start
        }
    }

    /// The start or end of the visual row holding `from`.
    fn row_edge(
        &mut self,
        ctx: &egui::Context,
        doc: &Document,
        from: usize,
        motion: Motion,
    ) -> usize {
        let blocks = doc.blocks();
        let b = doc.block_at(from).min(blocks.len() - 1);
        let Some(galley) = self.galley(ctx, doc, b) else {
            return from;
        };
        let block = blocks[b];
        let local = from
            .saturating_sub(block.start)
            .min(block.end - block.start);
        let cursor = egui::text::CCursor {
            index: egui::text::CharIndex(local),
            prefer_next_row: true,
        };
        let c = if motion == Motion::RowStart {
            galley.cursor_begin_of_row(&cursor)
        } else {
            galley.cursor_end_of_row(&cursor)
        };
        block.start + c.index.0
    }

    fn content_ui(
        &mut self,
        ui: &mut egui::Ui,
        viewport: Rect,
        input: &ViewInput<'_>,
        col_width: f32,
        output: &mut ViewOutput,
    ) {
        let doc = input.doc;
        let ctx = ui.ctx().clone();
        let total = self.heights.total() as f32;
        let content_width = ui.available_width();
        ui.set_min_size(vec2(content_width, total + BOTTOM_PAD));
        let origin = ui.max_rect().min;
        let x0 = ((content_width - col_width) / 2.0).max(theme::TEXT_MARGIN);
        let line_h = theme::line_height_for(self.text_row_height, input.lanes);
        let text_color = theme::document_text(input.dark_mode);

        // Lay out the blocks in view, from the anchor down: the anchor block's top is `dy`
        // above the top of the view, whatever the heights above it are estimated to be.
        self.visible.clear();
        let n = self.heights.len();
        let mut i = self.anchor.block;
        let mut y = viewport.min.y - self.anchor.dy;
        while i < n && y < viewport.max.y {
            let Some(galley) = self.galley(&ctx, doc, i) else {
                break;
            };
            let h = block_height(&galley, line_h);
            self.heights.set(i, h);
            self.visible.push(VisibleBlock {
                index: i,
                start: doc.blocks()[i].start,
                origin: origin + vec2(x0, y),
                galley,
                height: h,
                lanes: Vec::new(),
                nested: Vec::new(),
            });
            y += h;
            i += 1;
        }
        ui.set_min_size(vec2(
            content_width,
            self.heights.total() as f32 + BOTTOM_PAD,
        ));
        let visible_rect = Rect::from_min_max(
            origin + viewport.min.to_vec2(),
            origin + viewport.max.to_vec2(),
        );
        self.visible_rect = Some(visible_rect);

        // Assign nesting lanes. One index query per layer covers every block in view.
        let in_view: Vec<Vec<usize>> = match (self.visible.first(), self.visible.last()) {
            (Some(first), Some(last)) => input
                .layers
                .iter()
                .map(|l| {
                    l.index
                        .overlapping(first.start..doc.blocks()[last.index].end.max(first.start + 1))
                })
                .collect(),
            _ => Vec::new(),
        };
        for block in &mut self.visible {
            let range = doc.blocks()[block.index].range();
            let mut positions: Vec<(usize, usize)> = Vec::new();
            for (k, found) in in_view.iter().enumerate() {
                let all = input.layers[k].layer.spans();
                positions.extend(found.iter().copied().filter_map(|p| {
                    let s = all.get(p)?;
                    (s.start < range.end.max(range.start + 1) && s.end > range.start)
                        .then_some((k, p))
                }));
            }
            let span = |&(k, p): &(usize, usize)| &input.layers[k].layer.spans()[p];
            positions.sort_by(|a, b| {
                let (a_span, b_span) = (span(a), span(b));
                a_span
                    .start
                    .cmp(&b_span.start)
                    .then(b_span.end.cmp(&a_span.end))
                    .then(a.0.cmp(&b.0))
            });
            if input.lanes_by_layer {
                block.nested = nested_in_lane(
                    positions.iter().map(|&(k, p)| {
                        let span = &input.layers[k].layer.spans()[p];
                        (k, span.start, span.end)
                    }),
                    input.layers.len(),
                );
                block
                    .lanes
                    .extend(positions.into_iter().map(|(k, p)| (k, p, k)));
                continue;
            }
            let mut lane_ends: Vec<usize> = Vec::new();
            for (k, p) in positions {
                let span = &input.layers[k].layer.spans()[p];
                let lane = lane_ends
                    .iter()
                    .position(|&end| end <= span.start)
                    .unwrap_or(lane_ends.len());
                if lane == lane_ends.len() {
                    lane_ends.push(span.end);
                } else {
                    lane_ends[lane] = span.end;
                }
                block.lanes.push((k, p, lane));
            }
        }

        // Interaction.
        let id = ui.make_persistent_id("document-view");
        let response = ui.interact(visible_rect, id, Sense::click_and_drag());
        response.widget_info(|| {
            egui::WidgetInfo::labeled(egui::accesskit::Role::Document, true, "Document")
        });
        self.id = Some(id);
        if std::mem::take(&mut self.focus_request) || response.clicked() || response.drag_started()
        {
            response.request_focus();
        }
        if response.has_focus() {
            // Arrow keys move the caret, not the focus to another widget.
            ui.memory_mut(|m| {
                m.set_focus_lock_filter(
                    id,
                    egui::EventFilter {
                        horizontal_arrows: true,
                        vertical_arrows: true,
                        ..Default::default()
                    },
                );
            });
        }
        self.handle_pointer(ui, &response, input, output);

        // Paint.
        let painter = ui.painter_at(visible_rect);
        let selection = self.selection.map(|s| s.range()).filter(|r| !r.is_empty());
        let band_half = self.text_row_height / 2.0;
        // Span fills, the selection and the lanes go into one mesh under the text: a few
        // quads per visible span, no tessellation.
        let mut mesh = egui::Mesh::default();
        let selection_fill = ui.visuals().selection.bg_fill.gamma_multiply(0.8);
        let mut rects = Vec::new();
        // The first rectangle of each span on screen, for the relation arcs.
        let mut span_tops: std::collections::HashMap<(usize, u64), Rect> =
            std::collections::HashMap::new();
        let editable = input.layers.iter().find(|l| l.editable);
        self.ghosts.clear();
        let notch_color = ui.visuals().panel_fill;
        for block in &self.visible {
            let block_range = doc.blocks()[block.index].range();
            for (i, &(k, p, lane)) in block.lanes.iter().enumerate() {
                let nested = block.nested.binary_search(&i).is_ok();
                let Some(layer) = input.layers.get(k) else {
                    continue;
                };
                let Some(span) = layer.layer.spans().get(p) else {
                    continue;
                };
                let color = label_color(input.scheme, &span.label);
                let selected = input
                    .selected_span
                    .is_some_and(|r| r.id == span.id && r.layer == *layer.id);
                let fill = if selected {
                    theme::selected_span_fill(color, input.dark_mode)
                } else if layer.editable {
                    theme::span_fill(color, input.dark_mode)
                } else {
                    theme::span_fill(color, input.dark_mode).gamma_multiply(0.5)
                };
                let lane = lane.min(input.lanes.max(1) - 1) as f32;
                let filled = !input.lanes_by_layer || layer.editable || selected;
                range_rects_into(block, &block_range, span.range(), band_half, &mut rects);
                if let Some(first) = rects.first()
                    && layer
                        .relation_index
                        .is_some_and(|i| i.contains_key(&span.id))
                {
                    span_tops.entry((k, span.id)).or_insert(*first);
                }
                let pieces = rects.len();
                for (j, rect) in rects.drain(..).enumerate() {
                    if filled {
                        mesh.add_colored_rect(rect, fill);
                    }
                    // Lanes go under the text so that descenders stay readable over them.
                    let top = rect.max.y - theme::LANE_OVERLAP + lane * theme::LANE_STEP;
                    let bar = Rect::from_min_max(
                        pos2(rect.min.x + 0.5, top),
                        pos2(rect.max.x - 0.5, top + theme::LANE_THICKNESS),
                    );
                    mesh.add_colored_rect(bar, color);
                    if nested {
                        // A gap at the nested span's start and end, cut through every bar
                        // of its lane there.
                        let notch = |x: f32| {
                            Rect::from_min_max(
                                pos2(x - 1.0, top - 0.5),
                                pos2(x + 1.0, top + theme::LANE_THICKNESS + 0.5),
                            )
                        };
                        if j == 0 && span.start >= block_range.start {
                            mesh.add_colored_rect(notch(bar.min.x), notch_color);
                        }
                        if j + 1 == pieces && span.end <= block_range.end {
                            mesh.add_colored_rect(notch(bar.max.x), notch_color);
                        }
                    }
                }
            }
            // Search matches in this block (binary search: the list may hold 10k+).
            let first = input
                .highlights
                .partition_point(|r| r.end <= block_range.start);
            for (i, r) in input.highlights[first..].iter().enumerate() {
                if r.start >= block_range.end.max(block_range.start + 1) {
                    break;
                }
                let fill =
                    theme::search_fill(input.dark_mode, input.current_highlight == Some(first + i));
                range_rects_into(block, &block_range, r.clone(), band_half, &mut rects);
                for rect in rects.drain(..) {
                    mesh.add_colored_rect(rect, fill);
                }
            }
            // Suggestions in this block that still stand (binary search, then a liveness
            // check against the editable layer for the few on screen).
            if let Some(own) = editable {
                let first = input
                    .suggestions
                    .partition_point(|s| s.end <= block_range.start);
                for (i, s) in input.suggestions[first..].iter().enumerate() {
                    if s.start >= block_range.end.max(block_range.start + 1) {
                        break;
                    }
                    if s.end <= block_range.start
                        || !spantag_core::suggest::is_live(s, own.layer, own.index)
                    {
                        continue;
                    }
                    let color = label_color(input.scheme, &s.label);
                    let current = input.current_suggestion == Some(first + i);
                    range_rects_into(block, &block_range, s.range(), band_half, &mut rects);
                    for rect in rects.drain(..) {
                        mesh.add_colored_rect(
                            rect,
                            theme::span_fill(color, input.dark_mode).gamma_multiply(if current {
                                0.55
                            } else {
                                0.25
                            }),
                        );
                        // A dashed outline, as quads in the same mesh (no tessellation).
                        let width = if current { 2.0 } else { 1.2 };
                        dashed_outline(&mut mesh, rect.expand(1.0), width, color);
                        self.ghosts.push((rect, color, current, first + i));
                    }
                }
            }
            if let Some(sel) = &selection {
                range_rects_into(block, &block_range, sel.clone(), band_half, &mut rects);
                for rect in rects.drain(..) {
                    mesh.add_colored_rect(rect, selection_fill);
                }
            }
        }
        painter.add(egui::Shape::mesh(mesh));
        for block in &self.visible {
            painter.galley(block.origin, block.galley.clone(), text_color);
        }
        if let Some(&(rect, color, _, i)) = self.ghosts.iter().find(|g| g.2)
            && let Some(s) = input.suggestions.get(i)
        {
            // The current suggestion: a chip saying what Enter would tag.
            let chip_font = egui::FontId::proportional((input.font_size * 0.62).max(9.0));
            let galley =
                painter.layout_no_wrap(format!("{}? Enter / Backspace", s.label), chip_font, color);
            let chip = chip_rect(rect, galley.size() + vec2(8.0, 1.0), visible_rect);
            painter.rect_filled(chip, CornerRadius::same(3), ui.visuals().extreme_bg_color);
            painter.rect_stroke(
                chip,
                CornerRadius::same(3),
                Stroke::new(1.0, color),
                StrokeKind::Inside,
            );
            painter.galley(chip.min + vec2(4.0, 0.5), galley, color);
        }
        self.paint_relations(&painter, input, &span_tops);
        if let Some(at) = self.caret().and_then(|c| self.screen_pos_of(c)) {
            let x = at.x - 0.5;
            painter.line_segment(
                [pos2(x, at.y - band_half), pos2(x, at.y + band_half)],
                Stroke::new(1.5, text_color),
            );
        }
        // The selected span: outline and a label chip above its start.
        if let Some(span) = input.selected_span.and_then(|r| {
            let layer = input.layers.iter().find(|l| *l.id == r.layer)?;
            layer.layer.get(r.id)
        }) {
            let color = label_color(input.scheme, &span.label);
            let mut first_rect = None;
            for block in &self.visible {
                let block_range = doc.blocks()[block.index].range();
                for rect in range_rects(block, &block_range, span.range(), band_half) {
                    first_rect.get_or_insert(rect);
                    painter.rect_stroke(
                        rect.expand(1.0),
                        CornerRadius::same(2),
                        Stroke::new(1.5, color),
                        StrokeKind::Outside,
                    );
                }
            }
            if let (Some(rect), true) = (
                first_rect,
                span.start >= self.visible.first().map_or(0, |b| b.start),
            ) {
                let chip_font = egui::FontId::proportional((input.font_size * 0.62).max(9.0));
                let galley =
                    painter.layout_no_wrap(span.label.clone(), chip_font, theme::text_on(color));
                let chip = chip_rect(rect, galley.size() + vec2(8.0, 1.0), visible_rect);
                painter.rect_filled(chip, CornerRadius::same(3), color);
                painter.galley(chip.min + vec2(4.0, 0.5), galley, theme::text_on(color));
            }
        }
        // Hover: the labels of every span under the pointer.
        if !response.dragged()
            && let Some(pos) = response.hover_pos()
            && let Some(offset) = self.char_under(pos)
        {
            let several = input.layers.len() > 1;
            let spans: Vec<(&LayerId, &Span)> = input
                .layers
                .iter()
                .flat_map(|l| {
                    l.index
                        .overlapping(offset..offset)
                        .into_iter()
                        .filter_map(|p| l.layer.spans().get(p))
                        .map(move |s| (l.id, s))
                })
                .collect();
            let ghost = self
                .ghosts
                .iter()
                .find(|g| g.0.contains(pos))
                .and_then(|&(.., i)| input.suggestions.get(i));
            if spans.is_empty()
                && let Some(s) = ghost
            {
                response.clone().on_hover_ui_at_pointer(|ui| {
                    ui.horizontal(|ui| {
                        ui.label("Suggested:");
                        ui.strong(&s.label);
                        ui.weak(format!("({})", s.why()));
                    });
                    ui.weak("Click or Enter to accept, Backspace to reject");
                });
            }
            if !spans.is_empty() {
                response.clone().on_hover_ui_at_pointer(|ui| {
                    for (layer, span) in spans.iter().take(6) {
                        let color = label_color(input.scheme, &span.label);
                        ui.horizontal(|ui| {
                            let (rect, _) =
                                ui.allocate_exact_size(vec2(10.0, 10.0), Sense::hover());
                            ui.painter().rect_filled(rect, CornerRadius::same(2), color);
                            ui.strong(&span.label);
                            if several {
                                ui.weak(layer.name());
                            }
                            ui.label(preview(&span.text, 60));
                        });
                        if let Some(note) = &span.note {
                            ui.weak(preview(note, 80));
                        }
                    }
                    if spans.len() > 6 {
                        ui.weak(format!("and {} more", spans.len() - 6));
                    }
                });
            }
        }
    }

    /// Relation arcs above the text, from source to target, for relations whose ends are
    /// both on screen; a relation whose other end is off screen gets a short labelled stub.
    fn paint_relations(
        &mut self,
        painter: &egui::Painter,
        input: &ViewInput<'_>,
        span_tops: &std::collections::HashMap<(usize, u64), Rect>,
    ) {
        if span_tops.is_empty() {
            return;
        }
        let font = egui::FontId::proportional((input.font_size * 0.6).max(9.0));
        let mut drawn = std::collections::HashSet::new();
        for &(k, id) in span_tops.keys() {
            let Some(layer) = input.layers.get(k) else {
                continue;
            };
            let Some(index) = layer.relation_index else {
                continue;
            };
            for &i in index.get(&id).into_iter().flatten() {
                let Some(rel) = layer.layer.relations.get(i) else {
                    continue;
                };
                if !drawn.insert((k, rel.id)) {
                    continue;
                }
                let color = layer
                    .layer
                    .get(rel.from)
                    .map_or(Color32::GRAY, |s| label_color(input.scheme, &s.label));
                let stroke = Stroke::new(1.4, color.gamma_multiply(0.9));
                let from = span_tops.get(&(k, rel.from));
                let to = span_tops.get(&(k, rel.to));
                match (from, to) {
                    (Some(a), Some(b)) => {
                        let (a, b) = (a.center_top(), b.center_top());
                        let lift =
                            (18.0 + (b.x - a.x).abs() * 0.12 + (b.y - a.y).abs() * 0.3).min(80.0);
                        let top = a.y.min(b.y) - lift;
                        let c1 = pos2(a.x, top);
                        let c2 = pos2(b.x, top);
                        // The curve as a short polyline: a few points are enough at this
                        // size, and far cheaper to tessellate than a flattened Bézier.
                        let points: Vec<Pos2> = (0..=8)
                            .map(|i| {
                                let t = i as f32 / 8.0;
                                let u = 1.0 - t;
                                let p = a.to_vec2() * (u * u * u)
                                    + c1.to_vec2() * (3.0 * u * u * t)
                                    + c2.to_vec2() * (3.0 * u * t * t)
                                    + b.to_vec2() * (t * t * t);
                                p.to_pos2()
                            })
                            .collect();
                        painter.add(egui::Shape::line(points, stroke));
                        // Arrowhead at the target.
                        let tip = b;
                        painter.add(egui::Shape::convex_polygon(
                            vec![tip, tip + vec2(-4.0, -7.0), tip + vec2(4.0, -7.0)],
                            color,
                            Stroke::NONE,
                        ));
                        let mid = pos2((a.x + b.x) / 2.0, top + lift * 0.25);
                        let key = (rel.label.clone(), font.size.to_bits(), color.to_array());
                        let galley = match self.relation_labels.get(&key) {
                            Some(g) => g.clone(),
                            None => {
                                let g =
                                    painter.layout_no_wrap(rel.label.clone(), font.clone(), color);
                                if self.relation_labels.len() > 256 {
                                    self.relation_labels.clear();
                                }
                                self.relation_labels.insert(key, g.clone());
                                g
                            }
                        };
                        let chip = Rect::from_center_size(
                            pos2(mid.x, mid.y - galley.size().y / 2.0),
                            galley.size() + vec2(6.0, 0.0),
                        );
                        painter.rect_filled(
                            chip,
                            CornerRadius::same(3),
                            theme::relation_label_bg(input.dark_mode),
                        );
                        painter.galley(chip.min + vec2(3.0, 0.0), galley, color);
                    }
                    (Some(a), None) | (None, Some(a)) => {
                        let outgoing = from.is_some();
                        let start = a.center_top();
                        let end = start + vec2(if outgoing { 22.0 } else { -22.0 }, -14.0);
                        painter.line_segment([start, end], stroke);
                        let text = if outgoing {
                            format!("{} →", rel.label)
                        } else {
                            format!("→ {}", rel.label)
                        };
                        painter.text(end, egui::Align2::LEFT_BOTTOM, text, font.clone(), color);
                    }
                    (None, None) => {}
                }
            }
        }
    }

    /// The code point whose glyph is under `pos` (not the nearest boundary).
    fn char_under(&self, pos: Pos2) -> Option<usize> {
        let block = self
            .visible
            .iter()
            .find(|b| pos.y >= b.origin.y && pos.y < b.origin.y + b.height)?;
        let local = pos - block.origin;
        let mut start = 0;
        for row in &block.galley.rows {
            let count = row.char_count_including_newline().0;
            if local.y >= row.min_y() && local.y < row.max_y() {
                let col = row.glyphs.iter().position(|g| {
                    local.x >= g.pos.x + row.pos.x
                        && local.x < g.pos.x + row.pos.x + g.advance_width
                })?;
                return Some(block.start + start + col);
            }
            start += count;
        }
        None
    }

    fn handle_pointer(
        &mut self,
        ui: &egui::Ui,
        response: &egui::Response,
        input: &ViewInput<'_>,
        output: &mut ViewOutput,
    ) {
        let doc = input.doc;
        let shift = ui.input(|i| i.modifiers.shift);
        if response.double_clicked() {
            if let Some(pos) = response.interact_pointer_pos()
                && let Some(offset) = self.char_under(pos).or_else(|| self.offset_at(pos))
            {
                let word = doc.word_at(offset);
                self.selection = Some(Selection {
                    anchor: word.start,
                    head: word.end,
                });
                output.clicked_span = Some(None);
            }
            return;
        }
        if response.drag_started() {
            let origin = ui
                .input(|i| i.pointer.press_origin())
                .or(response.interact_pointer_pos());
            if let Some(offset) = origin.and_then(|p| self.offset_at(p)) {
                let offset = doc.snap_to_grapheme(offset);
                let anchor = match (shift, self.selection) {
                    (true, Some(sel)) => sel.anchor,
                    _ => offset,
                };
                self.drag_anchor = Some(anchor);
                self.selection = Some(Selection {
                    anchor,
                    head: offset,
                });
                output.clicked_span = Some(None);
            }
        }
        if response.dragged()
            && let Some(pos) = response.interact_pointer_pos()
        {
            let alt = ui.input(|i| i.modifiers.alt);
            if let Some(offset) = self.offset_at(pos)
                && let Some(sel) = &mut self.selection
            {
                let head = doc.snap_to_grapheme(offset);
                let anchor = self.drag_anchor.unwrap_or(sel.anchor);
                if input.snap_words && !alt && anchor != head {
                    // Whole words by default; the selection keeps its direction.
                    let words = doc.snap_to_words(anchor.min(head)..anchor.max(head));
                    (sel.anchor, sel.head) = if anchor <= head {
                        (words.start, words.end)
                    } else {
                        (words.end, words.start)
                    };
                } else {
                    (sel.anchor, sel.head) = (anchor, head);
                }
            }
            // Auto-scroll when dragging past the top or bottom edge.
            let r = self.visible_rect.unwrap_or(Rect::EVERYTHING);
            let dy = if pos.y < r.min.y + 8.0 {
                (r.min.y + 8.0 - pos.y).min(60.0)
            } else if pos.y > r.max.y - 8.0 {
                -(pos.y - (r.max.y - 8.0)).min(60.0)
            } else {
                0.0
            };
            if dy != 0.0 {
                self.pending_delta -= dy;
                ui.ctx().request_repaint();
            }
        }
        if response.clicked() || response.drag_started() {
            self.preferred_x = None;
        }
        if response.clicked()
            && let Some(pos) = response.interact_pointer_pos()
        {
            if shift {
                if let Some(offset) = self.offset_at(pos) {
                    let offset = doc.snap_to_grapheme(offset);
                    let anchor = self.selection.map_or(offset, |s| s.anchor);
                    self.selection = Some(Selection {
                        anchor,
                        head: offset,
                    });
                    output.clicked_span = Some(None);
                }
            } else {
                self.selection = self
                    .offset_at(pos)
                    .map(|o| Selection { anchor: o, head: o });
                let span = self.span_at(pos, input);
                if span.is_none()
                    && let Some(&(.., i)) = self.ghosts.iter().find(|g| g.0.contains(pos))
                {
                    output.clicked_suggestion = Some(i);
                }
                output.clicked_span = Some(span);
            }
        }
    }
}

/// A dashed rectangle outline (4 px dashes, 3 px gaps) added to a mesh as quads.
fn dashed_outline(mesh: &mut egui::Mesh, r: Rect, width: f32, color: Color32) {
    const DASH: f32 = 4.0;
    const GAP: f32 = 3.0;
    let mut x = r.min.x;
    while x < r.max.x {
        let x1 = (x + DASH).min(r.max.x);
        for y in [r.min.y, r.max.y - width] {
            mesh.add_colored_rect(Rect::from_min_max(pos2(x, y), pos2(x1, y + width)), color);
        }
        x += DASH + GAP;
    }
    let mut y = r.min.y;
    while y < r.max.y {
        let y1 = (y + DASH).min(r.max.y);
        for x in [r.min.x, r.max.x - width] {
            mesh.add_colored_rect(Rect::from_min_max(pos2(x, y), pos2(x + width, y1)), color);
        }
        y += DASH + GAP;
    }
}

/// Blank lines take half a line: paragraphs stay apart without wasting the screen.
fn empty_block_height(line_h: f32) -> f32 {
    (line_h * 0.5).round()
}

/// The height a laid-out block takes on screen.
fn block_height(galley: &Galley, line_h: f32) -> f32 {
    if galley.job.text.is_empty() {
        empty_block_height(line_h)
    } else {
        galley.rect.height().max(line_h)
    }
}

/// One grapheme back from `from`; from the start of a line, the end of the line before.
fn char_left(doc: &Document, from: usize) -> usize {
    let blocks = doc.blocks();
    let b = doc.block_at(from);
    let Some(block) = blocks.get(b) else {
        return from;
    };
    if from <= block.start {
        return if b > 0 { blocks[b - 1].end } else { 0 };
    }
    if from > block.end {
        return block.end;
    }
    doc.snap_to_grapheme(from - 1)
}

/// One grapheme on from `from`; from the end of a line, the start of the next.
fn char_right(doc: &Document, from: usize) -> usize {
    let blocks = doc.blocks();
    let b = doc.block_at(from);
    let Some(block) = blocks.get(b) else {
        return from;
    };
    if from >= block.end {
        return blocks.get(b + 1).map_or(block.end, |next| next.start);
    }
    let mut to = from + 1;
    while to < block.end && doc.snap_to_grapheme(to) != to {
        to += 1;
    }
    to
}

/// Whether a word segment is a word (not spaces or punctuation).
fn is_word(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

/// The end of the word at or after `from` (across line ends).
fn word_right(doc: &Document, from: usize) -> usize {
    let blocks = doc.blocks();
    let mut at = from;
    loop {
        let b = doc.block_at(at);
        let Some(block) = blocks.get(b) else {
            return at;
        };
        if at >= block.end {
            match blocks.get(b + 1) {
                Some(next) => {
                    at = next.start;
                    continue;
                }
                None => return block.end.max(at.min(doc.char_len())),
            }
        }
        let word = doc.word_at(at);
        if word.end <= at {
            return at;
        }
        if is_word(doc.slice(word.clone())) {
            return word.end;
        }
        at = word.end;
    }
}

/// The start of the word before `from` (across line ends).
fn word_left(doc: &Document, from: usize) -> usize {
    let blocks = doc.blocks();
    let mut at = from.min(doc.char_len());
    loop {
        let b = doc.block_at(at);
        let Some(block) = blocks.get(b) else {
            return at;
        };
        if at <= block.start {
            if b == 0 {
                return block.start;
            }
            at = blocks[b - 1].end;
            continue;
        }
        let at_in = at.min(block.end);
        let word = doc.word_at(at_in - 1);
        if word.start >= at_in {
            return at_in;
        }
        if is_word(doc.slice(word.clone())) {
            return word.start;
        }
        at = word.start;
    }
}

fn label_color(scheme: &LabelScheme, label: &str) -> Color32 {
    scheme.get(label).map_or(Color32::GRAY, theme::label_color)
}

/// The screen rectangles (text band of each row) covering `range` within a block.
fn range_rects(
    block: &VisibleBlock,
    block_range: &Range<usize>,
    range: Range<usize>,
    band_half: f32,
) -> Vec<Rect> {
    let mut rects = Vec::new();
    range_rects_into(block, block_range, range, band_half, &mut rects);
    rects
}

/// [`range_rects`] into a reused vector.
fn range_rects_into(
    block: &VisibleBlock,
    block_range: &Range<usize>,
    range: Range<usize>,
    band_half: f32,
    rects: &mut Vec<Rect>,
) {
    let start = range.start.max(block_range.start);
    let end = range.end.min(block_range.end);
    if start >= end {
        return;
    }
    let (local_start, local_end) = (start - block_range.start, end - block_range.start);
    let mut row_start = 0;
    for row in &block.galley.rows {
        let row_end = row_start + row.glyphs.len();
        let a = local_start.max(row_start);
        let b = local_end.min(row_end);
        if a < b {
            let x0 = row.pos.x + row.x_offset(egui::text::CharIndex(a - row_start));
            let x1 = row.pos.x + row.x_offset(egui::text::CharIndex(b - row_start));
            let cy = row.rect().center().y;
            rects.push(
                Rect::from_min_max(pos2(x0, cy - band_half), pos2(x1, cy + band_half))
                    .translate(block.origin.to_vec2()),
            );
        }
        if row_start >= local_end {
            break;
        }
        row_start += row.char_count_including_newline().0;
    }
}

/// The first `max` characters of a text, on one line.
pub fn preview(text: &str, max: usize) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() <= max {
        one_line
    } else {
        let mut s: String = one_line.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// Where a chip of `size` naming the span whose first piece is `span` goes: above the span's
/// start, or below it when the view's top edge would cut it off, kept inside the view's width.
fn chip_rect(span: Rect, size: Vec2, view: Rect) -> Rect {
    let y = if span.min.y - size.y - 2.0 >= view.min.y {
        span.min.y - size.y - 2.0
    } else {
        span.max.y + 2.0
    };
    let x = span.min.x.min(view.max.x - size.x).max(view.min.x);
    Rect::from_min_size(pos2(x, y), size)
}

/// Of `spans` as (lane, start, end), in drawing order (by start, longer first), the
/// positions of those that start inside an earlier span of their lane: nested in it or
/// overlapping it, so that their ends must be marked to be seen.
fn nested_in_lane(spans: impl Iterator<Item = (usize, usize, usize)>, lanes: usize) -> Vec<usize> {
    // Where each lane's spans so far reach.
    let mut reach = vec![0usize; lanes];
    let mut nested = Vec::new();
    for (i, (lane, start, end)) in spans.enumerate() {
        let Some(r) = reach.get_mut(lane) else {
            continue;
        };
        if start < *r {
            nested.push(i);
        }
        *r = (*r).max(end);
    }
    nested
}

/// [`preview`] that keeps both ends: at most `max` characters, the middle replaced by `…`,
/// so that two spans that differ only in where they start or end look different.
pub fn preview_ends(text: &str, max: usize) -> String {
    let one_line = preview(text, usize::MAX);
    let n = one_line.chars().count();
    if n <= max {
        return one_line;
    }
    let head = max.saturating_sub(1) / 2;
    let tail = max.saturating_sub(1) - head;
    let mut s: String = one_line.chars().take(head).collect();
    s.push('…');
    s.extend(one_line.chars().skip(n - tail));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenwick_prefix_and_find() {
        let mut h = Heights::default();
        h.reset(vec![10.0, 20.0, 30.0, 40.0, 50.0]);
        assert_eq!(h.prefix(0), 0.0);
        assert_eq!(h.prefix(3), 60.0);
        assert_eq!(h.total(), 150.0);
        assert_eq!(h.find(0.0), 0);
        assert_eq!(h.find(9.9), 0);
        assert_eq!(h.find(10.0), 1);
        assert_eq!(h.find(59.0), 2);
        assert_eq!(h.find(1e9), 4);
        h.set(1, 25.0);
        assert_eq!(h.prefix(3), 65.0);
        assert_eq!(h.find(34.0), 1);
        assert_eq!(h.find(35.0), 2);
    }

    #[test]
    fn a_chip_stays_inside_the_view() {
        let view = Rect::from_min_max(pos2(0.0, 30.0), pos2(500.0, 800.0));
        let size = vec2(40.0, 12.0);
        // Room above: above the span, at its start.
        let span = Rect::from_min_max(pos2(100.0, 200.0), pos2(160.0, 220.0));
        assert_eq!(chip_rect(span, size, view).min, pos2(100.0, 186.0));
        // On the first line under the menu bar: below it instead.
        let top = Rect::from_min_max(pos2(100.0, 32.0), pos2(160.0, 52.0));
        let chip = chip_rect(top, size, view);
        assert!(
            chip.min.y >= view.min.y && chip.min.y >= top.max.y,
            "{chip:?}"
        );
        // At the right edge: moved left to fit.
        let right = Rect::from_min_max(pos2(480.0, 200.0), pos2(499.0, 220.0));
        assert!(chip_rect(right, size, view).max.x <= view.max.x);
    }

    #[test]
    fn spans_inside_another_of_their_lane_are_nested() {
        // Lane 0: 0..34 with 13..21 inside it, then 40..59 apart; lane 1: 13..28 overlapping
        // 20..30; 5..8 in lane 1 starts inside nothing of lane 1.
        let spans = [
            (0, 0, 34),
            (1, 5, 8),
            (0, 13, 21),
            (1, 13, 28),
            (1, 20, 30),
            (0, 40, 59),
        ];
        assert_eq!(nested_in_lane(spans.into_iter(), 2), [2, 4]);
        // Touching is not nesting: [0, 5) then [5, 9).
        assert!(nested_in_lane([(0, 0, 5), (0, 5, 9)].into_iter(), 1).is_empty());
    }

    #[test]
    fn preview_shortens() {
        assert_eq!(preview("a\nb", 10), "a b");
        assert_eq!(preview("abcdef", 4), "abc…");
        assert_eq!(preview_ends("abcdefgh", 5), "ab…gh");
        assert_eq!(preview_ends("abcdefgh", 6), "ab…fgh");
        assert_eq!(preview_ends("a\nbc", 5), "a bc");
        assert_eq!(preview_ends("Zoë said\n", 4), "Z…d ");
    }
}
