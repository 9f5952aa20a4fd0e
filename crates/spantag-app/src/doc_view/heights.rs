//! Block heights: a Fenwick tree of measured or estimated heights, and laying out
//! (measuring) a block.

use std::sync::Arc;

use egui::Galley;

use super::DocView;
use spantag_core::document::Document;

/// Heights of all blocks with prefix sums (a Fenwick tree, sums in f64 for precision).
#[derive(Debug, Default)]
pub(super) struct Heights {
    pub(super) values: Vec<f32>,
    tree: Vec<f64>,
}

impl Heights {
    pub(super) fn reset(&mut self, values: Vec<f32>) {
        let n = values.len();
        let mut tree = vec![0.0f64; n + 1];
        for (i, v) in values.iter().enumerate() {
            tree[i + 1] += f64::from(*v);
            let parent = (i + 1) + ((i + 1) & (i + 1).wrapping_neg());
            if parent <= n {
                tree[parent] += tree[i + 1];
            }
        }
        self.values = values;
        self.tree = tree;
    }

    pub(super) fn len(&self) -> usize {
        self.values.len()
    }

    pub(super) fn set(&mut self, i: usize, value: f32) {
        let delta = f64::from(value - self.values[i]);
        if delta == 0.0 {
            return;
        }
        self.values[i] = value;
        let mut k = i + 1;
        while k < self.tree.len() {
            self.tree[k] += delta;
            k += k & k.wrapping_neg();
        }
    }

    /// Sum of the heights of blocks `0..i`.
    pub(super) fn prefix(&self, i: usize) -> f64 {
        let mut sum = 0.0;
        let mut k = i.min(self.values.len());
        while k > 0 {
            sum += self.tree[k];
            k -= k & k.wrapping_neg();
        }
        sum
    }

    pub(super) fn total(&self) -> f64 {
        self.prefix(self.values.len())
    }

    /// The block containing height `y` (clamped to the last block).
    pub(super) fn find(&self, y: f64) -> usize {
        let n = self.values.len();
        if n == 0 {
            return 0;
        }
        let mut pos = 0;
        let mut remaining = y;
        let mut step = n.next_power_of_two();
        while step > 0 {
            let next = pos + step;
            if next <= n && self.tree[next] <= remaining {
                pos = next;
                remaining -= self.tree[next];
            }
            step /= 2;
        }
        pos.min(n - 1)
    }
}

impl DocView {
    /// The laid-out block `i` (from the cache, or laid out now with the last frame's
    /// parameters).
    pub(super) fn galley(
        &mut self,
        ctx: &egui::Context,
        doc: &Document,
        i: usize,
    ) -> Option<Arc<Galley>> {
        if let Some(galley) = self.galleys.get(&i) {
            return Some(galley.clone());
        }
        let params = self.params.as_ref()?;
        if i >= doc.blocks().len() {
            return None;
        }
        let text = doc.block_text(i).to_owned();
        let mut job = egui::text::LayoutJob::single_section(
            text,
            egui::TextFormat {
                font_id: params.font.clone(),
                color: params.color,
                line_height: Some(params.line_h),
                ..Default::default()
            },
        );
        job.wrap.max_width = params.col_width;
        let galley = ctx.fonts_mut(|f| f.layout_job(job));
        self.galleys.insert(i, galley.clone());
        Some(galley)
    }

    /// Lays out block `i` and records its real height.
    pub(super) fn measure(&mut self, ctx: &egui::Context, doc: &Document, i: usize) -> f32 {
        let line_h = self.params.as_ref().map_or(1.0, |p| p.line_h);
        match self.galley(ctx, doc, i) {
            Some(galley) => {
                let h = block_height(&galley, line_h);
                self.heights.set(i, h);
                h
            }
            None => self.heights.values.get(i).copied().unwrap_or(0.0),
        }
    }
}

/// Blank lines take half a line: paragraphs stay apart without wasting the screen.
pub(super) fn empty_block_height(line_h: f32) -> f32 {
    (line_h * 0.5).round()
}

/// The height a laid-out block takes on screen.
pub(super) fn block_height(galley: &Galley, line_h: f32) -> f32 {
    if galley.job.text.is_empty() {
        empty_block_height(line_h)
    } else {
        galley.rect.height().max(line_h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenwick_prefix_and_find() {
        let mut h = Heights::default();
        h.reset(vec![10.0, 20.0, 30.0, 40.0, 50.0]);
        assert_eq!(h.prefix(0), 0.0);
        assert_eq!(h.prefix(3), 60.0);
        assert_eq!(h.total(), 150.0);
        assert_eq!(h.find(0.0), 0);
        assert_eq!(h.find(9.9), 0);
        assert_eq!(h.find(10.0), 1);
        assert_eq!(h.find(59.0), 2);
        assert_eq!(h.find(1e9), 4);
        h.set(1, 25.0);
        assert_eq!(h.prefix(3), 65.0);
        assert_eq!(h.find(34.0), 1);
        assert_eq!(h.find(35.0), 2);
    }
}
