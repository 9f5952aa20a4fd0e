//! Every importer on arbitrary input: errors are fine, panics are not, and what is read
//! can be turned into a layer over its text.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use spantag_core::document::Document;
use spantag_core::formats::{self, Imported, Offsets};

fn check(records: Vec<Imported>) {
    for record in records {
        let doc = Document::from_text(record.text);
        for layer in record.layers {
            for span in layer.spans {
                if span.start < span.end && span.end <= doc.char_len() {
                    let _ = doc.slice(span.start..span.end);
                }
            }
        }
        let _ = formats::safe_relative(&record.name);
    }
}

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz");
    if let Ok(records) = formats::label_studio::parse(data, path, Offsets::Utf16, "fuzz") {
        check(records);
    }
    if let Ok(records) = formats::label_studio::parse(data, path, Offsets::Codepoints, "fuzz") {
        check(records);
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The input is also the brat document its own .ann lines are read over.
    let doc = Document::from_text(text.to_owned());
    for offsets in [Offsets::Codepoints, Offsets::Utf16] {
        if let Ok(records) = formats::jsonl::parse(text, path, offsets, "fuzz") {
            check(records);
        }
        if let Ok(records) = formats::doccano::parse(text, path, offsets, "fuzz") {
            check(records);
        }
        let _ = formats::brat::parse_ann(text, path, &doc, offsets, "fuzz");
    }
});
