//! CTD MEDIC disease vocabulary, in either of its two shapes (told apart by the first data
//! line):
//!
//! - the TSV `CTD_diseases.tsv` (2017): `#` comment lines, then DiseaseName, DiseaseID,
//!   AltDiseaseIDs, Definition, ParentIDs, TreeNumbers, ParentTreeNumbers, Synonyms,
//!   SlimMappings (the column order is read from the `# DiseaseName\t...` comment when
//!   present);
//! - the pipe file `medic_06Jul2012_BioSyn.txt` (the version matching the NCBI Disease
//!   corpus): `ID|ALT_ID...||Name|Synonym|...`, ids being bare MeSH UIs (`C567755`) or OMIM
//!   numbers (`613097`), the first one the concept's id.
//!
//! Every concept is a Disease with source `medic` and id `MESH:D...`/`MESH:C...`/`OMIM:...`;
//! AltDiseaseIDs (`DO:DOID:x` → `DOID:x`, `OMIM:`) and further ids become xrefs, ParentIDs
//! parents, synonyms Exact. [`Tags::NEOPLASM`] when a tree number is in C04. The category
//! root `MESH:C` "Diseases" is skipped (its name would match every "diseases").

use std::path::Path;

use crate::concept::{Concept, EntityType, SynonymKind, Tags, normalize_curie};
use crate::error::Result;

use super::{Lines, Loaded, push_syn, split_values, tidy, xref_curie};

/// The root of the MeSH disease category, which MEDIC lists as a disease.
const ROOT: &str = "MESH:C";

#[derive(Clone, Copy)]
struct Columns {
    name: usize,
    id: usize,
    alt: Option<usize>,
    parents: Option<usize>,
    trees: Option<usize>,
    synonyms: Option<usize>,
}

impl Columns {
    const DEFAULT: Self = Self {
        name: 0,
        id: 1,
        alt: Some(2),
        parents: Some(4),
        trees: Some(5),
        synonyms: Some(7),
    };

    fn from_header(names: &[&str]) -> Option<Self> {
        let find = |n: &str| names.iter().position(|h| h.trim() == n);
        Some(Self {
            name: find("DiseaseName")?,
            id: find("DiseaseID")?,
            alt: find("AltDiseaseIDs"),
            parents: find("ParentIDs"),
            trees: find("TreeNumbers"),
            synonyms: find("Synonyms"),
        })
    }
}

/// Loads a MEDIC file (TSV or pipe shape, possibly gzipped).
///
/// # Errors
/// I/O errors; a parse error (file and line) for a data line that has neither tabs nor the
/// `||` that separates ids from names, a TSV row without name or id, or an id that is not a
/// MeSH UI or OMIM number.
pub fn load(path: &Path) -> Result<Loaded> {
    let mut lines = Lines::open(path)?;
    let mut out = Loaded::default();
    let mut columns = Columns::DEFAULT;
    let mut pipe: Option<bool> = None;
    while let Some(line) = lines.next_line()? {
        if line.trim().is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            let names: Vec<&str> = comment.trim_start().split('\t').collect();
            if names.len() > 2
                && let Some(c) = Columns::from_header(&names)
            {
                columns = c;
            }
            continue;
        }
        let is_pipe = *pipe.get_or_insert_with(|| !line.contains('\t') && line.contains("||"));
        let concept = if is_pipe {
            pipe_line(&line).map_err(|m| line.error(m))?
        } else {
            tsv_line(&line, columns).map_err(|m| line.error(m))?
        };
        match concept {
            Some(c) => out.concepts.push(c),
            None => out.skip("category root MESH:C"),
        }
    }
    Ok(out)
}

fn tsv_line(line: &str, cols: Columns) -> std::result::Result<Option<Concept>, String> {
    let f: Vec<&str> = line.split('\t').collect();
    let get = |i: Option<usize>| i.and_then(|i| f.get(i)).map_or("", |s| s.trim());
    let name = get(Some(cols.name));
    let raw_id = get(Some(cols.id));
    if name.is_empty() || raw_id.is_empty() {
        return Err(format!(
            "expected a tab-separated MEDIC row with DiseaseName and DiseaseID, found {} \
             field(s)",
            f.len()
        ));
    }
    let id = normalize_curie(raw_id).ok_or_else(|| format!("not a disease id: {raw_id:?}"))?;
    if id == ROOT {
        return Ok(None);
    }
    let mut c = Concept::new(id, name, EntityType::Disease, "medic");
    for s in split_values(get(cols.synonyms), '|') {
        push_syn(&mut c, s, SynonymKind::Exact);
    }
    c.xrefs = split_values(get(cols.alt), '|')
        .filter_map(xref_curie)
        .collect();
    c.parents = split_values(get(cols.parents), '|')
        .filter_map(normalize_curie)
        .filter(|p| p != ROOT)
        .collect();
    if split_values(get(cols.trees), '|').any(|t| t.starts_with("C04")) {
        c.tags.insert(Tags::NEOPLASM);
    }
    tidy(&mut c);
    Ok(Some(c))
}

/// A bare id of the 2012 file: `C567755`/`D009369` → MeSH, digits → OMIM.
fn pipe_id(raw: &str) -> std::result::Result<String, String> {
    let raw = raw.trim();
    if raw.contains(':') {
        return normalize_curie(raw).ok_or_else(|| format!("not a disease id: {raw:?}"));
    }
    if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(format!("OMIM:{raw}"));
    }
    let mut chars = raw.chars();
    if matches!(chars.next(), Some('C' | 'D')) && chars.all(|c| c.is_ascii_digit()) {
        return Ok(format!("MESH:{raw}"));
    }
    Err(format!("not a MeSH UI or OMIM number: {raw:?}"))
}

fn pipe_line(line: &str) -> std::result::Result<Option<Concept>, String> {
    let Some((ids, names)) = line.split_once("||") else {
        return Err("expected `ID|ALT_ID...||Name|Synonym...`".into());
    };
    let ids: Vec<String> = split_values(ids, '|')
        .map(pipe_id)
        .collect::<std::result::Result<_, _>>()?;
    let Some(id) = ids.first() else {
        return Err("no disease id before `||`".into());
    };
    if id == ROOT {
        return Ok(None);
    }
    let mut names = split_values(names, '|');
    let Some(name) = names.next() else {
        return Err(format!("{id} has no name"));
    };
    let mut c = Concept::new(id.clone(), name, EntityType::Disease, "medic");
    for s in names {
        push_syn(&mut c, s, SynonymKind::Exact);
    }
    c.xrefs = ids[1..].to_vec();
    tidy(&mut c);
    Ok(Some(c))
}
