//! Word-variant matching: the sieve between exact names and character trigrams.
//!
//! Exact lookup needs a name as a vocabulary writes it; character-trigram TF-IDF ranks by
//! shared letters, so `liver tumors` lands on `Neoplasms`, `renal lesions` on `Brain
//! Diseases` and `cataleptic` on `Cataplexy`. Between the two sits a short version of the
//! multi-pass sieve of D'Souza & Ng (*Sieve-based entity linking for the biomedical
//! domain*, ACL 2015): rewrite the mention by a few rules a curator would accept, and link
//! only when the rewritten mention equals a name.
//!
//! Every name and mention becomes a *bag of stems*: the words of its normalised key (case,
//! plurals and British spellings are already folded there), stop words dropped (`of`, `the`,
//! `in`...), organ adjectives and tumour words mapped to one form (`renal` → kidney,
//! `hepatic` → liver, `tumor`/`cancer` → neoplasm, `neurological` → nervous system), each
//! word reduced to its Snowball English stem, sorted. Word order does not matter, so
//! `cancer of the liver` meets `Liver Neoplasms`. A mention is looked up in passes, and the
//! first pass with a match decides:
//!
//! 1. the mention's words as written;
//! 2. adjectives read as nouns (`cataleptic` → catalepsy, `dystonic` → dystonia, `painful` →
//!    pain, `aneurysmal` → aneurysm, `edematous` → edema), every combination up to 64;
//!    A carcinoma of an organ may be read as the organ's neoplasm, as MeSH indexes it
//!    (`prostate carcinoma` → Prostatic Neoplasms);
//! 3. a generic head (`lesions`, `involvement`, `damage`, `dysfunction`, `impairment`,
//!    `abnormalities`, `illness`, `disorder`) read as `disease`: `renal lesions` → Kidney
//!    Diseases.
//!
//! In every pass a tumour stage in the mention (`stage II`, `stage II and stage III`) is
//! left out: `stage II colorectal cancer` → Colorectal Neoplasms.
//!
//! Tried and not kept: dropping any leading modifier (`primary`, `severe`, `familial`...) cost
//! more than it gained on BC5CDR dev (0.880 → 0.876), and a word-overlap
//! term in the TF-IDF ranking moved neither disease set beyond noise.
//!
//! The rules are morphology of disease names, so the linker builds this index for diseases
//! by default (`LinkerConfig::variant_types`).

use pubminer_lexicon::{EntityType, Lexicon, SynonymKind, Tags};
use pubminer_text::normalize::KeyBuilder;
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;

/// Words dropped from both sides.
const STOP_WORDS: &[&str] = &[
    "of", "the", "in", "a", "an", "with", "to", "on", "for", "by", "at", "from",
];

/// Words read as another form on both sides (before stemming).
const SYNONYMS: &[(&str, &[&str])] = &[
    ("renal", &["kidney"]),
    ("hepatic", &["liver"]),
    ("cardiac", &["heart"]),
    ("myocardial", &["heart"]),
    ("pulmonary", &["lung"]),
    ("gastric", &["stomach"]),
    ("cerebral", &["brain"]),
    ("cutaneous", &["skin"]),
    ("dermal", &["skin"]),
    ("ocular", &["eye"]),
    ("osseous", &["bone"]),
    ("splenic", &["spleen"]),
    ("tumor", &["neoplasm"]),
    ("cancer", &["neoplasm"]),
    ("neoplasia", &["neoplasm"]),
    ("neoplastic", &["neoplasm"]),
    ("neurological", &["nervous", "system"]),
    ("neurologic", &["nervous", "system"]),
];

/// Stems of the generic heads that pass 3 reads as `disease`.
const GENERIC_HEADS: &[&str] = &[
    "lesion",
    "involvement",
    "damage",
    "dysfunction",
    "impairment",
    "abnormality",
    "illness",
    "disorder",
    "problem",
];

/// Mention words that may stand for a broader name word (pass 2, mention side only): MeSH
/// indexes a carcinoma of an organ under the organ's neoplasms (`prostate carcinoma` →
/// Prostatic Neoplasms), while `Carcinoma` itself stays a name of its own.
const BROADER: &[(&str, &str)] = &[("carcinoma", "neoplasm"), ("adenocarcinoma", "neoplasm")];

/// Adjective endings and the noun endings they may stand for (pass 2).
const SUFFIXES: &[(&str, &[&str])] = &[
    ("atous", &["a"]),
    ("tic", &["sis", "sy", "sia"]),
    ("ical", &["y", ""]),
    ("ic", &["ia", "y", "e", "ism", ""]),
    ("ian", &["ism", "ia", ""]),
    ("al", &[""]),
    ("ful", &[""]),
    ("ous", &["", "y"]),
];

/// Combinations tried per pass at most.
const MAX_COMBINATIONS: usize = 64;

/// One name of an entry under a bag key.
#[derive(Clone, Copy, Debug)]
pub struct VariantHit {
    /// Lexicon entry index.
    pub entry: u32,
    /// The name (string reference into the lexicon).
    pub name: u32,
    /// The name's kind.
    pub kind: SynonymKind,
    /// The pass that matched (1, 2 or 3).
    pub pass: u8,
}

/// Bag-of-stems keys of every name of the selected types.
pub struct VariantIndex {
    map: FxHashMap<Box<str>, Vec<(u32, u32, SynonymKind)>>,
    bags: BagBuilder,
}

impl std::fmt::Debug for VariantIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VariantIndex")
            .field("keys", &self.map.len())
            .finish_non_exhaustive()
    }
}

/// Turns names into bags of stems.
struct BagBuilder {
    stemmer: Stemmer,
    synonyms: FxHashMap<&'static str, &'static [&'static str]>,
    generic: Vec<String>,
}

impl BagBuilder {
    fn new() -> Self {
        let stemmer = Stemmer::create(Algorithm::English);
        let generic = GENERIC_HEADS
            .iter()
            .map(|w| stemmer.stem(w).into_owned())
            .collect();
        Self {
            stemmer,
            synonyms: SYNONYMS.iter().copied().collect(),
            generic,
        }
    }

    /// The stems one key word contributes (several for `neurological`; none for a stop
    /// word).
    fn stems(&self, word: &str, out: &mut Vec<String>) {
        if STOP_WORDS.contains(&word) {
            return;
        }
        match self.synonyms.get(word) {
            Some(words) => out.extend(words.iter().map(|w| self.stemmer.stem(w).into_owned())),
            None => out.push(self.stemmer.stem(word).into_owned()),
        }
    }

    /// The bag of a normalised key.
    fn bag(&self, key: &str) -> Vec<String> {
        let mut out = Vec::new();
        for w in key.split(' ').filter(|w| !w.is_empty()) {
            self.stems(w, &mut out);
        }
        out.sort_unstable();
        out
    }

    /// Per word of the key, the stem lists it may stand for: as written first, then the
    /// nouns an adjective ending may stand for.
    fn options(&self, key: &str) -> Vec<Vec<Vec<String>>> {
        let mut out = Vec::new();
        for w in without_stages(key) {
            let mut stems = Vec::new();
            self.stems(w, &mut stems);
            if stems.is_empty() {
                continue;
            }
            let mut opts = vec![stems];
            if let Some((_, broader)) = BROADER.iter().find(|(narrow, _)| *narrow == w) {
                opts.push(vec![self.stemmer.stem(broader).into_owned()]);
            }
            if !self.synonyms.contains_key(w) {
                for (ending, nouns) in SUFFIXES {
                    let Some(root) = w.strip_suffix(ending) else {
                        continue;
                    };
                    if root.len() < 3 {
                        continue;
                    }
                    for noun in *nouns {
                        let word = format!("{root}{noun}");
                        let mut stems = Vec::new();
                        self.stems(&word, &mut stems);
                        if !stems.is_empty() && !opts.contains(&stems) {
                            opts.push(stems);
                        }
                    }
                }
            }
            out.push(opts);
        }
        out
    }
}

/// Whether a word is a tumour stage after `stage`: a roman numeral up to IV or a digit up
/// to 4, with an optional sub-stage letter (`ii`, `iiia`, `3b`, `0`).
fn is_stage_number(word: &str) -> bool {
    let numeral = word.trim_end_matches(['a', 'b', 'c']);
    matches!(
        numeral,
        "0" | "1" | "2" | "3" | "4" | "i" | "ii" | "iii" | "iv"
    ) && word.len() - numeral.len() <= 1
}

/// The words of a mention key without its tumour stages: `stage ii colorectal cancer` →
/// `colorectal cancer`, `stage ii and stage iii colorectal carcinoma` → `colorectal
/// carcinoma`. A stage is a property of the patient's tumour, not a different disease, and
/// MeSH names no disease by its stage.
fn without_stages(key: &str) -> Vec<&str> {
    let words: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
    let is_stage_at = |i: usize| {
        words.get(i) == Some(&"stage") && words.get(i + 1).is_some_and(|w| is_stage_number(w))
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if is_stage_at(i) {
            i += 2;
            // `stage ii and stage iii`, `stage ii or iii`.
            while matches!(words.get(i), Some(&("and" | "or" | "to")))
                && (is_stage_at(i + 1) || words.get(i + 1).is_some_and(|w| is_stage_number(w)))
            {
                i += if is_stage_at(i + 1) { 3 } else { 2 };
            }
            continue;
        }
        out.push(words[i]);
        i += 1;
    }
    out
}

fn join(bag: &[String]) -> String {
    bag.join(" ")
}

impl VariantIndex {
    /// Indexes every name of the non-obsolete entries of `types`.
    #[must_use]
    pub fn build(lexicon: &Lexicon, types: &[EntityType]) -> Self {
        let bags = BagBuilder::new();
        let mut keys = KeyBuilder::new();
        let mut map: FxHashMap<Box<str>, Vec<(u32, u32, SynonymKind)>> = FxHashMap::default();
        for entry in lexicon.entries() {
            if !types.contains(&entry.entity_type()) || entry.tags().contains(Tags::OBSOLETE) {
                continue;
            }
            for (i, (name, kind)) in entry.names().enumerate() {
                let bag = bags.bag(&keys.name_key(name));
                if bag.is_empty() {
                    continue;
                }
                let Some(name_ref) = lexicon.name_ref(entry.index(), i) else {
                    continue;
                };
                let slot = map.entry(join(&bag).into_boxed_str()).or_default();
                if !slot.iter().any(|&(e, _, _)| e == entry.index()) {
                    slot.push((entry.index(), name_ref, kind));
                }
            }
        }
        Self { map, bags }
    }

    /// Number of distinct bags.
    #[must_use]
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when nothing is indexed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The names whose bag equals the mention's under the first pass that finds any entry
    /// `accept` takes (see the module docs); `key` is the mention's normalised key. Mentions
    /// of more than six words are left to TF-IDF.
    #[must_use]
    pub fn search_key(&self, key: &str, accept: &dyn Fn(u32) -> bool) -> Vec<VariantHit> {
        let options = self.bags.options(key);
        if options.is_empty() || options.len() > 6 {
            return Vec::new();
        }
        let hits = |bag: &[String], pass: u8| -> Vec<VariantHit> {
            let mut bag = bag.to_vec();
            bag.sort_unstable();
            self.map
                .get(join(&bag).as_str())
                .map(|v| {
                    v.iter()
                        .filter(|&&(entry, _, _)| accept(entry))
                        .map(|&(entry, name, kind)| VariantHit {
                            entry,
                            name,
                            kind,
                            pass,
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        // Pass 1: as written.
        let written: Vec<String> = options.iter().flat_map(|o| o[0].clone()).collect();
        let found = hits(&written, 1);
        if !found.is_empty() {
            return found;
        }
        // Pass 2: adjectives as nouns. Pass 3: generic heads as `disease`, on every
        // combination of pass 2.
        let combos = combinations(&options);
        let mut found: Vec<VariantHit> = Vec::new();
        for combo in combos.iter().skip(1) {
            found.extend(hits(combo, 2));
        }
        if !found.is_empty() {
            return dedup(found);
        }
        let disease = self.bags.stemmer.stem("disease").into_owned();
        for combo in &combos {
            if !combo.iter().any(|s| self.bags.generic.contains(s)) {
                continue;
            }
            let replaced: Vec<String> = combo
                .iter()
                .map(|s| {
                    if self.bags.generic.contains(s) {
                        disease.clone()
                    } else {
                        s.clone()
                    }
                })
                .collect();
            found.extend(hits(&replaced, 3));
        }
        dedup(found)
    }
}

/// Every combination of the per-word options (the first is the mention as written), at
/// most [`MAX_COMBINATIONS`]; when there would be more, only the mention as written.
fn combinations(options: &[Vec<Vec<String>>]) -> Vec<Vec<String>> {
    let total = options
        .iter()
        .try_fold(1usize, |n, o| n.checked_mul(o.len()))
        .unwrap_or(usize::MAX);
    if total > MAX_COMBINATIONS {
        return vec![options.iter().flat_map(|o| o[0].clone()).collect()];
    }
    let mut out: Vec<Vec<String>> = vec![Vec::new()];
    for word in options {
        let mut next = Vec::with_capacity(out.len() * word.len());
        for prefix in &out {
            for stems in word {
                let mut v = prefix.clone();
                v.extend(stems.iter().cloned());
                next.push(v);
            }
        }
        out = next;
    }
    out
}

fn dedup(mut hits: Vec<VariantHit>) -> Vec<VariantHit> {
    let mut seen = rustc_hash::FxHashSet::default();
    hits.retain(|h| seen.insert(h.entry));
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use pubminer_lexicon::{Concept, Synonym};

    fn lexicon() -> Lexicon {
        let d = EntityType::Disease;
        let mut liver = Concept::new("MESH:D008113", "Liver Neoplasms", d, "mesh");
        liver
            .synonyms
            .push(Synonym::new("Hepatic Neoplasms", SynonymKind::Exact));
        let kidney = Concept::new("MESH:D007674", "Kidney Diseases", d, "mesh");
        let prostate = Concept::new("MESH:D011471", "Prostatic Neoplasms", d, "mesh");
        let catalepsy = Concept::new("MESH:D002375", "Catalepsy", d, "mesh");
        let cataplexy = Concept::new("MESH:D002385", "Cataplexy", d, "mesh");
        let ns = Concept::new("MESH:D009422", "Nervous System Diseases", d, "mesh");
        let gene = Concept::new("HGNC:1", "kidney disease gene", EntityType::Gene, "hgnc");
        Lexicon::from_concepts(vec![
            liver, kidney, prostate, catalepsy, cataplexy, ns, gene,
        ])
        .unwrap()
    }

    fn ids(lex: &Lexicon, index: &VariantIndex, text: &str) -> Vec<(String, u8)> {
        let key = KeyBuilder::new().name_key(text);
        index
            .search_key(&key, &|_| true)
            .iter()
            .map(|h| (lex.entry(h.entry).unwrap().id().to_owned(), h.pass))
            .collect()
    }

    #[test]
    fn rewrites_a_curator_would_accept() {
        let lex = lexicon();
        let index = VariantIndex::build(&lex, &[EntityType::Disease]);
        let one = |id: &str, pass: u8| vec![(id.to_owned(), pass)];
        // Organ adjective, tumour word, word order and stop words.
        assert_eq!(ids(&lex, &index, "liver tumours"), one("MESH:D008113", 1));
        assert_eq!(
            ids(&lex, &index, "cancer of the liver"),
            one("MESH:D008113", 1)
        );
        assert_eq!(ids(&lex, &index, "renal diseases"), one("MESH:D007674", 1));
        // An adjective read as its noun: catalepsy, not cataplexy.
        assert_eq!(ids(&lex, &index, "cataleptic"), one("MESH:D002375", 2));
        // A carcinoma of an organ as the organ's neoplasm.
        assert_eq!(
            ids(&lex, &index, "prostate carcinomas"),
            one("MESH:D011471", 2)
        );
        // Tumour stages are not part of the disease; other uses of `stage` are.
        assert_eq!(
            ids(&lex, &index, "stage II and stage IIIA liver cancers"),
            one("MESH:D008113", 1)
        );
        assert_eq!(
            ids(&lex, &index, "stage 4 liver tumour"),
            one("MESH:D008113", 1)
        );
        assert!(ids(&lex, &index, "end stage renal disease").is_empty());
        assert!(ids(&lex, &index, "stage V liver cancer").is_empty());
        // A generic head read as disease.
        assert_eq!(ids(&lex, &index, "renal lesions"), one("MESH:D007674", 3));
        assert_eq!(
            ids(&lex, &index, "neurological dysfunction"),
            one("MESH:D009422", 3)
        );
        // Nothing that is not a rewrite of a name; genes are not indexed here.
        assert!(ids(&lex, &index, "liver").is_empty());
        assert!(ids(&lex, &index, "kidney disease gene").is_empty());
        assert!(ids(&lex, &index, "renal").is_empty());
        assert!(ids(&lex, &index, "").is_empty());
    }

    #[test]
    fn combinations_are_bounded() {
        let w = |n: usize| -> Vec<Vec<String>> { (0..n).map(|i| vec![i.to_string()]).collect() };
        assert_eq!(combinations(&[w(2), w(3)]).len(), 6);
        // 5^3 = 125 > 64: only the text as written.
        assert_eq!(combinations(&[w(5), w(5), w(5)]), vec![vec!["0"; 3]]);
    }
}
