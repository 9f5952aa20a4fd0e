//! Finding tagged texts in a document: whole words only, every occurrence (overlaps
//! included), in one pass over the document's tokens whatever the number of texts.

use std::ops::Range;

use rustc_hash::FxHashMap;

use super::evidence::is_word_char;

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

#[cfg(test)]
mod tests {
    use super::super::evidence::word_bounded;
    use super::*;

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
}
