//! Two more generators, so that no benchmark rests on [`super::text`] alone (whose tagged
//! texts are a few repeated names):
//! - [`text`]: plain English-like prose from a few hundred words and a dozen sentence
//!   shapes, with skewed (Zipf-like) word frequencies as in real text;
//! - [`word_layer`]: spans on word boundaries, one per ~`chars / count` code points, of one
//!   to four words (what a person tagging freely makes: names, but also "the", "Council.");
//! - [`random_cut_layer`]: spans cut at random code points (a model's noisy output).

use super::Rng;
use crate::annotation::{LabelScheme, Layer, Span};
use crate::document::Document;

const FIRST_NAMES: &[&str] = &[
    "Maria", "Daniel", "Helen", "Tomás", "Priya", "Jonas", "Aisha", "Chen", "Laura", "Samuel",
    "Ingrid", "Rafael", "Yuki", "Grace", "Omar", "Elena", "Lucas", "Fatima", "Peter", "Nadia",
];
const SURNAMES: &[&str] = &[
    "Okafor",
    "Reyes",
    "Strand",
    "Rivera",
    "Natarajan",
    "Berg",
    "Bello",
    "Wei",
    "Fischer",
    "Adeyemi",
    "Holm",
    "Duarte",
    "Tanaka",
    "Mensah",
    "Haddad",
    "Petrova",
    "Moreau",
    "Zahra",
    "Lindqvist",
    "Kowalski",
];
const PLACES: &[&str] = &[
    "Lisbon",
    "the northern valley",
    "Rotterdam",
    "the old harbour",
    "Nairobi",
    "Kraków",
    "the river delta",
    "Montréal",
    "the eastern district",
    "Bergen",
    "Valparaíso",
    "Accra",
    "the coastal road",
    "Leipzig",
    "Porto Alegre",
    "the capital",
];
const ORGS: &[&str] = &[
    "the Council",
    "the Ministry of Transport",
    "Northwind Energy",
    "the city archive",
    "the teachers' union",
    "Harbour Holdings",
    "the regional court",
    "the Red Cross",
    "the national railway",
    "Atlas Insurance",
    "the university hospital",
    "the water board",
];
const ADJECTIVES: &[&str] = &[
    "new",
    "old",
    "small",
    "large",
    "quiet",
    "busy",
    "public",
    "private",
    "local",
    "early",
    "late",
    "strong",
    "weak",
    "open",
    "final",
    "short",
    "long",
    "careful",
    "recent",
    "simple",
    "difficult",
    "expensive",
    "cheap",
    "broken",
    "modern",
    "narrow",
    "wide",
    "familiar",
    "unusual",
    "annual",
    "heavy",
    "bright",
    "cold",
    "warm",
    "formal",
    "rural",
    "urban",
    "official",
    "temporary",
    "serious",
    "muddy",
    "dusty",
    "crowded",
    "empty",
    "costly",
    "fragile",
    "sturdy",
    "wooden",
    "concrete",
    "electric",
    "medical",
    "legal",
    "economic",
    "cultural",
    "coastal",
    "northern",
    "southern",
    "western",
    "eastern",
    "central",
    "remote",
    "nearby",
    "hidden",
    "visible",
    "accurate",
    "vague",
    "generous",
];
const NOUNS: &[&str] = &[
    "report",
    "budget",
    "bridge",
    "school",
    "market",
    "station",
    "meeting",
    "plan",
    "road",
    "contract",
    "harbour",
    "library",
    "factory",
    "hospital",
    "garden",
    "street",
    "court",
    "survey",
    "project",
    "price",
    "wage",
    "house",
    "train",
    "storm",
    "season",
    "committee",
    "audit",
    "tunnel",
    "museum",
    "festival",
    "election",
    "decision",
    "proposal",
    "delay",
    "rule",
    "tax",
    "study",
    "crowd",
    "island",
    "farm",
    "forest",
    "winter",
    "summer",
    "office",
    "company",
    "family",
    "teacher",
    "driver",
    "nurse",
    "farmer",
    "neighbour",
    "visitor",
    "engineer",
    "council",
    "village",
    "lake",
    "ferry",
    "well",
    "clinic",
    "stadium",
    "highway",
    "warehouse",
    "union",
    "strike",
    "vote",
    "letter",
    "ticket",
    "map",
    "recipe",
    "harvest",
    "kitchen",
    "window",
    "garage",
    "parliament",
    "policy",
    "pension",
    "insurance",
    "loan",
    "mortgage",
    "salary",
    "invoice",
    "shipment",
    "cargo",
    "container",
    "crane",
    "dock",
    "pier",
    "canal",
    "dam",
    "pipeline",
    "reservoir",
    "drought",
    "flood",
    "fire",
    "landslide",
    "earthquake",
    "vaccine",
    "patient",
    "doctor",
    "surgeon",
    "ambulance",
    "pharmacy",
    "bakery",
    "butcher",
    "grocer",
    "tailor",
    "carpenter",
    "plumber",
    "electrician",
    "painter",
    "poet",
    "novel",
    "film",
    "concert",
    "orchestra",
    "choir",
    "theatre",
    "exhibition",
    "gallery",
    "sculpture",
    "monument",
    "cathedral",
    "chapel",
    "mosque",
    "temple",
    "cemetery",
    "park",
    "playground",
    "pool",
    "gym",
    "bicycle",
    "scooter",
    "bus",
    "tram",
    "airport",
    "runway",
    "passenger",
    "pilot",
    "sailor",
    "fisherman",
    "boat",
    "net",
    "catch",
    "quota",
    "license",
    "permit",
    "fine",
    "penalty",
    "appeal",
    "verdict",
    "witness",
    "lawyer",
    "judge",
    "jury",
    "prison",
    "police",
    "officer",
    "detective",
    "journalist",
    "editor",
    "newspaper",
    "radio",
    "broadcast",
    "interview",
    "speech",
    "debate",
    "protest",
    "petition",
    "campaign",
    "poll",
];
const VERBS: &[&str] = &[
    "approved",
    "delayed",
    "opened",
    "closed",
    "visited",
    "questioned",
    "rebuilt",
    "measured",
    "described",
    "announced",
    "rejected",
    "supported",
    "criticised",
    "reviewed",
    "repaired",
    "funded",
    "cancelled",
    "expanded",
    "inspected",
    "planned",
    "discussed",
    "published",
    "welcomed",
    "doubted",
    "praised",
    "ignored",
    "recorded",
    "moved",
    "sold",
    "bought",
    "borrowed",
    "painted",
    "signed",
    "drafted",
    "amended",
    "postponed",
    "restored",
    "demolished",
    "surveyed",
    "counted",
    "mapped",
    "translated",
    "printed",
    "delivered",
    "shipped",
    "loaded",
    "unloaded",
    "weighed",
    "tested",
    "audited",
    "taxed",
    "subsidised",
    "insured",
    "leased",
];
const ADVERBS: &[&str] = &[
    "quickly",
    "slowly",
    "again",
    "finally",
    "quietly",
    "openly",
    "later",
    "already",
    "carefully",
    "suddenly",
    "rarely",
    "often",
    "twice",
    "nearly",
    "mostly",
];
const TIMES: &[&str] = &[
    "on Monday",
    "on Tuesday",
    "last week",
    "in March",
    "in the spring",
    "before dawn",
    "after the holidays",
    "in 2019",
    "this year",
    "at the end of May",
    "on Friday evening",
    "during the storm",
    "in the autumn",
    "last night",
];
const DETERMINERS: &[&str] = &[
    "the", "a", "its", "their", "this", "that", "every", "one", "another", "our", "each", "her",
    "his", "no",
];
const CONNECTIVES: &[&str] = &[
    "but", "and", "although", "because", "while", "so", "yet", "since", "after", "before",
];

/// Picks with a skew towards the front of the list: the first items are frequent, the last
/// rare, as words are in real text.
fn skewed<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    let k = rng.below(items.len());
    items[rng.below(k + 1)]
}

fn noun_phrase(rng: &mut Rng, out: &mut String) {
    match rng.below(6) {
        0 => {
            // A full name, or a surname alone (as a text mentions someone again).
            if rng.below(3) > 0 {
                out.push_str(skewed(rng, FIRST_NAMES));
                out.push(' ');
            }
            out.push_str(skewed(rng, SURNAMES));
        }
        1 => out.push_str(skewed(rng, ORGS)),
        2 => out.push_str(skewed(rng, PLACES)),
        3 => {
            out.push_str(skewed(rng, DETERMINERS));
            out.push(' ');
            out.push_str(skewed(rng, ADJECTIVES));
            out.push(' ');
            out.push_str(skewed(rng, NOUNS));
        }
        _ => {
            out.push_str(skewed(rng, DETERMINERS));
            out.push(' ');
            out.push_str(skewed(rng, NOUNS));
            if rng.below(3) == 0 {
                out.push_str(" of ");
                out.push_str(skewed(rng, PLACES));
            }
        }
    }
}

fn clause(rng: &mut Rng, out: &mut String) {
    noun_phrase(rng, out);
    out.push(' ');
    if rng.below(4) == 0 {
        out.push_str(skewed(rng, ADVERBS));
        out.push(' ');
    }
    out.push_str(skewed(rng, VERBS));
    out.push(' ');
    noun_phrase(rng, out);
    match rng.below(6) {
        0 | 1 => {
            out.push(' ');
            out.push_str(skewed(rng, TIMES));
        }
        2 => {
            use std::fmt::Write as _;
            let _ = write!(out, " for {} {}s", 2 + rng.below(4_000), skewed(rng, NOUNS));
        }
        _ => {}
    }
}

/// English-like prose of about `bytes` bytes: paragraphs of 3–8 sentences of one or two
/// clauses, blank lines between.
pub fn text(bytes: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed ^ 0x9e05e);
    let mut out = String::with_capacity(bytes + 512);
    while out.len() < bytes {
        let sentences = 3 + rng.below(6);
        for i in 0..sentences {
            if i > 0 {
                out.push(' ');
            }
            let start = out.len();
            clause(&mut rng, &mut out);
            if rng.below(2) == 0 {
                out.push_str(", ");
                out.push_str(rng.pick(CONNECTIVES));
                out.push(' ');
                clause(&mut rng, &mut out);
            }
            out.push(if rng.below(12) == 0 { '?' } else { '.' });
            // Capitalize the sentence's first letter.
            if let Some(c) = out[start..].chars().next()
                && c.is_lowercase()
            {
                let upper: String = c.to_uppercase().collect();
                out.replace_range(start..start + c.len_utf8(), &upper);
            }
        }
        out.push_str("\n\n");
    }
    out
}

const LABELS: &[&str] = &["actor", "place", "event", "claim"];

fn spread(
    doc: &Document,
    count: usize,
    seed: u64,
    mut make: impl FnMut(&mut Rng, usize, usize) -> Option<(usize, usize)>,
) -> Vec<Span> {
    let mut rng = Rng::new(seed ^ 0xc0ffee);
    let n = doc.char_len();
    let step = (n / count.max(1)).max(1);
    let mut spans = Vec::with_capacity(count);
    for i in 0..count {
        let from = i * step;
        if from >= n {
            break;
        }
        let Some((start, end)) = make(&mut rng, from, (from + step).min(n)) else {
            continue;
        };
        let text = doc.slice(start..end).to_owned();
        if start >= end || text.trim().is_empty() {
            continue;
        }
        spans.push(Span::new(
            spans.len() as u64 + 1,
            start..end,
            rng.pick(LABELS),
            text,
        ));
    }
    spans
}

/// About `count` spans of one to four whole words, one in each stretch of `chars / count`
/// code points.
pub fn word_layer(doc: &Document, count: usize, annotator: &str, seed: u64) -> Layer {
    let chars: Vec<char> = doc.text().chars().collect();
    let is_word = |i: usize| {
        chars
            .get(i)
            .is_some_and(|c| c.is_alphanumeric() || *c == '\'')
    };
    let spans = spread(doc, count, seed, |rng, from, to| {
        // The first word starting in the stretch, after a random point in it.
        let mut start = from + rng.below(to - from);
        while start < chars.len() && !(is_word(start) && (start == 0 || !is_word(start - 1))) {
            start += 1;
        }
        let mut end = start;
        for _ in 0..1 + rng.below(4) {
            while end < chars.len() && !is_word(end) && chars[end] == ' ' {
                end += 1;
            }
            while is_word(end) {
                end += 1;
            }
        }
        // Sometimes the full stop after the last word, as people do ("Council.").
        if rng.below(10) == 0 && chars.get(end) == Some(&'.') {
            end += 1;
        }
        (end > start && end <= chars.len()).then_some((start, end))
    });
    Layer::from_parts(annotator, LabelScheme::default(), spans, Vec::new())
}

/// About `count` spans of 3–60 code points at random places, one in each stretch of
/// `chars / count` code points: cut inside words, across sentences.
pub fn random_cut_layer(doc: &Document, count: usize, annotator: &str, seed: u64) -> Layer {
    let n = doc.char_len();
    let spans = spread(doc, count, seed, |rng, from, to| {
        let start = from + rng.below(to - from);
        let end = (start + 3 + rng.below(58)).min(n);
        Some((start, end))
    });
    Layer::from_parts(annotator, LabelScheme::default(), spans, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_is_varied_and_its_layers_fit_the_text() {
        let doc = Document::from_text(text(200_000, 3));
        assert!(doc.text().len() >= 200_000);
        assert_eq!(text(200_000, 3), doc.text());
        // Varied: hundreds of distinct words, none above a tenth of the text.
        let words: Vec<&str> = doc
            .text()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let mut counts = std::collections::HashMap::new();
        for w in &words {
            *counts.entry(w.to_lowercase()).or_insert(0_usize) += 1;
        }
        assert!(counts.len() > 300, "{} distinct words", counts.len());
        let top = counts.values().max().copied().unwrap_or(0);
        assert!(
            top * 10 < words.len(),
            "the most frequent word is {top} of {}",
            words.len()
        );
        let words_layer = word_layer(&doc, 2_000, "a", 3);
        let cuts = random_cut_layer(&doc, 2_000, "a", 3);
        assert!(words_layer.spans().len() > 1_900);
        assert!(cuts.spans().len() > 1_900);
        let text = doc.text();
        let bounded = |s: &Span| {
            let b = doc.byte_from_char(s.start)..doc.byte_from_char(s.end);
            crate::suggest::evidence::word_bounded(text, b)
        };
        for s in words_layer.spans().iter().chain(cuts.spans()) {
            assert_eq!(doc.slice(s.range()), s.text);
        }
        assert!(words_layer.spans().iter().all(bounded));
        // Most random cuts fall inside a word at one end or the other.
        let cut = cuts.spans().iter().filter(|s| !bounded(s)).count();
        assert!(cut * 2 > cuts.spans().len(), "{cut}");
    }
}
