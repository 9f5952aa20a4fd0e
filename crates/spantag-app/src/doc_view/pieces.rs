//! What a span looks like beyond its range: the rectangles of its pieces (a discontinuous
//! span covers only its pieces, joined by a thin line where two lie on one row) and the
//! badge naming its attributes.

use egui::{Rect, pos2};
use spantag_core::annotation::Span;
use spantag_core::project::FLAG_SET;
use std::ops::Range;

use super::VisibleBlock;
use super::paint::range_rects_into;

/// The rectangles of `span`'s pieces in `block` (into `rects`), and for a discontinuous span
/// the thin joins between consecutive pieces on one row (into `joins`, `thickness` high, at
/// the rows' middle).
pub(super) fn span_rects_into(
    block: &VisibleBlock,
    block_range: &Range<usize>,
    span: &Span,
    band_half: f32,
    rects: &mut Vec<Rect>,
    joins: &mut Vec<Rect>,
) {
    if span.fragments.is_empty() {
        range_rects_into(block, block_range, span.range(), band_half, rects);
        return;
    }
    let mut previous: Option<Rect> = None;
    for piece in span.pieces() {
        let first = rects.len();
        range_rects_into(block, block_range, piece, band_half, rects);
        if let (Some(before), Some(&start)) = (previous, rects.get(first))
            && (before.center().y - start.center().y).abs() < 1.0
            && before.max.x < start.min.x
        {
            let y = before.center().y;
            joins.push(Rect::from_min_max(
                pos2(before.max.x, y - 0.75),
                pos2(start.min.x, y + 0.75),
            ));
        }
        if let Some(&last) = rects.last().filter(|_| rects.len() > first) {
            previous = Some(last);
        }
    }
}

/// The badge text of a span's attributes: a flag by its name, another by its value, joined
/// by " · " and kept short; `None` without attributes.
pub(super) fn badge_text(span: &Span) -> Option<String> {
    if span.attrs.is_empty() {
        return None;
    }
    let parts: Vec<&str> = span
        .attrs
        .iter()
        .map(|(name, value)| {
            if value == FLAG_SET {
                name.as_str()
            } else {
                value.as_str()
            }
        })
        .collect();
    Some(crate::doc_view::preview(&parts.join(" · "), 28))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_badge_names_flags_and_values() {
        let mut span = Span::new(1, 0..5, "claim", "North");
        assert_eq!(badge_text(&span), None);
        span.attrs.insert("negated".into(), FLAG_SET.into());
        span.attrs.insert("certainty".into(), "hedged".into());
        // Sorted by name: certainty's value, then the negated flag.
        assert_eq!(badge_text(&span).as_deref(), Some("hedged · negated"));
    }
}
