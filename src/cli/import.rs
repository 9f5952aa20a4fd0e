//! `spantag import`: datasets from other tools into documents and annotation files.

use spantag_core::formats::{self, Format, Offsets};
use spantag_core::store::{self};
use std::path::PathBuf;

use super::conventions::{Busy, PROBLEMS, USAGE};

pub(super) fn import(
    format: Format,
    offsets: Offsets,
    into: &std::path::Path,
    force: bool,
    inputs: &[PathBuf],
    asked: Option<&str>,
) -> i32 {
    // Records that name no annotator go to `imported`'s layer; --annotator decides for all.
    let annotator = asked.unwrap_or("imported");
    if let Err(err) = store::validate_user_annotator(annotator) {
        eprintln!("spantag import: {err}");
        return 2;
    }
    let busy = Busy::start("spantag import: reading and writing".to_owned());
    let mut records = Vec::new();
    for input in inputs {
        match formats::read_import(format, input, offsets, annotator) {
            Ok(mut r) => records.append(&mut r),
            Err(err) => {
                eprintln!("spantag import: {err}");
                return USAGE;
            }
        }
    }
    if let Some(asked) = asked {
        let renamed = formats::put_in_layer(&mut records, asked);
        if !renamed.is_empty() {
            eprintln!(
                "note: the dataset names annotator(s) {}; every layer is imported as {asked}'s \
                 (--annotator)",
                renamed.join(", ")
            );
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
        return USAGE;
    }
    let problems = super::folder::finish_interrupted("import", [into]);
    if !problems.is_empty() {
        for problem in problems {
            eprintln!("spantag import: {problem}");
        }
        return PROBLEMS;
    }
    let written = formats::write_imported(records, into, force);
    drop(busy);
    match written {
        Ok(report) => {
            for note in &report.notes {
                eprintln!("note: {note}");
            }
            eprintln!("{}", report.summary(into));
            if report.files.is_empty() {
                eprintln!("spantag import: no annotation file was written; see the notes above");
                return PROBLEMS;
            }
            0
        }
        Err(err) => {
            eprintln!("spantag import: {err}");
            USAGE
        }
    }
}
