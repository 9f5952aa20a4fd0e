//! The canonical writer: pretty, deterministic RON with one span per line, escaping only
//! what RON must, so that files read well and diff well in git.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::annotation::{Equivalence, Event, Label, Rejection, Relation, Span};

use super::AnnotationFile;

impl AnnotationFile {
    /// Serialises to pretty, deterministic RON with one span per line.
    pub fn to_ron(&self) -> String {
        let sorted;
        let spans: &[Span] = if self.spans.is_sorted_by(|a, b| a.order(b).is_le()) {
            &self.spans
        } else {
            sorted = {
                let mut v = self.spans.clone();
                v.sort_by(Span::order);
                v
            };
            &sorted
        };
        let mut relations = self.relations.clone();
        relations.sort_by_key(|r| r.id);
        let mut out = String::with_capacity(
            256 + spans
                .iter()
                .map(|s| 64 + s.text.len() + s.label.len())
                .sum::<usize>(),
        );
        out.push_str("(\n");
        let _ = writeln!(out, "    version: {},", self.version);
        for (name, value) in [
            ("source", &self.source),
            ("source_hash", &self.source_hash),
            ("annotator", &self.annotator),
        ] {
            let _ = write!(out, "    {name}: ");
            push_ron_string(&mut out, value);
            out.push_str(",\n");
        }
        if self.done {
            out.push_str("    done: true,\n");
        }
        let none = BTreeMap::new();
        let unknown = &self.unknown;
        write_list(&mut out, "labels", &self.labels, &none);
        write_list(&mut out, "spans", spans, &unknown.spans);
        write_list(&mut out, "relations", &relations, &unknown.relations);
        if !self.events.is_empty() {
            let mut events = self.events.clone();
            events.sort_by_key(|e| e.id);
            write_list(&mut out, "events", &events, &none);
        }
        if !self.equivalences.is_empty() {
            let mut equivalences = self.equivalences.clone();
            equivalences.sort();
            write_list(&mut out, "equivalences", &equivalences, &none);
        }
        if !self.orphans.is_empty() {
            write_list(&mut out, "orphans", &self.orphans, &unknown.spans);
        }
        if !self.rejected.is_empty() {
            let mut rejected = self.rejected.clone();
            rejected.sort();
            write_list(&mut out, "rejected", &rejected, &none);
        }
        if !self.decisions.is_empty() {
            let mut decisions = self.decisions.clone();
            decisions.sort();
            write_list(&mut out, "decisions", &decisions, &none);
        }
        if !self.conflicts.is_empty() {
            let mut conflicts = self.conflicts.clone();
            conflicts.sort_by_key(|c| c.id);
            write_list(&mut out, "conflicts", &conflicts, &none);
        }
        // Fields spantag does not know, as they were, sorted by name.
        for (name, value) in &unknown.file {
            let _ = writeln!(out, "    {name}: {},", crate::unknown::value_text(value));
        }
        out.push_str(")\n");
        out
    }
}

/// A RON string literal. Only what must be escaped is: `"` and `\\` and control characters;
/// every other character (accents, CJK, emoji, apostrophes) stays as it is, for people
/// reading the file or its diff.
pub fn ron_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_ron_string(&mut out, s);
    out
}

/// Appends a RON string literal (see [`ron_string`]).
pub fn push_ron_string(out: &mut String, s: &str) {
    out.push('"');
    let mut run = 0;
    for (i, c) in s.char_indices() {
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            c if c.is_control() || invisible(c) => "",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push_str(escape);
        }
        run = i + c.len_utf8();
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// Characters a reader of the file cannot see or tell from a plain space: other spaces
/// (no-break, thin, ideographic…), zero-width and joiner characters, soft hyphen, direction
/// marks and embeddings, the byte-order mark. They are written as `\u{…}` escapes so that a
/// person reading or diffing the file sees them (both readers decode them back).
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{a0}'
            | '\u{ad}'
            | '\u{34f}'
            | '\u{61c}'
            | '\u{180e}'
            | '\u{2000}'..='\u{200f}'
            | '\u{2028}'..='\u{202f}'
            | '\u{205f}'..='\u{206f}'
            | '\u{3000}'
            | '\u{feff}'
    )
}

/// One line of the file per item, in a fixed field order.
trait RonLine {
    fn ron_line(&self, out: &mut String);

    /// The id its unknown fields are kept under (spans and relations).
    fn id(&self) -> Option<u64> {
        None
    }
}

impl RonLine for Label {
    fn ron_line(&self, out: &mut String) {
        out.push_str("(name: ");
        push_ron_string(out, &self.name);
        out.push_str(", color: ");
        push_ron_string(out, &self.color);
        out.push(')');
    }
}

impl RonLine for Span {
    fn id(&self) -> Option<u64> {
        Some(self.id)
    }

    fn ron_line(&self, out: &mut String) {
        let _ = write!(
            out,
            "(id: {}, start: {}, end: {}, label: ",
            self.id, self.start, self.end
        );
        push_ron_string(out, &self.label);
        out.push_str(", text: ");
        push_ron_string(out, &self.text);
        if let Some(note) = &self.note {
            out.push_str(", note: Some(");
            push_ron_string(out, note);
            out.push(')');
        }
        push_attrs(out, &self.attrs);
        if !self.fragments.is_empty() {
            out.push_str(", fragments: [");
            for (i, (start, end)) in self.fragments.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "({start}, {end})");
            }
            out.push(']');
        }
        out.push(')');
    }
}

impl RonLine for Relation {
    fn id(&self) -> Option<u64> {
        Some(self.id)
    }

    fn ron_line(&self, out: &mut String) {
        let _ = write!(
            out,
            "(id: {}, from: {}, to: {}, label: ",
            self.id, self.from, self.to
        );
        push_ron_string(out, &self.label);
        out.push(')');
    }
}

/// `attrs: {"a": "b", …}` after a comma, when there are any.
fn push_attrs(out: &mut String, attrs: &BTreeMap<String, String>) {
    if attrs.is_empty() {
        return;
    }
    out.push_str(", attrs: {");
    for (i, (key, value)) in attrs.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_ron_string(out, key);
        out.push_str(": ");
        push_ron_string(out, value);
    }
    out.push('}');
}

impl RonLine for Event {
    fn ron_line(&self, out: &mut String) {
        let _ = write!(out, "(id: {}, label: ", self.id);
        push_ron_string(out, &self.label);
        let _ = write!(out, ", trigger: {}", self.trigger);
        if !self.args.is_empty() {
            out.push_str(", args: [");
            for (i, arg) in self.args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str("(role: ");
                push_ron_string(out, &arg.role);
                let _ = write!(out, ", to: {})", arg.to);
            }
            out.push(']');
        }
        push_attrs(out, &self.attrs);
        if let Some(note) = &self.note {
            out.push_str(", note: Some(");
            push_ron_string(out, note);
            out.push(')');
        }
        out.push(')');
    }
}

impl RonLine for Equivalence {
    fn ron_line(&self, out: &mut String) {
        out.push_str("(label: ");
        push_ron_string(out, &self.label);
        out.push_str(", members: [");
        for (i, m) in self.members.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let _ = write!(out, "{m}");
        }
        out.push_str("])");
    }
}

impl RonLine for Rejection {
    fn ron_line(&self, out: &mut String) {
        let _ = write!(out, "(start: {}, end: {}, label: ", self.start, self.end);
        push_ron_string(out, &self.label);
        out.push_str(", text: ");
        push_ron_string(out, &self.text);
        out.push(')');
    }
}

impl RonLine for crate::review::decision::Decision {
    fn ron_line(&self, out: &mut String) {
        let _ = write!(out, "(start: {}, end: {}, outcome: ", self.start, self.end);
        push_ron_string(out, &self.outcome);
        if !self.annotator.is_empty() {
            out.push_str(", annotator: ");
            push_ron_string(out, &self.annotator);
        }
        out.push_str(", text: ");
        push_ron_string(out, &self.text);
        out.push(')');
    }
}

impl RonLine for crate::team::conflict::Conflict {
    fn ron_line(&self, out: &mut String) {
        use crate::team::conflict::Version;
        let _ = write!(out, "(id: {}", self.id);
        for (name, version) in [("ours", &self.ours), ("theirs", &self.theirs)] {
            let _ = write!(out, ", {name}: ");
            match version {
                Version::Deleted => out.push_str("Deleted"),
                Version::Span(span) => {
                    out.push_str("Span(");
                    span.ron_line(out);
                    out.push(')');
                }
                Version::Relation(relation) => {
                    out.push_str("Relation(");
                    relation.ron_line(out);
                    out.push(')');
                }
            }
        }
        out.push(')');
    }
}

fn write_list<T: RonLine>(
    out: &mut String,
    name: &str,
    items: &[T],
    unknown: &BTreeMap<u64, crate::unknown::Fields>,
) {
    if items.is_empty() {
        let _ = writeln!(out, "    {name}: [],");
        return;
    }
    let _ = writeln!(out, "    {name}: [");
    for item in items {
        out.push_str("        ");
        item.ron_line(out);
        if let Some(fields) = item
            .id()
            .filter(|_| !unknown.is_empty())
            .and_then(|id| unknown.get(&id))
            && out.ends_with(')')
        {
            // On the same line, before the closing parenthesis.
            out.pop();
            crate::unknown::push_fields(out, fields);
            out.push(')');
        }
        out.push_str(",\n");
    }
    out.push_str("    ],\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_are_written_escaped_and_read_back() {
        let text = "a\u{a0}b\u{200d}c\u{200b}d\u{feff}e\u{202e}f é 🙂";
        let mut out = String::new();
        push_ron_string(&mut out, text);
        assert_eq!(
            out,
            "\"a\\u{a0}b\\u{200d}c\\u{200b}d\\u{feff}e\\u{202e}f é 🙂\""
        );
        // Both readers decode them: the fast one, and the `ron` crate.
        let file = format!(
            "(version: 1, source: \"d.txt\", source_hash: \"h\", annotator: \"a\", labels: [], spans: [(id: 1, start: 0, end: 13, label: \"x\", text: {out})], relations: [])"
        );
        let fast = crate::store::fastron::parse(&file).unwrap();
        assert_eq!(fast.spans[0].text, text);
        let slow: crate::store::AnnotationFile = ron::from_str(&file).unwrap();
        assert_eq!(slow.spans[0].text, text);
    }
}
