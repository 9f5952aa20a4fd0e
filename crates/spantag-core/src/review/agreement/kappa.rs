//! Cohen's kappa (two annotators) and Fleiss' kappa (any number), over categorical ratings
//! of the same items. Counts are kept as integers and are additive, so documents pool by
//! adding their counts (micro).

/// The counts Cohen's kappa needs for one pair of annotators: how many items, how many got
/// the same category from both, and each annotator's category totals.
///
/// With `N` items, `p_o` = agreeing items / `N` and `p_e` = Σ_k (a_k / N)(b_k / N), where
/// `a_k`, `b_k` count the items each annotator put in category `k`:
///
/// κ = (p_o − p_e) / (1 − p_e)
///
/// It is undefined (`None`) without items, or when `p_e` = 1 (both annotators used one and
/// the same category for everything).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CohenCounts {
    /// Items rated by both.
    pub items: u64,
    /// Items both put in the same category.
    pub agreed: u64,
    /// Category totals of the first annotator (indexed by category id).
    pub a: Vec<u64>,
    /// Category totals of the second annotator.
    pub b: Vec<u64>,
}

fn bump(totals: &mut Vec<u64>, category: usize, by: u64) {
    if totals.len() <= category {
        totals.resize(category + 1, 0);
    }
    totals[category] += by;
}

impl CohenCounts {
    /// Adds one item: the first annotator said `a`, the second `b` (category ids).
    pub fn add(&mut self, a: usize, b: usize) {
        self.add_many(a, b, 1);
    }

    /// Adds `count` items rated (`a`, `b`).
    pub fn add_many(&mut self, a: usize, b: usize, count: u64) {
        self.items += count;
        if a == b {
            self.agreed += count;
        }
        bump(&mut self.a, a, count);
        bump(&mut self.b, b, count);
    }

    /// Adds another set of counts (another document).
    pub fn merge(&mut self, other: &Self) {
        self.items += other.items;
        self.agreed += other.agreed;
        for (k, &n) in other.a.iter().enumerate() {
            bump(&mut self.a, k, n);
        }
        for (k, &n) in other.b.iter().enumerate() {
            bump(&mut self.b, k, n);
        }
    }

    /// Cohen's kappa, `None` where undefined.
    pub fn kappa(&self) -> Option<f64> {
        if self.items == 0 {
            return None;
        }
        let n = self.items as f64;
        let p_o = self.agreed as f64 / n;
        let p_e: f64 = self
            .a
            .iter()
            .zip(&self.b)
            .map(|(&a, &b)| (a as f64 / n) * (b as f64 / n))
            .sum();
        // p_e is 1 only when both used one and the same category for every item.
        let single = self
            .a
            .iter()
            .zip(&self.b)
            .any(|(&x, &y)| x == self.items && y == self.items);
        if single || (1.0 - p_e).abs() < f64::EPSILON {
            return None;
        }
        Some((p_o - p_e) / (1.0 - p_e))
    }
}

/// The counts Fleiss' kappa needs: `N` items, each rated by the same number `n` of raters.
///
/// With `n_ij` the raters who put item `i` in category `j`:
///
/// - P_i = (Σ_j n_ij² − n) / (n(n − 1)), the agreement on item `i`; P̄ = (1/N) Σ_i P_i
/// - p_j = (1/(N n)) Σ_i n_ij, the share of category `j`; P̄_e = Σ_j p_j²
/// - κ = (P̄ − P̄_e) / (1 − P̄_e)
///
/// Kept as `N`, `n`, S = Σ_i Σ_j n_ij² and the category totals, so that P̄ = (S − N n) /
/// (N n (n − 1)) exactly. Undefined (`None`) without items, with fewer than two raters, when
/// items had different numbers of raters, or when P̄_e = 1 (one category only).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FleissCounts {
    /// Items.
    pub items: u64,
    /// Raters per item (0 before the first item).
    pub raters: u64,
    /// Whether items came with different numbers of raters.
    pub mixed: bool,
    /// Σ_i Σ_j n_ij².
    pub sum_squares: u64,
    /// Ratings per category over all items (indexed by category id).
    pub totals: Vec<u64>,
}

impl FleissCounts {
    /// Adds one item from its ratings (one category id per rater).
    pub fn add_ratings(&mut self, ratings: &[usize]) {
        let mut counts: Vec<(usize, u64)> = Vec::with_capacity(ratings.len());
        for &r in ratings {
            match counts.iter_mut().find(|c| c.0 == r) {
                Some(c) => c.1 += 1,
                None => counts.push((r, 1)),
            }
        }
        self.add_item(&counts);
    }

    /// Adds one item from its (category id, raters) counts.
    pub fn add_item(&mut self, counts: &[(usize, u64)]) {
        let n: u64 = counts.iter().map(|c| c.1).sum();
        if self.items == 0 && self.raters == 0 {
            self.raters = n;
        } else if n != self.raters {
            self.mixed = true;
        }
        self.items += 1;
        for &(category, count) in counts {
            self.sum_squares += count * count;
            bump(&mut self.totals, category, count);
        }
    }

    /// Adds another set of counts (another document).
    pub fn merge(&mut self, other: &Self) {
        if other.items == 0 {
            return;
        }
        if self.items == 0 {
            self.raters = other.raters;
        } else if other.raters != self.raters {
            self.mixed = true;
        }
        self.mixed |= other.mixed;
        self.items += other.items;
        self.sum_squares += other.sum_squares;
        for (k, &n) in other.totals.iter().enumerate() {
            bump(&mut self.totals, k, n);
        }
    }

    /// Fleiss' kappa, `None` where undefined.
    pub fn kappa(&self) -> Option<f64> {
        if self.items == 0 || self.raters < 2 || self.mixed {
            return None;
        }
        let big_n = self.items as f64;
        let n = self.raters as f64;
        let p_bar = (self.sum_squares as f64 - big_n * n) / (big_n * n * (n - 1.0));
        let ratings = big_n * n;
        if self.totals.iter().filter(|&&t| t > 0).count() < 2 {
            return None;
        }
        let p_e: f64 = self
            .totals
            .iter()
            .map(|&t| (t as f64 / ratings).powi(2))
            .sum();
        if (1.0 - p_e).abs() < f64::EPSILON {
            return None;
        }
        Some((p_bar - p_e) / (1.0 - p_e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64, tol: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() <= tol)
    }

    /// Wikipedia, "Cohen's kappa", worked example: 50 grant proposals read by A and B;
    /// both yes 20, A yes / B no 5, A no / B yes 10, both no 15. Published: p_o = 0.7,
    /// p_e = 0.5, κ = 0.4.
    #[test]
    fn cohen_textbook_example() {
        let mut c = CohenCounts::default();
        let (yes, no) = (0, 1);
        c.add_many(yes, yes, 20);
        c.add_many(yes, no, 5);
        c.add_many(no, yes, 10);
        c.add_many(no, no, 15);
        assert!(close(c.kappa(), 0.4, 1e-12), "{:?}", c.kappa());
    }

    /// By hand: 10 tokens, A = O O O O O O X X Y Y, B = O O O O O X X X Y O.
    /// Agreements: 5 O + 2 X + 1 Y = 8, p_o = 0.8.
    /// A totals O 6, X 2, Y 2; B totals O 6, X 3, Y 1.
    /// p_e = (36 + 6 + 2) / 100 = 0.44. κ = 0.36 / 0.56 = 0.642857…
    #[test]
    fn cohen_by_hand_and_undefined_cases() {
        let a = [0, 0, 0, 0, 0, 0, 1, 1, 2, 2];
        let b = [0, 0, 0, 0, 0, 1, 1, 1, 2, 0];
        let mut c = CohenCounts::default();
        for (x, y) in a.iter().zip(&b) {
            c.add(*x, *y);
        }
        assert!(close(c.kappa(), 0.36 / 0.56, 1e-12));
        // Split in two documents and pooled: the same.
        let mut first = CohenCounts::default();
        let mut second = CohenCounts::default();
        for (i, (x, y)) in a.iter().zip(&b).enumerate() {
            (if i < 4 { &mut first } else { &mut second }).add(*x, *y);
        }
        first.merge(&second);
        assert_eq!(first.kappa(), c.kappa());
        // Nothing rated, or everything `O` for both: undefined, not NaN.
        assert_eq!(CohenCounts::default().kappa(), None);
        let mut all_o = CohenCounts::default();
        all_o.add_many(0, 0, 7);
        assert_eq!(all_o.kappa(), None);
        // Total disagreement on two categories: κ = (0 − 0.5) / 0.5 = −1.
        let mut opposite = CohenCounts::default();
        opposite.add_many(0, 1, 5);
        opposite.add_many(1, 0, 5);
        assert!(close(opposite.kappa(), -1.0, 1e-12));
    }

    /// Fleiss (1971) as worked on Wikipedia ("Fleiss' kappa", worked example): 10 subjects,
    /// 14 raters, 5 categories. Published: P̄ = 0.378, P̄_e = 0.213, κ = 0.210.
    #[test]
    fn fleiss_published_example() {
        let table: [[u64; 5]; 10] = [
            [0, 0, 0, 0, 14],
            [0, 2, 6, 4, 2],
            [0, 0, 3, 5, 6],
            [0, 3, 9, 2, 0],
            [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0],
            [3, 2, 6, 3, 0],
            [2, 5, 3, 2, 2],
            [6, 5, 2, 1, 0],
            [0, 2, 2, 3, 7],
        ];
        let mut f = FleissCounts::default();
        for row in table {
            let counts: Vec<(usize, u64)> = row.iter().copied().enumerate().collect();
            f.add_item(&counts);
        }
        assert!(close(f.kappa(), 0.210, 0.0005), "{:?}", f.kappa());
    }

    /// By hand, 3 raters, 4 items: (A A A), (A A B), (B B B), (A B C).
    /// Σ n_ij² per item: 9, 5, 9, 3 → S = 26; P̄ = (26 − 12) / (4·3·2) = 14/24.
    /// Totals A 6, B 5, C 1 of 12: P̄_e = (36 + 25 + 1) / 144 = 62/144.
    /// κ = (14/24 − 62/144) / (1 − 62/144) = (84 − 62) / (144 − 62) = 22/82.
    #[test]
    fn fleiss_by_hand_with_ratings_and_undefined_cases() {
        let mut f = FleissCounts::default();
        for item in [[0, 0, 0], [0, 0, 1], [1, 1, 1], [0, 1, 2]] {
            f.add_ratings(&item);
        }
        assert!(close(f.kappa(), 22.0 / 82.0, 1e-12), "{:?}", f.kappa());
        assert_eq!(FleissCounts::default().kappa(), None);
        let mut one_category = FleissCounts::default();
        one_category.add_ratings(&[3, 3, 3]);
        one_category.add_ratings(&[3, 3, 3]);
        assert_eq!(one_category.kappa(), None);
        let mut mixed = FleissCounts::default();
        mixed.add_ratings(&[0, 1]);
        mixed.add_ratings(&[0, 1, 1]);
        assert_eq!(mixed.kappa(), None);
        // Two raters: Fleiss' kappa is Scott's pi. A = (0 0 1 1), B = (0 1 1 1):
        // P̄ = 3/4 agreeing items; totals 0: 3, 1: 5 of 8 → P̄_e = (9 + 25)/64 = 34/64;
        // κ = (48/64 − 34/64) / (30/64) = 14/30.
        let mut two = FleissCounts::default();
        for item in [[0, 0], [0, 1], [1, 1], [1, 1]] {
            two.add_ratings(&item);
        }
        assert!(close(two.kappa(), 14.0 / 30.0, 1e-12));
    }
}
