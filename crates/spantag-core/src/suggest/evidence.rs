//! The rule that decides whether a tagged text is worth suggesting where it is untagged.
//!
//! A text is a *term* when it is distinctive enough ([`is_term`]): at least two characters
//! with a letter or digit, three unless it has a capital, a digit or a non-ASCII letter,
//! not made of stop words only ("the", "to", "of the"), and tagged at word boundaries (a
//! span cut inside a word, "ouncil. Th", is a fragment and never a term).
//!
//! Its *evidence* ([`Evidence`]) is how many of the places where it occurs were tagged:
//! in every document where the annotator tagged it, all its whole-word occurrences count
//! (the untagged ones count against); in a document where it was not tagged, only the
//! places the annotator rejected count (against). A term is suggested when that share is
//! at least the threshold ([`MIN_SHARE`] unless asked otherwise): "Reyes" tagged 5 of the
//! 6 times it occurs (83%) is suggested at the sixth; "the" tagged once in 500 (0.2%) is
//! not. Since a suggested text was tagged at least as often as it is left untagged in the
//! documents where it was tagged, suggestions there are never more than the spans.

use std::ops::Range;

use rustc_hash::FxHashMap;

/// The share of its occurrences a text must have been tagged in to be suggested.
pub const MIN_SHARE: f64 = 0.5;

/// How often a text was tagged, out of how many places it was seen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Evidence {
    /// Places where it was tagged.
    pub tagged: u32,
    /// Places where it was seen and the annotator decided (tagged, left untagged in a
    /// document where they tagged it, or rejected).
    pub seen: u32,
}

impl Evidence {
    /// `tagged / seen` (0 when never seen).
    pub fn share(&self) -> f64 {
        if self.seen == 0 {
            0.0
        } else {
            f64::from(self.tagged) / f64::from(self.seen)
        }
    }

    /// Whether it is strong enough to suggest at `min_share`.
    pub fn passes(&self, min_share: f64) -> bool {
        self.tagged > 0 && self.seen > 0 && self.share() + 1e-12 >= min_share
    }

    /// Adds another document's evidence.
    pub fn add(&mut self, other: Self) {
        self.tagged = self.tagged.saturating_add(other.tagged);
        self.seen = self.seen.saturating_add(other.seen);
    }
}

impl std::fmt::Display for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "tagged {} of {} times seen ({:.0}%)",
            self.tagged,
            self.seen,
            self.share() * 100.0
        )
    }
}

/// English function words: never suggested alone or in runs ("of the").
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "said",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// Whether `c` continues a word (letters, digits, `_`, combining marks).
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || ('\u{300}'..='\u{36f}').contains(&c)
}

/// Whether every word of `text` is a stop word (all are ASCII: a word that is not is no
/// stop word, and none is lowercased into a new string).
fn only_stop_words(text: &str) -> bool {
    let mut words = text
        .split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
        .peekable();
    words.peek().is_some()
        && words.all(|w| {
            w.is_ascii()
                && STOP_WORDS
                    .binary_search_by(|stop| {
                        stop.bytes().cmp(w.bytes().map(|b| b.to_ascii_lowercase()))
                    })
                    .is_ok()
        })
}

/// Whether a tagged text is distinctive enough to suggest elsewhere (see the module's
/// documentation).
pub fn is_term(text: &str) -> bool {
    let n = text.chars().count();
    if !(2..=200).contains(&n) || text.trim() != text || !text.chars().any(char::is_alphanumeric) {
        return false;
    }
    let marked = text
        .chars()
        .any(|c| c.is_uppercase() || c.is_numeric() || (c.is_alphabetic() && !c.is_ascii()));
    (n >= 3 || marked) && !only_stop_words(text)
}

/// Whether `text[range]` starts and ends at word boundaries: no word character runs across
/// either end.
pub(crate) fn word_bounded(text: &str, range: Range<usize>) -> bool {
    let (Some(inner), Some(before), Some(after)) = (
        text.get(range.clone()),
        text.get(..range.start),
        text.get(range.end..),
    ) else {
        return false;
    };
    let joins = |a: Option<char>, b: Option<char>| {
        a.is_some_and(is_word_char) && b.is_some_and(is_word_char)
    };
    !joins(before.chars().next_back(), inner.chars().next())
        && !joins(inner.chars().next_back(), after.chars().next())
}

/// What one document says about one tagged text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextStats {
    /// The text.
    pub text: String,
    /// Its labels, with how many places got each.
    pub labels: Vec<(String, u32)>,
    /// Its evidence in that document.
    pub evidence: Evidence,
}

/// The texts a document's spans tag, with their labels and how many places were tagged
/// (`seen` = `tagged`: occurrences not counted yet). `spans` are `(start, end, label, text)`
/// in code points; those whose text is not the document's at that place, not at word
/// boundaries, or not a term, are left out.
pub fn tagged_stats<'a>(
    doc: &crate::document::Document,
    spans: impl IntoIterator<Item = (usize, usize, &'a str, &'a str)>,
) -> Vec<TextStats> {
    // Each distinct text once: whether it is a term is decided once, not per span.
    let mut by_text: FxHashMap<&str, Places> = FxHashMap::default();
    for (start, end, label, span_text) in spans {
        by_text
            .entry(span_text)
            .or_default()
            .push((start, end, label));
    }
    let mut texts: Vec<_> = by_text.into_iter().collect();
    let mut out: Vec<TextStats> = if texts.len() < PARALLEL_TEXTS {
        texts
            .into_iter()
            .filter_map(|(t, places)| stats_of(doc, t, places))
            .collect()
    } else {
        // Two halves on two threads.
        let second = texts.split_off(texts.len() / 2);
        let stats = |texts: Vec<(&str, Places)>| -> Vec<TextStats> {
            texts
                .into_iter()
                .filter_map(|(t, places)| stats_of(doc, t, places))
                .collect()
        };
        std::thread::scope(|scope| {
            let second = scope.spawn(|| stats(second));
            let mut out = stats(texts);
            if let Ok(more) = second.join() {
                out.extend(more);
            }
            out
        })
    };
    out.sort_unstable_by(|a, b| a.text.cmp(&b.text));
    out
}

/// A text's places: `(start, end, label)`.
type Places<'a> = Vec<(usize, usize, &'a str)>;

/// From this many distinct texts, [`tagged_stats`] works on two threads.
const PARALLEL_TEXTS: usize = 20_000;

/// One text's [`TextStats`] from its places `(start, end, label)`; `None` when it is not a
/// term or none of its places holds it at word boundaries.
fn stats_of(doc: &crate::document::Document, t: &str, mut places: Places) -> Option<TextStats> {
    let text = doc.text();
    // The places first: a text cut inside a word (a model's noisy output) fails there at
    // once, before the costlier look at its characters.
    places.retain(|&(start, end, _)| {
        if end > doc.char_len() || start >= end {
            return false;
        }
        // The text at `start` is `t`, and `t` has `end - start` code points.
        let from = doc.byte_from_char(start);
        let bytes = from..from + t.len();
        text.get(bytes.clone()) == Some(t)
            && t.chars().count() == end - start
            && word_bounded(text, bytes)
    });
    if places.is_empty() || !is_term(t) {
        return None;
    }
    let mut labels: Vec<(String, u32)> = Vec::new();
    places.sort_unstable_by(|a, b| a.2.cmp(b.2));
    for &(_, _, label) in &places {
        match labels.last_mut() {
            Some((l, n)) if l == label => *n += 1,
            _ => labels.push((label.to_owned(), 1)),
        }
    }
    // Places, not spans: two labels on one range are one place.
    let mut ranges: Vec<(usize, usize)> = places.iter().map(|&(s, e, _)| (s, e)).collect();
    ranges.sort_unstable();
    ranges.dedup();
    let tagged = u32::try_from(ranges.len()).unwrap_or(u32::MAX);
    Some(TextStats {
        text: t.to_owned(),
        labels,
        evidence: Evidence {
            tagged,
            seen: tagged,
        },
    })
}

/// The evidence a document gives for its tagged texts ([`tagged_stats`], then every
/// whole-word occurrence counted as seen).
pub fn document_stats<'a>(
    doc: &crate::document::Document,
    spans: impl IntoIterator<Item = (usize, usize, &'a str, &'a str)>,
) -> Vec<TextStats> {
    let mut stats = tagged_stats(doc, spans);
    let texts: Vec<&str> = stats.iter().map(|s| s.text.as_str()).collect();
    let counts =
        super::finder::count_whole_words(doc.text(), &texts, &|| false).unwrap_or_default();
    for (s, n) in stats.iter_mut().zip(counts) {
        s.evidence.seen = n.max(s.evidence.tagged);
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stop_word_list_is_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn stop_words_short_lowercase_words_and_fragments_are_not_terms() {
        for text in ["the", "The", "to", "an", "of the", "a", "--", " Bob", "ab"] {
            assert!(!is_term(text), "{text:?}");
        }
        for text in ["Bo", "東京", "EU", "Council.", "levee", "the Council", "G7"] {
            assert!(is_term(text), "{text:?}");
        }
        let t = "the Council. The";
        // "ouncil. Th" (byte 5..15) is cut inside two words; "Council." is not.
        assert!(!word_bounded(t, 5..15));
        assert!(word_bounded(t, 4..12));
        assert!(word_bounded(t, 0..3));
        assert!(!word_bounded(t, 0..2));
    }

    #[test]
    fn many_texts_on_two_threads_give_each_text_once() {
        // Past PARALLEL_TEXTS distinct texts, each tagged once, one tagged twice and one cut
        // inside a word.
        let names: Vec<String> = (0..PARALLEL_TEXTS + 100)
            .map(|i| format!("Name{i}"))
            .collect();
        let text = names.join(" ");
        let doc = crate::document::Document::from_text(text.clone());
        let mut spans = Vec::new();
        let mut at = 0;
        for name in &names {
            spans.push((at, at + name.len(), "actor", name.as_str()));
            at += name.len() + 1;
        }
        spans.push((0, 5, "actor", "Name0"));
        spans.push((7, 11, "actor", "ame1"));
        let stats = tagged_stats(&doc, spans.iter().copied());
        assert_eq!(stats.len(), names.len());
        assert!(stats.windows(2).all(|w| w[0].text < w[1].text), "sorted");
        let name0 = stats.iter().find(|s| s.text == "Name0").expect("Name0");
        // Two spans on one range are one place.
        assert_eq!(name0.evidence.tagged, 1);
        assert_eq!(name0.labels, vec![("actor".to_owned(), 2)]);
        assert!(stats.iter().all(|s| s.evidence.tagged == 1));
    }

    #[test]
    fn evidence_share_and_threshold() {
        let e = Evidence { tagged: 5, seen: 6 };
        assert!(e.passes(MIN_SHARE));
        assert!(
            !Evidence {
                tagged: 1,
                seen: 500
            }
            .passes(MIN_SHARE)
        );
        assert!(Evidence { tagged: 1, seen: 2 }.passes(0.5));
        assert!(!Evidence { tagged: 0, seen: 0 }.passes(0.0));
        assert_eq!(e.to_string(), "tagged 5 of 6 times seen (83%)");
    }
}
