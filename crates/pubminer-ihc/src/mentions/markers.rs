//! Marker mentions: the curated list first, then HGNC genes of the main lexicon that do not
//! overlap them; double stains (`CK5/P63`) marked; stray gene aliases dropped.

use pubminer_core::Document;
use pubminer_lexicon::{EntityType, Lexicon, SynonymKind};
use pubminer_text::normalize::KeyBuilder;
use pubminer_text::sentence::split_sentences;
use pubminer_text::token::{TokenKind, tokenize};

use super::{MarkerMention, MarkerSource};
use crate::extract::Extractor;
use crate::rules::{Rule, RuleSet};
use crate::words::STAINING_CUES;

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
    // The curated hits by position, and the longest: a hit overlapping a gene mention starts
    // at most that much before it (a window search, not a scan of every hit per mention).
    markers.sort_by_key(|m| (m.passage, m.start));
    let curated_hits = markers.len();
    let longest = markers.iter().map(|m| m.end - m.start).max().unwrap_or(0);
    for m in &tagged.mentions {
        if m.entity_type != "Gene" {
            continue;
        }
        let (s, e) = (m.range.start() as usize, m.range.end() as usize);
        let p = m.passage as usize;
        let curated_here = &markers[..curated_hits];
        let from =
            curated_here.partition_point(|x| (x.passage, x.start) < (p, s.saturating_sub(longest)));
        let overlaps_curated = curated_here[from..]
            .iter()
            .take_while(|x| (x.passage, x.start) < (p, e))
            .any(|x| x.passage == p && s < x.end);
        // Gene mentions come in text order: only the last one taken can overlap this one.
        let overlaps_taken = markers[curated_hits..]
            .last()
            .is_some_and(|x| x.passage == p && x.start < e && s < x.end);
        if overlaps_curated || overlaps_taken {
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
    if rules.on(Rule::ShapeMarkers) {
        for (p, text) in texts.iter().enumerate() {
            shaped(extractor, p, text, &mut markers);
        }
        markers.sort_by_key(|m| (m.passage, m.start));
    }
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

/// Words that name no marker, though a vocabulary may list them as a gene's name:
/// generic protein words and quantifiers.
const GENERIC_WORDS: [&str; 16] = [
    "protein",
    "proteins",
    "antigen",
    "antigens",
    "receptor",
    "receptors",
    "gene",
    "genes",
    "factor",
    "marker",
    "markers",
    "antibody",
    "antibodies",
    "all",
    "none",
    "both",
];

/// The headings of structured abstracts, often run into the next word (`RESULTSCDX2`).
const HEADINGS: [&str; 14] = [
    "results",
    "methods",
    "background",
    "conclusion",
    "conclusions",
    "objective",
    "objectives",
    "purpose",
    "aims",
    "design",
    "introduction",
    "materials",
    "findings",
    "patients",
];

/// Capitals that name methods, not antigens (`IHC`, `FISH`, `PCR`).
const METHODS: [&str; 12] = [
    "IHC", "FISH", "PCR", "ISH", "CISH", "SISH", "EBER", "TMA", "NGS", "RT-PCR", "qPCR", "WHO",
];

/// A word that looks like a marker but names none: a generic word, a method, a heading, or a
/// heading run into the next word (`RESULTSCDX2`).
fn not_a_marker(word: &str) -> bool {
    let lower = word.to_lowercase();
    GENERIC_WORDS.contains(&lower.as_str())
        || METHODS.contains(&word)
        || HEADINGS
            .iter()
            .any(|h| lower.starts_with(h) && word.starts_with(&h.to_uppercase()))
}

/// Words glued by `-`, `.` or `/` without spaces (`Ber-EP4`, `B72.3`, `CA19-9`): byte ranges.
fn chunks(text: &str) -> Vec<(usize, usize)> {
    let tokens = tokenize(text);
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i].kind != TokenKind::Word {
            i += 1;
            continue;
        }
        let start = tokens[i].range.start() as usize;
        let mut end = tokens[i].range.end() as usize;
        let mut j = i + 1;
        while j + 1 < tokens.len()
            && !tokens[j].space_before
            && !tokens[j + 1].space_before
            && tokens[j + 1].kind == TokenKind::Word
            && matches!(
                &text[tokens[j].range.start() as usize..tokens[j].range.end() as usize],
                "-" | "." | "/"
            )
        {
            end = tokens[j + 1].range.end() as usize;
            j += 2;
        }
        // A word glued to the next without punctuation (`HNF4α`) stays one chunk.
        while j < tokens.len() && !tokens[j].space_before && tokens[j].kind == TokenKind::Word {
            end = tokens[j].range.end() as usize;
            j += 1;
        }
        out.push((start, end));
        i = j;
    }
    out
}

/// A word shaped like a marker name: letters with capitals and digits (`SSTR2A`, `HBME-1`),
/// two capitals or more (`MG-A`), or a Greek letter (`HNF4α`), 3 to 20 bytes; not a stage or
/// grade (`pT2`, `G3`, `IIIA`).
fn marker_shaped(s: &str) -> bool {
    let letters = s.chars().filter(|c| c.is_alphabetic()).count();
    let upper = s.chars().filter(|c| c.is_uppercase()).count();
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let greek = s
        .chars()
        .any(|c| matches!(c, '\u{391}'..='\u{3A9}' | '\u{3B1}'..='\u{3C9}'));
    let roman = s
        .chars()
        .all(|c| matches!(c, 'I' | 'V' | 'X' | 'A' | 'B' | 'C'));
    let stage = {
        let t = s.trim_start_matches(['p', 'c', 'y']);
        t.len() <= 3
            && t.starts_with(['T', 'N', 'M', 'G'])
            && t[1..]
                .chars()
                .all(|c| c.is_ascii_digit() || "abcx".contains(c))
    };
    (3..=20).contains(&s.len())
        && letters >= 1
        && (upper >= 2 || (upper >= 1 && digits >= 1) || greek)
        && !roman
        && !stage
}

/// Markers the curated list and the tagger did not give: names of the lexicon's genes and
/// protein families matched case-insensitively (`Myb`, `maspin`, `uroplakin III`), and
/// marker-shaped words no vocabulary lists, in sentences about staining.
fn shaped(extractor: &Extractor, passage: usize, text: &str, markers: &mut Vec<MarkerMention>) {
    let lexicon = extractor.lexicon();
    let mut keys = KeyBuilder::new();
    let chunks = chunks(text);
    // Sorted by position (an earlier passage's finds were appended), a marker overlapping
    // `s..e` starts at most the longest marker's length before `s`: only that window is
    // looked at.
    markers.sort_by_key(|m| (m.passage, m.start));
    let longest = markers.iter().map(|m| m.end - m.start).max().unwrap_or(0);
    let taken = |markers: &[MarkerMention], s: usize, e: usize| {
        let from = markers
            .partition_point(|m| (m.passage, m.start) < (passage, s.saturating_sub(longest)));
        markers[from..]
            .iter()
            .take_while(|m| (m.passage, m.start) < (passage, e))
            .any(|m| m.passage == passage && s < m.end)
    };
    let mut found: Vec<MarkerMention> = Vec::new();
    for sentence in split_sentences(text) {
        let (ss, se) = (sentence.start() as usize, sentence.end() as usize);
        let lower = text[ss..se].to_ascii_lowercase();
        if !STAINING_CUES
            .iter()
            .chain(["reactiv", "label", "detect", "antibod"].iter())
            .any(|c| lower.contains(c))
        {
            continue;
        }
        let first = chunks.partition_point(|&(s, _)| s < ss);
        let here: Vec<(usize, usize)> = chunks[first..]
            .iter()
            .copied()
            .take_while(|&(s, _)| s < se)
            .filter(|&(_, e)| e <= se)
            .collect();
        let mut i = 0;
        while i < here.len() {
            // Windows grow a chunk at a time; the longest the lexicon names wins, else a
            // marker-shaped single chunk. A window's key is a prefix of every longer
            // window's key, so growth stops at a key no lexicon key begins with.
            let mut hit: Option<(usize, MarkerMention)> = None;
            for len in 1..=4.min(here.len() - i) {
                let (s, e) = (here[i].0, here[i + len - 1].1);
                let span = &text[s..e];
                // One space between words, no bracket or stop inside.
                if span.contains(['(', ')', ';', ',', ':'])
                    || span.contains("  ")
                    || taken(markers, s, e)
                    // Found in text order, none overlapping: only the last can overlap.
                    || found.last().is_some_and(|m| m.start < e && s < m.end)
                {
                    break;
                }
                let key = keys.name_key(span);
                if let Some(m) = lexicon_marker(lexicon, span, &key) {
                    hit = Some((
                        len,
                        MarkerMention {
                            passage,
                            start: s,
                            end: e,
                            text: span.to_owned(),
                            ..m
                        },
                    ));
                } else if len == 1 && marker_shaped(span) && !not_a_marker(span) {
                    hit = Some((
                        1,
                        MarkerMention {
                            passage,
                            start: s,
                            end: e,
                            text: span.to_owned(),
                            id: None,
                            symbol: None,
                            source: MarkerSource::Shape,
                            combined: false,
                        },
                    ));
                }
                if !lexicon.has_key_prefix(&key) {
                    break;
                }
            }
            match hit {
                Some((len, m)) => {
                    found.push(m);
                    i += len;
                }
                None => i += 1,
            }
        }
    }
    markers.extend(found);
}

/// The lexicon's gene or protein family a name spells, case aside: an HGNC gene first, then
/// any other gene concept. Short lower-case words need a name, not a symbol (`set`, `can`).
fn lexicon_marker(lexicon: &Lexicon, span: &str, key: &str) -> Option<MarkerMention> {
    if span.split_whitespace().all(not_a_marker) {
        return None;
    }
    let has_signal = span
        .chars()
        .any(|c| c.is_uppercase() || c.is_ascii_digit() || !c.is_ascii());
    if span.len() < 3 || (!has_signal && span.len() < 5) {
        return None;
    }
    let mut best: Option<(u8, String, Option<String>)> = None;
    for posting in lexicon.lookup_key(key) {
        let Some(entry) = lexicon.entry(posting.entry) else {
            continue;
        };
        if entry.entity_type() != EntityType::Gene {
            continue;
        }
        let symbolic = matches!(
            posting.kind,
            SynonymKind::Symbol
                | SynonymKind::AliasSymbol
                | SynonymKind::PreviousSymbol
                | SynonymKind::Abbreviation
        );
        if symbolic && !has_signal {
            continue;
        }
        let hgnc = entry.id().starts_with("HGNC:");
        let rank = u8::from(hgnc) * 2 + u8::from(!symbolic);
        if best.as_ref().is_none_or(|b| rank > b.0) {
            best = Some((
                rank,
                entry.id().to_owned(),
                hgnc.then(|| entry.name().to_owned()),
            ));
        }
    }
    best.map(|(_, id, symbol)| MarkerMention {
        passage: 0,
        start: 0,
        end: 0,
        text: String::new(),
        id: Some(id),
        symbol,
        source: MarkerSource::Named,
        combined: false,
    })
}
