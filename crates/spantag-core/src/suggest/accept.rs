//! Accepting many suggestions at once: one edit (one undo step) that tags them all.

use super::Suggestion;
use crate::annotation::{Layer, Span};
use crate::document::Document;
use crate::edit::Edit;

/// The edit that tags every suggestion still live in `layer` (one span per range and label;
/// none inside the document's bounds left out silently: those out of bounds or already
/// tagged are skipped and counted). `None` when there is nothing to add.
pub fn accept_all(layer: &Layer, doc: &Document, items: &[Suggestion]) -> (Option<Edit>, usize) {
    let mut next = layer.next_id();
    let mut seen = std::collections::HashSet::new();
    let mut spans = Vec::new();
    let mut skipped = 0;
    for s in items {
        if s.start >= s.end
            || s.end > doc.char_len()
            || layer.find_duplicate(s.range(), &s.label).is_some()
            || !seen.insert((s.start, s.end, s.label.clone()))
        {
            skipped += 1;
            continue;
        }
        spans.push(Span::new(
            next,
            s.start..s.end,
            &s.label,
            doc.slice(s.range()),
        ));
        next += 1;
    }
    (
        (!spans.is_empty()).then_some(Edit::AddSpans(spans)),
        skipped,
    )
}
