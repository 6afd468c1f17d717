//! The cellxgene ontology JSON (`cellxgene_UBERON-*.json`, `cellxgene_MONDO-*.json`,
//! `cellxgene_CL-*.json`): one object mapping each term id to
//! `{"label", "synonyms", "ancestors": {id: depth}, "deprecated", "description", ...}`.
//!
//! The label is the preferred name. The format gives synonyms no scope, so all are
//! [`SynonymKind::Exact`] (the label itself often reappears among them and is dropped).
//! Parents are the ancestors at depth 1 (the `ancestors` map is the transitive closure);
//! `deprecated: true` → [`Tags::OBSOLETE`]. A term is [`Tags::NEOPLASM`] when it is one of
//! [`CellxgeneOptions::neoplasm_roots`] or has one among its ancestors. The file is parsed
//! entry by entry (never into a generic JSON tree), so concepts come out in file order.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::{DeserializeSeed, MapAccess, Visitor};

use crate::concept::{Concept, EntityType, SynonymKind, Tags, normalize_curie};
use crate::error::{LexiconError, Result};

use super::{Loaded, push_syn, read_all, tidy};

/// How to read one cellxgene ontology file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellxgeneOptions {
    /// The `source` written on every concept (`uberon`, `mondo`, `cl`).
    pub source: String,
    /// The entity type of every concept.
    pub entity_type: EntityType,
    /// Keep only ids with one of these prefixes; empty keeps all. Parents are filtered alike.
    pub id_prefixes: Vec<String>,
    /// Terms that are neoplasms together with all their descendants.
    pub neoplasm_roots: Vec<String>,
    /// Keep only these terms and their descendants (empty keeps all). MONDO's export also
    /// holds "disease characteristic" terms such as `rare`, `not rare` (synonym `common`)
    /// and `complete`, which are not diseases and must never be matched as one.
    pub roots: Vec<String>,
}

impl CellxgeneOptions {
    /// Options with no id filter and no neoplasm tagging.
    pub fn new(source: impl Into<String>, entity_type: EntityType) -> Self {
        Self {
            source: source.into(),
            entity_type,
            id_prefixes: Vec::new(),
            neoplasm_roots: Vec::new(),
            roots: Vec::new(),
        }
    }

    /// UBERON: source `uberon`, Anatomy, only `UBERON:` ids.
    #[must_use]
    pub fn uberon() -> Self {
        Self {
            id_prefixes: vec!["UBERON".into()],
            ..Self::new("uberon", EntityType::Anatomy)
        }
    }

    /// MONDO: source `mondo`, Disease, only `MONDO:` ids under MONDO:0000001 "disease" or
    /// MONDO:0021178 "injury", neoplasms at and below MONDO:0005070 "neoplasm".
    #[must_use]
    pub fn mondo() -> Self {
        Self {
            id_prefixes: vec!["MONDO".into()],
            neoplasm_roots: vec!["MONDO:0005070".into()],
            roots: vec!["MONDO:0000001".into(), "MONDO:0021178".into()],
            ..Self::new("mondo", EntityType::Disease)
        }
    }

    /// The Cell Ontology: source `cl`, CellType, only `CL:` ids.
    #[must_use]
    pub fn cell_ontology() -> Self {
        Self {
            id_prefixes: vec!["CL".into()],
            ..Self::new("cl", EntityType::CellType)
        }
    }

    fn keeps(&self, id: &str) -> bool {
        self.id_prefixes.is_empty()
            || id
                .split_once(':')
                .is_some_and(|(p, _)| self.id_prefixes.iter().any(|x| x == p))
    }
}

#[derive(Deserialize)]
struct Entry {
    label: String,
    #[serde(default)]
    synonyms: Vec<String>,
    #[serde(default)]
    ancestors: BTreeMap<String, u32>,
    #[serde(default)]
    deprecated: bool,
}

/// Loads a cellxgene ontology JSON file (possibly gzipped).
///
/// # Errors
/// I/O errors; a parse error with the line of the JSON error when the file is not an object
/// of term objects (each with at least a string `label`). Ids with other prefixes than
/// [`CellxgeneOptions::id_prefixes`] are skipped and counted.
pub fn load(path: &Path, options: &CellxgeneOptions) -> Result<Loaded> {
    let bytes = read_all(path)?;
    let mut out = Loaded::default();
    let mut de = serde_json::Deserializer::from_slice(&bytes);
    let result = Terms {
        options,
        out: &mut out,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end());
    if let Err(e) = result {
        return Err(LexiconError::parse(
            path,
            e.line() as u64,
            format!("cellxgene ontology JSON: {e}"),
        ));
    }
    Ok(out)
}

struct Terms<'a> {
    options: &'a CellxgeneOptions,
    out: &'a mut Loaded,
}

impl<'de> DeserializeSeed<'de> for Terms<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Terms<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object mapping term ids to term objects")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        while let Some(raw_id) = map.next_key::<String>()? {
            let entry: Entry = map.next_value()?;
            let Some(id) = normalize_curie(&raw_id) else {
                self.out.skip("id is not a CURIE");
                continue;
            };
            if !self.options.keeps(&id) {
                self.out.skip("id prefix not kept");
                continue;
            }
            let roots = &self.options.roots;
            // Deprecated terms are kept whatever their place, so old ids still resolve.
            if !roots.is_empty()
                && !entry.deprecated
                && !roots
                    .iter()
                    .any(|r| *r == id || entry.ancestors.contains_key(r))
            {
                self.out.skip("not under a kept root");
                continue;
            }
            let mut c = Concept::new(
                id,
                entry.label,
                self.options.entity_type,
                self.options.source.clone(),
            );
            for s in &entry.synonyms {
                push_syn(&mut c, s, SynonymKind::Exact);
            }
            let neoplasm = self
                .options
                .neoplasm_roots
                .iter()
                .any(|r| *r == c.id || entry.ancestors.contains_key(r));
            c.parents = entry
                .ancestors
                .iter()
                .filter(|&(p, &depth)| depth == 1 && self.options.keeps(p))
                .filter_map(|(p, _)| normalize_curie(p))
                .collect();
            if entry.deprecated {
                c.tags.insert(Tags::OBSOLETE);
            }
            if neoplasm {
                c.tags.insert(Tags::NEOPLASM);
            }
            tidy(&mut c);
            self.out.concepts.push(c);
        }
        Ok(())
    }
}
