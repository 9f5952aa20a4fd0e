//! The annotation file beside the source text: `<source>.<annotator>.ron`.
//!
//! Files are written for people and for git: pretty RON, one span per line, spans sorted by
//! (start, end, label), a `version` field and the source's hash. Writes never leave a
//! partial file: they go to a temporary file in the same folder that is flushed and renamed
//! over the old one, whose previous version is kept as `<file>.bak`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::annotation::{Label, LabelScheme, Layer, Relation, Span};
use crate::document::Document;

/// The schema version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// Annotation files larger than this are refused (a 100k-span file is about 10 MB).
pub const MAX_ANNOTATION_BYTES: u64 = 512 * 1024 * 1024;

/// The on-disk shape of an annotation file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnotationFile {
    /// Schema version.
    pub version: u32,
    /// The source file's name (no folder).
    pub source: String,
    /// `sha256:<hex>` of the source file's bytes when the file was saved.
    pub source_hash: String,
    /// Who annotated.
    pub annotator: String,
    /// The labels, in order (the first nine have hotkeys 1–9).
    #[serde(default)]
    pub labels: Vec<Label>,
    /// The spans, sorted by (start, end, label).
    pub spans: Vec<Span>,
    /// Relations between spans.
    #[serde(default)]
    pub relations: Vec<Relation>,
    /// Spans that could not be re-anchored after the source text changed, with their old
    /// offsets; kept until the user places or deletes them.
    #[serde(default)]
    pub orphans: Vec<Span>,
}

/// Why an annotation file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Reading or writing failed.
    #[error("could not {action} {path}: {source}")]
    Io {
        /// "read" or "write".
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The file is not valid RON or not an annotation file.
    #[error(
        "{path}:{line}:{col}: {message}. The file was left untouched; fix it in a text editor or restore {path}.bak"
    )]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        col: usize,
        /// What is wrong.
        message: String,
    },
    /// The file is newer than this build understands.
    #[error(
        "{path} has format version {found}; this spantag reads version {FORMAT_VERSION} — update spantag"
    )]
    Version {
        /// The file.
        path: PathBuf,
        /// The version found.
        found: u32,
    },
    /// The file is too large to be an annotation file.
    #[error("{path} is {size_mb} MB, too large for an annotation file")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in MB.
        size_mb: u64,
    },
    /// The annotator name cannot be part of a file name.
    #[error("{0}")]
    BadAnnotator(String),
}

/// A problem found in a loaded file that did not stop it from loading. Nothing is dropped:
/// the span stays in the layer and the problem is shown to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The source text changed since the file was saved.
    StaleSource {
        /// Hash stored in the file.
        stored: String,
        /// Hash of the source now.
        current: String,
    },
    /// A span lies (partly) outside the document.
    OutOfRange {
        /// The span.
        id: u64,
        /// Its range.
        start: usize,
        /// Its range.
        end: usize,
        /// Document length.
        len: usize,
    },
    /// A span's stored text differs from the document at its offsets.
    TextMismatch {
        /// The span.
        id: u64,
        /// The stored text.
        stored: String,
        /// The text at its offsets now.
        found: String,
    },
    /// A span's label is not in the file's label list.
    UnknownLabel {
        /// The span.
        id: u64,
        /// The label.
        label: String,
    },
    /// Two spans share an id.
    DuplicateId {
        /// The id.
        id: u64,
    },
    /// A span is empty or reversed.
    EmptySpan {
        /// The span.
        id: u64,
    },
    /// The source changed and spans were re-anchored to their text.
    Reanchored {
        /// Spans that moved to where their text is now.
        moved: usize,
        /// Spans that could not be placed (kept as orphans).
        orphaned: usize,
    },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::StaleSource { .. } => write!(
                f,
                "the source text changed since this file was saved (hash differs)"
            ),
            Self::OutOfRange {
                id,
                start,
                end,
                len,
            } => {
                write!(
                    f,
                    "span {id}: range {start}..{end} is outside the document ({len} characters)"
                )
            }
            Self::TextMismatch { id, stored, found } => {
                write!(
                    f,
                    "span {id}: stored text {stored:?} but the document has {found:?} there"
                )
            }
            Self::UnknownLabel { id, label } => write!(
                f,
                "span {id}: label {label:?} is not in the file's label list"
            ),
            Self::DuplicateId { id } => write!(f, "span {id}: id used more than once"),
            Self::EmptySpan { id } => write!(f, "span {id}: empty or reversed range"),
            Self::Reanchored { moved, orphaned } => write!(
                f,
                "the text changed: {moved} span(s) moved to where their text is now, {orphaned} could not be placed and are listed as orphaned"
            ),
        }
    }
}

/// Checks that an annotator name can be part of a file name.
pub fn validate_annotator(name: &str) -> Result<(), StoreError> {
    let bad = |why: &str| {
        Err(StoreError::BadAnnotator(format!(
            "annotator name {name:?} {why}"
        )))
    };
    if name.is_empty() {
        return bad("is empty; use e.g. --annotator alice");
    }
    if name.chars().count() > 64 {
        return bad("is longer than 64 characters");
    }
    if name.starts_with('.') || name.starts_with('-') {
        return bad("cannot start with '.' or '-'");
    }
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return bad("may only contain letters, digits, '_', '-' and '.'");
    }
    Ok(())
}

/// The annotation file of `annotator` for the document at `source`.
pub fn annotation_path(source: &Path, annotator: &str) -> PathBuf {
    let mut name = source.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{annotator}.ron"));
    source.with_file_name(name)
}

/// All annotation files beside `source`, as (annotator, path), sorted by annotator.
pub fn annotation_files(source: &Path) -> Vec<(String, PathBuf)> {
    let Some(name) = source.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Vec::new();
    };
    let dir = source
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let prefix = format!("{name}.");
    let mut out: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let file = e.file_name().to_string_lossy().into_owned();
            let annotator = file.strip_prefix(&prefix)?.strip_suffix(".ron")?;
            (validate_annotator(annotator).is_ok()).then(|| (annotator.to_owned(), e.path()))
        })
        .collect();
    out.sort();
    out
}

impl AnnotationFile {
    /// The file for a layer over a document.
    pub fn from_layer(layer: &Layer, doc: &Document) -> Self {
        Self {
            version: FORMAT_VERSION,
            source: doc.display_name(),
            source_hash: doc.hash().to_owned(),
            annotator: layer.annotator.clone(),
            labels: layer.scheme.labels().to_vec(),
            spans: layer.spans().to_vec(),
            relations: layer.relations.clone(),
            orphans: layer.orphans.clone(),
        }
    }

    /// Serialises to pretty, deterministic RON with one span per line.
    pub fn to_ron(&self) -> String {
        let sorted;
        let spans: &[Span] = if self.spans.is_sorted_by(|a, b| a.order(b).is_le()) {
            &self.spans
        } else {
            sorted = {
                let mut v = self.spans.clone();
                v.sort_by(Span::order);
                v
            };
            &sorted
        };
        let mut relations = self.relations.clone();
        relations.sort_by_key(|r| r.id);
        let mut out = String::with_capacity(
            256 + spans
                .iter()
                .map(|s| 64 + s.text.len() + s.label.len())
                .sum::<usize>(),
        );
        out.push_str("(\n");
        let _ = writeln!(out, "    version: {},", self.version);
        for (name, value) in [
            ("source", &self.source),
            ("source_hash", &self.source_hash),
            ("annotator", &self.annotator),
        ] {
            let _ = write!(out, "    {name}: ");
            push_ron_string(&mut out, value);
            out.push_str(",\n");
        }
        write_list(&mut out, "labels", &self.labels);
        write_list(&mut out, "spans", spans);
        write_list(&mut out, "relations", &relations);
        if !self.orphans.is_empty() {
            write_list(&mut out, "orphans", &self.orphans);
        }
        out.push_str(")\n");
        out
    }

    /// Parses RON text; `path` is only used in messages.
    pub fn from_ron(text: &str, path: &Path) -> Result<Self, StoreError> {
        let file = match crate::fastron::parse(text) {
            Some(file) => file,
            None => {
                let options = ron::Options::default().with_recursion_limit(32);
                options.from_str(text).map_err(|e| StoreError::Parse {
                    path: path.to_path_buf(),
                    line: e.span.start.line,
                    col: e.span.start.col,
                    message: e.code.to_string(),
                })?
            }
        };
        if file.version > FORMAT_VERSION || file.version == 0 {
            return Err(StoreError::Version {
                path: path.to_path_buf(),
                found: file.version,
            });
        }
        Ok(file)
    }

    /// Reads a file from disk.
    pub fn read(path: &Path) -> Result<Self, StoreError> {
        Self::read_with_hash(path).map(|(file, _)| file)
    }

    /// Reads a file from disk, with the hash of its bytes (to notice later changes).
    pub fn read_with_hash(path: &Path) -> Result<(Self, String), StoreError> {
        let io = |source| StoreError::Io {
            action: "read",
            path: path.to_path_buf(),
            source,
        };
        let size = std::fs::metadata(path).map_err(io)?.len();
        if size > MAX_ANNOTATION_BYTES {
            return Err(StoreError::TooLarge {
                path: path.to_path_buf(),
                size_mb: size / (1024 * 1024),
            });
        }
        let bytes = std::fs::read(path).map_err(io)?;
        let hash = crate::document::hash_bytes(&bytes);
        let text = String::from_utf8(bytes).map_err(|e| {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let col = valid.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
            StoreError::Parse {
                path: path.to_path_buf(),
                line,
                col,
                message: "the file is not valid UTF-8".to_owned(),
            }
        })?;
        Ok((Self::from_ron(&text, path)?, hash))
    }

    /// Problems with this file against its document (nothing is changed).
    pub fn problems(&self, doc: &Document) -> Vec<Problem> {
        let mut problems = Vec::new();
        if self.source_hash != doc.hash() {
            problems.push(Problem::StaleSource {
                stored: self.source_hash.clone(),
                current: doc.hash().to_owned(),
            });
        }
        let mut seen = std::collections::HashSet::new();
        let scheme = LabelScheme::from_labels(self.labels.clone());
        for span in &self.spans {
            if !seen.insert(span.id) {
                problems.push(Problem::DuplicateId { id: span.id });
            }
            if span.is_empty() {
                problems.push(Problem::EmptySpan { id: span.id });
            } else if span.end > doc.char_len() {
                problems.push(Problem::OutOfRange {
                    id: span.id,
                    start: span.start,
                    end: span.end,
                    len: doc.char_len(),
                });
            } else if !doc.text_matches(span.start, span.end, &span.text) {
                problems.push(Problem::TextMismatch {
                    id: span.id,
                    stored: span.text.clone(),
                    found: doc.slice(span.range()).to_owned(),
                });
            }
            if !self.labels.is_empty() && scheme.get(&span.label).is_none() {
                problems.push(Problem::UnknownLabel {
                    id: span.id,
                    label: span.label.clone(),
                });
            }
        }
        problems
    }

    /// The layer this file describes. Every span is kept, whatever its problems.
    pub fn into_layer(self) -> Layer {
        let scheme = if self.labels.is_empty() {
            LabelScheme::default()
        } else {
            LabelScheme::from_labels(self.labels)
        };
        let mut spans = self.spans;
        // Ids must be unique for edits to address spans; renumber later duplicates.
        let mut seen = std::collections::HashSet::new();
        let mut next = spans.iter().map(|s| s.id).max().unwrap_or(0) + 1;
        for span in &mut spans {
            if !seen.insert(span.id) {
                span.id = next;
                seen.insert(next);
                next += 1;
            }
        }
        let mut layer = Layer::from_parts(&self.annotator, scheme, spans, self.relations);
        layer.orphans = self.orphans;
        layer
    }
}

/// A RON string literal. Only what must be escaped is: `"` and `\\` and control characters;
/// every other character (accents, CJK, emoji, apostrophes) stays as it is, for people
/// reading the file or its diff.
pub fn ron_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_ron_string(&mut out, s);
    out
}

/// Appends a RON string literal (see [`ron_string`]).
pub fn push_ron_string(out: &mut String, s: &str) {
    out.push('"');
    let mut run = 0;
    for (i, c) in s.char_indices() {
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            c if c.is_control() => "",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push_str(escape);
        }
        run = i + c.len_utf8();
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// One line of the file per item, in a fixed field order.
trait RonLine {
    fn ron_line(&self, out: &mut String);
}

impl RonLine for Label {
    fn ron_line(&self, out: &mut String) {
        out.push_str("(name: ");
        push_ron_string(out, &self.name);
        out.push_str(", color: ");
        push_ron_string(out, &self.color);
        out.push(')');
    }
}

impl RonLine for Span {
    fn ron_line(&self, out: &mut String) {
        let _ = write!(
            out,
            "(id: {}, start: {}, end: {}, label: ",
            self.id, self.start, self.end
        );
        push_ron_string(out, &self.label);
        out.push_str(", text: ");
        push_ron_string(out, &self.text);
        if let Some(note) = &self.note {
            out.push_str(", note: Some(");
            push_ron_string(out, note);
            out.push(')');
        }
        out.push(')');
    }
}

impl RonLine for Relation {
    fn ron_line(&self, out: &mut String) {
        let _ = write!(
            out,
            "(id: {}, from: {}, to: {}, label: ",
            self.id, self.from, self.to
        );
        push_ron_string(out, &self.label);
        out.push(')');
    }
}

fn write_list<T: RonLine>(out: &mut String, name: &str, items: &[T]) {
    if items.is_empty() {
        let _ = writeln!(out, "    {name}: [],");
        return;
    }
    let _ = writeln!(out, "    {name}: [");
    for item in items {
        out.push_str("        ");
        item.ron_line(out);
        out.push_str(",\n");
    }
    out.push_str("    ],\n");
}

/// Writes `contents` to `path` atomically: a temporary file in the same folder is written,
/// flushed to disk and renamed over `path`. The previous version, if any, is kept as
/// `<path>.bak`.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), StoreError> {
    write_atomic_with(path, contents, true)
}

/// [`write_atomic`] without keeping a `.bak` (recovery files, scratch copies).
pub fn write_atomic_no_backup(path: &Path, contents: &[u8]) -> Result<(), StoreError> {
    write_atomic_with(path, contents, false)
}

fn write_atomic_with(path: &Path, contents: &[u8], backup: bool) -> Result<(), StoreError> {
    let io = |source| StoreError::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".spantag-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(contents).map_err(io)?;
    set_permissions_like(tmp.as_file(), path);
    tmp.as_file().sync_all().map_err(io)?;
    if backup {
        keep_backup(path).map_err(io)?;
    }
    tmp.persist(path).map_err(|e| io(e.error))?;
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Removes temporary files that an interrupted save (a crash, `kill -9`, a power cut) left in
/// `dir`: `.spantag-*.tmp` older than ten minutes. Returns how many were removed.
pub fn remove_stale_temp_files(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let old = |e: &std::fs::DirEntry| {
        e.metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > std::time::Duration::from_secs(600))
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with(".spantag-") && name.ends_with(".tmp")
        })
        .filter(old)
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

/// Keeps the current version of `path`, if any, as `<path>.bak` (a hard link, so no copy,
/// falling back to a copy).
pub fn keep_backup(path: &Path) -> std::io::Result<()> {
    if !path.is_file() {
        return Ok(());
    }
    let mut bak = path.as_os_str().to_os_string();
    bak.push(".bak");
    let bak = PathBuf::from(bak);
    let _ = std::fs::remove_file(&bak);
    if std::fs::hard_link(path, &bak).is_err() {
        std::fs::copy(path, &bak)?;
    }
    Ok(())
}

/// Gives a temporary file (created private, 0600) the permissions the file it replaces had,
/// or the usual 0644 for a new file, so that teammates sharing the folder can read it.
pub fn set_permissions_like(tmp: &std::fs::File, target: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(target).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        let _ = tmp.set_permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    {
        let _ = (tmp, target);
    }
}

/// Saves a layer beside its document; returns the hash of the bytes written.
pub fn save_layer(layer: &Layer, doc: &Document, path: &Path) -> Result<String, StoreError> {
    let text = AnnotationFile::from_layer(layer, doc).to_ron();
    write_atomic(path, text.as_bytes())?;
    Ok(crate::document::hash_bytes(text.as_bytes()))
}

/// The hash of a file's bytes now (`None` when it does not exist or cannot be read).
pub fn file_hash(path: &Path) -> Option<String> {
    std::fs::read(path)
        .ok()
        .map(|bytes| crate::document::hash_bytes(&bytes))
}

/// A cheap fingerprint of a file (modification time and length) to poll for changes.
pub fn file_stamp(path: &Path) -> Option<(std::time::SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// A layer read from disk and what was found wrong with it.
#[derive(Debug)]
pub struct Loaded {
    /// The layer (every span of the file).
    pub layer: Layer,
    /// Problems, for the user to see.
    pub problems: Vec<Problem>,
    /// Whether loading changed the layer (re-anchoring): it differs from the file on disk.
    pub changed: bool,
    /// Hash of the annotation file's bytes as read (`None` when there was no file).
    pub disk_hash: Option<String>,
}

/// Opens a document and loads the annotator's layer for it, reading and parsing the
/// annotation file on another thread while the document is decoded and indexed.
pub fn open_with_layer(
    doc_path: &Path,
    annotation_path: &Path,
    annotator: &str,
) -> Result<(Document, Loaded), String> {
    let (doc, file) = std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            annotation_path
                .exists()
                .then(|| AnnotationFile::read_with_hash(annotation_path))
        });
        let doc = Document::open(doc_path);
        let file = reader
            .join()
            .unwrap_or_else(|_| Some(AnnotationFile::read_with_hash(annotation_path)));
        (doc, file)
    });
    let doc = doc.map_err(|e| e.to_string())?;
    if let Some(dir) = annotation_path.parent() {
        remove_stale_temp_files(dir);
    }
    let loaded = match file {
        None => Loaded {
            layer: Layer::new(annotator),
            problems: Vec::new(),
            changed: false,
            disk_hash: None,
        },
        Some(file) => {
            let (file, hash) = file.map_err(|e| e.to_string())?;
            let mut loaded = loaded_from(file, &doc, annotator);
            loaded.disk_hash = Some(hash);
            loaded
        }
    };
    Ok((doc, loaded))
}

/// Loads the annotator's layer for a document, or an empty layer when there is no file yet.
pub fn load_layer(doc: &Document, path: &Path, annotator: &str) -> Result<Loaded, StoreError> {
    if !path.exists() {
        return Ok(Loaded {
            layer: Layer::new(annotator),
            problems: Vec::new(),
            changed: false,
            disk_hash: None,
        });
    }
    let (file, hash) = AnnotationFile::read_with_hash(path)?;
    let mut loaded = loaded_from(file, doc, annotator);
    loaded.disk_hash = Some(hash);
    Ok(loaded)
}

/// A loaded layer from a parsed file: re-anchored when the source changed, with its problems.
pub fn loaded_from(mut file: AnnotationFile, doc: &Document, annotator: &str) -> Loaded {
    let mut reanchored = None;
    if file.source_hash != doc.hash() && !file.spans.is_empty() {
        let result = crate::reanchor::reanchor(doc, std::mem::take(&mut file.spans));
        file.spans = result.spans;
        file.orphans.extend(result.orphans.iter().cloned());
        reanchored = Some(Problem::Reanchored {
            moved: result.moved,
            orphaned: result.orphans.len(),
        });
    }
    let mut problems = file.problems(doc);
    let changed = reanchored.as_ref().is_some_and(|p| {
        !matches!(
            p,
            Problem::Reanchored {
                moved: 0,
                orphaned: 0
            }
        )
    });
    problems.extend(reanchored);
    let mut layer = file.into_layer();
    annotator.clone_into(&mut layer.annotator);
    Loaded {
        layer,
        problems,
        changed,
        disk_hash: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (Document, Layer) {
        let doc =
            Document::from_text("Café owner Zoë said: \"東京 👍 rocks\"\r\nNext line.".to_owned());
        let mut layer = Layer::new("alice");
        for (start, end, label) in [
            (11, 14, "actor"),
            (0, 34, "claim"),
            (22, 24, "actor"),
            (35, 39, "event"),
        ] {
            let id = layer.allocate_id();
            layer.insert(Span {
                id,
                start,
                end,
                label: label.to_owned(),
                text: doc.slice(start..end).to_owned(),
                note: (label == "claim").then(|| "quoted \"as is\"".to_owned()),
            });
        }
        (doc, layer)
    }

    #[test]
    fn ron_round_trip_is_identical() {
        let (doc, layer) = sample();
        let file = AnnotationFile::from_layer(&layer, &doc);
        let text = file.to_ron();
        let back = AnnotationFile::from_ron(&text, Path::new("x.ron")).unwrap();
        assert_eq!(back, file);
        assert_eq!(
            back.to_ron(),
            text,
            "serialising twice gives the same bytes"
        );
        assert!(back.problems(&doc).is_empty(), "{:?}", back.problems(&doc));
        assert_eq!(back.into_layer(), layer);
    }

    #[test]
    fn one_span_per_line_sorted() {
        let (doc, layer) = sample();
        let text = AnnotationFile::from_layer(&layer, &doc).to_ron();
        let span_lines: Vec<&str> = text.lines().filter(|l| l.contains("start:")).collect();
        assert_eq!(span_lines.len(), 4);
        assert!(span_lines[0].contains("start: 0, end: 34"), "{text}");
        assert!(span_lines[1].contains("start: 11"));
        assert!(text.starts_with(
            "(\n    version: 1,\n    source: \"untitled\",\n    source_hash: \"sha256:"
        ));
    }

    #[test]
    fn offsets_are_python_code_points() {
        let (doc, layer) = sample();
        let chars: Vec<char> = doc.text().chars().collect();
        for span in layer.spans() {
            let py: String = chars[span.start..span.end].iter().collect();
            assert_eq!(py, span.text);
        }
        assert_eq!(layer.spans()[2].text, "東京");
        assert_eq!(layer.spans()[3].text, "Next");
    }

    #[test]
    fn parse_errors_carry_line_and_column() {
        let (doc, layer) = sample();
        let text = AnnotationFile::from_layer(&layer, &doc).to_ron();
        let broken = &text[..text.len() / 2];
        let err = AnnotationFile::from_ron(broken, Path::new("a.ron")).unwrap_err();
        let StoreError::Parse { line, .. } = err else {
            panic!("expected a parse error, got {err}");
        };
        assert!(line > 1);
    }

    #[test]
    fn strings_round_trip_through_ron() {
        for s in [
            "plain",
            "year's \"quoted\"",
            "back\\slash",
            "tab\tnew\nline\r",
            "\u{0}\u{7f}\u{85}",
            "東京 👩‍💻 e\u{301} עברית",
        ] {
            let parsed: String = ron::from_str(&ron_string(s)).unwrap();
            assert_eq!(parsed, s);
        }
        assert_eq!(ron_string("year's"), "\"year's\"");
    }

    #[test]
    fn problems_are_reported_not_dropped() {
        let (doc, layer) = sample();
        let mut file = AnnotationFile::from_layer(&layer, &doc);
        file.spans[0].end = 10_000;
        file.spans[1].text = "wrong".into();
        file.spans[2].label = "mystery".into();
        let problems = file.problems(&doc);
        assert_eq!(problems.len(), 3, "{problems:?}");
        let layer = file.into_layer();
        assert_eq!(layer.spans().len(), 4);
        assert!(layer.scheme.get("mystery").is_some());
    }

    #[test]
    fn atomic_write_keeps_a_backup() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt.alice.ron");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(
            std::fs::read(dir.path().join("a.txt.alice.ron.bak")).unwrap(),
            b"one"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn stale_temporary_files_are_cleaned_up_fresh_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".spantag-abc.tmp");
        let fresh = dir.path().join(".spantag-def.tmp");
        std::fs::write(&stale, "half a file").unwrap();
        std::fs::write(&fresh, "being written").unwrap();
        let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&stale)
            .unwrap()
            .set_modified(an_hour_ago)
            .unwrap();
        assert_eq!(remove_stale_temp_files(dir.path()), 1);
        assert!(!stale.exists() && fresh.exists());
    }

    #[test]
    fn annotator_names_are_checked_and_files_found() {
        assert!(validate_annotator("alice").is_ok());
        assert!(validate_annotator("zoë_2").is_ok());
        for bad in ["", "../x", "a/b", ".hidden", "a b"] {
            assert!(validate_annotator(bad).is_err(), "{bad}");
        }
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("op-ed.txt");
        std::fs::write(&src, "x").unwrap();
        for who in ["bob", "alice"] {
            std::fs::write(annotation_path(&src, who), "").unwrap();
        }
        std::fs::write(dir.path().join("op-ed.txt.alice.ron.bak"), "").unwrap();
        let found: Vec<String> = annotation_files(&src).into_iter().map(|(a, _)| a).collect();
        assert_eq!(found, ["alice", "bob"]);
        assert_eq!(
            annotation_path(&src, "alice").file_name().unwrap(),
            "op-ed.txt.alice.ron"
        );
    }
}
