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
    let masked = mask_negative_phrases(lower);
    let lower: &str = &masked;
    let (start, end) = (start.min(lower.len()), end.min(lower.len()));
    let cues = state_cues();
    // The clause: after the last break that ends before the span, up to the first break that
    // starts after it (overlapping matches, so every occurrence of every break counts).
    let left = lower.get(..start).map_or(0, |head| {
        cues.breaks
            .find_overlapping_iter(head)
            .map(|m| m.end())
            .max()
            .unwrap_or(0)
    });
    let right = lower.get(end..).map_or(lower.len(), |tail| {
        cues.breaks
            .find_overlapping_iter(tail)
            .map(|m| end + m.start())
            .min()
            .unwrap_or(lower.len())
    });
    let before = lower.get(left..start).unwrap_or("");
    let after = lower.get(end..right).unwrap_or("");
    // The last negative and positive word before the span (by where it ends), the first of
    // each after it (by where it starts).
    let (mut last_neg, mut last_pos) = (None::<usize>, None::<usize>);
    for m in cues.states.find_overlapping_iter(before) {
        let slot = if m.pattern().as_usize() < NEG.len() {
            &mut last_neg
        } else {
            &mut last_pos
        };
        *slot = (*slot).max(Some(m.end()));
    }
    let (mut first_neg, mut first_pos) = (None::<usize>, None::<usize>);
    for m in cues.states.find_overlapping_iter(after) {
        let slot = if m.pattern().as_usize() < NEG.len() {
            &mut first_neg
        } else {
            &mut first_pos
        };
        *slot = Some(slot.map_or(m.start(), |s: usize| s.min(m.start())));
    }
    let state_before = match (last_neg, last_pos) {
        (Some(n), Some(p)) => Some(p > n),
        (Some(_), None) => Some(false),
        (None, Some(_)) => Some(true),
        (None, None) => None,
    };
    let state_after = match (first_neg, first_pos) {
        (Some(n), Some(p)) => Some(p < n),
        (Some(_), None) => Some(false),
        (None, Some(_)) => Some(true),
        (None, None) => None,
    };
    (state_before, state_after)
}

/// What ends a clause for [`states_around`].
const BREAKS: [&str; 7] = [
    ";",
    ". ",
    " but ",
    " whereas ",
    " while ",
    " although ",
    " however",
];
/// Negative state words.
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
/// Positive state words.
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
/// Phrases whose positive word is the negative state's (see [`mask_negative_phrases`]).
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

/// The automata of [`states_around`]: one pass over a clause finds every cue, where a
/// `str::find` per cue word paid a searcher's set-up and a scan each (~40 per candidate).
struct StateCues {
    breaks: aho_corasick::AhoCorasick,
    /// `NEG` then `POS` (pattern ids below `NEG.len()` are negative).
    states: aho_corasick::AhoCorasick,
    negative_phrases: aho_corasick::AhoCorasick,
}

fn state_cues() -> &'static StateCues {
    static CUES: std::sync::LazyLock<StateCues> = std::sync::LazyLock::new(|| {
        let build = |words: &[&str]| {
            aho_corasick::AhoCorasick::new(words).expect("a few short literal cue words")
        };
        StateCues {
            breaks: build(&BREAKS),
            states: build(&[NEG.as_slice(), POS.as_slice()].concat()),
            negative_phrases: build(&NEGATIVE_PHRASES),
        }
    });
    &CUES
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
    if !state_cues().negative_phrases.is_match(lower) {
        return std::borrow::Cow::Borrowed(lower);
    }
    let mut masked = std::borrow::Cow::Borrowed(lower);
    for phrase in NEGATIVE_PHRASES {
        if masked.contains(phrase) {
            let negative = format!("negative{}", " ".repeat(phrase.len() - "negative".len()));
            masked = std::borrow::Cow::Owned(masked.replace(phrase, &negative));
        }
    }
    masked
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// [`states_around`] as it was first written, a `str::find` per cue word: the reference
    /// the one-pass version must agree with.
    fn states_around_by_find(
        lower: &str,
        start: usize,
        end: usize,
    ) -> (Option<bool>, Option<bool>) {
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
        let state =
            |n: Option<usize>, p: Option<usize>, pos_wins: fn(usize, usize) -> bool| match (n, p) {
                (Some(n), Some(p)) => Some(pos_wins(p, n)),
                (Some(_), None) => Some(false),
                (None, Some(_)) => Some(true),
                (None, None) => None,
            };
        (
            state(last(&NEG), last(&POS), |p, n| p > n),
            state(first(&NEG), first(&POS), |p, n| p < n),
        )
    }

    #[test]
    fn reads_the_nearest_state_word_of_the_clause() {
        let s = "tumours were negative for ck7 but positive for ck20; ck5 stained";
        let at = |w: &str| s.find(w).unwrap();
        assert_eq!(
            states_around(s, at("ck7"), at("ck7") + 3),
            (Some(false), None)
        );
        assert_eq!(
            states_around(s, at("ck20"), at("ck20") + 4),
            (Some(true), None)
        );
        assert_eq!(
            states_around(s, at("ck5"), at("ck5") + 3),
            (None, Some(true))
        );
        // `nonreactive` ends where `reactive` ends: the negative word wins the tie.
        let t = "ck7 was nonreactive";
        assert_eq!(states_around(t, 0, 3), (None, Some(false)));
    }

    proptest! {
        #[test]
        fn one_pass_agrees_with_a_find_per_word(
            words in proptest::collection::vec(
                prop::sample::select(vec![
                    "ck7", "negative", "positive", "loss of", "expression", "no expression",
                    "nonreactive", "reactive", "but", "however", ";", ".", "all", "tumours",
                    "stained", "lack of staining", "not detected", "while", "\u{3b1}",
                ]),
                0..14,
            ),
            glue in proptest::collection::vec(prop::sample::select(vec![" ", "", ". ", ", "]), 14),
            a in 0usize..120,
            len in 0usize..12,
        ) {
            let mut s = String::new();
            for (w, g) in words.iter().zip(&glue) {
                s.push_str(w);
                s.push_str(g);
            }
            let (start, end) = (a, a + len);
            prop_assert_eq!(states_around(&s, start, end), states_around_by_find(&s, start, end));
        }
    }
}
