//! `spantag export`: annotation layers to datasets in other tools' formats.

use spantag_core::corpus::{self, LayerChoice};
use spantag_core::formats::{self, ExportOptions, Format, Output};
use std::path::PathBuf;

use super::conventions::{BROKEN_PIPE, PROBLEMS, USAGE, is_broken_pipe};
use super::{Progress, annotators_beside};

pub(super) fn export(
    format: Format,
    choice: &LayerChoice,
    options: &ExportOptions,
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
    // An operation a killed command left in these folders is finished first: what is read
    // is then all old or all new.
    let problems = super::folder::finish_interrupted("export", inputs.iter().map(PathBuf::as_path));
    if !problems.is_empty() {
        for problem in problems {
            eprintln!("spantag export: {problem}");
        }
        return 1;
    }
    for skipped in corpus::skipped_links(inputs) {
        eprintln!("note: {skipped}");
    }
    let jobs = match corpus::plan(inputs, choice) {
        Ok(jobs) => jobs,
        Err(err) => {
            eprintln!("spantag export: {err}");
            return USAGE;
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
        // An annotator asked for by name with no file anywhere is a wrong name; no file
        // at all is nothing to export.
        return if matches!(choice, LayerChoice::Annotator(_)) {
            USAGE
        } else {
            PROBLEMS
        };
    }
    let mut progress = Progress::new("documents");
    match formats::export_with(&jobs, format, options, &output, &mut |done, total| {
        progress.update(done, total)
    }) {
        Ok(report) => {
            for note in &report.notes {
                eprintln!("note: {note}");
            }
            eprintln!("{}", report.summary());
            0
        }
        Err(err) if is_broken_pipe(&err) => BROKEN_PIPE,
        // The export ran and found spans it would break: a problem found, as `check` finds.
        Err(err @ formats::FormatError::Strict(_)) => {
            eprintln!("spantag export: {err}");
            PROBLEMS
        }
        Err(err) => {
            eprintln!("spantag export: {err}");
            USAGE
        }
    }
}
