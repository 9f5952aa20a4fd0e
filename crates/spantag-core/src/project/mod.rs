//! The project file, `spantag.ron`: the label scheme a team shares for a folder of documents.
//!
//! It lives in the documents' folder or any parent folder ([`find`]); the nearest one wins.
//! It holds each label's name, colour, key and description, and the relation types with the
//! labels they may link:
//!
//! ```ron
//! (
//!     version: 1,
//!     labels: [
//!         (name: "claim", color: "#4e79a7", key: Some('1'), description: Some("Something asserted as true")),
//!         (name: "actor", color: "#e15759", key: Some('2')),
//!         (name: "event", color: "#59a14f"),
//!     ],
//!     relation_types: [
//!         (name: "says", from: ["actor"], to: ["claim"]),
//!         (name: "about", from: [], to: []),
//!     ],
//! )
//! ```
//!
//! `key` and `description` may be left out; a key is a digit `'1'`–`'9'` (written as a char,
//! a string or a number). Empty `from` or `to` lists allow any label. Without a
//! `relation_types` field the defaults apply: `says` actor → claim and `participates`
//! actor → event (each only when the labels it names exist).
//!
//! [`load`] reports every problem with a line and column: broken RON, a colour that is not
//! `#rrggbb`, two labels with one name or one key, a relation type naming an unknown label.
//! Nothing here writes the file; a caller that gets an error uses the scheme it would use
//! without a project file ([`resolve`]).

use std::path::{Path, PathBuf};

mod parse;
pub use parse::parse;

use serde::{Deserialize, Serialize};

use crate::annotation::{Label, LabelScheme};

/// The project file's name.
pub const FILE_NAME: &str = "spantag.ron";

/// The version this spantag writes and reads.
pub const VERSION: u32 = 1;

/// A project file's contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "ProjectFile")]
pub struct Project {
    /// The file format's version ([`VERSION`]).
    pub version: u32,
    /// The labels, in the order the palette shows them (see [`effective_scheme`] for keys).
    pub labels: Vec<ProjectLabel>,
    /// The relation types. When the file has no `relation_types` field,
    /// [`default_relation_types`] (restricted to the labels that exist).
    pub relation_types: Vec<RelationType>,
    /// The team's model command (`spantag suggest --project-model` runs it; never run
    /// without being asked, since the file may come from a shared folder).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The event types: spans of a label that trigger events, with the roles their
    /// arguments may take (`(label: "event", roles: ["Participant", "Place"])`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<EventType>,
}

/// Spans of `label` trigger events whose arguments take one of `roles` (brat's `E` lines).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventType {
    /// The trigger's label, and the event's type.
    pub label: String,
    /// The roles an argument may take.
    pub roles: Vec<String>,
}

/// The file as read, before the default relation types are filled in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectFile {
    version: u32,
    #[serde(default)]
    labels: Vec<ProjectLabel>,
    #[serde(default, deserialize_with = "present")]
    relation_types: Option<Vec<RelationType>>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    events: Vec<EventType>,
}

/// A field that is there (`None` only when it is missing).
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<RelationType>>, D::Error> {
    Vec::deserialize(deserializer).map(Some)
}

impl From<ProjectFile> for Project {
    fn from(file: ProjectFile) -> Self {
        let mut project = Self {
            version: file.version,
            labels: file.labels,
            relation_types: Vec::new(),
            model: file.model,
            events: file.events,
        };
        project.relation_types = file
            .relation_types
            .unwrap_or_else(|| project.default_relation_types());
        project
    }
}

/// One label of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectLabel {
    /// Its name, as written into annotation files.
    pub name: String,
    /// Its colour, `#rrggbb`.
    pub color: String,
    /// Its hotkey.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<Key>,
    /// What it is for, shown to annotators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The attributes a span of this label may carry (`negated`, `certainty`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
}

/// An attribute a span may carry: a flag (set or not) or one of a list of values.
///
/// ```ron
/// attributes: [
///     (name: "negated", key: Some('g')),
///     (name: "certainty", values: ["certain", "probable", "hedged"], default: Some("certain"), key: Some('c')),
/// ]
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attribute {
    /// Its name, as written into annotation files and exports.
    pub name: String,
    /// The values it may take; empty: a flag, written `"true"` when set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// What a span has when the attribute is not set (shown faintly, never written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// The letter that sets it on the selected span in the app: a flag is switched on and
    /// off, a list steps to its next value (after the last: unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<char>,
}

/// The value a flag attribute has when set.
pub const FLAG_SET: &str = "true";

/// Letters the app keeps for itself (relate, next disagreement, reject, add a piece), which
/// an attribute's key cannot take.
pub const RESERVED_KEYS: [char; 4] = ['r', 'n', 'x', 'g'];

impl Attribute {
    /// Whether it is a flag (no list of values).
    pub fn is_flag(&self) -> bool {
        self.values.is_empty()
    }

    /// The value after `current` when its key is pressed: a flag switches, a list steps
    /// through its values and then to unset.
    pub fn next_value(&self, current: Option<&str>) -> Option<String> {
        if self.is_flag() {
            return current.is_none().then(|| FLAG_SET.to_owned());
        }
        match current.and_then(|c| self.values.iter().position(|v| v == c)) {
            Some(i) => self.values.get(i + 1).cloned(),
            None => self.values.first().cloned(),
        }
    }

    /// Whether `value` is one this attribute takes.
    pub fn allows(&self, value: &str) -> bool {
        if self.is_flag() {
            value == FLAG_SET
        } else {
            self.values.iter().any(|v| v == value)
        }
    }
}

/// A label hotkey: the digit `1`–`9`. In the file it may be written `'1'`, `"1"` or `1`; it is
/// written back as `'1'`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key(u8);

impl Key {
    /// The key for a digit 1–9.
    pub fn new(digit: u8) -> Option<Self> {
        (1..=9).contains(&digit).then_some(Self(digit))
    }

    /// Its digit, 1–9.
    pub fn digit(self) -> u8 {
        self.0
    }

    /// Its character, `'1'`–`'9'`.
    pub fn char(self) -> char {
        char::from(b'0' + self.0)
    }

    fn from_str(s: &str) -> Option<Self> {
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => c
                .to_digit(10)
                .and_then(|d| u8::try_from(d).ok())
                .and_then(Self::new),
            _ => None,
        }
    }
}

impl Serialize for Key {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_char(self.char())
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        const EXPECTED: &str = "a key '1' to '9'";
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Key;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(EXPECTED)
            }
            fn visit_char<E: serde::de::Error>(self, c: char) -> Result<Key, E> {
                Key::from_str(c.encode_utf8(&mut [0; 4]))
                    .ok_or_else(|| E::invalid_value(serde::de::Unexpected::Char(c), &EXPECTED))
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Key, E> {
                Key::from_str(s)
                    .ok_or_else(|| E::invalid_value(serde::de::Unexpected::Str(s), &EXPECTED))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Key, E> {
                u8::try_from(n)
                    .ok()
                    .and_then(Key::new)
                    .ok_or_else(|| E::invalid_value(serde::de::Unexpected::Unsigned(n), &EXPECTED))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Key, E> {
                u8::try_from(n)
                    .ok()
                    .and_then(Key::new)
                    .ok_or_else(|| E::invalid_value(serde::de::Unexpected::Signed(n), &EXPECTED))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A relation type: its name and the labels its source and target may have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationType {
    /// Its name, as written into annotation files.
    pub name: String,
    /// Labels the source span may have; empty: any.
    #[serde(default)]
    pub from: Vec<String>,
    /// Labels the target span may have; empty: any.
    #[serde(default)]
    pub to: Vec<String>,
}

impl RelationType {
    fn new(name: &str, from: &str, to: &str) -> Self {
        Self {
            name: name.to_owned(),
            from: vec![from.to_owned()],
            to: vec![to.to_owned()],
        }
    }

    /// Whether a relation of this type may go from a span labelled `from` to one labelled
    /// `to`.
    pub fn allows(&self, from: &str, to: &str) -> bool {
        (self.from.is_empty() || self.from.iter().any(|l| l == from))
            && (self.to.is_empty() || self.to.iter().any(|l| l == to))
    }
}

/// The relation types of a project whose file names none: `says` actor → claim and
/// `participates` actor → event.
pub fn default_relation_types() -> Vec<RelationType> {
    vec![
        RelationType::new("says", "actor", "claim"),
        RelationType::new("participates", "actor", "event"),
    ]
}

/// [`default_relation_types`] for a document without a project file, fitted to its labels:
/// the defaults name the default labels, so a label renamed or removed no longer restricts a
/// type (an end left with no label allows any label). Renaming `actor` to `person` keeps
/// `says` usable from a person to a claim.
pub fn default_relation_types_for(scheme: &LabelScheme) -> Vec<RelationType> {
    default_relation_types()
        .into_iter()
        .map(|mut t| {
            t.from.retain(|l| scheme.get(l).is_some());
            t.to.retain(|l| scheme.get(l).is_some());
            t
        })
        .collect()
}

impl Project {
    /// A project with these labels and the default relation types.
    pub fn new(labels: Vec<ProjectLabel>) -> Self {
        let mut project = Self {
            version: VERSION,
            labels,
            relation_types: Vec::new(),
            model: None,
            events: Vec::new(),
        };
        project.relation_types = project.default_relation_types();
        project
    }

    /// A label by name.
    pub fn label(&self, name: &str) -> Option<&ProjectLabel> {
        self.labels.iter().find(|l| l.name == name)
    }

    /// The attributes a span of this label may carry (none for a label the project does
    /// not define).
    pub fn attributes_of(&self, label: &str) -> &[Attribute] {
        self.label(label).map_or(&[], |l| l.attributes.as_slice())
    }

    /// A label's description.
    pub fn description(&self, name: &str) -> Option<&str> {
        self.label(name).and_then(|l| l.description.as_deref())
    }

    /// A relation type by name.
    pub fn relation_type(&self, name: &str) -> Option<&RelationType> {
        self.relation_types.iter().find(|t| t.name == name)
    }

    /// The file's text, as [`load`] reads it.
    pub fn to_ron(&self) -> String {
        let config = ron::ser::PrettyConfig::default()
            .struct_names(false)
            .depth_limit(2);
        ron::ser::to_string_pretty(self, config).unwrap_or_default()
    }

    /// [`default_relation_types`] whose labels all exist in this project (in the default
    /// labels when it defines none).
    fn default_relation_types(&self) -> Vec<RelationType> {
        let defaults = LabelScheme::default();
        let exists = |name: &str| {
            if self.labels.is_empty() {
                defaults.get(name).is_some()
            } else {
                self.label(name).is_some()
            }
        };
        default_relation_types()
            .into_iter()
            .filter(|t| t.from.iter().chain(&t.to).all(|l| exists(l)))
            .collect()
    }
}

/// Why a project file could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProjectError {
    /// The file could not be read.
    #[error("{path}: {message}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        message: String,
    },
    /// The file is not a valid project file.
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

/// A copy of `project` whose labels are `labels`, in this order and with these colours;
/// each label keeps its description, and the first nine get the key of their position, so
/// that [`effective_scheme`] gives back exactly this order. Relation types are kept.
pub fn with_labels(project: &Project, labels: &[Label]) -> Project {
    let mut out = project.clone();
    out.labels = labels
        .iter()
        .enumerate()
        .map(|(i, l)| ProjectLabel {
            name: l.name.clone(),
            color: l.color.clone(),
            key: u8::try_from(i + 1).ok().and_then(Key::new),
            description: project.description(&l.name).map(str::to_owned),
            // Its attributes stay with it, as its description does.
            attributes: project.attributes_of(&l.name).to_vec(),
        })
        .collect();
    out
}

/// The text of a project file for `project`, read back first: a project that would not load
/// the same (`path` names the file in the message) is refused.
pub fn checked_text(project: &Project, path: &Path) -> Result<String, ProjectError> {
    let text = project.to_ron();
    match parse(&text, path) {
        Ok(back) if back == *project => Ok(text),
        Ok(_) => Err(ProjectError::Read {
            path: path.to_path_buf(),
            message: "the written text reads back as a different project; not written".into(),
        }),
        Err(err) => Err(err),
    }
}

/// Writes a project file atomically, keeping the previous one as `.bak`, after
/// [`checked_text`].
pub fn save(path: &Path, project: &Project) -> Result<(), ProjectError> {
    let text = checked_text(project, path)?;
    crate::store::write_atomic(path, text.as_bytes()).map_err(|e| ProjectError::Read {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// The nearest project file: `dir/spantag.ron`, else in its parent, and so on up to the root.
/// `dir` may also be a document, whose folder is searched first.
pub fn find(dir: &Path) -> Option<PathBuf> {
    let start = if dir.is_file() { dir.parent()? } else { dir };
    start
        .ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// Reads and checks a project file.
pub fn load(path: &Path) -> Result<Project, ProjectError> {
    let text = crate::readfile::read_regular_string(path).map_err(|e| ProjectError::Read {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    parse(&text, path)
}

/// The label scheme a document's layers use. Precedence, first that applies:
///
/// 1. **The project file** (`project` is `Some` and defines at least one label): its labels
///    with their colours. A label with a key gets the position of that key (key `'3'`: third,
///    so hotkey 3, since hotkeys go by position); labels without a key fill the free
///    positions in file order. A scheme has no holes, so where fewer labels exist than a key's
///    number the positions close up and that label gets a smaller hotkey. Labels of
///    `file_labels` the project does not define follow, with their file colours, so that no
///    span's label is hidden.
/// 2. **The labels stored in the annotation file** (`file_labels`, non-empty), in their order.
/// 3. **The defaults**: claim (1), actor (2), event (3).
pub fn effective_scheme(project: Option<&Project>, file_labels: &[Label]) -> LabelScheme {
    match project.filter(|p| !p.labels.is_empty()) {
        Some(project) => {
            let count = project.labels.len();
            let mut slots: Vec<Option<&ProjectLabel>> = vec![None; count.max(9)];
            let mut unkeyed = Vec::new();
            for label in &project.labels {
                match label.key {
                    Some(key) if slots[usize::from(key.digit()) - 1].is_none() => {
                        slots[usize::from(key.digit()) - 1] = Some(label);
                    }
                    _ => unkeyed.push(label),
                }
            }
            let mut unkeyed = unkeyed.into_iter();
            for slot in slots.iter_mut().filter(|s| s.is_none()) {
                *slot = unkeyed.next();
            }
            let mut labels: Vec<Label> = slots
                .into_iter()
                .flatten()
                .map(|l| Label {
                    name: l.name.clone(),
                    color: l.color.clone(),
                })
                .collect();
            labels.extend(
                file_labels
                    .iter()
                    .filter(|l| project.label(&l.name).is_none())
                    .cloned(),
            );
            LabelScheme::from_labels(labels)
        }
        None if !file_labels.is_empty() => LabelScheme::from_labels(file_labels.to_vec()),
        None => LabelScheme::default(),
    }
}

/// The scheme for documents in `dir` whose annotation file stores `file_labels`: the nearest
/// project file's ([`find`], [`load`], [`effective_scheme`]). A project file that cannot be
/// used is returned as the error beside the scheme used instead — the one without a project
/// file (`file_labels`, else the defaults); nothing is written.
pub fn resolve(dir: &Path, file_labels: &[Label]) -> (LabelScheme, Option<ProjectError>) {
    match find(dir).map(|path| load(&path)) {
        Some(Ok(project)) => (effective_scheme(Some(&project), file_labels), None),
        Some(Err(e)) => (effective_scheme(None, file_labels), Some(e)),
        None => (effective_scheme(None, file_labels), None),
    }
}
