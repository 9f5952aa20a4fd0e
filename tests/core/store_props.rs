//! Properties of the annotation file: any content round-trips, and the fast reader agrees
//! with the `ron` crate on every input it accepts (including broken ones).

use std::path::Path;

use proptest::prelude::*;
use spantag_core::annotation::{Label, Relation, Span};
use spantag_core::store::AnnotationFile;

fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z \"\\\\\n\r\t]{0,12}",
        Just(String::new())
    ]
}

fn arb_file() -> impl Strategy<Value = AnnotationFile> {
    (
        arb_string(),
        arb_string(),
        prop::collection::vec(
            (
                0u64..1000,
                0usize..500,
                0usize..50,
                arb_string(),
                arb_string(),
                prop::option::of(arb_string()),
                // Attributes (any names and values) and, for some spans, two pieces.
                prop::collection::btree_map(arb_string(), arb_string(), 0..3),
                any::<bool>(),
            ),
            0..20,
        ),
        prop::collection::vec((arb_string(), arb_string()), 0..4),
        prop::collection::vec((0u64..100, 0u64..100, arb_string()), 0..3),
    )
        .prop_map(|(source, annotator, spans, labels, relations)| {
            let mut spans: Vec<Span> = spans
                .into_iter()
                .map(|(id, start, len, label, text, note, attrs, pieces)| {
                    let mut span = Span::new(id, start..start + len, label, text).with_note(note);
                    span.attrs = attrs;
                    if pieces && len >= 3 {
                        span.fragments = vec![(start, start + 1), (start + len - 1, start + len)];
                    }
                    span
                })
                .collect();
            spans.sort_by(Span::order);
            let orphans: Vec<Span> = spans.iter().rev().take(2).cloned().collect();
            let mut rejected: Vec<spantag_core::annotation::Rejection> = spans
                .iter()
                .step_by(3)
                .map(|s| spantag_core::annotation::Rejection {
                    start: s.start,
                    end: s.end,
                    label: s.label.clone(),
                    text: s.text.clone(),
                })
                .collect();
            rejected.sort();
            AnnotationFile {
                unknown: Default::default(),
                conflicts: Vec::new(),
                // An event on the first span naming the second, and an equivalence of both.
                events: match spans.as_slice() {
                    [a, b, ..] => vec![spantag_core::annotation::Event {
                        id: 5000,
                        label: a.label.clone(),
                        trigger: a.id,
                        args: vec![spantag_core::annotation::EventArg {
                            role: b.label.clone(),
                            to: b.id,
                        }],
                        attrs: a.attrs.clone(),
                        note: a.note.clone(),
                    }],
                    _ => Vec::new(),
                },
                equivalences: match spans.as_slice() {
                    [a, b, ..] => vec![spantag_core::annotation::Equivalence {
                        label: b.text.clone(),
                        members: vec![a.id, b.id],
                    }],
                    _ => Vec::new(),
                },
                rejected,
                decisions: Vec::new(),
                orphans,
                done: spans.len() % 2 == 1,
                version: 1,
                source,
                source_hash: "sha256:0".to_owned(),
                annotator,
                labels: labels
                    .into_iter()
                    .map(|(name, color)| Label { name, color })
                    .collect(),
                spans,
                relations: relations
                    .into_iter()
                    .enumerate()
                    .map(|(i, (from, to, label))| Relation {
                        id: i as u64,
                        from,
                        to,
                        label,
                    })
                    .collect(),
            }
        })
}

proptest! {
    #![proptest_config(crate::proptest_config(200))]

    #[test]
    fn any_file_round_trips_and_both_readers_agree(file in arb_file()) {
        let text = file.to_ron();
        let fast = spantag_core::store::fastron::parse(&text);
        prop_assert_eq!(fast.as_ref(), Some(&file));
        let slow: AnnotationFile = ron::from_str(&text).unwrap();
        prop_assert_eq!(&slow, &file);
        prop_assert_eq!(&AnnotationFile::from_ron(&text, Path::new("x.ron")).unwrap(), &file);
        // The writer sorts: the same spans in reverse order give the same text (when no two
        // spans tie on (start, end, label, id), which would keep their order either way).
        if file.spans.windows(2).all(|w| w[0].order(&w[1]).is_lt()) {
            let mut reversed = file.clone();
            reversed.spans.reverse();
            prop_assert_eq!(reversed.to_ron(), text.as_str());
        }
        // One span per line (split on '\n' only, so a raw CR or LF in a string would show):
        // the lines of the `spans` list are exactly the spans, each a whole RON value that
        // parses on its own to that span, in (start, end, label) order.
        let lines: Vec<&str> = text.split('\n').collect();
        let span_lines: Vec<&str> = if file.spans.is_empty() {
            prop_assert!(lines.contains(&"    spans: [],"));
            Vec::new()
        } else {
            let open = lines.iter().position(|l| *l == "    spans: [").unwrap();
            let close = open + lines[open..].iter().position(|l| *l == "    ],").unwrap();
            lines[open + 1..close].to_vec()
        };
        prop_assert_eq!(span_lines.len(), file.spans.len());
        let parsed: Vec<Span> = span_lines
            .iter()
            .map(|line| {
                let item = line.strip_prefix("        ").unwrap().strip_suffix(',').unwrap();
                ron::from_str::<Span>(item).unwrap()
            })
            .collect();
        prop_assert!(parsed.is_sorted_by(|a, b| a.order(b).is_le()));
        prop_assert_eq!(&parsed, &file.spans);
    }

    #[test]
    fn on_broken_input_the_fast_reader_never_disagrees(file in arb_file(), cut in any::<prop::sample::Index>(), junk in "[(),:\\[\\]\"a-z0-9 ]{0,3}") {
        let text = file.to_ron();
        let mut at = cut.index(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let broken = format!("{}{}{}", &text[..at], junk, &text[at..]);
        if let Some(fast) = spantag_core::store::fastron::parse(&broken) {
            let slow: Result<AnnotationFile, _> = ron::from_str(&broken);
            prop_assert_eq!(Some(fast), slow.ok());
        }
    }
}
