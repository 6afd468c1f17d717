//! Marker statements: `all cases were positive for NUT, p63 and Myc`, naming no tumour type.

use pubminer_text::normalize::KeyBuilder;

use super::cues::marker_state;
use super::figures::distinct_markers;
use super::readings::{TotalFrom, tumour_totals};
use super::statements::{STATEMENT_STAINING, statement_readings};
use super::{Anchor, AnchorKind, Candidate, Candidates, SentenceView, TumourFrom};
use crate::context::Context;
use crate::mentions::Mentions;
use crate::rules::{Rule, RuleSet};
use crate::words::is_generic;

/// Marker statements: a sentence that states markers positive or negative of `all cases`,
/// `the tumour cells` or `they`, naming no tumour type, states them of the main tumour
/// (`Immunohistochemically, all cases were diffusely positive for NUT, p63 and Myc`). Each
/// marker is an anchor; its totals are a number of the sentence before a case noun (`All 5
/// cases`), the main tumour's group, the series.
pub(super) fn marker_statements(
    view: &SentenceView<'_>,
    mentions: &Mentions,
    context: &Context,
    rules: &RuleSet,
    keys: &mut KeyBuilder,
    out: &mut Candidates,
) {
    let s = &context.sentences[view.index];
    let lower = view.lower;
    let t_of = |i: usize| &mentions.tumours[i];
    if !rules.on(Rule::MarkerStatements)
        || view.markers.is_empty()
        || s.other_assay
        || !STATEMENT_STAINING.iter().any(|w| lower.contains(w))
        || view.tumours.iter().any(|&t| !is_generic(&t_of(t).text))
        || super::this_sentence(&out.anchors, view.index).any(|a| a.kind == AnchorKind::Count)
    {
        return;
    }
    let Some(main) = context.main_tumour else {
        return;
    };
    let off = view.offset;
    let mut totals: Vec<(u32, TotalFrom)> = Vec::new();
    if let Some(n) = crate::counts::series_size(view.text) {
        totals.push((n, TotalFrom::Sentence));
    }
    for t in tumour_totals(t_of(main), true, None, context, rules, keys) {
        if !totals.iter().any(|(m, _)| *m == t.0) {
            totals.push(t);
        }
    }
    let readings = statement_readings(&totals);
    let mut tumours = vec![(main, TumourFrom::Main)];
    if let Some(t) = context.title_tumour.filter(|&t| t != main) {
        tumours.push((t, TumourFrom::Title));
    }
    for m in distinct_markers(mentions, &view.markers) {
        let mm = &mentions.markers[m];
        if mm.combined {
            continue;
        }
        let cues = marker_state(lower, mm.start - off, mm.end - off);
        let anchor = out.anchors.len();
        out.anchors.push(Anchor {
            kind: AnchorKind::Statement,
            sentence: view.index,
            start: mm.start - off,
            end: mm.end - off,
            count: None,
            index: 0,
            clause: (0, lower.len()),
            cues,
            rule_markers: vec![m],
            rule_tumours: vec![main],
            near_markers: vec![m],
            near_tumours: Vec::new(),
        });
        for &(t, from) in &tumours {
            for &(x, y, how, total_from) in &readings {
                out.candidates.push(Candidate {
                    anchor,
                    marker: m,
                    marker_carried: false,
                    tumour: t,
                    tumour_from: from,
                    positive: x,
                    total: y,
                    how,
                    total_from,
                    rule_pick: false,
                });
            }
        }
    }
}
