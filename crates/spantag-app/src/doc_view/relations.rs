//! Relation arcs between spans on screen, and stubs for relations leaving the screen.

use egui::{Color32, CornerRadius, Pos2, Rect, Stroke, pos2, vec2};

use super::paint::label_color;
use super::{DocView, ViewInput};
use crate::theme;

impl DocView {
    /// Relation arcs above the text, from source to target, for relations whose ends are
    /// both on screen; a relation whose other end is off screen gets a short labelled stub.
    pub(super) fn paint_relations(
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
}
