//! Tuning the dictionary on an annotated training corpus.
//!
//! Vocabularies miss the names annotators mark (`toxicity`, `hypertensive`, `L-dopa`) and
//! hold names annotators never mark (`placebo`, `disease`, `protein`). Given gold documents
//! of a training split:
//!
//! - [`learn_names`]: every gold mention whose id resolves to a lexicon entry of a
//!   compatible type becomes a name of that entry (a [`Concept`] with the entry's id, which
//!   the lexicon build merges into the entry); a composite id (`D006470|D003556`) that is a
//!   name's majority sense makes it a curated name of each part;
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
    // sense (the entry ids, several for a composite such as `D006470|D003556`), type →
    // mention text → count
    let mut names: HashMap<(Vec<String>, EntityType), HashMap<String, u32>> = HashMap::new();
    let unresolved = |reason: &str, tuning: &mut Tuning| {
        *tuning.unresolved.entry(reason.to_owned()).or_default() += 1;
    };
    let resolve = |identifier: &str, t: EntityType| {
        let ids = corpus_ids(identifier, t);
        ids.iter().find_map(|id| {
            lexicon
                .find_id(id)
                .filter(|e| e.entity_type() == t || compatible(e.entity_type(), t))
                .map(|e| (e.id().to_owned(), e.entity_type()))
        })
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
            let parts: Vec<&str> = identifier
                .split(['|', '+'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            if parts.is_empty() || parts.iter().any(|p| corpus_ids(p, t).is_empty()) {
                unresolved("NIL or unknown identifier shape", &mut tuning);
                continue;
            }
            let resolved: Option<Vec<(String, EntityType)>> =
                parts.iter().map(|p| resolve(p, t)).collect();
            let Some(mut resolved) = resolved else {
                unresolved("id not in the lexicon", &mut tuning);
                continue;
            };
            resolved.sort();
            resolved.dedup();
            let entry_type = resolved[0].1;
            if resolved.iter().any(|r| r.1 != entry_type) {
                unresolved("composite of several types", &mut tuning);
                continue;
            }
            let sense: Vec<String> = resolved.into_iter().map(|r| r.0).collect();
            *names
                .entry((sense, entry_type))
                .or_default()
                .entry(m.text.clone())
                .or_default() += 1;
        }
    }
    // A name is curated for the sense annotators gave it most often (`hepatitis` is drug-
    // induced liver injury in BC5CDR far more often than viral hepatitis), ties going to the
    // first sense in id order, so that each name has one curated sense; other single senses
    // get the name as a plain synonym. A composite sense curates the name for each of its
    // entries (the linker reads a name curated for several entries as that composite); a
    // composite that is not the majority adds nothing.
    let mut keys = pubminer_text::normalize::KeyBuilder::new();
    let mut by_key: HashMap<(String, EntityType), HashMap<&[String], u32>> = HashMap::new();
    for ((sense, t), texts) in &names {
        for (text, n) in texts {
            *by_key
                .entry((keys.name_key(text), *t))
                .or_default()
                .entry(sense.as_slice())
                .or_default() += n;
        }
    }
    let majority: HashMap<(String, EntityType), &[String]> = by_key
        .into_iter()
        .filter_map(|(key, senses)| {
            let best = senses
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))?;
            Some((key, best.0))
        })
        .collect();
    // entry id, type → (text, kind)
    let mut per_entry: BTreeMap<(String, EntityType), BTreeMap<String, SynonymKind>> =
        BTreeMap::new();
    for ((sense, t), texts) in &names {
        for text in texts.keys() {
            let curated = majority
                .get(&(keys.name_key(text), *t))
                .is_some_and(|m| *m == sense.as_slice());
            if sense.len() > 1 && !curated {
                continue;
            }
            let kind = if curated {
                SynonymKind::Curated
            } else {
                SynonymKind::Exact
            };
            for id in sense {
                let slot = per_entry
                    .entry((id.clone(), *t))
                    .or_default()
                    .entry(text.clone())
                    .or_insert(kind);
                if kind == SynonymKind::Curated {
                    *slot = kind;
                }
            }
        }
    }
    for ((id, t), texts) in per_entry {
        let first = texts.keys().next().cloned().unwrap_or_default();
        let mut c = Concept::new(id, first, t, "corpus");
        for (text, kind) in texts {
            c.synonyms.push(pubminer_lexicon::Synonym::new(text, kind));
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

#[cfg(test)]
mod tests {
    use super::*;
    use pubminer_core::Mention;
    use pubminer_lexicon::Lexicon;

    fn lexicon() -> Lexicon {
        let d = EntityType::Disease;
        let concepts = [
            ("MESH:D006470", "Hemorrhage"),
            ("MESH:D003556", "Cystitis"),
            ("MESH:D006505", "Hepatitis"),
            ("MESH:D056486", "Chemical and Drug Induced Liver Injury"),
            ("MESH:D007674", "Kidney Diseases"),
        ]
        .into_iter()
        .map(|(id, name)| Concept::new(id, name, d, "mesh"))
        .collect();
        Lexicon::from_concepts(concepts).unwrap()
    }

    fn document(mentions: &[(&str, &str)]) -> Document {
        let mut doc = Document::new("1");
        for (text, id) in mentions {
            doc.mentions.push(Mention {
                text: (*text).to_owned(),
                entity_type: "Disease".to_owned(),
                identifier: Some((*id).to_owned()),
                ..Mention::default()
            });
        }
        doc
    }

    /// (entry id, name, kind) of every learned name, sorted.
    fn learned(mentions: &[(&str, &str)]) -> Vec<(String, String, SynonymKind)> {
        let tuning = learn_names(&lexicon(), &[document(mentions)], &|t| {
            (t == "Disease").then_some(EntityType::Disease)
        });
        let mut out: Vec<_> = tuning
            .names
            .iter()
            .flat_map(|c| {
                c.synonyms
                    .iter()
                    .map(|s| (c.id.clone(), s.text.clone(), s.kind))
            })
            .collect();
        out.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        out
    }

    fn name(id: &str, text: &str, kind: SynonymKind) -> (String, String, SynonymKind) {
        (id.to_owned(), text.to_owned(), kind)
    }

    #[test]
    fn a_majority_composite_curates_each_part() {
        let got = learned(&[
            ("hemorrhagic cystitis", "D006470|D003556"),
            ("hemorrhagic cystitis", "D003556+D006470"),
            ("hemorrhagic cystitis", "D003556"),
        ]);
        assert_eq!(
            got,
            [
                name("MESH:D003556", "hemorrhagic cystitis", SynonymKind::Curated),
                name("MESH:D006470", "hemorrhagic cystitis", SynonymKind::Curated),
            ]
        );
    }

    #[test]
    fn one_curated_sense_per_name_and_minority_composites_add_nothing() {
        let got = learned(&[
            // A tie: the first sense in id order is curated, the other is a plain synonym.
            ("hepatitis", "D056486"),
            ("hepatitis", "D006505"),
            // The composite is the minority sense: Hemorrhage learns nothing.
            ("nephropathy", "D007674"),
            ("nephropathy", "D007674"),
            ("nephropathy", "D007674|D006470"),
            // Unknown parts make the whole composite unresolved.
            ("renal bleeding", "D007674|D999999"),
        ]);
        assert_eq!(
            got,
            [
                name("MESH:D006505", "hepatitis", SynonymKind::Curated),
                name("MESH:D007674", "nephropathy", SynonymKind::Curated),
                name("MESH:D056486", "hepatitis", SynonymKind::Exact),
            ]
        );
    }
}
