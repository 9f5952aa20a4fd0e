//! Hugging Face token classification: a folder with `data.jsonl` (one sentence per line:
//! `{"id", "tokens", "ner_tags", "source", "annotator"}`) and `labels.json` (tag names in id
//! order: `O`, then `B-x`, `I-x` per label in label order). `datasets.load_dataset("json",
//! data_files="data.jsonl")` reads it.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{FormatError, Item, Output, Report, Sink};
use crate::tokens::{self, Tag};

/// The Hugging Face writer.
pub struct Exporter {
    dir: PathBuf,
    data: Option<Sink>,
    /// Label names in the order their ids were given (across all documents).
    labels: Vec<String>,
    next_id: usize,
}

impl Exporter {
    /// Writes into `dir`.
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
            data: None,
            labels: Vec::new(),
            next_id: 0,
        }
    }
}

#[derive(Serialize)]
struct Row<'a> {
    id: String,
    tokens: Vec<&'a str>,
    ner_tags: Vec<usize>,
    source: &'a str,
    annotator: &'a str,
}

impl super::Exporter for Exporter {
    fn plan(&mut self, _jobs: &[crate::corpus::DocumentJob], _: &mut Report) -> Vec<PathBuf> {
        vec![self.dir.join("data.jsonl"), self.dir.join("labels.json")]
    }

    fn document(&mut self, item: &Item<'_>, report: &mut Report) -> Result<(), FormatError> {
        if self.data.is_none() {
            self.data = Some(Sink::open(&Output::Path(self.dir.join("data.jsonl")))?);
        }
        let sentences = tokens::keep_spans_whole(tokens::sentences(item.doc), item.layers);
        for layer in item.layers {
            // Map this layer's label order onto the export-wide label list.
            let global: Vec<usize> = layer
                .scheme
                .labels()
                .iter()
                .map(|l| match self.labels.iter().position(|g| *g == l.name) {
                    Some(i) => i,
                    None => {
                        self.labels.push(l.name.clone());
                        self.labels.len() - 1
                    }
                })
                .collect();
            let tagged = tokens::tag(&sentences, layer);
            report.token_spans(item.name, layer, &tagged);
            let mut out = Vec::new();
            for (sentence, tags) in sentences.iter().zip(&tagged.tags) {
                let row = Row {
                    id: self.next_id.to_string(),
                    tokens: sentence.iter().map(|t| t.text.as_str()).collect(),
                    ner_tags: tags
                        .iter()
                        .map(|&t| {
                            tokens::tag_id(match t {
                                Tag::Outside => Tag::Outside,
                                Tag::Begin(i) => Tag::Begin(global.get(i).copied().unwrap_or(0)),
                                Tag::Inside(i) => Tag::Inside(global.get(i).copied().unwrap_or(0)),
                            })
                        })
                        .collect(),
                    source: item.name,
                    annotator: &layer.annotator,
                };
                self.next_id += 1;
                serde_json::to_writer(&mut out, &row)
                    .map_err(|e| FormatError::Output(e.to_string()))?;
                out.push(b'\n');
            }
            if let Some(data) = &mut self.data {
                data.write_all(&out)?;
            }
        }
        Ok(())
    }

    fn finish(self: Box<Self>, report: &mut Report) -> Result<(), FormatError> {
        let data = match self.data {
            Some(data) => data,
            None => Sink::open(&Output::Path(self.dir.join("data.jsonl")))?,
        };
        report.written.extend(data.commit()?);
        let mut names = vec!["O".to_owned()];
        for label in &self.labels {
            names.push(format!("B-{label}"));
            names.push(format!("I-{label}"));
        }
        let mut labels = Sink::open(&Output::Path(self.dir.join("labels.json")))?;
        let json =
            serde_json::to_vec_pretty(&names).map_err(|e| FormatError::Output(e.to_string()))?;
        labels.write_all(&json)?;
        labels.write_all(b"\n")?;
        report.written.extend(labels.commit()?);
        Ok(())
    }
}
