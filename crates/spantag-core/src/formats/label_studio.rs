//! Label Studio JSON: a list of tasks, one per document, with one annotation per annotator
//! layer; each span is a `labels` result (`value.start`, `value.end`, `value.text`,
//! `value.labels`) with the id `s<span id>`, its note a per-region `textarea` result with the
//! same id (`value.text: [note]`), each relation a `relation` result (`from_id`, `to_id`,
//! `direction: "right"`, `labels: [label]`). On import a relation gets a fresh id (Label
//! Studio relations have none), an unlabelled one the label `related`, `direction: "left"`
//! is read as `to_id` → `from_id`; other result types are counted in the summary. Task
//! `meta` records the source file and the annotators, in annotation order. `--offsets utf16` counts UTF-16 code units, as Label Studio's browser front end does. On import
//! a region's `value.text` must be the task's text at its offsets.

use std::path::Path;

use serde::Deserialize;
use serde_json::json;

use super::{
    FormatError, Imported, ImportedLayer, ImportedRelation, ImportedSpan, Item, Offsets, Report,
    Sink, offsets_of,
};
use crate::document::Document;

/// The Label Studio writer (streams the JSON list).
pub struct Exporter {
    sink: Sink,
    offsets: Offsets,
    tasks: usize,
    annotations: usize,
}

impl Exporter {
    /// Writes to `sink`.
    pub fn new(sink: Sink, offsets: Offsets) -> Self {
        Self {
            sink,
            offsets,
            tasks: 0,
            annotations: 0,
        }
    }
}

impl super::Exporter for Exporter {
    fn document(&mut self, item: &Item<'_>, _report: &mut Report) -> Result<(), FormatError> {
        self.tasks += 1;
        let mut annotations = Vec::new();
        for layer in item.layers {
            self.annotations += 1;
            let mut result: Vec<serde_json::Value> = Vec::new();
            for s in layer.spans() {
                let (start, end) = offsets_of(item.doc, s, self.offsets);
                result.push(json!({
                    "id": format!("s{}", s.id),
                    "from_name": "label",
                    "to_name": "text",
                    "type": "labels",
                    "origin": "manual",
                    "value": {"start": start, "end": end, "text": s.text, "labels": [s.label]},
                }));
                for (name, value) in &s.attrs {
                    // An attribute is a per-region Choices result named after it (the same
                    // id as the region it belongs to).
                    result.push(json!({
                        "id": format!("s{}", s.id),
                        "from_name": name,
                        "to_name": "text",
                        "type": "choices",
                        "origin": "manual",
                        "value": {"start": start, "end": end, "choices": [value]},
                    }));
                }
                if let Some(note) = &s.note {
                    // A per-region TextArea: the same id as the region it belongs to.
                    result.push(json!({
                        "id": format!("s{}", s.id),
                        "from_name": "note",
                        "to_name": "text",
                        "type": "textarea",
                        "origin": "manual",
                        "value": {"start": start, "end": end, "text": [note]},
                    }));
                }
            }
            for r in &layer.relations {
                if layer.get(r.from).is_some() && layer.get(r.to).is_some() {
                    result.push(json!({
                        "from_id": format!("s{}", r.from),
                        "to_id": format!("s{}", r.to),
                        "type": "relation",
                        "direction": "right",
                        "labels": [r.label],
                    }));
                }
            }
            annotations.push(json!({"id": self.annotations, "result": result}));
        }
        let annotators: Vec<&str> = item.layers.iter().map(|l| l.annotator.as_str()).collect();
        let task = json!({
            "id": self.tasks,
            "data": {"text": item.doc.text()},
            "meta": {"source": item.name, "annotators": annotators},
            "annotations": annotations,
        });
        let prefix: &[u8] = if self.tasks == 1 { b"[\n" } else { b",\n" };
        self.sink.write_all(prefix)?;
        let body = serde_json::to_vec(&task).map_err(|e| FormatError::Output(e.to_string()))?;
        self.sink.write_all(&body)
    }

    fn finish(mut self: Box<Self>, report: &mut Report) -> Result<(), FormatError> {
        let end: &[u8] = if self.tasks == 0 { b"[]\n" } else { b"\n]\n" };
        self.sink.write_all(end)?;
        report.written.extend(self.sink.commit()?);
        Ok(())
    }
}

#[derive(Deserialize)]
struct Task {
    #[serde(default)]
    id: Option<serde_json::Value>,
    data: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    meta: Option<Meta>,
    #[serde(default)]
    annotations: Vec<Annotation>,
}

#[derive(Deserialize, Default)]
struct Meta {
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    annotators: Vec<String>,
}

#[derive(Deserialize)]
struct Annotation {
    #[serde(default)]
    result: Vec<ResultItem>,
    /// Who made it: a user id, or (in some exports) the user as an object with an email.
    #[serde(default)]
    completed_by: Option<serde_json::Value>,
    /// Skipped by the annotator rather than annotated.
    #[serde(default)]
    was_cancelled: bool,
}

/// The annotator name of a Label Studio user (`completed_by`): the email when the export
/// gives it, else `<annotator>-<user id>`, the same in every task.
fn user_name(user: &serde_json::Value, annotator: &str) -> Option<String> {
    let id = |v: &serde_json::Value| match v {
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    match user {
        serde_json::Value::Object(fields) => fields
            .get("email")
            .and_then(|e| e.as_str())
            .filter(|e| crate::store::validate_annotator(e).is_ok())
            .map(str::to_owned)
            .or_else(|| {
                fields
                    .get("id")
                    .and_then(id)
                    .map(|n| format!("{annotator}-{n}"))
            }),
        other => id(other).map(|n| format!("{annotator}-{n}")),
    }
}

#[derive(Deserialize)]
struct ResultItem {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    value: Option<Value>,
    #[serde(default)]
    from_id: Option<serde_json::Value>,
    #[serde(default)]
    to_id: Option<serde_json::Value>,
    #[serde(default)]
    direction: Option<String>,
    #[serde(default)]
    labels: Vec<String>,
    /// The control that made it (`label`, `note`, an attribute's name).
    #[serde(default)]
    from_name: Option<String>,
}

#[derive(Deserialize)]
struct Value {
    start: Option<usize>,
    end: Option<usize>,
    #[serde(default)]
    labels: Vec<String>,
    /// A TextArea's texts.
    #[serde(default)]
    text: Option<serde_json::Value>,
    /// A Choices control's choices.
    #[serde(default)]
    choices: Vec<String>,
}

/// A result id as text (Label Studio writes strings; numbers are accepted).
fn id_text(id: Option<&serde_json::Value>) -> Option<String> {
    match id? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The label a relation gets when its result has none (Label Studio allows unlabelled
/// relations).
pub const UNLABELLED_RELATION: &str = "related";

/// Reads a Label Studio JSON export (a list of tasks, or one task).
pub fn import(
    path: &Path,
    offsets: Offsets,
    annotator: &str,
) -> Result<Vec<Imported>, FormatError> {
    let bytes = crate::readfile::read_regular(path).map_err(FormatError::io(path))?;
    parse(&bytes, path, offsets, annotator)
}

/// Parses Label Studio JSON (`path` only names it in messages).
pub fn parse(
    bytes: &[u8],
    path: &Path,
    offsets: Offsets,
    annotator: &str,
) -> Result<Vec<Imported>, FormatError> {
    let parse_error = |message: String| FormatError::Parse {
        path: path.to_path_buf(),
        line: 0,
        message,
    };
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| parse_error(e.to_string()))?;
    let tasks: Vec<Task> = match value {
        serde_json::Value::Array(_) => serde_json::from_value(value),
        other => serde_json::from_value(other).map(|t| vec![t]),
    }
    .map_err(|e| parse_error(e.to_string()))?;
    super::import::import_records(
        path,
        offsets,
        tasks.into_iter().enumerate(),
        |(n, task), placer, out| {
            let text = task
                .data
                .get("text")
                .or_else(|| task.data.values().find(|v| v.is_string()))
                .and_then(|v| v.as_str())
                .ok_or_else(|| parse_error(format!("task {} has no text in data", n + 1)))?
                .to_owned();
            let meta = task.meta.unwrap_or_default();
            let id = task.id.map_or_else(
                || (n + 1).to_string(),
                |v| v.to_string().trim_matches('"').to_owned(),
            );
            let named = meta.source.is_some();
            let name = meta.source.unwrap_or_else(|| format!("task-{id}.txt"));
            let doc = Document::from_text(text.clone());
            let several = task.annotations.len() > 1;
            let mut layers = Vec::new();
            for (i, annotation) in task.annotations.into_iter().enumerate() {
                // spantag's own export names its annotators in `meta`; Label Studio says who
                // made each annotation in `completed_by` (the same user in every task, wherever
                // their annotation comes in the list); else the position.
                let who = meta
                    .annotators
                    .get(i)
                    .cloned()
                    .or_else(|| {
                        annotation
                            .completed_by
                            .as_ref()
                            .and_then(|u| user_name(u, annotator))
                    })
                    .unwrap_or_else(|| {
                        if several {
                            format!("{annotator}-{}", i + 1)
                        } else {
                            annotator.to_owned()
                        }
                    });
                let mut layer = ImportedLayer::new(who, Vec::new());
                if annotation.was_cancelled {
                    layer.left_out = Some(format!(
                        "task {id}: the annotation was cancelled (skipped) in Label Studio"
                    ));
                }
                let mut notes: Vec<(String, String)> = Vec::new();
                let mut choices: Vec<(String, String, String)> = Vec::new();
                for (r, item) in annotation.result.into_iter().enumerate() {
                    let key = id_text(item.id.as_ref());
                    match item.kind.as_str() {
                        "labels" => {}
                        "relation" => {
                            let (Some(mut from), Some(mut to)) =
                                (id_text(item.from_id.as_ref()), id_text(item.to_id.as_ref()))
                            else {
                                layer.not_modelled(
                                    "Label Studio relations without from_id and to_id",
                                );
                                continue;
                            };
                            if item.direction.as_deref() == Some("left") {
                                std::mem::swap(&mut from, &mut to);
                            }
                            let n = layer.relations.len() + 1;
                            layer.relations.push(ImportedRelation {
                                key: format!("{from}->{to} (relation {n})"),
                                id: None,
                                from,
                                to,
                                label: item
                                    .labels
                                    .into_iter()
                                    .next()
                                    .unwrap_or_else(|| UNLABELLED_RELATION.to_owned()),
                            });
                            continue;
                        }
                        "textarea" => {
                            let texts = item.value.and_then(|v| v.text);
                            let note = match texts {
                                Some(serde_json::Value::Array(parts)) => Some(
                                    parts
                                        .iter()
                                        .filter_map(|p| p.as_str())
                                        .collect::<Vec<_>>()
                                        .join("\n"),
                                ),
                                Some(serde_json::Value::String(one)) => Some(one),
                                _ => None,
                            };
                            match (key, note) {
                                (Some(key), Some(note)) => notes.push((key, note)),
                                _ => {
                                    layer.not_modelled("Label Studio textarea results without text")
                                }
                            }
                            continue;
                        }
                        // A per-region Choices result (same id as a region) is an attribute
                        // of that span; one for the whole task is not modelled.
                        "choices" => {
                            let choice = item.value.and_then(|v| v.choices.into_iter().next());
                            match (key, item.from_name, choice) {
                                (Some(key), Some(name), Some(choice)) => {
                                    choices.push((key, name, choice));
                                }
                                _ => layer.not_modelled("Label Studio \"choices\" results"),
                            }
                            continue;
                        }
                        other => {
                            layer.not_modelled(&format!("Label Studio {other:?} results"));
                            continue;
                        }
                    }
                    let Some(value) = item.value else {
                        layer.not_modelled("Label Studio labels results without a value");
                        continue;
                    };
                    let (Some(start), Some(end), Some(label)) =
                        (value.start, value.end, value.labels.into_iter().next())
                    else {
                        layer.not_modelled(
                            "Label Studio labels results without start, end or label",
                        );
                        continue;
                    };
                    let given = value.text.as_ref().and_then(|t| t.as_str());
                    let (start, end) = placer
                        .place_one(&doc, start, end, given, || {
                            let region = key.as_deref().map_or_else(
                                || format!("result {}", r + 1),
                                |k| format!("region {k}"),
                            );
                            format!("task {id}, annotation {}, {region} ({label})", i + 1)
                        })
                        .map_err(|message| parse_error(format!("task {id}: {message}")))?;
                    let mut span = ImportedSpan::new(start, end, label);
                    // spantag writes `s<id>`; other ids are only keys.
                    span.id = key
                        .as_deref()
                        .and_then(|k| k.strip_prefix('s'))
                        .and_then(|n| n.parse::<u64>().ok());
                    span.key = key;
                    layer.spans.push(span);
                }
                for (key, note) in notes {
                    match layer
                        .spans
                        .iter_mut()
                        .find(|s| s.key.as_deref() == Some(key.as_str()))
                    {
                        Some(span) => {
                            span.note = Some(match span.note.take() {
                                Some(earlier) => format!("{earlier}\n{note}"),
                                None => note,
                            });
                        }
                        None => layer.not_modelled("Label Studio textarea results not on a span"),
                    }
                }
                for (key, name, choice) in choices {
                    match layer
                        .spans
                        .iter_mut()
                        .find(|s| s.key.as_deref() == Some(key.as_str()))
                    {
                        Some(span) => {
                            span.attrs.insert(name, choice);
                        }
                        None => layer.not_modelled("Label Studio \"choices\" results"),
                    }
                }
                layers.push(layer);
            }
            out.push(Imported {
                name,
                named,
                text,
                layers,
            });
            Ok(())
        },
    )
}
