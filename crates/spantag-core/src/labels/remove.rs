//! `spantag label remove`: a label removed from every annotation file and project file under
//! a path, with the spans using it (and their relations) only when forced.

use std::collections::HashSet;
use std::path::Path;

use super::files::{Corpus, Write, all_spans, begin, commit, project_write};
use super::{FileRemoval, LabelsError, ProjectChange, RemoveReport};

/// Removes label `name` from every annotation file's label list under `root` (a folder,
/// searched recursively, or a document) and from the project files that govern them.
///
/// When spans (or orphaned spans) use it, refuses with their count unless `force` is set;
/// then those spans are deleted too, with the relations that touch them. A project relation
/// type keeps its other labels; one whose `from` or `to` list named only this label is
/// deleted (an empty list would allow any label). Same guarantees as [`rename`]: every file
/// is read before any is written, changed files get a `.bak`, the others are not touched.
pub fn remove(root: &Path, name: &str, force: bool) -> Result<RemoveReport, LabelsError> {
    let operation = format!("label remove {name}");
    let lock = begin(root, &operation)?;
    let mut corpus = Corpus::read(root)?;
    if !force {
        let mut spans = 0;
        let mut files = 0;
        for entry in &corpus.files {
            let n = all_spans(&entry.file).filter(|s| s.label == name).count();
            spans += n;
            files += usize::from(n > 0);
        }
        if spans > 0 {
            return Err(LabelsError::InUse {
                label: name.to_owned(),
                spans,
                files,
            });
        }
    }

    let mut writes = Vec::new();
    let mut files = Vec::new();
    for entry in &mut corpus.files {
        let file = &mut entry.file;
        let labels_before = file.labels.len();
        file.labels.retain(|l| l.name != name);
        let scheme = file.labels.len() != labels_before;
        let mut removed = 0;
        let mut removed_ids = HashSet::new();
        for list in [&mut file.spans, &mut file.orphans] {
            list.retain(|s| {
                let keep = s.label != name;
                if !keep {
                    removed += 1;
                    removed_ids.insert(s.id);
                }
                keep
            });
        }
        let relations_before = file.relations.len();
        file.relations
            .retain(|r| !removed_ids.contains(&r.from) && !removed_ids.contains(&r.to));
        let relations = relations_before - file.relations.len();
        if scheme || removed > 0 {
            writes.push(Write {
                path: entry.path.clone(),
                hash: entry.hash.clone(),
                contents: file.to_ron(),
            });
            files.push(FileRemoval {
                path: entry.path.clone(),
                spans: removed,
                relations,
                scheme,
            });
        }
    }
    let mut projects = Vec::new();
    for entry in &mut corpus.projects {
        let project = &mut entry.project;
        if project.label(name).is_none() {
            continue;
        }
        project.labels.retain(|l| l.name != name);
        let mut relation_types = Vec::new();
        let mut relation_types_removed = Vec::new();
        project.relation_types.retain_mut(|relation_type| {
            let mut emptied = false;
            let mut touched = false;
            for list in [&mut relation_type.from, &mut relation_type.to] {
                let before = list.len();
                list.retain(|l| l != name);
                touched |= list.len() != before;
                emptied |= before > 0 && list.is_empty();
            }
            if emptied {
                relation_types_removed.push(relation_type.name.clone());
            } else if touched {
                relation_types.push(relation_type.name.clone());
            }
            !emptied
        });
        writes.push(project_write(entry)?);
        projects.push(ProjectChange {
            path: entry.path.clone(),
            relation_types,
            relation_types_removed,
        });
    }
    if writes.is_empty() {
        return Err(corpus.not_found("remove", name));
    }
    commit(&lock, &operation, writes)?;
    Ok(RemoveReport {
        name: name.to_owned(),
        files,
        projects,
        searched: corpus.files.len(),
    })
}
