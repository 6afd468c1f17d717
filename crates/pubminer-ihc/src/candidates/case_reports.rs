//! Case-report anchors: each marker a case report states positive or negative.

use super::cues::marker_state;
use super::figures::distinct_markers;
use super::readings::TotalFrom;
use super::{
    Anchor, AnchorKind, Candidate, Candidates, How, SentenceView, TumourFrom, by_distance,
};
use crate::context::Context;
use crate::mentions::Mentions;
use crate::rules::{Rule, RuleSet};
use crate::words::is_generic;

/// Case-report anchors: in a case report, each marker of a sentence about staining that
/// gives no count is a finding for the patient(s): positive, or negative.
pub(super) fn sentence(
    view: &SentenceView<'_>,
    mentions: &Mentions,
    context: &Context,
    rules: &RuleSet,
    out: &mut Candidates,
) {
    let s = &context.sentences[view.index];
    if !rules.on(Rule::CaseReports)
        || !context.case_like
        || !s.staining
        || s.other_assay
        || view.markers.is_empty()
    {
        return;
    }
    if super::this_sentence(&out.anchors, view.index).any(|a| a.kind == AnchorKind::Count) {
        return;
    }
    let lower = view.lower;
    let off = view.offset;
    let background = [
        "literature",
        "described",
        "previously",
        "rare",
        "may aid",
        "may help",
        "may be",
        "useful",
        "helpful",
        "recommend",
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
    // The patient's tumour can be named anywhere: every distinct tumour of the document.
    let others = (0..mentions.tumours.len())
        .filter(|&t| !is_generic(&t_of(t).text))
        .map(|t| (t, TumourFrom::Main));
    for t in context
        .diagnosis
        .map(|t| (t, TumourFrom::Diagnosis))
        .into_iter()
        .chain(context.main_tumour.map(|t| (t, TumourFrom::Main)))
        .chain(context.title_tumour.map(|t| (t, TumourFrom::Title)))
        .chain(others)
    {
        if tumours.len() >= 8 {
            break;
        }
        if !tumours.iter().any(|(x, _)| t_of(*x).text == t_of(t.0).text) {
            tumours.push(t);
        }
    }
    let patients = context.patients;
    for m in distinct_markers(mentions, &view.markers) {
        let mm = &mentions.markers[m];
        let cues = marker_state(lower, mm.start - off, mm.end - off);
        let negative = cues.negative;
        let anchor = out.anchors.len();
        out.anchors.push(Anchor {
            kind: AnchorKind::CaseReport,
            sentence: view.index,
            start: mm.start - off,
            end: mm.end - off,
            count: None,
            index: 0,
            clause: (0, lower.len()),
            cues,
            rule_markers: vec![m],
            rule_tumours: rule_tumour.map(|t| t.0).into_iter().collect(),
            near_markers: vec![m],
            near_tumours: by_distance(
                view.tumours
                    .iter()
                    .map(|&t| (t, t_of(t).start - off, t_of(t).end - off)),
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
                    total_from: TotalFrom::Patients,
                    rule_pick: context.case_report
                        && mm.vocabulary()
                        && !background
                        && !mm.combined
                        && Some((t, from)) == rule_tumour
                        && (x == 0) == negative,
                });
            }
        }
    }
}
