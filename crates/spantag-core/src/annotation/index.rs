//! The span index: the spans overlapping a range in `O(log n + k)`, without scanning them
//! all.

use std::ops::Range;

use super::Span;

/// Finds the spans overlapping a range in `O(log n + k)`.
///
/// Spans are grouped by length class (lengths up to 1, 2, 4, 8, … code points); within a
/// class they are sorted by start. A span of class `c` that overlaps `[a, b)` must start in
/// `(a - 2^c, b)`, a window found by binary search.
#[derive(Debug, Clone, Default)]
pub struct SpanIndex {
    classes: Vec<Vec<IndexEntry>>,
}

#[derive(Debug, Clone, Copy)]
struct IndexEntry {
    start: usize,
    end: usize,
    position: usize,
}

impl SpanIndex {
    /// Builds the index of a sorted span list.
    pub fn build(spans: &[Span]) -> Self {
        let mut classes: Vec<Vec<IndexEntry>> = Vec::new();
        for (position, span) in spans.iter().enumerate() {
            let class = length_class(span.len());
            if classes.len() <= class {
                classes.resize_with(class + 1, Vec::new);
            }
            // Spans arrive sorted by start, so each class stays sorted.
            classes[class].push(IndexEntry {
                start: span.start,
                end: span.end,
                position,
            });
        }
        Self { classes }
    }

    /// Positions (into the indexed span list) of the spans overlapping `[range.start,
    /// range.end)`, in ascending order. An empty range finds the spans containing that point.
    pub fn overlapping(&self, range: Range<usize>) -> Vec<usize> {
        let mut out = Vec::new();
        self.any_overlapping(range, |position| {
            out.push(position);
            false
        });
        out.sort_unstable();
        out
    }

    /// Whether `found` holds for the position of any span overlapping `[range.start,
    /// range.end)` (an empty range: containing that point), without collecting them: stops
    /// at the first. [`Self::overlapping`] collects them through it.
    pub fn any_overlapping(
        &self,
        range: Range<usize>,
        mut found: impl FnMut(usize) -> bool,
    ) -> bool {
        let (a, b) = (range.start, range.end.max(range.start + 1));
        for (class, entries) in self.classes.iter().enumerate() {
            let max_len = 1usize << class;
            // A span of this class ends at most `max_len` after its start.
            let first = match a.checked_sub(max_len) {
                Some(lo) => entries.partition_point(|e| e.start <= lo),
                None => 0,
            };
            for e in &entries[first..] {
                if e.start >= b {
                    break;
                }
                if e.end > a && found(e.position) {
                    return true;
                }
            }
        }
        false
    }
}

fn length_class(len: usize) -> usize {
    let len = len.max(1);
    (usize::BITS - (len - 1).leading_zeros()) as usize
}
