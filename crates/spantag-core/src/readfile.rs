//! Reading a file the user pointed at, safely: only regular files are opened (a FIFO would
//! block the open for ever, `/dev/zero` would never end), and size limits count the bytes
//! actually read, not what the metadata claims.

use std::io::Read as _;
use std::path::Path;

/// What a file that is not a regular file is, for messages ("a named pipe (FIFO)").
pub fn special_kind(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() || t.is_dir() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if t.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

/// The error for a path that is not a regular file (`kind` from [`special_kind`]).
pub fn not_regular(kind: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!(
            "it is {kind}, not a regular file; spantag reads only regular files — \
             move it out of the way or give a regular file"
        ),
    )
}

/// Checks, without opening it, that `path` (links followed) is a regular file.
pub fn ensure_regular(path: &Path) -> std::io::Result<std::fs::Metadata> {
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "it is a folder, not a file",
        ));
    }
    match special_kind(&meta) {
        Some(kind) => Err(not_regular(kind)),
        None => Ok(meta),
    }
}

/// The bytes of a regular file, or `Ok(None)` when it holds more than `limit` bytes (at most
/// `limit + 1` bytes are ever read, whatever its metadata says). A FIFO, device or socket is
/// refused before it is opened.
pub fn read_limited(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let meta = ensure_regular(path)?;
    if meta.len() > limit {
        return Ok(None);
    }
    let file = std::fs::File::open(path)?;
    let capacity = usize::try_from(meta.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Ok(None);
    }
    Ok(Some(bytes))
}

/// [`read_limited`] for files with no limit of their own: imports and project files, up to
/// 1 GB. Too large is an error.
pub fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    const LIMIT: u64 = 1024 * 1024 * 1024;
    read_limited(path, LIMIT)?.ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "it is larger than 1 GB, too large for spantag to read",
        )
    })
}

/// [`read_regular`] as UTF-8 text (a leading byte-order mark is dropped).
pub fn read_regular_string(path: &Path) -> std::io::Result<String> {
    let bytes = read_regular(path)?;
    let mut text = String::from_utf8(bytes)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not valid UTF-8"))?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn the_limit_counts_bytes_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, b"0123456789").unwrap();
        assert_eq!(read_limited(&path, 10).unwrap().unwrap().len(), 10);
        assert!(read_limited(&path, 9).unwrap().is_none());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn dev_zero_is_refused_not_read() {
        // Its metadata says 0 bytes; reading it would never end.
        let err = read_limited(Path::new("/dev/zero"), 10).unwrap_err();
        assert!(err.to_string().contains("character device"), "{err}");
    }
}
