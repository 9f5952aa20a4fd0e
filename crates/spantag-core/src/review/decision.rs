//! What a reviewer decided at a disagreement, kept as data in the curated layer.
//!
//! Each settlement in review (accept an annotator's version, accept an annotator's "no
//! span", reject every version) is recorded in the curated file's `decisions:` list with
//! the extent of the disagreement and the text it covered. The text anchors it: when the
//! source changes the decision follows its text, as spans and rejected suggestions do. Every
//! tool that reopens or fills disagreements respects it: a disagreement lying within a
//! decision is settled ([`super::Disagreement::settled_by`]), and `curate` and "Accept all
//! agreed" add nothing over a decided extent ([`Decision::covers_any`]).

use serde::{Deserialize, Serialize};

/// How a disagreement was settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// An annotator's spans there were accepted.
    Accept,
    /// An annotator who made no span there was followed: no span.
    NoSpan,
    /// Every version was rejected.
    Reject,
}

impl Outcome {
    /// The word written in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::NoSpan => "no_span",
            Self::Reject => "reject",
        }
    }

    /// The outcome a file's word names.
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "accept" => Some(Self::Accept),
            "no_span" => Some(Self::NoSpan),
            "reject" => Some(Self::Reject),
            _ => None,
        }
    }
}

/// One settled disagreement.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Decision {
    /// First code point of the disagreement (all its spans).
    pub start: usize,
    /// One past its last code point.
    pub end: usize,
    /// What was decided: `accept`, `no_span` or `reject` ([`Outcome`]). A word the program
    /// does not know (a newer version's) is kept and still settles the extent.
    pub outcome: String,
    /// Whose version was chosen (empty for `reject`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub annotator: String,
    /// The text of the extent when it was decided (for people reading the file, and to
    /// follow the text when the source changes).
    pub text: String,
}

impl Decision {
    /// A decision over `start..end` of `doc`.
    pub fn new(
        doc: &crate::document::Document,
        start: usize,
        end: usize,
        outcome: Outcome,
        annotator: &str,
    ) -> Self {
        let end = end.min(doc.char_len());
        let start = start.min(end);
        Self {
            start,
            end,
            outcome: outcome.as_str().to_owned(),
            annotator: annotator.to_owned(),
            text: doc.slice(start..end).to_owned(),
        }
    }

    /// Its outcome, when the word is known.
    pub fn outcome(&self) -> Option<Outcome> {
        Outcome::parse(&self.outcome)
    }

    /// Whether `start..end` lies within the decided extent.
    pub fn contains(&self, start: usize, end: usize) -> bool {
        self.start <= start && end <= self.end
    }

    /// Whether `start..end` overlaps the decided extent.
    pub fn overlaps(&self, start: usize, end: usize) -> bool {
        start < self.end && self.start < end
    }

    /// Whether any of `decisions` overlaps `start..end`: a place where a reviewer chose,
    /// where no rule may add a span.
    pub fn covers_any(decisions: &[Decision], start: usize, end: usize) -> bool {
        decisions.iter().any(|d| d.overlaps(start, end))
    }

    /// A short description for people: "ben's version", "no span (ben)", "rejected".
    pub fn describe(&self) -> String {
        match self.outcome() {
            Some(Outcome::Accept) => format!("{}'s version", self.annotator),
            Some(Outcome::NoSpan) => format!("no span ({})", self.annotator),
            Some(Outcome::Reject) => "every version rejected".to_owned(),
            None => format!("{} {}", self.outcome, self.annotator)
                .trim()
                .to_owned(),
        }
    }
}
