//! Edits in words, for the status bar: "tag actor on ‘Seoul’", "delete claim ‘the levee…’
//! with 1 relation", "settle ‘Seoul’: no span (ben)". The undo and redo messages say which
//! step they took back or did again ("Undone: tag actor on ‘Seoul’").
//!
//! An edit is described before it is applied, against the layer as it is then (a span it
//! removes is still there to be named).

use crate::annotation::Layer;
use crate::edit::Edit;

/// How many characters of a span's text a description quotes.
const QUOTE: usize = 32;

/// "1 span", "2 spans": a count with its noun, singular or plural.
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// A text quoted for a message: ‘…’, cut to [`QUOTE`] characters with an ellipsis, on one
/// line.
pub fn quote(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut chars = one_line.chars();
    let head: String = chars.by_ref().take(QUOTE).collect();
    if chars.next().is_some() {
        format!("‘{}…’", head.trim_end())
    } else {
        format!("‘{head}’")
    }
}

/// The span with this id, quoted ("‘Seoul’"), or "a span" when the layer lacks it.
fn span_text(layer: &Layer, id: u64) -> String {
    layer
        .get(id)
        .or_else(|| layer.orphans.iter().find(|o| o.id == id))
        .map_or_else(|| "a span".to_owned(), |s| quote(&s.text))
}

/// Relations touching span `id`.
fn relations_of(layer: &Layer, id: u64) -> usize {
    layer
        .relations
        .iter()
        .filter(|r| r.from == id || r.to == id)
        .count()
}

/// What `edit` does, in words, as applied to `layer` in its present state.
pub fn describe(edit: &Edit, layer: &Layer) -> String {
    match edit {
        Edit::AddSpan(s) => format!("tag {} on {}", s.label, quote(&s.text)),
        Edit::RemoveSpan(id) => {
            let label = layer.get(*id).map_or("", |s| s.label.as_str());
            let mut out = format!("delete {label} {}", span_text(layer, *id));
            let n = relations_of(layer, *id);
            if n > 0 {
                out.push_str(&format!(" with {}", count(n, "relation", "relations")));
            }
            out.split_whitespace().collect::<Vec<_>>().join(" ")
        }
        Edit::AddSpans(spans) => match spans.as_slice() {
            [one] => format!("tag {} on {}", one.label, quote(&one.text)),
            _ => format!("tag {}", count(spans.len(), "span", "spans")),
        },
        Edit::RemoveSpans(ids) => match ids.as_slice() {
            [one] => describe(&Edit::RemoveSpan(*one), layer),
            _ => format!("delete {}", count(ids.len(), "span", "spans")),
        },
        Edit::Relabel { id, label } => {
            let old = layer.get(*id).map_or("?", |s| s.label.as_str());
            format!("relabel {} {old} → {label}", span_text(layer, *id))
        }
        Edit::Resize { text, .. } => format!("resize a span to {}", quote(text)),
        Edit::SetNote { id, note } => match note {
            Some(_) => format!("note on {}", span_text(layer, *id)),
            None => format!("remove the note on {}", span_text(layer, *id)),
        },
        Edit::SetEvents(_) => "change events".to_owned(),
        Edit::SetAttr { id, name, value } => match value.as_deref() {
            Some("true") => format!("set {name} on {}", span_text(layer, *id)),
            Some(value) => format!("set {name} = {value} on {}", span_text(layer, *id)),
            None => format!("unset {name} on {}", span_text(layer, *id)),
        },
        Edit::SetPieces { pieces, text, .. } => match pieces.len() {
            1 => format!("make {} one piece", quote(text)),
            n => format!("make {} {n} pieces", quote(text)),
        },
        Edit::AddLabel(name) => format!("add label {name}"),
        Edit::InsertLabel { label, .. } => format!("add label {}", label.name),
        Edit::RemoveLabel(name) => format!("remove label {name}"),
        Edit::SetLabelColor { name, .. } => format!("recolour label {name}"),
        Edit::MoveLabel { name, .. } => format!("move label {name}"),
        Edit::Replace(_) => "replace the whole layer".to_owned(),
        Edit::AddOrphan(s) => format!("keep orphaned {}", quote(&s.text)),
        Edit::RemoveOrphan(id) => format!("delete orphaned {}", span_text(layer, *id)),
        Edit::AddRelation(r) => format!(
            "relate {} {} {}",
            span_text(layer, r.from),
            r.label,
            span_text(layer, r.to)
        ),
        Edit::RemoveRelation(id) => {
            let label = layer
                .relations
                .iter()
                .find(|r| r.id == *id)
                .map_or("", |r| r.label.as_str());
            format!("delete relation {label}").trim_end().to_owned()
        }
        Edit::SetDone(true) => "mark the document done".to_owned(),
        Edit::SetDone(false) => "mark the document not done".to_owned(),
        Edit::Reject(r) => format!("reject {} as {}", quote(&r.text), r.label),
        Edit::Unreject(r) => format!("take back rejecting {}", quote(&r.text)),
        Edit::Decide(d) => format!("settle {}: {}", quote(&d.text), d.describe()),
        Edit::Undecide(d) => format!("reopen {}", quote(&d.text)),
        Edit::SetConflicts(_) => "settle a merge conflict".to_owned(),
        Edit::Batch(edits) => describe_batch(edits, layer),
    }
}

/// A step of several edits: its decision when it settles a disagreement, else the spans it
/// adds or removes, else its first edit and how many more.
fn describe_batch(edits: &[Edit], layer: &Layer) -> String {
    if let Some(decision) = edits.iter().find(|e| matches!(e, Edit::Decide(_))) {
        return describe(decision, layer);
    }
    let meaningful: Vec<&Edit> = edits
        .iter()
        .filter(|e| !matches!(e, Edit::Batch(inner) if inner.is_empty()))
        .collect();
    let added: Vec<&crate::annotation::Span> = meaningful
        .iter()
        .filter_map(|e| match e {
            Edit::AddSpan(s) => Some(s),
            _ => None,
        })
        .collect();
    let removed = meaningful
        .iter()
        .filter(|e| matches!(e, Edit::RemoveSpan(_)))
        .count();
    let relations = meaningful
        .iter()
        .filter(|e| matches!(e, Edit::AddRelation(_)))
        .count();
    match (meaningful.as_slice(), added.as_slice()) {
        ([], _) => "nothing".to_owned(),
        ([one], _) => describe(one, layer),
        (_, [one]) if removed == 0 && relations == 0 => {
            format!("tag {} on {}", one.label, quote(&one.text))
        }
        (_, [_, ..]) if removed == 0 => {
            let mut out = format!("add {}", count(added.len(), "span", "spans"));
            if relations > 0 {
                out.push_str(&format!(
                    " and {}",
                    count(relations, "relation", "relations")
                ));
            }
            out
        }
        ([first, rest @ ..], _) => format!(
            "{} and {}",
            describe(first, layer),
            count(rest.len(), "more change", "more changes")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::{LabelScheme, Relation, Span};

    fn span(id: u64, start: usize, end: usize, label: &str, text: &str) -> Span {
        Span::new(id, start..end, label, text)
    }

    #[test]
    fn edits_read_as_what_a_person_did() {
        let seoul = span(1, 10, 15, "actor", "Seoul");
        let claim = span(
            2,
            20,
            75,
            "claim",
            "the levee repairs he announced have not begun at all",
        );
        let layer = Layer::from_parts(
            "ana",
            LabelScheme::default(),
            vec![seoul.clone(), claim],
            vec![Relation {
                id: 3,
                from: 1,
                to: 2,
                label: "says".into(),
            }],
        );
        assert_eq!(
            describe(&Edit::AddSpan(seoul.clone()), &layer),
            "tag actor on ‘Seoul’"
        );
        assert_eq!(
            describe(&Edit::RemoveSpan(1), &layer),
            "delete actor ‘Seoul’ with 1 relation"
        );
        assert_eq!(
            describe(&Edit::RemoveSpan(2), &layer),
            "delete claim ‘the levee repairs he announced h…’ with 1 relation"
        );
        assert_eq!(
            describe(
                &Edit::Relabel {
                    id: 1,
                    label: "event".into()
                },
                &layer
            ),
            "relabel ‘Seoul’ actor → event"
        );
        assert_eq!(
            describe(&Edit::AddSpans(vec![seoul.clone(), seoul.clone()]), &layer),
            "tag 2 spans"
        );
        assert_eq!(
            describe(&Edit::Batch(vec![Edit::AddSpan(seoul.clone())]), &layer),
            "tag actor on ‘Seoul’"
        );
        assert_eq!(count(1, "relation", "relations"), "1 relation");
        assert_eq!(count(0, "relation", "relations"), "0 relations");
        assert_eq!(quote("a\nb"), "‘a b’");
    }
}
