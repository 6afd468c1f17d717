//! The shapes of a count expression (`27 of 35 (77.1%)`, `77.1% (27/35)`, `14 (70%)`), and
//! the arithmetic of percentages.

use std::ops::Range;

use super::around::CASE_NOUNS;
use super::atoms::{Atom, Spanned};

/// A count found in a sentence.
#[derive(Clone, Debug, PartialEq)]
pub struct Count {
    /// Numerator (cases with the stated state), when given.
    pub x: Option<u32>,
    /// Denominator, when given.
    pub y: Option<u32>,
    /// The printed percentage, when given.
    pub percent: Option<(f64, u8)>,
    /// Byte range of the whole expression in the scanned text.
    pub range: Range<usize>,
    /// Atom index range of the expression.
    pub atoms: Range<usize>,
}

impl Count {
    /// A numerator with neither total nor percentage (`positive in 4 cases`).
    #[must_use]
    pub fn numerator_only(&self) -> bool {
        self.x.is_some() && self.y.is_none() && self.percent.is_none()
    }
}

fn num(a: &[Spanned], i: usize) -> Option<u32> {
    match a.get(i).map(|s| &s.atom) {
        Some(Atom::Number(n)) => Some(*n),
        _ => None,
    }
}

fn pct(a: &[Spanned], i: usize) -> Option<(f64, u8)> {
    match a.get(i).map(|s| &s.atom) {
        Some(Atom::Percent(v, d)) => Some((*v, *d)),
        _ => None,
    }
}

fn is_word(a: &[Spanned], i: usize, w: &str) -> bool {
    matches!(a.get(i).map(|s| &s.atom), Some(Atom::Word(x)) if x == w)
}

fn is_punct(a: &[Spanned], i: usize, c: char) -> bool {
    matches!(a.get(i).map(|s| &s.atom), Some(Atom::Punct(x)) if *x == c)
}

/// An optional parenthesised percentage at `i` (`(77.1%)`, `(26/27; 96%)` is handled by the
/// caller). Returns the percentage and the index after it.
fn paren_pct(a: &[Spanned], i: usize) -> Option<((f64, u8), usize)> {
    if is_punct(a, i, '(')
        && let Some(p) = pct(a, i + 1)
    {
        let mut j = i + 2;
        // `(92.6%)` or `(80.0%, 95% CI ...)`: skip to the close.
        while j < a.len() && j < i + 12 && !is_punct(a, j, ')') {
            j += 1;
        }
        return Some((p, if is_punct(a, j, ')') { j + 1 } else { i + 2 }));
    }
    None
}

/// `in X`, then a case noun within two words (`in 4 cases`, `in one tumor`), or, for X under
/// 1,000 (no year), the end of the clause or `and Y` (`in six.`, `in four and two cases`): a
/// numerator with no total. Returns the index after the expression.
fn bare_count(a: &[Spanned], i: usize, x: u32, previous: Option<&Count>) -> Option<usize> {
    // `in four and two cases`: the second numerator follows the first.
    let follows = |w: &str| {
        is_word(a, i - 1, w) && previous.is_some_and(|p| p.numerator_only() && p.atoms.end + 1 == i)
    };
    if i == 0 || !(is_word(a, i - 1, "in") || follows("and") || follows("or")) {
        return None;
    }
    if !(1..=10_000).contains(&x) {
        return None;
    }
    let case_noun = |k: usize| {
        matches!(a.get(k).map(|s| &s.atom), Some(Atom::Word(w))
            if CASE_NOUNS.contains(&w.as_str())
                || CASE_NOUNS.iter().any(|n| n.strip_suffix('s') == Some(w.as_str())))
    };
    for k in i + 1..i + 4 {
        if case_noun(k) {
            return Some(k + 1);
        }
        match a.get(k).map(|s| &s.atom) {
            Some(Atom::Word(w)) if k < i + 3 && !matches!(w.as_str(), "and" | "or" | "of") => {}
            _ => break,
        }
    }
    if x >= 1_000 {
        return None;
    }
    match a.get(i + 1).map(|s| &s.atom) {
        None | Some(Atom::Punct(',' | '.' | ';' | ')')) => Some(i + 1),
        Some(Atom::Word(w)) if matches!(w.as_str(), "and" | "or") && num(a, i + 2).is_some() => {
            Some(i + 1)
        }
        _ => None,
    }
}

/// Every count expression in `a`, left to right, not overlapping.
#[must_use]
pub fn find_counts(a: &[Spanned]) -> Vec<Count> {
    let mut out = Vec::new();
    let mut i = 0;
    let span = |s: usize, e: usize| a[s].range.start..a[e - 1].range.end;
    while i < a.len() {
        // Z% (X/Y)
        if let Some(p) = pct(a, i)
            && is_punct(a, i + 1, '(')
            && let (Some(x), true, Some(y)) =
                (num(a, i + 2), is_punct(a, i + 3, '/'), num(a, i + 4))
        {
            let end = if is_punct(a, i + 5, ')') {
                i + 6
            } else {
                i + 5
            };
            out.push(Count {
                x: Some(x),
                y: Some(y),
                percent: Some(p),
                range: span(i, end),
                atoms: i..end,
            });
            i = end;
            continue;
        }
        if let Some(x) = num(a, i) {
            // X/Y [(Z%)]  and  (X/Y; Z%)
            if is_punct(a, i + 1, '/')
                && let Some(y) = num(a, i + 2)
            {
                let mut end = i + 3;
                let mut percent = None;
                if let Some((p, e)) = paren_pct(a, end) {
                    percent = Some(p);
                    end = e;
                } else if (is_punct(a, end, ';') || is_punct(a, end, ','))
                    && let Some(p) = pct(a, end + 1)
                {
                    percent = Some(p);
                    end += 2;
                }
                out.push(Count {
                    x: Some(x),
                    y: Some(y),
                    percent,
                    range: span(i, end),
                    atoms: i..end,
                });
                i = end;
                continue;
            }
            // X (Z%) of [the] Y
            if let Some((p, e)) = paren_pct(a, i + 1)
                && is_word(a, e, "of")
            {
                let k = if is_word(a, e + 1, "the") {
                    e + 2
                } else {
                    e + 1
                };
                if let Some(y) = num(a, k) {
                    out.push(Count {
                        x: Some(x),
                        y: Some(y),
                        percent: Some(p),
                        range: span(i, k + 1),
                        atoms: i..k + 1,
                    });
                    i = k + 1;
                    continue;
                }
            }
            // X of [the] Y [...] [(Z%)]  and  X out of Y
            let mut k = i + 1;
            if is_word(a, k, "out") && is_word(a, k + 1, "of") {
                k += 2;
            } else if is_word(a, k, "of") {
                k += 1;
            } else {
                k = usize::MAX;
            }
            if k != usize::MAX {
                if is_word(a, k, "the") {
                    k += 1;
                }
                if let Some(y) = num(a, k)
                    && y >= x
                {
                    let mut end = k + 1;
                    let mut percent = None;
                    // `(79%)` right after, or after one or two words (`cases (92.6%)`).
                    for skip in 0..3 {
                        if let Some((p, e)) = paren_pct(a, end + skip) {
                            percent = Some(p);
                            end = e;
                            break;
                        }
                        if !matches!(a.get(end + skip).map(|s| &s.atom), Some(Atom::Word(_))) {
                            break;
                        }
                    }
                    out.push(Count {
                        x: Some(x),
                        y: Some(y),
                        percent,
                        range: span(i, end),
                        atoms: i..end,
                    });
                    i = end;
                    continue;
                }
            }
            // X [up to three words] (Z%): numerator and percentage, total from context (`14
            // cases (70%)`, `18 thymic carcinomas (60%)`).
            let mut k = i + 1;
            while k < i + 4
                && matches!(a.get(k).map(|s| &s.atom), Some(Atom::Word(w)) if !matches!(w.as_str(), "of" | "and" | "or" | "to" | "versus" | "vs"))
            {
                k += 1;
            }
            if let Some((p, e)) = paren_pct(a, k) {
                out.push(Count {
                    x: Some(x),
                    y: None,
                    percent: Some(p),
                    range: span(i, e),
                    atoms: i..e,
                });
                i = e;
                continue;
            }
            // in X [cases]: a numerator alone, the total from context (`positive in 4
            // cases`, `in one tumor`, `in four and two cases, respectively`).
            if let Some(end) = bare_count(a, i, x, out.last()) {
                out.push(Count {
                    x: Some(x),
                    y: None,
                    percent: None,
                    range: span(i, end),
                    atoms: i..end,
                });
                i = end;
                continue;
            }
        }
        // Z% of ... or (Z%): percentage alone (the total comes from context).
        if let Some(p) = pct(a, i) {
            out.push(Count {
                x: None,
                y: None,
                percent: Some(p),
                range: span(i, i + 1),
                atoms: i..i + 1,
            });
        }
        i += 1;
    }
    out
}

/// The one integer numerator that reproduces `percent` (at its printed precision) of
/// `total`, if there is exactly one.
#[must_use]
pub fn numerator_from_percent(percent: (f64, u8), total: u32) -> Option<u32> {
    let (p, decimals) = percent;
    let scale = 10f64.powi(i32::from(decimals));
    let half = 0.5 / scale;
    let fits: Vec<u32> = (0..=total)
        .filter(|&x| {
            let exact = f64::from(x) * 100.0 / f64::from(total);
            (exact - p).abs() <= half + 1e-9
        })
        .collect();
    (fits.len() == 1).then(|| fits[0])
}

/// True when `x/y` agrees with the printed `percent` (within its rounding, or one unit of it:
/// abstracts truncate as often as they round).
#[must_use]
pub fn agrees(x: u32, y: u32, percent: (f64, u8)) -> bool {
    if y == 0 {
        return false;
    }
    let exact = f64::from(x) * 100.0 / f64::from(y);
    let unit = 1.0 / 10f64.powi(i32::from(percent.1));
    (exact - percent.0).abs() <= unit + 1e-9
}

/// The total that a numerator and its printed percentage imply, when exactly one integer
/// reproduces the percentage at its precision (`12 (18.2%)` → 66).
#[must_use]
pub fn total_from_percent(x: u32, percent: (f64, u8)) -> Option<u32> {
    let (p, decimals) = percent;
    if x == 0 || p <= 0.0 || p > 100.0 {
        return None;
    }
    let half = 0.5 / 10f64.powi(i32::from(decimals));
    let centre = f64::from(x) * 100.0 / p;
    let lo = (f64::from(x) * 100.0 / (p + half))
        .floor()
        .max(f64::from(x)) as u32;
    let hi = (f64::from(x) * 100.0 / (p - half).max(1e-9))
        .ceil()
        .min(centre * 2.0 + 2.0) as u32;
    let fits: Vec<u32> = (lo.max(1)..=hi)
        .filter(|&y| (f64::from(x) * 100.0 / f64::from(y) - p).abs() <= half + 1e-9)
        .take(2)
        .collect();
    (fits.len() == 1).then(|| fits[0])
}
