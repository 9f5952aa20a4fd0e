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
//!
//! The rooms: `files` reads every file under a path and writes the changed ones as one
//! transaction; `usage`, `rename` and `remove` are the three operations.

mod files;
mod remove;
mod rename;
mod usage;

pub use remove::remove;
pub use rename::rename;
pub use usage::usage;

use std::path::{Path, PathBuf};

use crate::corpus;
use crate::project::ProjectError;
use crate::store::StoreError;

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
#[cfg(test)]
mod tests {
    use super::files::{Corpus, Write, begin, commit};
    use super::*;
    use crate::annotation::{Label, Relation, Span};
    use crate::project;
    use crate::store::AnnotationFile;

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
            [Span::new(2, 11..27, "claim", "the port closes.")]
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
