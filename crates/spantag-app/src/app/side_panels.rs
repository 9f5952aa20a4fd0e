//! The side panels: the labels panel (palette, span details, orphans) on the left and the
//! span list on the right. Both are resizable and can be hidden; their widths are remembered
//! in the settings, and in a narrow window they give way first, so that the document keeps
//! at least 60% of the width.

use super::SpantagApp;
use crate::panels;

/// The share of the window's width the side panels may take together.
const PANELS_SHARE: f32 = 0.4;

impl SpantagApp {
    /// The labels panel and the span list: resizable, collapsible, their widths remembered,
    /// and giving way first when the window is narrow (the document keeps 60% of it).
    pub(super) fn side_panels(&mut self, ui: &mut egui::Ui) {
        let area = ui.max_rect();
        let shown = (
            self.settings.show_left_panel,
            self.settings.show_right_panel,
        );
        let wanted_left = if shown.0 {
            self.settings.left_panel_width
        } else {
            0.0
        };
        let wanted_right = if shown.1 {
            self.settings.right_panel_width
        } else {
            0.0
        };
        let budget = (area.width() * PANELS_SHARE - 8.0).max(0.0);
        let scale = (budget / (wanted_left + wanted_right).max(1.0)).min(1.0);
        // The widths shown unless the user drags an edge, and how far each may grow.
        let (left_w, right_w) = (wanted_left * scale, wanted_right * scale);
        let (left_max, right_max) = (
            (budget - right_w).max(left_w),
            (budget - left_w).max(right_w),
        );
        let (pointer_down, released) =
            ui.input(|i| (i.pointer.any_down(), i.pointer.any_released()));
        let left = egui::Panel::left("labels")
            .resizable(true)
            .default_size(left_w)
            .size_range(left_w.min(160.0)..=left_max.max(1.0))
            .show_collapsible(ui, &mut self.settings.show_left_panel, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("left-panel")
                    .auto_shrink([false, true])
                    .show(ui, |ui| {
                        if let Some(corpus) = &mut self.corpus {
                            let current =
                                self.open.as_ref().and_then(|o| o.session.document().path());
                            crate::corpus::corpus_ui(ui, corpus, current, &mut self.commands);
                            ui.separator();
                        }
                        if let (Some(open), Some(review)) = (&self.open, &mut self.review) {
                            crate::review::review_ui(ui, open, review, &mut self.commands);
                            ui.separator();
                        }
                        if let Some(open) = &self.open {
                            crate::conflicts::conflicts_ui(ui, open, &mut self.commands);
                            panels::palette_ui(
                                ui,
                                open,
                                &self.view,
                                &mut self.label_input,
                                &mut self.label_error,
                                &mut self.commands,
                            );
                            ui.separator();
                            panels::details_ui(ui, open, &mut self.commands);
                            panels::orphans_ui(ui, open, &self.view, &mut self.commands);
                        }
                    });
            });
        let right = egui::Panel::right("spans")
            .resizable(true)
            .default_size(right_w)
            .size_range(right_w.min(200.0)..=right_max.max(1.0))
            .show_collapsible(ui, &mut self.settings.show_right_panel, |ui| {
                if let Some(open) = &self.open {
                    panels::span_list_ui(ui, open, &mut self.span_list, &mut self.commands);
                }
            });
        let mut changed = shown
            != (
                self.settings.show_left_panel,
                self.settings.show_right_panel,
            );
        self.left_panel_rect = left.as_ref().map(|p| p.response.rect);
        for (is_left, panel, target, remembered) in [
            (true, left, left_w, &mut self.settings.left_panel_width),
            (false, right, right_w, &mut self.settings.right_panel_width),
        ] {
            let Some(panel) = panel else { continue };
            let rect = panel.response.rect;
            // Sliding in or out (animated): not a width to act on.
            let settled = if is_left {
                (rect.min.x - area.min.x).abs() < 1.0
            } else {
                (rect.max.x - area.max.x).abs() < 1.0
            };
            if pointer_down || !settled || (rect.width() - target).abs() <= 1.0 {
                continue;
            }
            if released {
                // The user dragged its edge: remember the new width.
                *remembered = rect.width() / scale.max(0.01);
                changed = true;
            } else {
                // The window changed size: back to the remembered width, within the budget.
                let id = ui.scope_id().with(if is_left { "labels" } else { "spans" });
                ui.ctx().data_mut(|d| d.remove::<egui::PanelState>(id));
                ui.ctx().request_repaint();
            }
        }
        if changed {
            self.save_settings();
        }
    }
}
