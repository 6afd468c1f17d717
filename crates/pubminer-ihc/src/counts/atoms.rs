//! Atoms: a sentence cut into numbers (digits and written-out words), percentages, decimals,
//! words and punctuation, each with its byte range.

use std::ops::Range;

/// One atom of a sentence.
#[derive(Clone, Debug, PartialEq)]
pub enum Atom {
    /// An integer (digits or words: `12`, `twelve`, `Thirty-one`, `One hundred sixty-three`).
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
