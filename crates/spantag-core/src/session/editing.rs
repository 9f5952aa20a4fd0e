//! Changing a layer's spans from a range of the document: tagging (white space trimmed,
//! duplicates refused, a fresh id), moving a span's ends by a character or a word, tagging
//! every match, placing an orphan. Each is one undoable [`Edit`] through [`Session::apply`].

use crate::annotation::Span;
use crate::document::Document;
use crate::edit::{Edit, EditError};
use std::ops::Range;

use super::{Edge, LayerId, Session, SessionError, Tagged};

impl Session {
    /// Tags a range of the document: trimmed of white space, refused when the same text has
    /// that label already, with a fresh id.
    pub fn tag(
        &mut self,
        id: &LayerId,
        range: Range<usize>,
        label: &str,
    ) -> Result<Tagged, SessionError> {
        let range = self.doc.trim_range(range);
        if range.is_empty() {
            return Ok(Tagged::OnlyWhitespace);
        }
        let state = self.editable_mut(id)?;
        if let Some(existing) = state.layer.find_duplicate(range.clone(), label) {
            return Ok(Tagged::Duplicate(existing.id));
        }
        let span_id = state.layer.next_id();
        let span = Span::new(span_id, range.clone(), label, self.doc.slice(range));
        self.apply(id, Edit::AddSpan(span))?;
        Ok(Tagged::Added(span_id))
    }

    /// Moves one end of a span by a character (a grapheme) or a word, forwards or back, as
    /// one undoable step; the span keeps its id, label, note and relations. Returns the new
    /// range, or `None` when the end cannot move that way (the span would vanish, or it is
    /// at the document's edge).
    pub fn move_span_edge(
        &mut self,
        id: &LayerId,
        span_id: u64,
        edge: Edge,
        by_word: bool,
        forward: bool,
    ) -> Result<Option<Range<usize>>, SessionError> {
        let span = self
            .editable_mut(id)?
            .layer
            .get(span_id)
            .cloned()
            .ok_or(EditError::NoSuchSpan(span_id))?;
        let doc = &self.doc;
        let from = match edge {
            Edge::Start => span.start,
            Edge::End => span.end,
        };
        let to = if by_word {
            word_step(doc, from, forward)
        } else {
            grapheme_step(doc, from, forward)
        };
        let range = match edge {
            Edge::Start => to..span.end,
            Edge::End => span.start..to,
        };
        if range.start >= range.end {
            return Ok(None);
        }
        // Word steps land on word edges: the whitespace between words is not kept at the
        // moved end.
        let range = if by_word {
            let trimmed = doc.trim_range(range.clone());
            match edge {
                Edge::Start => trimmed.start..range.end,
                Edge::End => range.start..trimmed.end,
            }
        } else {
            range
        };
        if range.start >= range.end || range == span.range() {
            return Ok(None);
        }
        let text = doc.slice(range.clone()).to_owned();
        self.apply(
            id,
            Edit::Resize {
                id: span_id,
                start: range.start,
                end: range.end,
                text,
            },
        )?;
        Ok(Some(range))
    }

    /// Tags every range with `label` as one undoable step, skipping ranges that already
    /// carry it (and white-space-only ones); returns how many spans were added.
    pub fn tag_all(
        &mut self,
        id: &LayerId,
        ranges: &[Range<usize>],
        label: &str,
    ) -> Result<usize, SessionError> {
        let doc = std::sync::Arc::clone(&self.doc);
        let state = self.editable_mut(id)?;
        let mut next = state.layer.next_id();
        let mut seen = std::collections::HashSet::new();
        let mut spans = Vec::new();
        for range in ranges {
            let range = doc.trim_range(range.clone());
            if range.is_empty()
                || range.end > doc.char_len()
                || state.layer.find_duplicate(range.clone(), label).is_some()
                || !seen.insert((range.start, range.end))
            {
                continue;
            }
            spans.push(Span::new(next, range.clone(), label, doc.slice(range)));
            next += 1;
        }
        let n = spans.len();
        if n > 0 {
            self.apply(id, Edit::AddSpans(spans))?;
        }
        Ok(n)
    }

    /// Places an orphaned span at a range of the text (trimmed), keeping its id, label and
    /// note.
    pub fn place_orphan(
        &mut self,
        id: &LayerId,
        orphan: u64,
        range: Range<usize>,
    ) -> Result<(), SessionError> {
        let range = self.doc.trim_range(range);
        let state = self.editable_mut(id)?;
        let old = state
            .layer
            .orphans
            .iter()
            .find(|o| o.id == orphan)
            .cloned()
            .ok_or(SessionError::Edit(EditError::NoSuchSpan(orphan)))?;
        if range.is_empty() {
            return Err(SessionError::Edit(EditError::NoSuchSpan(orphan)));
        }
        let span = Span {
            start: range.start,
            end: range.end,
            text: self.doc.slice(range).to_owned(),
            ..old
        };
        self.apply(
            id,
            Edit::Batch(vec![Edit::RemoveOrphan(orphan), Edit::AddSpan(span)]),
        )
    }
}

/// The next grapheme boundary after (or before) `from`.
fn grapheme_step(doc: &Document, from: usize, forward: bool) -> usize {
    let len = doc.char_len();
    if forward {
        let mut to = from + 1;
        while to < len && doc.snap_to_grapheme(to) != to {
            to += 1;
        }
        to.min(len)
    } else {
        doc.snap_to_grapheme(from.saturating_sub(1))
    }
}

/// Where Ctrl+→ (Ctrl+←) goes from `from`: past the next word's end (back to the previous
/// word's start). Looks at most 1,000 characters away.
fn word_step(doc: &Document, from: usize, forward: bool) -> usize {
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '\'' || c == '’';
    if forward {
        let end = (from + 1000).min(doc.char_len());
        let chars: Vec<char> = doc.slice(from..end).chars().collect();
        let mut i = chars.iter().take_while(|c| !is_word(**c)).count();
        i += chars[i..].iter().take_while(|c| is_word(**c)).count();
        from + i
    } else {
        let start = from.saturating_sub(1000);
        let chars: Vec<char> = doc.slice(start..from).chars().collect();
        let mut i = chars.len();
        while i > 0 && !is_word(chars[i - 1]) {
            i -= 1;
        }
        while i > 0 && is_word(chars[i - 1]) {
            i -= 1;
        }
        start + i
    }
}
