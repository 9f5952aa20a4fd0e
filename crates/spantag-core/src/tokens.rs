//! The one tokenizer and overlap policy shared by the token-level exports (CoNLL, Hugging
//! Face) and, later, token-level agreement. Keep every token decision here.
//!
//! - Tokens are the Unicode (UAX #29) word segments that are not whitespace.
//! - Sentences are UAX #29 sentence segments (a sentence never spans a line break here:
//!   lines are segmented separately, since a line break in a news text ends a headline or
//!   a paragraph), except that a full stop after a common abbreviation ("Dr.", "Gen.",
//!   "U.S.") or an initial ("D." in "Louis D. Boccardi") does not end a sentence, and
//!   [`keep_spans_whole`] joins sentences so that no span is cut by a sentence boundary.
//! - A span tags every token it touches: one that starts or ends inside a token tags the
//!   whole token.
//! - Where spans overlap, a token gets the innermost (shortest) span's label; ties go to the
//!   label that comes first in the scheme, then to the earlier span. Every tag that loses this
//!   way is counted as dropped.

use unicode_segmentation::UnicodeSegmentation as _;

use crate::annotation::{Layer, Span, SpanIndex};
use crate::document::Document;

/// A token: a code point range of the document and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The token's text.
    pub text: String,
}

/// Splits a document into sentences of tokens. Sentences with no token are left out.
pub fn sentences(doc: &Document) -> Vec<Vec<Token>> {
    let mut out: Vec<Vec<Token>> = Vec::new();
    let text = doc.text();
    let mut char_pos = 0;
    let mut line_start = 0;
    // Lines first (so that CRLF and LF behave the same), then UAX #29 sentences in each.
    for line in text.split_inclusive('\n') {
        let line_chars = line.chars().count();
        let mut sentence_start = char_pos;
        for sentence in line.split_sentence_bounds() {
            let mut tokens = Vec::new();
            let mut pos = sentence_start;
            for word in sentence.split_word_bounds() {
                let n = word.chars().count();
                if !word.chars().all(char::is_whitespace) {
                    tokens.push(Token {
                        start: pos,
                        end: pos + n,
                        text: word.to_owned(),
                    });
                }
                pos += n;
            }
            sentence_start = pos;
            if tokens.is_empty() {
                continue;
            }
            // The previous sentence of this line ended on an abbreviation or an initial:
            // this one goes on with it.
            match out.last_mut() {
                Some(previous) if previous_ends_line_sentence(previous, line_start) => {
                    previous.extend(tokens);
                }
                _ => out.push(tokens),
            }
        }
        char_pos += line_chars;
        line_start = char_pos;
    }
    out
}

/// Whether `sentence` (a sentence of the line that starts at `line_start`) ends with a full
/// stop that only closes an abbreviation or an initial, so the next segment of the same line
/// continues it.
fn previous_ends_line_sentence(sentence: &[Token], line_start: usize) -> bool {
    let [.., word, stop] = sentence else {
        return false;
    };
    word.start >= line_start
        && stop.text == "."
        && word.end == stop.start
        && is_abbreviation(&word.text)
}

/// Words that a full stop follows without ending a sentence: an initial (one capital letter),
/// a dotted abbreviation ("U.S", "e.g", "Ph.D": UAX #29 keeps inner dots in the word), or a
/// common title or short form.
pub fn is_abbreviation(word: &str) -> bool {
    const SHORT_FORMS: &[&str] = &[
        "Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "Sr", "Jr", "St", "Mt", "Ft", "Gen", "Col", "Lt",
        "Sgt", "Capt", "Cmdr", "Adm", "Maj", "Gov", "Sen", "Rep", "Rev", "Hon", "Pres", "Supt",
        "Insp", "Det", "Inc", "Ltd", "Co", "Corp", "Bros", "Assn", "Dept", "Univ", "No", "Nos",
        "vs", "etc", "al", "approx", "est", "fig", "Fig", "cf", "ca", "Ave", "Blvd", "Rd", "Jan",
        "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Sra",
        "Srta", "Dña", "Mme", "Mlle", "Hr", "Fr",
    ];
    let mut chars = word.chars();
    let initial = matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase());
    initial
        || (word.contains('.') && word.chars().all(|c| c.is_alphabetic() || c == '.'))
        || SHORT_FORMS.contains(&word)
}

/// Joins consecutive sentences wherever a span of `layers` would be cut by the boundary
/// between them, so that a token-level export never splits a span across sentences.
pub fn keep_spans_whole(sentences: Vec<Vec<Token>>, layers: &[Layer]) -> Vec<Vec<Token>> {
    // Spans by start, with the largest end among each prefix: a boundary is cut when a span
    // that starts before the previous sentence's last token ends reaches past the boundary.
    let mut spans: Vec<(usize, usize)> = layers
        .iter()
        .flat_map(|l| l.spans().iter().map(|s| (s.start, s.end)))
        .filter(|(start, end)| start < end)
        .collect();
    spans.sort_unstable();
    let reach: Vec<usize> = spans
        .iter()
        .scan(0, |max, &(_, end)| {
            *max = (*max).max(end);
            Some(*max)
        })
        .collect();
    let mut out: Vec<Vec<Token>> = Vec::with_capacity(sentences.len());
    for sentence in sentences {
        let Some(first) = sentence.first() else {
            continue;
        };
        let begins = first.start;
        let cut = out.last().and_then(|p| p.last()).is_some_and(|last| {
            let before = spans.partition_point(|&(start, _)| start < last.end);
            before > 0 && reach[before - 1] > begins
        });
        match out.last_mut() {
            Some(previous) if cut => previous.extend(sentence),
            _ => out.push(sentence),
        }
    }
    out
}

/// One token's tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    /// Outside any span.
    Outside,
    /// The first token of a span (`label` indexes the scheme).
    Begin(usize),
    /// A later token of a span.
    Inside(usize),
}

/// Tags for the tokens of one document, and how many span tags lost to overlaps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tagged {
    /// One tag per token, per sentence (same shape as [`sentences`]).
    pub tags: Vec<Vec<Tag>>,
    /// Token tags dropped because a shorter overlapping span won the token.
    pub dropped: usize,
    /// Spans written as exactly one entity (a `B-` tag and its `I-` tags).
    pub spans_whole: usize,
    /// Spans written as several entities (a shorter span of another label took tokens in
    /// their middle), with their ids.
    pub spans_split: Vec<u64>,
    /// Spans that produced no entity (shorter overlapping spans took every token, or they
    /// cover no token), with their ids.
    pub spans_lost: Vec<u64>,
}

/// IOB2 tags for every token, by the policy in the module docs.
pub fn tag(sentences: &[Vec<Token>], layer: &Layer) -> Tagged {
    let spans = layer.spans();
    let label_rank = |s: &Span| layer.scheme.position(&s.label).unwrap_or(usize::MAX);
    let index = SpanIndex::build(spans);
    let mut result = Tagged::default();
    // Entities begun per span (by position in `spans`).
    let mut entities = vec![0_usize; spans.len()];
    for sentence in sentences {
        let mut row = Vec::with_capacity(sentence.len());
        // A sentence break always begins a new chunk.
        let mut previous: Option<u64> = None;
        for token in sentence {
            let mut touching = index
                .overlapping(token.start..token.end)
                .into_iter()
                .map(|p| (p, &spans[p]));
            let first = touching.next();
            let mut best = first;
            let mut count = usize::from(first.is_some());
            for (p, span) in touching {
                count += 1;
                if let Some((_, b)) = best
                    && (span.len(), label_rank(span), span.start, span.id)
                        < (b.len(), label_rank(b), b.start, b.id)
                {
                    best = Some((p, span));
                }
            }
            result.dropped += count.saturating_sub(1);
            let tag = match best {
                None => Tag::Outside,
                Some((p, span)) => {
                    let label = layer.scheme.position(&span.label).unwrap_or(0);
                    if previous == Some(span.id) {
                        Tag::Inside(label)
                    } else {
                        entities[p] += 1;
                        Tag::Begin(label)
                    }
                }
            };
            previous = best.map(|(_, s)| s.id);
            row.push(tag);
        }
        result.tags.push(row);
    }
    for (span, &n) in spans.iter().zip(&entities) {
        match n {
            1 => result.spans_whole += 1,
            0 => result.spans_lost.push(span.id),
            _ => result.spans_split.push(span.id),
        }
    }
    result
}

/// The tag's label without its `B-`/`I-` prefix (`None` for `O`): what token-level agreement
/// compares.
pub fn tag_label(tag: Tag, layer: &Layer) -> Option<&str> {
    let name = |i: usize| {
        layer
            .scheme
            .labels()
            .get(i)
            .map_or("?", |l| l.name.as_str())
    };
    match tag {
        Tag::Outside => None,
        Tag::Begin(i) | Tag::Inside(i) => Some(name(i)),
    }
}

/// The tag's name (`O`, `B-claim`, `I-claim`).
pub fn tag_name(tag: Tag, layer: &Layer) -> String {
    match (tag, tag_label(tag, layer)) {
        (Tag::Begin(_), Some(name)) => format!("B-{name}"),
        (Tag::Inside(_), Some(name)) => format!("I-{name}"),
        _ => "O".to_owned(),
    }
}

/// The tag's id in the Hugging Face label list: `O` is 0, then `B-x`, `I-x` per label.
pub fn tag_id(tag: Tag) -> usize {
    match tag {
        Tag::Outside => 0,
        Tag::Begin(i) => 1 + 2 * i,
        Tag::Inside(i) => 2 + 2 * i,
    }
}

/// The Hugging Face label names in id order.
pub fn tag_names(layer: &Layer) -> Vec<String> {
    let mut names = vec!["O".to_owned()];
    for label in layer.scheme.labels() {
        names.push(format!("B-{}", label.name));
        names.push(format!("I-{}", label.name));
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::LabelScheme;

    fn layer(doc: &Document, spans: &[(usize, usize, &str)]) -> Layer {
        let spans = spans
            .iter()
            .enumerate()
            .map(|(i, &(start, end, label))| {
                Span::new(i as u64 + 1, start..end, label, doc.slice(start..end))
            })
            .collect();
        Layer::from_parts("t", LabelScheme::default(), spans, Vec::new())
    }

    #[test]
    fn tokens_skip_whitespace_and_sentences_split() {
        let doc = Document::from_text("Mayor Reyes spoke. He left!\r\nNew line 東京.".to_owned());
        let s = sentences(&doc);
        let words: Vec<Vec<&str>> = s
            .iter()
            .map(|t| t.iter().map(|t| t.text.as_str()).collect())
            .collect();
        assert_eq!(
            words,
            vec![
                vec!["Mayor", "Reyes", "spoke", "."],
                vec!["He", "left", "!"],
                vec!["New", "line", "東", "京", "."]
            ]
        );
        for t in s.iter().flatten() {
            assert_eq!(doc.slice(t.start..t.end), t.text);
        }
    }

    #[test]
    fn innermost_span_wins_and_partial_tokens_are_tagged_whole() {
        let doc = Document::from_text("Mayor Daniel Reyes declared victory".to_owned());
        // claim over everything, actor over "Daniel Reyes", event starting inside "declared".
        let l = layer(
            &doc,
            &[(0, 35, "claim"), (6, 18, "actor"), (21, 27, "event")],
        );
        let s = sentences(&doc);
        let tagged = tag(&s, &l);
        let names: Vec<String> = tagged.tags[0].iter().map(|&t| tag_name(t, &l)).collect();
        assert_eq!(
            names,
            ["B-claim", "B-actor", "I-actor", "B-event", "B-claim"]
        );
        assert_eq!(tagged.dropped, 3, "claim lost Daniel, Reyes and declared");
        assert_eq!(tag_names(&l)[..3], ["O", "B-claim", "I-claim"]);
        assert_eq!(tag_id(Tag::Inside(1)), 4);
    }

    /// Entities as IOB2 defines them: a `B-X` tag and the `I-X` tags right after it.
    fn entities(
        tags: &[Vec<Tag>],
        sentences: &[Vec<Token>],
        l: &Layer,
    ) -> Vec<(usize, usize, String)> {
        let mut out = Vec::new();
        for (row, tokens) in tags.iter().zip(sentences) {
            let mut open: Option<(usize, usize, String)> = None;
            for (&tag, token) in row.iter().zip(tokens) {
                let name = tag_name(tag, l);
                match (name.split_once('-'), &mut open) {
                    (Some(("I", label)), Some(e)) if e.2 == label => e.1 = token.end,
                    (Some((_, label)), _) => {
                        out.extend(open.take());
                        open = Some((token.start, token.end, label.to_owned()));
                    }
                    (None, _) => out.extend(open.take()),
                }
            }
            out.extend(open);
        }
        out
    }

    #[test]
    fn abbreviations_and_initials_do_not_end_a_sentence() {
        let text =
            "Dr. Smith met J. K. Rowling. Louis D. Boccardi told U.S. officials. Gen. Lee left.";
        let doc = Document::from_text(text.to_owned());
        let sentences = sentences(&doc);
        let firsts: Vec<&str> = sentences.iter().map(|s| s[0].text.as_str()).collect();
        assert_eq!(firsts, ["Dr", "Louis", "Gen"], "three sentences");
        // A real sentence end after a lower-case word still ends it.
        let doc = Document::from_text("He left. She stayed.".to_owned());
        assert_eq!(super::sentences(&doc).len(), 2);
    }

    #[test]
    fn every_span_is_one_entity_across_abbreviations() {
        let text = "Dr. Smith met J. K. Rowling. Louis D. Boccardi told U.S. officials.";
        let doc = Document::from_text(text.to_owned());
        let find = |needle: &str| {
            let byte = text.find(needle).unwrap_or(0);
            let start = text[..byte].chars().count();
            (start, start + needle.chars().count())
        };
        let wanted = [
            "Dr. Smith",
            "J. K. Rowling",
            "Louis D. Boccardi",
            "U.S. officials",
        ];
        let spans: Vec<(usize, usize, &str)> = wanted
            .iter()
            .map(|w| {
                let (s, e) = find(w);
                (s, e, "actor")
            })
            .collect();
        let l = layer(&doc, &spans);
        let s = keep_spans_whole(sentences(&doc), std::slice::from_ref(&l));
        let tagged = tag(&s, &l);
        let got: Vec<String> = entities(&tagged.tags, &s, &l)
            .into_iter()
            .map(|(a, b, _)| doc.slice(a..b).to_owned())
            .collect();
        assert_eq!(got, wanted);
        assert_eq!(tagged.spans_whole, 4);
        assert!(tagged.spans_split.is_empty() && tagged.spans_lost.is_empty());
    }

    #[test]
    fn a_span_across_a_sentence_end_keeps_its_sentences_together() {
        // A claim that runs over a full stop (two sentences for UAX #29) and over a line break.
        let text = "It rained. The river rose.\nThen it fell. Done.";
        let doc = Document::from_text(text.to_owned());
        let l = layer(&doc, &[(3, 25, "claim"), (21, 36, "event")]);
        let s = keep_spans_whole(sentences(&doc), std::slice::from_ref(&l));
        assert_eq!(s.len(), 2, "the first three sentences are one: {s:?}");
        let tagged = tag(&s, &l);
        let got = entities(&tagged.tags, &s, &l);
        // The event (shorter) wins 'rose . Then it' ... the claim keeps 'rained . The river'.
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(tagged.spans_whole, 2);
    }

    #[test]
    fn split_and_lost_spans_are_counted() {
        let doc = Document::from_text("Mayor Daniel Reyes declared victory".to_owned());
        // The claim is cut in two by the shorter actor; of the two events on 'declared', the
        // shorter one takes the token and the longer one has none left.
        let l = layer(
            &doc,
            &[
                (0, 35, "claim"),
                (6, 18, "actor"),
                (19, 27, "event"),
                (19, 23, "event"),
            ],
        );
        let tagged = tag(&sentences(&doc), &l);
        assert_eq!(
            tagged.spans_split,
            vec![1],
            "the claim comes out as two entities"
        );
        assert_eq!(
            tagged.spans_lost,
            vec![3],
            "'declared' went to the shorter event"
        );
        assert_eq!(tagged.spans_whole, 2);
    }
}
