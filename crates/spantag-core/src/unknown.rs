//! Fields spantag does not know, kept as they were.
//!
//! A script may add `confidence: 0.5` to a span, another tool a field to the file. spantag
//! reads what it knows and keeps the rest here, by the span's or relation's id, so that every
//! rewrite (a save from the app, `label rename`, `curate`, `check --update`) writes them back
//! unchanged in value, sorted by name, on the same line as their span. Which fields are known
//! is read off the serde definitions themselves, so a field added to them later is known at
//! once.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::annotation::{Relation, Span};

/// Unknown fields of one item, by name.
pub type Fields = BTreeMap<String, ron::Value>;

/// The unknown fields of an annotation file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unknown {
    /// Of the file itself.
    pub file: Fields,
    /// Of spans and orphaned spans, by span id.
    pub spans: BTreeMap<u64, Fields>,
    /// Of relations, by relation id.
    pub relations: BTreeMap<u64, Fields>,
}

impl Unknown {
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.file.is_empty() && self.spans.is_empty() && self.relations.is_empty()
    }

    /// These fields over `other`'s: every field of either, this one's where both have it (a
    /// merge of two versions of a file).
    pub fn merged_over(&self, other: &Self) -> Self {
        let mut out = other.clone();
        out.file.extend(self.file.clone());
        for (id, fields) in &self.spans {
            out.spans.entry(*id).or_default().extend(fields.clone());
        }
        for (id, fields) in &self.relations {
            out.relations.entry(*id).or_default().extend(fields.clone());
        }
        out
    }

    /// The same fields with the items' ids changed by `new_id` (`None`: the item is gone).
    pub fn renumbered(&self, new_id: impl Fn(u64) -> Option<u64>) -> Self {
        let map = |items: &BTreeMap<u64, Fields>| {
            items
                .iter()
                .filter_map(|(id, fields)| Some((new_id(*id)?, fields.clone())))
                .collect()
        };
        Self {
            file: self.file.clone(),
            spans: map(&self.spans),
            relations: map(&self.relations),
        }
    }

    /// Those of `text` (an annotation file's RON) whose names are not among the fields of
    /// `F` (the file), [`Span`] and [`Relation`]. `None` when the text does not parse as RON.
    pub fn of<'de, F: Deserialize<'de>>(text: &str) -> Option<Self> {
        let options = ron::Options::default().with_recursion_limit(32);
        let value: ron::Value = options.from_str(text).ok()?;
        let ron::Value::Map(map) = value else {
            return None;
        };
        let file_fields = field_names::<F>();
        let span_fields = field_names::<Span>();
        let relation_fields = field_names::<Relation>();
        let mut out = Self::default();
        for (key, value) in map.iter() {
            let ron::Value::String(key) = key else {
                continue;
            };
            match key.as_str() {
                "spans" | "orphans" => collect(value, span_fields, &mut out.spans),
                "relations" => collect(value, relation_fields, &mut out.relations),
                _ => {}
            }
            if !file_fields.contains(&key.as_str()) {
                out.file.insert(key.clone(), value.clone());
            }
        }
        Some(out)
    }
}

/// The unknown fields of each item (a struct with an `id`) of a list.
fn collect(list: &ron::Value, known: &[&str], out: &mut BTreeMap<u64, Fields>) {
    let ron::Value::Seq(items) = list else {
        return;
    };
    for item in items {
        let ron::Value::Map(map) = item else {
            continue;
        };
        let mut id = None;
        let mut fields = Fields::new();
        for (key, value) in map.iter() {
            let ron::Value::String(key) = key else {
                continue;
            };
            if key == "id" {
                id = value.clone().into_rust::<u64>().ok();
            } else if !known.contains(&key.as_str()) {
                fields.insert(key.clone(), value.clone());
            }
        }
        if let Some(id) = id
            && !fields.is_empty()
        {
            out.entry(id).or_default().extend(fields);
        }
    }
}

/// Appends `, name: value` for each field (the caller closes the item).
pub fn push_fields(out: &mut String, fields: &Fields) {
    for (name, value) in fields {
        out.push_str(", ");
        out.push_str(name);
        out.push_str(": ");
        out.push_str(&value_text(value));
    }
}

/// A value as one line of RON.
pub fn value_text(value: &ron::Value) -> String {
    ron::to_string(value).unwrap_or_else(|_| "()".to_owned())
}

/// The field names a serde struct declares (what `deserialize_struct` is told).
pub fn field_names<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut recorder = Recorder(&[]);
    let _ = T::deserialize(&mut recorder);
    recorder.0
}

/// A deserializer that only records the field names a struct asks for.
struct Recorder(&'static [&'static str]);

impl<'de> serde::Deserializer<'de> for &mut Recorder {
    type Error = serde::de::value::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(serde::de::Error::custom("field names only"))
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0 = fields;
        Err(serde::de::Error::custom("field names only"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::store::AnnotationFile;

    #[test]
    fn known_fields_come_from_the_definitions() {
        assert_eq!(
            field_names::<Span>(),
            [
                "id",
                "start",
                "end",
                "label",
                "text",
                "note",
                "attrs",
                "fragments"
            ]
        );
        assert!(field_names::<AnnotationFile>().contains(&"source_hash"));
    }

    #[test]
    fn unknown_fields_are_found_by_item() {
        let text = "(version: 1, source: \"a.txt\", source_hash: \"h\", annotator: \"a\", \
                    tool: (name: \"x\", run: 3), spans: [(id: 4, start: 0, end: 1, label: \"l\", \
                    text: \"a\", confidence: 0.5)], relations: [(id: 9, from: 4, to: 4, label: \
                    \"r\", weight: -2)])";
        let unknown = Unknown::of::<AnnotationFile>(text).unwrap();
        assert_eq!(unknown.file.keys().collect::<Vec<_>>(), ["tool"]);
        assert_eq!(value_text(&unknown.spans[&4]["confidence"]), "0.5");
        assert_eq!(value_text(&unknown.relations[&9]["weight"]), "-2");
        // What is written reads back as the same value.
        let tool = value_text(&unknown.file["tool"]);
        let back: ron::Value = ron::from_str(&tool).unwrap();
        assert_eq!(back, unknown.file["tool"], "{tool}");
    }
}
