//! Reading a project file: RON parsed into the [`Project`], with errors that name the line
//! and column, and its labels and relation types checked.

use crate::annotation::{LabelScheme, parse_hex_color, validate_label_name};
use std::path::Path;

use super::*;

/// Parses and checks the text of a project file (`path` only names it in messages).
pub fn parse(text: &str, path: &Path) -> Result<Project, ProjectError> {
    // A byte-order mark (some Windows editors add one) is not part of the RON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let invalid = |(line, column): (usize, usize), message: String| ProjectError::Invalid {
        path: path.to_path_buf(),
        line,
        column,
        message,
    };
    let options = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(16);
    let project: Project = options
        .from_str(text)
        .map_err(|e| invalid((e.span.start.line, e.span.start.col), e.code.to_string()))?;
    let locate = Locator { text };
    if project.version != VERSION {
        return Err(invalid(
            locate.word("version", 0),
            format!(
                "version {} is not one this spantag reads (it reads {VERSION})",
                project.version
            ),
        ));
    }
    // Where each label's entry is: the quoted name, searched in order from `labels`.
    let labels_at = locate.word("labels", 0);
    let mut cursor = locate.offset(labels_at);
    let mut seen_keys: Vec<(Key, &str)> = Vec::new();
    for (i, label) in project.labels.iter().enumerate() {
        let name_at = locate.quoted(&label.name, cursor);
        let entry = locate.entry_start(cursor, name_at);
        cursor = locate.offset(name_at).max(cursor) + 1;
        if let Err(e) = validate_label_name(&label.name) {
            return Err(invalid(name_at, format!("label {}: {e}", i + 1)));
        }
        if project.labels[..i].iter().any(|l| l.name == label.name) {
            return Err(invalid(
                name_at,
                format!("label {:?} is defined twice", label.name),
            ));
        }
        if parse_hex_color(&label.color).is_none() {
            return Err(invalid(
                locate.quoted(&label.color, entry),
                format!(
                    "label {:?}: colour {:?} is not #rrggbb (six hex digits)",
                    label.name, label.color
                ),
            ));
        }
        for (k, attribute) in label.attributes.iter().enumerate() {
            let at = locate.quoted(&attribute.name, entry);
            let problem = attribute_problem(&label.attributes[..k], attribute);
            if let Some(problem) = problem {
                return Err(invalid(
                    at,
                    format!(
                        "label {:?}, attribute {:?}: {problem}",
                        label.name, attribute.name
                    ),
                ));
            }
        }
        if let Some(key) = label.key {
            if let Some((_, other)) = seen_keys.iter().find(|(k, _)| *k == key) {
                return Err(invalid(
                    locate.word("key", entry),
                    format!(
                        "label {:?}: key {} is already {other:?}'s",
                        label.name,
                        key.char()
                    ),
                ));
            }
            seen_keys.push((key, &label.name));
        }
    }
    let types_at = locate.word("relation_types", 0);
    let mut cursor = locate.offset(types_at);
    let defaults = LabelScheme::default();
    for (i, relation_type) in project.relation_types.iter().enumerate() {
        let name_at = locate.quoted(&relation_type.name, cursor);
        let entry = locate.entry_start(cursor, name_at);
        cursor = locate.offset(name_at).max(cursor) + 1;
        if let Err(e) = validate_label_name(&relation_type.name) {
            return Err(invalid(name_at, format!("relation type {}: {e}", i + 1)));
        }
        if project.relation_types[..i]
            .iter()
            .any(|t| t.name == relation_type.name)
        {
            return Err(invalid(
                name_at,
                format!("relation type {:?} is defined twice", relation_type.name),
            ));
        }
        for label in relation_type.from.iter().chain(&relation_type.to) {
            let known = if project.labels.is_empty() {
                defaults.get(label).is_some()
            } else {
                project.label(label).is_some()
            };
            if !known {
                return Err(invalid(
                    locate.quoted(label, entry),
                    format!(
                        "relation type {:?} names the label {label:?}, which the project does not define",
                        relation_type.name
                    ),
                ));
            }
        }
    }
    for (i, event) in project.events.iter().enumerate() {
        let at = locate.quoted(&event.label, locate.offset(locate.word("events", 0)));
        if project.label(&event.label).is_none() {
            return Err(invalid(
                at,
                format!(
                    "event type {:?} names a label the project does not define",
                    event.label
                ),
            ));
        }
        if project.events[..i].iter().any(|e| e.label == event.label) {
            return Err(invalid(
                at,
                format!("event type {:?} is defined twice", event.label),
            ));
        }
        for (k, role) in event.roles.iter().enumerate() {
            if let Err(e) = validate_label_name(role) {
                return Err(invalid(
                    at,
                    format!("event type {:?}, role {}: {e}", event.label, k + 1),
                ));
            }
            if event.roles[..k].contains(role) {
                return Err(invalid(
                    at,
                    format!(
                        "event type {:?}: the role {role:?} is listed twice",
                        event.label
                    ),
                ));
            }
        }
    }
    Ok(project)
}

/// What is wrong with an attribute declared after `before` (of the same label), if anything.
fn attribute_problem(before: &[Attribute], attribute: &Attribute) -> Option<String> {
    if let Err(e) = validate_label_name(&attribute.name) {
        return Some(e.to_string());
    }
    if before.iter().any(|a| a.name == attribute.name) {
        return Some("declared twice".to_owned());
    }
    if let Some(value) = attribute.values.iter().find(|v| v.trim().is_empty()) {
        return Some(format!("the value {value:?} is blank"));
    }
    for (i, value) in attribute.values.iter().enumerate() {
        if attribute.values[..i].contains(value) {
            return Some(format!("the value {value:?} is listed twice"));
        }
    }
    if let Some(default) = &attribute.default
        && !attribute.allows(default)
    {
        return Some(if attribute.is_flag() {
            format!("a flag's default can only be {FLAG_SET:?}, not {default:?}")
        } else {
            format!(
                "the default {default:?} is not one of its values ({})",
                attribute.values.join(", ")
            )
        });
    }
    if let Some(key) = attribute.key {
        if !key.is_ascii_lowercase() {
            return Some(format!("its key {key:?} must be a lower-case letter a-z"));
        }
        if RESERVED_KEYS.contains(&key) {
            return Some(format!(
                "its key {key:?} is one of the app's own ({}); pick another letter",
                RESERVED_KEYS.iter().collect::<String>()
            ));
        }
        if let Some(other) = before.iter().find(|a| a.key == Some(key)) {
            return Some(format!("its key {key:?} is already {:?}'s", other.name));
        }
    }
    None
}

/// Finds positions in the file's text for messages about what serde already parsed.
struct Locator<'a> {
    text: &'a str,
}

impl Locator<'_> {
    /// The line and column of the first `"s"` (as RON writes `s`) at or after byte `from`;
    /// where it is not found (escapes written differently), the position of `from`.
    fn quoted(&self, s: &str, from: usize) -> (usize, usize) {
        let needle = format!("{s:?}");
        self.find(&needle, from)
    }

    /// The line and column of the first `word` that is a whole identifier at or after `from`.
    fn word(&self, word: &str, from: usize) -> (usize, usize) {
        let mut at = from;
        while let Some(found) = self.text.get(at..).and_then(|t| t.find(word)) {
            let start = at + found;
            let end = start + word.len();
            let ident = |c: char| c.is_alphanumeric() || c == '_';
            let before = self.text[..start].chars().next_back().is_some_and(ident);
            let after = self.text[end..].chars().next().is_some_and(ident);
            if !before && !after {
                return self.position(start);
            }
            at = end;
        }
        self.position(from)
    }

    /// Where the entry whose name is at `name_at` begins: the last `(` between `from` and the
    /// name (else the name itself), so that its other fields are searched from there.
    fn entry_start(&self, from: usize, name_at: (usize, usize)) -> usize {
        let name = self.offset(name_at);
        self.text
            .get(from..name)
            .and_then(|t| t.rfind('('))
            .map_or(name, |i| from + i)
    }

    fn find(&self, needle: &str, from: usize) -> (usize, usize) {
        match self.text.get(from..).and_then(|t| t.find(needle)) {
            Some(found) => self.position(from + found),
            None => self.position(from),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn position(&self, offset: usize) -> (usize, usize) {
        let before = self.text.get(..offset).unwrap_or(self.text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }

    /// The byte offset of a line and column from [`Self::position`].
    fn offset(&self, (line, column): (usize, usize)) -> usize {
        let line_start: usize = self
            .text
            .split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(str::len)
            .sum();
        let rest = self.text.get(line_start..).unwrap_or("");
        line_start
            + rest
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(rest.len(), |(i, _)| i)
    }
}
