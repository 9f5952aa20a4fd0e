//! Keyboard shortcuts. One table ([`BINDINGS`]) says which keys do what: the frame's key
//! handling, the menus' shortcut texts and the help window (F1) all read it, so they cannot
//! disagree. This file is the table; `keymap/press.rs` reads the keys each frame.

mod press;

use egui::{Key, KeyboardShortcut, Modifiers};

/// Something a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Action {
    Save,
    Open,
    Export,
    Close,
    Quit,
    Larger,
    Smaller,
    Undo,
    Redo,
    Start,
    End,
    Delete,
    Accept,
    Deselect,
    Help,
    Find,
    Relate,
    AddPiece,
    NextSpan,
    PreviousSpan,
    NextDocument,
    PreviousDocument,
    FindNext,
    FindPrevious,
    Review,
    PreviousDisagreement,
    NextDisagreement,
    Reject,
    /// Move an end of the selected span (read from [`EDGE_KEYS`], not the table).
    MoveSpanEdge {
        start: bool,
        word: bool,
        forward: bool,
    },
    /// Caret keys: which one was pressed says where the caret goes; Shift extends.
    Caret,
    SelectBlock,
    ToggleLeftPanel,
    ToggleRightPanel,
}

/// One row of the key table.
struct Binding {
    action: Action,
    /// The keys, tried in order (the first is the one shown in menus).
    shortcuts: &'static [KeyboardShortcut],
    /// How the keys are written in menus and the help window.
    keys: &'static str,
    /// What they do, for the help window.
    what: &'static str,
    /// Whether they work while a text field has focus (editing keys do not).
    while_typing: bool,
}

const fn key(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

const CMD: Modifiers = Modifiers::COMMAND;
const NONE: Modifiers = Modifiers::NONE;
const CMD_SHIFT: Modifiers = Modifiers {
    shift: true,
    ..Modifiers::COMMAND
};
const SHIFT: Modifiers = Modifiers::SHIFT;

/// The keys that move a selected span's ends: (modifiers, moves the start, by a word), most
/// specific first (egui matches Shift and Alt loosely). Alt alone also moves the start, for
/// desktops where Alt+Shift switches the keyboard layout.
const EDGE_KEYS: [(Modifiers, bool, bool); 6] = [
    (
        Modifiers {
            alt: true,
            shift: true,
            ..Modifiers::COMMAND
        },
        true,
        true,
    ),
    (
        Modifiers {
            alt: true,
            ..Modifiers::COMMAND
        },
        true,
        true,
    ),
    (
        Modifiers {
            alt: true,
            shift: true,
            ..Modifiers::NONE
        },
        true,
        false,
    ),
    (Modifiers::ALT, true, false),
    (CMD_SHIFT, false, true),
    (SHIFT, false, false),
];

/// The key table. Order matters where shortcuts share a key: Ctrl+Shift+Z must be tried
/// before Ctrl+Z, since egui matches modifiers loosely.
const BINDINGS: &[Binding] = &[
    Binding {
        action: Action::Save,
        shortcuts: &[key(CMD, Key::S)],
        keys: "Ctrl+S",
        what: "Save",
        while_typing: true,
    },
    Binding {
        action: Action::Open,
        shortcuts: &[key(CMD, Key::O)],
        keys: "Ctrl+O",
        what: "Open a document",
        while_typing: true,
    },
    Binding {
        action: Action::Export,
        shortcuts: &[key(CMD, Key::E)],
        keys: "Ctrl+E",
        what: "Export a dataset",
        while_typing: true,
    },
    Binding {
        action: Action::Close,
        shortcuts: &[key(CMD, Key::W)],
        keys: "Ctrl+W",
        what: "Close the document",
        while_typing: true,
    },
    Binding {
        action: Action::Quit,
        shortcuts: &[key(CMD, Key::Q)],
        keys: "Ctrl+Q",
        what: "Quit",
        while_typing: true,
    },
    Binding {
        action: Action::Larger,
        shortcuts: &[key(CMD, Key::Plus), key(CMD, Key::Equals)],
        keys: "Ctrl++",
        what: "Larger text",
        while_typing: true,
    },
    Binding {
        action: Action::Smaller,
        shortcuts: &[key(CMD, Key::Minus)],
        keys: "Ctrl+-",
        what: "Smaller text",
        while_typing: true,
    },
    Binding {
        action: Action::Redo,
        shortcuts: &[key(CMD_SHIFT, Key::Z), key(CMD, Key::Y)],
        keys: "Ctrl+Shift+Z / Ctrl+Y",
        what: "Redo",
        while_typing: false,
    },
    Binding {
        action: Action::Undo,
        shortcuts: &[key(CMD, Key::Z)],
        keys: "Ctrl+Z",
        what: "Undo",
        while_typing: false,
    },
    Binding {
        action: Action::Start,
        shortcuts: &[key(CMD_SHIFT, Key::Home), key(CMD, Key::Home)],
        keys: "Ctrl+Home",
        what: "Go to the start (with Shift, select to it)",
        while_typing: false,
    },
    Binding {
        action: Action::End,
        shortcuts: &[key(CMD_SHIFT, Key::End), key(CMD, Key::End)],
        keys: "Ctrl+End",
        what: "Go to the end (with Shift, select to it)",
        while_typing: false,
    },
    // Shifted keys first: egui lets an unshifted shortcut match a shifted key.
    Binding {
        action: Action::Caret,
        shortcuts: &[
            key(SHIFT, Key::ArrowLeft),
            key(NONE, Key::ArrowLeft),
            key(SHIFT, Key::ArrowRight),
            key(NONE, Key::ArrowRight),
            key(SHIFT, Key::ArrowUp),
            key(NONE, Key::ArrowUp),
            key(SHIFT, Key::ArrowDown),
            key(NONE, Key::ArrowDown),
        ],
        keys: "← → ↑ ↓",
        what: "Move the caret by character or row (with Shift, select)",
        while_typing: false,
    },
    Binding {
        action: Action::Caret,
        shortcuts: &[
            key(CMD_SHIFT, Key::ArrowLeft),
            key(CMD, Key::ArrowLeft),
            key(CMD_SHIFT, Key::ArrowRight),
            key(CMD, Key::ArrowRight),
        ],
        keys: "Ctrl+← / Ctrl+→",
        what: "Move the caret by word (with Shift, select)",
        while_typing: false,
    },
    Binding {
        action: Action::Caret,
        shortcuts: &[
            key(SHIFT, Key::Home),
            key(NONE, Key::Home),
            key(SHIFT, Key::End),
            key(NONE, Key::End),
            key(SHIFT, Key::PageUp),
            key(NONE, Key::PageUp),
            key(SHIFT, Key::PageDown),
            key(NONE, Key::PageDown),
        ],
        keys: "Home / End / PgUp / PgDn",
        what: "Start or end of the row, a screen up or down (with Shift, select)",
        while_typing: false,
    },
    Binding {
        action: Action::SelectBlock,
        shortcuts: &[key(CMD, Key::A)],
        keys: "Ctrl+A",
        what: "Select the paragraph at the caret",
        while_typing: false,
    },
    Binding {
        action: Action::ToggleLeftPanel,
        shortcuts: &[key(CMD, Key::OpenBracket), key(NONE, Key::F9)],
        keys: "Ctrl+[ / F9",
        what: "Show or hide the labels panel",
        while_typing: true,
    },
    Binding {
        action: Action::ToggleRightPanel,
        shortcuts: &[key(CMD, Key::CloseBracket), key(NONE, Key::F10)],
        keys: "Ctrl+] / F10",
        what: "Show or hide the span list",
        while_typing: true,
    },
    Binding {
        action: Action::Delete,
        shortcuts: &[key(NONE, Key::Delete), key(NONE, Key::Backspace)],
        keys: "Del / Backspace",
        what: "Delete the selected span; with none selected, reject the current suggestion",
        while_typing: false,
    },
    Binding {
        action: Action::Accept,
        shortcuts: &[key(NONE, Key::Enter)],
        keys: "Enter",
        what: "Accept the current suggestion (the ghost span with the chip)",
        while_typing: false,
    },
    Binding {
        action: Action::Deselect,
        shortcuts: &[key(NONE, Key::Escape)],
        keys: "Esc",
        what: "Clear the selection (first closing a drawer, the find bar or the agreement window)",
        while_typing: false,
    },
    Binding {
        action: Action::PreviousSpan,
        shortcuts: &[key(SHIFT, Key::Tab)],
        keys: "Shift+Tab",
        what: "Select the previous span",
        while_typing: false,
    },
    Binding {
        action: Action::NextSpan,
        shortcuts: &[key(NONE, Key::Tab)],
        keys: "Tab",
        what: "Select the next span (in text order)",
        while_typing: false,
    },
    Binding {
        action: Action::Relate,
        shortcuts: &[key(NONE, Key::R)],
        keys: "R",
        what: "Start a relation from the selected span; then click its target",
        while_typing: false,
    },
    Binding {
        action: Action::AddPiece,
        shortcuts: &[key(NONE, Key::G)],
        keys: "G",
        what: "Add a piece to the selected span: press G, then drag over more text (a \
               discontinuous span such as “North … Korea”)",
        while_typing: false,
    },
    Binding {
        action: Action::NextDocument,
        shortcuts: &[key(CMD, Key::PageDown)],
        keys: "Ctrl+PgDn",
        what: "Corpus: save, then open the next document",
        while_typing: true,
    },
    Binding {
        action: Action::PreviousDocument,
        shortcuts: &[key(CMD, Key::PageUp)],
        keys: "Ctrl+PgUp",
        what: "Corpus: save, then open the previous document",
        while_typing: true,
    },
    Binding {
        action: Action::Find,
        shortcuts: &[key(CMD, Key::F)],
        keys: "Ctrl+F",
        what: "Find in the document (Enter / Shift+Enter: next / previous match)",
        while_typing: true,
    },
    Binding {
        action: Action::FindPrevious,
        shortcuts: &[key(SHIFT, Key::F3)],
        keys: "Shift+F3",
        what: "Previous search match",
        while_typing: true,
    },
    Binding {
        action: Action::FindNext,
        shortcuts: &[key(NONE, Key::F3)],
        keys: "F3",
        what: "Next search match",
        while_typing: true,
    },
    Binding {
        action: Action::Review,
        shortcuts: &[key(CMD, Key::R)],
        keys: "Ctrl+R",
        what: "Review teammates' annotations of this document (again: back to annotating)",
        while_typing: true,
    },
    Binding {
        action: Action::PreviousDisagreement,
        shortcuts: &[key(SHIFT, Key::N)],
        keys: "Shift+N",
        what: "Review: previous open disagreement",
        while_typing: false,
    },
    Binding {
        action: Action::NextDisagreement,
        shortcuts: &[key(NONE, Key::N)],
        keys: "N",
        what: "Review: next open disagreement",
        while_typing: false,
    },
    Binding {
        action: Action::Reject,
        shortcuts: &[key(NONE, Key::X)],
        keys: "X",
        what: "Review: keep none of the disagreement's versions",
        while_typing: false,
    },
    Binding {
        action: Action::Help,
        shortcuts: &[key(NONE, Key::F1)],
        keys: "F1",
        what: "This list",
        while_typing: false,
    },
];

/// Mouse gestures and the label keys, which the help window lists before the table.
const GESTURES: &[(&str, &str)] = &[
    (
        "Drag",
        "Select text, whole words (Alt+drag: character precision; Shift+click extends)",
    ),
    (
        "Shift+← / →",
        "With a span selected (no text selected): move its end by a character",
    ),
    ("Ctrl+Shift+← / →", "… move its end by a word"),
    (
        "Alt+Shift+← / →",
        "… move its start by a character (Alt+← / → too)",
    ),
    ("Ctrl+Alt+Shift+← / →", "… move its start by a word"),
    (
        "Click a ghost span",
        "Accept the suggestion (Enter accepts the one with the chip)",
    ),
    ("Double-click", "Select a word"),
    ("Click", "Put the caret there"),
    (
        "1 … 9",
        "Tag the selection with that label, or relabel the selected span",
    ),
    (
        "Click a span",
        "Select it (click again to cycle through nested spans)",
    ),
    (
        "Alt+1 … 9",
        "Review: accept that annotator's version of the disagreement",
    ),
];

/// Every shortcut with what it does, for the help window and the README.
pub fn shortcut_rows() -> Vec<(&'static str, &'static str)> {
    GESTURES
        .iter()
        .copied()
        .chain(BINDINGS.iter().map(|b| (b.keys, b.what)))
        .collect()
}

/// The shortcuts as a table, for the help window and the README.
pub static SHORTCUTS: std::sync::LazyLock<Vec<(&'static str, &'static str)>> =
    std::sync::LazyLock::new(shortcut_rows);

/// How an action's keys are written (menus).
pub(super) fn keys(action: Action) -> &'static str {
    BINDINGS
        .iter()
        .find(|b| b.action == action)
        .map_or("", |b| b.keys.split(" / ").next().unwrap_or(b.keys))
}

pub(super) const DIGITS: [Key; 9] = [
    Key::Num1,
    Key::Num2,
    Key::Num3,
    Key::Num4,
    Key::Num5,
    Key::Num6,
    Key::Num7,
    Key::Num8,
    Key::Num9,
];
