//! Picking a relation's type once its source and target spans are chosen: only the types
//! whose ends allow the two spans' labels are offered (the project file can add types and
//! restrict their ends). When the project file makes the source's label an event type, its
//! roles are offered too: picking one makes the target an argument of the source's event.

use egui::RichText;

use super::SpantagApp;
use crate::command::Command;
use crate::doc_view::preview;

impl SpantagApp {
    /// The type picker, while a relation's source and target are chosen.
    pub(super) fn relation_picker(&mut self, ctx: &egui::Context) {
        let (Some((source, target)), Some(open)) = (&self.relation_pick, &self.open) else {
            return;
        };
        let Some(layer) = open.session.layer(&source.layer).map(|l| l.layer()) else {
            return;
        };
        let (Some(from), Some(to)) = (layer.get(source.id), layer.get(*target)) else {
            return;
        };
        // (whether it is an event role, its name)
        let allowed: Vec<(bool, String)> = open
            .session
            .relation_types()
            .iter()
            .filter(|t| t.allows(&from.label, &to.label))
            .map(|t| (false, t.name.clone()))
            .chain(
                open.session
                    .event_roles(&from.label)
                    .iter()
                    .map(|r| (true, r.clone())),
            )
            .collect();
        let mut chosen = None;
        let mut cancel = false;
        egui::Window::new("New relation")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_TOP, [0.0, 80.0])
            .show(ctx, |ui| {
                ui.label(format!(
                    "From {} “{}”",
                    from.label,
                    preview(&from.text, 40)
                ));
                ui.label(format!("to {} “{}”", to.label, preview(&to.text, 40)));
                ui.add_space(6.0);
                if allowed.is_empty() {
                    ui.label(RichText::new(format!(
                        "No relation type goes from {} to {}. A project file (spantag.ron) can add one.",
                        from.label, to.label
                    )).weak());
                }
                ui.horizontal_wrapped(|ui| {
                    for (i, (role, name)) in allowed.iter().enumerate() {
                        let text = if *role {
                            RichText::new(format!("{name} (event role)")).strong()
                        } else {
                            RichText::new(name).strong()
                        };
                        let what = if *role {
                            format!("Make it the {name} of the {} event", from.label)
                        } else {
                            format!("A {name} relation")
                        };
                        let button = ui
                            .button(text)
                            .on_hover_text(format!("{what}. Enter picks the first; {}", i + 1));
                        if button.clicked() {
                            chosen = Some((*role, name.clone()));
                        }
                    }
                    if ui.button("Cancel").on_hover_text("Esc").clicked() {
                        cancel = true;
                    }
                });
            });
        // Enter picks the first type, a digit the one with that number, Esc cancels (the
        // document's shortcuts leave these keys to the dialog).
        ctx.input_mut(|i| {
            if i.consume_key(egui::Modifiers::NONE, egui::Key::Enter) {
                chosen = chosen.take().or_else(|| allowed.first().cloned());
            }
            if i.consume_key(egui::Modifiers::NONE, egui::Key::Escape) {
                cancel = true;
            }
            for (n, key) in super::keymap::DIGITS.iter().enumerate() {
                if i.consume_key(egui::Modifiers::NONE, *key) && chosen.is_none() {
                    chosen = allowed.get(n).cloned();
                }
            }
        });
        if let Some((role, label)) = chosen {
            self.commands.push(if role {
                Command::AddEventArg(source.clone(), *target, label)
            } else {
                Command::AddRelation(source.clone(), *target, label)
            });
        } else if cancel {
            self.commands.push(Command::CancelRelation);
        }
    }
}
