//! The search: each term's evidence (its whole-word places in the document counted once
//! per document and kept in [`Counts`]), then its untagged places, checked against the
//! layer. [`within`] answers for what is on screen first; [`everywhere`] for the rest.

use std::collections::HashMap;
use std::ops::Range;

use super::evidence::Evidence;
use super::finder;
use super::{
    Cancel, Filter, MAX_SUGGESTIONS, Origin, Prepared, Report, Request, Suggestion, lexicon,
};
use crate::document::Document;

/// Each term's evidence: the corpus's, plus this document's where it was tagged here (all
/// its whole-word occurrences seen) or only its rejections here; and whether it may have an
/// untagged place here (a text tagged here at every place it occurs has none). With `only`
/// (sorted), only those terms' places are counted: the others' evidence is not worked out.
/// `None` when cancelled.
pub(super) fn evidence_of(
    doc: &Document,
    terms: &[lexicon::Term],
    only: Option<&[usize]>,
    rejected_here: &HashMap<String, u32>,
    cancel: &Cancel,
    cache: &mut Counts,
) -> Option<(Vec<Evidence>, Vec<bool>)> {
    let text = doc.text();
    if cache.document != doc.hash() || cache.counts.len() > MAX_CACHED_COUNTS {
        cache.document = doc.hash().to_owned();
        cache.counts.clear();
    }
    let mut out: Vec<Evidence> = terms
        .iter()
        .map(|t| {
            let mut e = t.elsewhere;
            let rejected = rejected_here.get(&t.text).copied().unwrap_or(0);
            e.add(Evidence {
                tagged: t.tagged_here,
                seen: t.tagged_here.saturating_add(rejected),
            });
            e
        })
        .collect();
    let mut open_places = vec![true; terms.len()];
    // Texts tagged here: their untagged occurrences here count as seen too.
    let counted: Vec<usize> = (0..terms.len())
        .filter(|&i| terms[i].tagged_here > 0)
        .filter(|i| only.is_none_or(|only| only.binary_search(i).is_ok()))
        .collect();
    // Only the texts not counted in an earlier search of this document.
    let patterns: Vec<&str> = counted
        .iter()
        .map(|&i| terms[i].text.as_str())
        .filter(|t| !cache.counts.contains_key(*t))
        .collect();
    cache.last_counted = patterns.len();
    if !patterns.is_empty() {
        let counts = finder::count_whole_words(text, &patterns, &|| cancel.is_cancelled())?;
        for (t, n) in patterns.iter().zip(counts) {
            cache.counts.insert((*t).to_owned(), n);
        }
    }
    for &i in &counted {
        let t = &terms[i];
        let n = cache.counts.get(&t.text).copied().unwrap_or(0);
        let rejected = rejected_here.get(&t.text).copied().unwrap_or(0);
        // Seen here: every occurrence (tagged, rejected or not); at least what was tagged
        // and rejected here.
        let decided = t.tagged_here.saturating_add(rejected);
        let here = n.max(decided);
        open_places[i] = n > decided;
        out[i] = t.elsewhere;
        out[i].add(Evidence {
            tagged: t.tagged_here,
            seen: here,
        });
    }
    Some((out, open_places))
}

/// How often each text occurs (whole words) in one document, kept from one search to the
/// next so that after an edit only new texts are counted: one entry per distinct text, never
/// per place. Cleared for another document, or past [`MAX_CACHED_COUNTS`] entries.
#[derive(Debug, Default)]
pub struct Counts {
    document: String,
    counts: HashMap<String, u32>,
    /// How many texts the last search had to count.
    pub last_counted: usize,
}

/// At most this many texts' counts are kept.
pub const MAX_CACHED_COUNTS: usize = 1_000_000;

/// The whole document's suggestions.
pub(super) fn everywhere(
    request: &Request,
    prepared: &Prepared,
    cancel: &Cancel,
    cache: &mut Counts,
) -> (Vec<Suggestion>, Report) {
    let Prepared {
        terms,
        rejected_here,
        filter,
        ..
    } = prepared;
    let doc = &request.doc;
    let text = doc.text();
    let mut report = new_report(prepared, false);
    let Some((evidence, open_places)) = evidence_of(doc, terms, None, rejected_here, cancel, cache)
    else {
        return cancelled(report);
    };
    let passing: Vec<usize> = (0..terms.len())
        .filter(|&i| evidence[i].passes(request.min_share))
        .collect();
    report.passing_terms = passing.len();
    // Only texts with a place left to suggest are looked for again.
    let passing: Vec<usize> = passing.into_iter().filter(|&i| open_places[i]).collect();
    let patterns: Vec<&str> = passing.iter().map(|&i| terms[i].text.as_str()).collect();
    let mut out = Vec::new();
    let finder = finder::Finder::new(&patterns);
    let done = finder.each(text, &|| cancel.is_cancelled(), &mut |bytes, k| {
        let i = passing[k];
        let s = tagged_elsewhere(doc, bytes, &terms[i], evidence[i]);
        if let Err(why) = filter.verdict(&s) {
            report.count(why);
        } else if out.len() >= MAX_SUGGESTIONS {
            report.over_budget += 1;
        } else {
            out.push(s);
            report.peak_entries = report.peak_entries.max(out.len());
        }
    });
    if !done || cancel.is_cancelled() {
        return cancelled(report);
    }
    // What the rule left out: the places of texts whose evidence is too weak (counted only
    // when the caller wants the report: one more pass, over those texts alone).
    if request.count_below_threshold {
        let weak: Vec<usize> = (0..terms.len())
            .filter(|i| !evidence[*i].passes(request.min_share))
            .collect();
        let texts: Vec<&str> = weak.iter().map(|&i| terms[i].text.as_str()).collect();
        if let Some(counts) = finder::count_whole_words(text, &texts, &|| cancel.is_cancelled()) {
            // Its places here that are neither tagged nor rejected.
            report.below_threshold = weak
                .iter()
                .zip(counts)
                .map(|(&i, n)| {
                    let rejected = rejected_here.get(&terms[i].text).copied().unwrap_or(0);
                    n.saturating_sub(terms[i].tagged_here.saturating_add(rejected)) as usize
                })
                .sum();
        }
    }
    add_source(request, filter, 0..doc.char_len(), &mut out, &mut report);
    finish(out, report)
}

/// The suggestions whose text starts in `focus` (code points: what is on screen), worked
/// out before the rest: the terms that occur there are found first, and only their places
/// in the whole document are counted for their evidence. The answer is `partial`.
pub(super) fn within(
    request: &Request,
    prepared: &Prepared,
    focus: Range<usize>,
    cancel: &Cancel,
    cache: &mut Counts,
) -> (Vec<Suggestion>, Report) {
    let Prepared {
        terms,
        rejected_here,
        filter,
        ..
    } = prepared;
    let doc = &request.doc;
    let text = doc.text();
    let mut report = new_report(prepared, true);
    let focus = focus.start.min(doc.char_len())..focus.end.min(doc.char_len());
    let bytes = doc.byte_from_char(focus.start)..doc.byte_from_char(focus.end);
    let texts: Vec<&str> = terms.iter().map(|t| t.text.as_str()).collect();
    // Bounded by what is on screen: a place per term occurrence there.
    let mut places = Vec::new();
    let done = finder::Finder::new(&texts).each_in(
        text,
        bytes,
        &|| cancel.is_cancelled(),
        &mut |bytes, i| places.push((bytes, i)),
    );
    let mut seen_here: Vec<usize> = places.iter().map(|(_, i)| *i).collect();
    seen_here.sort_unstable();
    seen_here.dedup();
    let evidence = if done {
        evidence_of(doc, terms, Some(&seen_here), rejected_here, cancel, cache)
    } else {
        None
    };
    let Some((evidence, open_places)) = evidence else {
        return cancelled(report);
    };
    report.passing_terms = seen_here
        .iter()
        .filter(|&&i| evidence[i].passes(request.min_share))
        .count();
    let mut out = Vec::new();
    for (bytes, i) in places {
        if !(evidence[i].passes(request.min_share) && open_places[i]) {
            continue;
        }
        let s = tagged_elsewhere(doc, bytes, &terms[i], evidence[i]);
        match filter.verdict(&s) {
            Err(why) => report.count(why),
            Ok(()) => out.push(s),
        }
    }
    report.peak_entries = out.len();
    add_source(request, filter, focus, &mut out, &mut report);
    finish(out, report)
}

/// The suggestion of `term` at `bytes` of the document (code points in the suggestion).
fn tagged_elsewhere(
    doc: &Document,
    bytes: Range<usize>,
    term: &lexicon::Term,
    evidence: Evidence,
) -> Suggestion {
    let start = doc.char_from_byte(bytes.start);
    Suggestion {
        start,
        end: start + doc.text()[bytes].chars().count(),
        label: term.label.clone(),
        origin: Origin::TaggedElsewhere,
        evidence: Some(evidence),
    }
}

/// A search's report before it starts: how many texts are terms and how many are not.
fn new_report(prepared: &Prepared, partial: bool) -> Report {
    Report {
        terms: prepared.terms.len(),
        not_terms: prepared.not_terms,
        partial,
        ..Report::default()
    }
}

fn cancelled(mut report: Report) -> (Vec<Suggestion>, Report) {
    report.cancelled = true;
    (Vec::new(), report)
}

/// The source layer's spans that start in `range` and stand.
fn add_source(
    request: &Request,
    filter: &Filter,
    range: Range<usize>,
    out: &mut Vec<Suggestion>,
    report: &mut Report,
) {
    let Some(source) = &request.source else {
        return;
    };
    let origin = Origin::Layer(source.annotator.clone());
    for s in source
        .spans()
        .iter()
        .filter(|s| s.end <= request.doc.char_len() && s.start < s.end && range.contains(&s.start))
    {
        let s = Suggestion {
            start: s.start,
            end: s.end,
            label: s.label.clone(),
            origin: origin.clone(),
            evidence: None,
        };
        if let Err(why) = filter.verdict(&s) {
            report.count(why);
        } else {
            out.push(s);
        }
    }
    report.peak_entries = report.peak_entries.max(out.len());
}

/// Sorts the suggestions and drops those inside a longer one or repeating another.
fn finish(mut out: Vec<Suggestion>, mut report: Report) -> (Vec<Suggestion>, Report) {
    // Longest first at each start, so that a suggestion inside a longer one is dropped
    // (one ghost for "New York", not another for its "York"); then one ghost per range and
    // label (a model and the corpus may suggest the same).
    out.sort_by(|a, b| {
        (
            a.start,
            std::cmp::Reverse(a.end),
            &a.label,
            a.origin != Origin::TaggedElsewhere,
        )
            .cmp(&(
                b.start,
                std::cmp::Reverse(b.end),
                &b.label,
                b.origin != Origin::TaggedElsewhere,
            ))
    });
    let before = out.len();
    out.dedup_by(|a, b| (a.start, a.end, &a.label) == (b.start, b.end, &b.label));
    let mut reach = 0;
    out.retain(|s| {
        let inside = s.end <= reach;
        reach = reach.max(s.end);
        !inside
    });
    report.inside_another = before - out.len();
    (out, report)
}
