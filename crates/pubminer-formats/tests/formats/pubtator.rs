//! PubTator on hand-written fixtures.

use pubminer_core::{ArgumentTarget, render::render};
use pubminer_formats::{Format, OutputFormat, ReadOptions};

use crate::common::{assert_spans_ok, encode, fixture, forced, read, read_bytes};

#[test]
fn reads_mentions_composites_nil_and_relations() {
    let (docs, errors) = read("pubtator/sample.pubtator", &ReadOptions::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_spans_ok(&docs);
    assert_eq!(docs.len(), 2);
    let d = &docs[0];
    assert_eq!(d.id, "90000020");
    // Character offsets were converted: the title holds 'ï' (2 bytes) and '𝛼' (4 bytes).
    let lithium = &d.mentions[0];
    assert_eq!(lithium.text, "lithium carbonate");
    assert_eq!(lithium.passage, 0);
    assert_eq!(
        lithium.range.start(),
        22,
        "byte offset after 'Naïve 𝛼-cells and '"
    );
    // The abstract passage holds an emoji before 'nephrogenic'.
    let ndi = &d.mentions[3];
    assert_eq!(
        (ndi.passage, ndi.text.as_str()),
        (1, "nephrogenic diabetes insipidus")
    );
    assert_eq!(&d.passages[1].text()[ndi.range.to_range()], ndi.text);
    // `-1` is an explicit NIL; a 5-column line has no identifier.
    assert!(d.mentions[4].nil && d.mentions[4].links.is_empty());
    assert_eq!(d.mentions[5].identifier, None);
    assert!(!d.mentions[5].nil);
    // Relation line.
    assert_eq!(d.relations[0].relation_type, "CID");
    assert_eq!(
        d.relations[0].arguments[1].target,
        ArgumentTarget::Concept("D018500".into())
    );

    let d2 = &docs[1];
    let composite = &d2.mentions[0];
    assert_eq!(composite.links.len(), 2);
    assert_eq!(
        composite.composite.as_deref(),
        Some("Renal failure|hepatic failure")
    );
    assert_eq!(d2.relations[0].extra, ["Novel"]);
    // The mismatched annotation is reported, not trusted.
    assert_eq!(d2.mentions.len(), 1);
    assert_eq!(d2.diagnostics.len(), 1);
    assert_eq!(d2.diagnostics[0].code, "annotation.text_mismatch");
    assert!(
        d2.diagnostics[0].message.contains("abstractX"),
        "{}",
        d2.diagnostics[0].message
    );
    assert_eq!(d2.diagnostics[0].location.line, Some(14));
}

#[test]
fn snapshot() {
    let (docs, _) = read("pubtator/sample.pubtator", &ReadOptions::default());
    let rendered: Vec<String> = docs.iter().map(render).collect();
    insta::assert_snapshot!("pubtator_sample", rendered.join("\n"));
}

#[test]
fn write_reproduces_the_input_except_untrusted_lines() {
    let original = std::fs::read_to_string(fixture("pubtator/sample.pubtator")).unwrap();
    let (docs, _) = read("pubtator/sample.pubtator", &ReadOptions::default());
    let written = String::from_utf8(encode(&docs, OutputFormat::Pubtator)).unwrap();
    let expected: String = original
        .lines()
        .filter(|l| !l.contains("abstractX"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(written, expected);
}

#[test]
fn utf16_offsets_are_supported() {
    // '𝛼' counts 2 UTF-16 units, so in UTF-16 units 'TTF-1' is at 7..12 (at 6..11 in
    // characters).
    let text = "1|t|𝛼 and TTF-1\n1|a|\n1\t7\t12\tTTF-1\tGene\t7080\n\n";
    let options = ReadOptions {
        offset_unit: pubminer_core::OffsetUnit::Utf16,
        ..forced(Format::Pubtator)
    };
    let (docs, errors) = read_bytes("x.pubtator", text.as_bytes().to_vec(), &options);
    assert!(
        errors.is_empty() && docs[0].diagnostics.is_empty(),
        "{:?}",
        docs[0].diagnostics
    );
    assert_eq!(docs[0].mentions[0].text, "TTF-1");
    // The same offsets read as characters are off by one and get reported.
    let (docs, _) = read_bytes(
        "x.pubtator",
        text.as_bytes().to_vec(),
        &forced(Format::Pubtator),
    );
    assert!(docs[0].mentions.is_empty());
    assert_eq!(docs[0].diagnostics[0].code, "annotation.text_mismatch");
}

#[test]
fn records_without_blank_line_between_them() {
    let text = "1|t|A\n1|a|B\n2|t|C\n2|a|D\n";
    let (docs, errors) = read_bytes(
        "x.pubtator",
        text.as_bytes().to_vec(),
        &ReadOptions::default(),
    );
    assert!(errors.is_empty());
    assert_eq!(
        docs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["1", "2"]
    );
}

#[test]
fn garbage_line_is_a_located_record_error() {
    let text = "1|t|A\n1|a|B\nthis is not pubtator\n\n2|t|C\n2|a|D\n";
    let (docs, errors) = read_bytes(
        "x.pubtator",
        text.as_bytes().to_vec(),
        &forced(Format::Pubtator),
    );
    assert_eq!(docs.len(), 1, "the next record is still read");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].location.line, Some(3));
    assert!(
        errors[0].to_string().contains("x.pubtator"),
        "{}",
        errors[0]
    );
}
