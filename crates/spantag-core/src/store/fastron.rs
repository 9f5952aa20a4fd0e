//! A fast reader for annotation files in the shape spantag writes.
//!
//! The `ron` crate is general and about ten times slower than `serde_json` on 100k spans.
//! This reader accepts the annotation file schema only — fields in any order, any white
//! space, trailing commas, `//` line comments — and returns `None` on anything else (an
//! unknown field, a raw string, an unusual escape, a syntax error), in which case the caller
//! parses with the `ron` crate, which also produces the error message with line and column.
//! For every input it accepts, it gives exactly what `ron` gives (a property test checks).

use super::AnnotationFile;
use crate::annotation::{Equivalence, Event, EventArg, Label, Rejection, Relation, Span};

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn skip_ws(&mut self) {
        loop {
            while self.pos < self.bytes.len() && self.bytes[self.pos].is_ascii_whitespace() {
                self.pos += 1;
            }
            if self.bytes.get(self.pos) == Some(&b'/')
                && self.bytes.get(self.pos + 1) == Some(&b'/')
            {
                while self.pos < self.bytes.len() && self.bytes[self.pos] != b'\n' {
                    self.pos += 1;
                }
            } else {
                return;
            }
        }
    }

    /// Exactly these bytes, here (no white space skipped). A fixed-size array, so that the
    /// comparison is a few inline loads rather than a call to `memcmp` (six per span line).
    fn literal<const N: usize>(&mut self, expected: &[u8; N]) -> Option<()> {
        let here: &[u8; N] = self.bytes.get(self.pos..self.pos + N)?.try_into().ok()?;
        (here == expected).then(|| self.pos += N)
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.skip_ws();
        (self.bytes.get(self.pos) == Some(&byte)).then(|| self.pos += 1)
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.bytes.get(self.pos).copied()
    }

    fn ident(&mut self) -> Option<&'a str> {
        self.skip_ws();
        let start = self.pos;
        while self.pos < self.bytes.len()
            && (self.bytes[self.pos].is_ascii_alphanumeric() || self.bytes[self.pos] == b'_')
        {
            self.pos += 1;
        }
        (self.pos > start).then(|| &self.text[start..self.pos])
    }

    fn uint(&mut self) -> Option<u64> {
        self.skip_ws();
        let start = self.pos;
        let mut value: u64 = 0;
        while let Some(&b) = self.bytes.get(self.pos).filter(|b| b.is_ascii_digit()) {
            value = value.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
            self.pos += 1;
        }
        // Leading zeros, signs, underscores, floats and hex are left to `ron`.
        let digits = self.pos - start;
        if digits == 0 || (digits > 1 && self.bytes[start] == b'0') {
            return None;
        }
        if matches!(
            self.bytes.get(self.pos),
            Some(b'_' | b'.' | b'e' | b'E' | b'x' | b'b' | b'o')
        ) {
            return None;
        }
        Some(value)
    }

    fn bool(&mut self) -> Option<bool> {
        self.skip_ws();
        let rest = &self.bytes[self.pos..];
        let (value, len) = if rest.starts_with(b"true") {
            (true, 4)
        } else if rest.starts_with(b"false") {
            (false, 5)
        } else {
            return None;
        };
        if rest
            .get(len)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            return None;
        }
        self.pos += len;
        Some(value)
    }

    fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.uint()?).ok()
    }

    fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.uint()?).ok()
    }

    fn string(&mut self) -> Option<String> {
        self.skip_ws();
        if self.bytes.get(self.pos) != Some(&b'"') {
            return None;
        }
        self.pos += 1;
        // Most strings hold no escape: one vectorised search finds their end.
        let end = self.pos + memchr::memchr2(b'"', b'\\', &self.bytes[self.pos..])?;
        if self.bytes[end] == b'"' {
            let out = self.text[self.pos..end].to_owned();
            self.pos = end + 1;
            return Some(out);
        }
        let mut out = String::new();
        let mut run = self.pos;
        loop {
            let b = *self.bytes.get(self.pos)?;
            match b {
                b'"' => {
                    out.push_str(&self.text[run..self.pos]);
                    self.pos += 1;
                    return Some(out);
                }
                b'\\' => {
                    out.push_str(&self.text[run..self.pos]);
                    self.pos += 1;
                    let e = *self.bytes.get(self.pos)?;
                    self.pos += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'0' => out.push('\0'),
                        b'u' => {
                            if self.bytes.get(self.pos) != Some(&b'{') {
                                return None;
                            }
                            let close =
                                self.bytes[self.pos..].iter().position(|&c| c == b'}')? + self.pos;
                            let hex = &self.text[self.pos + 1..close];
                            if hex.is_empty()
                                || hex.len() > 6
                                || !hex.bytes().all(|c| c.is_ascii_hexdigit())
                            {
                                return None;
                            }
                            out.push(char::from_u32(u32::from_str_radix(hex, 16).ok()?)?);
                            self.pos = close + 1;
                        }
                        _ => return None,
                    }
                    run = self.pos;
                }
                _ => self.pos += 1,
            }
        }
    }

    /// `(name: value, …)` with a callback per field; rejects duplicate or unknown fields
    /// through the callback's `None`.
    fn fields(&mut self, mut field: impl FnMut(&mut Self, &str) -> Option<()>) -> Option<()> {
        self.eat(b'(')?;
        loop {
            if self.eat(b')').is_some() {
                return Some(());
            }
            let name = self.ident()?;
            self.eat(b':')?;
            field(self, name)?;
            if self.eat(b',').is_none() {
                return self.eat(b')');
            }
        }
    }

    fn list<T>(&mut self, item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        self.list_sized(0, item)
    }

    /// [`Self::list`] with room for `capacity` items from the start (one line per item in
    /// written files: counting lines saves the growing copies of a 10k-span list).
    fn list_sized<T>(
        &mut self,
        capacity: usize,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        self.eat(b'[')?;
        let mut out = Vec::with_capacity(capacity);
        loop {
            if self.eat(b']').is_some() {
                return Some(out);
            }
            out.push(item(self)?);
            if self.eat(b',').is_none() {
                self.eat(b']')?;
                return Some(out);
            }
        }
    }

    /// A map of strings to strings, `{"a": "b", …}` (a later key replaces an earlier one,
    /// as `ron` reads it into a map).
    fn string_map(&mut self) -> Option<std::collections::BTreeMap<String, String>> {
        self.eat(b'{')?;
        let mut out = std::collections::BTreeMap::new();
        loop {
            if self.eat(b'}').is_some() {
                return Some(out);
            }
            let key = self.string()?;
            self.eat(b':')?;
            let value = self.string()?;
            out.insert(key, value);
            if self.eat(b',').is_none() {
                self.eat(b'}')?;
                return Some(out);
            }
        }
    }

    /// A list of `(start, end)` pairs.
    fn pairs(&mut self) -> Option<Vec<(usize, usize)>> {
        self.list(|p| {
            p.eat(b'(')?;
            let a = p.usize()?;
            p.eat(b',')?;
            let b = p.usize()?;
            // A trailing comma, as `ron` allows.
            let _ = p.eat(b',');
            p.eat(b')')?;
            Some((a, b))
        })
    }

    fn option_string(&mut self) -> Option<Option<String>> {
        match self.ident()? {
            "None" => Some(None),
            "Some" => {
                self.eat(b'(')?;
                let s = self.string()?;
                self.eat(b')')?;
                Some(Some(s))
            }
            _ => None,
        }
    }
}

fn set<T>(slot: &mut Option<T>, value: Option<T>) -> Option<()> {
    if slot.is_some() {
        return None; // a duplicate field: let `ron` report it
    }
    *slot = Some(value?);
    Some(())
}

/// A span as the canonical writer puts it on its line — `(id: 1, start: 0, end: 5, label:
/// "…", text: "…")`, maybe with `, note: Some("…")` — read without matching field names;
/// then `, attrs: {…}` and `, fragments: […]` when present; anything else goes to the
/// general reader.
fn span(p: &mut Parser<'_>) -> Option<Span> {
    let at = p.pos;
    if let Some(span) = canonical_span(p) {
        return Some(span);
    }
    p.pos = at;
    any_span(p)
}

fn canonical_span(p: &mut Parser<'_>) -> Option<Span> {
    p.skip_ws();
    p.literal(b"(id: ")?;
    let id = p.uint()?;
    p.literal(b", start: ")?;
    let start = p.usize()?;
    p.literal(b", end: ")?;
    let end = p.usize()?;
    p.literal(b", label: ")?;
    let label = p.string()?;
    p.literal(b", text: ")?;
    let text = p.string()?;
    let note = if p.literal(b", note: Some(").is_some() {
        let note = p.string()?;
        p.literal(b")")?;
        Some(note)
    } else {
        None
    };
    let mut span = Span::new(id, start..end, label, text).with_note(note);
    if p.literal(b", attrs: ").is_some() {
        span.attrs = p.string_map()?;
    }
    if p.literal(b", fragments: ").is_some() {
        span.fragments = p.pairs()?;
    }
    p.literal(b")")?;
    Some(span)
}

fn any_span(p: &mut Parser<'_>) -> Option<Span> {
    let (mut id, mut start, mut end, mut label, mut text, mut note) =
        (None, None, None, None, None, None);
    let (mut attrs, mut fragments) = (None, None);
    p.fields(|p, name| match name {
        "id" => set(&mut id, p.uint()),
        "start" => set(&mut start, p.usize()),
        "end" => set(&mut end, p.usize()),
        "label" => set(&mut label, p.string()),
        "text" => set(&mut text, p.string()),
        "note" => set(&mut note, p.option_string()),
        "attrs" => set(&mut attrs, p.string_map()),
        "fragments" => set(&mut fragments, p.pairs()),
        _ => None,
    })?;
    let mut span = Span::new(id?, start?..end?, label?, text?).with_note(note.flatten());
    span.attrs = attrs.unwrap_or_default();
    span.fragments = fragments.unwrap_or_default();
    Some(span)
}

fn event(p: &mut Parser<'_>) -> Option<Event> {
    let (mut id, mut label, mut trigger, mut args, mut attrs, mut note) =
        (None, None, None, None, None, None);
    p.fields(|p, name| match name {
        "id" => set(&mut id, p.uint()),
        "label" => set(&mut label, p.string()),
        "trigger" => set(&mut trigger, p.uint()),
        "args" => set(&mut args, p.list(event_arg)),
        "attrs" => set(&mut attrs, p.string_map()),
        "note" => set(&mut note, p.option_string()),
        _ => None,
    })?;
    Some(Event {
        id: id?,
        label: label?,
        trigger: trigger?,
        args: args.unwrap_or_default(),
        attrs: attrs.unwrap_or_default(),
        note: note.flatten(),
    })
}

fn event_arg(p: &mut Parser<'_>) -> Option<EventArg> {
    let (mut role, mut to) = (None, None);
    p.fields(|p, name| match name {
        "role" => set(&mut role, p.string()),
        "to" => set(&mut to, p.uint()),
        _ => None,
    })?;
    Some(EventArg {
        role: role?,
        to: to?,
    })
}

fn equivalence(p: &mut Parser<'_>) -> Option<Equivalence> {
    let (mut label, mut members) = (None, None);
    p.fields(|p, name| match name {
        "label" => set(&mut label, p.string()),
        "members" => set(&mut members, p.list(Parser::uint)),
        _ => None,
    })?;
    Some(Equivalence {
        label: label?,
        members: members?,
    })
}

fn label(p: &mut Parser<'_>) -> Option<Label> {
    let (mut name, mut color) = (None, None);
    p.fields(|p, field| match field {
        "name" => set(&mut name, p.string()),
        "color" => set(&mut color, p.string()),
        _ => None,
    })?;
    Some(Label {
        name: name?,
        color: color?,
    })
}

fn relation(p: &mut Parser<'_>) -> Option<Relation> {
    let (mut id, mut from, mut to, mut label) = (None, None, None, None);
    p.fields(|p, name| match name {
        "id" => set(&mut id, p.uint()),
        "from" => set(&mut from, p.uint()),
        "to" => set(&mut to, p.uint()),
        "label" => set(&mut label, p.string()),
        _ => None,
    })?;
    Some(Relation {
        id: id?,
        from: from?,
        to: to?,
        label: label?,
    })
}

fn rejection(p: &mut Parser<'_>) -> Option<Rejection> {
    let (mut start, mut end, mut label, mut text) = (None, None, None, None);
    p.fields(|p, name| match name {
        "start" => set(&mut start, p.usize()),
        "end" => set(&mut end, p.usize()),
        "label" => set(&mut label, p.string()),
        "text" => set(&mut text, p.string()),
        _ => None,
    })?;
    Some(Rejection {
        start: start?,
        end: end?,
        label: label?,
        text: text?,
    })
}

fn decision(p: &mut Parser<'_>) -> Option<crate::review::decision::Decision> {
    let (mut start, mut end, mut outcome, mut annotator, mut text) = (None, None, None, None, None);
    p.fields(|p, name| match name {
        "start" => set(&mut start, p.usize()),
        "end" => set(&mut end, p.usize()),
        "outcome" => set(&mut outcome, p.string()),
        "annotator" => set(&mut annotator, p.string()),
        "text" => set(&mut text, p.string()),
        _ => None,
    })?;
    Some(crate::review::decision::Decision {
        start: start?,
        end: end?,
        outcome: outcome?,
        annotator: annotator.unwrap_or_default(),
        text: text?,
    })
}

/// Parses an annotation file, or `None` when the text is outside what this reader handles.
pub fn parse(text: &str) -> Option<AnnotationFile> {
    let mut p = Parser {
        bytes: text.as_bytes(),
        text,
        pos: 0,
    };
    if p.peek() == Some(b'#') {
        return None; // `#![enable(…)]` extensions
    }
    let (mut version, mut source, mut source_hash, mut annotator) = (None, None, None, None);
    let (mut labels, mut spans, mut relations, mut orphans) = (None, None, None, None);
    let (mut done, mut rejected, mut decisions) = (None, None, None);
    let (mut events, mut equivalences) = (None, None);
    p.fields(|p, name| match name {
        "version" => set(&mut version, p.u32()),
        "source" => set(&mut source, p.string()),
        "source_hash" => set(&mut source_hash, p.string()),
        "annotator" => set(&mut annotator, p.string()),
        "done" => set(&mut done, p.bool()),
        "labels" => set(&mut labels, p.list(label)),
        "spans" => {
            let lines = memchr::memchr_iter(b'\n', &p.bytes[p.pos..]).count();
            set(&mut spans, p.list_sized(lines, span))
        }
        "relations" => set(&mut relations, p.list(relation)),
        "orphans" => set(&mut orphans, p.list(span)),
        "rejected" => set(&mut rejected, p.list(rejection)),
        "decisions" => set(&mut decisions, p.list(decision)),
        "events" => set(&mut events, p.list(event)),
        "equivalences" => set(&mut equivalences, p.list(equivalence)),
        _ => None,
    })?;
    p.skip_ws();
    if p.pos != p.bytes.len() {
        return None;
    }
    Some(AnnotationFile {
        version: version?,
        source: source?,
        source_hash: source_hash?,
        annotator: annotator?,
        done: done.unwrap_or(false),
        labels: labels.unwrap_or_default(),
        spans: spans?,
        relations: relations.unwrap_or_default(),
        events: events.unwrap_or_default(),
        equivalences: equivalences.unwrap_or_default(),
        orphans: orphans.unwrap_or_default(),
        rejected: rejected.unwrap_or_default(),
        decisions: decisions.unwrap_or_default(),
        // An unknown field returns `None` above: the `ron` path collects them.
        unknown: crate::unknown::Unknown::default(),
        // A file with conflicts (rare: a merge left them) is read by the `ron` crate.
        conflicts: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn via_ron(text: &str) -> Option<AnnotationFile> {
        ron::Options::default().from_str(text).ok()
    }

    #[test]
    fn agrees_with_ron_on_written_files_and_variants() {
        let text = r##"(
    version: 1,
    source: "a.txt",
    source_hash: "sha256:00",
    annotator: "alice",
    labels: [
        (name: "claim", color: "#4e79a7"),
    ],
    spans: [
        (id: 1, start: 0, end: 5, label: "claim", text: "he said \"no\"\n\\ \u{1f44b} \t", note: Some("n")),
        (id: 2, start: 1, end: 2, label: "claim", text: "é", note: None),
    ],
    relations: [(id: 3, from: 1, to: 2, label: "says")],
    rejected: [(start: 1, end: 2, label: "claim", text: "é")],
)
"##;
        let fast = parse(text).expect("fast path");
        assert_eq!(Some(fast), via_ron(text));
        let commented = text.replace("    spans: [", "    // a comment\n    spans: [");
        assert_eq!(parse(&commented), via_ron(&commented));
        let reordered =
            "(spans: [], annotator: \"a\", source_hash: \"h\", source: \"s\", version: 1)";
        assert_eq!(parse(reordered), via_ron(reordered));
        assert!(parse(reordered).is_some());
    }

    #[test]
    fn declines_what_it_does_not_handle() {
        for text in [
            "(version: 1, source: \"a\", source_hash: \"h\", annotator: \"a\", spans: [], extra: 1)",
            "(version: 1, source: r\"a\", source_hash: \"h\", annotator: \"a\", spans: [])",
            "(version: 1, source: \"\\x41\", source_hash: \"h\", annotator: \"a\", spans: [])",
            "(version: 01, source: \"a\", source_hash: \"h\", annotator: \"a\", spans: [])",
            "(version: 1, version: 1, source: \"a\", source_hash: \"h\", annotator: \"a\", spans: [])",
            "(version: 1, source: \"a\", source_hash: \"h\", annotator: \"a\", spans: [",
            "#![enable(implicit_some)]\n(version: 1)",
            "",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }
}
