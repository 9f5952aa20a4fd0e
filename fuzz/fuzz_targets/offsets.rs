//! Decoding and offset mapping on arbitrary bytes: byte, code point and UTF-16 offsets map
//! back and forth exactly, and the block index covers the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use spantag_core::document::{Document, decode};

fuzz_target!(|data: &[u8]| {
    let Some((text, _)) = decode(data) else {
        return;
    };
    let doc = Document::from_text(text.clone());
    assert_eq!(doc.char_len(), text.chars().count());
    let mut utf16 = 0;
    for (k, (byte, c)) in text.char_indices().enumerate() {
        assert_eq!(doc.byte_from_char(k), byte);
        assert_eq!(doc.char_from_byte(byte), k);
        assert_eq!(doc.utf16_from_char(k), utf16);
        assert_eq!(doc.char_from_utf16(utf16), Some(k));
        utf16 += c.len_utf16();
        let _ = doc.word_at(k);
        let _ = doc.snap_to_grapheme(k);
    }
    assert_eq!(doc.utf16_from_char(doc.char_len()), utf16);
    let n = doc.char_len();
    let _ = doc.trim_range(n / 3..n);
    let mut end = 0;
    for (i, block) in doc.blocks().iter().enumerate() {
        assert!(block.start >= end && block.end >= block.start);
        assert_eq!(doc.block_text(i), &text[block.byte_start..block.byte_end]);
        end = block.end;
    }
});
