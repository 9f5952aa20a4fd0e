//! Side panels: the label palette, the selected span's details and the span list. Each
//! reads the open document and pushes [`Command`]s; none changes the model itself.

use std::sync::Arc;

use egui::{CornerRadius, RichText, Sense, pos2, vec2};

use crate::command::Command;
use crate::doc_view::{DocView, preview};
use crate::open::OpenDocument;
use crate::theme;
use spantag_core::annotation::LabelScheme;

/// The label palette: one row per label with its colour, hotkey and count.
pub fn palette_ui(
    ui: &mut egui::Ui,
    open: &OpenDocument,
    view: &DocView,
    label_input: &mut String,
    label_error: &mut Option<String>,
    commands: &mut Vec<Command>,
) {
    ui.add_space(6.0);
    ui.label(RichText::new("Labels").strong().size(15.0));
    let has_selection = view.selected_range().is_some();
    let hint = if has_selection {
        "Click a label or press its key to tag the selection"
    } else if open.selected_own().is_some() {
        "Click a label or press its key to relabel the span"
    } else {
        "Select text, then click a label or press its key"
    };
    ui.weak(hint);
    ui.add_space(4.0);
    let counts = open.counts();
    for (i, label) in open.scheme().labels().iter().enumerate() {
        let color = theme::label_color(label);
        let count = counts
            .iter()
            .find(|(n, _)| *n == label.name)
            .map_or(0, |(_, c)| *c);
        let hotkey = LabelScheme::hotkey(i);
        let current = open
            .selected_own()
            .and_then(|id| open.layer().get(id))
            .is_some_and(|s| s.label == label.name);
        let (rect, response) =
            ui.allocate_exact_size(vec2(ui.available_width(), 28.0), Sense::click());
        let response = response.on_hover_text(match hotkey {
            Some(k) => format!("Tag as {} (key {k})", label.name),
            None => format!("Tag as {}", label.name),
        });
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label.name));
        let visuals = ui.style().interact_selectable(&response, current);
        let painter = ui.painter();
        if response.hovered() || current {
            painter.rect_filled(rect, CornerRadius::same(4), visuals.weak_bg_fill);
        }
        let swatch = egui::Rect::from_min_size(rect.min + vec2(6.0, 7.0), vec2(14.0, 14.0));
        painter.rect_filled(swatch, CornerRadius::same(3), color);
        let right = rect.right_center() - vec2(8.0, 0.0);
        let count_galley = painter.layout_no_wrap(
            count.to_string(),
            egui::FontId::proportional(13.0),
            ui.visuals().weak_text_color(),
        );
        // The name is cut with an ellipsis where it would run into the count (a narrow
        // panel, a long label); the whole name is in the tooltip.
        let name_left = rect.left() + 28.0;
        let room = (right.x - 28.0 - count_galley.size().x - 6.0 - name_left).max(8.0);
        let mut job = egui::text::LayoutJob::simple_singleline(
            label.name.clone(),
            egui::FontId::proportional(14.5),
            ui.visuals().text_color(),
        );
        job.wrap = egui::text::TextWrapping::truncate_at_width(room);
        let name = ui.fonts_mut(|f| f.layout_job(job));
        painter.galley(
            egui::pos2(name_left, rect.center().y - name.size().y / 2.0),
            name,
            ui.visuals().text_color(),
        );
        if let Some(k) = hotkey {
            let key_rect = egui::Rect::from_center_size(right - vec2(9.0, 0.0), vec2(18.0, 18.0));
            painter.rect_stroke(
                key_rect,
                CornerRadius::same(3),
                ui.visuals().widgets.noninteractive.bg_stroke,
                egui::StrokeKind::Inside,
            );
            painter.text(
                key_rect.center(),
                egui::Align2::CENTER_CENTER,
                k,
                egui::FontId::monospace(12.0),
                ui.visuals().weak_text_color(),
            );
        }
        painter.galley(
            right - vec2(28.0 + count_galley.size().x, count_galley.size().y / 2.0),
            count_galley,
            ui.visuals().weak_text_color(),
        );
        if response.clicked() {
            commands.push(Command::Tag(label.name.clone()));
        }
    }
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        let field = ui.add(
            egui::TextEdit::singleline(label_input)
                .hint_text("New label")
                .desired_width(ui.available_width() - 50.0),
        );
        let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if ui
            .button("Add")
            .on_hover_text("Add a label of your own")
            .clicked()
            || enter
        {
            commands.push(Command::AddLabel(
                open.layer_id().clone(),
                label_input.trim().to_owned(),
            ));
        }
        if field.changed() {
            *label_error = None;
        }
    });
    if let Some(err) = label_error {
        ui.colored_label(theme::error_color(ui.visuals().dark_mode), err.as_str());
    }
    if ui
        .small_button("Edit labels…")
        .on_hover_text("Rename, recolour, reorder or remove labels")
        .clicked()
    {
        commands.push(Command::ShowLabelEditor);
    }
}

/// Details of the selected span: label, text, offsets, note, delete.
pub fn details_ui(ui: &mut egui::Ui, open: &OpenDocument, commands: &mut Vec<Command>) {
    ui.label(RichText::new("Span").strong().size(15.0));
    let Some(span) = open.selected_own().and_then(|id| open.layer().get(id)) else {
        ui.weak("Click a span in the text or the list to see it here.");
        return;
    };
    ui.add_space(4.0);
    egui::Grid::new("span-details")
        .num_columns(2)
        .spacing([10.0, 6.0])
        .show(ui, |ui| {
            ui.label("Label");
            let combo = egui::ComboBox::from_id_salt("span-label")
                .selected_text(&span.label)
                .show_ui(ui, |ui| {
                    for label in open.scheme().labels() {
                        if ui
                            .selectable_label(label.name == span.label, &label.name)
                            .clicked()
                            && label.name != span.label
                        {
                            commands.push(Command::Tag(label.name.clone()));
                        }
                    }
                });
            combo.response.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Span label")
            });
            ui.end_row();
            ui.label("Offsets");
            ui.label(format!(
                "{}–{}  ({} chars)",
                span.start,
                span.end,
                span.len()
            ))
            .on_hover_text("Unicode code points, half-open: text[start:end] in Python");
            ui.end_row();
            ui.label("Id");
            ui.label(span.id.to_string());
            ui.end_row();
        });
    ui.add_space(4.0);
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        egui::ScrollArea::vertical()
            .id_salt("span-text")
            .max_height(110.0)
            .show(ui, |ui| {
                ui.label(RichText::new(&span.text).italics());
            });
    });
    crate::span_attributes::attributes_ui(ui, open, span, commands);
    ui.add_space(4.0);
    ui.label("Note");
    let mut note = span.note.clone().unwrap_or_default();
    let edit = ui.add(
        egui::TextEdit::multiline(&mut note)
            .id_salt(("note", span.id))
            .hint_text("Why this tag? Anything to check later?")
            .desired_rows(3)
            .desired_width(f32::INFINITY),
    );
    if edit.changed() {
        commands.push(Command::SetNote(open.own(span.id), note));
    }
    ui.add_space(6.0);
    ui.horizontal_wrapped(|ui| {
        if ui
            .button("Delete")
            .on_hover_text("Delete this span (Del)")
            .clicked()
        {
            commands.push(Command::DeleteSelected);
        }
        if ui.button("Show in text").clicked() {
            commands.push(Command::SelectSpan(Some(open.own(span.id)), true));
        }
        if ui
            .button("Relate…")
            .on_hover_text("Make a relation from this span: press R, then click the target span")
            .clicked()
        {
            commands.push(Command::StartRelation);
        }
    });
    let state = open.session.editable();
    let relations: Vec<_> = state.relations_of(span.id).collect();
    if !relations.is_empty() {
        ui.add_space(6.0);
        ui.label(RichText::new("Relations").strong());
        for rel in relations {
            let (arrow, other) = if rel.from == span.id {
                ("→", rel.to)
            } else {
                ("←", rel.from)
            };
            let text = open
                .layer()
                .get(other)
                .map(|s| preview(&s.text, 28))
                .unwrap_or_default();
            ui.horizontal(|ui| {
                if ui
                    .small_button("✕")
                    .on_hover_text("Delete this relation")
                    .clicked()
                {
                    commands.push(Command::DeleteRelation(open.layer_id().clone(), rel.id));
                }
                let label =
                    ui.add(egui::Label::new(format!("{} {arrow} “{text}”", rel.label)).truncate());
                if label
                    .interact(egui::Sense::click())
                    .on_hover_text("Go to the other span")
                    .clicked()
                {
                    commands.push(Command::SelectSpan(Some(open.own(other)), true));
                }
            });
        }
    }
}

/// Spans that lost their place when the source text changed: place or delete each.
pub fn orphans_ui(
    ui: &mut egui::Ui,
    open: &OpenDocument,
    view: &DocView,
    commands: &mut Vec<Command>,
) {
    if open.layer().orphans.is_empty() {
        return;
    }
    ui.separator();
    ui.label(RichText::new(format!("Orphaned spans ({})", open.layer().orphans.len())).strong().size(15.0))
        .on_hover_text("The text changed and these spans' text was not found. They are kept in the file until you place or delete them.");
    ui.weak("Select where one belongs, then click Place.");
    let has_selection = view.selected_range().is_some();
    egui::ScrollArea::vertical()
        .id_salt("orphans")
        .max_height(200.0)
        .show(ui, |ui| {
            for orphan in &open.layer().orphans {
                ui.horizontal(|ui| {
                    let color = open
                        .scheme()
                        .get(&orphan.label)
                        .map_or(egui::Color32::GRAY, theme::label_color);
                    let (rect, _) = ui.allocate_exact_size(vec2(8.0, 8.0), Sense::hover());
                    ui.painter().rect_filled(rect, CornerRadius::same(2), color);
                    ui.label(&orphan.label);
                    ui.add(
                        egui::Label::new(RichText::new(preview(&orphan.text, 40)).italics())
                            .truncate(),
                    )
                    .on_hover_text(format!(
                        "{}\nwas at {}–{}",
                        orphan.text, orphan.start, orphan.end
                    ));
                });
                ui.horizontal(|ui| {
                    if ui
                        .add_enabled(has_selection, egui::Button::new("Place").small())
                        .on_hover_text("Place it at the selected text")
                        .clicked()
                    {
                        commands.push(Command::PlaceOrphan(open.own(orphan.id)));
                    }
                    if ui.small_button("Delete").clicked() {
                        commands.push(Command::DeleteOrphan(open.own(orphan.id)));
                    }
                });
            }
        });
}

/// The span list's own state: a filter and its cached result.
#[derive(Default)]
pub struct SpanListState {
    filter: String,
    /// The column the list is sorted by.
    pub sort: SortBy,
    cached: Option<(u64, String, SortBy, Vec<usize>)>,
    /// Scroll the list to the selected span on the next frame.
    pub reveal: bool,
    /// Laid-out cells of rows shown recently, by span id (cleared when anything they depend
    /// on changes), so that a frame only paints them.
    cells: std::collections::HashMap<u64, RowCells>,
    cells_key: Option<(u64, u32, [u8; 4])>,
}

/// What the span list is sorted by (a click on a column heading).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortBy {
    /// Position in the text (the file's order).
    #[default]
    Start,
    /// Label name, then position.
    Label,
    /// The spans' text, then position.
    Text,
}

struct RowCells {
    start: Arc<egui::Galley>,
    label: Arc<egui::Galley>,
    text: Arc<egui::Galley>,
    color: egui::Color32,
    name: String,
}

/// The table of all spans (virtualized: only visible rows are built).
pub fn span_list_ui(
    ui: &mut egui::Ui,
    open: &OpenDocument,
    state: &mut SpanListState,
    commands: &mut Vec<Command>,
) {
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        ui.label(RichText::new("Spans").strong().size(15.0));
        ui.weak(open.layer().spans().len().to_string());
    });
    ui.add(
        egui::TextEdit::singleline(&mut state.filter)
            .hint_text("Filter by label or text")
            .desired_width(f32::INFINITY),
    );
    let revision = open.revision();
    let stale = state.cached.as_ref().is_none_or(|(rev, filter, sort, _)| {
        *rev != revision || *filter != state.filter || *sort != state.sort
    });
    if stale {
        let needle = state.filter.to_lowercase();
        let all = open.layer().spans();
        let mut rows: Vec<usize> = all
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                needle.is_empty()
                    || s.label.to_lowercase().contains(&needle)
                    || s.text.to_lowercase().contains(&needle)
            })
            .map(|(i, _)| i)
            .collect();
        // Rows are positions in the (start-ordered) span list; a stable sort keeps that order
        // among equal keys.
        match state.sort {
            SortBy::Start => {}
            SortBy::Label => rows.sort_by(|&a, &b| all[a].label.cmp(&all[b].label)),
            SortBy::Text => rows.sort_by_cached_key(|&i| all[i].text.to_lowercase()),
        }
        state.cached = Some((revision, state.filter.clone(), state.sort, rows));
    }
    let Some((_, _, _, rows)) = &state.cached else {
        return;
    };
    let spans = open.layer().spans();
    let row_h = 22.0;
    let visuals = ui.visuals().clone();
    let text_color = visuals.text_color();
    let weak = visuals.weak_text_color();
    let font = egui::FontId::proportional(13.5);
    let mono = egui::FontId::monospace(12.0);
    let columns = [4.0, 58.0, 124.0];

    // Column headings; a click sorts by that column.
    let (head, _) = ui.allocate_exact_size(vec2(ui.available_width(), 20.0), Sense::hover());
    let ends = [columns[1], columns[2], head.width()];
    for ((x, end), (title, by)) in columns.iter().zip(ends).zip([
        ("Start", SortBy::Start),
        ("Label", SortBy::Label),
        ("Text", SortBy::Text),
    ]) {
        let rect = egui::Rect::from_min_max(
            pos2(head.min.x + x, head.min.y),
            pos2(head.min.x + end - 4.0, head.max.y),
        );
        let response = ui
            .interact(rect, ui.scope_id().with(("sort", title)), Sense::click())
            .on_hover_text(format!("Sort by {}", title.to_lowercase()));
        let name = format!("Sort by {}", title.to_lowercase());
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
        if response.clicked() {
            state.sort = by;
        }
        let shown = if state.sort == by {
            format!("{title} ▾")
        } else {
            title.to_owned()
        };
        ui.painter().text(
            pos2(head.min.x + x, head.center().y),
            egui::Align2::LEFT_CENTER,
            shown,
            egui::FontId::proportional(13.5),
            if response.hovered() {
                visuals.hyperlink_color
            } else {
                visuals.strong_text_color()
            },
        );
    }

    let mut area = egui::ScrollArea::vertical()
        .id_salt("span-list")
        .auto_shrink(false);
    if state.reveal {
        let selected_row = open.selected_own().and_then(|id| {
            rows.iter()
                .position(|&p| spans.get(p).is_some_and(|s| s.id == id))
        });
        if let Some(row) = selected_row {
            let offset = (row as f32 * row_h - ui.available_height() / 2.0).max(0.0);
            area = area.vertical_scroll_offset(offset);
        }
        state.reveal = false;
    }
    // Only the rows in view are built and painted.
    let width = ui.available_width();
    let cells_key = (open.revision(), width.to_bits(), text_color.to_array());
    if state.cells_key != Some(cells_key) || state.cells.len() > 2_000 {
        state.cells.clear();
        state.cells_key = Some(cells_key);
    }
    let cells = &mut state.cells;
    // Only the rows in view are built and painted: backgrounds and swatches go into one mesh.
    area.show_rows(ui, row_h, rows.len(), |ui, range| {
        ui.spacing_mut().item_spacing.y = 0.0;
        let mut mesh = egui::Mesh::default();
        let mut texts = Vec::new();
        for i in range {
            let Some(span) = rows.get(i).and_then(|&p| spans.get(p)) else {
                continue;
            };
            let (rect, response) = ui.allocate_exact_size(vec2(width, row_h), Sense::click());
            let row = cells.entry(span.id).or_insert_with(|| {
                let text = preview(&span.text, 120);
                RowCells {
                    start: truncated(
                        ui,
                        &span.start.to_string(),
                        mono.clone(),
                        weak,
                        columns[1] - columns[0] - 4.0,
                    ),
                    label: truncated(
                        ui,
                        &span.label,
                        font.clone(),
                        text_color,
                        columns[2] - columns[1] - 18.0,
                    ),
                    text: truncated(
                        ui,
                        &text,
                        font.clone(),
                        text_color,
                        width - columns[2] - 4.0,
                    ),
                    color: open
                        .scheme()
                        .get(&span.label)
                        .map_or(egui::Color32::GRAY, theme::label_color),
                    name: format!("{} {} {}", span.start, span.label, text),
                }
            });
            response
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ListItem, true, &row.name));
            if open.selected_own() == Some(span.id) {
                mesh.add_colored_rect(rect, visuals.selection.bg_fill);
            } else if response.hovered() {
                mesh.add_colored_rect(rect, visuals.widgets.hovered.weak_bg_fill);
            } else if i % 2 == 1 {
                mesh.add_colored_rect(rect, visuals.faint_bg_color);
            }
            let y = rect.center().y;
            let swatch = egui::Rect::from_center_size(
                pos2(rect.min.x + columns[1] + 4.0, y),
                vec2(8.0, 8.0),
            );
            mesh.add_colored_rect(swatch, row.color);
            for (x, galley) in [
                (columns[0], &row.start),
                (columns[1] + 12.0, &row.label),
                (columns[2], &row.text),
            ] {
                texts.push((
                    pos2(rect.min.x + x, y - galley.size().y / 2.0),
                    galley.clone(),
                ));
            }
            if response.clicked() {
                commands.push(Command::SelectSpan(Some(open.own(span.id)), true));
            }
        }
        let painter = ui.painter();
        painter.add(egui::Shape::mesh(mesh));
        for (pos, galley) in texts {
            painter.galley(pos, galley, text_color);
        }
    });
}

/// One line of text cut to `width` with an ellipsis.
fn truncated(
    ui: &egui::Ui,
    text: &str,
    font: egui::FontId,
    color: egui::Color32,
    width: f32,
) -> Arc<egui::Galley> {
    let mut job = egui::text::LayoutJob::simple_singleline(text.to_owned(), font, color);
    job.wrap = egui::text::TextWrapping::truncate_at_width(width.max(10.0));
    ui.fonts_mut(|f| f.layout_job(job))
}
