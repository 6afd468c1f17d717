//! Count anchors: every count expression of a sentence (and every value of a parallel list),
//! with its candidate markers, tumours and readings.

use pubminer_text::normalize::KeyBuilder;

use super::cues::{clause, is_negative, nearest, states_around};
use super::{
    Anchor, AnchorKind, Candidate, Candidates, Carry, FigureCues, How, SentenceView, TumourFrom,
};
use crate::context::Context;
use super::readings::{Reading, TotalFrom, complement, count_readings, tumour_totals};
use crate::counts::{Count, after_words, atoms, find_counts, number_list};
use crate::mentions::Mentions;
use crate::rules::{Rule, RuleSet};
use crate::words::{NON_IHC, NOT_POSITIVITY, contains_word, find_word, is_generic, is_list_gap};

/// Markers and tumours considered per anchor, nearest first.
const NEAREST: usize = 5;

/// Generates the sentence's count anchors; returns the tumours the rules' picks used.
#[expect(clippy::too_many_arguments)]
pub(super) fn sentence(
    view: &SentenceView<'_>,
    texts: &[&str],
    mentions: &Mentions,
    context: &Context,
    rules: &RuleSet,
    keys: &mut KeyBuilder,
    carry: &mut Carry,
    out: &mut Candidates,
) -> Vec<usize> {
    // Marker names are masked (same length) so their numbers are read as no counts.
    let masked: String;
    let scanned = if rules.on(Rule::MarkerNumbers) && !view.markers.is_empty() {
        let mut bytes = view.text.as_bytes().to_vec();
        for &m in &view.markers {
            let mm = &mentions.markers[m];
            for b in &mut bytes[mm.start - view.offset..mm.end - view.offset] {
                *b = b'M';
            }
        }
        masked = String::from_utf8(bytes).unwrap_or_else(|_| view.text.to_owned());
        masked.as_str()
    } else {
        view.text
    };
    let a = atoms(scanned);
    let counts = find_counts(&a);
    out.counts_seen += counts.len();
    let mut used = Vec::new();
    if counts.is_empty() {
        return used;
    }
    let sentence = &context.sentences[view.index];
    let lower = view.lower;
    let off = view.offset;
    let m_of = |i: usize| &mentions.markers[i];
    let t_of = |i: usize| &mentions.tumours[i];
    let distinct = distinct_markers(mentions, &view.markers);
    // The rules' distances: a tumour before a count is measured from the count's start, one
    // after it from its end; markers before a count are preferred to markers after it.
    let tumour_near = |from: usize, to: usize, among: &[usize]| {
        nearest(among.iter().map(|&i| (t_of(i).start - off, t_of(i).end - off, i)), from..to, 1.3, 1.0)
    };
    let marker_near = |at: usize, among: &[usize]| {
        nearest(among.iter().map(|&i| (m_of(i).start - off, m_of(i).end - off, i)), at..at, 1.0, 1.4)
    };
    let main = |t: usize| -> Option<(usize, TumourFrom)> {
        if is_generic(&t_of(t).text) {
            if rules.on(Rule::GenericTumourIsMain) {
                context.main_tumour.map(|m| (m, TumourFrom::Generic))
            } else {
                None
            }
        } else {
            Some((t, TumourFrom::Sentence))
        }
    };
    let about_staining = !view.markers.is_empty()
        || sentence.staining
        || ["reactiv", "label", "detect"].iter().any(|w| lower.contains(w));
    let rules_read_counts = about_staining || !rules.on(Rule::StainingSentence);

    // Parallel lists: `desmin, SMA, MSA and HCD ... 28, 30, 29, and 29 of 30 LMS`.
    let mut list_taken = false;
    if rules.on(Rule::ParallelList)
        && let Some((values, shared_total, list_end)) = number_list(&a)
        && values.len() >= 2
        && distinct.len() == values.len()
    {
        let at = a.get(list_end - 1).map_or(0, |x| x.range.end);
        let near = tumour_near(at, at, &view.tumours).and_then(main);
        let t = near.or(context.main_tumour.map(|m| (m, TumourFrom::Main)));
        if let Some(t) = t {
            list_taken = rules_read_counts;
            let near_markers = by_distance(
                view.markers.iter().map(|&m| (m, m_of(m).start - off, m_of(m).end - off)),
                at,
                at,
            );
            let near_tumours = by_distance(
                view.tumours.iter().map(|&t| (t, t_of(t).start - off, t_of(t).end - off)),
                at,
                at,
            );
            let (total, total_from) = match shared_total {
                Some(n) => (Some(n), TotalFrom::Count),
                None => tumour_totals(
                    t_of(t.0),
                    t.1 != TumourFrom::Sentence || context.main_tumour == Some(t.0),
                    Some(texts[t_of(t.0).passage]),
                    context,
                    rules,
                    keys,
                )
                .first()
                .map_or((None, TotalFrom::None), |&(n, f)| (Some(n), f)),
            };
            // The rules read a list only beside its tumour.
            list_taken = list_taken && near.is_some();
            for (vi, v) in values.iter().enumerate() {
                let anchor = out.anchors.len();
                out.anchors.push(Anchor {
                    kind: AnchorKind::ListItem,
                    sentence: view.index,
                    start: at,
                    end: at,
                    count: None,
                    index: vi,
                    clause: (0, lower.len()),
                    cues: FigureCues::default(),
                    rule_markers: vec![distinct[vi]],
                    rule_tumours: vec![t.0],
                    near_markers: near_markers.clone(),
                    near_tumours: near_tumours.clone(),
                });
                for (mi, &m) in distinct.iter().enumerate() {
                    out.candidates.push(Candidate {
                        anchor,
                        marker: m,
                        marker_carried: false,
                        tumour: t.0,
                        tumour_from: t.1,
                        positive: Some(*v),
                        total: total.filter(|n| n >= v),
                        how: How::ParallelList,
                        total_from,
                        rule_pick: list_taken && mi == vi,
                    });
                }
            }
            if list_taken {
                carry.last_marker = distinct.last().copied();
            }
        }
    }

    let respectively = rules.on(Rule::Respectively) && lower.contains("respectively");
    let mut previous_not_positivity = false;
    for (ci, c) in counts.iter().enumerate() {
        let cues = figure_cues(lower, &a, &counts, ci, respectively, &mut previous_not_positivity, rules);
        let (lo, hi) = if rules.on(Rule::ClauseOfCount) {
            clause(lower, &counts, ci)
        } else {
            (0, lower.len())
        };
        let in_clause = |s: usize, e: usize| s - off >= lo && e - off <= hi;
        let other_assay = sentence.other_assay && {
            let cl = &lower[lo..hi.min(lower.len())];
            let own_marker = view.markers.iter().any(|&m| in_clause(m_of(m).start, m_of(m).end));
            !own_marker
                || NON_IHC.iter().any(|w| contains_word(cl, w))
                || !["positiv", "express", "stain", "immunoreactiv"].iter().any(|w| cl.contains(w))
        };
        let negative = is_negative(lower, c.range.start, c.range.end);
        let (state_before, state_after) = states_around(lower, c.range.start, c.range.end);
        let cues = FigureCues {
            other_assay,
            negative,
            state_before,
            state_after,
            ..cues
        };
        // The rules' choice.
        let dropped = (cues.threshold && rules.on(Rule::Thresholds))
            || (cues.not_positivity && rules.on(Rule::NotPositivity))
            || (cues.part_of_previous && rules.on(Rule::PartOfPrevious))
            || (cues.units_after && rules.on(Rule::UnitsAfterCount))
            || (other_assay && rules.on(Rule::OtherAssay))
            || !rules_read_counts
            || list_taken;
        let clause_markers: Vec<usize> =
            view.markers.iter().copied().filter(|&m| in_clause(m_of(m).start, m_of(m).end)).collect();
        let clause_tumours: Vec<usize> = view
            .tumours
            .iter()
            .copied()
            .filter(|&t| in_clause(t_of(t).start, t_of(t).end) && !is_generic(&t_of(t).text))
            .collect();
        let fallback = carry.last_marker.or(context.only_marker);
        let rule_marker = if respectively && distinct.len() == counts.len() {
            Some(distinct[ci])
        } else if !clause_markers.is_empty() {
            marker_near(c.range.start, &clause_markers).or(fallback)
        } else {
            marker_near(c.range.start, &view.markers).or(fallback)
        }
        .filter(|&m| !m_of(m).combined);
        let rule_tumour = if respectively && view.tumours.len() == counts.len() {
            Some(view.tumours[ci])
        } else if !clause_tumours.is_empty() {
            tumour_near(c.range.start, c.range.end, &clause_tumours)
        } else {
            tumour_near(c.range.start, c.range.end, &view.tumours)
        };
        let rule_tumour = match rule_tumour {
            Some(t) => main(t),
            None => context.main_tumour.map(|m| (m, TumourFrom::Main)),
        };
        // `19 of 24 SQCC were positive for CK5 and P63 each`: every marker of the clause.
        let each = rules.on(Rule::EachMarker)
            && contains_word(&lower[c.range.end.min(lower.len())..hi.min(lower.len())], "each");
        let each_markers = distinct_markers(mentions, &clause_markers);
        let rule_markers: Vec<usize> = if each && each_markers.len() >= 2 {
            each_markers.into_iter().filter(|&m| !m_of(m).combined).collect()
        } else {
            rule_marker.into_iter().collect()
        };
        // A rate without a total covers every tumour of a coordination: `100% of LMS and STUMP`.
        let mut rule_tumours: Vec<(usize, TumourFrom)> = rule_tumour.into_iter().collect();
        if let Some(&(first, TumourFrom::Sentence)) = rule_tumours.first()
            && c.x.is_none()
            && c.y.is_none()
            && rules.on(Rule::CoordinatedTumours)
        {
            let text = texts[t_of(first).passage];
            let mut last = first;
            for &next in view.tumours.iter().filter(|&&n| t_of(n).start > t_of(first).end && t_of(n).end - off <= hi) {
                if text.get(t_of(last).end..t_of(next).start).is_some_and(is_list_gap) {
                    rule_tumours.push((next, TumourFrom::Sentence));
                    last = next;
                } else {
                    break;
                }
            }
        }

        let near_markers = by_distance(
            view.markers.iter().map(|&m| (m, m_of(m).start - off, m_of(m).end - off)),
            c.range.start,
            c.range.end,
        );
        let near_tumours = by_distance(
            view.tumours.iter().map(|&t| (t, t_of(t).start - off, t_of(t).end - off)),
            c.range.start,
            c.range.end,
        );
        let anchor = out.anchors.len();
        out.anchors.push(Anchor {
            kind: AnchorKind::Count,
            sentence: view.index,
            start: c.range.start,
            end: c.range.end,
            count: Some(c.clone()),
            index: ci,
            clause: (lo, hi),
            cues,
            rule_markers: rule_markers.clone(),
            rule_tumours: rule_tumours.iter().map(|t| t.0).collect(),
            near_markers: near_markers.clone(),
            near_tumours: near_tumours.clone(),
        });

        // The candidates: nearest markers and tumours, the fallbacks, and the rules' picks.
        let mut markers: Vec<(usize, bool)> = near_markers
            .iter()
            .copied()
            .take(NEAREST)
        .map(|m| (m, false))
        .collect();
        for m in rule_markers.iter().copied().chain(fallback).chain(context.main_marker) {
            if !markers.iter().any(|(x, _)| mentions.markers[*x].key() == mentions.markers[m].key()) {
                markers.push((m, !view.markers.contains(&m)));
            }
        }
        let mut tumours: Vec<(usize, TumourFrom)> = Vec::new();
        for t in near_tumours
            .iter()
            .copied()
            .take(NEAREST)
        .filter_map(main)
        .chain(rule_tumours.iter().copied())
        .chain(context.main_tumour.map(|m| (m, TumourFrom::Main)))
        .chain(context.title_tumour.map(|m| (m, TumourFrom::Title)))
        {
            if !tumours.iter().any(|(x, _)| *x == t.0) {
                tumours.push(t);
            }
        }
        for &(m, carried) in &markers {
            for &(t, from) in &tumours {
                let picked_pair = !dropped
                    && rule_markers.contains(&m)
                    && rule_tumours.iter().any(|(rt, _)| *rt == t);
                let tumour = t_of(t);
                let totals = tumour_totals(
                    tumour,
                    from != TumourFrom::Sentence || context.main_tumour == Some(t),
                    (tumour.passage == sentence.passage).then_some(texts[tumour.passage]),
                    context,
                    rules,
                    keys,
                );
                let readings = count_readings(c, complement(&counts, ci), &totals, rules);
                // The rules' reading: the count's own total or the group's, converted when
                // the state is negative.
                let theirs = |r: &Reading| matches!(r.total_from, TotalFrom::Count | TotalFrom::Group | TotalFrom::None);
                let first = readings.iter().position(|r| theirs(r) && r.how != How::NegativeConverted);
                let rule_reading = if negative {
                    first.and_then(|f| {
                        readings.iter().position(|r| {
                            r.how == How::NegativeConverted && r.total == readings[f].total && r.total_from == readings[f].total_from
                        })
                    })
                } else {
                    first
                };
                for (ri, r) in readings.into_iter().enumerate() {
                    let Reading { positive: x, total: y, how, total_from } = r;
                    let rule_pick = picked_pair && Some(ri) == rule_reading;
                    if rule_pick {
                        used.push(t);
                        carry.last_marker = Some(m);
                    }
                    out.candidates.push(Candidate {
                        anchor,
                        marker: m,
                        marker_carried: carried,
                        tumour: t,
                        tumour_from: from,
                        positive: x,
                        total: y,
                        how,
                        total_from,
                        rule_pick,
                    });
                }
            }
        }
    }
    used
}

/// The cues of the `ci`-th count that say whether it is a positivity count.
fn figure_cues(
    lower: &str,
    a: &[crate::counts::Spanned],
    counts: &[Count],
    ci: usize,
    respectively: bool,
    previous_not_positivity: &mut bool,
    rules: &RuleSet,
) -> FigureCues {
    let c = &counts[ci];
    let c_start = c.range.start;
    let before = &lower[..c_start];
    // A count coordinated with the previous one shares its subject: `the sensitivity and
    // specificity ... were 69.3% and 100%`.
    let coordinated = ci > 0
        && lower
            .get(counts[ci - 1].range.end..c_start)
            .is_some_and(is_list_gap);
    // The clause before the count, up to 50 bytes of it; all of it with `respectively`.
    let reach = if respectively { c_start } else { 50 };
    let window_start = before
        .rfind([';', ','])
        .map_or(0, |i| i + 1)
        .max(lower.floor_char_boundary(c_start.saturating_sub(reach)));
    let window = &lower[window_start..c.range.end.min(lower.len())];
    let part_of_previous = ci > 0
        && lower.get(c.range.end..).is_some_and(|r| {
            ["of them", "of these", "of those"]
                .iter()
                .any(|w| r.trim_start().starts_with(w))
        });
    let trimmed = before.trim_end();
    let threshold = trimmed.ends_with(['>', '<', '\u{2265}', '\u{2264}'])
        || ["more than", "less than", "at least", "greater than"]
            .iter()
            .any(|w| trimmed.ends_with(w))
        || c.y.is_none() && trimmed.ends_with("up to")
        || after_words(a, c, &["cells"])
        || lower.get(c.range.end..).is_some_and(|r| {
            let r = r.trim_start();
            r.starts_with("of cells") || r.starts_with("of tumor cells") || r.starts_with("of tumour cells")
        });
    let not_positivity = NOT_POSITIVITY.iter().any(|w| find_word(window, w).is_some())
        || coordinated && *previous_not_positivity && rules.on(Rule::NotPositivity);
    *previous_not_positivity = not_positivity;
    FigureCues {
        threshold,
        not_positivity,
        part_of_previous,
        units_after: after_words(a, c, &["years", "months", "patients", "men", "women", "mm", "cm"]),
        ..FigureCues::default()
    }
}

/// Indices ordered by distance to the bytes `from..to` (0 inside it).
pub(crate) fn by_distance(items: impl Iterator<Item = (usize, usize, usize)>, from: usize, to: usize) -> Vec<usize> {
    let mut v: Vec<(usize, usize)> = items
        .map(|(i, s, e)| {
            let d = if e <= from {
                from - e
            } else if s >= to {
                s - to
            } else {
                0
            };
            (d, i)
        })
        .collect();
    v.sort_unstable();
    v.into_iter().map(|(_, i)| i).collect()
}

/// Markers of a sentence, one per concept, in order.
pub(super) fn distinct_markers(mentions: &Mentions, markers: &[usize]) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for &m in markers {
        let key = mentions.markers[m].key();
        if !out.iter().any(|&o| mentions.markers[o].key() == key) {
            out.push(m);
        }
    }
    out
}
