//! What a merge could not decide: the same span (or relation) changed differently on both
//! sides, or deleted on one side and changed (or linked to) on the other. The merged file
//! keeps one version in its lists — the changed one, so nothing is lost — and lists both
//! versions under `conflicts:` until the user picks one.

use serde::{Deserialize, Serialize};

use crate::annotation::{Relation, Span};

/// One side's version of a conflicting item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Version {
    /// This side deleted it.
    Deleted,
    /// This side's span.
    Span(Span),
    /// This side's relation.
    Relation(Relation),
}

/// A conflict a merge left for the user, with both versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// The id of the span or relation both sides changed.
    pub id: u64,
    /// The version of the branch merged into (git's "ours", the clone that ran the merge).
    pub ours: Version,
    /// The version of the branch merged in (git's "theirs").
    pub theirs: Version,
}

impl Version {
    /// A short description for messages.
    pub fn describe(&self) -> String {
        match self {
            Self::Deleted => "deleted".to_owned(),
            Self::Span(s) => {
                let mut out = format!("{}..{} {} {:?}", s.start, s.end, s.label, s.text);
                if let Some(note) = &s.note {
                    out.push_str(&format!(" (note {note:?})"));
                }
                out
            }
            Self::Relation(r) => format!("{} -> {} {}", r.from, r.to, r.label),
        }
    }
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = if matches!(self.ours, Version::Relation(_))
            || matches!(self.theirs, Version::Relation(_))
        {
            "relation"
        } else {
            "span"
        };
        write!(
            f,
            "{what} {}: merge conflict — ours: {}; theirs: {}. Keep the version you want in the \
             file's lists and delete this entry from `conflicts:`",
            self.id,
            self.ours.describe(),
            self.theirs.describe()
        )
    }
}
