//! spaCy / Prodigy style JSONL: one document (per annotator) per line.
//!
//! `{"text": …, "spans": [{"id", "start", "end", "label", "text", "note"?, "attrs"?,
//! "fragments"?}], "relations": [{"id", "from", "to", "label"}], "meta": {"source": …,
//! "annotator": …}}`; `attrs` maps attribute names to values, `fragments` lists the pieces
//! of a discontinuous span as `[start, end]` pairs. Offsets are code points,
//! so `doc.char_span(start, end, label=…)` in spaCy finds every span (export and import count
//! UTF-16 code units instead with `--offsets utf16`); an imported span's `text`, when given,
//! must be the record's text at its offsets.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{
    FormatError, Imported, ImportedLayer, ImportedRelation, ImportedSpan, Item, Offsets, Report,
    Sink,
};
use crate::document::Document;

#[derive(Serialize, Deserialize)]
struct Record<'a> {
    #[serde(borrow)]
    text: std::borrow::Cow<'a, str>,
    spans: Vec<RecordSpan<'a>>,
    #[serde(default)]
    relations: Vec<RecordRelation<'a>>,
    #[serde(default)]
    meta: Meta<'a>,
}

/// A record as read: relations are checked one by one, so that one of another shape is
/// counted rather than failing the line.
#[derive(Deserialize)]
struct RecordIn<'a> {
    #[serde(borrow)]
    text: std::borrow::Cow<'a, str>,
    #[serde(default)]
    spans: Vec<RecordSpan<'a>>,
    #[serde(default)]
    relations: Vec<serde_json::Value>,
    #[serde(default)]
    meta: Meta<'a>,
    /// Prodigy's verdict on the record: `accept`, `reject` or `ignore`.
    #[serde(default, borrow)]
    answer: Option<std::borrow::Cow<'a, str>>,
}

/// A relation as spantag writes it; `id` may be missing in hand-written input.
#[derive(Deserialize)]
struct RelationIn {
    #[serde(default)]
    id: Option<u64>,
    from: u64,
    to: u64,
    label: String,
}

#[derive(Serialize, Deserialize)]
struct RecordSpan<'a> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<u64>,
    start: usize,
    end: usize,
    #[serde(borrow)]
    label: std::borrow::Cow<'a, str>,
    #[serde(default, skip_serializing_if = "Option::is_none", borrow)]
    text: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none", borrow)]
    note: Option<std::borrow::Cow<'a, str>>,
    /// Attribute values (`{"negated": "true", "certainty": "hedged"}`).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    attrs: std::collections::BTreeMap<String, String>,
    /// The pieces of a discontinuous span, `[[start, end], …]`, in the same unit as
    /// `start` and `end` (which are its first piece's start and last piece's end).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    fragments: Vec<(usize, usize)>,
}

#[derive(Serialize, Deserialize)]
struct RecordRelation<'a> {
    id: u64,
    from: u64,
    to: u64,
    #[serde(borrow)]
    label: std::borrow::Cow<'a, str>,
}

#[derive(Serialize, Deserialize, Default)]
struct Meta<'a> {
    #[serde(default, borrow)]
    source: std::borrow::Cow<'a, str>,
    #[serde(default, borrow)]
    annotator: std::borrow::Cow<'a, str>,
}

/// The JSONL writer.
pub struct Exporter {
    sink: Sink,
    offsets: Offsets,
}

impl Exporter {
    /// Writes to `sink`, offsets counted in `offsets` units.
    pub fn new(sink: Sink, offsets: Offsets) -> Self {
        Self { sink, offsets }
    }
}

impl super::Exporter for Exporter {
    fn document(&mut self, item: &Item<'_>, _report: &mut Report) -> Result<(), FormatError> {
        for layer in item.layers {
            let record = Record {
                text: item.doc.text().into(),
                spans: layer
                    .spans()
                    .iter()
                    .map(|s| {
                        let (start, end) = super::offsets_of(item.doc, s, self.offsets);
                        let unit = |n: usize| match self.offsets {
                            Offsets::Codepoints => n,
                            Offsets::Utf16 => item.doc.utf16_from_char(n),
                        };
                        RecordSpan {
                            id: Some(s.id),
                            start,
                            end,
                            label: s.label.as_str().into(),
                            text: Some(s.text.as_str().into()),
                            note: s.note.as_deref().map(Into::into),
                            attrs: s.attrs.clone(),
                            fragments: s
                                .fragments
                                .iter()
                                .map(|&(a, b)| (unit(a), unit(b)))
                                .collect(),
                        }
                    })
                    .collect(),
                relations: layer
                    .relations
                    .iter()
                    .map(|r| RecordRelation {
                        id: r.id,
                        from: r.from,
                        to: r.to,
                        label: r.label.as_str().into(),
                    })
                    .collect(),
                meta: Meta {
                    source: item.name.into(),
                    annotator: layer.annotator.as_str().into(),
                },
            };
            self.sink.write_json_line(&record)?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>, report: &mut Report) -> Result<(), FormatError> {
        self.sink.finish(report)
    }
}

/// Reads JSONL records (one document per line); records without `meta` are named
/// `doc-<line>.txt` and given `annotator`. Spans keep their `id`s and notes; `relations`
/// (`{"id"?, "from", "to", "label"}`, ends being span ids) are read too, and relations of any
/// other shape are counted in the summary. Offsets are code points unless `offsets` says
/// UTF-16; a span whose `text` is not the record's text at its offsets refuses the file.
pub fn import(
    path: &Path,
    offsets: Offsets,
    annotator: &str,
) -> Result<Vec<Imported>, FormatError> {
    let text = crate::readfile::read_regular_string(path).map_err(FormatError::io(path))?;
    parse(&text, path, offsets, annotator)
}

/// Parses JSONL text (`path` only names it in messages).
pub fn parse(
    text: &str,
    path: &Path,
    offsets: Offsets,
    annotator: &str,
) -> Result<Vec<Imported>, FormatError> {
    super::import::import_json_lines(
        text,
        path,
        offsets,
        annotator,
        "",
        |line, record: RecordIn<'_>, placer| {
            let doc = Document::from_text(record.text.clone().into_owned());
            let mut spans = Vec::with_capacity(record.spans.len());
            for (n, s) in record.spans.into_iter().enumerate() {
                let (start, end) =
                    placer.place_one(&doc, s.start, s.end, s.text.as_deref(), || {
                        let which =
                            s.id.map_or_else(|| format!("#{}", n + 1), |id| id.to_string());
                        format!("line {line}, span {which} ({})", s.label)
                    })?;
                let mut span = ImportedSpan::new(start, end, s.label.into_owned());
                span.key = s.id.map(|id| id.to_string());
                span.id = s.id;
                span.note = s.note.map(|n| n.into_owned());
                span.attrs = s.attrs;
                // Pieces in the record's unit, read as code points.
                let point = |n: usize| match offsets {
                    Offsets::Codepoints => Some(n),
                    Offsets::Utf16 => doc.char_from_utf16(n),
                };
                span.fragments = s
                    .fragments
                    .iter()
                    .map(|&(a, b)| Some((point(a)?, point(b)?)))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| {
                        format!(
                            "line {line}, span {}: a fragment's offset falls inside a \
                             character (is --offsets right?)",
                            s.id.map_or_else(|| format!("#{}", n + 1), |id| id.to_string())
                        )
                    })?;
                spans.push(span);
            }
            let mut layer = ImportedLayer::new(String::new(), spans);
            if let Some(answer) = record.answer.as_deref().filter(|a| *a != "accept") {
                layer.left_out = Some(format!(
                    "line {line} has the Prodigy answer {answer:?} (only accepted records are \
                     annotations)"
                ));
            }
            for (n, value) in record.relations.into_iter().enumerate() {
                match serde_json::from_value::<RelationIn>(value) {
                    Ok(r) => layer.relations.push(ImportedRelation {
                        key: r
                            .id
                            .map_or_else(|| format!("#{}", n + 1), |id| id.to_string()),
                        id: r.id,
                        from: r.from.to_string(),
                        to: r.to.to_string(),
                        label: r.label,
                    }),
                    Err(_) => {
                        layer.not_modelled("JSONL relations without numeric from, to and label");
                    }
                }
            }
            Ok(super::import::LineRecord {
                source: record.meta.source.into_owned(),
                annotator: record.meta.annotator.into_owned(),
                text: record.text.into_owned(),
                layer,
            })
        },
    )
}
