//! Exports to and imports from the formats NLP tools read. One module per format.
//!
//! Exports stream: documents are read, converted and written one at a time, so memory stays
//! flat however many documents a folder holds. Every file is written atomically, and a file
//! it replaces is kept as `<file>.bak`.
//!
//! What the formats share: `export` (the report, the [`Exporter`] trait and the export loop),
//! `sink` (the output stream), `import` (what a reader gives, and the import report) and
//! `import_plan` (writing an import, planned in full before anything is written).

pub mod brat;
pub mod conll;
pub mod csv_table;
pub mod doccano;
pub mod hf;
pub mod jsonl;
pub mod label_studio;
pub mod names;
pub mod placement;

mod export;
mod import;
mod import_plan;
mod sink;

pub use export::{
    ExportOptions, Exporter, Item, Report, checked_layer, export, export_with, exporter,
    exporter_with, keep_used_labels, offsets_of, unify_schemes,
};
pub use import::{
    ImportReport, Imported, ImportedEvent, ImportedLayer, ImportedRelation, ImportedSpan,
    attach_notes, push_record, put_in_layer, read_import, safe_relative,
};
pub use import_plan::write_imported;
pub use sink::Sink;

use std::path::{Path, PathBuf};

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

    /// Whether the format keeps events (brat `E` lines).
    pub fn keeps_events(self) -> bool {
        matches!(self, Self::Brat)
    }

    /// Whether the format keeps span attributes (brat `A` lines, JSONL `attrs`, a CSV
    /// column, Label Studio choices).
    pub fn keeps_attributes(self) -> bool {
        matches!(
            self,
            Self::Brat | Self::Jsonl | Self::Csv | Self::LabelStudio
        )
    }

    /// Whether the format keeps the pieces of a discontinuous span (brat fragments, JSONL
    /// `fragments`); the others write such a span as its first-to-last extent.
    pub fn keeps_fragments(self) -> bool {
        matches!(self, Self::Brat | Self::Jsonl)
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
