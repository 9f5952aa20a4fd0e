//! CSV, one span per row: `document,annotator,start,end,label,text,note,attrs` (`attrs`:
//! the span's attributes as `name=value` joined by `; `, sorted). Every cell holds the
//! exact text, so `text` equals the document's `text[start:end]`. With `--excel` (for opening
//! in a spreadsheet), cells that a spreadsheet would run as a formula (starting with `=`, `+`,
//! `-`, `@`, tab or CR) get a leading apostrophe instead. `start` and `end` are code points
//! (UTF-16 code units with `--offsets utf16`).

use super::{FormatError, Item, Offsets, Report, Sink};
use std::path::Path;

/// The CSV writer.
pub struct Exporter {
    writer: csv::Writer<Sink>,
    offsets: Offsets,
    excel: bool,
}

/// Neutralises a cell against spreadsheet formula injection.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// A cell as written: exact, or neutralised for a spreadsheet.
fn cell(text: &str, excel: bool) -> std::borrow::Cow<'_, str> {
    if excel { neutralise(text) } else { text.into() }
}

impl Exporter {
    /// Writes to `sink`, starting with the header row.
    pub fn new(sink: Sink, offsets: Offsets, excel: bool) -> Result<Self, FormatError> {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(sink);
        writer
            .write_record([
                "document",
                "annotator",
                "start",
                "end",
                "label",
                "text",
                "note",
                "attrs",
            ])
            .map_err(write_error)?;
        Ok(Self {
            writer,
            offsets,
            excel,
        })
    }
}

/// A failed write, with the OS error kept as the source (so that the command line can tell
/// a reader that closed the pipe from a full disk).
fn write_error(err: csv::Error) -> FormatError {
    if !err.is_io_error() {
        return FormatError::Output(err.to_string());
    }
    match err.into_kind() {
        csv::ErrorKind::Io(source) => FormatError::io(Path::new("the output"))(source),
        other => FormatError::Output(format!("{other:?}")),
    }
}

impl super::Exporter for Exporter {
    fn document(&mut self, item: &Item<'_>, _report: &mut Report) -> Result<(), FormatError> {
        let excel = self.excel;
        for layer in item.layers {
            for span in layer.spans() {
                let (start, end) = super::offsets_of(item.doc, span, self.offsets);
                let (start, end) = (start.to_string(), end.to_string());
                let attrs: Vec<String> = span
                    .attrs
                    .iter()
                    .map(|(name, value)| format!("{name}={value}"))
                    .collect();
                let attrs = attrs.join("; ");
                self.writer
                    .write_record([
                        &*cell(item.name, excel),
                        &*cell(&layer.annotator, excel),
                        &start,
                        &end,
                        &*cell(&span.label, excel),
                        &*cell(&span.text, excel),
                        &*cell(span.note.as_deref().unwrap_or(""), excel),
                        &*cell(&attrs, excel),
                    ])
                    .map_err(write_error)?;
            }
        }
        Ok(())
    }

    fn finish(self: Box<Self>, report: &mut Report) -> Result<(), FormatError> {
        let sink = self
            .writer
            .into_inner()
            .map_err(|e| FormatError::io(Path::new("the output"))(e.into_error()))?;
        report.written.extend(sink.commit()?);
        Ok(())
    }
}
