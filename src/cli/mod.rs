//! The command line. `spantag [DOCUMENT]` opens the app; subcommands work on files without
//! a window and call the same core functions as the GUI.
//!
//! Every subcommand follows one exit-code table ([`conventions`]): 0 done, 1 ran and found
//! problems or nothing to do, 2 could not run as asked (bad arguments, missing or unreadable
//! input, unknown annotator), 141 when the reader closed stdout.
//!
//! The arguments are defined in `args`; this file runs them.

use std::path::PathBuf;

use spantag_core::corpus::LayerChoice;
use spantag_core::formats::{Format, Offsets};
use spantag_core::review::{self};
use spantag_core::store::{self};

// `println!`, `print!` and `eprintln!` in the subcommands below (declared after these
// macros, so they see them in place of std's): stdout lines end the process quietly when
// the reader closed the pipe (`spantag export … | head`) instead of panicking, and any line
// first erases a progress bar.
macro_rules! println {
    ($($arg:tt)*) => { $crate::cli::conventions::write_stdout(format_args!($($arg)*), true) };
}
macro_rules! print {
    ($($arg:tt)*) => { $crate::cli::conventions::write_stdout(format_args!($($arg)*), false) };
}
macro_rules! eprintln {
    ($($arg:tt)*) => { $crate::cli::conventions::write_stderr(format_args!($($arg)*)) };
}

mod agree;
mod args;
mod check;
pub mod conventions;
mod export;
mod folder;
mod help;
mod import;
mod label;
mod merge;
mod status;
mod suggest;
mod synth;

pub use self::agree::review_target;
use self::agree::{agree, curate};
pub use self::args::{
    AgreeFormat, Cli, CliCommand, GammaArgs, LabelCommand, StatusFormat, VERSION,
};
use self::check::check;
use self::conventions::Progress;
pub use self::conventions::{BROKEN_PIPE, PROBLEMS, SUCCESS, USAGE, set_quiet, unknown_subcommand};
use self::export::export;
use self::import::import;
use self::label::label;
use self::merge::{git_setup, merge_driver};
use self::status::status;
use self::synth::synth;

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
            strict,
            excel,
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
            if excel && format != Format::Csv {
                eprintln!("spantag export: --excel applies to csv only");
                return 2;
            }
            let options = spantag_core::formats::ExportOptions {
                offsets,
                strict,
                excel,
            };
            export(format, &choice, &options, out, &inputs)
        }
        CliCommand::Agree {
            annotators,
            format,
            fail_under,
            gamma,
            inputs,
        } => agree(
            annotators.as_deref(),
            format,
            fail_under,
            &gamma.options(),
            &inputs,
        ),
        CliCommand::Curate {
            accept_agreed: false,
            ..
        } => {
            eprintln!(
                "spantag curate: adds the spans annotators agree on to each document's curated \
                 layer (<document>.curated.ron, kept as .bak when it changes). Nothing was \
                 changed: say --accept-agreed to do it (--min-agree K and --uncontested accept \
                 more); `spantag agree` shows the agreement first"
            );
            USAGE
        }
        CliCommand::Curate {
            accept_agreed: true,
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
            options,
        } => suggest::suggest(
            annotator.as_deref(),
            from.as_deref(),
            only_from,
            &inputs,
            &options,
        ),
        CliCommand::StressSave { file, a, b } => {
            let (Ok(a), Ok(b)) = (std::fs::read(&a), std::fs::read(&b)) else {
                eprintln!("spantag stress-save: cannot read the two versions");
                return 2;
            };
            loop {
                for version in [&a, &b] {
                    if let Err(err) = store::write_atomic(&file, version) {
                        eprintln!("spantag stress-save: {err}");
                        return 2;
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
            annotators,
            disagreement,
            kind,
        } => synth(
            synth::Plan {
                kind,
                bytes,
                spans,
                docs,
                seed,
                disagreement,
            },
            &out,
            &annotators.unwrap_or_else(|| vec![annotator.unwrap_or_else(|| "synth".to_owned())]),
        ),
        CliCommand::GitSetup { dir } => git_setup(dir),
        CliCommand::MergeDriver {
            base,
            ours,
            theirs,
            path,
        } => merge_driver(&base, &ours, &theirs, path.as_deref()),
        CliCommand::Status { format, dir } => status(&dir, format),
        CliCommand::Completions { shell } => help::completions(shell),
        CliCommand::Man { dir } => help::man(dir.as_deref()),
        CliCommand::Help { topic } => help::help(&topic),
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
            annotator.as_deref(),
        ),
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
