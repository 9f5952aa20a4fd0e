//! Exporting: the report of what an export did, the [`Exporter`] trait each format
//! implements, and the loop that reads each document's layers, checks their spans against
//! the text, gives them one label scheme and hands them to the format — refusing first to
//! write over any of its inputs.

use std::path::{Path, PathBuf};

use super::{Format, FormatError, Offsets, Output, Sink};
use super::{brat, conll, csv_table, doccano, hf, jsonl, label_studio};
use crate::annotation::{Layer, Span};
use crate::corpus::DocumentJob;
use crate::document::Document;
use crate::store;

/// What an export did, for the summary shown to the user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Documents written.
    pub documents: usize,
    /// Annotation layers written.
    pub layers: usize,
    /// Spans written.
    pub spans: usize,
    /// Token tags dropped where spans overlap (CoNLL, Hugging Face).
    pub dropped_token_tags: usize,
    /// Relations written.
    pub relations: usize,
    /// Relations the format has no place for (CSV, CoNLL, Hugging Face).
    pub relations_left_out: usize,
    /// Span notes written.
    pub notes_written: usize,
    /// Span notes the format has no place for (CoNLL, Hugging Face).
    pub notes_left_out: usize,
    /// Events written (brat).
    pub events: usize,
    /// Events the format has no place for (all but brat).
    pub events_left_out: usize,
    /// Spans with attributes written with them.
    pub attributed: usize,
    /// Spans whose attributes the format has no place for.
    pub attributes_left_out: usize,
    /// Discontinuous spans written with their pieces.
    pub discontinuous: usize,
    /// Discontinuous spans written as their first-to-last extent (formats without pieces).
    pub discontinuous_as_extent: usize,
    /// Spans a token-level export (CoNLL, Hugging Face) wrote as several entities.
    pub spans_split: usize,
    /// Spans a token-level export wrote as no entity at all.
    pub spans_lost: usize,
    /// Spans left out because they do not fit the document (stale files).
    pub skipped_spans: usize,
    /// Other things the user should know, one line each.
    pub notes: Vec<String>,
    /// Files written.
    pub written: Vec<PathBuf>,
}

impl Report {
    /// A one-paragraph summary.
    pub fn summary(&self) -> String {
        let whole = self.spans - (self.spans_split + self.spans_lost).min(self.spans);
        let mut s = if self.spans_split + self.spans_lost > 0 {
            format!(
                "{} document(s), {} layer(s), {} span(s): {whole} written whole, {} split into \
                 several entities, {} written as no entity (a shorter overlapping span took \
                 their tokens; the innermost span wins)",
                self.documents, self.layers, self.spans, self.spans_split, self.spans_lost
            )
        } else {
            format!(
                "{} document(s), {} layer(s), {} span(s) written",
                self.documents, self.layers, self.spans
            )
        };
        for (written, left_out, what) in [
            (self.relations, self.relations_left_out, "relation(s)"),
            (self.notes_written, self.notes_left_out, "note(s)"),
            (self.events, self.events_left_out, "event(s)"),
            (
                self.attributed,
                self.attributes_left_out,
                "span(s) with attributes",
            ),
            (self.discontinuous, 0, "discontinuous span(s) in pieces"),
        ] {
            if written > 0 {
                s.push_str(&format!(", {written} {what}"));
            }
            if left_out > 0 {
                s.push_str(&format!(
                    "; {left_out} {what} not written (the format has no place for them)"
                ));
            }
        }
        if self.discontinuous_as_extent > 0 {
            s.push_str(&format!(
                "; {} discontinuous span(s) written as their first-to-last extent (the format \
                 has no pieces)",
                self.discontinuous_as_extent
            ));
        }
        if self.dropped_token_tags > 0 {
            s.push_str(&format!(
                "; {} token tag(s) dropped where spans overlap",
                self.dropped_token_tags
            ));
        }
        if self.skipped_spans > 0 {
            s.push_str(&format!(
                "; {} span(s) left out because they do not fit their document (run `spantag check`)",
                self.skipped_spans
            ));
        }
        s
    }

    /// Whether the export changed any span: split it, wrote it as no entity, left it out, or
    /// wrote a discontinuous one as its extent. `--strict` makes any of them an error.
    pub fn changed_spans(&self) -> usize {
        self.spans_split + self.spans_lost + self.skipped_spans + self.discontinuous_as_extent
    }

    /// Counts how a token-level export wrote one layer's spans, with a note naming the
    /// document, the annotator and the spans that did not come out as one entity each.
    pub fn token_spans(&mut self, document: &str, layer: &Layer, tagged: &crate::tokens::Tagged) {
        self.dropped_token_tags += tagged.dropped;
        self.spans_split += tagged.spans_split.len();
        self.spans_lost += tagged.spans_lost.len();
        let ids = |ids: &[u64]| {
            let mut s: Vec<String> = ids.iter().take(5).map(|id| format!("#{id}")).collect();
            if ids.len() > 5 {
                s.push(format!("and {} more", ids.len() - 5));
            }
            s.join(", ")
        };
        if !tagged.spans_split.is_empty() || !tagged.spans_lost.is_empty() {
            let mut parts = Vec::new();
            if !tagged.spans_split.is_empty() {
                parts.push(format!(
                    "{} span(s) split into several entities ({})",
                    tagged.spans_split.len(),
                    ids(&tagged.spans_split)
                ));
            }
            if !tagged.spans_lost.is_empty() {
                parts.push(format!(
                    "{} span(s) written as no entity ({})",
                    tagged.spans_lost.len(),
                    ids(&tagged.spans_lost)
                ));
            }
            self.notes.push(format!(
                "{document} ({}): {}",
                layer.annotator,
                parts.join("; ")
            ));
        }
    }
}

/// One document with its chosen layers, as handed to a format.
pub struct Item<'a> {
    /// The document.
    pub doc: &'a Document,
    /// Its name (relative path with `/`).
    pub name: &'a str,
    /// The layers (one per annotator), spans already checked against the document.
    pub layers: &'a [Layer],
}

/// A format's writer.
pub trait Exporter {
    /// The files it will write for these documents (beside the single output file of a
    /// stream format), decided before anything is written, so that an export that would
    /// write over one of its inputs is refused before it starts. A format that names files
    /// after documents also settles here which name each document gets.
    fn plan(&mut self, _jobs: &[DocumentJob], _report: &mut Report) -> Vec<PathBuf> {
        Vec::new()
    }
    /// Writes one document.
    fn document(&mut self, item: &Item<'_>, report: &mut Report) -> Result<(), FormatError>;
    /// Finishes the output (closing brackets, label lists, renaming temp files).
    fn finish(self: Box<Self>, report: &mut Report) -> Result<(), FormatError>;
}

/// How an export writes, beyond its format and output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// How character offsets are counted.
    pub offsets: Offsets,
    /// Refuse to write anything when a span would be split, written as no entity or left out.
    pub strict: bool,
    /// CSV for spreadsheets: cells a spreadsheet would run as a formula get a leading `'`
    /// (so a cell's text no longer equals the document's text there).
    pub excel: bool,
}

/// Makes the writer for a format.
pub fn exporter(
    format: Format,
    offsets: Offsets,
    output: &Output,
) -> Result<Box<dyn Exporter>, FormatError> {
    exporter_with(
        format,
        &ExportOptions {
            offsets,
            ..ExportOptions::default()
        },
        output,
    )
}

/// Makes the writer for a format, with options.
pub fn exporter_with(
    format: Format,
    options: &ExportOptions,
    output: &Output,
) -> Result<Box<dyn Exporter>, FormatError> {
    let offsets = options.offsets;
    if format.is_folder() {
        let Output::Path(dir) = output else {
            return Err(FormatError::Output(format!(
                "{} writes a folder: give one with --out DIR",
                format.name()
            )));
        };
        if dir.is_file() {
            return Err(FormatError::Output(format!(
                "{} is a file; {} writes a folder — give a folder name",
                dir.display(),
                format.name()
            )));
        }
        std::fs::create_dir_all(dir).map_err(FormatError::io(dir))?;
        return Ok(match format {
            Format::Hf => Box::new(hf::Exporter::new(dir)),
            _ => Box::new(brat::Exporter::new(dir, offsets)),
        });
    }
    let sink = Sink::open(output)?;
    Ok(match format {
        Format::Jsonl => Box::new(jsonl::Exporter::new(sink, offsets)),
        Format::Doccano => Box::new(doccano::Exporter::new(sink, offsets)),
        Format::Conll => Box::new(conll::Exporter::new(sink)),
        Format::LabelStudio => Box::new(label_studio::Exporter::new(sink, offsets)),
        _ => Box::new(csv_table::Exporter::new(sink, offsets, options.excel)?),
    })
}

/// Keeps only the spans that fit the document (offsets in range, text matching); counts the
/// rest in the report.
pub fn checked_layer(mut layer: Layer, doc: &Document, name: &str, report: &mut Report) -> Layer {
    let orphans = layer.orphans.len();
    if orphans > 0 {
        report.skipped_spans += orphans;
        report.notes.push(format!(
            "{name} ({}): {orphans} orphaned span(s) (their text is no longer in the document) left out; open the document in the app to place them",
            layer.annotator
        ));
    }
    let bad: Vec<u64> = layer
        .spans()
        .iter()
        .filter(|s| s.is_empty() || s.end > doc.char_len() || doc.slice(s.range()) != s.text)
        .map(|s| s.id)
        .collect();
    if !bad.is_empty() {
        report.skipped_spans += bad.len();
        report.notes.push(format!(
            "{name} ({}): {} span(s) do not fit the text and were left out",
            layer.annotator,
            bad.len()
        ));
        for id in bad {
            layer.remove(id);
        }
    }
    layer
}

/// Gives every layer of a document one label scheme: those of the default labels (claim,
/// actor, event) that some layer lists, in their order, then every other label found, by
/// name. Token tags, tie-breaks between spans on the same text, tag lists and colours then
/// never depend on the order in which one annotator happened to create their labels, and are
/// the same in every document; a default label no file lists is not added (it would be an
/// unused class in a tag list).
pub fn unify_schemes(layers: &mut [Layer]) {
    let listed = |name: &str| layers.iter().any(|l| l.scheme.get(name).is_some());
    let defaults = crate::annotation::LabelScheme::from_labels(
        crate::annotation::LabelScheme::default()
            .labels()
            .iter()
            .filter(|l| listed(&l.name))
            .cloned()
            .collect(),
    );
    let scheme =
        crate::annotation::LabelScheme::unified(&defaults, layers.iter().map(|l| &l.scheme));
    for layer in layers {
        layer.scheme = scheme.clone();
    }
}

/// The labels the project file (`spantag.ron`) beside a document declares, if it has one
/// that reads; cached per folder in `projects`.
fn declared_labels(
    document: &Path,
    projects: &mut std::collections::HashMap<PathBuf, Vec<crate::annotation::Label>>,
) -> Vec<crate::annotation::Label> {
    let dir = document.parent().unwrap_or(Path::new(".")).to_path_buf();
    projects
        .entry(dir)
        .or_insert_with_key(|dir| {
            crate::project::find(dir)
                .and_then(|path| crate::project::load(&path).ok())
                .map(|p| {
                    p.labels
                        .iter()
                        .map(|l| crate::annotation::Label {
                            name: l.name.clone(),
                            color: l.color.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
        .clone()
}

/// Keeps in the layers' (unified) scheme the labels some span uses and those the project
/// file declares (added when missing), and nothing else: label lists written with an export
/// (`labels.json`, `annotation.conf`) then hold what the data uses, not the default scheme a
/// file without labels falls back to.
pub fn keep_used_labels(layers: &mut [Layer], declared: &[crate::annotation::Label]) {
    let used: std::collections::HashSet<String> = layers
        .iter()
        .flat_map(|l| l.spans().iter().map(|s| s.label.clone()))
        .collect();
    let is_declared = |name: &str| declared.iter().any(|d| d.name == name);
    for layer in layers.iter_mut() {
        let unused: Vec<String> = layer
            .scheme
            .labels()
            .iter()
            .map(|l| l.name.clone())
            .filter(|name| !used.contains(name) && !is_declared(name))
            .collect();
        for name in &unused {
            layer.scheme.remove(name);
        }
        for label in declared {
            if layer.scheme.get(&label.name).is_none() {
                let at = layer.scheme.labels().len();
                layer.scheme.insert_at(label.clone(), at);
            }
        }
    }
}

/// Exports documents; `progress(done, total)` is called after each document.
pub fn export(
    jobs: &[DocumentJob],
    format: Format,
    offsets: Offsets,
    output: &Output,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Report, FormatError> {
    let options = ExportOptions {
        offsets,
        ..ExportOptions::default()
    };
    export_with(jobs, format, &options, output, progress)
}

/// Exports documents as [`export`] does, with options; with `strict`, an export that would
/// split a span, write it as no entity or leave it out stops with an error before anything
/// is written.
pub fn export_with(
    jobs: &[DocumentJob],
    format: Format,
    options: &ExportOptions,
    output: &Output,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Report, FormatError> {
    let strict = options.strict;
    // The labels each folder's project file declares, read once per folder.
    let mut projects = std::collections::HashMap::new();
    let mut report = Report::default();
    let inputs = input_files(jobs);
    let overwrites = |path: &Path| -> Result<(), FormatError> {
        if inputs.contains(&same_file(path)) {
            return Err(FormatError::Output(format!(
                "{} is one of the export's inputs (a document or an annotation file); an \
                 export never writes over them — give --out another file or folder",
                path.display()
            )));
        }
        // Nor over another document's files: an annotation file, or a document that has
        // annotation files beside it (`-o notes.txt`, or brat naming notes.md notes.txt).
        if is_users_file(path) {
            return Err(FormatError::Output(format!(
                "{} is an annotation file or an annotated document; an export never writes \
                 over them — give --out another file or folder",
                path.display()
            )));
        }
        Ok(())
    };
    if let (Output::Path(path), false) = (output, format.is_folder()) {
        overwrites(path)?;
    }
    let mut exporter = exporter_with(format, options, output)?;
    let planned = exporter.plan(jobs, &mut report);
    for path in &planned {
        overwrites(path)?;
    }
    if let (Output::Path(dir), Format::Brat) = (output, format) {
        let foreign = brat::foreign_files(dir, &planned);
        if !foreign.is_empty() {
            return Err(FormatError::Output(format!(
                "{} already exist(s) in {} and no earlier brat export of spantag wrote them \
                 ({} does not list them); nothing was written — export into a new or empty \
                 folder",
                foreign
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                dir.display(),
                brat::SOURCES
            )));
        }
    }
    for (i, job) in jobs.iter().enumerate() {
        let doc = Document::open(&job.path).map_err(|e| FormatError::Input(e.to_string()))?;
        let mut layers = Vec::with_capacity(job.layers.len());
        for (annotator, path) in &job.layers {
            let loaded = store::load_layer(&doc, path, annotator)
                .map_err(|e| FormatError::Input(e.to_string()))?;
            let repeated: Vec<String> = loaded
                .problems
                .iter()
                .filter_map(|p| match p {
                    store::Problem::DuplicateId { id, .. } => Some(id.to_string()),
                    _ => None,
                })
                .collect();
            if !repeated.is_empty() {
                report.notes.push(format!(
                    "{} ({annotator}): span id(s) {} used more than once; the later span(s) \
                     were exported with new ids (`spantag check` names them)",
                    job.name,
                    repeated.join(", ")
                ));
            }
            layers.push(checked_layer(loaded.layer, &doc, &job.name, &mut report));
        }
        unify_schemes(&mut layers);
        let declared = declared_labels(&job.path, &mut projects);
        keep_used_labels(&mut layers, &declared);
        if layers.is_empty() {
            report
                .notes
                .push(format!("{}: no annotation layer chosen; skipped", job.name));
        } else {
            let item = Item {
                doc: &doc,
                name: &job.name,
                layers: &layers,
            };
            exporter.document(&item, &mut report)?;
            count_rich(format, &item, &mut report);
            if strict && report.changed_spans() > 0 {
                // The exporter's files are still temporary: returning drops them unwritten.
                return Err(FormatError::Strict(format!(
                    "--strict: {} would not keep every span as written ({}); nothing was \
                     written",
                    job.name,
                    report.notes.last().map_or("spans left out", String::as_str)
                )));
            }
            let relations: usize = layers.iter().map(|l| l.relations.len()).sum();
            let notes: usize = layers
                .iter()
                .map(|l| l.spans().iter().filter(|s| s.note.is_some()).count())
                .sum();
            if format.keeps_relations() {
                report.relations += relations;
            } else {
                report.relations_left_out += relations;
            }
            if format.keeps_notes() {
                report.notes_written += notes;
            } else {
                report.notes_left_out += notes;
            }
            report.documents += 1;
            report.layers += layers.len();
            report.spans += layers.iter().map(|l| l.spans().len()).sum::<usize>();
        }
        progress(i + 1, jobs.len());
    }
    exporter.finish(&mut report)?;
    Ok(report)
}

/// Counts a document's events, attributed spans and discontinuous spans as `format` writes
/// them; what it has no place for is named per document and annotator.
fn count_rich(format: Format, item: &Item<'_>, report: &mut Report) {
    for layer in item.layers {
        let events = layer.events.len();
        let attributed = layer.spans().iter().filter(|s| !s.attrs.is_empty()).count()
            + layer.events.iter().filter(|e| !e.attrs.is_empty()).count();
        let pieces = layer
            .spans()
            .iter()
            .filter(|s| s.is_discontinuous())
            .count();
        let mut lost = Vec::new();
        if format.keeps_events() {
            report.events += events;
        } else if events > 0 {
            report.events_left_out += events;
            lost.push(format!("{events} event(s) not written"));
        }
        if format.keeps_attributes() {
            report.attributed += attributed;
        } else if attributed > 0 {
            report.attributes_left_out += attributed;
            lost.push(format!(
                "the attributes of {attributed} span(s) not written"
            ));
        }
        if format.keeps_fragments() {
            report.discontinuous += pieces;
        } else if pieces > 0 {
            report.discontinuous_as_extent += pieces;
            lost.push(format!(
                "{pieces} discontinuous span(s) written as their first-to-last extent"
            ));
        }
        if !lost.is_empty() {
            report.notes.push(format!(
                "{} ({}): {} ({} has no place for them)",
                item.name,
                layer.annotator,
                lost.join("; "),
                format.name()
            ));
        }
    }
}

/// Whether `path` is something a user made that an export must not replace: an annotation
/// file (`.ron`) or a document with annotation files beside it.
fn is_users_file(path: &Path) -> bool {
    path.is_file()
        && (path.extension().is_some_and(|e| e == "ron")
            || !store::annotation_files(path).is_empty())
}

/// The files an export reads: its documents and their annotation files, as [`same_file`]
/// keys.
fn input_files(jobs: &[DocumentJob]) -> std::collections::HashSet<PathBuf> {
    jobs.iter()
        .flat_map(|job| std::iter::once(&job.path).chain(job.layers.iter().map(|(_, p)| p)))
        .map(|p| same_file(p))
        .collect()
}

/// A key that is equal for two paths naming one file: the file's canonical path when it
/// exists, else its folder's canonical path with its name.
fn same_file(path: &Path) -> PathBuf {
    if let Ok(real) = path.canonicalize() {
        return real;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (
        absolute.parent().and_then(|d| d.canonicalize().ok()),
        absolute.file_name(),
    ) {
        (Some(dir), Some(name)) => dir.join(name),
        _ => absolute,
    }
}

/// A span's offsets in the requested unit.
pub fn offsets_of(doc: &Document, span: &Span, offsets: Offsets) -> (usize, usize) {
    match offsets {
        Offsets::Codepoints => (span.start, span.end),
        Offsets::Utf16 => (
            doc.utf16_from_char(span.start),
            doc.utf16_from_char(span.end),
        ),
    }
}
