//! The application shell: menus, panels, keyboard shortcuts, the start screen, dialogs.
//!
//! Panels never change the model directly: they push [`Command`]s, which
//! [`SpantagApp::run_command`] carries out after the frame's UI is built. Changes to spans go
//! through [`crate::edit::History`] so that every one can be undone.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use egui::{
    Color32, CornerRadius, Key, KeyboardShortcut, Modifiers, RichText, Sense, ViewportCommand, vec2,
};

mod safety;

use crate::annotation::{Layer, Span, SpanIndex, validate_label_name};
use crate::document::Document;
use crate::edit::{Edit, History};
use crate::settings::{Settings, os_user_name};
use crate::store::{self, Problem};
use crate::ui::doc_view::{DocView, ScrollTarget, ViewInput, preview};
use crate::ui::{panels, theme, transfer};

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
}

/// Something the user asked for; carried out after the UI of the frame is built.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Open a document (asking first if the current one has unsaved changes).
    Open(PathBuf),
    /// Show the native open dialog.
    OpenDialog,
    /// Save the current layer.
    Save,
    /// Close the document, back to the start screen.
    CloseDocument,
    /// Quit the app.
    Quit,
    /// Undo the last change.
    Undo,
    /// Redo the last undone change.
    Redo,
    /// Tag the selection with a label, or relabel the selected span.
    Tag(String),
    /// Remove the selected span.
    DeleteSelected,
    /// Select a span (or none), optionally scrolling it into view.
    SelectSpan(Option<u64>, bool),
    /// Set a span's note.
    SetNote(u64, String),
    /// Add a label to the scheme.
    AddLabel(String),
    /// Jump to the start or the end of the document.
    GoTo(ScrollTarget),
    /// Switch between dark and light.
    ToggleTheme,
    /// Change the document font size by this many points.
    FontSize(f32),
    /// Place an orphaned span at the current text selection.
    PlaceOrphan(u64),
    /// Delete an orphaned span.
    DeleteOrphan(u64),
    /// Show the Export… dialog.
    ShowExport,
    /// Show the Import… dialog.
    ShowImport,
}

/// A message in the status bar.
struct Status {
    text: String,
    kind: StatusKind,
    since: Instant,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum StatusKind {
    Info,
    Warning,
    Error,
}

/// What to do once the user has answered the unsaved-changes question.
#[derive(Debug, Clone, PartialEq)]
enum AfterConfirm {
    Quit,
    Close,
    Open(PathBuf),
}

/// A document open for annotation, with its layer and history.
pub struct OpenDocument {
    /// The text.
    pub doc: Document,
    /// The annotator's layer.
    pub layer: Layer,
    /// Undo/redo and the saved marker.
    pub history: History,
    /// Where the layer is saved.
    pub annotation_path: PathBuf,
    /// The span whose details are shown.
    pub selected_span: Option<u64>,
    index: SpanIndex,
    index_revision: u64,
    counts: Vec<(String, usize)>,
    problems: Vec<Problem>,
    show_problems: bool,
    /// Hash of the annotation file as last read or written (`None`: no file yet).
    disk_hash: Option<String>,
    /// Its modification time and length then, to poll cheaply for outside changes.
    disk_stamp: Option<(std::time::SystemTime, u64)>,
}

impl OpenDocument {
    fn refresh_index_now(&mut self) {
        self.index = SpanIndex::build(self.layer.spans());
        self.counts = self.layer.counts();
        self.index_revision = self.history.revision();
    }

    fn refresh_index(&mut self) {
        if self.index_revision != self.history.revision() {
            self.index = SpanIndex::build(self.layer.spans());
            self.counts = self.layer.counts();
            self.index_revision = self.history.revision();
        }
    }

    /// Spans per label, in scheme order (cached per change).
    pub fn counts(&self) -> &[(String, usize)] {
        &self.counts
    }
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
    status: Option<Status>,
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
    log_edits: bool,
}

impl SpantagApp {
    /// Creates the app (used by `main` and by the UI tests).
    pub fn new(cc: &eframe::CreationContext<'_>, options: AppOptions) -> Self {
        theme::install_fallback_fonts(&cc.egui_ctx);
        let mut app = Self::headless(options);
        theme::apply(&cc.egui_ctx, app.settings.dark_mode);
        app.title.clear();
        app
    }

    /// Creates the app without a window (benchmarks, headless frames).
    pub fn headless(options: AppOptions) -> Self {
        let config_dir = options.config_dir.or_else(Settings::default_dir);
        let settings = config_dir
            .as_deref()
            .map(Settings::load)
            .unwrap_or_default();
        let annotator = options
            .annotator
            .or_else(|| settings.last_annotator.clone())
            .filter(|a| store::validate_annotator(a).is_ok())
            .unwrap_or_else(os_user_name);
        let mut app = Self {
            settings,
            config_dir,
            annotator_input: annotator.clone(),
            annotator,
            open: None,
            view: DocView::default(),
            commands: Vec::new(),
            status: None,
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
            log_edits: std::env::var_os("SPANTAG_LOG_EDITS").is_some(),
        };
        if let Some(path) = options.document {
            app.open_document(&path);
        }
        app
    }

    /// Queues a command (tests use this like a click would).
    pub fn push(&mut self, command: Command) {
        self.commands.push(command);
    }

    /// The status bar message, if any.
    pub fn status_text(&self) -> Option<&str> {
        self.status.as_ref().map(|s| s.text.as_str())
    }

    fn info(&mut self, text: impl Into<String>) {
        self.set_status(text, StatusKind::Info);
    }

    fn warn(&mut self, text: impl Into<String>) {
        self.set_status(text, StatusKind::Warning);
    }

    fn error(&mut self, text: impl Into<String>) {
        self.set_status(text, StatusKind::Error);
    }

    fn set_status(&mut self, text: impl Into<String>, kind: StatusKind) {
        self.status = Some(Status {
            text: text.into(),
            kind,
            since: Instant::now(),
        });
    }

    fn save_settings(&mut self) {
        if let Some(dir) = &self.config_dir
            && let Err(err) = self.settings.save(dir)
        {
            self.status = Some(Status {
                text: format!("Could not remember settings: {err}"),
                kind: StatusKind::Warning,
                since: Instant::now(),
            });
        }
    }

    /// Opens a document and the annotator's layer for it. On failure the current state is
    /// kept and the reason shown.
    pub fn open_document(&mut self, path: &Path) {
        if let Err(err) = store::validate_annotator(&self.annotator) {
            self.error(err.to_string());
            return;
        }
        let annotation_path = store::annotation_path(path, &self.annotator);
        let (doc, loaded) = match store::open_with_layer(path, &annotation_path, &self.annotator) {
            Ok(opened) => opened,
            Err(err) => {
                self.error(err);
                return;
            }
        };
        let n = loaded.layer.spans().len();
        let mut notices = Vec::new();
        if let Some(notice) = doc.encoding().notice() {
            notices.push(notice);
        }
        let index = SpanIndex::build(loaded.layer.spans());
        let counts = loaded.layer.counts();
        let problems = loaded.problems;
        let mut history = History::new();
        if loaded.changed {
            // Re-anchored offsets are not on disk yet.
            history.mark_unsaved();
        }
        let disk_stamp = crate::atomic::file_stamp(&annotation_path);
        self.open = Some(OpenDocument {
            doc,
            layer: loaded.layer,
            history,
            disk_hash: loaded.disk_hash,
            disk_stamp,
            annotation_path,
            selected_span: None,
            index,
            index_revision: 0,
            counts,
            show_problems: !problems.is_empty(),
            problems,
        });
        self.view.reset();
        self.span_list = panels::SpanListState::default();
        self.offer_recovery();
        self.settings.touch_recent(path);
        self.settings.last_annotator = Some(self.annotator.clone());
        self.save_settings();
        if !notices.is_empty() {
            self.warn(notices.join("; "));
        } else if n > 0 {
            self.info(format!("Loaded {n} spans by {}", self.annotator));
        } else {
            self.info(format!(
                "New annotations by {} — select text and press 1–9 to tag",
                self.annotator
            ));
        }
    }

    /// Saves the layer; returns whether it worked.
    pub fn save(&mut self) -> bool {
        if !self.check_before_save() {
            return false;
        }
        let Some(open) = &mut self.open else {
            return false;
        };
        match store::save_layer(&open.layer, &open.doc, &open.annotation_path) {
            Ok(hash) => {
                open.history.mark_saved();
                open.disk_hash = Some(hash);
                open.disk_stamp = crate::atomic::file_stamp(&open.annotation_path);
                crate::recovery::remove(&open.annotation_path);
                let name = open
                    .annotation_path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let n = open.layer.spans().len();
                self.info(format!("Saved {n} spans to {name}"));
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

    /// Whether there are unsaved changes.
    pub fn is_dirty(&self) -> bool {
        self.open.as_ref().is_some_and(|o| o.history.is_dirty())
    }

    fn apply_edit(&mut self, edit: Edit) {
        let Some(open) = &mut self.open else { return };
        if self.log_edits {
            // For the crash test: an independent record of what the user did, and when.
            eprintln!("spantag-edit: {edit:?}");
        }
        if let Err(err) = open.history.apply(&mut open.layer, edit) {
            self.error(format!("Could not change the annotations: {err}"));
        }
    }

    /// Tags the current selection (trimmed of whitespace) with `label`, or relabels the
    /// selected span when there is no text selection.
    fn tag(&mut self, label: &str) {
        let Some(open) = &mut self.open else { return };
        let selection = self.view.selected_range();
        let Some(range) = selection else {
            if let Some(id) = open.selected_span
                && let Some(span) = open.layer.get(id)
            {
                if span.label != label {
                    let edit = Edit::Relabel {
                        id,
                        label: label.to_owned(),
                    };
                    self.apply_edit(edit);
                    self.info(format!("Relabelled as {label}"));
                }
            } else {
                self.info("Select some text first (drag over it, or double-click a word)");
            }
            return;
        };
        let range = open.doc.trim_range(range);
        if range.is_empty() {
            self.info("The selection is only whitespace — nothing to tag");
            return;
        }
        if let Some(existing) = open.layer.find_duplicate(range.clone(), label) {
            let id = existing.id;
            open.selected_span = Some(id);
            self.view.selection = None;
            self.info(format!("This text is already tagged as {label}"));
            return;
        }
        let id = open.layer.allocate_id();
        let span = Span {
            id,
            start: range.start,
            end: range.end,
            label: label.to_owned(),
            text: open.doc.slice(range).to_owned(),
            note: None,
        };
        let shown = preview(&span.text, 40);
        self.apply_edit(Edit::AddSpan(span));
        if let Some(open) = &mut self.open {
            open.selected_span = Some(id);
        }
        self.view.selection = None;
        self.span_list.reveal = true;
        self.info(format!("Tagged “{shown}” as {label}"));
    }

    fn run_command(&mut self, ctx: &egui::Context, command: Command) {
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
                let undo = command == Command::Undo;
                let done = if undo {
                    open.history.undo(&mut open.layer)
                } else {
                    open.history.redo(&mut open.layer)
                };
                if let Some(id) = open.selected_span
                    && open.layer.get(id).is_none()
                {
                    open.selected_span = None;
                }
                self.info(match (undo, done) {
                    (true, true) => "Undone",
                    (true, false) => "Nothing to undo",
                    (false, true) => "Redone",
                    (false, false) => "Nothing to redo",
                });
            }
            Command::Tag(label) => self.tag(&label),
            Command::DeleteSelected => {
                let Some(id) = self.open.as_ref().and_then(|o| o.selected_span) else {
                    self.info("Click a span first, then press Delete");
                    return;
                };
                self.apply_edit(Edit::RemoveSpan(id));
                if let Some(open) = &mut self.open {
                    open.selected_span = None;
                }
                self.info("Span deleted (Ctrl+Z brings it back)");
            }
            Command::SelectSpan(id, reveal) => {
                let Some(open) = &mut self.open else { return };
                open.selected_span = id;
                open.history.break_coalescing();
                if reveal && let Some(span) = id.and_then(|id| open.layer.get(id)) {
                    self.view.scroll_to(ScrollTarget::Reveal(span.start));
                    self.view.selection = None;
                }
            }
            Command::SetNote(id, note) => {
                let note = (!note.is_empty()).then_some(note);
                self.apply_edit(Edit::SetNote { id, note });
            }
            Command::AddLabel(name) => {
                let Some(open) = &mut self.open else { return };
                match validate_label_name(&name) {
                    Err(why) => self.label_error = Some(why),
                    Ok(()) if open.layer.scheme.get(&name).is_some() => {
                        self.label_error = Some(format!("There is a label {name:?} already"));
                    }
                    Ok(()) => {
                        self.apply_edit(Edit::AddLabel(name.clone()));
                        self.label_input.clear();
                        self.label_error = None;
                        self.info(format!("Added label {name}"));
                    }
                }
            }
            Command::GoTo(target) => self.view.scroll_to(target),
            Command::ToggleTheme => {
                self.settings.dark_mode = !self.settings.dark_mode;
                theme::apply(ctx, self.settings.dark_mode);
                self.save_settings();
            }
            Command::PlaceOrphan(id) => {
                let Some(open) = &mut self.open else { return };
                let selection = self.view.selected_range();
                let (Some(range), Some(orphan)) = (
                    selection,
                    open.layer.orphans.iter().find(|o| o.id == id).cloned(),
                ) else {
                    self.info("Select the text where the orphaned span belongs, then click Place");
                    return;
                };
                let range = open.doc.trim_range(range);
                let new_id = open.layer.allocate_id();
                let span = Span {
                    id: new_id,
                    start: range.start,
                    end: range.end,
                    text: open.doc.slice(range).to_owned(),
                    ..orphan
                };
                self.apply_edit(Edit::Batch(vec![
                    Edit::RemoveOrphan(id),
                    Edit::AddSpan(span),
                ]));
                if let Some(open) = &mut self.open {
                    open.selected_span = Some(new_id);
                }
                self.view.selection = None;
                self.info("Placed the orphaned span");
            }
            Command::DeleteOrphan(id) => {
                self.apply_edit(Edit::RemoveOrphan(id));
                self.info("Orphaned span deleted (Ctrl+Z brings it back)");
            }
            Command::ShowExport => match self.open.as_ref().and_then(|o| o.doc.path()) {
                Some(path) => self.export.show_for(path),
                None => self.info("Open a document first"),
            },
            Command::ShowImport => {
                let folder = self
                    .open
                    .as_ref()
                    .and_then(|o| o.doc.path())
                    .and_then(Path::parent)
                    .map(Path::to_path_buf);
                self.import
                    .show_for(folder.as_deref(), &self.annotator.clone());
            }
            Command::FontSize(delta) => {
                let (lo, hi) = theme::FONT_SIZE_RANGE;
                self.settings.font_size = (self.settings.font_size + delta).clamp(lo, hi);
                self.save_settings();
            }
        }
    }

    fn open_dialog(&mut self, ctx: &egui::Context) {
        if self.dialog.is_some() {
            return;
        }
        let (tx, rx) = mpsc::channel();
        let ctx = ctx.clone();
        let start_dir = self
            .settings
            .recent
            .first()
            .and_then(|p| p.parent())
            .map(Path::to_path_buf);
        let spawned = std::thread::Builder::new()
            .name("open-dialog".into())
            .spawn(move || {
                let mut dialog = rfd::FileDialog::new()
                    .set_title("Open a document to annotate")
                    .add_filter("Text", &["txt", "md", "text", "csv", "tsv", "log"])
                    .add_filter("All files", &["*"]);
                if let Some(dir) = start_dir {
                    dialog = dialog.set_directory(dir);
                }
                let _ = tx.send(dialog.pick_file());
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.dialog = Some(rx);
                self.info("Choosing a file…");
            }
            Err(err) => self.error(format!("Could not show the file dialog: {err}")),
        }
    }

    fn poll_dialog(&mut self) {
        let Some(rx) = &self.dialog else { return };
        match rx.try_recv() {
            Ok(Some(path)) => {
                self.dialog = None;
                self.commands.push(Command::Open(path));
            }
            Ok(None) | Err(mpsc::TryRecvError::Disconnected) => {
                self.dialog = None;
                self.info(
                    "No file chosen. If no dialog appeared, this desktop has no file-chooser portal: type a path on the start screen, drop a file on the window, or pass it on the command line",
                );
            }
            Err(mpsc::TryRecvError::Empty) => {}
        }
    }

    /// Reads global shortcuts. Editing keys are ignored while a text field has focus.
    fn shortcuts(&mut self, ctx: &egui::Context) {
        let cmd = Modifiers::COMMAND;
        let typing = ctx.text_edit_focused();
        let mut commands = Vec::new();
        ctx.input_mut(|i| {
            let mut shortcut =
                |mods: Modifiers, key: Key| i.consume_shortcut(&KeyboardShortcut::new(mods, key));
            if shortcut(cmd, Key::S) {
                commands.push(Command::Save);
            }
            if shortcut(cmd, Key::O) {
                commands.push(Command::OpenDialog);
            }
            if shortcut(cmd, Key::E) {
                commands.push(Command::ShowExport);
            }
            if shortcut(cmd, Key::W) {
                commands.push(Command::CloseDocument);
            }
            if shortcut(cmd, Key::Q) {
                commands.push(Command::Quit);
            }
            if shortcut(cmd, Key::Plus) || shortcut(cmd, Key::Equals) {
                commands.push(Command::FontSize(1.0));
            }
            if shortcut(cmd, Key::Minus) {
                commands.push(Command::FontSize(-1.0));
            }
            if typing {
                return;
            }
            if shortcut(cmd | Modifiers::SHIFT, Key::Z) || shortcut(cmd, Key::Y) {
                commands.push(Command::Redo);
            }
            if shortcut(cmd, Key::Z) {
                commands.push(Command::Undo);
            }
            if shortcut(cmd, Key::End) {
                commands.push(Command::GoTo(ScrollTarget::End));
            }
            if shortcut(cmd, Key::Home) {
                commands.push(Command::GoTo(ScrollTarget::Top(0)));
            }
            if shortcut(Modifiers::NONE, Key::Delete) || shortcut(Modifiers::NONE, Key::Backspace) {
                commands.push(Command::DeleteSelected);
            }
            if shortcut(Modifiers::NONE, Key::Escape) {
                commands.push(Command::SelectSpan(None, false));
            }
            if shortcut(Modifiers::NONE, Key::F1) {
                self.show_shortcuts = !self.show_shortcuts;
            }
            const DIGITS: [Key; 9] = [
                Key::Num1,
                Key::Num2,
                Key::Num3,
                Key::Num4,
                Key::Num5,
                Key::Num6,
                Key::Num7,
                Key::Num8,
                Key::Num9,
            ];
            for (n, key) in DIGITS.iter().enumerate() {
                if shortcut(Modifiers::NONE, *key)
                    && let Some(label) = self
                        .open
                        .as_ref()
                        .and_then(|o| o.layer.scheme.by_hotkey(n + 1))
                {
                    commands.push(Command::Tag(label.name.clone()));
                }
            }
        });
        if commands.contains(&Command::SelectSpan(None, false)) {
            self.view.selection = None;
        }
        self.commands.extend(commands);
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = match &self.open {
            Some(open) => format!(
                "{}{} — {} — spantag",
                if open.history.is_dirty() { "● " } else { "" },
                open.doc.display_name(),
                self.annotator
            ),
            None => "spantag".to_owned(),
        };
        if title != self.title {
            ctx.send_viewport_cmd(ViewportCommand::Title(title.clone()));
            self.title = title;
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

    fn menu_bar(&mut self, ui: &mut egui::Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            let has_doc = self.open.is_some();
            ui.menu_button("File", |ui| {
                if menu_item(ui, true, "Open…", "Ctrl+O") {
                    self.commands.push(Command::OpenDialog);
                }
                ui.menu_button("Open recent", |ui| {
                    if self.settings.recent.is_empty() {
                        ui.weak("No recent documents");
                    }
                    for path in self.settings.recent.clone() {
                        if ui.button(path.display().to_string()).clicked() {
                            self.commands.push(Command::Open(path));
                        }
                    }
                });
                ui.separator();
                if menu_item(ui, has_doc, "Save", "Ctrl+S") {
                    self.commands.push(Command::Save);
                }
                if menu_item(ui, has_doc, "Close document", "Ctrl+W") {
                    self.commands.push(Command::CloseDocument);
                }
                ui.separator();
                if menu_item(ui, true, "Quit", "Ctrl+Q") {
                    self.commands.push(Command::Quit);
                }
            });
            ui.menu_button("Edit", |ui| {
                let (can_undo, can_redo, has_span) =
                    self.open.as_ref().map_or((false, false, false), |o| {
                        (
                            o.history.can_undo(),
                            o.history.can_redo(),
                            o.selected_span.is_some(),
                        )
                    });
                if menu_item(ui, can_undo, "Undo", "Ctrl+Z") {
                    self.commands.push(Command::Undo);
                }
                if menu_item(ui, can_redo, "Redo", "Ctrl+Shift+Z") {
                    self.commands.push(Command::Redo);
                }
                ui.separator();
                if menu_item(ui, has_span, "Delete span", "Del") {
                    self.commands.push(Command::DeleteSelected);
                }
            });
            ui.menu_button("View", |ui| {
                let theme_label = if self.settings.dark_mode {
                    "Light theme"
                } else {
                    "Dark theme"
                };
                if ui.button(theme_label).clicked() {
                    self.commands.push(Command::ToggleTheme);
                }
                if menu_item(ui, true, "Larger text", "Ctrl++") {
                    self.commands.push(Command::FontSize(1.0));
                }
                if menu_item(ui, true, "Smaller text", "Ctrl+-") {
                    self.commands.push(Command::FontSize(-1.0));
                }
                ui.separator();
                if menu_item(ui, has_doc, "Go to start", "Ctrl+Home") {
                    self.commands.push(Command::GoTo(ScrollTarget::Top(0)));
                }
                if menu_item(ui, has_doc, "Go to end", "Ctrl+End") {
                    self.commands.push(Command::GoTo(ScrollTarget::End));
                }
            });
            ui.menu_button("Help", |ui| {
                if menu_item(ui, true, "Keyboard shortcuts", "F1") {
                    self.show_shortcuts = true;
                }
            });
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let icon = if self.settings.dark_mode {
                    "☀"
                } else {
                    "🌙"
                };
                if ui
                    .button(icon)
                    .on_hover_text("Switch between dark and light theme")
                    .clicked()
                {
                    self.commands.push(Command::ToggleTheme);
                }
            });
        });
    }

    fn status_bar(&mut self, ui: &mut egui::Ui) {
        let dark = self.settings.dark_mode;
        ui.horizontal(|ui| {
            if let Some(open) = &self.open {
                ui.label(RichText::new(open.doc.display_name()).strong())
                    .on_hover_text(
                        open.doc
                            .path()
                            .map(|p| p.display().to_string())
                            .unwrap_or_default(),
                    );
                ui.weak(open.doc.encoding().name());
                ui.separator();
                ui.label(self.annotator.as_str()).on_hover_text(format!(
                    "Annotating as {} — saved to {}",
                    self.annotator,
                    open.annotation_path.display()
                ));
                ui.separator();
                for (name, count) in open.counts() {
                    let color = open
                        .layer
                        .scheme
                        .get(name)
                        .map_or(Color32::GRAY, theme::label_color);
                    let (rect, _) = ui.allocate_exact_size(vec2(9.0, 9.0), Sense::hover());
                    ui.painter().rect_filled(rect, CornerRadius::same(2), color);
                    ui.label(format!("{name} {count}"));
                }
                ui.separator();
                if open.history.is_dirty() {
                    ui.colored_label(theme::warning_color(dark), "• Unsaved changes")
                        .on_hover_text("Ctrl+S saves");
                } else {
                    ui.weak("✔ Saved");
                }
            } else {
                ui.weak(format!("Annotator: {}", self.annotator));
            }
            if let Some(status) = &self.status {
                ui.separator();
                let color = match status.kind {
                    StatusKind::Info => ui.visuals().text_color(),
                    StatusKind::Warning => theme::warning_color(dark),
                    StatusKind::Error => theme::error_color(dark),
                };
                ui.add(egui::Label::new(RichText::new(&status.text).color(color)).truncate())
                    .on_hover_text(&status.text);
            }
        });
        if let Some(status) = &self.status
            && status.kind == StatusKind::Info
            && status.since.elapsed() > Duration::from_secs(8)
        {
            self.status = None;
        }
    }

    fn start_screen(&mut self, ui: &mut egui::Ui) {
        ui.vertical_centered(|ui| {
            ui.add_space((ui.available_height() * 0.12).min(90.0));
            ui.label(RichText::new("spantag").size(40.0).strong());
            ui.label(
                RichText::new(
                    "Tag claims, actors and events in long texts — offline, fast, nothing lost",
                )
                .size(16.0)
                .weak(),
            );
            ui.add_space(24.0);
            let width = 520.0f32.min(ui.available_width() - 40.0);
            egui::Frame::group(ui.style())
                .inner_margin(18.0)
                .show(ui, |ui| {
                    ui.set_width(width);
                    ui.horizontal(|ui| {
                        let label = ui.label("Annotator");
                        let edit = ui
                            .add(
                                egui::TextEdit::singleline(&mut self.annotator_input)
                                    .desired_width(200.0),
                            )
                            .labelled_by(label.id)
                            .on_hover_text(
                                "Your annotations are saved as <document>.<annotator>.ron",
                            );
                        if edit.changed() {
                            match store::validate_annotator(&self.annotator_input) {
                                Ok(()) => {
                                    self.annotator = self.annotator_input.clone();
                                    self.settings.last_annotator = Some(self.annotator.clone());
                                }
                                Err(err) => {
                                    ui.colored_label(
                                        theme::error_color(self.settings.dark_mode),
                                        err.to_string(),
                                    );
                                }
                            }
                        }
                        if edit.lost_focus() {
                            self.save_settings();
                        }
                    });
                    ui.add_space(10.0);
                    if ui
                        .add_sized(
                            [width, 34.0],
                            egui::Button::new(RichText::new("Open document…").size(16.0)),
                        )
                        .on_hover_text("Ctrl+O")
                        .clicked()
                    {
                        self.commands.push(Command::OpenDialog);
                    }
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        let field = ui.add(
                            egui::TextEdit::singleline(&mut self.path_input)
                                .hint_text("…or type a path: ~/news/op-ed.txt")
                                .desired_width(width - 70.0),
                        );
                        let enter = field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
                        if (ui.button("Open").clicked() || enter)
                            && !self.path_input.trim().is_empty()
                        {
                            self.commands
                                .push(Command::Open(expand_home(self.path_input.trim())));
                        }
                    });
                    ui.add_space(6.0);
                    ui.weak("You can also drop a text file on this window.");
                });
            if !self.settings.recent.is_empty() {
                ui.add_space(18.0);
                ui.label(RichText::new("Recent").strong());
                for path in self.settings.recent.clone() {
                    let name = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let folder = path
                        .parent()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default();
                    if ui.link(format!("{name}   ·   {folder}")).clicked() {
                        self.commands.push(Command::Open(path));
                    }
                }
            }
        });
    }

    fn confirm_dialog(&mut self, ctx: &egui::Context) {
        let Some(after) = self.confirm.clone() else {
            return;
        };
        let mut choice = None;
        egui::Modal::new(egui::Id::unique("unsaved-changes")).show(ctx, |ui| {
            ui.set_width(380.0);
            ui.heading("Save your changes?");
            ui.add_space(6.0);
            let name = self
                .open
                .as_ref()
                .map(|o| o.doc.display_name())
                .unwrap_or_default();
            ui.label(format!(
                "Your annotations of {name} have changes that are not saved yet."
            ));
            ui.add_space(12.0);
            ui.horizontal(|ui| {
                if ui.button("Save").clicked() {
                    choice = Some(true);
                }
                if ui.button("Don't save").clicked() {
                    choice = Some(false);
                }
                if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(Key::Escape)) {
                    self.confirm = None;
                }
            });
        });
        let Some(save) = choice else { return };
        self.confirm = None;
        if save && !self.save() {
            return;
        }
        if !save && let Some(open) = &self.open {
            // The user chose to discard: the recovery file goes too.
            crate::recovery::remove(&open.annotation_path);
        }
        match after {
            AfterConfirm::Quit => {
                self.allow_close = true;
                ctx.send_viewport_cmd(ViewportCommand::Close);
            }
            AfterConfirm::Close => {
                self.open = None;
                self.view.reset();
            }
            AfterConfirm::Open(path) => {
                self.open = None;
                self.open_document(&path);
            }
        }
    }

    fn shortcuts_window(&mut self, ctx: &egui::Context) {
        let mut open = self.show_shortcuts;
        egui::Window::new("Keyboard shortcuts")
            .open(&mut open)
            .resizable(false)
            .collapsible(false)
            .show(ctx, |ui| {
                egui::Grid::new("shortcuts")
                    .num_columns(2)
                    .spacing([24.0, 6.0])
                    .show(ui, |ui| {
                        for (keys, what) in SHORTCUTS {
                            ui.label(RichText::new(*keys).monospace().strong());
                            ui.label(*what);
                            ui.end_row();
                        }
                    });
            });
        self.show_shortcuts = open;
    }

    fn transfer_dialogs(&mut self, ctx: &egui::Context) {
        if let Some(path) = self
            .open
            .as_ref()
            .and_then(|o| o.doc.path())
            .map(Path::to_path_buf)
        {
            let annotator = self.annotator.clone();
            let context = transfer::Context {
                document: &path,
                annotator: &annotator,
            };
            if self.export.ui(ctx, &context) {
                // Exports read the files on disk: save first so they hold what is on screen.
                if !self.is_dirty() || self.save() {
                    self.export.start(ctx, &context);
                }
            }
        }
        if let Some(path) = self.import.ui(ctx) {
            self.commands.push(Command::Open(path));
        }
    }

    fn problems_strip(&mut self, ui: &mut egui::Ui) {
        let dark = self.settings.dark_mode;
        let Some(open) = &mut self.open else { return };
        if open.problems.is_empty() || !open.show_problems {
            return;
        }
        egui::Frame::new().fill(theme::warning_color(dark).gamma_multiply(0.15)).inner_margin(8.0).show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.colored_label(theme::warning_color(dark), format!("⚠ {} problem(s) in {}", open.problems.len(), open.annotation_path.display()));
                if ui.small_button("Dismiss").clicked() {
                    open.show_problems = false;
                }
            });
            ui.weak("Every span was kept. Spans whose offsets do not fit the text are listed in the span table.");
            egui::CollapsingHeader::new("Details").id_salt("problem-details").show(ui, |ui| {
                egui::ScrollArea::vertical().max_height(140.0).show(ui, |ui| {
                    for problem in open.problems.iter().take(500) {
                        ui.label(problem.to_string());
                    }
                });
            });
        });
    }
}

/// The shortcuts, for the help window and the README.
pub const SHORTCUTS: &[(&str, &str)] = &[
    (
        "Drag",
        "Select text (character precision; Shift+click extends)",
    ),
    ("Double-click", "Select a word"),
    (
        "1 … 9",
        "Tag the selection with that label, or relabel the selected span",
    ),
    (
        "Click a span",
        "Select it (click again to cycle through nested spans)",
    ),
    ("Del / Backspace", "Delete the selected span"),
    ("Esc", "Clear the selection"),
    ("Ctrl+Z", "Undo"),
    ("Ctrl+Shift+Z / Ctrl+Y", "Redo"),
    ("Ctrl+S", "Save"),
    ("Ctrl+O", "Open a document"),
    ("Ctrl+E", "Export a dataset"),
    ("Ctrl+W", "Close the document"),
    ("Ctrl+Home / Ctrl+End", "Go to the start / end"),
    ("Ctrl++ / Ctrl+-", "Larger / smaller text"),
    ("F1", "This list"),
];

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

impl eframe::App for SpantagApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.ui_root(ui);
    }
}

impl SpantagApp {
    /// The document view alone (the central panel's content).
    pub fn document_ui(&mut self, ui: &mut egui::Ui) {
        let Some(open) = &self.open else { return };
        let input = ViewInput {
            doc: &open.doc,
            layer: &open.layer,
            index: &open.index,
            selected_span: open.selected_span,
            font_size: self.settings.font_size,
            dark_mode: self.settings.dark_mode,
        };
        let out = self.view.ui(ui, &input);
        if let Some(clicked) = out.clicked_span {
            if clicked.is_some() {
                self.span_list.reveal = true;
            }
            self.commands.push(Command::SelectSpan(clicked, false));
        }
    }

    /// The whole UI of one frame (what `eframe` calls; benchmarks call it headless).
    pub fn ui_root(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.poll_dialog();
        self.handle_dropped_files(&ctx);
        self.handle_close_request(&ctx);
        if self.confirm.is_none() && !self.safety_dialog_open() {
            self.shortcuts(&ctx);
        }
        self.poll_disk(&ctx);
        if let Some(open) = &mut self.open {
            open.refresh_index();
        }

        egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));

        if self.open.is_some() {
            egui::Panel::left("labels")
                .resizable(true)
                .default_size(230.0)
                .min_size(180.0)
                .show(ui, |ui| {
                    if let Some(open) = &self.open {
                        panels::palette_ui(
                            ui,
                            open,
                            &self.view,
                            &mut self.label_input,
                            &mut self.label_error,
                            &mut self.commands,
                        );
                        ui.separator();
                        panels::details_ui(ui, open, &mut self.commands);
                        panels::orphans_ui(ui, open, &self.view, &mut self.commands);
                    }
                });
            egui::Panel::right("spans")
                .resizable(true)
                .default_size(330.0)
                .min_size(220.0)
                .show(ui, |ui| {
                    if let Some(open) = &self.open {
                        panels::span_list_ui(ui, open, &mut self.span_list, &mut self.commands);
                    }
                });
        }

        egui::CentralPanel::default()
            .frame(egui::Frame::central_panel(ui.style()).inner_margin(0.0))
            .show(ui, |ui| {
                self.problems_strip(ui);
                if self.open.is_some() {
                    self.document_ui(ui);
                } else {
                    self.start_screen(ui);
                }
            });

        self.confirm_dialog(&ctx);
        self.shortcuts_window(&ctx);
        self.transfer_dialogs(&ctx);
        self.safety_dialogs(&ctx);

        let commands = std::mem::take(&mut self.commands);
        if !commands.is_empty() {
            // Commands change what the next frame shows: make sure there is one.
            ctx.request_repaint();
        }
        for command in commands {
            self.run_command(&ctx, command);
        }
        if let Some(open) = &mut self.open {
            open.refresh_index();
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
        if self
            .status
            .as_ref()
            .is_some_and(|s| s.kind == StatusKind::Info)
        {
            ctx.request_repaint_after(Duration::from_secs(9));
        }
    }
}
