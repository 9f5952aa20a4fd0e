//! What the user asked for: panels, menus and keys push [`Command`]s, and the app carries
//! them out after the frame's UI is built (one place changes the model).

use std::path::PathBuf;

use crate::doc_view::ScrollTarget;
use spantag_core::session::{LayerId, SpanRef};

/// Something the user asked for; carried out after the UI of the frame is built.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Open a document (asking first if the current one has unsaved changes).
    Open(PathBuf),
    /// Show the native open dialog.
    OpenDialog,
    /// Save the editable layer.
    Save,
    /// Close the document, back to the start screen.
    CloseDocument,
    /// Quit the app.
    Quit,
    /// Undo the last change of the editable layer.
    Undo,
    /// Redo the last undone change of the editable layer.
    Redo,
    /// Tag the selection with a label, or relabel the selected span.
    Tag(String),
    /// Remove the selected span.
    DeleteSelected,
    /// Select a span (or none), optionally scrolling it into view.
    SelectSpan(Option<SpanRef>, bool),
    /// Set a span's note.
    SetNote(SpanRef, String),
    /// Set one of a span's attributes (`None`: unset it).
    SetAttr(SpanRef, String, Option<String>),
    /// Step the selected span's attribute with this key to its next value.
    CycleAttr(char),
    /// Start adding a piece to the selected span: the next text selection becomes one.
    StartPiece,
    /// Make a span continuous again (one piece from its start to its end).
    JoinPieces(SpanRef),
    /// Make span `.1` an argument of role `.2` of the event the span `.0` triggers.
    AddEventArg(SpanRef, u64, String),
    /// Remove argument `.2` of event `.1` of the layer of span `.0` (`None`: the event).
    RemoveEventPart(SpanRef, u64, Option<usize>),
    /// Add a label to a layer's scheme.
    AddLabel(LayerId, String),
    /// Jump to the start or the end of the document.
    GoTo(ScrollTarget),
    /// Switch between dark and light.
    ToggleTheme,
    /// Change the document font size by this many points.
    FontSize(f32),
    /// Place an orphaned span of a layer at the current text selection.
    PlaceOrphan(SpanRef),
    /// Delete an orphaned span.
    DeleteOrphan(SpanRef),
    /// Show the Export… dialog.
    ShowExport,
    /// Show the Import… dialog.
    ShowImport,
    /// Show or hide the keyboard shortcuts.
    ToggleShortcuts,
    /// Select the next (`true`) or previous span of the editable layer, in text order.
    WalkSpans(bool),
    /// Start a relation from the selected span (the next span clicked is its target).
    StartRelation,
    /// Add a relation of this type from one span to another of the same layer.
    AddRelation(SpanRef, u64, String),
    /// Delete a relation of a layer.
    DeleteRelation(LayerId, u64),
    /// Stop making a relation.
    CancelRelation,
    /// Show the folder dialog (open a folder as a corpus).
    OpenFolderDialog,
    /// Go to the next (`true`) or previous document of the corpus, saving first.
    NextDocument(bool),
    /// Mark the open document done, or not done.
    ToggleDone,
    /// Settle a merge conflict of the editable layer by keeping one version.
    ResolveConflict(u64, spantag_core::team::conflict::Keep),
    /// Show the search bar (Ctrl+F).
    ShowSearch,
    /// Go to the next (`true`) or previous search match.
    SearchStep(bool),
    /// Close the search bar.
    CloseSearch,
    /// Tag every search match with this label (one step).
    TagAllMatches(String),
    /// Turn snapping drags to whole words on or off.
    ToggleSnapWords,
    /// Open a document in review mode (every annotator's layer read-only, the curated layer
    /// editable), optionally going to its first disagreement.
    Review(PathBuf, bool),
    /// Switch the open document between annotating and reviewing.
    ToggleReview,
    /// Go to the next (`true`) or previous open disagreement.
    StepDisagreement(bool),
    /// Make this annotator's version of the current disagreement the curated one.
    AcceptVersion(LayerId),
    /// Keep none of the current disagreement's versions.
    RejectDisagreement,
    /// Add every span the annotators agree on to the curated layer.
    AcceptAllAgreed,
    /// Show or hide a layer in review.
    ToggleLayer(LayerId),
    /// Show the agreement panel for the document's folder.
    ShowAgreement,
    /// Show or hide the left panel (labels, span details).
    ToggleLeftPanel,
    /// Show or hide the right panel (the span list).
    ToggleRightPanel,
    /// Show or hide the label editor.
    ShowLabelEditor,
    /// Add a label from the label editor (to the project file when one sets the labels).
    EditorAddLabel(String),
    /// Give a label another colour (`#rrggbb`).
    LabelColor(String, String),
    /// Move a label to a position.
    MoveLabel(String, usize),
    /// Remove a label; `true`: also the spans of yours that use it (confirmed).
    RemoveLabel(String, bool),
    /// Ask before renaming a label in every file of the corpus (counts what would change).
    AskRenameLabel(String, String),
    /// Rename a label in every annotation file of the corpus (confirmed).
    RenameLabel(String, String),
    /// Move an end of the selected span by a character or a word.
    MoveSpanEdge {
        /// Its start (else its end).
        start: bool,
        /// By a word (else a character).
        word: bool,
        /// Right (else left).
        forward: bool,
    },
    /// Accept a suggestion (its index; `None`: the current one).
    AcceptSuggestion(Option<usize>),
    /// Reject the current suggestion (it is not suggested again for this document).
    RejectSuggestion,
    /// Show or hide suggestions.
    ToggleSuggestions,
    /// Suggest text tagged elsewhere, or not.
    ToggleSuggestTaggedElsewhere,
    /// Suggest the spans of this annotator's layer (`None`: no layer).
    SuggestFrom(Option<String>),
}
