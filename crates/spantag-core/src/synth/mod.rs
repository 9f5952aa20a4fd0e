//! Deterministic synthetic corpora for benchmarks and stress tests: news-like sentences with
//! non-ASCII names and places, paragraphs, and spans that nest and overlap the way real
//! annotations do (actors inside claims, events overlapping claims).

pub mod prose;

use crate::annotation::{LabelScheme, Layer, Span};
use crate::document::Document;

/// A small, fast, seeded pseudo-random generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next_u64() % (n.max(1) as u64)).unwrap_or(0)
    }

    /// One of the items.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const ACTORS: &[&str] = &[
    "Mayor Daniel Reyes",
    "the city council",
    "Helen Strand",
    "the port authority",
    "Zoë Ångström",
    "Amélie Bérégovoy",
    "Kwame Ɔsei",
    "the state environmental agency",
    "Bluewater Logistics",
    "engineers at Calder University",
    "the regional weather service",
    "佐藤健一",
    "São Paulo officials",
    "the dockworkers' union",
    "Jürgen Weiß",
    "the finance ministry",
];
const VERBS: &[&str] = &[
    "said",
    "announced",
    "warned",
    "denied",
    "confirmed",
    "claimed",
    "argued",
    "insisted",
    "reported",
    "promised",
];
const CLAIMS: &[&str] = &[
    "the levee repairs would begin before the spring thaw",
    "not a single contract had been signed",
    "the budget was thirty percent above last year's",
    "inspections were skipped on at least nine occasions",
    "the agreement remains a promise on paper",
    "the permits were delayed for purely political reasons",
    "flooding could cause €120 million in damage",
    "the new terminal in Zürich will open in May",
    "more than 21 million people are displaced every year 🌍",
    "the findings vindicate what members have said for years",
];
const EVENTS: &[&str] = &[
    "after the vote on Thursday",
    "during the summit in Genève",
    "when the river rose in 2022",
    "at a press conference in 東京",
    "before the board meeting",
    "following the crane accident",
];

/// A news-like text of about `bytes` bytes: paragraphs of 3–7 sentences, blank lines between.
pub fn text(bytes: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(bytes + 512);
    while out.len() < bytes {
        let sentences = 3 + rng.below(5);
        for i in 0..sentences {
            if i > 0 {
                out.push(' ');
            }
            let actor = rng.pick(ACTORS);
            let mut first = actor.chars();
            if let Some(c) = first.next() {
                out.extend(c.to_uppercase());
                out.push_str(first.as_str());
            }
            out.push(' ');
            out.push_str(rng.pick(VERBS));
            out.push_str(" that ");
            out.push_str(rng.pick(CLAIMS));
            if rng.below(3) == 0 {
                out.push(' ');
                out.push_str(rng.pick(EVENTS));
            }
            out.push('.');
        }
        out.push_str("\n\n");
    }
    out
}

/// About `count` spans over a document: actors, claims from the actor to the sentence end
/// (so actors nest inside claims), events, and some spans that overlap across sentences.
pub fn layer(doc: &Document, count: usize, annotator: &str, seed: u64) -> Layer {
    let mut rng = Rng::new(seed ^ 0x5151);
    let text = doc.text();
    // Sentence ranges in code points.
    let mut sentences = Vec::new();
    let mut start = 0;
    let mut prev = '\n';
    for (pos, c) in text.chars().enumerate() {
        if start == pos && (c == ' ' || c == '\n') {
            start = pos + 1;
        } else if c == '.' && prev != '.' {
            sentences.push((start, pos + 1));
            start = pos + 1;
        }
        prev = c;
    }
    let mut spans = Vec::with_capacity(count);
    let mut id = 0;
    // The kind of span goes round across sentences, so that labels spread over the scheme
    // however few spans each sentence gets.
    let mut k = 0;
    let total = sentences.len().max(1);
    for (i, &(s, e)) in sentences.iter().enumerate() {
        // Spread the spans evenly over the document.
        let target = ((i + 1) * count).div_ceil(total).min(count);
        if spans.len() >= target {
            continue;
        }
        let sentence = doc.slice(s..e);
        let words: Vec<(usize, usize)> = {
            let mut v = Vec::new();
            let mut offset = s;
            for w in sentence.split(' ') {
                let n = w.chars().count();
                if n > 0 {
                    v.push((offset, offset + n));
                }
                offset += n + 1;
            }
            v
        };
        if words.len() < 4 {
            continue;
        }
        while spans.len() < target {
            let (start, end, label) = match k % 4 {
                0 => (words[0].0, words[1 + rng.below(2)].1, "actor"),
                1 => (words[0].0, e, "claim"),
                2 => {
                    let a = 2 + rng.below(words.len() - 3);
                    (
                        words[a].0,
                        words[(a + 1 + rng.below(3)).min(words.len() - 1)].1,
                        "event",
                    )
                }
                _ => {
                    // Overlapping the next sentence, when there is one.
                    let end = sentences
                        .get(i + 1)
                        .map_or(e, |&(ns, ne)| (ns + 10).min(ne));
                    (words[words.len() / 2].0, end, "claim")
                }
            };
            id += 1;
            spans.push(Span::new(id, start..end, label, doc.slice(start..end)));
            k += 1;
        }
    }
    Layer::from_parts(annotator, LabelScheme::default(), spans, Vec::new())
}

/// Another annotator's version of `base`: on about `share` (0..=1) of the spans they depart
/// from it, each time one of three ways — leave the span out, give it another label of the
/// scheme, or start it one word later — so agreement measures have something to find. Same
/// seed, same result; share 0 is `base` itself under another name.
pub fn vary(base: &Layer, doc: &Document, annotator: &str, seed: u64, share: f64) -> Layer {
    let mut rng = Rng::new(seed ^ 0xA11CE);
    let threshold = (share.clamp(0.0, 1.0) * 1_000_000.0) as usize;
    let labels: Vec<String> = base
        .scheme
        .labels()
        .iter()
        .map(|l| l.name.clone())
        .collect();
    let mut spans = Vec::with_capacity(base.spans().len());
    for span in base.spans() {
        let mut span = span.clone();
        if rng.below(1_000_000) < threshold {
            match rng.below(3) {
                0 => continue,
                1 if labels.len() > 1 => {
                    let at = labels.iter().position(|l| *l == span.label).unwrap_or(0);
                    let other = (at + 1 + rng.below(labels.len() - 1)) % labels.len();
                    span.label = labels[other].clone();
                }
                _ => {
                    // One word later: after the first space inside the span, if any text is
                    // left after it.
                    if let Some(space) = span.text.chars().position(|c| c == ' ')
                        && span.start + space + 1 < span.end
                    {
                        span.start += space + 1;
                        span.text = doc.slice(span.start..span.end).to_owned();
                    }
                }
            }
        }
        spans.push(span);
    }
    Layer::from_parts(annotator, base.scheme.clone(), spans, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_layers_fit_their_text_and_are_deterministic() {
        let doc = Document::from_text(text(20_000, 7));
        assert!(doc.text().len() >= 20_000);
        assert_eq!(text(20_000, 7), doc.text());
        let layer = layer(&doc, 300, "bench", 7);
        assert_eq!(layer.spans().len(), 300);
        for span in layer.spans() {
            assert_eq!(doc.slice(span.range()), span.text);
            assert!(!span.is_empty());
        }
        let nested = layer
            .spans()
            .windows(2)
            .filter(|w| w[1].start < w[0].end)
            .count();
        assert!(nested > 50, "spans nest and overlap");
    }

    #[test]
    fn few_spans_per_sentence_still_use_every_label() {
        let doc = Document::from_text(text(20_000, 3));
        let sentences = doc.text().matches('.').count();
        // Fewer spans than sentences: at most one per sentence.
        for count in [3, 10, sentences / 2] {
            let layer = layer(&doc, count, "a", 3);
            let used: std::collections::BTreeSet<&str> =
                layer.spans().iter().map(|s| s.label.as_str()).collect();
            assert_eq!(
                used,
                ["actor", "claim", "event"].into_iter().collect(),
                "{count} spans"
            );
        }
    }

    #[test]
    fn each_annotator_departs_from_the_base_on_about_the_share_asked() {
        let doc = Document::from_text(text(40_000, 5));
        let base = layer(&doc, 400, "base", 5);
        let same = vary(&base, &doc, "alice", 1, 0.0);
        assert_eq!(same.spans(), base.spans());
        assert_eq!(same.annotator, "alice");
        let alice = vary(&base, &doc, "alice", 1, 0.3);
        let bob = vary(&base, &doc, "bob", 2, 0.3);
        assert_eq!(alice.spans(), vary(&base, &doc, "alice", 1, 0.3).spans());
        assert_ne!(alice.spans(), bob.spans(), "a seed per annotator");
        for varied in [&alice, &bob] {
            let unchanged = varied
                .spans()
                .iter()
                .filter(|s| base.spans().contains(s))
                .count();
            // 30% of 400 changed: 120 expected, the binomial spread is about ±9.
            let changed = base.spans().len() - unchanged;
            assert!((85..=155).contains(&changed), "{changed} of 400 changed");
            for span in varied.spans() {
                assert_eq!(doc.slice(span.range()), span.text);
                assert!(!span.is_empty());
            }
        }
    }
}
