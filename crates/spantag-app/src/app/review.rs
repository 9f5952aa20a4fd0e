//! Review mode in the shell: entering and leaving it, stepping through disagreements,
//! accepting or rejecting versions, "Accept all agreed", showing and hiding layers.

use std::path::Path;

use super::SpantagApp;
use crate::doc_view::{ScrollTarget, Selection};
use crate::review::ReviewState;
use spantag_core::annotation::Layer;
use spantag_core::review::navigate;
use spantag_core::session::LayerId;

impl SpantagApp {
    /// Whether the open document is in review mode.
    pub fn in_review(&self) -> bool {
        self.review.is_some()
    }

    /// The review state (tests read the navigator).
    pub fn review_state(&self) -> Option<&ReviewState> {
        self.review.as_ref()
    }

    /// Opens a document in review mode.
    pub fn open_review(&mut self, path: &Path, first_disagreement: bool) {
        self.goto_first_disagreement = first_disagreement;
        self.start_loading(path, super::loading::Kind::Review);
    }

    /// Opens the document again from disk in the mode it is in: a review stays a review,
    /// with the same annotators hidden (after an outside change to the curated file).
    pub(super) fn reopen(&mut self, doc: &Path) {
        let review = self.review.take();
        self.open = None;
        match review {
            Some(old) => {
                self.open_review(doc, false);
                self.wait_until_loaded();
                if let Some(review) = &mut self.review {
                    review.hidden = old.hidden;
                    review.options = old.options;
                }
            }
            None => {
                self.open_document(doc);
                self.wait_until_loaded();
            }
        }
    }

    /// Switches the open document between annotating and reviewing (saving unsaved changes
    /// first; the status bar says so once the switch is done).
    pub(super) fn toggle_review(&mut self) {
        let Some(path) = self
            .open
            .as_ref()
            .and_then(|o| o.session.document().path())
            .map(Path::to_path_buf)
        else {
            self.info("Open a document first");
            return;
        };
        if !self.save_before_leaving() {
            return;
        }
        if self.review.is_some() {
            self.review = None;
            self.open = None;
            self.open_document(&path);
        } else {
            self.open_review(&path, true);
        }
    }

    fn shown_layers(&self) -> Vec<Layer> {
        let (Some(open), Some(review)) = (&self.open, &self.review) else {
            return Vec::new();
        };
        review
            .shown_annotators(&open.session)
            .iter()
            .filter_map(|id| open.session.layer(id).map(|l| l.layer().clone()))
            .collect()
    }

    pub(super) fn step_disagreement(&mut self, forward: bool) {
        let (Some(open), Some(review)) = (&mut self.open, &mut self.review) else {
            return;
        };
        review.refresh(&open.session);
        let offset = self
            .view
            .selected_range()
            .map_or_else(|| self.view.top_offset().unwrap_or(0), |r| r.start);
        let curated = open.session.editable().layer();
        if review.navigator.step(forward, offset, curated).is_none() {
            self.info("The shown annotators agree everywhere");
            return;
        }
        if let Some(d) = review.navigator.current() {
            let (start, end) = (d.start, d.end);
            let left = review.navigator.open_count(curated);
            self.view.selection = Some(Selection {
                anchor: start,
                head: end,
            });
            self.view.scroll_to(ScrollTarget::Reveal(start));
            open.selected_span = None;
            self.info(format!(
                "{} open",
                spantag_core::edit_summary::count(left, "disagreement", "disagreements")
            ));
        }
    }

    pub(super) fn accept_version(&mut self, who: &LayerId) {
        let layers = self.shown_layers();
        let (Some(open), Some(review)) = (&mut self.open, &mut self.review) else {
            return;
        };
        let Some(d) = review.navigator.current().cloned() else {
            self.info("Go to a disagreement first (N)");
            return;
        };
        let Some(k) = d.says.iter().position(|s| s.annotator == who.name()) else {
            self.info(format!("{who} is not among the shown annotators"));
            return;
        };
        let edit = navigate::accept_version(
            open.session.document(),
            open.session.editable().layer(),
            &d,
            k,
            &layers,
        );
        let curated = open.session.editable_id().clone();
        let no_span = d.says[k].spans.is_empty();
        match open.session.apply(&curated, edit) {
            Ok(()) => {
                if no_span {
                    self.info(format!(
                        "Accepted {who}'s “no span”: no version goes into the curated layer here (Ctrl+Z undoes it)"
                    ));
                } else {
                    self.info(format!("Accepted {who}'s version (Ctrl+Z undoes it)"));
                }
                self.step_disagreement(true);
            }
            Err(err) => self.error(format!("Could not accept: {err}")),
        }
    }

    pub(super) fn reject_disagreement(&mut self) {
        let (Some(open), Some(review)) = (&mut self.open, &self.review) else {
            return;
        };
        let Some(d) = review.navigator.current().cloned() else {
            self.info("Go to a disagreement first (N)");
            return;
        };
        let edit = navigate::reject(open.session.document(), open.session.editable().layer(), &d);
        let curated = open.session.editable_id().clone();
        match open.session.apply(&curated, edit) {
            Ok(()) => {
                self.info(
                    "Rejected: none of these versions goes into the curated layer (Ctrl+Z undoes it)",
                );
                self.step_disagreement(true);
            }
            Err(err) => self.error(format!("Could not reject: {err}")),
        }
    }

    pub(super) fn accept_all_agreed(&mut self) {
        let layers = self.shown_layers();
        let (Some(open), Some(review)) = (&mut self.open, &mut self.review) else {
            return;
        };
        if let Some((id, _)) = review.unreadable.first() {
            let id = id.clone();
            self.warn(format!(
                "{id}'s layer could not be read: fix its file and open the review again before accepting what the others agree on"
            ));
            return;
        }
        if layers.len() < 2 {
            self.info("Show at least two annotators to accept what they agree on");
            return;
        }
        let (edit, n) = navigate::accept_agreed(
            open.session.document(),
            open.session.editable().layer(),
            &layers,
            review.options,
        );
        if n == 0 {
            self.info("Nothing new to accept: the curated layer has every agreed span");
            return;
        }
        let curated = open.session.editable_id().clone();
        match open.session.apply(&curated, edit) {
            Ok(()) => {
                let left = review.navigator.open_count(open.session.editable().layer());
                self.info(format!(
                    "Accepted {}; {} open (Ctrl+Z undoes it)",
                    spantag_core::edit_summary::count(n, "agreed span", "agreed spans"),
                    spantag_core::edit_summary::count(left, "disagreement", "disagreements")
                ));
            }
            Err(err) => self.error(format!("Could not accept: {err}")),
        }
    }

    pub(super) fn toggle_layer(&mut self, id: LayerId) {
        let Some(review) = &mut self.review else {
            return;
        };
        if !review.hidden.remove(&id) {
            review.hidden.insert(id);
        }
    }

    /// Review: each annotator's version of the current disagreement, under the document
    /// (the versions strip, [`crate::versions`]).
    pub(super) fn versions_panel(&mut self, ui: &mut egui::Ui) {
        if let (Some(open), Some(review)) = (&self.open, &mut self.review)
            && let Some(d) = review.navigator.current()
        {
            // Room for every row at first (the annotators', the curated one, the heading),
            // at most two fifths of the window; the user can drag it.
            let rows = d.says.len() as f32 + 1.0;
            let height = (34.0 + 40.0 * rows).min(ui.available_height() * 0.4);
            egui::Panel::bottom("versions")
                .resizable(true)
                .default_size(height)
                .show(ui, |ui| {
                    crate::versions::versions_ui(ui, open, review, &mut self.commands);
                });
        }
    }
}
