//! The output stream of the single-file formats: standard output, or a temporary file
//! renamed over the target (with a `.bak` of what it replaces) when the export finishes.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{FormatError, Output, Report};

/// A stream that is either stdout or a temporary file renamed over the target at the end.
pub struct Sink {
    inner: SinkInner,
}

enum SinkInner {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    File {
        writer: std::io::BufWriter<crate::atomic::AtomicFile>,
        path: PathBuf,
    },
}

impl Sink {
    /// Opens the sink for an output.
    pub fn open(output: &Output) -> Result<Self, FormatError> {
        match output {
            Output::Stdout => Ok(Self {
                inner: SinkInner::Stdout(std::io::BufWriter::new(std::io::stdout())),
            }),
            Output::Path(path) => {
                if path.is_dir() {
                    return Err(FormatError::Output(format!(
                        "{} is a folder; this format writes one file — give a file name",
                        path.display()
                    )));
                }
                let tmp = crate::atomic::AtomicFile::create(path).map_err(FormatError::io(path))?;
                Ok(Self {
                    inner: SinkInner::File {
                        writer: std::io::BufWriter::new(tmp),
                        path: path.clone(),
                    },
                })
            }
        }
    }

    /// Writes bytes.
    pub fn write_all(&mut self, bytes: &[u8]) -> Result<(), FormatError> {
        match &mut self.inner {
            SinkInner::Stdout(w) => w
                .write_all(bytes)
                .map_err(FormatError::io(Path::new("<stdout>"))),
            SinkInner::File { writer, path } => {
                writer.write_all(bytes).map_err(FormatError::io(path))
            }
        }
    }

    /// Writes one value as a line of JSON.
    pub fn write_json_line<T: serde::Serialize>(&mut self, value: &T) -> Result<(), FormatError> {
        let mut line = serde_json::to_vec(value).map_err(|e| FormatError::Output(e.to_string()))?;
        line.push(b'\n');
        self.write_all(&line)
    }

    /// Commits and records the file written in the report.
    pub fn finish(self, report: &mut Report) -> Result<(), FormatError> {
        report.written.extend(self.commit()?);
        Ok(())
    }

    /// Flushes and, for a file, renames it into place; returns the path written.
    pub fn commit(self) -> Result<Option<PathBuf>, FormatError> {
        match self.inner {
            SinkInner::Stdout(mut w) => {
                w.flush().map_err(FormatError::io(Path::new("<stdout>")))?;
                Ok(None)
            }
            SinkInner::File { writer, path } => {
                let tmp = writer.into_inner().map_err(|e| FormatError::Io {
                    path: path.clone(),
                    source: e.into_error(),
                })?;
                tmp.commit(crate::atomic::Backup::Keep)
                    .map_err(FormatError::io(&path))?;
                Ok(Some(path))
            }
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.inner {
            SinkInner::Stdout(w) => w.write(buf),
            SinkInner::File { writer, .. } => writer.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.inner {
            SinkInner::Stdout(w) => w.flush(),
            SinkInner::File { writer, .. } => writer.flush(),
        }
    }
}
