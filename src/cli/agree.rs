//! `spantag agree` and `spantag curate`: agreement between annotators and the curated layer.

use spantag_core::corpus::{self, LayerChoice};
use spantag_core::review::{self, ReviewError};
use std::path::PathBuf;

use super::conventions::{PROBLEMS, USAGE};
use super::{AgreeFormat, Progress};

/// The documents and annotators to review, or the exit code: 1 when there is nothing to
/// compare, 2 for a bad annotator name or inputs that cannot be read.
pub(super) fn review_set(
    command: &str,
    annotators: Option<&[String]>,
    inputs: &[PathBuf],
) -> Result<review::ReviewSet, i32> {
    for skipped in corpus::skipped_links(inputs) {
        eprintln!("note: {skipped}");
    }
    review::plan(inputs, annotators).map_err(|err| {
        eprintln!("spantag {command}: {err}");
        match err {
            ReviewError::NothingToCompare(_) => PROBLEMS,
            _ => USAGE,
        }
    })
}

pub(super) fn agree(
    annotators: Option<&[String]>,
    format: AgreeFormat,
    fail_under: Option<f64>,
    options: &review::AgreementOptions,
    inputs: &[PathBuf],
) -> i32 {
    if let Some(least) = fail_under
        && !(-1.0..=1.0).contains(&least)
    {
        eprintln!("spantag agree: --fail-under {least}: give an alpha from -1 to 1, e.g. 0.8");
        return USAGE;
    }
    // An operation a killed command left in these folders is finished first: what is read
    // is then all old or all new.
    let problems = super::folder::finish_interrupted("agree", inputs.iter().map(PathBuf::as_path));
    if !problems.is_empty() {
        for problem in problems {
            eprintln!("spantag agree: {problem}");
        }
        return PROBLEMS;
    }
    let set = match review_set("agree", annotators, inputs) {
        Ok(set) => set,
        Err(code) => return code,
    };
    let mut progress = Progress::new("documents");
    let report = match review::compare_with(&set, options, &mut |done, total| {
        progress.update(done, total)
    }) {
        Ok(report) => report,
        Err(err) => {
            eprintln!("spantag agree: {err}");
            return USAGE;
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
                return USAGE;
            }
        },
    };
    print!("{text}");
    if let Some(least) = fail_under {
        match report.krippendorff_alpha {
            Some(alpha) if alpha >= least => {}
            Some(alpha) => {
                eprintln!("spantag agree: Krippendorff's alpha {alpha:.3} is under {least}");
                return PROBLEMS;
            }
            None => {
                eprintln!(
                    "spantag agree: Krippendorff's alpha cannot be computed here (no variation \
                     to rate), so it is not at least {least}"
                );
                return PROBLEMS;
            }
        }
    }
    0
}

pub(super) fn curate(
    annotators: Option<&[String]>,
    options: review::CurateOptions,
    inputs: &[PathBuf],
) -> i32 {
    let problems = super::folder::finish_interrupted("curate", inputs.iter().map(PathBuf::as_path));
    if !problems.is_empty() {
        for problem in problems {
            eprintln!("spantag curate: {problem}");
        }
        return 1;
    }
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
        return USAGE;
    }
    for skipped in &set.skipped {
        eprintln!(
            "{}: skipped (missing: {})",
            skipped.document,
            skipped.missing.join(", ")
        );
    }
    let mut notes = Vec::new();
    let mut progress = Progress::new("documents");
    let mut done = 0;
    let outcomes = match review::curate(&set, options, &mut notes, &mut |o| {
        let rejected = if o.rejected > 0 {
            format!(", {} rejected in review", o.rejected)
        } else {
            String::new()
        };
        let kept = if o.kept_curated > 0 {
            format!(
                ", {} not added: the curated layer holds another version of it",
                o.kept_curated
            )
        } else {
            String::new()
        };
        let decided = if o.decided > 0 {
            format!(", {} not added: settled in review", o.decided)
        } else {
            String::new()
        };
        println!(
            "{}: {} span(s) added ({} already curated{rejected}{kept}{decided}), {} \
             disagreement(s) remain",
            o.document,
            o.added,
            o.accepted - o.added - o.rejected - o.kept_curated - o.decided,
            o.remaining
        );
        done += 1;
        progress.update(done, set.documents.len());
    }) {
        Ok(outcomes) => outcomes,
        Err(err) => {
            eprintln!("spantag curate: {err}");
            return USAGE;
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
        return PROBLEMS;
    }
    0
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
