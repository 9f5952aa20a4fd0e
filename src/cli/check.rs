//! `spantag check`: annotation files checked against their documents.

use spantag_core::corpus::{self, LayerChoice};
use spantag_core::document::Document;
use spantag_core::store::{self, AnnotationFile};
use std::path::PathBuf;

use super::conventions::{PROBLEMS, USAGE};
use super::{Progress, short};

pub(super) fn check(paths: &[PathBuf], update: bool) -> i32 {
    // (annotation file, its document if found)
    let mut files: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    let mut problems = 0usize;
    // Inputs that do not exist: the files that do are still checked, and the exit code says
    // the command was not run as asked.
    let mut missing = 0usize;
    for problem in super::folder::finish_interrupted("check", paths.iter().map(PathBuf::as_path)) {
        println!("{problem}");
        problems += 1;
    }
    for skipped in corpus::skipped_links(paths) {
        eprintln!("note: {skipped}");
    }
    for path in paths {
        if !path.exists() {
            println!("{}: no such file or folder", path.display());
            missing += 1;
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
    if files.is_empty() && problems + missing == 0 {
        eprintln!("spantag check: no annotation files found, nothing was checked");
        return PROBLEMS;
    }
    let mut progress = Progress::new("files");
    for (done, (file, source)) in files.iter().enumerate() {
        progress.update(done, files.len());
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
        let before: std::collections::HashMap<u64, (usize, usize, String)> = annotation
            .spans
            .iter()
            .map(|s| (s.id, (s.start, s.end, s.text.clone())))
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
    progress.update(files.len(), files.len());
    if missing > 0 {
        eprintln!(
            "{} file(s) checked, {problems} problem(s); {missing} input(s) not found",
            files.len()
        );
        USAGE
    } else if problems == 0 {
        eprintln!("{} file(s) checked, no problems", files.len());
        0
    } else {
        eprintln!("{} file(s) checked, {problems} problem(s)", files.len());
        1
    }
}

/// The spans re-anchoring should be looked at, one line each: those whose text changed
/// (placed by a near match: case, spelling), those that moved by another amount than the
/// spans beside them (not with the text around them: perhaps to another mention of their
/// text), and those it could not place. A span still at its old offsets with its old text is
/// never named. At most 20 of each.
pub(super) fn reanchored_spans(
    before: &std::collections::HashMap<u64, (usize, usize, String)>,
    layer: &spantag_core::annotation::Layer,
) -> Vec<String> {
    let as_i64 = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    // The placed spans in their old order, with how far each moved.
    let mut placed: Vec<(&spantag_core::annotation::Span, usize, usize, &str, i64)> = layer
        .spans()
        .iter()
        .filter_map(|s| {
            let (start, end, text) = before.get(&s.id)?;
            Some((
                s,
                *start,
                *end,
                text.as_str(),
                as_i64(s.start) - as_i64(*start),
            ))
        })
        .collect();
    placed.sort_by_key(|p| (p.1, p.2, p.0.id));
    let mut changed = Vec::new();
    let mut apart = Vec::new();
    for (i, &(s, start, end, old_text, shift)) in placed.iter().enumerate() {
        if s.text != old_text {
            changed.push(format!(
                "span {} ({} {:?}) now covers {:?} at {}..{}: its text changed: check it in the app",
                s.id,
                s.label,
                short(old_text),
                short(&s.text),
                s.start,
                s.end
            ));
            continue;
        }
        if (s.start, s.end) == (start, end) {
            continue;
        }
        // Moved with the text around it when a span near it (two on each side, in the old
        // order) moved by as much: one span that jumped does not make its neighbours look
        // wrong.
        let near: Vec<i64> = placed[i.saturating_sub(2)..(i + 3).min(placed.len())]
            .iter()
            .enumerate()
            .filter(|&(k, _)| k + i.saturating_sub(2) != i)
            .map(|(_, p)| p.4)
            .collect();
        if near.is_empty() || near.contains(&shift) {
            continue;
        }
        let usual = near
            .iter()
            .max_by_key(|&&d| {
                (
                    near.iter().filter(|&&x| x == d).count(),
                    std::cmp::Reverse(d.unsigned_abs()),
                )
            })
            .copied()
            .unwrap_or(0);
        let around = format!("the spans beside it moved by {usual}");
        apart.push(format!(
            "span {} ({} {:?}) moved from {start}..{end} to {}..{}, not with the text \
             around it ({around}): check it in the app",
            s.id,
            s.label,
            short(&s.text),
            s.start,
            s.end
        ));
    }
    let mut out: Vec<String> = changed.into_iter().take(20).collect();
    out.extend(apart.into_iter().take(20));
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
