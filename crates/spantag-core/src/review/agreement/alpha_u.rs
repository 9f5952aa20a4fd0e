//! Krippendorff's unitized alpha (αU) for spans on a continuum: Krippendorff (1995), "On the
//! reliability of unitizing contiguous data", in the formulation of Krippendorff (2004),
//! *Content Analysis*, 2nd ed., pp. 251–256, as DKPro Statistics implements it
//! (`KrippendorffAlphaUnitizingAgreement`).
//!
//! Each label is a binary unitizing of the document (its continuum of `L` code points): each
//! of the `R` annotators cuts it into *sections*, the label's spans (units) and the gaps
//! between them (the stretch before the first span and after the last included). Spans of one
//! label by one annotator that overlap are taken as their union (αU needs each annotator's
//! units of a label to be disjoint); spans that only touch stay two units.
//!
//! For two sections g (annotator i) and h (annotator j), with begin b, end e and length l:
//!
//! - both units and overlapping: δ² = (b_g − b_h)² + (e_g − e_h)²
//! - a unit inside a gap of the other (b_h ≤ b_g, e_g ≤ e_h): δ² = l_g² (and the mirror case)
//! - otherwise (gap with gap, sections apart, a unit not inside the gap): δ² = 0
//!
//! Observed disagreement, over every ordered pair of annotators and their sections:
//!
//! D_o = Σ_{i≠j} Σ_g Σ_h δ²(g_i, h_j) / (R (R − 1) L²)
//!
//! Expected disagreement, over all the ways the same units and gaps could be laid out: with
//! `N` units of the label (all annotators), unit lengths l_u and gap lengths l_g (all
//! annotators),
//!
//! D_e = (2 / L) · Σ_u [ (N − 1) (2l_u³ − 3l_u² + l_u) / 3 + l_u² Σ_{g: l_g ≥ l_u} (l_g − l_u + 1) ]
//!       / [ R L (R L − 1) − Σ_u l_u (l_u − 1) ]
//!
//! αU(label) = 1 − D_o / D_e. Over all labels, as DKPro does: αU = 1 − Σ_c D_o(c) / Σ_c D_e(c)
//! (the mean of the observed over the mean of the expected disagreements). Undefined (`None`)
//! with fewer than two annotators, no span of the label, or D_e = 0.
//!
//! Documents pool by putting their continua end to end: the corpus is one continuum of
//! Σ L code points in which no section crosses a document's end (a document where an
//! annotator made no span of a label is one gap of it). Sums are kept as integers (`u128`),
//! so a corpus figure does not depend on the order documents are read in.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::annotation::Span;

/// One label's sections, over one continuum (a document, or documents end to end).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct LabelSections {
    /// Σ over annotator pairs i < j of δ² between their overlapping sections.
    observed: u128,
    /// Every annotator's unit lengths.
    units: Vec<u64>,
    /// Every annotator's gap lengths.
    gaps: Vec<u64>,
}

/// A section of one annotator for one label: `[start, end)`, a unit or a gap.
#[derive(Debug, Clone, Copy)]
struct Section {
    start: u64,
    end: u64,
    unit: bool,
}

/// The counts αU needs, per label; documents pool with [`UnitizedCounts::merge`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitizedCounts {
    /// Annotators (R).
    annotators: u64,
    /// Each document's length in code points, in the order they were added.
    documents: Vec<u64>,
    /// Per label.
    labels: BTreeMap<String, LabelSections>,
}

/// D_o and D_e of one label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Disagreement {
    /// Observed disagreement D_o.
    pub observed: f64,
    /// Expected disagreement D_e.
    pub expected: f64,
    /// αU, or `None` when undefined.
    pub alpha: Option<f64>,
}

/// αU per label and over all labels.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AlphaUReport {
    /// Over all labels: 1 − Σ D_o / Σ D_e.
    pub overall: Option<f64>,
    /// Per label.
    pub per_label: BTreeMap<String, Option<f64>>,
}

/// One annotator's units of a label: sorted, clipped to `[0, length)`, overlapping ones
/// joined, empty ones left out.
fn units_of(mut ranges: Vec<(u64, u64)>, length: u64) -> Vec<(u64, u64)> {
    ranges.sort_unstable();
    let mut out: Vec<(u64, u64)> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        let end = end.min(length);
        if start >= end {
            continue;
        }
        match out.last_mut() {
            Some(last) if start < last.1 => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

/// The sections (units and the gaps around them) that cover `[0, length)`.
fn sections(units: &[(u64, u64)], length: u64) -> Vec<Section> {
    let mut out = Vec::with_capacity(2 * units.len() + 1);
    let mut at = 0;
    for &(start, end) in units {
        if start > at {
            out.push(Section {
                start: at,
                end: start,
                unit: false,
            });
        }
        out.push(Section {
            start,
            end,
            unit: true,
        });
        at = end;
    }
    if length > at {
        out.push(Section {
            start: at,
            end: length,
            unit: false,
        });
    }
    out
}

/// δ² of two overlapping sections.
fn delta_squared(g: Section, h: Section) -> u128 {
    let square = |d: u64| u128::from(d) * u128::from(d);
    match (g.unit, h.unit) {
        (true, true) => square(g.start.abs_diff(h.start)) + square(g.end.abs_diff(h.end)),
        (true, false) if h.start <= g.start && g.end <= h.end => square(g.end - g.start),
        (false, true) if g.start <= h.start && h.end <= g.end => square(h.end - h.start),
        _ => 0,
    }
}

/// Σ δ² over the overlapping sections of two annotators (both cover the same continuum).
fn observed_pair(x: &[Section], y: &[Section]) -> u128 {
    let (mut i, mut j, mut sum) = (0, 0, 0);
    while i < x.len() && j < y.len() {
        sum += delta_squared(x[i], y[j]);
        let (ex, ey) = (x[i].end, y[j].end);
        if ex <= ey {
            i += 1;
        }
        if ey <= ex {
            j += 1;
        }
    }
    sum
}

impl UnitizedCounts {
    /// Counts one document of `length` code points: one list of spans per annotator.
    pub fn of_document(length: usize, layers: &[&[Span]]) -> Self {
        let per_annotator: Vec<Vec<(u64, u64, &str)>> = layers
            .iter()
            .map(|spans| {
                spans
                    .iter()
                    .map(|s| (s.start as u64, s.end as u64, s.label.as_str()))
                    .collect()
            })
            .collect();
        Self::of_units(length as u64, &per_annotator)
    }

    /// Counts one continuum of `length` positions: per annotator, its units as
    /// `(start, end, label)`, half-open.
    pub fn of_units(length: u64, annotators: &[Vec<(u64, u64, &str)>]) -> Self {
        let mut by_label: BTreeMap<&str, Vec<Vec<(u64, u64)>>> = BTreeMap::new();
        for (a, units) in annotators.iter().enumerate() {
            for &(start, end, label) in units {
                by_label
                    .entry(label)
                    .or_insert_with(|| vec![Vec::new(); annotators.len()])[a]
                    .push((start, end));
            }
        }
        let mut labels = BTreeMap::new();
        for (label, ranges) in by_label {
            let all: Vec<Vec<Section>> = ranges
                .into_iter()
                .map(|r| sections(&units_of(r, length), length))
                .collect();
            if !all.iter().flatten().any(|s| s.unit) {
                continue; // every span of it was empty or outside the text
            }
            let mut sections_of = LabelSections::default();
            for (i, x) in all.iter().enumerate() {
                for y in &all[i + 1..] {
                    sections_of.observed += observed_pair(x, y);
                }
                for s in x {
                    let list = if s.unit {
                        &mut sections_of.units
                    } else {
                        &mut sections_of.gaps
                    };
                    list.push(s.end - s.start);
                }
            }
            labels.insert(label.to_owned(), sections_of);
        }
        Self {
            annotators: annotators.len() as u64,
            documents: vec![length],
            labels,
        }
    }

    /// Appends another document's continuum (same annotators) after this one's.
    pub fn merge(&mut self, other: &Self) {
        if self.documents.is_empty() {
            self.annotators = other.annotators;
        }
        let whole = |documents: &[u64], annotators: u64| -> Vec<u64> {
            documents
                .iter()
                .filter(|&&l| l > 0)
                .flat_map(|&l| std::iter::repeat_n(l, annotators as usize))
                .collect()
        };
        // A label absent from one side is, there, one gap per annotator and document.
        for (label, mine) in &mut self.labels {
            match other.labels.get(label) {
                Some(theirs) => {
                    mine.observed += theirs.observed;
                    mine.units.extend_from_slice(&theirs.units);
                    mine.gaps.extend_from_slice(&theirs.gaps);
                }
                None => mine.gaps.extend(whole(&other.documents, other.annotators)),
            }
        }
        for (label, theirs) in &other.labels {
            if !self.labels.contains_key(label) {
                let mut gaps = whole(&self.documents, self.annotators);
                gaps.extend_from_slice(&theirs.gaps);
                self.labels.insert(
                    label.clone(),
                    LabelSections {
                        observed: theirs.observed,
                        units: theirs.units.clone(),
                        gaps,
                    },
                );
            }
        }
        self.documents.extend_from_slice(&other.documents);
    }

    /// The labels counted.
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        self.labels.keys().map(String::as_str)
    }

    /// D_o, D_e and αU of one label (`None` when no annotator made a span of it, or with
    /// fewer than two annotators).
    pub fn label(&self, label: &str) -> Option<Disagreement> {
        let sections = self.labels.get(label)?;
        let r = u128::from(self.annotators);
        let length: u128 = self.documents.iter().map(|&l| u128::from(l)).sum();
        if r < 2 || length == 0 {
            return None;
        }
        // Expected: numerator (without the factor 2 / L) and denominator.
        let n = sections.units.len() as u128;
        let mut gaps = sections.gaps.clone();
        gaps.sort_unstable();
        // suffix[k] = Σ gaps[k..]
        let mut suffix = vec![0u128; gaps.len() + 1];
        for k in (0..gaps.len()).rev() {
            suffix[k] = suffix[k + 1] + u128::from(gaps[k]);
        }
        let mut numerator: u128 = 0;
        let mut squares: u128 = 0;
        for &l in &sections.units {
            let l = u128::from(l);
            // (2l³ − 3l² + l) / 3 = l (l − 1) (2l − 1) / 3, an integer (twice Σ k² up to l − 1).
            numerator += (n - 1) * (l * (l - 1) * (2 * l - 1) / 3);
            let first = gaps.partition_point(|&g| u128::from(g) < l);
            let fits = (gaps.len() - first) as u128;
            // Σ_{g ≥ l} (g − l + 1) = Σ g − (l − 1) · count
            numerator += l * l * (suffix[first] - (l - 1) * fits);
            squares += l * (l - 1);
        }
        let denominator = r * length * (r * length - 1) - squares;
        let observed =
            2.0 * sections.observed as f64 / ((r * (r - 1)) as f64 * (length as f64).powi(2));
        let expected = 2.0 * numerator as f64 / (length as f64 * denominator as f64);
        // α = 1 − D_o / D_e with D_o / D_e = observed · den / (R (R − 1) L · numerator), in
        // integers where they fit (so that equal disagreements give exactly 0).
        let alpha = (numerator > 0).then(|| {
            let exact = sections.observed.checked_mul(denominator).zip(
                (r * (r - 1))
                    .checked_mul(length)
                    .and_then(|x| x.checked_mul(numerator)),
            );
            match exact {
                Some((top, bottom)) => 1.0 - top as f64 / bottom as f64,
                None => 1.0 - observed / expected,
            }
        });
        Some(Disagreement {
            observed,
            expected,
            alpha,
        })
    }

    /// αU per label and over all labels.
    pub fn report(&self) -> AlphaUReport {
        let mut per_label = BTreeMap::new();
        let (mut observed, mut expected) = (0.0, 0.0);
        for label in self.labels.keys() {
            let d = self.label(label);
            if let Some(d) = d {
                observed += d.observed;
                expected += d.expected;
            }
            per_label.insert(label.clone(), d.and_then(|d| d.alpha));
        }
        let overall = (expected > 0.0).then(|| 1.0 - observed / expected);
        AlphaUReport { overall, per_label }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Units as (start, length, label), the way the papers and DKPro's tests give them.
    fn study(length: u64, annotators: &[&[(u64, u64, &'static str)]]) -> UnitizedCounts {
        let units: Vec<Vec<(u64, u64, &str)>> = annotators
            .iter()
            .map(|a| a.iter().map(|&(s, l, c)| (s, s + l, c)).collect())
            .collect();
        UnitizedCounts::of_units(length, &units)
    }

    impl LabelSections {
        fn sorted(mut self) -> Self {
            self.gaps.sort_unstable();
            self
        }
    }

    /// `value` is what a paper prints with `decimals` places: rounded, or cut off (the
    /// sources do both: DKPro's tests give D_e = 0.535185… as 0.5351 and 0.027777… as
    /// 0.02777).
    fn prints_as(value: f64, decimals: usize, printed: &str) -> bool {
        let scale = 10f64.powi(decimals as i32);
        let cut = (value * scale).trunc() / scale;
        format!("{value:.decimals$}") == printed || format!("{cut:.decimals$}") == printed
    }

    /// Krippendorff (2004), *Content Analysis*, 2nd ed., p. 254: two observers, the
    /// continuum 150–450 (here shifted to 0–300, which changes nothing), categories c and k.
    /// Published (and DKPro's `Krippendorff2004Test`): c: D_o 0.0144, D_e 0.0532, α 0.7286;
    /// k: D_o 0, D_e 0.0490, α 1; over both: α 0.8591, which the book computes from the
    /// rounded D's: 1 − 0.0144 / (0.0532 + 0.0490) = 0.8591. Unrounded it is 0.8587 (DKPro's
    /// test accepts 0.8591 ± 0.0005 for the same reason).
    fn krippendorff_2004() -> UnitizedCounts {
        study(
            300,
            &[
                &[(75, 70, "c"), (220, 30, "c"), (30, 60, "k"), (150, 50, "k")],
                &[
                    (70, 80, "c"),
                    (205, 20, "c"),
                    (250, 20, "c"),
                    (30, 60, "k"),
                    (150, 50, "k"),
                ],
            ],
        )
    }

    #[test]
    fn krippendorff_2004_example() {
        let counts = krippendorff_2004();
        let c = counts.label("c").unwrap();
        assert!(prints_as(c.observed, 4, "0.0144"), "{c:?}");
        assert!(prints_as(c.expected, 4, "0.0532"), "{c:?}");
        assert!(prints_as(c.alpha.unwrap(), 4, "0.7286"), "{c:?}");
        let k = counts.label("k").unwrap();
        assert_eq!(k.observed, 0.0);
        assert!(prints_as(k.expected, 4, "0.0490"), "{k:?}");
        assert_eq!(k.alpha, Some(1.0));
        let report = counts.report();
        assert!(
            prints_as(report.overall.unwrap(), 4, "0.8587"),
            "{report:?}"
        );
        let from_rounded: f64 = 1.0 - 0.0144 / (0.0532 + 0.0490);
        assert!(prints_as(from_rounded, 4, "0.8591"));
        assert_eq!(report.per_label["c"], c.alpha);
    }

    /// The δ² values Krippendorff (2004) prints next to the example (DKPro's
    /// `testDistanceMetric2`): 50, 850 and 400. Σ δ² of c is 2 · (50 + 850 + 400) / 2 pairs:
    /// D_o = 2 · 1300 / (2 · 1 · 300²) = 0.01444….
    #[test]
    fn krippendorff_2004_distances() {
        let unit = |start, len| Section {
            start,
            end: start + len,
            unit: true,
        };
        let gap = |start, len| Section {
            start,
            end: start + len,
            unit: false,
        };
        assert_eq!(delta_squared(unit(225, 70), unit(220, 80)), 50);
        assert_eq!(delta_squared(unit(370, 30), unit(355, 20)), 850);
        assert_eq!(delta_squared(gap(400, 50), unit(400, 20)), 400);
        assert_eq!(delta_squared(unit(400, 20), gap(400, 50)), 400);
        // A unit not inside the other's gap, and two gaps, do not count.
        assert_eq!(delta_squared(unit(10, 20), gap(15, 50)), 0);
        assert_eq!(delta_squared(gap(10, 20), gap(15, 50)), 0);
        assert_eq!(krippendorff_2004().labels["c"].observed, 1300);
    }

    /// Krippendorff (1995), p. 57: four pairs of coders on a continuum of 24, one category
    /// each (A–D). The observed disagreements are exact fractions; the paper prints 0.03125,
    /// 2.26736, 0.02777 and 0.38715 (DKPro's `Krippendorff1995Test` checks the same).
    fn krippendorff_1995(stretch: u64) -> UnitizedCounts {
        let s = |x: u64| x * stretch;
        let a: [&[(u64, u64)]; 2] = [&[(2, 8), (14, 6)], &[(4, 4), (15, 2)]];
        let b: [&[(u64, u64)]; 2] = [
            &[(0, 18)],
            &[(0, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 3), (9, 1)],
        ];
        let c: [&[(u64, u64)]; 2] = [
            &[(2, 6), (10, 2), (14, 4), (20, 2)],
            &[(0, 2), (4, 4), (10, 4), (16, 2), (20, 2)],
        ];
        let d: [&[(u64, u64)]; 2] = [
            &[(0, 2), (2, 8), (10, 4), (14, 6), (20, 4)],
            &[(0, 4), (4, 4), (8, 7), (15, 2), (17, 7)],
        ];
        let mut coders: Vec<Vec<(u64, u64, &str)>> = vec![Vec::new(), Vec::new()];
        for (units, label) in [(a, "A"), (b, "B"), (c, "C"), (d, "D")] {
            for (coder, list) in units.iter().enumerate() {
                coders[coder].extend(list.iter().map(|&(o, l)| (s(o), s(o + l), label)));
            }
        }
        UnitizedCounts::of_units(s(24), &coders)
    }

    #[test]
    fn krippendorff_1995_observed_disagreements() {
        let counts = krippendorff_1995(1);
        let observed = |label| counts.label(label).unwrap().observed;
        // Σ δ² over the pair, times 2, over R (R − 1) L² = 2 · 576.
        assert_eq!(observed("A"), 2.0 * 18.0 / 1152.0);
        assert_eq!(observed("B"), 2.0 * 1306.0 / 1152.0);
        assert_eq!(observed("C"), 2.0 * 16.0 / 1152.0);
        assert_eq!(observed("D"), 2.0 * 223.0 / 1152.0);
        assert!(prints_as(observed("A"), 5, "0.03125"));
        assert!(prints_as(observed("B"), 5, "2.26736"));
        assert!(format!("{:.6}", observed("C")).starts_with("0.02777"));
        assert!(prints_as(observed("D"), 5, "0.38715"));
    }

    /// Krippendorff (1995) computed D_e with the 1995 formula, which the 2004 one approaches
    /// as the continuum is divided ever more finely; DKPro's test stretches the example
    /// 50,000-fold and accepts the published D_e within 0.005 and α within 0.02 (it notes an
    /// error in the 1995 D_e). The same, here: published D_e 0.06990, 1.17731, 0.08642,
    /// 0.41445 and α 0.553, −0.926, 0.679, 0.066.
    #[test]
    fn krippendorff_1995_expected_at_a_fine_grain() {
        let counts = krippendorff_1995(50_000);
        for (label, expected, alpha) in [
            ("A", 0.06990, 0.553),
            ("B", 1.17731, -0.926),
            ("C", 0.08642, 0.679),
            ("D", 0.41445, 0.066),
        ] {
            let d = counts.label(label).unwrap();
            assert!((d.expected - expected).abs() < 0.005, "{label}: {d:?}");
            assert!((d.alpha.unwrap() - alpha).abs() < 0.02, "{label}: {d:?}");
        }
        // The observed disagreement does not depend on the grain.
        let fine = counts.label("C").unwrap().observed;
        assert!((fine - 2.0 * 16.0 / 1152.0).abs() < 1e-12, "{fine}");
    }

    /// DKPro's `UnitizingAgreementTest`: L = 10, r0 1–9, r1 2–3, 4–5, 6–7. D_o 0.9100,
    /// D_e 0.5351, α −0.7003.
    #[test]
    fn dkpro_unitizing_example() {
        let counts = study(
            10,
            &[&[(1, 8, "A")], &[(2, 1, "A"), (4, 1, "A"), (6, 1, "A")]],
        );
        let a = counts.label("A").unwrap();
        assert!(prints_as(a.observed, 4, "0.9100"), "{a:?}");
        assert!(prints_as(a.expected, 4, "0.5351"), "{a:?}");
        assert!(prints_as(a.alpha.unwrap(), 4, "-0.7003"), "{a:?}");
    }

    /// One unit among three coders: D_o = D_e (both 1/600), αU exactly 0 (as DKPro); no unit
    /// at all: undefined.
    #[test]
    fn single_unit_is_zero_and_nothing_is_undefined() {
        let counts = study(20, &[&[(0, 1, "X")], &[], &[]]);
        let x = counts.label("X").unwrap();
        assert_eq!(x.alpha, Some(0.0), "{x:?}");
        assert!((x.observed - 1.0 / 600.0).abs() < 1e-15);
        assert_eq!(counts.report().overall, Some(0.0));
        let none = study(20, &[&[], &[], &[]]);
        assert_eq!(none.report(), AlphaUReport::default());
        assert_eq!(none.label("X"), None);
        let alone = study(20, &[&[(0, 5, "X")]]);
        assert_eq!(alone.label("X"), None, "one annotator");
    }

    /// Overlapping spans of one label by one annotator count as their union; touching ones
    /// stay two units.
    #[test]
    fn overlapping_spans_of_one_label_are_joined() {
        let joined = study(30, &[&[(2, 6, "X"), (5, 10, "X")], &[(2, 13, "X")]]);
        assert_eq!(joined.label("X").unwrap().observed, 0.0);
        assert_eq!(joined.labels["X"].units, vec![13, 13]);
        let touching = study(30, &[&[(2, 6, "X"), (8, 7, "X")], &[(2, 13, "X")]]);
        assert!(touching.label("X").unwrap().observed > 0.0);
        assert_eq!(touching.labels["X"].units, vec![6, 7, 13]);
    }

    /// Pooling is the documents end to end: the same as one continuum made of both, when no
    /// section would cross the join (each document starts and ends with a gap of every label).
    #[test]
    fn pooling_is_documents_end_to_end() {
        let one: &[&[(u64, u64, &str)]] = &[&[(2, 5, "X"), (10, 3, "Y")], &[(3, 5, "X")]];
        let two: &[&[(u64, u64, &str)]] = &[&[(1, 4, "X")], &[(1, 3, "X"), (6, 2, "Y")]];
        let mut pooled = study(20, one);
        pooled.merge(&study(12, two));
        // The second document shifted by 20, as a single continuum of 32. Its gaps at the
        // join would run together there, so compare D_o (additive) and check D_e by hand
        // from the pooled gap lists instead.
        let whole = study(
            32,
            &[
                &[(2, 5, "X"), (10, 3, "Y"), (21, 4, "X")],
                &[(3, 5, "X"), (21, 3, "X"), (26, 2, "Y")],
            ],
        );
        for label in ["X", "Y"] {
            assert_eq!(
                pooled.label(label).unwrap().observed,
                whole.label(label).unwrap().observed,
                "{label}"
            );
        }
        // Y is absent from the first annotator's second document: a gap of 12 there; and
        // from the second annotator's first document: a gap of 20.
        let mut gaps = pooled.labels["Y"].gaps.clone();
        gaps.sort_unstable();
        assert_eq!(gaps, vec![4, 6, 7, 10, 12, 20]);
        // Order of documents does not change the figures.
        let mut reversed = study(12, two);
        reversed.merge(&study(20, one));
        for label in ["X", "Y"] {
            let (a, b) = (pooled.label(label).unwrap(), reversed.label(label).unwrap());
            assert_eq!(a.alpha, b.alpha, "{label}");
        }
        // A label only in the second document gets the first's gaps.
        let mut late = study(20, &[&[], &[]]);
        late.merge(&study(12, two));
        let mut gaps = late.labels["Y"].gaps.clone();
        gaps.sort_unstable();
        assert_eq!(gaps, vec![4, 6, 12, 20, 20]);
        // And a label absent from the document added gets that document's gaps.
        let mut early = study(12, two);
        early.merge(&study(20, &[&[], &[]]));
        assert_eq!(
            early.labels["Y"].clone().sorted(),
            late.labels["Y"].clone().sorted()
        );
    }
}
