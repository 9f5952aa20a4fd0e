//! `spantag label rename`: a label renamed in every annotation file and project file under a
//! path, refused when the new name is a label already.

use std::path::Path;

use super::files::{Corpus, Write, all_spans, begin, commit, project_write};
use super::{FileRename, LabelsError, ProjectChange, RenameReport};
use crate::annotation::validate_label_name;

/// Renames label `old` to `new` in every annotation file under `root` (a folder, searched
/// recursively, or a document; every annotator and the curated layer) — its entry in each
/// file's label list, keeping colour and position, and every span and orphaned span with it —
/// and in the project files that govern them where they define `old` (the label and the
/// relation types' `from` and `to` lists).
///
/// Refuses, writing nothing, when `new` is not a valid label name or is already a label of a
/// file, a span or a project file (the two labels would merge), and when any file cannot be
/// read. Changed files are written atomically with a `.bak`; the others are not touched.
pub fn rename(root: &Path, old: &str, new: &str) -> Result<RenameReport, LabelsError> {
    validate_label_name(new).map_err(|reason| LabelsError::BadName {
        name: new.to_owned(),
        reason,
    })?;
    if old == new {
        return Err(LabelsError::SameName(new.to_owned()));
    }
    let operation = format!("label rename {old} {new}");
    let lock = begin(root, &operation)?;
    let mut corpus = Corpus::read(root)?;
    // A label found nowhere is nothing to rename, whatever the new name (run twice, the
    // second run must not say the two labels would merge).
    let defined = corpus
        .projects
        .iter()
        .any(|e| e.project.label(old).is_some())
        || corpus.files.iter().any(|e| {
            e.file.labels.iter().any(|l| l.name == old)
                || all_spans(&e.file).any(|s| s.label == old)
        });
    if !defined {
        return Err(corpus.not_found("rename", old));
    }
    let mut found_in: Vec<String> = Vec::new();
    for entry in &corpus.projects {
        if entry.project.label(new).is_some() {
            found_in.push(entry.path.display().to_string());
        }
    }
    for entry in &corpus.files {
        if entry.file.labels.iter().any(|l| l.name == new)
            || all_spans(&entry.file).any(|s| s.label == new)
        {
            found_in.push(entry.path.display().to_string());
        }
    }
    if !found_in.is_empty() {
        let shown = found_in.len().min(3);
        let more = found_in.len() - shown;
        let mut found = format!("in {}", found_in[..shown].join(", "));
        if more > 0 {
            found.push_str(&format!(" and {more} other file(s)"));
        }
        return Err(LabelsError::Exists {
            old: old.to_owned(),
            new: new.to_owned(),
            found_in: found,
        });
    }

    let mut writes = Vec::new();
    let mut files = Vec::new();
    for entry in &mut corpus.files {
        let file = &mut entry.file;
        let mut scheme = false;
        for label in file.labels.iter_mut().filter(|l| l.name == old) {
            new.clone_into(&mut label.name);
            scheme = true;
        }
        let mut spans = 0;
        for span in file
            .spans
            .iter_mut()
            .chain(file.orphans.iter_mut())
            .filter(|s| s.label == old)
        {
            new.clone_into(&mut span.label);
            spans += 1;
        }
        if scheme || spans > 0 {
            writes.push(Write {
                path: entry.path.clone(),
                hash: entry.hash.clone(),
                contents: file.to_ron(),
            });
            files.push(FileRename {
                path: entry.path.clone(),
                spans,
                scheme,
            });
        }
    }
    let mut projects = Vec::new();
    for entry in &mut corpus.projects {
        let project = &mut entry.project;
        if project.label(old).is_none() {
            continue;
        }
        for label in project.labels.iter_mut().filter(|l| l.name == old) {
            new.clone_into(&mut label.name);
        }
        let mut relation_types = Vec::new();
        for relation_type in &mut project.relation_types {
            let mut touched = false;
            for end in relation_type
                .from
                .iter_mut()
                .chain(relation_type.to.iter_mut())
                .filter(|l| *l == old)
            {
                new.clone_into(end);
                touched = true;
            }
            if touched {
                relation_types.push(relation_type.name.clone());
            }
        }
        writes.push(project_write(entry)?);
        projects.push(ProjectChange {
            path: entry.path.clone(),
            relation_types,
            relation_types_removed: Vec::new(),
        });
    }
    if writes.is_empty() {
        return Err(corpus.not_found("rename", old));
    }
    commit(&lock, &operation, writes)?;
    Ok(RenameReport {
        old: old.to_owned(),
        new: new.to_owned(),
        files,
        projects,
        searched: corpus.files.len(),
    })
}
