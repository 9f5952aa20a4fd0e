//! Reading annotation files: the fast reader for the shape spantag writes, with the `ron`
//! crate as the fallback that also produces error messages with line and column.

use std::path::Path;

use super::{AnnotationFile, FORMAT_VERSION, MAX_ANNOTATION_BYTES, StoreError};

impl AnnotationFile {
    /// Parses RON text; `path` is only used in messages.
    pub fn from_ron(text: &str, path: &Path) -> Result<Self, StoreError> {
        // A byte-order mark (some Windows editors add one) is not part of the file's RON.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let file = match super::fastron::parse(text) {
            Some(file) => file,
            None => {
                if let Some(line) = crate::team::markers::first_marker_line(text) {
                    return Err(StoreError::MergeMarkers {
                        path: path.to_path_buf(),
                        line,
                    });
                }
                let options = ron::Options::default().with_recursion_limit(32);
                let mut file: Self = options.from_str(text).map_err(|e| StoreError::Parse {
                    path: path.to_path_buf(),
                    line: e.span.start.line,
                    col: e.span.start.col,
                    message: match e.code {
                        ron::Error::ExceededRecursionLimit => {
                            "brackets nested too deeply (more than 32 levels) for an annotation \
                             file"
                                .to_owned()
                        }
                        code => code.to_string(),
                    },
                })?;
                // Fields it does not know (the fast reader leaves files with any to `ron`).
                file.unknown = crate::unknown::Unknown::of::<Self>(text).unwrap_or_default();
                file
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
        Self::read_hashing(path, true)
    }

    /// Reads a file from disk without hashing it (layers shown read-only, which are never
    /// saved over).
    pub fn read_unhashed(path: &Path) -> Result<Self, StoreError> {
        Self::read_hashing(path, false).map(|(file, _)| file)
    }

    fn read_hashing(path: &Path, hash: bool) -> Result<(Self, String), StoreError> {
        let io = |source| StoreError::Io {
            action: "read",
            path: path.to_path_buf(),
            source,
        };
        let Some(bytes) = crate::readfile::read_limited(path, MAX_ANNOTATION_BYTES).map_err(io)?
        else {
            let size = std::fs::metadata(path).map_or(0, |m| m.len());
            return Err(StoreError::TooLarge {
                path: path.to_path_buf(),
                size_mb: size.max(MAX_ANNOTATION_BYTES + 1) / (1024 * 1024),
            });
        };
        let hash = if hash {
            crate::document::hash_bytes(&bytes)
        } else {
            String::new()
        };
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
}
