//! The lexicon artifact: round trip, lookups, and clear errors for corrupt, truncated and
//! foreign files (never a panic).

use pubminer_lexicon::artifact::FORMAT_VERSION;
use pubminer_lexicon::{Concept, EntityType, Lexicon, Synonym, SynonymKind, Tags};
use pubminer_text::normalize::KeyBuilder;

fn concepts() -> Vec<Concept> {
    let mut kit = Concept::new("HGNC:6342", "KIT", EntityType::Gene, "hgnc");
    kit.synonyms
        .push(Synonym::new("CD117", SynonymKind::AliasSymbol));
    kit.synonyms
        .push(Synonym::new("c-kit", SynonymKind::AliasSymbol));
    kit.xrefs.push("NCBIGene:3815".into());
    let mut luad = Concept::new(
        "DOID:3910",
        "lung adenocarcinoma",
        EntityType::Disease,
        "doid",
    );
    luad.xrefs.push("MESH:D000077192".into());
    luad.tags.insert(Tags::NEOPLASM);
    let mesh = Concept::new(
        "MESH:D000077192",
        "Adenocarcinoma of Lung",
        EntityType::Disease,
        "mesh",
    );
    let mut lung = Concept::new("UBERON:0002048", "lung", EntityType::Anatomy, "uberon");
    lung.parents.push("UBERON:0000170".into());
    vec![kit, luad, mesh, lung]
}

fn key(s: &str) -> String {
    KeyBuilder::new().name_key(s)
}

#[test]
fn lookups_ids_and_metadata_survive_a_file_round_trip() {
    let lexicon = Lexicon::from_concepts(concepts()).unwrap();
    assert_eq!(lexicon.len(), 3, "DOID and MeSH merged");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lex.pmlex");
    // Write the same bytes through the public writer and read them back.
    let mut keys = KeyBuilder::new();
    let (entries, _) = pubminer_lexicon::merge::merge(
        concepts(),
        &pubminer_lexicon::MergeOptions::default(),
        |s| keys.name_key(s),
    );
    pubminer_lexicon::artifact::write(&path, &entries, Default::default(), |s| keys.name_key(s))
        .unwrap();
    let from_file = Lexicon::open(&path).unwrap();
    for lex in [&lexicon, &from_file] {
        let hits: Vec<_> = lex.lookup_key(&key("CD-117")).collect();
        assert_eq!(hits.len(), 1);
        let kit = lex.entry(hits[0].entry).unwrap();
        assert_eq!(kit.id(), "HGNC:6342");
        assert_eq!(lex.string(hits[0].name), "CD117");
        assert_eq!(hits[0].kind, SynonymKind::AliasSymbol);
        assert_eq!(kit.xrefs().collect::<Vec<_>>(), ["NCBIGene:3815"]);
        let luad = lex.find_id("DOID:3910").unwrap();
        assert_eq!(
            luad.id(),
            "MESH:D000077192",
            "MeSH is canonical for diseases"
        );
        assert!(luad.tags().contains(Tags::NEOPLASM));
        assert!(luad.has_id("DOID:3910"));
        assert_eq!(
            lex.lookup_key(&key("lung adenocarcinomas")).count(),
            1,
            "plural and case folded"
        );
        assert_eq!(
            lex.find_id("UBERON:0002048")
                .unwrap()
                .parents()
                .collect::<Vec<_>>(),
            ["UBERON:0000170"]
        );
        assert!(lex.find_id("HGNC:1").is_none());
        assert_eq!(lex.lookup_key("no such name").count(), 0);
    }
}

fn artifact_bytes() -> Vec<u8> {
    let mut keys = KeyBuilder::new();
    let (entries, _) = pubminer_lexicon::merge::merge(
        concepts(),
        &pubminer_lexicon::MergeOptions::default(),
        |s| keys.name_key(s),
    );
    pubminer_lexicon::artifact::to_bytes(&entries, Default::default(), |s| keys.name_key(s))
        .unwrap()
        .0
}

#[test]
fn corrupt_truncated_foreign_and_future_files_are_refused_clearly() {
    let good = artifact_bytes();
    assert!(Lexicon::from_bytes(good.clone()).is_ok());

    let mut flipped = good.clone();
    let at = flipped.len() / 2;
    flipped[at] ^= 0x55;
    let err = Lexicon::from_bytes(flipped).unwrap_err();
    assert!(err.contains("checksum"), "{err}");
    assert!(err.contains("pubminer lexicon build"), "{err}");

    let err = Lexicon::from_bytes(good[..good.len() - 100].to_vec()).unwrap_err();
    assert!(
        err.contains("checksum") || err.contains("truncated"),
        "{err}"
    );

    let err = Lexicon::from_bytes(b"PK\x03\x04 a zip file".to_vec()).unwrap_err();
    assert!(err.contains("not a pubminer lexicon"), "{err}");
    assert!(Lexicon::from_bytes(Vec::new()).is_err());

    let mut future = good;
    future[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    let err = Lexicon::from_bytes(future).unwrap_err();
    assert!(
        err.contains(&format!("version {}", FORMAT_VERSION + 1)),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.pmlex");
    std::fs::write(&path, b"garbage").unwrap();
    let err = Lexicon::open(&path).unwrap_err().to_string();
    assert!(err.contains("bad.pmlex"), "names the file: {err}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Any damage is an error, never a panic, even when the CRC is recomputed to match.
    #[test]
    fn damaged_artifacts_never_panic(at in 0usize..4096, byte in 0u8..=255, fix_crc in proptest::bool::ANY) {
        let mut bytes = artifact_bytes();
        let at = at % bytes.len();
        bytes[at] = byte;
        if fix_crc && bytes.len() > 24 {
            let crc = crc32fast::hash(&bytes[24..]);
            bytes[16..20].copy_from_slice(&crc.to_le_bytes());
        }
        if let Ok(lex) = Lexicon::from_bytes(bytes) {
            for e in lex.entries() {
                let _ = (e.id(), e.name(), e.names().count(), e.xrefs().count(), e.parents().count());
            }
            lex.for_each_key(|_, v| { let _ = lex.postings(v).count(); });
        }
    }
}

#[test]
fn key_prefixes_are_known_to_the_lexicon() {
    let lexicon = Lexicon::from_concepts(concepts()).unwrap();
    for prefix in ["", "lung", "lung adeno", &key("lung adenocarcinoma"), "cd"] {
        assert!(lexicon.has_key_prefix(prefix), "{prefix}");
    }
    for other in ["lungs adenocarcinoma x", "kidney", "lung adenocarcinoma of"] {
        assert!(!lexicon.has_key_prefix(other), "{other}");
    }
}
