//! The text being annotated: decoding from disk, the block (paragraph) index used by the
//! view, and conversions between byte, code point and UTF-16 offsets.
//!
//! Every offset that leaves this module (into a file, an export, a span) is a Unicode code
//! point offset, half-open, exactly like a Python `str` slice. Byte offsets stay inside.

use std::ops::Range;
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};
use unicode_segmentation::UnicodeSegmentation as _;

/// Documents larger than this are refused with a message instead of risking memory.
pub const MAX_DOCUMENT_BYTES: u64 = 256 * 1024 * 1024;

/// Lines longer than this many code points are split into several blocks for layout, so that
/// one enormous line never has to be laid out as a whole.
const MAX_BLOCK_CHARS: usize = 2_000;

/// How many code points lie between two checkpoints of the offset map.
const CHECKPOINT_CHARS: usize = 64;

/// Whether a UTF-8 byte continues a code point (`10xxxxxx`) rather than starting one.
fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// Why a document could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The file could not be read at all.
    #[error("could not read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The file looks like binary data, not text.
    #[error(
        "{path} looks like a binary file (it contains NUL bytes), not text; open a plain-text file (.txt, .md, …)"
    )]
    Binary {
        /// The file.
        path: PathBuf,
    },
    /// The file is larger than spantag opens.
    #[error(
        "{path} is {size_mb} MB; spantag opens documents up to {max_mb} MB — split it into smaller files"
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in MB.
        size_mb: u64,
        /// The limit in MB.
        max_mb: u64,
    },
}

/// How the bytes on disk were turned into text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark (the mark is not part of the text).
    Utf8Bom,
    /// UTF-16 little endian with a byte-order mark.
    Utf16Le,
    /// UTF-16 big endian with a byte-order mark.
    Utf16Be,
    /// A legacy encoding guessed from the bytes (e.g. `windows-1252`).
    Legacy(&'static str),
}

impl Encoding {
    /// A short human-readable name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Utf8 => "UTF-8",
            Self::Utf8Bom => "UTF-8 (BOM)",
            Self::Utf16Le => "UTF-16LE",
            Self::Utf16Be => "UTF-16BE",
            Self::Legacy(name) => name,
        }
    }

    /// A notice to show the user when the encoding is not plain UTF-8.
    pub fn notice(&self) -> Option<String> {
        match self {
            Self::Utf8 | Self::Utf8Bom => None,
            Self::Utf16Le | Self::Utf16Be => Some(format!(
                "Decoded as {}; offsets count code points of the decoded text",
                self.name()
            )),
            Self::Legacy(name) => Some(format!(
                "Not valid UTF-8: decoded as {name} (best guess); offsets count code points of the decoded text"
            )),
        }
    }
}

/// A contiguous run of text laid out as one unit by the view: a line, or a piece of a very
/// long line. Offsets are code points; the line terminator is not included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// Byte offset of `start` in the text.
    pub byte_start: usize,
    /// Byte offset of `end` in the text.
    pub byte_end: usize,
}

impl Block {
    /// The code point range.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// A document open for annotation.
#[derive(Debug, Clone)]
pub struct Document {
    path: Option<PathBuf>,
    text: String,
    encoding: Encoding,
    hash: String,
    char_len: usize,
    is_ascii: bool,
    /// Byte offset of every `CHECKPOINT_CHARS`-th code point.
    checkpoints: Vec<usize>,
    /// Code point offsets of the characters outside the Basic Multilingual Plane (two UTF-16
    /// code units each), for UTF-16 offset conversion.
    astral: Vec<usize>,
    blocks: Vec<Block>,
}

impl Document {
    /// Reads and decodes a document from disk.
    pub fn open(path: &Path) -> Result<Self, DocumentError> {
        let io_err = |source| DocumentError::Io {
            path: path.to_path_buf(),
            source,
        };
        // Only a regular file is opened (a FIFO would block for ever), and the limit counts
        // the bytes read (a link to `/dev/zero` claims 0 bytes).
        let Some(bytes) =
            crate::readfile::read_limited(path, MAX_DOCUMENT_BYTES).map_err(io_err)?
        else {
            let size = std::fs::metadata(path).map_or(0, |m| m.len());
            return Err(DocumentError::TooLarge {
                path: path.to_path_buf(),
                size_mb: size.max(MAX_DOCUMENT_BYTES + 1) / (1024 * 1024),
                max_mb: MAX_DOCUMENT_BYTES / (1024 * 1024),
            });
        };
        // Hash the file on the other core while the text is decoded and indexed.
        let (decoded, hash) = std::thread::scope(|scope| {
            let hasher = scope.spawn(|| hash_bytes(&bytes));
            let decoded =
                decode(&bytes).map(|(text, encoding)| (Self::index(text, String::new()), encoding));
            let hash = hasher.join().unwrap_or_else(|_| hash_bytes(&bytes));
            (decoded, hash)
        });
        let (mut doc, encoding) = decoded.ok_or_else(|| DocumentError::Binary {
            path: path.to_path_buf(),
        })?;
        doc.encoding = encoding;
        doc.hash = hash;
        doc.path = Some(path.to_path_buf());
        Ok(doc)
    }

    /// A document from text in memory (its hash is that of the UTF-8 bytes).
    pub fn from_text(text: String) -> Self {
        let hash = hash_bytes(text.as_bytes());
        Self::index(text, hash)
    }

    /// Builds the offset maps and the block index of a text.
    fn index(text: String, hash: String) -> Self {
        let is_ascii = text.is_ascii();
        let mut checkpoints = Vec::new();
        let mut astral = Vec::new();
        let char_len = if is_ascii {
            text.len()
        } else {
            let mut n = 0;
            for (byte, c) in text.char_indices() {
                if n % CHECKPOINT_CHARS == 0 {
                    checkpoints.push(byte);
                }
                if c.len_utf16() == 2 {
                    astral.push(n);
                }
                n += 1;
            }
            n
        };
        let mut doc = Self {
            path: None,
            text,
            encoding: Encoding::Utf8,
            hash,
            char_len,
            is_ascii,
            checkpoints,
            astral,
            blocks: Vec::new(),
        };
        doc.blocks = doc.build_blocks();
        doc
    }

    fn build_blocks(&self) -> Vec<Block> {
        let mut blocks = Vec::new();
        let mut byte = 0;
        let mut chr = 0;
        let bytes = self.text.as_bytes();
        while byte <= self.text.len() {
            let line_end = memchr_newline(&bytes[byte..]).map_or(self.text.len(), |i| byte + i);
            // The terminator is "\n" or "\r\n"; a lone "\r" stays part of the line.
            let content_end =
                if line_end > byte && bytes[line_end - 1] == b'\r' && line_end < bytes.len() {
                    line_end - 1
                } else {
                    line_end
                };
            let line = &self.text[byte..content_end];
            let line_chars = if self.is_ascii {
                line.len()
            } else {
                line.chars().count()
            };
            if line_chars <= MAX_BLOCK_CHARS {
                blocks.push(Block {
                    start: chr,
                    end: chr + line_chars,
                    byte_start: byte,
                    byte_end: content_end,
                });
            } else {
                split_long_line(line, byte, chr, &mut blocks);
            }
            let terminator_chars = line_end - content_end + usize::from(line_end < self.text.len());
            chr += line_chars + terminator_chars;
            if line_end >= self.text.len() {
                break;
            }
            byte = line_end + 1;
        }
        blocks
    }

    /// The file this document was read from, if any.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The file name shown to the user.
    pub fn display_name(&self) -> String {
        self.path.as_deref().and_then(Path::file_name).map_or_else(
            || "untitled".to_owned(),
            |n| n.to_string_lossy().into_owned(),
        )
    }

    /// The decoded text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// How the file was decoded.
    pub fn encoding(&self) -> &Encoding {
        &self.encoding
    }

    /// `sha256:<hex>` of the file's bytes.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// Length in code points.
    pub fn char_len(&self) -> usize {
        self.char_len
    }

    /// The layout blocks, in document order, covering every line.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// The index of the block that holds code point `offset` (or the nearest block before it,
    /// when `offset` falls on a line terminator).
    pub fn block_at(&self, offset: usize) -> usize {
        self.blocks
            .partition_point(|b| b.start <= offset)
            .saturating_sub(1)
    }

    /// The text of one block.
    pub fn block_text(&self, index: usize) -> &str {
        self.blocks
            .get(index)
            .map_or("", |b| &self.text[b.byte_start..b.byte_end])
    }

    /// Byte offset of code point `offset` (clamped to the end of the text).
    pub fn byte_from_char(&self, offset: usize) -> usize {
        if offset >= self.char_len {
            return self.text.len();
        }
        if self.is_ascii {
            return offset;
        }
        let base = self.checkpoints[offset / CHECKPOINT_CHARS];
        let rest = offset % CHECKPOINT_CHARS;
        let bytes = &self.text.as_bytes()[base..];
        // Mostly ASCII: the next `rest` bytes are `rest` code points.
        if bytes.get(..rest).is_some_and(<[u8]>::is_ascii) {
            return base + rest;
        }
        // The `rest`-th byte that starts a code point (not a UTF-8 continuation byte).
        bytes
            .iter()
            .enumerate()
            .filter(|&(_, &b)| !is_continuation(b))
            .nth(rest)
            .map_or(self.text.len(), |(b, _)| base + b)
    }

    /// Code point offset of byte `byte` (which must lie on a char boundary; otherwise the
    /// code point containing it is returned).
    pub fn char_from_byte(&self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        if self.is_ascii {
            return byte;
        }
        let k = self
            .checkpoints
            .partition_point(|&b| b <= byte)
            .saturating_sub(1);
        let base = self.checkpoints.get(k).copied().unwrap_or(0);
        let before = self.text.as_bytes().get(base..byte).unwrap_or_default();
        k * CHECKPOINT_CHARS + before.iter().filter(|&&b| !is_continuation(b)).count()
    }

    /// The text between two code point offsets (clamped to the document).
    pub fn slice(&self, range: Range<usize>) -> &str {
        let start = self.byte_from_char(range.start.min(self.char_len));
        let end = self.byte_from_char(range.end.min(self.char_len)).max(start);
        &self.text[start..end]
    }

    /// Whether `text` is what the document holds at `[start, end)`, without building the slice:
    /// one offset lookup and a byte comparison.
    pub fn text_matches(&self, start: usize, end: usize, text: &str) -> bool {
        if start > end || end > self.char_len {
            return false;
        }
        let b = self.byte_from_char(start);
        self.text[b..].starts_with(text)
            && (self.is_ascii && text.len() == end - start || text.chars().count() == end - start)
    }

    /// Shrinks a range so it neither starts nor ends with whitespace.
    pub fn trim_range(&self, range: Range<usize>) -> Range<usize> {
        let text = self.slice(range.clone());
        let lead = text.chars().take_while(|c| c.is_whitespace()).count();
        let trimmed_len = text.trim().chars().count();
        let start = range.start + lead;
        start..start + trimmed_len
    }

    /// The word (UAX #29 word segment) around code point `offset`. Whitespace counts as a
    /// segment of its own, so callers can tell a click between words.
    pub fn word_at(&self, offset: usize) -> Range<usize> {
        if self.blocks.is_empty() {
            return offset..offset;
        }
        let block = self.blocks[self.block_at(offset)];
        let text = &self.text[block.byte_start..block.byte_end];
        let mut chr = block.start;
        for segment in text.split_word_bounds() {
            let n = segment.chars().count();
            if offset < chr + n {
                return chr..chr + n;
            }
            chr += n;
        }
        offset..offset
    }

    /// Widens a range to whole words: an end inside a word moves to that word's end, a start
    /// inside a word to its start (a drag that stops a few pixels short of `Forum` selects
    /// `Forum`, not `Foru`). Ends in white space or punctuation stay where they are.
    pub fn snap_to_words(&self, range: Range<usize>) -> Range<usize> {
        if range.is_empty() {
            return range;
        }
        let is_word = |r: &Range<usize>| {
            self.slice(r.clone())
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric)
        };
        let first = self.word_at(range.start);
        let start = if is_word(&first) && first.start < range.start {
            first.start
        } else {
            range.start
        };
        let last = self.word_at(range.end - 1);
        let end = if is_word(&last) && last.end > range.end {
            last.end
        } else {
            range.end
        };
        start..end
    }

    /// Moves `offset` to the nearest grapheme cluster boundary at or before it, so that a
    /// selection never splits a base letter from its combining marks or an emoji sequence.
    pub fn snap_to_grapheme(&self, offset: usize) -> usize {
        if self.is_ascii || self.blocks.is_empty() {
            return offset.min(self.char_len);
        }
        let block = self.blocks[self.block_at(offset)];
        if offset <= block.start || offset >= block.end {
            return offset.min(self.char_len);
        }
        let text = &self.text[block.byte_start..block.byte_end];
        let mut chr = block.start;
        for g in text.graphemes(true) {
            let n = g.chars().count();
            if offset < chr + n {
                return chr;
            }
            chr += n;
        }
        offset
    }

    /// UTF-16 code unit offset of code point `offset` (as JavaScript counts string indices).
    pub fn utf16_from_char(&self, offset: usize) -> usize {
        offset + self.astral.partition_point(|&a| a < offset)
    }

    /// Code point offset of UTF-16 code unit offset `offset`, or `None` when it falls between
    /// the two halves of a surrogate pair.
    pub fn char_from_utf16(&self, offset: usize) -> Option<usize> {
        // Astral character i sits at UTF-16 units [a_i + i, a_i + i + 2).
        let (mut lo, mut hi) = (0, self.astral.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.astral[mid] + mid + 2 <= offset {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if self.astral.get(lo).is_some_and(|&a| a + lo + 1 == offset) {
            return None;
        }
        Some(offset - lo)
    }
}

/// Hashes bytes as `sha256:<hex>`.
pub fn hash_bytes(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

/// Splits a very long line into blocks of at most `MAX_BLOCK_CHARS` code points, preferring
/// to break after whitespace.
fn split_long_line(line: &str, byte_base: usize, char_base: usize, blocks: &mut Vec<Block>) {
    let mut start_byte = 0;
    let mut start_char = 0;
    let mut count = 0;
    let mut last_space: Option<(usize, usize)> = None; // (byte after space, chars up to it)
    for (b, c) in line.char_indices() {
        if count - start_char >= MAX_BLOCK_CHARS {
            let (cut_byte, cut_char) = match last_space {
                Some((sb, sc)) if sc > start_char => (sb, sc),
                _ => (b, count),
            };
            blocks.push(Block {
                start: char_base + start_char,
                end: char_base + cut_char,
                byte_start: byte_base + start_byte,
                byte_end: byte_base + cut_byte,
            });
            start_byte = cut_byte;
            start_char = cut_char;
            last_space = None;
        }
        count += 1;
        if c.is_whitespace() {
            last_space = Some((b + c.len_utf8(), count));
        }
    }
    blocks.push(Block {
        start: char_base + start_char,
        end: char_base + count,
        byte_start: byte_base + start_byte,
        byte_end: byte_base + line.len(),
    });
}

/// Decodes file bytes to text, or `None` when they look binary.
pub fn decode(bytes: &[u8]) -> Option<(String, Encoding)> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        let (text, _) = encoding_rs::UTF_8.decode_without_bom_handling(rest);
        return Some((text.into_owned(), Encoding::Utf8Bom));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let (text, _) = encoding_rs::UTF_16LE.decode_without_bom_handling(rest);
        return Some((text.into_owned(), Encoding::Utf16Le));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let (text, _) = encoding_rs::UTF_16BE.decode_without_bom_handling(rest);
        return Some((text.into_owned(), Encoding::Utf16Be));
    }
    if bytes.contains(&0) {
        return None;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Some((text.to_owned(), Encoding::Utf8)),
        Err(_) => {
            let mut detector = chardetng::EncodingDetector::new();
            detector.feed(bytes, true);
            let encoding = detector.guess(None, true);
            let (text, _, _) = encoding.decode(bytes);
            Some((text.into_owned(), Encoding::Legacy(encoding.name())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_round_trip_on_non_ascii_text() {
        let text = "Café ☕ naïve 東京 👩‍💻 e\u{301}\r\nעברית end";
        let doc = Document::from_text(text.to_owned());
        assert_eq!(doc.char_len(), text.chars().count());
        for (i, (byte, _)) in text.char_indices().enumerate() {
            assert_eq!(doc.byte_from_char(i), byte, "char {i}");
            assert_eq!(doc.char_from_byte(byte), i, "byte {byte}");
        }
        assert_eq!(doc.byte_from_char(doc.char_len()), text.len());
        assert_eq!(doc.char_from_byte(text.len()), doc.char_len());
    }

    #[test]
    fn offsets_round_trip_across_many_checkpoints() {
        let text: String = "aé東👍\n".repeat(2_000);
        let doc = Document::from_text(text.clone());
        for (i, (byte, _)) in text.char_indices().enumerate().step_by(7) {
            assert_eq!(doc.byte_from_char(i), byte);
            assert_eq!(doc.char_from_byte(byte), i);
        }
    }

    proptest::proptest! {
        /// Mostly ASCII with a few wider code points anywhere (the ASCII fast path meets
        /// them at every distance from a checkpoint): every offset agrees with `char_indices`.
        #[test]
        fn offsets_agree_with_char_indices(
            parts in proptest::collection::vec(("[a-z ]{0,90}", "[é東👍\u{301}]?"), 0..40)
        ) {
            let text: String = parts.iter().map(|(a, b)| format!("{a}{b}")).collect();
            let doc = Document::from_text(text.clone());
            for (i, (byte, _)) in text.char_indices().enumerate() {
                proptest::prop_assert_eq!(doc.byte_from_char(i), byte);
                proptest::prop_assert_eq!(doc.char_from_byte(byte), i);
            }
            proptest::prop_assert_eq!(doc.byte_from_char(doc.char_len()), text.len());
        }
    }

    #[test]
    fn slice_matches_python_semantics() {
        let doc = Document::from_text("héllo 👋 wörld".to_owned());
        assert_eq!(doc.slice(6..7), "👋");
        assert_eq!(doc.slice(8..13), "wörld");
        assert_eq!(doc.utf16_from_char(7), 8);
    }

    #[test]
    fn utf16_offsets_round_trip() {
        let text = "a👋b😀😀c東\u{10348}";
        let doc = Document::from_text(text.to_owned());
        let mut utf16 = 0;
        for (i, c) in text.chars().enumerate() {
            assert_eq!(doc.utf16_from_char(i), utf16);
            assert_eq!(doc.char_from_utf16(utf16), Some(i));
            if c.len_utf16() == 2 {
                assert_eq!(
                    doc.char_from_utf16(utf16 + 1),
                    None,
                    "inside a surrogate pair"
                );
            }
            utf16 += c.len_utf16();
        }
        assert_eq!(doc.utf16_from_char(doc.char_len()), utf16);
        assert_eq!(doc.char_from_utf16(utf16), Some(doc.char_len()));
    }

    #[test]
    fn blocks_cover_lines_and_strip_crlf() {
        let doc = Document::from_text("one\r\ntwo\n\nthree".to_owned());
        let texts: Vec<&str> = (0..doc.blocks().len()).map(|i| doc.block_text(i)).collect();
        assert_eq!(texts, ["one", "two", "", "three"]);
        assert_eq!(doc.blocks()[1].start, 5);
        assert_eq!(doc.slice(5..8), "two");
        assert_eq!(doc.blocks()[3].start, 10);
    }

    #[test]
    fn trailing_newline_gives_empty_last_block() {
        let doc = Document::from_text("a\n".to_owned());
        assert_eq!(doc.blocks().len(), 2);
        let empty = Document::from_text(String::new());
        assert_eq!(empty.blocks().len(), 1);
        assert_eq!(empty.char_len(), 0);
    }

    #[test]
    fn long_lines_are_split_at_whitespace() {
        let line = "word ".repeat(1_000);
        let doc = Document::from_text(line.clone());
        assert!(doc.blocks().len() > 1);
        let mut joined = String::new();
        for (i, b) in doc.blocks().iter().enumerate() {
            assert!(b.end - b.start <= MAX_BLOCK_CHARS);
            joined.push_str(doc.block_text(i));
        }
        assert_eq!(joined, line);
        assert!(doc.block_text(0).ends_with(' '));
    }

    #[test]
    fn word_at_and_trim() {
        let doc = Document::from_text("The  mayor's plan".to_owned());
        assert_eq!(doc.slice(doc.word_at(6)), "mayor's");
        assert_eq!(doc.slice(doc.word_at(4)), "  ");
        assert_eq!(doc.trim_range(3..12), 5..12);
    }

    #[test]
    fn grapheme_snapping_keeps_combining_marks() {
        let doc = Document::from_text("ae\u{301}b".to_owned());
        assert_eq!(doc.snap_to_grapheme(2), 1);
        assert_eq!(doc.snap_to_grapheme(3), 3);
    }

    #[test]
    fn decode_handles_boms_latin1_and_binary() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFhi").map(|d| d.0),
            Some("hi".to_owned())
        );
        let utf16: Vec<u8> = [0xFF, 0xFE, b'h', 0, b'i', 0].to_vec();
        assert_eq!(decode(&utf16).map(|d| d.0), Some("hi".to_owned()));
        let (text, enc) = decode(b"caf\xe9 cr\xe8me br\xfbl\xe9e").unwrap();
        assert_eq!(text, "café crème brûlée");
        assert!(matches!(enc, Encoding::Legacy(_)));
        assert!(decode(b"\x00\x01\x02ELF").is_none());
    }

    #[test]
    fn ranges_snap_to_whole_words() {
        let d = Document::from_text("The Forum met, said Zoë Reyes.".to_owned());
        // "Foru" (4..8) becomes "Forum" (4..9); "orum met" (5..13) becomes "Forum met".
        assert_eq!(d.snap_to_words(4..8), 4..9);
        assert_eq!(d.snap_to_words(5..13), 4..13);
        // Ends on spaces or punctuation stay put: "met," keeps its comma out or in as given.
        assert_eq!(d.snap_to_words(10..14), 10..14);
        assert_eq!(d.snap_to_words(20..22), 20..23, "Zoë, by code points");
        assert_eq!(d.snap_to_words(3..4), 3..4, "a space alone stays");
    }
}
