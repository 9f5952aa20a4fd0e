//! Labels and label schemes: a label's name and colour, the palette new labels take their
//! colours from, the scheme of a layer (and the one scheme of several layers), and which
//! names can be labels.

use serde::{Deserialize, Serialize};

/// A label the user can tag spans with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// Its name, as written into files.
    pub name: String,
    /// Colour as `#rrggbb`.
    pub color: String,
}

impl Label {
    /// The colour as RGB, falling back to grey when the stored value is malformed.
    pub fn rgb(&self) -> [u8; 3] {
        parse_hex_color(&self.color).unwrap_or([0x88, 0x88, 0x88])
    }
}

/// Parses `#rrggbb`.
pub fn parse_hex_color(s: &str) -> Option<[u8; 3]> {
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// Colours given to labels in order; chosen to be distinguishable on light and dark themes
/// and for the common forms of colour blindness (Tableau 10).
pub const PALETTE: [&str; 10] = [
    "#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// The labels of a layer, in display order. The first nine have hotkeys `1`–`9`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelScheme {
    labels: Vec<Label>,
}

impl Default for LabelScheme {
    fn default() -> Self {
        Self::new(["claim", "actor", "event"])
    }
}

impl LabelScheme {
    /// A scheme with these names and palette colours.
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        let mut scheme = Self { labels: Vec::new() };
        for name in names {
            scheme.ensure(name);
        }
        scheme
    }

    /// A scheme from stored labels (duplicates and empty names are skipped).
    pub fn from_labels(labels: Vec<Label>) -> Self {
        let mut scheme = Self { labels: Vec::new() };
        for label in labels {
            if !label.name.trim().is_empty() && scheme.get(&label.name).is_none() {
                scheme.labels.push(label);
            }
        }
        scheme
    }

    /// The labels in order.
    pub fn labels(&self) -> &[Label] {
        &self.labels
    }

    /// A label by name.
    pub fn get(&self, name: &str) -> Option<&Label> {
        self.labels.iter().find(|l| l.name == name)
    }

    /// The position of a label (its order in exports and tie-breaks).
    pub fn position(&self, name: &str) -> Option<usize> {
        self.labels.iter().position(|l| l.name == name)
    }

    /// The label whose hotkey is `digit` (1-based).
    pub fn by_hotkey(&self, digit: usize) -> Option<&Label> {
        digit
            .checked_sub(1)
            .and_then(|i| self.labels.get(i))
            .filter(|_| digit <= 9)
    }

    /// The hotkey of the label at `index`, if it has one.
    pub fn hotkey(index: usize) -> Option<char> {
        (index < 9).then(|| char::from(b'1' + u8::try_from(index).unwrap_or(0)))
    }

    /// Adds a label with the next palette colour unless it exists; returns whether it was added.
    pub fn ensure(&mut self, name: &str) -> bool {
        if self.get(name).is_some() {
            return false;
        }
        let color = PALETTE[self.labels.len() % PALETTE.len()].to_owned();
        self.labels.push(Label {
            name: name.to_owned(),
            color,
        });
        true
    }

    /// Sets a label's colour; returns the old one (`None`: no such label).
    pub fn set_color(&mut self, name: &str, color: &str) -> Option<String> {
        let label = self.labels.iter_mut().find(|l| l.name == name)?;
        Some(std::mem::replace(&mut label.color, color.to_owned()))
    }

    /// Moves a label to position `to` (clamped); returns its old position.
    pub fn move_to(&mut self, name: &str, to: usize) -> Option<usize> {
        let from = self.position(name)?;
        let label = self.labels.remove(from);
        self.labels.insert(to.min(self.labels.len()), label);
        Some(from)
    }

    /// Removes a label that no span uses.
    pub fn remove(&mut self, name: &str) {
        self.labels.retain(|l| l.name != name);
    }

    /// Puts a label back at a position (undoing [`Self::remove`]); returns whether it was
    /// added.
    pub fn insert_at(&mut self, label: Label, at: usize) -> bool {
        if self.get(&label.name).is_some() {
            return false;
        }
        let at = at.min(self.labels.len());
        self.labels.insert(at, label);
        true
    }

    /// One scheme for several layers, so that a label has one colour, one hotkey and one
    /// rank (CoNLL tie-breaks, tag lists) whoever's layer it is seen in: the labels of
    /// `first` (the user's own, or the defaults) in their order and colours, then every other
    /// label found in `others`, sorted by name, with the next palette colours. The order of a
    /// teammate's own list never matters.
    pub fn unified<'a>(
        first: &LabelScheme,
        others: impl IntoIterator<Item = &'a LabelScheme>,
    ) -> Self {
        let mut scheme = first.clone();
        let mut rest: Vec<&str> = others
            .into_iter()
            .flat_map(|s| s.labels.iter().map(|l| l.name.as_str()))
            .filter(|name| first.get(name).is_none())
            .collect();
        rest.sort_unstable();
        rest.dedup();
        for name in rest {
            scheme.ensure(name);
        }
        scheme
    }
}

/// Checks that a label name is usable: not empty, no surrounding whitespace, no control
/// characters, at most 64 characters.
pub fn validate_label_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("A label needs a name".to_owned());
    }
    if name.trim() != name {
        return Err("A label name cannot start or end with a space".to_owned());
    }
    if name.chars().any(char::is_control) {
        return Err("A label name cannot contain tabs or line breaks".to_owned());
    }
    if name.chars().count() > 64 {
        return Err("A label name can have at most 64 characters".to_owned());
    }
    Ok(())
}
