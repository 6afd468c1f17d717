//! Cues read from one lower-cased sentence: the clause of a count, negative states, `no
//! staining` and `negative for` statements, and distance weighting.

use crate::counts::Count;

/// The item (an index) whose span `(start, end, index)` is nearest to the bytes `at` (a
/// point or a count's span), weighting distances before and after it.
pub fn nearest(
    items: impl Iterator<Item = (usize, usize, usize)>,
    at: std::ops::Range<usize>,
    before_weight: f64,
    after_weight: f64,
) -> Option<usize> {
    items
        .map(|(s, e, item)| {
            let d = if e <= at.start {
                (at.start - e) as f64 * before_weight
            } else if s >= at.end {
                (s - at.end) as f64 * after_weight
            } else {
                0.0
            };
            (d, item)
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, item)| item)
}

/// The clause of the `ci`-th count in a lower-cased sentence: from the previous clause break
/// (`,` `;` `whereas` `while` `but`, or the previous count) to the next one.
pub fn clause(lower: &str, counts: &[Count], ci: usize) -> (usize, usize) {
    let c = &counts[ci];
    let breaks = |s: &str| -> Vec<usize> {
        let mut v: Vec<usize> = s.match_indices([',', ';']).map(|(i, _)| i).collect();
        for w in [" whereas ", " while ", " but ", " compared with "] {
            v.extend(s.match_indices(w).map(|(i, _)| i));
        }
        v
    };
    let prev_count = ci.checked_sub(1).map_or(0, |i| counts[i].range.end);
    let next_count = counts.get(ci + 1).map_or(lower.len(), |n| n.range.start);
    let before = lower.get(..c.range.start).unwrap_or("");
    let mut lo = breaks(before)
        .into_iter()
        .max()
        .map_or(0, |i| i + 1)
        .max(prev_count);
    // A count right after `and` opens a clause of its own: `16 of 25 stained with
    // synaptophysin in a diffuse pattern and 8 of 25 showed immunoreactivity for chromogranin`.
    if let Some(head) = before.trim_end().strip_suffix(" and") {
        lo = lo.max(head.len() + 1);
    }
    let after_start = c.range.end.min(lower.len());
    let after = lower.get(after_start..).unwrap_or("");
    let hi = breaks(after)
        .into_iter()
        .min()
        .map_or(lower.len(), |i| after_start + i)
        .min(next_count);
    (lo, hi.max(c.range.end))
}

/// True when the state near the span `start..end` is negative (`negative`, `absent`, `loss`)
/// rather than positive: the nearest cue wins.
pub fn is_negative(lower: &str, start: usize, end: usize) -> bool {
    const NEG: [&str; 8] = [
        "negative",
        "absent",
        "absence",
        "loss of",
        "lacked",
        "no immunoreactivity",
        "not detected",
        "not express",
    ];
    const POS: [&str; 8] = [
        "positive",
        "expressed",
        "immunoreactiv",
        "stained",
        "overexpression",
        "labeled",
        "showed",
        "expression",
    ];
    let masked = mask_negative_phrases(lower);
    let lower: &str = &masked;
    let distance = |cues: &[&str]| {
        cues.iter()
            .filter_map(|c| {
                let after = lower.get(end..).and_then(|s| s.find(c));
                let before = lower
                    .get(..start)
                    .and_then(|s| s.rfind(c))
                    .map(|i| start - i - c.len());
                match (before, after) {
                    (Some(b), Some(a)) => Some(a.min(b)),
                    (b, a) => b.or(a),
                }
            })
            .min()
    };
    match (distance(&NEG), distance(&POS)) {
        (Some(n), Some(p)) => n < p,
        (Some(_), None) => true,
        _ => false,
    }
}

/// Where a lower-cased sentence says `no` staining was seen (`no immunoreactivity was
/// detected`, `no expression`), not any `no` (`no consistent pattern`).
pub fn no_staining(lower: &str) -> Option<usize> {
    let start = lower.starts_with("no ").then_some((0, 3));
    start
        .into_iter()
        .chain(lower.match_indices(" no ").map(|(i, _)| (i, i + 4)))
        .find_map(|(i, after)| {
            let next = &lower[after..];
            [
                "immunoreactiv",
                "stain",
                "immunostain",
                "expression",
                "positiv",
                "reactivity",
                "labeling",
                "labelling",
            ]
            .iter()
            .any(|w| next.starts_with(w))
            .then_some(i)
        })
}

/// Where a lower-cased sentence states its subjects negative without a count (`primary
/// tumors of breast ... were negative for CDX2`).
pub fn negative_for(lower: &str) -> Option<usize> {
    [
        "were negative for",
        "was negative for",
        "were all negative",
        "were uniformly negative",
        "were consistently negative",
    ]
    .iter()
    .filter_map(|cue| lower.find(cue))
    .min()
}

/// The cues of a marker stated positive or negative on its own (a case report's panel,
/// `CK20 was negative in all cases`): the state word that governs it is the one before it in
/// its clause (a list shares it: `positive for CD68, CD4 and CD163, but negative for S100`),
/// else the one after it, else any negative cue around it.
pub fn marker_state(lower: &str, start: usize, end: usize) -> super::FigureCues {
    let (state_before, state_after) = states_around(lower, start, end);
    let negative = match (state_before, state_after) {
        (Some(before), _) => !before,
        (None, Some(after)) => !after,
        (None, None) => is_negative(lower, start, end),
    };
    super::FigureCues {
        negative,
        state_before,
        state_after,
        ..super::FigureCues::default()
    }
}

/// The state words around a span, within its clause (a clause ends at `;`, a full stop,
/// `but`, `whereas`, `while`, `although`, `however`; commas do not end it, so a list shares
/// the word before it): the nearest word before the span and the nearest after it, each
/// `Some(true)` when positive (`positive`, `expressed`, `stained`, `retained`...), `Some(false)`
/// when negative (`negative`, `absent`, `loss of`, `no expression`...).
#[must_use]
pub fn states_around(lower: &str, start: usize, end: usize) -> (Option<bool>, Option<bool>) {
    const BREAKS: [&str; 7] = [
        ";",
        ". ",
        " but ",
        " whereas ",
        " while ",
        " although ",
        " however",
    ];
    const NEG: [&str; 12] = [
        "negative",
        "absent",
        "absence",
        "loss of",
        "lack of",
        "lacked",
        "lacking",
        "no immunoreactivity",
        "not detected",
        "not express",
        "nonreactive",
        "no staining",
    ];
    const POS: [&str; 12] = [
        "positive",
        "expressed",
        "expressing",
        "immunoreactiv",
        "stained",
        "overexpress",
        "labeled",
        "labelled",
        "retained",
        "intact",
        "reactive",
        "expression",
    ];
    let masked = mask_negative_phrases(lower);
    let lower: &str = &masked;
    let (start, end) = (start.min(lower.len()), end.min(lower.len()));
    let left = BREAKS
        .iter()
        .filter_map(|b| lower.get(..start)?.rfind(b).map(|i| i + b.len()))
        .max()
        .unwrap_or(0);
    let right = BREAKS
        .iter()
        .filter_map(|b| lower.get(end..)?.find(b).map(|i| end + i))
        .min()
        .unwrap_or(lower.len());
    let before = lower.get(left..start).unwrap_or("");
    let after = lower.get(end..right).unwrap_or("");
    let last = |cues: &[&str]| {
        cues.iter()
            .filter_map(|c| before.rfind(c).map(|i| i + c.len()))
            .max()
    };
    let first = |cues: &[&str]| cues.iter().filter_map(|c| after.find(c)).min();
    let state_before = match (last(&NEG), last(&POS)) {
        (Some(n), Some(p)) => Some(p > n),
        (Some(_), None) => Some(false),
        (None, Some(_)) => Some(true),
        (None, None) => None,
    };
    let state_after = match (first(&NEG), first(&POS)) {
        (Some(n), Some(p)) => Some(p < n),
        (Some(_), None) => Some(false),
        (None, Some(_)) => Some(true),
        (None, None) => None,
    };
    (state_before, state_after)
}

/// The state words at most `before` bytes before the span and `after` bytes after it, within
/// its clause (as [`states_around`] reads them).
#[must_use]
pub fn states_near(
    lower: &str,
    start: usize,
    end: usize,
    before: usize,
    after: usize,
) -> (Option<bool>, Option<bool>) {
    let lo = lower.floor_char_boundary(start.saturating_sub(before));
    let hi = lower.ceil_char_boundary((end + after).min(lower.len()));
    let window = lower.get(lo..hi).unwrap_or("");
    states_around(window, start - lo, end.min(hi) - lo)
}

/// `loss of expression`, `lack of staining`, `no expression`: the positive word inside is
/// the negative state's, so the phrase reads `negative` (same length: offsets hold).
fn mask_negative_phrases(lower: &str) -> std::borrow::Cow<'_, str> {
    const NEGATIVE_PHRASES: [&str; 9] = [
        "loss of expression",
        "lack of expression",
        "absence of expression",
        "loss of staining",
        "lack of staining",
        "no expression",
        "negative expression",
        "loss of immunoreactivity",
        "no evidence of staining",
    ];
    let mut masked = std::borrow::Cow::Borrowed(lower);
    for phrase in NEGATIVE_PHRASES {
        if masked.contains(phrase) {
            let negative = format!("negative{}", " ".repeat(phrase.len() - "negative".len()));
            masked = std::borrow::Cow::Owned(masked.replace(phrase, &negative));
        }
    }
    masked
}
