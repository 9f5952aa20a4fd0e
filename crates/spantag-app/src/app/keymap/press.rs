//! Reading the keyboard each frame: the key table's bindings, the span-edge keys and the
//! digits turned into [`Command`]s, and caret motion.

use egui::{Key, KeyboardShortcut, Modifiers};

use super::{Action, BINDINGS, DIGITS, EDGE_KEYS, NONE};
use crate::app::SpantagApp;
use crate::command::Command;
use crate::doc_view::{Motion, ScrollTarget};

impl SpantagApp {
    /// What an action does; `shortcut` is the key that was pressed (caret keys differ by
    /// key, and Shift extends the selection).
    fn command_for(
        &mut self,
        ctx: &egui::Context,
        action: Action,
        shortcut: KeyboardShortcut,
    ) -> Option<Command> {
        let extend = shortcut.modifiers.shift;
        Some(match action {
            Action::Save => Command::Save,
            Action::Open => Command::OpenDialog,
            Action::Export => Command::ShowExport,
            Action::Close => Command::CloseDocument,
            Action::Quit => Command::Quit,
            Action::Larger => Command::FontSize(1.0),
            Action::Smaller => Command::FontSize(-1.0),
            Action::Undo => Command::Undo,
            Action::Redo => Command::Redo,
            Action::Start | Action::End => {
                let motion = if action == Action::Start {
                    Motion::DocStart
                } else {
                    Motion::DocEnd
                };
                if !self.move_caret(ctx, motion, extend) {
                    return Some(Command::GoTo(if action == Action::Start {
                        ScrollTarget::Top(0)
                    } else {
                        ScrollTarget::End
                    }));
                }
                return None;
            }
            Action::Caret => {
                let command = shortcut.modifiers.command;
                let motion = match shortcut.logical_key {
                    Key::ArrowLeft if command => Motion::WordLeft,
                    Key::ArrowRight if command => Motion::WordRight,
                    Key::ArrowLeft => Motion::Left,
                    Key::ArrowRight => Motion::Right,
                    Key::ArrowUp => Motion::Up,
                    Key::ArrowDown => Motion::Down,
                    Key::Home => Motion::RowStart,
                    Key::End => Motion::RowEnd,
                    Key::PageUp => Motion::PageUp,
                    _ => Motion::PageDown,
                };
                self.move_caret(ctx, motion, extend);
                return None;
            }
            Action::SelectBlock => {
                if let Some(open) = &self.open {
                    self.view.select_block(open.session.document());
                }
                return None;
            }
            Action::ToggleLeftPanel => Command::ToggleLeftPanel,
            Action::ToggleRightPanel => Command::ToggleRightPanel,
            Action::Delete
                if self
                    .open
                    .as_ref()
                    .is_some_and(|o| o.selected_own().is_none())
                    && self.suggestions_shown()
                    && self.suggestions.current.is_some() =>
            {
                Command::RejectSuggestion
            }
            Action::Delete => Command::DeleteSelected,
            Action::Accept
                if !self.suggestions_shown()
                    || self.relating.is_some()
                    || self.relation_pick.is_some() =>
            {
                return None;
            }
            Action::Accept => Command::AcceptSuggestion(None),
            Action::MoveSpanEdge {
                start,
                word,
                forward,
            } => Command::MoveSpanEdge {
                start,
                word,
                forward,
            },
            Action::Find => Command::ShowSearch,
            Action::Relate => Command::StartRelation,
            Action::AddPiece => Command::StartPiece,
            Action::Deselect if self.adding_piece.is_some() => {
                self.adding_piece = None;
                self.info("No piece added");
                return None;
            }
            Action::NextSpan => Command::WalkSpans(true),
            Action::PreviousSpan => Command::WalkSpans(false),
            Action::NextDocument => Command::NextDocument(true),
            Action::PreviousDocument => Command::NextDocument(false),
            Action::FindNext => Command::SearchStep(true),
            Action::FindPrevious => Command::SearchStep(false),
            Action::Deselect if self.relating.is_some() || self.relation_pick.is_some() => {
                Command::CancelRelation
            }
            Action::Deselect if self.drawer.is_some() => {
                // Esc closes a side panel's drawer (a narrow window) first.
                self.drawer = None;
                return None;
            }
            Action::Deselect if self.agreement.open => {
                // Esc closes the agreement window first.
                self.agreement.open = false;
                return None;
            }
            // Then the find bar, wherever the focus is (after "Tag all" it is on a button).
            Action::Deselect if self.search.open => Command::CloseSearch,
            Action::Deselect => {
                self.view.selection = None;
                Command::SelectSpan(None, false)
            }
            Action::Help => Command::ToggleShortcuts,
            Action::Review => Command::ToggleReview,
            Action::PreviousDisagreement | Action::NextDisagreement | Action::Reject
                if self.review.is_none() =>
            {
                return None;
            }
            Action::PreviousDisagreement => Command::StepDisagreement(false),
            Action::NextDisagreement => Command::StepDisagreement(true),
            Action::Reject => Command::RejectDisagreement,
        })
    }

    /// Moves the document's caret; false when no document is open.
    fn move_caret(&mut self, ctx: &egui::Context, motion: Motion, extend: bool) -> bool {
        let Some(open) = &self.open else {
            return false;
        };
        self.view
            .move_caret(ctx, open.session.document(), motion, extend);
        true
    }

    /// Reads the frame's shortcuts. Editing keys are ignored while a text field has focus;
    /// Esc, Enter and the digits belong to an open dialog (they answer it, and never reach
    /// the document behind it).
    pub(in crate::app) fn shortcuts(&mut self, ctx: &egui::Context) {
        let typing = ctx.text_edit_focused();
        let dialog_open = self.export.open
            || self.import.open
            || self.show_shortcuts
            || self.label_editor.open
            || self.relation_pick.is_some();
        let mut actions = Vec::new();
        let mut digits = Vec::new();
        let mut accepts = Vec::new();
        // The selected span's attribute keys (letters the project file gives them).
        let attribute_keys: Vec<char> = if typing || dialog_open {
            Vec::new()
        } else {
            self.open
                .as_ref()
                .and_then(|o| o.layer().get(o.selected_own()?))
                .zip(self.open.as_ref())
                .map(|(span, o)| {
                    o.session
                        .attributes_of(&span.label)
                        .iter()
                        .filter_map(|a| a.key)
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut attribute_presses = Vec::new();
        // With a span selected and no text selected, Shift+arrows move the span's end and
        // Alt+Shift+arrows its start (Ctrl: by a word); otherwise they extend the selection.
        let resizing = !typing
            && !dialog_open
            && self.view.selected_range().is_none()
            && self
                .open
                .as_ref()
                .is_some_and(|o| o.selected_own().is_some());
        ctx.input_mut(|i| {
            if resizing {
                for (modifiers, start, word) in EDGE_KEYS {
                    for (key, forward) in [(Key::ArrowLeft, false), (Key::ArrowRight, true)] {
                        if i.consume_shortcut(&KeyboardShortcut::new(modifiers, key)) {
                            actions.push((
                                Action::MoveSpanEdge {
                                    start,
                                    word,
                                    forward,
                                },
                                KeyboardShortcut::new(modifiers, key),
                            ));
                        }
                    }
                }
            }
            for binding in BINDINGS {
                if typing && !binding.while_typing {
                    continue;
                }
                if dialog_open && matches!(binding.action, Action::Deselect | Action::Accept) {
                    continue;
                }
                if let Some(shortcut) = binding.shortcuts.iter().find(|s| i.consume_shortcut(s)) {
                    actions.push((binding.action, *shortcut));
                }
            }
            for &letter in &attribute_keys {
                if let Some(key) = Key::from_name(&letter.to_ascii_uppercase().to_string())
                    && i.consume_shortcut(&KeyboardShortcut::new(NONE, key))
                {
                    attribute_presses.push(letter);
                }
            }
            if !typing && !dialog_open {
                for (n, key) in DIGITS.iter().enumerate() {
                    if i.consume_shortcut(&KeyboardShortcut::new(Modifiers::ALT, *key)) {
                        accepts.push(n);
                    }
                    if i.consume_shortcut(&KeyboardShortcut::new(NONE, *key)) {
                        digits.push(n + 1);
                    }
                }
            }
        });
        for (action, shortcut) in actions {
            if let Some(command) = self.command_for(ctx, action, shortcut) {
                self.commands.push(command);
            }
        }
        for n in accepts {
            if let (Some(open), Some(review)) = (&self.open, &self.review)
                && let Some(who) = review.shown_annotators(&open.session).get(n)
            {
                self.commands.push(Command::AcceptVersion(who.clone()));
            }
        }
        for letter in attribute_presses {
            self.commands.push(Command::CycleAttr(letter));
        }
        for digit in digits {
            if let Some(label) = self.open.as_ref().and_then(|o| o.scheme().by_hotkey(digit)) {
                self.commands.push(Command::Tag(label.name.clone()));
            }
        }
    }
}
