//! NER evaluation on the real corpora in `../shared/data` (skipped when absent).

use std::path::PathBuf;

use pubminer_core::Document;
use pubminer_eval::ner::evaluate;
use pubminer_eval::types::TypeMapping;
use pubminer_formats::ReadOptions;

/// The shared data directory, or `None` (with a message) when absent.
fn shared_data() -> Option<PathBuf> {
    let dir = std::env::var_os("PUBMINER_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    if dir.join("README.md").exists() {
        Some(dir)
    } else {
        eprintln!(
            "SKIP: shared data not found at {} (set PUBMINER_DATA to run real-data tests)",
            dir.display()
        );
        None
    }
}

fn read(path: &std::path::Path) -> Vec<Document> {
    pubminer_formats::read_all(path, &ReadOptions::default()).expect("corpus reads")
}

#[test]
fn bc5cdr_dev_against_itself_and_a_perturbed_copy() {
    let Some(data) = shared_data() else { return };
    let gold = read(&data.join("corpora/bc5cdr/CDR_DevelopmentSet.PubTator.txt"));
    assert_eq!(gold.len(), 500);
    let mapping = TypeMapping::default();

    let r = evaluate(&gold, &gold, &mapping);
    assert_eq!(r.strict.micro.f1, 1.0);
    assert_eq!(r.overlapping.micro.f1, 1.0);
    assert_eq!(r.documents.text_mismatches, 0);
    assert_eq!(r.documents.missing_predictions, 0);
    assert!(r.unmapped_gold.is_empty(), "{:?}", r.unmapped_gold);
    assert_eq!(
        r.strict.per_type.keys().collect::<Vec<_>>(),
        ["Chemical", "Disease"]
    );
    let scored = r.gold_mentions.scored;
    assert!(scored > 9000, "{scored}");

    // Drop every 10th mention (in reading order).
    let mut pred = gold.clone();
    let mut index = 0usize;
    let mut dropped = 0u64;
    for doc in &mut pred {
        doc.mentions.retain(|_| {
            index += 1;
            let keep = !index.is_multiple_of(10);
            dropped += u64::from(!keep);
            keep
        });
    }
    let r = evaluate(&gold, &pred, &mapping);
    assert_eq!(r.strict.micro.precision, 1.0);
    assert!(
        (r.strict.micro.recall - 0.9).abs() < 2e-3,
        "recall {}",
        r.strict.micro.recall
    );
    // Duplicated gold mentions may survive through their twin; otherwise each drop is a miss.
    assert!(r.strict.micro.fn_ <= dropped);
    assert!(
        r.strict.micro.fn_ + 20 >= dropped,
        "{} vs {dropped}",
        r.strict.micro.fn_
    );
    assert_eq!(
        r.errors["Chemical"].false_negative_classes.total()
            + r.errors["Disease"].false_negative_classes.total(),
        r.strict.micro.fn_
    );
}

#[test]
fn biored_and_ncbi_types_all_map() {
    let Some(data) = shared_data() else { return };
    let mapping = TypeMapping::default();
    for file in [
        "corpora/biored/Dev.PubTator",
        "corpora/ncbi-disease/devel/NCBIdevelopset_corpus.txt",
        "corpora/genes/tmVar3_Train.PubTator",
        "corpora/genes/SPECIES_Train.PubTator",
    ] {
        let docs = read(&data.join(file));
        assert!(mapping.unmapped_in(&docs).is_empty(), "{file}");
        let r = evaluate(&docs, &docs, &mapping);
        assert_eq!(r.strict.micro.f1, 1.0, "{file}");
    }
    // NLMgene keeps its non-gene classes out, by name.
    let docs = read(&data.join("corpora/genes/NLMgene_Train.PubTator"));
    let unmapped = mapping.unmapped_in(&docs);
    let names: Vec<&str> = unmapped.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        ["Cell", "ChromosomeLocation", "DomainMotif", "FamilyName"]
    );
}

#[test]
fn pubtator_gold_lines_up_with_bioc_predictions() {
    // BioC XML of BioRED dev against its PubTator version: different formats, same text.
    let Some(data) = shared_data() else { return };
    let gold = read(&data.join("corpora/biored/Dev.PubTator"));
    let pred = read(&data.join("corpora/biored/Dev.BioC.XML"));
    let r = evaluate(&gold, &pred, &TypeMapping::default());
    assert_eq!(r.documents.text_mismatches, 0, "{:?}", r.documents);
    assert_eq!(r.documents.missing_predictions, 0);
    assert_eq!(r.strict.micro.f1, 1.0);
}
