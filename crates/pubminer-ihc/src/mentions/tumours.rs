//! Tumour-type mentions from the vocabularies and from the document's own abbreviations.

use pubminer_core::{Document, Span};

use super::{MarkerMention, MarkerSource, TumourMention, TumourSource};
use crate::extract::Extractor;
use crate::rules::{Rule, RuleSet};
use crate::words::{is_tumour_head, names_a_tumour, word_occurrences};

/// The abbreviations a document defines, as text.
pub(super) struct Abbreviations {
    /// `(short, long)` of each definition.
    pairs: Vec<(String, String)>,
    /// Each definition's spans: short form, long form.
    spans: Vec<(Span, Span)>,
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
        Self { pairs, spans }
    }

    /// The long form of a short form as written (also of its plural, `IMTs`).
    fn long_form_of(&self, written: &str) -> Option<&str> {
        let singular = written.strip_suffix('s').unwrap_or(written);
        self.pairs
            .iter()
            .find(|(short, _)| short == written || short == singular)
            .map(|(_, long)| long.as_str())
    }

    fn is_short_form(&self, text: &str) -> bool {
        self.pairs.iter().any(|(s, _)| s == text)
    }

    /// Short forms of markers (`carbonic anhydrase IX (CA IX)`): every use of the short form
    /// that is no marker yet becomes the long form's marker.
    pub(super) fn abbreviated_markers(&self, texts: &[&str], markers: &mut Vec<MarkerMention>) {
        let mut added = Vec::new();
        for ((short, _), (_, long_span)) in self.pairs.iter().zip(&self.spans) {
            let lp = long_span.passage as usize;
            let (ls, le) = (
                long_span.range.start() as usize,
                long_span.range.end() as usize,
            );
            // The long form is (nearly all) one marker mention.
            let Some(marker) = markers
                .iter()
                .find(|m| {
                    m.passage == lp
                        && m.start <= ls + 1
                        && m.end + 1 >= le
                        && m.end > ls
                        && m.start < le
                })
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
                for (s, e) in word_occurrences(text, short) {
                    let e = s + short.len().min(e - s);
                    // A marker-shaped word no vocabulary named gives way to the defined one.
                    let overlaps = |m: &MarkerMention| m.passage == p && m.start < e && s < m.end;
                    if markers
                        .iter()
                        .chain(&added)
                        .any(|m| overlaps(m) && m.source != MarkerSource::Shape)
                    {
                        continue;
                    }
                    markers.retain(|m| !overlaps(m));
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
        markers.extend(added);
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
        if markers
            .iter()
            .any(|x| x.curated() && x.passage == p && x.start <= s && e <= x.end)
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
    for ((short, long), (_, long_span)) in abbreviations.pairs.iter().zip(&abbreviations.spans) {
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
        let crosses = |t: &TumourMention| t.passage == lp && t.start < le && ls < t.end;
        // A mention that holds the long form (`lung adenocarcinomas (ADC)`, where the long
        // form is `adenocarcinomas`) is the tumour the short form names.
        let holder = tumours
            .iter()
            .find(|t| t.passage == lp && t.start <= ls && le <= t.end)
            .cloned();
        // Otherwise the long form is the tumour, where the vocabulary's mentions lie inside
        // it (a mention across its edge is a reading of its own, and stands).
        if holder.is_none() && tumours.iter().any(|t| crosses(t) && !inside(t)) {
            continue;
        }
        let (name, id) = match &holder {
            Some(t) => (t.text.clone(), t.id.clone()),
            None => {
                let site = tumours
                    .iter()
                    .filter(|t| inside(t))
                    .find_map(|t| t.site.clone());
                let inner_id = tumours
                    .iter()
                    .filter(|t| inside(t))
                    .max_by_key(|t| t.end - t.start)
                    .and_then(|t| t.id.clone());
                let id = extractor.tumour_id_of_name(long).or(inner_id);
                tumours.retain(|t| !inside(t));
                tumours.push(TumourMention {
                    passage: lp,
                    start: ls,
                    end: le,
                    text: long.clone(),
                    written: None,
                    id: id.clone(),
                    site,
                    source: TumourSource::Abbreviation,
                });
                (long.clone(), id)
            }
        };
        for (p, text) in texts.iter().enumerate() {
            for (s, e) in word_occurrences(text, short) {
                // `LMS` is not the plural of `LM` when the document defines both.
                if e - s > short.len() && abbreviations.is_short_form(&text[s..e]) {
                    continue;
                }
                let taken = tumours
                    .iter()
                    .any(|t| t.passage == p && t.start < e && s < t.end)
                    || markers
                        .iter()
                        .any(|m| m.passage == p && m.start < e && s < m.end);
                if !taken {
                    let (ms, modifiers) = modifiers_before(text, s);
                    let ms = if tumours
                        .iter()
                        .any(|t| t.passage == p && t.start < s && ms < t.end)
                    {
                        s
                    } else {
                        ms
                    };
                    let modifiers = if ms == s { "" } else { modifiers };
                    tumours.push(TumourMention {
                        passage: p,
                        start: ms,
                        end: e,
                        text: format!("{modifiers}{name}"),
                        written: Some(text[ms..e].to_owned()),
                        id: id.clone(),
                        site: None,
                        source: TumourSource::Abbreviation,
                    });
                }
            }
        }
    }
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
