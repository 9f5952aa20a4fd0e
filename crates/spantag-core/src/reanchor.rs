//! Re-anchoring spans when the source text changed since the annotation file was saved.
//!
//! The old text is gone; what is left is each span's old offsets and its text. Text inserted
//! or deleted between spans shifts every span after it by the same amount, so the placement
//! sought is the one that keeps the spans in their old order with the fewest changes of
//! shift from one span to the next:
//!
//! 1. Each span's candidate places are the occurrences of its text near its old place, at the
//!    shifts its predecessor's candidates suggest, and (when there are none) farther away;
//!    re-wrapped text is found by matching its words with any white space between them, and
//!    competes with exact copies farther away (the nearer shift wins).
//! 2. A small dynamic programme over the spans in their old order picks one candidate (or
//!    none) per span: placements must keep the old order, each change of shift costs 2 and
//!    each span left out costs 3, so one odd place never pulls a span away from its
//!    neighbours, and text inserted at the top or in the middle that repeats tagged names
//!    does not capture their spans.
//! 3. Spans left out go to the nearest occurrence not taken by another span, else to a fuzzy
//!    match near where their neighbours' shift puts them (the stretch of text with the fewest
//!    edits, accepted when at most an eighth changed, found with Ukkonen's cut-off so the
//!    cost is bounded by the edits allowed, not the window), else they become orphans: kept in
//!    the file and shown to the user, never dropped.

use std::collections::HashMap;

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

/// Windows searched around the old position, in bytes; after the last, the whole document.
const WINDOWS: [usize; 2] = [4_096, 131_072];
/// The window searched for other candidates when the neighbours' shifts already gave one.
const NEAR_WINDOW: usize = 256;
/// Candidates kept per span.
const MAX_CANDIDATES: usize = 12;
/// Shifts of the previous span tried for the next one.
const MAX_CARRIED_SHIFTS: usize = 8;
/// Cost of a change of shift between consecutive placed spans, and of leaving a span out.
const CHANGE: u64 = 2;
const SKIP: u64 = 3;

/// How far around the predicted position a fuzzy match is looked for, in code points.
const FUZZY_WINDOW: usize = 2_000;
/// Fuzzy matching is tried for spans of 6 to this many code points…
const FUZZY_MAX_LEN: usize = 400;
/// …and for this many spans per document at most (beyond, the rest become orphans).
const FUZZY_MAX_SPANS: usize = 20_000;

/// Re-anchors spans to a changed text.
pub fn reanchor(doc: &Document, spans: Vec<Span>) -> Reanchored {
    reanchor_with_progress(doc, spans, &mut |_, _| {})
}

/// [`reanchor`], calling `progress(done, total)` now and then.
pub fn reanchor_with_progress(
    doc: &Document,
    mut spans: Vec<Span>,
    progress: &mut dyn FnMut(usize, usize),
) -> Reanchored {
    if spans
        .iter()
        .all(|s| doc.text_matches(s.start, s.end, &s.text))
    {
        return Reanchored {
            spans,
            ..Reanchored::default()
        };
    }
    spans.sort_by(Span::order);
    let total = spans.len();
    // Step 1: candidates.
    let mut candidates: Vec<Vec<Candidate>> = Vec::with_capacity(spans.len());
    for (i, span) in spans.iter().enumerate() {
        let carried: Vec<i64> = candidates
            .last()
            .map(|prev: &Vec<Candidate>| {
                let mut shifts: Vec<i64> = prev.iter().map(|c| c.shift).collect();
                shifts.dedup();
                shifts.truncate(MAX_CARRIED_SHIFTS);
                shifts
            })
            .unwrap_or_default();
        candidates.push(find_candidates(doc, span, &carried));
        if i % 4096 == 0 {
            progress(i / 2, total);
        }
    }
    // Step 2: the placement with the fewest changes of shift.
    let chosen = best_placement(&spans, &candidates);
    progress(total / 2, total);
    // Step 3: what is left.
    // Each place taken, with the old range and label of every span put there.
    let mut taken: HashMap<(usize, usize), Vec<OldPlace>> = HashMap::new();
    for (span, choice) in spans.iter().zip(&chosen) {
        if let Some(c) = choice {
            taken.entry((c.start, c.end)).or_default().push((
                span.start,
                span.end,
                span.label.clone(),
            ));
        }
    }
    let placed_shift: Vec<Option<i64>> = chosen.iter().map(|c| c.map(|c| c.shift)).collect();
    let mut out = Reanchored::default();
    let mut fuzzy_budget = FUZZY_MAX_SPANS;
    for (i, (mut span, choice)) in spans.into_iter().zip(chosen).enumerate() {
        let place = choice.map(|c| (c.start, c.end)).or_else(|| {
            let predicted = predicted_start(&placed_shift, i, span.start);
            // A place is free for this span when nothing was put there, or only spans that
            // were stacked with it (same old range) under other labels: a span never lands
            // on a place another span already holds (of any label), which would make two
            // annotations of one.
            let free = |c: &Candidate| {
                taken.get(&(c.start, c.end)).is_none_or(|there| {
                    there.iter().all(|(s, e, label)| {
                        (*s, *e) == (span.start, span.end) && *label != span.label
                    })
                })
            };
            let nearest = candidates[i]
                .iter()
                .filter(|c| free(c))
                .min_by_key(|c| c.start.abs_diff(predicted))
                .map(|c| (c.start, c.end));
            nearest.or_else(|| {
                (fuzzy_budget > 0 && candidates[i].is_empty()).then(|| {
                    fuzzy_budget -= 1;
                    fuzzy(doc, &span.text, predicted)
                })?
            })
        });
        // A discontinuous span keeps its pieces only where its whole text is found
        // unchanged (then they move with it); otherwise it waits as an orphan, pieces and
        // all, for the user to place it.
        let place = place.filter(|&(start, end)| {
            span.fragments.is_empty() || doc.text_matches(start, end, &span.text)
        });
        match place {
            Some((start, end)) => {
                span.shift_fragments(signed(start) - signed(span.start));
                taken.entry((start, end)).or_default().push((
                    span.start,
                    span.end,
                    span.label.clone(),
                ));
                if (start, end) != (span.start, span.end)
                    || !doc.text_matches(start, end, &span.text)
                {
                    out.moved += 1;
                }
                span.start = start;
                span.end = end;
                doc.slice(start..end).clone_into(&mut span.text);
                out.spans.push(span);
            }
            None => out.orphans.push(span),
        }
        if i % 4096 == 0 {
            progress(total / 2 + i / 2, total);
        }
    }
    progress(total, total);
    out
}

/// A span's old range and label (what was put at a new place).
type OldPlace = (usize, usize, String);

/// A place a span's text is found at now, in code points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Candidate {
    start: usize,
    end: usize,
    /// `start` minus the span's old start.
    shift: i64,
}

fn signed(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Where the span's neighbours' shift puts its start: the shift of the nearest placed span
/// before it, else after it, else none.
fn predicted_start(shifts: &[Option<i64>], i: usize, old_start: usize) -> usize {
    let before = shifts[..i].iter().rev().find_map(|s| *s);
    let after = || shifts[i + 1..].iter().find_map(|s| *s);
    let shift = before.or_else(after).unwrap_or(0);
    usize::try_from(signed(old_start).saturating_add(shift)).unwrap_or(0)
}

fn find_candidates(doc: &Document, span: &Span, carried: &[i64]) -> Vec<Candidate> {
    if span.text.trim().is_empty() {
        return Vec::new();
    }
    let len = span.text.chars().count();
    let mut out: Vec<Candidate> = Vec::new();
    let push = |start: usize, end: usize, out: &mut Vec<Candidate>| {
        let shift = signed(start) - signed(span.start);
        if !out.iter().any(|c| c.start == start && c.end == end) {
            out.push(Candidate { start, end, shift });
        }
    };
    for shift in std::iter::once(0).chain(carried.iter().copied()) {
        if let Ok(start) = usize::try_from(signed(span.start) + shift)
            && doc.text_matches(start, start + len, &span.text)
        {
            push(start, start + len, &mut out);
        }
    }
    let text = doc.text();
    let around = doc.byte_from_char(span.start.min(doc.char_len()));
    let windows: Vec<usize> = if out.is_empty() {
        WINDOWS.to_vec()
    } else {
        vec![NEAR_WINDOW]
    };
    let ranges = windows
        .iter()
        .map(|&w| (around.saturating_sub(w), (around + w).min(text.len())))
        .chain(out.is_empty().then_some((0, text.len())));
    for (lo, hi) in ranges {
        let (lo, hi) = (floor_boundary(text, lo), floor_boundary(text, hi));
        let hay = &text[lo..hi];
        let mut found: Vec<(usize, usize)> = hay
            .match_indices(span.text.as_str())
            .map(|(b, m)| (lo + b, lo + b + m.len()))
            .collect();
        if out.is_empty() && span.text.contains(char::is_whitespace) {
            // Re-wrapped text near the old place must compete with exact copies farther
            // away (a name re-wrapped in the byline, repeated in the last paragraph): both
            // are candidates, and the nearer shift wins.
            for (a, b) in whitespace_insensitive(hay, &span.text) {
                if !found.contains(&(lo + a, lo + b)) {
                    found.push((lo + a, lo + b));
                }
            }
        }
        found.sort_by_key(|&(b, _)| b.abs_diff(around));
        for (b0, b1) in found.into_iter().take(MAX_CANDIDATES) {
            push(doc.char_from_byte(b0), doc.char_from_byte(b1), &mut out);
        }
        if !out.is_empty() || hi - lo == text.len() {
            break;
        }
    }
    out.sort_by_key(|c| (c.shift.unsigned_abs(), c.start));
    out.truncate(MAX_CANDIDATES);
    out
}

/// One state of the dynamic programme: a span placed at a candidate, or left out.
#[derive(Debug, Clone, Copy)]
struct State {
    /// (changes and skips, then the sum of shift differences): lower is better.
    cost: (u64, u64),
    /// The candidate chosen (`None`: left out).
    candidate: Option<usize>,
    /// The state of the previous span this one follows.
    back: usize,
    /// The last placed span's shift, new start and old start (carried through skips).
    last: Option<(i64, usize, usize)>,
}

/// One candidate (or none) per span, in the order of `spans`.
fn best_placement(spans: &[Span], candidates: &[Vec<Candidate>]) -> Vec<Option<Candidate>> {
    let mut layers: Vec<Vec<State>> = Vec::with_capacity(spans.len());
    let start = State {
        cost: (0, 0),
        candidate: None,
        back: 0,
        last: None,
    };
    for (i, span) in spans.iter().enumerate() {
        let prev: &[State] = layers.last().map_or(std::slice::from_ref(&start), |v| v);
        let mut states = Vec::with_capacity(candidates[i].len() + 1);
        for (k, c) in candidates[i].iter().enumerate() {
            let mut best: Option<State> = None;
            for (b, p) in prev.iter().enumerate() {
                let cost = match p.last {
                    None => (p.cost.0, p.cost.1 + c.shift.unsigned_abs()),
                    Some((shift, new_start, old_start)) => {
                        let in_order = if span.start > old_start {
                            c.start > new_start
                        } else {
                            c.start >= new_start
                        };
                        if !in_order {
                            continue;
                        }
                        let change = if shift == c.shift { 0 } else { CHANGE };
                        (p.cost.0 + change, p.cost.1 + shift.abs_diff(c.shift))
                    }
                };
                if best.is_none_or(|s| cost < s.cost) {
                    best = Some(State {
                        cost,
                        candidate: Some(k),
                        back: b,
                        last: Some((c.shift, c.start, span.start)),
                    });
                }
            }
            states.extend(best);
        }
        if let Some((b, p)) = prev.iter().enumerate().min_by_key(|(_, p)| p.cost) {
            states.push(State {
                cost: (p.cost.0 + SKIP, p.cost.1),
                candidate: None,
                back: b,
                last: p.last,
            });
        }
        layers.push(states);
    }
    let mut chosen = vec![None; spans.len()];
    let Some(mut at) = layers
        .last()
        .and_then(|l| l.iter().enumerate().min_by_key(|(_, s)| s.cost))
        .map(|(k, _)| k)
    else {
        return chosen;
    };
    for i in (0..spans.len()).rev() {
        let state = layers[i][at];
        chosen[i] = state.candidate.map(|k| candidates[i][k]);
        at = state.back;
    }
    chosen
}

/// The stretch of text near `around` (a code point offset) with the fewest edits
/// (Levenshtein) from `needle`, when at most an eighth of it changed: (start, end) in code
/// points.
///
/// Sellers' algorithm (a match may start anywhere in the window) with Ukkonen's cut-off:
/// only the rows that can still be within `k = len / 8` edits are computed, so each text
/// position costs O(k) rather than O(len).
fn fuzzy(doc: &Document, needle: &str, around: usize) -> Option<(usize, usize)> {
    let pattern: Vec<char> = needle.chars().collect();
    let m = pattern.len();
    if !(6..=FUZZY_MAX_LEN).contains(&m) {
        return None;
    }
    let k = m / 8;
    let around = around.min(doc.char_len());
    let lo = around.saturating_sub(FUZZY_WINDOW);
    let hi = (around + m + FUZZY_WINDOW).min(doc.char_len());
    let target = around - lo;
    const FAR: usize = usize::MAX / 4;
    // Each cell: (edits, window position where the alignment started).
    let mut prev: Vec<(usize, usize)> =
        (0..=m).map(|i| (if i <= k { i } else { FAR }, 0)).collect();
    let mut cur = prev.clone();
    let mut last_active = k.min(m);
    let mut best: Option<(usize, usize, usize)> = None; // (edits, start, end)
    for (j, c) in doc.slice(lo..hi).chars().enumerate() {
        let top = (last_active + 1).min(m);
        cur[0] = (0, j + 1);
        for i in 1..=top {
            let from = |cell: (usize, usize)| cell.0.min(FAR);
            let diag = prev[i - 1];
            let substitute = (from(diag) + usize::from(pattern[i - 1] != c), diag.1);
            let up = if i <= last_active { prev[i] } else { (FAR, 0) };
            let delete = (from(up) + 1, up.1);
            let insert = (from(cur[i - 1]) + 1, cur[i - 1].1);
            cur[i] = substitute.min(delete).min(insert);
        }
        let mut active = top;
        while active > 0 && cur[active].0 > k {
            active -= 1;
        }
        if top == m && cur[m].0 <= k {
            let (edits, start) = cur[m];
            let end = j + 1;
            let nearer = |b: &(usize, usize, usize)| start.abs_diff(target) < b.1.abs_diff(target);
            if best
                .as_ref()
                .is_none_or(|b| edits < b.0 || (edits == b.0 && nearer(b)))
            {
                best = Some((edits, start, end));
            }
        }
        // Rows above `active` are beyond k edits: mark them so the next column ignores them.
        for cell in cur.iter_mut().take(top + 1).skip(active + 1) {
            cell.0 = FAR;
        }
        last_active = active;
        std::mem::swap(&mut prev, &mut cur);
    }
    let (_, start, end) = best?;
    (start < end).then_some((lo + start, lo + end))
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
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
        Span::new(id, start..start + needle.chars().count(), label, needle)
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
        let mut placed: Vec<(u64, &str)> = result
            .spans
            .iter()
            .map(|s| (s.id, s.text.as_str()))
            .collect();
        placed.sort();
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
    fn re_wrapped_text_at_the_old_place_beats_an_exact_copy_farther_on() {
        // Python: t = "The minister Maria\nLopez announced a budget. Later a journalist asked
        // about Maria Lopez.\n"; t.index("Maria\nLopez") == 13; t.rindex("Maria Lopez") == 76.
        let doc = Document::from_text(
            "The minister Maria\nLopez announced a budget. Later a journalist asked about Maria Lopez.\n"
                .to_owned(),
        );
        let old = Span::new(1, 13..24, "actor", "Maria Lopez");
        let r = reanchor(&doc, vec![old]);
        assert_eq!(r.spans.len(), 1, "{r:?}");
        assert_eq!((r.spans[0].start, r.spans[0].end), (13, 24));
        assert_eq!(r.spans[0].text, "Maria\nLopez");
    }

    #[test]
    fn nearest_occurrence_wins() {
        // "Reyes one. Reyes two. Reyes three." with the second Reyes tagged.
        let spans = vec![Span::new(1, 11..16, "actor", "Reyes")];
        let new = Document::from_text("X. Reyes one. Reyes two. Reyes three.".to_owned());
        let r = reanchor(&new, spans);
        assert_eq!(r.spans[0].start, 14, "the second Reyes, shifted by 3");
    }

    fn at(id: u64, doc: &Document, start: usize, end: usize) -> Span {
        Span::new(id, start..end, "actor", doc.slice(start..end))
    }

    #[test]
    fn two_spans_on_a_repeated_name_land_on_two_places() {
        let old = Document::from_text("Bob met Bob.".to_owned());
        let spans = vec![at(1, &old, 0, 3), at(2, &old, 8, 11)];
        let new = Document::from_text("Yesterday, Bob met Bob.".to_owned());
        let r = reanchor(&new, spans);
        let placed: Vec<(u64, usize, usize)> =
            r.spans.iter().map(|s| (s.id, s.start, s.end)).collect();
        assert_eq!(placed, [(1, 11, 14), (2, 19, 22)]);
        assert!(r.orphans.is_empty());
    }

    /// An op-ed whose every mention of its actors is tagged; then an editor's note naming the
    /// same actors goes on top and a sentence repeating them into the middle. Every span must
    /// move by exactly the length of the text inserted before it (Python's `str.find` of the
    /// inserted pieces gives the expected shifts).
    #[test]
    fn inserted_text_repeating_the_names_does_not_capture_their_spans() {
        let names = ["Reyes", "Alvarez", "the council", "Okafor", "the mayor"];
        let mut body = Vec::new();
        for i in 0..40 {
            let a = names[i % names.len()];
            let b = names[(i * 3 + 1) % names.len()];
            body.push(format!(
                "In week {i}, {a} told reporters that {b} had misread the budget. "
            ));
        }
        let half = body.len() / 2;
        let first: String = body[..half].concat();
        let second: String = body[half..].concat();
        let old_text = format!("{first}\n\n{second}");
        let old = Document::from_text(old_text.clone());
        let mut spans = Vec::new();
        for name in names {
            for (byte, _) in old_text.match_indices(name) {
                let start = old.char_from_byte(byte);
                spans.push(at(
                    spans.len() as u64 + 1,
                    &old,
                    start,
                    start + name.chars().count(),
                ));
            }
        }
        assert!(spans.len() >= 80);
        let note = "Editor's note: Reyes, Alvarez, Okafor, the mayor and the council were asked to comment. ";
        let middle = "Okafor and Reyes disagree; the mayor and Alvarez and the council do not. ";
        let new_text = format!("{note}{first}{middle}\n\n{second}");
        let new = Document::from_text(new_text);
        let note_len = note.chars().count();
        let middle_len = middle.chars().count();
        let boundary = first.chars().count();
        let result = reanchor(&new, spans.clone());
        assert!(result.orphans.is_empty(), "{:?}", result.orphans);
        assert_eq!(result.moved, spans.len());
        for old_span in &spans {
            let shift = if old_span.start < boundary {
                note_len
            } else {
                note_len + middle_len
            };
            let new_span = result.spans.iter().find(|s| s.id == old_span.id).unwrap();
            assert_eq!(
                (new_span.start, new_span.end),
                (old_span.start + shift, old_span.end + shift),
                "span {} ({:?})",
                old_span.id,
                old_span.text
            );
        }
    }

    #[test]
    fn a_deleted_mention_becomes_an_orphan_not_a_duplicate() {
        let old = Document::from_text("Bob met Ann. Ann left.".to_owned());
        let spans = vec![at(1, &old, 0, 3), at(2, &old, 8, 11), at(3, &old, 13, 16)];
        let new = Document::from_text("Then Bob met Ann.".to_owned());
        let r = reanchor(&new, spans);
        let placed: Vec<(u64, usize)> = r.spans.iter().map(|s| (s.id, s.start)).collect();
        assert_eq!(placed, [(1, 5), (2, 13)]);
        assert_eq!(r.orphans.len(), 1);
        assert_eq!(r.orphans[0].id, 3);
    }

    #[test]
    fn a_deleted_mention_does_not_land_on_a_place_another_label_holds() {
        // The second "Reyes" (actor) is deleted; the last one only ever had an event tag. The
        // actor must not jump across the others onto it (two annotations of one mention).
        let old = Document::from_text(
            "Reyes met Reyes. Then Reyes left. Okafor stayed with Reyes.\n".to_owned(),
        );
        let mut spans = vec![
            at(1, &old, 0, 5),
            at(2, &old, 10, 15),
            at(3, &old, 22, 27),
            at(4, &old, 53, 58),
        ];
        spans[3].label = "event".into();
        let new_text = "Reyes met him. Then Reyes left. Okafor stayed with Reyes.\n";
        let new = Document::from_text(new_text.to_owned());
        let r = reanchor(&new, spans);
        let placed: Vec<(u64, usize, &str)> = r
            .spans
            .iter()
            .map(|s| (s.id, s.start, s.label.as_str()))
            .collect();
        // Python: [i for i in range(len(t)) if t.startswith("Reyes", i)] == [0, 20, 51]
        assert_eq!(
            placed,
            [(1, 0, "actor"), (3, 20, "actor"), (4, 51, "event")]
        );
        let orphans: Vec<u64> = r.orphans.iter().map(|s| s.id).collect();
        assert_eq!(orphans, [2]);
    }

    #[test]
    fn stacked_spans_stay_stacked_when_their_text_moves() {
        // "Reyes" tagged actor and event at one place; a paragraph above is rewritten so
        // that the neighbours' shifts disagree: both still go to the one mention together.
        let old = Document::from_text("Intro here. Reyes spoke.".to_owned());
        let mut spans = vec![at(1, &old, 12, 17), at(2, &old, 12, 17)];
        spans[1].label = "event".into();
        let new = Document::from_text("A much longer introduction now. Reyes spoke.".to_owned());
        let r = reanchor(&new, spans);
        let placed: Vec<(u64, usize, usize)> =
            r.spans.iter().map(|s| (s.id, s.start, s.end)).collect();
        // Python: t.find("Reyes") == 32
        assert_eq!(placed, [(1, 32, 37), (2, 32, 37)]);
        assert!(r.orphans.is_empty());
    }

    #[test]
    fn bounded_fuzzy_search_agrees_with_the_full_table() {
        // The cut-off must find the same best match as the full Sellers table would.
        let doc = Document::from_text(
            "aaaa The levee will be finished by May, said Reyes. bbbb The levy would be done by June."
                .to_owned(),
        );
        let found = fuzzy(&doc, "The levee would be finished by May", 0).unwrap();
        assert_eq!(
            doc.slice(found.0..found.1),
            "The levee will be finished by May"
        );
        assert_eq!(fuzzy(&doc, "Something else entirely here", 0), None);
    }
}
