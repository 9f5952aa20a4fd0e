//! The application shell: it owns the open document's [`Session`], the view state and the
//! dialogs, lays out the panels each frame, and carries out the [`Command`]s that panels,
//! menus and keys push.
//!
//! | file | holds |
//! |---|---|
//! | `mod.rs` | the app struct, the frame's layout |
//! | `dispatch.rs` | carrying out commands (tagging, undo, selection, labels, orphans) |
//! | `keymap.rs` | the keyboard shortcuts: one table for keys, menus and the help window; `keymap/press.rs` reads the keys each frame |
//! | `menus.rs` | the menu bar |
//! | `status.rs` | the status bar and its messages |
//! | `start.rs` | the start screen |
//! | `dialogs.rs` | unsaved-changes, shortcuts, export/import and the problems strip |
//! | `loading.rs` | opening a document off the UI thread, with progress |
//! | `review.rs` | review mode: the navigator, accepting and rejecting versions |
//! | `labels.rs` | the label editor's changes, renaming labels across the corpus |
//! | `relations.rs` | picking a new relation's type |
//! | `suggesting.rs` | accepting and rejecting suggestions |
//! | `safety.rs` | recovery files, changes on disk (reload, keep mine, merge), Save As |
//! | `side_panels.rs` | the labels panel and the span list: resizing, hiding, narrow windows |

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use egui::ViewportCommand;

/// About a screen of text (code points), for what the view will show before it has drawn.
const SCREENFUL_CHARS: usize = 8_000;

mod attributes;
mod dialogs;
mod dispatch;
mod file_dialog;
mod keymap;
mod labels;
mod loading;
mod menus;
mod relations;
mod review;
mod safety;
mod side_panels;
mod start;
mod status;
mod suggesting;

pub use keymap::SHORTCUTS;

use crate::command::Command;
use crate::doc_view::{DocView, ViewInput, ViewLayer};
use crate::open::OpenDocument;
use crate::{agreement, panels, theme, transfer};
use spantag_core::annotation::Layer;
use spantag_core::edit::Edit;
use spantag_core::session::{Session, SpanRef};
use spantag_core::settings::{Settings, os_user_name};
use spantag_core::store;

/// How the app was started.
#[derive(Debug, Clone, Default)]
pub struct AppOptions {
    /// A document to open at once.
    pub document: Option<PathBuf>,
    /// Who is annotating (else the last used name, else the OS user name).
    pub annotator: Option<String>,
    /// Where settings live (else the user's config folder). Tests point this at a temp dir.
    pub config_dir: Option<PathBuf>,
    /// For the start-up benchmark: print the time since this instant when the first frame
    /// with document text has been drawn, then quit.
    pub exit_after_first_frame: Option<Instant>,
    /// Open `document` in review mode (at its first disagreement).
    pub review: bool,
    /// Also show the agreement panel for the document's folder.
    pub agreement: bool,
    /// Suggest the spans of this annotator's layer (e.g. `model`, imported predictions).
    pub suggest_from: Option<String>,
    /// List this folder in the folder panel as well (`spantag review FOLDER`), without
    /// opening its first document: `document` is the one opened.
    pub folder: Option<PathBuf>,
}

/// What to do once the user has answered the unsaved-changes question.
#[derive(Debug, Clone, PartialEq)]
enum AfterConfirm {
    Quit,
    Close,
    Open(PathBuf),
}

/// The spantag application.
pub struct SpantagApp {
    settings: Settings,
    config_dir: Option<PathBuf>,
    /// Who is annotating.
    pub annotator: String,
    /// The open document, if any.
    pub open: Option<OpenDocument>,
    /// The document view's state.
    pub view: DocView,
    commands: Vec<Command>,
    status: status::StatusLine,
    path_input: String,
    annotator_input: String,
    label_input: String,
    label_error: Option<String>,
    confirm: Option<AfterConfirm>,
    allow_close: bool,
    dialog: Option<mpsc::Receiver<Option<PathBuf>>>,
    title: String,
    show_shortcuts: bool,
    span_list: panels::SpanListState,
    /// The Export… dialog.
    pub export: transfer::ExportDialog,
    /// The Import… dialog.
    pub import: transfer::ImportDialog,
    exit_after_first_frame: Option<Instant>,
    safety: safety::Safety,
    loading: Option<loading::Loading>,
    /// Review mode's state, when the open document is being reviewed.
    review: Option<crate::review::ReviewState>,
    goto_first_disagreement: bool,
    /// "Saved … to …", when leaving a document saved it: said again once the next one is
    /// open, whose loading messages would otherwise hide it.
    saved_on_leaving: Option<String>,
    pending_layers: Option<loading::PendingLayers>,
    /// The agreement panel.
    pub agreement: agreement::AgreementPanel,
    /// The search bar.
    pub search: crate::search::SearchState,
    /// The open corpus folder, if any.
    pub corpus: Option<crate::corpus::CorpusState>,
    /// Where the labels panel was drawn last frame (tests check that its content fits).
    pub left_panel_rect: Option<egui::Rect>,
    /// The side panel shown as a drawer in a narrow window, if any.
    pub drawer: Option<side_panels::Drawer>,
    /// Suggestions for the open document.
    pub suggestions: crate::suggestions::SuggestState,
    /// The label editor.
    pub label_editor: crate::label_editor::LabelEditor,
    /// The context, for background work to ask for a frame when it is done.
    egui_ctx: Option<egui::Context>,
    /// A relation being made: its source span, waiting for a click on the target.
    relating: Option<SpanRef>,
    /// Source and target chosen; the type is being picked.
    relation_pick: Option<(SpanRef, u64)>,
    /// A piece being added to this span of the editable layer: the next selection made
    /// with the mouse becomes one (G, then a drag).
    adding_piece: Option<u64>,
    log_edits: bool,
}

impl SpantagApp {
    /// Creates the app (used by `main` and by the UI tests). A document given in `options`
    /// opens in the background when it takes longer than a moment (a large document, or one
    /// whose spans must be re-anchored), with progress on screen.
    pub fn new(cc: &eframe::CreationContext<'_>, options: AppOptions) -> Self {
        theme::install_fallback_fonts(&cc.egui_ctx);
        let mut app = Self::build(options, false, Some(cc.egui_ctx.clone()));
        theme::apply(&cc.egui_ctx, app.settings.dark_mode);
        app.title.clear();
        app
    }

    /// Creates the app without a window (benchmarks, headless frames); a document given in
    /// `options` is open when this returns.
    pub fn headless(options: AppOptions) -> Self {
        Self::build(options, true, None)
    }

    fn build(options: AppOptions, wait: bool, egui_ctx: Option<egui::Context>) -> Self {
        let config_dir = options.config_dir.or_else(Settings::default_dir);
        let settings = config_dir
            .as_deref()
            .map(Settings::load)
            .unwrap_or_default();
        let annotator = options
            .annotator
            .or_else(|| settings.last_annotator.clone())
            .filter(|a| store::validate_user_annotator(a).is_ok())
            .unwrap_or_else(os_user_name);
        let mut app = Self {
            settings,
            config_dir,
            annotator_input: annotator.clone(),
            annotator,
            open: None,
            view: DocView::default(),
            commands: Vec::new(),
            status: status::StatusLine::default(),
            path_input: String::new(),
            label_input: String::new(),
            label_error: None,
            confirm: None,
            allow_close: false,
            dialog: None,
            title: String::new(),
            show_shortcuts: false,
            span_list: panels::SpanListState::default(),
            export: transfer::ExportDialog::default(),
            import: transfer::ImportDialog::default(),
            exit_after_first_frame: options.exit_after_first_frame,
            safety: safety::Safety::default(),
            loading: None,
            review: None,
            goto_first_disagreement: false,
            saved_on_leaving: None,
            pending_layers: None,
            agreement: agreement::AgreementPanel::default(),
            search: crate::search::SearchState::default(),
            corpus: None,
            suggestions: crate::suggestions::SuggestState::default(),
            label_editor: crate::label_editor::LabelEditor::default(),
            left_panel_rect: None,
            drawer: None,
            relating: None,
            egui_ctx,
            relation_pick: None,
            adding_piece: None,
            log_edits: std::env::var_os("SPANTAG_LOG_EDITS").is_some(),
        };
        app.suggestions.set_source(
            options
                .suggest_from
                .filter(|name| store::validate_user_annotator(name).is_ok()),
        );
        if let Some(folder) = &options.folder {
            app.open_folder(folder);
            if let Some(corpus) = &mut app.corpus {
                corpus.open_when_listed = false;
            }
        }
        if let Some(path) = options.document {
            if options.review {
                app.open_review(&path, true);
            } else {
                app.open_document(&path);
            }
            if wait {
                app.wait_until_loaded();
            }
            if options.agreement {
                app.commands.push(Command::ShowAgreement);
            }
        }
        app
    }

    /// Queues a command (tests use this like a click would).
    pub fn push(&mut self, command: Command) {
        self.commands.push(command);
    }

    /// The status bar message, if any.
    pub fn status_text(&self) -> Option<&str> {
        self.status.text()
    }

    /// The open document's session.
    pub fn session(&self) -> Option<&Session> {
        self.open.as_ref().map(|o| &o.session)
    }

    /// The editable layer of the open document.
    pub fn layer(&self) -> Option<&Layer> {
        self.open.as_ref().map(OpenDocument::layer)
    }

    /// The selected span, if any.
    pub fn selected_span(&self) -> Option<&SpanRef> {
        self.open.as_ref().and_then(|o| o.selected_span.as_ref())
    }

    fn info(&mut self, text: impl Into<String>) {
        self.status.set(text, status::StatusKind::Info);
    }

    fn warn(&mut self, text: impl Into<String>) {
        self.status.set(text, status::StatusKind::Warning);
    }

    fn error(&mut self, text: impl Into<String>) {
        self.status.set(text, status::StatusKind::Error);
    }

    fn save_settings(&mut self) {
        if let Some(dir) = &self.config_dir
            && let Err(err) = self.settings.save(dir)
        {
            self.warn(format!("Could not remember settings: {err}"));
        }
    }

    /// Saves the editable layer; returns whether it worked.
    pub fn save(&mut self) -> bool {
        if !self.check_before_save() {
            return false;
        }
        let Some(open) = &mut self.open else {
            return false;
        };
        let id = open.layer_id().clone();
        match open.session.save(&id) {
            Ok(path) => {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let n = open.layer().spans().len();
                if let (Some(corpus), Some(doc)) =
                    (&mut self.corpus, open.session.document().path())
                {
                    corpus.update(doc, n, open.layer().done);
                    // What was tagged here is suggested in the corpus's other documents.
                    self.suggestions.remember_layer(
                        doc,
                        open.session.document_arc(),
                        open.layer().snapshot(),
                    );
                }
                self.info(format!(
                    "Saved {n} span{} to {name}",
                    if n == 1 { "" } else { "s" }
                ));
                true
            }
            Err(err) => {
                let message = format!("Not saved: {err}");
                self.error(format!("{message}. Your edits are still here"));
                self.offer_save_as(message);
                false
            }
        }
    }

    /// Saves unsaved changes before another document (or review mode) replaces this one;
    /// returns whether it may go on. The "Saved …" message is kept for after the switch.
    fn save_before_leaving(&mut self) -> bool {
        if !self.is_dirty() {
            return true;
        }
        if !self.save() {
            return false;
        }
        self.saved_on_leaving = self.status_text().map(str::to_owned);
        true
    }

    /// Whether there are unsaved changes.
    pub fn is_dirty(&self) -> bool {
        self.open.as_ref().is_some_and(|o| o.session.is_dirty())
    }

    /// Applies an edit to the editable layer as one undoable step.
    fn apply_edit(&mut self, edit: Edit) {
        let Some(open) = &mut self.open else { return };
        if self.log_edits {
            // For the crash test: an independent record of what the user did, and when.
            eprintln!("spantag-edit: {edit:?}");
        }
        let id = open.layer_id().clone();
        if let Err(err) = open.session.apply(&id, edit) {
            self.error(format!("Could not change the annotations: {err}"));
        }
    }

    /// The document view alone (the central panel's content).
    pub fn document_ui(&mut self, ui: &mut egui::Ui) {
        let Some(open) = &self.open else { return };
        let session = &open.session;
        if session.document().char_len() == 0 {
            let name = session
                .document()
                .path()
                .map_or_else(|| "This document".to_owned(), file_name);
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() * 0.3);
                ui.label(egui::RichText::new(format!("{name} is empty")).size(16.0));
                ui.weak("There is no text to annotate. Open another document (Ctrl+O), or add text to this one and open it again.");
            });
            return;
        }
        let hidden = self.review.as_ref().map(|r| &r.hidden);
        let layers: Vec<ViewLayer<'_>> = session
            .layers()
            .filter(|(id, _)| hidden.is_none_or(|h| !h.contains(*id)))
            .map(|(id, state)| ViewLayer {
                id,
                layer: state.layer(),
                index: state.index(),
                editable: state.is_editable(),
                relation_index: Some(state.relation_index()),
                events: (state.event_arcs(), Some(state.event_index())),
            })
            .collect();
        let input = ViewInput {
            doc: session.document(),
            layers: &layers,
            scheme: session.scheme(),
            selected_span: open.selected_span.as_ref(),
            font_size: self.settings.font_size,
            dark_mode: self.settings.dark_mode,
            arcs: layers.iter().any(|l| !l.layer.relations.is_empty()),
            lanes: if self.review.is_some() {
                layers.len()
            } else {
                theme::MAX_LANES
            },
            lanes_by_layer: self.review.is_some(),
            snap_words: self.settings.snap_to_words,
            highlights: if self.search.open {
                &self.search.matches
            } else {
                &[]
            },
            current_highlight: self.search.current,
            suggestions: if self.suggestions_shown() {
                &self.suggestions.items
            } else {
                &[]
            },
            current_suggestion: self.suggestions.current,
        };
        let out = self.view.ui(ui, &input);
        if let Some(i) = out.clicked_suggestion {
            self.commands.push(Command::AcceptSuggestion(Some(i)));
            return;
        }
        if let Some(clicked) = out.clicked_span {
            if clicked.is_some() {
                self.span_list.reveal = true;
            }
            self.commands.push(Command::SelectSpan(clicked, false));
        }
    }

    /// Whether suggestions are shown now (on, a document open, not reviewing).
    pub fn suggestions_shown(&self) -> bool {
        self.settings.suggestions && self.open.is_some() && self.review.is_none()
    }

    /// Keeps the suggestions up to date with the editable layer and the caret.
    fn tick_suggestions(&mut self, ctx: &egui::Context) {
        if !self.suggestions_shown() {
            self.suggestions.current = None;
            return;
        }
        let Some(open) = &self.open else { return };
        let corpus = self
            .corpus
            .as_ref()
            .filter(|c| !c.is_listing())
            .map(|c| (c.root.as_path(), c.entries.as_slice()));
        let caret = self.view.caret().or_else(|| self.view.first_visible_char());
        // What is on screen, or (before the first frame of a document) the screenful or so
        // where the view opens.
        let on_screen = self.view.visible_range().or_else(|| {
            let top = self.view.top_offset().or(caret).unwrap_or(0);
            Some(top..top.saturating_add(SCREENFUL_CHARS))
        });
        self.suggestions.tick(
            open,
            corpus,
            self.settings.suggest_tagged_elsewhere,
            (caret, on_screen),
            self.egui_ctx.as_ref().or(Some(ctx)),
        );
    }

    /// The whole UI of one frame (what `eframe` calls; benchmarks call it headless).
    pub fn ui_root(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.poll_loading(&ctx);
        self.poll_corpus(&ctx, false);
        self.poll_dialog();
        self.handle_dropped_files(&ctx);
        self.handle_close_request(&ctx);
        if self.confirm.is_none() && !self.safety_dialog_open() {
            self.shortcuts(&ctx);
        }
        self.poll_disk(&ctx);
        if let (Some(review), Some(open)) = (&mut self.review, &self.open) {
            review.refresh(&open.session);
        }
        self.tick_suggestions(&ctx);

        egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));

        if self.open.is_some() {
            self.side_panels(ui);
        }
        self.versions_panel(ui);

        egui::CentralPanel::default()
            .frame(egui::Frame::central_panel(ui.style()).inner_margin(0.0))
            .show(ui, |ui| {
                self.problems_strip(ui);
                if self.search.open
                    && let Some(open) = &self.open
                {
                    crate::search::search_ui(ui, open, &mut self.search, &mut self.commands);
                }
                if self.open.is_some() {
                    self.document_ui(ui);
                    self.finish_piece(ui.ctx());
                } else if self.loading.is_some() {
                    self.loading_ui(ui);
                } else {
                    self.start_screen(ui);
                }
            });

        if let Some(open) = &self.open
            && self.label_editor.open
            && self.review.is_none()
        {
            self.label_editor.ui(&ctx, open, &mut self.commands);
        }
        self.relation_picker(&ctx);
        self.confirm_dialog(&ctx);
        self.shortcuts_window(&ctx);
        self.transfer_dialogs(&ctx);
        if let Some(command) = self.agreement.ui(&ctx) {
            self.commands.push(command);
        }
        self.safety_dialogs(&ctx);

        let commands = std::mem::take(&mut self.commands);
        if !commands.is_empty() {
            // Commands change what the next frame shows: make sure there is one.
            ctx.request_repaint();
        }
        for command in commands {
            self.run_command(&ctx, command);
        }
        self.update_title(&ctx);
        self.recovery_tick(&ctx);
        if let Some(start) = self.exit_after_first_frame
            && self.view.shows_text()
        {
            eprintln!(
                "first frame with text: {:.1} ms",
                start.elapsed().as_secs_f64() * 1e3
            );
            self.exit_after_first_frame = None;
            ctx.send_viewport_cmd(ViewportCommand::Close);
        }
        if self.status.fades() {
            ctx.request_repaint_after(Duration::from_secs(9));
        }
    }

    fn handle_close_request(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested()) && self.is_dirty() && !self.allow_close {
            ctx.send_viewport_cmd(ViewportCommand::CancelClose);
            self.confirm = Some(AfterConfirm::Quit);
        }
    }

    fn handle_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if let Some(path) = dropped.into_iter().next() {
            self.commands.push(Command::Open(path));
        }
    }
}

/// A menu entry with its shortcut; returns whether it was clicked.
fn menu_item(ui: &mut egui::Ui, enabled: bool, text: &str, shortcut: &str) -> bool {
    ui.add_enabled(enabled, egui::Button::new(text).shortcut_text(shortcut))
        .clicked()
}

fn expand_home(path: &str) -> PathBuf {
    if let Some(rest) = path.strip_prefix("~/")
        && let Some(home) = std::env::var_os("HOME")
    {
        return PathBuf::from(home).join(rest);
    }
    PathBuf::from(path)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl eframe::App for SpantagApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.ui_root(ui);
    }
}
