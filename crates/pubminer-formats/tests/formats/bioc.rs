//! BioC XML and JSON on hand-written fixtures.

use pubminer_core::{ArgumentTarget, PassageKind, render::render};
use pubminer_formats::{OutputFormat, ReadOptions};

use crate::common::{assert_spans_ok, encode, read, read_bytes};

#[test]
fn xml_fixture() {
    let (docs, errors) = read("bioc/sample.xml", &ReadOptions::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_spans_ok(&docs);
    let d = &docs[0];
    assert_eq!(d.id, "90000030");
    assert_eq!(d.infons["note"], "document infon");
    assert_eq!(d.passages[0].kind, PassageKind::Title);
    assert_eq!(d.passages[1].offset, Some(38));
    // Annotation 4's offsets are off by three: reported and dropped by default.
    let ids: Vec<&str> = d
        .mentions
        .iter()
        .map(|m| m.id.as_deref().unwrap())
        .collect();
    assert_eq!(ids, ["1", "2", "3", "5"]);
    assert_eq!(d.diagnostics.len(), 1);
    assert_eq!(d.diagnostics[0].code, "annotation.text_mismatch");
    // `MESH` infon as identifier; `-1` as NIL.
    assert_eq!(d.mentions[0].links[0].id, "D008012");
    assert!(d.mentions[3].nil);
    // Discontinuous annotation: first range plus a fragment.
    assert_eq!(d.mentions[3].fragments.len(), 1);
    assert_eq!(d.mentions[3].text, "Intravenous caused");
    // BC5CDR-style relation: concept arguments from infons.
    let r = &d.relations[0];
    assert_eq!(r.relation_type, "CID");
    let args: Vec<(&str, &ArgumentTarget)> = r
        .arguments
        .iter()
        .map(|a| (a.role.as_str(), &a.target))
        .collect();
    assert_eq!(
        args,
        [
            ("Chemical", &ArgumentTarget::Concept("D008012".into())),
            ("Disease", &ArgumentTarget::Concept("D006323".into()))
        ]
    );

    // Passage given as sentences: text rebuilt at the right offsets.
    let d2 = &docs[1];
    assert_eq!(
        d2.passages[0].text(),
        "First sentence & more.   测试 second."
    );
    assert_eq!(d2.passages[0].sentences.len(), 2);
    assert_eq!(d2.mentions[1].text, "测试");
    assert_eq!(
        d2.relations[0].arguments[0].target,
        ArgumentTarget::Ref("A".into())
    );
}

#[test]
fn xml_repair_mode_moves_the_annotation_and_says_so() {
    let options = ReadOptions {
        repair_offsets: true,
        ..ReadOptions::default()
    };
    let (docs, _) = read("bioc/sample.xml", &options);
    let d = &docs[0];
    assert_eq!(d.mentions.len(), 5);
    assert_spans_ok(&docs);
    assert_eq!(d.diagnostics[0].code, "annotation.offset_repaired");
}

#[test]
fn xml_snapshot() {
    let (docs, _) = read("bioc/sample.xml", &ReadOptions::default());
    let rendered: Vec<String> = docs.iter().map(render).collect();
    insta::assert_snapshot!("bioc_sample_xml", rendered.join("\n"));
}

#[test]
fn json_collection() {
    let (docs, errors) = read("bioc/collection.json", &ReadOptions::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_spans_ok(&docs);
    assert_eq!(docs[0].mentions.len(), 2);
    assert_eq!(docs[0].mentions[1].passage, 1);
    assert_eq!(docs[0].relations[0].arguments.len(), 2);
}

#[test]
fn pubtator3_dialect_keeps_rich_infons() {
    let (docs, errors) = read("bioc/pubtator3.json", &ReadOptions::default());
    assert!(errors.is_empty(), "{errors:?}");
    let d = &docs[0];
    assert_eq!(d.id, "90000033");
    assert_eq!(d.infons["pmid"], 90000033);
    assert_eq!(d.infons["year"], 2017);
    let m = &d.mentions[0];
    assert_eq!(m.identifier.as_deref(), Some("442920"));
    assert_eq!(m.infons["valid"], true);
    assert_eq!(m.infons["normalized"], serde_json::json!([442920]));
    let r = &d.relations[0];
    assert_eq!(r.relation_type, "Association");
    assert_eq!(r.arguments.len(), 2);
    assert_eq!(
        r.arguments[1].target,
        ArgumentTarget::Concept("MESH:D011471".into())
    );
    assert_eq!(r.infons["role1"]["accession"], "@GENE_MIR196B");
}

#[test]
fn a_single_bare_document_and_a_bare_array_are_read() {
    let doc = r#"{"id":"7","passages":[{"offset":0,"infons":{"type":"title"},"text":"TTF-1","annotations":[]}]}"#;
    let (docs, errors) = read_bytes("one.json", doc.as_bytes().to_vec(), &ReadOptions::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(docs[0].id, "7");
    let array = format!("[{doc},{doc}]");
    let (docs, errors) = read_bytes("many.json", array.into_bytes(), &ReadOptions::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(docs.len(), 2);
}

#[test]
fn bioc_written_then_read_keeps_mentions_and_relations() {
    for (fixture, format) in [
        ("bioc/sample.xml", OutputFormat::BiocXml),
        ("bioc/sample.xml", OutputFormat::BiocJson),
        ("bioc/pubtator3.json", OutputFormat::BiocXml),
        ("pubtator/sample.pubtator", OutputFormat::BiocJson),
        ("pubmed/articles.xml", OutputFormat::BiocXml),
    ] {
        let (docs, _) = read(fixture, &ReadOptions::default());
        let name = if format == OutputFormat::BiocXml {
            "out.xml"
        } else {
            "out.json"
        };
        let (again, errors) = read_bytes(name, encode(&docs, format), &ReadOptions::default());
        assert!(errors.is_empty(), "{fixture} -> {format:?}: {errors:?}");
        let live: Vec<_> = docs.iter().filter(|d| !d.deleted).collect();
        assert_eq!(again.len(), live.len(), "{fixture} -> {format:?}");
        for (a, b) in live.iter().zip(&again) {
            assert_eq!(a.id, b.id);
            assert!(b.diagnostics.is_empty(), "{fixture}: {:?}", b.diagnostics);
            let spans = |d: &pubminer_core::Document| -> Vec<(
                u32,
                pubminer_core::TextRange,
                String,
                String,
                Option<String>,
            )> {
                d.mentions
                    .iter()
                    .map(|m| {
                        (
                            m.passage,
                            m.range,
                            m.text.clone(),
                            m.entity_type.clone(),
                            m.rendered_identifier(),
                        )
                    })
                    .collect()
            };
            assert_eq!(spans(a), spans(b), "{fixture} -> {format:?}");
            assert_eq!(a.relations.len(), b.relations.len());
            let texts = |d: &pubminer_core::Document| {
                d.passages
                    .iter()
                    .map(|p| p.text().to_owned())
                    .collect::<Vec<_>>()
            };
            assert_eq!(texts(a), texts(b));
        }
    }
}
