//! A confusion table for a pair of annotators: A's label × B's label, with a row and a
//! column for "no span".
//!
//! Spans are paired one to one by overlap regardless of label, largest overlap first, and on
//! equal overlap a pair with the same label first ([`crate::review::overlap_matches`] with
//! [`MatchRule::AnyLabel`]). A matched pair counts in (A's label, B's label); a span of A left
//! unmatched counts in (A's label, no span), one of B in (no span, B's label). The
//! (no span, no span) cell is always 0.

use std::collections::{BTreeMap, BTreeSet};

use crate::annotation::Span;
use crate::review::{MatchRule, overlap_matches};

/// The row and column name for "no span" in outputs.
pub const NO_SPAN: &str = "(no span)";

/// Counts per (A's label, B's label); `None` is "no span". Additive across documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Confusion {
    /// The non-zero cells.
    pub cells: BTreeMap<(Option<String>, Option<String>), u64>,
}

impl Confusion {
    /// Counts two layers' spans (each sorted by [`Span::order`]).
    pub fn count(a: &[Span], b: &[Span]) -> Self {
        let mut out = Self::default();
        let pairs = overlap_matches(a, b, MatchRule::AnyLabel);
        let mut used_a = vec![false; a.len()];
        let mut used_b = vec![false; b.len()];
        for &(i, j) in &pairs {
            used_a[i] = true;
            used_b[j] = true;
            out.bump(Some(&a[i].label), Some(&b[j].label));
        }
        for (s, used) in a.iter().zip(&used_a) {
            if !used {
                out.bump(Some(&s.label), None);
            }
        }
        for (s, used) in b.iter().zip(&used_b) {
            if !used {
                out.bump(None, Some(&s.label));
            }
        }
        out
    }

    fn bump(&mut self, a: Option<&str>, b: Option<&str>) {
        *self
            .cells
            .entry((a.map(str::to_owned), b.map(str::to_owned)))
            .or_insert(0) += 1;
    }

    /// The count in a cell.
    pub fn get(&self, a: Option<&str>, b: Option<&str>) -> u64 {
        self.cells
            .get(&(a.map(str::to_owned), b.map(str::to_owned)))
            .copied()
            .unwrap_or(0)
    }

    /// Adds another document's counts.
    pub fn merge(&mut self, other: &Self) {
        for (k, n) in &other.cells {
            *self.cells.entry(k.clone()).or_insert(0) += n;
        }
    }

    /// Every label in a row or column, sorted (without "no span").
    pub fn labels(&self) -> Vec<String> {
        let set: BTreeSet<&String> = self
            .cells
            .keys()
            .flat_map(|(a, b)| a.iter().chain(b.iter()))
            .collect();
        set.into_iter().cloned().collect()
    }

    /// As nested maps for JSON: row (A's label or [`NO_SPAN`]) → column → count, with every
    /// label and "no span" present in every row.
    pub fn to_nested(&self) -> BTreeMap<String, BTreeMap<String, u64>> {
        let mut keys: Vec<Option<String>> = self.labels().into_iter().map(Some).collect();
        keys.push(None);
        let name = |k: &Option<String>| k.clone().unwrap_or_else(|| NO_SPAN.to_owned());
        keys.iter()
            .map(|row| {
                let cols = keys
                    .iter()
                    .map(|col| (name(col), self.get(row.as_deref(), col.as_deref())))
                    .collect();
                (name(row), cols)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::test_support::spans;

    /// By hand: A = actor 0–5, claim 0–30, event 40–45, actor 70–75;
    /// B = actor 0–5, event 0–29, claim 41–45, claim 90–95.
    /// Pairs by largest overlap: claim 0–30 ~ event 0–29 (29), actor 0–5 ~ actor 0–5 (5),
    /// event 40–45 ~ claim 41–45 (4). A's actor 70–75 unmatched, B's claim 90–95 unmatched.
    #[test]
    fn by_hand() {
        let a = spans(&[
            (0, 5, "actor"),
            (0, 30, "claim"),
            (40, 45, "event"),
            (70, 75, "actor"),
        ]);
        let b = spans(&[
            (0, 5, "actor"),
            (0, 29, "event"),
            (41, 45, "claim"),
            (90, 95, "claim"),
        ]);
        let c = Confusion::count(&a, &b);
        assert_eq!(c.get(Some("actor"), Some("actor")), 1);
        assert_eq!(c.get(Some("claim"), Some("event")), 1);
        assert_eq!(c.get(Some("event"), Some("claim")), 1);
        assert_eq!(c.get(Some("actor"), None), 1);
        assert_eq!(c.get(None, Some("claim")), 1);
        assert_eq!(c.cells.values().sum::<u64>(), 5);
        let nested = c.to_nested();
        assert_eq!(nested["claim"]["event"], 1);
        assert_eq!(nested[NO_SPAN][NO_SPAN], 0);
        assert_eq!(nested.len(), 4, "actor, claim, event, no span");
    }

    /// The Cohen's kappa textbook table (Wikipedia: 20 yes/yes, 5 yes/no, 10 no/yes,
    /// 15 no/no) laid out as spans, "no" being "no span": the table reads back the same.
    #[test]
    fn textbook_table_as_spans() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        let mut at = 0;
        for (in_a, in_b, n) in [(true, true, 20), (true, false, 5), (false, true, 10)] {
            for _ in 0..n {
                if in_a {
                    a.push((at, at + 3, "yes"));
                }
                if in_b {
                    b.push((at, at + 3, "yes"));
                }
                at += 10;
            }
        }
        let c = Confusion::count(&spans(&a), &spans(&b));
        assert_eq!(c.get(Some("yes"), Some("yes")), 20);
        assert_eq!(c.get(Some("yes"), None), 5);
        assert_eq!(c.get(None, Some("yes")), 10);
        assert_eq!(Confusion::count(&[], &[]).to_nested().len(), 1);
    }
}
