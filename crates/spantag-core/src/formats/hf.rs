//! Hugging Face token classification: a folder with `data.jsonl` (one sentence per line:
//! `{"id", "tokens", "ner_tags", "source", "annotator"}`), `labels.json` (tag names in id
//! order: `O`, then `B-x`, `I-x` per label in label order) and a dataset card `README.md`
//! whose `dataset_info` declares `ner_tags` a sequence of `ClassLabel` with those names, so
//! `datasets.load_dataset(FOLDER)` gives named tags (`features["ner_tags"].feature.names`).

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
        vec![
            self.dir.join("data.jsonl"),
            self.dir.join("labels.json"),
            self.dir.join("README.md"),
        ]
    }

    fn document(&mut self, item: &Item<'_>, report: &mut Report) -> Result<(), FormatError> {
        if self.data.is_none() {
            refuse_foreign_card(&self.dir)?;
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
        let mut card = Sink::open(&Output::Path(self.dir.join("README.md")))?;
        card.write_all(dataset_card(&names).as_bytes())?;
        report.written.extend(card.commit()?);
        Ok(())
    }
}

/// The first line of the dataset card spantag writes, by which a later export knows the
/// card is its own to replace.
const CARD_MARK: &str = "<!-- written by spantag export; replaced by the next export -->";

/// Refuses to export into a folder whose `README.md` someone else wrote.
fn refuse_foreign_card(dir: &Path) -> Result<(), FormatError> {
    let path = dir.join("README.md");
    match std::fs::read_to_string(&path) {
        Ok(text) if !text.contains(CARD_MARK) => Err(FormatError::Output(format!(
            "{} exists and spantag did not write it; the hf export writes its dataset card \
             there — export into a new or empty folder",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// A Hugging Face dataset card whose YAML header declares the features, `ner_tags` as a
/// sequence of `ClassLabel` with the tag names, and `data.jsonl` as the train split.
fn dataset_card(names: &[String]) -> String {
    let mut card = String::from(
        "---\ndataset_info:\n  features:\n  - name: id\n    dtype: string\n  - name: tokens\n    \
         sequence: string\n  - name: ner_tags\n    sequence:\n      class_label:\n        \
         names:\n",
    );
    for (i, name) in names.iter().enumerate() {
        // JSON strings are valid YAML scalars, so any label name is quoted safely.
        let quoted = serde_json::to_string(name).unwrap_or_default();
        card.push_str(&format!("          '{i}': {quoted}\n"));
    }
    card.push_str(
        "  - name: source\n    dtype: string\n  - name: annotator\n    dtype: string\n\
         configs:\n- config_name: default\n  data_files:\n  - split: train\n    path: \
         data.jsonl\n---\n\n",
    );
    card.push_str(CARD_MARK);
    card.push_str(
        "\n\nToken classification data exported by spantag: one sentence per line of \
         `data.jsonl`, IOB2 tags in `ner_tags` (names in `labels.json` and above).\n",
    );
    card
}
