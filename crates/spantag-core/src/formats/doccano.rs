//! doccano sequence labelling JSONL: `{"text": …, "label": [[start, end, "label"], …]}`, plus
//! `source` and `annotator` keys (doccano keeps unknown keys as metadata). `--offsets utf16`
//! counts UTF-16 code units, as doccano's browser front end does. Import also reads the
//! shape newer doccano exports with relations: `"entities": [{"id", "start_offset",
//! "end_offset", "label"}]` and `"relations": [{"id", "from_id", "to_id", "type"}]`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{
    FormatError, Imported, ImportedLayer, ImportedSpan, Item, Offsets, Report, Sink, offsets_of,
};
use crate::document::Document;

#[derive(Serialize, Deserialize)]
struct Record {
    text: String,
    #[serde(default)]
    label: Vec<(usize, usize, String)>,
    #[serde(default)]
    source: String,
    #[serde(default)]
    annotator: String,
    /// Newer doccano (with relations): the spans.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    entities: Vec<Entity>,
    /// Newer doccano: relations between `entities` by id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    relations: Vec<DoccanoRelation>,
    /// Comments on the example; spantag writes a span's note as `"#<entity id> <note>"`.
    #[serde(default, rename = "Comments", skip_serializing_if = "Vec::is_empty")]
    comments: Vec<serde_json::Value>,
}

#[derive(Serialize, Deserialize)]
struct Entity {
    #[serde(default)]
    id: Option<u64>,
    start_offset: usize,
    end_offset: usize,
    label: String,
}

#[derive(Serialize, Deserialize)]
struct DoccanoRelation {
    #[serde(default)]
    id: Option<u64>,
    from_id: u64,
    to_id: u64,
    #[serde(rename = "type")]
    kind: String,
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
    /// The classic shape, for a layer without relations.
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<Vec<(usize, usize, &'a str)>>,
    /// The relation shape (doccano's "JSONL (relation)"), for a layer with relations.
    #[serde(skip_serializing_if = "Option::is_none")]
    entities: Option<Vec<Entity>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    relations: Option<Vec<DoccanoRelation>>,
    /// Span notes, as doccano keeps comments on an example: `"#<entity id> <note>"`.
    #[serde(rename = "Comments", skip_serializing_if = "Vec::is_empty")]
    comments: Vec<String>,
    source: &'a str,
    annotator: &'a str,
}

impl super::Exporter for Exporter {
    fn document(&mut self, item: &Item<'_>, _report: &mut Report) -> Result<(), FormatError> {
        for layer in item.layers {
            let offsets = |s: &crate::annotation::Span| offsets_of(item.doc, s, self.offsets);
            let comments: Vec<String> = layer
                .spans()
                .iter()
                .filter_map(|s| s.note.as_ref().map(|n| format!("#{} {n}", s.id)))
                .collect();
            // The classic shape has no ids, so a layer with relations or notes takes the
            // relation shape, whose entity ids the relations and comments name.
            let (label, entities, relations) = if layer.relations.is_empty() && comments.is_empty()
            {
                let label = layer
                    .spans()
                    .iter()
                    .map(|s| {
                        let (start, end) = offsets(s);
                        (start, end, s.label.as_str())
                    })
                    .collect();
                (Some(label), None, None)
            } else {
                let entities = layer
                    .spans()
                    .iter()
                    .map(|s| {
                        let (start_offset, end_offset) = offsets(s);
                        Entity {
                            id: Some(s.id),
                            start_offset,
                            end_offset,
                            label: s.label.clone(),
                        }
                    })
                    .collect();
                let relations = layer
                    .relations
                    .iter()
                    .map(|r| DoccanoRelation {
                        id: Some(r.id),
                        from_id: r.from,
                        to_id: r.to,
                        kind: r.label.clone(),
                    })
                    .collect();
                (None, Some(entities), Some(relations))
            };
            let record = RecordOut {
                text: item.doc.text(),
                label,
                entities,
                relations,
                comments,
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
    let text = crate::readfile::read_regular_string(path).map_err(FormatError::io(path))?;
    parse(&text, path, offsets, annotator)
}

/// Parses doccano JSONL text (`path` only names it in messages).
pub fn parse(
    text: &str,
    path: &Path,
    offsets: Offsets,
    annotator: &str,
) -> Result<Vec<Imported>, FormatError> {
    // doccano gives no span texts: the placer only turns offsets into code points.
    super::import::import_json_lines(
        text,
        path,
        offsets,
        annotator,
        "expected doccano's {\"text\", \"label\": [[start, end, label]]} or \
         {\"text\", \"entities\": [{\"start_offset\", \"end_offset\", \"label\"}]}",
        |line, record: Record, placer| {
            let doc = Document::from_text(record.text.clone());
            let given = record
                .label
                .into_iter()
                .map(|(s, e, l)| (None, s, e, l))
                .chain(
                    record
                        .entities
                        .into_iter()
                        .map(|e| (e.id, e.start_offset, e.end_offset, e.label)),
                );
            let mut spans = Vec::new();
            for (n, (id, start, end, label)) in given.enumerate() {
                let (start, end) = placer.place_one(&doc, start, end, None, || {
                    format!("line {line}, span #{} ({label})", n + 1)
                })?;
                let mut span = ImportedSpan::new(start, end, label);
                span.key = id.map(|id| id.to_string());
                span.id = id;
                spans.push(span);
            }
            // Span notes come back from comments that name an entity id (`#3 the note`).
            for comment in &record.comments {
                let Some((id, note)) = comment
                    .as_str()
                    .and_then(|c| c.strip_prefix('#'))
                    .and_then(|c| c.split_once(' '))
                    .and_then(|(id, note)| Some((id.parse::<u64>().ok()?, note)))
                else {
                    continue;
                };
                if let Some(span) = spans.iter_mut().find(|s| s.id == Some(id)) {
                    span.note = Some(note.to_owned());
                }
            }
            let mut layer = ImportedLayer::new(String::new(), spans);
            layer.relations = record
                .relations
                .into_iter()
                .enumerate()
                .map(|(n, r)| super::ImportedRelation {
                    key: r
                        .id
                        .map_or_else(|| format!("#{}", n + 1), |id| id.to_string()),
                    id: r.id,
                    from: r.from_id.to_string(),
                    to: r.to_id.to_string(),
                    label: r.kind,
                })
                .collect();
            Ok(super::import::LineRecord {
                source: record.source,
                annotator: record.annotator,
                text: record.text,
                layer,
            })
        },
    )
}
