//! Relation arcs between spans on screen, and stubs for relations leaving the screen.

use egui::{Color32, CornerRadius, Pos2, Rect, Stroke, pos2, vec2};

use super::paint::label_color;
use super::{DocView, ViewInput};
use crate::theme;

/// Where a relation's arc goes, in screen points: pieces of line (each a polyline), where its
/// arrowhead points down onto the target, and where its label sits.
#[derive(Debug, Clone, PartialEq)]
pub struct ArcRoute {
    /// The lines to draw.
    pub pieces: Vec<Vec<Pos2>>,
    /// The arrowhead's tip (the top of the target span), when the target is on screen.
    pub tip: Option<Pos2>,
    /// The label's centre.
    pub label: Pos2,
}

/// The route of an arc from span `a` to span `b` (their first rectangles on screen, glyph top
/// to glyph bottom), kept in the free band of height `band` above each one's row so that it
/// never crosses text: on one row, a low arch inside the band; on two rows, the source's part
/// runs in its band to the edge of the text column (`left`..`right`) in reading order, and the
/// target's part comes in from the other edge in its own band, like brat's arcs between rows.
pub fn arc_route(a: Rect, b: Rect, band: f32, left: f32, right: f32) -> ArcRoute {
    let (pa, pb) = (a.center_top(), b.center_top());
    // The highest the arc goes: most of the band, leaving a point above the glyphs.
    let rise = (band - 1.0).max(2.0);
    if (pa.y - pb.y).abs() < 1.0 {
        let top = pa.y - rise;
        // A flat-topped arch: up, across, down, with the corners rounded by a mid point.
        let dir = if pb.x >= pa.x { 1.0 } else { -1.0 };
        let r = (rise * 0.6).min((pb.x - pa.x).abs() / 2.0);
        let points = vec![
            pa,
            pos2(pa.x, top + r),
            pos2(pa.x + dir * r * 0.3, top + r * 0.3),
            pos2(pa.x + dir * r, top),
            pos2(pb.x - dir * r, top),
            pos2(pb.x - dir * r * 0.3, top + r * 0.3),
            pos2(pb.x, top + r),
            pb,
        ];
        return ArcRoute {
            pieces: vec![points],
            tip: Some(pb),
            label: pos2((pa.x + pb.x) / 2.0, top),
        };
    }
    // Two rows: leave toward where the target is in reading order.
    let forward = pb.y > pa.y;
    let (out_edge, in_edge) = if forward {
        (right, left)
    } else {
        (left, right)
    };
    let (ya, yb) = (pa.y - rise, pb.y - rise);
    let source = vec![pa, pos2(pa.x, ya), pos2(out_edge, ya)];
    let target = vec![pos2(in_edge, yb), pos2(pb.x, yb), pb];
    let label_x = (pa.x + out_edge) / 2.0;
    ArcRoute {
        pieces: vec![source, target],
        tip: Some(pb),
        label: pos2(label_x, ya),
    }
}

/// The route of a stub for a relation whose other end is off screen: up into the band above
/// span `a`, then a short way along it (right for an outgoing relation, left for an incoming
/// one); the label goes at its end.
pub fn stub_route(a: Rect, band: f32, outgoing: bool) -> (Vec<Pos2>, Pos2) {
    let p = a.center_top();
    let y = p.y - (band - 1.0).max(2.0);
    let end = pos2(p.x + if outgoing { 22.0 } else { -22.0 }, y);
    (vec![p, pos2(p.x, y), end], end)
}

impl DocView {
    /// Relation arcs in the free band above the text, from source to target, for relations
    /// whose ends are both on screen; a relation whose other end is off screen gets a short
    /// labelled stub. `band` is the height of the free space above a row's glyphs, and
    /// `left`..`right` the text column.
    pub(super) fn paint_relations(
        &mut self,
        painter: &egui::Painter,
        input: &ViewInput<'_>,
        span_tops: &std::collections::HashMap<(usize, u64), Rect>,
        band: f32,
        left: f32,
        right: f32,
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
            // Relations, then event arguments (arcs from the trigger labelled with the role).
            let sources = [
                (
                    false,
                    layer.relation_index,
                    layer.layer.relations.as_slice(),
                ),
                (true, layer.events.1, layer.events.0),
            ];
            for (event, index, arcs) in sources {
                let Some(index) = index else {
                    continue;
                };
                for &i in index.get(&id).into_iter().flatten() {
                    let Some(rel) = arcs.get(i) else {
                        continue;
                    };
                    if !drawn.insert((k, event, if event { i as u64 } else { rel.id })) {
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
                            let route = arc_route(*a, *b, band, left, right);
                            for piece in route.pieces {
                                painter.add(egui::Shape::line(piece, stroke));
                            }
                            if let Some(tip) = route.tip {
                                painter.add(egui::Shape::convex_polygon(
                                    vec![tip, tip + vec2(-3.5, -5.0), tip + vec2(3.5, -5.0)],
                                    color,
                                    Stroke::NONE,
                                ));
                            }
                            let galley = self.relation_label(painter, &rel.label, &font, color);
                            // The chip sits on the arc's top, never lower: its bottom stays
                            // above the glyphs of the row.
                            let chip =
                                Rect::from_center_size(route.label, galley.size() + vec2(6.0, 0.0));
                            painter.rect_filled(
                                chip,
                                CornerRadius::same(3),
                                theme::relation_label_bg(input.dark_mode),
                            );
                            painter.galley(chip.min + vec2(3.0, 0.0), galley, color);
                        }
                        (Some(a), None) | (None, Some(a)) => {
                            let outgoing = from.is_some();
                            let (line, end) = stub_route(*a, band, outgoing);
                            painter.add(egui::Shape::line(line, stroke));
                            let text = if outgoing {
                                format!("{} →", rel.label)
                            } else {
                                format!("→ {}", rel.label)
                            };
                            let align = if outgoing {
                                egui::Align2::LEFT_CENTER
                            } else {
                                egui::Align2::RIGHT_CENTER
                            };
                            painter.text(end, align, text, font.clone(), color);
                        }
                        (None, None) => {}
                    }
                }
            }
        }
    }

    /// A relation label laid out (cached by text, size and colour).
    fn relation_label(
        &mut self,
        painter: &egui::Painter,
        text: &str,
        font: &egui::FontId,
        color: Color32,
    ) -> std::sync::Arc<egui::Galley> {
        let key = (text.to_owned(), font.size.to_bits(), color.to_array());
        if let Some(g) = self.relation_labels.get(&key) {
            return g.clone();
        }
        let g = painter.layout_no_wrap(text.to_owned(), font.clone(), color);
        if self.relation_labels.len() > 256 {
            self.relation_labels.clear();
        }
        self.relation_labels.insert(key, g.clone());
        g
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two rows of text (glyphs 100..120 and 150..170), 14 points free above each.
    fn row(y: f32, x0: f32, x1: f32) -> Rect {
        Rect::from_min_max(pos2(x0, y), pos2(x1, y + 20.0))
    }

    fn assert_in_bands(route: &ArcRoute, bands: &[(f32, f32)]) {
        for p in route.pieces.iter().flatten().chain([&route.label]) {
            assert!(
                bands
                    .iter()
                    .any(|&(lo, hi)| p.y >= lo - 0.01 && p.y <= hi + 0.01),
                "{p:?} is outside the free bands {bands:?}: {route:?}"
            );
        }
    }

    #[test]
    fn arcs_stay_in_the_band_above_their_rows() {
        let band = 14.0;
        // Same row: up from the source's top, never above the band, never into the glyphs.
        let r = arc_route(
            row(100.0, 50.0, 90.0),
            row(100.0, 200.0, 260.0),
            band,
            40.0,
            700.0,
        );
        assert_in_bands(&r, &[(86.0, 100.0)]);
        assert_eq!(r.tip, Some(pos2(230.0, 100.0)));
        // Backwards on one row too.
        let r = arc_route(
            row(100.0, 200.0, 260.0),
            row(100.0, 50.0, 90.0),
            band,
            40.0,
            700.0,
        );
        assert_in_bands(&r, &[(86.0, 100.0)]);
        // Down to the next row: the source's part in its band to the right edge, the
        // target's from the left edge in its own band; nothing crosses the rows' glyphs.
        let r = arc_route(
            row(100.0, 300.0, 340.0),
            row(150.0, 60.0, 90.0),
            band,
            40.0,
            700.0,
        );
        assert_in_bands(&r, &[(86.0, 100.0), (136.0, 150.0)]);
        assert_eq!(r.pieces.len(), 2);
        assert_eq!(r.pieces[0].last().map(|p| p.x), Some(700.0));
        assert_eq!(r.pieces[1].first().map(|p| p.x), Some(40.0));
        // Up to an earlier row: out to the left, in from the right.
        let r = arc_route(
            row(150.0, 60.0, 90.0),
            row(100.0, 300.0, 340.0),
            band,
            40.0,
            700.0,
        );
        assert_in_bands(&r, &[(86.0, 100.0), (136.0, 150.0)]);
        assert_eq!(r.pieces[0].last().map(|p| p.x), Some(40.0));
        // A stub goes up into the band, then along it.
        let (line, end) = stub_route(row(100.0, 50.0, 90.0), band, true);
        assert!(line.iter().all(|p| p.y >= 86.0 && p.y <= 100.0));
        assert!(end.x > 70.0);
    }
}
