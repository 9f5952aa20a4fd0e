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

mod read;
mod sources;
pub use read::{import, parse_ann};
use sources::sources;
pub use sources::{SOURCES, foreign_files};

use super::{FormatError, Item, Offsets, Output, Report, Sink};
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
    /// The attributes the spans carry, with the values they take (`annotation.conf`).
    attributes: std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    /// Each event type with its roles (`annotation.conf`).
    event_types: std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
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
            attributes: std::collections::BTreeMap::new(),
            event_types: std::collections::BTreeMap::new(),
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

/// `A` lines for the attributes of `target` (`T3`, `E1`), numbered on from `n`: a flag is
/// written bare; a value that is not one brat token has `_` for its white space.
fn attribute_lines(
    out: &mut String,
    n: &mut usize,
    target: &str,
    attrs: &std::collections::BTreeMap<String, String>,
) {
    for (name, value) in attrs {
        *n += 1;
        let name = brat_label(name);
        if value == crate::project::FLAG_SET {
            let _ = writeln!(out, "A{n}\t{name} {target}");
        } else {
            let _ = writeln!(out, "A{n}\t{name} {target} {}", brat_label(value));
        }
    }
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
    let mut attr_n = 0;
    for span in layer.spans() {
        // brat ids are the span and relation ids, so an import gives them back.
        let t = span.id;
        t_of.insert(span.id, t);
        // Its pieces, each split at line breaks (brat draws a fragment on one line).
        let mut fragments = Vec::new();
        for piece in span.pieces() {
            let mut start = piece.start;
            for pos in piece.clone() {
                if matches!(chars.get(pos), Some('\n' | '\r')) {
                    if pos > start {
                        fragments.push((start, pos));
                    }
                    start = pos + 1;
                }
            }
            if piece.end > start {
                fragments.push((start, piece.end));
            }
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
        attribute_lines(&mut out, &mut attr_n, &format!("T{t}"), &span.attrs);
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
    // Events: `E<id>` with the type and trigger, then `role:T<id>` or `role:E<id>`.
    let events: std::collections::HashSet<u64> = layer.events.iter().map(|e| e.id).collect();
    let mut sorted: Vec<&crate::annotation::Event> = layer.events.iter().collect();
    sorted.sort_by_key(|e| e.id);
    for event in sorted {
        let Some(trigger) = t_of.get(&event.trigger) else {
            continue;
        };
        let _ = write!(out, "E{}\t{}:T{trigger}", event.id, entity(&event.label));
        for arg in &event.args {
            let to = if events.contains(&arg.to) {
                format!("E{}", arg.to)
            } else if let Some(t) = t_of.get(&arg.to) {
                format!("T{t}")
            } else {
                continue;
            };
            let _ = write!(out, " {}:{to}", brat_label(&arg.role));
        }
        out.push('\n');
        attribute_lines(
            &mut out,
            &mut attr_n,
            &format!("E{}", event.id),
            &event.attrs,
        );
        if let Some(note) = &event.note {
            note_n += 1;
            let _ = writeln!(
                out,
                "#{note_n}\tAnnotatorNotes E{}\t{}",
                event.id,
                one_line(note)
            );
        }
    }
    for eq in &layer.equivalences {
        let members: Vec<String> = eq
            .members
            .iter()
            .filter_map(|m| t_of.get(m).map(|t| format!("T{t}")))
            .collect();
        if members.len() >= 2 {
            let _ = writeln!(out, "*\t{} {}", brat_label(&eq.label), members.join(" "));
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
            for event in &layer.events {
                let roles = self.event_types.entry(event.label.clone()).or_default();
                roles.extend(event.args.iter().map(|a| brat_label(&a.role)));
                for (name, value) in &event.attrs {
                    self.attributes
                        .entry(brat_label(name))
                        .or_default()
                        .insert(brat_label(value));
                }
            }
            for span in layer.spans() {
                for (name, value) in &span.attrs {
                    self.attributes
                        .entry(brat_label(name))
                        .or_default()
                        .insert(brat_label(value));
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
        // Event types are declared under [events], not as entities.
        for label in self
            .labels
            .iter()
            .filter(|l| !self.event_types.contains_key(&l.name))
        {
            let _ = writeln!(conf, "{}", entity(&label.name));
        }
        conf.push_str("\n[relations]\n");
        for label in &self.relation_labels {
            let _ = writeln!(conf, "{}\tArg1:<ENTITY>, Arg2:<ENTITY>", brat_label(label));
        }
        conf.push_str("\n[events]\n");
        for (label, roles) in &self.event_types {
            let roles: Vec<String> = roles
                .iter()
                .map(|r| format!("{r}*:<ENTITY>|<EVENT>"))
                .collect();
            let _ = writeln!(conf, "{}\t{}", entity(label), roles.join(", "));
        }
        conf.push_str("\n[attributes]\n");
        for (name, values) in &self.attributes {
            let flag = values.len() == 1 && values.contains(crate::project::FLAG_SET);
            if flag {
                let _ = writeln!(conf, "{name}\tArg:<ENTITY>");
            } else {
                let values: Vec<&str> = values.iter().map(String::as_str).collect();
                let _ = writeln!(conf, "{name}\tArg:<ENTITY>, Value:{}", values.join("|"));
            }
        }
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
