//! Tuning the dictionary on an annotated training corpus.
//!
//! Vocabularies miss the names annotators mark (`toxicity`, `hypertensive`, `L-dopa`) and
//! hold names annotators never mark (`placebo`, `disease`, `protein`). Given gold documents
//! of a training split:
//!
//! - [`learn_names`]: every gold mention whose id resolves to a lexicon entry of a
//!   compatible type becomes a name of that entry (a [`Concept`] with the entry's id, which
//!   the lexicon build merges into the entry);
//! - [`learn_stops`]: every surface the tagger produces at least `min_predicted` times on
//!   the corpus but that gold confirms (same span, same type) less than `max_precision` of
//!   the time becomes a `surface<TAB>type` rule, so it is no longer tagged.
//!
//! The build runs [`learn_names`] on the base lexicon, rebuilds with the names, runs
//! [`learn_stops`] with the enriched lexicon (so learned names are judged too), and writes
//! the final artifact with both.
//!
//! This is what learned taggers do with a training split, kept explainable: both lists are
//! plain text inside the artifact (`pubminer lexicon info` shows their size). Only train
//! splits may be used; figures on dev then measure what generalises.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use pubminer_core::Document;
use pubminer_lexicon::{Concept, EntityType, SynonymKind, corpus_ids};

use crate::tagger::DictionaryTagger;

/// Tuning thresholds.
#[derive(Clone, Copy, Debug)]
pub struct TuneOptions {
    /// A surface must be predicted at least this often to be judged.
    pub min_predicted: u32,
    /// Surfaces whose share of gold-confirmed predictions is below this are stopped.
    pub max_precision: f32,
}

impl Default for TuneOptions {
    fn default() -> Self {
        Self {
            min_predicted: 2,
            max_precision: 0.3,
        }
    }
}

/// Names learned from a corpus.
#[derive(Clone, Debug, Default)]
pub struct Tuning {
    /// Names to add, as concepts carrying the id of the entry they belong to.
    pub names: Vec<Concept>,
    /// Gold mentions whose id did not resolve to an entry (by reason).
    pub unresolved: BTreeMap<String, u64>,
}

/// Learns names from gold `documents`: every mention whose identifier resolves to an entry
/// of `lexicon` with a compatible type becomes a name of that entry. `type_of` maps a corpus
/// type name (`SpecificDisease`, `GeneOrGeneProduct`...) to an entity type, or `None` to
/// ignore mentions of that type.
#[must_use]
pub fn learn_names(
    lexicon: &pubminer_lexicon::Lexicon,
    documents: &[Document],
    type_of: &dyn Fn(&str) -> Option<EntityType>,
) -> Tuning {
    let mut tuning = Tuning::default();
    // (entry id, type) → mention text → count
    let mut names: HashMap<(String, EntityType), HashMap<String, u32>> = HashMap::new();
    let unresolved = |reason: &str, tuning: &mut Tuning| {
        *tuning.unresolved.entry(reason.to_owned()).or_default() += 1;
    };
    for doc in documents {
        for m in &doc.mentions {
            let Some(t) = type_of(&m.entity_type) else {
                continue;
            };
            let identifier = m
                .identifier
                .clone()
                .or_else(|| (m.links.len() == 1).then(|| m.links[0].id.clone()));
            let Some(identifier) = identifier else {
                unresolved("no identifier", &mut tuning);
                continue;
            };
            let ids = corpus_ids(&identifier, t);
            if ids.is_empty() {
                unresolved("composite, NIL or unknown identifier shape", &mut tuning);
                continue;
            }
            let entry = ids.iter().find_map(|id| {
                lexicon
                    .find_id(id)
                    .filter(|e| e.entity_type() == t || compatible(e.entity_type(), t))
            });
            match entry {
                Some(e) => {
                    *names
                        .entry((e.id().to_owned(), e.entity_type()))
                        .or_default()
                        .entry(m.text.clone())
                        .or_default() += 1;
                }
                None => unresolved("id not in the lexicon", &mut tuning),
            }
        }
    }
    // A name is curated for the entry annotators gave it most often (`hepatitis` is drug-
    // induced liver injury in BC5CDR far more often than viral hepatitis); other senses get
    // the name as a plain synonym.
    let mut keys = pubminer_text::normalize::KeyBuilder::new();
    let mut by_key: HashMap<(String, EntityType), HashMap<String, u32>> = HashMap::new();
    for ((id, t), texts) in &names {
        for (text, n) in texts {
            *by_key
                .entry((keys.name_key(text), *t))
                .or_default()
                .entry(id.clone())
                .or_default() += n;
        }
    }
    let mut sorted: Vec<_> = names.into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    for ((id, t), texts) in sorted {
        let mut texts: Vec<String> = texts.into_keys().collect();
        texts.sort();
        let mut c = Concept::new(id.clone(), texts[0].clone(), t, "corpus");
        for text in &texts {
            let majority = by_key.get(&(keys.name_key(text), t)).is_some_and(|senses| {
                let best = senses.values().copied().max().unwrap_or(0);
                senses.get(&id).copied().unwrap_or(0) == best
            });
            let kind = if majority {
                SynonymKind::Curated
            } else {
                SynonymKind::Exact
            };
            c.synonyms
                .push(pubminer_lexicon::Synonym::new(text.clone(), kind));
        }
        tuning.names.push(c);
    }
    tuning
}

/// Learns stop rules: runs `tagger` over gold `documents` and stops every surface predicted
/// at least `min_predicted` times that gold confirms (same span and type) less than
/// `max_precision` of the time. Returns the rules in the stop-list format and their count.
#[must_use]
pub fn learn_stops(
    tagger: &DictionaryTagger,
    documents: &[Document],
    type_of: &dyn Fn(&str) -> Option<EntityType>,
    options: TuneOptions,
) -> (String, u64) {
    // Only types the corpus annotates can be judged: a disease corpus says nothing about
    // genes, and must not stop every gene name.
    let annotated: HashSet<EntityType> = documents
        .iter()
        .flat_map(|d| d.mentions.iter().filter_map(|m| type_of(&m.entity_type)))
        .collect();
    // (lower-cased surface, type) → (predicted, confirmed by gold)
    let mut judged: HashMap<(String, EntityType), (u32, u32)> = HashMap::new();
    for doc in documents {
        let gold: HashSet<(u32, u32, u32, EntityType)> = doc
            .mentions
            .iter()
            .filter_map(|m| {
                let t = type_of(&m.entity_type)?;
                Some((m.passage, m.range.start(), m.range.end(), t))
            })
            .collect();
        let mut predicted = doc.clone();
        predicted.mentions.clear();
        predicted.abbreviations.clear();
        tagger.tag(&mut predicted);
        for m in &predicted.mentions {
            let Some(t) = EntityType::from_name(&m.entity_type).filter(|t| annotated.contains(t))
            else {
                continue;
            };
            let counts = judged.entry((m.text.to_lowercase(), t)).or_default();
            counts.0 += 1;
            if gold.contains(&(m.passage, m.range.start(), m.range.end(), t)) {
                counts.1 += 1;
            }
        }
    }
    let mut rules: Vec<_> = judged
        .into_iter()
        .filter(|(_, (predicted, confirmed))| {
            *predicted >= options.min_predicted
                && (*confirmed as f32) < options.max_precision * (*predicted as f32)
        })
        .collect();
    rules.sort_by(|a, b| a.0.cmp(&b.0));
    let mut text = format!(
        "# learned by `pubminer lexicon build --tune-on`: predicted >= {} times, confirmed < {:.0}%\n",
        options.min_predicted,
        options.max_precision * 100.0
    );
    let mut n = 0;
    for ((surface, t), (predicted, confirmed)) in &rules {
        if surface.contains(['\t', '\n', '#']) {
            continue;
        }
        let _ = writeln!(
            text,
            "{surface}\t{}\talways\t# {confirmed}/{predicted}",
            t.name()
        );
        n += 1;
    }
    (text, n)
}

/// Types a corpus may legitimately use for an entry of another type (MeSH types a few
/// chemicals' parents as anatomy, corpora call cell types "cells").
fn compatible(entry: EntityType, gold: EntityType) -> bool {
    matches!(
        (entry, gold),
        (EntityType::CellType, EntityType::Anatomy) | (EntityType::CellLine, EntityType::CellType)
    )
}
