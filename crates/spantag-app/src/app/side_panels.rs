//! The side panels: the labels panel (palette, span details, orphans) on the left and the
//! span list on the right. Both are resizable and can be hidden; their widths are remembered
//! in the settings, and in a narrow window they give way first, so that the document keeps
//! at least 60% of the width.

use super::SpantagApp;
use crate::panels;

/// The share of the window's width the side panels may take together.
const PANELS_SHARE: f32 = 0.4;

/// Below this width the side panels are drawers: a bar of two toggles above the document,
/// each sliding its panel over the document at a readable width, instead of squeezing both
/// panels and the text.
pub const NARROW: f32 = 700.0;

/// Which drawer is open in a narrow window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drawer {
    /// The labels panel (palette, span details, review, the folder).
    Left,
    /// The span list.
    Right,
}

impl SpantagApp {
    /// The labels panel and the span list: resizable, collapsible, their widths remembered,
    /// and giving way first when the window is narrow (the document keeps 60% of it).
    pub(super) fn side_panels(&mut self, ui: &mut egui::Ui) {
        let area = ui.max_rect();
        if area.width() < NARROW {
            self.drawers(ui);
            return;
        }
        self.drawer = None;
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
        let (mut show_left, mut show_right) = shown;
        let left = egui::Panel::left("labels")
            .resizable(true)
            .default_size(left_w)
            .size_range(left_w.min(160.0)..=left_max.max(1.0))
            .show_collapsible(ui, &mut show_left, |ui| {
                self.left_panel_contents(ui);
            });
        let right = egui::Panel::right("spans")
            .resizable(true)
            .default_size(right_w)
            .size_range(right_w.min(200.0)..=right_max.max(1.0))
            .show_collapsible(ui, &mut show_right, |ui| {
                self.right_panel_contents(ui);
            });
        self.settings.show_left_panel = show_left;
        self.settings.show_right_panel = show_right;
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

    /// The labels panel's contents: the folder, review, merge conflicts, the palette, the
    /// selected span's details and orphans.
    fn left_panel_contents(&mut self, ui: &mut egui::Ui) {
        egui::ScrollArea::vertical()
            .id_salt("left-panel")
            .auto_shrink([false, true])
            .show(ui, |ui| {
                if let Some(corpus) = &mut self.corpus {
                    let current = self.open.as_ref().and_then(|o| o.session.document().path());
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
    }

    /// The span list.
    fn right_panel_contents(&mut self, ui: &mut egui::Ui) {
        if let Some(open) = &self.open {
            panels::span_list_ui(ui, open, &mut self.span_list, &mut self.commands);
        }
    }

    /// A narrow window: a bar with a toggle per panel; the open one is drawn over the
    /// document from its side, as wide as it reads well (at most the window less a margin).
    fn drawers(&mut self, ui: &mut egui::Ui) {
        let bar = egui::Panel::top("drawers").show(ui, |ui| {
            ui.horizontal(|ui| {
                let left = self.drawer == Some(Drawer::Left);
                if ui
                    .selectable_label(left, "☰ Labels")
                    .on_hover_text("Labels, the selected span, review and the folder")
                    .clicked()
                {
                    self.drawer = (!left).then_some(Drawer::Left);
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let right = self.drawer == Some(Drawer::Right);
                    if ui
                        .selectable_label(right, "Spans ☰")
                        .on_hover_text("The list of spans")
                        .clicked()
                    {
                        self.drawer = (!right).then_some(Drawer::Right);
                    }
                });
            });
        });
        let Some(drawer) = self.drawer else { return };
        let area = ui.ctx().content_rect();
        let top = bar.response.rect.max.y;
        let width = (area.width() - 48.0).clamp(160.0, 340.0);
        let (x, id) = match drawer {
            Drawer::Left => (area.min.x, "left-drawer"),
            Drawer::Right => (area.max.x - width, "right-drawer"),
        };
        let height = (area.max.y - top - 28.0).max(100.0);
        egui::Area::new(egui::Id::unique(id))
            .fixed_pos(egui::pos2(x, top))
            .order(egui::Order::Foreground)
            .show(ui.ctx(), |ui| {
                egui::Frame::side_top_panel(ui.style())
                    .shadow(ui.style().visuals.popup_shadow)
                    .show(ui, |ui| {
                        ui.set_width(width - 16.0);
                        ui.set_height(height);
                        match drawer {
                            Drawer::Left => self.left_panel_contents(ui),
                            Drawer::Right => self.right_panel_contents(ui),
                        }
                    });
            });
    }
}
