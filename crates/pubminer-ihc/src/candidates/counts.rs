//! Count anchors: every count expression of a sentence (and every value of a parallel list),
//! with its candidate markers, tumours and readings.

use pubminer_text::normalize::KeyBuilder;

use super::cues::{clause, is_negative, nearest, states_around};
use super::figures::{by_distance, distinct_markers, figure_cues};
use super::readings::{Reading, TotalFrom, complement, count_readings, tumour_totals};
use super::{
    Anchor, AnchorKind, Candidate, Candidates, Carry, FigureCues, How, SentenceView, TumourFrom,
    add_marker_fallbacks,
};
use crate::context::Context;
use crate::counts::{atoms, find_counts};
use crate::mentions::Mentions;
use crate::rules::{Rule, RuleSet};
use crate::words::{NON_IHC, contains_word, is_generic, is_list_gap};

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
    out.counts_seen += counts.iter().filter(|c| !c.numerator_only()).count();
    let mut used = Vec::new();
    let sentence = &context.sentences[view.index];
    let lower = view.lower;
    let about_staining = !view.vocab.is_empty()
        || sentence.staining
        || ["reactiv", "label", "detect"]
            .iter()
            .any(|w| lower.contains(w));
    let rules_read_counts = about_staining || !rules.on(Rule::StainingSentence);
    // Parallel lists: `desmin, SMA, MSA and HCD ... 28, 30, 29, and two of the MFHs`.
    let list_taken = super::lists::parallel_list(
        view,
        texts,
        mentions,
        context,
        rules,
        keys,
        &a,
        rules_read_counts,
        carry,
        out,
    );
    if counts.is_empty() {
        return used;
    }
    let off = view.offset;
    let m_of = |i: usize| &mentions.markers[i];
    let t_of = |i: usize| &mentions.tumours[i];
    let distinct = distinct_markers(mentions, &view.vocab);
    // The rules' distances: a tumour before a count is measured from the count's start, one
    // after it from its end; markers before a count are preferred to markers after it.
    let tumour_near = |from: usize, to: usize, among: &[usize]| {
        nearest(
            among
                .iter()
                .map(|&i| (t_of(i).start - off, t_of(i).end - off, i)),
            from..to,
            1.3,
            1.0,
        )
    };
    let marker_near = |at: usize, among: &[usize]| {
        nearest(
            among
                .iter()
                .map(|&i| (m_of(i).start - off, m_of(i).end - off, i)),
            at..at,
            1.0,
            1.4,
        )
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

    let respectively = rules.on(Rule::Respectively) && lower.contains("respectively");
    let mut previous_not_positivity = false;
    for (ci, c) in counts.iter().enumerate() {
        let cues = figure_cues(
            lower,
            &a,
            &counts,
            ci,
            respectively,
            &mut previous_not_positivity,
            rules,
        );
        let (lo, hi) = if rules.on(Rule::ClauseOfCount) {
            clause(lower, &counts, ci)
        } else {
            (0, lower.len())
        };
        let in_clause = |s: usize, e: usize| s - off >= lo && e - off <= hi;
        let other_assay = sentence.other_assay && {
            let cl = &lower[lo..hi.min(lower.len())];
            let own_marker = view
                .markers
                .iter()
                .any(|&m| in_clause(m_of(m).start, m_of(m).end));
            !own_marker
                || NON_IHC.iter().any(|w| contains_word(cl, w))
                || !["positiv", "express", "stain", "immunoreactiv"]
                    .iter()
                    .any(|w| cl.contains(w))
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
            || list_taken
            || c.numerator_only();
        let clause_markers: Vec<usize> = view
            .vocab
            .iter()
            .copied()
            .filter(|&m| in_clause(m_of(m).start, m_of(m).end))
            .collect();
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
            marker_near(c.range.start, &view.vocab).or(fallback)
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
            && contains_word(
                &lower[c.range.end.min(lower.len())..hi.min(lower.len())],
                "each",
            );
        let each_markers = distinct_markers(mentions, &clause_markers);
        let rule_markers: Vec<usize> = if each && each_markers.len() >= 2 {
            each_markers
                .into_iter()
                .filter(|&m| !m_of(m).combined)
                .collect()
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
            for &next in view
                .tumours
                .iter()
                .filter(|&&n| t_of(n).start > t_of(first).end && t_of(n).end - off <= hi)
            {
                if text
                    .get(t_of(last).end..t_of(next).start)
                    .is_some_and(is_list_gap)
                {
                    rule_tumours.push((next, TumourFrom::Sentence));
                    last = next;
                } else {
                    break;
                }
            }
        }

        let near_markers = by_distance(
            view.markers
                .iter()
                .map(|&m| (m, m_of(m).start - off, m_of(m).end - off)),
            c.range.start,
            c.range.end,
        );
        let near_tumours = by_distance(
            view.tumours
                .iter()
                .map(|&t| (t, t_of(t).start - off, t_of(t).end - off)),
            c.range.start,
            c.range.end,
        );
        let anchor = out.anchors.len();
        out.anchors.push(Anchor {
            kind: if c.numerator_only() {
                AnchorKind::Numerator
            } else {
                AnchorKind::Count
            },
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
        add_marker_fallbacks(
            &mut markers,
            rule_markers
                .iter()
                .copied()
                .chain(fallback)
                .chain(context.main_marker),
            mentions,
            view,
        );
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
                let theirs = |r: &Reading| {
                    matches!(
                        r.total_from,
                        TotalFrom::Count | TotalFrom::Group | TotalFrom::None
                    )
                };
                let first = readings
                    .iter()
                    .position(|r| theirs(r) && r.how != How::NegativeConverted);
                let rule_reading = if negative {
                    first.and_then(|f| {
                        readings.iter().position(|r| {
                            r.how == How::NegativeConverted
                                && r.total == readings[f].total
                                && r.total_from == readings[f].total_from
                        })
                    })
                } else {
                    first
                };
                for (ri, r) in readings.into_iter().enumerate() {
                    let Reading {
                        positive: x,
                        total: y,
                        how,
                        total_from,
                    } = r;
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
