//! Property tests: JSONL is lossless, PubTator keeps every span through write and read.

use proptest::prelude::*;
use pubminer_core::{Document, Link, Mention, Passage, PassageKind, TextRange};
use pubminer_formats::{OutputFormat, ReadOptions};

use crate::common::{encode, read_bytes};

fn text_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just('a'),
            Just('b'),
            Just(' '),
            Just('-'),
            Just('é'),
            Just('α'),
            Just('中'),
            Just('𝛼'),
            Just('😀'),
            Just('"'),
            Just('<'),
            Just('&'),
        ],
        1..120,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

/// A document with a title, an abstract and mentions on character boundaries.
fn document_strategy() -> impl Strategy<Value = Document> {
    (
        text_strategy(),
        text_strategy(),
        prop::collection::vec((0usize..2, 0usize..200, 0usize..20, 0u8..3), 0..8),
    )
        .prop_map(|(title, abstract_text, spans)| {
            let mut doc = Document::new("42");
            doc.passages.push(Passage::new(PassageKind::Title, title));
            doc.passages
                .push(Passage::new(PassageKind::Abstract, abstract_text));
            for (p, start, len, id_kind) in spans {
                let text = doc.passages[p].text();
                let bounds: Vec<usize> = text
                    .char_indices()
                    .map(|(i, _)| i)
                    .chain([text.len()])
                    .collect();
                let s = bounds[start % bounds.len()];
                let e = bounds[(start % bounds.len() + len).min(bounds.len() - 1)];
                if s == e {
                    continue;
                }
                let (links, nil, identifier) = match id_kind {
                    0 => (
                        vec![Link {
                            id: "D000001".into(),
                            ..Link::default()
                        }],
                        false,
                        Some("D000001".to_owned()),
                    ),
                    1 => (Vec::new(), true, Some("-1".to_owned())),
                    _ => (Vec::new(), false, None),
                };
                doc.mentions.push(Mention {
                    passage: p as u32,
                    range: TextRange::try_new(s, e).unwrap(),
                    text: text[s..e].to_owned(),
                    entity_type: "Disease".into(),
                    identifier,
                    links,
                    nil,
                    origin: "input.pubtator".into(),
                    score: Some(0.25),
                    ..Mention::default()
                });
            }
            doc
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn jsonl_is_lossless(doc in document_strategy()) {
        let bytes = encode(std::slice::from_ref(&doc), OutputFormat::Jsonl);
        let (docs, errors) = read_bytes("x.jsonl", bytes, &ReadOptions::default());
        prop_assert!(errors.is_empty(), "{:?}", errors);
        prop_assert_eq!(&docs[0], &doc);
    }

    #[test]
    fn pubtator_keeps_spans(doc in document_strategy()) {
        let bytes = encode(std::slice::from_ref(&doc), OutputFormat::Pubtator);
        let (docs, errors) = read_bytes("x.pubtator", bytes, &ReadOptions::default());
        prop_assert!(errors.is_empty(), "{:?}", errors);
        let got = &docs[0];
        prop_assert!(got.diagnostics.is_empty(), "{:?}", got.diagnostics);
        let spans = |d: &Document| d.mentions.iter().map(|m| (m.passage, m.range, m.text.clone(), m.nil)).collect::<Vec<_>>();
        prop_assert_eq!(spans(got), spans(&doc));
    }

    #[test]
    fn bioc_json_keeps_spans(doc in document_strategy()) {
        let bytes = encode(std::slice::from_ref(&doc), OutputFormat::BiocJson);
        let (docs, errors) = read_bytes("x.json", bytes, &ReadOptions::default());
        prop_assert!(errors.is_empty(), "{:?}", errors);
        // BioC groups annotations by passage, so compare in (passage, range) order.
        let spans = |d: &Document| {
            let mut s = d.mentions.iter().map(|m| (m.passage, m.range, m.text.clone())).collect::<Vec<_>>();
            s.sort_by_key(|(p, r, _)| (*p, *r));
            s
        };
        prop_assert_eq!(spans(&docs[0]), spans(&doc));
    }
}

#[test]
fn jsonl_round_trip_of_every_fixture() {
    for fixture in [
        "pubmed/articles.xml",
        "pubmed/book.xml",
        "pubtator/sample.pubtator",
        "bioc/sample.xml",
        "bioc/pubtator3.json",
        "tsv/ihc.tsv",
    ] {
        let (docs, _) = crate::common::read(fixture, &ReadOptions::default());
        let bytes = encode(&docs, OutputFormat::Jsonl);
        let (again, errors) = read_bytes("x.jsonl", bytes, &ReadOptions::default());
        assert!(errors.is_empty(), "{fixture}: {errors:?}");
        assert_eq!(again, docs, "{fixture}");
    }
}
