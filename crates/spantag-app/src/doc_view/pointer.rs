//! The pointer: hit-testing offsets, characters and spans under it, clicks and drags.

use egui::{Pos2, Rect};

use super::{DocView, Selection, ViewInput, ViewOutput};
use crate::theme;
use spantag_core::session::{LayerId, SpanRef};

impl DocView {
    /// The document offset under a screen position, from the blocks on screen.
    pub(super) fn offset_at(&self, pos: Pos2) -> Option<usize> {
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
    pub(super) fn span_at(&mut self, pos: Pos2, input: &ViewInput<'_>) -> Option<SpanRef> {
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

    /// The code point whose glyph is under `pos` (not the nearest boundary).
    pub(super) fn char_under(&self, pos: Pos2) -> Option<usize> {
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

    pub(super) fn handle_pointer(
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
