//! The one tokenizer and overlap policy shared by the token-level exports (CoNLL, Hugging
//! Face) and, later, token-level agreement. Keep every token decision here.
//!
//! - Tokens are the Unicode (UAX #29) word segments that are not whitespace.
//! - Sentences are UAX #29 sentence segments (a sentence never spans a line break here:
//!   lines are segmented separately, since a line break in a news text ends a headline or
//!   a paragraph).
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
    let mut out = Vec::new();
    let text = doc.text();
    let mut char_pos = 0;
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
            if !tokens.is_empty() {
                out.push(tokens);
            }
        }
        char_pos += line_chars;
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
}

/// IOB2 tags for every token, by the policy in the module docs.
pub fn tag(sentences: &[Vec<Token>], layer: &Layer) -> Tagged {
    let spans = layer.spans();
    let label_rank = |s: &Span| layer.scheme.position(&s.label).unwrap_or(usize::MAX);
    let index = SpanIndex::build(spans);
    let mut result = Tagged::default();
    for sentence in sentences {
        let mut row = Vec::with_capacity(sentence.len());
        // A sentence break always begins a new chunk.
        let mut previous: Option<u64> = None;
        for token in sentence {
            let mut touching = index
                .overlapping(token.start..token.end)
                .into_iter()
                .map(|p| &spans[p]);
            let first = touching.next();
            let mut best = first;
            let mut count = usize::from(first.is_some());
            for span in touching {
                count += 1;
                if let Some(b) = best
                    && (span.len(), label_rank(span), span.start, span.id)
                        < (b.len(), label_rank(b), b.start, b.id)
                {
                    best = Some(span);
                }
            }
            result.dropped += count.saturating_sub(1);
            let tag = match best {
                None => Tag::Outside,
                Some(span) => {
                    let label = layer.scheme.position(&span.label).unwrap_or(0);
                    if previous == Some(span.id) {
                        Tag::Inside(label)
                    } else {
                        Tag::Begin(label)
                    }
                }
            };
            previous = best.map(|s| s.id);
            row.push(tag);
        }
        result.tags.push(row);
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
            .map(|(i, &(start, end, label))| Span {
                id: i as u64 + 1,
                start,
                end,
                label: label.to_owned(),
                text: doc.slice(start..end).to_owned(),
                note: None,
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
}
