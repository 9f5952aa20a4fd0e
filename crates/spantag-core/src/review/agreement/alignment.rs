//! The best alignment of a continuum, for Mathet et al.'s γ ([`super::gamma`]).
//!
//! A *unitary alignment* takes at most one unit from each of the `n` annotators (a missing
//! one is the empty unit ∅). Its disorder is the mean dissimilarity over its C(n, 2) pairs of
//! annotators, a pair with ∅ in it costing Δ∅ (pygamma's convention, also for ∅ with ∅). An
//! *alignment* puts every unit in exactly one unitary alignment; the best alignment has the
//! least total disorder. pygamma finds it with a mixed integer program over every unitary
//! alignment whose disorder is at most n·Δ∅, listing all p₁·p₂·…·pₙ of them first; here it
//! is found exactly as follows.
//!
//! 1. **Which unitary alignments can be in a best alignment.** A unitary alignment of `k`
//!    units that costs more than the same units in `k` alignments of their own (Δ∅ each) is
//!    in no best alignment (Mathet et al. 2015, §5.1.1): Σ of its pair dissimilarities must
//!    be ≤ k·C(n,2)·Δ∅. Nor is one from which taking a unit `w` out (into an alignment of its
//!    own) would lower the total: for each unit w, Σ_x d(w, x) ≤ (C(n,2) + k − 1)·Δ∅ over the
//!    other units x. So every pair of units in a useful unitary alignment has
//!    d ≤ (C(n,2) + n − 1)·Δ∅ (5 for three annotators). Any alignment that breaks one of these
//!    can be strictly improved, so every best alignment keeps to them.
//! 2. **Independent parts.** Units joined by a pair with d within that bound (found with a
//!    scan of the units by start: d_pos ≤ B needs |Δstart| ≤ √B·(len₁ + len₂)) form connected
//!    parts; no useful unitary alignment crosses two parts, so each part is solved alone.
//!    On text, parts are the few units around one place, whatever the document's length.
//! 3. **Each part: an exact dynamic program.** The part's useful unitary alignments are
//!    listed (a depth-first walk over annotators, every pair of chosen units within the
//!    bound). Units are taken in order of start; the state before unit `i` is the set of
//!    later units already covered (a bit mask relative to `i`: a unitary alignment's units
//!    are near each other in this order). Unit `i`, if not covered yet, is covered by a
//!    unitary alignment whose first unit it is and that covers no covered unit; states that
//!    cover the same units keep the cheaper. This is exact: it is the set partition problem
//!    pygamma's solver answers, solved over every state instead of by a general solver.
//!
//! The program is exact unless a part is so tangled (many annotators, many mutually
//! overlapping units) that a step has more than the beam's number of states (the cheapest
//! are kept; the beam is 4,096 states, narrower in a part of more than 512 units so that a
//! part never keeps more than [`STATE_BUDGET`]), a unitary alignment reaches more than 128
//! units ahead in start order (it is left out: one span over a whole text against many small
//! ones), or the part lists more than [`CANDIDATE_LIMIT`] unitary alignments; then the
//! part keeps the best partition found, which is still an alignment (so the observed
//! disorder is an upper bound and γ a lower bound), and the alignment says it is not exact.
//! Documents of real annotations are solved exactly (parts of a few dozen units); the
//! random continua of dense documents can exceed the beam, which `exact` reports.

use std::collections::HashMap;

/// Δ∅: the cost of a unit against the empty unit.
pub const DELTA_EMPTY: f64 = 1.0;
/// α: the weight of the positional dissimilarity.
pub const ALPHA: f64 = 1.0;
/// β: the weight of the categorical dissimilarity.
pub const BETA: f64 = 1.0;
/// Unitary alignments listed per part, at most.
pub const CANDIDATE_LIMIT: usize = 500_000;
/// States kept per step of a part's dynamic program, at most (by default).
pub const BEAM: usize = 4096;
/// States kept over all the steps of one part, at most: a part of many units gets a narrower
/// beam, so that memory stays bounded (about 100 MB) however tangled it is.
pub const STATE_BUDGET: usize = 1 << 21;

/// A unit on the continuum: `[start, end)` with a category.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unit {
    /// Start.
    pub start: f64,
    /// End (after start).
    pub end: f64,
    /// Category id.
    pub category: u32,
}

impl Unit {
    fn len(&self) -> f64 {
        self.end - self.start
    }
}

/// d(u, v) = α · ((|Δstart| + |Δend|) / (len_u + len_v))² · Δ∅ + β · [categories differ] · Δ∅
/// (pygamma's combined categorical dissimilarity with its positional-sporadic and absolute
/// categorical parts).
pub fn dissimilarity(u: &Unit, v: &Unit) -> f64 {
    let pos = ((u.start - v.start).abs() + (u.end - v.end).abs()) / (u.len() + v.len());
    let cat = if u.category == v.category { 0.0 } else { 1.0 };
    ALPHA * pos * pos * DELTA_EMPTY + BETA * cat * DELTA_EMPTY
}

/// A unit of the continuum: its annotator and its index in that annotator's list.
pub type UnitRef = (usize, usize);

/// An alignment: every unit in one unitary alignment.
#[derive(Debug, Clone, PartialEq)]
pub struct Alignment {
    /// Each unitary alignment's units (∅ left out), with its disorder.
    pub unitary: Vec<(Vec<UnitRef>, f64)>,
    /// Σ of the unitary alignments' disorders.
    pub total: f64,
    /// Whether it is proven the least; false when a part was cut short.
    pub exact: bool,
}

fn pairs(n: usize) -> f64 {
    (n * (n - 1) / 2) as f64
}

/// The disorder of a unitary alignment of `units` among `n` annotators: the mean over the
/// C(n, 2) pairs, Δ∅ for a pair with ∅.
pub fn unitary_disorder(n: usize, units: &[&Unit]) -> f64 {
    let k = units.len();
    let mut sum = (pairs(n) - pairs(k)) * DELTA_EMPTY;
    for (i, u) in units.iter().enumerate() {
        for v in &units[i + 1..] {
            sum += dissimilarity(u, v);
        }
    }
    sum / pairs(n)
}

/// Union-find over the units.
struct Parts(Vec<usize>);

impl Parts {
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }
    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.0[a.max(b)] = a.min(b);
        }
    }
}

/// The best alignment of the annotators' units (each list one annotator's), with the default
/// beam.
pub fn best_alignment(annotators: &[Vec<Unit>]) -> Alignment {
    best_alignment_within(annotators, BEAM)
}

/// [`best_alignment`] keeping at most `beam` states per step of a part.
pub fn best_alignment_within(annotators: &[Vec<Unit>], beam: usize) -> Alignment {
    let n = annotators.len();
    let all: Vec<UnitRef> = annotators
        .iter()
        .enumerate()
        .flat_map(|(a, units)| (0..units.len()).map(move |i| (a, i)))
        .collect();
    let unit = |r: UnitRef| &annotators[r.0][r.1];
    let mut out = Alignment {
        unitary: Vec::new(),
        total: 0.0,
        exact: true,
    };
    if n < 2 {
        // No pair to disagree (pygamma refuses fewer than two annotators).
        return out;
    }
    // Step 2: join units that a useful unitary alignment could hold together.
    let bound = (pairs(n) + n as f64 - 1.0) * DELTA_EMPTY;
    let reach = (bound / (ALPHA * DELTA_EMPTY)).sqrt();
    let mut order: Vec<usize> = (0..all.len()).collect();
    let by_start = |x: &usize, y: &usize| {
        let (u, v) = (unit(all[*x]), unit(all[*y]));
        u.start
            .total_cmp(&v.start)
            .then(u.end.total_cmp(&v.end))
            .then(all[*x].cmp(&all[*y]))
    };
    order.sort_by(by_start);
    let longest = all.iter().map(|&r| unit(r).len()).fold(0.0, f64::max);
    let mut parts = Parts((0..all.len()).collect());
    for (i, &x) in order.iter().enumerate() {
        let u = unit(all[x]);
        let limit = u.start + reach * (u.len() + longest);
        for &y in &order[i + 1..] {
            let v = unit(all[y]);
            if v.start > limit {
                break;
            }
            if all[x].0 != all[y].0 && dissimilarity(u, v) <= bound {
                parts.join(x, y);
            }
        }
    }
    let mut by_part: HashMap<usize, Vec<usize>> = HashMap::new();
    for &x in &order {
        let root = parts.find(x);
        by_part.entry(root).or_default().push(x);
    }
    let mut roots: Vec<usize> = by_part.keys().copied().collect();
    roots.sort_unstable();
    for root in roots {
        let members: Vec<UnitRef> = by_part[&root].iter().map(|&x| all[x]).collect();
        if let [alone] = members[..] {
            // A unit with no possible partner is a unitary alignment of its own.
            out.total += DELTA_EMPTY;
            out.unitary.push((vec![alone], DELTA_EMPTY));
            continue;
        }
        let part = solve_part(annotators, &members, bound, beam);
        out.exact &= part.exact;
        out.total += part.total;
        out.unitary.extend(part.unitary);
    }
    out
}

/// A unitary alignment of a part: its units (indices into the part's members, ascending) and
/// disorder.
struct Candidate {
    units: Vec<usize>,
    disorder: f64,
}

/// A state of the dynamic program before some unit: the later units covered (bit j: the
/// unit j places ahead), the cost so far, and how it was reached.
#[derive(Clone, Copy)]
struct State {
    covered: u128,
    cost: f64,
    parent: usize,
    chosen: Option<usize>,
}

/// Step 3 for one part: `members` sorted by start.
fn solve_part(annotators: &[Vec<Unit>], members: &[UnitRef], bound: f64, beam: usize) -> Alignment {
    let (candidates, mut exact) = candidates(annotators, members, bound);
    let m = members.len();
    let beam = beam.min((STATE_BUDGET / m.max(1)).max(64));
    // The unitary alignments whose first unit is i, with their units as a mask from i.
    let mut starting: Vec<Vec<(usize, u128)>> = vec![Vec::new(); m];
    for (c, cand) in candidates.iter().enumerate() {
        let first = cand.units[0];
        let mut mask = 0u128;
        for &u in &cand.units {
            if u - first >= 128 {
                exact = false; // too far apart to follow; the units stay in other alignments
                mask = 0;
                break;
            }
            mask |= 1 << (u - first);
        }
        if mask != 0 {
            starting[first].push((c, mask));
        }
    }
    let mut layers: Vec<Vec<State>> = Vec::with_capacity(m + 1);
    layers.push(vec![State {
        covered: 0,
        cost: 0.0,
        parent: usize::MAX,
        chosen: None,
    }]);
    let mut index: HashMap<u128, usize> = HashMap::new();
    for i in 0..m {
        let mut next: Vec<State> = Vec::new();
        index.clear();
        // Few states: a linear search; many: the index.
        let mut relax = |next: &mut Vec<State>, state: State| {
            let found = if next.len() <= 16 && index.is_empty() {
                next.iter().position(|s| s.covered == state.covered)
            } else {
                if index.is_empty() {
                    index.extend(next.iter().enumerate().map(|(at, s)| (s.covered, at)));
                }
                index.get(&state.covered).copied()
            };
            match found {
                Some(at) => {
                    if state.cost < next[at].cost {
                        next[at] = state;
                    }
                }
                None => {
                    if !index.is_empty() {
                        index.insert(state.covered, next.len());
                    }
                    next.push(state);
                }
            }
        };
        for (s, state) in layers[i].iter().enumerate() {
            if state.covered & 1 == 1 {
                relax(
                    &mut next,
                    State {
                        covered: state.covered >> 1,
                        cost: state.cost,
                        parent: s,
                        chosen: None,
                    },
                );
                continue;
            }
            for &(c, mask) in &starting[i] {
                if mask & state.covered == 0 {
                    relax(
                        &mut next,
                        State {
                            covered: (state.covered | mask) >> 1,
                            cost: state.cost + candidates[c].disorder,
                            parent: s,
                            chosen: Some(c),
                        },
                    );
                }
            }
        }
        if next.len() > beam {
            next.sort_by(|a, b| a.cost.total_cmp(&b.cost).then(a.covered.cmp(&b.covered)));
            next.truncate(beam);
            exact = false;
        }
        layers.push(next);
    }
    // Every unit is covered at the end (a unit's own alignment is always there), so the last
    // step's states have nothing ahead; the cheapest wins.
    let mut chosen = Vec::new();
    let last = layers[m]
        .iter()
        .enumerate()
        .filter(|(_, s)| s.covered == 0)
        .min_by(|a, b| a.1.cost.total_cmp(&b.1.cost))
        .map(|(at, _)| at);
    let mut at = last;
    for i in (1..=m).rev() {
        let Some(here) = at else { break };
        let state = layers[i][here];
        if let Some(c) = state.chosen {
            chosen.push(c);
        }
        at = Some(state.parent);
    }
    chosen.reverse();
    let unitary = chosen
        .iter()
        .map(|&c| {
            let cand = &candidates[c];
            (
                cand.units.iter().map(|&u| members[u]).collect(),
                cand.disorder,
            )
        })
        .collect();
    let total = chosen.iter().map(|&c| candidates[c].disorder).sum();
    Alignment {
        unitary,
        total,
        exact,
    }
}

/// The part's useful unitary alignments (step 1), every single unit among them; and
/// whether the list is complete (not cut at [`CANDIDATE_LIMIT`]).
fn candidates(annotators: &[Vec<Unit>], members: &[UnitRef], bound: f64) -> (Vec<Candidate>, bool) {
    let n = annotators.len();
    let unit = |m: usize| &annotators[members[m].0][members[m].1];
    let mut by_annotator: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (m, r) in members.iter().enumerate() {
        by_annotator[r.0].push(m);
    }
    let mut out: Vec<Candidate> = (0..members.len())
        .map(|m| Candidate {
            units: vec![m],
            disorder: DELTA_EMPTY,
        })
        .collect();
    let c2n = pairs(n);
    let mut complete = true;
    // Depth-first over annotators: the units chosen so far and the dissimilarity of each to
    // the others.
    let mut stack: Vec<(usize, Vec<usize>, Vec<f64>)> = vec![(0, Vec::new(), Vec::new())];
    while let Some((a, chosen, sums)) = stack.pop() {
        if a == n {
            let k = chosen.len();
            if k < 2 {
                continue;
            }
            let total = sums.iter().sum::<f64>() / 2.0 + (c2n - pairs(k)) * DELTA_EMPTY;
            let alone = (c2n + k as f64 - 1.0) * DELTA_EMPTY;
            if total <= k as f64 * c2n * DELTA_EMPTY && sums.iter().all(|&s| s <= alone) {
                let mut units = chosen;
                units.sort_unstable();
                out.push(Candidate {
                    units,
                    disorder: total / c2n,
                });
                if out.len() > CANDIDATE_LIMIT {
                    complete = false;
                    break;
                }
            }
            continue;
        }
        for &m in by_annotator[a].iter().rev() {
            let mut next_sums = sums.clone();
            let mut own = 0.0;
            let mut fits = true;
            for (j, &c) in chosen.iter().enumerate() {
                let d = dissimilarity(unit(c), unit(m));
                next_sums[j] += d;
                own += d;
                if d > bound || next_sums[j] > bound {
                    fits = false;
                    break;
                }
            }
            if fits && own <= bound {
                let mut next = chosen.clone();
                next.push(m);
                next_sums.push(own);
                stack.push((a + 1, next, next_sums));
            }
        }
        // ∅ for annotator a (popped first: the walk is depth-first either way).
        stack.push((a + 1, chosen, sums));
    }
    (out, complete)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(start: f64, end: f64, category: u32) -> Unit {
        Unit {
            start,
            end,
            category,
        }
    }

    /// The least total disorder by brute force: every way to put the units in unitary
    /// alignments (no pruning, no parts).
    fn brute_force(annotators: &[Vec<Unit>]) -> f64 {
        let n = annotators.len();
        let all: Vec<UnitRef> = annotators
            .iter()
            .enumerate()
            .flat_map(|(a, units)| (0..units.len()).map(move |i| (a, i)))
            .collect();
        fn go(annotators: &[Vec<Unit>], all: &[UnitRef], used: &mut Vec<bool>, n: usize) -> f64 {
            let Some(first) = (0..all.len()).find(|&i| !used[i]) else {
                return 0.0;
            };
            used[first] = true;
            let mut best = f64::INFINITY;
            // Every choice of one unit (or none) from each other annotator, among the unused.
            let others: Vec<usize> = (0..n).filter(|&a| a != all[first].0).collect();
            let mut pick = vec![None; others.len()];
            loop {
                let mut members = vec![first];
                members.extend(pick.iter().flatten().copied());
                let units: Vec<&Unit> = members
                    .iter()
                    .map(|&i| &annotators[all[i].0][all[i].1])
                    .collect();
                let cost = unitary_disorder(n, &units);
                for &i in &members[1..] {
                    used[i] = true;
                }
                best = best.min(cost + go(annotators, all, used, n));
                for &i in &members[1..] {
                    used[i] = false;
                }
                // Next combination.
                let mut k = 0;
                loop {
                    if k == others.len() {
                        used[first] = false;
                        return best;
                    }
                    let choices: Vec<usize> = (0..all.len())
                        .filter(|&i| all[i].0 == others[k] && !used[i])
                        .collect();
                    let next = match pick[k] {
                        None => choices.first().copied(),
                        Some(cur) => choices.iter().copied().find(|&i| i > cur),
                    };
                    pick[k] = next;
                    if next.is_some() {
                        break;
                    }
                    k += 1;
                }
            }
        }
        go(annotators, &all, &mut vec![false; all.len()], n)
    }

    #[test]
    fn dissimilarity_is_pygammas_combined_one() {
        // Same place, other category: 1; half-shifted: ((5 + 5) / 20)² = 0.25.
        assert_eq!(dissimilarity(&unit(0.0, 10.0, 0), &unit(0.0, 10.0, 1)), 1.0);
        assert_eq!(
            dissimilarity(&unit(0.0, 10.0, 0), &unit(5.0, 15.0, 0)),
            0.25
        );
        assert_eq!(
            dissimilarity(&unit(0.0, 10.0, 0), &unit(5.0, 15.0, 1)),
            1.25
        );
        // Mean over the three pairs of three annotators, ∅ costing Δ∅.
        let u = unit(0.0, 10.0, 0);
        assert_eq!(unitary_disorder(3, &[&u]), 1.0);
        assert_eq!(unitary_disorder(3, &[&u, &u]), 2.0 / 3.0);
        assert_eq!(unitary_disorder(3, &[&u, &u, &u]), 0.0);
    }

    #[test]
    fn perfect_agreement_is_zero_disorder_and_strangers_are_alone() {
        let a = vec![unit(0.0, 10.0, 0), unit(20.0, 30.0, 1)];
        let best = best_alignment(&[a.clone(), a.clone(), a]);
        assert_eq!(best.total, 0.0);
        assert_eq!(best.unitary.len(), 2);
        assert!(best.exact);
        // Far apart: each unit alone, Δ∅ each.
        let best = best_alignment(&[vec![unit(0.0, 10.0, 0)], vec![unit(500.0, 510.0, 0)]]);
        assert_eq!(best.total, 2.0);
        assert_eq!(best.unitary.len(), 2);
    }

    /// The exact search against brute force on many small random continua (2–3
    /// annotators, up to 3 units each, two categories, overlapping freely).
    #[test]
    fn best_alignment_matches_brute_force() {
        let mut state = 7u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % n
        };
        for round in 0..400 {
            let n = 2 + (round % 2);
            let annotators: Vec<Vec<Unit>> = (0..n)
                .map(|_| {
                    (0..next(4))
                        .map(|_| {
                            let start = next(40) as f64;
                            let len = 1 + next(15);
                            unit(start, start + len as f64, next(2) as u32)
                        })
                        .collect()
                })
                .collect();
            let best = best_alignment(&annotators);
            let expected = brute_force(&annotators);
            assert!(best.exact);
            assert!(
                (best.total - expected).abs() < 1e-9,
                "round {round}: {} vs brute force {expected} for {annotators:?}",
                best.total
            );
            // Every unit exactly once, and the total is the sum of the parts.
            let mut seen: Vec<UnitRef> = best.unitary.iter().flat_map(|u| u.0.clone()).collect();
            seen.sort_unstable();
            let units: usize = annotators.iter().map(Vec::len).sum();
            assert_eq!(seen.len(), units);
            seen.dedup();
            assert_eq!(seen.len(), units);
            let sum: f64 = best.unitary.iter().map(|u| u.1).sum();
            assert!((sum - best.total).abs() < 1e-9);
        }
    }

    /// With a beam of one state per step the program keeps a cheapest-first path: never
    /// better than the best, still an alignment, and marked inexact; on some continua it is
    /// worse (so the beam matters and `exact` is needed).
    #[test]
    fn a_narrow_beam_keeps_an_upper_bound() {
        let mut state = 11u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % n
        };
        let mut worse = 0;
        for _ in 0..200 {
            let annotators: Vec<Vec<Unit>> = (0..3)
                .map(|_| {
                    (0..6)
                        .map(|_| {
                            let start = next(60) as f64;
                            unit(start, start + (3 + next(12)) as f64, next(2) as u32)
                        })
                        .collect()
                })
                .collect();
            let best = best_alignment(&annotators);
            let cut = best_alignment_within(&annotators, 1);
            assert!(best.exact);
            assert!(
                cut.total >= best.total - 1e-9,
                "{} < {}",
                cut.total,
                best.total
            );
            if cut.total > best.total + 1e-9 {
                worse += 1;
                assert!(!cut.exact);
            }
            let mut seen: Vec<UnitRef> = cut.unitary.iter().flat_map(|u| u.0.clone()).collect();
            seen.sort_unstable();
            seen.dedup();
            assert_eq!(seen.len(), 18, "still an alignment");
        }
        assert!(worse > 0, "a beam of one never lost anything here");
    }

    /// One annotator's span over the whole text against two others' 300 small spans: one
    /// part of 601 units, in which the long span's alignments reach past the 128 units the
    /// program follows. It still gives an alignment (every unit once) and says it is not
    /// proven the best. (With 3,000 small spans the same holds, and the narrower beam of so
    /// large a part is cut too.)
    #[test]
    fn a_span_over_everything_still_gives_an_alignment() {
        let small = |shift: f64| -> Vec<Unit> {
            (0..300)
                .map(|i| {
                    let s = 30.0 * i as f64 + shift;
                    unit(s, s + 10.0, (i % 2) as u32)
                })
                .collect()
        };
        let annotators = [vec![unit(0.0, 9_000.0, 0)], small(0.0), small(3.0)];
        let best = best_alignment(&annotators);
        assert!(!best.exact);
        let mut seen: Vec<UnitRef> = best.unitary.iter().flat_map(|u| u.0.clone()).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 601);
        // The small spans pair up (d = (6/20)² each); the long one joins one pair.
        assert!(
            best.total < 1.0 + 300.0 * (0.09 + 2.0) / 3.0,
            "{}",
            best.total
        );
    }
}
