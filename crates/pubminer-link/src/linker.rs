//! The cascade.

use std::collections::HashMap;
use std::sync::Arc;

use pubminer_core::{Document, Link};
use pubminer_lexicon::{EntityType, Lexicon, SynonymKind, Tags};
use pubminer_text::normalize::KeyBuilder;

use crate::dense::{DenseIndex, Embedder};
use crate::tfidf::{Scored, TfidfIndex};
use crate::variant::VariantIndex;

/// Scores (mention, candidate name) pairs; implemented by `pubminer-ml`'s cross-encoder.
pub trait Reranker: Send + Sync {
    /// One score in [0, 1] per pair.
    ///
    /// # Errors
    /// A description of the model failure.
    fn score(&self, pairs: &[(&str, &str)]) -> Result<Vec<f32>, String>;
}

/// Which stage made a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// Exact normalised name (or abbreviation long form).
    Exact,
    /// Every part of a coordination linked exactly, or a name curated for several concepts.
    Composite,
    /// A rewrite of the mention equals a name (`variant` module).
    Variant,
    /// Character 3-gram TF-IDF.
    Tfidf,
    /// Bi-encoder nearest name.
    Dense,
    /// Cross-encoder rerank.
    Rerank,
}

impl Stage {
    /// The origin written on links.
    #[must_use]
    pub fn origin(self) -> &'static str {
        match self {
            Self::Exact => "link.exact/v1",
            Self::Composite => "link.composite/v1",
            Self::Variant => "link.variant/v1",
            Self::Tfidf => "link.tfidf/v1",
            Self::Dense => "link.dense/v1",
            Self::Rerank => "link.rerank/v1",
        }
    }
}

/// Thresholds and sizes.
#[derive(Clone, Debug)]
pub struct LinkerConfig {
    /// Candidates kept per mention.
    pub top_k: usize,
    /// TF-IDF cosine below which a mention is NIL (unless a later stage links it).
    pub tfidf_threshold: f32,
    /// Bi-encoder cosine below which a mention is NIL.
    pub dense_threshold: f32,
    /// Cross-encoder score below which a mention is NIL.
    pub rerank_threshold: f32,
    /// Query the abbreviation long form too.
    pub use_long_form: bool,
    /// Link only to concepts with an id (canonical or xref) in these namespaces, e.g.
    /// `MESH` for a MeSH-coded corpus (`None`: any).
    pub namespaces: Option<Vec<String>>,
    /// Types that get the word-variant stage (its rules are disease morphology).
    pub variant_types: Vec<EntityType>,
    /// Per type, the weight `w` of the training prior: TF-IDF and variant candidates rank by
    /// score + `w` · ln(1 + the entry's curated names). A lexicon tuned on a corpus curates
    /// every name annotators gave a concept, so concepts the corpus names in many ways are
    /// preferred among near-equal candidates (`liver tumours`: Liver Neoplasms before
    /// Neoplasms). Off for chemicals: measured harmful there (BC5CDR train → dev, see
    /// docs/RESULTS.md).
    pub prior_weights: Vec<(EntityType, f32)>,
}

impl Default for LinkerConfig {
    fn default() -> Self {
        Self {
            top_k: 5,
            tfidf_threshold: 0.5,
            dense_threshold: 0.75,
            rerank_threshold: 0.5,
            use_long_form: true,
            namespaces: None,
            variant_types: vec![EntityType::Disease],
            prior_weights: vec![(EntityType::Disease, 0.03)],
        }
    }
}

/// The result of linking one mention.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Linked {
    /// The concepts (one, or one per part of a composite).
    pub links: Vec<Link>,
    /// Ranked candidates with scores (including the chosen one), best first.
    pub candidates: Vec<Link>,
    /// No candidate passed its stage's threshold.
    pub nil: bool,
}

/// A candidate entry with its score and stage.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    entry: u32,
    score: f32,
    stage: Stage,
    name: u32,
    /// Matched through a curated name (exact stage).
    curated: bool,
}

/// Links mention texts to lexicon entries through the cascade.
pub struct Linker {
    lexicon: Arc<Lexicon>,
    config: LinkerConfig,
    tfidf: HashMap<EntityType, TfidfIndex>,
    variants: HashMap<EntityType, VariantIndex>,
    /// Per entry, the training prior (`LinkerConfig::prior_weights`; empty when none).
    prior: Vec<f32>,
    dense: Option<(Arc<dyn Embedder>, HashMap<EntityType, DenseIndex>)>,
    reranker: Option<Arc<dyn Reranker>>,
    /// Per type, id prefixes in order of preference (the lexicon's merge order).
    priorities: HashMap<EntityType, Vec<String>>,
}

impl std::fmt::Debug for Linker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Linker")
            .field("config", &self.config)
            .field("tfidf", &self.tfidf.keys().collect::<Vec<_>>())
            .field("variants", &self.variants.keys().collect::<Vec<_>>())
            .field("dense", &self.dense.is_some())
            .field("reranker", &self.reranker.is_some())
            .finish_non_exhaustive()
    }
}

fn kind_score(kind: SynonymKind) -> f32 {
    match kind {
        SynonymKind::Curated => 1.05,
        SynonymKind::Preferred | SynonymKind::Symbol => 1.0,
        SynonymKind::Exact => 0.99,
        SynonymKind::Abbreviation => 0.97,
        SynonymKind::AliasSymbol => 0.95,
        SynonymKind::PreviousSymbol => 0.9,
        SynonymKind::Related => 0.85,
    }
}

impl Linker {
    /// A linker over `lexicon` with TF-IDF indexes for `types` and variant indexes for those
    /// of them in `config.variant_types` (built here, in parallel; about a second for the
    /// default lexicon's chemicals and diseases on two cores).
    #[must_use]
    pub fn new(lexicon: Arc<Lexicon>, types: &[EntityType], config: LinkerConfig) -> Self {
        use rayon::prelude::*;
        let (tfidf, variants) = rayon::join(
            || {
                types
                    .par_iter()
                    .map(|&t| (t, TfidfIndex::build(&lexicon, Some(&[t]))))
                    .collect()
            },
            || {
                types
                    .par_iter()
                    .filter(|t| config.variant_types.contains(t))
                    .map(|&t| (t, VariantIndex::build(&lexicon, &[t])))
                    .collect()
            },
        );
        let weight = |t: EntityType| {
            config
                .prior_weights
                .iter()
                .find(|(pt, _)| *pt == t && types.contains(pt))
                .map_or(0.0, |p| p.1)
        };
        let prior = if types.iter().any(|&t| weight(t) > 0.0) {
            lexicon
                .entries()
                .map(|e| {
                    let w = weight(e.entity_type());
                    if w == 0.0 {
                        return 0.0;
                    }
                    let curated = e
                        .names()
                        .filter(|(_, k)| *k == SynonymKind::Curated)
                        .count();
                    w * (curated as f32).ln_1p()
                })
                .collect()
        } else {
            Vec::new()
        };
        Self {
            lexicon,
            config,
            tfidf,
            variants,
            prior,
            dense: None,
            reranker: None,
            priorities: pubminer_lexicon::MergeOptions::default().canonical,
        }
    }

    /// Adds the dense stage: an embedder and its name vectors per type.
    #[must_use]
    pub fn with_dense(
        mut self,
        embedder: Arc<dyn Embedder>,
        indexes: HashMap<EntityType, DenseIndex>,
    ) -> Self {
        self.dense = Some((embedder, indexes));
        self
    }

    /// Adds the rerank stage.
    #[must_use]
    pub fn with_reranker(mut self, reranker: Arc<dyn Reranker>) -> Self {
        self.reranker = Some(reranker);
        self
    }

    /// The lexicon.
    #[must_use]
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &LinkerConfig {
        &self.config
    }

    fn make_link(&self, c: &Candidate) -> Option<Link> {
        let e = self.lexicon.entry(c.entry)?;
        Some(Link {
            id: e.id().to_owned(),
            name: Some(e.name().to_owned()),
            xrefs: e.xrefs().map(str::to_owned).collect(),
            origin: c.stage.origin().to_owned(),
            // Ranking bonuses can lift exact scores a hair above 1.
            score: Some(c.score.min(1.0)),
        })
    }

    /// Entries whose name has exactly this key, of type `t`, best first.
    fn exact(&self, text: &str, t: EntityType, keys: &mut KeyBuilder) -> Vec<Candidate> {
        let key = keys.name_key(text);
        let mut out: Vec<Candidate> = Vec::new();
        for p in self.lexicon.lookup_key(&key) {
            let Some(e) = self.lexicon.entry(p.entry) else {
                continue;
            };
            if e.entity_type() != t
                || e.tags().contains(Tags::OBSOLETE)
                || !self.in_namespaces(p.entry)
            {
                continue;
            }
            let name = self.lexicon.string(p.name);
            let mut score = kind_score(p.kind);
            if p.case == pubminer_lexicon::CaseRule::Symbol {
                // For symbols the spelling decides before the kind (as in the tagger):
                // `TTF-1` written exactly as NKX2-1's alias beats the symbol `TTF1`.
                let penalty = (1.05 - score).max(0.0) / 5.0;
                score = if name == text {
                    1.04 - penalty
                } else if name.eq_ignore_ascii_case(text) {
                    0.97 - penalty
                } else {
                    0.9 - penalty
                };
            }
            if !p.case.accepts(text, name) {
                score *= 0.9;
            }
            // Among equally good names: the type's preferred vocabulary first (MeSH for
            // diseases and chemicals, HGNC for genes: vocabularies that did not merge, such as
            // MONDO's xref-less export, come last), MeSH descriptors before supplementary
            // records, then a name written exactly as in the text.
            score += self.prefix_bonus(t, e.id());
            if e.id().starts_with("MESH:D") {
                score += 0.002;
            }
            if name == text {
                score += 0.001;
            }
            match out.iter_mut().find(|c| c.entry == p.entry) {
                Some(c) if c.score >= score => {}
                Some(c) => {
                    c.score = score;
                    c.name = p.name;
                    c.curated = p.kind == SynonymKind::Curated;
                }
                None => out.push(Candidate {
                    entry: p.entry,
                    score,
                    stage: Stage::Exact,
                    name: p.name,
                    curated: p.kind == SynonymKind::Curated,
                }),
            }
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
        out
    }

    /// True when `entry` is in one of the configured namespaces (or none are configured).
    fn in_namespaces(&self, entry: u32) -> bool {
        let Some(spaces) = &self.config.namespaces else {
            return true;
        };
        let Some(e) = self.lexicon.entry(entry) else {
            return false;
        };
        let has = |id: &str| {
            let prefix = id.split_once(':').map_or("", |(p, _)| p);
            spaces.iter().any(|s| s == prefix)
        };
        has(e.id()) || e.xrefs().any(has)
    }

    /// The training prior of an entry (0 without one).
    fn prior(&self, entry: u32) -> f32 {
        self.prior.get(entry as usize).copied().unwrap_or(0.0)
    }

    /// Entries one of whose names equals a rewrite of `text` (the variant stage), best
    /// first: earlier passes, then the name's kind, vocabulary and the training prior.
    fn variant(&self, text: &str, t: EntityType, keys: &mut KeyBuilder) -> Vec<Candidate> {
        let Some(index) = self.variants.get(&t) else {
            return Vec::new();
        };
        let accept = |entry: u32| self.in_namespaces(entry);
        let mut out: Vec<Candidate> = index
            .search_key(&keys.name_key(text), &accept)
            .into_iter()
            .filter_map(|h| {
                let e = self.lexicon.entry(h.entry)?;
                let base = match h.pass {
                    1 => 0.95,
                    2 => 0.9,
                    _ => 0.85,
                };
                let mut score = base
                    + (kind_score(h.kind) - 1.0) * 0.1
                    + self.prefix_bonus(t, e.id())
                    + self.prior(h.entry);
                if e.id().starts_with("MESH:D") {
                    score += 0.002;
                }
                Some(Candidate {
                    entry: h.entry,
                    score,
                    stage: Stage::Variant,
                    name: h.name,
                    curated: false,
                })
            })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
        out
    }

    /// The exact stage's answer. A name curated for several entries of the type is a
    /// composite a training corpus gave (tuning curates one sense per name otherwise), and
    /// links to all of them.
    fn finish_exact(&self, exact: Vec<Candidate>) -> Linked {
        if exact.first().is_some_and(|c| c.curated)
            && exact.iter().filter(|c| c.curated).count() > 1
        {
            let links: Vec<Link> = exact
                .iter()
                .filter(|c| c.curated)
                .filter_map(|c| {
                    self.make_link(&Candidate {
                        stage: Stage::Composite,
                        ..*c
                    })
                })
                .collect();
            return Linked {
                candidates: links.clone(),
                links,
                nil: false,
            };
        }
        self.finish(exact, false)
    }

    /// A small bonus by the position of the id's prefix in the type's canonical order.
    fn prefix_bonus(&self, t: EntityType, id: &str) -> f32 {
        let prefix = id.split_once(':').map_or("", |(p, _)| p);
        self.priorities
            .get(&t)
            .and_then(|list| list.iter().position(|p| p == prefix))
            .map_or(0.0, |i| 0.01 * (1.0 - i as f32 / 16.0).max(0.1))
    }

    /// TF-IDF top-k within the configured namespaces; equal scores are ordered by the type's
    /// preferred vocabulary (MeSH before DOID for diseases...).
    fn tfidf_search(&self, index: &TfidfIndex, key: &str, t: EntityType) -> Vec<Scored> {
        let k = self.config.top_k;
        let mut hits = index.search_key(key, k * 4);
        hits.retain(|h| self.in_namespaces(h.entry));
        if self.config.namespaces.is_some() && hits.len() < k {
            hits = index.search_key(key, k * 40);
            hits.retain(|h| self.in_namespaces(h.entry));
        }
        let rank = |h: &Scored| self.tfidf_rank(t, h.entry, h.score);
        hits.sort_by(|a, b| rank(b).total_cmp(&rank(a)).then(a.entry.cmp(&b.entry)));
        hits.truncate(k);
        hits
    }

    /// The rank of a TF-IDF candidate: its cosine, a small bonus for the type's preferred
    /// vocabulary (MeSH before DOID for diseases...) and the training prior.
    fn tfidf_rank(&self, t: EntityType, entry: u32, score: f32) -> f32 {
        let bonus = self
            .lexicon
            .entry(entry)
            .map_or(0.0, |e| self.prefix_bonus(t, e.id()));
        score + bonus * 0.1 + self.prior(entry)
    }

    /// `breast and ovarian cancer` → [`breast cancer`, `ovarian cancer`].
    fn coordination_parts(text: &str) -> Option<Vec<String>> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let conj = words
            .iter()
            .position(|w| matches!(*w, "and" | "or" | "and/or" | "&"))?;
        if conj == 0 || conj + 1 >= words.len() {
            return None;
        }
        let left = words[..conj]
            .join(" ")
            .trim_end_matches([',', '-'])
            .to_owned();
        let right = &words[conj + 1..];
        if right.len() < 2 || left.is_empty() {
            return None;
        }
        let head = right[1..].join(" ");
        let mut parts = Vec::new();
        for l in left.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            parts.push(format!("{l} {head}"));
        }
        parts.push(right.join(" "));
        Some(parts)
    }

    /// Links one mention.
    #[must_use]
    pub fn link(&self, text: &str, t: EntityType, long_form: Option<&str>) -> Linked {
        let mut keys = KeyBuilder::new();
        // 1. Exact: on the long form first when the document defines the mention as an
        // abbreviation (`dopamine (DA)`: DA is dopamine here, whatever else DA names), then
        // on the text.
        let long_form = long_form.filter(|_| self.config.use_long_form);
        if let Some(lf) = long_form {
            let exact = self.exact(lf, t, &mut keys);
            if !exact.is_empty() {
                return self.finish_exact(exact);
            }
            let variant = self.variant(lf, t, &mut keys);
            if !variant.is_empty() {
                return self.finish(variant, false);
            }
            // A long form known only approximately still beats the short form's own,
            // probably unrelated, dictionary sense (`contrast-induced nephropathy (CIN)`).
            if let Some(index) = self.tfidf.get(&t) {
                let hits = self.tfidf_search(index, &keys.name_key(lf), t);
                if hits
                    .first()
                    .is_some_and(|h| h.score >= self.config.tfidf_threshold.max(0.7))
                {
                    let candidates = hits
                        .into_iter()
                        .map(|h| Candidate {
                            entry: h.entry,
                            score: h.score,
                            stage: Stage::Tfidf,
                            name: h.name,
                            curated: false,
                        })
                        .collect();
                    return self.finish(candidates, false);
                }
            }
        }
        let exact = self.exact(text, t, &mut keys);
        if !exact.is_empty() {
            return self.finish_exact(exact);
        }
        // 2. A coordination whose parts all link exactly.
        if let Some(parts) = Self::coordination_parts(text) {
            let linked: Vec<Option<Candidate>> = parts
                .iter()
                .map(|p| self.exact(p, t, &mut keys).into_iter().next())
                .collect();
            if linked.iter().all(Option::is_some) {
                let links: Vec<Link> = linked
                    .into_iter()
                    .flatten()
                    .filter_map(|c| {
                        self.make_link(&Candidate {
                            stage: Stage::Composite,
                            ..c
                        })
                    })
                    .collect();
                return Linked {
                    candidates: links.clone(),
                    links,
                    nil: false,
                };
            }
        }
        // 3. A rewrite of the text that is a name.
        let variant = self.variant(text, t, &mut keys);
        if !variant.is_empty() {
            return self.finish(variant, false);
        }
        // 4. TF-IDF over the text and the long form.
        let mut candidates: Vec<Candidate> = Vec::new();
        if let Some(index) = self.tfidf.get(&t) {
            let mut add = |hits: Vec<Scored>| {
                for h in hits {
                    match candidates.iter_mut().find(|c| c.entry == h.entry) {
                        Some(c) if c.score >= h.score => {}
                        Some(c) => c.score = h.score,
                        None => candidates.push(Candidate {
                            entry: h.entry,
                            score: h.score,
                            stage: Stage::Tfidf,
                            name: h.name,
                            curated: false,
                        }),
                    }
                }
            };
            add(self.tfidf_search(index, &keys.name_key(text), t));
            if let Some(lf) = long_form {
                add(self.tfidf_search(index, &keys.name_key(lf), t));
            }
        }
        let ranked = |c: &Candidate| self.tfidf_rank(t, c.entry, c.score);
        candidates.sort_by(|a, b| ranked(b).total_cmp(&ranked(a)).then(a.entry.cmp(&b.entry)));
        let tfidf_ok = candidates
            .first()
            .is_some_and(|c| c.score >= self.config.tfidf_threshold);
        // 5. Dense, for what TF-IDF could not settle.
        let mut dense_ok = false;
        if !tfidf_ok
            && let Some((embedder, indexes)) = &self.dense
            && let Some(index) = indexes.get(&t)
        {
            let query = long_form.map_or_else(|| text.to_owned(), |lf| format!("{text} ({lf})"));
            if let Ok(v) = embedder.embed(&[&query]) {
                for h in index.search(&v, self.config.top_k * 4) {
                    if !self.in_namespaces(h.entry) {
                        continue;
                    }
                    if !candidates.iter().any(|c| c.entry == h.entry) {
                        candidates.push(Candidate {
                            entry: h.entry,
                            score: h.score,
                            stage: Stage::Dense,
                            name: h.name,
                            curated: false,
                        });
                    }
                }
                candidates.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
                dense_ok = candidates
                    .iter()
                    .find(|c| c.stage == Stage::Dense)
                    .is_some_and(|c| c.score >= self.config.dense_threshold);
                if dense_ok {
                    // Put the best dense candidate first.
                    if let Some(i) = candidates.iter().position(|c| c.stage == Stage::Dense) {
                        let c = candidates.remove(i);
                        candidates.insert(0, c);
                    }
                }
            }
        }
        // 6. Rerank the union.
        if let Some(reranker) = &self.reranker
            && !candidates.is_empty()
        {
            let names: Vec<String> = candidates
                .iter()
                .map(|c| self.lexicon.string(c.name).to_owned())
                .collect();
            let pairs: Vec<(&str, &str)> = names.iter().map(|n| (text, n.as_str())).collect();
            if let Ok(scores) = reranker.score(&pairs) {
                for (c, s) in candidates.iter_mut().zip(scores) {
                    c.score = s;
                    c.stage = Stage::Rerank;
                }
                candidates.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
                let ok = candidates
                    .first()
                    .is_some_and(|c| c.score >= self.config.rerank_threshold);
                return self.finish(candidates, !ok);
            }
        }
        let ok = tfidf_ok || dense_ok;
        self.finish(candidates, !ok)
    }

    fn finish(&self, mut candidates: Vec<Candidate>, nil: bool) -> Linked {
        candidates.truncate(self.config.top_k.max(1));
        let links: Vec<Link> = candidates
            .iter()
            .filter_map(|c| self.make_link(c))
            .collect();
        Linked {
            links: if nil {
                Vec::new()
            } else {
                links.first().cloned().into_iter().collect()
            },
            candidates: links,
            nil,
        }
    }

    /// Links the mentions of `doc` whose type `type_of` maps to an entity type the linker
    /// has an index for. With `only_unlinked`, mentions that already have links are kept.
    /// Returns how many were linked per stage and how many became NIL.
    pub fn link_document(
        &self,
        doc: &mut Document,
        only_unlinked: bool,
        type_of: &dyn Fn(&str) -> Option<EntityType>,
    ) -> HashMap<&'static str, u64> {
        let mut stats: HashMap<&'static str, u64> = HashMap::new();
        let long_forms = if self.config.use_long_form {
            abbreviations(doc)
        } else {
            HashMap::new()
        };
        let mut linked_here = Vec::new();
        for (i, m) in doc.mentions.iter_mut().enumerate() {
            if only_unlinked && !m.links.is_empty() {
                continue;
            }
            if m.long_form.is_none()
                && let Some(lf) = long_forms.get(m.text.as_str())
            {
                m.long_form = Some(lf.clone());
            }
            let Some(t) = type_of(&m.entity_type).filter(|t| self.tfidf.contains_key(t)) else {
                continue;
            };
            let linked = self.link(&m.text, t, m.long_form.as_deref());
            m.candidates = linked.candidates;
            m.set_links(linked.links, linked.nil);
            linked_here.push((i, t));
        }
        if self.config.use_long_form {
            self.resolve_short_forms(doc, &linked_here);
        }
        for &(i, _) in &linked_here {
            let m = &doc.mentions[i];
            let key = if m.nil {
                "nil"
            } else {
                m.links.first().map_or("nil", |l| match l.origin.as_str() {
                    "link.exact/v1" => "exact",
                    "link.composite/v1" => "composite",
                    "link.variant/v1" => "variant",
                    "link.tfidf/v1" => "tfidf",
                    "link.dense/v1" => "dense",
                    _ => "rerank",
                })
            };
            *stats.entry(key).or_default() += 1;
        }
        stats
    }

    /// Short forms that found no exact name, linked again with a long form the document
    /// gives them in one of two weaker ways than a Schwartz–Hearst definition:
    ///
    /// 1. written alone in parentheses right after a mention of the same type, though the
    ///    letters do not match ("ammonium acetate (NH4Ac)", "testosterone (T)"), for every
    ///    use of that short form;
    /// 2. never defined, but its letters spell out, in order and starting at a word start,
    ///    the text of exactly one concept the document names exactly ("PB" after
    ///    "phenobarbital" in another sentence, "DVP" in "Li/DVP" after "divalproex"); a short form
    ///    whose letters fit names of two different concepts is left alone.
    ///
    /// Only a long form that links exactly replaces the mention's own link, and a short form
    /// the dictionary knows exactly keeps it: "leukosialin (CD43)" leaves CD43 the gene
    /// symbol it is.
    fn resolve_short_forms(&self, doc: &mut Document, linked: &[(usize, EntityType)]) {
        let is_exact = |m: &pubminer_core::Mention| {
            m.links
                .first()
                .is_some_and(|l| matches!(l.origin.as_str(), "link.exact/v1" | "link.composite/v1"))
        };
        // Built for the first mention that needs it: most documents have none.
        let mut adjacent: Option<HashMap<String, String>> = None;
        for &(i, t) in linked {
            let m = &doc.mentions[i];
            if m.long_form.is_some() || is_exact(m) {
                continue;
            }
            let adjacent = adjacent.get_or_insert_with(|| adjacent_definitions(doc));
            let long = match adjacent.get(m.text.as_str()) {
                Some(long) => Some(long.clone()),
                None if looks_like_short_form(&m.text) => {
                    spelled_out_by(doc, linked, i, t, is_exact)
                }
                None => None,
            };
            let Some(long) = long else {
                continue;
            };
            let relinked = self.link(&m.text, t, Some(&long));
            if relinked
                .links
                .first()
                .is_some_and(|l| l.origin == "link.exact/v1")
            {
                let m = &mut doc.mentions[i];
                m.long_form = Some(long);
                m.candidates = relinked.candidates;
                m.set_links(relinked.links, relinked.nil);
            }
        }
    }
}

/// The text of the one concept, among the mentions of type `t` linked exactly, whose text
/// mention `i` spells out (see [`Linker::resolve_short_forms`]); `None` when none or
/// several concepts fit.
fn spelled_out_by(
    doc: &Document,
    linked: &[(usize, EntityType)],
    i: usize,
    t: EntityType,
    is_exact: impl Fn(&pubminer_core::Mention) -> bool,
) -> Option<String> {
    let short = &doc.mentions[i].text;
    let mut found: Option<(&str, Vec<&str>)> = None;
    for &(j, u) in linked {
        let other = &doc.mentions[j];
        if u != t || j == i || !is_exact(other) || other.text.len() <= short.len() {
            continue;
        }
        if !spells_out(short, &other.text) {
            continue;
        }
        let ids: Vec<&str> = other.links.iter().map(|l| l.id.as_str()).collect();
        match &found {
            Some((_, seen)) if *seen != ids => return None,
            Some(_) => {}
            None => found = Some((&other.text, ids)),
        }
    }
    found.map(|(text, _)| text.to_owned())
}

/// A token that reads as an abbreviation: 2–8 characters, no space, an uppercase letter
/// and at least as many uppercase letters and digits as lowercase ones ("PB", "DVP",
/// "NH4Ac", "CCNU"), not a word such as "Aspirin".
fn looks_like_short_form(text: &str) -> bool {
    let n = text.chars().count();
    let upper = text
        .chars()
        .filter(|c| c.is_uppercase() || c.is_ascii_digit())
        .count();
    let lower = text.chars().filter(|c| c.is_lowercase()).count();
    (2..=8).contains(&n)
        && !text.contains(char::is_whitespace)
        && text.chars().any(char::is_uppercase)
        && upper >= lower
}

/// Whether the letters and digits of `short` occur in `long` in order, ignoring case, the
/// first one at the start of a word (the Schwartz–Hearst match, without the window).
fn spells_out(short: &str, long: &str) -> bool {
    let want: Vec<char> = short
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let Some((&first, rest)) = want.split_first() else {
        return false;
    };
    let hay: Vec<char> = long.chars().map(|c| c.to_ascii_lowercase()).collect();
    (0..hay.len()).any(|start| {
        let at_word_start = start == 0 || !hay[start - 1].is_alphanumeric();
        if !at_word_start || hay[start] != first {
            return false;
        }
        let mut k = 0;
        for &c in &hay[start + 1..] {
            if k < rest.len() && c == rest[k] {
                k += 1;
            }
        }
        k == rest.len()
    })
}

/// Short form → long form from mentions written `long form (SF)`: a short mention alone
/// in parentheses right after a mention of the same type. This catches definitions whose
/// letters do not match, which Schwartz–Hearst refuses ("ammonium acetate (NH4Ac)",
/// "testosterone (T)"); the mentions say the two are one entity.
fn adjacent_definitions(doc: &Document) -> HashMap<String, String> {
    let mut order: Vec<usize> = (0..doc.mentions.len())
        .filter(|&i| doc.mentions[i].fragments.is_empty())
        .collect();
    order.sort_by_key(|&i| (doc.mentions[i].passage, doc.mentions[i].range.start()));
    let mut out = HashMap::new();
    for pair in order.windows(2) {
        let (a, b) = (&doc.mentions[pair[0]], &doc.mentions[pair[1]]);
        if a.passage != b.passage
            || a.entity_type != b.entity_type
            || b.text.chars().count() > 10
            || b.text.contains(char::is_whitespace)
            || !b.text.chars().any(char::is_alphabetic)
            || a.text.chars().count() <= b.text.chars().count()
        {
            continue;
        }
        let Some(text) = doc.passages.get(a.passage as usize).map(|p| p.text()) else {
            continue;
        };
        let between = text
            .get(a.range.end() as usize..b.range.start() as usize)
            .unwrap_or_default();
        let after = text.get(b.range.end() as usize..).unwrap_or_default();
        if matches!(between, " (" | "(") && after.starts_with(')') {
            out.entry(b.text.clone()).or_insert_with(|| a.text.clone());
        }
    }
    out
}

/// Short form → long form for the abbreviations the document defines (Schwartz–Hearst,
/// first definition wins).
fn abbreviations(doc: &Document) -> HashMap<String, String> {
    use pubminer_text::abbreviation::find_abbreviations;
    use pubminer_text::sentence::split_sentences;
    let mut out = HashMap::new();
    for passage in &doc.passages {
        let text = passage.text();
        if !text.contains('(') {
            continue;
        }
        for pair in find_abbreviations(text, &split_sentences(text)) {
            if let (Some(short), Some(long)) = (pair.short.slice(text), pair.long.slice(text)) {
                out.entry(short.to_owned())
                    .or_insert_with(|| long.to_owned());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pubminer_lexicon::{Concept, Synonym};

    fn lexicon() -> Arc<Lexicon> {
        let d = EntityType::Disease;
        let mut breast = Concept::new("MESH:D001943", "Breast Neoplasms", d, "mesh");
        breast
            .synonyms
            .push(Synonym::new("breast cancer", SynonymKind::Exact));
        let mut ovary = Concept::new("MESH:D010051", "Ovarian Neoplasms", d, "mesh");
        ovary
            .synonyms
            .push(Synonym::new("ovarian cancer", SynonymKind::Exact));
        let mut nkx = Concept::new("HGNC:11825", "NKX2-1", EntityType::Gene, "hgnc");
        nkx.synonyms
            .push(Synonym::new("TTF-1", SynonymKind::AliasSymbol));
        nkx.synonyms.push(Synonym::new(
            "thyroid transcription factor 1",
            SynonymKind::Exact,
        ));
        let hepatitis = Concept::new("MESH:D006505", "Hepatitis", d, "mesh");
        Arc::new(Lexicon::from_concepts(vec![breast, ovary, nkx, hepatitis]).unwrap())
    }

    fn linker() -> Linker {
        Linker::new(
            lexicon(),
            &[EntityType::Disease, EntityType::Gene],
            LinkerConfig::default(),
        )
    }

    fn first(l: &Linked) -> (&str, &str) {
        let link = &l.links[0];
        (link.id.as_str(), link.origin.as_str())
    }

    #[test]
    fn the_cascade_records_its_stage() {
        let linker = linker();

        let l = linker.link("Breast cancers", EntityType::Disease, None);
        assert_eq!(first(&l), ("MESH:D001943", "link.exact/v1"));
        let l = linker.link("breast and ovarian cancer", EntityType::Disease, None);
        let ids: Vec<&str> = l.links.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids, ["MESH:D001943", "MESH:D010051"]);
        assert_eq!(l.links[0].origin, "link.composite/v1");
        let l = linker.link("ovarian cancers, epithelial", EntityType::Disease, None);
        assert_eq!(first(&l), ("MESH:D010051", "link.tfidf/v1"));
        assert!(!l.nil);
    }

    #[test]
    fn types_long_forms_and_nil() {
        let linker = linker();
        // A gene name does not link as a disease.
        let l = linker.link("TTF-1", EntityType::Disease, None);
        assert!(l.links.iter().all(|x| x.id != "HGNC:11825"));
        // The long form is queried when the short form is unknown.
        let l = linker.link(
            "TITF",
            EntityType::Gene,
            Some("thyroid transcription factor-1"),
        );
        assert_eq!(first(&l), ("HGNC:11825", "link.exact/v1"));
        // Nothing close: NIL, with candidates kept.
        let l = linker.link("zzzz qqqq", EntityType::Disease, None);
        assert!(l.nil && l.links.is_empty());
        let l = linker.link("cardiomyopathy", EntityType::Disease, None);
        assert!(l.nil, "{l:?}");
        assert!(!l.candidates.is_empty(), "candidates are kept for a NIL");
    }

    #[test]
    fn curated_composites_variants_and_the_training_prior() {
        let d = EntityType::Disease;
        let curated = |c: &mut Concept, names: &[&str]| {
            for n in names {
                c.synonyms.push(Synonym::new(*n, SynonymKind::Curated));
            }
        };
        let mut cystitis = Concept::new("MESH:D003556", "Cystitis", d, "mesh");
        let mut bleeding = Concept::new("MESH:D006470", "Hemorrhage", d, "mesh");
        curated(&mut cystitis, &["hemorrhagic cystitis"]);
        curated(&mut bleeding, &["hemorrhagic cystitis", "bleeding"]);
        let liver = Concept::new("MESH:D008113", "Liver Neoplasms", d, "mesh");
        let x = Concept::new("MESH:D1", "alpha disease x", d, "mesh");
        let mut y = Concept::new("MESH:D2", "alpha disease y", d, "mesh");
        curated(&mut y, &["zeta one", "zeta two", "zeta three"]);
        let lexicon =
            Arc::new(Lexicon::from_concepts(vec![cystitis, bleeding, liver, x, y]).unwrap());
        let linker = |config: LinkerConfig| Linker::new(lexicon.clone(), &[d], config);

        let default = linker(LinkerConfig::default());
        // A name curated for two concepts links to both.
        let l = default.link("Hemorrhagic cystitis", d, None);
        let ids: Vec<&str> = l.links.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids, ["MESH:D003556", "MESH:D006470"]);
        assert!(l.links.iter().all(|x| x.origin == "link.composite/v1"));
        // A rewrite of a name.
        let l = default.link("tumours of the liver", d, None);
        assert_eq!(first(&l), ("MESH:D008113", "link.variant/v1"));
        let no_variants = linker(LinkerConfig {
            variant_types: Vec::new(),
            ..LinkerConfig::default()
        });
        let l = no_variants.link("tumours of the liver", d, None);
        assert_ne!(first(&l).1, "link.variant/v1");
        // Equal cosines: the concept the training corpus named more often ranks first...
        let l = default.link("alpha diseases", d, None);
        assert_eq!(first(&l), ("MESH:D2", "link.tfidf/v1"));
        let (a, b) = (&l.candidates[0], &l.candidates[1]);
        assert!((a.score.unwrap() - b.score.unwrap()).abs() < 1e-6, "{l:?}");
        // ...and without the prior the tie goes to the first entry.
        let no_prior = linker(LinkerConfig {
            prior_weights: Vec::new(),
            ..LinkerConfig::default()
        });
        let l = no_prior.link("alpha diseases", d, None);
        assert_eq!(first(&l), ("MESH:D1", "link.tfidf/v1"));
    }

    struct Fixed(f32);
    impl Reranker for Fixed {
        fn score(&self, pairs: &[(&str, &str)]) -> Result<Vec<f32>, String> {
            Ok(pairs
                .iter()
                .map(|(_, n)| {
                    if n.to_lowercase().contains("ovarian") {
                        self.0
                    } else {
                        0.1
                    }
                })
                .collect())
        }
    }

    #[test]
    fn the_reranker_has_the_last_word() {
        // (Not `cancer of the breast`: the variant stage links that to Breast Neoplasms
        // before any ranking.)
        let linker = linker().with_reranker(Arc::new(Fixed(0.9)));
        let l = linker.link("cancers in breast tissue", EntityType::Disease, None);
        assert_eq!(first(&l), ("MESH:D010051", "link.rerank/v1"));
        let linker = self::linker().with_reranker(Arc::new(Fixed(0.2)));
        let l = linker.link("cancers in breast tissue", EntityType::Disease, None);
        assert!(l.nil, "every rerank score under the threshold");
    }

    /// A document whose passage holds `text` and gold-style mentions of `spans` (byte
    /// ranges) typed Chemical.
    fn chemical_doc(text: &str, spans: &[(usize, usize)]) -> Document {
        use pubminer_core::{Mention, Passage, PassageKind, TextRange};
        let mut doc = Document::new("1");
        doc.passages.push(Passage::new(PassageKind::Abstract, text));
        for &(a, b) in spans {
            doc.mentions.push(Mention {
                passage: 0,
                range: TextRange::try_new(a, b).unwrap(),
                text: text[a..b].to_owned(),
                entity_type: "Chemical".to_owned(),
                origin: "gold".to_owned(),
                ..Mention::default()
            });
        }
        doc
    }

    #[test]
    fn documents_define_short_forms_the_dictionary_lacks() {
        let c = EntityType::Chemical;
        let acetate = Concept::new("MESH:C018824", "ammonium acetate", c, "mesh");
        let pheno = Concept::new("MESH:D010634", "Phenobarbital", c, "mesh");
        let lead = Concept::new("MESH:D007854", "Lead", c, "mesh");
        let peptide = Concept::new("MESH:D000001", "Peptide B", c, "mesh");
        let leuko = Concept::new("MESH:D000002", "leukosialin", c, "mesh");
        let mut cd43 = Concept::new("MESH:D000003", "Sialophorin", c, "mesh");
        cd43.synonyms.push(Synonym::new("CD43", SynonymKind::Exact));
        let concepts = vec![acetate, pheno, lead, peptide, leuko, cd43];
        let lex = Arc::new(Lexicon::from_concepts(concepts).unwrap());
        let linker = Linker::new(lex.clone(), &[c], LinkerConfig::default());
        let ids = |doc: &Document, i: usize| -> Vec<String> {
            doc.mentions[i].links.iter().map(|l| l.id.clone()).collect()
        };
        let type_of = |t: &str| (t == "Chemical").then_some(EntityType::Chemical);

        // `long form (SF)` where the letters do not match: the adjacent mentions define it,
        // and every later use of the short form gets the long form's concept.
        let text = "Pretreatment with ammonium acetate (NH4Ac) doubled it; NH4Ac alone did not.";
        let spans = [(18, 34), (36, 41), (55, 60)];
        let mut doc = chemical_doc(text, &spans);
        linker.link_document(&mut doc, false, &type_of);
        assert_eq!(ids(&doc, 1), ["MESH:C018824"]);
        assert_eq!(ids(&doc, 2), ["MESH:C018824"]);
        assert_eq!(
            doc.mentions[2].long_form.as_deref(),
            Some("ammonium acetate")
        );
        // A short form the dictionary knows exactly keeps its own concept.
        let mut doc = chemical_doc("It binds leukosialin (CD43).", &[(9, 20), (22, 26)]);
        linker.link_document(&mut doc, false, &type_of);
        assert_eq!(ids(&doc, 1), ["MESH:D000003"]);

        // A short form used without a definition takes the concept of the one exactly
        // named mention whose words it spells out.
        let text = "Patients on phenobarbital died. PB-related hepatotoxicity and PB levels.";
        let mut doc = chemical_doc(text, &[(12, 25), (62, 64)]);
        linker.link_document(&mut doc, false, &type_of);
        assert_eq!(ids(&doc, 1), ["MESH:D010634"]);
        assert_eq!(doc.mentions[1].links[0].origin, "link.exact/v1");

        // Two different concepts whose names it spells out: ambiguous, left alone.
        let text = "Phenobarbital and peptide B were given. PB levels rose.";
        let mut doc = chemical_doc(text, &[(0, 13), (18, 27), (40, 42)]);
        linker.link_document(&mut doc, false, &type_of);
        assert_ne!(ids(&doc, 2), ["MESH:D010634"]);
        assert!(doc.mentions[2].long_form.is_none());

        // Without long forms the document rules are off.
        let config = LinkerConfig {
            use_long_form: false,
            ..LinkerConfig::default()
        };
        let off = Linker::new(lex, &[c], config);
        let mut doc = chemical_doc(
            "Patients on phenobarbital died. PB levels.",
            &[(12, 25), (32, 34)],
        );
        off.link_document(&mut doc, false, &type_of);
        assert_ne!(ids(&doc, 1), ["MESH:D010634"]);
    }
}
