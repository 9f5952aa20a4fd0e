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

/// What an ASCII byte is to the tokenizer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Word,
    Space,
    Other,
}

/// [`Class`] of each ASCII byte: word characters as [`is_word_char`], white space as
/// `char::is_whitespace`.
const ASCII_CLASS: [Class; 128] = {
    let mut table = [Class::Other; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_alphanumeric() || c == b'_' {
            Class::Word
        } else if matches!(c, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ') {
            Class::Space
        } else {
            Class::Other
        };
        b += 1;
    }
    table
};

/// The token at byte `i` or after it: a run of word characters, or one other character
/// that is not white space. White space is skipped: a term never starts with it.
fn next_token(text: &str, mut i: usize) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    let char_at = |i: usize| text.get(i..).and_then(|t| t.chars().next());
    loop {
        let b = *bytes.get(i)?;
        if let Some(&class) = ASCII_CLASS.get(usize::from(b)) {
            match class {
                Class::Space => i += 1,
                Class::Word => break,
                Class::Other => return Some(i..i + 1),
            }
        } else {
            let c = char_at(i)?;
            if c.is_whitespace() {
                i += c.len_utf8();
            } else if is_word_char(c) {
                break;
            } else {
                return Some(i..i + c.len_utf8());
            }
        }
    }
    let start = i;
    while let Some(&b) = bytes.get(i) {
        if let Some(&class) = ASCII_CLASS.get(usize::from(b)) {
            if class != Class::Word {
                break;
            }
            i += 1;
        } else {
            match char_at(i) {
                Some(c) if is_word_char(c) => i += c.len_utf8(),
                _ => break,
            }
        }
    }
    Some(start..i)
}

/// Finds every whole-word occurrence of a set of terms in one pass over the text's tokens.
///
/// A whole-word occurrence starts where a token starts, and ends where the document's
/// k-th token from there ends, k being the number of the term's own tokens (the document
/// tokenizes those characters as the term does; a term whose last word runs on in the
/// document is not a whole word there). So from each token the finder looks up the text
/// one, two, … tokens long among the terms, and goes on only while that text begins some
/// term ([`Entry::prefix`]). The cost is about one hash of each byte of the document,
/// however many terms share a first word; what it holds is one entry per term and per token
/// prefix of a term. Terms that start or end with white space are never found.
pub(crate) struct Finder<'t> {
    /// Each term's text and token prefix by its [`PieceHash`].
    entries: FxHashMap<u64, Entry>,
    texts: Vec<&'t str>,
    /// One bit per value of the top bits of the entries' [`PieceHash`]es: most tokens of a
    /// document are turned away here, without a probe of `entries`.
    seen: Vec<u64>,
}

/// What a [`PieceHash`] stands for.
#[derive(Default)]
struct Entry {
    /// The terms with that text (their indices; one per time a term was given).
    terms: Vec<u32>,
    /// Whether it is also a term's first tokens (fewer than all): go on to the next token.
    prefix: bool,
}

/// Bits in [`Finder::seen`], as a power of two (8 kB: stays in the first-level cache).
const SEEN_BITS: u32 = 16;

fn seen_bit(hash: u64) -> (usize, u64) {
    let top = hash >> (64 - SEEN_BITS);
    ((top / 64) as usize, 1 << (top % 64))
}

/// A hash fed one piece at a time, a piece being a token with the white space before it: a
/// text one token longer costs only the new piece. The finder and the terms cut a text into
/// the same pieces, so equal texts hash alike.
#[derive(Default, Clone)]
struct PieceHash(rustc_hash::FxHasher);

impl PieceHash {
    fn add(&mut self, piece: &str) -> u64 {
        use std::hash::Hasher;
        self.0.write(piece.as_bytes());
        self.0.write_u8(0xff); // no UTF-8 byte: "ab"+"c" and "a"+"bc" differ
        self.0.finish()
    }
}

impl<'t> Finder<'t> {
    /// A finder of `terms` (indices in callbacks are into `terms`).
    pub(crate) fn new<S: AsRef<str>>(terms: &'t [S]) -> Self {
        let mut entries: FxHashMap<u64, Entry> = FxHashMap::default();
        let mut texts = Vec::with_capacity(terms.len());
        for (i, term) in terms.iter().enumerate() {
            let term = term.as_ref();
            texts.push(term);
            let Ok(i) = u32::try_from(i) else { break };
            let mut hashes = Vec::new();
            let (mut at, mut hash) = (0, PieceHash::default());
            while let Some(token) = next_token(term, at) {
                if hashes.is_empty() && token.start > 0 {
                    break;
                }
                hashes.push(hash.add(&term[at..token.end]));
                at = token.end;
            }
            // Empty, or starting or ending with white space: never found.
            let Some(whole) = hashes.pop().filter(|_| at == term.len()) else {
                continue;
            };
            for h in hashes {
                entries.entry(h).or_default().prefix = true;
            }
            entries.entry(whole).or_default().terms.push(i);
        }
        let mut seen = vec![0_u64; 1 << (SEEN_BITS - 6)];
        for h in entries.keys() {
            let (word, bit) = seen_bit(*h);
            seen[word] |= bit;
        }
        Self {
            entries,
            texts,
            seen,
        }
    }

    /// Calls `found(byte range, term)` for every whole-word occurrence, in order of start;
    /// `false` when `stop` said to stop (asked every 64k tokens).
    pub(crate) fn each(
        &self,
        text: &str,
        stop: &(dyn Fn() -> bool + Sync),
        found: &mut dyn FnMut(Range<usize>, usize),
    ) -> bool {
        self.each_in(text, 0..text.len(), stop, found)
    }

    /// [`Self::each`] for the occurrences that start in `within` (bytes); they may end after
    /// it.
    pub(crate) fn each_in(
        &self,
        text: &str,
        within: Range<usize>,
        stop: &(dyn Fn() -> bool + Sync),
        found: &mut dyn FnMut(Range<usize>, usize),
    ) -> bool {
        if self.entries.is_empty() {
            return true;
        }
        // From the start of the word `within` begins in, so that no token starts mid-word.
        let mut at = within.start.min(text.len());
        while !text.is_char_boundary(at)
            || text[..at]
                .chars()
                .next_back()
                .is_some_and(|c| is_word_char(c) && text[at..].starts_with(is_word_char))
        {
            at -= 1;
        }
        let mut k = 0_u32;
        while let Some(first) = next_token(text, at) {
            if first.start >= within.end {
                break;
            }
            if first.start < within.start {
                at = first.end;
                continue;
            }
            k = k.wrapping_add(1);
            if k.is_multiple_of(65_536) && stop() {
                return false;
            }
            at = first.end;
            let start = first.start;
            let mut hash = PieceHash::default();
            let mut token = first;
            let mut piece_start = start;
            loop {
                let h = hash.add(&text[piece_start..token.end]);
                let (word, bit) = seen_bit(h);
                if self.seen.get(word).is_none_or(|w| w & bit == 0) {
                    break;
                }
                let Some(entry) = self.entries.get(&h) else {
                    break;
                };
                let candidate = &text[start..token.end];
                for &i in &entry.terms {
                    if self.texts.get(i as usize) == Some(&candidate) {
                        found(start..token.end, i as usize);
                    }
                }
                if !entry.prefix {
                    break;
                }
                match next_token(text, token.end) {
                    Some(next) => {
                        piece_start = token.end;
                        token = next;
                    }
                    None => break,
                }
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
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<u32>> {
    let finder = Finder::new(terms);
    let n = terms.len();
    let count = |within: Range<usize>| {
        let mut counts = vec![0_u32; n];
        let done = finder.each_in(text, within, stop, &mut |_, i| {
            if let Some(c) = counts.get_mut(i) {
                *c = c.saturating_add(1);
            }
        });
        done.then_some(counts)
    };
    if text.len() < PARALLEL_BYTES {
        return count(0..text.len());
    }
    // Two halves on two threads (the machines this runs on have two cores or more): each
    // counts the occurrences that start in its half.
    let mut middle = text.len() / 2;
    while !text.is_char_boundary(middle) {
        middle += 1;
    }
    let (first, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| count(middle..text.len()));
        let first = count(0..middle);
        (first, second.join().ok().flatten())
    });
    let (mut counts, second) = (first?, second?);
    for (c, d) in counts.iter_mut().zip(second) {
        *c = c.saturating_add(d);
    }
    Some(counts)
}

/// Texts from this size are counted on two threads.
const PARALLEL_BYTES: usize = 1 << 20;

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

    /// The definition, by brute force: every byte position where the term occurs and is
    /// bounded by non-word characters (overlapping occurrences included); a term that starts
    /// or ends with white space is never found.
    fn naive(text: &str, terms: &[&str]) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        for (at, _) in text.char_indices() {
            for (i, term) in terms.iter().enumerate() {
                let end = at + term.len();
                if !term.is_empty()
                    && term.trim() == *term
                    && text.get(at..end) == Some(*term)
                    && word_bounded(text, at..end)
                {
                    out.push((at, end, i));
                }
            }
        }
        out
    }

    fn found(text: &str, terms: &[&str]) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        Finder::new(terms).each(text, &|| false, &mut |r, i| out.push((r.start, r.end, i)));
        out
    }

    #[test]
    fn the_finder_finds_whole_words_only_overlaps_included() {
        let text = "New York, New Yorker; (Reuters) -LBD- x-LBD New York New York.";
        let terms = [
            "New York",
            "York",
            "-LBD",
            "(Reuters)",
            "New York New York",
            "Yorker;",
        ];
        let got = found(text, &terms);
        // By hand: "New York" at 0 and 44 and 53, not in "New Yorker"; "York" at 4, 48,
        // 57; "-LBD" at 32 (before "-": a space) and 39 (after "x": "-" does not join);
        // "(Reuters)" at 22; "New York New York" at 44; "Yorker;" at 14.
        let mut want = vec![
            (0, 8, 0),
            (4, 8, 1),
            (14, 21, 5),
            (22, 31, 3),
            (32, 36, 2),
            (39, 43, 2),
            (44, 52, 0),
            (44, 61, 4),
            (48, 52, 1),
            (53, 61, 0),
            (57, 61, 1),
        ];
        want.sort_unstable();
        let mut got_sorted = got.clone();
        got_sorted.sort_unstable();
        assert_eq!(got_sorted, want);
        assert_eq!(got_sorted, {
            let mut n = naive(text, &terms);
            n.sort_unstable();
            n
        });
    }

    #[test]
    fn a_long_text_counted_on_two_threads_counts_every_occurrence_once() {
        // Past PARALLEL_BYTES, with "Kim Lee Park" at every place, so that an occurrence
        // straddles the middle whatever byte it falls on; non-ASCII around it.
        let unit = "Kim Lee Park — café. ";
        let n = PARALLEL_BYTES / unit.len() * 2 + 1;
        let text = unit.repeat(n);
        assert!(text.len() > PARALLEL_BYTES);
        let counts =
            count_whole_words(&text, &["Kim Lee Park", "Lee", "café", "Park —"], &|| false);
        assert_eq!(counts, Some(vec![n as u32; 4]));
        // Stopped: no counts.
        assert_eq!(count_whole_words(&text, &["Lee"], &|| true), None);
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

    proptest::proptest! {
        #[test]
        fn the_finder_within_a_range_finds_what_starts_there(
            text in "[ab .é\u{301}-]{0,30}",
            terms in proptest::collection::vec("[abé-][ab .é-]{0,4}", 0..5),
            from in 0_usize..32,
            len in 0_usize..32,
        ) {
            let terms: Vec<&str> = terms.iter().map(String::as_str).collect();
            let within = from.min(text.len())..(from + len).min(text.len());
            let mut got = Vec::new();
            Finder::new(&terms).each_in(&text, within.clone(), &|| false, &mut |r, i| {
                got.push((r.start, r.end, i));
            });
            got.sort_unstable();
            let want: Vec<_> = found(&text, &terms)
                .into_iter()
                .filter(|&(s, _, _)| within.contains(&s))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            proptest::prop_assert_eq!(got, want);
        }
    }

    proptest::proptest! {
        #[test]
        fn the_finder_agrees_with_the_definition(
            text in "[ab .,é_\\-\u{301}\u{3000}]{0,40}",
            terms in proptest::collection::vec("[ab.é_\\-\u{301}][ab .,é_\\-\u{301}]{0,5}", 0..6),
        ) {
            let terms: Vec<&str> = terms.iter().map(String::as_str).collect();
            let mut got = found(&text, &terms);
            let mut want = naive(&text, &terms);
            got.sort_unstable();
            want.sort_unstable();
            proptest::prop_assert_eq!(got, want);
        }
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
