//! Token-per-line IOB files.

use pubminer_core::{Document, PassageKind};
use pubminer_formats::{Format, IOB_UNTYPED, ReadErrorKind, ReadOptions};

use crate::common::{assert_spans_ok, fixture, forced, read, read_bytes, read_path, shared_data};

/// `(text, type, start, end)` of every mention.
fn mentions(doc: &Document) -> Vec<(&str, &str, u32, u32)> {
    doc.mentions
        .iter()
        .map(|m| {
            (
                m.text.as_str(),
                m.entity_type.as_str(),
                m.range.start(),
                m.range.end(),
            )
        })
        .collect()
}

#[test]
fn fixture_is_detected_and_read() {
    let records =
        pubminer_formats::open(&fixture("iob/sample.tsv"), &ReadOptions::default()).expect("opens");
    assert_eq!(
        records.format,
        Format::Iob,
        "detected from content, not .tsv"
    );
    let (docs, errors) = read("iob/sample.tsv", &ReadOptions::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_spans_ok(&docs);
    let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "3", "4"], "-DOCSTART- is not a sentence");
    for doc in &docs {
        assert_eq!(doc.passages.len(), 1);
        assert_eq!(doc.passages[0].kind, PassageKind::Text);
        assert!(doc.mentions.iter().all(|m| m.origin == "gold"));
        assert!(doc.mentions.iter().all(|m| m.passage == 0));
    }
    assert_eq!(
        docs[0].passages[0].text(),
        "Immunostaining for TTF-1 and napsin A was positive ."
    );
    assert_eq!(
        mentions(&docs[0]),
        [("TTF-1", "GENE", 19, 24), ("napsin A", "GENE", 29, 37)]
    );
    assert_eq!(
        mentions(&docs[1]),
        [
            ("BRCA1", IOB_UNTYPED, 13, 18),
            ("breast cancer", IOB_UNTYPED, 25, 38)
        ]
    );
    assert_eq!(IOB_UNTYPED, "Entity");
}

#[test]
fn runs_follow_conlleval() {
    let (docs, _) = read("iob/sample.tsv", &ReadOptions::default());
    assert_eq!(
        docs[2].passages[0].text(),
        "the protein kinase in liver cancer cells tumour"
    );
    assert_eq!(
        mentions(&docs[2]),
        [
            // An I after O starts a mention.
            ("protein kinase", "Gene_or_gene_product", 4, 18),
            ("liver", "Organ", 22, 27),
            // An I of another type than the open mention starts a new one.
            ("cancer", "Cancer", 28, 34),
            // Adjacent B tags are two mentions.
            ("cells", "Cell", 35, 40),
            ("tumour", "Cancer", 41, 47),
        ]
    );
}

#[test]
fn multibyte_tokens_have_byte_offsets() {
    let (docs, _) = read("iob/sample.tsv", &ReadOptions::default());
    assert_eq!(
        mentions(&docs[3]),
        [
            ("α-actinin", "GENE", 14, 24),
            ("β-catenin", "GENE", 29, 39),
            ("Schwann cells", "Cell", 43, 56),
        ]
    );
}

#[test]
fn spaces_extra_columns_and_crlf() {
    // Space-separated, with CoNLL-2003 style extra columns: the tag is the last column.
    let text = "EU NNP B-NP B-ORG\r\nrejects VBZ B-VP O\r\n\r\nGerman JJ B-NP B-MISC\r\n";
    let (docs, errors) = read_bytes("x.conll", text.as_bytes().to_vec(), &forced(Format::Iob));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].passages[0].text(), "EU rejects");
    assert_eq!(mentions(&docs[0]), [("EU", "ORG", 0, 2)]);
    assert_eq!(mentions(&docs[1]), [("German", "MISC", 0, 6)]);
    // Tabs with extra columns.
    let text = "p53\tNN\tB-Gene\nprotein\tNN\tI-Gene\n";
    let (docs, errors) = read_bytes("x.tsv", text.as_bytes().to_vec(), &forced(Format::Iob));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(mentions(&docs[0]), [("p53 protein", "Gene", 0, 11)]);
    assert_spans_ok(&docs);
}

#[test]
fn no_trailing_newline_and_mention_at_the_end() {
    let text = "\n\nthe\tO\nKRAS\tB-GENE\ngene\tI-GENE";
    let (docs, errors) = read_bytes("x.tsv", text.as_bytes().to_vec(), &ReadOptions::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(docs.len(), 1);
    assert_eq!(mentions(&docs[0]), [("KRAS gene", "GENE", 4, 13)]);
}

#[test]
fn bad_sentences_are_record_errors_and_keep_their_number() {
    let text = "a\tO\nb\tB-X\n\nc\tO\nd\tE-X\n\ne\tO\nnotag\n\nf\tB-Y\n";
    let (docs, errors) = read_bytes("bad.iob", text.as_bytes().to_vec(), &forced(Format::Iob));
    let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        ["1", "4"],
        "ids are sentence numbers, not counts of good ones"
    );
    assert_eq!(errors.len(), 2);
    assert!(
        errors
            .iter()
            .all(|e| !e.fatal && e.kind == ReadErrorKind::Format)
    );
    assert!(errors[0].message.contains("\"E-X\""), "{}", errors[0]);
    assert_eq!(errors[0].location.line, Some(5));
    assert_eq!(errors[0].location.record.as_deref(), Some("record #2"));
    assert_eq!(errors[0].location.file.as_deref(), Some("bad.iob"));
    assert_eq!(errors[0].location.byte, Some(15));
    assert!(errors[1].message.contains("token<TAB>tag"), "{}", errors[1]);
    assert_eq!(errors[1].location.line, Some(8));
}

#[test]
fn invalid_utf8_is_a_record_error() {
    let mut bytes = b"a\tO\n\n".to_vec();
    bytes.extend_from_slice(b"caf\xe9\tO\n\nb\tB\n");
    let (docs, errors) = read_bytes("latin1.tsv", bytes, &forced(Format::Iob));
    assert_eq!(docs.len(), 2);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].kind, ReadErrorKind::Utf8);
    assert_eq!(errors[0].location.line, Some(3));
}

#[test]
fn empty_and_blank_files() {
    let (docs, errors) = read_bytes("empty", Vec::new(), &forced(Format::Iob));
    assert!(docs.is_empty());
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].kind, ReadErrorKind::Empty);
    let (docs, errors) = read_bytes("blank", b"\n\n  \n".to_vec(), &forced(Format::Iob));
    assert!(docs.is_empty() && errors.is_empty());
}

#[test]
fn oversized_sentences_are_refused() {
    let options = ReadOptions {
        max_record_bytes: 1000,
        ..forced(Format::Iob)
    };
    // A complete sentence over the limit costs only itself.
    let mut text = "first\tO\n\n".to_owned();
    text.push_str(&"token\tO\n".repeat(200));
    text.push_str("\nsmall\tO\n");
    let (docs, errors) = read_bytes("big.tsv", text.into_bytes(), &options);
    let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["1", "3"]);
    assert_eq!(errors.len(), 1);
    assert!(!errors[0].fatal);
    assert_eq!(errors[0].kind, ReadErrorKind::TooLarge);
    assert_eq!(errors[0].location.line, Some(3));
    assert_eq!(errors[0].location.record.as_deref(), Some("record #2"));
    assert!(
        errors[0].message.contains("--max-record-mb"),
        "{}",
        errors[0]
    );
    // One whose end is not in sight stops the file.
    let text = "token\tO\n".repeat(300_000);
    let (docs, errors) = read_bytes("huge.tsv", text.into_bytes(), &options);
    assert!(docs.is_empty());
    assert_eq!(errors.len(), 1);
    assert!(errors[0].fatal);
    assert_eq!(errors[0].kind, ReadErrorKind::TooLarge);
}

#[test]
fn detection_is_conservative() {
    use std::path::Path;
    let detect = |name: &str, head: &str| Format::detect(Path::new(name), head.as_bytes());
    assert_eq!(detect("train.tsv", "The\tO\nTGF\tB-Gene\n"), Format::Iob);
    assert_eq!(detect("x.txt", "The\tO\nTGF\tB\n\nx\tI\n"), Format::Iob);
    assert_eq!(
        detect("a.tsv", "marker\tpmid\turl\tabstract\n"),
        Format::Tsv
    );
    assert_eq!(
        detect("a.tsv", "p40\t90000060\thttp://x\tp40 was positive.\n"),
        Format::Tsv
    );
    // Space-separated or multi-column IOB needs --from iob.
    assert_eq!(detect("a.txt", "The O\nTGF B-Gene\n"), Format::Text);
    assert_eq!(
        detect("a.txt", "The\tDT\tO\nTGF\tNN\tB-Gene\n"),
        Format::Text
    );
    assert_eq!(Format::from_name("iob"), Some(Format::Iob));
    assert_eq!(Format::from_name("conll"), Some(Format::Iob));
    assert_eq!(Format::Iob.name(), "iob");
}

/// Sentences and `B` tags counted without the reader.
fn count_sentences_and_begins(text: &str) -> (usize, usize) {
    let mut sentences = 0;
    let mut begins = 0;
    let mut inside = false;
    for line in text.lines() {
        if line.trim().is_empty() {
            inside = false;
            continue;
        }
        if !inside {
            sentences += 1;
            inside = true;
        }
        if line.rsplit('\t').next().is_some_and(|t| t.starts_with('B')) {
            begins += 1;
        }
    }
    (sentences, begins)
}

#[test]
fn real_iob_corpora_read_completely() {
    let Some(data) = shared_data() else { return };
    let corpora = data.join("corpora");
    for (file, sentences_expected) in [
        ("iob/BC2GM/train.tsv", 12574),
        ("iob/BC2GM/devel.tsv", 2519),
        ("iob/AnatEM/train.tsv", 5861),
        ("iob/AnatEM/devel.tsv", 2118),
        ("iob/BioNLP13CG/train.tsv", 3033),
        ("iob/BioNLP13CG/devel.tsv", 1003),
        ("ncbi-disease/conll/train.tsv", 5432),
        ("ncbi-disease/conll/devel.tsv", 923),
    ] {
        let path = corpora.join(file);
        let format = pubminer_formats::open(&path, &ReadOptions::default())
            .expect("opens")
            .format;
        assert_eq!(format, Format::Iob, "{file}");
        let (docs, errors) = read_path(&path, &ReadOptions::default());
        assert!(errors.is_empty(), "{file}: {errors:?}");
        assert_spans_ok(&docs);
        let (sentences, begins) =
            count_sentences_and_begins(&std::fs::read_to_string(&path).unwrap());
        assert_eq!(sentences, sentences_expected, "{file}");
        assert_eq!(docs.len(), sentences, "{file}");
        // These corpora have no I without a B before it, so mentions = B tags.
        let mentions: usize = docs.iter().map(|d| d.mentions.len()).sum();
        assert_eq!(mentions, begins, "{file}");
        assert_eq!(docs.last().unwrap().id, sentences.to_string());
    }
    // NCBI Disease CoNLL devel has the 787 mentions of the PubTator release.
    let (docs, _) = read_path(
        &corpora.join("ncbi-disease/conll/devel.tsv"),
        &ReadOptions::default(),
    );
    let mentions: usize = docs.iter().map(|d| d.mentions.len()).sum();
    assert_eq!(mentions, 787);
    assert!(
        docs.iter()
            .flat_map(|d| &d.mentions)
            .all(|m| m.entity_type == "Disease")
    );
}
