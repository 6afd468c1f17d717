//! Parallel lists: `desmin, SMA, MSA and HCD ... in 28, 30, 29 and 29 of 30 LMS`, the n-th
//! marker with the n-th number.

use pubminer_text::normalize::KeyBuilder;

use super::cues::nearest;
use super::figures::distinct_markers;
use super::readings::{TotalFrom, tumour_totals};
use super::{
    Anchor, AnchorKind, Candidate, Candidates, Carry, FigureCues, How, SentenceView, TumourFrom,
    by_distance,
};
use crate::context::Context;
use crate::counts::{Spanned, number_list};
use crate::mentions::Mentions;
use crate::rules::{Rule, RuleSet};
use crate::words::is_generic;

/// Generates one anchor per value of the sentence's parallel list (when it has as many
/// values as distinct markers); returns whether the rules read the list (its counts then are
/// not read one by one).
#[expect(clippy::too_many_arguments)]
pub(super) fn parallel_list(
    view: &SentenceView<'_>,
    texts: &[&str],
    mentions: &Mentions,
    context: &Context,
    rules: &RuleSet,
    keys: &mut KeyBuilder,
    a: &[Spanned],
    rules_read_counts: bool,
    carry: &mut Carry,
    out: &mut Candidates,
) -> bool {
    let off = view.offset;
    let lower = view.lower;
    let m_of = |i: usize| &mentions.markers[i];
    let t_of = |i: usize| &mentions.tumours[i];
    let distinct = distinct_markers(mentions, &view.vocab);
    let main = |t: usize| -> Option<(usize, TumourFrom)> {
        if !is_generic(&t_of(t).text) {
            Some((t, TumourFrom::Sentence))
        } else if rules.on(Rule::GenericTumourIsMain) {
            context.main_tumour.map(|m| (m, TumourFrom::Generic))
        } else {
            None
        }
    };
    let mut list_taken = false;
    if rules.on(Rule::ParallelList)
        && let Some((values, shared_total, list_end)) = number_list(a)
        && values.len() >= 2
        && distinct.len() == values.len()
    {
        let at = a.get(list_end - 1).map_or(0, |x| x.range.end);
        let near = nearest(
            view.tumours
                .iter()
                .map(|&i| (t_of(i).start - off, t_of(i).end - off, i)),
            at..at,
            1.3,
            1.0,
        )
        .and_then(main);
        let t = near.or(context.main_tumour.map(|m| (m, TumourFrom::Main)));
        if let Some(t) = t {
            list_taken = rules_read_counts;
            let near_markers = by_distance(
                view.markers
                    .iter()
                    .map(|&m| (m, m_of(m).start - off, m_of(m).end - off)),
                at,
                at,
            );
            let near_tumours = by_distance(
                view.tumours
                    .iter()
                    .map(|&t| (t, t_of(t).start - off, t_of(t).end - off)),
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

    list_taken
}
