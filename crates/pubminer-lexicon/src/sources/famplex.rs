//! FamPlex protein families and complexes, from its directory of CSV files (no headers):
//!
//! - `entities.csv`: one FamPlex name per line → a concept `FPLX:<name>` named `<name>`,
//!   [`EntityType::Gene`], [`Tags::FAMILY`], source `famplex`; a name that looks like a
//!   symbol (`AKT`, `PI3K`) is also an AliasSymbol synonym (case-sensitive);
//! - `equivalences.csv` (`namespace,id,fplx`): `BEL` names (`AKT Family`) are names, so they
//!   become Exact synonyms; every other namespace (`MESH`, `NCIT`, `GO`, `PF`, `IP`, `NXP`,
//!   `RE`, `SFAM`, `SCOMP`, `SIGNOR`, `MEDSCAN`, `HGNC_GROUP`, `ECCODE`...) holds ids, which
//!   become xrefs (`MESH:D009418`, `PF:PF00012`);
//! - `relations.csv` (`ns1,id1,isa|partof,ns2,id2`): `FPLX isa FPLX` gives parents; every
//!   other relation into a family (`HGNC,EIF4EBP1,isa,FPLX,EIF4EBP`, `partof`) is returned as
//!   a [`Member`];
//! - `grounding_map.csv` (`text,namespace,id,...`): texts grounded to a family become its
//!   synonyms (AliasSymbol when symbol-like, else Exact); texts grounded to an HGNC symbol are
//!   returned in [`Famplex::gene_groundings`] for merging into the HGNC concepts (see
//!   [`Famplex::hgnc_groundings`]); texts grounded elsewhere (UniProt, ChEBI...) are counted
//!   as skipped.
//!
//! Only `entities.csv` is required; the other files are read when present.

use std::collections::HashMap;
use std::path::Path;

use crate::concept::{Concept, EntityType, SynonymKind, Tags, normalize_curie};
use crate::error::{LexiconError, Result};

use super::{Loaded, open_text, push_syn, symbol_like, tidy};

/// How a member relates to its family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MemberRelation {
    /// The member is a kind of the family (a gene of a gene family).
    Isa,
    /// The member is a part of the complex.
    PartOf,
}

/// A member of a FamPlex family or complex, as `relations.csv` gives it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Member {
    /// The member's namespace as written (`HGNC`, `UP`, `FPLX`).
    pub namespace: String,
    /// The member's id in that namespace: an HGNC *symbol* (`EIF4EBP1`), a UniProt
    /// accession, or a FamPlex name.
    pub id: String,
    /// Is-a or part-of.
    pub relation: MemberRelation,
    /// The family or complex (`FPLX:EIF4EBP`).
    pub family: String,
}

/// What [`load`] reads from a FamPlex directory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Famplex {
    /// The family and complex concepts.
    pub loaded: Loaded,
    /// Members of families and complexes (family-to-family `isa` links are parents instead).
    pub members: Vec<Member>,
    /// `(text, HGNC symbol)` pairs from the grounding map: texts that FamPlex grounds to a
    /// single gene (`c-MET` → `MET`).
    pub gene_groundings: Vec<(String, String)>,
}

impl Famplex {
    /// [`Famplex::gene_groundings`] with the symbols resolved to HGNC ids through the HGNC
    /// concepts (`("c-MET", "HGNC:7029")`), for merging the texts into those concepts as
    /// synonyms. Symbols that are not an approved symbol in `hgnc` are left out.
    #[must_use]
    pub fn hgnc_groundings(&self, hgnc: &[Concept]) -> Vec<(String, String)> {
        let ids = symbol_index(hgnc);
        self.gene_groundings
            .iter()
            .filter_map(|(text, symbol)| {
                ids.get(symbol.as_str())
                    .map(|id| (text.clone(), (*id).to_owned()))
            })
            .collect()
    }

    /// The HGNC members with their symbols resolved (`("HGNC:3288", "FPLX:EIF4EBP")`).
    #[must_use]
    pub fn hgnc_members(&self, hgnc: &[Concept]) -> Vec<(String, String, MemberRelation)> {
        let ids = symbol_index(hgnc);
        self.members
            .iter()
            .filter(|m| m.namespace == "HGNC")
            .filter_map(|m| {
                ids.get(m.id.as_str())
                    .map(|id| ((*id).to_owned(), m.family.clone(), m.relation))
            })
            .collect()
    }
}

/// Approved symbol → HGNC id.
fn symbol_index(hgnc: &[Concept]) -> HashMap<&str, &str> {
    hgnc.iter()
        .filter(|c| c.prefix() == "HGNC")
        .map(|c| (c.name.as_str(), c.id.as_str()))
        .collect()
}

/// Reads a header-less CSV file, calling `row` with the 1-based line and the fields.
fn read_csv(
    path: &Path,
    mut row: impl FnMut(u64, &csv::StringRecord) -> std::result::Result<(), String>,
) -> Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(open_text(path)?);
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                let line = record.position().map_or(0, csv::Position::line);
                row(line, &record).map_err(|m| LexiconError::parse(path, line, m))?;
            }
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                return Err(LexiconError::parse(path, line, format!("CSV: {e}")));
            }
        }
    }
}

fn field(record: &csv::StringRecord, i: usize) -> &str {
    record.get(i).map_or("", str::trim)
}

/// Loads a FamPlex directory (`entities.csv` and, when present, `equivalences.csv`,
/// `relations.csv`, `grounding_map.csv`; each possibly gzipped under the same name).
///
/// # Errors
/// I/O errors (`entities.csv` missing included); parse errors with file and line for
/// malformed CSV, a relation or equivalence row with too few fields, or a row naming a
/// family that `entities.csv` does not list.
pub fn load(dir: &Path) -> Result<Famplex> {
    let mut fp = Famplex::default();
    let mut index: HashMap<String, usize> = HashMap::new();
    read_csv(&dir.join("entities.csv"), |_, r| {
        let name = field(r, 0);
        if name.is_empty() {
            return Ok(());
        }
        let mut c = Concept::new(format!("FPLX:{name}"), name, EntityType::Gene, "famplex");
        c.tags.insert(Tags::FAMILY);
        if symbol_like(name) && !name.contains('_') {
            push_syn(&mut c, name, SynonymKind::AliasSymbol);
        }
        index.insert(name.to_owned(), fp.loaded.concepts.len());
        fp.loaded.concepts.push(c);
        Ok(())
    })?;
    let concept_of = |index: &HashMap<String, usize>, name: &str| {
        index
            .get(name)
            .copied()
            .ok_or_else(|| format!("{name:?} is not in entities.csv"))
    };

    let path = dir.join("equivalences.csv");
    if path.exists() {
        let concepts = &mut fp.loaded.concepts;
        read_csv(&path, |_, r| {
            if r.len() < 3 {
                return Err(format!(
                    "expected namespace,id,fplx; found {} fields",
                    r.len()
                ));
            }
            let (ns, id, name) = (field(r, 0), field(r, 1), field(r, 2));
            let c = &mut concepts[concept_of(&index, name)?];
            if ns == "BEL" {
                push_syn(c, id, SynonymKind::Exact);
            } else if let Some(x) = equivalence_curie(ns, id) {
                c.xrefs.push(x);
            }
            Ok(())
        })?;
    }

    let path = dir.join("relations.csv");
    if path.exists() {
        let concepts = &mut fp.loaded.concepts;
        let members = &mut fp.members;
        let skipped = &mut fp.loaded.skipped;
        read_csv(&path, |_, r| {
            if r.len() < 5 {
                return Err(format!(
                    "expected ns1,id1,relation,ns2,id2; found {} fields",
                    r.len()
                ));
            }
            let (ns1, id1, rel, ns2, id2) = (
                field(r, 0),
                field(r, 1),
                field(r, 2),
                field(r, 3),
                field(r, 4),
            );
            if ns2 != "FPLX" {
                *skipped
                    .entry("relation not into a family".into())
                    .or_default() += 1;
                return Ok(());
            }
            concept_of(&index, id2)?;
            let relation = match rel {
                "isa" => MemberRelation::Isa,
                "partof" => MemberRelation::PartOf,
                other => return Err(format!("unknown relation {other:?}")),
            };
            if ns1 == "FPLX" && relation == MemberRelation::Isa {
                let child = concept_of(&index, id1)?;
                concepts[child].parents.push(format!("FPLX:{id2}"));
            } else {
                members.push(Member {
                    namespace: ns1.to_owned(),
                    id: id1.to_owned(),
                    relation,
                    family: format!("FPLX:{id2}"),
                });
            }
            Ok(())
        })?;
    }

    let path = dir.join("grounding_map.csv");
    if path.exists() {
        let concepts = &mut fp.loaded.concepts;
        let groundings = &mut fp.gene_groundings;
        let skipped = &mut fp.loaded.skipped;
        read_csv(&path, |_, r| {
            let (text, ns, id) = (field(r, 0), field(r, 1), field(r, 2));
            if text.is_empty() || id.is_empty() {
                *skipped.entry("ungrounded text".into()).or_default() += 1;
                return Ok(());
            }
            match ns {
                "FPLX" => {
                    let c = &mut concepts[concept_of(&index, id)?];
                    let kind = if symbol_like(text) {
                        SynonymKind::AliasSymbol
                    } else {
                        SynonymKind::Exact
                    };
                    push_syn(c, text, kind);
                }
                "HGNC" => groundings.push((text.to_owned(), id.to_owned())),
                _ => {
                    *skipped
                        .entry("grounding to another namespace".into())
                        .or_default() += 1;
                }
            }
            Ok(())
        })?;
    }
    for c in &mut fp.loaded.concepts {
        tidy(c);
    }
    Ok(fp)
}

/// An equivalence as a CURIE: `GO,GO:0000145` → `GO:0000145`, `MESH,D009418` →
/// `MESH:D009418`, `PF,PF00012` → `PF:PF00012`.
fn equivalence_curie(ns: &str, id: &str) -> Option<String> {
    if ns.is_empty() || id.is_empty() {
        return None;
    }
    let local = id
        .strip_prefix(ns)
        .and_then(|rest| rest.strip_prefix(':'))
        .unwrap_or(id);
    normalize_curie(&format!("{ns}:{local}"))
}
