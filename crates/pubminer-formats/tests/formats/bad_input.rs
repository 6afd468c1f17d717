//! Bad input: every case gives a located error, never a panic, and the rest is read.

use std::io::Write;

use pubminer_formats::{Format, ReadErrorKind, ReadOptions};

use crate::common::{fixture, forced, read_bytes};

fn article(pmid: u32, title: &str) -> String {
    format!(
        "<PubmedArticle><MedlineCitation><PMID Version=\"1\">{pmid}</PMID><Article><ArticleTitle>{title}</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n"
    )
}

fn article_set(articles: &[String]) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<PubmedArticleSet>\n{}</PubmedArticleSet>\n",
        articles.concat()
    )
}

#[test]
fn truncated_gzip() {
    let plain = std::fs::read(fixture("pubmed/articles.xml")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&plain).unwrap();
    let mut bytes = gz.finish().unwrap();
    bytes.truncate(bytes.len() * 2 / 3);
    let (_, errors) = read_bytes("cut.xml.gz", bytes, &ReadOptions::default());
    let last = errors.last().expect("an error");
    assert!(last.fatal);
    assert_eq!(last.kind, ReadErrorKind::Gzip, "{last}");
    assert_eq!(last.location.file.as_deref(), Some("cut.xml.gz"));
    assert!(last.location.byte.is_some());
}

#[test]
fn malformed_record_is_skipped_and_the_next_one_read() {
    let bad = article(2, "Broken </i> title");
    let input = article_set(&[article(1, "One"), bad, article(3, "Three")]);
    let at = input.find("</i>").unwrap() as u64;
    let (docs, errors) = read_bytes("bad.xml", input.into_bytes(), &ReadOptions::default());
    assert_eq!(
        docs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["1", "3"]
    );
    assert_eq!(errors.len(), 1);
    let e = &errors[0];
    assert!(!e.fatal);
    assert_eq!(e.kind, ReadErrorKind::Xml);
    assert_eq!(e.location.record.as_deref(), Some("record #2 (PMID 2)"));
    assert_eq!(e.location.byte, Some(at), "{e}");
    assert_eq!(e.location.line, Some(4));
}

#[test]
fn unclosed_record_before_the_next_one() {
    let unclosed = "<PubmedArticle><MedlineCitation><PMID>2</PMID>\n".to_owned();
    let input = article_set(&[article(1, "One"), unclosed, article(3, "Three")]);
    let (docs, errors) = read_bytes("unclosed.xml", input.into_bytes(), &ReadOptions::default());
    assert_eq!(
        docs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["1", "3"]
    );
    assert_eq!(errors.len(), 1);
    assert!(errors[0].message.contains("not closed"), "{}", errors[0]);
}

#[test]
fn invalid_utf8_is_located_to_the_byte() {
    let mut input =
        article_set(&[article(1, "One"), article(2, "Two X"), article(3, "Three")]).into_bytes();
    let at = input.windows(5).position(|w| w == b"Two X").unwrap() + 4;
    input[at] = 0xff;
    let (docs, errors) = read_bytes("utf8.xml", input, &ReadOptions::default());
    assert_eq!(docs.len(), 2);
    assert_eq!(errors[0].kind, ReadErrorKind::Utf8);
    assert_eq!(errors[0].location.byte, Some(at as u64));
}

#[test]
fn unknown_entity_is_named() {
    let input = article_set(&[article(1, "TTF&nbsp;1"), article(2, "Two")]);
    let (docs, errors) = read_bytes("entity.xml", input.into_bytes(), &ReadOptions::default());
    assert_eq!(docs.len(), 1);
    assert!(errors[0].message.contains("&nbsp;"), "{}", errors[0]);
    assert_eq!(
        errors[0].location.record.as_deref(),
        Some("record #1 (PMID 1)")
    );
}

#[test]
fn empty_files_in_every_format() {
    for format in [
        Format::Pubmed,
        Format::Pubtator,
        Format::BiocXml,
        Format::BiocJson,
        Format::Jsonl,
        Format::Tsv,
        Format::Text,
    ] {
        let (docs, errors) = read_bytes("empty", Vec::new(), &forced(format));
        assert!(docs.is_empty());
        assert_eq!(errors.len(), 1, "{format}");
        assert_eq!(
            errors[0].kind,
            ReadErrorKind::Empty,
            "{format}: {}",
            errors[0]
        );
        assert!(errors[0].to_string().contains("empty"), "{}", errors[0]);
    }
}

#[test]
fn fifty_megabyte_record() {
    let abstract_text = "TTF-1 positive. ".repeat(50 * 1024 * 1024 / 16);
    let record = format!(
        "<PubmedArticle><MedlineCitation><PMID>9</PMID><Article><ArticleTitle>Big</ArticleTitle><Abstract><AbstractText>{abstract_text}</AbstractText></Abstract></Article></MedlineCitation></PubmedArticle>\n"
    );
    let input = article_set(&[article(1, "One"), record, article(3, "Three")]);
    let large = ReadOptions {
        max_record_bytes: 64 << 20,
        ..ReadOptions::default()
    };
    let (docs, errors) = read_bytes("big.xml", input.clone().into_bytes(), &large);
    assert!(errors.is_empty());
    assert_eq!(docs.len(), 3);
    assert_eq!(
        docs[1].passages[1].text().len(),
        abstract_text.trim_end().len()
    );

    // Over the limit (the default, 32 MiB): refused and skipped, and the next record read.
    let (docs, errors) = read_bytes("big.xml", input.into_bytes(), &ReadOptions::default());
    let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["1", "3"]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].kind, ReadErrorKind::TooLarge);
    assert!(!errors[0].fatal, "one record is refused, not the file");
    assert!(
        errors[0].message.contains("--max-record-mb"),
        "{}",
        errors[0]
    );
}

/// One oversized line of JSONL, or block of PubTator, is skipped and reported; every record
/// after it is read (not just those before it).
#[test]
fn oversized_line_or_block_is_skipped_and_the_rest_read() {
    let limit = ReadOptions {
        max_record_bytes: 1 << 20,
        ..ReadOptions::default()
    };
    let big = "x".repeat(3 << 20);
    let mut jsonl = String::new();
    for i in 1..=20 {
        let text = if i == 10 {
            big.as_str()
        } else {
            "Short abstract."
        };
        jsonl.push_str(&format!(
            "{{\"pmid\": \"{i}\", \"title\": \"T{i}\", \"abstract\": \"{text}\"}}\n"
        ));
    }
    let (docs, errors) = read_bytes("big.jsonl", jsonl.into_bytes(), &limit);
    assert_eq!(docs.len(), 19, "{errors:?}");
    assert_eq!(docs.last().unwrap().id, "20");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].kind, ReadErrorKind::TooLarge);
    assert!(!errors[0].fatal);
    assert_eq!(errors[0].location.line, Some(10), "{}", errors[0]);

    let mut pubtator = String::new();
    for i in 1..=5 {
        let text = if i == 3 {
            big.as_str()
        } else {
            "Short abstract."
        };
        pubtator.push_str(&format!(
            "{i}|t|Title {i}\n{i}|a|{text}\n{i}\t0\t5\tTitle\tDisease\tD1\n\n"
        ));
    }
    let (docs, errors) = read_bytes("big.pubtator", pubtator.into_bytes(), &limit);
    let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "4", "5"], "{errors:?}");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].kind, ReadErrorKind::TooLarge);
}

#[test]
fn truncated_xml_file() {
    let mut input = article_set(&[article(1, "One"), article(2, "Two")]);
    input.truncate(input.find("Two").unwrap());
    let (docs, errors) = read_bytes("cut.xml", input.into_bytes(), &ReadOptions::default());
    assert_eq!(docs.len(), 1);
    assert!(errors[0].fatal);
    assert!(errors[0].message.contains("truncated"), "{}", errors[0]);
}

#[test]
fn not_pubmed_at_all() {
    let (_, errors) = read_bytes(
        "x.xml",
        b"<html><body>hi</body></html>".to_vec(),
        &forced(Format::Pubmed),
    );
    assert_eq!(errors[0].kind, ReadErrorKind::Format);
    assert!(
        errors[0].message.contains("PubmedArticleSet"),
        "{}",
        errors[0]
    );
    // A well-formed but empty set is fine.
    let (docs, errors) = read_bytes(
        "x.xml",
        b"<PubmedArticleSet></PubmedArticleSet>".to_vec(),
        &ReadOptions::default(),
    );
    assert!(docs.is_empty() && errors.is_empty());
}

#[test]
fn bioc_json_syntax_error_has_a_line() {
    let text = "{\"source\":\"x\",\"documents\":[\n{\"id\":\"1\",\"passages\":[]},\n{\"id\":\"2\",\"passages\":[}\n]}";
    let (docs, errors) = read_bytes(
        "bad.json",
        text.as_bytes().to_vec(),
        &ReadOptions::default(),
    );
    assert_eq!(docs.len(), 1);
    assert_eq!(errors[0].kind, ReadErrorKind::Json);
    assert_eq!(errors[0].location.line, Some(3), "{}", errors[0]);
}

#[test]
fn bioc_offsets_that_overflow_do_not_panic() {
    let text = r#"{"documents":[{"id":"1","passages":[{"offset":9223372036854775807,"text":"abc","annotations":[{"id":"a","text":"abc","locations":[{"offset":-9223372036854775808,"length":9223372036854775807}]}],"sentences":[]},{"offset":0,"text":"","sentences":[{"offset":9000000000000,"text":"x"}]}]}]}"#;
    let (docs, _) = read_bytes(
        "overflow.json",
        text.as_bytes().to_vec(),
        &ReadOptions::default(),
    );
    assert_eq!(docs.len(), 1);
    assert!(docs[0].mentions.is_empty());
    assert!(docs[0].diagnostics.len() >= 2);
}

/// A record that cannot be read names its document when the document's id was read before
/// the problem: `record #2 (42)`, not only the ordinal (the id comes from the PMID column,
/// the `id` key, the `<id>` element or the PubTator line).
#[test]
fn record_errors_name_the_document_when_its_id_is_known() {
    let cases: [(&str, &str, Format, &str); 7] = [
        (
            "tsv",
            "marker\tpmid\turl\tabstract\nTTF-1\t1\tu\tFine.\nTTF-1\t42\tu\n",
            Format::Tsv,
            "record #2 (PMID 42)",
        ),
        (
            "flat jsonl",
            "{\"id\":\"1\",\"text\":\"Fine.\"}\n{\"pmid\":42,\"note\":\"no text\"}\n",
            Format::Jsonl,
            "record #2 (42)",
        ),
        (
            "pubminer jsonl of the wrong shape",
            "{\"id\":\"1\",\"text\":\"Fine.\"}\n{\"id\":\"42\",\"passages\":\"not a list\"}\n",
            Format::Jsonl,
            "record #2 (42)",
        ),
        (
            "bioc json of the wrong shape",
            "{\"documents\":[{\"id\":\"1\",\"passages\":[]},{\"id\":\"42\",\"passages\":[{\"offset\":[]}]}]}",
            Format::BiocJson,
            "record #2 (42)",
        ),
        (
            "bioc json from pubtator3",
            "{\"PubTator3\":[{\"_id\":\"1|x\",\"pmid\":1,\"passages\":[]},{\"pmid\":42,\"passages\":7}]}",
            Format::BiocJson,
            "record #2 (42)",
        ),
        (
            "bioc xml",
            "<collection><document><id>1</id></document>\n<document><id>42</id><passage><offset>0</offset><text>a &bogus; b</text></passage></document></collection>\n",
            Format::BiocXml,
            "record #2 (42)",
        ),
        (
            "pubtator, a bad mention line first in its record",
            "1|t|Fine.\n\n42\t-3\t4\tabc\tGene\n",
            Format::Pubtator,
            "record #2 (42)",
        ),
    ];
    for (what, text, format, record) in cases {
        let (docs, errors) = read_bytes("in", text.as_bytes().to_vec(), &forced(format));
        assert_eq!(docs.len(), 1, "{what}: {errors:?}");
        assert_eq!(errors.len(), 1, "{what}: {errors:?}");
        assert_eq!(
            errors[0].location.record.as_deref(),
            Some(record),
            "{what}: {}",
            errors[0]
        );
    }
}

/// Without an id the ordinal alone, never an empty `()`.
#[test]
fn record_errors_without_an_id_name_the_ordinal() {
    let text = "{\"id\":\"1\",\"text\":\"Fine.\"}\n{\"id\":\"\",\"text\":\"x\"}\nnot json\n";
    let (_, errors) = read_bytes("in", text.as_bytes().to_vec(), &forced(Format::Jsonl));
    let records: Vec<_> = errors
        .iter()
        .map(|e| e.location.record.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(records, ["record #2", "record #3"], "{errors:?}");
}
/// Found by the `read_bioc_xml` fuzz target: a `<passage>` inside a `<sentence>` left the
/// sentence level open over a passage without sentences, and the `<relation>` or
/// `<annotation>` after it panicked (`expect("in a sentence")`).
#[test]
fn bioc_xml_passage_nested_in_a_sentence_is_an_error_not_a_panic() {
    let doc = |id: &str, inner: &str| {
        format!(
            "<document><id>{id}</id><passage><offset>0</offset><text>Ab.</text><sentence><offset>0</offset>{inner}</sentence></passage></document>\n"
        )
    };
    let text = format!(
        "<?xml version=\"1.0\"?>\n<collection><source>x</source>\n{}{}{}</collection>\n",
        doc(
            "1",
            "<passage/><relation id=\"R1\"><node refid=\"A\" role=\"r\"/></relation>"
        ),
        doc("2", "<passage></passage><annotation id=\"A1\"/>"),
        doc(
            "3",
            "<text>Ab.</text><annotation id=\"A2\"><location offset=\"0\" length=\"2\"/><text>Ab</text></annotation>"
        ),
    );
    let (docs, errors) = read_bytes("nested.xml", text.into_bytes(), &forced(Format::BiocXml));
    assert_eq!(
        docs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["3"]
    );
    assert_eq!(docs[0].mentions.len(), 1);
    assert_eq!(errors.len(), 2, "{errors:?}");
    for e in &errors {
        assert!(!e.fatal, "{e}");
        assert!(e.to_string().contains("passage"), "{e}");
    }
}
