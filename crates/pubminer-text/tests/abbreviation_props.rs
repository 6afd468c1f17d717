//! Property tests for abbreviation detection: never panics; every range lies on character
//! boundaries within the text; the short form lies in a sentence and the long form in the
//! same sentence without overlapping it.

use proptest::prelude::*;
use pubminer_core::TextRange;
use pubminer_text::abbreviation::{find_abbreviations, occurrences, occurrences_of_all};
use pubminer_text::sentence::split_sentences;

/// Checks the invariants of `find_abbreviations` on `text` with `sentences`.
fn check_invariants(text: &str, sentences: &[TextRange]) {
    for pair in find_abbreviations(text, sentences) {
        let short = pair
            .short
            .slice(text)
            .unwrap_or_else(|| panic!("short {:?} off bounds in {text:?}", pair.short));
        let long = pair
            .long
            .slice(text)
            .unwrap_or_else(|| panic!("long {:?} off bounds in {text:?}", pair.long));
        assert!(!short.is_empty() && !long.is_empty());
        assert!(!pair.short.overlaps(pair.long), "{pair:?} in {text:?}");
        assert!(
            sentences
                .iter()
                .any(|s| s.contains_range(pair.short) && s.contains_range(pair.long)),
            "{pair:?} not inside one sentence in {text:?}"
        );
        assert!((0.0..=1.0).contains(&pair.score));
    }
}

/// Text built from fragments that look like definitions, plus noise.
fn definition_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("(".to_owned()),
        Just(")".to_owned()),
        Just(", ".to_owned()),
        Just("; ".to_owned()),
        Just(". ".to_owned()),
        Just("alpha-smooth muscle actin (α-SMA)".to_owned()),
        Just("thyroid transcription factor-1 (TTF-1)".to_owned()),
        Just("TNF (tumour necrosis factor)".to_owned()),
        Just("β".to_owned()),
        Just("Ωμ".to_owned()),
        "[A-Za-z]{1,12}",
        "[A-Z0-9-]{1,6}",
        "\\PC{0,3}",
        " ",
    ];
    prop::collection::vec(piece, 0..30).prop_map(|parts| parts.join(" "))
}

/// Arbitrary (often invalid) sentence ranges.
fn any_ranges() -> impl Strategy<Value = Vec<TextRange>> {
    prop::collection::vec(
        (0u32..300, 0u32..300).prop_map(|(a, b)| TextRange::new(a.min(b), a.max(b))),
        0..6,
    )
}

proptest! {
    #[test]
    fn invariants_with_split_sentences(text in definition_text()) {
        check_invariants(&text, &split_sentences(&text));
    }

    #[test]
    fn invariants_on_arbitrary_unicode(text in "\\PC{0,120}") {
        check_invariants(&text, &split_sentences(&text));
    }

    #[test]
    fn arbitrary_sentence_ranges_never_panic(text in definition_text(), ranges in any_ranges()) {
        let valid: Vec<TextRange> = ranges.iter().copied().filter(|r| r.slice(&text).is_some()).collect();
        let found = find_abbreviations(&text, &ranges);
        // Invalid ranges are skipped, so the valid ones give the same answer.
        prop_assert_eq!(&found, &find_abbreviations(&text, &valid));
        check_invariants(&text, &valid);
    }

    #[test]
    fn occurrences_are_slices_equal_to_short(text in definition_text(), short in "[A-Za-z0-9α-]{0,5}") {
        for range in occurrences(&text, &short) {
            prop_assert_eq!(range.slice(&text), Some(short.as_str()));
        }
    }

    /// One pass for all short forms finds every use one pass per short form finds (and, for
    /// a short form that overlaps itself, `A-A` in `A-A-A`, the overlapping uses too).
    #[test]
    fn occurrences_of_all_agree_with_one_at_a_time(
        text in definition_text(),
        shorts in proptest::collection::vec("[A-Za-z0-9α-]{0,4}", 0..6),
    ) {
        let refs: Vec<&str> = shorts.iter().map(String::as_str).collect();
        let all = occurrences_of_all(&text, &refs);
        prop_assert_eq!(all.len(), refs.len());
        for (short, found) in refs.iter().zip(&all) {
            for range in found {
                prop_assert_eq!(range.slice(&text), Some(*short));
            }
            for range in occurrences(&text, short) {
                prop_assert!(found.contains(&range), "{:?} missing for {:?}", range, short);
            }
        }
    }
}
