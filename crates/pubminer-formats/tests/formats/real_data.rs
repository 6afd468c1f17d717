//! The real files in `../shared/data` (skipped with a message when absent).

use std::path::Path;

use pubminer_formats::{OutputFormat, ReadOptions};

use crate::common::{encode, read_bytes, read_path, shared_data};

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn every_pubmed_xml_file_reads_without_errors() {
    let Some(data) = shared_data() else { return };
    let mut files = Vec::new();
    files_under(&data.join("pubmed"), &mut files);
    let xml: Vec<_> = files
        .iter()
        .filter(|p| {
            let n = p.to_string_lossy();
            (n.ends_with(".xml") || n.ends_with(".xml.gz")) && !n.contains("/spec/")
        })
        .collect();
    // PMC full text (`pmc-articleset`) is not PubMed XML: it must be refused clearly.
    let (xml, pmc): (Vec<_>, Vec<_>) = xml
        .into_iter()
        .partition(|p| !p.to_string_lossy().contains("efetch_pmc"));
    for path in pmc {
        let (_, errors) = read_path(path, &ReadOptions::default());
        assert!(
            errors[0].message.contains("is this really pubmed"),
            "{}",
            errors[0]
        );
    }
    assert!(xml.len() > 150, "found {} xml files", xml.len());
    for path in xml {
        let (docs, errors) = read_path(path, &ReadOptions::default());
        let name = path.display();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        // One metapub fixture is an efetch answer with an empty <PubmedArticleSet>.
        assert!(
            !docs.is_empty() || name.to_string().contains("37909814"),
            "{name}: no documents"
        );
        crate::common::assert_spans_ok(&docs);
    }
}

#[test]
fn curated_pubmed_counts_match_the_xml() {
    let Some(data) = shared_data() else { return };
    let curated = data.join("pubmed/curated");
    // (file, articles, deletions, with a non-empty abstract), counted by hand in the XML.
    for (file, articles, deletions, with_abstract) in [
        ("pmparser_baseline_pubmed26n1334.xml.gz", 30, 0, 27),
        ("pmparser_update_pubmed26n1335.xml.gz", 30, 6, 29),
        ("pmparser_extdata_pubmed20n1016.xml.gz", 26, 262, 23),
        ("metapub_20301546_PubmedBookArticle.xml", 1, 0, 1),
        ("biopython_pubmed4_structured_abstract.xml", 1, 0, 1),
    ] {
        let (docs, errors) = read_path(&curated.join(file), &ReadOptions::default());
        assert!(errors.is_empty(), "{file}: {errors:?}");
        let live = docs.iter().filter(|d| !d.deleted).count();
        let deleted = docs.iter().filter(|d| d.deleted).count();
        let abstracts = docs.iter().filter(|d| d.has_abstract()).count();
        assert_eq!(
            (live, deleted, abstracts),
            (articles, deletions, with_abstract),
            "{file}"
        );
    }
}

#[test]
fn corpora_round_trip_through_jsonl_to_identical_pubtator() {
    let Some(data) = shared_data() else { return };
    for file in [
        "corpora/bc5cdr/CDR_TrainingSet.PubTator.txt",
        "corpora/bc5cdr/CDR_DevelopmentSet.PubTator.txt",
        "corpora/biored/Train.PubTator",
        "corpora/biored/Dev.PubTator",
        "corpora/ncbi-disease/train/NCBItrainset_corpus.txt",
        "corpora/ncbi-disease/devel/NCBIdevelopset_corpus.txt",
    ] {
        let original = std::fs::read_to_string(data.join(file)).unwrap();
        let (docs, errors) = read_path(&data.join(file), &ReadOptions::default());
        assert!(errors.is_empty(), "{file}: {errors:?}");
        let diagnostics: Vec<_> = docs.iter().flat_map(|d| &d.diagnostics).collect();
        assert!(
            diagnostics
                .iter()
                .all(|d| d.code == "annotation.text_whitespace"),
            "{file}: {diagnostics:?}"
        );
        let jsonl = encode(&docs, OutputFormat::Jsonl);
        let (again, errors) = read_bytes("x.jsonl", jsonl, &ReadOptions::default());
        assert!(errors.is_empty());
        assert_eq!(again, docs);
        let written = String::from_utf8(encode(&again, OutputFormat::Pubtator)).unwrap();
        if file.contains("bc5cdr") || file.contains("biored") {
            assert!(diagnostics.is_empty(), "{file}");
            if file.contains("Training") {
                // This file alone lacks the blank line after its last record.
                assert_eq!(written, format!("{original}\n"), "{file}");
            } else {
                assert_eq!(written, original, "{file}: byte for byte");
            }
        } else {
            // NCBI Disease starts with a blank line, and one mention's text column carries
            // two trailing spaces (reported as annotation.text_whitespace).
            let norm = |s: &str| {
                s.lines()
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            };
            let (a, b) = (norm(&original), norm(&written));
            assert_eq!(a.len(), b.len(), "{file}");
            let differing = a.iter().zip(&b).filter(|(x, y)| x != y).count();
            assert_eq!(differing, diagnostics.len(), "{file}");
        }
    }
}

#[test]
fn known_offset_mismatches_are_reported_not_trusted() {
    let Some(data) = shared_data() else { return };
    // Counted independently with Python string slicing (for BioC: the slices of all
    // locations joined by one space, compared with the annotation text: 57 single- and 2
    // multi-location annotations).
    for (file, expected) in [
        ("corpora/genes/NLMgene_Train.PubTator", 11),
        ("corpora/genes/GNormPlus_Train.PubTator", 35),
        ("corpora/genes/tmVar3_Train.PubTator", 21),
        ("pubmed/curated/bc5cdr_CDR_sample.gold.BioC.xml", 59),
    ] {
        let (docs, errors) = read_path(&data.join(file), &ReadOptions::default());
        assert!(errors.is_empty(), "{file}: {errors:?}");
        let reported = docs
            .iter()
            .flat_map(|d| &d.diagnostics)
            .filter(|d| d.code == "annotation.text_mismatch")
            .count();
        assert_eq!(reported, expected, "{file}");
        crate::common::assert_spans_ok(&docs);
    }
}

#[test]
fn bioc_corpora_agree_with_their_pubtator_versions() {
    let Some(data) = shared_data() else { return };
    let (pubtator, _) = read_path(
        &data.join("corpora/biored/Dev.PubTator"),
        &ReadOptions::default(),
    );
    for file in [
        "corpora/biored/Dev.BioC.XML",
        "corpora/biored/Dev.BioC.JSON",
    ] {
        let (bioc, errors) = read_path(&data.join(file), &ReadOptions::default());
        assert!(errors.is_empty(), "{file}: {errors:?}");
        assert_eq!(bioc.len(), pubtator.len(), "{file}");
        for (b, p) in bioc.iter().zip(&pubtator) {
            assert_eq!(b.id, p.id);
            let texts = |d: &pubminer_core::Document| {
                d.mentions
                    .iter()
                    .map(|m| m.text.clone())
                    .collect::<Vec<_>>()
            };
            let mut bt = texts(b);
            let mut pt = texts(p);
            bt.sort();
            pt.sort();
            assert_eq!(bt, pt, "{file} {}", b.id);
        }
    }
}
