//! Shared test fixtures: a small hand-made lexicon (genes from HGNC, tumour types as
//! neoplasms) and document builders.
#![allow(dead_code)]

use std::sync::Arc;

use pubminer_core::{Document, Passage, PassageKind};
use pubminer_ihc::extract::Extractor;
use pubminer_ihc::rules::RuleSet;
use pubminer_lexicon::{Concept, EntityType, Lexicon, Synonym, SynonymKind, Tags};

pub fn gene(id: &str, symbol: &str, aliases: &[&str]) -> Concept {
    let mut c = Concept::new(id, symbol, EntityType::Gene, "hgnc");
    c.synonyms.push(Synonym::new(symbol, SynonymKind::Symbol));
    for a in aliases {
        c.synonyms.push(Synonym::new(*a, SynonymKind::AliasSymbol));
    }
    c
}

pub fn tumour(id: &str, name: &str, synonyms: &[&str]) -> Concept {
    let mut c = Concept::new(id, name, EntityType::Disease, "oncotree");
    for s in synonyms {
        c.synonyms.push(Synonym::new(*s, SynonymKind::Exact));
    }
    c.tags = Tags::NEOPLASM;
    c
}

pub fn lexicon() -> Arc<Lexicon> {
    Arc::new(
        Lexicon::from_concepts(vec![
            gene("HGNC:11825", "NKX2-1", &["TTF-1", "TTF1"]),
            gene("HGNC:12397", "TTF1", &[]),
            gene("HGNC:7656", "NCAM1", &["CD56"]),
            gene("HGNC:11506", "SYP", &[]),
            gene("HGNC:427", "ALK", &[]),
            gene("HGNC:1806", "CDX2", &[]),
            gene("HGNC:7325", "MSH2", &[]),
            gene("HGNC:16905", "WDHD1", &["AND-1"]),
            tumour(
                "ONCOTREE:LUAD",
                "lung adenocarcinoma",
                &["lung adenocarcinomas"],
            ),
            tumour("ONCOTREE:SCLC", "small cell carcinoma", &[]),
            tumour("ONCOTREE:IMT", "inflammatory myofibroblastic tumor", &[]),
            tumour("ONCOTREE:NF", "nodular fasciitis", &[]),
            tumour("ONCOTREE:LMS", "leiomyosarcoma", &[]),
            tumour("ONCOTREE:COAD", "colonic adenocarcinoma", &[]),
            // MeSH files carcinogenesis among the neoplastic processes.
            tumour("MESH:D063646", "carcinogenesis", &[]),
            tumour("ONCOTREE:ADNOS", "adenocarcinoma", &["adenocarcinomas"]),
            // OncoTree's generic `tumor`, as in the shipped vocabularies.
            tumour("ONCOTREE:MT", "tumor", &["tumors", "tumour", "tumours"]),
            tumour(
                "MONDO:0019060",
                "bone tumor",
                &["bone tumors", "bone and soft tissue tumors"],
            ),
            tumour(
                "ONCOTREE:SEB",
                "sebaceous neoplasm",
                &["sebaceous neoplasms"],
            ),
            tumour("MONDO:0000001", "desmoid", &[]),
            tumour("MONDO:0000002", "fibromatosis", &["fibromatoses"]),
            // A gene whose alias is also a tumour abbreviation some documents define.
            gene("HGNC:99001", "SCCA1", &["SCC"]),
        ])
        .unwrap(),
    )
}

pub fn doc(title: &str, text: &str) -> Document {
    let mut d = Document::new("1");
    d.passages.push(Passage::new(PassageKind::Title, title));
    d.passages.push(Passage::new(PassageKind::Abstract, text));
    d
}

/// `(marker symbol or text, tumour, positive, total)` of each profile.
pub fn profiles(title: &str, text: &str) -> Vec<(String, String, Option<u32>, Option<u32>)> {
    let found = Extractor::new(lexicon()).extract(&doc(title, text));
    found
        .profiles
        .iter()
        .map(|p| {
            (
                p.marker_symbol.clone().unwrap_or_else(|| p.marker.clone()),
                p.tumour_type.to_lowercase(),
                p.positive,
                p.total,
            )
        })
        .collect()
}

pub fn row(
    m: &str,
    t: &str,
    x: Option<u32>,
    y: Option<u32>,
) -> (String, String, Option<u32>, Option<u32>) {
    (m.to_owned(), t.to_owned(), x, y)
}

/// `(marker symbol or text, tumour lower-cased, positive, total)` of a profile.
pub type Row = (String, String, Option<u32>, Option<u32>);

fn row_of(p: &pubminer_ihc::Profile) -> Row {
    (
        p.marker_symbol.clone().unwrap_or_else(|| p.marker.clone()),
        p.tumour_type.to_lowercase(),
        p.positive,
        p.total,
    )
}

/// What the rules alone pick, with `rules`.
pub fn picked(rules: RuleSet, title: &str, text: &str) -> Vec<Row> {
    let found = Extractor::new(lexicon())
        .with_rules(rules)
        .extract(&doc(title, text));
    found.profiles.iter().map(row_of).collect()
}

/// Every candidate profile, with `rules`.
pub fn candidates(rules: RuleSet, title: &str, text: &str) -> Vec<Row> {
    let a = Extractor::new(lexicon())
        .with_rules(rules)
        .analyse(&doc(title, text));
    a.candidates
        .candidates
        .iter()
        .map(|c| row_of(&a.profile(c)))
        .collect()
}

/// The marker and tumour mentions (`marker X`, `tumour NAME` or `tumour NAME [AS WRITTEN]`),
/// with `rules`.
pub fn mentions(rules: RuleSet, title: &str, text: &str) -> Vec<String> {
    let a = Extractor::new(lexicon())
        .with_rules(rules)
        .analyse(&doc(title, text));
    a.mentions
        .markers
        .iter()
        .map(|m| format!("marker {}", m.text))
        .chain(a.mentions.tumours.iter().map(|t| match &t.written {
            Some(w) => format!("tumour {} [{w}]", t.text),
            None => format!("tumour {}", t.text),
        }))
        .collect()
}
