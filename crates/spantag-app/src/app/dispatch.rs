//! Carrying out [`Command`]s: the one place where what the user asked for changes the
//! session (through [`spantag_core::session::Session`]'s methods, each an undoable edit).

use std::path::Path;

use egui::ViewportCommand;

use super::{AfterConfirm, SpantagApp};
use crate::command::Command;
use crate::doc_view::{ScrollTarget, preview};
use crate::theme;
use spantag_core::annotation::validate_label_name;
use spantag_core::edit::Edit;
use spantag_core::session::{SpanRef, Tagged};

impl SpantagApp {
    /// The relations of span `id` (in the editable layer) whose type does not allow the
    /// labels at their ends, named for a message ("participates → GENÈVE"); `None` if all
    /// fit.
    fn relations_that_no_longer_fit(&self, id: u64) -> Option<String> {
        let open = self.open.as_ref()?;
        let state = open.session.editable();
        let layer = state.layer();
        let types = open.session.relation_types();
        let misfits: Vec<String> = state
            .relations_of(id)
            .filter_map(|r| {
                let (from, to) = (layer.get(r.from)?, layer.get(r.to)?);
                let kind = types.iter().find(|t| t.name == r.label)?;
                (!kind.allows(&from.label, &to.label)).then(|| {
                    let other = if r.from == id { to } else { from };
                    format!(
                        "{} {:?}",
                        r.label,
                        crate::doc_view::preview(&other.text, 30)
                    )
                })
            })
            .collect();
        (!misfits.is_empty()).then(|| format!("the relation(s) {}", misfits.join(", ")))
    }

    /// Tags the current selection (trimmed of whitespace) with `label`, or relabels the
    /// selected span when there is no text selection.
    fn tag(&mut self, label: &str) {
        let Some(open) = &mut self.open else { return };
        let id = open.layer_id().clone();
        let Some(range) = self.view.selected_range() else {
            if let Some(span_id) = open.selected_own()
                && let Some(span) = open.layer().get(span_id)
            {
                if span.label != label {
                    self.apply_edit(Edit::Relabel {
                        id: span_id,
                        label: label.to_owned(),
                    });
                    match self.relations_that_no_longer_fit(span_id) {
                        None => self.info(format!("Relabelled as {label}")),
                        Some(which) => self.warn(format!(
                            "Relabelled as {label}; {which} no longer fit(s) its type's labels: delete it in the span's details, or undo (Ctrl+Z)"
                        )),
                    }
                }
            } else {
                self.info("Select some text first (drag over it, or double-click a word)");
            }
            return;
        };
        match open.session.tag(&id, range, label) {
            Ok(Tagged::Added(span_id)) => {
                if self.log_edits
                    && let Some(span) = open.layer().get(span_id)
                {
                    // For the crash test: an independent record of what the user did.
                    eprintln!("spantag-edit: AddSpan({span:?})");
                }
                let shown = open
                    .layer()
                    .get(span_id)
                    .map(|s| preview(&s.text, 40))
                    .unwrap_or_default();
                open.selected_span = Some(SpanRef::new(&id, span_id));
                self.view.selection = None;
                self.span_list.reveal = true;
                self.info(format!("Tagged “{shown}” as {label}"));
            }
            Ok(Tagged::Duplicate(span_id)) => {
                open.selected_span = Some(SpanRef::new(&id, span_id));
                self.view.selection = None;
                self.info(format!("This text is already tagged as {label}"));
            }
            Ok(Tagged::OnlyWhitespace) => {
                self.info("The selection is only whitespace — nothing to tag");
            }
            Err(err) => self.error(format!("Could not tag: {err}")),
        }
    }

    /// Moves an end of the selected span (Shift+arrows: its end, Alt+Shift+arrows: its
    /// start; with Ctrl, by a word).
    fn move_span_edge(&mut self, start: bool, word: bool, forward: bool) {
        let Some(open) = &mut self.open else { return };
        let Some(span_id) = open.selected_own() else {
            return;
        };
        let id = open.layer_id().clone();
        let edge = if start {
            spantag_core::session::Edge::Start
        } else {
            spantag_core::session::Edge::End
        };
        match open
            .session
            .move_span_edge(&id, span_id, edge, word, forward)
        {
            Ok(Some(range)) => {
                let text = preview(open.session.document().slice(range.clone()), 40);
                self.view.scroll_to(ScrollTarget::Keep(if start {
                    range.start
                } else {
                    range.end
                }));
                self.info(format!("Span now “{text}” ({}–{})", range.start, range.end));
            }
            Ok(None) => self.info("The span cannot shrink further that way"),
            Err(err) => self.error(format!("Could not move the span's end: {err}")),
        }
    }

    pub(super) fn run_command(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::Open(path) => {
                if self.is_dirty() {
                    self.confirm = Some(AfterConfirm::Open(path));
                } else {
                    self.open_document(&path);
                }
            }
            Command::OpenDialog => self.open_dialog(ctx),
            Command::Save => {
                self.save();
            }
            Command::CloseDocument => {
                if self.is_dirty() {
                    self.confirm = Some(AfterConfirm::Close);
                } else {
                    self.open = None;
                    self.view.reset();
                }
            }
            Command::Quit => ctx.send_viewport_cmd(ViewportCommand::Close),
            Command::Undo | Command::Redo => {
                let Some(open) = &mut self.open else { return };
                let id = open.layer_id().clone();
                let undo = command == Command::Undo;
                let summary = |open: &crate::open::OpenDocument| {
                    open.session
                        .layer(&id)
                        .and_then(|l| l.redo_summary())
                        .map(|s| format!(": {s}"))
                        .unwrap_or_default()
                };
                let (done, what) = if undo {
                    let done = open.session.undo(&id);
                    (done, summary(open))
                } else {
                    let what = summary(open);
                    (open.session.redo(&id), what)
                };
                if let Some(selected) = &open.selected_span
                    && open
                        .session
                        .layer(&selected.layer)
                        .is_none_or(|l| l.layer().get(selected.id).is_none())
                {
                    open.selected_span = None;
                }
                self.info(match (undo, done) {
                    (true, true) => format!("Undone{what}"),
                    (true, false) => "Nothing to undo".to_owned(),
                    (false, true) => format!("Redone{what}"),
                    (false, false) => "Nothing to redo".to_owned(),
                });
            }
            Command::Tag(label) => self.tag(&label),
            Command::DeleteSelected => {
                let Some(id) = self.open.as_ref().and_then(|o| o.selected_own()) else {
                    self.info("Click a span first, then press Delete");
                    return;
                };
                let what = self
                    .open
                    .as_ref()
                    .map(|o| {
                        spantag_core::edit_summary::describe(
                            &Edit::RemoveSpan(id),
                            o.session.editable().layer(),
                        )
                    })
                    .unwrap_or_default();
                self.apply_edit(Edit::RemoveSpan(id));
                if let Some(open) = &mut self.open {
                    open.selected_span = None;
                }
                let what = what.strip_prefix("delete ").unwrap_or(&what).to_owned();
                self.info(format!("Deleted {what} (Ctrl+Z brings it back)"));
            }
            Command::SelectSpan(Some(target), false)
                if self.relating.as_ref().is_some_and(|source| {
                    source.layer == target.layer && source.id != target.id
                }) =>
            {
                // The click that picks a relation's target.
                if let Some(source) = self.relating.take() {
                    self.relation_pick = Some((source, target.id));
                }
            }
            Command::SelectSpan(target, reveal) => {
                if self.relating.take().is_some() {
                    self.info(
                        "No relation made (click another span of the same layer as its target)",
                    );
                }
                let Some(open) = &mut self.open else { return };
                let id = open.layer_id().clone();
                open.session.break_coalescing(&id);
                let start = target.as_ref().and_then(|r| {
                    open.session
                        .layer(&r.layer)
                        .and_then(|l| l.layer().get(r.id))
                        .map(|s| s.start)
                });
                open.selected_span = target;
                if reveal && let Some(start) = start {
                    self.view.scroll_to(ScrollTarget::Reveal(start));
                    self.view.selection = None;
                }
            }
            Command::SetAttr(..)
            | Command::SetNote(..)
            | Command::CycleAttr(_)
            | Command::StartPiece
            | Command::AddEventArg(..)
            | Command::RemoveEventPart(..)
            | Command::JoinPieces(_) => self.run_attribute_command(command),
            Command::AddLabel(layer, name) => {
                let Some(open) = &mut self.open else { return };
                match validate_label_name(&name) {
                    Err(why) => self.label_error = Some(why),
                    Ok(()) if open.scheme().get(&name).is_some() => {
                        self.label_error = Some(format!("There is a label {name:?} already"));
                    }
                    Ok(()) => match open.session.apply(&layer, Edit::AddLabel(name.clone())) {
                        Ok(()) => {
                            self.label_input.clear();
                            self.label_error = None;
                            self.info(format!("Added label {name}"));
                        }
                        Err(err) => self.label_error = Some(err.to_string()),
                    },
                }
            }
            Command::GoTo(target) => self.view.scroll_to(target),
            Command::ToggleTheme => {
                self.settings.dark_mode = !self.settings.dark_mode;
                theme::apply(ctx, self.settings.dark_mode);
                self.save_settings();
            }
            Command::ToggleShortcuts => self.show_shortcuts = !self.show_shortcuts,
            Command::OpenFolderDialog => self.open_folder_dialog(ctx),
            Command::WalkSpans(forward) => {
                let Some(open) = &self.open else { return };
                let spans = open.layer().spans();
                if spans.is_empty() {
                    self.info("No spans yet");
                    return;
                }
                let n = spans.len();
                let next = match open.selected_own().and_then(|id| open.layer().position(id)) {
                    Some(at) if forward => (at + 1) % n,
                    Some(at) => (at + n - 1) % n,
                    None => {
                        // From the caret (or the top of the view).
                        let from = self
                            .view
                            .selected_range()
                            .map(|r| r.start)
                            .or_else(|| self.view.top_offset())
                            .unwrap_or(0);
                        let at = spans.partition_point(|s| s.start < from);
                        if forward {
                            at % n
                        } else {
                            at.checked_sub(1).unwrap_or(n - 1)
                        }
                    }
                };
                let target = open.own(spans[next].id);
                self.span_list.reveal = true;
                self.commands.push(Command::SelectSpan(Some(target), true));
            }
            Command::StartRelation => {
                let Some(source) = self
                    .open
                    .as_ref()
                    .and_then(|o| o.selected_own().map(|id| o.own(id)))
                else {
                    self.info(
                        "Select a span first (click it), then press R and click the target span",
                    );
                    return;
                };
                let text = self
                    .open
                    .as_ref()
                    .and_then(|o| o.layer().get(source.id))
                    .map(|s| preview(&s.text, 30))
                    .unwrap_or_default();
                self.relating = Some(source);
                self.info(format!(
                    "Relation from “{text}”: click the target span (Esc cancels)"
                ));
            }
            Command::CancelRelation => {
                self.relating = None;
                self.relation_pick = None;
            }
            Command::AddRelation(source, target, label) => {
                self.relation_pick = None;
                let Some(open) = &mut self.open else { return };
                match open
                    .session
                    .add_relation(&source.layer, source.id, target, &label)
                {
                    Ok(_) => self.info(format!("Added a “{label}” relation (Ctrl+Z undoes it)")),
                    Err(err) => self.error(format!("Could not add the relation: {err}")),
                }
            }
            Command::DeleteRelation(layer, id) => {
                let Some(open) = &mut self.open else { return };
                match open.session.apply(&layer, Edit::RemoveRelation(id)) {
                    Ok(()) => self.info("Relation deleted (Ctrl+Z brings it back)"),
                    Err(err) => self.error(format!("Could not delete the relation: {err}")),
                }
            }
            Command::NextDocument(forward) => {
                let (Some(corpus), Some(current)) = (
                    &self.corpus,
                    self.open
                        .as_ref()
                        .and_then(|o| o.session.document().path())
                        .map(Path::to_path_buf),
                ) else {
                    self.info("Open a folder first (File → Open folder…, or spantag FOLDER)");
                    return;
                };
                let Some(next) = corpus.neighbour(&current, forward) else {
                    self.info("This is the corpus's only document");
                    return;
                };
                if !self.save_before_leaving() {
                    return;
                }
                // Reviewing a folder goes on reviewing.
                if self.review.is_some() {
                    self.open_review(&next, true);
                } else {
                    self.open_document(&next);
                }
            }
            Command::ResolveConflict(id, keep) => {
                let Some(open) = &self.open else { return };
                match spantag_core::team::conflict::resolve(open.layer(), id, keep) {
                    Some(edit) => {
                        self.apply_edit(edit);
                        let left = self.open.as_ref().map_or(0, |o| o.layer().conflicts.len());
                        let side = match keep {
                            spantag_core::team::conflict::Keep::Ours => "ours",
                            spantag_core::team::conflict::Keep::Theirs => "theirs",
                        };
                        self.info(if left == 0 {
                            format!(
                                "Kept {side} for {id}; no merge conflict left — save to record it"
                            )
                        } else {
                            format!(
                                "Kept {side} for {id}; {} left",
                                spantag_core::edit_summary::count(
                                    left,
                                    "merge conflict",
                                    "merge conflicts"
                                )
                            )
                        });
                    }
                    None => self.warn(format!("No merge conflict {id} here any more")),
                }
            }
            Command::ToggleDone => {
                let Some(open) = &self.open else { return };
                let done = !open.layer().done;
                self.apply_edit(Edit::SetDone(done));
                if let Some(open) = &self.open
                    && let (Some(corpus), Some(path)) =
                        (&mut self.corpus, open.session.document().path())
                {
                    corpus.update(path, open.layer().spans().len(), done);
                }
                self.info(if done {
                    "Marked done (saved with your annotations)"
                } else {
                    "Marked not done"
                });
            }
            Command::ShowSearch => {
                if self.open.is_none() {
                    self.info("Open a document first");
                    return;
                }
                // A selection on one line becomes the text to find.
                if let (Some(open), Some(range)) = (&self.open, self.view.selected_range()) {
                    let text = open.session.document().slice(range);
                    if !text.contains('\n') && text.chars().count() <= 200 {
                        self.search.query.text = text.to_owned();
                    }
                }
                self.search.show();
            }
            Command::CloseSearch => {
                self.search.open = false;
                self.view.focus();
            }
            Command::SearchStep(forward) => {
                if !self.search.open {
                    self.search.show();
                    return;
                }
                let offset = self
                    .view
                    .selected_range()
                    .map_or_else(|| self.view.top_offset().unwrap_or(0), |r| r.start);
                match self.search.step(forward, offset) {
                    Some(range) => {
                        self.view.selection = Some(crate::doc_view::Selection {
                            anchor: range.start,
                            head: range.end,
                        });
                        self.view.scroll_to(ScrollTarget::Reveal(range.start));
                    }
                    None => self.info("No matches"),
                }
            }
            Command::TagAllMatches(label) => {
                let Some(open) = &mut self.open else { return };
                let id = open.layer_id().clone();
                let total = self.search.matches.len();
                match open.session.tag_all(&id, &self.search.matches, &label) {
                    Ok(0) => {
                        self.info(format!("All {total} matches are tagged as {label} already"))
                    }
                    Ok(n) => self.info(format!(
                        "Tagged {n} of {total} matches as {label} (Ctrl+Z undoes it)"
                    )),
                    Err(err) => self.error(format!("Could not tag: {err}")),
                }
                // Back to the field: Enter steps on, Esc closes the bar.
                self.search.show();
            }
            Command::ShowLabelEditor if self.review.is_some() => {
                self.info("Labels are edited while annotating: Ctrl+R leaves review first");
            }
            Command::ShowLabelEditor => {
                self.label_editor.open = !self.label_editor.open;
                self.label_editor.error = None;
                self.label_editor.refresh_project();
            }
            Command::EditorAddLabel(name) => {
                self.change_scheme(super::labels::SchemeChange::Add(name));
            }
            Command::LabelColor(name, color) => {
                self.change_scheme(super::labels::SchemeChange::Color(name, color));
            }
            Command::MoveLabel(name, to) => {
                self.change_scheme(super::labels::SchemeChange::Move(name, to));
            }
            Command::RemoveLabel(name, confirmed) => self.remove_label(name, confirmed),
            Command::AskRenameLabel(old, new) => self.ask_rename_label(old, new),
            Command::RenameLabel(old, new) => self.rename_label(old, new),
            Command::MoveSpanEdge {
                start,
                word,
                forward,
            } => self.move_span_edge(start, word, forward),
            Command::AcceptSuggestion(which) => self.accept_suggestion(which),
            Command::RejectSuggestion => self.reject_suggestion(),
            Command::ToggleSuggestions => {
                self.settings.suggestions = !self.settings.suggestions;
                self.save_settings();
            }
            Command::ToggleSuggestTaggedElsewhere => {
                self.settings.suggest_tagged_elsewhere = !self.settings.suggest_tagged_elsewhere;
                self.save_settings();
            }
            Command::SuggestFrom(source) => {
                if let Some(name) = &source {
                    self.info(format!("Suggesting {name}'s spans"));
                }
                self.suggestions.set_source(source);
            }
            Command::ToggleSnapWords => {
                self.settings.snap_to_words = !self.settings.snap_to_words;
                self.save_settings();
            }
            Command::ToggleLeftPanel => {
                self.settings.show_left_panel = !self.settings.show_left_panel;
                self.save_settings();
            }
            Command::ToggleRightPanel => {
                self.settings.show_right_panel = !self.settings.show_right_panel;
                self.save_settings();
            }
            Command::PlaceOrphan(target) => {
                let Some(open) = &mut self.open else { return };
                let Some(range) = self.view.selected_range() else {
                    self.info("Select the text where the orphaned span belongs, then click Place");
                    return;
                };
                match open.session.place_orphan(&target.layer, target.id, range) {
                    Ok(()) => {
                        open.selected_span = Some(target);
                        self.view.selection = None;
                        self.info("Placed the orphaned span (Ctrl+Z undoes it)");
                    }
                    Err(err) => self.error(format!("Could not place it: {err}")),
                }
            }
            Command::DeleteOrphan(target) => {
                let Some(open) = &mut self.open else { return };
                match open
                    .session
                    .apply(&target.layer, Edit::RemoveOrphan(target.id))
                {
                    Ok(()) => self.info("Orphaned span deleted (Ctrl+Z brings it back)"),
                    Err(err) => self.error(format!("Could not delete it: {err}")),
                }
            }
            Command::ShowExport => {
                match self.open.as_ref().and_then(|o| o.session.document().path()) {
                    Some(path) => self.export.show_for(path),
                    None => self.info("Open a document first"),
                }
            }
            Command::ShowImport => {
                let folder = self
                    .open
                    .as_ref()
                    .and_then(|o| o.session.document().path())
                    .and_then(Path::parent)
                    .map(Path::to_path_buf);
                self.import
                    .show_for(folder.as_deref(), &self.annotator.clone());
            }
            Command::Review(path, first) => {
                if !self.save_before_leaving() {
                    return;
                }
                self.open_review(&path, first);
            }
            Command::ToggleReview => self.toggle_review(),
            Command::StepDisagreement(forward) => self.step_disagreement(forward),
            Command::AcceptVersion(who) => self.accept_version(&who),
            Command::RejectDisagreement => self.reject_disagreement(),
            Command::AcceptAllAgreed => self.accept_all_agreed(),
            Command::ToggleLayer(id) => self.toggle_layer(id),
            Command::ShowAgreement => {
                match self
                    .open
                    .as_ref()
                    .and_then(|o| o.session.document().path())
                    .and_then(Path::parent)
                    .map(Path::to_path_buf)
                {
                    Some(folder) => self.agreement.show_for(ctx, &folder),
                    None => self.info("Open a document first"),
                }
            }
            Command::FontSize(delta) => {
                let (lo, hi) = theme::FONT_SIZE_RANGE;
                self.settings.font_size = (self.settings.font_size + delta).clamp(lo, hi);
                self.save_settings();
            }
        }
    }
}
