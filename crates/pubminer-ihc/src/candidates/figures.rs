//! What a figure is: the cues that say whether a count is a positivity count (thresholds,
//! other figures, parts of the count before, units), and the order of mentions around it.

use super::FigureCues;
use crate::counts::{Count, Spanned, after_words};
use crate::mentions::Mentions;
use crate::rules::{Rule, RuleSet};
use crate::words::{NOT_POSITIVITY, find_word, is_list_gap};

/// The cues of the `ci`-th count that say whether it is a positivity count.
pub(super) fn figure_cues(
    lower: &str,
    a: &[Spanned],
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
            r.starts_with("of cells")
                || r.starts_with("of tumor cells")
                || r.starts_with("of tumour cells")
        });
    let not_positivity = NOT_POSITIVITY
        .iter()
        .any(|w| find_word(window, w).is_some())
        || coordinated && *previous_not_positivity && rules.on(Rule::NotPositivity);
    *previous_not_positivity = not_positivity;
    FigureCues {
        threshold,
        not_positivity,
        part_of_previous,
        units_after: after_words(
            a,
            c,
            &["years", "months", "patients", "men", "women", "mm", "cm"],
        ),
        ..FigureCues::default()
    }
}

/// Indices ordered by distance to the bytes `from..to` (0 inside it).
pub(crate) fn by_distance(
    items: impl Iterator<Item = (usize, usize, usize)>,
    from: usize,
    to: usize,
) -> Vec<usize> {
    let mut v: Vec<(usize, usize)> = items
        .map(|(i, s, e)| {
            let d = if e <= from {
                from - e
            } else {
                s.saturating_sub(to)
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
