//! Agreement on attributes: for each attribute, over the spans two annotators both made
//! (same start, end and label), how often they gave it the same value. A span pair counts for
//! an attribute when either annotator set it (a value left unset on one side and set on the
//! other is a disagreement; pairs where neither set it say nothing about it).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::annotation::Span;

/// Per attribute: span pairs compared and how many agreed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttributeCounts {
    per_attribute: BTreeMap<String, (u64, u64)>,
}

/// One attribute's agreement for a pair of annotators.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributeReport {
    /// Matched spans where either annotator set it.
    pub compared: u64,
    /// Of those, the ones where both gave it the same value.
    pub agreed: u64,
    /// `agreed / compared` (`None` when nothing was compared).
    pub agreement: Option<f64>,
}

impl AttributeCounts {
    /// Counts the matched spans of `a` and `b` (both sorted as layers keep them).
    pub fn count(a: &[Span], b: &[Span]) -> Self {
        let mut out = Self::default();
        let mut theirs: BTreeMap<(usize, usize, &str), &Span> = BTreeMap::new();
        for s in b {
            theirs
                .entry((s.start, s.end, s.label.as_str()))
                .or_insert(s);
        }
        for mine in a {
            let Some(other) = theirs.get(&(mine.start, mine.end, mine.label.as_str())) else {
                continue;
            };
            let names = mine.attrs.keys().chain(other.attrs.keys());
            let mut seen: Vec<&String> = Vec::new();
            for name in names {
                if seen.contains(&name) {
                    continue;
                }
                seen.push(name);
                let entry = out.per_attribute.entry(name.clone()).or_default();
                entry.0 += 1;
                if mine.attrs.get(name) == other.attrs.get(name) {
                    entry.1 += 1;
                }
            }
        }
        out
    }

    /// Adds another document's counts.
    pub fn merge(&mut self, other: &Self) {
        for (name, (compared, agreed)) in &other.per_attribute {
            let entry = self.per_attribute.entry(name.clone()).or_default();
            entry.0 += compared;
            entry.1 += agreed;
        }
    }

    /// The figures per attribute.
    pub fn report(&self) -> BTreeMap<String, AttributeReport> {
        self.per_attribute
            .iter()
            .map(|(name, &(compared, agreed))| {
                (
                    name.clone(),
                    AttributeReport {
                        compared,
                        agreed,
                        agreement: (compared > 0).then(|| agreed as f64 / compared as f64),
                    },
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: usize, end: usize, label: &str, attrs: &[(&str, &str)]) -> Span {
        let mut s = Span::new(0, start..end, label, "");
        for (k, v) in attrs {
            s.attrs.insert((*k).into(), (*v).into());
        }
        s
    }

    #[test]
    fn matched_spans_are_compared_where_either_side_set_the_attribute() {
        // Four spans both made: certainty hedged/hedged (agree), hedged/probable (disagree),
        // negated on one side only (disagree), nothing on either (not counted for either
        // attribute). A span only A made is not compared; nor is one with another label.
        let a = [
            span(0, 5, "claim", &[("certainty", "hedged")]),
            span(
                6,
                9,
                "claim",
                &[("certainty", "hedged"), ("negated", "true")],
            ),
            span(10, 12, "claim", &[]),
            span(13, 15, "claim", &[("negated", "true")]),
            span(20, 25, "actor", &[("kind", "state")]),
        ];
        let b = [
            span(0, 5, "claim", &[("certainty", "hedged")]),
            span(
                6,
                9,
                "claim",
                &[("certainty", "probable"), ("negated", "true")],
            ),
            span(10, 12, "claim", &[]),
            span(13, 15, "claim", &[]),
            span(20, 25, "event", &[("kind", "state")]),
        ];
        let report = AttributeCounts::count(&a, &b).report();
        let certainty = &report["certainty"];
        assert_eq!((certainty.compared, certainty.agreed), (2, 1));
        assert_eq!(certainty.agreement, Some(0.5));
        let negated = &report["negated"];
        // 6..9 both negated (agree); 13..15 only A (disagree).
        assert_eq!((negated.compared, negated.agreed), (2, 1));
        assert!(!report.contains_key("kind"), "other labels are not matched");
    }
}
