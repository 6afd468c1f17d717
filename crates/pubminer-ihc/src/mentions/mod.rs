//! Phase 1: the markers and tumour types a document mentions, with byte spans.
//!
//! Markers come from the curated list ([`crate::markers`]), then genes of the main lexicon,
//! then marker-shaped words no vocabulary lists (`Ber-EP4`, `mCEA`) when they are used as
//! markers; tumour types from the dictionary tagger's neoplasms, the document's own
//! abbreviations, noun phrases headed by a tumour word and lists of organs. Which of these
//! sources run is a [`RuleSet`] choice.

mod markers;
mod phrases;
mod tumours;

use pubminer_core::Document;

use crate::extract::Extractor;
use crate::rules::RuleSet;

/// Where a marker mention comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerSource {
    /// The curated IHC marker list.
    Curated,
    /// A gene of the main lexicon, as the dictionary tagger finds it.
    Lexicon,
    /// A gene or protein family of the main lexicon, its name matched case aside (`Myb`,
    /// `maspin`).
    Named,
    /// A marker-shaped word in a marker's place that no vocabulary lists.
    Shape,
}

/// A marker occurrence.
#[derive(Clone, Debug)]
pub struct MarkerMention {
    /// Passage index.
    pub passage: usize,
    /// Byte range in the passage.
    pub start: usize,
    /// End byte.
    pub end: usize,
    /// As written.
    pub text: String,
    /// Concept: HGNC id or IHC concept (`HGNC-SYMBOL:X` when the symbol has no id here).
    pub id: Option<String>,
    /// HGNC symbol when one gene.
    pub symbol: Option<String>,
    /// Where it comes from.
    pub source: MarkerSource,
    /// Half of a double stain written `CK5/P63`.
    pub combined: bool,
}

impl MarkerMention {
    /// The concept key: the id, else the lower-cased text.
    #[must_use]
    pub fn key(&self) -> String {
        self.id.clone().unwrap_or_else(|| self.text.to_lowercase())
    }

    /// True for a curated marker.
    #[must_use]
    pub fn curated(&self) -> bool {
        self.source == MarkerSource::Curated
    }

    /// True for a marker of the vocabularies the rules read (curated, or a gene the tagger
    /// found); names matched case aside and marker-shaped words are the trained engine's.
    #[must_use]
    pub fn vocabulary(&self) -> bool {
        matches!(self.source, MarkerSource::Curated | MarkerSource::Lexicon)
    }
}

/// Where a tumour mention comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TumourSource {
    /// A neoplasm of the vocabularies (dictionary tagger).
    Vocabulary,
    /// A short form the document defines as a tumour type.
    Abbreviation,
    /// A noun phrase headed by a tumour word.
    Phrase,
    /// One organ of `tumours of breast, prostate and liver`.
    OrganList,
}

/// A tumour-type occurrence.
#[derive(Clone, Debug)]
pub struct TumourMention {
    /// Passage index.
    pub passage: usize,
    /// Byte range in the passage.
    pub start: usize,
    /// End byte.
    pub end: usize,
    /// The tumour's name: as written, or with an abbreviation written out (`papillary renal
    /// cell carcinoma` for `papillary RCC`); groups and pairs are keyed on it.
    pub text: String,
    /// As written, where that differs from `text` (`papillary RCC`).
    pub written: Option<String>,
    /// Concept (OncoTree code when merged), if linked.
    pub id: Option<String>,
    /// Site as written and its UBERON id.
    pub site: Option<(String, Option<String>)>,
    /// Where it comes from.
    pub source: TumourSource,
}

impl TumourMention {
    /// The name a profile shows: as written, with the written-out form in brackets when
    /// the text abbreviates it (`papillary RCC (papillary renal cell carcinoma)`).
    #[must_use]
    pub fn display(&self) -> String {
        match &self.written {
            Some(w) => format!("{w} ({})", self.text),
            None => self.text.clone(),
        }
    }
}

/// The mentions of one document, each list sorted by position.
#[derive(Clone, Debug, Default)]
pub struct Mentions {
    /// Markers.
    pub markers: Vec<MarkerMention>,
    /// Tumour types.
    pub tumours: Vec<TumourMention>,
}

/// Finds the mentions of `tagged` (a copy of the document the dictionary tagger has tagged
/// with genes, diseases and anatomy, and whose abbreviations it has found).
#[must_use]
pub fn find(extractor: &Extractor, tagged: &Document, rules: &RuleSet) -> Mentions {
    let texts: Vec<&str> = tagged.passages.iter().map(|p| p.text()).collect();
    let abbreviations = tumours::Abbreviations::of(tagged, &texts);
    let mut markers = markers::find(extractor, tagged, &texts, rules);
    if rules.on(crate::rules::Rule::AbbreviatedMarkers) {
        abbreviations.abbreviated_markers(&texts, &mut markers);
    }
    let mut tumours = Vec::new();
    if rules.on(crate::rules::Rule::GeneAliasDefinedAsTumour) {
        tumours::gene_aliases_defined_as_tumours(&mut markers, &mut tumours, &abbreviations);
    }
    tumours::vocabulary(
        extractor,
        tagged,
        &texts,
        &markers,
        &abbreviations,
        rules,
        &mut tumours,
    );
    if rules.on(crate::rules::Rule::AbbreviatedTumours) {
        tumours::abbreviated(extractor, &texts, &markers, &abbreviations, &mut tumours);
    }
    tumours.sort_by_key(|t| (t.passage, t.start));
    // A gene name that is also a tumour mention (`OSA` defined as osteosarcoma) is the
    // tumour: only curated marker names outrank tumour mentions.
    // (Tumours are sorted: a window search from the longest tumour's length before.)
    let longest = tumours.iter().map(|t| t.end - t.start).max().unwrap_or(0);
    markers.retain(|m| {
        let from = tumours.partition_point(|t| {
            (t.passage, t.start) < (m.passage, m.start.saturating_sub(longest))
        });
        m.curated()
            || !tumours[from..]
                .iter()
                .take_while(|t| (t.passage, t.start) < (m.passage, m.end))
                .any(|t| t.passage == m.passage && m.start < t.end)
    });
    if rules.on(crate::rules::Rule::HeadPhrases) {
        phrases::head_phrase_tumours(&texts, &mut tumours);
    }
    if rules.on(crate::rules::Rule::OrganLists) {
        phrases::organ_list_tumours(tagged, &texts, &mut tumours);
    }
    tumours.sort_by_key(|t| (t.passage, t.start));
    markers.sort_by_key(|m| (m.passage, m.start));
    // A tumour type a vocabulary names gets its concept, however the document wrote it.
    for t in tumours.iter_mut().filter(|t| t.id.is_none()) {
        t.id = extractor.tumour_id_for(&t.text);
    }
    Mentions { markers, tumours }
}

/// Spans of one kind of mention by (passage, start), for overlap queries while the list
/// changes (mentions added and removed by slot). A span overlapping a range starts less than
/// the longest span's length before it, so a query looks at a window, not every span.
#[derive(Default)]
pub(crate) struct SpanIndex {
    set: std::collections::BTreeSet<(usize, usize, usize)>,
    /// Each slot's end (slots are small dense integers).
    ends: Vec<usize>,
    longest: usize,
}

impl SpanIndex {
    /// Indexes `spans` (passage, start, end), each by its position as its slot.
    pub(crate) fn of(spans: impl Iterator<Item = (usize, usize, usize)>) -> Self {
        let mut index = Self::default();
        for (slot, (passage, start, end)) in spans.enumerate() {
            index.insert(passage, start, end, slot);
        }
        index
    }

    pub(crate) fn insert(&mut self, passage: usize, start: usize, end: usize, slot: usize) {
        self.set.insert((passage, start, slot));
        if self.ends.len() <= slot {
            self.ends.resize(slot + 1, 0);
        }
        self.ends[slot] = end;
        self.longest = self.longest.max(end - start);
    }

    pub(crate) fn remove(&mut self, passage: usize, start: usize, slot: usize) {
        self.set.remove(&(passage, start, slot));
    }

    /// Slots whose span starts in `passage` within `from..to`, with their spans, by start.
    fn starting(
        &self,
        passage: usize,
        from: usize,
        to: usize,
    ) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        self.set
            .range((passage, from, 0)..(passage, to, 0))
            .map(|&(_, start, slot)| (slot, start, self.ends[slot]))
    }

    /// Slots overlapping `start..end` in `passage`, in increasing slot order.
    pub(crate) fn overlapping(&self, passage: usize, start: usize, end: usize) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .starting(passage, start.saturating_sub(self.longest), end)
            .filter(|&(_, s, e)| s < end && start < e)
            .map(|(slot, _, _)| slot)
            .collect();
        out.sort_unstable();
        out
    }

    /// Slots whose span holds `start..end` in `passage`, in increasing slot order.
    pub(crate) fn holding(&self, passage: usize, start: usize, end: usize) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .starting(passage, start.saturating_sub(self.longest), start + 1)
            .filter(|&(_, s, e)| s <= start && end <= e)
            .map(|(slot, _, _)| slot)
            .collect();
        out.sort_unstable();
        out
    }
}
