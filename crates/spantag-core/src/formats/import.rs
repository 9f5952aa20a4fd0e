//! Importing: what a format's reader gives ([`Imported`] documents with their layers of
//! spans and relations), the report of what an import did, and the helpers the readers
//! share (choosing the reader, the import loop of the JSON-based readers, gathering records
//! by document, safe relative names).

use std::path::{Path, PathBuf};

use super::placement::{Placer, TextRule};
use super::{Format, FormatError, Offsets};
use super::{brat, doccano, jsonl, label_studio};

/// An imported document with its layers, before it is written to disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// Where the text goes, relative to the import folder.
    pub name: String,
    /// Whether the dataset named the document; when not, `name` is a placeholder
    /// (`doc-<line>.txt`, `task-<id>.txt`) and the import looks for the text among the
    /// documents already in the folder first ([`super::names::name_unnamed`]).
    pub named: bool,
    /// The text.
    pub text: String,
    /// One layer per annotator.
    pub layers: Vec<ImportedLayer>,
}

/// One annotator's imported spans and relations, and what the format had that spantag does
/// not model.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportedLayer {
    /// Who annotated.
    pub annotator: String,
    /// The spans.
    pub spans: Vec<ImportedSpan>,
    /// Relations between the spans, by their keys.
    pub relations: Vec<ImportedRelation>,
    /// Events (brat `E`), naming spans and other events by their keys.
    pub events: Vec<ImportedEvent>,
    /// Equivalences (brat `*`): a type and the keys of the spans.
    pub equivalences: Vec<(String, Vec<String>)>,
    /// Things in the input spantag does not model, counted by kind (`"brat events (E)"`):
    /// reported in the summary, never silently dropped.
    pub not_modelled: std::collections::BTreeMap<String, usize>,
    /// What the import should tell about this layer's file (offsets that look counted in the
    /// other unit).
    pub notes: Vec<String>,
    /// Why this layer is not to be imported, when its tool marked it as not an annotation (a
    /// Label Studio annotation cancelled with Skip, a Prodigy record answered `reject`): it
    /// is left out with a note.
    pub left_out: Option<String>,
}

impl ImportedLayer {
    /// A layer of spans only.
    pub fn new(annotator: String, spans: Vec<ImportedSpan>) -> Self {
        Self {
            annotator,
            spans,
            ..Self::default()
        }
    }

    /// Counts one thing of this kind that is not imported.
    pub fn not_modelled(&mut self, kind: &str) {
        *self.not_modelled.entry(kind.to_owned()).or_insert(0) += 1;
    }
}

/// An imported span, offsets in code points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedSpan {
    /// How relations in the input refer to it (`T3` in brat, `"4"` in JSONL, a result id in
    /// Label Studio); `None` when the input gives it no name.
    pub key: Option<String>,
    /// The id to keep, when the input has a numeric one; a span whose id is taken by an
    /// earlier span gets a fresh one.
    pub id: Option<u64>,
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The label.
    pub label: String,
    /// A note, where the format has one.
    pub note: Option<String>,
    /// Attribute values (brat `A`/`M` lines, JSONL `attrs`).
    pub attrs: std::collections::BTreeMap<String, String>,
    /// The pieces of a discontinuous span (brat `0 5;16 21`, JSONL `fragments`), code
    /// points, sorted; empty for a continuous one.
    pub fragments: Vec<(usize, usize)>,
}

impl ImportedSpan {
    /// A span without a key, id, note, attributes or pieces.
    pub fn new(start: usize, end: usize, label: String) -> Self {
        Self {
            key: None,
            id: None,
            start,
            end,
            label,
            note: None,
            attrs: std::collections::BTreeMap::new(),
            fragments: Vec::new(),
        }
    }
}

/// An imported event: a trigger span and role arguments, named by their keys (`E1`,
/// `Attack:T3 Attacker:T1 Target:E2`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportedEvent {
    /// How the input names it (`E1`).
    pub key: String,
    /// The id to keep when the input has a numeric one nothing else took.
    pub id: Option<u64>,
    /// The event's type.
    pub label: String,
    /// The trigger span's key.
    pub trigger: String,
    /// `(role, key)` of each argument, a span's or another event's.
    pub args: Vec<(String, String)>,
    /// Attribute values on the event.
    pub attrs: std::collections::BTreeMap<String, String>,
    /// A note.
    pub note: Option<String>,
}

/// An imported relation between two spans, named by their [`ImportedSpan::key`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedRelation {
    /// How the input names it (`R1`), for messages.
    pub key: String,
    /// The id to keep when the input has a numeric one that no span or earlier relation
    /// took; otherwise it gets a fresh one.
    pub id: Option<u64>,
    /// The source span's key.
    pub from: String,
    /// The target span's key.
    pub to: String,
    /// The relation's label.
    pub label: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Documents whose annotation files were written.
    pub documents: usize,
    /// Annotation files written.
    pub files: Vec<PathBuf>,
    /// Spans written.
    pub spans: usize,
    /// Relations written.
    pub relations: usize,
    /// Events written.
    pub events: usize,
    /// Notes written (on spans).
    pub span_notes: usize,
    /// Spans left out (outside their text).
    pub skipped_spans: usize,
    /// Relations left out because one of their ends is not an imported span.
    pub skipped_relations: usize,
    /// Things in the input spantag does not model, by kind, summed over all layers.
    pub not_modelled: std::collections::BTreeMap<String, usize>,
    /// Problems that did not stop the import.
    pub notes: Vec<String>,
}

impl ImportReport {
    /// A one-paragraph summary: what was imported into `into`, and what was not.
    pub fn summary(&self, into: &Path) -> String {
        let mut s = format!(
            "{} document(s), {} annotation file(s), {} span(s), {} relation(s){}, {} note(s) imported into {}",
            self.documents,
            self.files.len(),
            self.spans,
            self.relations,
            if self.events > 0 {
                format!(", {} event(s)", self.events)
            } else {
                String::new()
            },
            self.span_notes,
            into.display()
        );
        if self.skipped_spans > 0 {
            s.push_str(&format!(
                "; {} span(s) left out (empty, ending before they start or outside their text)",
                self.skipped_spans
            ));
        }
        if self.skipped_relations > 0 {
            s.push_str(&format!(
                "; {} relation(s) left out because an end is not an imported span",
                self.skipped_relations
            ));
        }
        if !self.not_modelled.is_empty() {
            let kinds: Vec<String> = self
                .not_modelled
                .iter()
                .map(|(kind, n)| format!("{n} {kind}"))
                .collect();
            s.push_str(&format!(
                "; not imported (spantag does not model them): {}",
                kinds.join(", ")
            ));
        }
        s
    }
}

/// Reads records of a format from an input file (or a brat folder). Offsets are counted in
/// the `offsets` unit in every format; when the dataset gives a span's text and the document
/// does not have it at the span's offsets, the input is refused ([`FormatError::SpanText`]).
pub fn read_import(
    format: Format,
    input: &Path,
    offsets: Offsets,
    annotator: &str,
) -> Result<Vec<Imported>, FormatError> {
    match format {
        Format::Jsonl => jsonl::import(input, offsets, annotator),
        Format::Doccano => doccano::import(input, offsets, annotator),
        Format::Brat => brat::import(input, offsets, annotator),
        Format::LabelStudio => label_studio::import(input, offsets, annotator),
        other => Err(FormatError::Input(format!(
            "{} cannot be imported; importable formats: jsonl, doccano, brat, label-studio",
            other.name()
        ))),
    }
}

/// The import loop of the JSON-based readers (JSONL, doccano, Label Studio): one [`Placer`]
/// for the input file, each record turned into documents by `read`, then the placer's verdict
/// — the file refused when a span's given text is not the document's at its offsets, else its
/// notes given to the first layer.
pub(crate) fn import_records<T>(
    path: &Path,
    offsets: Offsets,
    records: impl IntoIterator<Item = T>,
    mut read: impl FnMut(T, &mut Placer, &mut Vec<Imported>) -> Result<(), FormatError>,
) -> Result<Vec<Imported>, FormatError> {
    let mut out: Vec<Imported> = Vec::new();
    let mut placer = Placer::new(path, offsets, TextRule::Exact);
    for record in records {
        read(record, &mut placer, &mut out)?;
    }
    let notes = placer.finish()?;
    attach_notes(&mut out, notes);
    Ok(out)
}

/// One line of a JSON-lines file as its reader gives it to [`import_json_lines`].
pub(crate) struct LineRecord {
    /// The document's name as the record gives it; empty: `doc-<line>.txt`.
    pub source: String,
    /// Who annotated, as the record says; empty: the annotator the import was given.
    pub annotator: String,
    /// The document's text.
    pub text: String,
    /// The record's spans and relations (its annotator is set from `annotator`).
    pub layer: ImportedLayer,
}

/// Reads a JSON-lines file (JSONL, doccano) with [`import_records`]: every line that is not
/// blank parsed as a `T` (an error names the line, with `expected` after serde's message when
/// it is not empty), turned into a record by `read(line number, value, placer)` — whose error
/// message also names the line — and added to the record of its document.
pub(crate) fn import_json_lines<'t, T: serde::Deserialize<'t>>(
    text: &'t str,
    path: &Path,
    offsets: Offsets,
    annotator: &str,
    expected: &str,
    mut read: impl FnMut(usize, T, &mut Placer) -> Result<LineRecord, String>,
) -> Result<Vec<Imported>, FormatError> {
    let lines = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty());
    import_records(path, offsets, lines, |(i, line), placer, out| {
        let line_number = i + 1;
        let parse_error = |message: String| FormatError::Parse {
            path: path.to_path_buf(),
            line: line_number,
            message,
        };
        let value: T = serde_json::from_str(line).map_err(|e| {
            parse_error(if expected.is_empty() {
                e.to_string()
            } else {
                format!("{e} ({expected})")
            })
        })?;
        let record = read(line_number, value, placer).map_err(parse_error)?;
        let named = !record.source.is_empty();
        let name = if named {
            record.source
        } else {
            format!("doc-{line_number}.txt")
        };
        let mut layer = record.layer;
        layer.annotator = if record.annotator.is_empty() {
            annotator.to_owned()
        } else {
            record.annotator
        };
        push_record(out, (name, named), record.text, layer);
        Ok(())
    })
}

/// Puts every layer of `records` in `annotator`'s (the import was told whose layer it is,
/// whatever the records say); returns the other annotators the records named, sorted.
pub fn put_in_layer(records: &mut [Imported], annotator: &str) -> Vec<String> {
    let mut others = std::collections::BTreeSet::new();
    for layer in records.iter_mut().flat_map(|r| r.layers.iter_mut()) {
        if layer.annotator != annotator {
            others.insert(std::mem::replace(
                &mut layer.annotator,
                annotator.to_owned(),
            ));
        }
    }
    others.into_iter().collect()
}

/// Gives the notes about an input file to its first layer, which the import reports.
pub fn attach_notes(out: &mut [Imported], notes: Vec<String>) {
    if let Some(layer) = out.iter_mut().flat_map(|r| r.layers.iter_mut()).next() {
        layer.notes.extend(notes);
    }
}

/// Adds an imported layer to the record of its document (same name and text), or starts one;
/// `named`: whether the dataset gave the name ([`Imported::named`]).
pub fn push_record(
    out: &mut Vec<Imported>,
    (name, named): (String, bool),
    text: String,
    layer: ImportedLayer,
) {
    match out.iter_mut().find(|d| d.name == name && d.text == text) {
        Some(existing) => existing.layers.push(layer),
        None => out.push(Imported {
            name,
            named,
            text,
            layers: vec![layer],
        }),
    }
}

/// A relative path from an imported record made safe: no absolute paths, no `..`.
pub fn safe_relative(name: &str) -> Option<PathBuf> {
    let path = Path::new(name);
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::Normal(part) => out.push(part),
            std::path::Component::CurDir => {}
            _ => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_are_named_by_their_line_and_blank_lines_are_counted() {
        let text = "\n{\"text\": \"Ana\", \"spans\": [{\"start\": 0, \"end\": 3, \"label\": \"PER\"}]}\n\
                    {\"text\": \"Bo\", \"meta\": {\"source\": \"b.txt\", \"annotator\": \"bob\"}}\n";
        let records = jsonl::parse(text, Path::new("in.jsonl"), Offsets::Codepoints, "me").unwrap();
        let named: Vec<(&str, &str, usize)> = records
            .iter()
            .map(|r| {
                (
                    r.name.as_str(),
                    r.layers[0].annotator.as_str(),
                    r.layers[0].spans.len(),
                )
            })
            .collect();
        assert_eq!(named, [("doc-2.txt", "me", 1), ("b.txt", "bob", 0)]);
    }

    #[test]
    fn a_line_that_is_not_json_is_named_with_what_was_expected() {
        let text = "{\"text\": \"a\"}\n\nnot json\n";
        let err = doccano::parse(text, Path::new("in.jsonl"), Offsets::Codepoints, "me")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.starts_with("in.jsonl:3: "), "{err}");
        assert!(
            err.ends_with(
                "(expected doccano's {\"text\", \"label\": [[start, end, label]]} or {\"text\", \
                 \"entities\": [{\"start_offset\", \"end_offset\", \"label\"}]})"
            ),
            "{err}"
        );
    }
}
