//! Numbers around mentions and in a document: a group size before a tumour (`73 IMTs`) or
//! after it (`urothelial carcinoma, 20`), parallel lists (`28, 30 and 29 of 30`), the study's
//! series size, a case report's patients, units after a number.

use super::atoms::{Atom, Spanned, atoms};
use super::shapes::Count;

/// The number of patients a case report presents (`we report two patients`), if it says so.
pub fn reported_patients(lower: &str) -> Option<u32> {
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    for (i, w) in words.iter().enumerate() {
        if !matches!(
            *w,
            "report" | "present" | "describe" | "reported" | "presented" | "described"
        ) || i == 0
            || !matches!(words[i - 1], "we" | "here" | "herein")
        {
            continue;
        }
        // `we described an 82-year-old female patient`: the unit may follow an age and a sex.
        let window = &words[i + 1..words.len().min(i + 8)];
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
                "case"
                    | "cases"
                    | "patient"
                    | "patients"
                    | "woman"
                    | "women"
                    | "man"
                    | "men"
                    | "boy"
                    | "girl"
                    | "female"
                    | "male"
                    | "child"
                    | "children"
                    | "infant"
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
    "cases",
    "case",
    "patients",
    "patient",
    "tumors",
    "tumours",
    "specimens",
    "samples",
    "biopsies",
    "lesions",
    "subjects",
    "women",
    "men",
    "children",
];

/// The size of the series a text reports: the first number followed (within two modifier
/// words) by a case noun (`Seven cases in total`, `4 patients with ...`, `Of 82 cases of
/// ...`), not part of a count (`4/13`) or a percentage.
#[must_use]
pub fn series_size(text: &str) -> Option<u32> {
    let a = atoms(text);
    for (i, s) in a.iter().enumerate() {
        let Atom::Number(n) = s.atom else { continue };
        if !(2..=100_000).contains(&n) {
            continue;
        }
        let glued = |k: usize| {
            matches!(
                a.get(k).map(|s| &s.atom),
                Some(Atom::Punct('/' | '%' | '.'))
            )
        };
        if glued(i + 1) || (i > 0 && glued(i - 1)) {
            continue;
        }
        for next in a.iter().take(i + 4).skip(i + 1) {
            match &next.atom {
                Atom::Word(w) if CASE_NOUNS.contains(&w.as_str()) => return Some(n),
                Atom::Word(w) if !matches!(w.as_str(), "of" | "and" | "or" | "with" | "in") => {}
                _ => break,
            }
        }
    }
    None
}
