//! The IHC engine's front: an [`Extractor`] reads a document into an [`Analysis`] (phase 1
//! [`crate::mentions`], phase 2 [`crate::context`], phase 3
//! [`crate::candidates`]), which an engine then decides on: the rules alone
//! ([`crate::select::rules`]) or the trained scorer ([`crate::model`]). It also normalises
//! profiles that came from elsewhere (an LLM's table) through the same lexicon.

use std::collections::HashMap;
use std::sync::Arc;

use pubminer_core::{Document, PassageKind};
use pubminer_lexicon::{EntityType, Lexicon, Tags};
use pubminer_ner::{DictionaryTagger, OverlapPolicy, TaggerConfig};
use pubminer_text::normalize::KeyBuilder;

use crate::candidates;
use crate::context::Context;
use crate::markers::{Marker, MarkerLexicon};
use crate::mentions;
use crate::record::Profile;

pub use crate::analysis::Analysis;
use crate::rules::RuleSet;
use crate::words::{IHC_CUES, READ_CUES, is_list_gap};

/// What the rules-only engine found in one document: the profiles, and facts the classifier
/// uses.
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

/// Reads documents for the IHC task.
pub struct Extractor {
    lexicon: Arc<Lexicon>,
    tagger: DictionaryTagger,
    markers: MarkerLexicon,
    rules: RuleSet,
    /// Print each sentence's markers, tumours and counts to stderr (`PUBMINER_IHC_TRACE=1`).
    trace: bool,
}

impl std::fmt::Debug for Extractor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Extractor")
            .field("rules", &self.rules)
            .finish_non_exhaustive()
    }
}

impl Extractor {
    /// An extractor over `lexicon` (genes for markers not in the curated list, diseases for
    /// tumour types, anatomy for sites) and the built-in marker list, every rule on.
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
            rules: RuleSet::all(),
            trace: std::env::var_os("PUBMINER_IHC_TRACE").is_some_and(|v| v == "1"),
        }
    }

    /// This extractor with only the rules of `rules` on.
    #[must_use]
    pub fn with_rules(mut self, rules: RuleSet) -> Self {
        self.rules = rules;
        self
    }

    /// The rules that are on.
    #[must_use]
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// The curated marker list.
    #[must_use]
    pub fn markers(&self) -> &MarkerLexicon {
        &self.markers
    }

    /// The lexicon.
    #[must_use]
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Reads `doc`: phases 1 to 3.
    #[must_use]
    pub fn analyse(&self, doc: &Document) -> Analysis {
        let texts: Vec<String> = doc.passages.iter().map(|p| p.text().to_owned()).collect();
        let title_passage = doc
            .passages
            .iter()
            .position(|p| p.kind == PassageKind::Title);
        // Most of PubMed never speaks of staining: those documents are not tagged.
        let lower: Vec<String> = texts.iter().map(|t| t.to_ascii_lowercase()).collect();
        if !lower
            .iter()
            .any(|l| READ_CUES.iter().any(|c| l.contains(c)))
        {
            return Analysis {
                texts,
                title_passage,
                ..Analysis::default()
            };
        }
        let ihc_context = lower.iter().any(|l| IHC_CUES.iter().any(|c| l.contains(c)));
        let mut tagged = doc.clone();
        tagged.mentions.clear();
        tagged.abbreviations.clear();
        self.tagger.tag(&mut tagged);
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let mut keys = KeyBuilder::new();
        let mentions = mentions::find(self, &tagged, &self.rules);
        let context = Context::of(doc, &refs, &mentions, &mut keys);
        let candidates = candidates::generate(&refs, &mentions, &context, &self.rules, &mut keys);
        let mut names: HashMap<String, usize> = HashMap::new();
        let tumour_groups: Vec<usize> = mentions
            .tumours
            .iter()
            .map(|t| {
                let n = names.len();
                *names.entry(keys.name_key(&t.text)).or_insert(n)
            })
            .collect();
        let group_sizes = mentions
            .tumours
            .iter()
            .map(|t| context.group_of(&mut keys, &t.text))
            .collect();
        let mut marker_counts: HashMap<String, usize> = HashMap::new();
        for m in &mentions.markers {
            *marker_counts.entry(m.key()).or_default() += 1;
        }
        let title_markers = mentions
            .markers
            .iter()
            .filter(|m| Some(m.passage) == title_passage)
            .map(|m| m.key())
            .collect();
        let listed_markers = (0..mentions.markers.len())
            .filter(|&i| {
                let joined = |a: usize, b: usize| {
                    let (a, b) = (&mentions.markers[a], &mentions.markers[b]);
                    a.passage == b.passage
                        && a.end <= b.start
                        && refs[a.passage].get(a.end..b.start).is_some_and(is_list_gap)
                };
                (i > 0 && joined(i - 1, i)) || (i + 1 < mentions.markers.len() && joined(i, i + 1))
            })
            .collect();
        let sentence_markers = context
            .sentence_markers
            .iter()
            .map(|inside| {
                let mut out: Vec<usize> = Vec::new();
                for &i in inside {
                    if !out
                        .iter()
                        .any(|&o| mentions.markers[o].key() == mentions.markers[i].key())
                    {
                        out.push(i);
                    }
                }
                out
            })
            .collect();
        let mut group_mentions = vec![0usize; names.len()];
        let mut group_in_title = vec![false; names.len()];
        for (t, &g) in mentions.tumours.iter().zip(&tumour_groups) {
            group_mentions[g] += 1;
            group_in_title[g] |= Some(t.passage) == title_passage;
        }
        let analysis = Analysis {
            texts,
            title_passage,
            ihc_context,
            mentions,
            context,
            candidates,
            group_sizes,
            tumour_groups,
            group_mentions,
            group_in_title,
            title_markers,
            listed_markers,
            marker_counts,
            sentence_markers,
        };
        if self.trace {
            trace(doc, &analysis);
        }
        analysis
    }

    /// Reads `doc` and keeps what the rules alone pick.
    #[must_use]
    pub fn extract(&self, doc: &Document) -> Found {
        let analysis = self.analyse(doc);
        crate::select::rules(&analysis, &self.rules)
    }

    /// The concept of a curated marker: its gene's HGNC id (`HGNC-SYMBOL:X` when the lexicon
    /// lacks it), or its IHC concept.
    pub(crate) fn marker_concept(&self, m: &Marker) -> Option<String> {
        match m.symbol() {
            Some(sym) => self
                .hgnc_id(sym)
                .or_else(|| Some(format!("HGNC-SYMBOL:{sym}"))),
            None => Some(m.target.clone()),
        }
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
    pub(crate) fn tumour_concept(&self, link_id: &str) -> Option<String> {
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
                .and_then(|id| self.tumour_concept(&id));
        }
        if profile.site_id.is_none()
            && let Some(site) = profile.site.clone()
        {
            profile.site_id = find(&mut keys, &site, &|id, _| id.starts_with("UBERON:"));
        }
    }

    /// The tumour concept a name (a long form) names exactly, if any.
    pub(crate) fn tumour_id_of_name(&self, name: &str) -> Option<String> {
        let key = KeyBuilder::new().name_key(name);
        self.lexicon
            .lookup_key(&key)
            .find_map(|p| {
                let e = self.lexicon.entry(p.entry)?;
                (e.tags().contains(Tags::NEOPLASM) || e.id().starts_with("ONCOTREE:"))
                    .then(|| e.id().to_owned())
            })
            .and_then(|id| self.tumour_concept(&id))
    }

    /// The tumour concept of a tumour type's name that no mention linked: the name, its
    /// singular (`renal cell carcinomas`), or, for one organ of a list (`primary tumors of
    /// breast`), the organ's tumour (`breast tumor`).
    pub(crate) fn tumour_id_for(&self, name: &str) -> Option<String> {
        let singular = |s: &str| {
            s.split(' ')
                .map(|w| {
                    w.strip_suffix("es")
                        .filter(|b| b.ends_with("oma") || b.ends_with("ss"))
                        .or_else(|| {
                            w.strip_suffix('s')
                                .filter(|b| b.len() > 2 && !b.ends_with('s'))
                        })
                        .unwrap_or(w)
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut tried = vec![name.to_owned(), singular(name)];
        if let Some((head, organ)) = name.split_once(" of ") {
            let head_word = head.rsplit(' ').next().unwrap_or(head);
            tried.push(format!("{organ} {}", singular(head_word)));
        }
        tried.iter().find_map(|n| self.tumour_id_of_name(n))
    }

    pub(crate) fn is_neoplasm(&self, link_id: &str) -> bool {
        self.lexicon
            .find_id(link_id)
            .is_some_and(|e| e.tags().contains(Tags::NEOPLASM))
    }
}

/// Prints what was read, sentence by sentence, to stderr.
fn trace(doc: &Document, a: &Analysis) {
    for (i, s) in a.context.sentences.iter().enumerate() {
        eprintln!(
            "[ihc] {}: {:?}",
            doc.id,
            &a.texts[s.passage][s.start..s.end]
        );
        let inside = |p: usize, st: usize, e: usize| p == s.passage && st >= s.start && e <= s.end;
        eprintln!(
            "[ihc]   markers {:?}",
            a.mentions
                .markers
                .iter()
                .filter(|m| inside(m.passage, m.start, m.end))
                .map(|m| (&m.text, &m.id))
                .collect::<Vec<_>>()
        );
        eprintln!(
            "[ihc]   tumours {:?}",
            a.mentions
                .tumours
                .iter()
                .filter(|t| inside(t.passage, t.start, t.end))
                .map(|t| (&t.text, &t.id))
                .collect::<Vec<_>>()
        );
        for c in a
            .candidates
            .candidates
            .iter()
            .filter(|c| a.candidates.anchors[c.anchor].sentence == i && c.rule_pick)
        {
            eprintln!(
                "[ihc]   rules pick {} | {} | {:?}/{:?} ({})",
                a.mentions.markers[c.marker].text,
                a.mentions.tumours[c.tumour].text,
                c.positive,
                c.total,
                c.how.as_str()
            );
        }
    }
}
