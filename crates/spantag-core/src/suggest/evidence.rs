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

use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

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

/// Whether every word of `text` is a stop word.
fn only_stop_words(text: &str) -> bool {
    let mut words = text
        .split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
        .peekable();
    words.peek().is_some()
        && words.all(|w| STOP_WORDS.binary_search(&w.to_lowercase().as_str()).is_ok())
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

/// Finds every whole-word occurrence of a set of terms: overlapping matches of one
/// automaton (a contiguous NFA: a DFA's size grows with the number of terms × the alphabet),
/// kept where they start and end at word boundaries.
pub(crate) struct Finder(Option<AhoCorasick>);

impl Finder {
    /// A finder of `terms` (indices in callbacks are into `terms`).
    pub(crate) fn new<S: AsRef<str>>(terms: &[S]) -> Self {
        let texts: Vec<&str> = terms.iter().map(AsRef::as_ref).collect();
        if texts.is_empty() {
            return Self(None);
        }
        Self(
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .build(&texts)
                .ok(),
        )
    }

    /// Calls `found(byte range, term)` for every whole-word occurrence; `false` when `stop`
    /// said to stop (asked every 64k matches).
    pub(crate) fn each(
        &self,
        text: &str,
        stop: &dyn Fn() -> bool,
        found: &mut dyn FnMut(Range<usize>, usize),
    ) -> bool {
        let Some(ac) = &self.0 else { return true };
        for (k, m) in ac.find_overlapping_iter(text).enumerate() {
            if k % 65_536 == 65_535 && stop() {
                return false;
            }
            if word_bounded(text, m.range()) {
                found(m.range(), m.pattern().as_usize());
            }
        }
        true
    }
}

/// How many whole-word occurrences each term has in `text`: one counter per term, whatever
/// the size of the text. `None` when `stop` said to stop.
pub(crate) fn count_whole_words<S: AsRef<str>>(
    text: &str,
    terms: &[S],
    stop: &dyn Fn() -> bool,
) -> Option<Vec<u32>> {
    let mut counts = vec![0_u32; terms.len()];
    let done = Finder::new(terms).each(text, stop, &mut |_, i| {
        if let Some(c) = counts.get_mut(i) {
            *c = c.saturating_add(1);
        }
    });
    done.then_some(counts)
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
    type Places = std::collections::HashSet<(usize, usize)>;
    let text = doc.text();
    let mut by_text: HashMap<&str, (HashMap<&str, u32>, Places)> = HashMap::new();
    for (start, end, label, span_text) in spans {
        if end > doc.char_len() || start >= end || !is_term(span_text) {
            continue;
        }
        let bytes = doc.byte_from_char(start)..doc.byte_from_char(end);
        if text.get(bytes.clone()) != Some(span_text) || !word_bounded(text, bytes) {
            continue;
        }
        let entry = by_text.entry(span_text).or_default();
        *entry.0.entry(label).or_default() += 1;
        entry.1.insert((start, end));
    }
    let mut out: Vec<TextStats> = by_text
        .into_iter()
        .map(|(t, (labels, places))| {
            let mut labels: Vec<(String, u32)> =
                labels.into_iter().map(|(l, n)| (l.to_owned(), n)).collect();
            labels.sort();
            let tagged = u32::try_from(places.len()).unwrap_or(u32::MAX);
            TextStats {
                text: t.to_owned(),
                labels,
                evidence: Evidence {
                    tagged,
                    seen: tagged,
                },
            }
        })
        .collect();
    out.sort_by(|a, b| a.text.cmp(&b.text));
    out
}

/// The evidence a document gives for its tagged texts ([`tagged_stats`], then every
/// whole-word occurrence counted as seen).
pub fn document_stats<'a>(
    doc: &crate::document::Document,
    spans: impl IntoIterator<Item = (usize, usize, &'a str, &'a str)>,
) -> Vec<TextStats> {
    let mut stats = tagged_stats(doc, spans);
    let texts: Vec<&str> = stats.iter().map(|s| s.text.as_str()).collect();
    let counts = count_whole_words(doc.text(), &texts, &|| false).unwrap_or_default();
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
