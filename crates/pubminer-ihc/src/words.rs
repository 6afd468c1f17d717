//! Word lists and word tests shared by the phases: tumour head words, assays that are not
//! immunohistochemistry, figures that are not positivity, list joiners. Numbers are not here:
//! they live in [`crate::counts`].

/// Words that head a tumour type's name (`carcinoma`, `tumour`, `-oma`).
pub const TUMOUR_HEADS: [&str; 22] = [
    "tumor",
    "tumour",
    "carcinoma",
    "sarcoma",
    "lymphoma",
    "melanoma",
    "neoplasm",
    "adenoma",
    "mesothelioma",
    "leiomyoma",
    "blastoma",
    "nevus",
    "nevi",
    "naevus",
    "naevi",
    "cancer",
    "leukemia",
    "leukaemia",
    "histiocytosis",
    "fibromatosis",
    "fasciitis",
    "thymoma",
];

/// Assays that are not immunohistochemistry.
pub const NON_IHC: [&str; 14] = [
    "fish",
    "in situ hybridization",
    "in situ hybridisation",
    "amplification",
    "pcr",
    "sequencing",
    "flow cytometry",
    "mrna",
    "rearrangement",
    "copy number",
    "eber",
    "western blot",
    "microarray analysis",
    "methylation",
];

/// Words near a figure that make it something other than a positivity count.
pub const NOT_POSITIVITY: [&str; 26] = [
    "sensitivity",
    "specificity",
    "predictive value",
    "ppv",
    "npv",
    "accuracy",
    "kappa",
    "survival",
    "years",
    "year",
    "months",
    "age",
    "median",
    "mean",
    "hazard",
    "odds",
    "ratio",
    "ci",
    "men",
    "women",
    "male",
    "female",
    "died",
    "follow-up",
    "involvement",
    "recurrence",
];

/// Words that say a text reports immunohistochemistry.
pub const IHC_CUES: [&str; 6] = [
    "immunohisto",
    "immunostain",
    "immunoreactiv",
    "ihc",
    "immunoexpression",
    "immunolabel",
];

/// Words without which a document is not read at all (most of PubMed never names any):
/// the IHC method words, staining, antibodies and reactivity, and positivity or negativity
/// (abstracts that report a panel's results without naming the method). `express` is left
/// out: with it 52% of a PubMed mix is tagged (`gene expression`) against 30% without, for
/// one included abstract of train + dev (1 gold profile) that none of the words below finds
/// (counted 2026-12-07).
pub const READ_CUES: [&str; 7] = [
    "immuno", "ihc", "stain", "antibod", "reactiv", "positiv", "negativ",
];

/// Words that say a sentence is about staining (a superset of [`IHC_CUES`]).
pub const STAINING_CUES: [&str; 8] = [
    "immunohisto",
    "immunostain",
    "immunoreactiv",
    "ihc",
    "stain",
    "express",
    "positiv",
    "negativ",
];

/// True when `word` is a tumour head word (`carcinomas`, `tumour`, `fibroma`).
#[must_use]
pub fn is_tumour_head(word: &str) -> bool {
    let w = word.to_lowercase();
    TUMOUR_HEADS.iter().any(|h| w.starts_with(h))
        || (w.len() > 5 && (w.ends_with("oma") || w.ends_with("omas")))
}

/// A tumour word that names no type: `tumors`, `these neoplasms`, `cancer`, `most tumors`,
/// `positive tumours`.
#[must_use]
pub fn is_generic(text: &str) -> bool {
    const GENERIC: [&str; 16] = [
        "tumor",
        "tumors",
        "tumour",
        "tumours",
        "neoplasm",
        "neoplasms",
        "lesion",
        "lesions",
        "cancer",
        "cancers",
        "carcinoma",
        "carcinomas",
        "malignancy",
        "malignancies",
        "case",
        "cases",
    ];
    // Determiners, quantifiers and result words say which tumours, not what type.
    const NOT_A_TYPE: [&str; 48] = [
        "the",
        "these",
        "those",
        "this",
        "all",
        "most",
        "many",
        "some",
        "other",
        "remaining",
        "positive",
        "negative",
        "primary",
        "such",
        "both",
        "each",
        "several",
        "few",
        "their",
        "our",
        "its",
        "human",
        "studied",
        "examined",
        "resected",
        "individual",
        "original",
        "corresponding",
        "respective",
        "residual",
        "same",
        "index",
        "biopsied",
        "tested",
        "evaluated",
        "stained",
        "available",
        "whole",
        "entire",
        "single",
        "two",
        "three",
        "four",
        "five",
        "per",
        "any",
        "various",
        "different",
    ];
    let t = text.trim().to_ascii_lowercase();
    let words: Vec<&str> = t.split_whitespace().collect();
    let Some((head, modifiers)) = words.split_last() else {
        return true;
    };
    GENERIC.contains(head) && modifiers.iter().all(|w| NOT_A_TYPE.contains(w))
}

/// True when `word` occurs in `text` as a whole word (or phrase).
#[must_use]
pub fn contains_word(text: &str, word: &str) -> bool {
    find_word(text, word).is_some()
}

/// Where `word` first occurs in `text` as a whole word (or phrase).
#[must_use]
pub fn find_word(text: &str, word: &str) -> Option<usize> {
    text.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
    })
}

/// True when the text between two list items joins them: `, `, ` and `, `, and `, ` or `
/// (spaces as they come, ` , ` in tokenised text).
#[must_use]
pub fn is_list_gap(gap: &str) -> bool {
    let mut words = gap.split_whitespace();
    matches!(
        (words.next(), words.next(), words.next()),
        (Some("," | "and" | "or"), None, None) | (Some(","), Some("and" | "or"), None)
    )
}

/// True when a phrase is a tumour's name by its head: its last word is a tumour word, or a
/// tumour word is followed by `of` (`smooth muscle tumor of uncertain malignant
/// potential`), but not `tumor necrosis factor`.
#[must_use]
pub fn names_a_tumour(phrase: &str) -> bool {
    let words: Vec<&str> = phrase
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .collect();
    words.last().is_some_and(|w| is_tumour_head(w))
        || words
            .windows(2)
            .any(|w| is_tumour_head(w[0]) && w[1].eq_ignore_ascii_case("of"))
}

/// Where `word` occurs in `text` as a whole word, also with a plural `s` (`STUMPs`).
#[must_use]
pub fn word_occurrences(text: &str, word: &str) -> Vec<(usize, usize)> {
    word_occurrences_with(text, word, text.match_indices(word).map(|(i, _)| i))
}

/// [`word_occurrences`] of every word at once, in one pass over `text` (Aho-Corasick): the
/// `i`-th list holds the uses of `words[i]`. Linear in the text, where a pass per word made a
/// long text with many abbreviations quadratic.
#[must_use]
pub fn word_occurrences_of_all(text: &str, words: &[&str]) -> Vec<Vec<(usize, usize)>> {
    let mut starts: Vec<Vec<usize>> = vec![Vec::new(); words.len()];
    let patterns: Vec<(usize, &str)> = words
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, w)| !w.is_empty())
        .collect();
    // Built once per document: a contiguous NFA builds several times faster than a DFA and
    // one pass over an abstract does not repay one.
    match aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
        .build(patterns.iter().map(|(_, w)| w))
    {
        Ok(automaton) => {
            for m in automaton.find_overlapping_iter(text) {
                starts[patterns[m.pattern().as_usize()].0].push(m.start());
            }
        }
        Err(_) => {
            for &(i, w) in &patterns {
                starts[i] = text.match_indices(w).map(|(at, _)| at).collect();
            }
        }
    }
    words
        .iter()
        .zip(starts)
        .map(|(w, s)| word_occurrences_with(text, w, s.into_iter()))
        .collect()
}

/// The whole-word uses (a plural `s` allowed) of `word` among its matches at `starts`.
fn word_occurrences_with(
    text: &str,
    word: &str,
    starts: impl Iterator<Item = usize>,
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if word.is_empty() {
        return out;
    }
    for i in starts {
        let mut end = i + word.len();
        if text[end..].starts_with('s') {
            end += 1;
        }
        let before = text[..i].chars().next_back();
        let after = text[end..].chars().next();
        if before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
        {
            out.push((i, end));
        }
    }
    out
}

/// Verbs of a methods sentence (`were stained for`, `was performed on`): what was done, not
/// what was found.
pub const METHODS_CUES: [&str; 12] = [
    "performed",
    "investigated",
    "examined",
    "studied",
    "evaluated",
    "designed",
    "analyzed",
    "analysed",
    "assessed",
    "were tested",
    "were reviewed",
    "were collected",
];

/// Words of a results sentence: states and findings.
pub const RESULT_CUES: [&str; 14] = [
    "positiv",
    "negativ",
    "expressed in",
    "expression was",
    "was found",
    "were found",
    "detected in",
    "observed in",
    "showed",
    "revealed",
    "lacked",
    "absent",
    "retained",
    "loss",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_tumour_words_name_no_type() {
        for generic in [
            "tumors",
            "these neoplasms",
            "Most tumors",
            "positive tumours",
            "primary tumors",
            "all cases",
        ] {
            assert!(is_generic(generic), "{generic}");
        }
        for named in ["lung carcinomas", "osteosarcoma", "primary lung tumours"] {
            assert!(!is_generic(named), "{named}");
        }
    }

    #[test]
    fn list_gaps_and_heads() {
        assert!(is_list_gap(", "));
        assert!(is_list_gap(" , and "));
        assert!(!is_list_gap(" with "));
        assert!(names_a_tumour(
            "spindle cell tumor of uncertain malignant potential"
        ));
        assert!(!names_a_tumour("tumor necrosis factor"));
        assert_eq!(word_occurrences("MFHs and MFH", "MFH"), [(0, 4), (9, 12)]);
        let text = "MFHs and MFH, not LMS; LM and LMs";
        let words = ["MFH", "LM", "", "LMS"];
        let all = word_occurrences_of_all(text, &words);
        assert_eq!(all[1], [(23, 25), (30, 33)]);
        for (w, found) in words.iter().zip(&all) {
            assert_eq!(found, &word_occurrences(text, w), "{w}");
        }
        assert!(contains_word("all of them", "all"));
        assert!(!contains_word("overall", "all"));
    }
}
