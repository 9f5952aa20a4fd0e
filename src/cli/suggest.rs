//! `spantag suggest`: spans tagged elsewhere, or another layer's, offered where they are missing.

use spantag_core::corpus::{self};
use spantag_core::document::Document;
use spantag_core::store::{self};
use std::io::Write as _;
use std::path::PathBuf;

use super::annotators_beside;
use super::conventions::{Progress, exit_on_write_error};
use spantag_core::suggest::{Report, Suggestion};

/// How `suggest` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SuggestFormat {
    /// One JSON object per line.
    #[default]
    Jsonl,
    /// One JSON document: the suggestions and the left-out counts.
    Json,
}

/// `suggest`'s options beyond what to suggest from.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SuggestOptions {
    /// Output format.
    #[arg(long, value_enum, default_value_t = SuggestFormat::Jsonl)]
    pub format: SuggestFormat,
    /// The share of the places a text was seen in that it must have been tagged in to be
    /// suggested, 0 to 1 (default 0.5).
    #[arg(long, value_name = "SHARE")]
    pub min_evidence: Option<f64>,
    /// Only suggestions of this label.
    #[arg(long, value_name = "LABEL")]
    pub label: Option<String>,
    /// Tag the suggestions in the annotator's files (one edit per file; the previous
    /// version of each file is kept as `.bak`).
    #[arg(long)]
    pub accept: bool,
    /// Run this command as a model first (through `sh -c`): it reads one JSON line per
    /// document on stdin (`{"id", "text"}`) and writes one per span on stdout (`{"id",
    /// "start", "end", "label"}`, code points); its spans are saved as each document's
    /// `model` layer (`<document>.model.ron`) and suggested as with `--from model`. See
    /// tools/spacy_model.py.
    #[arg(long, value_name = "COMMAND")]
    pub model: Option<String>,
    /// Run the model command the project file names (`model: Some("…")` in `spantag.ron`),
    /// as --model does. The command is printed first; a project file's command is never run
    /// without this flag.
    #[arg(long, conflicts_with = "model")]
    pub project_model: bool,
}

/// The model command of the project file that governs `inputs` (the first input's folder or
/// above), or why there is none.
fn project_model(inputs: &[PathBuf]) -> Result<String, String> {
    let first = inputs.first().ok_or("no inputs")?;
    let dir = if first.is_dir() {
        first.clone()
    } else {
        first
            .parent()
            .map_or_else(|| PathBuf::from("."), std::path::Path::to_path_buf)
    };
    let dir = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    };
    let path = spantag_core::project::find(&dir).ok_or_else(|| {
        format!(
            "--project-model: no project file (spantag.ron) in {} or above",
            dir.display()
        )
    })?;
    let project = spantag_core::project::load(&path).map_err(|e| e.to_string())?;
    project.model.ok_or_else(|| {
        format!(
            "--project-model: {} names no model; add `model: Some(\"python3 tools/spacy_model.py\")` \
             (your command) to it, or give the command with --model",
            path.display()
        )
    })
}

/// Runs the model command over the documents and saves its spans as each document's
/// `model` layer. Errors say what to do.
fn run_model(command: &str, documents: &[PathBuf]) -> Result<usize, String> {
    use spantag_core::suggest::model;
    use std::io::BufRead as _;
    let mut docs = Vec::new();
    for path in documents {
        let doc = Document::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        docs.push((path.display().to_string(), path.clone(), doc));
    }
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .map_err(|e| format!("could not start the model command {command:?}: {e}"))?;
    let lines: Vec<String> = docs
        .iter()
        .map(|(id, _, doc)| model::input_line(id, doc))
        .collect();
    let stdin = child.stdin.take();
    // Written on a thread of its own: a model that answers as it reads would otherwise
    // block on a full pipe while we block writing.
    let writer = std::thread::spawn(move || {
        if let Some(mut stdin) = stdin {
            for line in lines {
                if writeln!(stdin, "{line}").is_err() {
                    break;
                }
            }
        }
    });
    let mut spans: std::collections::HashMap<String, Vec<model::ModelSpan>> =
        std::collections::HashMap::new();
    let mut problem = None;
    if let Some(stdout) = child.stdout.take() {
        for (n, line) in std::io::BufReader::new(stdout).lines().enumerate() {
            let Ok(line) = line else { break };
            match model::parse_line(&line) {
                Ok(Some(span)) => spans.entry(span.id.clone()).or_default().push(span),
                Ok(None) => {}
                Err(err) => {
                    problem.get_or_insert(format!("line {} of the model's output: {err}", n + 1));
                }
            }
        }
    }
    let _ = writer.join();
    let status = child
        .wait()
        .map_err(|e| format!("the model command {command:?} failed: {e}"))?;
    if !status.success() {
        return Err(format!(
            "the model command {command:?} failed ({status}; its message is above); no \
             model layer written"
        ));
    }
    if let Some(problem) = problem {
        return Err(format!("{problem}; no model layer written"));
    }
    if let Some(unknown) = spans
        .keys()
        .find(|id| !docs.iter().any(|(d, _, _)| d == *id))
    {
        return Err(format!(
            "the model wrote spans for {unknown:?}, which it was not given (the \"id\" of a \
             span must be that of its document); no model layer written"
        ));
    }
    // Every layer is checked before any is written.
    let mut layers = Vec::new();
    for (id, path, doc) in &docs {
        let layer = model::layer(doc, spans.get(id).map_or(&[][..], Vec::as_slice))
            .map_err(|e| format!("{id}: the model's {e}; no model layer written"))?;
        layers.push((path, doc, layer));
    }
    let mut total = 0;
    for (path, doc, layer) in layers {
        total += layer.spans().len();
        store::save_layer(&layer, doc, &store::annotation_path(path, model::MODEL))
            .map_err(|e| e.to_string())?;
    }
    Ok(total)
}

/// What is printed for one suggestion.
fn json_of(path: &std::path::Path, doc: &Document, s: &Suggestion) -> serde_json::Value {
    serde_json::json!({
        "document": path.display().to_string(),
        "start": s.start,
        "end": s.end,
        "label": s.label,
        "text": doc.slice(s.range()),
        "origin": match &s.origin {
            spantag_core::suggest::Origin::TaggedElsewhere => "tagged elsewhere".to_owned(),
            spantag_core::suggest::Origin::Layer(name) => name.clone(),
        },
        "evidence": s.evidence.map(|e| serde_json::json!({
            "tagged": e.tagged,
            "seen": e.seen,
            "share": (e.share() * 1000.0).round() / 1000.0,
        })),
    })
}

/// Adds one document's report to the total.
fn add_report(total: &mut Report, r: &Report) {
    total.terms += r.terms;
    total.passing_terms += r.passing_terms;
    total.not_terms += r.not_terms;
    total.below_threshold += r.below_threshold;
    total.overlaps_same_label += r.overlaps_same_label;
    total.repeats_a_range += r.repeats_a_range;
    total.rejected += r.rejected;
    total.inside_another += r.inside_another;
    total.over_budget += r.over_budget;
}

/// The left-out counts, as said on stderr and in `--format json`.
fn left_out_json(r: &Report, other_label: usize) -> serde_json::Value {
    serde_json::json!({
        "below_evidence_threshold": r.below_threshold,
        "overlaps_a_span_of_the_same_label": r.overlaps_same_label,
        "repeats_an_exact_range": r.repeats_a_range,
        "rejected": r.rejected,
        "inside_a_longer_suggestion_or_duplicate": r.inside_another,
        "over_budget": r.over_budget,
        "other_label": other_label,
        "tagged_texts_not_distinctive": r.not_terms,
    })
}

fn say_left_out(r: &Report, other_label: usize, min_share: f64) {
    let parts = [
        (
            r.below_threshold,
            format!(
                "below the evidence threshold (tagged in under {:.0}% of the places seen)",
                min_share * 100.0
            ),
        ),
        (
            r.overlaps_same_label,
            "overlap a span of the same label".to_owned(),
        ),
        (r.repeats_a_range, "repeat a span's exact range".to_owned()),
        (r.rejected, "were rejected".to_owned()),
        (
            r.inside_another,
            "lie inside a longer suggestion or repeat one".to_owned(),
        ),
        (
            r.over_budget,
            format!(
                "are past the {} per document kept",
                spantag_core::suggest::MAX_SUGGESTIONS
            ),
        ),
        (other_label, "have another label than --label".to_owned()),
    ];
    let said: Vec<String> = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, why)| format!("{n} {why}"))
        .collect();
    let total: usize = parts.iter().map(|(n, _)| n).sum();
    if total > 0 {
        eprintln!(
            "spantag suggest: left out {total} candidate places: {}",
            said.join(", ")
        );
    }
    if r.not_terms > 0 {
        eprintln!(
            "spantag suggest: {} tagged text{} never suggested: stop words, too short, or cut \
             inside a word",
            r.not_terms,
            if r.not_terms == 1 { " is" } else { "s are" }
        );
    }
}

pub(super) fn suggest(
    annotator: Option<&str>,
    from: Option<&str>,
    only_from: bool,
    inputs: &[PathBuf],
    options: &SuggestOptions,
) -> i32 {
    let min_share = options
        .min_evidence
        .unwrap_or(spantag_core::suggest::MIN_SHARE);
    if !(0.0..=1.0).contains(&min_share) {
        eprintln!(
            "spantag suggest: --min-evidence is a share of the places seen, from 0 to 1 \
             (e.g. 0.5 for half); got {min_share}"
        );
        return 2;
    }
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
    // An operation a killed command left in these folders is finished first: what is read
    // is then all old or all new.
    let problems =
        super::folder::finish_interrupted("suggest", inputs.iter().map(PathBuf::as_path));
    if !problems.is_empty() {
        for problem in problems {
            eprintln!("spantag suggest: {problem}");
        }
        return 1;
    }
    let model = if options.project_model {
        match project_model(inputs) {
            Ok(command) => {
                eprintln!("spantag suggest: running the project file's model: {command}");
                Some(command)
            }
            Err(err) => {
                eprintln!("spantag suggest: {err}");
                return 2;
            }
        }
    } else {
        options.model.clone()
    };
    if only_from && from.is_none() && model.is_none() {
        eprintln!("spantag suggest: --only-from needs --from ANNOTATOR");
        return 2;
    }
    if model.is_some() && from.is_some_and(|f| f != spantag_core::suggest::model::MODEL) {
        eprintln!("spantag suggest: --model writes and suggests the `model` layer; drop --from");
        return 2;
    }
    let from = if model.is_some() {
        Some(spantag_core::suggest::model::MODEL)
    } else {
        from
    };
    let mut documents = Vec::new();
    for skipped in corpus::skipped_links(inputs) {
        eprintln!("note: {skipped}");
    }
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
    if let Some(command) = &model {
        match run_model(command, &documents) {
            Ok(n) => eprintln!(
                "spantag suggest: the model tagged {n} span{} in {} document{} (saved as each \
                 document's model layer, <document>.model.ron)",
                if n == 1 { "" } else { "s" },
                documents.len(),
                if documents.len() == 1 { "" } else { "s" }
            ),
            Err(err) => {
                eprintln!("spantag suggest: {err}");
                return 2;
            }
        }
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
    let mut accepted_files = 0;
    let mut total = Report::default();
    let mut other_label = 0;
    let mut all = Vec::new();
    // Documents and annotation files that could not be read.
    let mut broken = std::collections::BTreeSet::new();
    let mut out = std::io::stdout().lock();
    let mut progress = Progress::new("documents");
    for (done, path) in documents.iter().enumerate() {
        progress.update(done, documents.len());
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
        let mut request = spantag_core::suggest::Request::new(std::sync::Arc::clone(&doc), layer);
        request.path = Some(path.clone());
        request.lexicon = Some(std::sync::Arc::clone(&lexicon));
        request.tagged_elsewhere = !only_from;
        request.source = source;
        request.min_share = min_share;
        request.count_below_threshold = true;
        let (mut items, report) = spantag_core::suggest::compute_with_report(
            &request,
            &spantag_core::suggest::Cancel::default(),
        );
        add_report(&mut total, &report);
        if let Some(label) = &options.label {
            let before = items.len();
            items.retain(|s| &s.label == label);
            other_label += before - items.len();
        }
        // Strongest evidence first (another layer's spans last), then by place.
        items.sort_by(|a, b| {
            let share = |s: &Suggestion| s.evidence.map_or(-1.0, |e| e.share());
            share(b)
                .total_cmp(&share(a))
                .then_with(|| (a.start, a.end).cmp(&(b.start, b.end)))
        });
        if options.accept {
            if items.is_empty() {
                continue;
            }
            match accept(path, annotator, &items) {
                Ok(n) => {
                    found += n;
                    accepted_files += 1;
                }
                Err(err) => {
                    eprintln!("spantag suggest: {}: {err}", path.display());
                    broken.insert(path.clone());
                }
            }
            continue;
        }
        for s in &items {
            let line = json_of(path, &doc, s);
            if options.format == SuggestFormat::Json {
                all.push(line);
            } else {
                super::conventions::clear_progress();
                if let Err(err) = writeln!(out, "{line}") {
                    exit_on_write_error(&err);
                }
            }
            found += 1;
        }
    }
    progress.update(documents.len(), documents.len());
    if options.format == SuggestFormat::Json && !options.accept {
        let doc = serde_json::json!({
            "suggestions": all,
            "left_out": left_out_json(&total, other_label),
            "min_evidence": min_share,
        });
        if let Err(err) = writeln!(out, "{doc:#}") {
            exit_on_write_error(&err);
        }
    }
    if options.accept {
        eprintln!(
            "spantag suggest: accepted {found} suggestion{} into {annotator}'s files of \
             {accepted_files} document{} (each previous version kept as .bak)",
            if found == 1 { "" } else { "s" },
            if accepted_files == 1 { "" } else { "s" }
        );
    } else {
        eprintln!(
            "spantag suggest: {found} suggestion{} in {} document{}",
            if found == 1 { "" } else { "s" },
            documents.len(),
            if documents.len() == 1 { "" } else { "s" }
        );
    }
    say_left_out(&total, other_label, min_share);
    if !broken.is_empty() {
        eprintln!(
            "spantag suggest: {} file(s) could not be read or written (named above); fix them and run it again",
            broken.len()
        );
        2
    } else if found > 0 {
        0
    } else {
        1
    }
}

/// Tags `items` in the annotator's layer of one document as one edit and saves it (the
/// previous file kept as `.bak`). Refuses a file written for another version of the text.
fn accept(path: &std::path::Path, annotator: &str, items: &[Suggestion]) -> Result<usize, String> {
    let mut session = spantag_core::session::Session::open(path, annotator, &mut |_, _| {})?;
    if session.editable().problems().iter().any(|p| {
        matches!(
            p,
            spantag_core::store::Problem::StaleSource { .. }
                | spantag_core::store::Problem::Reanchored { .. }
        )
    }) {
        return Err(format!(
            "{annotator}'s file was written for another version of this text; run `spantag \
             check --update` on it first (nothing accepted here)"
        ));
    }
    let id = session.editable_id().clone();
    let (edit, _) =
        spantag_core::suggest::accept_all(session.editable().layer(), session.document(), items);
    let Some(edit) = edit else { return Ok(0) };
    let n = match &edit {
        spantag_core::edit::Edit::AddSpans(spans) => spans.len(),
        _ => 0,
    };
    session.apply(&id, edit).map_err(|e| e.to_string())?;
    session.save(&id).map_err(|e| e.to_string())?;
    Ok(n)
}
