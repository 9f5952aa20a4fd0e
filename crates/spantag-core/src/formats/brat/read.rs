//! Reading brat: a folder (or one `.ann` with its `.txt`) into imported documents; each
//! `.ann`'s lines into a layer of spans (with their pieces and attributes), relations,
//! events, equivalences and notes.

use std::path::{Path, PathBuf};

use super::sources::read_sources;
use crate::document::Document;
use crate::formats::placement::{Placer, TextRule};
use crate::formats::{
    FormatError, Imported, ImportedLayer, ImportedRelation, ImportedSpan, Offsets,
};

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
    // (target, name, value) of `A`/`M` lines on spans.
    let mut attributes: Vec<(String, String, String)> = Vec::new();
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
                let mut span = ImportedSpan::new(lo, hi, label.to_owned());
                span.key = Some(id.to_owned());
                span.id = number;
                span.fragments = pieces(doc, &fragments);
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
            Some('E') => {
                // `E1<TAB>Attack:T3 Attacker:T1 Target:T2` (the type and trigger first).
                let mut parts = middle.split_whitespace().map(|p| p.split_once(':'));
                let Some(Some((label, trigger))) = parts.next() else {
                    return Err(parse_error("expected 'type:trigger role:argument …'"));
                };
                let mut args = Vec::new();
                for part in parts {
                    let Some((role, to)) = part else {
                        return Err(parse_error("expected 'role:argument' after the trigger"));
                    };
                    args.push((role.to_owned(), to.to_owned()));
                }
                layer.events.push(crate::formats::ImportedEvent {
                    key: id.to_owned(),
                    id: number,
                    label: label.to_owned(),
                    trigger: trigger.to_owned(),
                    args,
                    ..Default::default()
                });
            }
            Some('A' | 'M') => {
                // `A1<TAB>Negation T3` (a flag) or `A2<TAB>Certainty T3 hedged`.
                let mut parts = middle.split_whitespace();
                let (Some(name), Some(target)) = (parts.next(), parts.next()) else {
                    return Err(parse_error("expected 'name target [value]'"));
                };
                let value = parts.next().unwrap_or(crate::project::FLAG_SET);
                if target.starts_with('T') || target.starts_with('E') {
                    attributes.push((target.to_owned(), name.to_owned(), value.to_owned()));
                } else {
                    layer.not_modelled("brat attributes of relations (A)");
                }
            }
            Some('N') => layer.not_modelled("brat normalizations (N)"),
            Some('*') => {
                // `*<TAB>Equiv T1 T2 T3`.
                let mut parts = middle.split_whitespace();
                let label = parts.next().unwrap_or("");
                let members: Vec<String> = parts.map(str::to_owned).collect();
                if label.is_empty() || members.len() < 2 {
                    return Err(parse_error("expected 'type T1 T2 …'"));
                }
                layer.equivalences.push((label.to_owned(), members));
            }
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
            None if target.starts_with('E') => {
                match layer.events.iter_mut().find(|e| e.key == target) {
                    Some(event) => {
                        event.note = Some(match event.note.take() {
                            Some(earlier) => format!("{earlier}\n{note}"),
                            None => note,
                        });
                    }
                    None => layer.not_modelled("brat AnnotatorNotes on a missing event"),
                }
            }
            None if target.starts_with('T') => {
                layer.not_modelled("brat AnnotatorNotes on a missing text-bound annotation");
            }
            None => layer.not_modelled("brat AnnotatorNotes on relations or attributes"),
        }
    }
    for (target, name, value) in attributes {
        let attrs = if target.starts_with('T') {
            layer
                .spans
                .iter_mut()
                .find(|s| s.key.as_deref() == Some(target.as_str()))
                .map(|s| &mut s.attrs)
        } else {
            layer
                .events
                .iter_mut()
                .find(|e| e.key == target)
                .map(|e| &mut e.attrs)
        };
        match attrs {
            Some(attrs) => {
                attrs.insert(name, value);
            }
            None => layer.not_modelled("brat attributes of a missing annotation (A)"),
        }
    }
    layer.notes = placer.finish()?;
    Ok(layer)
}

/// The pieces of a brat span from its fragments (code points): sorted, and joined where only
/// white space lies between them (brat, and spantag's export, split a span at each line
/// break). One piece left: a continuous span (no pieces).
fn pieces(doc: &Document, fragments: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut sorted: Vec<(usize, usize)> =
        fragments.iter().copied().filter(|(s, e)| s < e).collect();
    sorted.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (s, e) in sorted {
        match out.last_mut() {
            Some(last)
                if s <= last.1
                    || (e <= doc.char_len()
                        && doc.slice(last.1..s).chars().all(char::is_whitespace)) =>
            {
                last.1 = last.1.max(e);
            }
            _ => out.push((s, e)),
        }
    }
    if out.len() < 2 { Vec::new() } else { out }
}
