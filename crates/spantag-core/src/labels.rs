//! Renaming and removing labels across a corpus: every annotation file of every document
//! under a folder (all annotators, the curated layer included) and the project files that
//! govern them (`spantag.ron`).
//!
//! Every change is all or nothing as far as files allow: every file is read and parsed
//! before anything is written, a file that cannot be read stops the command with its name
//! (and line and column), and files are checked again for changes made meanwhile just before
//! the first write. Each changed file is then written atomically with its previous version
//! kept as `<file>.bak`; files the change does not concern are not rewritten at all.
//!
//! A file with an empty label list (`labels: []`) uses the default scheme; its spans are
//! renamed or removed like any other, and its list stays empty.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::annotation::{Span, validate_label_name};
use crate::corpus::{self, LayerChoice};
use crate::project::{self, Project, ProjectError};
use crate::store::{AnnotationFile, StoreError};

/// Why labels could not be counted, renamed or removed. Unless the variant says otherwise,
/// nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum LabelsError {
    /// The folder or document could not be searched.
    #[error("{0}")]
    Corpus(#[from] corpus::CorpusError),
    /// An annotation file could not be read or parsed.
    #[error("{0}. No file was changed")]
    Read(#[from] StoreError),
    /// A project file could not be read or is not valid.
    #[error("{0}. No file was changed: fix the project file first")]
    Project(#[from] ProjectError),
    /// The new name cannot be a label name.
    #[error("{name:?} cannot be a label name: {reason}. No file was changed")]
    BadName {
        /// The name given.
        name: String,
        /// Why not.
        reason: String,
    },
    /// The old and the new name are the same.
    #[error("{0:?} is already the label's name; give a different new name. No file was changed")]
    SameName(String),
    /// The new name is already a label: renaming would silently merge two labels.
    #[error(
        "label {new:?} already exists ({found_in}): renaming {old:?} to it would merge the two labels into one. No file was changed. Choose a name no file uses (`spantag label list` shows them)"
    )]
    Exists {
        /// The label to rename.
        old: String,
        /// The name asked for.
        new: String,
        /// Where `new` was found, for people.
        found_in: String,
    },
    /// The label is neither used nor defined anywhere under the path: nothing to do.
    #[error(
        "found nothing to {action}: no label {label:?} {}{projects}",
        searched(*files, root)
    )]
    NotFound {
        /// "rename" or "remove".
        action: &'static str,
        /// The label looked for.
        label: String,
        /// The folder or document searched.
        root: PathBuf,
        /// How many annotation files were searched.
        files: usize,
        /// The project files searched, for the message (empty or ` or in …`).
        projects: String,
    },
    /// Spans use the label to remove and removing them was not asked for.
    #[error(
        "label {label:?} is used by {spans} span(s) in {files} file(s); nothing was changed. Rename it instead, or give --force to delete those spans (and the relations touching them) along with the label"
    )]
    InUse {
        /// The label.
        label: String,
        /// Spans (and orphaned spans) using it.
        spans: usize,
        /// Files those spans are in.
        files: usize,
    },
    /// A file changed on disk between reading and writing (the app or a teammate saved it).
    #[error(
        "{0} changed on disk while the labels were being changed (is spantag open on it?). No file was changed; run the command again"
    )]
    Changed(PathBuf),
    /// The new contents of a project file would not read back as the same project.
    #[error("could not write a valid project file for {path}: {message}. No file was changed")]
    Unwritable {
        /// The project file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A file could not be prepared for writing (a read-only folder, a full disk): nothing
    /// was changed.
    #[error("could not write {path}: {source}. No file was changed")]
    Unprepared {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// Another operation holds the folder, or the files could not be put in place (the
    /// message says whether anything changed).
    #[error("{0}")]
    Transaction(crate::transaction::TxnError),
}

/// "in the 3 annotation file(s) under x" (or that there are none).
fn searched(files: usize, root: &Path) -> String {
    if files == 0 {
        format!(
            "anywhere: there are no annotation files (<document>.<annotator>.ron) under {}",
            root.display()
        )
    } else {
        format!("in the {files} annotation file(s) under {}", root.display())
    }
}

/// How much one label is used under a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelCount {
    /// The label's name.
    pub name: String,
    /// Spans (orphaned ones included) with this label, in all files.
    pub spans: usize,
    /// Annotation files with at least one such span.
    pub files: usize,
    /// Annotation files whose label list holds it.
    pub schemes: usize,
    /// Whether a project file defines it.
    pub in_project: bool,
}

/// The spans of one annotation file, per label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileUsage {
    /// The annotation file.
    pub path: PathBuf,
    /// (label, spans and orphaned spans with it), labels in order of first use in the file.
    pub spans: Vec<(String, usize)>,
}

/// The labels used and defined under a path ([`usage`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelUsage {
    /// Every label of a project file, of a file's label list or of a span: the project
    /// files' labels first, in their order, then the others in order of first appearance
    /// (documents by path, annotators by name, each file's label list before its spans).
    pub labels: Vec<LabelCount>,
    /// Every annotation file searched, with its span counts.
    pub files: Vec<FileUsage>,
    /// The project files that govern the path (the nearest one to it first).
    pub projects: Vec<PathBuf>,
}

/// What renaming did to one annotation file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRename {
    /// The annotation file.
    pub path: PathBuf,
    /// Spans (orphaned ones included) renamed.
    pub spans: usize,
    /// Whether its label list held the label (the entry keeps its colour and position).
    pub scheme: bool,
}

/// What changed in a project file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectChange {
    /// The project file.
    pub path: PathBuf,
    /// Relation types whose `from` or `to` list named the label (renamed there, or taken
    /// out of the list).
    pub relation_types: Vec<String>,
    /// Relation types deleted because a `from` or `to` list of theirs named only the removed
    /// label (an empty list would allow any label). Always empty for a rename.
    pub relation_types_removed: Vec<String>,
}

/// What [`rename`] changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenameReport {
    /// The old name.
    pub old: String,
    /// The new name.
    pub new: String,
    /// The annotation files changed, in the order searched.
    pub files: Vec<FileRename>,
    /// The project files changed.
    pub projects: Vec<ProjectChange>,
    /// How many annotation files were searched.
    pub searched: usize,
}

impl RenameReport {
    /// Spans renamed in all files.
    pub fn spans(&self) -> usize {
        self.files.iter().map(|f| f.spans).sum()
    }
}

/// What removing a label did to one annotation file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRemoval {
    /// The annotation file.
    pub path: PathBuf,
    /// Spans (orphaned ones included) deleted.
    pub spans: usize,
    /// Relations deleted because they touched a deleted span.
    pub relations: usize,
    /// Whether its label list held the label.
    pub scheme: bool,
}

/// What [`remove`] changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoveReport {
    /// The label removed.
    pub name: String,
    /// The annotation files changed, in the order searched.
    pub files: Vec<FileRemoval>,
    /// The project files changed.
    pub projects: Vec<ProjectChange>,
    /// How many annotation files were searched.
    pub searched: usize,
}

impl RemoveReport {
    /// Spans deleted in all files.
    pub fn spans(&self) -> usize {
        self.files.iter().map(|f| f.spans).sum()
    }

    /// Relations deleted in all files.
    pub fn relations(&self) -> usize {
        self.files.iter().map(|f| f.relations).sum()
    }
}

/// An annotation file as read, with the hash of its bytes.
struct Annotations {
    path: PathBuf,
    file: AnnotationFile,
    hash: String,
}

/// A project file as read, with the hash of its bytes.
struct ProjectEntry {
    path: PathBuf,
    project: Project,
    hash: String,
}

/// Everything under a path, read and parsed.
struct Corpus {
    root: PathBuf,
    files: Vec<Annotations>,
    projects: Vec<ProjectEntry>,
}

/// A file to replace: its path, the hash it had when read, its new contents.
struct Write {
    path: PathBuf,
    hash: String,
    contents: String,
}

impl Corpus {
    /// Reads every annotation file under `root` (all annotators, curated included) and every
    /// project file governing `root` or a document under it; stops at the first that cannot
    /// be read.
    fn read(root: &Path) -> Result<Self, LabelsError> {
        let jobs = corpus::plan(&[root.to_path_buf()], &LayerChoice::Every)?;
        let mut files = Vec::new();
        let mut project_paths: Vec<PathBuf> = Vec::new();
        let mut governing = |path: Option<PathBuf>| {
            if let Some(path) = path
                && !project_paths.contains(&path)
            {
                project_paths.push(path);
            }
        };
        governing(project::find(root));
        // Files whose document was renamed or moved hold labels too: renaming a label must
        // not leave the old name in them, to come back when the document is found again.
        let strays = if root.is_dir() {
            corpus::stray_annotation_files(root)?
        } else {
            Vec::new()
        };
        for job in &jobs {
            governing(project::find(&job.path));
        }
        for path in jobs
            .iter()
            .flat_map(|job| job.layers.iter().map(|(_, path)| path))
            .chain(&strays)
        {
            let (file, hash) = AnnotationFile::read_with_hash(path)?;
            files.push(Annotations {
                path: path.clone(),
                file,
                hash,
            });
        }
        let projects = project_paths
            .into_iter()
            .map(|path| {
                let bytes =
                    crate::readfile::read_regular(&path).map_err(|e| ProjectError::Read {
                        path: path.clone(),
                        message: e.to_string(),
                    })?;
                let hash = crate::document::hash_bytes(&bytes);
                let text = String::from_utf8(bytes).map_err(|_| ProjectError::Read {
                    path: path.clone(),
                    message: "the file is not valid UTF-8".to_owned(),
                })?;
                let project = project::parse(&text, &path)?;
                Ok(ProjectEntry {
                    path,
                    project,
                    hash,
                })
            })
            .collect::<Result<Vec<_>, ProjectError>>()?;
        Ok(Self {
            root: root.to_path_buf(),
            files,
            projects,
        })
    }

    fn not_found(&self, action: &'static str, label: &str) -> LabelsError {
        let projects = if self.projects.is_empty() {
            String::new()
        } else {
            format!(
                " or in the project file {}",
                self.projects
                    .iter()
                    .map(|p| p.path.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        LabelsError::NotFound {
            action,
            label: label.to_owned(),
            root: self.root.clone(),
            files: self.files.len(),
            projects,
        }
    }
}

/// Spans and orphaned spans of a file.
fn all_spans(file: &AnnotationFile) -> impl Iterator<Item = &Span> {
    file.spans.iter().chain(&file.orphans)
}

/// Counts the spans of every label in every annotation file under `root` (a folder,
/// searched recursively, or a document), with the labels the files and the governing project
/// files define.
pub fn usage(root: &Path) -> Result<LabelUsage, LabelsError> {
    let corpus = Corpus::read(root)?;
    let mut labels: Vec<LabelCount> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut at = |labels: &mut Vec<LabelCount>, name: &str| -> usize {
        *index.entry(name.to_owned()).or_insert_with(|| {
            labels.push(LabelCount {
                name: name.to_owned(),
                spans: 0,
                files: 0,
                schemes: 0,
                in_project: false,
            });
            labels.len() - 1
        })
    };
    for entry in &corpus.projects {
        for label in &entry.project.labels {
            let i = at(&mut labels, &label.name);
            labels[i].in_project = true;
        }
    }
    let mut files = Vec::new();
    for entry in &corpus.files {
        let mut in_scheme: Vec<&str> = Vec::new();
        for label in &entry.file.labels {
            if !in_scheme.contains(&label.name.as_str()) {
                in_scheme.push(&label.name);
                let i = at(&mut labels, &label.name);
                labels[i].schemes += 1;
            }
        }
        let mut counts: Vec<(String, usize)> = Vec::new();
        for span in all_spans(&entry.file) {
            match counts.iter_mut().find(|(name, _)| *name == span.label) {
                Some((_, n)) => *n += 1,
                None => counts.push((span.label.clone(), 1)),
            }
        }
        for (name, n) in &counts {
            let i = at(&mut labels, name);
            labels[i].spans += n;
            labels[i].files += 1;
        }
        files.push(FileUsage {
            path: entry.path.clone(),
            spans: counts,
        });
    }
    Ok(LabelUsage {
        labels,
        files,
        projects: corpus.projects.into_iter().map(|p| p.path).collect(),
    })
}

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

/// The new text of a changed project file, checked to read back as the same project.
fn project_write(entry: &ProjectEntry) -> Result<Write, LabelsError> {
    match project::checked_text(&entry.project, &entry.path) {
        Ok(contents) => Ok(Write {
            path: entry.path.clone(),
            hash: entry.hash.clone(),
            contents,
        }),
        Err(e) => Err(LabelsError::Unwritable {
            path: entry.path.clone(),
            message: e.to_string(),
        }),
    }
}

/// Locks the folder of `root` for `operation` and finishes an operation interrupted there,
/// before anything is read.
fn begin(root: &Path, operation: &str) -> Result<crate::folder::FolderLock, LabelsError> {
    use crate::transaction::TxnError;
    let dir = crate::folder::folder_for(root);
    let lock = crate::folder::lock::acquire(&dir, operation)
        .map_err(|e| LabelsError::Transaction(TxnError::Lock(e)))?;
    crate::folder::journal::recover_locked(&lock)
        .map_err(|e| LabelsError::Transaction(TxnError::Recover(e)))?;
    Ok(lock)
}

/// Writes every file as one transaction ([`crate::transaction::apply`]), after checking
/// that none changed since it was read: all of them are changed, or none.
fn commit(
    lock: &crate::folder::FolderLock,
    operation: &str,
    writes: Vec<Write>,
) -> Result<(), LabelsError> {
    use crate::transaction::{Change, TxnError};
    let changes: Vec<Change> = writes
        .into_iter()
        .map(|w| Change {
            path: w.path,
            contents: w.contents.into_bytes(),
            old: Some(w.hash),
        })
        .collect();
    crate::transaction::apply(lock, operation, &changes).map_err(|e| match e {
        TxnError::Changed(path) => LabelsError::Changed(path),
        TxnError::Unprepared { path, source } => LabelsError::Unprepared { path, source },
        other => LabelsError::Transaction(other),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::{Label, Relation};

    #[test]
    fn a_file_that_cannot_be_written_stops_the_command_before_any_file_changed() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("a.txt.alice.ron");
        std::fs::write(&first, "old").unwrap();
        // The second file's folder is gone: nothing can be created there, even by root (as
        // in a read-only folder for anyone else).
        let second = dir.path().join("gone").join("b.txt.alice.ron");
        let writes = [&first, &second].map(|path| Write {
            path: path.clone(),
            hash: crate::document::hash_bytes(b"old"),
            contents: "new".into(),
        });
        let lock = begin(dir.path(), "test").unwrap();
        let err = commit(&lock, "test", writes.into()).unwrap_err();
        drop(lock);
        assert!(err.to_string().contains("No file was changed"), "{err}");
        assert_eq!(std::fs::read_to_string(&first).unwrap(), "old");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            left,
            [std::ffi::OsString::from("a.txt.alice.ron")],
            "no temp, no .bak"
        );
    }

    /// An annotation file as a person or a script would write it: labels (name, colour),
    /// spans (id, start, end, label, text), relations (id, from, to, type), orphans, done
    /// and a note on the first span, so that every field is there to be kept.
    fn file_text(
        annotator: &str,
        labels: &[(&str, &str)],
        spans: &[(u64, usize, usize, &str, &str)],
        relations: &[(u64, u64, u64, &str)],
        orphans: &[(u64, usize, usize, &str, &str)],
    ) -> String {
        let mut out = format!(
            "(\n    version: 1,\n    source: \"doc.txt\",\n    source_hash: \"sha256:abc\",\n    annotator: {annotator:?},\n    done: true,\n    labels: [\n"
        );
        for (name, color) in labels {
            out.push_str(&format!("        (name: {name:?}, color: {color:?}),\n"));
        }
        out.push_str("    ],\n    spans: [\n");
        for (i, (id, start, end, label, text)) in spans.iter().enumerate() {
            let note = if i == 0 { ", note: Some(\"kept\")" } else { "" };
            out.push_str(&format!(
                "        (id: {id}, start: {start}, end: {end}, label: {label:?}, text: {text:?}{note}),\n"
            ));
        }
        out.push_str("    ],\n    relations: [\n");
        for (id, from, to, label) in relations {
            out.push_str(&format!(
                "        (id: {id}, from: {from}, to: {to}, label: {label:?}),\n"
            ));
        }
        out.push_str("    ],\n    orphans: [\n");
        for (id, start, end, label, text) in orphans {
            out.push_str(&format!(
                "        (id: {id}, start: {start}, end: {end}, label: {label:?}, text: {text:?}),\n"
            ));
        }
        out.push_str("    ],\n)\n");
        out
    }

    /// A file that uses `actor` (named `actor` here) in its scheme, two spans, an orphan
    /// and a relation: "Reyes said the port closes." with Reyes (0..5) an actor.
    fn actor_file(annotator: &str, actor: &str) -> String {
        file_text(
            annotator,
            &[
                ("claim", "#4e79a7"),
                (actor, "#e15759"),
                ("event", "#59a14f"),
            ],
            &[
                (1, 0, 5, actor, "Reyes"),
                (2, 11, 27, "claim", "the port closes."),
                (3, 15, 19, actor, "port"),
            ],
            &[(4, 1, 2, "says")],
            &[(5, 40, 45, actor, "Reyes")],
        )
    }

    /// A file without `actor` anywhere.
    fn plain_file(annotator: &str) -> String {
        file_text(
            annotator,
            &[("claim", "#4e79a7"), ("event", "#59a14f")],
            &[(1, 11, 27, "claim", "the port closes.")],
            &[],
            &[],
        )
    }

    const PROJECT: &str = r##"(
    version: 1,
    labels: [
        (name: "claim", color: "#4e79a7", key: '1'),
        (name: "actor", color: "#e15759", key: '2', description: Some("Who")),
        (name: "event", color: "#59a14f"),
    ],
    relation_types: [
        (name: "says", from: ["actor"], to: ["claim"]),
        (name: "meets", from: ["actor", "event"], to: ["actor"]),
        (name: "about", from: [], to: []),
    ],
)
"##;

    /// The corpus: `a.txt` (alice uses actor, bob does not, curated uses it) and
    /// `sub/b.txt` (alice does not, bob uses it). Returns the folder and every annotation
    /// file.
    fn corpus() -> (tempfile::TempDir, Vec<PathBuf>) {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let text = "Reyes said the port closes.";
        std::fs::write(dir.path().join("a.txt"), text).unwrap();
        std::fs::write(sub.join("b.txt"), text).unwrap();
        let files = [
            (
                dir.path().join("a.txt.alice.ron"),
                actor_file("alice", "actor"),
            ),
            (dir.path().join("a.txt.bob.ron"), plain_file("bob")),
            (
                dir.path().join("a.txt.curated.ron"),
                actor_file("curated", "actor"),
            ),
            (sub.join("b.txt.alice.ron"), plain_file("alice")),
            (sub.join("b.txt.bob.ron"), actor_file("bob", "actor")),
        ];
        for (path, text) in &files {
            std::fs::write(path, text).unwrap();
        }
        (dir, files.into_iter().map(|(p, _)| p).collect())
    }

    fn bytes(paths: &[PathBuf]) -> Vec<Vec<u8>> {
        paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
    }

    fn bak(path: &Path) -> PathBuf {
        let mut name = path.as_os_str().to_os_string();
        name.push(".bak");
        PathBuf::from(name)
    }

    fn parse(text: &str) -> AnnotationFile {
        AnnotationFile::from_ron(text, Path::new("expected.ron")).unwrap()
    }

    #[test]
    fn usage_counts_spans_and_orphans_per_label_and_file() {
        let (dir, files) = corpus();
        let usage = usage(dir.path()).unwrap();
        let got: Vec<(&str, usize, usize, usize)> = usage
            .labels
            .iter()
            .map(|l| (l.name.as_str(), l.spans, l.files, l.schemes))
            .collect();
        // actor: 2 spans + 1 orphan in each of 3 files; claim: 1 span in each of 5 files.
        assert_eq!(
            got,
            [("claim", 5, 5, 5), ("actor", 9, 3, 3), ("event", 0, 0, 5)]
        );
        assert!(usage.labels.iter().all(|l| !l.in_project));
        let paths: Vec<&Path> = usage.files.iter().map(|f| f.path.as_path()).collect();
        assert_eq!(
            paths,
            files.iter().map(PathBuf::as_path).collect::<Vec<_>>()
        );
        assert_eq!(
            usage.files[0].spans,
            [("actor".to_owned(), 3), ("claim".to_owned(), 1)]
        );
        // With a project file, its labels come first and are marked.
        std::fs::write(
            dir.path().join("spantag.ron"),
            PROJECT.replace(
                "(name: \"event\"",
                "(name: \"place\", color: \"#000000\"),\n        (name: \"event\"",
            ),
        )
        .unwrap();
        let usage = super::usage(dir.path()).unwrap();
        let names: Vec<(&str, bool)> = usage
            .labels
            .iter()
            .map(|l| (l.name.as_str(), l.in_project))
            .collect();
        assert_eq!(
            names,
            [
                ("claim", true),
                ("actor", true),
                ("place", true),
                ("event", true)
            ]
        );
        assert_eq!(usage.projects, [dir.path().join("spantag.ron")]);
    }

    #[test]
    fn rename_changes_every_annotator_and_the_curated_layer_and_nothing_else() {
        let (dir, files) = corpus();
        let before = bytes(&files);
        let report = rename(dir.path(), "actor", "person").unwrap();
        let changed: Vec<(&Path, usize, bool)> = report
            .files
            .iter()
            .map(|f| (f.path.as_path(), f.spans, f.scheme))
            .collect();
        assert_eq!(
            changed,
            [
                (files[0].as_path(), 3, true),
                (files[2].as_path(), 3, true),
                (files[4].as_path(), 3, true),
            ]
        );
        assert_eq!(report.spans(), 9);
        assert_eq!(report.searched, 5);
        assert!(report.projects.is_empty());
        // Each changed file is the hand-written one with the other name: scheme entry in
        // place with its colour, spans, orphan, relation, note, done and hash kept.
        for (i, who) in [(0, "alice"), (2, "curated"), (4, "bob")] {
            let now = AnnotationFile::read(&files[i]).unwrap();
            assert_eq!(
                now,
                parse(&actor_file(who, "person")),
                "{}",
                files[i].display()
            );
            assert_eq!(std::fs::read(bak(&files[i])).unwrap(), before[i]);
        }
        // The files without the label are not rewritten and get no backup.
        for i in [1, 3] {
            assert_eq!(std::fs::read(&files[i]).unwrap(), before[i]);
            assert!(!bak(&files[i]).exists());
        }
    }

    #[test]
    fn rename_keeps_every_span_when_the_new_name_sorts_differently() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("d.txt"), "Reyes").unwrap();
        let path = dir.path().join("d.txt.alice.ron");
        // Same range, two labels: after renaming "b" to "0b" it sorts first.
        let labels = [("a", "#000001"), ("b", "#000002")];
        std::fs::write(
            &path,
            file_text(
                "alice",
                &labels,
                &[(1, 0, 5, "a", "Reyes"), (2, 0, 5, "b", "Reyes")],
                &[(3, 2, 1, "r")],
                &[],
            ),
        )
        .unwrap();
        rename(dir.path(), "b", "0b").unwrap();
        let now = AnnotationFile::read(&path).unwrap();
        let expected = parse(&file_text(
            "alice",
            &[("a", "#000001"), ("0b", "#000002")],
            &[(1, 0, 5, "a", "Reyes"), (2, 0, 5, "0b", "Reyes")],
            &[(3, 2, 1, "r")],
            &[],
        ));
        // The span with the note is span 1 wherever it is written.
        let by_id = |f: &AnnotationFile| {
            let mut spans = f.spans.clone();
            spans.sort_by_key(|s| s.id);
            spans
        };
        assert_eq!(by_id(&now), by_id(&expected));
        assert_eq!(now.labels, expected.labels);
        assert_eq!(now.relations, expected.relations);
    }

    #[test]
    fn rename_refuses_a_name_that_exists_and_writes_nothing() {
        let (dir, files) = corpus();
        let before = bytes(&files);
        // In a scheme.
        let err = rename(dir.path(), "actor", "event").unwrap_err();
        assert!(matches!(err, LabelsError::Exists { .. }), "{err}");
        let message = err.to_string();
        assert!(message.contains("already exists"), "{message}");
        assert!(message.contains("merge"), "{message}");
        assert!(message.contains("Choose a name"), "{message}");
        // Only on a span, in a file whose label list is empty.
        std::fs::write(dir.path().join("c.txt"), "Reyes").unwrap();
        let c = dir.path().join("c.txt.zoe.ron");
        std::fs::write(
            &c,
            file_text("zoe", &[], &[(1, 0, 5, "who", "Reyes")], &[], &[]),
        )
        .unwrap();
        let err = rename(dir.path(), "actor", "who").unwrap_err();
        assert!(err.to_string().contains(&c.display().to_string()), "{err}");
        // Only in the project file.
        std::fs::remove_file(&c).unwrap();
        std::fs::write(
            dir.path().join("spantag.ron"),
            PROJECT.replace("\"event\"", "\"place\""),
        )
        .unwrap();
        let err = rename(dir.path(), "actor", "place").unwrap_err();
        assert!(err.to_string().contains("spantag.ron"), "{err}");
        assert_eq!(bytes(&files), before);
        assert!(files.iter().all(|f| !bak(f).exists()));
        // A bad name and the same name are refused too.
        assert!(matches!(
            rename(dir.path(), "actor", " actor").unwrap_err(),
            LabelsError::BadName { .. }
        ));
        assert!(matches!(
            rename(dir.path(), "actor", "actor").unwrap_err(),
            LabelsError::SameName(_)
        ));
        assert_eq!(bytes(&files), before);
    }

    #[test]
    fn a_broken_file_stops_everything_before_any_write() {
        let (dir, files) = corpus();
        // sub/b.txt.alice.ron is read after a.txt's files, which would change.
        let broken = &files[3];
        std::fs::write(
            broken,
            "(\n    version: 1,\n    source: \"b.txt\",\n    spans: [ (id: 1,, ],\n)\n",
        )
        .unwrap();
        let before = bytes(&files);
        let err = rename(dir.path(), "actor", "person").unwrap_err();
        let StoreError::Parse { path, line, .. } = (match &err {
            LabelsError::Read(e) => e,
            other => panic!("expected a parse error, got {other}"),
        }) else {
            panic!("expected a parse error, got {err}");
        };
        assert_eq!(path, broken);
        assert_eq!(*line, 4);
        let message = err.to_string();
        assert!(message.contains("b.txt.alice.ron:4:"), "{message}");
        assert!(message.contains("No file was changed"), "{message}");
        assert_eq!(bytes(&files), before);
        assert!(files.iter().all(|f| !bak(f).exists()));
        // Remove stops the same way.
        assert!(matches!(
            remove(dir.path(), "actor", true).unwrap_err(),
            LabelsError::Read(StoreError::Parse { .. })
        ));
        assert_eq!(bytes(&files), before);
    }

    #[test]
    fn a_broken_project_file_stops_everything() {
        let (dir, files) = corpus();
        let before = bytes(&files);
        std::fs::write(
            dir.path().join("spantag.ron"),
            "(version: 1, labels: [(name: \"a\"",
        )
        .unwrap();
        let err = rename(dir.path(), "actor", "person").unwrap_err();
        assert!(matches!(err, LabelsError::Project(_)), "{err}");
        assert!(err.to_string().contains("spantag.ron:1:"), "{err}");
        assert_eq!(bytes(&files), before);
    }

    #[test]
    fn a_file_saved_meanwhile_stops_everything_before_any_write() {
        let (dir, files) = corpus();
        let mut corpus = Corpus::read(dir.path()).unwrap();
        let writes: Vec<Write> = corpus
            .files
            .iter_mut()
            .map(|entry| Write {
                path: entry.path.clone(),
                hash: entry.hash.clone(),
                contents: "(changed)".to_owned(),
            })
            .collect();
        // The app saves the last file after it was read.
        std::fs::write(&files[4], actor_file("bob", "actor") + "\n").unwrap();
        let before = bytes(&files);
        let lock = begin(dir.path(), "test").unwrap();
        let err = commit(&lock, "test", writes).unwrap_err();
        drop(lock);
        assert!(
            matches!(&err, LabelsError::Changed(p) if *p == files[4]),
            "{err}"
        );
        assert_eq!(bytes(&files), before);
    }

    #[test]
    fn the_project_file_is_renamed_with_its_relation_types() {
        let (dir, files) = corpus();
        let project_path = dir.path().join("spantag.ron");
        std::fs::write(&project_path, PROJECT).unwrap();
        // A document in a deeper folder governed by its own project file.
        let deep = dir.path().join("sub").join("deep");
        std::fs::create_dir(&deep).unwrap();
        std::fs::write(deep.join("c.txt"), "Reyes").unwrap();
        std::fs::write(deep.join("c.txt.alice.ron"), actor_file("alice", "actor")).unwrap();
        let deep_project = deep.join("spantag.ron");
        let other =
            "(version: 1, labels: [(name: \"actor\", color: \"#111111\")], relation_types: [])\n";
        std::fs::write(&deep_project, other).unwrap();

        let report = rename(dir.path(), "actor", "person").unwrap();
        assert_eq!(report.files.len(), 4);
        let projects: Vec<(&Path, Vec<String>)> = report
            .projects
            .iter()
            .map(|p| (p.path.as_path(), p.relation_types.clone()))
            .collect();
        assert_eq!(
            projects,
            [
                (
                    project_path.as_path(),
                    vec!["says".to_owned(), "meets".to_owned()]
                ),
                (deep_project.as_path(), vec![])
            ]
        );
        let expected =
            project::parse(&PROJECT.replace("\"actor\"", "\"person\""), &project_path).unwrap();
        let now = project::load(&project_path).unwrap();
        assert_eq!(now, expected);
        assert_eq!(now.labels[1].name, "person");
        assert_eq!(now.labels[1].color, "#e15759");
        assert_eq!(now.labels[1].description.as_deref(), Some("Who"));
        assert_eq!(now.relation_types[1].from, ["person", "event"]);
        assert_eq!(now.relation_types[1].to, ["person"]);
        assert_eq!(
            std::fs::read_to_string(bak(&project_path)).unwrap(),
            PROJECT
        );
        assert_eq!(
            project::load(&deep_project).unwrap(),
            project::parse(&other.replace("actor", "person"), &deep_project).unwrap()
        );
        assert_eq!(
            std::fs::read_to_string(&files[1]).unwrap(),
            plain_file("bob")
        );
    }

    #[test]
    fn a_project_file_that_does_not_define_the_label_is_left_alone() {
        let (dir, _) = corpus();
        let project_path = dir.path().join("spantag.ron");
        let text = PROJECT.replace("\"actor\"", "\"agent\"");
        std::fs::write(&project_path, &text).unwrap();
        let report = rename(dir.path(), "actor", "person").unwrap();
        assert!(report.projects.is_empty());
        assert_eq!(std::fs::read_to_string(&project_path).unwrap(), text);
        assert!(!bak(&project_path).exists());
    }

    #[test]
    fn renaming_again_finds_nothing_rather_than_a_merge() {
        let (dir, _) = corpus();
        rename(dir.path(), "actor", "person").unwrap();
        assert!(matches!(
            rename(dir.path(), "actor", "person"),
            Err(LabelsError::NotFound { .. })
        ));
    }

    #[test]
    fn renaming_or_removing_a_label_nobody_has_finds_nothing() {
        let (dir, files) = corpus();
        let before = bytes(&files);
        let err = rename(dir.path(), "quote", "citation").unwrap_err();
        assert!(
            matches!(err, LabelsError::NotFound { files: 5, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("found nothing to rename"), "{err}");
        let err = remove(dir.path(), "quote", true).unwrap_err();
        assert!(err.to_string().contains("found nothing to remove"), "{err}");
        assert_eq!(bytes(&files), before);
        let empty = tempfile::tempdir().unwrap();
        assert!(matches!(
            rename(empty.path(), "actor", "person").unwrap_err(),
            LabelsError::NotFound { files: 0, .. }
        ));
    }

    #[test]
    fn a_single_document_is_a_root_too() {
        let (dir, files) = corpus();
        let before = bytes(&files);
        let report = rename(&dir.path().join("a.txt"), "actor", "person").unwrap();
        assert_eq!(report.searched, 3);
        assert_eq!(report.files.len(), 2);
        // sub/b.txt's files are not under a.txt.
        assert_eq!(std::fs::read(&files[4]).unwrap(), before[4]);
    }

    #[test]
    fn removing_an_unused_label_changes_only_the_schemes_holding_it() {
        let (dir, files) = corpus();
        let project_path = dir.path().join("spantag.ron");
        std::fs::write(&project_path, PROJECT).unwrap();
        let before = bytes(&files);
        // Nobody tagged an event: no --force needed.
        let report = remove(dir.path(), "event", false).unwrap();
        assert_eq!(report.files.len(), 5);
        assert!(report.files.iter().all(|f| f.scheme && f.spans == 0));
        assert_eq!(report.spans(), 0);
        let alice = AnnotationFile::read(&files[0]).unwrap();
        let mut expected = parse(&actor_file("alice", "actor"));
        expected.labels = vec![
            Label {
                name: "claim".to_owned(),
                color: "#4e79a7".to_owned(),
            },
            Label {
                name: "actor".to_owned(),
                color: "#e15759".to_owned(),
            },
        ];
        assert_eq!(alice, expected);
        // "meets" keeps actor as a source.
        assert_eq!(report.projects.len(), 1);
        assert_eq!(report.projects[0].relation_types, ["meets"]);
        assert!(report.projects[0].relation_types_removed.is_empty());
        let project = project::load(&project_path).unwrap();
        let names: Vec<&str> = project.labels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["claim", "actor"]);
        assert_eq!(project.relation_types[1].from, ["actor"]);
        for (i, old) in before.iter().enumerate() {
            assert_eq!(std::fs::read(bak(&files[i])).unwrap(), *old);
        }
    }

    #[test]
    fn removing_a_used_label_without_force_says_how_much_uses_it() {
        let (dir, files) = corpus();
        let before = bytes(&files);
        let err = remove(dir.path(), "actor", false).unwrap_err();
        // 3 files, each with 2 spans and 1 orphan.
        assert!(
            matches!(
                err,
                LabelsError::InUse {
                    spans: 9,
                    files: 3,
                    ..
                }
            ),
            "{err}"
        );
        let message = err.to_string();
        assert!(message.contains("9 span(s) in 3 file(s)"), "{message}");
        assert!(message.contains("--force"), "{message}");
        assert_eq!(bytes(&files), before);
        assert!(files.iter().all(|f| !bak(f).exists()));
    }

    #[test]
    fn removing_with_force_deletes_the_spans_and_their_relations() {
        let (dir, files) = corpus();
        let project_path = dir.path().join("spantag.ron");
        std::fs::write(&project_path, PROJECT).unwrap();
        let before = bytes(&files);
        let report = remove(dir.path(), "actor", true).unwrap();
        let changed: Vec<(&Path, usize, usize, bool)> = report
            .files
            .iter()
            .map(|f| (f.path.as_path(), f.spans, f.relations, f.scheme))
            .collect();
        assert_eq!(
            changed,
            [
                (files[0].as_path(), 3, 1, true),
                (files[2].as_path(), 3, 1, true),
                (files[4].as_path(), 3, 1, true),
            ]
        );
        assert_eq!((report.spans(), report.relations()), (9, 3));
        let expected = parse(&file_text(
            "alice",
            &[("claim", "#4e79a7"), ("event", "#59a14f")],
            &[(2, 11, 27, "claim", "the port closes.")],
            &[],
            &[],
        ));
        let alice = AnnotationFile::read(&files[0]).unwrap();
        assert_eq!(alice.labels, expected.labels);
        // The claim span is all that is left (the note was on the deleted span 1).
        assert_eq!(
            alice.spans,
            [Span {
                id: 2,
                start: 11,
                end: 27,
                label: "claim".to_owned(),
                text: "the port closes.".to_owned(),
                note: None,
            }]
        );
        assert!(alice.relations.is_empty());
        assert!(alice.orphans.is_empty());
        assert!(alice.done);
        assert_eq!(alice.source_hash, expected.source_hash);
        // "says" (actor → claim) and "meets" (actor, event → actor) can no longer be made:
        // deleted, not widened to any label by an empty list; "about" stays.
        let change = &report.projects[0];
        assert_eq!(change.relation_types_removed, ["says", "meets"]);
        let project = project::load(&project_path).unwrap();
        let types: Vec<&str> = project
            .relation_types
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(types, ["about"]);
        for i in [1, 3] {
            assert_eq!(std::fs::read(&files[i]).unwrap(), before[i]);
        }
    }

    #[test]
    fn relations_between_kept_spans_stay() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("d.txt"), "Reyes said so.").unwrap();
        let path = dir.path().join("d.txt.alice.ron");
        let relations = [(10, 1, 2, "says"), (11, 3, 2, "about"), (12, 2, 4, "x")];
        std::fs::write(
            &path,
            file_text(
                "alice",
                &[],
                &[
                    (1, 0, 5, "actor", "Reyes"),
                    (2, 6, 14, "claim", "said so."),
                    (3, 6, 10, "event", "said"),
                ],
                &relations,
                &[(4, 20, 22, "event", "so")],
            ),
        )
        .unwrap();
        let report = remove(dir.path(), "event", true).unwrap();
        assert_eq!((report.spans(), report.relations()), (2, 2));
        let now = AnnotationFile::read(&path).unwrap();
        assert_eq!(
            now.relations,
            [Relation {
                id: 10,
                from: 1,
                to: 2,
                label: "says".to_owned()
            }]
        );
        assert!(now.labels.is_empty(), "an empty label list stays empty");
    }
}
