//! Marker mentions: the curated list first, then HGNC genes of the main lexicon that do not
//! overlap them; double stains (`CK5/P63`) marked; stray gene aliases dropped.

use pubminer_core::Document;

use super::{MarkerMention, MarkerSource};
use crate::extract::Extractor;
use crate::rules::{Rule, RuleSet};

/// Words that are gene aliases but, in a sentence, are words (`and 1` read as `AND-1`).
const FUNCTION_WORDS: [&str; 12] = [
    "and", "or", "of", "in", "the", "with", "to", "for", "as", "by", "at", "a",
];

pub(super) fn find(
    extractor: &Extractor,
    tagged: &Document,
    texts: &[&str],
    rules: &RuleSet,
) -> Vec<MarkerMention> {
    let mut markers: Vec<MarkerMention> = Vec::new();
    let curated = extractor.markers();
    for (p, text) in texts.iter().enumerate() {
        for hit in curated.find(text) {
            let m = &curated.markers()[hit.marker];
            markers.push(MarkerMention {
                passage: p,
                start: hit.start,
                end: hit.end,
                text: text[hit.start..hit.end].to_owned(),
                id: extractor.marker_concept(m),
                symbol: m.symbol().map(str::to_owned),
                source: MarkerSource::Curated,
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
        // Only single genes with an HGNC id make markers from the main lexicon.
        let Some(link) = m.links.first().filter(|l| l.id.starts_with("HGNC:")) else {
            continue;
        };
        markers.push(MarkerMention {
            passage: p,
            start: s,
            end: e,
            text: m.text.clone(),
            id: Some(link.id.clone()),
            symbol: link.name.clone(),
            source: MarkerSource::Lexicon,
            combined: false,
        });
    }
    markers.sort_by_key(|m| (m.passage, m.start));
    if rules.on(Rule::DoubleStain) {
        mark_double_stains(&mut markers, texts);
    }
    if rules.on(Rule::StrayGeneAliases) {
        // Gene mentions that are words of the sentence, or a letter and a digit (`B2`, `A1`:
        // subtypes and grades far more often than the genes that have them as aliases).
        markers.retain(|m| {
            let b = m.text.as_bytes();
            let letter_digit = b.len() == 2 && b[0].is_ascii_alphabetic() && b[1].is_ascii_digit();
            let function_word = m
                .text
                .split_whitespace()
                .next()
                .is_some_and(|w| FUNCTION_WORDS.contains(&w));
            m.curated() || !(letter_digit || function_word)
        });
    }
    markers
}

/// Two different markers joined by a slash (`CK5/P63`, `CK7/CK20`) are a double stain; one
/// concept written twice (`CD117/c-kit`) is one marker.
fn mark_double_stains(markers: &mut [MarkerMention], texts: &[&str]) {
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
}
