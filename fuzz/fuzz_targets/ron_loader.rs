//! The annotation file loader: never panics, and the fast reader agrees with `ron`.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use spantag_core::store::AnnotationFile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let loaded = AnnotationFile::from_ron(text, Path::new("fuzz.ron"));
    if let Some(fast) = spantag_core::store::fastron::parse(text) {
        let slow: Option<AnnotationFile> = ron::Options::default().from_str(text).ok();
        assert_eq!(Some(&fast), slow.as_ref(), "fast and ron readers disagree");
        // What was read is written back canonically and reads the same.
        let again = AnnotationFile::from_ron(&fast.to_ron(), Path::new("fuzz.ron")).ok();
        let mut sorted = fast.clone();
        sorted.spans.sort_by(spantag_core::annotation::Span::order);
        sorted.relations.sort_by_key(|r| r.id);
        assert_eq!(again, Some(sorted));
    }
    if let Ok(file) = loaded {
        let doc = spantag_core::document::Document::from_text("some text to check against".to_owned());
        let _ = file.problems(&doc);
        let _ = file.into_layer();
    }
});
