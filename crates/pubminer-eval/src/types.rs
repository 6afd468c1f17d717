//! Mapping corpus entity-type names to pubminer's canonical types.
//!
//! Every corpus names its types differently (`GeneOrGeneProduct`, `GENE`,
//! `Gene_or_gene_product`; `SpecificDisease`, `DiseaseOrPhenotypicFeature`, `Cancer`...).
//! Evaluation compares mentions by *canonical* type, one of [`CANONICAL_TYPES`] (the names
//! of `pubminer_lexicon::EntityType`), so gold and predictions must both be mapped. The
//! mapping is an explicit table ([`DEFAULT_MAPPINGS`]), looked up case-insensitively, plus
//! user overrides (`Corpus=Ours`, as `pubminer eval ner --map` takes them). A name that is
//! in no table is *unmapped*: its mentions are left out of the scores and counted by name
//! in the report, never silently dropped.
//!
//! Some names are deliberately left unmapped ([`DEFAULT_UNMAPPED`]) because they are not
//! one of our types (gene families, domains, chromosome locations) or because corpora
//! disagree on what they mean: NLMgene's `Cell` mixes cancers, cell types and cell lines,
//! while BioNLP13CG's `Cell` is a cell type, so `Cell` needs `--map Cell=CellType` when
//! evaluating on BioNLP13CG. Untyped IOB tags (`B`/`I`) read as
//! [`pubminer_formats::IOB_UNTYPED`] (`Entity`) and likewise need `--map Entity=...`.

use std::collections::BTreeMap;
use std::fmt;

use pubminer_core::Document;
use serde::Serialize;

/// pubminer's canonical entity types, as `pubminer_lexicon::EntityType::name` spells them.
pub const CANONICAL_TYPES: [&str; 8] = [
    "Gene", "Disease", "Chemical", "Anatomy", "CellType", "Species", "CellLine", "Variant",
];

/// The default table: corpus type name → canonical type, with the corpus it comes from.
/// Names are matched case-insensitively, so `GENE` (BC2GM) matches `Gene`.
pub const DEFAULT_MAPPINGS: &[(&str, &str, &str)] = &[
    // pubminer's own names (identity); also BC5CDR (`Chemical`, `Disease`), the gene
    // corpora and BC2GM (`Gene`, `GENE`), SPECIES (`Species`), AnatEM (`Anatomy`),
    // tmVar3 and BioRED (`CellLine`), NCBI Disease CoNLL (`Disease`).
    (
        "Gene",
        "Gene",
        "pubminer, GNormPlus, NLMgene, tmVar3, BC2GM (GENE)",
    ),
    (
        "Disease",
        "Disease",
        "pubminer, BC5CDR, tmVar3, NCBI Disease CoNLL",
    ),
    ("Chemical", "Chemical", "pubminer, BC5CDR"),
    ("Anatomy", "Anatomy", "pubminer, AnatEM"),
    ("CellType", "CellType", "pubminer"),
    ("Species", "Species", "pubminer, SPECIES, tmVar3"),
    ("CellLine", "CellLine", "pubminer, BioRED, tmVar3"),
    ("Variant", "Variant", "pubminer"),
    ("Cell_type", "CellType", "JNLPBA-style spelling"),
    ("Cell_line", "CellLine", "JNLPBA-style spelling"),
    // NCBI Disease: all four mention classes are diseases.
    ("SpecificDisease", "Disease", "NCBI Disease"),
    ("DiseaseClass", "Disease", "NCBI Disease"),
    ("Modifier", "Disease", "NCBI Disease"),
    ("CompositeMention", "Disease", "NCBI Disease"),
    // BioRED.
    ("GeneOrGeneProduct", "Gene", "BioRED"),
    ("DiseaseOrPhenotypicFeature", "Disease", "BioRED"),
    ("ChemicalEntity", "Chemical", "BioRED"),
    ("OrganismTaxon", "Species", "BioRED"),
    ("SequenceVariant", "Variant", "BioRED"),
    // tmVar3 variant classes (and PubTator's generic `Mutation`).
    ("DNAMutation", "Variant", "tmVar3"),
    ("ProteinMutation", "Variant", "tmVar3"),
    ("SNP", "Variant", "tmVar3"),
    ("OtherMutation", "Variant", "tmVar3"),
    ("AcidChange", "Variant", "tmVar3"),
    ("DNAAllele", "Variant", "tmVar3"),
    ("ProteinAllele", "Variant", "tmVar3"),
    ("Mutation", "Variant", "PubTator"),
    // BioNLP 2013 Cancer Genetics (physical entities).
    ("Gene_or_gene_product", "Gene", "BioNLP13CG"),
    ("Simple_chemical", "Chemical", "BioNLP13CG"),
    ("Amino_acid", "Chemical", "BioNLP13CG"),
    ("Cancer", "Disease", "BioNLP13CG"),
    ("Organism", "Species", "BioNLP13CG"),
    ("Organ", "Anatomy", "BioNLP13CG"),
    ("Tissue", "Anatomy", "BioNLP13CG"),
    ("Multi-tissue_structure", "Anatomy", "BioNLP13CG"),
    ("Organism_subdivision", "Anatomy", "BioNLP13CG"),
    ("Anatomical_system", "Anatomy", "BioNLP13CG"),
    ("Developing_anatomical_structure", "Anatomy", "BioNLP13CG"),
    ("Immaterial_anatomical_entity", "Anatomy", "BioNLP13CG"),
    ("Organism_substance", "Anatomy", "BioNLP13CG"),
];

/// Names left unmapped by default, with why (shown in reports as a hint).
pub const DEFAULT_UNMAPPED: &[(&str, &str)] = &[
    (
        "FamilyName",
        "gene families are not genes (GNormPlus, NLMgene); --map FamilyName=Gene to count them",
    ),
    (
        "DomainMotif",
        "protein domains are not genes (GNormPlus, NLMgene)",
    ),
    (
        "ChromosomeLocation",
        "chromosome bands are not genes (NLMgene)",
    ),
    (
        "Cell",
        "NLMgene's Cell mixes cancers, cell types and cell lines; for BioNLP13CG use --map Cell=CellType",
    ),
    (
        "Cellular_component",
        "subcellular structures are not one of our types (BioNLP13CG)",
    ),
    (
        "Pathological_formation",
        "lesions and tumours are neither Disease nor Anatomy (BioNLP13CG); --map to choose",
    ),
    (
        "Entity",
        "untyped IOB tags (B/I); --map Entity=TYPE names the corpus's type",
    ),
];

fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The canonical spelling of a canonical type name given in any case.
#[must_use]
pub fn canonical_name(name: &str) -> Option<&'static str> {
    CANONICAL_TYPES
        .iter()
        .copied()
        .find(|c| c.eq_ignore_ascii_case(name.trim()))
}

/// A problem with a user override.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    /// Not of the form `Corpus=Ours`.
    #[error("type mapping {0:?} is not of the form Corpus=Ours (e.g. FamilyName=Gene)")]
    Syntax(String),
    /// The target is not a canonical type.
    #[error(
        "type mapping {corpus}={target}: {target:?} is not one of pubminer's types ({}) or `none`",
        CANONICAL_TYPES.join(", ")
    )]
    UnknownTarget {
        /// The corpus name.
        corpus: String,
        /// The target as given.
        target: String,
    },
}

/// One entry of a mapping: where a corpus name goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MappingEntry {
    /// The corpus name as first written (in the table or the override).
    pub corpus: String,
    /// The canonical type, or `None` when the name is deliberately excluded.
    pub canonical: Option<&'static str>,
    /// Where the entry comes from (the corpus for a default entry, `override` for a user's).
    pub source: String,
}

/// Corpus type names → canonical types: the default table plus user overrides.
/// Lookups are case-insensitive.
#[derive(Debug, Clone)]
pub struct TypeMapping {
    entries: BTreeMap<String, MappingEntry>,
}

impl Default for TypeMapping {
    fn default() -> Self {
        let mut entries = BTreeMap::new();
        for (corpus, canonical, source) in DEFAULT_MAPPINGS {
            entries.insert(
                key(corpus),
                MappingEntry {
                    corpus: (*corpus).to_owned(),
                    canonical: canonical_name(canonical),
                    source: (*source).to_owned(),
                },
            );
        }
        for (corpus, why) in DEFAULT_UNMAPPED {
            entries.insert(
                key(corpus),
                MappingEntry {
                    corpus: (*corpus).to_owned(),
                    canonical: None,
                    source: (*why).to_owned(),
                },
            );
        }
        Self { entries }
    }
}

impl TypeMapping {
    /// The default table ([`DEFAULT_MAPPINGS`], [`DEFAULT_UNMAPPED`]).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The default table with overrides applied in order (later ones win).
    ///
    /// # Errors
    /// The first override that is malformed or names an unknown target.
    pub fn with_overrides<S: AsRef<str>>(overrides: &[S]) -> Result<Self, MappingError> {
        let mut mapping = Self::default();
        for spec in overrides {
            mapping.parse_override(spec.as_ref())?;
        }
        Ok(mapping)
    }

    /// Maps `corpus` to `target`: a canonical type in any case, or `none` / `-` to leave
    /// the name unmapped (excluded from scores, still counted).
    ///
    /// # Errors
    /// When `target` is neither a canonical type nor `none`.
    pub fn set(&mut self, corpus: &str, target: &str) -> Result<(), MappingError> {
        let corpus = corpus.trim();
        let target = target.trim();
        if corpus.is_empty() {
            return Err(MappingError::Syntax(format!("{corpus}={target}")));
        }
        let canonical = if target.eq_ignore_ascii_case("none") || target == "-" {
            None
        } else {
            Some(
                canonical_name(target).ok_or_else(|| MappingError::UnknownTarget {
                    corpus: corpus.to_owned(),
                    target: target.to_owned(),
                })?,
            )
        };
        self.entries.insert(
            key(corpus),
            MappingEntry {
                corpus: corpus.to_owned(),
                canonical,
                source: "override".to_owned(),
            },
        );
        Ok(())
    }

    /// Applies an override written `Corpus=Ours` (e.g. `FamilyName=Gene`, `Cell=none`).
    ///
    /// # Errors
    /// When `spec` has no `=`, an empty side, or an unknown target.
    pub fn parse_override(&mut self, spec: &str) -> Result<(), MappingError> {
        let Some((corpus, target)) = spec.split_once('=') else {
            return Err(MappingError::Syntax(spec.to_owned()));
        };
        if corpus.trim().is_empty() || target.trim().is_empty() {
            return Err(MappingError::Syntax(spec.to_owned()));
        }
        self.set(corpus, target)
    }

    /// The canonical type of a corpus type name (case-insensitive), or `None` when the
    /// name is unmapped.
    #[must_use]
    pub fn canonical(&self, corpus_type: &str) -> Option<&'static str> {
        if let Some(entry) = self.entries.get(corpus_type) {
            return entry.canonical;
        }
        self.entries
            .get(&key(corpus_type))
            .and_then(|entry| entry.canonical)
    }

    /// Why a name is unmapped, when the table says (a deliberate exclusion or an override
    /// to `none`); `None` for names the table does not know.
    #[must_use]
    pub fn unmapped_reason(&self, corpus_type: &str) -> Option<&str> {
        self.entries
            .get(&key(corpus_type))
            .filter(|entry| entry.canonical.is_none())
            .map(|entry| entry.source.as_str())
    }

    /// Every entry, by lower-cased name.
    pub fn entries(&self) -> impl Iterator<Item = &MappingEntry> {
        self.entries.values()
    }

    /// The unmapped type names in `docs`, with how many mentions carry each (by the name
    /// as written in the documents).
    #[must_use]
    pub fn unmapped_in<'a>(
        &self,
        docs: impl IntoIterator<Item = &'a Document>,
    ) -> BTreeMap<String, u64> {
        let mut seen = BTreeMap::new();
        for doc in docs {
            for mention in &doc.mentions {
                if self.canonical(&mention.entity_type).is_none() {
                    *seen.entry(mention.entity_type.clone()).or_insert(0) += 1;
                }
            }
        }
        seen
    }
}

impl fmt::Display for TypeMapping {
    /// The table, one `corpus → canonical (source)` line per entry.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for entry in self.entries.values() {
            writeln!(
                f,
                "{:<32} {:<10} {}",
                entry.corpus,
                entry.canonical.unwrap_or("(unmapped)"),
                entry.source
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_cover_the_corpora() {
        let m = TypeMapping::default();
        for (corpus, want) in [
            ("Chemical", "Chemical"),
            ("Disease", "Disease"),
            ("SpecificDisease", "Disease"),
            ("DiseaseClass", "Disease"),
            ("Modifier", "Disease"),
            ("CompositeMention", "Disease"),
            ("GeneOrGeneProduct", "Gene"),
            ("DiseaseOrPhenotypicFeature", "Disease"),
            ("ChemicalEntity", "Chemical"),
            ("OrganismTaxon", "Species"),
            ("CellLine", "CellLine"),
            ("SequenceVariant", "Variant"),
            ("Gene", "Gene"),
            ("GENE", "Gene"),
            ("DNAMutation", "Variant"),
            ("ProteinMutation", "Variant"),
            ("SNP", "Variant"),
            ("Species", "Species"),
            ("Cancer", "Disease"),
            ("Gene_or_gene_product", "Gene"),
            ("Simple_chemical", "Chemical"),
            ("Organism", "Species"),
            ("Multi-tissue_structure", "Anatomy"),
            ("Anatomy", "Anatomy"),
            ("celltype", "CellType"),
            ("VARIANT", "Variant"),
        ] {
            assert_eq!(m.canonical(corpus), Some(want), "{corpus}");
        }
        for corpus in [
            "FamilyName",
            "DomainMotif",
            "Cell",
            "ChromosomeLocation",
            "Entity",
        ] {
            assert_eq!(m.canonical(corpus), None, "{corpus}");
            assert!(m.unmapped_reason(corpus).is_some(), "{corpus}");
        }
        assert_eq!(m.canonical("Unheard_of"), None);
        assert_eq!(m.unmapped_reason("Unheard_of"), None);
        for (_, target, _) in DEFAULT_MAPPINGS {
            assert!(canonical_name(target).is_some(), "{target}");
        }
    }

    #[test]
    fn overrides() {
        let m = TypeMapping::with_overrides(&[
            "FamilyName=gene",
            " Entity = Disease ",
            "Modifier=none",
        ])
        .unwrap();
        assert_eq!(m.canonical("familyname"), Some("Gene"));
        assert_eq!(m.canonical("Entity"), Some("Disease"));
        assert_eq!(m.canonical("Modifier"), None);
        assert_eq!(m.unmapped_reason("Modifier"), Some("override"));
        assert!(matches!(
            TypeMapping::with_overrides(&["Gene"]),
            Err(MappingError::Syntax(_))
        ));
        assert!(matches!(
            TypeMapping::with_overrides(&["=Gene"]),
            Err(MappingError::Syntax(_))
        ));
        let err = TypeMapping::with_overrides(&["Gene=Protein"]).unwrap_err();
        assert!(err.to_string().contains("CellType"), "{err}");
    }
}
