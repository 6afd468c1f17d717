//! Phase 6: from scored candidates to profiles. One profile per marker and tumour type as
//! written (IHC-LLMiner's unit), the figure of each anchor read one way, a case report's
//! marker stated once.

use std::collections::{HashMap, HashSet};

use pubminer_text::normalize::KeyBuilder;

use crate::extract::{Analysis, Found};
use crate::record::Profile;
use crate::rules::{Rule, RuleSet};

/// The profiles the rules alone pick (the `rules` engine), with the facts the rules'
/// classifier reads.
#[must_use]
pub fn rules(analysis: &Analysis, rules: &RuleSet) -> Found {
    let mut keys = KeyBuilder::new();
    let mut profiles: Vec<Profile> = Vec::new();
    for c in analysis
        .candidates
        .candidates
        .iter()
        .filter(|c| c.rule_pick)
    {
        let p = analysis.profile(c);
        let duplicate = profiles.iter().any(|q| {
            q.marker_id == p.marker_id
                && q.marker == p.marker
                && q.tumour_type == p.tumour_type
                && q.positive == p.positive
                && q.total == p.total
        });
        if !duplicate {
            profiles.push(p);
        }
    }
    let profiles = one_per_pair(profiles, rules.on(Rule::MostPositivesOfSeries), &mut keys);
    let mut tumour_keys: Vec<String> = analysis
        .mentions
        .tumours
        .iter()
        .map(|t| keys.name_key(&t.text))
        .collect();
    tumour_keys.sort();
    tumour_keys.dedup();
    Found {
        profiles: case_reports_once(profiles, &mut keys),
        markers: analysis.context.distinct_markers,
        tumours: tumour_keys.len(),
        ihc_context: analysis.ihc_context,
        case_report: analysis.context.case_report,
        counts_seen: analysis.candidates.counts_seen,
    }
}

fn marker_key(p: &Profile, keys: &mut KeyBuilder) -> String {
    p.marker_id
        .clone()
        .unwrap_or_else(|| keys.name_key(&p.marker))
}

/// One profile per marker and tumour type as written: when a document gives several counts
/// for one pair (the whole series, then subgroups), the largest series, and of counts over
/// one series the most positives (`by_series`; else the first).
fn one_per_pair(profiles: Vec<Profile>, by_series: bool, keys: &mut KeyBuilder) -> Vec<Profile> {
    let mut best: HashMap<(String, String), usize> = HashMap::new();
    for (i, p) in profiles.iter().enumerate() {
        if p.case_report {
            continue;
        }
        let k = (marker_key(p, keys), keys.name_key(&p.tumour_type));
        let better = best.get(&k).is_none_or(|&j| {
            let size = |p: &Profile| (p.total.unwrap_or(0), p.positive.unwrap_or(0));
            by_series && size(p) > size(&profiles[j])
        });
        if better {
            best.insert(k, i);
        }
    }
    let keep: HashSet<usize> = best.into_values().collect();
    profiles
        .into_iter()
        .enumerate()
        .filter(|(i, p)| p.case_report || keep.contains(i))
        .map(|(_, p)| p)
        .collect()
}

/// A case report states each marker once: the statement from an immunostaining sentence
/// wins over a title or summary that repeats it.
fn case_reports_once(mut profiles: Vec<Profile>, keys: &mut KeyBuilder) -> Vec<Profile> {
    let strong = |p: &Profile| {
        let l = p.evidence.to_ascii_lowercase();
        ["immuno", "stain", "ihc"].iter().any(|c| l.contains(c))
    };
    let stated: Vec<String> = profiles
        .iter()
        .filter(|p| p.case_report && strong(p))
        .map(|p| marker_key(p, keys))
        .collect();
    profiles.retain(|p| !p.case_report || strong(p) || !stated.contains(&marker_key(p, keys)));
    let mut seen: Vec<String> = Vec::new();
    profiles.retain(|p| {
        if !p.case_report {
            return true;
        }
        let key = marker_key(p, keys);
        if seen.contains(&key) {
            return false;
        }
        seen.push(key);
        true
    });
    profiles
}

/// The profiles the trained scorer picks: candidates scoring at least `threshold`, best
/// first, each kept unless a better one already holds its place: the same anchor and marker
/// (a figure is one marker's, read one way), the same marker and tumour type as written (one
/// profile per pair), the same marker, numbers and a tumour named alike (one count stated
/// twice), or, in a case report, the same marker.
#[must_use]
pub fn trained(analysis: &Analysis, scores: &[f32], threshold: f32) -> Vec<(usize, Profile)> {
    let cands = &analysis.candidates.candidates;
    let mut order: Vec<usize> = (0..cands.len())
        .filter(|&i| scores[i] >= threshold)
        .collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let mut keys = KeyBuilder::new();
    let mut taken: Vec<(usize, Profile, String, String)> = Vec::new();
    let mut reading: HashMap<usize, bool> = HashMap::new();
    for i in order {
        let c = &cands[i];
        let negative = matches!(
            c.how,
            crate::candidates::How::NegativeConverted | crate::candidates::How::NoneOfGroup
        );
        if reading.get(&c.anchor).is_some_and(|&n| n != negative) {
            continue;
        }
        let p = analysis.profile(c);
        let marker = marker_key(&p, &mut keys);
        // The tumour's name, abbreviations written out: `LADCs` and `lung adenocarcinomas`
        // are one tumour type as written.
        let tumour = keys.name_key(&analysis.mentions.tumours[c.tumour].text);
        let clash = taken.iter().any(|(j, q, qm, qt)| {
            let same_marker = *qm == marker;
            same_marker
                && (cands[*j].anchor == c.anchor
                    || *qt == tumour
                    || (q.positive == p.positive
                        && q.total == p.total
                        && crate::eval::tumour_matches(&mut keys, qt, &tumour))
                    || (p.case_report && q.case_report))
        });
        if clash {
            continue;
        }
        reading.insert(c.anchor, negative);
        taken.push((i, p, marker, tumour));
    }
    taken.sort_by_key(|(i, ..)| *i);
    taken.into_iter().map(|(i, p, ..)| (i, p)).collect()
}
