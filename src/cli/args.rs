//! The command line's definitions: `spantag --version`, the arguments and subcommands as
//! clap parses them, and an `--annotator` given before the subcommand.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use spantag_core::formats::{Format, ImportFormat, Offsets};

use super::{help, suggest, synth};

/// `spantag --version`: the version, the commit and the day it was built.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("SPANTAG_COMMIT"),
    ", built ",
    env!("SPANTAG_BUILD_DATE"),
    ")"
);

/// spantag — annotate spans of text (claims, actors, events, your own labels).
#[derive(Debug, Parser)]
#[command(
    name = "spantag",
    version = VERSION,
    about,
    disable_help_subcommand = true,
    after_help = help::MAIN
)]
pub struct Cli {
    /// A document (.txt, .md) or a folder of documents to open in the app.
    #[arg(value_name = "DOCUMENT|FOLDER")]
    pub document: Option<PathBuf>,
    /// Who is annotating (default: the last name used, else your user name). Also accepted
    /// before a subcommand that takes it (export, import, suggest, review).
    #[arg(long, short = 'a')]
    pub annotator: Option<String>,
    /// Suggest the spans of this annotator's layer as ghost spans to accept or reject,
    /// e.g. a model's predictions imported with `spantag import --annotator model`.
    #[arg(long, value_name = "ANNOTATOR")]
    pub suggest_from: Option<String>,
    /// No progress on stderr (it is shown only when stderr is a terminal anyway).
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    /// A subcommand (without one, the app opens).
    #[command(subcommand)]
    pub command: Option<CliCommand>,
}

/// Work on files without opening a window.
#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Check annotation files against their source texts; exits 1 when there is a problem
    /// or no annotation file was found, 2 when an input does not exist.
    #[command(after_help = help::CHECK)]
    Check {
        /// Annotation files (`*.ron`), documents (every annotation file beside them is checked)
        /// or folders (searched recursively).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Save each file whose document changed with its spans moved to where their text is
        /// now, as opening and saving it in the app does (the previous version is kept as
        /// `.bak`; spans whose text is gone are kept as orphans).
        #[arg(long)]
        update: bool,
    },
    /// Review teammates' annotations in the app: every annotator's layer read-only, the
    /// curated layer (`<document>.curated.ron`) editable.
    ///
    /// PATH is a document, or a folder: then its first document with two or more annotators
    /// opens, with the agreement panel for the folder.
    #[command(after_help = help::REVIEW)]
    Review {
        /// A document or a folder.
        path: PathBuf,
        /// Who is curating (default: the last name used in the app, else your user name).
        #[arg(long, short = 'a')]
        annotator: Option<String>,
    },
    /// Export annotations as a labelled dataset.
    ///
    /// INPUT may be documents, annotation files or folders (searched recursively for
    /// documents with annotation files). Without a layer option every annotator's layer is
    /// exported; `--annotator NAME` picks one. Exits 1 when there is nothing to export, 2
    /// for an annotator with no files.
    #[command(after_help = help::EXPORT)]
    Export {
        /// The dataset format.
        #[arg(long, short = 'f', value_enum)]
        format: Format,
        /// Export every annotator's layer (the default).
        #[arg(long, conflicts_with = "curated")]
        all_annotators: bool,
        /// Export the curated (gold) layer.
        #[arg(long)]
        curated: bool,
        /// Export only this annotator's layer.
        #[arg(long, short = 'a', conflicts_with_all = ["curated", "all_annotators"])]
        annotator: Option<String>,
        /// How character offsets are counted (every format but conll and hf, which list
        /// tokens).
        #[arg(long, value_enum, default_value_t = Offsets::Codepoints)]
        offsets: Offsets,
        /// Output file, `-` for stdout (the default for single-file formats); a folder for hf and brat.
        #[arg(long, short = 'o')]
        out: Option<PathBuf>,
        /// Refuse to write anything when the format would not keep every span as one
        /// entity: a token-level format (conll, hf) splitting a span or writing it as no
        /// entity where spans overlap, or a span left out because it does not fit its
        /// document. Exits 1 with the document and spans named.
        #[arg(long)]
        strict: bool,
        /// CSV for opening in a spreadsheet: a cell that a spreadsheet would run as a formula
        /// (starting with =, +, -, @) gets a leading ' — its text then differs from the
        /// document's. Without it every cell is the exact text.
        #[arg(long)]
        excel: bool,
        /// Documents, annotation files or folders.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
    },
    /// Measure how far annotators agree: span F1 (exact and overlap) per label and pair,
    /// token-level Cohen's kappa per pair, Fleiss' kappa and Krippendorff's alpha over all.
    ///
    /// INPUT may be documents, annotation files or folders (searched recursively). Only
    /// documents that every compared annotator annotated are compared; the others are listed
    /// as skipped. Exits 1 when there is nothing to compare.
    #[command(after_help = help::AGREE)]
    Agree {
        /// Annotators to compare, comma-separated (default: every annotator found except
        /// `curated`).
        #[arg(long, value_delimiter = ',', value_name = "A,B,...")]
        annotators: Option<Vec<String>>,
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t = AgreeFormat::Table)]
        format: AgreeFormat,
        /// Exit 1 when Krippendorff's alpha over all documents is below this (or cannot be
        /// computed), for scripts and CI: `--fail-under 0.8`.
        #[arg(long, value_name = "ALPHA", allow_negative_numbers = true)]
        fail_under: Option<f64>,
        /// Mathet et al.'s γ: whether and how it is estimated.
        #[command(flatten)]
        gamma: GammaArgs,
        /// Documents, annotation files or folders.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
    },
    /// Add the spans annotators agree on to each document's curated layer
    /// (`<document>.curated.ron`, saved atomically with a `.bak`).
    ///
    /// Keeps everything the curated file already holds and never adds a span twice. Prints,
    /// per document, how many spans were added and how many disagreements remain. Exits 1
    /// when nothing was found to curate. `--accept-agreed` says to do it.
    #[command(after_help = help::CURATE)]
    Curate {
        /// Accept the spans every compared annotator made identically (same start, end and
        /// label). Without it, curate only says what it would do.
        #[arg(long)]
        accept_agreed: bool,
        /// Annotators to take into account, comma-separated (default: every annotator found
        /// except `curated`).
        #[arg(long, value_delimiter = ',', value_name = "A,B,...")]
        annotators: Option<Vec<String>>,
        /// Also accept spans that at least K annotators made identically (majority vote),
        /// unless another annotator put a different label on the same range.
        #[arg(long, value_name = "K")]
        min_agree: Option<usize>,
        /// Also accept spans that only some annotators made where nobody else made an
        /// overlapping span.
        #[arg(long)]
        uncontested: bool,
        /// Documents, annotation files or folders.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
    },
    /// Count, rename and remove labels in every annotation file under a folder (all
    /// annotators and the curated layer) and in the project file (`spantag.ron`).
    #[command(after_help = help::LABEL)]
    Label {
        /// What to do.
        #[command(subcommand)]
        command: LabelCommand,
    },
    /// List the suggestions the app would show an annotator (`--annotator NAME`): text they
    /// tagged in these documents found again untagged as a whole word where the evidence
    /// says it is the same thing (distinctive, tagged in at least half the places it was
    /// seen; see docs/suggestions.md), and with `--from` another layer's spans (e.g. a
    /// model's). Suggestions they rejected are left out; how many candidates were left out
    /// and why is printed on stderr.
    ///
    /// Prints one JSON object per line, strongest evidence first in each document:
    /// `{"document", "start", "end", "label", "text", "origin", "evidence": {"tagged",
    /// "seen", "share"}}` (code point offsets, half-open; `evidence` is null for another
    /// layer's span); `--format json` prints one JSON document with the left-out counts.
    /// `--accept` tags them in the annotator's files instead. Exits 0 when it found (or
    /// accepted) suggestions, 1 when none (like grep), 2 on bad input.
    #[command(after_help = help::SUGGEST)]
    Suggest {
        /// Whose suggestions: text they tagged, less what they rejected.
        #[arg(long, short = 'a')]
        annotator: Option<String>,
        /// Also suggest this annotator's spans (e.g. `model`).
        #[arg(long, value_name = "ANNOTATOR")]
        from: Option<String>,
        /// Only the `--from` layer's spans, not text tagged elsewhere.
        #[arg(long)]
        only_from: bool,
        /// Documents or folders (searched recursively; text tagged anywhere in them counts).
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
        /// Output, evidence threshold, label, and accepting.
        #[command(flatten)]
        options: suggest::SuggestOptions,
    },
    /// Write a synthetic news-like corpus with nested and overlapping spans, for trying
    /// spantag, benchmarks, and evaluating agreement (`--annotators a,b,c`: one layer per
    /// annotator, with controlled disagreement).
    ///
    /// Never rewrites an existing document that differs from what it would write: choose
    /// another --out folder then.
    #[command(after_help = help::SYNTH)]
    Synth {
        /// Size of each document in bytes.
        #[arg(long, default_value_t = 10_000)]
        bytes: usize,
        /// Spans per document.
        #[arg(long, default_value_t = 10)]
        spans: usize,
        /// Number of documents.
        #[arg(long, default_value_t = 1)]
        docs: usize,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// The annotator of the files written (default: synth).
        #[arg(long, short = 'a', conflicts_with = "annotators")]
        annotator: Option<String>,
        /// Write one layer per annotator: the same spans, each annotator departing from them
        /// on a share of spans (--disagreement), with a seed of their own.
        #[arg(long, value_delimiter = ',', value_name = "A,B,...")]
        annotators: Option<Vec<String>>,
        /// With --annotators: the share of spans each annotator changes (dropped, relabelled
        /// or with a moved start), from 0 to 1.
        #[arg(long, default_value_t = 0.15, value_name = "SHARE")]
        disagreement: f64,
        /// Which generator: news-like text with nested spans (`synth`), English-like prose
        /// with spans of whole words (`prose`), or prose with spans cut at random places
        /// (`random-cuts`).
        #[arg(long, value_enum, default_value_t = synth::SynthKind::Synth)]
        kind: synth::SynthKind,
    },
    /// Save two versions of an annotation file in turn, forever (for the kill test).
    #[command(hide = true)]
    StressSave {
        /// The file to write.
        file: PathBuf,
        /// First version.
        a: PathBuf,
        /// Second version.
        b: PathBuf,
    },
    /// Set up the git repository of DIR (default: the current folder) to merge annotation
    /// files span by span: adds the `.gitattributes` lines and the local git config for
    /// `spantag merge-driver`. Running it again changes nothing.
    GitSetup {
        /// A folder in the repository (the `.gitattributes` goes here).
        dir: Option<PathBuf>,
    },
    /// Three-way merge of one annotation file, as git's merge driver (`spantag git-setup`
    /// configures it): the result is written into OURS. Exits 0 when merged, 1 when
    /// conflicts are left (listed in the file under `conflicts:`), 2 on unreadable input.
    MergeDriver {
        /// The common ancestor's version (git's %O; empty when there is none).
        base: PathBuf,
        /// Our version, overwritten with the merge (git's %A).
        ours: PathBuf,
        /// Their version (git's %B).
        theirs: PathBuf,
        /// The file's path in the repository, for messages (git's %P).
        path: Option<String>,
    },
    /// A team's state per document: annotators' spans and done ticks, curated spans, open
    /// disagreements, stale sources, merge conflicts, duplicate ids, and totals. Exits 0
    /// when every file was read, 2 otherwise.
    Status {
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t = StatusFormat::Table)]
        format: StatusFormat,
        /// The project folder.
        dir: PathBuf,
    },
    /// Import a dataset as annotation files beside the documents.
    ///
    /// Writes each document's text (from the dataset) and `<document>.<annotator>.ron` into
    /// the `--into` folder. Never overwrites an annotation file without `--force`. Exits 1
    /// when nothing was written (every file already there), 2 when the input cannot be read.
    #[command(after_help = help::IMPORT)]
    Import {
        /// The dataset format.
        #[arg(long, short = 'f', value_enum)]
        format: ImportFormat,
        /// How offsets are counted in the input (every format). A span whose text the
        /// dataset gives (JSONL, brat, Label Studio) must have that text at its offsets, or
        /// nothing is imported.
        #[arg(long, value_enum, default_value_t = Offsets::Codepoints)]
        offsets: Offsets,
        /// The folder to write documents and annotation files into.
        #[arg(long)]
        into: PathBuf,
        /// Overwrite existing annotation files (the old ones are kept as .bak).
        #[arg(long)]
        force: bool,
        /// The annotator of records that do not name one (default: imported).
        #[arg(long, short = 'a')]
        annotator: Option<String>,
        /// Dataset files (for brat: folders or .ann files).
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
    },
    /// Print shell completions (bash, zsh, fish, elvish, powershell) to stdout.
    #[command(after_help = help::COMPLETIONS)]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout, or write one page per command into a folder.
    #[command(after_help = help::MAN)]
    Man {
        /// Write spantag.1, spantag-export.1, … into this folder instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Help on a command (`spantag help export`) or a topic: `formats` (what each export
    /// keeps and drops), `files` (the annotation file).
    Help {
        /// A command (and subcommand), or a topic: formats, files.
        #[arg(value_name = "COMMAND|TOPIC")]
        topic: Vec<String>,
    },
}

/// `spantag label …`: labels across a folder of annotation files.
///
/// PATH is a folder (searched recursively) or a document. Renaming and removing read and
/// check every file first and change none when one cannot be read; changed files are saved
/// atomically with their previous version kept as `.bak`, the others are not touched.
#[derive(Debug, Subcommand)]
pub enum LabelCommand {
    /// List every label with the number of spans (orphaned ones included) and of files
    /// using it. Exits 1 when there are no labels.
    List {
        /// A folder or a document.
        path: PathBuf,
    },
    /// Rename a label in every annotation file and in the project file, keeping its colour
    /// and position. Refuses a new name that is already a label (that would merge two
    /// labels). Exits 2 when OLD is found nowhere.
    Rename {
        /// The label's name now.
        old: String,
        /// Its new name.
        new: String,
        /// A folder or a document.
        path: PathBuf,
    },
    /// Remove a label from every annotation file's label list and from the project file.
    /// Refuses when spans use it, unless --force. Exits 2 when NAME is found nowhere.
    Remove {
        /// The label.
        name: String,
        /// A folder or a document.
        path: PathBuf,
        /// Also delete the spans that use it, and the relations touching them.
        #[arg(long)]
        force: bool,
    },
}

/// How `status` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFormat {
    /// Aligned columns for a terminal.
    Table,
    /// One JSON document.
    Json,
}

/// `agree`'s options for Mathet et al.'s γ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::Args)]
pub struct GammaArgs {
    /// Leave out Mathet et al.'s γ (the measure that takes longest: a best alignment of the
    /// spans and of --gamma-samples random continua per document).
    #[arg(long)]
    pub no_gamma: bool,
    /// Random continua per document for γ's expected disorder (pygamma's default is 30; more
    /// give a steadier γ).
    #[arg(long, default_value_t = 30, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub gamma_samples: u32,
    /// Seed of γ's random continua: the same seed gives the same γ.
    #[arg(long, default_value_t = 0, value_name = "SEED")]
    pub gamma_seed: u64,
}

impl Default for GammaArgs {
    fn default() -> Self {
        Self {
            no_gamma: false,
            gamma_samples: 30,
            gamma_seed: 0,
        }
    }
}

impl GammaArgs {
    /// What `agree` computes beyond its other measures.
    pub fn options(&self) -> spantag_core::review::AgreementOptions {
        spantag_core::review::AgreementOptions {
            gamma: (!self.no_gamma).then_some(
                spantag_core::review::agreement::gamma::GammaOptions {
                    samples: self.gamma_samples as usize,
                    seed: self.gamma_seed,
                },
            ),
        }
    }
}

/// How `agree` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AgreeFormat {
    /// Aligned columns for a terminal.
    Table,
    /// One JSON document.
    Json,
    /// One figure per row.
    Csv,
}

impl CliCommand {
    /// The subcommand's name, as typed.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Check { .. } => "check",
            Self::Review { .. } => "review",
            Self::Export { .. } => "export",
            Self::Agree { .. } => "agree",
            Self::Curate { .. } => "curate",
            Self::Label { .. } => "label",
            Self::Suggest { .. } => "suggest",
            Self::Synth { .. } => "synth",
            Self::StressSave { .. } => "stress-save",
            Self::Import { .. } => "import",
            Self::GitSetup { .. } => "git-setup",
            Self::MergeDriver { .. } => "merge-driver",
            Self::Status { .. } => "status",
            Self::Completions { .. } => "completions",
            Self::Man { .. } => "man",
            Self::Help { .. } => "help",
        }
    }

    /// The subcommand's own `--annotator`, or `None` for one that takes none.
    pub fn annotator_mut(&mut self) -> Option<&mut Option<String>> {
        match self {
            Self::Review { annotator, .. }
            | Self::Export { annotator, .. }
            | Self::Suggest { annotator, .. }
            | Self::Synth { annotator, .. }
            | Self::Import { annotator, .. } => Some(annotator),
            _ => None,
        }
    }

    /// Takes an `--annotator` given before the subcommand (`spantag -a alice export …`) as
    /// the subcommand's own. A subcommand that takes none refuses it, as does one given
    /// another name after the subcommand.
    pub fn take_annotator(&mut self, before: Option<String>) -> Result<(), String> {
        let Some(before) = before else {
            return Ok(());
        };
        let name = self.name();
        match self.annotator_mut() {
            None => Err(format!(
                "spantag {name}: --annotator is not an option of this command (see `spantag \
                 {name} --help`)"
            )),
            Some(Some(after)) if *after != before => Err(format!(
                "spantag {name}: two annotators given ({before:?} before the command, {after:?} \
                 after it); give one"
            )),
            Some(slot) => {
                *slot = Some(before);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<CliCommand, String> {
        let mut cli = Cli::try_parse_from(args).map_err(|e| e.to_string())?;
        let mut command = cli.command.ok_or("no command")?;
        command.take_annotator(cli.annotator.take())?;
        Ok(command)
    }

    #[test]
    fn an_annotator_before_the_command_is_the_commands() {
        let Ok(CliCommand::Review { annotator, path }) =
            parse(&["spantag", "-a", "alice", "review", "corpus"])
        else {
            panic!("review not parsed");
        };
        assert_eq!(
            (annotator.as_deref(), path),
            (Some("alice"), "corpus".into())
        );
        let Ok(CliCommand::Review { annotator, .. }) =
            parse(&["spantag", "review", "corpus", "--annotator", "alice"])
        else {
            panic!("review not parsed");
        };
        assert_eq!(annotator.as_deref(), Some("alice"));
        let err = parse(&[
            "spantag", "-a", "alice", "export", "-f", "csv", "-a", "bob", "x",
        ])
        .err()
        .unwrap_or_default();
        assert!(err.contains("two annotators given"), "{err}");
        let err = parse(&["spantag", "-a", "alice", "agree", "x"])
            .err()
            .unwrap_or_default();
        assert!(err.contains("not an option of this command"), "{err}");
        // A document to open is not a command.
        let cli =
            Cli::try_parse_from(["spantag", "-a", "alice", "op-ed.txt"]).map_err(|e| e.to_string());
        assert!(matches!(cli, Ok(Cli { command: None, .. })), "{cli:?}");
    }
}
