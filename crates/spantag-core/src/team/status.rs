//! `spantag status DIR`: a team's state per document — each annotator's spans and done
//! tick, the curated layer, open disagreements, and what needs a person: stale source
//! hashes, unresolved merge conflicts, duplicate ids, files that cannot be read.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::document::Document;
use crate::store::{self, AnnotationFile, CURATED, Problem};

/// One annotator's layer of one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LayerStatus {
    /// The annotator (`curated` for the curated layer).
    pub annotator: String,
    /// Spans (orphans included).
    pub spans: usize,
    /// The annotator ticked the document done.
    pub done: bool,
    /// The file was saved against another version of the source text.
    pub stale: bool,
    /// Unresolved merge conflicts listed in the file.
    pub conflicts: usize,
    /// Ids used by more than one span.
    pub duplicate_ids: usize,
    /// Spans with at least one attribute.
    pub attributed: usize,
    /// Spans in several pieces.
    pub discontinuous: usize,
    /// Events.
    pub events: usize,
}

/// One document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentStatus {
    /// Its path under the folder, with `/`.
    pub document: String,
    /// Annotators' layers, by name (the curated layer is apart).
    pub annotators: Vec<LayerStatus>,
    /// The curated layer, when there is one.
    pub curated: Option<LayerStatus>,
    /// Places where annotators disagree that the curated layer has not settled.
    pub open_disagreements: usize,
    /// Annotation files that could not be read, with why.
    pub unreadable: Vec<String>,
}

/// Totals over the folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Documents.
    pub documents: usize,
    /// Annotators' spans (curated not included).
    pub spans: usize,
    /// Curated spans.
    pub curated_spans: usize,
    /// Layers ticked done (curated not included).
    pub done: usize,
    /// Open disagreements.
    pub open_disagreements: usize,
    /// Layers saved against another version of their source.
    pub stale: usize,
    /// Unresolved merge conflicts.
    pub conflicts: usize,
    /// Ids used by more than one span.
    pub duplicate_ids: usize,
    /// Files that could not be read.
    pub unreadable: usize,
    /// Annotators' spans with attributes.
    pub attributed: usize,
    /// Annotators' spans in several pieces.
    pub discontinuous: usize,
    /// Annotators' events.
    pub events: usize,
}

/// The state of a folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    /// The folder.
    pub folder: PathBuf,
    /// Each document, sorted by path.
    pub documents: Vec<DocumentStatus>,
    /// Sums.
    pub totals: Totals,
    /// A folder-wide operation (label rename, curate, import) that is under way, or that was
    /// killed and not yet finished (the next spantag command on the folder finishes it).
    pub unfinished: Option<String>,
}

/// Reads every document of a folder and its annotation files. `Err` when the folder
/// cannot be listed; files that cannot be read are listed in the result.
pub fn status(dir: &Path) -> Result<Status, String> {
    if !dir.is_dir() {
        return Err(format!(
            "{} is not a folder: give the folder of a project (its documents and annotation files)",
            dir.display()
        ));
    }
    let documents = crate::corpus::documents(dir).map_err(|e| e.to_string())?;
    let mut out = Status {
        folder: dir.to_path_buf(),
        documents: Vec::new(),
        totals: Totals::default(),
        unfinished: crate::folder::unfinished(dir).map(|u| u.describe()),
    };
    for path in documents {
        let files = store::annotation_files(&path);
        if files.is_empty() {
            continue;
        }
        let name = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        out.documents.push(document_status(&path, name, &files));
    }
    let t = &mut out.totals;
    for d in &out.documents {
        t.documents += 1;
        t.open_disagreements += d.open_disagreements;
        t.unreadable += d.unreadable.len();
        for layer in d.annotators.iter().chain(&d.curated) {
            t.stale += usize::from(layer.stale);
            t.conflicts += layer.conflicts;
            t.duplicate_ids += layer.duplicate_ids;
        }
        for layer in &d.annotators {
            t.spans += layer.spans;
            t.done += usize::from(layer.done);
            t.attributed += layer.attributed;
            t.discontinuous += layer.discontinuous;
            t.events += layer.events;
        }
        t.curated_spans += d.curated.as_ref().map_or(0, |c| c.spans);
    }
    Ok(out)
}

fn document_status(path: &Path, name: String, files: &[(String, PathBuf)]) -> DocumentStatus {
    let mut status = DocumentStatus {
        document: name,
        annotators: Vec::new(),
        curated: None,
        open_disagreements: 0,
        unreadable: Vec::new(),
    };
    let doc = match Document::open(path) {
        Ok(doc) => Some(doc),
        Err(err) => {
            status.unreadable.push(format!("{}: {err}", path.display()));
            None
        }
    };
    let mut layers = Vec::new();
    let mut curated = None;
    for (annotator, file_path) in files {
        let file = match AnnotationFile::read_unhashed(file_path) {
            Ok(file) => file,
            Err(err) => {
                status.unreadable.push(err.to_string());
                continue;
            }
        };
        let stale = doc.as_ref().is_some_and(|d| d.hash() != file.source_hash);
        let problems = doc.as_ref().map(|d| file.problems_trusting_hash(d));
        let duplicate_ids = problems.as_deref().map_or(0, |p| {
            p.iter()
                .filter(|p| matches!(p, Problem::DuplicateId { .. }))
                .count()
        });
        let layer_status = LayerStatus {
            annotator: annotator.clone(),
            spans: file.spans.len() + file.orphans.len(),
            done: file.done,
            stale,
            conflicts: file.conflicts.len(),
            duplicate_ids,
            attributed: file.spans.iter().filter(|s| !s.attrs.is_empty()).count(),
            discontinuous: file.spans.iter().filter(|s| s.is_discontinuous()).count(),
            events: file.events.len(),
        };
        let layer = file.into_layer();
        if annotator == CURATED {
            status.curated = Some(layer_status);
            curated = Some(layer);
        } else {
            status.annotators.push(layer_status);
            layers.push(layer);
        }
    }
    status.open_disagreements = crate::review::find_disagreements(&layers)
        .iter()
        .filter(|d| !curated.as_ref().is_some_and(|c| d.settled_by(c)))
        .count();
    status
}

fn layers(d: &DocumentStatus) -> Vec<&LayerStatus> {
    d.annotators.iter().chain(&d.curated).collect()
}

impl Status {
    /// Whether every file was read.
    pub fn read_everything(&self) -> bool {
        self.totals.unreadable == 0
    }

    /// Aligned columns for a terminal.
    pub fn table(&self) -> String {
        let mut rows: Vec<[String; 8]> = vec![[
            "document".into(),
            "annotators (spans, ✓ done)".into(),
            "curated".into(),
            "open".into(),
            "stale".into(),
            "conflicts".into(),
            "dup ids".into(),
            "unreadable".into(),
        ]];
        for d in &self.documents {
            let who: Vec<String> = d
                .annotators
                .iter()
                .map(|l| {
                    format!(
                        "{} {}{}",
                        l.annotator,
                        l.spans,
                        if l.done { " ✓" } else { "" }
                    )
                })
                .collect();
            let stale: Vec<&str> = layers(d)
                .into_iter()
                .filter(|l| l.stale)
                .map(|l| l.annotator.as_str())
                .collect();
            rows.push([
                d.document.clone(),
                who.join(", "),
                d.curated
                    .as_ref()
                    .map_or("-".to_owned(), |c| c.spans.to_string()),
                d.open_disagreements.to_string(),
                if stale.is_empty() {
                    "-".into()
                } else {
                    stale.join(", ")
                },
                layers(d)
                    .iter()
                    .map(|l| l.conflicts)
                    .sum::<usize>()
                    .to_string(),
                layers(d)
                    .iter()
                    .map(|l| l.duplicate_ids)
                    .sum::<usize>()
                    .to_string(),
                d.unreadable.len().to_string(),
            ]);
        }
        let t = &self.totals;
        rows.push([
            format!("total ({} documents)", t.documents),
            {
                // What spans carry beyond a label, when any do.
                let mut rich = String::new();
                for (n, what) in [
                    (t.attributed, "with attributes"),
                    (t.discontinuous, "in pieces"),
                ] {
                    if n > 0 {
                        rich.push_str(&format!(", {n} {what}"));
                    }
                }
                if t.events > 0 {
                    rich.push_str(&format!(", {} events", t.events));
                }
                format!("{} spans{rich}, {} done", t.spans, t.done)
            },
            t.curated_spans.to_string(),
            t.open_disagreements.to_string(),
            t.stale.to_string(),
            t.conflicts.to_string(),
            t.duplicate_ids.to_string(),
            t.unreadable.to_string(),
        ]);
        let mut widths = [0usize; 8];
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        for row in &rows {
            let cells: Vec<String> = row
                .iter()
                .zip(widths)
                .map(|(cell, w)| format!("{cell}{}", " ".repeat(w - cell.chars().count())))
                .collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
        }
        for d in &self.documents {
            for why in &d.unreadable {
                out.push_str(&format!("unreadable: {why}\n"));
            }
        }
        if let Some(what) = &self.unfinished {
            out.push_str(&format!("unfinished operation: {what}\n"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn span_line(id: u64, start: usize, end: usize, label: &str, text: &str) -> String {
        format!("(id: {id}, start: {start}, end: {end}, label: \"{label}\", text: \"{text}\"),")
    }

    fn write(dir: &Path, name: &str, hash: &str, done: bool, spans: &[String], extra: &str) {
        let annotator = name.rsplit('.').nth(1).unwrap();
        let text = format!(
            "(version: 1, source: \"x\", source_hash: \"{hash}\", annotator: \"{annotator}\", done: {done}, spans: [{}], {extra})",
            spans.join("")
        );
        std::fs::write(dir.join(name), text).unwrap();
    }

    #[test]
    fn a_small_folder_is_counted_by_hand() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let text = "Reyes voted today.";
        std::fs::write(d.join("a.txt"), text).unwrap();
        std::fs::write(d.join("b.txt"), text).unwrap();
        std::fs::write(d.join("c.txt"), "never annotated").unwrap();
        let hash = Document::open(&d.join("a.txt")).unwrap().hash().to_owned();
        let reyes = span_line(1, 0, 5, "actor", "Reyes");
        let voted = span_line(2, 6, 11, "event", "voted");
        // a.txt: alice 2 spans, done; bob 1 span, saved against another text; curated has
        // Reyes only, so "voted" (alice's alone) is one open disagreement.
        write(
            d,
            "a.txt.alice.ron",
            &hash,
            true,
            &[reyes.clone(), voted.clone()],
            "",
        );
        write(
            d,
            "a.txt.bob.ron",
            "sha256:old",
            false,
            std::slice::from_ref(&reyes),
            "",
        );
        write(
            d,
            "a.txt.curated.ron",
            &hash,
            false,
            std::slice::from_ref(&reyes),
            "",
        );
        // b.txt: alice with ids 1 used twice and one merge conflict; carol's file holds git
        // conflict markers.
        write(
            d,
            "b.txt.alice.ron",
            &hash,
            false,
            &[reyes.clone(), span_line(1, 6, 11, "event", "voted")],
            "conflicts: [(id: 1, ours: Span((id: 1, start: 0, end: 5, label: \"actor\", text: \"Reyes\")), theirs: Deleted)]",
        );
        std::fs::write(
            d.join("b.txt.carol.ron"),
            "(\n<<<<<<< HEAD\n    version: 1,\n=======\n    version: 2,\n>>>>>>> x\n)\n",
        )
        .unwrap();
        let status = status(d).unwrap();
        let names: Vec<&str> = status
            .documents
            .iter()
            .map(|x| x.document.as_str())
            .collect();
        assert_eq!(names, ["a.txt", "b.txt"], "c.txt has no annotation file");
        let a = &status.documents[0];
        assert_eq!(
            a.annotators
                .iter()
                .map(|l| (l.annotator.as_str(), l.spans, l.done, l.stale))
                .collect::<Vec<_>>(),
            [("alice", 2, true, false), ("bob", 1, false, true)]
        );
        assert_eq!(a.curated.as_ref().map(|c| c.spans), Some(1));
        assert_eq!(a.open_disagreements, 1);
        let b = &status.documents[1];
        assert_eq!(b.annotators.len(), 1);
        assert_eq!(b.annotators[0].conflicts, 1);
        assert_eq!(b.annotators[0].duplicate_ids, 1);
        assert_eq!(b.unreadable.len(), 1);
        assert!(
            b.unreadable[0].contains("a git merge left conflict markers"),
            "{:?}",
            b.unreadable
        );
        assert_eq!(
            status.totals,
            Totals {
                documents: 2,
                spans: 5,
                curated_spans: 1,
                done: 1,
                open_disagreements: 1,
                stale: 1,
                conflicts: 1,
                duplicate_ids: 1,
                unreadable: 1,
                attributed: 0,
                discontinuous: 0,
                events: 0,
            }
        );
        assert!(!status.read_everything());
        let table = status.table();
        assert!(table.contains("alice 2 ✓, bob 1"), "{table}");
        assert!(
            table.lines().any(|l| l.starts_with("total (2 documents)")),
            "{table}"
        );
        assert!(
            super::status(&d.join("a.txt")).is_err(),
            "a file is not a folder"
        );
    }

    #[test]
    fn an_interrupted_operation_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.txt"), "Reyes voted.").unwrap();
        assert!(status(d).unwrap().unfinished.is_none());
        // A journal left by a process that has ended, as a killed `label rename` leaves it.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        std::fs::write(
            d.join(crate::folder::journal::JOURNAL_FILE),
            format!(
                "(operation: \"label rename claim assertion\", process: (pid: {pid}, host: \"elsewhere\", started: None), files: [])"
            ),
        )
        .unwrap();
        let found = status(d).unwrap();
        let what = found.unfinished.clone().unwrap_or_default();
        assert!(what.contains("label rename claim assertion"), "{what}");
        assert!(
            found.table().contains("unfinished operation:"),
            "{}",
            found.table()
        );
    }
}
