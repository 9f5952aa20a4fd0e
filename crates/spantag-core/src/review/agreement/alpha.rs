//! Krippendorff's alpha for nominal data, any number of annotators, missing values allowed.
//!
//! With `m_u` values in unit `u` (units with fewer than two values are not pairable and are
//! left out), the coincidence matrix counts every ordered pair of values from different
//! annotators within a unit, weighted 1 / (m_u − 1):
//!
//! - o_ck = Σ_u (pairs (c, k) in u) / (m_u − 1); n_c = Σ_k o_ck; n = Σ_c n_c
//! - D_o ∝ Σ_{c≠k} o_ck, D_e ∝ Σ_{c≠k} n_c n_k / (n − 1)
//! - α = 1 − D_o / D_e = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k
//!
//! Σ_{c≠k} o_ck = Σ_u (m_u² − Σ_c n_uc²) / (m_u − 1), where n_uc counts value `c` in unit
//! `u`; it is kept as an integer numerator per `m_u`, so counts add up exactly across
//! documents. Undefined (`None`) with fewer than two pairable values or when every value is
//! the same category (Σ_{c≠k} n_c n_k = 0).

/// The counts Krippendorff's alpha needs; additive across documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlphaCounts {
    /// Pairable values per category (n_c, integers: each unit gives each of its values once).
    pub totals: Vec<u64>,
    /// For units with `m` values: Σ_u (m² − Σ_c n_uc²), indexed by `m`.
    pub disagreeing: Vec<u64>,
}

impl AlphaCounts {
    /// Adds one unit: one value (category id) or `None` per annotator.
    pub fn add_unit(&mut self, values: &[Option<usize>]) {
        let present: Vec<usize> = values.iter().flatten().copied().collect();
        self.add_values(&present);
    }

    /// Adds one unit from the values it has (no missing ones).
    pub fn add_values(&mut self, values: &[usize]) {
        let m = values.len();
        if m < 2 {
            return;
        }
        let mut counts: Vec<(usize, u64)> = Vec::with_capacity(m);
        for &v in values {
            match counts.iter_mut().find(|c| c.0 == v) {
                Some(c) => c.1 += 1,
                None => counts.push((v, 1)),
            }
        }
        let squares: u64 = counts.iter().map(|c| c.1 * c.1).sum();
        if self.disagreeing.len() <= m {
            self.disagreeing.resize(m + 1, 0);
        }
        self.disagreeing[m] += (m as u64) * (m as u64) - squares;
        for (v, n) in counts {
            if self.totals.len() <= v {
                self.totals.resize(v + 1, 0);
            }
            self.totals[v] += n;
        }
    }

    /// Adds another set of counts (another document).
    pub fn merge(&mut self, other: &Self) {
        for (slot, list) in [
            (&mut self.totals, &other.totals),
            (&mut self.disagreeing, &other.disagreeing),
        ] {
            if slot.len() < list.len() {
                slot.resize(list.len(), 0);
            }
            for (a, b) in slot.iter_mut().zip(list) {
                *a += b;
            }
        }
    }

    /// Krippendorff's alpha (nominal), `None` where undefined.
    pub fn alpha(&self) -> Option<f64> {
        let n: u64 = self.totals.iter().sum();
        if n < 2 {
            return None;
        }
        let squares: u64 = self.totals.iter().map(|&c| c * c).sum();
        let expected = (n * n - squares) as f64;
        if expected == 0.0 {
            return None;
        }
        let observed: f64 = self
            .disagreeing
            .iter()
            .enumerate()
            .skip(2)
            .map(|(m, &d)| d as f64 / (m as f64 - 1.0))
            .sum();
        Some(1.0 - (n as f64 - 1.0) * observed / expected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64, tol: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() <= tol)
    }

    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: nominal
    /// data, 4 observers, 12 units, missing values. Published: α = 0.743.
    #[test]
    fn krippendorff_2011_nominal_example() {
        let a = [1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0];
        let b = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3];
        let c = [0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0];
        let d = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0];
        let value = |v: usize| (v != 0).then_some(v); // 0 = missing in the table above
        let mut counts = AlphaCounts::default();
        for u in 0..12 {
            counts.add_unit(&[value(a[u]), value(b[u]), value(c[u]), value(d[u])]);
        }
        assert_eq!(counts.totals.iter().sum::<u64>(), 40, "40 pairable values");
        assert!(close(counts.alpha(), 0.743, 0.0005), "{:?}", counts.alpha());
    }

    /// By hand, 2 annotators, 4 units: (0,0), (0,1), (1,1), (1,1).
    /// n_0 = 3, n_1 = 5, n = 8; Σ_{c≠k} o_ck = 2 (unit 2 gives (0,1) and (1,0), weight 1).
    /// Σ_{c≠k} n_c n_k = 2 · 3 · 5 = 30. α = 1 − 7 · 2 / 30 = 16/30.
    /// Three annotators, all agree on two categories: α = 1.
    #[test]
    fn alpha_by_hand_and_undefined_cases() {
        let mut two = AlphaCounts::default();
        for unit in [[0, 0], [0, 1], [1, 1], [1, 1]] {
            two.add_values(&unit);
        }
        assert!(close(two.alpha(), 16.0 / 30.0, 1e-12), "{:?}", two.alpha());
        let mut three = AlphaCounts::default();
        three.add_values(&[0, 0, 0]);
        three.add_values(&[2, 2, 2]);
        assert!(close(three.alpha(), 1.0, 1e-12));
        // Pooling documents is adding counts.
        let mut pooled = AlphaCounts::default();
        let mut other = AlphaCounts::default();
        pooled.add_values(&[0, 0]);
        pooled.add_values(&[0, 1]);
        other.add_values(&[1, 1]);
        other.add_values(&[1, 1]);
        pooled.merge(&other);
        assert_eq!(pooled.alpha(), two.alpha());
        assert_eq!(AlphaCounts::default().alpha(), None);
        let mut one_category = AlphaCounts::default();
        one_category.add_values(&[0, 0, 0]);
        assert_eq!(one_category.alpha(), None);
        let mut lonely = AlphaCounts::default();
        lonely.add_unit(&[Some(1), None]);
        assert_eq!(lonely.alpha(), None, "a single value is not pairable");
    }
}
