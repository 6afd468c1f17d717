//! Character 3-gram TF-IDF candidate generation over the lexicon's names.
//!
//! Every name of every entry of the selected types is a row: the normalised key (the same
//! `KeyBuilder` keys the tagger uses, so `tumours` and `tumor` already meet) padded with a
//! space at each end, cut into character trigrams, weighted `(1 + ln tf) · idf` and
//! L2-normalised. Queries are scored by cosine against every row that shares a trigram,
//! through an inverted index; the best row per entry ranks the entry. In indexes of 10,000
//! names or more, trigrams that occur in more than a fifth of all rows (`ion`, `ase`) carry
//! almost no information and are skipped at query time unless the query has nothing else.

use std::cell::RefCell;

use pubminer_lexicon::{EntityType, Lexicon, Tags};
use pubminer_text::normalize::KeyBuilder;
use rustc_hash::FxHashMap;

/// One scored entry.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scored {
    /// Lexicon entry index.
    pub entry: u32,
    /// The name (string reference into the lexicon) that scored best.
    pub name: u32,
    /// Cosine similarity in [0, 1].
    pub score: f32,
}

/// The inverted index.
pub struct TfidfIndex {
    /// Row → (entry, name string reference).
    rows: Vec<(u32, u32)>,
    /// Trigram → id.
    vocab: FxHashMap<u64, u32>,
    /// Per trigram id: idf, and its postings range in `post_rows` / `post_weights`.
    idf: Vec<f32>,
    offsets: Vec<u32>,
    post_rows: Vec<u32>,
    post_weights: Vec<f32>,
}

impl std::fmt::Debug for TfidfIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TfidfIndex")
            .field("rows", &self.rows.len())
            .field("trigrams", &self.vocab.len())
            .field("postings", &self.post_rows.len())
            .finish()
    }
}

thread_local! {
    static ACCUMULATOR: RefCell<(Vec<f32>, Vec<u32>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// Trigrams of a key (padded with one space each side), with counts, into `out`.
fn trigrams(key: &str, out: &mut FxHashMap<u64, u32>) {
    out.clear();
    let chars: Vec<char> = std::iter::once(' ')
        .chain(key.chars())
        .chain(std::iter::once(' '))
        .collect();
    for w in chars.windows(3) {
        let code = (u64::from(w[0]) << 42) | (u64::from(w[1]) << 21) | u64::from(w[2]);
        *out.entry(code).or_default() += 1;
    }
}

impl TfidfIndex {
    /// Indexes every name of the non-obsolete entries of `types` (`None`: all types).
    #[must_use]
    pub fn build(lexicon: &Lexicon, types: Option<&[EntityType]>) -> Self {
        let mut keys = KeyBuilder::new();
        let mut rows = Vec::new();
        let mut vocab: FxHashMap<u64, u32> = FxHashMap::default();
        // (trigram id, row, tf)
        let mut triples: Vec<(u32, u32, u16)> = Vec::new();
        let mut grams = FxHashMap::default();
        let mut seen_keys: FxHashMap<String, ()> = FxHashMap::default();
        for entry in lexicon.entries() {
            if types.is_some_and(|ts| !ts.contains(&entry.entity_type()))
                || entry.tags().contains(Tags::OBSOLETE)
            {
                continue;
            }
            seen_keys.clear();
            for (i, (name, _)) in entry.names().enumerate() {
                let key = keys.name_key(name);
                if key.is_empty() || seen_keys.insert(key.clone(), ()).is_some() {
                    continue;
                }
                let Some(name_ref) = lexicon.name_ref(entry.index(), i) else {
                    continue;
                };
                let row = rows.len() as u32;
                rows.push((entry.index(), name_ref));
                trigrams(&key, &mut grams);
                for (&g, &tf) in &grams {
                    let next = vocab.len() as u32;
                    let id = *vocab.entry(g).or_insert(next);
                    triples.push((id, row, tf.min(u32::from(u16::MAX)) as u16));
                }
            }
        }
        let n_rows = rows.len().max(1) as f32;
        let mut df = vec![0u32; vocab.len()];
        for &(id, _, _) in &triples {
            df[id as usize] += 1;
        }
        let idf: Vec<f32> = df
            .iter()
            .map(|&d| (n_rows / d.max(1) as f32).ln() + 1.0)
            .collect();
        let weight = |id: u32, tf: u16| (1.0 + f32::from(tf).ln()) * idf[id as usize];
        let mut norms = vec![0f32; rows.len()];
        for &(id, row, tf) in &triples {
            norms[row as usize] += weight(id, tf).powi(2);
        }
        for n in &mut norms {
            *n = n.sqrt().max(1e-12);
        }
        triples.sort_unstable_by_key(|&(id, row, _)| (id, row));
        let mut offsets = vec![0u32; vocab.len() + 1];
        let mut post_rows = Vec::with_capacity(triples.len());
        let mut post_weights = Vec::with_capacity(triples.len());
        for &(id, row, tf) in &triples {
            offsets[id as usize + 1] += 1;
            post_rows.push(row);
            post_weights.push(weight(id, tf) / norms[row as usize]);
        }
        for i in 1..offsets.len() {
            offsets[i] += offsets[i - 1];
        }
        Self {
            rows,
            vocab,
            idf,
            offsets,
            post_rows,
            post_weights,
        }
    }

    /// Number of indexed names.
    #[must_use]
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when nothing is indexed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The `k` best entries for a normalised key, best first.
    #[must_use]
    pub fn search_key(&self, key: &str, k: usize) -> Vec<Scored> {
        if key.is_empty() || self.rows.is_empty() || k == 0 {
            return Vec::new();
        }
        let mut grams = FxHashMap::default();
        trigrams(key, &mut grams);
        let mut query: Vec<(u32, f32)> = grams
            .iter()
            .filter_map(|(g, &tf)| {
                let id = *self.vocab.get(g)?;
                Some((id, (1.0 + (tf as f32).ln()) * self.idf[id as usize]))
            })
            .collect();
        if query.is_empty() {
            return Vec::new();
        }
        let norm = query
            .iter()
            .map(|q| q.1 * q.1)
            .sum::<f32>()
            .sqrt()
            .max(1e-12);
        // Skip trigrams found in more than a fifth of the rows, if the query has others (in
        // indexes large enough for that to mean "uninformative").
        let large = self.rows.len() >= 10_000;
        let common = |id: u32| {
            let (s, e) = (self.offsets[id as usize], self.offsets[id as usize + 1]);
            large && (e - s) as usize * 5 > self.rows.len()
        };
        if query.iter().any(|&(id, _)| !common(id)) {
            query.retain(|&(id, _)| !common(id));
        }
        ACCUMULATOR.with(|acc| {
            let mut acc = acc.borrow_mut();
            let (scores, touched) = &mut *acc;
            if scores.len() < self.rows.len() {
                scores.resize(self.rows.len(), 0.0);
            }
            touched.clear();
            for &(id, w) in &query {
                let (s, e) = (
                    self.offsets[id as usize] as usize,
                    self.offsets[id as usize + 1] as usize,
                );
                let qw = w / norm;
                for p in s..e {
                    let row = self.post_rows[p] as usize;
                    if scores[row] == 0.0 {
                        touched.push(row as u32);
                    }
                    scores[row] += qw * self.post_weights[p];
                }
            }
            // Best row per entry, then the k best entries.
            let mut best: FxHashMap<u32, Scored> = FxHashMap::default();
            for &row in touched.iter() {
                let score = scores[row as usize].min(1.0);
                scores[row as usize] = 0.0;
                let (entry, name) = self.rows[row as usize];
                let slot = best.entry(entry).or_insert(Scored {
                    entry,
                    name,
                    score: -1.0,
                });
                if score > slot.score {
                    slot.score = score;
                    slot.name = name;
                }
            }
            let mut out: Vec<Scored> = best.into_values().collect();
            let k = k.min(out.len());
            if k < out.len() {
                out.select_nth_unstable_by(k, |a, b| b.score.total_cmp(&a.score));
                out.truncate(k);
            }
            out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
            out
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pubminer_lexicon::{Concept, Synonym, SynonymKind};

    fn lexicon() -> Lexicon {
        let d = EntityType::Disease;
        let mut a = Concept::new("MESH:D1", "Lung Neoplasms", d, "mesh");
        a.synonyms
            .push(Synonym::new("lung cancer", SynonymKind::Exact));
        let b = Concept::new("MESH:D2", "Breast Neoplasms", d, "mesh");
        let c = Concept::new("MESH:D3", "Adenocarcinoma of Lung", d, "mesh");
        let g = Concept::new(
            "HGNC:1",
            "lung cancer associated gene",
            EntityType::Gene,
            "hgnc",
        );
        Lexicon::from_concepts(vec![a, b, c, g]).unwrap()
    }

    #[test]
    fn nearest_names_by_trigram_cosine() {
        let lex = lexicon();
        let index = TfidfIndex::build(&lex, Some(&[EntityType::Disease]));
        assert_eq!(index.len(), 4, "three entries, four distinct keys");
        let key = KeyBuilder::new().name_key("lung cancers");
        let hits = index.search_key(&key, 3);
        let first = lex.entry(hits[0].entry).unwrap();
        assert_eq!(first.id(), "MESH:D1");
        assert!(hits[0].score > 0.99, "{hits:?}");
        assert_eq!(lex.string(hits[0].name), "lung cancer");
        // Misspelt and re-ordered still ranks the right entry first.
        let hits = index.search_key(&KeyBuilder::new().name_key("adenocarcinoma lung"), 3);
        assert_eq!(lex.entry(hits[0].entry).unwrap().id(), "MESH:D3");
        assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
        // Genes are not indexed for a disease index.
        assert!(
            hits.iter()
                .all(|h| lex.entry(h.entry).unwrap().entity_type() == EntityType::Disease)
        );
        assert!(index.search_key("", 3).is_empty());
        assert!(index.search_key("zzzzqqq", 3).is_empty());
    }
}
