//! Scrolling: the anchor (a place in the document, not a pixel offset), moving it, and
//! scroll targets (top, jump, caret, end).

use super::{Anchor, BOTTOM_PAD, DocView, ScrollTarget};
use spantag_core::document::Document;

impl DocView {
    /// Moves the view by `delta` points of laid-out text (a long way, like a scroll bar
    /// drag, goes by the estimates instead).
    pub(super) fn move_anchor(&mut self, ctx: &egui::Context, doc: &Document, delta: f32) {
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
    pub(super) fn row_of(
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
    pub(super) fn row_in_view(
        &mut self,
        ctx: &egui::Context,
        doc: &Document,
        offset: usize,
    ) -> (f32, f32) {
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

    pub(super) fn apply_target(
        &mut self,
        ctx: &egui::Context,
        doc: &Document,
        target: ScrollTarget,
    ) {
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
    pub(super) fn anchor_at_end(&mut self, ctx: &egui::Context, doc: &Document) {
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
    pub(super) fn clamp_to_end(&mut self, ctx: &egui::Context, doc: &Document) {
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
}
