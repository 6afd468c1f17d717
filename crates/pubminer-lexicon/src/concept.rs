//! The concept model every vocabulary loader produces.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What kind of thing a concept is. Mentions are typed with the same names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityType {
    /// Genes and gene products (HGNC, FamPlex families and complexes).
    Gene,
    /// Diseases, including tumour types (MeSH C, MEDIC, DO, MONDO, OncoTree).
    Disease,
    /// Chemicals and drugs (MeSH D and supplementary records).
    Chemical,
    /// Anatomical sites (UBERON, MeSH A).
    Anatomy,
    /// Cell types (Cell Ontology).
    CellType,
    /// Organisms (MeSH B).
    Species,
    /// Cell lines.
    CellLine,
    /// Sequence variants.
    Variant,
}

impl EntityType {
    /// Every type, in a stable order.
    pub const ALL: [Self; 8] = [
        Self::Gene,
        Self::Disease,
        Self::Chemical,
        Self::Anatomy,
        Self::CellType,
        Self::Species,
        Self::CellLine,
        Self::Variant,
    ];

    /// The name used in files and on the command line (`Gene`, `Disease`...).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Gene => "Gene",
            Self::Disease => "Disease",
            Self::Chemical => "Chemical",
            Self::Anatomy => "Anatomy",
            Self::CellType => "CellType",
            Self::Species => "Species",
            Self::CellLine => "CellLine",
            Self::Variant => "Variant",
        }
    }

    /// Parses a name (case-insensitive), accepting the common corpus spellings.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name.to_ascii_lowercase().as_str() {
            "gene" | "protein" | "geneorgeneproduct" => Self::Gene,
            "disease" | "tumour" | "tumor" => Self::Disease,
            "chemical" | "drug" | "chemicalentity" => Self::Chemical,
            "anatomy" | "site" | "organ" | "tissue" => Self::Anatomy,
            "celltype" | "cell_type" | "cell" => Self::CellType,
            "species" | "organism" | "organismtaxon" => Self::Species,
            "cellline" | "cell_line" => Self::CellLine,
            "variant" | "mutation" | "sequencevariant" => Self::Variant,
            _ => return None,
        })
    }

    /// A small integer, stable across versions (stored in the artifact).
    #[must_use]
    pub fn code(self) -> u8 {
        match self {
            Self::Gene => 0,
            Self::Disease => 1,
            Self::Chemical => 2,
            Self::Anatomy => 3,
            Self::CellType => 4,
            Self::Species => 5,
            Self::CellLine => 6,
            Self::Variant => 7,
        }
    }

    /// Inverse of [`EntityType::code`].
    #[must_use]
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.get(code as usize).copied()
    }
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a synonym relates to its concept. Matching may treat kinds differently (a gene
/// `Symbol` is case-sensitive; a `Related` synonym scores lower).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SynonymKind {
    /// The preferred name (also stored as `Concept::name`).
    Preferred,
    /// An exact synonym (OBO `EXACT`, MeSH entry terms, MEDIC synonyms).
    Exact,
    /// An approved gene symbol.
    Symbol,
    /// A gene alias symbol.
    AliasSymbol,
    /// A previous gene symbol.
    PreviousSymbol,
    /// An abbreviation or acronym given by the vocabulary.
    Abbreviation,
    /// A related, broader or narrower synonym (OBO `RELATED`/`BROAD`/`NARROW`).
    Related,
    /// A name whose sense is confirmed by curation: the majority sense of the name in an
    /// annotated training corpus (`lexicon build --tune-on`), or a curated list such as the
    /// IHC marker lexicon. Ranked above every vocabulary kind when a name is ambiguous.
    Curated,
}

impl SynonymKind {
    /// A small integer stored in the artifact.
    #[must_use]
    pub fn code(self) -> u8 {
        match self {
            Self::Preferred => 0,
            Self::Exact => 1,
            Self::Symbol => 2,
            Self::AliasSymbol => 3,
            Self::PreviousSymbol => 4,
            Self::Abbreviation => 5,
            Self::Related => 6,
            Self::Curated => 7,
        }
    }

    /// Inverse of [`SynonymKind::code`].
    #[must_use]
    pub fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0 => Self::Preferred,
            1 => Self::Exact,
            2 => Self::Symbol,
            3 => Self::AliasSymbol,
            4 => Self::PreviousSymbol,
            5 => Self::Abbreviation,
            6 => Self::Related,
            7 => Self::Curated,
            _ => return None,
        })
    }

    /// Strength of the kind when one name has several (lower is stronger): curated first,
    /// then the preferred name, then the vocabulary's order.
    #[must_use]
    pub fn rank(self) -> u8 {
        match self {
            Self::Curated => 0,
            other => other.code() + 1,
        }
    }

    /// True for symbol-like kinds whose case carries meaning.
    #[must_use]
    pub fn is_symbol(self) -> bool {
        matches!(
            self,
            Self::Symbol | Self::AliasSymbol | Self::PreviousSymbol | Self::Abbreviation
        )
    }
}

/// One name of a concept.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Synonym {
    /// The name as the vocabulary writes it.
    pub text: String,
    /// How it relates to the concept.
    pub kind: SynonymKind,
}

impl Synonym {
    /// A synonym of the given kind.
    pub fn new(text: impl Into<String>, kind: SynonymKind) -> Self {
        Self {
            text: text.into(),
            kind,
        }
    }
}

/// Extra facts about a concept, as bit flags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Tags(pub u32);

impl Tags {
    /// A neoplasm / tumour type (MeSH C04, DO cancer slim, OncoTree).
    pub const NEOPLASM: Self = Self(1);
    /// A gene family or complex rather than one gene (FamPlex).
    pub const FAMILY: Self = Self(1 << 1);
    /// Obsolete or withdrawn in its source (kept so old ids still resolve, never matched).
    pub const OBSOLETE: Self = Self(1 << 2);

    /// True when every flag of `other` is set.
    #[must_use]
    pub fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// Sets the flags of `other`.
    pub fn insert(&mut self, other: Self) {
        self.0 |= other.0;
    }
}

impl std::ops::BitOr for Tags {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        Self(self.0 | rhs.0)
    }
}

/// A concept from a vocabulary.
///
/// Ids are prefixed CURIEs: `HGNC:11773`, `MESH:D009369`, `DOID:3910`, `NCIT:C3512`,
/// `UBERON:0002048`, `CL:0000236`, `MONDO:0005061`, `ONCOTREE:LUAD`, `OMIM:613097`,
/// `FPLX:Cytokeratin`, `UMLS:C0152013`. Cross-references use the same prefixes, so
/// equivalent concepts from different vocabularies can be merged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Concept {
    /// Prefixed id.
    pub id: String,
    /// Preferred name.
    pub name: String,
    /// Entity type.
    pub entity_type: EntityType,
    /// Other names (the preferred name need not be repeated here).
    pub synonyms: Vec<Synonym>,
    /// Prefixed ids of equivalent concepts in other vocabularies.
    pub xrefs: Vec<String>,
    /// Prefixed ids of parent concepts (is-a), in the same vocabulary.
    pub parents: Vec<String>,
    /// Extra facts.
    pub tags: Tags,
    /// The vocabulary it came from (`hgnc`, `mesh`, `medic`, `doid`, `oncotree`, `uberon`,
    /// `cl`, `mondo`, `famplex`, `umls`, or a user's name for a custom file).
    pub source: String,
}

impl Concept {
    /// A concept with no synonyms, xrefs or parents.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        entity_type: EntityType,
        source: impl Into<String>,
    ) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            entity_type,
            synonyms: Vec::new(),
            xrefs: Vec::new(),
            parents: Vec::new(),
            tags: Tags::default(),
            source: source.into(),
        }
    }

    /// Every name: the preferred one first, then the synonyms.
    pub fn names(&self) -> impl Iterator<Item = (&str, SynonymKind)> {
        std::iter::once((self.name.as_str(), SynonymKind::Preferred))
            .chain(self.synonyms.iter().map(|s| (s.text.as_str(), s.kind)))
    }

    /// The prefix of the id (`MESH` for `MESH:D009369`).
    #[must_use]
    pub fn prefix(&self) -> &str {
        self.id.split_once(':').map_or("", |(p, _)| p)
    }
}

/// Normalises the spelling of a CURIE prefix as found in source files
/// (`MSH`/`MeSH`/`mesh` → `MESH`, `NCI`/`NCIt` → `NCIT`, `UMLS_CUI` → `UMLS`, `DO:DOID:x` →
/// `DOID:x`...). Returns `None` for text that is not `PREFIX:LOCAL`.
#[must_use]
pub fn normalize_curie(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let raw = raw.strip_prefix("DO:").unwrap_or(raw);
    let (prefix, local) = raw.split_once(':')?;
    let local = local.trim();
    if local.is_empty() || prefix.is_empty() {
        return None;
    }
    let prefix = match prefix.trim().to_ascii_uppercase().as_str() {
        "MSH" | "MESH" => "MESH",
        "NCI" | "NCIT" | "NCI_THESAURUS" => "NCIT",
        "UMLS" | "UMLS_CUI" => "UMLS",
        "DOID" => "DOID",
        "OMIM" | "MIM" => "OMIM",
        "HGNC" => "HGNC",
        "UBERON" => "UBERON",
        "CL" => "CL",
        "MONDO" => "MONDO",
        "ONCOTREE" => "ONCOTREE",
        "FPLX" => "FPLX",
        "ORPHANET" | "ORDO" | "ORPHA" => "ORPHANET",
        "ICD10CM" | "ICD10" => "ICD10CM",
        "ICDO" | "ICD-O" => "ICDO",
        "SNOMEDCT_US_2023_09_01" | "SNOMEDCT" | "SNOMEDCT_US" | "SCTID" => "SNOMEDCT",
        "CHEBI" => "CHEBI",
        "NCBIGENE" | "ENTREZ" | "NCBI_GENE" | "EGID" => "NCBIGene",
        "UNIPROT" | "UP" => "UniProt",
        "GARD" => "GARD",
        "EFO" => "EFO",
        "HP" => "HP",
        "FMA" => "FMA",
        _ => return Some(format!("{}:{local}", prefix.trim())),
    };
    // MONDO, DOID, UBERON, CL, HGNC keep a bare local id (`DOID:3910`, not `DOID:DOID:3910`).
    let local = local.strip_prefix(&format!("{prefix}:")).unwrap_or(local);
    Some(format!("{prefix}:{local}"))
}

/// The lexicon ids a corpus identifier may stand for: `D003920` → `MESH:D003920`,
/// `7157` (a gene) → `NCBIGene:7157`, `9606` (a species) → `NCBITaxon:9606`,
/// `OMIM:123` as it is. Composite (`D1|D2`) and NIL (`-1`) identifiers give nothing.
#[must_use]
pub fn corpus_ids(identifier: &str, t: EntityType) -> Vec<String> {
    let identifier = identifier.trim();
    if identifier.is_empty() || identifier == "-1" || identifier.contains(['|', ',', ';', '+']) {
        return Vec::new();
    }
    // `4524(Tax:9606)`: a gene id with its species.
    let identifier = identifier.split('(').next().unwrap_or(identifier);
    if identifier.contains(':') {
        return normalize_curie(identifier).into_iter().collect();
    }
    let digits = identifier.bytes().all(|b| b.is_ascii_digit());
    let mesh_like = identifier.len() > 1
        && matches!(identifier.as_bytes()[0], b'D' | b'C')
        && identifier[1..].bytes().all(|b| b.is_ascii_digit());
    if mesh_like {
        vec![format!("MESH:{identifier}")]
    } else if digits {
        match t {
            EntityType::Gene => vec![format!("NCBIGene:{identifier}")],
            EntityType::Species => vec![format!("NCBITaxon:{identifier}")],
            EntityType::Disease => vec![format!("OMIM:{identifier}")],
            _ => Vec::new(),
        }
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curies_are_normalised() {
        assert_eq!(
            normalize_curie("MSH:D009369").as_deref(),
            Some("MESH:D009369")
        );
        assert_eq!(
            normalize_curie("DO:DOID:0060395").as_deref(),
            Some("DOID:0060395")
        );
        assert_eq!(normalize_curie("NCI:C3512").as_deref(), Some("NCIT:C3512"));
        assert_eq!(
            normalize_curie("UMLS_CUI:C0152013").as_deref(),
            Some("UMLS:C0152013")
        );
        assert_eq!(
            normalize_curie("HGNC:HGNC:11773").as_deref(),
            Some("HGNC:11773")
        );
        assert_eq!(normalize_curie("nothing"), None);
        assert_eq!(normalize_curie("X:"), None);
    }

    #[test]
    fn corpus_identifiers() {
        assert_eq!(corpus_ids("D003920", EntityType::Disease), ["MESH:D003920"]);
        assert_eq!(corpus_ids("7157", EntityType::Gene), ["NCBIGene:7157"]);
        assert_eq!(
            corpus_ids("4524(Tax:9606)", EntityType::Gene),
            ["NCBIGene:4524"]
        );
        assert_eq!(corpus_ids("9606", EntityType::Species), ["NCBITaxon:9606"]);
        assert_eq!(
            corpus_ids("OMIM:613097", EntityType::Disease),
            ["OMIM:613097"]
        );
        assert_eq!(
            corpus_ids("MESH:D003920", EntityType::Disease),
            ["MESH:D003920"]
        );
        assert!(corpus_ids("D1|D2", EntityType::Disease).is_empty());
        assert!(corpus_ids("-1", EntityType::Chemical).is_empty());
    }

    #[test]
    fn codes_round_trip() {
        for t in EntityType::ALL {
            assert_eq!(EntityType::from_code(t.code()), Some(t));
            assert_eq!(EntityType::from_name(t.name()), Some(t));
        }
        for c in 0..8 {
            assert_eq!(SynonymKind::from_code(c).unwrap().code(), c);
        }
    }
}
