//! Writing an import: every record is planned (documents by name, one layer per annotator
//! merged from every record that gives it, spans checked against the text, ids kept unique)
//! before anything is written, then every file is written as one transaction.

use std::path::{Path, PathBuf};

use super::{
    FormatError, ImportReport, Imported, ImportedLayer, ImportedSpan, names, safe_relative,
};
use crate::annotation::{Equivalence, Event, EventArg, LabelScheme, Layer, Relation, Span};
use crate::document::Document;
use crate::store;

/// Writes imported documents and their layers into `into`. Records for the same document and
/// annotator (several JSONL lines, Label Studio annotations or input files) are merged into one
/// annotation file: the union of their spans (a span with the same start, end and label in
/// several records is kept once, their different notes joined), ids kept unique, relations
/// mapped onto the merged spans (an identical one kept once); a note says how many records
/// were merged into which file. Everything is planned before anything is written: an existing
/// annotation file without `force`, an existing document with another text, or two records
/// giving one document different texts stops the import with each of them named, and nothing
/// is written.
pub fn write_imported(
    records: Vec<Imported>,
    into: &Path,
    force: bool,
) -> Result<ImportReport, FormatError> {
    let mut records = records;
    let mut report = ImportReport::default();
    // Records the dataset did not name go to the document with their text, if there is one.
    report.notes.extend(names::name_unnamed(&mut records, into));
    // Every record's name is checked before anything is written.
    names::check_records(&records, into)?;
    let mut docs: Vec<PlannedDocument> = Vec::new();
    let mut by_rel: std::collections::HashMap<PathBuf, usize> = std::collections::HashMap::new();
    let mut conflicts: Vec<String> = Vec::new();
    for record in records {
        let Some(rel) = safe_relative(&record.name) else {
            report.notes.push(format!(
                "{:?}: not a safe relative file name; skipped",
                record.name
            ));
            continue;
        };
        let index = match by_rel.get(&rel) {
            Some(&index) => {
                if docs[index].doc.text() != record.text {
                    return Err(FormatError::Input(format!(
                        "{}: the dataset gives this document two different texts; nothing was \
                         imported (give the records different names)",
                        rel.display()
                    )));
                }
                index
            }
            None => {
                let path = into.join(&rel);
                let exists = path.exists();
                let doc = if exists {
                    let existing =
                        Document::open(&path).map_err(|e| FormatError::Input(e.to_string()))?;
                    if existing.text() != record.text {
                        conflicts.push(format!(
                            "{} exists with a different text; import into another folder",
                            path.display()
                        ));
                    }
                    existing
                } else {
                    Document::from_text(record.text)
                };
                by_rel.insert(rel.clone(), docs.len());
                docs.push(PlannedDocument {
                    rel,
                    path,
                    exists,
                    doc,
                    layers: Vec::new(),
                });
                docs.len() - 1
            }
        };
        let planned = &mut docs[index];
        for imported in record.layers {
            let annotator = imported.annotator.clone();
            report.notes.extend(imported.notes.iter().cloned());
            if let Some(why) = &imported.left_out {
                report.notes.push(format!(
                    "{}: {annotator}'s layer not imported: {why}",
                    planned.rel.display()
                ));
                continue;
            }
            if let Err(e) = store::validate_annotator(&annotator) {
                report
                    .notes
                    .push(format!("{}: {e}; layer skipped", planned.rel.display()));
                continue;
            }
            let name = planned.rel.display().to_string();
            let built = imported_layer(imported, &planned.doc, &name, &mut report);
            match planned.layers.iter_mut().find(|l| l.annotator == annotator) {
                Some(layer) => layer.merge(built),
                None => planned.layers.push(PlannedLayer {
                    annotator,
                    spans: built.spans,
                    relations: built.relations,
                    events: built.events,
                    equivalences: built.equivalences,
                    records: 1,
                    repeated_spans: 0,
                    repeated_relations: 0,
                }),
            }
        }
    }
    for planned in &docs {
        for layer in &planned.layers {
            let path = store::annotation_path(&planned.path, &layer.annotator);
            if path.exists() && !force {
                conflicts.push(path.display().to_string());
            }
        }
    }
    // Each file on a line of its own, the advice once.
    if !conflicts.is_empty() {
        return Err(FormatError::Output(format!(
            "nothing was imported: {} annotation file(s) exist already:\n  {}\npass --force to \
             overwrite them (the old files are kept as .bak)",
            conflicts.len(),
            conflicts.join("\n  ")
        )));
    }
    // Every file is written as one operation under the import folder's lock: all of them or
    // none, even if the import is killed (see crate::transaction).
    std::fs::create_dir_all(into).map_err(FormatError::io(into))?;
    let mut changes = Vec::new();
    for planned in docs {
        if let Some(parent) = planned.path.parent() {
            std::fs::create_dir_all(parent).map_err(FormatError::io(parent))?;
        }
        // Its annotation files name the document as their source (not "untitled").
        let source = planned
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let source_hash = crate::document::hash_bytes(planned.doc.text().as_bytes());
        if !planned.exists {
            changes.push(crate::transaction::Change {
                path: planned.path.clone(),
                contents: planned.doc.text().as_bytes().to_vec(),
                old: None,
            });
            if planned.layers.is_empty() {
                report.notes.push(format!(
                    "{}: no annotations to import; only its text was written",
                    planned.rel.display()
                ));
            }
        }
        let wrote_any = !planned.layers.is_empty();
        for layer in planned.layers {
            let path = store::annotation_path(&planned.path, &layer.annotator);
            if layer.records > 1 {
                report.notes.push(format!(
                    "{}: {} records of {} by {} merged into this one file ({} span(s) and {} \
                     relation(s) given by more than one record kept once)",
                    path.display(),
                    layer.records,
                    planned.rel.display(),
                    layer.annotator,
                    layer.repeated_spans,
                    layer.repeated_relations
                ));
            }
            let (events, equivalences) = (layer.events, layer.equivalences);
            let layer = Layer::from_parts(
                &layer.annotator,
                // The labels the dataset uses, not spantag's default ones besides (which an
                // export would then list as unused classes); a default label it uses keeps its
                // place and colour.
                LabelScheme::from_labels(
                    LabelScheme::default()
                        .labels()
                        .iter()
                        .filter(|l| layer.spans.iter().any(|s| s.label == l.name))
                        .cloned()
                        .collect(),
                ),
                layer.spans,
                layer.relations,
            );
            let mut layer = layer;
            for event in &events {
                layer.reserve_id(event.id);
            }
            layer.events = events;
            layer.equivalences = equivalences;
            report.spans += layer.spans().len();
            report.relations += layer.relations.len();
            report.events += layer.events.len();
            report.span_notes += layer.spans().iter().filter(|s| s.note.is_some()).count();
            let (source, source_hash) = if planned.exists {
                (planned.doc.display_name(), planned.doc.hash().to_owned())
            } else {
                (source.clone(), source_hash.clone())
            };
            changes.push(crate::transaction::Change {
                old: crate::atomic::file_hash(&path),
                contents: store::AnnotationFile::from_layer_parts(&layer, &source, &source_hash)
                    .to_ron()
                    .into_bytes(),
                path: path.clone(),
            });
            report.files.push(path);
        }
        if wrote_any {
            report.documents += 1;
        }
    }
    let lock = crate::folder::lock::acquire(into, "import")
        .map_err(|e| FormatError::Output(e.to_string()))?;
    crate::transaction::apply(&lock, "import", &changes)
        .map_err(|e| FormatError::Output(format!("nothing was imported: {e}")))?;
    Ok(report)
}

/// A document an import writes, planned before anything is written.
struct PlannedDocument {
    /// Its name relative to the import folder.
    rel: PathBuf,
    /// Where it goes.
    path: PathBuf,
    /// Whether it is there already (with the same text).
    exists: bool,
    /// Its text (the existing file, when there is one).
    doc: Document,
    /// One layer per annotator, each merged from every record that gives it.
    layers: Vec<PlannedLayer>,
}

/// One annotator's spans and relations of one document, merged from the records that give
/// them.
struct PlannedLayer {
    annotator: String,
    spans: Vec<Span>,
    relations: Vec<Relation>,
    events: Vec<Event>,
    equivalences: Vec<Equivalence>,
    /// How many records were merged into it.
    records: usize,
    /// Spans and relations given by more than one record (kept once).
    repeated_spans: usize,
    repeated_relations: usize,
}

impl PlannedLayer {
    /// Adds another record's spans and relations (ids unique within the record). A span with
    /// the start, end and label of one already here is that span (a different note of it is
    /// added to its note); the others keep their ids where those are free, then relations
    /// theirs, and the rest get fresh ids above every id used, as [`imported_layer`] gives
    /// them. Relations follow their spans; one that is here already is kept once.
    fn merge(&mut self, built: Built) {
        use std::collections::{HashMap, HashSet};
        let Built {
            spans,
            relations,
            events,
            equivalences,
        } = built;
        self.records += 1;
        let mut taken: HashSet<u64> = self
            .spans
            .iter()
            .map(|s| s.id)
            .chain(self.relations.iter().map(|r| r.id))
            .chain(self.events.iter().map(|e| e.id))
            .collect();
        let here: HashMap<(usize, usize, String), usize> = self
            .spans
            .iter()
            .enumerate()
            .map(|(i, s)| ((s.start, s.end, s.label.clone()), i))
            .collect();
        // Their span ids to the merged layer's.
        let mut ids: HashMap<u64, u64> = HashMap::new();
        let mut added: Vec<(Span, bool)> = Vec::new();
        for span in spans {
            if let Some(&i) = here.get(&(span.start, span.end, span.label.clone())) {
                let ours = &mut self.spans[i];
                ids.insert(span.id, ours.id);
                if let Some(theirs) = span.note {
                    match &mut ours.note {
                        None => ours.note = Some(theirs),
                        Some(note) if *note != theirs => {
                            note.push('\n');
                            note.push_str(&theirs);
                        }
                        Some(_) => {}
                    }
                }
                self.repeated_spans += 1;
                continue;
            }
            let keep = taken.insert(span.id);
            added.push((span, keep));
        }
        let keep_relation: Vec<bool> = relations.iter().map(|r| taken.insert(r.id)).collect();
        let mut next = taken.iter().max().map_or(1, |m| m + 1);
        let mut fresh = || {
            next += 1;
            next - 1
        };
        for (mut span, keep) in added {
            let id = if keep { span.id } else { fresh() };
            ids.insert(span.id, id);
            span.id = id;
            self.spans.push(span);
        }
        let mut present: HashSet<(u64, u64, String)> = self
            .relations
            .iter()
            .map(|r| (r.from, r.to, r.label.clone()))
            .collect();
        for (relation, keep) in relations.into_iter().zip(keep_relation) {
            let (Some(&from), Some(&to)) = (ids.get(&relation.from), ids.get(&relation.to)) else {
                continue;
            };
            if !present.insert((from, to, relation.label.clone())) {
                self.repeated_relations += 1;
                continue;
            }
            self.relations.push(Relation {
                id: if keep { relation.id } else { fresh() },
                from,
                to,
                label: relation.label,
            });
        }
        // Events and equivalences follow their spans (an event's own id is kept when free).
        let event_ids: HashMap<u64, u64> = events
            .iter()
            .map(|e| {
                let id = if taken.insert(e.id) { e.id } else { fresh() };
                (e.id, id)
            })
            .collect();
        let follow = |id: u64| ids.get(&id).or_else(|| event_ids.get(&id)).copied();
        for mut event in events {
            let (Some(id), Some(trigger)) = (event_ids.get(&event.id), ids.get(&event.trigger))
            else {
                continue;
            };
            (event.id, event.trigger) = (*id, *trigger);
            event.args = event
                .args
                .into_iter()
                .filter_map(|mut a| {
                    a.to = follow(a.to)?;
                    Some(a)
                })
                .collect();
            if !self.events.iter().any(|e| {
                (e.trigger, &e.label, &e.args) == (event.trigger, &event.label, &event.args)
            }) {
                self.events.push(event);
            }
        }
        for mut eq in equivalences {
            eq.members = eq
                .members
                .iter()
                .filter_map(|&m| ids.get(&m).copied())
                .collect();
            if eq.members.len() >= 2 && !self.equivalences.contains(&eq) {
                self.equivalences.push(eq);
            }
        }
    }
}

/// One imported layer's spans, relations, events and equivalences, with spantag ids.
struct Built {
    spans: Vec<Span>,
    relations: Vec<Relation>,
    events: Vec<Event>,
    equivalences: Vec<Equivalence>,
}

/// Builds the spans and relations of one imported annotator over its document. Spans that are empty, end
/// before they start or lie outside the text are left out; relations whose ends are not imported spans are left out; both are counted and
/// named in the report. Ids: a span keeps its input id unless an earlier span took it, then a
/// relation keeps its input id unless a span or an earlier relation took it; everything else
/// gets a fresh id above all of those, so ids are unique across spans and relations (as
/// [`Layer::allocate_id`] keeps them).
fn imported_layer(
    imported: ImportedLayer,
    doc: &Document,
    name: &str,
    report: &mut ImportReport,
) -> Built {
    use std::collections::{HashMap, HashSet};
    let ImportedLayer {
        annotator,
        spans,
        relations,
        events,
        equivalences,
        not_modelled,
        left_out: _,
        notes: _,
    } = imported;
    for (kind, n) in not_modelled {
        report.notes.push(format!(
            "{name} ({annotator}): {n} {kind} not imported (spantag does not model them)"
        ));
        *report.not_modelled.entry(kind).or_insert(0) += n;
    }
    let mut taken: HashSet<u64> = HashSet::new();
    let mut kept: Vec<(ImportedSpan, Option<u64>)> = Vec::new();
    for span in spans {
        let problem = if span.start == span.end {
            Some("is empty (it ends where it starts)".to_owned())
        } else if span.start > span.end {
            Some("ends before it starts".to_owned())
        } else if span.end > doc.char_len() {
            Some(format!(
                "is outside the text, which has {} code points",
                doc.char_len()
            ))
        } else {
            None
        };
        if let Some(problem) = problem {
            report.skipped_spans += 1;
            report.notes.push(format!(
                "{name} ({annotator}): span {}..{} ({}) {problem}; skipped",
                span.start, span.end, span.label
            ));
            continue;
        }
        let id = span.id.filter(|id| taken.insert(*id));
        kept.push((span, id));
    }
    let relation_ids: Vec<Option<u64>> = relations
        .iter()
        .map(|r| r.id.filter(|id| taken.insert(*id)))
        .collect();
    let event_ids: Vec<Option<u64>> = events
        .iter()
        .map(|e| e.id.filter(|id| taken.insert(*id)))
        .collect();
    let mut next = taken.iter().max().map_or(1, |m| m + 1);
    let mut fresh = |id: Option<u64>| {
        id.unwrap_or_else(|| {
            let id = next;
            next += 1;
            id
        })
    };
    let mut by_key: HashMap<String, u64> = HashMap::new();
    let mut out_spans = Vec::with_capacity(kept.len());
    for (span, id) in kept {
        let id = fresh(id);
        if let Some(key) = span.key {
            by_key.entry(key).or_insert(id);
        }
        let mut made = Span::new(
            id,
            span.start..span.end,
            span.label,
            doc.slice(span.start..span.end),
        )
        .with_note(span.note);
        made.attrs = span.attrs;
        if Span::fragments_fit(&span.fragments, made.start, made.end) {
            made.fragments = span.fragments;
        } else {
            report.notes.push(format!(
                "{name} ({annotator}): span {id} ({}): its pieces {:?} are not sorted, separate \
                 pieces from its start to its end; imported as one span from {} to {}",
                made.label, span.fragments, made.start, made.end
            ));
        }
        out_spans.push(made);
    }
    let mut out_relations = Vec::with_capacity(relations.len());
    for (relation, id) in relations.into_iter().zip(relation_ids) {
        match (by_key.get(&relation.from), by_key.get(&relation.to)) {
            (Some(&from), Some(&to)) => out_relations.push(Relation {
                id: fresh(id),
                from,
                to,
                label: relation.label,
            }),
            (from, to) => {
                let missing: Vec<&str> = [(from, &relation.from), (to, &relation.to)]
                    .into_iter()
                    .filter(|(found, _)| found.is_none())
                    .map(|(_, key)| key.as_str())
                    .collect();
                report.skipped_relations += 1;
                report.notes.push(format!(
                    "{name} ({annotator}): relation {} ({}) skipped: {} is not an imported span",
                    relation.key,
                    relation.label,
                    missing.join(" and ")
                ));
            }
        }
    }
    // Events: ids first (an argument may name an event given later), then their trigger and
    // arguments by key; an event whose trigger is not an imported span is left out, an
    // argument naming nothing imported is dropped; both said.
    let mut event_by_key: HashMap<String, u64> = HashMap::new();
    let event_ids: Vec<u64> = events
        .iter()
        .zip(event_ids)
        .map(|(e, id)| {
            let id = fresh(id);
            event_by_key.entry(e.key.clone()).or_insert(id);
            id
        })
        .collect();
    let mut out_events = Vec::with_capacity(events.len());
    for (event, id) in events.into_iter().zip(event_ids) {
        let Some(&trigger) = by_key.get(&event.trigger) else {
            report.notes.push(format!(
                "{name} ({annotator}): event {} ({}) skipped: its trigger {} is not an imported \
                 span",
                event.key, event.label, event.trigger
            ));
            continue;
        };
        let mut args = Vec::with_capacity(event.args.len());
        for (role, key) in event.args {
            match by_key.get(&key).or_else(|| event_by_key.get(&key)) {
                Some(&to) => args.push(EventArg { role, to }),
                None => report.notes.push(format!(
                    "{name} ({annotator}): event {}: argument {role}:{key} dropped: {key} is \
                     not imported",
                    event.key
                )),
            }
        }
        out_events.push(Event {
            id,
            label: event.label,
            trigger,
            args,
            attrs: event.attrs,
            note: event.note,
        });
    }
    // Events whose trigger was left out take the events naming them along (said above for
    // the first; an argument naming a left-out event is dropped).
    let kept: HashSet<u64> = out_events
        .iter()
        .map(|e| e.id)
        .chain(by_key.values().copied())
        .collect();
    for event in &mut out_events {
        event.args.retain(|a| kept.contains(&a.to));
    }
    let mut out_equivalences = Vec::new();
    for (label, keys) in equivalences {
        let members: Vec<u64> = keys.iter().filter_map(|k| by_key.get(k).copied()).collect();
        if members.len() >= 2 {
            out_equivalences.push(Equivalence { label, members });
        } else {
            report.notes.push(format!(
                "{name} ({annotator}): equivalence {label} of {} skipped: fewer than two of \
                 its spans are imported",
                keys.join(" ")
            ));
        }
    }
    Built {
        spans: out_spans,
        relations: out_relations,
        events: out_events,
        equivalences: out_equivalences,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_reversed_and_outside_spans_are_named_for_what_is_wrong() {
        // "Ana met Reyes." has 14 code points; [0, 3) is "Ana".
        let doc = Document::from_text("Ana met Reyes.".to_owned());
        let spans = vec![
            ImportedSpan::new(0, 3, "PER".to_owned()),
            ImportedSpan::new(3, 3, "PER".to_owned()),
            ImportedSpan::new(6, 2, "PER".to_owned()),
            ImportedSpan::new(8, 15, "PER".to_owned()),
        ];
        let mut report = ImportReport::default();
        let Built { spans, .. } = imported_layer(
            ImportedLayer::new("a".to_owned(), spans),
            &doc,
            "doc.txt",
            &mut report,
        );
        assert_eq!(spans.len(), 1);
        assert_eq!(report.skipped_spans, 3);
        assert_eq!(
            report.notes,
            [
                "doc.txt (a): span 3..3 (PER) is empty (it ends where it starts); skipped",
                "doc.txt (a): span 6..2 (PER) ends before it starts; skipped",
                "doc.txt (a): span 8..15 (PER) is outside the text, which has 14 code points; skipped",
            ]
        );
        assert!(
            report.summary(Path::new("out")).contains(
                "3 span(s) left out (empty, ending before they start or outside their text)"
            ),
            "{}",
            report.summary(Path::new("out"))
        );
    }
}
