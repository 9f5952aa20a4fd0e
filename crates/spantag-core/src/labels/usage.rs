//! `spantag label list`: how much each label is used under a path.

use std::collections::HashMap;
use std::path::Path;

use super::files::{Corpus, all_spans};
use super::{FileUsage, LabelCount, LabelUsage, LabelsError};

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
