//! Accepting and rejecting suggestions (ghost spans), and choosing where they come from.

use super::SpantagApp;
use crate::doc_view::{ScrollTarget, Selection, preview};
use spantag_core::annotation::Rejection;
use spantag_core::edit::Edit;
use spantag_core::session::Tagged;
use spantag_core::suggest::{self, Suggestion};

impl SpantagApp {
    /// The suggestion a key or a click acts on: `which`, else the current one. A key press
    /// on a suggestion that is off screen first scrolls to it (the user sees what Enter
    /// would tag before it is tagged).
    fn suggestion_at_hand(&mut self, which: Option<usize>) -> Option<Suggestion> {
        let open = self.open.as_ref()?;
        let Some(i) = which.or(self.suggestions.current) else {
            self.info("No suggestion left here");
            return None;
        };
        let s = self.suggestions.items.get(i)?.clone();
        let state = open.session.editable();
        if !suggest::is_live(&s, state.layer(), state.index()) {
            return None;
        }
        // On screen: some part of it lies wholly inside the view (its line being laid out
        // is not enough: a long paragraph reaches far below the window).
        let seen = self.view.viewport().is_some_and(|viewport| {
            self.view
                .screen_rects_of(s.range(), open.session.document())
                .iter()
                .any(|r| viewport.contains_rect(*r))
        });
        if which.is_none() && !seen {
            self.view.scroll_to(ScrollTarget::Reveal(s.start));
            self.view.selection = Some(Selection {
                anchor: s.start,
                head: s.start,
            });
            let text = preview(open.session.document().slice(s.range()), 40);
            self.info(format!(
                "Suggestion: “{text}” as {} — Enter accepts, Backspace rejects",
                s.label
            ));
            return None;
        }
        Some(s)
    }

    /// Tags a suggestion (one undoable step); the caret moves past it, so that the next
    /// `Enter` takes the next suggestion.
    pub(super) fn accept_suggestion(&mut self, which: Option<usize>) {
        let Some(s) = self.suggestion_at_hand(which) else {
            return;
        };
        let Some(open) = &mut self.open else { return };
        let id = open.layer_id().clone();
        match open.session.tag(&id, s.range(), &s.label) {
            Ok(Tagged::Added(_)) => {
                let text = preview(open.session.document().slice(s.range()), 40);
                open.selected_span = None;
                self.view.selection = Some(Selection {
                    anchor: s.end,
                    head: s.end,
                });
                self.info(format!("Accepted “{text}” as {}", s.label));
            }
            Ok(Tagged::Duplicate(_)) => self.info(format!("Already tagged as {}", s.label)),
            Ok(Tagged::OnlyWhitespace) => {}
            Err(err) => self.error(format!("Could not tag: {err}")),
        }
    }

    /// Turns the current suggestion down; it is remembered in the annotation file and not
    /// suggested again for this document (Ctrl+Z brings it back).
    pub(super) fn reject_suggestion(&mut self) {
        let Some(s) = self.suggestion_at_hand(None) else {
            return;
        };
        let Some(open) = &self.open else { return };
        let text = open.session.document().slice(s.range()).to_owned();
        self.apply_edit(Edit::Reject(Rejection {
            start: s.start,
            end: s.end,
            label: s.label.clone(),
            text: text.clone(),
        }));
        self.view.selection = Some(Selection {
            anchor: s.end,
            head: s.end,
        });
        self.info(format!(
            "Rejected “{}” as {} (Ctrl+Z brings it back)",
            preview(&text, 40),
            s.label
        ));
    }
}
