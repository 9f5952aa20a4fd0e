//! Painting the blocks on screen: text, span highlights and lanes, chips, search
//! matches, suggestion ghosts, the selection and the caret.

use std::ops::Range;

use egui::{Color32, CornerRadius, Rect, Sense, Stroke, StrokeKind, Vec2, pos2, vec2};

use super::heights::block_height;
use super::pieces::{self, span_rects_into};
use super::{BOTTOM_PAD, DocView, ViewInput, ViewOutput, VisibleBlock, preview};
use crate::theme;
use spantag_core::annotation::{LabelScheme, Span};
use spantag_core::session::LayerId;

impl DocView {
    pub(super) fn content_ui(
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
        let line_h = theme::line_height_with(self.text_row_height, input.lanes, input.arcs);
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
        let mut joins = Vec::new();
        // Attribute badges: after each span's last rectangle, drawn over the text.
        let mut badges: Vec<(Rect, String, egui::Color32)> = Vec::new();
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
                span_rects_into(block, &block_range, span, band_half, &mut rects, &mut joins);
                // A discontinuous span's pieces are joined at the height of its lane bar.
                let bar_y = band_half - theme::LANE_OVERLAP
                    + lane * theme::LANE_STEP
                    + theme::LANE_THICKNESS / 2.0;
                for join in joins.drain(..) {
                    mesh.add_colored_rect(join.translate(vec2(0.0, bar_y)), color);
                }
                if let (Some(text), Some(last)) = (pieces::badge_text(span), rects.last())
                    && span.end <= block_range.end
                {
                    badges.push((*last, text, color));
                }
                if let Some(first) = rects.first()
                    && (layer
                        .relation_index
                        .is_some_and(|i| i.contains_key(&span.id))
                        || layer.events.1.is_some_and(|i| i.contains_key(&span.id)))
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
        if !badges.is_empty() {
            let font = egui::FontId::proportional((input.font_size * 0.55).max(8.0));
            for (rect, text, color) in badges {
                let galley = painter.layout_no_wrap(text, font.clone(), theme::text_on(color));
                let size = galley.size() + vec2(6.0, 0.0);
                // Raised at the span's end, like a superscript, over the band above the row.
                let badge =
                    Rect::from_min_size(pos2(rect.max.x + 1.0, rect.min.y - size.y * 0.55), size);
                painter.rect_filled(badge, CornerRadius::same(3), color.gamma_multiply(0.9));
                painter.galley(badge.min + vec2(3.0, 0.0), galley, theme::text_on(color));
            }
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
        // The free band above each row's glyphs (egui centres the glyphs in the line), and
        // the text column, for the arcs.
        let band = (line_h - self.text_row_height) / 2.0;
        let left = self.visible.first().map_or(0.0, |b| b.origin.x);
        let right = left + self.params.as_ref().map_or(0.0, |p| p.col_width);
        self.paint_relations(&painter, input, &span_tops, band, left, right);
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
            let mut joins = Vec::new();
            for block in &self.visible {
                let block_range = doc.blocks()[block.index].range();
                let mut rects = Vec::new();
                span_rects_into(block, &block_range, span, band_half, &mut rects, &mut joins);
                for rect in rects {
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
}

/// A dashed rectangle outline (4 px dashes, 3 px gaps) added to a mesh as quads.
pub(super) fn dashed_outline(mesh: &mut egui::Mesh, r: Rect, width: f32, color: Color32) {
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

pub(super) fn label_color(scheme: &LabelScheme, label: &str) -> Color32 {
    scheme.get(label).map_or(Color32::GRAY, theme::label_color)
}

/// The screen rectangles (text band of each row) covering `range` within a block, into a
/// reused vector.
pub(super) fn range_rects_into(
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

/// Where a chip of `size` naming the span whose first piece is `span` goes: above the span's
/// start, or below it when the view's top edge would cut it off, kept inside the view's width.
pub(super) fn chip_rect(span: Rect, size: Vec2, view: Rect) -> Rect {
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
pub(super) fn nested_in_lane(
    spans: impl Iterator<Item = (usize, usize, usize)>,
    lanes: usize,
) -> Vec<usize> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
