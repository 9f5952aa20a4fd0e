//! Never losing work: the recovery file, the restore offer, noticing that the annotation
//! file changed on disk (reload, keep mine, merge), and Save As when saving fails.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui::{Key, RichText};

use super::SpantagApp;
use crate::theme;
use spantag_core::recovery;
use spantag_core::store::{self, AnnotationFile};

/// How long after a change the recovery file is written at the latest.
const RECOVERY_DELAY: Duration = Duration::from_millis(1_000);
/// How often the annotation file is checked for changes made by others.
const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// What the user chose in the restore offer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RestoreChoice {
    /// Restore it (one undoable step).
    Bring,
    Discard,
    /// Keep the recovered work in a side file and decide later (Esc).
    Later,
}

/// State of the safety features.
#[derive(Default)]
pub(super) struct Safety {
    restore: Option<RestoreOffer>,
    conflict: Option<Conflict>,
    save_as: Option<SaveAs>,
    last_poll: Option<Instant>,
    recovery_due: Option<Instant>,
    /// The recovery failure the user was last told of (told once, not every second).
    recovery_failure: Option<String>,
    /// Other crashed windows' unsaved work on this layer, kept aside, still to offer.
    aside_files: Vec<std::path::PathBuf>,
    /// The one being offered now: its side file and content.
    aside_offer: Option<(std::path::PathBuf, AnnotationFile)>,
}

struct RestoreOffer {
    file: AnnotationFile,
    differing: recovery::Differences,
    /// What to say about other crashed windows' work kept aside (empty: there was none).
    aside: String,
}

struct Conflict {
    /// Their file as it is on disk now (`None` when it was deleted or cannot be read).
    theirs: Option<AnnotationFile>,
    theirs_hash: Option<String>,
}

struct SaveAs {
    path: String,
    error: String,
}

fn unix_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A sibling file name that spantag never reads as an annotation file.
fn side_file(annotation: &Path, what: &str) -> PathBuf {
    let mut name = annotation.as_os_str().to_os_string();
    name.push(format!(".{what}-{}", unix_secs()));
    PathBuf::from(name)
}

impl SpantagApp {
    /// After a document is opened: offer a newer recovery file, if there is one.
    pub(super) fn offer_recovery(&mut self) {
        let Some(open) = &self.open else { return };
        self.safety = Safety::default();
        let path = open.session.editable().path().to_path_buf();
        let pending = recovery::pending(&path);
        // Other windows on this layer that crashed too: their work is kept, and named.
        let aside = recovery::take_set_aside();
        let recovery_aside = aside.clone();
        let aside = if aside.is_empty() {
            String::new()
        } else {
            let names: Vec<String> = aside.iter().map(|p| p.display().to_string()).collect();
            format!(
                "{} other window(s) on this layer also had unsaved work; it was kept as {}, and spantag offers to merge it in next",
                aside.len(),
                names.join(", ")
            )
        };
        self.safety.aside_files = recovery_aside;
        if let Some(file) = pending {
            let differing = recovery::Differences::between(&file, open.layer());
            if !differing.is_empty() {
                self.safety.restore = Some(RestoreOffer {
                    file,
                    differing,
                    aside,
                });
                return;
            }
            recovery::remove_later(&path);
        }
        if !aside.is_empty() {
            self.warn(aside);
        }
    }

    /// Writes recovery files within a second of unsaved changes (on the recovery thread),
    /// and removes them once saved.
    pub(super) fn recovery_tick(&mut self, ctx: &egui::Context) {
        let failure = self
            .open
            .as_ref()
            .and_then(|o| recovery::failure(o.session.editable().path()));
        if failure != self.safety.recovery_failure {
            if let Some(err) = &failure {
                self.warn(format!(
                    "Unsaved work here is not protected against a crash: the recovery file could not be written ({err}). Save with Ctrl+S, or save as elsewhere"
                ));
            }
            self.safety.recovery_failure = failure;
        }
        let Some(open) = &mut self.open else {
            self.safety.recovery_due = None;
            return;
        };
        if !open.session.recovery_pending() {
            self.safety.recovery_due = None;
            // Only removals of recovery files of layers saved since.
            open.session.write_recovery();
            return;
        }
        let now = Instant::now();
        let due = *self.safety.recovery_due.get_or_insert(now + RECOVERY_DELAY);
        if now < due {
            ctx.request_repaint_after(due - now);
            return;
        }
        self.safety.recovery_due = None;
        open.session.write_recovery();
    }

    /// Checks every two seconds whether someone else changed the annotation file.
    pub(super) fn poll_disk(&mut self, ctx: &egui::Context) {
        if self.safety.conflict.is_some() || self.safety.restore.is_some() {
            return;
        }
        let Some(open) = &mut self.open else { return };
        let now = Instant::now();
        if self
            .safety
            .last_poll
            .is_some_and(|t| now - t < POLL_INTERVAL)
        {
            ctx.request_repaint_after(POLL_INTERVAL);
            return;
        }
        self.safety.last_poll = Some(now);
        ctx.request_repaint_after(POLL_INTERVAL);
        let id = open.layer_id().clone();
        let Some(hash) = open.session.changed_on_disk(&id, false) else {
            return;
        };
        let path = open.session.editable().path().to_path_buf();
        if open.session.editable().is_dirty() {
            self.safety.conflict = Some(Conflict {
                theirs: AnnotationFile::read(&path).ok(),
                theirs_hash: hash,
            });
        } else if hash.is_some()
            && let Some(doc) = open.session.document().path().map(Path::to_path_buf)
        {
            let top = self.view.top_offset();
            let what = if self.review.is_some() {
                "The curated file changed on disk (curate, git or a teammate?) — reloaded it; still reviewing"
            } else {
                "The annotation file changed on disk (a teammate or git?) — reloaded it"
            };
            self.reopen(&doc);
            if let Some(top) = top {
                // Stay where the user was reading.
                self.view.scroll_to(crate::doc_view::ScrollTarget::Top(top));
            }
            self.info(what);
        }
    }

    /// Before saving: whether the file on disk is still the one we loaded or saved. If not,
    /// the conflict dialog opens and nothing is written.
    pub(super) fn check_before_save(&mut self) -> bool {
        let Some(open) = &mut self.open else {
            return false;
        };
        let id = open.layer_id().clone();
        let Some(hash) = open.session.changed_on_disk(&id, true) else {
            return true;
        };
        self.safety.conflict = Some(Conflict {
            theirs: AnnotationFile::read(open.session.editable().path()).ok(),
            theirs_hash: hash,
        });
        false
    }

    /// After a failed save: offers Save As.
    pub(super) fn offer_save_as(&mut self, error: String) {
        let Some(open) = &self.open else { return };
        let name = open
            .session
            .editable()
            .path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let home = std::env::var_os("HOME").map_or_else(std::env::temp_dir, PathBuf::from);
        self.safety.save_as = Some(SaveAs {
            path: home.join(name).display().to_string(),
            error,
        });
    }

    fn save_to(&mut self, path: PathBuf) -> Result<(), String> {
        let Some(open) = &mut self.open else {
            return Err("no document".into());
        };
        let id = open.layer_id().clone();
        open.session.save_as(&id, path).map_err(|e| e.to_string())
    }

    fn resolve_reload(&mut self) {
        let Some(open) = &mut self.open else { return };
        let id = open.layer_id().clone();
        let path = open.session.editable().path().to_path_buf();
        let mut note = String::new();
        if open.session.editable().is_dirty() {
            let side = side_file(&path, "mine");
            let text = open.session.file_text(&id).unwrap_or_default();
            match store::write_atomic_no_backup(&side, text.as_bytes()) {
                Ok(()) => note = format!(" Your unsaved version was kept as {}", side.display()),
                Err(err) => {
                    self.error(format!(
                        "Did not reload: could not keep your version ({err})"
                    ));
                    return;
                }
            }
        }
        open.session.discard_recovery();
        if let Some(doc) = open.session.document().path().map(Path::to_path_buf) {
            self.reopen(&doc);
            self.info(format!("Reloaded the annotation file from disk.{note}"));
        }
    }

    fn resolve_keep_mine(&mut self, theirs_hash: Option<String>) {
        let Some(open) = &mut self.open else { return };
        let id = open.layer_id().clone();
        let path = open.session.editable().path().to_path_buf();
        let mut kept = None;
        if theirs_hash.is_some() {
            let side = side_file(&path, "theirs");
            if let Err(err) = std::fs::copy(&path, &side) {
                self.error(format!("Not saved: could not keep their version ({err})"));
                return;
            }
            kept = Some(side);
        }
        open.session.accept_disk(&id, theirs_hash);
        if self.save()
            && let Some(side) = kept
        {
            self.info(format!(
                "Saved yours; their version was kept as {}",
                side.display()
            ));
        }
    }

    fn resolve_merge(&mut self, theirs: &AnnotationFile, theirs_hash: Option<String>) {
        let Some(open) = &mut self.open else { return };
        let id = open.layer_id().clone();
        let added = match open.session.merge_file(&id, theirs) {
            Ok(added) => added,
            Err(err) => {
                self.error(format!("Could not merge: {err}"));
                return;
            }
        };
        open.session.accept_disk(&id, theirs_hash);
        if self.save() {
            self.info(format!("Merged: {} from the file on disk added to yours, and saved (Ctrl+Z undoes the merge)", spantag_core::edit_summary::count(added, "span", "spans")));
        }
    }

    /// Once the restore question is answered: each other crashed window's work, kept aside,
    /// is offered to merge in (what it has that the layer lacks, one undoable step) or to
    /// keep aside. Nothing typed in any window goes unoffered.
    fn aside_dialog(&mut self, ctx: &egui::Context) {
        if self.safety.restore.is_some() {
            return;
        }
        if self.safety.aside_offer.is_none() {
            while let Some(path) = self.safety.aside_files.pop() {
                match AnnotationFile::read(&path) {
                    Ok(file) => {
                        self.safety.aside_offer = Some((path, file));
                        break;
                    }
                    Err(err) => self.warn(format!(
                        "Another window's unsaved work is kept as {}, but it cannot be read ({err}); open it in a text editor",
                        path.display()
                    )),
                }
            }
        }
        let Some((path, file)) = &self.safety.aside_offer else {
            return;
        };
        let mut merge = None;
        egui::Modal::new(egui::Id::unique("merge-other-window")).show(ctx, |ui| {
            ui.set_width(420.0);
            ui.heading("Another window's unsaved work");
            ui.add_space(6.0);
            ui.label(format!(
                "Another spantag window on this layer also closed without saving ({} span(s)). Its work is kept as {}.",
                file.spans.len(),
                path.display()
            ));
            ui.add_space(12.0);
            ui.horizontal(|ui| {
                if ui.button(RichText::new("Merge it in").strong()).on_hover_text("Enter: add what it has that yours lacks (Ctrl+Z undoes it)").clicked() {
                    merge = Some(true);
                }
                if ui.button("Keep it aside").on_hover_text("Esc: leave it in its file").clicked() {
                    merge = Some(false);
                }
            });
            let (enter, esc) = ui.input(|i| (i.key_pressed(Key::Enter), i.key_pressed(Key::Escape)));
            if merge.is_none() && enter {
                merge = Some(true);
            } else if merge.is_none() && esc {
                merge = Some(false);
            }
        });
        let Some(merge) = merge else { return };
        let Some((path, file)) = self.safety.aside_offer.take() else {
            return;
        };
        let Some(open) = &mut self.open else { return };
        if !merge {
            self.info(format!(
                "The other window's work stays in {}",
                path.display()
            ));
            return;
        }
        let id = open.layer_id().clone();
        match open.session.merge_file(&id, &file) {
            Ok(added) => self.info(format!(
                "Merged the other window's work: {added} span(s) added — Ctrl+S saves, Ctrl+Z undoes (its file {} can then be deleted)",
                path.display()
            )),
            Err(err) => self.error(format!("Could not merge the other window's work: {err}")),
        }
    }

    /// The restore, conflict and Save As dialogs.
    pub(super) fn safety_dialogs(&mut self, ctx: &egui::Context) {
        let dark = self.settings.dark_mode;
        if let Some(offer) = &self.safety.restore {
            let mut choice = None;
            egui::Modal::new(egui::Id::unique("restore-recovery")).show(ctx, |ui| {
                ui.set_width(420.0);
                ui.heading("Restore unsaved work?");
                ui.add_space(6.0);
                ui.label(format!(
                    "spantag found annotations that were not saved when it last closed (a crash or a forced quit). They differ from the saved file in {}.",
                    offer.differing.describe()
                ));
                if !offer.aside.is_empty() {
                    ui.add_space(6.0);
                    ui.label(&offer.aside);
                }
                ui.add_space(12.0);
                ui.horizontal(|ui| {
                    if ui.button(RichText::new("Restore").strong()).on_hover_text("Enter; Ctrl+Z undoes it").clicked() {
                        choice = Some(RestoreChoice::Bring);
                    }
                    if ui.button("Discard").on_hover_text("Delete the recovery file and keep the saved annotations").clicked() {
                        choice = Some(RestoreChoice::Discard);
                    }
                    if ui.button("Later").on_hover_text("Esc: keep the recovered work in a side file and decide later").clicked() {
                        choice = Some(RestoreChoice::Later);
                    }
                });
                let (enter, esc) = ui.input(|i| (i.key_pressed(Key::Enter), i.key_pressed(Key::Escape)));
                if choice.is_none() && enter {
                    choice = Some(RestoreChoice::Bring);
                } else if choice.is_none() && esc {
                    choice = Some(RestoreChoice::Later);
                }
            });
            if let Some(RestoreChoice::Later) = choice
                && self.safety.restore.take().is_some()
                && let Some(open) = &self.open
            {
                // Nothing recovered is lost: the recovery file becomes a side file (the next
                // recovery write would replace it otherwise).
                let path = open.session.editable().path().to_path_buf();
                let side = side_file(&path, "recovered");
                match std::fs::rename(recovery::recovery_path(&path), &side) {
                    Ok(()) => self.info(format!(
                        "The recovered work was kept as {} — open it in a text editor, or merge it by hand",
                        side.display()
                    )),
                    Err(err) => self.warn(format!("Could not keep the recovered work aside ({err}); it stays in the recovery file")),
                }
                return;
            }
            if let Some(choice) = choice
                && let Some(offer) = self.safety.restore.take()
                && let Some(open) = &mut self.open
            {
                let id = open.layer_id().clone();
                if choice == RestoreChoice::Bring {
                    match open.session.restore(&id, offer.file) {
                        Ok(restored) => {
                            let moved = if restored.moved + restored.orphaned > 0 {
                                format!(
                                    " ({} moved to the changed text, {} orphaned)",
                                    restored.moved, restored.orphaned
                                )
                            } else {
                                String::new()
                            };
                            self.info(format!(
                                "Restored {} span(s) of unsaved work{moved} — press Ctrl+S to save them, Ctrl+Z to undo the restore",
                                restored.spans
                            ));
                        }
                        Err(err) => self.error(format!("Could not restore: {err}")),
                    }
                } else {
                    recovery::remove_later(open.session.editable().path());
                    self.info("Discarded the recovered work");
                }
            }
        }

        self.aside_dialog(ctx);

        if let Some(conflict) = &self.safety.conflict {
            let mut choice = None;
            egui::Modal::new(egui::Id::unique("file-conflict")).show(ctx, |ui| {
                ui.set_width(460.0);
                ui.heading("The annotation file changed on disk");
                ui.add_space(6.0);
                ui.label("Someone else (a teammate, a git pull, another spantag) changed this file since you opened it, and you have unsaved changes. Nothing has been overwritten.");
                if conflict.theirs.is_none() {
                    ui.colored_label(theme::warning_color(dark), "The file on disk was deleted or cannot be read.");
                }
                ui.add_space(12.0);
                ui.horizontal_wrapped(|ui| {
                    if ui.button("Reload theirs").on_hover_text("Load the file from disk; your unsaved version is kept in a side file").clicked() {
                        choice = Some(0);
                    }
                    if ui.button("Keep mine").on_hover_text("Save your version; theirs is kept in a side file").clicked() {
                        choice = Some(1);
                    }
                    if ui
                        .add_enabled(conflict.theirs.is_some(), egui::Button::new("Merge both"))
                        .on_hover_text("Add their spans that you do not have to yours, then save")
                        .clicked()
                    {
                        choice = Some(2);
                    }
                    if ui.button("Later").on_hover_text("Esc or Enter: change nothing now; saving asks again").clicked()
                        || ui.input(|i| i.key_pressed(Key::Escape) || i.key_pressed(Key::Enter))
                    {
                        choice = Some(3);
                    }
                });
            });
            if let Some(choice) = choice
                && let Some(conflict) = self.safety.conflict.take()
            {
                match choice {
                    0 => self.resolve_reload(),
                    1 => self.resolve_keep_mine(conflict.theirs_hash),
                    2 => {
                        if let Some(theirs) = &conflict.theirs {
                            self.resolve_merge(theirs, conflict.theirs_hash.clone());
                        }
                    }
                    _ => {
                        // The check took the file's stamp: asked again when it changes
                        // again, or before saving.
                        self.warn(
                            "The annotation file on disk differs from yours; saving will ask again",
                        );
                    }
                }
            }
        }

        if let Some(save_as) = &mut self.safety.save_as {
            let mut action = None;
            egui::Modal::new(egui::Id::unique("save-as")).show(ctx, |ui| {
                ui.set_width(500.0);
                ui.heading("Could not save");
                ui.add_space(6.0);
                ui.colored_label(theme::error_color(dark), &save_as.error);
                ui.label("Your annotations are still here. Save them to another file:");
                ui.add_space(6.0);
                let label = ui.label("New file");
                ui.add(
                    egui::TextEdit::singleline(&mut save_as.path)
                        .desired_width(f32::INFINITY)
                        .hint_text("Path of the new annotation file"),
                )
                .labelled_by(label.id);
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui
                        .button(RichText::new("Save here").strong())
                        .on_hover_text("Enter")
                        .clicked()
                        || ui.input(|i| i.key_pressed(Key::Enter))
                    {
                        action = Some(true);
                    }
                    if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(Key::Escape)) {
                        action = Some(false);
                    }
                });
            });
            match action {
                Some(true) => {
                    let path = PathBuf::from(save_as.path.trim());
                    match self.save_to(path.clone()) {
                        Ok(()) => {
                            self.safety.save_as = None;
                            self.info(format!(
                                "Saved to {} — Ctrl+S keeps saving there",
                                path.display()
                            ));
                        }
                        Err(err) => {
                            if let Some(save_as) = &mut self.safety.save_as {
                                save_as.error = format!("Not saved there either: {err}");
                            }
                        }
                    }
                }
                Some(false) => self.safety.save_as = None,
                None => {}
            }
        }
    }

    /// Whether a safety dialog is showing (keyboard shortcuts pause meanwhile).
    pub(super) fn safety_dialog_open(&self) -> bool {
        self.safety.restore.is_some()
            || self.safety.conflict.is_some()
            || self.safety.save_as.is_some()
    }
}
