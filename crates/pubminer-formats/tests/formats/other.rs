//! TSV, plain text and JSONL.

use pubminer_core::PassageKind;
use pubminer_formats::{Format, ReadOptions};

use crate::common::{read, read_bytes};

#[test]
fn ihc_llminer_tsv_with_header_and_quoting() {
    let (docs, errors) = read("tsv/ihc.tsv", &ReadOptions::default());
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].id, "90000040");
    assert_eq!(docs[0].infons["marker"], "TTF-1");
    assert_eq!(docs[0].meta.pmid.as_deref(), Some("90000040"));
    assert_eq!(
        docs[1].passages[1].text(),
        "A quoted abstract with a\ttab, a \"quote\" and a\nnewline."
    );
    assert_eq!(errors.len(), 1, "the row without a PMID is reported");
    assert!(errors[0].message.contains("empty PMID"));
    assert_eq!(errors[0].location.line, Some(6));
}

#[test]
fn tsv_without_header_uses_ihc_llminer_order() {
    let text = "p40\t90000060\thttp://x\tp40 was positive in 12 of 12.\n";
    let (docs, errors) = read_bytes("x.tsv", text.as_bytes().to_vec(), &ReadOptions::default());
    assert!(errors.is_empty());
    assert_eq!(docs[0].id, "90000060");
    assert_eq!(docs[0].infons["marker"], "p40");
}

#[test]
fn plain_text_is_one_document() {
    let (docs, errors) = read("text/note.txt", &ReadOptions::default());
    assert!(errors.is_empty());
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].id, "note");
    assert_eq!(docs[0].passages[0].kind, PassageKind::Text);
    assert!(
        docs[0].passages[0]
            .text()
            .ends_with("A second paragraph.\n")
    );
}

#[test]
fn flat_jsonl_and_bad_lines() {
    let (docs, errors) = read("jsonl/flat.jsonl", &ReadOptions::default());
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].infons["source"], "fixture");
    assert_eq!(docs[1].id, "90000051");
    assert_eq!(errors.len(), 2);
    assert!(errors[0].message.contains("neither"), "{}", errors[0]);
    assert_eq!(errors[0].location.line, Some(3));
    assert_eq!(errors[1].location.line, Some(4));
    assert_eq!(errors[1].kind, pubminer_formats::ReadErrorKind::Json);
}

#[test]
fn format_detection() {
    use std::path::Path;
    let cases: [(&str, &[u8], Format); 8] = [
        (
            "a.xml",
            b"<?xml version='1.0'?><PubmedArticleSet>",
            Format::Pubmed,
        ),
        (
            "a.xml",
            b"<?xml version='1.0'?><collection><source>",
            Format::BiocXml,
        ),
        (
            "a.json",
            b"{\"source\":\"x\",\"documents\":[",
            Format::BiocJson,
        ),
        ("a.jsonl", b"{\"id\":1}\n{\"id\":2}\n", Format::Jsonl),
        ("a.data", b"{\"id\":1}\n{\"id\":2}\n", Format::Jsonl),
        ("a.txt", b"123|t|Title\n123|a|Abstract\n", Format::Pubtator),
        ("a.tsv", b"marker\tpmid\turl\tabstract\n", Format::Tsv),
        ("a.txt", b"Just some text.", Format::Text),
    ];
    for (name, head, expected) in cases {
        assert_eq!(Format::detect(Path::new(name), head), expected, "{name}");
    }
}
