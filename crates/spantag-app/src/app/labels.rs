//! The label editor's changes: to the editable layer (undoable), or to the project file when
//! one sets the labels; renaming across every annotation file of the corpus.

use std::path::PathBuf;

use super::SpantagApp;
use crate::label_editor::Confirm;
use spantag_core::annotation::{Label, PALETTE};
use spantag_core::edit::Edit;

/// A change to the label list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum SchemeChange {
    Add(String),
    Color(String, String),
    Move(String, usize),
    Remove(String),
}

impl SpantagApp {
    /// Where a rename looks for annotation files: the corpus folder, else the document
    /// (every annotator's file beside it).
    fn label_root(&self) -> Option<PathBuf> {
        if let Some(corpus) = &self.corpus {
            return Some(corpus.root.clone());
        }
        self.open
            .as_ref()
            .and_then(|o| o.session.document().path().map(PathBuf::from))
    }

    /// Carries out a change of the label list.
    pub(super) fn change_scheme(&mut self, change: SchemeChange) {
        let Some(open) = &mut self.open else { return };
        self.label_editor.error = None;
        if let SchemeChange::Remove(name) = &change {
            // The layer first: the label leaves it (with the spans, confirmed before).
            let ids: Vec<u64> = open
                .layer()
                .spans()
                .iter()
                .filter(|s| s.label == *name)
                .map(|s| s.id)
                .collect();
            let mut edits = Vec::new();
            if !ids.is_empty() {
                edits.push(Edit::RemoveSpans(ids));
            }
            edits.push(Edit::RemoveLabel(name.clone()));
            self.apply_edit(Edit::Batch(edits));
        }
        let Some(open) = &mut self.open else { return };
        let project = open.session.project();
        let in_project = |name: &str| {
            project
                .as_ref()
                .is_some_and(|(_, p)| p.label(name).is_some())
        };
        let to_project = match &change {
            SchemeChange::Add(_) => project.is_some(),
            SchemeChange::Color(name, _)
            | SchemeChange::Move(name, _)
            | SchemeChange::Remove(name) => in_project(name),
        };
        if let (true, Some((path, project))) = (to_project, &project) {
            let mut labels: Vec<Label> = open
                .layer()
                .scheme
                .labels()
                .iter()
                .filter(|l| project.label(&l.name).is_some())
                .cloned()
                .collect();
            let mut dropped = Vec::new();
            match &change {
                SchemeChange::Add(name) => {
                    if labels.iter().any(|l| l.name == *name) {
                        self.label_editor.error =
                            Some(format!("There is a label {name:?} already"));
                        return;
                    }
                    let color = PALETTE[labels.len() % PALETTE.len()].to_owned();
                    labels.push(Label {
                        name: name.clone(),
                        color,
                    });
                }
                SchemeChange::Color(name, color) => {
                    if let Some(l) = labels.iter_mut().find(|l| l.name == *name) {
                        l.color.clone_from(color);
                    }
                }
                SchemeChange::Move(name, to) => {
                    if let Some(from) = labels.iter().position(|l| l.name == *name) {
                        let label = labels.remove(from);
                        labels.insert((*to).min(labels.len()), label);
                    }
                }
                SchemeChange::Remove(name) => {
                    labels.retain(|l| l.name != *name);
                    dropped.push(name.clone());
                }
            }
            let updated = spantag_core::project::with_labels(project, &labels);
            match spantag_core::project::save(path, &updated) {
                Ok(()) => {
                    open.session.reload_project(&dropped);
                    self.info(format!(
                        "Labels saved to {} (the old file is kept as .bak)",
                        path.display()
                    ));
                }
                Err(err) => {
                    let message = format!("Could not change the project file: {err}");
                    self.label_editor.error = Some(message.clone());
                    self.error(message);
                }
            }
            return;
        }
        let what = spantag_core::edit_summary::describe(&edit_for(&change), open.layer());
        let edit = match change {
            SchemeChange::Add(name) => {
                if open.layer().scheme.get(&name).is_some() {
                    self.label_editor.error = Some(format!("There is a label {name:?} already"));
                    return;
                }
                Edit::AddLabel(name)
            }
            SchemeChange::Color(name, color) => Edit::SetLabelColor { name, color },
            SchemeChange::Move(name, to) => Edit::MoveLabel { name, to },
            SchemeChange::Remove(_) => return,
        };
        self.apply_edit(edit);
        self.info(format!("{} (Ctrl+Z undoes it)", capitalised(&what)));
    }

    /// Remove asks first when spans of yours use the label.
    pub(super) fn remove_label(&mut self, name: String, confirmed: bool) {
        let Some(open) = &self.open else { return };
        let spans = open
            .layer()
            .spans()
            .iter()
            .filter(|s| s.label == name)
            .count();
        if spans > 0 && !confirmed {
            let layer = open.layer();
            let relations = layer
                .relations
                .iter()
                .filter(|r| {
                    [r.from, r.to]
                        .iter()
                        .any(|id| layer.get(*id).is_some_and(|s| s.label == name))
                })
                .count();
            self.label_editor.confirm = Some(Confirm::Remove {
                name,
                spans,
                relations,
            });
            return;
        }
        self.change_scheme(SchemeChange::Remove(name.clone()));
        self.info(if spans > 0 {
            format!("Removed {name} and its {spans} spans (Ctrl+Z brings them back)")
        } else {
            format!("Removed {name}")
        });
    }

    /// Counts what renaming would change, for the confirmation.
    pub(super) fn ask_rename_label(&mut self, old: String, new: String) {
        let Some(root) = self.label_root() else {
            return;
        };
        let usage = match spantag_core::labels::usage(&root) {
            Ok(usage) => usage,
            Err(err) => {
                self.label_editor.error = Some(err.to_string());
                return;
            }
        };
        let in_open = self
            .open
            .as_ref()
            .is_some_and(|o| o.session.scheme().get(&new).is_some());
        if let Some(taken) = usage.labels.iter().find(|l| l.name == new) {
            self.label_editor.error = Some(format!(
                "There is a label “{new}” already ({} spans in {} files): renaming would merge \
                 the two. Pick another name",
                taken.spans, taken.files
            ));
            return;
        }
        if in_open {
            self.label_editor.error = Some(format!(
                "There is a label “{new}” already: renaming would merge the two. Pick another \
                 name"
            ));
            return;
        }
        let found = usage.labels.iter().find(|l| l.name == old);
        self.label_editor.confirm = Some(Confirm::Rename {
            files: found.map_or(0, |l| l.files.max(l.schemes)),
            spans: found.map_or(0, |l| l.spans),
            projects: usize::from(found.is_some_and(|l| l.in_project)),
            root: root.display().to_string(),
            old,
            new,
        });
    }

    /// Renames a label in every annotation file under the corpus (saving yours first), then
    /// reads the document again.
    pub(super) fn rename_label(&mut self, old: String, new: String) {
        let Some(root) = self.label_root() else {
            return;
        };
        let Some(doc) = self
            .open
            .as_ref()
            .and_then(|o| o.session.document().path().map(PathBuf::from))
        else {
            return;
        };
        if self.is_dirty() && !self.save() {
            return;
        }
        match spantag_core::labels::rename(&root, &old, &new) {
            Ok(report) => {
                self.label_editor.refresh_project();
                self.open = None;
                self.open_document(&doc);
                self.wait_until_loaded();
                self.suggestions.forget_corpus();
                self.info(format!(
                    "Renamed {old} to {new}: {} spans in {} files{} (each kept as .bak)",
                    report.spans(),
                    report.files.len(),
                    if report.projects.is_empty() {
                        String::new()
                    } else {
                        " and the project file".to_owned()
                    }
                ));
            }
            Err(err) => {
                let message = format!("Nothing renamed: {err}");
                self.label_editor.error = Some(message.clone());
                self.error(message);
            }
        }
    }
}

/// The edit a scheme change makes to the layer (for describing it).
fn edit_for(change: &SchemeChange) -> Edit {
    match change {
        SchemeChange::Add(name) => Edit::AddLabel(name.clone()),
        SchemeChange::Color(name, color) => Edit::SetLabelColor {
            name: name.clone(),
            color: color.clone(),
        },
        SchemeChange::Move(name, to) => Edit::MoveLabel {
            name: name.clone(),
            to: *to,
        },
        SchemeChange::Remove(name) => Edit::RemoveLabel(name.clone()),
    }
}

/// A message's first letter in capitals.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
