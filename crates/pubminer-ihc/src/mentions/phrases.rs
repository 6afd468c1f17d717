//! Tumour types that no vocabulary names, read from the phrase: noun phrases headed by a
//! tumour word (`non-osteogenic bone tumors`) and tumour words distributed over organs
//! (`primary tumors of breast, prostate, kidney and liver`).

use pubminer_core::Document;

use super::{TumourMention, TumourSource};
use crate::counts::{Atom, atoms};
use crate::words::{TUMOUR_HEADS, is_generic, is_tumour_head};

/// Noun phrases ending in a tumour word that no vocabulary names: they replace the mentions
/// inside them only where those are generic words (`cancer` in `extrahepatic biliary cancer`).
pub(super) fn head_phrase_tumours(texts: &[&str], tumours: &mut Vec<TumourMention>) {
    for (p, text) in texts.iter().enumerate() {
        for (s, e) in head_phrases(text) {
            let overlaps = |t: &TumourMention| t.passage == p && t.start < e && s < t.end;
            if tumours
                .iter()
                .any(|t| overlaps(t) && !(is_generic(&t.text) && s <= t.start && t.end <= e))
            {
                continue;
            }
            tumours.retain(|t| !overlaps(t));
            tumours.push(TumourMention {
                passage: p,
                start: s,
                end: e,
                text: text[s..e].to_owned(),
                written: None,
                id: None,
                site: None,
                source: TumourSource::Phrase,
            });
        }
    }
}

/// `primary tumors of breast, prostate, kidney and liver`: one tumour type per organ, with
/// the organ as its site.
pub(super) fn organ_list_tumours(
    tagged: &Document,
    texts: &[&str],
    tumours: &mut Vec<TumourMention>,
) {
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
                tumours.push(TumourMention {
                    passage: p,
                    start: is,
                    end: ie,
                    text: format!("{head} of {}", &text[is..ie]),
                    written: None,
                    id: None,
                    site,
                    source: TumourSource::OrganList,
                });
            }
        }
    }
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
        // Words here are ASCII (scanned above), so ASCII case folding is the lower case.
        let starts_with = |h: &str| {
            w.len() >= h.len() && w.as_bytes()[..h.len()].eq_ignore_ascii_case(h.as_bytes())
        };
        if !TUMOUR_HEADS.iter().any(|h| starts_with(h)) {
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
            let pw = &text[ps..pe];
            if STOP.iter().any(|stop| stop.eq_ignore_ascii_case(pw))
                || pw.bytes().any(|c| c.is_ascii_digit())
            {
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
