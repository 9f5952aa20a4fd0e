//! Where an imported span goes: its offsets, as the dataset counts them (`--offsets`), turned
//! into code points, and — where the dataset also gives the span's text (JSONL `text`, Label
//! Studio `value.text`, brat's text column) — that text checked against the document. A span
//! whose text is not the document's at its offsets means the offsets are shifted (counted in
//! another unit, or made on another version of the text): every such span of an input file is
//! collected and the file is refused whole, so nothing shifted is imported.

use std::path::{Path, PathBuf};

use super::{FormatError, Offsets};
use crate::document::Document;

/// How a format writes a span's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextRule {
    /// Exactly the document's text at the offsets (JSONL `text`, Label Studio `value.text`).
    Exact,
    /// brat's text column: the fragments' texts joined by a space (brat before 1.3 joined
    /// them with nothing; brat still reads that), which brat lets white space and more follow
    /// (it keeps that as the line's tail).
    Brat,
}

/// A span whose given text is not the document's.
struct Mismatch {
    /// The span, for messages (`line 3, span 7 (PER)`).
    at: String,
    /// Its offsets as the dataset gives them.
    offsets: String,
    /// The text the dataset gives.
    given: String,
    /// The document's text at those offsets, or the text's length when they lie past its end.
    found: Result<String, usize>,
    /// Whether reading the offsets in the other unit (UTF-16 for code points and back) finds
    /// the given text.
    other_unit_matches: bool,
}

/// Places the spans of one input file; [`Placer::finish`] refuses the file when a span's text
/// does not match.
pub struct Placer {
    path: PathBuf,
    offsets: Offsets,
    rule: TextRule,
    mismatches: Vec<Mismatch>,
    /// Spans without a text to check (doccano) that do not sit on words in the unit given
    /// (`at`, the offsets as given, whether they do in the other unit).
    misfits: Vec<(String, String, bool)>,
    /// How many spans without a text do not sit on words in the other unit.
    other_misfits: usize,
}

/// How many mismatching spans a message lists.
const LISTED: usize = 10;

impl Placer {
    /// A placer for the spans of `path` (named in messages).
    pub fn new(path: &Path, offsets: Offsets, rule: TextRule) -> Self {
        Self {
            path: path.to_path_buf(),
            offsets,
            rule,
            mismatches: Vec::new(),
            misfits: Vec::new(),
            other_misfits: 0,
        }
    }

    /// Turns a span's fragments as the dataset gives them (one for most formats; several for
    /// brat's discontinuous spans) into code points. Where `given` is a text (an empty one
    /// counts as none, as brat fills in a missing one), checks that the document holds it at
    /// those offsets and records the span when it does not; `at` names the span for that
    /// message. Fails when a UTF-16 offset falls between the two halves of a surrogate pair.
    pub fn place(
        &mut self,
        doc: &Document,
        fragments: &[(usize, usize)],
        given: Option<&str>,
        at: impl FnOnce() -> String,
    ) -> Result<Vec<(usize, usize)>, String> {
        let placed = convert(doc, fragments, self.offsets).ok_or_else(|| {
            format!(
                "UTF-16 offsets {} split a surrogate pair: were they code points? (drop --offsets utf16)",
                shown_offsets(fragments)
            )
        })?;
        // A fragment that ends before it starts has no text to compare: the span is left out
        // with a note saying so when its layer is built.
        let reversed = placed.iter().any(|(start, end)| start > end);
        let other = match self.offsets {
            Offsets::Codepoints => Offsets::Utf16,
            Offsets::Utf16 => Offsets::Codepoints,
        };
        if given.is_none_or(str::is_empty)
            && !reversed
            && doc.char_len() != doc.utf16_from_char(doc.char_len())
        {
            // No text to check (doccano): a span that cuts a word or starts or ends with
            // white space in the unit given, where the other unit puts every span on words,
            // means the unit is wrong. Only a text with characters beyond the BMP can tell.
            let other_fits = convert(doc, fragments, other)
                .is_some_and(|p| p.iter().all(|&(s, e)| on_words(doc, s, e)));
            if !other_fits {
                self.other_misfits += 1;
            }
            if !placed.iter().all(|&(s, e)| on_words(doc, s, e)) {
                self.misfits
                    .push((at(), shown_offsets(fragments), other_fits));
                return Ok(placed);
            }
        }
        if let Some(given) = given.filter(|g| !g.is_empty())
            && !reversed
            && !self.holds(doc, &placed, given)
        {
            let other_unit_matches =
                convert(doc, fragments, other).is_some_and(|p| self.holds(doc, &p, given));
            self.mismatches.push(Mismatch {
                at: at(),
                offsets: shown_offsets(fragments),
                given: given.to_owned(),
                found: text_at(doc, &placed, " ").ok_or(doc.char_len()),
                other_unit_matches,
            });
        }
        Ok(placed)
    }

    /// [`Self::place`] for a span of one fragment: its start and end in code points.
    pub fn place_one(
        &mut self,
        doc: &Document,
        start: usize,
        end: usize,
        given: Option<&str>,
        at: impl FnOnce() -> String,
    ) -> Result<(usize, usize), String> {
        let placed = self.place(doc, &[(start, end)], given, at)?;
        Ok(placed.first().copied().unwrap_or((start, end)))
    }

    /// Whether the document holds `given` at the fragments, by the format's rule.
    fn holds(&self, doc: &Document, fragments: &[(usize, usize)], given: &str) -> bool {
        let Some(joined) = text_at(doc, fragments, " ") else {
            return false;
        };
        match self.rule {
            TextRule::Exact => joined == given,
            TextRule::Brat => {
                joined == given
                    || given
                        .strip_prefix(joined.as_str())
                        .is_some_and(|tail| tail.starts_with(char::is_whitespace))
                    || fragments.len() > 1 && text_at(doc, fragments, "").as_deref() == Some(given)
            }
        }
    }

    /// Ok when every span's text matched, with a note when spans without a text look
    /// counted in the other unit; otherwise the error that refuses the file, listing the
    /// spans and saying what to do.
    pub fn finish(self) -> Result<Vec<String>, FormatError> {
        let (other_unit, fix) = match self.offsets {
            Offsets::Codepoints => (
                "UTF-16 code units (JavaScript string indices)",
                "import again with --offsets utf16 (in the Import dialog: Offsets, UTF-16)",
            ),
            Offsets::Utf16 => (
                "code points (Python str indices)",
                "import again without --offsets utf16 (in the Import dialog: Offsets, code points)",
            ),
        };
        // Spans without texts cannot prove a wrong unit (a span may cut a word on purpose):
        // a note, when the other unit puts every one of them on whole words.
        let mut notes = Vec::new();
        if !self.misfits.is_empty() && self.other_misfits == 0 && self.misfits.iter().all(|m| m.2) {
            let n = self.misfits.len();
            let listed: Vec<String> = self
                .misfits
                .iter()
                .take(LISTED)
                .map(|(at, offsets, _)| format!("{at} at {offsets}"))
                .collect();
            notes.push(format!(
                "{}: {n} span(s) cut through a word or start or end with white space ({}{}), \
                 while read as {other_unit} every span sits on whole words: if the offsets are \
                 counted in that unit, {fix}",
                self.path.display(),
                listed.join("; "),
                if n > LISTED { "; …" } else { "" }
            ));
        }
        if self.mismatches.is_empty() {
            return Ok(notes);
        }
        let n = self.mismatches.len();
        let mut message = format!(
            "{n} span(s) whose text in the dataset is not the document's text at their offsets \
             (the offsets do not fit the text); nothing was imported:"
        );
        let all_other = self.mismatches.iter().all(|m| m.other_unit_matches);
        for m in self.mismatches.iter().take(LISTED) {
            let found = match &m.found {
                Ok(text) => format!("the document has {} there", shown(text)),
                Err(len) => format!("the document's text ends before that ({len} code points)"),
            };
            message.push_str(&format!(
                "\n  {} at {}: the dataset says {}, {found}",
                m.at,
                m.offsets,
                shown(&m.given)
            ));
            if m.other_unit_matches && !all_other {
                message.push_str(&format!(" (read as {other_unit} they give it)"));
            }
        }
        if n > LISTED {
            message.push_str(&format!("\n  … and {} more", n - LISTED));
        }
        if all_other {
            message.push_str(&format!(
                "\nRead as {other_unit}, the offsets give the dataset's text for every span \
                 listed: {fix}."
            ));
        } else {
            message.push_str(
                "\nCheck that the offsets count code points (Python str indices; UTF-16 code \
                 units with --offsets utf16) of this very text, the one the spans were made on.",
            );
        }
        Err(FormatError::SpanText {
            path: self.path,
            message,
        })
    }
}

/// Whether `[start, end)` (code points) is a span of whole words: inside the text, not empty,
/// not starting or ending with white space, and neither boundary between two letters or
/// digits, or before a joiner or combining mark.
fn on_words(doc: &Document, start: usize, end: usize) -> bool {
    let len = doc.char_len();
    if start >= end || end > len {
        return false;
    }
    let at = |i: usize| doc.slice(i..i + 1).chars().next().unwrap_or(' ');
    let (first, last) = (at(start), at(end - 1));
    let glued = |c: char| {
        c == '\u{200d}'
            || ('\u{300}'..='\u{36f}').contains(&c)
            || ('\u{fe00}'..='\u{fe0f}').contains(&c)
    };
    if first.is_whitespace() || last.is_whitespace() || glued(first) {
        return false;
    }
    if start > 0 && at(start - 1).is_alphanumeric() && first.is_alphanumeric() {
        return false;
    }
    if end < len && (glued(at(end)) || last.is_alphanumeric() && at(end).is_alphanumeric()) {
        return false;
    }
    true
}

/// The fragments in code points, or `None` when a UTF-16 offset splits a surrogate pair.
fn convert(
    doc: &Document,
    fragments: &[(usize, usize)],
    offsets: Offsets,
) -> Option<Vec<(usize, usize)>> {
    fragments
        .iter()
        .map(|&(start, end)| match offsets {
            Offsets::Codepoints => Some((start, end)),
            Offsets::Utf16 => Some((doc.char_from_utf16(start)?, doc.char_from_utf16(end)?)),
        })
        .collect()
}

/// The document's text at the fragments, joined by `sep`; `None` when one lies past the end
/// of the text or ends before it starts.
fn text_at(doc: &Document, fragments: &[(usize, usize)], sep: &str) -> Option<String> {
    let mut parts = Vec::with_capacity(fragments.len());
    for &(start, end) in fragments {
        if start > end || end > doc.char_len() {
            return None;
        }
        parts.push(doc.slice(start..end));
    }
    Some(parts.join(sep))
}

/// Offsets as the dataset gives them: `10..15`, or `10..15;20..25` for fragments.
fn shown_offsets(fragments: &[(usize, usize)]) -> String {
    fragments
        .iter()
        .map(|(s, e)| format!("{s}..{e}"))
        .collect::<Vec<_>>()
        .join(";")
}

/// A text quoted for a message, cut after 60 characters.
fn shown(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        format!("{text:?}")
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut:?}…")
    }
}
