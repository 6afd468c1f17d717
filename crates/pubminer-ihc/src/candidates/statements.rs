//! Statement anchors (`all 40 X were positive`, `none of the 12 Y`, `Z were negative for M`)
//! and case-report anchors (each marker a case report states).

use pubminer_text::normalize::KeyBuilder;

use super::cues::{is_negative, nearest, negative_for, no_staining, states_around};
use super::figures::distinct_markers;
use super::readings::{TotalFrom, tumour_totals};
use super::{
    Anchor, AnchorKind, Candidate, Candidates, Carry, FigureCues, How, SentenceView, TumourFrom,
    add_marker_fallbacks, by_distance,
};
use crate::context::Context;
use crate::counts::number_before;
use crate::mentions::Mentions;
use crate::rules::{Rule, RuleSet};
use crate::words::{contains_word, is_generic, is_list_gap};

pub(super) const STATEMENT_STAINING: [&str; 12] = [
    "positiv",
    "negativ",
    "absent",
    "stain",
    "express",
    "immunoreactiv",
    "reactiv",
    "detect",
    "label",
    "retained",
    "intact",
    "loss",
];

/// Statement anchors of a sentence: one per tumour mention of a staining sentence. When the
/// sentence says `all`, `none`, `absent`, `no staining` or `negative for`, or sizes the tumour
/// (`the 19 X`), its readings are all or none of the tumour's totals; otherwise it is a
/// qualitative statement (`X was diffusely expressed in Y`), read as null of null.
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
    let counts: Vec<(usize, usize)> = super::this_sentence(&out.anchors, view.index)
        .filter(|a| a.kind == AnchorKind::Count)
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
    let single: Vec<usize> = view
        .vocab
        .iter()
        .copied()
        .filter(|&m| !m_of(m).combined)
        .collect();
    let fallback = carry.last_marker.or(context.only_marker);
    for &occ in &view.tumours {
        let local = t_of(occ).start - off;
        let sized = number_before(text, t_of(occ).start);
        let qualitative = !(all || none_cue.is_some() || sized.is_some());
        let (t, from) = if is_generic(&t_of(occ).text) {
            match context
                .main_tumour
                .filter(|_| rules.on(Rule::GenericTumourIsMain))
            {
                Some(m) => (m, TumourFrom::Generic),
                None => continue,
            }
        } else {
            (occ, TumourFrom::Sentence)
        };
        let mut totals = tumour_totals(
            t_of(t),
            from != TumourFrom::Sentence || context.main_tumour == Some(t),
            Some(text),
            context,
            rules,
            keys,
        );
        // A number before the tumour smaller than its group is a part of it (`the remaining
        // 5 WDPM cases`): `n of group`.
        let part = sized.and_then(|n| {
            totals
                .iter()
                .find(|(g, f)| *f == TotalFrom::Group && *g > n)
                .map(|&(g, _)| (n, g))
        });
        if let Some(n) = sized {
            totals.retain(|(m, _)| *m != n);
            totals.insert(0, (n, TotalFrom::Sentence));
        }
        // The rules' total: the number before the tumour, else its group.
        let n = totals
            .iter()
            .find(|(_, f)| matches!(f, TotalFrom::Sentence | TotalFrom::Group))
            .map(|(n, _)| *n);
        let negated_by_cue = contrast.map_or(none_cue.is_some(), |at| local > at);
        let negative = negated_by_cue || is_negative(lower, local, t_of(occ).end - off);
        let statement = (counts.is_empty() || none_at.is_some())
            && (all || none_cue.is_some())
            && !s.other_assay
            && !used.contains(&occ)
            && none_at.is_none_or(|at| local > at);
        let rule_marker = nearest(
            single
                .iter()
                .map(|&i| (m_of(i).start - off, m_of(i).end - off, i)),
            local..local,
            1.0,
            1.4,
        )
        .or(fallback);
        let rule_markers = match rule_marker {
            Some(m) if rules.on(Rule::CoordinatedMarkers) => {
                coordinated(mentions, &single, m, text)
            }
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
            cues: {
                let (state_before, state_after) = states_around(lower, local, t_of(occ).end - off);
                FigureCues {
                    negative,
                    state_before,
                    state_after,
                    ..FigureCues::default()
                }
            },
            rule_markers: rule_markers.clone(),
            rule_tumours: vec![t],
            near_markers: by_distance(
                view.markers
                    .iter()
                    .map(|&m| (m, m_of(m).start - off, m_of(m).end - off)),
                local,
                t_of(occ).end - off,
            ),
            near_tumours: vec![occ],
        });
        let mut markers: Vec<(usize, bool)> = view
            .markers
            .iter()
            .copied()
            .filter(|&m| !m_of(m).combined)
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
        let mut readings = if qualitative {
            // `X was expressed in Y`: stated, not counted (the guide's null of null).
            vec![(None, None, How::Qualitative, TotalFrom::None)]
        } else {
            statement_readings(&totals)
        };
        if !qualitative && n.is_none() && !totals.is_empty() {
            // The rules' reading when no total of the tumour is stated: none, of unknown size.
            readings.push((Some(0), None, How::NoneOfGroup, TotalFrom::None));
        }
        if let Some((n, g)) = part {
            readings.push((Some(n), Some(g), How::CountOfGroup, TotalFrom::Group));
            readings.push((
                Some(g - n),
                Some(g),
                How::NegativeConverted,
                TotalFrom::Group,
            ));
        }
        for (m, carried) in markers {
            for &(x, y, how, total_from) in &readings {
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
                    rule_pick: statement
                        && rule_markers.contains(&m)
                        && Some(how) == rule_how
                        && y == n
                        && matches!(
                            total_from,
                            TotalFrom::Sentence | TotalFrom::Group | TotalFrom::None
                        ),
                });
            }
        }
    }
}

/// Statement readings for each total: none of it, all of it; `none` without a total.
pub(super) fn statement_readings(
    totals: &[(u32, TotalFrom)],
) -> Vec<(Option<u32>, Option<u32>, How, TotalFrom)> {
    let mut out = Vec::new();
    for &(n, from) in totals {
        out.push((Some(0), Some(n), How::NoneOfGroup, from));
        out.push((Some(n), Some(n), How::AllOfGroup, from));
    }
    if totals.is_empty() {
        out.push((Some(0), None, How::NoneOfGroup, TotalFrom::None));
    }
    out
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
