//! A document open in the app: its [`Session`] plus what only the screen needs (the selected
//! span, whether the problems strip is shown).

use spantag_core::annotation::{LabelScheme, Layer};
use spantag_core::session::{LayerId, Session, SpanRef};

/// A document open for annotation.
pub struct OpenDocument {
    /// The document and its layers.
    pub session: Session,
    /// The span whose details are shown.
    pub selected_span: Option<SpanRef>,
    /// Whether the problems found on loading are shown.
    pub show_problems: bool,
    /// The problems strip's figures (problems that are not notices, and what a change of the
    /// source did), kept while every layer's problem list is the same one: the strip is
    /// drawn each frame, and a review layer may list thousands.
    pub problems_summary: Option<(ProblemsKey, usize, Option<String>)>,
}

/// Which problem lists a [`OpenDocument::problems_summary`] was counted from: each layer's
/// list by address and length.
pub type ProblemsKey = Vec<(usize, usize)>;

impl OpenDocument {
    /// A document just opened.
    pub fn new(session: Session) -> Self {
        let show_problems = session.layers().any(|(_, l)| !l.problems().is_empty());
        Self {
            session,
            selected_span: None,
            show_problems,
            problems_summary: None,
        }
    }

    /// The editable layer's id.
    pub fn layer_id(&self) -> &LayerId {
        self.session.editable_id()
    }

    /// The editable layer.
    pub fn layer(&self) -> &Layer {
        self.session.editable().layer()
    }

    /// The labels of every layer (colours, hotkeys).
    pub fn scheme(&self) -> &LabelScheme {
        self.session.scheme()
    }

    /// Spans per label in the editable layer.
    pub fn counts(&self) -> &[(String, usize)] {
        self.session.editable().counts()
    }

    /// A counter that changes with every change of the editable layer.
    pub fn revision(&self) -> u64 {
        self.session.editable().revision()
    }

    /// The selected span's id when it is in the editable layer.
    pub fn selected_own(&self) -> Option<u64> {
        self.selected_span
            .as_ref()
            .filter(|r| r.layer == *self.layer_id())
            .map(|r| r.id)
    }

    /// A reference to a span of the editable layer.
    pub fn own(&self, id: u64) -> SpanRef {
        SpanRef::new(self.layer_id(), id)
    }
}
