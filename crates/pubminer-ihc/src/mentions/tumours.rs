//! Tumour-type mentions from the vocabularies and from the document's own abbreviations.

use pubminer_core::{Document, Span};

use super::{MarkerMention, MarkerSource, SpanIndex, TumourMention, TumourSource};
use crate::extract::Extractor;
use crate::rules::{Rule, RuleSet};
use crate::words::{is_tumour_head, names_a_tumour, word_occurrences_of_all};

/// The abbreviations a document defines, as text.
pub(super) struct Abbreviations {
    /// `(short, long)` of each definition.
    pairs: Vec<(String, String)>,
    /// Each definition's spans: short form, long form.
    spans: Vec<(Span, Span)>,
    /// The first definition of each short form.
    first: std::collections::HashMap<String, usize>,
}

impl Abbreviations {
    pub(super) fn of(tagged: &Document, texts: &[&str]) -> Self {
        let text_of = |sp: &Span| -> Option<String> {
            let t = texts.get(sp.passage as usize)?;
            t.get(sp.range.start() as usize..sp.range.end() as usize)
                .map(str::to_owned)
        };
        let mut pairs = Vec::new();
        let mut spans = Vec::new();
        for a in &tagged.abbreviations {
            if let (Some(short), Some(long)) = (text_of(&a.short), text_of(&a.long)) {
                pairs.push((short, long));
                spans.push((a.short, a.long));
            }
        }
        let mut first = std::collections::HashMap::new();
        for (i, (short, _)) in pairs.iter().enumerate() {
            first.entry(short.clone()).or_insert(i);
        }
        Self {
            pairs,
            spans,
            first,
        }
    }

    /// The long form of a short form as written (also of its plural, `IMTs`).
    fn long_form_of(&self, written: &str) -> Option<&str> {
        let singular = written.strip_suffix('s').unwrap_or(written);
        [written, singular]
            .iter()
            .filter_map(|w| self.first.get(*w).copied())
            .min()
            .map(|i| self.pairs[i].1.as_str())
    }

    fn is_short_form(&self, text: &str) -> bool {
        self.first.contains_key(text)
    }

    /// Short forms of markers (`carbonic anhydrase IX (CA IX)`): every use of the short form
    /// that is no marker yet becomes the long form's marker.
    pub(super) fn abbreviated_markers(&self, texts: &[&str], markers: &mut Vec<MarkerMention>) {
        if self.pairs.is_empty() {
            return;
        }
        // Markers as slots (a removed one is `None`) with span indexes, and every short
        // form's uses found in one pass: each query looks near its span, so a long text stays
        // linear.
        let mut slots: Vec<Option<MarkerMention>> =
            std::mem::take(markers).into_iter().map(Some).collect();
        let mut index = SpanIndex::of(slots.iter().flatten().map(|m| (m.passage, m.start, m.end)));
        let mut added: Vec<MarkerMention> = Vec::new();
        let mut added_index = SpanIndex::default();
        let shorts: Vec<&str> = self.pairs.iter().map(|(s, _)| s.as_str()).collect();
        let uses: Vec<Vec<Vec<(usize, usize)>>> = texts
            .iter()
            .map(|t| word_occurrences_of_all(t, &shorts))
            .collect();
        for (k, ((short, _), (_, long_span))) in self.pairs.iter().zip(&self.spans).enumerate() {
            let lp = long_span.passage as usize;
            let (ls, le) = (
                long_span.range.start() as usize,
                long_span.range.end() as usize,
            );
            // The long form is (nearly all) one marker mention.
            let Some(marker) = index
                .overlapping(lp, ls, le)
                .into_iter()
                .filter_map(|i| slots[i].as_ref())
                .find(|m| m.start <= ls + 1 && m.end + 1 >= le)
                .cloned()
            else {
                continue;
            };
            if short
                .split(|c: char| !c.is_alphanumeric())
                .any(is_tumour_head)
            {
                continue;
            }
            for (p, text) in texts.iter().enumerate() {
                for &(s, e) in &uses[p][k] {
                    let e = s + short.len().min(e - s);
                    // A marker-shaped word no vocabulary named gives way to the defined one.
                    let here = index.overlapping(p, s, e);
                    if here
                        .iter()
                        .filter_map(|&i| slots[i].as_ref())
                        .chain(added_index.overlapping(p, s, e).iter().map(|&i| &added[i]))
                        .any(|m| m.source != MarkerSource::Shape)
                    {
                        continue;
                    }
                    for i in here {
                        if let Some(m) = slots[i].take() {
                            index.remove(m.passage, m.start, i);
                        }
                    }
                    added_index.insert(p, s, e, added.len());
                    added.push(MarkerMention {
                        passage: p,
                        start: s,
                        end: e,
                        text: text[s..e].to_owned(),
                        ..marker.clone()
                    });
                }
            }
        }
        *markers = slots.into_iter().flatten().chain(added).collect();
        markers.sort_by_key(|m| (m.passage, m.start));
    }
}

/// A gene alias that the document defines as a tumour (`SCC` = small cell carcinoma, also as
/// `SCCs`) is that tumour.
pub(super) fn gene_aliases_defined_as_tumours(
    markers: &mut Vec<MarkerMention>,
    tumours: &mut Vec<TumourMention>,
    abbreviations: &Abbreviations,
) {
    markers.retain(|m| {
        if m.curated() {
            return true;
        }
        match abbreviations.long_form_of(&m.text) {
            Some(long)
                if long
                    .split(|c: char| !c.is_alphanumeric())
                    .any(is_tumour_head) =>
            {
                tumours.push(TumourMention {
                    passage: m.passage,
                    start: m.start,
                    end: m.end,
                    text: long.to_owned(),
                    written: Some(m.text.clone()),
                    id: None,
                    site: None,
                    source: TumourSource::Abbreviation,
                });
                false
            }
            _ => true,
        }
    });
}

/// Neoplasm mentions of the dictionary tagger (and abbreviations of them), with a nested
/// site; adjacent mentions merged into one type (`desmoid` + `fibromatoses`).
pub(super) fn vocabulary(
    extractor: &Extractor,
    tagged: &Document,
    texts: &[&str],
    markers: &[MarkerMention],
    abbreviations: &Abbreviations,
    rules: &RuleSet,
    tumours: &mut Vec<TumourMention>,
) {
    let mut found = Vec::new();
    // Curated markers by span; the tagger's mentions are in text order (for the site search).
    let curated = SpanIndex::of(
        markers
            .iter()
            .filter(|x| x.curated())
            .map(|x| (x.passage, x.start, x.end)),
    );
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
        let process = rules.on(Rule::ProcessesAreNotTumours)
            && m.text.to_ascii_lowercase().ends_with("genesis");
        if process || !extractor.is_neoplasm(&link.id) && !head_ok {
            continue;
        }
        let p = m.passage as usize;
        let (s, e) = (m.range.start() as usize, m.range.end() as usize);
        if !curated.holding(p, s, e).is_empty() {
            continue; // `GIST` inside a marker name, `ALK` lymphoma kinase...
        }
        let from = tagged
            .mentions
            .partition_point(|a| (a.passage, a.range.start()) < (m.passage, m.range.start()));
        let site = tagged.mentions[from..]
            .iter()
            .take_while(|a| {
                (a.passage, a.range.start()) < (m.passage, m.range.end().max(m.range.start() + 1))
            })
            .find(|a| a.entity_type == "Anatomy" && m.range.contains_range(a.range))
            .map(|a| (a.text.clone(), a.links.first().map(|l| l.id.clone())));
        let long = m
            .long_form
            .clone()
            .or_else(|| abbreviations.long_form_of(&m.text).map(str::to_owned));
        let (s, text, written) = match long {
            Some(long) => {
                let (ms, modifiers) = modifiers_before(texts[p], s);
                (
                    ms,
                    format!("{modifiers}{long}"),
                    Some(texts[p][ms..e].to_owned()),
                )
            }
            None => (s, m.text.clone(), None),
        };
        found.push(TumourMention {
            passage: p,
            start: s,
            end: e,
            text,
            written,
            id: extractor.tumour_concept(&link.id),
            site,
            source: TumourSource::Vocabulary,
        });
    }
    found.append(tumours);
    found.sort_by_key(|t| (t.passage, t.start));
    for t in found {
        if let Some(prev) = tumours.last_mut()
            && rules.on(Rule::AdjacentTumoursMerge)
            && prev.source == TumourSource::Vocabulary
            && t.source == TumourSource::Vocabulary
            && prev.passage == t.passage
            && prev.end < t.start
            && texts[t.passage].get(prev.end..t.start) == Some(" ")
            && prev.written.is_none()
            && t.written.is_none()
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
        tumours.push(t);
    }
}

/// Tumour types that the document abbreviates (`smooth muscle tumor of uncertain malignant
/// potential (STUMP)`): the whole long form where it is defined (or the mention holding it),
/// and every use of the short form.
pub(super) fn abbreviated(
    extractor: &Extractor,
    texts: &[&str],
    markers: &[MarkerMention],
    abbreviations: &Abbreviations,
    tumours: &mut Vec<TumourMention>,
) {
    if abbreviations.pairs.is_empty() {
        return;
    }
    // The tumours as slots (a removed one is `None`) with a span index, and the markers'
    // spans: each query looks near its span, so a long text stays linear.
    let mut slots: Vec<Option<TumourMention>> =
        std::mem::take(tumours).into_iter().map(Some).collect();
    let mut index = SpanIndex::of(slots.iter().flatten().map(|t| (t.passage, t.start, t.end)));
    let marker_index = SpanIndex::of(markers.iter().map(|m| (m.passage, m.start, m.end)));
    let shorts: Vec<&str> = abbreviations
        .pairs
        .iter()
        .map(|(s, _)| s.as_str())
        .collect();
    let uses: Vec<Vec<Vec<(usize, usize)>>> = texts
        .iter()
        .map(|t| word_occurrences_of_all(t, &shorts))
        .collect();
    let live = |slots: &[Option<TumourMention>], ids: Vec<usize>| -> Vec<usize> {
        ids.into_iter().filter(|&i| slots[i].is_some()).collect()
    };
    for (k, ((short, long), (_, long_span))) in abbreviations
        .pairs
        .iter()
        .zip(&abbreviations.spans)
        .enumerate()
    {
        if !names_a_tumour(long)
            || short
                .split(|c: char| !c.is_alphanumeric())
                .any(is_tumour_head)
        {
            continue;
        }
        let lp = long_span.passage as usize;
        let (ls, le) = (
            long_span.range.start() as usize,
            long_span.range.end() as usize,
        );
        let inside = |t: &TumourMention| t.passage == lp && ls <= t.start && t.end <= le;
        let get = |slots: &[Option<TumourMention>], i: usize| slots[i].clone().expect("live");
        // A mention that holds the long form (`lung adenocarcinomas (ADC)`, where the long
        // form is `adenocarcinomas`) is the tumour the short form names.
        let holder = live(&slots, index.holding(lp, ls, le))
            .first()
            .map(|&i| get(&slots, i));
        // Otherwise the long form is the tumour, where the vocabulary's mentions lie inside
        // it (a mention across its edge is a reading of its own, and stands).
        let crossing = live(&slots, index.overlapping(lp, ls, le));
        if holder.is_none()
            && crossing
                .iter()
                .any(|&i| slots[i].as_ref().is_some_and(|t| !inside(t)))
        {
            continue;
        }
        let (name, id) = match &holder {
            Some(t) => (t.text.clone(), t.id.clone()),
            None => {
                let within: Vec<usize> = crossing
                    .iter()
                    .copied()
                    .filter(|&i| slots[i].as_ref().is_some_and(inside))
                    .collect();
                let site = within
                    .iter()
                    .find_map(|&i| slots[i].as_ref().and_then(|t| t.site.clone()));
                let inner_id = within
                    .iter()
                    .filter_map(|&i| slots[i].as_ref())
                    .max_by_key(|t| t.end - t.start)
                    .and_then(|t| t.id.clone());
                let id = extractor.tumour_id_of_name(long).or(inner_id);
                for i in within {
                    if let Some(t) = slots[i].take() {
                        index.remove(t.passage, t.start, i);
                    }
                }
                index.insert(lp, ls, le, slots.len());
                slots.push(Some(TumourMention {
                    passage: lp,
                    start: ls,
                    end: le,
                    text: long.clone(),
                    written: None,
                    id: id.clone(),
                    site,
                    source: TumourSource::Abbreviation,
                }));
                (long.clone(), id)
            }
        };
        for (p, text) in texts.iter().enumerate() {
            for &(s, e) in &uses[p][k] {
                // `LMS` is not the plural of `LM` when the document defines both.
                if e - s > short.len() && abbreviations.is_short_form(&text[s..e]) {
                    continue;
                }
                let taken = !index.overlapping(p, s, e).is_empty()
                    || !marker_index.overlapping(p, s, e).is_empty();
                if !taken {
                    let (ms, modifiers) = modifiers_before(text, s);
                    let ms = if index
                        .overlapping(p, ms, s)
                        .iter()
                        .any(|&i| slots[i].as_ref().is_some_and(|t| t.start < s))
                    {
                        s
                    } else {
                        ms
                    };
                    let modifiers = if ms == s { "" } else { modifiers };
                    index.insert(p, ms, e, slots.len());
                    slots.push(Some(TumourMention {
                        passage: p,
                        start: ms,
                        end: e,
                        text: format!("{modifiers}{name}"),
                        written: Some(text[ms..e].to_owned()),
                        id: id.clone(),
                        site: None,
                        source: TumourSource::Abbreviation,
                    }));
                }
            }
        }
    }
    *tumours = slots.into_iter().flatten().collect();
}

/// Up to two lower-case modifier words right before byte `start` (`papillary` in `papillary
/// RCC`, `collecting duct` in `collecting duct RCC`): where they start, and the words with a
/// trailing space (empty when there are none). Function words, quantifiers and result words
/// are no modifiers.
fn modifiers_before(text: &str, start: usize) -> (usize, &str) {
    const NOT_MODIFIERS: [&str; 40] = [
        "the", "a", "an", "of", "in", "and", "or", "with", "for", "to", "from", "by", "as", "at",
        "on", "all", "these", "those", "this", "that", "other", "some", "most", "many", "both",
        "each", "were", "was", "is", "are", "had", "has", "have", "positive", "negative", "than",
        "not", "no", "any", "patients",
    ];
    let mut begin = start;
    for _ in 0..2 {
        let before = &text[..begin];
        let trimmed = before.trim_end_matches(' ');
        if trimmed.len() + 1 != before.len() {
            break;
        }
        let word_start = trimmed
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_ascii_lowercase() || *c == '-'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let word = &trimmed[word_start..];
        if word.len() < 3
            || NOT_MODIFIERS.contains(&word)
            || trimmed[..word_start].ends_with(|c: char| c.is_alphanumeric())
        {
            break;
        }
        begin = word_start;
    }
    (begin, &text[begin..start])
}
