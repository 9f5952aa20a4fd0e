//! The command line. `spantag [DOCUMENT]` opens the app; subcommands work on files without
//! a window and call the same core functions as the GUI.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::document::Document;
use crate::store::{self, AnnotationFile};

/// spantag — annotate spans of text (claims, actors, events, your own labels).
#[derive(Debug, Parser)]
#[command(
    name = "spantag",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// A text document to open.
    pub document: Option<PathBuf>,
    /// Who is annotating (default: the last name used, else your user name).
    #[arg(long, short = 'a', global = true)]
    pub annotator: Option<String>,
    /// A subcommand (without one, the app opens).
    #[command(subcommand)]
    pub command: Option<CliCommand>,
}

/// Work on files without opening a window.
#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Check annotation files against their source texts; exits 1 when there is a problem.
    Check {
        /// Annotation files (`*.ron`) or documents (every annotation file beside them is checked).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

/// Runs a subcommand; returns the process exit code.
pub fn run(command: CliCommand) -> i32 {
    match command {
        CliCommand::Check { paths } => check(&paths),
    }
}

/// The source document of an annotation file `<doc>.<annotator>.ron`.
fn source_of(annotation: &std::path::Path) -> Option<PathBuf> {
    let name = annotation.file_name()?.to_string_lossy().into_owned();
    let stem = name.strip_suffix(".ron")?;
    let (doc, _annotator) = stem.rsplit_once('.')?;
    Some(annotation.with_file_name(doc))
}

fn check(paths: &[PathBuf]) -> i32 {
    let mut files = Vec::new();
    for path in paths {
        if path.extension().is_some_and(|e| e == "ron") {
            files.push(path.clone());
        } else {
            let found = store::annotation_files(path);
            if found.is_empty() {
                eprintln!(
                    "{}: no annotation files beside this document",
                    path.display()
                );
            }
            files.extend(found.into_iter().map(|(_, p)| p));
        }
    }
    let mut problems = 0usize;
    for file in &files {
        let shown = file.display();
        let annotation = match AnnotationFile::read(file) {
            Ok(a) => a,
            Err(err) => {
                println!("{err}");
                problems += 1;
                continue;
            }
        };
        let Some(source) = source_of(file) else {
            println!(
                "{shown}: cannot tell the source document from the file name (expected <document>.<annotator>.ron)"
            );
            problems += 1;
            continue;
        };
        let doc = match Document::open(&source) {
            Ok(doc) => doc,
            Err(err) => {
                println!("{shown}: {err}");
                problems += 1;
                continue;
            }
        };
        for problem in annotation.problems(&doc) {
            println!("{shown}: {problem}");
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
