//! Property tests for the sentence splitter: never panics, ranges are trimmed, ordered,
//! disjoint and cover every non-whitespace byte.

use proptest::prelude::*;
use pubminer_text::sentence::split_sentences;

/// Checks the invariants of `split_sentences` on `text`.
fn check_invariants(text: &str) {
    let sentences = split_sentences(text);
    let mut covered = vec![false; text.len()];
    let mut previous_end = 0usize;
    for range in &sentences {
        let (start, end) = (range.start() as usize, range.end() as usize);
        assert!(start < end, "empty sentence {range:?} in {text:?}");
        assert!(
            start >= previous_end,
            "overlap or disorder at {range:?} in {text:?}"
        );
        let slice = text.get(start..end).expect("char boundaries");
        assert_eq!(slice, slice.trim(), "untrimmed sentence {slice:?}");
        covered[start..end].iter_mut().for_each(|c| *c = true);
        previous_end = end;
    }
    for (pos, c) in text.char_indices() {
        if !c.is_whitespace() {
            assert!(covered[pos], "byte {pos} ({c:?}) not covered in {text:?}");
        }
    }
}

/// Text built from fragments that exercise the rules.
fn biomedical_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("E. coli".to_owned()),
        Just("et al.".to_owned()),
        Just("Fig. 2A".to_owned()),
        Just("(80.0%).".to_owned()),
        Just("i.v.".to_owned()),
        Just("U.S.".to_owned()),
        Just("RESULTS:".to_owned()),
        Just("vitamin D.".to_owned()),
        Just("p < 0.05.".to_owned()),
        Just("β-catenin".to_owned()),
        Just("\n".to_owned()),
        Just("\n\n".to_owned()),
        Just("\r\n".to_owned()),
        Just(" ".to_owned()),
        Just("\u{a0}".to_owned()),
        Just("\u{2029}".to_owned()),
        "[A-Za-z0-9.?!()\"' ]{0,8}",
        "\\PC{0,4}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|parts| parts.join(" "))
}

proptest! {
    #[test]
    fn invariants_on_arbitrary_unicode(text in "\\PC{0,200}") {
        check_invariants(&text);
    }

    #[test]
    fn invariants_on_any_chars(text in any::<String>()) {
        check_invariants(&text);
    }

    #[test]
    fn invariants_on_biomedical_fragments(text in biomedical_text()) {
        check_invariants(&text);
    }
}
