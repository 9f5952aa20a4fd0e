//! The merge conflicts of the editable layer, at the top of the left panel: what a git merge
//! could not decide (the same span changed differently on two machines), each with both
//! versions and a button to keep one. The rule that settles one is the core's
//! (`team::conflict::resolve`); this only shows and asks.

use egui::RichText;
use spantag_core::team::conflict::{Keep, Version};

use crate::command::Command;
use crate::open::OpenDocument;
use crate::theme;

/// The conflicts panel; draws nothing when the layer has none.
pub fn conflicts_ui(ui: &mut egui::Ui, open: &OpenDocument, commands: &mut Vec<Command>) {
    let conflicts = &open.layer().conflicts;
    if conflicts.is_empty() {
        return;
    }
    let dark = ui.visuals().dark_mode;
    ui.label(
        RichText::new(format!(
            "⚠ {} merge conflict{}",
            conflicts.len(),
            if conflicts.len() == 1 { "" } else { "s" }
        ))
        .strong()
        .color(theme::warning_color(dark)),
    );
    ui.weak("A git merge found these changed differently on two sides. Keep one version of each, then save.");
    ui.add_space(4.0);
    for conflict in conflicts {
        ui.group(|ui| {
            let what = if matches!(conflict.ours, Version::Relation(_))
                || matches!(conflict.theirs, Version::Relation(_))
            {
                "Relation"
            } else {
                "Span"
            };
            ui.label(RichText::new(format!("{what} {}", conflict.id)).strong());
            for (side, version, keep) in [
                ("Ours", &conflict.ours, Keep::Ours),
                ("Theirs", &conflict.theirs, Keep::Theirs),
            ] {
                ui.horizontal_wrapped(|ui| {
                    let button = ui
                        .button(format!("Keep {}", side.to_lowercase()))
                        .on_hover_text(format!(
                            "{side}: {}. Keeping it settles the conflict (Ctrl+Z undoes it)",
                            version.describe()
                        ));
                    if button.clicked() {
                        commands.push(Command::ResolveConflict(conflict.id, keep));
                    }
                    ui.label(describe(version));
                });
            }
        });
    }
    ui.separator();
}

/// A version in a few words for the panel.
fn describe(version: &Version) -> String {
    match version {
        Version::Deleted => "deleted".to_owned(),
        Version::Span(s) => format!(
            "{} “{}” ({}–{})",
            s.label,
            crate::doc_view::preview(&s.text, 30),
            s.start,
            s.end
        ),
        Version::Relation(r) => format!("{} → {} ({})", r.from, r.to, r.label),
    }
}
