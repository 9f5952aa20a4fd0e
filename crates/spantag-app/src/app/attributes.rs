//! A span's note, attributes, pieces and event arguments in the app: its note (the span
//! panel), an event argument (the relation picker's roles), setting an
//! attribute (the span panel, or its
//! letter key on the selected span), adding a piece to a span (G, then a drag over the
//! text), and making a span continuous again. Each is one undoable edit.

use spantag_core::edit::Edit;
use spantag_core::session::SpanRef;

use super::SpantagApp;
use crate::command::Command;
use crate::doc_view::preview;

impl SpantagApp {
    /// Carries out [`Command::SetNote`], [`Command::SetAttr`], [`Command::CycleAttr`],
    /// [`Command::StartPiece`] and [`Command::JoinPieces`].
    pub(super) fn run_attribute_command(&mut self, command: Command) {
        match command {
            Command::SetAttr(target, name, value) => self.set_attribute(&target, name, value),
            Command::SetNote(target, note) => {
                let Some(open) = &mut self.open else { return };
                let note = (!note.is_empty()).then_some(note);
                let edit = Edit::SetNote {
                    id: target.id,
                    note,
                };
                if let Err(err) = open.session.apply(&target.layer, edit) {
                    self.error(format!("Could not change the note: {err}"));
                }
            }
            Command::CycleAttr(letter) => {
                let Some(open) = &self.open else { return };
                let Some(span) = open.selected_own().and_then(|id| open.layer().get(id)) else {
                    return;
                };
                let Some(attribute) = open
                    .session
                    .attributes_of(&span.label)
                    .iter()
                    .find(|a| a.key == Some(letter))
                else {
                    return;
                };
                let next =
                    attribute.next_value(span.attrs.get(&attribute.name).map(String::as_str));
                let (target, name) = (open.own(span.id), attribute.name.clone());
                self.set_attribute(&target, name, next);
            }
            Command::StartPiece => {
                let Some(open) = &self.open else { return };
                let Some(span) = open.selected_own().and_then(|id| open.layer().get(id)) else {
                    self.info(
                        "Select a span first (click it), then press G and drag over more text",
                    );
                    return;
                };
                let text = preview(&span.text, 30);
                self.adding_piece = Some(span.id);
                self.info(format!(
                    "Adding a piece to “{text}”: drag over the text to add (Esc cancels)"
                ));
            }
            Command::JoinPieces(target) => {
                let Some(open) = &mut self.open else { return };
                let Some(span) = open
                    .session
                    .layer(&target.layer)
                    .and_then(|l| l.layer().get(target.id))
                    .cloned()
                else {
                    return;
                };
                let edit = Edit::SetPieces {
                    id: span.id,
                    pieces: vec![(span.start, span.end)],
                    text: span.text.clone(),
                };
                if let Err(err) = open.session.apply(&target.layer, edit) {
                    self.error(format!("Could not join the pieces: {err}"));
                }
            }
            Command::AddEventArg(trigger, to, role) => {
                self.relation_pick = None;
                let Some(open) = &mut self.open else { return };
                match open
                    .session
                    .add_event_arg(&trigger.layer, trigger.id, to, &role)
                {
                    Ok(_) => self.info(format!("Added a “{role}” argument (Ctrl+Z undoes it)")),
                    Err(err) => self.error(format!("Could not add the argument: {err}")),
                }
            }
            Command::RemoveEventPart(trigger, event, index) => {
                let Some(open) = &mut self.open else { return };
                match open.session.remove_event_part(&trigger.layer, event, index) {
                    Ok(()) => self.info(if index.is_some() {
                        "Argument removed (Ctrl+Z brings it back)"
                    } else {
                        "Event deleted (Ctrl+Z brings it back)"
                    }),
                    Err(err) => self.error(format!("Could not change the event: {err}")),
                }
            }
            _ => {}
        }
    }

    fn set_attribute(&mut self, target: &SpanRef, name: String, value: Option<String>) {
        let Some(open) = &mut self.open else { return };
        let shown = match value.as_deref() {
            Some(spantag_core::project::FLAG_SET) => format!("{name} set"),
            Some(v) => format!("{name}: {v}"),
            None => format!("{name} unset"),
        };
        let edit = Edit::SetAttr {
            id: target.id,
            name,
            value,
        };
        match open.session.apply(&target.layer, edit) {
            Ok(()) => self.info(shown),
            Err(err) => self.error(format!("Could not set the attribute: {err}")),
        }
    }

    /// Once per frame, while a piece is being added: when the mouse lets go of a selection,
    /// it becomes a piece of the span (pieces that touch or overlap are joined), and the span
    /// is selected again.
    pub(super) fn finish_piece(&mut self, ctx: &egui::Context) {
        let Some(id) = self.adding_piece else { return };
        if !ctx.input(|i| i.pointer.any_released()) {
            return;
        }
        let Some(range) = self.view.selected_range().filter(|r| !r.is_empty()) else {
            return;
        };
        self.adding_piece = None;
        let Some(open) = &mut self.open else { return };
        let Some(span) = open.layer().get(id) else {
            return;
        };
        let mut pieces: Vec<(usize, usize)> = span
            .pieces()
            .into_iter()
            .map(|r| (r.start, r.end))
            .chain(std::iter::once((range.start, range.end)))
            .collect();
        pieces.sort_unstable();
        let mut joined: Vec<(usize, usize)> = Vec::new();
        for (start, end) in pieces {
            match joined.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => joined.push((start, end)),
            }
        }
        let (Some(&(start, _)), Some(&(_, end))) = (joined.first(), joined.last()) else {
            return;
        };
        let text = open.session.document().slice(start..end).to_owned();
        let n = joined.len();
        let editable = open.own(id);
        let edit = Edit::SetPieces {
            id,
            pieces: joined,
            text,
        };
        match open.session.apply(&editable.layer, edit) {
            Ok(()) => {
                self.view.selection = None;
                self.commands
                    .push(Command::SelectSpan(Some(editable), false));
                self.info(format!("The span has {n} piece(s)"));
            }
            Err(err) => self.error(format!("Could not add the piece: {err}")),
        }
    }
}
