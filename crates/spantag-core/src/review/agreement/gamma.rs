//! Mathet, Widlöcher & Métivier's γ (2015, "The Unified and Holistic Method Gamma (γ) for
//! Inter-Annotator Agreement Measure and Alignment"), with the parameters and conventions of
//! pygamma-agreement so that the figures agree with it.
//!
//! - **Units.** Each annotator's spans of a document, as `[start, end)` in code points with
//!   their label; a span repeated identically by one annotator counts once (pygamma keeps a
//!   set).
//! - **Dissimilarity.** d = α·d_pos + β·d_cat with α = β = 1, Δ∅ = 1:
//!   d_pos = ((|Δstart| + |Δend|) / (len₁ + len₂))² · Δ∅, d_cat = Δ∅ when the labels differ.
//! - **Observed disorder.** The best alignment ([`super::alignment`]): Σ of its unitary
//!   alignments' disorders over the mean number of units per annotator (pygamma's
//!   normalisation: units / annotators).
//! - **Expected disorder.** The mean observed disorder of `samples` random continua from
//!   pygamma's default sampler (`StatisticalContinuumSampler`): for each annotator, a number
//!   of units drawn from a normal law with the mean and (population) standard deviation of
//!   the units per annotator, made positive (|trunc(x)|, at least one unit in the first
//!   annotator that gets any); each unit placed after the previous one's end by a gap drawn
//!   from the normal law of the document's gaps (0, then each annotator's start of a unit
//!   minus the end of its previous unit, and its first start when above 0), with a length
//!   drawn from the normal law of the lengths (its absolute value, drawn again below 10⁻⁶)
//!   and a label drawn with the labels' frequencies.
//! - **γ** = 1 − observed / expected; 1 when the observed disorder is 0 (as pygamma);
//!   undefined (`None`) with fewer than two annotators or no span at all.
//!
//! The samples come from a SplitMix64 generator seeded from the seed and the document's
//! name, so one document's γ does not depend on the other documents compared or on their
//! order, and the same seed gives the same figures. Normal deviates are Box–Muller.
//!
//! **Pooled over documents**, the disorders are pooled, not the γ's: the corpus is taken as
//! one continuum in which documents lie far apart (no unitary alignment crosses two, so its
//! best alignment is the documents' best alignments together), whose observed disorder is
//! Σ_docs (Σ unitary disorders) / Σ_docs (units / annotators); its expected disorder
//! weights each document's expected disorder the same way (each document keeps its own chance
//! model: its statistics, not the corpus's). γ = 1 − observed / expected. pygamma works on one
//! continuum at a time and has no corpus figure; this one does not let a tiny document weigh
//! as much as a long one.

use std::collections::BTreeSet;

use serde::Serialize;

use super::alignment::{self, Unit};
use crate::annotation::Span;

/// How γ is estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GammaOptions {
    /// Random continua per document for the expected disorder (pygamma's default: 30).
    pub samples: usize,
    /// The seed of the random continua.
    pub seed: u64,
}

impl Default for GammaOptions {
    fn default() -> Self {
        Self {
            samples: 30,
            seed: 0,
        }
    }
}

/// One document's annotators and their units.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Continuum {
    /// Per annotator, its units sorted by start, end and label (labels numbered by name).
    pub annotators: Vec<Vec<Unit>>,
}

impl Continuum {
    /// A document's continuum: one list of spans per annotator.
    pub fn of_layers(layers: &[&[Span]]) -> Self {
        let labels: BTreeSet<&str> = layers
            .iter()
            .flat_map(|spans| spans.iter().map(|s| s.label.as_str()))
            .collect();
        let labels: Vec<&str> = labels.into_iter().collect();
        let category = |label: &str| labels.binary_search(&label).unwrap_or(0) as u32;
        let annotators = layers
            .iter()
            .map(|spans| {
                let mut units: Vec<(usize, usize, u32)> = spans
                    .iter()
                    .filter(|s| s.end > s.start)
                    .map(|s| (s.start, s.end, category(&s.label)))
                    .collect();
                units.sort_unstable();
                units.dedup();
                units
                    .into_iter()
                    .map(|(start, end, category)| Unit {
                        start: start as f64,
                        end: end as f64,
                        category,
                    })
                    .collect()
            })
            .collect();
        Self { annotators }
    }

    /// All units.
    pub fn units(&self) -> usize {
        self.annotators.iter().map(Vec::len).sum()
    }
}

/// The observed disorder of a continuum and its best alignment; `None` with fewer than two
/// annotators or no unit.
pub fn observed_disorder(annotators: &[Vec<Unit>]) -> Option<(f64, alignment::Alignment)> {
    let units: usize = annotators.iter().map(Vec::len).sum();
    if annotators.len() < 2 || units == 0 {
        return None;
    }
    let best = alignment::best_alignment(annotators);
    let per_annotator = units as f64 / annotators.len() as f64;
    Some((best.total / per_annotator, best))
}

/// γ's figures for a document or a corpus.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct GammaFigures {
    /// γ = 1 − observed / expected.
    pub gamma: Option<f64>,
    /// The best alignment's disorder.
    pub observed_disorder: Option<f64>,
    /// The mean disorder of the random continua.
    pub expected_disorder: Option<f64>,
    /// Whether every best alignment behind the figures was proven the least (false when a
    /// tangle of spans ran the search out of budget: the observed disorder is then an upper
    /// bound).
    pub exact: bool,
}

/// The sums behind γ; additive across documents.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GammaCounts {
    /// Σ units / annotators.
    pub weight: f64,
    /// Σ observed disorder × weight (= Σ of the best alignments' unitary disorders).
    pub observed: f64,
    /// Σ expected disorder × weight.
    pub expected: f64,
    /// Every alignment proven the least.
    pub exact: bool,
}

impl Default for GammaCounts {
    fn default() -> Self {
        Self {
            weight: 0.0,
            observed: 0.0,
            expected: 0.0,
            exact: true,
        }
    }
}

impl GammaCounts {
    /// Adds another document's sums.
    pub fn merge(&mut self, other: &Self) {
        self.weight += other.weight;
        self.observed += other.observed;
        self.expected += other.expected;
        self.exact &= other.exact;
    }

    /// γ from the pooled disorders.
    pub fn figures(&self) -> GammaFigures {
        if self.weight <= 0.0 {
            return GammaFigures {
                exact: self.exact,
                ..GammaFigures::default()
            };
        }
        let observed = self.observed / self.weight;
        let expected = self.expected / self.weight;
        GammaFigures {
            gamma: gamma_of(observed, expected),
            observed_disorder: Some(observed),
            expected_disorder: Some(expected),
            exact: self.exact,
        }
    }
}

fn gamma_of(observed: f64, expected: f64) -> Option<f64> {
    if observed == 0.0 {
        Some(1.0)
    } else if expected > 0.0 {
        Some(1.0 - observed / expected)
    } else {
        None
    }
}

/// γ of one document (`name` seeds its random continua with `options.seed`).
pub fn document_gamma(continuum: &Continuum, options: &GammaOptions, name: &str) -> GammaCounts {
    let Some((observed, best)) = observed_disorder(&continuum.annotators) else {
        return GammaCounts::default();
    };
    let weight = continuum.units() as f64 / continuum.annotators.len() as f64;
    let mut exact = best.exact;
    let (expected, sample_exact) =
        expected_disorder(continuum, options.samples, stream(options.seed, name));
    exact &= sample_exact;
    GammaCounts {
        weight,
        observed: observed * weight,
        expected: expected.unwrap_or(0.0) * weight,
        exact,
    }
}

/// The seed of one document's samples: the seed and the name (FNV-1a), mixed.
pub fn stream(seed: u64, name: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    Rng::new(seed ^ hash).next_u64()
}

/// The mean disorder of `samples` random continua drawn from `continuum`'s statistics
/// (`None` when `samples` is 0 or the continuum is empty), and whether every sample's
/// alignment was exact.
pub fn expected_disorder(continuum: &Continuum, samples: usize, seed: u64) -> (Option<f64>, bool) {
    let Some(sampler) = Sampler::of(continuum) else {
        return (None, true);
    };
    let mut rng = Rng::new(seed);
    let mut sum = 0.0;
    let mut exact = true;
    for _ in 0..samples {
        let sample = sampler.sample(&mut rng);
        if let Some((disorder, best)) = observed_disorder(&sample) {
            sum += disorder;
            exact &= best.exact;
        }
    }
    ((samples > 0).then(|| sum / samples as f64), exact)
}

/// The sample disorders one by one (for tests: their spread).
pub fn sample_disorders(continuum: &Continuum, samples: usize, seed: u64) -> Vec<f64> {
    let Some(sampler) = Sampler::of(continuum) else {
        return Vec::new();
    };
    let mut rng = Rng::new(seed);
    (0..samples)
        .filter_map(|_| observed_disorder(&sampler.sample(&mut rng)).map(|(d, _)| d))
        .collect()
}

/// SplitMix64, with Box–Muller normal deviates.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
    spare: Option<f64>,
}

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self {
            state: seed,
            spare: None,
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Normal with mean `mean` and standard deviation `sd`.
    pub fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        let z = match self.spare.take() {
            Some(z) => z,
            None => {
                let r = (-2.0 * (1.0 - self.uniform()).ln()).sqrt();
                let theta = std::f64::consts::TAU * self.uniform();
                self.spare = Some(r * theta.sin());
                r * theta.cos()
            }
        };
        mean + sd * z
    }
}

/// Mean and population standard deviation.
fn mean_sd(values: &[f64]) -> (f64, f64) {
    if values.is_empty() {
        return (0.0, 0.0);
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// pygamma's `StatisticalContinuumSampler`: the statistics of a continuum.
#[derive(Debug, Clone)]
struct Sampler {
    annotators: usize,
    count: (f64, f64),
    gap: (f64, f64),
    length: (f64, f64),
    /// Cumulative label frequencies, by category id.
    cumulative: Vec<f64>,
}

/// Shorter units are drawn again (pyannote's segment precision).
const SEGMENT_PRECISION: f64 = 1e-6;

impl Sampler {
    fn of(continuum: &Continuum) -> Option<Self> {
        let units = continuum.units();
        if units == 0 || continuum.annotators.len() < 2 {
            return None;
        }
        let mut gaps = vec![0.0];
        for list in &continuum.annotators {
            for pair in list.windows(2) {
                gaps.push(pair[1].start - pair[0].end);
            }
        }
        for list in &continuum.annotators {
            if let Some(first) = list.first()
                && first.start > 0.0
            {
                gaps.push(first.start);
            }
        }
        let lengths: Vec<f64> = continuum
            .annotators
            .iter()
            .flatten()
            .map(|u| u.end - u.start)
            .collect();
        let counts: Vec<f64> = continuum
            .annotators
            .iter()
            .map(|l| l.len() as f64)
            .collect();
        let categories = continuum
            .annotators
            .iter()
            .flatten()
            .map(|u| u.category as usize + 1)
            .max()
            .unwrap_or(0);
        let mut frequency = vec![0.0; categories];
        for u in continuum.annotators.iter().flatten() {
            frequency[u.category as usize] += 1.0;
        }
        let mut cumulative = Vec::with_capacity(categories);
        let mut running = 0.0;
        for f in frequency {
            running += f / units as f64;
            cumulative.push(running);
        }
        Some(Self {
            annotators: continuum.annotators.len(),
            count: mean_sd(&counts),
            gap: mean_sd(&gaps),
            length: mean_sd(&lengths),
            cumulative,
        })
    }

    fn category(&self, rng: &mut Rng) -> u32 {
        let x = rng.uniform() * self.cumulative.last().copied().unwrap_or(1.0);
        let at = self.cumulative.partition_point(|&c| c <= x);
        at.min(self.cumulative.len().saturating_sub(1)) as u32
    }

    fn sample(&self, rng: &mut Rng) -> Vec<Vec<Unit>> {
        let mut out = Vec::with_capacity(self.annotators);
        let mut any = false;
        for _ in 0..self.annotators {
            let mut count = rng.normal(self.count.0, self.count.1).trunc().abs() as usize;
            if !any {
                count = count.max(1);
            }
            let mut units = Vec::with_capacity(count);
            let mut last = 0.0;
            for _ in 0..count {
                let start = last + rng.normal(self.gap.0, self.gap.1);
                let mut length = rng.normal(self.length.0, self.length.1).abs();
                let mut tries = 0;
                while length < SEGMENT_PRECISION && tries < 1000 {
                    length = rng.normal(self.length.0, self.length.1).abs();
                    tries += 1;
                }
                let length = length.max(SEGMENT_PRECISION);
                let end = start + length;
                units.push(Unit {
                    start,
                    end,
                    category: self.category(rng),
                });
                last = end;
            }
            any |= !units.is_empty();
            units.sort_by(|a, b| a.start.total_cmp(&b.start).then(a.end.total_cmp(&b.end)));
            out.push(units);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: usize, end: usize, label: &str) -> Span {
        Span::new(0, start..end, label, "")
    }

    fn continuum(layers: &[&[(usize, usize, &str)]]) -> Continuum {
        let spans: Vec<Vec<Span>> = layers
            .iter()
            .map(|l| l.iter().map(|&(s, e, c)| span(s, e, c)).collect())
            .collect();
        let refs: Vec<&[Span]> = spans.iter().map(Vec::as_slice).collect();
        Continuum::of_layers(&refs)
    }

    #[test]
    fn labels_are_numbered_by_name_and_repeats_count_once() {
        let c = continuum(&[
            &[(5, 9, "b"), (0, 4, "a"), (0, 4, "a")],
            &[(0, 4, "c"), (3, 3, "a")],
        ]);
        assert_eq!(c.annotators[0].len(), 2, "the repeat counts once");
        assert_eq!(c.annotators[0][0].category, 0);
        assert_eq!(c.annotators[0][1].category, 1);
        assert_eq!(c.annotators[1].len(), 1, "the empty span is left out");
        assert_eq!(c.annotators[1][0].category, 2);
    }

    /// Observed disorder by hand. Two annotators: (0–10 x, 20–30 y) and (0–10 x, 22–30 y).
    /// Best alignment: the two pairs; d = 0 and ((2 + 0) / 18)² = 1/81. Units per annotator:
    /// 2, so the disorder is (1/81) / 2.
    #[test]
    fn observed_disorder_by_hand() {
        let c = continuum(&[
            &[(0, 10, "x"), (20, 30, "y")],
            &[(0, 10, "x"), (22, 30, "y")],
        ]);
        let (d, best) = observed_disorder(&c.annotators).unwrap();
        assert!((d - 1.0 / 162.0).abs() < 1e-15, "{d}");
        assert_eq!(best.unitary.len(), 2);
        // A third annotator who tagged nothing: every unitary alignment has two pairs with ∅
        // (of three): (2/3 + (2 + 1/81)/3) / (4/3 units per annotator).
        let c = continuum(&[
            &[(0, 10, "x"), (20, 30, "y")],
            &[(0, 10, "x"), (22, 30, "y")],
            &[],
        ]);
        let (d, _) = observed_disorder(&c.annotators).unwrap();
        let expected = (2.0 / 3.0 + (2.0 + 1.0 / 81.0) / 3.0) / (4.0 / 3.0);
        assert!((d - expected).abs() < 1e-15, "{d} vs {expected}");
        assert_eq!(observed_disorder(&continuum(&[&[], &[]]).annotators), None);
        assert_eq!(
            observed_disorder(&continuum(&[&[(0, 3, "x")]]).annotators),
            None
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_gamma_and_another_seed_another() {
        let c = continuum(&[
            &[(0, 10, "x"), (20, 30, "y"), (40, 48, "x")],
            &[(1, 10, "x"), (22, 30, "x")],
            &[(0, 12, "x"), (20, 31, "y"), (41, 48, "y")],
        ]);
        let options = GammaOptions::default();
        let one = document_gamma(&c, &options, "doc.txt");
        let two = document_gamma(&c, &options, "doc.txt");
        assert_eq!(one, two);
        let other = document_gamma(&c, &GammaOptions { seed: 1, ..options }, "doc.txt");
        assert_ne!(one.expected, other.expected);
        let renamed = document_gamma(&c, &options, "other.txt");
        assert_ne!(
            one.expected, renamed.expected,
            "the name is part of the seed"
        );
        assert_eq!(
            one.observed, other.observed,
            "the observed disorder is not random"
        );
        let g = one.figures().gamma.unwrap();
        assert!(g > 0.0 && g < 1.0, "{g}");
    }

    /// Perfect agreement: γ = 1 whatever the samples; nothing tagged: undefined.
    #[test]
    fn perfect_agreement_and_nothing() {
        let same: &[(usize, usize, &str)] = &[(0, 10, "x"), (20, 30, "y")];
        let g = document_gamma(&continuum(&[same, same]), &GammaOptions::default(), "d");
        assert_eq!(g.figures().gamma, Some(1.0));
        let none = document_gamma(&continuum(&[&[], &[]]), &GammaOptions::default(), "d");
        assert_eq!(
            none.figures(),
            GammaFigures {
                exact: true,
                ..GammaFigures::default()
            }
        );
    }

    /// Pooling adds the weighted disorders: a document of 4 units per annotator weighs
    /// twice one of 2.
    #[test]
    fn pooling_weights_documents_by_units() {
        let a = GammaCounts {
            weight: 2.0,
            observed: 2.0 * 0.1,
            expected: 2.0 * 0.5,
            exact: true,
        };
        let b = GammaCounts {
            weight: 4.0,
            observed: 4.0 * 0.4,
            expected: 4.0 * 0.8,
            exact: true,
        };
        let mut pooled = GammaCounts::default();
        pooled.merge(&a);
        pooled.merge(&b);
        let f = pooled.figures();
        assert!((f.observed_disorder.unwrap() - 0.3).abs() < 1e-12);
        assert!((f.expected_disorder.unwrap() - 0.7).abs() < 1e-12);
        assert!((f.gamma.unwrap() - (1.0 - 0.3 / 0.7)).abs() < 1e-12);
    }

    /// The sampler follows the continuum's statistics: over many samples, the mean number of
    /// units per annotator, the mean length and the label frequencies come back.
    #[test]
    fn samples_follow_the_statistics() {
        let c = continuum(&[
            &[(0, 10, "x"), (20, 30, "y"), (40, 50, "x"), (60, 70, "x")],
            &[(0, 10, "x"), (25, 30, "x")],
        ]);
        let sampler = Sampler::of(&c).unwrap();
        // Gaps: 0; 10, 10, 10 (first annotator); 15 (second); no first start above 0.
        assert_eq!(sampler.gap.0, 9.0);
        assert_eq!(sampler.count, (3.0, 1.0));
        let mut rng = Rng::new(3);
        let (mut units, mut length, mut x) = (0.0, 0.0, 0.0);
        let rounds = 20_000;
        for _ in 0..rounds {
            for list in sampler.sample(&mut rng) {
                for u in list {
                    units += 1.0;
                    length += u.end - u.start;
                    x += f64::from(u32::from(u.category == 0));
                }
            }
        }
        // |trunc(N(3, 1))| has mean ≈ 2.5 (truncation toward zero); two annotators.
        let per = units / rounds as f64 / 2.0;
        assert!((per - 2.5).abs() < 0.05, "{per}");
        // Lengths: N(9.17, 2.11) folded, mean ≈ 9.17.
        assert!(
            (length / units - 55.0 / 6.0).abs() < 0.1,
            "{}",
            length / units
        );
        // Labels: x 5 of 6.
        assert!((x / units - 5.0 / 6.0).abs() < 0.01, "{}", x / units);
    }
}
