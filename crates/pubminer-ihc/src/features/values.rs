//! The value of each feature for one candidate.

use super::Feature;
use super::layout::Layout;
use crate::candidates::{AnchorKind, Candidate, How, TotalFrom, TumourFrom};
use crate::counts::agrees;
use crate::extract::Analysis;
use crate::mentions::{MarkerSource, TumourSource};
use crate::words::{METHODS_CUES, RESULT_CUES};

pub(super) fn fill(
    analysis: &Analysis,
    layout: &[Layout],
    c: &Candidate,
    largest: bool,
    most: bool,
    row: &mut [f32],
) {
    use Feature as F;
    let anchor = &analysis.candidates.anchors[c.anchor];
    let sentence = &analysis.context.sentences[anchor.sentence];
    let text = &analysis.texts[sentence.passage][sentence.start..sentence.end];
    let lower = sentence.lower.as_str();
    let off = sentence.start;
    let m = &analysis.mentions.markers[c.marker];
    let t = &analysis.mentions.tumours[c.tumour];
    let count = anchor.count.as_ref();
    let mut set = |f: Feature, v: bool| row[f as usize] = f32::from(u8::from(v));
    set(F::AnchorCount, anchor.kind == AnchorKind::Count);
    set(F::AnchorListItem, anchor.kind == AnchorKind::ListItem);
    set(F::AnchorStatement, anchor.kind == AnchorKind::Statement);
    set(F::AnchorCaseReport, anchor.kind == AnchorKind::CaseReport);
    set(F::AnchorNumerator, anchor.kind == AnchorKind::Numerator);
    set(
        F::CountBoth,
        count.is_some_and(|k| k.x.is_some() && k.y.is_some()),
    );
    set(
        F::CountPercentOnly,
        count.is_some_and(|k| k.x.is_none() && k.y.is_none()),
    );
    set(
        F::CountNumeratorPercent,
        count.is_some_and(|k| k.x.is_some() && k.y.is_none()),
    );
    set(
        F::PercentAgrees,
        count.is_some_and(
            |k| matches!((k.x, k.y, k.percent), (Some(x), Some(y), Some(p)) if agrees(x, y, p)),
        ),
    );
    let cues = anchor.cues;
    set(F::Threshold, cues.threshold);
    set(F::NotPositivity, cues.not_positivity);
    set(F::PartOfPrevious, cues.part_of_previous);
    set(F::UnitsAfter, cues.units_after);
    set(F::OtherAssayClause, cues.other_assay);
    set(F::NegativeCue, cues.negative);
    set(F::SentenceStaining, sentence.staining);
    set(F::SentenceIhc, sentence.ihc);
    set(F::SentenceOtherAssay, sentence.other_assay);
    set(F::Respectively, lower.contains("respectively"));
    set(
        F::SentenceMethods,
        METHODS_CUES.iter().any(|w| lower.contains(w)),
    );
    set(
        F::SentenceResults,
        RESULT_CUES.iter().any(|w| lower.contains(w)),
    );
    set(F::Sensitivity, lower.contains("sensitiv"));
    set(F::InTitle, Some(sentence.passage) == analysis.title_passage);
    let sentences = analysis.context.sentences.len().max(2) - 1;
    row[F::SentencePosition as usize] = anchor.sentence as f32 / sentences as f32;
    let counts_here = layout[anchor.sentence].counts.len();
    let mut set = |f: Feature, v: bool| row[f as usize] = f32::from(u8::from(v));
    set(
        F::FirstCount,
        anchor.kind == AnchorKind::Count && anchor.index == 0,
    );
    set(F::HowCount, c.how == How::Count);
    set(F::HowCountOfGroup, c.how == How::CountOfGroup);
    set(F::HowPercentOfGroup, c.how == How::PercentOfGroup);
    set(F::HowNegativeConverted, c.how == How::NegativeConverted);
    set(F::HowParallelList, c.how == How::ParallelList);
    set(F::HowAllOfGroup, c.how == How::AllOfGroup);
    set(F::HowNoneOfGroup, c.how == How::NoneOfGroup);
    set(F::HowCaseReport, c.how == How::CaseReport);
    set(F::HowQualitative, c.how == How::Qualitative);
    let negative_reading = matches!(c.how, How::NegativeConverted | How::NoneOfGroup)
        || c.how == How::CaseReport && c.positive == Some(0);
    set(F::StateAgrees, negative_reading == cues.negative);
    set(
        F::StateBeforeAgrees,
        cues.state_before == Some(!negative_reading),
    );
    set(
        F::StateBeforeDisagrees,
        cues.state_before == Some(negative_reading),
    );
    set(
        F::StateAfterAgrees,
        cues.state_after == Some(!negative_reading),
    );
    set(
        F::StateAfterDisagrees,
        cues.state_after == Some(negative_reading),
    );
    let (near_before, near_after) =
        crate::candidates::cues::states_near(lower, anchor.start, anchor.end, 25, 40);
    set(
        F::StateNearBeforeAgrees,
        near_before == Some(!negative_reading),
    );
    set(
        F::StateNearBeforeDisagrees,
        near_before == Some(negative_reading),
    );
    set(
        F::StateNearAfterAgrees,
        near_after == Some(!negative_reading),
    );
    set(
        F::StateNearAfterDisagrees,
        near_after == Some(negative_reading),
    );
    set(F::TotalMissing, c.total.is_none());
    set(F::TotalFromCount, c.total_from == TotalFrom::Count);
    set(F::TotalFromGroup, c.total_from == TotalFrom::Group);
    set(F::TotalFromSentence, c.total_from == TotalFrom::Sentence);
    set(F::TotalFromSeries, c.total_from == TotalFrom::Series);
    set(F::TotalFromPercent, c.total_from == TotalFrom::Percent);
    set(F::TotalFromSum, c.total_from == TotalFrom::Sum);
    set(F::PositiveMissing, c.positive.is_none());
    set(
        F::AllPositive,
        c.positive.is_some() && c.positive == c.total,
    );
    set(F::NonePositive, c.positive == Some(0));
    set(F::TotalOne, c.total == Some(1));
    set(F::LargestSeries, largest);
    set(F::MostPositives, most);
    set(F::MarkerCurated, m.source == MarkerSource::Curated);
    set(F::MarkerLexicon, m.source == MarkerSource::Lexicon);
    set(F::MarkerNamed, m.source == MarkerSource::Named);
    set(F::MarkerShape, m.source == MarkerSource::Shape);
    set(F::MarkerCombined, m.combined);
    set(F::MarkerCarried, c.marker_carried);
    set(F::OnlyMarker, analysis.context.distinct_markers == 1);
    let m_rank = anchor.near_markers.iter().position(|&x| x == c.marker);
    set(F::MarkerNearest, m_rank == Some(0));
    set(F::MarkerSecond, m_rank == Some(1));
    set(F::MarkerFarther, m_rank.is_some_and(|r| r >= 2));
    let (ms, me) = (m.start.wrapping_sub(off), m.end.wrapping_sub(off));
    let in_sentence = !c.marker_carried && m.passage == sentence.passage;
    let m_before = in_sentence && me <= anchor.start;
    set(F::MarkerBefore, m_before);
    let (lo, hi) = anchor.clause;
    set(F::MarkerInClause, in_sentence && ms >= lo && me <= hi);
    set(F::MarkerRulePick, anchor.rule_markers.contains(&c.marker));
    let distinct = analysis.distinct_in_sentence(anchor.sentence);
    let order = distinct
        .iter()
        .position(|&x| analysis.mentions.markers[x].key() == m.key());
    set(
        F::MarkerInOrder,
        anchor.kind == AnchorKind::Count
            && order == Some(anchor.index)
            && distinct.len() == counts_here,
    );
    let run = layout[anchor.sentence].run_of((anchor.start, anchor.end));
    set(
        F::MarkerInRunOrder,
        anchor.kind == AnchorKind::Count
            && run.is_some_and(|(place, len)| {
                len >= 2 && len == distinct.len() && order == Some(place)
            }),
    );
    set(
        F::MarkerThenBracket,
        m_before
            && text
                .get(me..anchor.start)
                .is_some_and(|g| matches!(g.trim(), "(" | "[" | ":" | "," | "(n =" | "")),
    );
    set(
        F::MarkerForAfter,
        in_sentence
            && ms >= anchor.end
            && lower
                .get(anchor.end..ms)
                .is_some_and(|g| g.len() < 40 && (g.contains("for ") || g.contains("with "))),
    );
    set(F::MarkerInTitle, analysis.title_markers.contains(&m.key()));
    let spans = &layout[anchor.sentence];
    let between = |list: &[(usize, usize)], a: (usize, usize), b: (usize, usize)| {
        let (lo, hi) = if a.1 <= b.0 { (a.1, b.0) } else { (b.1, a.0) };
        list.iter()
            .any(|&(s, e)| s >= lo && e <= hi && (s, e) != a && (s, e) != b)
    };
    let anchor_span = (anchor.start, anchor.end);
    if in_sentence {
        let m_span = (ms, me);
        set(
            F::MarkerOtherBetween,
            between(&spans.markers, m_span, anchor_span),
        );
        set(
            F::MarkerCountBetween,
            between(&spans.counts, m_span, anchor_span),
        );
        set(
            F::MarkerImmediate,
            m_before
                && anchor.start - me <= 14
                && !between(&spans.markers, m_span, anchor_span)
                && !between(&spans.counts, m_span, anchor_span),
        );
    }
    set(F::MarkerNearestBefore, m_rank == Some(0) && m_before);
    set(
        F::MarkerNearestAfter,
        m_rank == Some(0) && in_sentence && ms >= anchor.end,
    );
    set(
        F::MarkerListed,
        analysis.listed_markers.binary_search(&c.marker).is_ok(),
    );
    let t_rank = anchor.near_tumours.iter().position(|&x| x == c.tumour);
    set(F::TumourInSentence, c.tumour_from == TumourFrom::Sentence);
    set(F::TumourGeneric, c.tumour_from == TumourFrom::Generic);
    set(F::TumourMain, c.tumour_from == TumourFrom::Main);
    set(F::TumourTitle, c.tumour_from == TumourFrom::Title);
    set(F::TumourDiagnosis, c.tumour_from == TumourFrom::Diagnosis);
    set(F::TumourNearest, t_rank == Some(0));
    set(F::TumourSecond, t_rank == Some(1));
    set(F::TumourFarther, t_rank.is_some_and(|r| r >= 2));
    let t_here = c.tumour_from == TumourFrom::Sentence && t.passage == sentence.passage;
    let (ts, te) = (t.start.wrapping_sub(off), t.end.wrapping_sub(off));
    set(F::TumourAfter, t_here && ts >= anchor.end);
    set(F::TumourInClause, t_here && ts >= lo && te <= hi);
    set(F::TumourRulePick, anchor.rule_tumours.contains(&c.tumour));
    set(
        F::TumourRightAfter,
        t_here
            && ts >= anchor.end
            && text
                .get(anchor.end..ts)
                .is_some_and(|g| g.trim().len() <= 12),
    );
    if t_here {
        let t_span = (ts, te);
        set(
            F::TumourOtherBetween,
            between(&spans.tumours, t_span, anchor_span),
        );
        set(
            F::TumourCountBetween,
            between(&spans.counts, t_span, anchor_span),
        );
        set(
            F::TumourEndsRun,
            ts >= anchor.end
                && run.is_some_and(|(_, len)| len >= 2)
                && !between(&spans.tumours, t_span, anchor_span),
        );
        let lead = lower.get(..ts).unwrap_or("").trim_end();
        set(
            F::TumourIntroduces,
            te <= anchor.start
                && [" in", " of", " among", " for", "in", "of"]
                    .iter()
                    .any(|w| lead.ends_with(w))
                && text
                    .get(te..anchor.start)
                    .is_some_and(|g| g.contains(',') && g.len() < 60),
        );
        set(
            F::TumourOfAfter,
            ts >= anchor.end
                && lower.get(anchor.end..ts).is_some_and(|g| {
                    g.len() < 30
                        && (g.contains(" of ")
                            || g.contains(" in ")
                            || g.trim_start().starts_with("of")
                            || g.trim_start().starts_with("in "))
                }),
        );
    }
    set(F::TumourHasConcept, t.id.is_some());
    set(F::TumourVocabulary, t.source == TumourSource::Vocabulary);
    set(
        F::TumourAbbreviation,
        t.source == TumourSource::Abbreviation,
    );
    set(F::TumourPhrase, t.source == TumourSource::Phrase);
    set(F::TumourOrganList, t.source == TumourSource::OrganList);
    set(F::TumourHasGroup, analysis.group_sizes[c.tumour].is_some());
    set(
        F::TumourIsMain,
        analysis.context.main_tumour == Some(c.tumour),
    );
    set(
        F::TumourNamedInTitle,
        analysis.group_in_title(analysis.tumour_group(c.tumour)),
    );
    set(F::CaseReportDocument, analysis.context.case_report);
    set(F::CaseLikeDocument, analysis.context.case_like);
    set(
        F::SeriesDocument,
        analysis.context.series.is_some_and(|n| n > 2),
    );
    set(F::RulePick, c.rule_pick);
    set(
        F::TotalIsGroup,
        c.total.is_some() && c.total == analysis.group_sizes[c.tumour],
    );
    row[F::CountsInSentence as usize] = scaled_log(counts_here as f64, 20.0);
    row[F::TotalSize as usize] = scaled_log(f64::from(c.total.unwrap_or(0)), 2000.0);
    let distance = |d: usize| (d.min(200) as f32) / 200.0;
    row[F::MarkerDistance as usize] = if in_sentence {
        distance(if m_before {
            anchor.start - me
        } else {
            ms.saturating_sub(anchor.end)
        })
    } else {
        1.0
    };
    row[F::TumourDistance as usize] = if t_here {
        distance(if te <= anchor.start {
            anchor.start - te
        } else {
            ts.saturating_sub(anchor.end)
        })
    } else {
        1.0
    };
    row[F::MarkerMentions as usize] = scaled_log(analysis.marker_mentions(&m.key()) as f64, 20.0);
    row[F::MarkersInSentence as usize] = scaled_log(anchor.near_markers.len() as f64, 20.0);
    row[F::TumoursInSentence as usize] = scaled_log(anchor.near_tumours.len() as f64, 20.0);
    row[F::TumourMentions as usize] = scaled_log(
        analysis.tumour_groups_count(analysis.tumour_group(c.tumour)) as f64,
        20.0,
    );
    row[F::TumourWords as usize] = (t.text.split_whitespace().count().min(8) as f32) / 8.0;
    row[F::DocumentMarkers as usize] = scaled_log(analysis.context.distinct_markers as f64, 30.0);
}

fn scaled_log(n: f64, max: f64) -> f32 {
    ((1.0 + n).ln() / (1.0 + max).ln()).min(1.0) as f32
}
