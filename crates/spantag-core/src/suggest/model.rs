//! The model protocol: a local command reads documents as JSON lines on stdin and writes
//! spans as JSON lines on stdout.
//!
//! In: one line per document, `{"id": "<document path>", "text": "<its text>"}`.
//! Out: one line per span, `{"id": "<document path>", "start": 0, "end": 5, "label":
//! "actor"}`: offsets in Unicode code points (Python's `str` indices), half-open. Lines
//! that are blank are skipped; anything else that is not such a span is an error naming
//! the line. The spans become a read-only layer (annotator `model`) that the app and
//! `spantag suggest --from model` suggest.

use crate::annotation::{LabelScheme, Layer, Span};
use crate::document::Document;

/// The annotator name of a model's layer.
pub const MODEL: &str = "model";

/// The line sent to the model for one document.
pub fn input_line(id: &str, doc: &Document) -> String {
    serde_json::json!({ "id": id, "text": doc.text() }).to_string()
}

/// One span the model wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct ModelSpan {
    /// The document (as sent).
    pub id: String,
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// Its label.
    pub label: String,
}

/// Reads one output line (`None` for a blank line).
pub fn parse_line(line: &str) -> Result<Option<ModelSpan>, String> {
    if line.trim().is_empty() {
        return Ok(None);
    }
    let span: ModelSpan = serde_json::from_str(line).map_err(|e| {
        format!(
            "not a span ({e}); each line must be {{\"id\": DOCUMENT, \"start\": N, \"end\": N, \
             \"label\": LABEL}}"
        )
    })?;
    if span.label.trim().is_empty() {
        return Err("a span has an empty label".to_owned());
    }
    Ok(Some(span))
}

/// The model's spans of one document as a layer; spans outside the text or empty are
/// refused with a message (the caller says which document).
pub fn layer(doc: &Document, spans: &[ModelSpan]) -> Result<Layer, String> {
    let mut out = Vec::with_capacity(spans.len());
    for (i, s) in spans.iter().enumerate() {
        if s.start >= s.end || s.end > doc.char_len() {
            return Err(format!(
                "span {}..{} ({}) is not inside the text (0..{} code points)",
                s.start,
                s.end,
                s.label,
                doc.char_len()
            ));
        }
        out.push(Span::new(
            i as u64 + 1,
            s.start..s.end,
            &s.label,
            doc.slice(s.start..s.end),
        ));
    }
    Ok(Layer::from_parts(
        MODEL,
        LabelScheme::default(),
        out,
        Vec::new(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_and_checked_against_the_text() {
        let doc = Document::from_text("Zoë met Reyes.".into());
        let line = r#"{"id": "a.txt", "start": 8, "end": 13, "label": "actor"}"#;
        let span = parse_line(line).unwrap().unwrap();
        let layer = layer(&doc, std::slice::from_ref(&span)).unwrap();
        // Python: "Zoë met Reyes."[8:13] == "Reyes"
        assert_eq!(layer.spans()[0].text, "Reyes");
        assert_eq!(parse_line("  ").unwrap(), None);
        assert!(parse_line("{\"start\": 1}").is_err());
        let past = ModelSpan { end: 15, ..span };
        assert!(super::layer(&doc, &[past]).unwrap_err().contains("0..14"));
    }
}
