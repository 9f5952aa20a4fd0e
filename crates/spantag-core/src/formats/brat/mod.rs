//! brat standoff: a folder of `<name>.txt` + `<name>.ann`, with `annotation.conf` listing the
//! labels and `visual.conf` their colours. `T` lines for spans (split into fragments at line
//! breaks, which brat needs), `R` lines for relations, `#` AnnotatorNotes for notes; `T<n>`
//! and `R<n>` carry the span's and the relation's id, so an import gives the same ids back.
//! brat offsets are code points of the text file (export and import count UTF-16 code units
//! instead with `--offsets utf16`), and on import each `T` line's text column is checked against the text
//! at its fragments. Label names may not contain spaces in brat:
//! spaces become `_`; notes are one line in brat: line breaks in notes become spaces.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

mod sources;
pub use sources::{SOURCES, foreign_files};
use sources::{read_sources, sources};

use super::placement::{Placer, TextRule};
use super::{
    FormatError, Imported, ImportedLayer, ImportedRelation, ImportedSpan, Item, Offsets, Output,
    Report, Sink,
};
use crate::annotation::Label;
use crate::document::Document;

/// The brat writer.
pub struct Exporter {
    dir: PathBuf,
    labels: Vec<Label>,
    relation_labels: Vec<String>,
    renamed: bool,
    /// Each label's name in brat, unique.
    names: HashMap<String, String>,
    /// The file name (without `.txt` / `.ann`) of each (document, annotator), settled by
    /// [`super::Exporter::plan`] so that no two documents share one.
    bases: HashMap<(String, String), String>,
    /// How the `.ann` counts offsets (brat itself counts code points).
    offsets: Offsets,
}

impl Exporter {
    /// Writes into `dir`, offsets counted in `offsets` units.
    pub fn new(dir: &Path, offsets: Offsets) -> Self {
        Self {
            offsets,
            dir: dir.to_path_buf(),
            labels: Vec::new(),
            relation_labels: Vec::new(),
            renamed: false,
            names: HashMap::new(),
            bases: HashMap::new(),
        }
    }
}

/// A label as brat accepts it.
fn brat_label(label: &str) -> String {
    label
        .chars()
        .map(|c| if c.is_whitespace() { '_' } else { c })
        .collect()
}

fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect()
}

fn write_file(path: &Path, contents: &str, report: &mut Report) -> Result<(), FormatError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(FormatError::io(parent))?;
    }
    let mut sink = Sink::open(&Output::Path(path.to_path_buf()))?;
    sink.write_all(contents.as_bytes())?;
    report.written.extend(sink.commit()?);
    Ok(())
}

/// The `.ann` text of one layer.
fn ann(
    doc: &Document,
    layer: &crate::annotation::Layer,
    unit: Offsets,
    names: &HashMap<String, String>,
) -> String {
    let entity = |label: &str| {
        names
            .get(label)
            .cloned()
            .unwrap_or_else(|| brat_label(label))
    };
    let chars: Vec<char> = doc.text().chars().collect();
    let mut out = String::new();
    let mut t_of: HashMap<u64, u64> = HashMap::new();
    let mut note_n = 0;
    for span in layer.spans() {
        // brat ids are the span and relation ids, so an import gives them back.
        let t = span.id;
        t_of.insert(span.id, t);
        // Fragments between line breaks.
        let mut fragments = Vec::new();
        let mut start = span.start;
        for pos in span.start..span.end {
            if matches!(chars.get(pos), Some('\n' | '\r')) {
                if pos > start {
                    fragments.push((start, pos));
                }
                start = pos + 1;
            }
        }
        if span.end > start {
            fragments.push((start, span.end));
        }
        let at = |pos: usize| match unit {
            Offsets::Codepoints => pos,
            Offsets::Utf16 => doc.utf16_from_char(pos),
        };
        let offsets: Vec<String> = fragments
            .iter()
            .map(|&(s, e)| format!("{} {}", at(s), at(e)))
            .collect();
        let text: Vec<String> = fragments
            .iter()
            .map(|&(s, e)| doc.slice(s..e).to_owned())
            .collect();
        let _ = writeln!(
            out,
            "T{t}\t{} {}\t{}",
            entity(&span.label),
            offsets.join(";"),
            text.join(" ")
        );
        if let Some(note) = &span.note {
            note_n += 1;
            let _ = writeln!(out, "#{note_n}\tAnnotatorNotes T{t}\t{}", one_line(note));
        }
    }
    for rel in &layer.relations {
        if let (Some(a), Some(b)) = (t_of.get(&rel.from), t_of.get(&rel.to)) {
            let _ = writeln!(
                out,
                "R{}\t{} Arg1:T{a} Arg2:T{b}",
                rel.id,
                brat_label(&rel.label)
            );
        }
    }
    out
}

/// The file name of a document's layer without `.txt` / `.ann`: the document's name without
/// its extension (or with it, `full`), followed by the annotator when the document has
/// several layers.
fn base_name(name: &str, annotator: &str, layers: usize, full: bool) -> String {
    let stem = if full {
        name
    } else {
        name.rsplit_once('.').map_or(
            name,
            |(stem, ext)| if ext.contains('/') { name } else { stem },
        )
    };
    if layers > 1 {
        format!("{stem}.{annotator}")
    } else {
        stem.to_owned()
    }
}

impl super::Exporter for Exporter {
    fn plan(&mut self, jobs: &[crate::corpus::DocumentJob], report: &mut Report) -> Vec<PathBuf> {
        let mut used: HashMap<String, String> = HashMap::new();
        let mut out = Vec::new();
        for job in jobs {
            for (annotator, _) in &job.layers {
                let n = job.layers.len();
                let mut base = base_name(&job.name, annotator, n, false);
                if let Some(other) = used.get(&base) {
                    // `a/doc.txt` and `a/doc.md` would both be `a/doc.txt`: the second keeps
                    // its extension in the name.
                    let full = base_name(&job.name, annotator, n, true);
                    report.notes.push(format!(
                        "{} is written as {full}.txt / .ann ({other} is {base}.txt)",
                        job.name
                    ));
                    base = full;
                    let mut k = 2;
                    while used.contains_key(&base) {
                        base = format!("{}~{k}", base_name(&job.name, annotator, n, true));
                        k += 1;
                    }
                }
                used.insert(base.clone(), job.name.clone());
                out.push(self.dir.join(format!("{base}.txt")));
                out.push(self.dir.join(format!("{base}.ann")));
                self.bases
                    .insert((job.name.clone(), annotator.clone()), base);
            }
        }
        out.push(self.dir.join("annotation.conf"));
        out.push(self.dir.join("visual.conf"));
        out.push(self.dir.join(SOURCES));
        out
    }

    fn document(&mut self, item: &Item<'_>, report: &mut Report) -> Result<(), FormatError> {
        for layer in item.layers {
            for label in layer.scheme.labels() {
                if label.name.contains(char::is_whitespace) {
                    self.renamed = true;
                }
                if !self.labels.iter().any(|l| l.name == label.name) {
                    // Two labels that brat would write alike ("Person Name", "Person_Name")
                    // stay two: the later gets a number, and a note says so.
                    let base = brat_label(&label.name);
                    let mut name = base.clone();
                    let mut k = 2;
                    while self.names.values().any(|n| *n == name) {
                        name = format!("{base}_{k}");
                        k += 1;
                    }
                    if name != base {
                        report.notes.push(format!(
                            "label {:?} would be {base} in brat like another label; it is {name}",
                            label.name
                        ));
                    }
                    self.names.insert(label.name.clone(), name);
                    self.labels.push(label.clone());
                }
            }
            for rel in &layer.relations {
                if !self.relation_labels.contains(&rel.label) {
                    self.relation_labels.push(rel.label.clone());
                }
            }
            let base = self
                .bases
                .entry((item.name.to_owned(), layer.annotator.clone()))
                .or_insert_with(|| base_name(item.name, &layer.annotator, item.layers.len(), false))
                .clone();
            write_file(
                &self.dir.join(format!("{base}.txt")),
                item.doc.text(),
                report,
            )?;
            write_file(
                &self.dir.join(format!("{base}.ann")),
                &ann(item.doc, layer, self.offsets, &self.names),
                report,
            )?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>, report: &mut Report) -> Result<(), FormatError> {
        let mut conf = String::from("[entities]\n");
        let entity = |label: &str| {
            self.names
                .get(label)
                .cloned()
                .unwrap_or_else(|| brat_label(label))
        };
        for label in &self.labels {
            let _ = writeln!(conf, "{}", entity(&label.name));
        }
        conf.push_str("\n[relations]\n");
        for label in &self.relation_labels {
            let _ = writeln!(conf, "{}\tArg1:<ENTITY>, Arg2:<ENTITY>", brat_label(label));
        }
        conf.push_str("\n[events]\n\n[attributes]\n");
        write_file(&self.dir.join("annotation.conf"), &conf, report)?;
        let mut visual = String::from("[labels]\n\n[drawing]\n");
        for label in &self.labels {
            let _ = writeln!(visual, "{}\tbgColor:{}", entity(&label.name), label.color);
        }
        write_file(&self.dir.join("visual.conf"), &visual, report)?;
        write_file(&self.dir.join(SOURCES), &sources(&self.bases)?, report)?;
        if self.renamed {
            report.notes.push(
                "brat labels cannot contain spaces: spaces in label names became '_'".to_owned(),
            );
        }
        Ok(())
    }
}

fn collect_ann(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), FormatError> {
    if path.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    // The safe walk: links out of the folder are not followed, loops end, FIFOs stop it.
    let walk = crate::walk::walk(path).map_err(|e| FormatError::Input(e.to_string()))?;
    let mut found: Vec<PathBuf> = walk
        .folders
        .into_iter()
        .flat_map(|f| {
            let folder = f.path;
            f.files
                .into_iter()
                .filter(|n| n.ends_with(".ann"))
                .map(move |n| folder.join(n))
        })
        .collect();
    found.sort();
    out.extend(found);
    Ok(())
}

/// Reads a brat folder (recursively) or one `.ann` file with its `.txt`. Offsets are code
/// points unless `offsets` says UTF-16; a `T` line whose text column is not the `.txt`'s text
/// at its offsets refuses the input.
pub fn import(
    input: &Path,
    offsets: Offsets,
    annotator: &str,
) -> Result<Vec<Imported>, FormatError> {
    let mut anns = Vec::new();
    collect_ann(input, &mut anns)?;
    let root = if input.is_dir() {
        input
    } else {
        input.parent().unwrap_or(Path::new("."))
    };
    let sources = read_sources(root)?;
    let mut out = Vec::new();
    for ann_path in anns {
        let txt_path = ann_path.with_extension("txt");
        let bytes = crate::readfile::read_regular(&txt_path).map_err(FormatError::io(&txt_path))?;
        let (text, _) = crate::document::decode(&bytes)
            .ok_or_else(|| FormatError::Input(format!("{} is not text", txt_path.display())))?;
        // A byte-order mark before the first line is not part of it (`read_regular_string`
        // drops it), so the first `T` line is read like the others.
        let ann_text =
            crate::readfile::read_regular_string(&ann_path).map_err(FormatError::io(&ann_path))?;
        let doc = Document::from_text(text);
        let relative = |path: &Path| {
            path.strip_prefix(root)
                .unwrap_or(path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        };
        let name = relative(&txt_path);
        let (name, who) = match sources.get(name.strip_suffix(".txt").unwrap_or(&name)) {
            Some((document, who)) => (document.clone(), who.as_str()),
            None => (name, annotator),
        };
        let layer = parse_ann(&ann_text, &ann_path, &doc, offsets, who)?;
        let text = doc.text().to_owned();
        out.push(Imported {
            name,
            named: true,
            text,
            layers: vec![layer],
        });
    }
    Ok(out)
}

/// Parses the text of a `.ann` file over its document `doc` into `annotator`'s layer. `T`
/// lines become spans (a discontinuous span becomes its hull; `T<n>` keeps the id `n`), `R`
/// lines relations (the first argument is the source, the second the target), `#`
/// AnnotatorNotes on a `T` become its note. Lines spantag does not model — events `E`,
/// attributes `A` (and the older `M`), normalizations `N`, equivalences `*`, notes on anything
/// but a span, lines of unknown kind — are counted in [`ImportedLayer::not_modelled`].
///
/// Offsets are counted in `offsets` units, each fragment's on its own. A `T` line's text column
/// must be what brat writes there: the fragments' texts in `doc` joined by a space (brat before
/// 1.3 joined them with nothing), optionally followed by white space and more, which brat keeps
/// as the line's tail; a missing or blank column is not checked (brat fills it in). Any other
/// text refuses the file ([`FormatError::SpanText`]). `ann_path` only names the file in
/// messages.
pub fn parse_ann(
    ann_text: &str,
    ann_path: &Path,
    doc: &Document,
    offsets: Offsets,
    annotator: &str,
) -> Result<ImportedLayer, FormatError> {
    let mut layer = ImportedLayer::new(annotator.to_owned(), Vec::new());
    let mut placer = Placer::new(ann_path, offsets, TextRule::Brat);
    let mut notes: Vec<(String, String)> = Vec::new();
    // Spans whose fragments leave text between them (not only white space, as where spantag's
    // own export splits a span at a line break): imported as their hull, and said so.
    let mut discontinuous: Vec<String> = Vec::new();
    for (i, line) in ann_text.lines().enumerate() {
        let parse_error = |message: &str| FormatError::Parse {
            path: ann_path.to_path_buf(),
            line: i + 1,
            message: message.to_owned(),
        };
        if line.trim().is_empty() {
            continue;
        }
        let mut fields = line.splitn(3, '\t');
        let id = fields.next().unwrap_or("");
        let middle = fields.next().unwrap_or("");
        let text_column = fields.next();
        let rest = text_column.unwrap_or("");
        let number = id.get(1..).and_then(|n| n.parse::<u64>().ok());
        match id.chars().next() {
            Some('T') => {
                let (label, ranges) = middle
                    .split_once(' ')
                    .ok_or_else(|| parse_error("expected 'label start end'"))?;
                if label.trim().is_empty() {
                    return Err(parse_error(
                        "the label is empty; a T line reads 'T1<TAB>label start end<TAB>text': \
                         give the span a label",
                    ));
                }
                let mut fragments = Vec::new();
                for range in ranges.split(';') {
                    let mut nums = range.split_whitespace().map(str::parse::<usize>);
                    match (nums.next(), nums.next()) {
                        (Some(Ok(s)), Some(Ok(e))) => fragments.push((s, e)),
                        _ => return Err(parse_error("expected numeric offsets")),
                    }
                }
                // A blank column is a missing one: brat fills it in from the text.
                let given = text_column.filter(|t| !t.trim().is_empty());
                let fragments = placer
                    .place(doc, &fragments, given, || {
                        format!("line {}, {id} ({label})", i + 1)
                    })
                    .map_err(|message| parse_error(&message))?;
                // The hull; a fragment that ends before it starts stands for the span, which
                // is then left out with a note saying so.
                let (lo, hi) = match fragments.iter().find(|(s, e)| s > e) {
                    Some(&reversed) => reversed,
                    None => fragments
                        .iter()
                        .fold((usize::MAX, 0), |(lo, hi), &(s, e)| (lo.min(s), hi.max(e))),
                };
                let mut sorted = fragments.clone();
                sorted.sort_unstable();
                let gap_with_text = sorted.windows(2).any(|w| {
                    let (end, next) = (w[0].1, w[1].0);
                    end < next
                        && next <= doc.char_len()
                        && !doc.slice(end..next).chars().all(char::is_whitespace)
                });
                if gap_with_text {
                    discontinuous.push(id.to_owned());
                }
                let mut span = ImportedSpan::new(lo, hi, label.to_owned());
                span.key = Some(id.to_owned());
                span.id = number;
                layer.spans.push(span);
            }
            Some('R') => {
                let mut parts = middle.split_whitespace();
                let label = parts.next().unwrap_or("");
                let args: Vec<&str> = parts
                    .map(|arg| arg.split_once(':').map_or(arg, |(_, target)| target))
                    .collect();
                let [from, to] = args.as_slice() else {
                    return Err(parse_error("expected 'type Arg1:T1 Arg2:T2'"));
                };
                if label.is_empty() {
                    return Err(parse_error("expected 'type Arg1:T1 Arg2:T2'"));
                }
                layer.relations.push(ImportedRelation {
                    key: id.to_owned(),
                    id: number,
                    from: (*from).to_owned(),
                    to: (*to).to_owned(),
                    label: label.to_owned(),
                });
            }
            Some('#') => match middle.split_once(' ') {
                Some(("AnnotatorNotes", target)) => {
                    notes.push((
                        target.trim().to_owned(),
                        rest.trim_end_matches('\r').to_owned(),
                    ));
                }
                _ => layer.not_modelled("brat comments other than AnnotatorNotes (#)"),
            },
            Some('E') => layer.not_modelled("brat events (E)"),
            Some('A' | 'M') => layer.not_modelled("brat attributes (A)"),
            Some('N') => layer.not_modelled("brat normalizations (N)"),
            Some('*') => layer.not_modelled("brat equivalences (*)"),
            _ => layer.not_modelled("brat lines of unknown kind"),
        }
    }
    for (target, note) in notes {
        match layer
            .spans
            .iter_mut()
            .find(|s| s.key.as_deref() == Some(target.as_str()))
        {
            Some(span) => {
                span.note = Some(match span.note.take() {
                    Some(earlier) => format!("{earlier}\n{note}"),
                    None => note,
                });
            }
            None if target.starts_with('T') => {
                layer.not_modelled("brat AnnotatorNotes on a missing text-bound annotation");
            }
            None => layer.not_modelled("brat AnnotatorNotes on relations, events or attributes"),
        }
    }
    layer.notes = placer.finish()?;
    if !discontinuous.is_empty() {
        let shown: Vec<&str> = discontinuous.iter().take(5).map(String::as_str).collect();
        layer.notes.push(format!(
            "{}: {} discontinuous span(s) ({}{}) imported as one span from their first to their \
             last fragment, covering the text between: spantag does not keep fragments yet",
            ann_path.display(),
            discontinuous.len(),
            shown.join(", "),
            if discontinuous.len() > 5 { ", …" } else { "" }
        ));
    }
    Ok(layer)
}
