//! The command line. `spantag [DOCUMENT]` opens the app; subcommands work on files without
//! a window and call the same core functions as the GUI.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use std::io::IsTerminal as _;
use std::io::Write as _;
use std::time::{Duration, Instant};

use spantag_core::corpus::{self, LayerChoice};
use spantag_core::document::Document;
use spantag_core::formats::{self, Format, ImportFormat, Offsets, Output};
use spantag_core::labels::{self, LabelsError};
use spantag_core::review::{self, ReviewError};
use spantag_core::store::{self, AnnotationFile};

/// spantag — annotate spans of text (claims, actors, events, your own labels).
#[derive(Debug, Parser)]
#[command(name = "spantag", version, about)]
pub struct Cli {
    /// A text document to open.
    pub document: Option<PathBuf>,
    /// Who is annotating (default: the last name used, else your user name). Also accepted
    /// before a subcommand that takes it (export, import, suggest, review).
    #[arg(long, short = 'a')]
    pub annotator: Option<String>,
    /// Suggest the spans of this annotator's layer as ghost spans to accept or reject,
    /// e.g. a model's predictions imported with `spantag import --annotator model`.
    #[arg(long, value_name = "ANNOTATOR")]
    pub suggest_from: Option<String>,
    /// A subcommand (without one, the app opens).
    #[command(subcommand)]
    pub command: Option<CliCommand>,
}

/// Work on files without opening a window.
#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Check annotation files against their source texts; exits 1 when there is a problem.
    Check {
        /// Annotation files (`*.ron`), documents (every annotation file beside them is checked)
        /// or folders (searched recursively). Exits 2 when no annotation file is found.
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
    /// exported; `--annotator NAME` picks one.
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
        /// Documents, annotation files or folders.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
    },
    /// Measure how far annotators agree: span F1 (exact and overlap) per label and pair,
    /// token-level Cohen's kappa per pair, Fleiss' kappa and Krippendorff's alpha over all.
    ///
    /// INPUT may be documents, annotation files or folders (searched recursively). Only
    /// documents that every compared annotator annotated are compared; the others are listed
    /// as skipped. Exits 2 when there is nothing to compare.
    Agree {
        /// Annotators to compare, comma-separated (default: every annotator found except
        /// `curated`).
        #[arg(long, value_delimiter = ',', value_name = "A,B,...")]
        annotators: Option<Vec<String>>,
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t = AgreeFormat::Table)]
        format: AgreeFormat,
        /// Documents, annotation files or folders.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
    },
    /// Add the spans annotators agree on to each document's curated layer
    /// (`<document>.curated.ron`, saved atomically with a `.bak`).
    ///
    /// Keeps everything the curated file already holds and never adds a span twice. Prints,
    /// per document, how many spans were added and how many disagreements remain. Exits 2
    /// when nothing was found to curate.
    Curate {
        /// Accept the spans every compared annotator made identically (same start, end and
        /// label).
        #[arg(long, required = true)]
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
    Label {
        /// What to do.
        #[command(subcommand)]
        command: LabelCommand,
    },
    /// List the suggestions the app would show an annotator (`--annotator NAME`): text they
    /// tagged in these documents found again untagged as a whole word, and with `--from`
    /// another layer's spans (e.g. a model's). Suggestions they rejected are left out.
    ///
    /// Prints one JSON object per line: `{"document", "start", "end", "label", "text",
    /// "origin"}` (code point offsets, half-open). Exits 0 when it found suggestions, 1 when
    /// it found none (like grep), 2 on bad input.
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
    },
    /// Write a synthetic news-like corpus with nested and overlapping spans (benchmarks and
    /// stress tests).
    #[command(hide = true)]
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
        #[arg(long, short = 'a')]
        annotator: Option<String>,
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
    /// Import a dataset as annotation files beside the documents.
    ///
    /// Writes each document's text (from the dataset) and `<document>.<annotator>.ron` into
    /// the `--into` folder. Never overwrites an annotation file without `--force`.
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
}

/// `spantag label …`: labels across a folder of annotation files.
///
/// PATH is a folder (searched recursively) or a document. Renaming and removing read and
/// check every file first and change none when one cannot be read; changed files are saved
/// atomically with their previous version kept as `.bak`, the others are not touched.
#[derive(Debug, Subcommand)]
pub enum LabelCommand {
    /// List every label with the number of spans (orphaned ones included) and of files
    /// using it. Exits 2 when there are no labels.
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

/// Runs a subcommand. Returns the exit code.
pub fn run(command: CliCommand) -> i32 {
    match command {
        CliCommand::Review { path, .. } => {
            // The app opens review mode (main.rs); here there is no window.
            eprintln!(
                "spantag review {}: review mode needs the app's window",
                path.display()
            );
            2
        }
        CliCommand::Check { paths, update } => check(&paths, update),
        CliCommand::Export {
            format,
            all_annotators: _,
            curated,
            annotator,
            offsets,
            out,
            inputs,
        } => {
            if curated && annotator.is_some() {
                eprintln!(
                    "spantag export: --curated exports the curated layer; leave out --annotator \
                     (or drop --curated to export that annotator's layer)"
                );
                return 2;
            }
            if offsets == Offsets::Utf16 && !format.has_offsets() {
                eprintln!(
                    "spantag export: {} lists tokens, not character offsets; --offsets does not \
                     apply to it",
                    format.name()
                );
                return 2;
            }
            let choice = match (curated, annotator) {
                (true, _) => LayerChoice::Curated,
                (false, Some(name)) => LayerChoice::Annotator(name),
                (false, None) => LayerChoice::All,
            };
            export(format, &choice, offsets, out, &inputs)
        }
        CliCommand::Agree {
            annotators,
            format,
            inputs,
        } => agree(annotators.as_deref(), format, &inputs),
        CliCommand::Curate {
            accept_agreed: _,
            annotators,
            min_agree,
            uncontested,
            inputs,
        } => curate(
            annotators.as_deref(),
            review::CurateOptions {
                min_agree,
                uncontested,
            },
            &inputs,
        ),
        CliCommand::Label { command } => label(command),
        CliCommand::Suggest {
            annotator,
            from,
            only_from,
            inputs,
        } => suggest(annotator.as_deref(), from.as_deref(), only_from, &inputs),
        CliCommand::StressSave { file, a, b } => {
            let (Ok(a), Ok(b)) = (std::fs::read(&a), std::fs::read(&b)) else {
                eprintln!("spantag stress-save: cannot read the two versions");
                return 2;
            };
            loop {
                for version in [&a, &b] {
                    if let Err(err) = store::write_atomic(&file, version) {
                        eprintln!("spantag stress-save: {err}");
                        return 1;
                    }
                }
            }
        }
        CliCommand::Synth {
            bytes,
            spans,
            docs,
            seed,
            out,
            annotator,
        } => synth(
            bytes,
            spans,
            docs,
            seed,
            &out,
            annotator.as_deref().unwrap_or("synth"),
        ),
        CliCommand::Import {
            format,
            offsets,
            into,
            force,
            annotator,
            inputs,
        } => import(
            format.into(),
            offsets,
            &into,
            force,
            &inputs,
            annotator.as_deref().unwrap_or("imported"),
        ),
    }
}

/// A progress bar on stderr, drawn only when stderr is a terminal.
struct Progress {
    enabled: bool,
    last: Instant,
    what: &'static str,
}

impl Progress {
    fn new(what: &'static str) -> Self {
        Self {
            enabled: std::io::stderr().is_terminal(),
            last: Instant::now() - Duration::from_secs(1),
            what,
        }
    }

    fn update(&mut self, done: usize, total: usize) {
        if !self.enabled || (done < total && self.last.elapsed() < Duration::from_millis(100)) {
            return;
        }
        self.last = Instant::now();
        let width = 30;
        let filled = (done * width)
            .checked_div(total)
            .unwrap_or(width)
            .min(width);
        eprint!(
            "\r[{}{}] {done}/{total} {}",
            "#".repeat(filled),
            " ".repeat(width - filled),
            self.what
        );
        if done == total {
            eprintln!();
        }
    }
}

fn synth(
    bytes: usize,
    spans: usize,
    docs: usize,
    seed: u64,
    out: &std::path::Path,
    annotator: &str,
) -> i32 {
    if let Err(err) = std::fs::create_dir_all(out) {
        eprintln!("spantag synth: {}: {err}", out.display());
        return 1;
    }
    let mut progress = Progress::new("documents");
    for i in 0..docs {
        let doc_seed = seed.wrapping_add(i as u64);
        let path = out.join(format!("doc-{i:05}.txt"));
        let text = spantag_core::synth::text(bytes, doc_seed);
        if let Err(err) = store::write_atomic(&path, text.as_bytes()) {
            eprintln!("spantag synth: {err}");
            return 1;
        }
        let doc = match Document::open(&path) {
            Ok(doc) => doc,
            Err(err) => {
                eprintln!("spantag synth: {err}");
                return 1;
            }
        };
        let layer = spantag_core::synth::layer(&doc, spans, annotator, doc_seed);
        if let Err(err) = store::save_layer(&layer, &doc, &store::annotation_path(&path, annotator))
        {
            eprintln!("spantag synth: {err}");
            return 1;
        }
        progress.update(i + 1, docs);
    }
    0
}

fn export(
    format: Format,
    choice: &LayerChoice,
    offsets: Offsets,
    out: Option<PathBuf>,
    inputs: &[PathBuf],
) -> i32 {
    let output = match out {
        Some(path) if path.as_os_str() != "-" => Output::Path(path),
        _ if format.is_folder() => {
            eprintln!(
                "spantag export: {} writes a folder: give one with --out DIR",
                format.name()
            );
            return 2;
        }
        _ => Output::Stdout,
    };
    let jobs = match corpus::plan(inputs, choice) {
        Ok(jobs) => jobs,
        Err(err) => {
            eprintln!("spantag export: {err}");
            return 1;
        }
    };
    if jobs.iter().all(|j| j.layers.is_empty()) {
        let wanted = match choice {
            LayerChoice::Annotator(name) => format!(" of {name:?}"),
            LayerChoice::Curated => " of the curated layer".to_owned(),
            LayerChoice::All | LayerChoice::Every => String::new(),
        };
        let documents: Vec<PathBuf> = corpus::plan(inputs, &LayerChoice::Every)
            .unwrap_or_default()
            .into_iter()
            .map(|j| j.path)
            .collect();
        let found = annotators_beside(&documents);
        eprintln!(
            "spantag export: no annotation files{wanted} in the inputs; annotators found: \
             {found}"
        );
        return 1;
    }
    let mut progress = Progress::new("documents");
    match formats::export(&jobs, format, offsets, &output, &mut |done, total| {
        progress.update(done, total)
    }) {
        Ok(report) => {
            for note in &report.notes {
                eprintln!("note: {note}");
            }
            eprintln!("{}", report.summary());
            0
        }
        Err(err) => {
            eprintln!("spantag export: {err}");
            1
        }
    }
}

/// The documents and annotators to review, or the exit code: 2 when there is nothing to
/// compare, 1 when the inputs cannot be read.
fn review_set(
    command: &str,
    annotators: Option<&[String]>,
    inputs: &[PathBuf],
) -> Result<review::ReviewSet, i32> {
    review::plan(inputs, annotators).map_err(|err| {
        eprintln!("spantag {command}: {err}");
        match err {
            ReviewError::NothingToCompare(_) | ReviewError::BadAnnotator(_) => 2,
            _ => 1,
        }
    })
}

fn agree(annotators: Option<&[String]>, format: AgreeFormat, inputs: &[PathBuf]) -> i32 {
    let set = match review_set("agree", annotators, inputs) {
        Ok(set) => set,
        Err(code) => return code,
    };
    let mut progress = Progress::new("documents");
    let report = match review::compare(&set, &mut |done, total| progress.update(done, total)) {
        Ok(report) => report,
        Err(err) => {
            eprintln!("spantag agree: {err}");
            return 1;
        }
    };
    for note in &report.notes {
        eprintln!("note: {note}");
    }
    let text = match format {
        AgreeFormat::Table => report.to_table(),
        AgreeFormat::Json => report.to_json() + "\n",
        AgreeFormat::Csv => match report.to_csv() {
            Ok(text) => text,
            Err(err) => {
                eprintln!("spantag agree: {err}");
                return 1;
            }
        },
    };
    print!("{text}");
    0
}

fn curate(
    annotators: Option<&[String]>,
    options: review::CurateOptions,
    inputs: &[PathBuf],
) -> i32 {
    let set = match review_set("curate", annotators, inputs) {
        Ok(set) => set,
        Err(code) => return code,
    };
    if let Some(k) = options.min_agree
        && !(1..=set.annotators.len()).contains(&k)
    {
        eprintln!(
            "spantag curate: --min-agree {k}: give a number from 1 to {} (the annotators compared: {})",
            set.annotators.len(),
            set.annotators.join(", ")
        );
        return 2;
    }
    for skipped in &set.skipped {
        eprintln!(
            "{}: skipped (missing: {})",
            skipped.document,
            skipped.missing.join(", ")
        );
    }
    let mut notes = Vec::new();
    let outcomes = match review::curate(&set, options, &mut notes, &mut |o| {
        let rejected = if o.rejected > 0 {
            format!(", {} rejected in review", o.rejected)
        } else {
            String::new()
        };
        println!(
            "{}: {} span(s) added ({} already curated{rejected}), {} disagreement(s) remain",
            o.document,
            o.added,
            o.accepted - o.added - o.rejected,
            o.remaining
        );
    }) {
        Ok(outcomes) => outcomes,
        Err(err) => {
            eprintln!("spantag curate: {err}");
            return 1;
        }
    };
    for note in &notes {
        eprintln!("note: {note}");
    }
    let accepted: usize = outcomes.iter().map(|o| o.accepted).sum();
    let added: usize = outcomes.iter().map(|o| o.added).sum();
    let remaining: usize = outcomes.iter().map(|o| o.remaining).sum();
    eprintln!(
        "{} document(s), {added} span(s) added, {remaining} disagreement(s) remain",
        outcomes.len()
    );
    if accepted == 0 {
        eprintln!(
            "spantag curate: nothing found to curate: no span of {} met the rules",
            set.annotators.join(", ")
        );
        return 2;
    }
    0
}

fn suggest(
    annotator: Option<&str>,
    from: Option<&str>,
    only_from: bool,
    inputs: &[PathBuf],
) -> i32 {
    let Some(annotator) = annotator else {
        eprintln!("spantag suggest: whose suggestions? Name the annotator with --annotator NAME");
        return 2;
    };
    for name in std::iter::once(annotator).chain(from) {
        if let Err(err) = store::validate_user_annotator(name) {
            eprintln!("spantag suggest: {err}");
            return 2;
        }
    }
    if only_from && from.is_none() {
        eprintln!("spantag suggest: --only-from needs --from ANNOTATOR");
        return 2;
    }
    let mut documents = Vec::new();
    for input in inputs {
        if input.is_dir() {
            match corpus::documents(input) {
                Ok(found) => documents.extend(found),
                Err(err) => {
                    eprintln!("spantag suggest: {err}");
                    return 2;
                }
            }
        } else if input.is_file() {
            documents.push(input.clone());
        } else {
            eprintln!("spantag suggest: {} does not exist", input.display());
            return 2;
        }
    }
    if documents.is_empty() {
        eprintln!("spantag suggest: no documents (.txt, .md) in the inputs");
        return 2;
    }
    if let Some(from) = from {
        let has = |d: &PathBuf| store::annotation_path(d, from).exists();
        if !documents.iter().any(has) {
            let here = annotators_beside(&documents);
            eprintln!(
                "spantag suggest: no document here has an annotation file of {from:?} \
                 (<document>.{from}.ron) to suggest from; annotators found: {here}"
            );
            return 2;
        }
    }
    if from.is_none()
        && !documents
            .iter()
            .any(|d| store::annotation_path(d, annotator).exists())
    {
        eprintln!(
            "spantag suggest: {annotator} has no annotation files in these documents, so nothing \
             they tagged can be suggested (annotators found: {}); --from ANNOTATOR suggests \
             another layer's spans",
            annotators_beside(&documents)
        );
        return 1;
    }
    let (lexicon, unreadable) = spantag_core::suggest::Lexicon::load(&documents, annotator);
    if unreadable > 0 {
        eprintln!(
            "spantag suggest: {unreadable} of {annotator}'s annotation files could not be read \
             (`spantag check` says why); their tags are not suggested"
        );
    }
    let lexicon = std::sync::Arc::new(lexicon);
    let mut found = 0;
    // Documents and annotation files that could not be read.
    let mut broken = std::collections::BTreeSet::new();
    let mut out = std::io::stdout().lock();
    for path in &documents {
        let doc = match Document::open(path) {
            Ok(doc) => doc,
            Err(err) => {
                eprintln!("spantag suggest: {}: {err}", path.display());
                broken.insert(path.clone());
                continue;
            }
        };
        let mut layer_of = |name: &str| -> Option<spantag_core::annotation::Layer> {
            let file = store::annotation_path(path, name);
            if !file.exists() {
                return None;
            }
            match store::load_layer(&doc, &file, name) {
                Ok(loaded) => Some(loaded.layer),
                Err(err) => {
                    eprintln!("spantag suggest: {err}");
                    broken.insert(file);
                    None
                }
            }
        };
        let layer =
            layer_of(annotator).unwrap_or_else(|| spantag_core::annotation::Layer::new(annotator));
        let source = from.and_then(&mut layer_of);
        let doc = std::sync::Arc::new(doc);
        let items = spantag_core::suggest::compute(&spantag_core::suggest::Request {
            doc: std::sync::Arc::clone(&doc),
            path: Some(path.clone()),
            layer,
            lexicon: Some(std::sync::Arc::clone(&lexicon)),
            tagged_elsewhere: !only_from,
            source,
            generation: 0,
        });
        for s in items {
            let line = serde_json::json!({
                "document": path.display().to_string(),
                "start": s.start,
                "end": s.end,
                "label": s.label,
                "text": doc.slice(s.range()),
                "origin": match &s.origin {
                    spantag_core::suggest::Origin::TaggedElsewhere => "tagged elsewhere".to_owned(),
                    spantag_core::suggest::Origin::Layer(name) => name.clone(),
                },
            });
            if writeln!(out, "{line}").is_err() {
                return 1;
            }
            found += 1;
        }
    }
    eprintln!(
        "spantag suggest: {found} suggestion{} in {} document{}",
        if found == 1 { "" } else { "s" },
        documents.len(),
        if documents.len() == 1 { "" } else { "s" }
    );
    if !broken.is_empty() {
        eprintln!(
            "spantag suggest: {} file(s) could not be read (named above); fix them and run it again",
            broken.len()
        );
        2
    } else if found > 0 {
        0
    } else {
        1
    }
}

fn label(command: LabelCommand) -> i32 {
    let (verb, result) = match command {
        LabelCommand::List { path } => ("list", label_list(&path)),
        LabelCommand::Rename { old, new, path } => (
            "rename",
            labels::rename(&path, &old, &new).map(print_rename),
        ),
        LabelCommand::Remove { name, path, force } => (
            "remove",
            labels::remove(&path, &name, force).map(print_removal),
        ),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("spantag label {verb}: {err}");
            match err {
                LabelsError::NotFound { .. } => 2,
                _ => 1,
            }
        }
    }
}

fn label_list(path: &std::path::Path) -> Result<i32, LabelsError> {
    let usage = labels::usage(path)?;
    let projects = usage
        .projects
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>();
    if usage.labels.is_empty() {
        let files = if usage.files.is_empty() {
            format!(
                "there are no annotation files (<document>.<annotator>.ron) under {}",
                path.display()
            )
        } else {
            format!(
                "the {} annotation file(s) under {} have none",
                usage.files.len(),
                path.display()
            )
        };
        eprintln!(
            "spantag label list: found no labels: {files}{}",
            if projects.is_empty() {
                " and no project file (spantag.ron)".to_owned()
            } else {
                format!(" and none in {}", projects.join(", "))
            }
        );
        return Ok(2);
    }
    let rows: Vec<[String; 3]> = usage
        .labels
        .iter()
        .map(|l| [l.name.clone(), l.spans.to_string(), l.files.to_string()])
        .collect();
    let header = ["label", "spans", "files"].map(str::to_owned);
    let width = |i: usize| {
        rows.iter()
            .chain([&header])
            .map(|r| r[i].chars().count())
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2) = (width(0), width(1), width(2));
    for row in std::iter::once(&header).chain(&rows) {
        println!("{:<w0$}  {:>w1$}  {:>w2$}", row[0], row[1], row[2]);
    }
    eprintln!(
        "{} label(s) in {} annotation file(s){}",
        rows.len(),
        usage.files.len(),
        if projects.is_empty() {
            String::new()
        } else {
            format!(" and {}", projects.join(", "))
        }
    );
    Ok(0)
}

fn print_projects(projects: &[labels::ProjectChange], verb: &str) {
    for change in projects {
        let mut line = format!("{}: label {verb}", change.path.display());
        if !change.relation_types.is_empty() {
            line.push_str(&format!(
                ", relation type(s) updated: {}",
                change.relation_types.join(", ")
            ));
        }
        if !change.relation_types_removed.is_empty() {
            line.push_str(&format!(
                ", relation type(s) deleted (they could link no other label): {}",
                change.relation_types_removed.join(", ")
            ));
        }
        println!("{line}");
    }
}

fn print_rename(report: labels::RenameReport) -> i32 {
    for file in &report.files {
        println!(
            "{}: {} span(s) renamed{}",
            file.path.display(),
            file.spans,
            if file.scheme {
                ", label list entry renamed"
            } else {
                ""
            }
        );
    }
    print_projects(&report.projects, "renamed");
    eprintln!(
        "renamed {:?} to {:?}: {} span(s) in {} of {} annotation file(s), {} project file(s); previous versions kept as .bak",
        report.old,
        report.new,
        report.spans(),
        report.files.len(),
        report.searched,
        report.projects.len()
    );
    0
}

fn print_removal(report: labels::RemoveReport) -> i32 {
    for file in &report.files {
        println!(
            "{}: {} span(s) and {} relation(s) deleted{}",
            file.path.display(),
            file.spans,
            file.relations,
            if file.scheme {
                ", label list entry removed"
            } else {
                ""
            }
        );
    }
    print_projects(&report.projects, "removed");
    eprintln!(
        "removed {:?}: {} span(s) and {} relation(s) deleted in {} of {} annotation file(s), {} project file(s); previous versions kept as .bak",
        report.name,
        report.spans(),
        report.relations(),
        report.files.len(),
        report.searched,
        report.projects.len()
    );
    0
}

fn import(
    format: Format,
    offsets: Offsets,
    into: &std::path::Path,
    force: bool,
    inputs: &[PathBuf],
    annotator: &str,
) -> i32 {
    if let Err(err) = store::validate_user_annotator(annotator) {
        eprintln!("spantag import: {err}");
        return 2;
    }
    let mut records = Vec::new();
    for input in inputs {
        match formats::read_import(format, input, offsets, annotator) {
            Ok(mut r) => records.append(&mut r),
            Err(err) => {
                eprintln!("spantag import: {err}");
                return 1;
            }
        }
    }
    if records.is_empty() {
        eprintln!(
            "spantag import: no records in {}; nothing was imported (is --format right?)",
            inputs
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        return 1;
    }
    match formats::write_imported(records, into, force) {
        Ok(report) => {
            for note in &report.notes {
                eprintln!("note: {note}");
            }
            eprintln!("{}", report.summary(into));
            if report.files.is_empty() {
                eprintln!("spantag import: no annotation file was written; see the notes above");
                return 1;
            }
            0
        }
        Err(err) => {
            eprintln!("spantag import: {err}");
            1
        }
    }
}

/// The document `spantag review PATH` opens: PATH itself, or for a folder the first
/// document (in name order, searched recursively) that two or more annotators annotated.
pub fn review_target(path: &std::path::Path) -> Result<PathBuf, String> {
    if !path.exists() {
        return Err(format!("{}: no such file or folder", path.display()));
    }
    if !path.is_dir() {
        return Ok(path.to_path_buf());
    }
    let jobs = corpus::plan(&[path.to_path_buf()], &LayerChoice::All).map_err(|e| e.to_string())?;
    jobs.into_iter()
        .find(|j| j.layers.len() >= 2)
        .map(|j| j.path)
        .ok_or_else(|| {
            format!(
                "{}: no document here has annotation files of two or more annotators to review",
                path.display()
            )
        })
}

fn check(paths: &[PathBuf], update: bool) -> i32 {
    // (annotation file, its document if found)
    let mut files: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    let mut problems = 0usize;
    for path in paths {
        if !path.exists() {
            println!("{}: no such file or folder", path.display());
            problems += 1;
        } else if path.is_dir() || path.extension().is_none_or(|e| e != "ron") {
            let jobs = match corpus::plan(std::slice::from_ref(path), &LayerChoice::Every) {
                Ok(jobs) => jobs,
                Err(err) => {
                    println!("{err}");
                    problems += 1;
                    continue;
                }
            };
            let before = files.len();
            for job in jobs {
                files.extend(
                    job.layers
                        .into_iter()
                        .map(|(_, p)| (p, Some(job.path.clone()))),
                );
            }
            // Annotation files whose document was renamed or moved: reported below.
            if path.is_dir() {
                files.extend(
                    corpus::stray_annotation_files(path)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|p| (p, None)),
                );
            }
            if files.len() == before {
                let what = if path.is_dir() {
                    "no annotation files (<document>.<annotator>.ron) in this folder or below"
                } else {
                    "no annotation files beside this document"
                };
                eprintln!("{}: {what}", path.display());
            }
        } else {
            let source = corpus::split_annotation_path(path).map(|(doc, _)| doc);
            files.push((path.clone(), source));
        }
    }
    // A file named twice (two inputs, or one folder under two spellings) is checked once.
    let mut checked = std::collections::HashSet::new();
    files.retain(|(file, _)| {
        checked.insert(std::fs::canonicalize(file).unwrap_or_else(|_| file.clone()))
    });
    if files.is_empty() && problems == 0 {
        eprintln!("spantag check: no annotation files found, nothing was checked");
        return 2;
    }
    for (file, source) in &files {
        let shown = file.display();
        let annotation = match AnnotationFile::read(file) {
            Ok(a) => a,
            Err(err) => {
                println!("{err}");
                problems += 1;
                continue;
            }
        };
        // A name that reads two ways, both documents existing (`notes.txt.j.doe.ron` beside
        // notes.txt and notes.txt.j): every command takes the longer document name.
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let readings: Vec<(&str, &str)> = store::file_name_candidates(&name)
            .into_iter()
            .filter(|(doc, _)| file.with_file_name(doc).is_file())
            .collect();
        if let [(doc, who), rest @ ..] = readings.as_slice()
            && !rest.is_empty()
        {
            let others: Vec<String> = rest
                .iter()
                .map(|(d, w)| format!("annotator {w:?} of {d}"))
                .collect();
            println!(
                "{shown}: its name reads as annotator {who:?} of {doc} (taken) or as {} (the file names {:?} as its source); rename it or one of the documents",
                others.join(" or "),
                annotation.source
            );
            problems += 1;
        }
        // The file name says whose layer it is; a file that says otherwise inside was copied
        // or renamed by hand, and every command goes by the name.
        if let Some((_, by_name)) = corpus::split_annotation_path(file)
            && !annotation.annotator.is_empty()
            && annotation.annotator != by_name
        {
            println!(
                "{shown}: its name says annotator {by_name:?} but the file says {:?}; commands go by the name: rename the file or fix its annotator field",
                annotation.annotator
            );
            problems += 1;
        }
        let Some(source) = source else {
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let tried: Vec<&str> = store::file_name_candidates(&name)
                .into_iter()
                .map(|(doc, _)| doc)
                .collect();
            let folder = file.parent().unwrap_or(std::path::Path::new("."));
            if let Some((doc, who)) =
                corpus::misnamed_layer_of(&name, |doc| folder.join(doc).is_file())
            {
                println!(
                    "{shown}: named like an annotation file of {doc}, but {who:?} is not an annotator name (letters, digits, '_', '-', '.', '@', '+'), so no command reads it: rename it {doc}.<annotator>.ron"
                );
            } else {
                println!(
                    "{shown}: its source document is not beside it (looked for {}); annotation files are named <document>.<annotator>.ron",
                    if tried.is_empty() {
                        "nothing: the name does not have that shape".to_owned()
                    } else {
                        tried.join(", ")
                    }
                );
            }
            problems += 1;
            continue;
        };
        let doc = match Document::open(source) {
            Ok(doc) => doc,
            Err(err) => {
                println!("{shown}: {err}");
                problems += 1;
                continue;
            }
        };
        // What opening it would find: spans re-anchored when the source changed, then the
        // problems left (not every stale offset of a text that merely moved).
        let annotator = annotation.annotator.clone();
        let before: std::collections::HashMap<u64, (usize, usize)> = annotation
            .spans
            .iter()
            .map(|s| (s.id, (s.start, s.end)))
            .collect();
        let loaded = store::loaded_from(annotation, &doc, &annotator);
        let mut orphans = loaded.layer.orphans.len();
        let stale = loaded
            .problems
            .iter()
            .any(|p| matches!(p, store::Problem::StaleSource { .. }));
        // With --update, a changed source is recorded: what is only news then is no problem.
        let updated = if update && stale {
            match store::save_layer(&loaded.layer, &doc, file) {
                Ok(_) => {
                    println!(
                        "{shown}: updated to the changed text (the previous version is kept as .bak)"
                    );
                    true
                }
                Err(err) => {
                    println!("{shown}: not updated: {err}");
                    problems += 1;
                    false
                }
            }
        } else {
            false
        };
        for problem in &loaded.problems {
            if let store::Problem::Reanchored { orphaned, .. } = problem {
                orphans = orphans.saturating_sub(*orphaned);
                for line in reanchored_spans(&before, &loaded.layer) {
                    println!("{shown}: {line}");
                }
            }
            if updated && problem.is_notice() {
                continue;
            }
            if matches!(problem, store::Problem::StaleSource { .. }) {
                println!(
                    "{shown}: the source text changed since this file was saved; `spantag check --update` (or opening and saving it in the app) records the new version"
                );
            } else {
                println!("{shown}: {problem}");
            }
            problems += 1;
        }
        // Spans orphaned by an earlier opening: still in the file, in no export.
        if orphans > 0 {
            println!(
                "{shown}: {orphans} orphaned span(s): their text is no longer in the document; open it in the app to place or delete them (exports leave them out)"
            );
            problems += 1;
        }
    }
    if problems == 0 {
        eprintln!("{} file(s) checked, no problems", files.len());
        0
    } else {
        eprintln!("{} file(s) checked, {problems} problem(s)", files.len());
        1
    }
}

/// The annotators with files beside `documents`, for messages: `alice, bob`, or `none`.
fn annotators_beside(documents: &[PathBuf]) -> String {
    let mut found: Vec<String> = documents
        .iter()
        .flat_map(|d| store::annotation_files(d).into_iter().map(|(name, _)| name))
        .collect();
    found.sort();
    found.dedup();
    if found.is_empty() {
        "none (files are named <document>.<annotator>.ron)".to_owned()
    } else {
        found.join(", ")
    }
}

/// A span's text cut to 40 characters for a message.
fn short(text: &str) -> String {
    if text.chars().count() <= 40 {
        text.to_owned()
    } else {
        text.chars().take(39).chain(['…']).collect()
    }
}

/// The spans re-anchoring should be looked at, one line each: those that moved by another
/// amount than most spans (not with the text around them: perhaps to another mention of
/// their text) and those it could not place. At most 20 of each.
fn reanchored_spans(
    before: &std::collections::HashMap<u64, (usize, usize)>,
    layer: &spantag_core::annotation::Layer,
) -> Vec<String> {
    let shift = |s: &spantag_core::annotation::Span| {
        before.get(&s.id).map(|&(start, _)| {
            i64::try_from(s.start).unwrap_or(i64::MAX) - i64::try_from(start).unwrap_or(i64::MAX)
        })
    };
    let mut counts: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    for s in layer.spans() {
        if let Some(d) = shift(s) {
            *counts.entry(d).or_insert(0) += 1;
        }
    }
    let usual = counts
        .iter()
        .max_by_key(|&(d, n)| (*n, std::cmp::Reverse(d.unsigned_abs())))
        .map_or(0, |(d, _)| *d);
    let mut out: Vec<String> = layer
        .spans()
        .iter()
        .filter_map(|s| {
            let d = shift(s)?;
            let &(start, end) = before.get(&s.id)?;
            (d != usual).then(|| {
                format!(
                    "span {} ({} {:?}) moved from {start}..{end} to {}..{}, not with the text \
                     around it (most spans moved by {usual}): check it in the app",
                    s.id,
                    s.label,
                    short(&s.text),
                    s.start,
                    s.end
                )
            })
        })
        .take(20)
        .collect();
    out.extend(layer.orphans.iter().take(20).map(|s| {
        format!(
            "span {} ({} {:?}) at {}..{} could not be placed: orphaned",
            s.id,
            s.label,
            short(&s.text),
            s.start,
            s.end
        )
    }));
    out
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
