//! Reading and writing for the label operations: every annotation file and governing
//! project file under a path, read and parsed before anything is written, and the changed
//! ones written as one transaction after checking that none changed meanwhile.

use std::path::{Path, PathBuf};

use super::LabelsError;
use crate::annotation::Span;
use crate::corpus::{self, LayerChoice};
use crate::project::{self, Project, ProjectError};
use crate::store::AnnotationFile;

/// An annotation file as read, with the hash of its bytes.
pub(super) struct Annotations {
    pub(super) path: PathBuf,
    pub(super) file: AnnotationFile,
    pub(super) hash: String,
}

/// A project file as read, with the hash of its bytes.
pub(super) struct ProjectEntry {
    pub(super) path: PathBuf,
    pub(super) project: Project,
    pub(super) hash: String,
}

/// Everything under a path, read and parsed.
pub(super) struct Corpus {
    pub(super) root: PathBuf,
    pub(super) files: Vec<Annotations>,
    pub(super) projects: Vec<ProjectEntry>,
}

/// A file to replace: its path, the hash it had when read, its new contents.
pub(super) struct Write {
    pub(super) path: PathBuf,
    pub(super) hash: String,
    pub(super) contents: String,
}

impl Corpus {
    /// Reads every annotation file under `root` (all annotators, curated included) and every
    /// project file governing `root` or a document under it; stops at the first that cannot
    /// be read.
    pub(super) fn read(root: &Path) -> Result<Self, LabelsError> {
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

    pub(super) fn not_found(&self, action: &'static str, label: &str) -> LabelsError {
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
pub(super) fn all_spans(file: &AnnotationFile) -> impl Iterator<Item = &Span> {
    file.spans.iter().chain(&file.orphans)
}
/// The new text of a changed project file, checked to read back as the same project.
pub(super) fn project_write(entry: &ProjectEntry) -> Result<Write, LabelsError> {
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
pub(super) fn begin(
    root: &Path,
    operation: &str,
) -> Result<crate::folder::FolderLock, LabelsError> {
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
pub(super) fn commit(
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
