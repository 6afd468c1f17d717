//! Writes the constructed seeds that need the library to make: lexicon artifacts for the
//! `lexicon_artifact` target (the other seeds are text, written by `seeds.sh`).
//!
//! Usage: `write_seeds CORPUS_DIR` (writes into `CORPUS_DIR/lexicon_artifact/`).

// Linked for the coverage callbacks the instrumented dependencies call (libFuzzer's `main`
// stays out: this binary has its own).
use libfuzzer_sys as _;
use pubminer_lexicon::artifact::{Meta, to_bytes};
use pubminer_lexicon::merge::{MergeOptions, merge};
use pubminer_lexicon::{Concept, EntityType, Synonym, SynonymKind, Tags};
use pubminer_text::normalize::KeyBuilder;

fn concept(id: &str, name: &str, t: EntityType, synonyms: &[(&str, SynonymKind)]) -> Concept {
    let mut c = Concept::new(
        id,
        name,
        t,
        id.split(':').next().unwrap_or("x").to_lowercase(),
    );
    c.synonyms = synonyms.iter().map(|&(s, k)| Synonym::new(s, k)).collect();
    c
}

fn artifact(concepts: Vec<Concept>) -> Vec<u8> {
    let mut keys = KeyBuilder::new();
    let (entries, stats) = merge(concepts, &MergeOptions::default(), |s| keys.name_key(s));
    let meta = Meta {
        builder: "pubminer fuzz seeds".to_owned(),
        merged_concepts: stats.merged,
        ..Meta::default()
    };
    to_bytes(&entries, meta, |s| keys.name_key(s))
        .expect("a small lexicon fits the format")
        .0
}

fn main() {
    let dir = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: write_seeds CORPUS_DIR"),
    )
    .join("lexicon_artifact");
    std::fs::create_dir_all(&dir).expect("corpus directory");
    let mut lung = concept(
        "UBERON:0002048",
        "lung",
        EntityType::Anatomy,
        &[("pulmo", SynonymKind::Related)],
    );
    lung.parents.push("UBERON:0000170".to_owned());
    let mut nkx = concept(
        "HGNC:11825",
        "NK2 homeobox 1",
        EntityType::Gene,
        &[
            ("NKX2-1", SynonymKind::Symbol),
            ("TTF-1", SynonymKind::AliasSymbol),
            ("TTF1", SynonymKind::PreviousSymbol),
        ],
    );
    nkx.xrefs.push("NCBIGene:7080".to_owned());
    let mut luad = concept(
        "ONCOTREE:LUAD",
        "Lung Adenocarcinoma",
        EntityType::Disease,
        &[
            ("LUAD", SynonymKind::Abbreviation),
            ("adénocarcinome pulmonaire", SynonymKind::Exact),
        ],
    );
    luad.tags = Tags::NEOPLASM;
    luad.xrefs.push("MESH:D000077192".to_owned());
    let mut mesh_luad = concept(
        "MESH:D000077192",
        "Adenocarcinoma of Lung",
        EntityType::Disease,
        &[],
    );
    mesh_luad.tags = Tags::NEOPLASM;
    let mut old = concept(
        "HGNC:1",
        "withdrawn gene",
        EntityType::Gene,
        &[("OLD1", SynonymKind::Symbol)],
    );
    old.tags = Tags::OBSOLETE | Tags::FAMILY;
    let seeds = [
        (
            "seed-lexicon-one",
            artifact(vec![concept("HGNC:1", "lung", EntityType::Gene, &[])]),
        ),
        (
            "seed-lexicon-small",
            artifact(vec![lung, nkx, luad, mesh_luad, old]),
        ),
        ("seed-lexicon-empty", artifact(Vec::new())),
    ];
    for (name, bytes) in seeds {
        std::fs::write(dir.join(name), bytes).expect("write seed");
    }
    println!(
        "lexicon_artifact: {} constructed seeds in {}",
        3,
        dir.display()
    );
}
