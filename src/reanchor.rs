//! Re-anchoring spans when the source text changed since the annotation file was saved.
//!
//! Each span whose stored text is no longer at its offsets is looked for: first the exact
//! text nearest the old position (searching a small window, then a larger one, then the
//! whole document), then the same words with any white space between them (re-wrapped or
//! re-indented text), then a fuzzy match near the old position: the stretch of text with the
//! fewest edits from the stored text, accepted when at most an eighth of it changed (a word
//! corrected, a typo fixed). Spans that cannot be placed become orphans: kept in the file and
//! shown to the user, never dropped.

use crate::annotation::Span;
use crate::document::Document;

/// The outcome of re-anchoring.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reanchored {
    /// Spans placed (at their old offsets or moved).
    pub spans: Vec<Span>,
    /// Spans that could not be placed, with their old offsets.
    pub orphans: Vec<Span>,
    /// How many spans moved.
    pub moved: usize,
}

/// Windows searched around the old position, in bytes; the last is the whole document.
const WINDOWS: [usize; 2] = [4_096, 131_072];

/// How far around the old position a fuzzy match is looked for, in code points.
const FUZZY_WINDOW: usize = 2_000;
/// Fuzzy matching is tried for spans of this many code points at most…
const FUZZY_MAX_LEN: usize = 400;
/// …and for this many spans per document at most (beyond, the rest become orphans), so
/// that a rewritten document cannot make opening it slow.
const FUZZY_MAX_SPANS: usize = 2_000;

/// Re-anchors spans to a changed text.
pub fn reanchor(doc: &Document, spans: Vec<Span>) -> Reanchored {
    let mut out = Reanchored::default();
    let mut fuzzy_budget = FUZZY_MAX_SPANS;
    for mut span in spans {
        if doc.text_matches(span.start, span.end, &span.text) {
            out.spans.push(span);
            continue;
        }
        let found = find(doc, &span).or_else(|| {
            (fuzzy_budget > 0).then(|| {
                fuzzy_budget -= 1;
                fuzzy(doc, &span)
            })?
        });
        match found {
            Some((start, end)) => {
                span.start = start;
                span.end = end;
                doc.slice(start..end).clone_into(&mut span.text);
                out.moved += 1;
                out.spans.push(span);
            }
            None => out.orphans.push(span),
        }
    }
    out
}

/// Where a span's text is now, nearest its old start: (start, end) in code points.
fn find(doc: &Document, span: &Span) -> Option<(usize, usize)> {
    if span.text.trim().is_empty() {
        return None;
    }
    let text = doc.text();
    let around = doc.byte_from_char(span.start.min(doc.char_len()));
    let windows = WINDOWS
        .iter()
        .map(|&w| (around.saturating_sub(w), (around + w).min(text.len())))
        .chain([(0, text.len())]);
    for (lo, hi) in windows {
        let (lo, hi) = (floor_boundary(text, lo), floor_boundary(text, hi));
        let hay = &text[lo..hi];
        let exact = hay
            .match_indices(span.text.as_str())
            .map(|(b, m)| (lo + b, lo + b + m.len()));
        if let Some(found) = nearest(exact, around) {
            return Some((doc.char_from_byte(found.0), doc.char_from_byte(found.1)));
        }
        if let Some(found) = nearest(
            whitespace_insensitive(hay, &span.text).map(|(a, b)| (lo + a, lo + b)),
            around,
        ) {
            return Some((doc.char_from_byte(found.0), doc.char_from_byte(found.1)));
        }
        if hi - lo == text.len() {
            break;
        }
    }
    None
}

/// The stretch of text near the old position with the fewest edits (Levenshtein) from the
/// span's text, when at most an eighth of it changed: (start, end) in code points.
fn fuzzy(doc: &Document, span: &Span) -> Option<(usize, usize)> {
    let pattern: Vec<char> = span.text.chars().collect();
    let m = pattern.len();
    if !(6..=FUZZY_MAX_LEN).contains(&m) {
        return None;
    }
    let lo = span.start.saturating_sub(FUZZY_WINDOW);
    let hi = (span.end + FUZZY_WINDOW).min(doc.char_len());
    let window: Vec<char> = doc.slice(lo..hi).chars().collect();
    // Sellers' algorithm: a match may start anywhere in the window (the first row is all
    // zeros); each cell carries the window position where its alignment started.
    let mut prev: Vec<(usize, usize)> = (0..=m).map(|i| (i, 0)).collect();
    let mut best: Option<(usize, usize, usize)> = None; // (cost, start, end)
    for (j, &c) in window.iter().enumerate() {
        let mut cur = Vec::with_capacity(m + 1);
        cur.push((0, j + 1));
        for i in 1..=m {
            let substitute = (
                prev[i - 1].0 + usize::from(pattern[i - 1] != c),
                prev[i - 1].1,
            );
            let delete = (prev[i].0 + 1, prev[i].1);
            let insert = (cur[i - 1].0 + 1, cur[i - 1].1);
            cur.push(substitute.min(delete).min(insert));
        }
        let (cost, start) = cur[m];
        let end = j + 1;
        let nearer = |b: &(usize, usize, usize)| {
            start.abs_diff(span.start - lo) < b.1.abs_diff(span.start - lo)
        };
        if best
            .as_ref()
            .is_none_or(|b| cost < b.0 || (cost == b.0 && nearer(b)))
        {
            best = Some((cost, start, end));
        }
        prev = cur;
    }
    let (cost, start, end) = best?;
    (cost * 8 <= m && start < end).then_some((lo + start, lo + end))
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn nearest(
    candidates: impl Iterator<Item = (usize, usize)>,
    around: usize,
) -> Option<(usize, usize)> {
    candidates.min_by_key(|&(start, _)| start.abs_diff(around))
}

/// Byte ranges in `hay` holding the words of `needle` separated by any white space.
fn whitespace_insensitive<'a>(
    hay: &'a str,
    needle: &'a str,
) -> impl Iterator<Item = (usize, usize)> + 'a {
    let words: Vec<&str> = needle.split_whitespace().collect();
    let first = words.first().copied().unwrap_or("");
    hay.match_indices(first).filter_map(move |(start, _)| {
        let mut pos = start;
        for (i, word) in words.iter().enumerate() {
            if i > 0 {
                let rest = &hay[pos..];
                let skipped = rest.len() - rest.trim_start().len();
                if skipped == 0 {
                    return None;
                }
                pos += skipped;
            }
            if !hay[pos..].starts_with(word) {
                return None;
            }
            pos += word.len();
        }
        Some((start, pos))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(id: u64, doc: &Document, needle: &str, label: &str) -> Span {
        let byte = doc.text().find(needle).unwrap();
        let start = doc.char_from_byte(byte);
        Span {
            id,
            start,
            end: start + needle.chars().count(),
            label: label.into(),
            text: needle.into(),
            note: None,
        }
    }

    #[test]
    fn spans_follow_their_text_and_the_rest_become_orphans() {
        let old = Document::from_text(
            "Intro.\n\nMayor Reyes said the levee is late.\nThe council met.\nCritics wept.\n"
                .to_owned(),
        );
        let spans = vec![
            span(1, &old, "Mayor Reyes", "actor"),
            span(2, &old, "the levee is late", "claim"),
            span(3, &old, "The council met", "event"),
            span(4, &old, "Critics wept", "claim"),
            span(5, &old, "Intro", "event"),
        ];
        // A paragraph inserted before, a line re-wrapped, a sentence deleted, a word changed.
        let new = Document::from_text(
            "Intro.\n\nA new first paragraph, with Reyes in it.\n\nMayor Reyes said the levee\n  is late.\nCritics cried.\n".to_owned(),
        );
        let result = reanchor(&new, spans);
        let placed: Vec<(u64, &str)> = result
            .spans
            .iter()
            .map(|s| (s.id, s.text.as_str()))
            .collect();
        assert_eq!(
            placed,
            [
                (1, "Mayor Reyes"),
                (2, "the levee\n  is late"),
                (5, "Intro")
            ]
        );
        for s in &result.spans {
            assert_eq!(new.slice(s.range()), s.text);
        }
        assert_eq!(result.moved, 2);
        let orphans: Vec<u64> = result.orphans.iter().map(|s| s.id).collect();
        assert_eq!(orphans, [3, 4]);
    }

    #[test]
    fn small_edits_are_found_by_the_fuzzy_match_big_ones_are_not() {
        let old = Document::from_text("Intro. Reyes said the levee would be finished by May. Critics called the plan reckless.".to_owned());
        let spans = vec![
            span(1, &old, "the levee would be finished by May", "claim"),
            span(2, &old, "Critics called the plan reckless", "claim"),
        ];
        let new = Document::from_text("Intro. Reyes said the levee will be finished by May. Critics called it all a foolish gamble.".to_owned());
        let r = reanchor(&new, spans);
        assert_eq!(r.spans.len(), 1);
        assert_eq!(r.spans[0].text, "the levee will be finished by May");
        assert_eq!(new.slice(r.spans[0].range()), r.spans[0].text);
        assert_eq!(r.orphans.len(), 1);
        assert_eq!(r.orphans[0].id, 2);
    }

    #[test]
    fn nearest_occurrence_wins() {
        // "Reyes one. Reyes two. Reyes three." with the second Reyes tagged.
        let spans = vec![Span {
            id: 1,
            start: 11,
            end: 16,
            label: "actor".into(),
            text: "Reyes".into(),
            note: None,
        }];
        let new = Document::from_text("X. Reyes one. Reyes two. Reyes three.".to_owned());
        let r = reanchor(&new, spans);
        assert_eq!(r.spans[0].start, 14, "the second Reyes, shifted by 3");
    }
}
