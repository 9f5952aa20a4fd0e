//! Never losing work: the recovery file, the restore offer, noticing that the annotation
//! file changed on disk (reload, keep mine, merge), and Save As when saving fails.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui::{Key, RichText};

use super::{OpenDocument, SpantagApp};
use crate::annotation::Span;
use crate::edit::Edit;
use crate::recovery;
use crate::store::{self, AnnotationFile};
use crate::ui::theme;

/// How long after a change the recovery file is written at the latest.
const RECOVERY_DELAY: Duration = Duration::from_millis(1_000);
/// How often the annotation file is checked for changes made by others.
const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// State of the safety features.
#[derive(Default)]
pub(super) struct Safety {
    restore: Option<RestoreOffer>,
    conflict: Option<Conflict>,
    save_as: Option<SaveAs>,
    last_poll: Option<Instant>,
    recovery_due: Option<Instant>,
    recovery_revision: Option<u64>,
}

struct RestoreOffer {
    file: AnnotationFile,
    differing: usize,
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

impl OpenDocument {
    fn recovery_text(&self) -> String {
        AnnotationFile::from_layer(&self.layer, &self.doc).to_ron()
    }
}

impl SpantagApp {
    /// After a document is opened: offer a newer recovery file, if there is one.
    pub(super) fn offer_recovery(&mut self) {
        let Some(open) = &self.open else { return };
        self.safety = Safety::default();
        if let Some(file) = recovery::pending(&open.annotation_path) {
            let differing = recovery::differing_spans(&file.spans, open.layer.spans())
                + recovery::differing_spans(&file.orphans, &open.layer.orphans);
            if differing == 0 && file.labels == open.layer.scheme.labels() {
                recovery::remove(&open.annotation_path);
            } else {
                self.safety.restore = Some(RestoreOffer { file, differing });
            }
        }
    }

    /// Writes the recovery file within a second of unsaved changes, removes it once saved.
    pub(super) fn recovery_tick(&mut self, ctx: &egui::Context) {
        let Some(open) = &self.open else {
            recovery::remember(None);
            return;
        };
        if !open.history.is_dirty() {
            if self.safety.recovery_revision.take().is_some() {
                recovery::remove(&open.annotation_path);
            }
            self.safety.recovery_due = None;
            recovery::remember(None);
            return;
        }
        if self.safety.recovery_revision == Some(open.history.revision()) {
            return;
        }
        let now = Instant::now();
        let due = *self.safety.recovery_due.get_or_insert(now + RECOVERY_DELAY);
        if now < due {
            ctx.request_repaint_after(due - now);
            return;
        }
        let text = open.recovery_text();
        let path = open.annotation_path.clone();
        recovery::remember(Some((path.clone(), text.clone())));
        self.safety.recovery_due = None;
        self.safety.recovery_revision = Some(open.history.revision());
        // The write (and its fsync) happens off the UI thread.
        let _ = std::thread::Builder::new()
            .name("recovery".into())
            .spawn(move || {
                if let Err(err) = recovery::write(&path, &text) {
                    eprintln!("spantag: could not write the recovery file: {err}");
                }
            });
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
        let stamp = crate::atomic::file_stamp(&open.annotation_path);
        if stamp == open.disk_stamp {
            return;
        }
        let hash = crate::atomic::file_hash(&open.annotation_path);
        open.disk_stamp = stamp;
        if hash == open.disk_hash {
            return;
        }
        if open.history.is_dirty() {
            self.safety.conflict = Some(Conflict {
                theirs: AnnotationFile::read(&open.annotation_path).ok(),
                theirs_hash: hash,
            });
        } else if hash.is_some() {
            let path = open.doc.path().map(Path::to_path_buf);
            if let Some(path) = path {
                let top = self.view.top_offset();
                self.open_document(&path);
                if let Some(top) = top {
                    // Stay where the user was reading.
                    self.view
                        .scroll_to(crate::ui::doc_view::ScrollTarget::Top(top));
                }
                self.info("The annotation file changed on disk (a teammate or git?) — reloaded it");
            }
        }
    }

    /// Before saving: whether the file on disk is still the one we loaded or saved. If not,
    /// the conflict dialog opens and nothing is written.
    pub(super) fn check_before_save(&mut self) -> bool {
        let Some(open) = &self.open else { return false };
        let hash = crate::atomic::file_hash(&open.annotation_path);
        if hash == open.disk_hash {
            return true;
        }
        self.safety.conflict = Some(Conflict {
            theirs: AnnotationFile::read(&open.annotation_path).ok(),
            theirs_hash: hash,
        });
        false
    }

    /// After a failed save: offers Save As.
    pub(super) fn offer_save_as(&mut self, error: String) {
        let Some(open) = &self.open else { return };
        let name = open
            .annotation_path
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
        let hash = store::save_layer(&open.layer, &open.doc, &path).map_err(|e| e.to_string())?;
        recovery::remove(&open.annotation_path);
        open.annotation_path = path;
        open.disk_hash = Some(hash);
        open.disk_stamp = crate::atomic::file_stamp(&open.annotation_path);
        open.history.mark_saved();
        Ok(())
    }

    fn resolve_reload(&mut self) {
        let Some(open) = &self.open else { return };
        let mut note = String::new();
        if open.history.is_dirty() {
            let side = side_file(&open.annotation_path, "mine");
            match store::write_atomic_no_backup(&side, open.recovery_text().as_bytes()) {
                Ok(()) => note = format!(" Your unsaved version was kept as {}", side.display()),
                Err(err) => {
                    self.error(format!(
                        "Did not reload: could not keep your version ({err})"
                    ));
                    return;
                }
            }
        }
        recovery::remove(&open.annotation_path);
        if let Some(path) = open.doc.path().map(Path::to_path_buf) {
            self.open = None;
            self.open_document(&path);
            self.info(format!("Reloaded the annotation file from disk.{note}"));
        }
    }

    fn resolve_keep_mine(&mut self, theirs_hash: Option<String>) {
        let Some(open) = &mut self.open else { return };
        let mut kept = None;
        if theirs_hash.is_some() {
            let side = side_file(&open.annotation_path, "theirs");
            if let Err(err) = std::fs::copy(&open.annotation_path, &side) {
                self.error(format!("Not saved: could not keep their version ({err})"));
                return;
            }
            kept = Some(side);
        }
        open.disk_hash = theirs_hash;
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
        let mut next = open.layer.allocate_id();
        let mine: std::collections::HashSet<(usize, usize, &str)> = open
            .layer
            .spans()
            .iter()
            .map(|s| (s.start, s.end, s.label.as_str()))
            .collect();
        let mut edits = Vec::new();
        for label in &theirs.labels {
            edits.push(Edit::AddLabel(label.name.clone()));
        }
        for span in theirs
            .spans
            .iter()
            .filter(|s| !mine.contains(&(s.start, s.end, s.label.as_str())))
        {
            let mut added = Span {
                id: next,
                ..span.clone()
            };
            next += 1;
            if open.doc.text_matches(span.start, span.end, &span.text) {
                edits.push(Edit::AddSpan(added));
            } else {
                added.id = next;
                next += 1;
                edits.push(Edit::AddOrphan(added));
            }
        }
        let added = edits
            .iter()
            .filter(|e| matches!(e, Edit::AddSpan(_) | Edit::AddOrphan(_)))
            .count();
        drop(mine);
        if let Err(err) = open.history.apply(&mut open.layer, Edit::Batch(edits)) {
            self.error(format!("Could not merge: {err}"));
            return;
        }
        open.disk_hash = theirs_hash;
        if self.save() {
            self.info(format!("Merged: {added} span(s) from the file on disk added to yours, and saved (Ctrl+Z undoes the merge)"));
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
                    "spantag found annotations that were not saved when it last closed (a crash or a forced quit). They differ from the saved file in {} span(s).",
                    offer.differing
                ));
                ui.add_space(12.0);
                ui.horizontal(|ui| {
                    if ui.button("Restore").clicked() {
                        choice = Some(true);
                    }
                    if ui.button("Discard").on_hover_text("Delete the recovery file and keep the saved annotations").clicked() {
                        choice = Some(false);
                    }
                });
            });
            if let Some(restore) = choice
                && let Some(offer) = self.safety.restore.take()
                && let Some(open) = &mut self.open
            {
                if restore {
                    let mut layer = offer.file.into_layer();
                    layer.annotator.clone_from(&open.layer.annotator);
                    open.layer = layer;
                    open.history = crate::edit::History::new();
                    open.history.mark_unsaved();
                    open.refresh_index_now();
                    let n = open.layer.spans().len();
                    self.info(format!(
                        "Restored {n} span(s) of unsaved work — press Ctrl+S to save them"
                    ));
                } else {
                    recovery::remove(&open.annotation_path);
                    self.info("Discarded the recovered work");
                }
            }
        }

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
                    if ui.button("Later").clicked() || ui.input(|i| i.key_pressed(Key::Escape)) {
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
                        // Ask again at the next check, not every frame.
                        if let Some(open) = &mut self.open {
                            open.disk_stamp = crate::atomic::file_stamp(&open.annotation_path);
                        }
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
                    if ui.button(RichText::new("Save here").strong()).clicked() {
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
