//! Exports to and imports from the formats NLP tools read. One module per format.
//!
//! Exports stream: documents are read, converted and written one at a time, so memory stays
//! flat however many documents a folder holds. Every file is written atomically, and a file
//! it replaces is kept as `<file>.bak`.

pub mod brat;
pub mod conll;
pub mod csv_table;
pub mod doccano;
pub mod hf;
pub mod jsonl;
pub mod label_studio;
pub mod names;
pub mod placement;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::annotation::{LabelScheme, Layer, Relation, Span};
use crate::corpus::DocumentJob;
use crate::document::Document;
use crate::store;

/// A dataset format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// spaCy / Prodigy JSONL, one document per line.
    Jsonl,
    /// doccano sequence-labelling JSONL.
    Doccano,
    /// CoNLL IOB2 (`TOKEN<TAB>TAG`).
    Conll,
    /// Hugging Face token classification (a folder: `data.jsonl` and `labels.json`).
    Hf,
    /// brat standoff (a folder of `.txt` + `.ann` and `annotation.conf`).
    Brat,
    /// Label Studio JSON tasks.
    LabelStudio,
    /// CSV, one span per row.
    Csv,
}

impl Format {
    /// Every format, in menu order.
    pub const ALL: [Self; 7] = [
        Self::Jsonl,
        Self::Doccano,
        Self::Conll,
        Self::Hf,
        Self::Brat,
        Self::LabelStudio,
        Self::Csv,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Jsonl => "jsonl",
            Self::Doccano => "doccano",
            Self::Conll => "conll",
            Self::Hf => "hf",
            Self::Brat => "brat",
            Self::LabelStudio => "label-studio",
            Self::Csv => "csv",
        }
    }

    /// A description for menus.
    pub fn description(self) -> &'static str {
        match self {
            Self::Jsonl => "spaCy / Prodigy JSONL",
            Self::Doccano => "doccano JSONL",
            Self::Conll => "CoNLL IOB2",
            Self::Hf => "Hugging Face token classification (folder)",
            Self::Brat => "brat standoff (folder)",
            Self::LabelStudio => "Label Studio JSON",
            Self::Csv => "CSV table",
        }
    }

    /// Whether the format gives character offsets (and so takes `--offsets`); CoNLL and the
    /// Hugging Face dataset list tokens instead.
    pub fn has_offsets(self) -> bool {
        !matches!(self, Self::Conll | Self::Hf)
    }

    /// Whether the format keeps relations between spans (spaCy JSONL, doccano's relation
    /// shape, brat `R` lines, Label Studio relation results).
    pub fn keeps_relations(self) -> bool {
        matches!(
            self,
            Self::Jsonl | Self::Doccano | Self::Brat | Self::LabelStudio
        )
    }

    /// Whether the format keeps span notes.
    pub fn keeps_notes(self) -> bool {
        !matches!(self, Self::Conll | Self::Hf)
    }

    /// Whether the format writes a folder rather than one stream.
    pub fn is_folder(self) -> bool {
        matches!(self, Self::Hf | Self::Brat)
    }

    /// The usual file extension of the single-stream formats.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jsonl | Self::Doccano => "jsonl",
            Self::Conll => "conll",
            Self::LabelStudio => "json",
            Self::Csv => "csv",
            Self::Hf | Self::Brat => "",
        }
    }

    /// Whether `import` reads this format (it is one of the [`ImportFormat`]s).
    pub fn can_import(self) -> bool {
        ImportFormat::ALL.into_iter().any(|f| Self::from(f) == self)
    }
}

/// A dataset format `import` reads: the command line offers only these, so a format that
/// cannot be imported is refused by the argument parser with the list of those that can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportFormat {
    /// spaCy / Prodigy JSONL, one document per line.
    Jsonl,
    /// doccano sequence-labelling JSONL.
    Doccano,
    /// brat standoff (a folder of `.txt` + `.ann`, or one `.ann`).
    Brat,
    /// Label Studio JSON tasks.
    LabelStudio,
}

impl ImportFormat {
    /// Every format `import` reads.
    pub const ALL: [Self; 4] = [Self::Jsonl, Self::Doccano, Self::Brat, Self::LabelStudio];
}

impl From<ImportFormat> for Format {
    fn from(format: ImportFormat) -> Self {
        match format {
            ImportFormat::Jsonl => Self::Jsonl,
            ImportFormat::Doccano => Self::Doccano,
            ImportFormat::Brat => Self::Brat,
            ImportFormat::LabelStudio => Self::LabelStudio,
        }
    }
}

/// How span offsets are counted in formats that allow a choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Offsets {
    /// Unicode code points (Python `str` indices).
    #[default]
    Codepoints,
    /// UTF-16 code units (JavaScript string indices; doccano's default).
    Utf16,
}

/// Why an export or import failed.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// Reading or writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A document or annotation file could not be read.
    #[error("{0}")]
    Input(String),
    /// The output is not of the right kind.
    #[error("{0}")]
    Output(String),
    /// `--strict`: the format would not keep every span as written; nothing was written.
    #[error("{0}")]
    Strict(String),
    /// An imported file is malformed.
    #[error("{path}:{line}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line (0 when unknown).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Imported spans whose text, as the dataset gives it, is not the document's text at
    /// their offsets.
    #[error("{path}: {message}")]
    SpanText {
        /// The input file.
        path: PathBuf,
        /// The spans, and what to do.
        message: String,
    },
}

impl FormatError {
    pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Self + '_ {
        move |source| Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Where an export goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Standard output (single-stream formats only).
    Stdout,
    /// A file (single-stream formats) or a folder (folder formats).
    Path(PathBuf),
}

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

    /// Whether the export changed any span: split it, wrote it as no entity, or left it out.
    /// `--strict` makes any of them an error.
    pub fn changed_spans(&self) -> usize {
        self.spans_split + self.spans_lost + self.skipped_spans
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

/// A stream that is either stdout or a temporary file renamed over the target at the end.
pub struct Sink {
    inner: SinkInner,
}

enum SinkInner {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    File {
        writer: std::io::BufWriter<crate::atomic::AtomicFile>,
        path: PathBuf,
    },
}

impl Sink {
    /// Opens the sink for an output.
    pub fn open(output: &Output) -> Result<Self, FormatError> {
        match output {
            Output::Stdout => Ok(Self {
                inner: SinkInner::Stdout(std::io::BufWriter::new(std::io::stdout())),
            }),
            Output::Path(path) => {
                if path.is_dir() {
                    return Err(FormatError::Output(format!(
                        "{} is a folder; this format writes one file — give a file name",
                        path.display()
                    )));
                }
                let tmp = crate::atomic::AtomicFile::create(path).map_err(FormatError::io(path))?;
                Ok(Self {
                    inner: SinkInner::File {
                        writer: std::io::BufWriter::new(tmp),
                        path: path.clone(),
                    },
                })
            }
        }
    }

    /// Writes bytes.
    pub fn write_all(&mut self, bytes: &[u8]) -> Result<(), FormatError> {
        match &mut self.inner {
            SinkInner::Stdout(w) => w
                .write_all(bytes)
                .map_err(FormatError::io(Path::new("<stdout>"))),
            SinkInner::File { writer, path } => {
                writer.write_all(bytes).map_err(FormatError::io(path))
            }
        }
    }

    /// Writes one value as a line of JSON.
    pub fn write_json_line<T: serde::Serialize>(&mut self, value: &T) -> Result<(), FormatError> {
        let mut line = serde_json::to_vec(value).map_err(|e| FormatError::Output(e.to_string()))?;
        line.push(b'\n');
        self.write_all(&line)
    }

    /// Commits and records the file written in the report.
    pub fn finish(self, report: &mut Report) -> Result<(), FormatError> {
        report.written.extend(self.commit()?);
        Ok(())
    }

    /// Flushes and, for a file, renames it into place; returns the path written.
    pub fn commit(self) -> Result<Option<PathBuf>, FormatError> {
        match self.inner {
            SinkInner::Stdout(mut w) => {
                w.flush().map_err(FormatError::io(Path::new("<stdout>")))?;
                Ok(None)
            }
            SinkInner::File { writer, path } => {
                let tmp = writer.into_inner().map_err(|e| FormatError::Io {
                    path: path.clone(),
                    source: e.into_error(),
                })?;
                tmp.commit(crate::atomic::Backup::Keep)
                    .map_err(FormatError::io(&path))?;
                Ok(Some(path))
            }
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.inner {
            SinkInner::Stdout(w) => w.write(buf),
            SinkInner::File { writer, .. } => writer.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.inner {
            SinkInner::Stdout(w) => w.flush(),
            SinkInner::File { writer, .. } => writer.flush(),
        }
    }
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

/// An imported document with its layers, before it is written to disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// Where the text goes, relative to the import folder.
    pub name: String,
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
}

impl ImportedSpan {
    /// A span without a key, id or note.
    pub fn new(start: usize, end: usize, label: String) -> Self {
        Self {
            key: None,
            id: None,
            start,
            end,
            label,
            note: None,
        }
    }
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
            "{} document(s), {} annotation file(s), {} span(s), {} relation(s), {} note(s) imported into {}",
            self.documents,
            self.files.len(),
            self.spans,
            self.relations,
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

/// Gives the notes about an input file to its first layer, which the import reports.
pub fn attach_notes(out: &mut [Imported], notes: Vec<String>) {
    if let Some(layer) = out.iter_mut().flat_map(|r| r.layers.iter_mut()).next() {
        layer.notes.extend(notes);
    }
}

/// Adds an imported layer to the record of its document (same name and text), or starts one.
pub fn push_record(out: &mut Vec<Imported>, name: String, text: String, layer: ImportedLayer) {
    match out.iter_mut().find(|d| d.name == name && d.text == text) {
        Some(existing) => existing.layers.push(layer),
        None => out.push(Imported {
            name,
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

/// Writes imported documents and their layers into `into`. Records for the same document and
/// annotator (several JSONL lines, Label Studio annotations or input files) are merged into one
/// annotation file: the union of their spans (a span with the same start, end and label in
/// several records is kept once, their different notes joined), ids kept unique, relations
/// mapped onto the merged spans (an identical one kept once); a note says how many records
/// were merged into which file. Everything is planned before anything is written: an existing
/// annotation file without `force`, an existing document with another text, or two records
/// giving one document different texts stops the import with each of them named, and nothing
/// is written.
pub fn write_imported(
    records: Vec<Imported>,
    into: &Path,
    force: bool,
) -> Result<ImportReport, FormatError> {
    // Every record's name is checked before anything is written.
    names::check_records(&records, into)?;
    let mut report = ImportReport::default();
    let mut docs: Vec<PlannedDocument> = Vec::new();
    let mut by_rel: std::collections::HashMap<PathBuf, usize> = std::collections::HashMap::new();
    let mut conflicts: Vec<String> = Vec::new();
    for record in records {
        let Some(rel) = safe_relative(&record.name) else {
            report.notes.push(format!(
                "{:?}: not a safe relative file name; skipped",
                record.name
            ));
            continue;
        };
        let index = match by_rel.get(&rel) {
            Some(&index) => {
                if docs[index].doc.text() != record.text {
                    return Err(FormatError::Input(format!(
                        "{}: the dataset gives this document two different texts; nothing was \
                         imported (give the records different names)",
                        rel.display()
                    )));
                }
                index
            }
            None => {
                let path = into.join(&rel);
                let exists = path.exists();
                let doc = if exists {
                    let existing =
                        Document::open(&path).map_err(|e| FormatError::Input(e.to_string()))?;
                    if existing.text() != record.text {
                        conflicts.push(format!(
                            "{} exists with a different text; import into another folder",
                            path.display()
                        ));
                    }
                    existing
                } else {
                    Document::from_text(record.text)
                };
                by_rel.insert(rel.clone(), docs.len());
                docs.push(PlannedDocument {
                    rel,
                    path,
                    exists,
                    doc,
                    layers: Vec::new(),
                });
                docs.len() - 1
            }
        };
        let planned = &mut docs[index];
        for imported in record.layers {
            let annotator = imported.annotator.clone();
            report.notes.extend(imported.notes.iter().cloned());
            if let Some(why) = &imported.left_out {
                report.notes.push(format!(
                    "{}: {annotator}'s layer not imported: {why}",
                    planned.rel.display()
                ));
                continue;
            }
            if let Err(e) = store::validate_annotator(&annotator) {
                report
                    .notes
                    .push(format!("{}: {e}; layer skipped", planned.rel.display()));
                continue;
            }
            let name = planned.rel.display().to_string();
            let (spans, relations) = imported_layer(imported, &planned.doc, &name, &mut report);
            match planned.layers.iter_mut().find(|l| l.annotator == annotator) {
                Some(layer) => layer.merge(spans, relations),
                None => planned.layers.push(PlannedLayer {
                    annotator,
                    spans,
                    relations,
                    records: 1,
                    repeated_spans: 0,
                    repeated_relations: 0,
                }),
            }
        }
    }
    for planned in &docs {
        for layer in &planned.layers {
            let path = store::annotation_path(&planned.path, &layer.annotator);
            if path.exists() && !force {
                conflicts.push(path.display().to_string());
            }
        }
    }
    // Each file on a line of its own, the advice once.
    if !conflicts.is_empty() {
        return Err(FormatError::Output(format!(
            "nothing was imported: {} annotation file(s) exist already:\n  {}\npass --force to \
             overwrite them (the old files are kept as .bak)",
            conflicts.len(),
            conflicts.join("\n  ")
        )));
    }
    // Every file is written as one operation under the import folder's lock: all of them or
    // none, even if the import is killed (see crate::transaction).
    std::fs::create_dir_all(into).map_err(FormatError::io(into))?;
    let mut changes = Vec::new();
    for planned in docs {
        if let Some(parent) = planned.path.parent() {
            std::fs::create_dir_all(parent).map_err(FormatError::io(parent))?;
        }
        // Its annotation files name the document as their source (not "untitled").
        let source = planned
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let source_hash = crate::document::hash_bytes(planned.doc.text().as_bytes());
        if !planned.exists {
            changes.push(crate::transaction::Change {
                path: planned.path.clone(),
                contents: planned.doc.text().as_bytes().to_vec(),
                old: None,
            });
            if planned.layers.is_empty() {
                report.notes.push(format!(
                    "{}: no annotations to import; only its text was written",
                    planned.rel.display()
                ));
            }
        }
        let wrote_any = !planned.layers.is_empty();
        for layer in planned.layers {
            let path = store::annotation_path(&planned.path, &layer.annotator);
            if layer.records > 1 {
                report.notes.push(format!(
                    "{}: {} records of {} by {} merged into this one file ({} span(s) and {} \
                     relation(s) given by more than one record kept once)",
                    path.display(),
                    layer.records,
                    planned.rel.display(),
                    layer.annotator,
                    layer.repeated_spans,
                    layer.repeated_relations
                ));
            }
            let layer = Layer::from_parts(
                &layer.annotator,
                // The labels the dataset uses, not spantag's default ones besides (which an
                // export would then list as unused classes); a default label it uses keeps its
                // place and colour.
                LabelScheme::from_labels(
                    LabelScheme::default()
                        .labels()
                        .iter()
                        .filter(|l| layer.spans.iter().any(|s| s.label == l.name))
                        .cloned()
                        .collect(),
                ),
                layer.spans,
                layer.relations,
            );
            report.spans += layer.spans().len();
            report.relations += layer.relations.len();
            report.span_notes += layer.spans().iter().filter(|s| s.note.is_some()).count();
            let (source, source_hash) = if planned.exists {
                (planned.doc.display_name(), planned.doc.hash().to_owned())
            } else {
                (source.clone(), source_hash.clone())
            };
            changes.push(crate::transaction::Change {
                old: crate::atomic::file_hash(&path),
                contents: store::AnnotationFile::from_layer_parts(&layer, &source, &source_hash)
                    .to_ron()
                    .into_bytes(),
                path: path.clone(),
            });
            report.files.push(path);
        }
        if wrote_any {
            report.documents += 1;
        }
    }
    let lock = crate::folder::lock::acquire(into, "import")
        .map_err(|e| FormatError::Output(e.to_string()))?;
    crate::transaction::apply(&lock, "import", &changes)
        .map_err(|e| FormatError::Output(format!("nothing was imported: {e}")))?;
    Ok(report)
}

/// A document an import writes, planned before anything is written.
struct PlannedDocument {
    /// Its name relative to the import folder.
    rel: PathBuf,
    /// Where it goes.
    path: PathBuf,
    /// Whether it is there already (with the same text).
    exists: bool,
    /// Its text (the existing file, when there is one).
    doc: Document,
    /// One layer per annotator, each merged from every record that gives it.
    layers: Vec<PlannedLayer>,
}

/// One annotator's spans and relations of one document, merged from the records that give
/// them.
struct PlannedLayer {
    annotator: String,
    spans: Vec<Span>,
    relations: Vec<Relation>,
    /// How many records were merged into it.
    records: usize,
    /// Spans and relations given by more than one record (kept once).
    repeated_spans: usize,
    repeated_relations: usize,
}

impl PlannedLayer {
    /// Adds another record's spans and relations (ids unique within the record). A span with
    /// the start, end and label of one already here is that span (a different note of it is
    /// added to its note); the others keep their ids where those are free, then relations
    /// theirs, and the rest get fresh ids above every id used, as [`imported_layer`] gives
    /// them. Relations follow their spans; one that is here already is kept once.
    fn merge(&mut self, spans: Vec<Span>, relations: Vec<Relation>) {
        use std::collections::{HashMap, HashSet};
        self.records += 1;
        let mut taken: HashSet<u64> = self
            .spans
            .iter()
            .map(|s| s.id)
            .chain(self.relations.iter().map(|r| r.id))
            .collect();
        let here: HashMap<(usize, usize, String), usize> = self
            .spans
            .iter()
            .enumerate()
            .map(|(i, s)| ((s.start, s.end, s.label.clone()), i))
            .collect();
        // Their span ids to the merged layer's.
        let mut ids: HashMap<u64, u64> = HashMap::new();
        let mut added: Vec<(Span, bool)> = Vec::new();
        for span in spans {
            if let Some(&i) = here.get(&(span.start, span.end, span.label.clone())) {
                let ours = &mut self.spans[i];
                ids.insert(span.id, ours.id);
                if let Some(theirs) = span.note {
                    match &mut ours.note {
                        None => ours.note = Some(theirs),
                        Some(note) if *note != theirs => {
                            note.push('\n');
                            note.push_str(&theirs);
                        }
                        Some(_) => {}
                    }
                }
                self.repeated_spans += 1;
                continue;
            }
            let keep = taken.insert(span.id);
            added.push((span, keep));
        }
        let keep_relation: Vec<bool> = relations.iter().map(|r| taken.insert(r.id)).collect();
        let mut next = taken.iter().max().map_or(1, |m| m + 1);
        let mut fresh = || {
            next += 1;
            next - 1
        };
        for (mut span, keep) in added {
            let id = if keep { span.id } else { fresh() };
            ids.insert(span.id, id);
            span.id = id;
            self.spans.push(span);
        }
        let mut present: HashSet<(u64, u64, String)> = self
            .relations
            .iter()
            .map(|r| (r.from, r.to, r.label.clone()))
            .collect();
        for (relation, keep) in relations.into_iter().zip(keep_relation) {
            let (Some(&from), Some(&to)) = (ids.get(&relation.from), ids.get(&relation.to)) else {
                continue;
            };
            if !present.insert((from, to, relation.label.clone())) {
                self.repeated_relations += 1;
                continue;
            }
            self.relations.push(Relation {
                id: if keep { relation.id } else { fresh() },
                from,
                to,
                label: relation.label,
            });
        }
    }
}

/// Builds the spans and relations of one imported annotator over its document. Spans that are empty, end
/// before they start or lie outside the text are left out; relations whose ends are not imported spans are left out; both are counted and
/// named in the report. Ids: a span keeps its input id unless an earlier span took it, then a
/// relation keeps its input id unless a span or an earlier relation took it; everything else
/// gets a fresh id above all of those, so ids are unique across spans and relations (as
/// [`Layer::allocate_id`] keeps them).
fn imported_layer(
    imported: ImportedLayer,
    doc: &Document,
    name: &str,
    report: &mut ImportReport,
) -> (Vec<Span>, Vec<Relation>) {
    use std::collections::{HashMap, HashSet};
    let ImportedLayer {
        annotator,
        spans,
        relations,
        not_modelled,
        left_out: _,
        notes: _,
    } = imported;
    for (kind, n) in not_modelled {
        report.notes.push(format!(
            "{name} ({annotator}): {n} {kind} not imported (spantag does not model them)"
        ));
        *report.not_modelled.entry(kind).or_insert(0) += n;
    }
    let mut taken: HashSet<u64> = HashSet::new();
    let mut kept: Vec<(ImportedSpan, Option<u64>)> = Vec::new();
    for span in spans {
        let problem = if span.start == span.end {
            Some("is empty (it ends where it starts)".to_owned())
        } else if span.start > span.end {
            Some("ends before it starts".to_owned())
        } else if span.end > doc.char_len() {
            Some(format!(
                "is outside the text, which has {} code points",
                doc.char_len()
            ))
        } else {
            None
        };
        if let Some(problem) = problem {
            report.skipped_spans += 1;
            report.notes.push(format!(
                "{name} ({annotator}): span {}..{} ({}) {problem}; skipped",
                span.start, span.end, span.label
            ));
            continue;
        }
        let id = span.id.filter(|id| taken.insert(*id));
        kept.push((span, id));
    }
    let relation_ids: Vec<Option<u64>> = relations
        .iter()
        .map(|r| r.id.filter(|id| taken.insert(*id)))
        .collect();
    let mut next = taken.iter().max().map_or(1, |m| m + 1);
    let mut fresh = |id: Option<u64>| {
        id.unwrap_or_else(|| {
            let id = next;
            next += 1;
            id
        })
    };
    let mut by_key: HashMap<String, u64> = HashMap::new();
    let mut out_spans = Vec::with_capacity(kept.len());
    for (span, id) in kept {
        let id = fresh(id);
        if let Some(key) = span.key {
            by_key.entry(key).or_insert(id);
        }
        out_spans.push(Span {
            id,
            start: span.start,
            end: span.end,
            text: doc.slice(span.start..span.end).to_owned(),
            label: span.label,
            note: span.note,
        });
    }
    let mut out_relations = Vec::with_capacity(relations.len());
    for (relation, id) in relations.into_iter().zip(relation_ids) {
        match (by_key.get(&relation.from), by_key.get(&relation.to)) {
            (Some(&from), Some(&to)) => out_relations.push(Relation {
                id: fresh(id),
                from,
                to,
                label: relation.label,
            }),
            (from, to) => {
                let missing: Vec<&str> = [(from, &relation.from), (to, &relation.to)]
                    .into_iter()
                    .filter(|(found, _)| found.is_none())
                    .map(|(_, key)| key.as_str())
                    .collect();
                report.skipped_relations += 1;
                report.notes.push(format!(
                    "{name} ({annotator}): relation {} ({}) skipped: {} is not an imported span",
                    relation.key,
                    relation.label,
                    missing.join(" and ")
                ));
            }
        }
    }
    (out_spans, out_relations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_reversed_and_outside_spans_are_named_for_what_is_wrong() {
        // "Ana met Reyes." has 14 code points; [0, 3) is "Ana".
        let doc = Document::from_text("Ana met Reyes.".to_owned());
        let spans = vec![
            ImportedSpan::new(0, 3, "PER".to_owned()),
            ImportedSpan::new(3, 3, "PER".to_owned()),
            ImportedSpan::new(6, 2, "PER".to_owned()),
            ImportedSpan::new(8, 15, "PER".to_owned()),
        ];
        let mut report = ImportReport::default();
        let (spans, _) = imported_layer(
            ImportedLayer::new("a".to_owned(), spans),
            &doc,
            "doc.txt",
            &mut report,
        );
        assert_eq!(spans.len(), 1);
        assert_eq!(report.skipped_spans, 3);
        assert_eq!(
            report.notes,
            [
                "doc.txt (a): span 3..3 (PER) is empty (it ends where it starts); skipped",
                "doc.txt (a): span 6..2 (PER) ends before it starts; skipped",
                "doc.txt (a): span 8..15 (PER) is outside the text, which has 14 code points; skipped",
            ]
        );
        assert!(
            report.summary(Path::new("out")).contains(
                "3 span(s) left out (empty, ending before they start or outside their text)"
            ),
            "{}",
            report.summary(Path::new("out"))
        );
    }
}
