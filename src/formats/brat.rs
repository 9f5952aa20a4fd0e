//! brat standoff: a folder of `<name>.txt` + `<name>.ann`, with `annotation.conf` listing the
//! labels and `visual.conf` their colours. `T` lines for spans (split into fragments at line
//! breaks, which brat needs), `R` lines for relations, `#` AnnotatorNotes for notes. brat
//! offsets are code points of the text file. Label names may not contain spaces in brat:
//! spaces become `_`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{FormatError, Imported, ImportedSpan, Item, Output, Report, Sink};
use crate::annotation::Label;
use crate::document::Document;

/// The brat writer.
pub struct Exporter {
    dir: PathBuf,
    labels: Vec<Label>,
    relation_labels: Vec<String>,
    renamed: bool,
}

impl Exporter {
    /// Writes into `dir`.
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
            labels: Vec::new(),
            relation_labels: Vec::new(),
            renamed: false,
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
fn ann(doc: &Document, layer: &crate::annotation::Layer) -> String {
    let chars: Vec<char> = doc.text().chars().collect();
    let mut out = String::new();
    let mut t_of: HashMap<u64, usize> = HashMap::new();
    let mut note_n = 0;
    for (i, span) in layer.spans().iter().enumerate() {
        let t = i + 1;
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
        let offsets: Vec<String> = fragments.iter().map(|(s, e)| format!("{s} {e}")).collect();
        let text: Vec<String> = fragments
            .iter()
            .map(|&(s, e)| doc.slice(s..e).to_owned())
            .collect();
        let _ = writeln!(
            out,
            "T{t}\t{} {}\t{}",
            brat_label(&span.label),
            offsets.join(";"),
            text.join(" ")
        );
        if let Some(note) = &span.note {
            note_n += 1;
            let _ = writeln!(out, "#{note_n}\tAnnotatorNotes T{t}\t{}", one_line(note));
        }
    }
    for (i, rel) in layer.relations.iter().enumerate() {
        if let (Some(a), Some(b)) = (t_of.get(&rel.from), t_of.get(&rel.to)) {
            let _ = writeln!(
                out,
                "R{}\t{} Arg1:T{a} Arg2:T{b}",
                i + 1,
                brat_label(&rel.label)
            );
        }
    }
    out
}

impl super::Exporter for Exporter {
    fn document(&mut self, item: &Item<'_>, report: &mut Report) -> Result<(), FormatError> {
        let stem = item.name.rsplit_once('.').map_or(item.name, |(stem, ext)| {
            if ext.contains('/') { item.name } else { stem }
        });
        for layer in item.layers {
            for label in layer.scheme.labels() {
                if label.name.contains(char::is_whitespace) {
                    self.renamed = true;
                }
                if !self.labels.iter().any(|l| l.name == label.name) {
                    self.labels.push(label.clone());
                }
            }
            for rel in &layer.relations {
                if !self.relation_labels.contains(&rel.label) {
                    self.relation_labels.push(rel.label.clone());
                }
            }
            let base = if item.layers.len() > 1 {
                format!("{stem}.{}", layer.annotator)
            } else {
                stem.to_owned()
            };
            write_file(
                &self.dir.join(format!("{base}.txt")),
                item.doc.text(),
                report,
            )?;
            write_file(
                &self.dir.join(format!("{base}.ann")),
                &ann(item.doc, layer),
                report,
            )?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>, report: &mut Report) -> Result<(), FormatError> {
        let mut conf = String::from("[entities]\n");
        for label in &self.labels {
            let _ = writeln!(conf, "{}", brat_label(&label.name));
        }
        conf.push_str("\n[relations]\n");
        for label in &self.relation_labels {
            let _ = writeln!(conf, "{}\tArg1:<ENTITY>, Arg2:<ENTITY>", brat_label(label));
        }
        conf.push_str("\n[events]\n\n[attributes]\n");
        write_file(&self.dir.join("annotation.conf"), &conf, report)?;
        let mut visual = String::from("[labels]\n\n[drawing]\n");
        for label in &self.labels {
            let _ = writeln!(
                visual,
                "{}\tbgColor:{}",
                brat_label(&label.name),
                label.color
            );
        }
        write_file(&self.dir.join("visual.conf"), &visual, report)?;
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
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(FormatError::io(path))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            collect_ann(&entry, out)?;
        } else if entry.extension().is_some_and(|e| e == "ann") {
            out.push(entry);
        }
    }
    Ok(())
}

/// Reads a brat folder (recursively) or one `.ann` file with its `.txt`.
pub fn import(input: &Path, annotator: &str) -> Result<Vec<Imported>, FormatError> {
    let mut anns = Vec::new();
    collect_ann(input, &mut anns)?;
    let root = if input.is_dir() {
        input
    } else {
        input.parent().unwrap_or(Path::new("."))
    };
    let mut out = Vec::new();
    for ann_path in anns {
        let txt_path = ann_path.with_extension("txt");
        let bytes = std::fs::read(&txt_path).map_err(FormatError::io(&txt_path))?;
        let (text, _) = crate::document::decode(&bytes)
            .ok_or_else(|| FormatError::Input(format!("{} is not text", txt_path.display())))?;
        let ann_text = std::fs::read_to_string(&ann_path).map_err(FormatError::io(&ann_path))?;
        let spans = parse_ann(&ann_text, &ann_path)?;
        let name = txt_path
            .strip_prefix(root)
            .unwrap_or(&txt_path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        out.push(Imported {
            name,
            text,
            layers: vec![(annotator.to_owned(), spans)],
        });
    }
    Ok(out)
}

/// Parses the text of a `.ann` file: `T` lines become spans (a discontinuous span becomes
/// its hull), `#` AnnotatorNotes become notes; other lines are skipped. `ann_path` only
/// names the file in messages.
pub fn parse_ann(ann_text: &str, ann_path: &Path) -> Result<Vec<ImportedSpan>, FormatError> {
    let mut spans: Vec<(String, ImportedSpan)> = Vec::new();
    for (i, line) in ann_text.lines().enumerate() {
        let parse_error = |message: &str| FormatError::Parse {
            path: ann_path.to_path_buf(),
            line: i + 1,
            message: message.to_owned(),
        };
        let mut fields = line.splitn(3, '\t');
        let id = fields.next().unwrap_or("");
        let middle = fields.next().unwrap_or("");
        if id.starts_with('T') {
            let (label, ranges) = middle
                .split_once(' ')
                .ok_or_else(|| parse_error("expected 'label start end'"))?;
            let mut lo = usize::MAX;
            let mut hi = 0;
            for range in ranges.split(';') {
                let mut nums = range.split_whitespace().map(str::parse::<usize>);
                match (nums.next(), nums.next()) {
                    (Some(Ok(s)), Some(Ok(e))) => {
                        lo = lo.min(s);
                        hi = hi.max(e);
                    }
                    _ => return Err(parse_error("expected numeric offsets")),
                }
            }
            spans.push((id.to_owned(), ImportedSpan::new(lo, hi, label.to_owned())));
        } else if id.starts_with('#') {
            let target = middle.strip_prefix("AnnotatorNotes ").map(str::trim);
            let note = line.splitn(3, '\t').nth(2).unwrap_or("").to_owned();
            if let Some(span) = target.and_then(|t| spans.iter_mut().find(|(id, _)| id == t)) {
                span.1.note = Some(note);
            }
        }
    }
    Ok(spans.into_iter().map(|(_, s)| s).collect())
}
