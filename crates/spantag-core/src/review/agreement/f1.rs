//! Span F1 between two annotators, per label and over all labels (micro).
//!
//! For a label (or all labels together), with `m` matched spans, `a` spans of annotator A
//! and `b` of annotator B:
//!
//! F1 = 2m / (a + b)
//!
//! which is the harmonic mean of precision m/b and recall m/a with either annotator as the
//! reference (so it is symmetric). Undefined (`None`) when neither made a span (a + b = 0).
//!
//! - **Exact**: two spans match when start, end and label are equal (one to one).
//! - **Overlap**: same label and overlapping ranges, matched one to one, largest overlap first
//!   ([`crate::review::overlap_matches`]).

use std::collections::BTreeMap;

use crate::annotation::Span;
use crate::review::{MatchRule, exact_matches, overlap_matches};

/// Spans and matches of one label (or of all labels) for a pair.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LabelCounts {
    /// Spans of annotator A.
    pub support_a: u64,
    /// Spans of annotator B.
    pub support_b: u64,
    /// Exact matches.
    pub exact: u64,
    /// Overlap matches.
    pub overlap: u64,
}

/// F1 = 2m / (a + b); `None` when a + b = 0.
pub fn f1(matches: u64, a: u64, b: u64) -> Option<f64> {
    let total = a + b;
    (total > 0).then(|| 2.0 * matches as f64 / total as f64)
}

impl LabelCounts {
    /// Exact-match F1.
    pub fn f1_exact(&self) -> Option<f64> {
        f1(self.exact, self.support_a, self.support_b)
    }

    /// Overlap-match F1.
    pub fn f1_overlap(&self) -> Option<f64> {
        f1(self.overlap, self.support_a, self.support_b)
    }

    fn add(&mut self, other: &Self) {
        self.support_a += other.support_a;
        self.support_b += other.support_b;
        self.exact += other.exact;
        self.overlap += other.overlap;
    }
}

/// Span counts per label for one pair; additive across documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct F1Counts {
    /// Per label.
    pub per_label: BTreeMap<String, LabelCounts>,
}

impl F1Counts {
    /// Counts spans and matches of two layers' spans (each sorted by [`Span::order`]).
    pub fn count(a: &[Span], b: &[Span]) -> Self {
        let mut out = Self::default();
        fn entry<'a>(out: &'a mut F1Counts, label: &str) -> &'a mut LabelCounts {
            out.per_label.entry(label.to_owned()).or_default()
        }
        for s in a {
            entry(&mut out, &s.label).support_a += 1;
        }
        for s in b {
            entry(&mut out, &s.label).support_b += 1;
        }
        for (i, _) in exact_matches(a, b) {
            entry(&mut out, &a[i].label).exact += 1;
        }
        for (i, _) in overlap_matches(a, b, MatchRule::SameLabel) {
            entry(&mut out, &a[i].label).overlap += 1;
        }
        out
    }

    /// Adds another document's counts.
    pub fn merge(&mut self, other: &Self) {
        for (label, counts) in &other.per_label {
            self.per_label.entry(label.clone()).or_default().add(counts);
        }
    }

    /// All labels together (micro).
    pub fn total(&self) -> LabelCounts {
        let mut t = LabelCounts::default();
        for c in self.per_label.values() {
            t.add(c);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::test_support::spans;

    /// The seqeval README example (chunk-level F1, as in CoNLL's conlleval): true
    /// `O O O B-MISC I-MISC I-MISC O` / `B-PER I-PER O`, predicted
    /// `O O B-MISC I-MISC I-MISC I-MISC O` / `B-PER I-PER O`. Published: f1_score = 0.50;
    /// per label MISC 0.00, PER 1.00. Tokens are offsets here (the second sentence from 7).
    #[test]
    fn seqeval_published_example() {
        let truth = spans(&[(3, 6, "MISC"), (7, 9, "PER")]);
        let predicted = spans(&[(2, 6, "MISC"), (7, 9, "PER")]);
        let c = F1Counts::count(&truth, &predicted);
        assert_eq!(c.total().f1_exact(), Some(0.5));
        assert_eq!(c.per_label["MISC"].f1_exact(), Some(0.0));
        assert_eq!(c.per_label["PER"].f1_exact(), Some(1.0));
        // The MISC chunks overlap: with overlap matching both labels match.
        assert_eq!(c.total().f1_overlap(), Some(1.0));
    }

    /// By hand: A has actor 0–5, actor 10–15, claim 0–30, event 40–45; B has actor 0–5,
    /// actor 11–15, claim 0–28, claim 50–60.
    /// Exact: actor 0–5 only → m = 1 of 4 + 4: F1 = 2/8 = 0.25.
    /// Overlap: actor 0–5, actor 10–15 ~ 11–15, claim 0–30 ~ 0–28 → m = 3: F1 = 6/8 = 0.75.
    /// Per label: actor exact 2·1/4 = 0.5, overlap 1.0; claim exact 0, overlap 2/3;
    /// event exact 0 (support 1 + 0).
    #[test]
    fn by_hand_per_label_and_micro() {
        let a = spans(&[
            (0, 5, "actor"),
            (10, 15, "actor"),
            (0, 30, "claim"),
            (40, 45, "event"),
        ]);
        let b = spans(&[
            (0, 5, "actor"),
            (11, 15, "actor"),
            (0, 28, "claim"),
            (50, 60, "claim"),
        ]);
        let c = F1Counts::count(&a, &b);
        assert_eq!(c.total().f1_exact(), Some(0.25));
        assert_eq!(c.total().f1_overlap(), Some(0.75));
        assert_eq!(c.per_label["actor"].f1_exact(), Some(0.5));
        assert_eq!(c.per_label["actor"].f1_overlap(), Some(1.0));
        assert_eq!(c.per_label["claim"].f1_exact(), Some(0.0));
        assert_eq!(c.per_label["claim"].f1_overlap(), Some(2.0 / 3.0));
        assert_eq!(c.per_label["event"].support_a, 1);
        assert_eq!(c.per_label["event"].support_b, 0);
        assert_eq!(c.per_label["event"].f1_exact(), Some(0.0));
    }

    #[test]
    fn overlap_matching_is_one_to_one_largest_first() {
        // B's 0–10 overlaps A's 0–4 (4) and 2–10 (8): it goes to 2–10; 0–4 stays unmatched.
        let a = spans(&[(0, 4, "claim"), (2, 10, "claim")]);
        let b = spans(&[(0, 10, "claim")]);
        let c = F1Counts::count(&a, &b);
        assert_eq!(c.total().overlap, 1);
        assert_eq!(overlap_matches(&a, &b, MatchRule::SameLabel), [(1, 0)]);
        // Stacked spans: the same range with two labels, by both, match twice.
        let stacked = spans(&[(0, 4, "claim"), (0, 4, "event")]);
        let c = F1Counts::count(&stacked, &stacked);
        assert_eq!(c.total().exact, 2);
        assert_eq!(c.total().f1_exact(), Some(1.0));
    }

    #[test]
    fn no_spans_is_undefined_not_nan() {
        let c = F1Counts::count(&[], &[]);
        assert_eq!(c.total().f1_exact(), None);
        assert_eq!(c.total().f1_overlap(), None);
        let one = spans(&[(0, 4, "claim")]);
        let c = F1Counts::count(&one, &[]);
        assert_eq!(c.total().f1_exact(), Some(0.0));
    }
}
