//! The span panel's attributes, events and pieces: a checkbox for each flag and a list for
//! each attribute with values (as the project file declares them for the span's label), any
//! other attribute the span carries (from an import) with a button to remove it, the events
//! the span triggers with their arguments (each removable), and the pieces of a
//! discontinuous span.

use egui::RichText;
use spantag_core::annotation::Span;
use spantag_core::project::FLAG_SET;

use crate::command::Command;
use crate::open::OpenDocument;

/// The attributes and pieces of `span` (of the editable layer).
pub fn attributes_ui(
    ui: &mut egui::Ui,
    open: &OpenDocument,
    span: &Span,
    commands: &mut Vec<Command>,
) {
    let declared = open.session.attributes_of(&span.label);
    let target = open.own(span.id);
    if !declared.is_empty() || !span.attrs.is_empty() {
        ui.add_space(4.0);
        ui.label("Attributes");
    }
    for attribute in declared {
        let current = span.attrs.get(&attribute.name).map(String::as_str);
        let key = attribute
            .key
            .map(|k| format!(" (key {})", k.to_ascii_uppercase()))
            .unwrap_or_default();
        if attribute.is_flag() {
            let mut on = current == Some(FLAG_SET);
            let response = ui
                .checkbox(&mut on, &attribute.name)
                .on_hover_text(format!("Set or unset {}{key}", attribute.name));
            if response.changed() {
                commands.push(Command::SetAttr(
                    target.clone(),
                    attribute.name.clone(),
                    on.then(|| FLAG_SET.to_owned()),
                ));
            }
        } else {
            ui.horizontal(|ui| {
                ui.label(&attribute.name);
                let shown = match (current, &attribute.default) {
                    (Some(v), _) => RichText::new(v),
                    (None, Some(d)) => RichText::new(format!("{d} (default)")).weak(),
                    (None, None) => RichText::new("—").weak(),
                };
                egui::ComboBox::from_id_salt(("attribute", &attribute.name))
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        if ui.selectable_label(current.is_none(), "not set").clicked()
                            && current.is_some()
                        {
                            commands.push(Command::SetAttr(
                                target.clone(),
                                attribute.name.clone(),
                                None,
                            ));
                        }
                        for value in &attribute.values {
                            if ui
                                .selectable_label(current == Some(value.as_str()), value)
                                .clicked()
                                && current != Some(value.as_str())
                            {
                                commands.push(Command::SetAttr(
                                    target.clone(),
                                    attribute.name.clone(),
                                    Some(value.clone()),
                                ));
                            }
                        }
                    })
                    .response
                    .on_hover_text(format!("{}{key}", attribute.name));
            });
        }
    }
    // Attributes the project does not declare for this label (an import's): shown, removable.
    for (name, value) in &span.attrs {
        if declared.iter().any(|a| &a.name == name) {
            continue;
        }
        ui.horizontal(|ui| {
            let text = if value == FLAG_SET {
                name.clone()
            } else {
                format!("{name}: {value}")
            };
            ui.label(text);
            if ui
                .small_button("×")
                .on_hover_text(format!("Remove {name} from this span"))
                .clicked()
            {
                commands.push(Command::SetAttr(target.clone(), name.clone(), None));
            }
        });
    }
    // The events this span triggers, each argument with a button to remove it.
    let layer = open.layer();
    for event in layer.events.iter().filter(|e| e.trigger == span.id) {
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("Event: {}", event.label)).strong());
            if ui
                .small_button("Delete event")
                .on_hover_text("Delete this event and its arguments (not their spans)")
                .clicked()
            {
                commands.push(Command::RemoveEventPart(target.clone(), event.id, None));
            }
        });
        for (i, arg) in event.args.iter().enumerate() {
            let what = layer.get(arg.to).map_or_else(
                || format!("event {}", arg.to),
                |s| format!("“{}”", crate::doc_view::preview(&s.text, 28)),
            );
            ui.horizontal(|ui| {
                ui.add_space(10.0);
                ui.label(format!("{}: {what}", arg.role));
                if ui
                    .small_button("×")
                    .on_hover_text(format!("Remove the {} argument", arg.role))
                    .clicked()
                {
                    commands.push(Command::RemoveEventPart(target.clone(), event.id, Some(i)));
                }
            });
        }
    }
    if span.is_discontinuous() {
        ui.add_space(4.0);
        ui.horizontal_wrapped(|ui| {
            let pieces: Vec<String> = span
                .pieces()
                .iter()
                .map(|r| format!("{}–{}", r.start, r.end))
                .collect();
            ui.label(format!("Pieces: {}", pieces.join(", ")));
            if ui
                .small_button("Join")
                .on_hover_text("Make it one continuous span from its start to its end")
                .clicked()
            {
                commands.push(Command::JoinPieces(target.clone()));
            }
        });
    }
}
