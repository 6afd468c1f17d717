//! Statement anchors (`all 40 X were positive`, `none of the 12 Y`, `Z were negative for M`)
//! and case-report anchors (each marker a case report states).

use pubminer_text::normalize::KeyBuilder;

use super::counts::distinct_markers;
use super::cues::{is_negative, nearest, negative_for, no_staining};
use super::{by_distance, Anchor, AnchorKind, Candidate, Candidates, Carry, FigureCues, How, SentenceView, TumourFrom};
use crate::context::Context;
use crate::counts::number_before;
use crate::mentions::Mentions;
use crate::rules::{Rule, RuleSet};
use crate::words::{contains_word, is_generic, is_list_gap};

const STATEMENT_STAINING: [&str; 6] = ["positiv", "negativ", "absent", "stain", "express", "immunoreactiv"];

/// Statement anchors of a sentence: one per tumour mention, when the sentence says `all`,
/// `none`, `absent`, `no staining` or `negative for`, or sizes the tumour (`the 19 X`).
#[expect(clippy::too_many_arguments)]
pub(super) fn sentence(
    view: &SentenceView<'_>,
    texts: &[&str],
    mentions: &Mentions,
    context: &Context,
    rules: &RuleSet,
    keys: &mut KeyBuilder,
    carry: &Carry,
    used: &[usize],
    out: &mut Candidates,
) {
    if !rules.on(Rule::Statements) || view.tumours.is_empty() {
        return;
    }
    let lower = view.lower;
    if !STATEMENT_STAINING.iter().any(|w| lower.contains(w)) {
        return;
    }
    let off = view.offset;
    let s = &context.sentences[view.index];
    let text = texts[s.passage];
    let m_of = |i: usize| &mentions.markers[i];
    let t_of = |i: usize| &mentions.tumours[i];
    let counts: Vec<(usize, usize)> = out
        .anchors
        .iter()
        .filter(|a| a.sentence == view.index && a.kind == AnchorKind::Count)
        .map(|a| (a.start, a.end))
        .collect();
    // With counts in the sentence, only the tumours after a negative clause that follows every
    // count are statements: `91% of LMS ..., but none of usual LM`.
    let none_at = (!counts.is_empty())
        .then(|| {
            ["none of", "absent in", "was absent", "were absent"]
                .iter()
                .filter_map(|cue| lower.find(cue))
                .filter(|at| counts.iter().all(|c| c.1 <= *at))
                .min()
        })
        .flatten();
    let all = contains_word(lower, "all");
    let none_cue = ["none of", "absent"]
        .iter()
        .filter_map(|cue| lower.find(cue))
        .chain(no_staining(lower))
        .chain(negative_for(lower).filter(|_| !context.case_report))
        .min();
    // `all of the X but none of the Y`: the cue negates only what follows it.
    let contrast = none_cue.filter(|&at| contains_word(&lower[..at], "all"));
    let single: Vec<usize> = view.markers.iter().copied().filter(|&m| !m_of(m).combined).collect();
    let fallback = carry.last_marker.or(context.only_marker);
    for &occ in &view.tumours {
        let local = t_of(occ).start - off;
        let sized = number_before(text, t_of(occ).start);
        if !(all || none_cue.is_some() || sized.is_some()) {
            continue;
        }
        let (t, from) = if is_generic(&t_of(occ).text) {
            match context.main_tumour.filter(|_| rules.on(Rule::GenericTumourIsMain)) {
                Some(m) => (m, TumourFrom::Generic),
                None => continue,
            }
        } else {
            (occ, TumourFrom::Sentence)
        };
        let n = sized.or_else(|| context.group_of(keys, &t_of(t).text));
        let negated_by_cue = contrast.map_or(none_cue.is_some(), |at| local > at);
        let negative = negated_by_cue || is_negative(lower, local, t_of(occ).end - off);
        let statement = (counts.is_empty() || none_at.is_some())
            && (all || none_cue.is_some())
            && !s.other_assay
            && !used.contains(&occ)
            && none_at.is_none_or(|at| local > at);
        let rule_marker = nearest(
            single.iter().map(|&i| (m_of(i).start - off, m_of(i).end - off, i)),
            local..local,
            1.0,
            1.4,
        )
        .or(fallback);
        let rule_markers = match rule_marker {
            Some(m) if rules.on(Rule::CoordinatedMarkers) => coordinated(mentions, &single, m, text),
            Some(m) => vec![m],
            None => Vec::new(),
        };
        let rule_how = if negative {
            Some(How::NoneOfGroup)
        } else if all && n.is_some() {
            Some(How::AllOfGroup)
        } else {
            None
        };
        let anchor = out.anchors.len();
        out.anchors.push(Anchor {
            kind: AnchorKind::Statement,
            sentence: view.index,
            start: local,
            end: t_of(occ).end - off,
            count: None,
            index: 0,
            clause: (0, lower.len()),
            cues: FigureCues {
                negative,
                ..FigureCues::default()
            },
            rule_markers: rule_markers.clone(),
            rule_tumours: vec![t],
            near_markers: by_distance(
                view.markers.iter().map(|&m| (m, m_of(m).start - off, m_of(m).end - off)),
                local,
                t_of(occ).end - off,
            ),
            near_tumours: vec![occ],
        });
        let mut markers: Vec<(usize, bool)> = single.iter().map(|&m| (m, false)).collect();
        for m in rule_markers.iter().copied().chain(fallback) {
            if !markers.iter().any(|(x, _)| *x == m) {
                markers.push((m, !view.markers.contains(&m)));
            }
        }
        let readings: Vec<(Option<u32>, Option<u32>, How)> = match n {
            Some(n) => vec![(Some(0), Some(n), How::NoneOfGroup), (Some(n), Some(n), How::AllOfGroup)],
            None => vec![(Some(0), None, How::NoneOfGroup)],
        };
        for (m, carried) in markers {
            for &(x, y, how) in &readings {
                out.candidates.push(Candidate {
                    anchor,
                    marker: m,
                    marker_carried: carried,
                    tumour: t,
                    tumour_from: from,
                    positive: x,
                    total: y,
                    how,
                    rule_pick: statement && rule_markers.contains(&m) && Some(how) == rule_how,
                });
            }
        }
    }
}

/// `m` and the markers listed with it in its sentence (`ER, PR and HER2`), one per concept.
fn coordinated(mentions: &Mentions, single: &[usize], m: usize, text: &str) -> Vec<usize> {
    let Some(i) = single.iter().position(|&x| x == m) else {
        return vec![m];
    };
    let mk = |i: usize| &mentions.markers[single[i]];
    let joins = |a: usize, b: usize| text.get(mk(a).end..mk(b).start).is_some_and(is_list_gap);
    let (mut lo, mut hi) = (i, i);
    while lo > 0 && joins(lo - 1, lo) {
        lo -= 1;
    }
    while hi + 1 < single.len() && joins(hi, hi + 1) {
        hi += 1;
    }
    distinct_markers(mentions, &single[lo..=hi])
}

/// Case-report anchors: in a case report, each marker of a sentence about staining that
/// gives no count is a finding for the patient(s): positive, or negative.
pub(super) fn case_report(
    view: &SentenceView<'_>,
    mentions: &Mentions,
    context: &Context,
    rules: &RuleSet,
    out: &mut Candidates,
) {
    let s = &context.sentences[view.index];
    if !rules.on(Rule::CaseReports) || !context.case_report || !s.staining || s.other_assay || view.markers.is_empty() {
        return;
    }
    if out.anchors.iter().any(|a| a.sentence == view.index && a.kind == AnchorKind::Count) {
        return;
    }
    let lower = view.lower;
    let off = view.offset;
    let background = [
        "literature", "described", "previously", "rare", "may aid", "may help", "may be", "useful",
        "helpful", "recommend",
    ]
    .iter()
    .any(|c| lower.contains(c));
    // A tumour in a defining clause is not the patient's: `positive for the S-100, which is
    // a marker of neurogenic and melanocytic tumors`.
    let defining = ["marker of", "marker for", "which is", "known to"]
        .iter()
        .filter_map(|cue| lower.find(cue))
        .min();
    let t_of = |i: usize| &mentions.tumours[i];
    let in_sentence = view
        .tumours
        .iter()
        .copied()
        .filter(|&t| !is_generic(&t_of(t).text))
        .find(|&t| defining.is_none_or(|at| t_of(t).start - off < at));
    let rule_tumour = in_sentence
        .map(|t| (t, TumourFrom::Sentence))
        .or(context.diagnosis.map(|t| (t, TumourFrom::Diagnosis)))
        .or(context.main_tumour.map(|t| (t, TumourFrom::Main)));
    let mut tumours: Vec<(usize, TumourFrom)> = rule_tumour.into_iter().collect();
    for t in context
        .diagnosis
        .map(|t| (t, TumourFrom::Diagnosis))
        .into_iter()
        .chain(context.main_tumour.map(|t| (t, TumourFrom::Main)))
        .chain(context.title_tumour.map(|t| (t, TumourFrom::Title)))
    {
        if !tumours.iter().any(|(x, _)| *x == t.0) {
            tumours.push(t);
        }
    }
    let patients = context.patients;
    for m in distinct_markers(mentions, &view.markers) {
        let mm = &mentions.markers[m];
        let negative = is_negative(lower, mm.start - off, mm.end - off)
            || lower.contains("absence")
            || lower.contains("loss");
        let anchor = out.anchors.len();
        out.anchors.push(Anchor {
            kind: AnchorKind::CaseReport,
            sentence: view.index,
            start: mm.start - off,
            end: mm.end - off,
            count: None,
            index: 0,
            clause: (0, lower.len()),
            cues: FigureCues {
                negative,
                ..FigureCues::default()
            },
            rule_markers: vec![m],
            rule_tumours: rule_tumour.map(|t| t.0).into_iter().collect(),
            near_markers: vec![m],
            near_tumours: by_distance(
                view.tumours.iter().map(|&t| (t, t_of(t).start - off, t_of(t).end - off)),
                mm.start - off,
                mm.end - off,
            ),
        });
        for &(t, from) in &tumours {
            for x in [patients, 0] {
                out.candidates.push(Candidate {
                    anchor,
                    marker: m,
                    marker_carried: false,
                    tumour: t,
                    tumour_from: from,
                    positive: Some(x),
                    total: Some(patients),
                    how: How::CaseReport,
                    rule_pick: !background
                        && !mm.combined
                        && Some((t, from)) == rule_tumour
                        && (x == 0) == negative,
                });
            }
        }
    }
}
