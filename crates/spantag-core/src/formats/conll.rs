//! CoNLL IOB2: `TOKEN<TAB>TAG` per line, a blank line between sentences, and before each
//! document (one per annotator layer) a `-DOCSTART- <document> <annotator><TAB>O` line: readers
//! skip lines that start with `-DOCSTART-`, and whether they split on tabs or on white space
//! its first field stays `-DOCSTART-` and its last `O`. Tokens, sentences and the overlap
//! policy come from [`crate::tokens`].

use super::{FormatError, Item, Report, Sink};
use crate::tokens;

/// The CoNLL writer.
pub struct Exporter {
    sink: Sink,
    /// Whether a label's white space was written as `_`.
    renamed: bool,
}

impl Exporter {
    /// Writes to `sink`.
    pub fn new(sink: Sink) -> Self {
        Self {
            sink,
            renamed: false,
        }
    }
}

impl super::Exporter for Exporter {
    fn document(&mut self, item: &Item<'_>, report: &mut Report) -> Result<(), FormatError> {
        let sentences = tokens::keep_spans_whole(tokens::sentences(item.doc), item.layers);
        for layer in item.layers {
            let tagged = tokens::tag(&sentences, layer);
            report.token_spans(item.name, layer, &tagged);
            // Names as one field each: white space in them becomes `_`.
            let field = |name: &str| -> String {
                name.chars()
                    .map(|c| if c.is_whitespace() { '_' } else { c })
                    .collect()
            };
            let mut out = format!(
                "-DOCSTART- {} {}\tO\n\n",
                field(item.name),
                field(&layer.annotator)
            );
            for (sentence, tags) in sentences.iter().zip(&tagged.tags) {
                for (token, tag) in sentence.iter().zip(tags) {
                    out.push_str(&token.text);
                    out.push('\t');
                    // A tag is one whitespace-free field: readers split lines on white space.
                    let name = tokens::tag_name(*tag, layer);
                    if name.contains(char::is_whitespace) {
                        self.renamed = true;
                        out.extend(
                            name.chars()
                                .map(|c| if c.is_whitespace() { '_' } else { c }),
                        );
                    } else {
                        out.push_str(&name);
                    }
                    out.push('\n');
                }
                out.push('\n');
            }
            self.sink.write_all(out.as_bytes())?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>, report: &mut Report) -> Result<(), FormatError> {
        if self.renamed {
            report.notes.push(
                "CoNLL tags are one field: white space in label names was written as '_'"
                    .to_owned(),
            );
        }
        self.sink.finish(report)
    }
}
