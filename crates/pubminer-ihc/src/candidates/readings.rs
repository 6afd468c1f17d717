//! The readings of a figure: which (positive, total) pairs it can stand for, and where the
//! total comes from.

use pubminer_text::normalize::KeyBuilder;

use super::How;
use crate::context::Context;
use crate::counts::{Count, agrees, number_before, numerator_from_percent, total_from_percent};
use crate::mentions::TumourMention;
use crate::rules::{Rule, RuleSet};

/// Where a candidate's total comes from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum TotalFrom {
    /// The count states it.
    #[default]
    Count,
    /// The tumour's group size, stated elsewhere.
    Group,
    /// A number right before the tumour in the sentence (`all 40 X`).
    Sentence,
    /// The study's series size.
    Series,
    /// Implied by the numerator and its percentage.
    Percent,
    /// The sum of two complementary counts of the sentence.
    Sum,
    /// A case report's patients.
    Patients,
    /// No total.
    None,
}

/// One reading of a figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    /// Positive cases.
    pub positive: Option<u32>,
    /// Cases tested.
    pub total: Option<u32>,
    /// How the numbers were read.
    pub how: How,
    /// Where the total comes from.
    pub total_from: TotalFrom,
}

/// The totals a tumour can supply, first the rules' own (its group): its group size, a
/// number right before it in the sentence, and the study's series size when the tumour is
/// the document's main one (or the document has one group).
pub(crate) fn tumour_totals(
    tumour: &TumourMention,
    main: bool,
    sentence_text: Option<&str>,
    context: &Context,
    rules: &RuleSet,
    keys: &mut KeyBuilder,
) -> Vec<(u32, TotalFrom)> {
    let mut out: Vec<(u32, TotalFrom)> = Vec::new();
    let mut add = |n: Option<u32>, from: TotalFrom| {
        if let Some(n) = n
            && !out.iter().any(|(m, _)| *m == n)
        {
            out.push((n, from));
        }
    };
    if rules.on(Rule::GroupTotals) {
        add(context.group_of(keys, &tumour.text), TotalFrom::Group);
        if let Some(text) = sentence_text {
            add(number_before(text, tumour.start), TotalFrom::Sentence);
        }
    }
    if rules.on(Rule::SeriesTotals) && (main || context.groups.len() <= 1) {
        add(context.series, TotalFrom::Series);
    }
    out
}

/// The readings of a count for a tumour with `totals`: as written and converted from the
/// negative state; a missing total from the count itself (its percentage, a complementary
/// count: `complement`) or the tumour; a missing numerator from the percentage of the total.
pub(crate) fn count_readings(
    c: &Count,
    complement: Option<u32>,
    totals: &[(u32, TotalFrom)],
    rules: &RuleSet,
) -> Vec<Reading> {
    let mut out: Vec<Reading> = Vec::new();
    let mut push = |x: Option<u32>, y: Option<u32>, how: How, total_from: TotalFrom| {
        if matches!((x, y), (Some(x), Some(y)) if x > y) {
            return;
        }
        let r = Reading {
            positive: x,
            total: y,
            how,
            total_from,
        };
        if !out
            .iter()
            .any(|o| o.positive == x && o.total == y && o.how == how)
        {
            out.push(r);
        }
        if rules.on(Rule::NegativeState)
            && let (Some(xv), Some(yv)) = (x, y)
            && how != How::NegativeConverted
        {
            let converted = Reading {
                positive: Some(yv - xv),
                total: y,
                how: How::NegativeConverted,
                total_from,
            };
            if !out.contains(&converted) {
                out.push(converted);
            }
        }
    };
    if let (Some(x), Some(y)) = (c.x, c.y) {
        push(Some(x), Some(y), How::Count, TotalFrom::Count);
        return out;
    }
    let mut all: Vec<(u32, TotalFrom)> = totals.to_vec();
    if rules.on(Rule::TotalFromPercent)
        && let Some(x) = c.x
    {
        for (n, from) in [
            (complement, TotalFrom::Sum),
            (
                c.percent.and_then(|p| total_from_percent(x, p)),
                TotalFrom::Percent,
            ),
        ] {
            if let Some(n) = n
                && !all.iter().any(|(m, _)| *m == n)
            {
                all.push((n, from));
            }
        }
    }
    let mut agreed = false;
    for &(total, from) in &all {
        match (c.x, c.percent) {
            (None, Some(pct)) => {
                let x = if rules.on(Rule::PercentOfGroup) {
                    numerator_from_percent(pct, total)
                } else {
                    None
                };
                push(x, Some(total), How::PercentOfGroup, from);
            }
            (Some(x), Some(pct)) => {
                if agrees(x, total, pct) {
                    agreed = true;
                    push(Some(x), Some(total), How::CountOfGroup, from);
                }
            }
            (Some(x), None) => push(Some(x), Some(total), How::CountOfGroup, from),
            (None, None) => {}
        }
    }
    if !agreed && c.x.is_some() && c.percent.is_some() {
        push(c.x, None, How::Count, TotalFrom::None);
    }
    if all.is_empty() && c.x.is_some() && c.percent.is_none() {
        push(c.x, None, How::Count, TotalFrom::None);
    }
    out
}

/// The count of the sentence whose percentage complements this one's (`12 cases (18.2%) and
/// the other 54 (81.8%)`): the two numerators' sum, when the percentages add up to 100.
pub(crate) fn complement(counts: &[Count], ci: usize) -> Option<u32> {
    let c = &counts[ci];
    let (x, p) = (c.x?, c.percent?);
    if c.y.is_some() {
        return None;
    }
    counts.iter().enumerate().find_map(|(j, o)| {
        let (ox, op) = (o.x?, o.percent?);
        let unit = 1.0 / 10f64.powi(i32::from(p.1.max(op.1)));
        (j != ci && o.y.is_none() && (p.0 + op.0 - 100.0).abs() <= unit + 1e-9).then_some(x + ox)
    })
}
