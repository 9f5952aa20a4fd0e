//! Caret motion: characters, words, visual rows, pages, blocks.

use egui::vec2;

use super::{DocView, Motion, ScrollTarget, Selection};
use spantag_core::document::Document;

impl DocView {
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
    pub(super) fn row_step(
        &mut self,
        ctx: &egui::Context,
        doc: &Document,
        from: usize,
        down: bool,
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
    pub(super) fn row_edge(
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
}

/// One grapheme back from `from`; from the start of a line, the end of the line before.
pub(super) fn char_left(doc: &Document, from: usize) -> usize {
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
pub(super) fn char_right(doc: &Document, from: usize) -> usize {
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
pub(super) fn is_word(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

/// The end of the word at or after `from` (across line ends).
pub(super) fn word_right(doc: &Document, from: usize) -> usize {
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
pub(super) fn word_left(doc: &Document, from: usize) -> usize {
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
