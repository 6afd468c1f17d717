//! Hand-written cases for Schwartz–Hearst abbreviation detection.

use pubminer_core::TextRange;
use pubminer_text::abbreviation::{AbbreviationPair, find_abbreviations, occurrences};
use pubminer_text::sentence::split_sentences;

/// `(short, long, score)` for every definition found in `text`.
fn found(text: &str) -> Vec<(&str, &str, f32)> {
    find_abbreviations(text, &split_sentences(text))
        .into_iter()
        .map(|AbbreviationPair { short, long, score }| {
            (&text[short.to_range()], &text[long.to_range()], score)
        })
        .collect()
}

#[track_caller]
fn expect_one(text: &str, short: &str, long: &str, score: f32) {
    assert_eq!(found(text), vec![(short, long, score)], "in {text:?}");
}

#[test]
fn classic_forward_definitions() {
    expect_one(
        "Tumours were positive for thyroid transcription factor-1 (TTF-1).",
        "TTF-1",
        "thyroid transcription factor-1",
        1.0,
    );
    expect_one(
        "All cases expressed cytokeratin 7 (CK7) but not CK20.",
        "CK7",
        "cytokeratin 7",
        1.0,
    );
    expect_one(
        "We reviewed 40 gastrointestinal stromal tumours (GISTs) from our files.",
        "GISTs",
        "gastrointestinal stromal tumours",
        1.0,
    );
    expect_one(
        "Sections were studied by immunohistochemistry (IHC) and FISH.",
        "IHC",
        "immunohistochemistry",
        1.0,
    );
    expect_one(
        "Patients with advanced non-small cell lung cancer (NSCLC) were enrolled.",
        "NSCLC",
        "non-small cell lung cancer",
        1.0,
    );
    expect_one(
        "They received 5-fluorouracil (5-FU) weekly.",
        "5-FU",
        "5-fluorouracil",
        1.0,
    );
    expect_one(
        "Nuclear staining for estrogen receptor (ER) was seen in 80%.",
        "ER",
        "estrogen receptor",
        1.0,
    );
    // A dose after a colon, as BC5CDR writes it.
    expect_one(
        "It is administered with diethylnitrosamine (DEN: 10 mg/kg/day) to rats.",
        "DEN",
        "diethylnitrosamine",
        1.0,
    );
}

#[test]
fn greek_letters_match_their_names() {
    let text = "Stromal cells expressed alpha-smooth muscle actin (α-SMA) diffusely.";
    expect_one(text, "α-SMA", "alpha-smooth muscle actin", 0.9);
    let pair = &find_abbreviations(text, &split_sentences(text))[0];
    assert!(text.is_char_boundary(pair.short.start() as usize));
    assert_eq!(&text[pair.short.to_range()], "α-SMA");
    expect_one(
        "Levels of interleukin-1 beta (IL-1β) rose.",
        "IL-1β",
        "interleukin-1 beta",
        0.9,
    );
    expect_one(
        "Levels of tumour necrosis factor-α (TNF-α) rose.",
        "TNF-α",
        "tumour necrosis factor-α",
        1.0,
    );
}

#[test]
fn plural_retry() {
    expect_one(
        "Counts of circulating tumor cell (CTCs) were reported.",
        "CTCs",
        "circulating tumor cell",
        0.9,
    );
}

#[test]
fn reverse_pattern() {
    expect_one(
        "Serum TNF (tumour necrosis factor) was measured.",
        "TNF",
        "tumour necrosis factor",
        0.7,
    );
    expect_one(
        "Staining for ER (estrogen receptor) was strong.",
        "ER",
        "estrogen receptor",
        0.7,
    );
    expect_one(
        "Sections were analysed by IHC (immunohistochemistry) and FISH.",
        "IHC",
        "immunohistochemistry",
        0.7,
    );
}

#[test]
fn rejected_parentheses() {
    for text in [
        "The difference was significant (p < 0.05) in all groups.",
        "Twelve patients were treated (n = 12) with imatinib.",
        "Tumour cells were positive for vimentin (Fig. 1) and desmin.",
        "The odds of relapse were higher (95% CI 1.2–3.4) in men.",
        "As described by the consensus group (2019) for sarcomas.",
        "Other markers were negative (see below) in all cases.",
        "Most tumours were positive for CD117 (12/15, 80%) and DOG1.",
        "CD117 (c-kit) was positive in 12 of 15 cases (80.0%).",
        "The patients were studied in vivo (ii) and in vitro.",
        "Results were similar (Smith et al., 2005) in both arms.",
        "Lesions were positive (Table 2) for S100.",
        "()(( )) ( ) (a) (A) (1)",
    ] {
        assert_eq!(found(text), vec![], "in {text:?}");
    }
}

#[test]
fn several_definitions_and_sentence_limits() {
    let text = "Tumour necrosis factor alpha (TNF-alpha) and interleukin 6 (IL-6) were measured. \
                Protein kinase. C (PKC) was not.";
    assert_eq!(
        found(text),
        vec![
            ("TNF-alpha", "Tumour necrosis factor alpha", 1.0),
            ("IL-6", "interleukin 6", 1.0),
        ]
    );
    // The long form never reaches back before the previous parenthesis.
    assert_eq!(
        found("Expression of ER (in 80%) receptor (ER) was common."),
        vec![]
    );
}

#[test]
fn sentence_ranges_limit_candidates() {
    let text = "cytokeratin 7 (CK7) was positive.";
    // With the whole text as one sentence the definition is found.
    let whole = [TextRange::new(0, text.len() as u32)];
    assert_eq!(find_abbreviations(text, &whole).len(), 1);
    // A sentence that cuts the long form off keeps it from being found.
    let cut = [TextRange::new(0, 12), TextRange::new(12, text.len() as u32)];
    assert_eq!(find_abbreviations(text, &cut), vec![]);
    // Invalid sentence ranges are skipped, not a panic.
    let bad = [TextRange::new(0, 10_000), TextRange::new(14, 15)];
    assert_eq!(find_abbreviations(text, &bad), vec![]);
    assert_eq!(find_abbreviations(text, &[]), vec![]);
    assert_eq!(find_abbreviations("", &[]), vec![]);
}

#[test]
fn lowercase_short_forms_must_be_acronyms() {
    expect_one(
        "A deletion of 28 base pairs (bp) was found.",
        "bp",
        "base pairs",
        1.0,
    );
    assert_eq!(found("Cells were examined in vitro (vit) as well."), vec![]);
}

#[test]
fn occurrences_are_whole_words() {
    // IHC writes `TTF-1-positive`, `ER-negative`: the marker occurs there too.
    let text =
        "TTF-1 was positive; TTF-1-positive cells, TTF-10 and xTTF-1 were not, but (TTF-1) was.";
    let found: Vec<_> = occurrences(text, "TTF-1")
        .into_iter()
        .map(|r| r.start())
        .collect();
    let second = text.find("TTF-1-positive").unwrap() as u32;
    let last = text.rfind("(TTF-1)").unwrap() as u32 + 1;
    assert_eq!(found, vec![0, second, last]);

    let text = "ER- and PR-positive; ER-positive; ER, FER, ERs and ER.";
    let starts: Vec<_> = occurrences(text, "ER").iter().map(|r| r.start()).collect();
    assert_eq!(starts, vec![0, 21, 34, 51]);
    // A hyphen and a digit make another name: `IL` is not in `IL-6`.
    assert!(occurrences("IL-6 and IL-10", "IL").is_empty());

    assert!(occurrences(text, "").is_empty());
    assert!(occurrences("", "ER").is_empty());
    let greek = "α-SMA and α-SMA+ cells";
    assert_eq!(occurrences(greek, "α-SMA").len(), 2);
    assert_eq!(occurrences("er ER Er", "ER").len(), 1, "case-sensitive");
}
