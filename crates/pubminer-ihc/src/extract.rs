//! Profile extraction.
//!
//! For each sentence of the abstract: find the count expressions ([`crate::counts`]), the
//! markers and the tumour types, and attach each count to the marker and tumour it is about:
//!
//! - the nearest marker and tumour in the sentence (a tumour right after the count is
//!   preferred: `24/27 (89%) Merkel cell carcinomas`), else the document's only marker, or
//!   the marker of the previous sentence;
//! - `respectively` and parallel lists (`desmin, SMA, MSA and HCD ... in 28, 30, 29 and 29 of 30
//!   leiomyosarcomas`) pair in order;
//! - totals stated elsewhere (`We examined 73 IMTs, 20 cases of nodular fasciitis...`,
//!   `urothelial carcinoma, 20`) complete numerators (`14 (70%)`), percentages (when exactly
//!   one integer reproduces the printed percentage) and `all` / `none of` statements;
//! - a count of the negative state (`entirely negative in 94.1% (32/34)`, `absent in two`) is
//!   converted to positives;
//! - sentences about FISH, PCR, sequencing, flow cytometry or in situ hybridisation without
//!   immunohistochemistry, and figures of sensitivity, specificity, survival or age, give no
//!   profile;
//! - case reports give 1/1 (or 0/1) for each marker stated positive (negative);
//! - tumour types the document abbreviates and no vocabulary names (`smooth muscle tumor of
//!   uncertain malignant potential (STUMP)`) are tumours wherever the short form is used, and
//!   `primary tumors of breast, prostate, kidney and liver` is one type per organ;
//! - a double stain (`CK5/P63`) is no profile of either marker; `positive for CK5 and P63
//!   each` and `all the tumours were ER, PR and HER2 negative` give every listed marker;
//! - of several counts for one marker, tumour type (as written) and series, the one with most
//!   positives is the profile: a subgroup (`strong in 10 of 50`, `60% of them`) has fewer.
//!
//! Every profile keeps its sentence and the rule that read it.

use std::collections::HashMap;
use std::sync::Arc;

use pubminer_core::Document;
use pubminer_lexicon::{EntityType, Lexicon, Tags};
use pubminer_ner::{DictionaryTagger, OverlapPolicy, TaggerConfig};
use pubminer_text::normalize::KeyBuilder;
use pubminer_text::sentence::split_sentences;

use crate::counts::{Atom, Count, Spanned, agrees, atoms, find_counts, numerator_from_percent};
use crate::markers::MarkerLexicon;
use crate::model::Profile;

/// A marker occurrence.
#[derive(Clone, Debug)]
struct MarkerOcc {
    passage: usize,
    start: usize,
    end: usize,
    text: String,
    /// Concept key: HGNC id or IHC concept, else the normalised text.
    id: Option<String>,
    symbol: Option<String>,
    /// From the curated IHC marker list (else a gene of the main lexicon).
    curated: bool,
    /// Half of a double stain written `CK5/P63`: counts of the combined stain are no
    /// profile of either marker.
    combined: bool,
}

impl MarkerOcc {
    fn key(&self) -> String {
        self.id.clone().unwrap_or_else(|| self.text.to_lowercase())
    }
}

/// A tumour-type occurrence.
#[derive(Clone, Debug)]
struct TumourOcc {
    passage: usize,
    start: usize,
    end: usize,
    /// As written, or the long form of an abbreviation.
    text: String,
    id: Option<String>,
    site: Option<(String, Option<String>)>,
}

/// What extraction found in one document, beyond the profiles: facts the classifier uses.
#[derive(Clone, Debug, Default)]
pub struct Found {
    /// The profiles.
    pub profiles: Vec<Profile>,
    /// Distinct markers mentioned.
    pub markers: usize,
    /// Distinct tumour types mentioned.
    pub tumours: usize,
    /// The text mentions immunohistochemistry (or immunostaining, immunoreactivity).
    pub ihc_context: bool,
    /// The document reads as a case report of one or two patients.
    pub case_report: bool,
    /// Count expressions seen anywhere (for "counts without a marker" reasons).
    pub counts_seen: usize,
}

/// Extracts IHC profiles.
pub struct Extractor {
    lexicon: Arc<Lexicon>,
    tagger: DictionaryTagger,
    markers: MarkerLexicon,
    /// Print each sentence's markers, tumours and counts to stderr (`PUBMINER_IHC_TRACE=1`),
    /// to see why a profile was or was not read.
    trace: bool,
}

impl std::fmt::Debug for Extractor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Extractor").finish_non_exhaustive()
    }
}

const TUMOUR_HEADS: [&str; 22] = [
    "tumor",
    "tumour",
    "carcinoma",
    "sarcoma",
    "lymphoma",
    "melanoma",
    "neoplasm",
    "adenoma",
    "mesothelioma",
    "leiomyoma",
    "blastoma",
    "nevus",
    "nevi",
    "naevus",
    "naevi",
    "cancer",
    "leukemia",
    "leukaemia",
    "histiocytosis",
    "fibromatosis",
    "fasciitis",
    "thymoma",
];

const NON_IHC: [&str; 14] = [
    "fish",
    "in situ hybridization",
    "in situ hybridisation",
    "amplification",
    "pcr",
    "sequencing",
    "flow cytometry",
    "mrna",
    "rearrangement",
    "copy number",
    "eber",
    "western blot",
    "microarray analysis",
    "methylation",
];

const NOT_POSITIVITY: [&str; 26] = [
    "sensitivity",
    "specificity",
    "predictive value",
    "ppv",
    "npv",
    "accuracy",
    "kappa",
    "survival",
    "years",
    "year",
    "months",
    "age",
    "median",
    "mean",
    "hazard",
    "odds",
    "ratio",
    "ci",
    "men",
    "women",
    "male",
    "female",
    "died",
    "follow-up",
    "involvement",
    "recurrence",
];

/// Words that say a document reports immunohistochemistry.
const IHC_CUES: [&str; 6] = [
    "immunohisto",
    "immunostain",
    "immunoreactiv",
    "ihc",
    "immunoexpression",
    "immunolabel",
];

fn is_tumour_head(word: &str) -> bool {
    let w = word.to_lowercase();
    TUMOUR_HEADS.iter().any(|h| w.starts_with(h))
        || (w.len() > 5 && (w.ends_with("oma") || w.ends_with("omas")))
}

impl Extractor {
    /// An extractor over `lexicon` (genes for markers not in the curated list, diseases for
    /// tumour types, anatomy for sites) and the built-in marker list.
    #[must_use]
    pub fn new(lexicon: Arc<Lexicon>) -> Self {
        let config = TaggerConfig {
            types: Some(vec![
                EntityType::Gene,
                EntityType::Disease,
                EntityType::Anatomy,
            ]),
            overlap: OverlapPolicy::LongestPerType,
            ..TaggerConfig::default()
        };
        Self {
            tagger: DictionaryTagger::new(Arc::clone(&lexicon), config),
            lexicon,
            markers: MarkerLexicon::builtin(),
            trace: std::env::var_os("PUBMINER_IHC_TRACE").is_some_and(|v| v == "1"),
        }
    }

    /// The curated marker list.
    #[must_use]
    pub fn markers(&self) -> &MarkerLexicon {
        &self.markers
    }

    /// The HGNC id of a symbol, through the lexicon.
    fn hgnc_id(&self, symbol: &str) -> Option<String> {
        let key = KeyBuilder::new().name_key(symbol);
        self.lexicon.lookup_key(&key).find_map(|p| {
            let e = self.lexicon.entry(p.entry)?;
            (e.id().starts_with("HGNC:") && e.name() == symbol).then(|| e.id().to_owned())
        })
    }

    /// The best concept id of a tumour entry: its OncoTree code when merged, else its id.
    fn tumour_id(&self, link_id: &str) -> Option<String> {
        let e = self.lexicon.find_id(link_id)?;
        let oncotree = std::iter::once(e.id())
            .chain(e.xrefs())
            .find(|x| x.starts_with("ONCOTREE:"))
            .map(str::to_owned);
        Some(oncotree.unwrap_or_else(|| e.id().to_owned()))
    }

    /// Fills the ids of a profile whose names came from elsewhere (an LLM's table): the marker
    /// through the curated list, then HGNC symbols and aliases; the tumour type and site
    /// through the lexicon's disease and anatomy names. Names that match nothing stay NIL.
    pub fn normalise(&self, profile: &mut Profile) {
        let mut keys = KeyBuilder::new();
        if let Some(i) = self.markers.lookup(&profile.marker) {
            let m = &self.markers.markers()[i];
            profile.marker_symbol = m.symbol().map(str::to_owned);
            profile.marker_id = match m.symbol() {
                Some(sym) => self
                    .hgnc_id(sym)
                    .or_else(|| Some(format!("HGNC-SYMBOL:{sym}"))),
                None => Some(m.target.clone()),
            };
        } else {
            let key = keys.name_key(&profile.marker);
            let gene = self.lexicon.lookup_key(&key).find_map(|p| {
                let e = self.lexicon.entry(p.entry)?;
                e.id()
                    .starts_with("HGNC:")
                    .then(|| (e.id().to_owned(), e.name().to_owned()))
            });
            if let Some((id, symbol)) = gene {
                profile.marker_id = Some(id);
                profile.marker_symbol = Some(symbol);
            }
        }
        let find = |keys: &mut KeyBuilder, name: &str, accept: &dyn Fn(&str, Tags) -> bool| {
            let key = keys.name_key(name);
            self.lexicon.lookup_key(&key).find_map(|p| {
                let e = self.lexicon.entry(p.entry)?;
                accept(e.id(), e.tags()).then(|| e.id().to_owned())
            })
        };
        let tumour =
            |id: &str, tags: Tags| tags.contains(Tags::NEOPLASM) || id.starts_with("ONCOTREE:");
        if profile.tumour_id.is_none() {
            let singular = profile.tumour_type.trim_end_matches('s').to_owned();
            profile.tumour_id = find(&mut keys, &profile.tumour_type, &tumour)
                .or_else(|| find(&mut keys, &singular, &tumour))
                .and_then(|id| self.tumour_id(&id));
        }
        if profile.site_id.is_none()
            && let Some(site) = profile.site.clone()
        {
            profile.site_id = find(&mut keys, &site, &|id, _| id.starts_with("UBERON:"));
        }
    }

    /// The tumour concept a name (a long form) names exactly, if any.
    fn tumour_id_of_name(&self, name: &str) -> Option<String> {
        let key = KeyBuilder::new().name_key(name);
        self.lexicon
            .lookup_key(&key)
            .find_map(|p| {
                let e = self.lexicon.entry(p.entry)?;
                (e.tags().contains(Tags::NEOPLASM) || e.id().starts_with("ONCOTREE:"))
                    .then(|| e.id().to_owned())
            })
            .and_then(|id| self.tumour_id(&id))
    }

    fn is_neoplasm(&self, link_id: &str) -> bool {
        self.lexicon
            .find_id(link_id)
            .is_some_and(|e| e.tags().contains(Tags::NEOPLASM))
    }

    /// Extracts the profiles of `doc` (title and abstract passages).
    #[must_use]
    pub fn extract(&self, doc: &Document) -> Found {
        // Most of PubMed never mentions immunohistochemistry: those documents are not tagged
        // (the classifier excludes them on `ihc_context` alone).
        let has_cue = |t: &str| {
            let l = t.to_ascii_lowercase();
            IHC_CUES.iter().any(|c| l.contains(c))
        };
        if !doc.passages.iter().any(|p| has_cue(p.text())) {
            return Found::default();
        }
        let mut tagged = doc.clone();
        tagged.mentions.clear();
        tagged.abbreviations.clear();
        self.tagger.tag(&mut tagged);
        let texts: Vec<&str> = tagged.passages.iter().map(|p| p.text()).collect();
        let all_text = texts.join(" ");
        let lower = all_text.to_ascii_lowercase();
        let mut found = Found {
            ihc_context: true,
            ..Found::default()
        };

        // Markers: curated first, then genes from the lexicon that do not overlap them.
        let mut markers: Vec<MarkerOcc> = Vec::new();
        for (p, text) in texts.iter().enumerate() {
            for hit in self.markers.find(text) {
                let m = &self.markers.markers()[hit.marker];
                let id = match m.symbol() {
                    Some(sym) => self
                        .hgnc_id(sym)
                        .or_else(|| Some(format!("HGNC-SYMBOL:{sym}"))),
                    None => Some(m.target.clone()),
                };
                markers.push(MarkerOcc {
                    passage: p,
                    start: hit.start,
                    end: hit.end,
                    text: text[hit.start..hit.end].to_owned(),
                    id,
                    symbol: m.symbol().map(str::to_owned),
                    curated: true,
                    combined: false,
                });
            }
        }
        for m in &tagged.mentions {
            if m.entity_type != "Gene" {
                continue;
            }
            let (s, e) = (m.range.start() as usize, m.range.end() as usize);
            let p = m.passage as usize;
            if markers
                .iter()
                .any(|x| x.passage == p && x.start < e && s < x.end)
            {
                continue;
            }
            let Some(link) = m.links.first() else {
                continue;
            };
            // Only single genes with an HGNC id make markers from the main lexicon.
            if !link.id.starts_with("HGNC:") {
                continue;
            }
            markers.push(MarkerOcc {
                passage: p,
                start: s,
                end: e,
                text: m.text.clone(),
                id: Some(link.id.clone()),
                symbol: link.name.clone(),
                curated: false,
                combined: false,
            });
        }
        markers.sort_by_key(|m| (m.passage, m.start));
        // Double stains: two different markers joined by a slash (`CK5/P63`, `CK7/CK20`);
        // one concept written twice (`CD117/c-kit`) is one marker.
        for i in 1..markers.len() {
            let (a, b) = (&markers[i - 1], &markers[i]);
            if a.passage == b.passage
                && a.end + 1 == b.start
                && texts[a.passage].as_bytes().get(a.end) == Some(&b'/')
                && a.key() != b.key()
            {
                markers[i - 1].combined = true;
                markers[i].combined = true;
            }
        }

        // Abbreviations defined in the document: `IMTs` and `SCC` are written out in full.
        let span_text = |sp: &pubminer_core::Span| -> Option<&str> {
            let t = texts.get(sp.passage as usize)?;
            t.get(sp.range.start() as usize..sp.range.end() as usize)
        };
        let long_forms: Vec<(&str, &str)> = tagged
            .abbreviations
            .iter()
            .filter_map(|a| Some((span_text(&a.short)?, span_text(&a.long)?)))
            .collect();
        let long_form_of = |written: &str| -> Option<String> {
            let singular = written.strip_suffix('s').unwrap_or(written);
            long_forms
                .iter()
                .find(|(short, _)| *short == written || *short == singular)
                .map(|(_, long)| (*long).to_owned())
        };
        // Gene mentions that are words of the sentence (`and 1` read as the alias `AND-1`),
        // or a letter and a digit (`B2`, `A1`: subtypes and grades far more often than the
        // immunoglobulin genes that have them as aliases).
        const FUNCTION_WORDS: [&str; 12] = [
            "and", "or", "of", "in", "the", "with", "to", "for", "as", "by", "at", "a",
        ];
        markers.retain(|m| {
            let b = m.text.as_bytes();
            let letter_digit = b.len() == 2 && b[0].is_ascii_alphabetic() && b[1].is_ascii_digit();
            let function_word = m
                .text
                .split_whitespace()
                .next()
                .is_some_and(|w| FUNCTION_WORDS.contains(&w));
            m.curated || !(letter_digit || function_word)
        });

        // A gene alias that the document defines as a tumour (`SCC` = small cell carcinoma,
        // also as `SCCs`) is that tumour.
        let mut tumours: Vec<TumourOcc> = Vec::new();
        markers.retain(|m| {
            if m.curated {
                return true;
            }
            match long_form_of(&m.text) {
                Some(long)
                    if long
                        .split(|c: char| !c.is_alphanumeric())
                        .any(is_tumour_head) =>
                {
                    tumours.push(TumourOcc {
                        passage: m.passage,
                        start: m.start,
                        end: m.end,
                        text: long,
                        id: None,
                        site: None,
                    });
                    false
                }
                _ => true,
            }
        });

        // Tumours: neoplasm mentions (and abbreviations of them), with a nested site.
        for m in &tagged.mentions {
            if m.entity_type != "Disease" {
                continue;
            }
            let Some(link) = m.links.first() else {
                continue;
            };
            let head_ok = m
                .text
                .split(|c: char| !c.is_alphanumeric())
                .any(is_tumour_head)
                || m.long_form
                    .as_deref()
                    .is_some_and(|l| l.split(' ').any(is_tumour_head));
            // Processes are no tumour types, though MeSH files `carcinogenesis` among the
            // neoplastic processes.
            let process = m.text.to_ascii_lowercase().ends_with("genesis");
            if process || !self.is_neoplasm(&link.id) && !head_ok {
                continue;
            }
            let p = m.passage as usize;
            let (s, e) = (m.range.start() as usize, m.range.end() as usize);
            if markers
                .iter()
                .any(|x| x.curated && x.passage == p && x.start <= s && e <= x.end)
            {
                continue; // `GIST` inside a marker name, `ALK` lymphoma kinase...
            }
            let site = tagged
                .mentions
                .iter()
                .find(|a| {
                    a.entity_type == "Anatomy"
                        && a.passage == m.passage
                        && m.range.contains_range(a.range)
                })
                .map(|a| (a.text.clone(), a.links.first().map(|l| l.id.clone())));
            tumours.push(TumourOcc {
                passage: p,
                start: s,
                end: e,
                text: m
                    .long_form
                    .clone()
                    .or_else(|| long_form_of(&m.text))
                    .unwrap_or_else(|| m.text.clone()),
                id: self.tumour_id(&link.id),
                site,
            });
        }
        // Adjacent mentions are one tumour type: `desmoid` + `fibromatoses`.
        tumours.sort_by_key(|t| (t.passage, t.start));
        let mut merged: Vec<TumourOcc> = Vec::with_capacity(tumours.len());
        for t in tumours {
            if let Some(prev) = merged.last_mut()
                && prev.passage == t.passage
                && prev.end < t.start
                && texts[t.passage]
                    .get(prev.end..t.start)
                    .is_some_and(|gap| gap == " ")
                && prev.text == texts[t.passage][prev.start..prev.end]
            {
                prev.end = t.end;
                prev.text = texts[t.passage][prev.start..prev.end].to_owned();
                prev.id = t.id.or(prev.id.take());
                if prev.site.is_none() {
                    prev.site = t.site;
                }
                continue;
            }
            merged.push(t);
        }
        let mut tumours = merged;
        // Tumour types that the document abbreviates and no vocabulary names (`smooth muscle
        // tumor of uncertain malignant potential (STUMP)`): the whole long form where it is
        // defined, and every later use of the short form.
        let short_forms: Vec<&str> = tagged
            .abbreviations
            .iter()
            .filter_map(|a| span_text(&a.short))
            .collect();
        for a in &tagged.abbreviations {
            let (Some(short), Some(long)) = (span_text(&a.short), span_text(&a.long)) else {
                continue;
            };
            if !names_a_tumour(long)
                || short
                    .split(|c: char| !c.is_alphanumeric())
                    .any(is_tumour_head)
            {
                continue;
            }
            let lp = a.long.passage as usize;
            let (ls, le) = (a.long.range.start() as usize, a.long.range.end() as usize);
            let inside = |t: &TumourOcc| t.passage == lp && ls <= t.start && t.end <= le;
            let crosses = |t: &TumourOcc| t.passage == lp && t.start < le && ls < t.end;
            // A mention that holds the long form (`lung adenocarcinomas (ADC)`, where the
            // long form is `adenocarcinomas`) is the tumour the short form names.
            let holder = tumours
                .iter()
                .find(|t| t.passage == lp && t.start <= ls && le <= t.end)
                .cloned();
            // Otherwise the long form is the tumour, where the vocabulary's mentions lie
            // inside it (a mention across its edge is a reading of its own, and stands).
            if holder.is_none() && tumours.iter().any(|t| crosses(t) && !inside(t)) {
                continue;
            }
            let (name, mut id) = match &holder {
                Some(t) => (t.text.clone(), t.id.clone()),
                None => (long.to_owned(), self.tumour_id_of_name(long)),
            };
            if holder.is_none() {
                let site = tumours
                    .iter()
                    .filter(|t| inside(t))
                    .find_map(|t| t.site.clone());
                let inner_id = tumours
                    .iter()
                    .filter(|t| inside(t))
                    .max_by_key(|t| t.end - t.start)
                    .and_then(|t| t.id.clone());
                id = id.or(inner_id);
                tumours.retain(|t| !inside(t));
                tumours.push(TumourOcc {
                    passage: lp,
                    start: ls,
                    end: le,
                    text: name.clone(),
                    id: id.clone(),
                    site,
                });
            }
            for (p, text) in texts.iter().enumerate() {
                for (s, e) in word_occurrences(text, short) {
                    // `LMS` is not the plural of `LM` when the document defines both.
                    if e - s > short.len() && short_forms.contains(&&text[s..e]) {
                        continue;
                    }
                    let taken = tumours
                        .iter()
                        .any(|t| t.passage == p && t.start < e && s < t.end)
                        || markers
                            .iter()
                            .any(|m| m.passage == p && m.start < e && s < m.end);
                    if !taken {
                        tumours.push(TumourOcc {
                            passage: p,
                            start: s,
                            end: e,
                            text: name.clone(),
                            id: id.clone(),
                            site: None,
                        });
                    }
                }
            }
        }
        tumours.sort_by_key(|t| (t.passage, t.start));
        // A gene name that is also a tumour mention (`OSA` defined as osteosarcoma) is the
        // tumour: only curated marker names outrank tumour mentions.
        markers.retain(|m| {
            m.curated
                || !tumours
                    .iter()
                    .any(|t| t.passage == m.passage && t.start < m.end && m.start < t.end)
        });
        // Noun phrases ending in a tumour word that no vocabulary names
        // (`non-osteogenic bone tumors`, `primary tumors`).
        for (p, text) in texts.iter().enumerate() {
            for (s, e) in head_phrases(text) {
                let overlaps = |t: &TumourOcc| t.passage == p && t.start < e && s < t.end;
                // A generic word inside the phrase gives way to it: `cancer` in
                // `extrahepatic biliary cancer`.
                if tumours
                    .iter()
                    .any(|t| overlaps(t) && !(is_generic(&t.text) && s <= t.start && t.end <= e))
                {
                    continue;
                }
                tumours.retain(|t| !overlaps(t));
                tumours.push(TumourOcc {
                    passage: p,
                    start: s,
                    end: e,
                    text: text[s..e].to_owned(),
                    id: None,
                    site: None,
                });
            }
        }
        // `primary tumors of breast, prostate, kidney and liver`: one tumour type per organ.
        for (p, text) in texts.iter().enumerate() {
            for list in organ_lists(text) {
                let (s, e) = (list.start, list.items.last().map_or(list.start, |i| i.1));
                tumours.retain(|t| !(t.passage == p && t.start < e && s < t.end));
                let head = &text[list.start..list.head_end];
                for &(is, ie) in &list.items {
                    let site = tagged
                        .mentions
                        .iter()
                        .find(|a| {
                            a.entity_type == "Anatomy"
                                && a.passage as usize == p
                                && a.range.start() as usize <= is
                                && ie <= a.range.end() as usize
                        })
                        .map(|a| (a.text.clone(), a.links.first().map(|l| l.id.clone())))
                        .or_else(|| Some((text[is..ie].to_owned(), None)));
                    tumours.push(TumourOcc {
                        passage: p,
                        start: is,
                        end: ie,
                        text: format!("{head} of {}", &text[is..ie]),
                        id: None,
                        site,
                    });
                }
            }
        }
        tumours.sort_by_key(|t| (t.passage, t.start));

        let mut keys = KeyBuilder::new();
        let distinct_markers: std::collections::BTreeSet<String> =
            markers.iter().map(MarkerOcc::key).collect();
        found.markers = distinct_markers.len();
        let distinct_tumours: std::collections::BTreeSet<String> =
            tumours.iter().map(|t| keys.name_key(&t.text)).collect();
        found.tumours = distinct_tumours.len();

        // Case report?
        found.case_report = doc.meta.has_publication_type("D002363")
            || lower.contains("case report")
            || lower.contains("we report a case")
            || lower.contains("we present a case")
            || lower.contains("we describe a case")
            || reported_patients(&lower).is_some()
            || (lower.contains("year-old") && !lower.contains("patients"));
        let patients = reported_patients(&lower).unwrap_or(1);
        // The diagnosis of a case report: a tumour named where the diagnosis is stated.
        let diagnosis: Option<TumourOcc> = texts
            .iter()
            .enumerate()
            .flat_map(|(p, text)| {
                split_sentences(text)
                    .into_iter()
                    .map(move |s| (p, s.start() as usize, s.end() as usize))
            })
            .filter(|(p, ss, se)| {
                let l = texts[*p][*ss..*se].to_ascii_lowercase();
                ["diagnosis of", "diagnosed", "consistent with"]
                    .iter()
                    .any(|c| l.contains(c))
            })
            .flat_map(|(p, ss, se)| {
                tumours
                    .iter()
                    .filter(move |t| t.passage == p && t.start >= ss && t.end <= se)
            })
            .max_by_key(|t| t.end - t.start)
            .cloned();

        // Group sizes: `73 IMTs`, `20 cases of nodular fasciitis`, `urothelial carcinoma, 20`.
        let mut groups: Vec<(String, u32)> = Vec::new();
        for t in &tumours {
            let text = texts[t.passage];
            if let Some(n) =
                number_before(text, t.start).or_else(|| number_after_comma(text, t.end))
            {
                let key = keys.name_key(&t.text);
                if !groups.iter().any(|(k, _)| *k == key) {
                    groups.push((key, n));
                }
            }
        }
        let group_of = |keys: &mut KeyBuilder, text: &str| -> Option<u32> {
            let key = keys.name_key(text);
            groups
                .iter()
                .find(|(k, _)| *k == key)
                .or_else(|| {
                    groups
                        .iter()
                        .find(|(k, _)| k.starts_with(&key) || key.starts_with(k.as_str()))
                })
                .or_else(|| {
                    let stem = stem_key(&key);
                    groups.iter().find(|(k, _)| stem_key(k) == stem)
                })
                .or_else(|| {
                    // `adenocarcinomas` (ADC) for the only group `lung adenocarcinomas`.
                    let tail = format!(" {key}");
                    let mut ending = groups.iter().filter(|(k, _)| k.ends_with(&tail));
                    match (ending.next(), ending.next()) {
                        (Some(g), None) => Some(g),
                        _ => None,
                    }
                })
                .map(|(_, n)| *n)
        };

        let only_marker = (distinct_markers.len() == 1).then(|| markers[0].clone());
        // The document's tumour type, for counts and statements that name none or only
        // `tumors`.
        let doc_tumour = main_tumour(&tumours, &mut keys);
        let mut last_marker: Option<MarkerOcc> = None;
        let mut profiles: Vec<Profile> = Vec::new();

        for (p, text) in texts.iter().enumerate() {
            for sentence in split_sentences(text) {
                let (ss, se) = (sentence.start() as usize, sentence.end() as usize);
                let stext = &text[ss..se];
                // ASCII lower-casing keeps byte offsets, so spans of `stext` index `slower`.
                let slower = stext.to_ascii_lowercase();
                let sm: Vec<&MarkerOcc> = markers
                    .iter()
                    .filter(|m| m.passage == p && m.start >= ss && m.end <= se)
                    .collect();
                let st: Vec<&TumourOcc> = tumours
                    .iter()
                    .filter(|t| t.passage == p && t.start >= ss && t.end <= se)
                    .collect();
                let ihc_here = [
                    "immunohisto",
                    "immunostain",
                    "immunoreactiv",
                    "ihc",
                    "stain",
                    "express",
                    "positiv",
                    "negativ",
                ]
                .iter()
                .any(|c| slower.contains(c));
                let non_ihc = NON_IHC.iter().any(|c| contains_word(&slower, c))
                    && ![
                        "immunohisto",
                        "ihc",
                        "immunostain",
                        "immunoreactiv",
                        "overexpression",
                    ]
                    .iter()
                    .any(|c| slower.contains(c));
                let a = atoms(stext);
                let counts = find_counts(&a);
                if self.trace {
                    eprintln!("[ihc] {}: {stext:?}", doc.id);
                    eprintln!(
                        "[ihc]   markers {:?}",
                        sm.iter().map(|m| (&m.text, &m.id)).collect::<Vec<_>>()
                    );
                    eprintln!(
                        "[ihc]   tumours {:?}",
                        st.iter().map(|t| (&t.text, &t.id)).collect::<Vec<_>>()
                    );
                    eprintln!(
                        "[ihc]   counts {:?}",
                        counts
                            .iter()
                            .map(|c| (c.x, c.y, c.percent, &stext[c.range.clone()]))
                            .collect::<Vec<_>>()
                    );
                }
                found.counts_seen += counts.len();
                let marker_for =
                    |at: usize, sm: &[&MarkerOcc], last: &Option<MarkerOcc>| -> Option<MarkerOcc> {
                        nearest(
                            sm.iter().map(|m| (m.start - ss, m.end - ss, *m)),
                            at..at,
                            1.0,
                            1.4,
                        )
                        .cloned()
                        .or_else(|| last.clone())
                        .or_else(|| only_marker.clone())
                    };
                // The tumour nearest to the bytes `from..to` (a count): measured from the
                // count's start to a tumour before it and from its end to one after it.
                let tumour_for = |from: usize, to: usize, st: &[&TumourOcc]| -> Option<TumourOcc> {
                    nearest(
                        st.iter().map(|t| (t.start - ss, t.end - ss, *t)),
                        from..to,
                        1.3,
                        1.0,
                    )
                    .cloned()
                };
                // The markers a count or statement can be about: not halves of double stains.
                let single: Vec<&MarkerOcc> = sm.iter().copied().filter(|m| !m.combined).collect();
                if non_ihc && counts.is_empty()
                    || counts.is_empty()
                        && !slower.contains("all ")
                        && !slower.contains("none")
                        && no_staining(&slower).is_none()
                        && (found.case_report || negative_for(&slower).is_none())
                        && !slower.contains("absent")
                {
                    if let Some(m) = single.last() {
                        last_marker = Some((*m).clone());
                    }
                    if !found.case_report || non_ihc {
                        continue;
                    }
                }

                // Parallel lists: `desmin, SMA, MSA and HCD ... 28, 30, 29, and 29 of 30 LMS`.
                let list = number_list(&a);
                let distinct_sm = dedupe_markers(&sm);
                if let Some((values, shared_total, list_end)) = &list
                    && distinct_sm.len() == values.len()
                    && values.len() >= 2
                {
                    let at = a.get(*list_end - 1).map_or(0, |x| x.range.end);
                    if let Some(t) = tumour_for(at, at, &st) {
                        let total = shared_total.or_else(|| group_of(&mut keys, &t.text));
                        for (m, v) in distinct_sm.iter().zip(values) {
                            push(
                                &mut profiles,
                                m,
                                &t,
                                Some(*v),
                                total,
                                stext,
                                p,
                                ss,
                                se,
                                "parallel list",
                                false,
                            );
                        }
                        last_marker = distinct_sm.last().map(|m| (*m).clone());
                        continue;
                    }
                }

                let respectively = slower.contains("respectively");
                // A sentence that names no marker and says nothing of staining gives no
                // profile for the marker of the sentence before: `Infiltrating ductal
                // carcinoma NOS was the predominant histopathological type (29/36)`.
                let about_staining = !sm.is_empty()
                    || ihc_here
                    || ["reactiv", "label", "detect"]
                        .iter()
                        .any(|w| slower.contains(w));
                let counts = if about_staining { counts } else { Vec::new() };
                let mut used_tumour_for_count: Vec<usize> = Vec::new();
                // Whether the previous count was a figure that is not positivity.
                let mut previous_not_positivity = false;
                for (ci, c) in counts.iter().enumerate() {
                    let c_start = c.range.start;
                    let before = &slower[..c_start];
                    // Figures that are not positivity. A count coordinated with the previous
                    // one shares its subject: `the sensitivity and specificity ... were 69.3%
                    // and 100%`.
                    let coordinated = ci > 0
                        && slower
                            .get(counts[ci - 1].range.end..c_start)
                            .is_some_and(is_list_gap);
                    // The clause before the count, up to 50 bytes of it; all of it with
                    // `respectively`, whose subjects open the clause.
                    let reach = if respectively { c_start } else { 50 };
                    let window_start = before
                        .rfind([';', ','])
                        .map_or(0, |i| i + 1)
                        .max(slower.floor_char_boundary(c_start.saturating_sub(reach)));
                    let window = &slower[window_start..c.range.end.min(slower.len())];
                    // `86.5% of BLM ..., which includes 60% of them showing diffuse
                    // positivity`: a part of the count before, not of the series.
                    let part_of_previous = ci > 0
                        && slower.get(c.range.end..).is_some_and(|r| {
                            ["of them", "of these", "of those"]
                                .iter()
                                .any(|w| r.trim_start().starts_with(w))
                        });
                    // Thresholds are definitions, not results: `>25% cells`, `more than 10% of
                    // cells positive`.
                    let threshold = before
                        .trim_end()
                        .ends_with(['>', '<', '\u{2265}', '\u{2264}'])
                        || ["more than", "less than", "at least", "greater than"]
                            .iter()
                            .any(|w| before.trim_end().ends_with(w))
                        // `up to 63% of tumors`: a bound, unless the count is exact (`up to
                        // 31.2% (86/276)`).
                        || c.y.is_none() && before.trim_end().ends_with("up to")
                        || after_words(&a, c, &["cells"])
                        || slower.get(c.range.end..).is_some_and(|r| {
                            r.trim_start().starts_with("of cells")
                                || r.trim_start().starts_with("of tumor cells")
                                || r.trim_start().starts_with("of tumour cells")
                        });
                    let not_positivity = NOT_POSITIVITY.iter().any(|w| contains_word(window, w))
                        || coordinated && previous_not_positivity;
                    previous_not_positivity = not_positivity;
                    if threshold
                        || not_positivity
                        || part_of_previous
                        || after_words(
                            &a,
                            c,
                            &["years", "months", "patients", "men", "women", "mm", "cm"],
                        )
                    {
                        continue;
                    }
                    // The count's own clause: markers and tumours named there win over
                    // nearer ones across a clause boundary (`16 of 25 stained with
                    // synaptophysin ... and 8 of 25 showed immunoreactivity for chromogranin`).
                    let (lo, hi) = clause(&slower, &counts, ci);
                    // In a sentence about another assay, only a clause that states a marker's
                    // IHC positivity by itself counts (`HPV mRNA was detected in one case
                    // (1%), and positive expression of p16 was found in 10 cases (10%)`).
                    if non_ihc {
                        let cl = &slower[lo..hi.min(slower.len())];
                        let own_marker = sm.iter().any(|m| m.start - ss >= lo && m.end - ss <= hi);
                        if !own_marker
                            || NON_IHC.iter().any(|w| contains_word(cl, w))
                            || !["positiv", "express", "stain", "immunoreactiv"]
                                .iter()
                                .any(|w| cl.contains(w))
                        {
                            continue;
                        }
                    }
                    let in_clause_m: Vec<&MarkerOcc> = sm
                        .iter()
                        .copied()
                        .filter(|m| m.start - ss >= lo && m.end - ss <= hi)
                        .collect();
                    let in_clause_t: Vec<&TumourOcc> = st
                        .iter()
                        .copied()
                        .filter(|t| t.start - ss >= lo && t.end - ss <= hi && !is_generic(&t.text))
                        .collect();
                    let m = if respectively && distinct_sm.len() == counts.len() {
                        Some((*distinct_sm[ci]).clone())
                    } else if !in_clause_m.is_empty() {
                        marker_for(c_start, &in_clause_m, &last_marker)
                    } else {
                        marker_for(c_start, &sm, &last_marker)
                    };
                    let t = if respectively && st.len() == counts.len() {
                        Some(st[ci].clone())
                    } else if !in_clause_t.is_empty() {
                        tumour_for(c.range.start, c.range.end, &in_clause_t)
                    } else {
                        tumour_for(c.range.start, c.range.end, &st)
                    };
                    // `these tumours`: the document's tumour type.
                    let t = match t {
                        Some(t) if is_generic(&t.text) => doc_tumour.clone().or(Some(t)),
                        other => other,
                    };
                    let Some(t) = t.or_else(|| doc_tumour.clone()) else {
                        continue;
                    };
                    let Some(m) = m.filter(|m| !m.combined) else {
                        continue;
                    };
                    // `19 of 24 SQCC were positive for CK5 and P63 each`: every marker of the
                    // clause.
                    let each = contains_word(&slower[c.range.end..hi.min(slower.len())], "each");
                    let clause_markers = dedupe_markers(&in_clause_m);
                    let ms: Vec<MarkerOcc> = if each && clause_markers.len() >= 2 {
                        clause_markers
                            .iter()
                            .filter(|m| !m.combined)
                            .map(|m| (*m).clone())
                            .collect()
                    } else {
                        vec![m]
                    };
                    // A rate without a total applies to every tumour of a coordination:
                    // `100% of LMS and STUMP`.
                    let mut targets = vec![t.clone()];
                    if c.x.is_none() && c.y.is_none() {
                        let text = texts[p];
                        let mut last = t.clone();
                        for next in st.iter().filter(|n| n.start > t.end && n.end - ss <= hi) {
                            let gap = text.get(last.end..next.start).unwrap_or("x");
                            if is_list_gap(gap) {
                                targets.push((*next).clone());
                                last = (*next).clone();
                            } else {
                                break;
                            }
                        }
                    }
                    for t in targets {
                        let negative = is_negative(&slower, c.range.start, c.range.end);
                        let (mut x, mut y, mut rule) = (c.x, c.y, "count");
                        if y.is_none() {
                            y = group_of(&mut keys, &t.text);
                            if let (Some(total), None, Some(pct)) = (y, x, c.percent) {
                                x = numerator_from_percent(pct, total);
                                rule = "percent of group";
                            } else if let (Some(total), Some(xv), Some(pct)) = (y, x, c.percent)
                                && !agrees(xv, total, pct)
                            {
                                y = None;
                            }
                            if y.is_none() && x.is_none() {
                                continue;
                            }
                            if x.is_some() && y.is_some() && rule == "count" {
                                rule = "count of group";
                            }
                        }
                        if negative && let (Some(xv), Some(yv)) = (x, y) {
                            x = yv.checked_sub(xv);
                            rule = "negative state converted";
                        }
                        if let (Some(xv), Some(yv)) = (x, y)
                            && xv > yv
                        {
                            continue;
                        }
                        for mm in &ms {
                            push(&mut profiles, mm, &t, x, y, stext, p, ss, se, rule, false);
                            last_marker = Some(mm.clone());
                        }
                        used_tumour_for_count.push(t.start);
                    }
                }

                // `all` / `none of` / `absent in two X` statements without a count expression.
                // With counts in the sentence, only the tumours after a negative clause that
                // follows every count are statements: `91% of LMS ..., but none of usual LM
                // and CLM`, `in five of 11 fibrosarcomas; expression was absent in two
                // pleomorphic rhabdomyosarcomas`.
                let none_at = (!counts.is_empty())
                    .then(|| {
                        ["none of", "absent in", "was absent", "were absent"]
                            .iter()
                            .filter_map(|cue| slower.find(cue))
                            .filter(|at| counts.iter().all(|c| c.range.end <= *at))
                            .min()
                    })
                    .flatten();
                let statement_tumours: Vec<&&TumourOcc> = st
                    .iter()
                    .filter(|t| !used_tumour_for_count.contains(&t.start))
                    .filter(|t| none_at.is_none_or(|at| t.start - ss > at))
                    .collect();
                if (counts.is_empty() || none_at.is_some()) && !statement_tumours.is_empty() {
                    let all = contains_word(&slower, "all");
                    let none_cue = ["none of", "absent"]
                        .iter()
                        .filter_map(|cue| slower.find(cue))
                        .chain(no_staining(&slower))
                        .chain(negative_for(&slower).filter(|_| !found.case_report))
                        .min();
                    let none = none_cue.is_some();
                    // `all of the X but none of the Y`: the cue negates only what follows it.
                    let contrast = none_cue.filter(|&at| contains_word(&slower[..at], "all"));
                    for occ in statement_tumours {
                        let local = occ.start - ss;
                        let m = marker_for(local, &single, &last_marker);
                        let Some(m) = m else { continue };
                        // `ER, PR and HER2 negative`: every marker of the list.
                        let ms = coordinated(&single, &m, text);
                        // `All the tumours`: the document's tumour type.
                        let t = match &doc_tumour {
                            Some(main) if is_generic(&occ.text) => main,
                            _ => occ,
                        };
                        let negated_by_cue = contrast.map_or(none, |at| local > at);
                        let negative = negated_by_cue || is_negative(&slower, local, occ.end - ss);
                        let n =
                            number_before(text, occ.start).or_else(|| group_of(&mut keys, &t.text));
                        if !(all || none || number_before(text, occ.start).is_some()) {
                            continue;
                        }
                        if !(slower.contains("positiv")
                            || slower.contains("negativ")
                            || slower.contains("absent")
                            || slower.contains("stain")
                            || slower.contains("express")
                            || slower.contains("immunoreactiv"))
                        {
                            continue;
                        }
                        let (x, y) = if negative {
                            (Some(0), n)
                        } else if all {
                            (n, n)
                        } else {
                            continue;
                        };
                        if y.is_none() && !negative {
                            continue;
                        }
                        for m in &ms {
                            push(
                                &mut profiles,
                                m,
                                t,
                                x,
                                y,
                                stext,
                                p,
                                ss,
                                se,
                                if negative {
                                    "none of group"
                                } else {
                                    "all of group"
                                },
                                false,
                            );
                        }
                    }
                }

                // Case reports: each marker stated positive is 1/1, negative 0/1.
                let background = [
                    "literature",
                    "described",
                    "previously",
                    "rare",
                    "may aid",
                    "may help",
                    "may be",
                    "useful",
                    "helpful",
                    "recommend",
                ]
                .iter()
                .any(|c| slower.contains(c));
                if found.case_report
                    && counts.is_empty()
                    && ihc_here
                    && !background
                    && !sm.is_empty()
                {
                    // A tumour in a defining clause is not the patient's: `positive for the
                    // S-100, which is a marker of neurogenic and melanocytic tumors`.
                    let defining = ["marker of", "marker for", "which is", "known to"]
                        .iter()
                        .filter_map(|cue| slower.find(cue))
                        .min();
                    let Some(t) = st
                        .iter()
                        .filter(|t| defining.is_none_or(|at| t.start - ss < at))
                        .find(|t| !is_generic(&t.text))
                        .map(|t| (*t).clone())
                        .or_else(|| diagnosis.clone())
                        .or_else(|| doc_tumour.clone())
                    else {
                        continue;
                    };
                    for m in dedupe_markers(&sm) {
                        let negative = is_negative(&slower, m.start - ss, m.end - ss)
                            || slower.contains("absence")
                            || slower.contains("loss");
                        let x = if negative { 0 } else { patients };
                        push(
                            &mut profiles,
                            m,
                            &t,
                            Some(x),
                            Some(patients),
                            stext,
                            p,
                            ss,
                            se,
                            "case report",
                            true,
                        );
                    }
                }
                if let Some(m) = single.last() {
                    last_marker = Some((*m).clone());
                }
            }
        }
        // One profile per marker and tumour type (IHC-LLMiner's unit): when a document gives
        // several counts for the same pair (the whole series, then subgroups by grade,
        // intensity or survival), the largest series is the profile; of counts over one
        // series, the one with most positives; remaining ties keep the first.
        let pair = |p: &Profile, keys: &mut KeyBuilder| {
            let marker = p
                .marker_id
                .clone()
                .unwrap_or_else(|| keys.name_key(&p.marker));
            // By the tumour as written, not by its concept: `bone tumors` and
            // `bone and soft tissue tumors` can link to one concept but are two groups.
            let tumour = keys.name_key(&p.tumour_type);
            (marker, tumour)
        };
        let mut best: HashMap<(String, String), usize> = HashMap::new();
        for (i, p) in profiles.iter().enumerate() {
            if p.case_report {
                continue;
            }
            let k = pair(p, &mut keys);
            let better = best.get(&k).is_none_or(|&j| {
                let total = |p: &Profile| p.total.unwrap_or(0);
                let positive = |p: &Profile| p.positive.unwrap_or(0);
                // A subgroup of the same series (`strong in 10 of 50`, `positive for CK5
                // alone in 2 of 24`) has no more positives than the whole.
                (total(p), positive(p)) > (total(&profiles[j]), positive(&profiles[j]))
            });
            if better {
                best.insert(k, i);
            }
        }
        let keep: std::collections::HashSet<usize> = best.into_values().collect();
        let mut index = 0;
        profiles.retain(|p| {
            let kept = p.case_report || keep.contains(&index);
            index += 1;
            kept
        });
        // A case report states each marker once: keep the statement from an immunostaining
        // sentence over a title or summary that repeats it.
        let strong = |p: &Profile| {
            let l = p.evidence.to_ascii_lowercase();
            ["immuno", "stain", "ihc"].iter().any(|c| l.contains(c))
        };
        // (A marker stated only outside such sentences stays: `Immunohistochemically, tumor
        // cells were positive for HMB-45. They were also positive for S-100.`)
        let marker_key = |p: &Profile, keys: &mut KeyBuilder| {
            p.marker_id
                .clone()
                .unwrap_or_else(|| keys.name_key(&p.marker))
        };
        let stated: Vec<String> = profiles
            .iter()
            .filter(|p| p.case_report && strong(p))
            .map(|p| marker_key(p, &mut keys))
            .collect();
        profiles
            .retain(|p| !p.case_report || strong(p) || !stated.contains(&marker_key(p, &mut keys)));
        let mut seen: Vec<String> = Vec::new();
        profiles.retain(|p| {
            if !p.case_report {
                return true;
            }
            let key = marker_key(p, &mut keys);
            if seen.contains(&key) {
                return false;
            }
            seen.push(key);
            true
        });
        found.profiles = profiles;
        found
    }
}

/// The number of patients a case report presents (`we report two patients`), if it says so.
fn reported_patients(lower: &str) -> Option<u32> {
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    for (i, w) in words.iter().enumerate() {
        if !matches!(*w, "report" | "present" | "describe")
            || i == 0
            || !matches!(words[i - 1], "we" | "here" | "herein")
        {
            continue;
        }
        let window = &words[i + 1..words.len().min(i + 5)];
        let n = window.iter().find_map(|w| match *w {
            "a" | "an" | "one" | "1" => Some(1),
            "two" | "2" => Some(2),
            "three" | "3" => Some(3),
            "four" | "4" => Some(4),
            _ => None,
        });
        let unit = window.iter().any(|w| {
            matches!(
                *w,
                "case" | "cases" | "patient" | "patients" | "woman" | "man" | "boy" | "girl"
            )
        });
        if let (Some(n), true) = (n, unit) {
            return Some(n);
        }
    }
    None
}

/// Words cut to their first seven letters: `desmoid fibromatoses` and `desmoid fibromatosis`
/// are one group.
fn stem_key(key: &str) -> String {
    key.split(' ')
        .map(|w| w.get(..7).unwrap_or(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `m` and the markers listed with it in its sentence (`ER, PR and HER2`), one per concept;
/// just `m` when it stands alone or comes from another sentence.
fn coordinated(single: &[&MarkerOcc], m: &MarkerOcc, text: &str) -> Vec<MarkerOcc> {
    let Some(i) = single
        .iter()
        .position(|x| x.passage == m.passage && x.start == m.start)
    else {
        return vec![m.clone()];
    };
    let joins = |a: &MarkerOcc, b: &MarkerOcc| text.get(a.end..b.start).is_some_and(is_list_gap);
    let (mut lo, mut hi) = (i, i);
    while lo > 0 && joins(single[lo - 1], single[lo]) {
        lo -= 1;
    }
    while hi + 1 < single.len() && joins(single[hi], single[hi + 1]) {
        hi += 1;
    }
    dedupe_markers(&single[lo..=hi])
        .into_iter()
        .cloned()
        .collect()
}

/// True when the text between two list items joins them: `, `, ` and `, `, and `, ` or `
/// (spaces as they come, ` , ` in tokenised text).
fn is_list_gap(gap: &str) -> bool {
    let mut words = gap.split_whitespace();
    matches!(
        (words.next(), words.next(), words.next()),
        (Some("," | "and" | "or"), None, None) | (Some(","), Some("and" | "or"), None)
    )
}

/// Markers of a sentence, one per concept, in order.
fn dedupe_markers<'a>(sm: &[&'a MarkerOcc]) -> Vec<&'a MarkerOcc> {
    let mut out: Vec<&MarkerOcc> = Vec::new();
    for m in sm {
        if !out.iter().any(|o| o.key() == m.key()) {
            out.push(m);
        }
    }
    out
}

#[expect(clippy::too_many_arguments)]
fn push(
    profiles: &mut Vec<Profile>,
    m: &MarkerOcc,
    t: &TumourOcc,
    positive: Option<u32>,
    total: Option<u32>,
    sentence: &str,
    passage: usize,
    start: usize,
    end: usize,
    rule: &str,
    case_report: bool,
) {
    let duplicate = profiles.iter().any(|p| {
        p.marker_id == m.id && p.tumour_type == t.text && p.positive == positive && p.total == total
    });
    if duplicate {
        return;
    }
    profiles.push(Profile {
        marker: m.text.clone(),
        marker_id: m.id.clone().filter(|id| !id.starts_with("HGNC-SYMBOL:")),
        marker_symbol: m.symbol.clone(),
        tumour_type: t.text.clone(),
        tumour_id: t.id.clone(),
        site: t.site.as_ref().map(|s| s.0.clone()),
        site_id: t.site.as_ref().and_then(|s| s.1.clone()),
        positive,
        total,
        evidence: sentence.to_owned(),
        evidence_span: Some((passage as u32, start as u32, end as u32)),
        case_report,
        rule: rule.to_owned(),
    });
}

/// The candidate whose span is nearest to the bytes `at` (a point or a count's span),
/// weighting distance before and after.
fn nearest<'a, T>(
    items: impl Iterator<Item = (usize, usize, &'a T)>,
    at: std::ops::Range<usize>,
    before_weight: f64,
    after_weight: f64,
) -> Option<&'a T> {
    items
        .map(|(s, e, item)| {
            let d = if e <= at.start {
                (at.start - e) as f64 * before_weight
            } else if s >= at.end {
                (s - at.end) as f64 * after_weight
            } else {
                0.0
            };
            (d, item)
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, item)| item)
}

/// A tumour word that names no type: `tumors`, `these neoplasms`, `cancer`.
fn is_generic(text: &str) -> bool {
    let t = text.trim().to_ascii_lowercase();
    let t = t
        .strip_prefix("these ")
        .or_else(|| t.strip_prefix("the "))
        .unwrap_or(&t);
    matches!(
        t,
        "tumor"
            | "tumors"
            | "tumour"
            | "tumours"
            | "neoplasm"
            | "neoplasms"
            | "lesion"
            | "lesions"
            | "cancer"
            | "cancers"
            | "carcinoma"
            | "carcinomas"
            | "malignancy"
            | "malignancies"
    )
}

/// The clause of the `ci`-th count in a lower-cased sentence: from the previous clause break
/// (`,` `;` `whereas` `while` `but`, or the previous count) to the next one.
fn clause(lower: &str, counts: &[Count], ci: usize) -> (usize, usize) {
    let c = &counts[ci];
    let breaks = |s: &str| -> Vec<usize> {
        let mut v: Vec<usize> = s.match_indices([',', ';']).map(|(i, _)| i).collect();
        for w in [" whereas ", " while ", " but ", " compared with "] {
            v.extend(s.match_indices(w).map(|(i, _)| i));
        }
        v
    };
    let prev_count = ci.checked_sub(1).map_or(0, |i| counts[i].range.end);
    let next_count = counts.get(ci + 1).map_or(lower.len(), |n| n.range.start);
    let before = lower.get(..c.range.start).unwrap_or("");
    let mut lo = breaks(before)
        .into_iter()
        .max()
        .map_or(0, |i| i + 1)
        .max(prev_count);
    // A count right after `and` opens a clause of its own: `16 of 25 stained with
    // synaptophysin in a diffuse pattern and 8 of 25 showed immunoreactivity for chromogranin`.
    if let Some(head) = before.trim_end().strip_suffix(" and") {
        lo = lo.max(head.len() + 1);
    }
    let after_start = c.range.end.min(lower.len());
    let after = lower.get(after_start..).unwrap_or("");
    let hi = breaks(after)
        .into_iter()
        .min()
        .map_or(lower.len(), |i| after_start + i)
        .min(next_count);
    (lo, hi.max(c.range.end))
}

/// The most mentioned tumour type (ties: the first), for counts whose sentence names none;
/// `tumors` and other generic words are not types.
fn main_tumour(tumours: &[TumourOcc], keys: &mut KeyBuilder) -> Option<TumourOcc> {
    let mut counts: HashMap<String, (usize, usize)> = HashMap::new();
    for (i, t) in tumours.iter().enumerate() {
        if is_generic(&t.text) {
            continue;
        }
        let e = counts.entry(keys.name_key(&t.text)).or_insert((0, i));
        e.0 += 1;
    }
    let best = counts
        .values()
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))?;
    tumours.get(best.1).cloned()
}

/// True when the state near the span `start..end` is negative (`negative`, `absent`, `loss`)
/// rather than positive: the nearest cue wins.
fn is_negative(lower: &str, start: usize, end: usize) -> bool {
    const NEG: [&str; 8] = [
        "negative",
        "absent",
        "absence",
        "loss of",
        "lacked",
        "no immunoreactivity",
        "not detected",
        "not express",
    ];
    const POS: [&str; 8] = [
        "positive",
        "expressed",
        "immunoreactiv",
        "stained",
        "overexpression",
        "labeled",
        "showed",
        "expression",
    ];
    // `loss of expression`, `lack of staining`: the positive word inside is the negative
    // state's.
    const NEGATIVE_PHRASES: [&str; 8] = [
        "loss of expression",
        "lack of expression",
        "absence of expression",
        "loss of staining",
        "lack of staining",
        "no expression",
        "negative expression",
        "loss of immunoreactivity",
    ];
    let mut masked = std::borrow::Cow::Borrowed(lower);
    for phrase in NEGATIVE_PHRASES {
        if masked.contains(phrase) {
            // Same length, so offsets hold.
            let negative = format!("negative{}", " ".repeat(phrase.len() - "negative".len()));
            masked = std::borrow::Cow::Owned(masked.replace(phrase, &negative));
        }
    }
    let lower: &str = &masked;
    let distance = |cues: &[&str]| {
        cues.iter()
            .filter_map(|c| {
                let after = lower.get(end..).and_then(|s| s.find(c));
                let before = lower
                    .get(..start)
                    .and_then(|s| s.rfind(c))
                    .map(|i| start - i - c.len());
                match (before, after) {
                    (Some(b), Some(a)) => Some(a.min(b)),
                    (b, a) => b.or(a),
                }
            })
            .min()
    };
    match (distance(&NEG), distance(&POS)) {
        (Some(n), Some(p)) => n < p,
        (Some(_), None) => true,
        _ => false,
    }
}

/// Where a lower-cased sentence says `no` staining was seen (`no immunoreactivity was
/// detected`, `no expression`), not any `no` (`no consistent pattern`).
fn no_staining(lower: &str) -> Option<usize> {
    lower.match_indices(" no ").find_map(|(i, _)| {
        let next = &lower[i + 4..];
        [
            "immunoreactiv",
            "stain",
            "immunostain",
            "expression",
            "positiv",
            "reactivity",
            "labeling",
            "labelling",
        ]
        .iter()
        .any(|w| next.starts_with(w))
        .then_some(i)
    })
}

/// Where a lower-cased sentence states its subjects negative without a count (`primary
/// tumors of breast ... were negative for CDX2`).
fn negative_for(lower: &str) -> Option<usize> {
    [
        "were negative for",
        "was negative for",
        "were all negative",
        "were uniformly negative",
        "were consistently negative",
    ]
    .iter()
    .filter_map(|cue| lower.find(cue))
    .min()
}

fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
    })
}

/// True when one of `words` follows the count directly (`56 years`, `14 cases [78%]` are not
/// what this checks; ages and sizes are).
fn after_words(a: &[Spanned], c: &Count, words: &[&str]) -> bool {
    matches!(a.get(c.atoms.end).map(|s| &s.atom), Some(Atom::Word(w)) if words.contains(&w.as_str()))
        && c.y.is_none()
}

/// `17, 30, 14, and two of the MFHs` / `28, 30, 29, and 29 of 30 leiomyosarcomas`: the
/// numbers, a shared total when given, and the atom index after the list.
fn number_list(a: &[Spanned]) -> Option<(Vec<u32>, Option<u32>, usize)> {
    let mut i = 0;
    while i < a.len() {
        let mut values = Vec::new();
        let mut j = i;
        while let Some(Atom::Number(n)) = a.get(j).map(|s| &s.atom) {
            values.push(*n);
            j += 1;
            match a.get(j).map(|s| &s.atom) {
                Some(Atom::Punct(',')) => {
                    j += 1;
                    if matches!(a.get(j).map(|s| &s.atom), Some(Atom::Word(w)) if w == "and") {
                        j += 1;
                    }
                }
                Some(Atom::Word(w)) if w == "and" => j += 1,
                _ => break,
            }
        }
        if values.len() >= 2 {
            // `of 30` or `of the MFHs`.
            if matches!(a.get(j).map(|s| &s.atom), Some(Atom::Word(w)) if w == "of") {
                if let Some(Atom::Number(total)) = a.get(j + 1).map(|s| &s.atom) {
                    return Some((values, Some(*total), j + 2));
                }
                return Some((values, None, j + 1));
            }
            if matches!(a.get(j).map(|s| &s.atom), Some(Atom::Word(w)) if w == "cases") {
                return Some((values, None, j + 1));
            }
        }
        i = j.max(i + 1);
    }
    None
}

/// A number right before byte `start` (`73 IMTs`, `20 cases of nodular fasciitis`, `the one
/// leiomyosarcoma`), skipping `cases of` / `patients with`.
fn number_before(text: &str, start: usize) -> Option<u32> {
    let before = text.get(..start)?;
    // Room for `one hundred ninety-four patients with curatively resected`.
    let a = atoms(&before[before.floor_char_boundary(before.len().saturating_sub(80))..]);
    let mut i = a.len();
    // Skip up to three modifiers before a `patients with` (`patients with curatively resected
    // intrahepatic cholangiocarcinoma`).
    // `cases of`, `patients with`, `samples of`, and any other one-word unit between a
    // number and `of` (`24 CB of lung SQCC`, `30 biopsies of`).
    let is_of_with = |k: usize| {
        k >= 2
            && matches!(&a[k - 1].atom, Atom::Word(w) if w == "of" || w == "with")
            && matches!(&a[k - 2].atom, Atom::Word(w) if matches!(w.as_str(), "cases" | "patients" | "samples" | "specimens"))
            || k >= 3
                && matches!(&a[k - 1].atom, Atom::Word(w) if w == "of")
                && matches!(&a[k - 2].atom, Atom::Word(w) if w != "of" && w != "the")
                && matches!(&a[k - 3].atom, Atom::Number(_))
    };
    if !is_of_with(i) {
        for skip in 1..=3 {
            let Some(k) = i.checked_sub(skip) else { break };
            if !matches!(&a[k].atom, Atom::Word(w) if w.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
            {
                break;
            }
            if is_of_with(k) {
                i = k;
                break;
            }
        }
    }
    if is_of_with(i) {
        i -= 2;
    }
    match a.get(i.checked_sub(1)?).map(|s| &s.atom) {
        Some(Atom::Number(n)) if *n > 0 && *n < 100_000 => {
            // Not `(n = 12)` of another group, not a year or a percentage base.
            if i >= 2 && matches!(&a[i - 2].atom, Atom::Punct('/')) {
                return None;
            }
            Some(*n)
        }
        _ => None,
    }
}

/// `urothelial carcinoma, 20;` / `(n = 20)` right after the tumour.
fn number_after_comma(text: &str, end: usize) -> Option<u32> {
    let after = text.get(end..)?;
    let a = atoms(&after[..after.floor_char_boundary(after.len().min(24))]);
    match (
        a.first().map(|s| &s.atom),
        a.get(1).map(|s| &s.atom),
        a.get(2).map(|s| &s.atom),
    ) {
        (Some(Atom::Punct(',')), Some(Atom::Number(n)), next)
            if !matches!(next, Some(Atom::Punct('(')) | Some(Atom::Percent(..))) =>
        {
            Some(*n)
        }
        (Some(Atom::Punct('(')), Some(Atom::Word(w)), _) if w == "n" => {
            match a.get(3).map(|s| &s.atom) {
                Some(Atom::Number(n)) => Some(*n),
                _ => None,
            }
        }
        _ => None,
    }
}

/// True when a phrase is a tumour's name by its head: its last word is a tumour word, or a
/// tumour word is followed by `of` (`smooth muscle tumor of uncertain malignant
/// potential`), but not `tumor necrosis factor`.
fn names_a_tumour(phrase: &str) -> bool {
    let words: Vec<&str> = phrase
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .collect();
    words.last().is_some_and(|w| is_tumour_head(w))
        || words
            .windows(2)
            .any(|w| is_tumour_head(w[0]) && w[1].eq_ignore_ascii_case("of"))
}

/// Where `word` occurs in `text` as a whole word, also with a plural `s` (`STUMPs`).
fn word_occurrences(text: &str, word: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if word.is_empty() {
        return out;
    }
    for (i, _) in text.match_indices(word) {
        let mut end = i + word.len();
        if text[end..].starts_with('s') {
            end += 1;
        }
        let before = text[..i].chars().next_back();
        let after = text[end..].chars().next();
        if before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
        {
            out.push((i, end));
        }
    }
    out
}

/// A tumour word distributed over a list of organs: `primary tumors of breast, prostate,
/// kidney, adrenal and liver`.
#[derive(Debug, PartialEq)]
struct OrganList {
    /// Where the tumour phrase starts (`primary` in `primary tumors`).
    start: usize,
    /// Where its tumour word ends.
    head_end: usize,
    /// Each organ's bytes.
    items: Vec<(usize, usize)>,
}

/// The organ lists of `text`: a plural tumour word (with up to two modifiers), `of`, and at
/// least three organs of one or two words each, the last after `and` or `or`.
fn organ_lists(text: &str) -> Vec<OrganList> {
    const STOP: [&str; 14] = [
        "were", "was", "are", "is", "the", "with", "in", "showed", "had", "have", "from", "by",
        "that", "which",
    ];
    let a = atoms(text);
    let word = |i: usize| match a.get(i).map(|s| &s.atom) {
        Some(Atom::Word(w)) => Some(w.as_str()),
        _ => None,
    };
    let mut out = Vec::new();
    for i in 0..a.len() {
        let Some(head) = word(i) else { continue };
        if !(head.ends_with('s') && is_tumour_head(head)) || word(i + 1) != Some("of") {
            continue;
        }
        let mut j = i + 2;
        if word(j) == Some("the") {
            j += 1;
        }
        let mut items: Vec<(usize, usize)> = Vec::new();
        let mut last_joined = false;
        loop {
            // One organ: one or two words that are not list words, stop words or tumours.
            let first = j;
            while let Some(w) = word(j) {
                if j - first == 2
                    || matches!(w, "and" | "or")
                    || STOP.contains(&w)
                    || is_tumour_head(w)
                {
                    break;
                }
                j += 1;
            }
            if j == first {
                break;
            }
            items.push((a[first].range.start, a[j - 1].range.end));
            // A separator: `,`, `and`, `, and`, `or`.
            let mut joined = false;
            let mut k = j;
            if matches!(a.get(k).map(|s| &s.atom), Some(Atom::Punct(','))) {
                k += 1;
            }
            if matches!(word(k), Some("and" | "or")) {
                k += 1;
                joined = true;
            }
            if k == j {
                break;
            }
            last_joined = joined;
            j = k;
        }
        // Three organs at least: two are as often one site (`head and neck`, `bone and
        // soft tissue`).
        if items.len() < 3 || !last_joined {
            continue;
        }
        // Modifiers before the tumour word: `primary tumors`.
        let mut start = a[i].range.start;
        for back in 1..=2 {
            let Some(k) = i.checked_sub(back) else { break };
            match word(k) {
                Some(w) if !STOP.contains(&w) && !matches!(w, "of" | "and" | "or" | "a" | "an") => {
                    start = a[k].range.start;
                }
                _ => break,
            }
        }
        // Only a sentence's own words: no modifier across a line break.
        if text[start..a[i].range.start].contains('\n') {
            start = a[i].range.start;
        }
        out.push(OrganList {
            start,
            head_end: a[i].range.end,
            items,
        });
    }
    out
}

/// Noun phrases ending in a tumour word (`non-osteogenic bone tumors`): up to three words
/// before the head, stopping at punctuation, numbers and function words.
fn head_phrases(text: &str) -> Vec<(usize, usize)> {
    const STOP: [&str; 31] = [
        "of", "in", "and", "or", "with", "for", "the", "a", "an", "to", "from", "by", "as", "all",
        "these", "those", "other", "some", "were", "was", "had", "has", "have", "is", "are", "be",
        "been", "showed", "show", "than", "that",
    ];
    let bytes = text.as_bytes();
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_alphabetic() {
            let s = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-') {
                i += 1;
            }
            words.push((s, i));
        } else {
            i += 1;
        }
    }
    let mut out = Vec::new();
    for (k, &(s, e)) in words.iter().enumerate() {
        let w = &text[s..e];
        if !TUMOUR_HEADS.iter().any(|h| w.to_lowercase().starts_with(h)) {
            continue;
        }
        let mut start = s;
        let mut j = k;
        let mut taken = 0;
        while j > 0 && taken < 3 {
            let (ps, pe) = words[j - 1];
            let gap = &text[pe..start];
            if !gap.chars().all(|c| c == ' ') || gap.is_empty() {
                break;
            }
            let pw = text[ps..pe].to_lowercase();
            if STOP.contains(&pw.as_str()) || pw.chars().any(|c| c.is_ascii_digit()) {
                break;
            }
            start = ps;
            j -= 1;
            taken += 1;
        }
        if taken > 0 {
            out.push((start, e));
        }
    }
    out
}
