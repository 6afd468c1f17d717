//! Count expressions in sentences: `27 of 35 (77.1%)`, `77.1% (27/35)`, `24/27 (89%)`,
//! `69 (93%) of 74`, `Forty-five of 48`, `in 10 cases (10%)`, `86.5% of BLM`.
//!
//! The scanner cuts a sentence into atoms (numbers, written-out numbers, percentages, words,
//! punctuation) with byte offsets, then matches a small set of shapes. It never decides what
//! a count is *of*; [`crate::extract`] does that.

use std::ops::Range;

/// One atom of a sentence.
#[derive(Clone, Debug, PartialEq)]
pub enum Atom {
    /// An integer (digits or words: `12`, `twelve`, `Forty-five`, `One hundred ninety-four`).
    Number(u32),
    /// A percentage with its number of decimals (`77.1%` → 77.1, 1).
    Percent(f64, u8),
    /// A decimal number without `%` (`0.77`, `2.5`).
    Decimal(f64),
    /// A word, lower-cased.
    Word(String),
    /// One punctuation character.
    Punct(char),
}

/// An atom with its byte range in the sentence.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned {
    /// The atom.
    pub atom: Atom,
    /// Byte range in the scanned text.
    pub range: Range<usize>,
}

const UNITS: [(&str, u32); 20] = [
    ("zero", 0),
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
];
const TENS: [(&str, u32); 8] = [
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
];

fn small_number(word: &str) -> Option<u32> {
    let w = word.to_ascii_lowercase();
    if let Some((_, v)) = UNITS.iter().find(|(n, _)| *n == w) {
        return Some(*v);
    }
    if let Some((_, v)) = TENS.iter().find(|(n, _)| *n == w) {
        return Some(*v);
    }
    // forty-five
    let (a, b) = w.split_once('-')?;
    let tens = TENS.iter().find(|(n, _)| *n == a)?.1;
    let unit = UNITS[1..10].iter().find(|(n, _)| *n == b)?.1;
    Some(tens + unit)
}

/// Cuts `text` into atoms.
#[must_use]
pub fn atoms(text: &str) -> Vec<Spanned> {
    let bytes = text.as_bytes();
    let mut raw: Vec<Spanned> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_digit() {
            let start = i;
            // Digits, and thousands separators (`1,234`) but not lists (`12,34`).
            let thousands = |i: usize| {
                bytes[i] == b','
                    && bytes
                        .get(i + 1..i + 4)
                        .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
                    && bytes.get(i + 4).is_none_or(|c| !c.is_ascii_digit())
            };
            while i < bytes.len() && (bytes[i].is_ascii_digit() || thousands(i)) {
                i += 1;
            }
            let mut decimals = 0u8;
            let mut is_decimal = false;
            if i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit() {
                is_decimal = true;
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                    decimals = decimals.saturating_add(1);
                }
            }
            let digits: String = text[start..i].chars().filter(|c| *c != ',').collect();
            // `%` directly or after a space.
            let mut j = i;
            while j < bytes.len() && bytes[j] == b' ' {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b'%' {
                if let Ok(v) = digits.parse::<f64>() {
                    raw.push(Spanned {
                        atom: Atom::Percent(v, decimals),
                        range: start..j + 1,
                    });
                }
                i = j + 1;
                continue;
            }
            let atom = if is_decimal {
                digits.parse::<f64>().ok().map(Atom::Decimal)
            } else {
                digits.parse::<u32>().ok().map(Atom::Number)
            };
            if let Some(atom) = atom {
                raw.push(Spanned {
                    atom,
                    range: start..i,
                });
            }
            continue;
        }
        if b.is_ascii_alphabetic() {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric()
                    || (bytes[i] == b'-' && bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic)))
            {
                i += 1;
            }
            raw.push(Spanned {
                atom: Atom::Word(text[start..i].to_ascii_lowercase()),
                range: start..i,
            });
            continue;
        }
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        raw.push(Spanned {
            atom: Atom::Punct(c),
            range: i..i + c.len_utf8(),
        });
        i += c.len_utf8();
    }
    merge_number_words(raw)
}

/// Joins written-out numbers: `one hundred ninety-four` → 194, `a single` → 1.
fn merge_number_words(raw: Vec<Spanned>) -> Vec<Spanned> {
    let mut out: Vec<Spanned> = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if let Atom::Word(w) = &raw[i].atom {
            if w == "single"
                && matches!(out.last().map(|s| &s.atom), Some(Atom::Word(a)) if a == "a")
            {
                let start = out.pop().map_or(raw[i].range.start, |s| s.range.start);
                out.push(Spanned {
                    atom: Atom::Number(1),
                    range: start..raw[i].range.end,
                });
                i += 1;
                continue;
            }
            if let Some(mut value) = small_number(w) {
                let start = raw[i].range.start;
                let mut end = raw[i].range.end;
                let mut j = i + 1;
                if let Some(Spanned {
                    atom: Atom::Word(h),
                    range,
                }) = raw.get(j)
                    && h == "hundred"
                {
                    value *= 100;
                    end = range.end;
                    j += 1;
                    if let Some(Spanned {
                        atom: Atom::Word(and),
                        ..
                    }) = raw.get(j)
                        && and == "and"
                        && raw.get(j + 1).is_some_and(
                            |s| matches!(&s.atom, Atom::Word(x) if small_number(x).is_some()),
                        )
                    {
                        j += 1;
                    }
                    if let Some(Spanned {
                        atom: Atom::Word(rest),
                        range,
                    }) = raw.get(j)
                        && let Some(v) = small_number(rest)
                    {
                        value += v;
                        end = range.end;
                        j += 1;
                    }
                }
                out.push(Spanned {
                    atom: Atom::Number(value),
                    range: start..end,
                });
                i = j;
                continue;
            }
        }
        out.push(raw[i].clone());
        i += 1;
    }
    out
}

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
        }
        // Z% of ... : percentage alone (the total comes from context).
        if let Some(p) = pct(a, i)
            && !is_punct(a, i.wrapping_sub(1), '(')
        {
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

/// The number of patients a case report presents (`we report two patients`), if it says so.
pub fn reported_patients(lower: &str) -> Option<u32> {
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    for (i, w) in words.iter().enumerate() {
        if !matches!(*w, "report" | "present" | "describe")
            || i == 0
            || !matches!(words[i - 1], "we" | "here" | "herein")
        {
            continue;
        }
        let window = &words[i + 1..words.len().min(i + 5)];
        let n = window.iter().find_map(|w| match *w {
            "a" | "an" | "one" | "1" => Some(1),
            "two" | "2" => Some(2),
            "three" | "3" => Some(3),
            "four" | "4" => Some(4),
            _ => None,
        });
        let unit = window.iter().any(|w| {
            matches!(
                *w,
                "case" | "cases" | "patient" | "patients" | "woman" | "man" | "boy" | "girl"
            )
        });
        if let (Some(n), true) = (n, unit) {
            return Some(n);
        }
    }
    None
}


/// True when one of `words` follows the count directly (`56 years`, `14 cases [78%]` are not
/// what this checks; ages and sizes are).
pub fn after_words(a: &[Spanned], c: &Count, words: &[&str]) -> bool {
    matches!(a.get(c.atoms.end).map(|s| &s.atom), Some(Atom::Word(w)) if words.contains(&w.as_str()))
        && c.y.is_none()
}

/// `17, 30, 14, and two of the MFHs` / `28, 30, 29, and 29 of 30 leiomyosarcomas`: the
/// numbers, a shared total when given, and the atom index after the list.
pub fn number_list(a: &[Spanned]) -> Option<(Vec<u32>, Option<u32>, usize)> {
    let mut i = 0;
    while i < a.len() {
        let mut values = Vec::new();
        let mut j = i;
        while let Some(Atom::Number(n)) = a.get(j).map(|s| &s.atom) {
            values.push(*n);
            j += 1;
            match a.get(j).map(|s| &s.atom) {
                Some(Atom::Punct(',')) => {
                    j += 1;
                    if matches!(a.get(j).map(|s| &s.atom), Some(Atom::Word(w)) if w == "and") {
                        j += 1;
                    }
                }
                Some(Atom::Word(w)) if w == "and" => j += 1,
                _ => break,
            }
        }
        if values.len() >= 2 {
            // `of 30` or `of the MFHs`.
            if matches!(a.get(j).map(|s| &s.atom), Some(Atom::Word(w)) if w == "of") {
                if let Some(Atom::Number(total)) = a.get(j + 1).map(|s| &s.atom) {
                    return Some((values, Some(*total), j + 2));
                }
                return Some((values, None, j + 1));
            }
            if matches!(a.get(j).map(|s| &s.atom), Some(Atom::Word(w)) if w == "cases") {
                return Some((values, None, j + 1));
            }
        }
        i = j.max(i + 1);
    }
    None
}


/// A number right before byte `start` (`73 IMTs`, `20 cases of nodular fasciitis`, `the one
/// leiomyosarcoma`), skipping `cases of` / `patients with`.
pub fn number_before(text: &str, start: usize) -> Option<u32> {
    let before = text.get(..start)?;
    // Room for `one hundred ninety-four patients with curatively resected`.
    let a = atoms(&before[before.floor_char_boundary(before.len().saturating_sub(80))..]);
    let mut i = a.len();
    // Skip up to three modifiers before a `patients with` (`patients with curatively resected
    // intrahepatic cholangiocarcinoma`).
    // `cases of`, `patients with`, `samples of`, and any other one-word unit between a
    // number and `of` (`24 CB of lung SQCC`, `30 biopsies of`).
    let is_of_with = |k: usize| {
        k >= 2
            && matches!(&a[k - 1].atom, Atom::Word(w) if w == "of" || w == "with")
            && matches!(&a[k - 2].atom, Atom::Word(w) if matches!(w.as_str(), "cases" | "patients" | "samples" | "specimens"))
            || k >= 3
                && matches!(&a[k - 1].atom, Atom::Word(w) if w == "of")
                && matches!(&a[k - 2].atom, Atom::Word(w) if w != "of" && w != "the")
                && matches!(&a[k - 3].atom, Atom::Number(_))
    };
    if !is_of_with(i) {
        for skip in 1..=3 {
            let Some(k) = i.checked_sub(skip) else { break };
            if !matches!(&a[k].atom, Atom::Word(w) if w.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
            {
                break;
            }
            if is_of_with(k) {
                i = k;
                break;
            }
        }
    }
    if is_of_with(i) {
        i -= 2;
    }
    // Up to two modifiers between the number and the tumour (`63 mucinous colorectal
    // carcinoma` where the vocabulary names `colorectal carcinoma`).
    const NOT_MODIFIERS: [&str; 14] = [
        "of", "the", "and", "or", "in", "with", "were", "was", "all", "positive", "negative",
        "for", "to", "than",
    ];
    let number_at = |k: usize| matches!(a.get(k).map(|s| &s.atom), Some(Atom::Number(_)));
    if i > 0 && !number_at(i - 1) {
        for skip in 1..=2 {
            let Some(k) = i.checked_sub(skip) else { break };
            let modifier = matches!(&a[k].atom, Atom::Word(w) if w.len() > 2
                && w.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                && !NOT_MODIFIERS.contains(&w.as_str()));
            if !modifier {
                break;
            }
            if k > 0 && number_at(k - 1) {
                i = k;
                break;
            }
        }
    }
    match a.get(i.checked_sub(1)?).map(|s| &s.atom) {
        Some(Atom::Number(n)) if *n > 0 && *n < 100_000 => {
            // Not `(n = 12)` of another group, not a year or a percentage base.
            if i >= 2 && matches!(&a[i - 2].atom, Atom::Punct('/')) {
                return None;
            }
            Some(*n)
        }
        _ => None,
    }
}

/// `urothelial carcinoma, 20;` / `(n = 20)` right after the tumour.
pub fn number_after_comma(text: &str, end: usize) -> Option<u32> {
    let after = text.get(end..)?;
    let a = atoms(&after[..after.floor_char_boundary(after.len().min(24))]);
    match (
        a.first().map(|s| &s.atom),
        a.get(1).map(|s| &s.atom),
        a.get(2).map(|s| &s.atom),
    ) {
        (Some(Atom::Punct(',')), Some(Atom::Number(n)), next)
            if !matches!(next, Some(Atom::Punct('(')) | Some(Atom::Percent(..))) =>
        {
            Some(*n)
        }
        (Some(Atom::Punct('(')), Some(Atom::Word(w)), _) if w == "n" => {
            match a.get(3).map(|s| &s.atom) {
                Some(Atom::Number(n)) => Some(*n),
                _ => None,
            }
        }
        _ => None,
    }
}


/// Words that name what a series counts (`12 cases`, `ten patients`).
pub const CASE_NOUNS: [&str; 14] = [
    "cases", "case", "patients", "patient", "tumors", "tumours", "specimens", "samples",
    "biopsies", "lesions", "subjects", "women", "men", "children",
];

/// The size of the series a text reports: the first number followed (within two modifier
/// words) by a case noun (`Seven cases in total`, `4 patients with ...`, `Of 82 cases of
/// ...`), not part of a count (`4/13`) or a percentage.
#[must_use]
pub fn series_size(text: &str) -> Option<u32> {
    let a = atoms(text);
    for (i, s) in a.iter().enumerate() {
        let Atom::Number(n) = s.atom else { continue };
        if n < 2 || n > 100_000 {
            continue;
        }
        let glued = |k: usize| matches!(a.get(k).map(|s| &s.atom), Some(Atom::Punct('/' | '%' | '.')));
        if glued(i + 1) || (i > 0 && glued(i - 1)) {
            continue;
        }
        for k in i + 1..(i + 4).min(a.len()) {
            match &a[k].atom {
                Atom::Word(w) if CASE_NOUNS.contains(&w.as_str()) => return Some(n),
                Atom::Word(w) if !matches!(w.as_str(), "of" | "and" | "or" | "with" | "in") => {}
                _ => break,
            }
        }
    }
    None
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
    let lo = (f64::from(x) * 100.0 / (p + half)).floor().max(f64::from(x)) as u32;
    let hi = (f64::from(x) * 100.0 / (p - half).max(1e-9)).ceil().min(centre * 2.0 + 2.0) as u32;
    let fits: Vec<u32> = (lo.max(1)..=hi)
        .filter(|&y| (f64::from(x) * 100.0 / f64::from(y) - p).abs() <= half + 1e-9)
        .take(2)
        .collect();
    (fits.len() == 1).then(|| fits[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(s: &str) -> Vec<(Option<u32>, Option<u32>, Option<f64>)> {
        find_counts(&atoms(s))
            .into_iter()
            .map(|c| (c.x, c.y, c.percent.map(|p| p.0)))
            .collect()
    }

    #[test]
    fn the_shapes_abstracts_use() {
        assert_eq!(
            counts("positive in 88 out of 95 cases (92.6%) of OSA"),
            [(Some(88), Some(95), Some(92.6))]
        );
        assert_eq!(
            counts("Forty-five of 48 (94%) osteosarcomas"),
            [(Some(45), Some(48), Some(94.0))]
        );
        assert_eq!(
            counts("in 24/27 (89%) Merkel cell carcinomas"),
            [(Some(24), Some(27), Some(89.0))]
        );
        assert_eq!(
            counts("immunoreactive in 89.3% (67/75) ALMs"),
            [(Some(67), Some(75), Some(89.3))]
        );
        assert_eq!(
            counts("CD2 was positive in 69 (93%) of 74 cases"),
            [(Some(69), Some(74), Some(93.0))]
        );
        assert_eq!(
            counts("Twenty-two (88%) of 25 SCCs"),
            [(Some(22), Some(25), Some(88.0))]
        );
        assert_eq!(
            counts("Nearly all LCH cases (26/27; 96%) showed"),
            [(Some(26), Some(27), Some(96.0))]
        );
        assert_eq!(
            counts("a total 19 of 24(79%) SQCC"),
            [(Some(19), Some(24), Some(79.0))]
        );
        assert_eq!(
            counts("was found in 10 cases (10%)"),
            [(Some(10), None, Some(10.0))]
        );
        assert_eq!(counts("86.5% of BLM showed"), [(None, None, Some(86.5))]);
        assert_eq!(counts("One hundred ninety-four patients"), []);
        assert_eq!(atoms("One hundred ninety-four")[0].atom, Atom::Number(194));
        assert_eq!(atoms("a single ovarian")[0].atom, Atom::Number(1));
        assert_eq!(counts("in 0 (0%) of 82"), [(Some(0), Some(82), Some(0.0))]);
        assert_eq!(counts("p < 0.05"), []);
    }

    #[test]
    fn series_and_totals_from_percentages() {
        assert_eq!(series_size("Seven cases in total were found."), Some(7));
        assert_eq!(series_size("We studied 4 patients with sinonasal carcinoma"), Some(4));
        assert_eq!(series_size("MS occurred in 4/13 (31%) of cases; 20 tumours"), Some(20));
        assert_eq!(series_size("in 2019, the cohort"), None);
        assert_eq!(total_from_percent(12, (18.2, 1)), Some(66));
        assert_eq!(total_from_percent(1, (50.0, 0)), Some(2));
        assert_eq!(total_from_percent(3, (30.0, 0)), Some(10));
        assert_eq!(total_from_percent(1, (3.0, 0)), None, "1/32, 1/33 and 1/34 all print 3%");
    }

    #[test]
    fn numerators_from_percentages() {
        assert_eq!(numerator_from_percent((38.5, 1), 13), Some(5));
        assert_eq!(numerator_from_percent((14.0, 0), 35), Some(5));
        assert_eq!(
            numerator_from_percent((86.5, 1), 15),
            None,
            "no integer fits"
        );
        assert_eq!(numerator_from_percent((91.0, 0), 35), Some(32));
        assert!(agrees(3, 34, (8.0, 0)), "8.8% printed as a truncated 8%");
        assert!(!agrees(3, 34, (10.0, 0)));
        assert!(agrees(28, 200, (14.0, 0)));
        assert!(!agrees(28, 200, (41.0, 0)));
    }
}
