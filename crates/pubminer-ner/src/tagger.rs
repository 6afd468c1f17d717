//! The dictionary tagger.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use pubminer_core::{Abbreviation, Document, Link, Mention, Span, TextRange};
use pubminer_lexicon::{EntityType, Lexicon, SynonymKind, Tags};
use pubminer_text::abbreviation::{find_abbreviations, occurrences_of_all};
use pubminer_text::normalize::{KeyBuilder, is_possessive};
use pubminer_text::sentence::split_sentences;
use pubminer_text::token::{Token, TokenKind, tokenize_into};

use crate::stoplist::{StopList, is_ihc_context};
use crate::{ORIGIN, ORIGIN_ABBREVIATION};

/// What to keep when candidate mentions overlap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OverlapPolicy {
    /// Across all types, the longest candidate wins (then the higher score, then the
    /// earlier start); candidates with exactly the same span but different types are all
    /// kept. `breast cancer` (Disease) hides `breast` (Anatomy).
    #[default]
    Longest,
    /// Overlaps are resolved within each entity type only, so nested mentions of other
    /// types survive: `lung adenocarcinoma` (Disease) and `lung` (Anatomy) both stay. The
    /// IHC pipeline uses this to read the site inside a tumour name.
    LongestPerType,
    /// Keep every candidate.
    All,
}

/// How to tag.
#[derive(Clone, Debug)]
pub struct TaggerConfig {
    /// Entity types to tag (`None`: all).
    pub types: Option<Vec<EntityType>>,
    /// Overlap policy.
    pub overlap: OverlapPolicy,
    /// Detect abbreviations and propagate them through the document.
    pub abbreviations: bool,
    /// Longest name, in tokens, the walk follows.
    pub max_tokens: usize,
    /// Ranked alternatives kept on an ambiguous mention (besides the link).
    pub max_candidates: usize,
    /// Names not to tag.
    pub stoplist: StopList,
    /// Tag short acronyms of diseases, anatomy and cell types (`PC`, `RA`, `SV`) even where
    /// the document does not define them.
    pub undefined_acronyms: bool,
    /// Copy each concept's xrefs onto its links (PubTator output has no room for them, so
    /// `annotate` turns this off there).
    pub link_xrefs: bool,
}

impl Default for TaggerConfig {
    fn default() -> Self {
        Self {
            types: None,
            overlap: OverlapPolicy::default(),
            abbreviations: true,
            max_tokens: 24,
            max_candidates: 5,
            stoplist: StopList::builtin(),
            link_xrefs: true,
            undefined_acronyms: false,
        }
    }
}

impl TaggerConfig {
    fn selects(&self, t: EntityType) -> bool {
        self.types.as_ref().is_none_or(|types| types.contains(&t))
    }
}

/// A candidate mention before overlap resolution.
#[derive(Clone, Debug)]
struct Candidate {
    range: TextRange,
    entity_type: EntityType,
    /// (entry, score), best first.
    entries: Vec<(u32, f32)>,
    /// For a coordination (`breast and ovarian cancer`): the component names, `|`-joined
    /// as PubTator writes them, and one entry per component.
    composite: Option<(String, Vec<(u32, f32)>)>,
}

impl Candidate {
    fn score(&self) -> f32 {
        self.entries.first().map_or(0.0, |e| e.1)
    }
}

/// Per-thread buffers, reused across passages so tagging allocates little.
#[derive(Default)]
struct Scratch {
    tokens: Vec<Token>,
    keys: String,
    key_ranges: Vec<(u32, u32)>,
    joins: Vec<bool>,
    sentence_ends: Vec<bool>,
    walks: Vec<(usize, usize, u64)>,
    builder: KeyBuilder,
    /// A word as written → the fst state after its key (first words of names).
    first_words: rustc_hash::FxHashMap<Box<str>, FirstWord>,
    /// A word as written → its key.
    word_keys: rustc_hash::FxHashMap<Box<str>, Box<str>>,
}

/// A short all-capital acronym (2–5 letters, no digits): `PC`, `COPD`.
fn is_acronym(surface: &str) -> bool {
    (2..=5).contains(&surface.len()) && surface.bytes().all(|b| b.is_ascii_uppercase())
}

/// `key_ranges` value of a word whose key is not computed yet.
const NO_KEY: (u32, u32) = (u32::MAX, u32::MAX);

/// The key of word token `i` (computed on first use, or copied from the per-thread cache
/// of words seen before), as a byte range of `s.keys`.
fn ensure_key(s: &mut Scratch, text: &str, i: usize) -> (u32, u32) {
    if s.key_ranges[i] != NO_KEY {
        return s.key_ranges[i];
    }
    let raw = s.tokens[i].text(text);
    let start = s.keys.len() as u32;
    match s.word_keys.get(raw) {
        Some(key) => s.keys.push_str(key),
        None => {
            s.builder.push_word(raw, &mut s.keys);
            if s.word_keys.len() < WORD_CACHE {
                s.word_keys
                    .insert(raw.into(), s.keys[start as usize..].into());
            }
        }
    }
    let range = (start, s.keys.len() as u32);
    s.key_ranges[i] = range;
    range
}

/// Where the key fst stands after a name's first word.
#[derive(Clone, Copy, Debug)]
enum FirstWord {
    /// No name starts with this word.
    Dead,
    /// The word is a whole name (with this output value) and no longer name starts with it.
    Final(u64),
    /// Longer names start with it: the node address and the output so far.
    Open(fst::raw::CompiledAddr, u64),
}

fn first_word_state(fst: &fst::raw::Fst<impl AsRef<[u8]>>, key: &[u8]) -> FirstWord {
    let mut node = fst.root();
    let mut out = fst::raw::Output::zero();
    for &b in key {
        match node.find_input(b) {
            Some(k) => {
                let tr = node.transition(k);
                out = out.cat(tr.out);
                node = fst.node(tr.addr);
            }
            None => return FirstWord::Dead,
        }
    }
    let continues = node.find_input(b' ').is_some();
    match (node.is_final(), continues) {
        (_, true) => FirstWord::Open(node.addr(), out.value()),
        (true, false) => FirstWord::Final(out.cat(node.final_output()).value()),
        (false, false) => FirstWord::Dead,
    }
}

/// Entries in each per-thread word cache before it is cleared (or, for keys, stops
/// growing): about 10 MB each. Abstracts use some 10^5 distinct words.
const FIRST_WORD_CACHE: usize = 200_000;
const WORD_CACHE: usize = 200_000;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Tags documents with dictionary matches from a [`Lexicon`].
#[derive(Clone, Debug)]
pub struct DictionaryTagger {
    lexicon: Arc<Lexicon>,
    config: TaggerConfig,
}

fn kind_score(kind: SynonymKind) -> f32 {
    match kind {
        SynonymKind::Preferred => 0.95,
        SynonymKind::Exact | SynonymKind::Symbol => 0.9,
        SynonymKind::Abbreviation => 0.85,
        SynonymKind::AliasSymbol => 0.8,
        SynonymKind::PreviousSymbol => 0.7,
        SynonymKind::Related => 0.6,
        SynonymKind::Curated => 0.97,
    }
}

/// How well a surface matches a name. For symbols the spelling decides before the kind:
/// `TTF-1` written exactly as NKX2-1's alias beats `TTF1`, the symbol of another gene that
/// only meets it after normalisation; written `TTF1`, the symbol wins again.
fn match_score(kind: SynonymKind, symbol: bool, surface: &str, name: &str) -> f32 {
    let base = kind_score(kind);
    if !symbol {
        return if surface == name { base + 0.05 } else { base };
    }
    let kind_penalty = (0.95 - base).max(0.0) / 5.0;
    if surface == name {
        1.0 - kind_penalty
    } else if surface.eq_ignore_ascii_case(name) {
        0.9 - kind_penalty
    } else {
        0.8 - kind_penalty
    }
}

/// Punctuation that joins two words into one name when nothing separates it from them.
fn joins_words(c: &str) -> bool {
    matches!(
        c,
        "-" | "‐" | "‑" | "‒" | "–" | "—" | "/" | "." | "," | "'" | "’" | "+" | ":" | "_"
    )
}

impl DictionaryTagger {
    /// A tagger over `lexicon`. Stop rules stored in the lexicon (learned when it was tuned
    /// on a corpus) are added to the configured ones.
    #[must_use]
    pub fn new(lexicon: Arc<Lexicon>, mut config: TaggerConfig) -> Self {
        let learned = &lexicon.meta().stoplist;
        if !learned.is_empty()
            && let Ok(list) = StopList::parse(learned)
        {
            config.stoplist.extend(list);
        }
        Self { lexicon, config }
    }

    /// The lexicon.
    #[must_use]
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &TaggerConfig {
        &self.config
    }

    /// Adds dictionary mentions (and abbreviation definitions) to `doc`. Mentions already
    /// in the document are kept.
    pub fn tag(&self, doc: &mut Document) {
        let texts: Vec<&str> = doc.passages.iter().map(|p| p.text()).collect();
        let ihc = is_ihc_context(&texts);
        let mut mentions = Vec::new();
        let mut sentences_of = Vec::with_capacity(doc.passages.len());
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            for (p, passage) in doc.passages.iter().enumerate() {
                let text = passage.text();
                let sentences = split_sentences(text);
                let candidates = self.candidates(text, &sentences, ihc, &mut scratch);
                let mut kept = resolve(candidates, self.config.overlap);
                self.coordinate(text, &scratch, &mut kept);
                let composites: Vec<TextRange> = kept
                    .iter()
                    .filter(|c| c.composite.is_some())
                    .map(|c| c.range)
                    .collect();
                kept.retain(|c| {
                    c.composite.is_some() || !composites.iter().any(|r| r.contains_range(c.range))
                });
                for c in kept {
                    mentions.push(self.mention(p as u32, text, &c, ORIGIN, None));
                }
                sentences_of.push(sentences);
            }
        });
        if self.config.abbreviations {
            self.propagate_abbreviations(doc, &sentences_of, &mut mentions);
        }
        mentions.sort_by_key(|m| (m.passage, m.range.start(), m.range.end()));
        doc.mentions.extend(mentions);
    }

    /// Every candidate match in one passage.
    fn candidates(
        &self,
        text: &str,
        sentences: &[TextRange],
        ihc: bool,
        s: &mut Scratch,
    ) -> Vec<Candidate> {
        s.tokens.clear();
        tokenize_into(text, &mut s.tokens);
        let n = s.tokens.len();
        s.keys.clear();
        s.key_ranges.clear();
        s.joins.clear();
        s.sentence_ends.clear();
        s.sentence_ends.resize(n, false);
        // Whether punctuation joins; where sentences end. Word keys are computed lazily
        // (`ensure_key`): most words start no name, and the first-word cache below knows
        // that from the raw word.
        for i in 0..n {
            let t = s.tokens[i];
            let joins = match t.kind {
                TokenKind::Word => is_possessive(text, &s.tokens, i),
                TokenKind::Punct => {
                    !t.space_before
                        && s.tokens.get(i + 1).is_some_and(|next| !next.space_before)
                        && joins_words(t.text(text))
                }
            };
            s.key_ranges.push(NO_KEY);
            s.joins.push(joins);
        }
        let mut sentence = sentences.iter().peekable();
        for i in 0..n {
            let end = s.tokens[i].range.end();
            while sentence.peek().is_some_and(|r| r.end() < end) {
                sentence.next();
            }
            let next_start = s.tokens.get(i + 1).map(|t| t.range.start());
            if let (Some(r), Some(next)) = (sentence.peek(), next_start)
                && next >= r.end()
            {
                s.sentence_ends[i] = true;
            }
        }

        // Walk the key fst from every word. Where the walk stands after a first word is
        // cached per thread: words repeat (Zipf), and most walks end within that word.
        let fst = self.lexicon.key_fst();
        s.walks.clear();
        if s.first_words.len() > FIRST_WORD_CACHE {
            s.first_words.clear();
        }
        for i in 0..n {
            if s.tokens[i].kind != TokenKind::Word || s.joins[i] {
                continue;
            }
            let raw = s.tokens[i].text(text);
            let start = match s.first_words.get(raw) {
                Some(cached) => *cached,
                None => {
                    let (ks, ke) = ensure_key(s, text, i);
                    let state = if ke == ks {
                        FirstWord::Dead
                    } else {
                        first_word_state(fst, &s.keys.as_bytes()[ks as usize..ke as usize])
                    };
                    s.first_words.insert(raw.into(), state);
                    state
                }
            };
            let (addr, value) = match start {
                FirstWord::Dead => continue,
                FirstWord::Final(value) => {
                    // A complete name that no longer name continues: no walk needed.
                    s.walks.push((i, i, value));
                    continue;
                }
                FirstWord::Open(addr, value) => (addr, value),
            };
            let mut node = fst.node(addr);
            let mut out = fst::raw::Output::new(value);
            let mut first = true;
            let mut j = i;
            'walk: loop {
                let t = s.tokens[j];
                let (ks, ke) = if t.kind == TokenKind::Word && !s.joins[j] && !first {
                    ensure_key(s, text, j)
                } else {
                    (0, 1)
                };
                if t.kind == TokenKind::Word && !s.joins[j] && ke > ks {
                    if !first {
                        let bytes = &s.keys.as_bytes()[ks as usize..ke as usize];
                        for &b in std::iter::once(&b' ').chain(bytes) {
                            match node.find_input(b) {
                                Some(k) => {
                                    let tr = node.transition(k);
                                    out = out.cat(tr.out);
                                    node = fst.node(tr.addr);
                                }
                                None => break 'walk,
                            }
                        }
                    }
                    first = false;
                    if node.is_final() {
                        s.walks.push((i, j, out.cat(node.final_output()).value()));
                    }
                } else if t.kind == TokenKind::Punct && !s.joins[j] {
                    break;
                }
                if s.sentence_ends[j] || j + 1 >= n || j + 1 - i >= self.config.max_tokens {
                    break;
                }
                j += 1;
            }
        }

        // Check each walk's postings.
        let mut out = Vec::new();
        // (type, entry, score, matched by a symbol-case name)
        let mut by_type: Vec<(EntityType, u32, f32, bool)> = Vec::new();
        for &(i, j, value) in &s.walks {
            let range = TextRange::new(s.tokens[i].range.start(), s.tokens[j].range.end());
            let surface = &text[range.to_range()];
            by_type.clear();
            // Whether the surface is a gene name here, selected or not: proteins that
            // MeSH files as chemicals (`apoE`, `adiponectin`) and gene symbols that disease
            // vocabularies list as synonyms (`ATM`, `G6PD`, `WT1`) are genes.
            let mut gene_evidence = false;
            let stop_rules = self.config.stoplist.rules_for(surface);
            for posting in self.lexicon.postings(value) {
                let Some(entry) = self.lexicon.entry(posting.entry) else {
                    continue;
                };
                let t = entry.entity_type();
                let name = self.lexicon.string(posting.name);
                if entry.tags().contains(Tags::OBSOLETE)
                    || !posting.case.accepts(surface, name)
                    || stop_rules.is_some_and(|r| StopList::applies(r, t, ihc))
                {
                    continue;
                }
                gene_evidence |= t == EntityType::Gene;
                if !self.config.selects(t) {
                    continue;
                }
                let symbol = posting.case == pubminer_lexicon::CaseRule::Symbol;
                let score = match_score(posting.kind, symbol, surface, name);
                match by_type
                    .iter_mut()
                    .find(|(bt, e, _, _)| *bt == t && *e == posting.entry)
                {
                    Some(existing) => {
                        existing.2 = existing.2.max(score);
                        existing.3 &= symbol;
                    }
                    None => by_type.push((t, posting.entry, score, symbol)),
                }
            }
            if !self.config.undefined_acronyms && is_acronym(surface) {
                // `PC`, `RA`, `SV`: short acronyms of diseases and anatomy are ambiguous; they
                // are tagged where the document defines them (abbreviation propagation re-adds
                // them there), not on sight. Gene symbols, chemical acronyms (`ATP`, `DMSO`) and
                // species abbreviations are used undefined and stay (measured on the BC5CDR,
                // NCBI Disease and BioRED dev sets: dropping chemical ones cost recall).
                by_type.retain(|x| {
                    !(x.3
                        && matches!(
                            x.0,
                            EntityType::Disease | EntityType::Anatomy | EntityType::CellType
                        ))
                });
            }
            if gene_evidence {
                let genes_selected = self.config.selects(EntityType::Gene);
                let only_symbols = |t: EntityType, v: &[(EntityType, u32, f32, bool)]| {
                    v.iter().filter(|x| x.0 == t).all(|x| x.3)
                };
                let drop_disease = only_symbols(EntityType::Disease, &by_type);
                by_type.retain(|x| match x.0 {
                    EntityType::Chemical => !genes_selected,
                    EntityType::Disease => !drop_disease,
                    _ => true,
                });
            }
            by_type.sort_by(|a, b| a.0.cmp(&b.0).then(b.2.total_cmp(&a.2)).then(a.1.cmp(&b.1)));
            let mut k = 0;
            while k < by_type.len() {
                let t = by_type[k].0;
                let mut entries = Vec::new();
                while k < by_type.len() && by_type[k].0 == t {
                    entries.push((by_type[k].1, by_type[k].2));
                    k += 1;
                }
                out.push(Candidate {
                    range,
                    entity_type: t,
                    entries,
                    composite: None,
                });
            }
        }
        out
    }

    /// Joins coordinated names into one composite mention, as corpora annotate them:
    /// `breast and ovarian cancer` is `breast cancer` + `ovarian cancer` when the tagger
    /// found `ovarian cancer` and the lexicon knows `breast cancer` (same type). The word
    /// before the conjunction replaces the first word of the found name; conjunctions are
    /// `and`, `or`, `and/or`, `/`, `,` and a hyphen (`breast- and ovarian cancer`).
    fn coordinate(&self, text: &str, s: &Scratch, kept: &mut [Candidate]) {
        let mut builder = KeyBuilder::new();
        for c in kept.iter_mut() {
            if c.entity_type != EntityType::Disease || c.composite.is_some() {
                continue;
            }
            // Token index of the mention's first word.
            let Ok(first) = s
                .tokens
                .binary_search_by_key(&c.range.start(), |t| t.range.start())
            else {
                continue;
            };
            // Step back over conjunctions to the coordinated word.
            let mut k = first;
            let mut conjunctions = 0;
            while k > 0 && conjunctions < 4 {
                let t = s.tokens[k - 1];
                let w = t.text(text);
                if matches!(w, "and" | "or" | "/" | "," | "-" | "‐") {
                    k -= 1;
                    conjunctions += 1;
                } else {
                    break;
                }
            }
            if conjunctions == 0 || k == 0 {
                continue;
            }
            let word = s.tokens[k - 1];
            if word.kind != TokenKind::Word {
                continue;
            }
            // The found name minus its first word, after the coordinated word.
            let rest_start = s.tokens.get(first + 1).map(|t| t.range.start());
            let Some(rest_start) = rest_start.filter(|&r| r < c.range.end()) else {
                continue;
            };
            let mut name = word.text(text).to_owned();
            name.push(' ');
            name.push_str(&text[rest_start as usize..c.range.end() as usize]);
            let key = builder.name_key(&name);
            let other = self.lexicon.lookup_key(&key).find_map(|p| {
                let e = self.lexicon.entry(p.entry)?;
                (e.entity_type() == c.entity_type && !e.tags().contains(Tags::OBSOLETE))
                    .then_some((p.entry, kind_score(p.kind)))
            });
            let (Some(other), Some(&this)) = (other, c.entries.first()) else {
                continue;
            };
            let names = format!("{name}|{}", &text[c.range.to_range()]);
            c.range = TextRange::new(word.range.start(), c.range.end());
            c.composite = Some((names, vec![other, this]));
        }
    }

    fn link(&self, entry: u32, score: f32, origin: &str) -> Option<Link> {
        let e = self.lexicon.entry(entry)?;
        Some(Link {
            id: e.id().to_owned(),
            name: Some(e.name().to_owned()),
            xrefs: if self.config.link_xrefs {
                e.xrefs().map(str::to_owned).collect()
            } else {
                Vec::new()
            },
            origin: origin.to_owned(),
            score: Some(score),
        })
    }

    fn mention(
        &self,
        passage: u32,
        text: &str,
        c: &Candidate,
        origin: &str,
        long_form: Option<String>,
    ) -> Mention {
        let mut links = Vec::new();
        let mut candidates = Vec::new();
        if let Some((names, parts)) = &c.composite {
            return Mention {
                passage,
                range: c.range,
                text: text[c.range.to_range()].to_owned(),
                entity_type: c.entity_type.name().to_owned(),
                links: parts
                    .iter()
                    .filter_map(|&(e, score)| self.link(e, score, origin))
                    .collect(),
                composite: Some(names.clone()),
                long_form,
                origin: origin.to_owned(),
                score: Some(c.score()),
                ..Mention::default()
            };
        }
        for (rank, &(entry, score)) in c.entries.iter().enumerate() {
            if rank > self.config.max_candidates {
                break;
            }
            if let Some(link) = self.link(entry, score, origin) {
                if rank == 0 {
                    links.push(link.clone());
                }
                if c.entries.len() > 1 {
                    candidates.push(link);
                }
            }
        }
        Mention {
            passage,
            range: c.range,
            text: text[c.range.to_range()].to_owned(),
            entity_type: c.entity_type.name().to_owned(),
            links,
            candidates,
            long_form,
            origin: origin.to_owned(),
            score: Some(c.score()),
            ..Mention::default()
        }
    }

    /// Finds abbreviation definitions and carries the long form's concept to every use of
    /// the short form in the document.
    fn propagate_abbreviations(
        &self,
        doc: &mut Document,
        sentences_of: &[Vec<TextRange>],
        mentions: &mut Vec<Mention>,
    ) {
        // Short form → (concept candidate or none, long form text), first definition wins.
        let mut defined: HashMap<String, (Option<Candidate>, String)> = HashMap::new();
        let mut order: Vec<String> = Vec::new();
        let mut builder = KeyBuilder::new();
        // The mentions ending at each (passage, end), for the long forms' concepts.
        let mut ending: HashMap<(u32, u32), Vec<usize>> = HashMap::new();
        for (i, m) in mentions.iter().enumerate() {
            ending
                .entry((m.passage, m.range.end()))
                .or_default()
                .push(i);
        }
        for (p, passage) in doc.passages.iter().enumerate() {
            let text = passage.text();
            for pair in find_abbreviations(text, &sentences_of[p]) {
                let (Some(short), Some(long)) = (pair.short.slice(text), pair.long.slice(text))
                else {
                    continue;
                };
                doc.abbreviations.push(Abbreviation {
                    short: Span {
                        passage: p as u32,
                        range: pair.short,
                    },
                    long: Span {
                        passage: p as u32,
                        range: pair.long,
                    },
                    origin: "text.abbrev.schwartz-hearst/v1".into(),
                    score: Some(pair.score),
                });
                if defined.contains_key(short) {
                    continue;
                }
                // The long form's concept: a mention that ends where the long form ends and
                // covers most of it, else a direct lookup of the whole long form.
                let from_mention = ending
                    .get(&(p as u32, pair.long.end()))
                    .into_iter()
                    .flatten()
                    .map(|&i| &mentions[i])
                    .filter(|m| {
                        pair.long.contains_range(m.range) && m.range.len() * 2 >= pair.long.len()
                    })
                    .max_by_key(|m| m.range.len())
                    .and_then(|m| {
                        let t = EntityType::from_name(&m.entity_type)?;
                        let entries = m
                            .links
                            .iter()
                            .chain(&m.candidates)
                            .filter_map(|l| {
                                let e = self.lexicon.find_id(&l.id)?;
                                Some((e.index(), l.score.unwrap_or(0.9)))
                            })
                            .fold(Vec::new(), |mut v: Vec<(u32, f32)>, e| {
                                if !v.iter().any(|x| x.0 == e.0) {
                                    v.push(e);
                                }
                                v
                            });
                        (!entries.is_empty()).then_some(Candidate {
                            range: m.range,
                            entity_type: t,
                            entries,
                            composite: None,
                        })
                    });
                let concept = from_mention.or_else(|| self.lookup(long, &mut builder));
                defined.insert(short.to_owned(), (concept, long.to_owned()));
                order.push(short.to_owned());
            }
        }
        if order.is_empty() {
            return;
        }
        // The uses of every short form, one pass per passage.
        let shorts: Vec<&str> = order.iter().map(String::as_str).collect();
        let uses: Vec<Vec<Vec<TextRange>>> = doc
            .passages
            .iter()
            .map(|p| occurrences_of_all(p.text(), &shorts))
            .collect();
        // The mentions as slots (a removed one is `None`), indexed per passage by start, so
        // each use of a short form looks at the mentions near it, not at all of them.
        let mut slots: Vec<Option<Mention>> =
            std::mem::take(mentions).into_iter().map(Some).collect();
        let mut index = MentionIndex::new(doc.passages.len());
        for (i, m) in slots.iter().enumerate() {
            if let Some(m) = m {
                index.insert(m, i);
            }
        }
        let mut by_text: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, m) in slots.iter().enumerate() {
            if let Some(m) = m.as_ref().filter(|m| m.origin == ORIGIN) {
                by_text.entry(m.text.clone()).or_default().push(i);
            }
        }
        for (k, short) in order.iter().enumerate() {
            let Some((concept, long)) = defined.get(short) else {
                continue;
            };
            match concept {
                Some(c) => {
                    for (p, passage) in doc.passages.iter().enumerate() {
                        let text = passage.text();
                        for &range in &uses[p][k] {
                            // Replace whatever the dictionary said about this span.
                            for i in index.overlapping(p as u32, range) {
                                if slots[i]
                                    .as_ref()
                                    .is_some_and(|m| range.contains_range(m.range))
                                {
                                    let m = slots[i].take().expect("a live slot");
                                    index.remove(&m, i);
                                }
                            }
                            if !index.overlapping(p as u32, range).is_empty() {
                                continue; // inside a longer mention (e.g. the long form)
                            }
                            let candidate = Candidate {
                                range,
                                composite: None,
                                ..c.clone()
                            };
                            let mut m =
                                self.mention(p as u32, text, &candidate, ORIGIN_ABBREVIATION, None);
                            m.long_form = Some(long.clone());
                            index.insert(&m, slots.len());
                            slots.push(Some(m));
                        }
                    }
                }
                None => {
                    // Defined by a long form the lexicon does not know. The short form keeps
                    // its dictionary reading only if one of its concepts has a name sharing
                    // most words with the long form (`transcription termination factor 1
                    // (TTF1)`), and then takes that concept; otherwise it means something
                    // else here (`endoplasmic reticulum (ER)`, `mean arterial pressure (MAP)`)
                    // and is not tagged in this document.
                    let long_key = builder.name_key(long);
                    let long_words = content_words(&long_key);
                    for &i in by_text.get(short.as_str()).into_iter().flatten() {
                        let Some(m) = slots[i].as_mut() else {
                            continue;
                        };
                        let best = m
                            .links
                            .iter()
                            .chain(&m.candidates)
                            .filter_map(|l| {
                                let e = self.lexicon.find_id(&l.id)?;
                                // Multi-word names only (the short form's own aliases
                                // are single words), and a bounded number of them.
                                let overlap = e
                                    .names()
                                    .filter(|(name, _)| name.contains(' '))
                                    .take(64)
                                    .map(|(name, _)| {
                                        word_overlap(
                                            &long_words,
                                            &content_words(&builder.name_key(name)),
                                        )
                                    })
                                    .fold(0.0f32, f32::max);
                                Some((overlap, l.clone()))
                            })
                            .max_by(|a, b| a.0.total_cmp(&b.0));
                        match best {
                            Some((overlap, link)) if overlap >= 0.5 => {
                                m.links = vec![link];
                                m.long_form = Some(long.clone());
                            }
                            _ => {
                                let m = slots[i].take().expect("a live slot");
                                index.remove(&m, i);
                            }
                        }
                    }
                }
            }
        }
        *mentions = slots.into_iter().flatten().collect();
    }

    /// The concept of a whole name, if the lexicon knows it.
    fn lookup(&self, name: &str, builder: &mut KeyBuilder) -> Option<Candidate> {
        let key = builder.name_key(name);
        let mut best: Option<Candidate> = None;
        for posting in self.lexicon.lookup_key(&key) {
            let Some(entry) = self.lexicon.entry(posting.entry) else {
                continue;
            };
            let t = entry.entity_type();
            if !self.config.selects(t) || entry.tags().contains(Tags::OBSOLETE) {
                continue;
            }
            let score = kind_score(posting.kind);
            match &mut best {
                Some(b) if b.entity_type == t => {
                    if !b.entries.iter().any(|e| e.0 == posting.entry) {
                        b.entries.push((posting.entry, score));
                    }
                }
                Some(_) => {}
                None => {
                    best = Some(Candidate {
                        range: TextRange::default(),
                        entity_type: t,
                        entries: vec![(posting.entry, score)],
                        composite: None,
                    });
                }
            }
        }
        if let Some(b) = &mut best {
            b.entries
                .sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        }
        best
    }
}

/// The words of a key that carry meaning (not `of`, `the`, `and`...).
fn content_words(key: &str) -> Vec<&str> {
    const STOP: [&str; 8] = ["of", "the", "and", "or", "in", "a", "an", "for"];
    key.split(' ')
        .filter(|w| !w.is_empty() && !STOP.contains(w))
        .collect()
}

/// Share of the long form's words found in the name (0 when the long form has none).
fn word_overlap(long: &[&str], name: &[&str]) -> f32 {
    if long.is_empty() {
        return 0.0;
    }
    let shared = long.iter().filter(|w| name.contains(w)).count();
    shared as f32 / long.len().max(name.len()) as f32
}

/// Mentions of each passage by start, for the overlap queries of abbreviation propagation.
/// A mention that overlaps a range starts less than the longest mention's length before it.
struct MentionIndex {
    by_start: Vec<std::collections::BTreeSet<(u32, usize)>>,
    ends: HashMap<usize, u32>,
    longest: u32,
}

impl MentionIndex {
    fn new(passages: usize) -> Self {
        Self {
            by_start: vec![std::collections::BTreeSet::new(); passages],
            ends: HashMap::new(),
            longest: 0,
        }
    }

    fn insert(&mut self, m: &Mention, slot: usize) {
        if let Some(set) = self.by_start.get_mut(m.passage as usize) {
            set.insert((m.range.start(), slot));
            self.ends.insert(slot, m.range.end());
            self.longest = self.longest.max(m.range.len());
        }
    }

    fn remove(&mut self, m: &Mention, slot: usize) {
        if let Some(set) = self.by_start.get_mut(m.passage as usize) {
            set.remove(&(m.range.start(), slot));
            self.ends.remove(&slot);
        }
    }

    /// The slots of the mentions of `passage` that overlap `range`.
    fn overlapping(&self, passage: u32, range: TextRange) -> Vec<usize> {
        let Some(set) = self.by_start.get(passage as usize) else {
            return Vec::new();
        };
        let from = range.start().saturating_sub(self.longest);
        set.range((from, 0)..(range.end(), 0))
            .filter(|&&(start, slot)| TextRange::new(start, self.ends[&slot]).overlaps(range))
            .map(|&(_, slot)| slot)
            .collect()
    }
}

/// Applies the overlap policy.
fn resolve(mut candidates: Vec<Candidate>, policy: OverlapPolicy) -> Vec<Candidate> {
    if policy == OverlapPolicy::All {
        return candidates;
    }
    candidates.sort_by(|a, b| {
        b.range
            .len()
            .cmp(&a.range.len())
            .then(b.score().total_cmp(&a.score()))
            .then(a.range.start().cmp(&b.range.start()))
            .then(a.entity_type.cmp(&b.entity_type))
    });
    let mut kept: Vec<Candidate> = Vec::with_capacity(candidates.len());
    // Kept candidates by start. Candidates come longest first, so one that overlaps `c`
    // starts less than the longest kept length before it: a window, not every kept one.
    let mut by_start: std::collections::BTreeMap<(u32, usize), ()> = Default::default();
    let mut longest = 0u32;
    for c in candidates {
        let from = c.range.start().saturating_sub(longest);
        let blocked = by_start
            .range((from, 0)..(c.range.end().max(c.range.start() + 1), 0))
            .any(|(&(_, i), ())| {
                let k: &Candidate = &kept[i];
                let same_scope = policy == OverlapPolicy::Longest || k.entity_type == c.entity_type;
                same_scope && k.range.overlaps(c.range) && k.range != c.range
                    || (k.range == c.range && k.entity_type == c.entity_type)
            });
        if !blocked {
            by_start.insert((c.range.start(), kept.len()), ());
            longest = longest.max(c.range.len());
            kept.push(c);
        }
    }
    kept
}
