//! doccano sequence labelling JSONL: `{"text": …, "label": [[start, end, "label"], …]}`, plus
//! `source` and `annotator` keys (doccano keeps unknown keys as metadata). `--offsets utf16`
//! counts UTF-16 code units, as doccano's browser front end does.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::placement::{Placer, TextRule};
use super::{
    FormatError, Imported, ImportedLayer, ImportedSpan, Item, Offsets, Report, Sink, offsets_of,
};
use crate::document::Document;

#[derive(Serialize, Deserialize)]
struct Record {
    text: String,
    label: Vec<(usize, usize, String)>,
    #[serde(default)]
    source: String,
    #[serde(default)]
    annotator: String,
}

/// The doccano writer.
pub struct Exporter {
    sink: Sink,
    offsets: Offsets,
}

impl Exporter {
    /// Writes to `sink`.
    pub fn new(sink: Sink, offsets: Offsets) -> Self {
        Self { sink, offsets }
    }
}

#[derive(Serialize)]
struct RecordOut<'a> {
    text: &'a str,
    label: Vec<(usize, usize, &'a str)>,
    source: &'a str,
    annotator: &'a str,
}

impl super::Exporter for Exporter {
    fn document(&mut self, item: &Item<'_>, _report: &mut Report) -> Result<(), FormatError> {
        for layer in item.layers {
            let record = RecordOut {
                text: item.doc.text(),
                label: layer
                    .spans()
                    .iter()
                    .map(|s| {
                        let (start, end) = offsets_of(item.doc, s, self.offsets);
                        (start, end, s.label.as_str())
                    })
                    .collect(),
                source: item.name,
                annotator: &layer.annotator,
            };
            self.sink.write_json_line(&record)?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>, report: &mut Report) -> Result<(), FormatError> {
        self.sink.finish(report)
    }
}

/// Reads doccano JSONL.
pub fn import(
    path: &Path,
    offsets: Offsets,
    annotator: &str,
) -> Result<Vec<Imported>, FormatError> {
    let text = std::fs::read_to_string(path).map_err(FormatError::io(path))?;
    parse(&text, path, offsets, annotator)
}

/// Parses doccano JSONL text (`path` only names it in messages).
pub fn parse(
    text: &str,
    path: &Path,
    offsets: Offsets,
    annotator: &str,
) -> Result<Vec<Imported>, FormatError> {
    let mut out: Vec<Imported> = Vec::new();
    // doccano gives no span texts: the placer only turns offsets into code points.
    let mut placer = Placer::new(path, offsets, TextRule::Exact);
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let parse_error = |message: String| FormatError::Parse {
            path: path.to_path_buf(),
            line: i + 1,
            message,
        };
        let record: Record = serde_json::from_str(line).map_err(|e| parse_error(e.to_string()))?;
        let doc = Document::from_text(record.text.clone());
        let mut spans = Vec::with_capacity(record.label.len());
        for (n, (start, end, label)) in record.label.into_iter().enumerate() {
            let (start, end) = placer
                .place_one(&doc, start, end, None, || {
                    format!("line {}, span #{} ({label})", i + 1, n + 1)
                })
                .map_err(parse_error)?;
            spans.push(ImportedSpan::new(start, end, label));
        }
        let name = if record.source.is_empty() {
            format!("doc-{}.txt", i + 1)
        } else {
            record.source
        };
        let who = if record.annotator.is_empty() {
            annotator.to_owned()
        } else {
            record.annotator
        };
        super::push_record(&mut out, name, record.text, ImportedLayer::new(who, spans));
    }
    placer.finish()?;
    Ok(out)
}
