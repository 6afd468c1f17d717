//! OncoTree tumour types, from any of its three shapes (told apart by the first character):
//!
//! - the tree JSON (`oncotree_*.json`: `{"TISSUE": {"code", "name", "mainType", "tissue",
//!   "parent", "level", "externalReferences": {"UMLS": [..], "NCI": [..]}, "children":
//!   {code: node...}}}`);
//! - the list JSON of the official API (`https://oncotree.mskcc.org/api/tumorTypes`: an array
//!   of the same node objects without `children`);
//! - the flat TSV (`oncotree_*_flat.tsv`: code, name, mainType, tissue, parent, level, UMLS,
//!   NCI; multiple ids `|`-separated).
//!
//! Ids are `ONCOTREE:<code>`, source `oncotree`. Tumour types (level 2 and below) are Disease
//! with [`Tags::NEOPLASM`] and their code as an Abbreviation synonym (`LUAD`). The root
//! `TISSUE` (level 0) and the tissue-level nodes (level 1: `LUNG` "Lung", `BOWEL`...) are
//! sites, not tumours: they are kept as Anatomy concepts, without NEOPLASM and without the
//! code as a synonym. Parents link nodes of the same type only (a level-2 tumour type has no
//! parent; its site is in [`tissues`]). `mainType` ("Non-Small Cell Lung Cancer" for LUAD)
//! is a broader grouping, not a name of the node, so it is not used as a synonym. Xrefs:
//! `UMLS:`, `NCIT:`; [`merge_mappings`] adds those of `ontology_mappings.txt` with ICD-O
//! topography/morphology (`ICDO:C34.9`, `ICDO:8140/3`) and HemOnc (`HEMEONC:`).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Deserialize;

use crate::concept::{Concept, EntityType, SynonymKind, Tags};
use crate::error::{LexiconError, Result};

use super::{Lines, Loaded, push_syn, read_all, split_values, tidy};

/// One node, from any shape.
#[derive(Clone, Debug, Default, Deserialize)]
struct Node {
    code: String,
    name: String,
    #[serde(default)]
    tissue: Option<String>,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default)]
    level: Option<u32>,
    #[serde(rename = "externalReferences", default)]
    external: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    children: BTreeMap<String, Node>,
}

/// Reads the nodes of any shape, parents before children.
fn read_nodes(path: &Path) -> Result<Vec<Node>> {
    let bytes = read_all(path)?;
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let json_error = |e: serde_json::Error| {
        LexiconError::parse(path, e.line() as u64, format!("OncoTree JSON: {e}"))
    };
    let mut nodes = Vec::new();
    match first {
        Some(b'{') => {
            let roots: BTreeMap<String, Node> =
                serde_json::from_slice(&bytes).map_err(json_error)?;
            let mut stack: Vec<Node> = roots.into_values().rev().collect();
            while let Some(mut node) = stack.pop() {
                let children = std::mem::take(&mut node.children);
                stack.extend(children.into_values().rev());
                nodes.push(node);
            }
        }
        Some(b'[') => {
            nodes = serde_json::from_slice(&bytes).map_err(json_error)?;
        }
        _ => {
            drop(bytes);
            nodes = read_tsv(path)?;
        }
    }
    // Fill in missing levels from the parent chain.
    if nodes.iter().any(|n| n.level.is_none()) {
        let parent_of: HashMap<String, Option<String>> = nodes
            .iter()
            .map(|n| (n.code.clone(), n.parent.clone().filter(|p| !p.is_empty())))
            .collect();
        for n in &mut nodes {
            if n.level.is_none() {
                let mut level = 0;
                let mut at = n.parent.clone().filter(|p| !p.is_empty());
                while let Some(p) = at {
                    level += 1;
                    if level > 64 {
                        break;
                    }
                    at = parent_of.get(&p).cloned().flatten();
                }
                n.level = Some(level);
            }
        }
    }
    Ok(nodes)
}

fn read_tsv(path: &Path) -> Result<Vec<Node>> {
    let mut lines = Lines::open(path)?;
    let Some(header) = lines.next_line()? else {
        return Err(lines.error("empty file: no OncoTree header"));
    };
    let names: Vec<String> = header.split('\t').map(|h| h.trim().to_owned()).collect();
    let col = |n: &str| names.iter().position(|h| h.eq_ignore_ascii_case(n));
    let (Some(code), Some(name)) = (col("code"), col("name")) else {
        return Err(header.error("not an OncoTree table: no `code` and `name` columns"));
    };
    let (tissue, parent, level, umls, nci) = (
        col("tissue"),
        col("parent"),
        col("level"),
        col("UMLS"),
        col("NCI"),
    );
    let mut nodes = Vec::new();
    while let Some(line) = lines.next_line()? {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let get = |i: Option<usize>| i.and_then(|i| f.get(i)).map_or("", |s| s.trim());
        let opt = |i: Option<usize>| Some(get(i).to_owned()).filter(|s| !s.is_empty());
        let level = match get(level) {
            "" => None,
            v => Some(
                v.parse()
                    .map_err(|_| line.error(format!("level is not a number: {v:?}")))?,
            ),
        };
        let mut external = BTreeMap::new();
        for (key, i) in [("UMLS", umls), ("NCI", nci)] {
            let ids: Vec<String> = split_values(get(i), '|').map(str::to_owned).collect();
            if !ids.is_empty() {
                external.insert(key.to_owned(), ids);
            }
        }
        let node = Node {
            code: get(Some(code)).to_owned(),
            name: get(Some(name)).to_owned(),
            tissue: opt(tissue),
            parent: opt(parent),
            level,
            external,
            children: BTreeMap::new(),
        };
        if node.code.is_empty() || node.name.is_empty() {
            return Err(line.error("a row without code or name"));
        }
        nodes.push(node);
    }
    Ok(nodes)
}

fn is_site(level: Option<u32>) -> bool {
    level.unwrap_or(2) <= 1
}

/// Loads OncoTree (tree JSON, API list JSON or flat TSV; possibly gzipped).
///
/// # Errors
/// I/O errors; a parse error for malformed JSON (with its line) or a TSV without `code` and
/// `name` columns, a row without code or name, or a level that is not a number.
pub fn load(path: &Path) -> Result<Loaded> {
    let nodes = read_nodes(path)?;
    let site: HashMap<&str, bool> = nodes
        .iter()
        .map(|n| (n.code.as_str(), is_site(n.level)))
        .collect();
    let mut out = Loaded::default();
    for n in &nodes {
        let code = n.code.trim();
        let is_site = is_site(n.level);
        let entity_type = if is_site {
            EntityType::Anatomy
        } else {
            EntityType::Disease
        };
        let mut c = Concept::new(format!("ONCOTREE:{code}"), &n.name, entity_type, "oncotree");
        if !is_site {
            c.tags.insert(Tags::NEOPLASM);
            push_syn(&mut c, code, SynonymKind::Abbreviation);
        }
        if let Some(p) = n.parent.as_deref().map(str::trim).filter(|p| !p.is_empty())
            && site.get(p).copied() == Some(is_site)
        {
            c.parents.push(format!("ONCOTREE:{p}"));
        }
        for (key, ids) in &n.external {
            let prefix = match key.as_str() {
                "UMLS" => "UMLS",
                "NCI" | "NCIT" => "NCIT",
                other => other,
            };
            for id in ids {
                let id = id.trim();
                if !id.is_empty() {
                    c.xrefs.push(format!("{prefix}:{id}"));
                }
            }
        }
        tidy(&mut c);
        out.concepts.push(c);
    }
    Ok(out)
}

/// The tissue of every node (`LUAD` → `Lung`), from any of the shapes [`load`] reads. Nodes
/// without a tissue (the root) are left out.
///
/// # Errors
/// As [`load`].
pub fn tissues(path: &Path) -> Result<HashMap<String, String>> {
    Ok(read_nodes(path)?
        .into_iter()
        .filter_map(|n| {
            let tissue = n.tissue?.trim().to_owned();
            (!tissue.is_empty()).then(|| (n.code.trim().to_owned(), tissue))
        })
        .collect())
}

/// Adds the xrefs of `ontology_mappings.txt` (tab-separated with a header: ONCOTREE_CODE,
/// NCIT_CODE, UMLS_CODE, ICDO_TOPOGRAPHY_CODE, ICDO_MORPHOLOGY_CODE, HEMEONC_CODE;
/// multiple ids `,`-separated) to the OncoTree concepts among `concepts`. Returns how many
/// concepts gained at least one xref.
///
/// # Errors
/// I/O errors; a parse error when the header has no `ONCOTREE_CODE` column.
pub fn merge_mappings(concepts: &mut [Concept], path: &Path) -> Result<usize> {
    let mut lines = Lines::open(path)?;
    let Some(header) = lines.next_line()? else {
        return Err(lines.error("empty file: no header"));
    };
    let names: Vec<String> = header.split('\t').map(|h| h.trim().to_owned()).collect();
    let col = |n: &str| names.iter().position(|h| h == n);
    let Some(code_col) = col("ONCOTREE_CODE") else {
        return Err(header.error("no ONCOTREE_CODE column in the header"));
    };
    let targets: Vec<(Option<usize>, &str)> = vec![
        (col("NCIT_CODE"), "NCIT"),
        (col("UMLS_CODE"), "UMLS"),
        (col("ICDO_TOPOGRAPHY_CODE"), "ICDO"),
        (col("ICDO_MORPHOLOGY_CODE"), "ICDO"),
        (col("HEMEONC_CODE"), "HEMEONC"),
    ];
    let index: HashMap<String, usize> = concepts
        .iter()
        .enumerate()
        .filter(|(_, c)| c.prefix() == "ONCOTREE")
        .map(|(i, c)| (c.id.clone(), i))
        .collect();
    let mut touched = vec![false; concepts.len()];
    while let Some(line) = lines.next_line()? {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let code = f.get(code_col).map_or("", |s| s.trim());
        let Some(&i) = index.get(&format!("ONCOTREE:{code}")) else {
            continue;
        };
        let c = &mut concepts[i];
        for (col, prefix) in &targets {
            let field = col.and_then(|k| f.get(k)).map_or("", |s| s.trim());
            for id in split_values(field, ',') {
                let x = format!("{prefix}:{id}");
                if !c.xrefs.contains(&x) {
                    c.xrefs.push(x);
                    touched[i] = true;
                }
            }
        }
    }
    Ok(touched.into_iter().filter(|&t| t).count())
}
