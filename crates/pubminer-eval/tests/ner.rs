//! NER evaluation on hand-made documents.

use pubminer_core::{Document, Mention, Passage, PassageKind, TextRange};
use pubminer_eval::ner::{NerReport, Score, evaluate};
use pubminer_eval::types::TypeMapping;

const TITLE: &str = "Cisplatin nephrotoxicity.";
const ABSTRACT: &str = "Cisplatin caused acute renal failure in rats.";

/// A document with the title and abstract above and mentions `(passage, text, type)`;
/// each text is located at its first occurrence in its passage (or at `@n`th byte when
/// written `text@n`).
fn doc(id: &str, mentions: &[(u32, &str, &str)]) -> Document {
    let mut d = Document::new(id);
    d.passages.push(Passage::new(PassageKind::Title, TITLE));
    d.passages
        .push(Passage::new(PassageKind::Abstract, ABSTRACT));
    for &(passage, text, entity_type) in mentions {
        let (text, at) = match text.split_once('@') {
            Some((t, n)) => (t, n.parse::<usize>().unwrap()),
            None => (
                text,
                d.passages[passage as usize].text().find(text).unwrap(),
            ),
        };
        assert_eq!(
            &d.passages[passage as usize].text()[at..at + text.len()],
            text
        );
        d.mentions.push(Mention {
            passage,
            range: TextRange::try_new(at, at + text.len()).unwrap(),
            text: text.to_owned(),
            entity_type: entity_type.to_owned(),
            origin: "test".into(),
            ..Mention::default()
        });
    }
    assert!(d.check_spans().is_empty());
    d
}

fn counts(s: &Score) -> (u64, u64, u64) {
    (s.tp, s.fp, s.fn_)
}

fn strict(r: &NerReport, t: &str) -> (u64, u64, u64) {
    counts(&r.strict.per_type[t])
}

fn overlapping(r: &NerReport, t: &str) -> (u64, u64, u64) {
    counts(&r.overlapping.per_type[t])
}

fn gold() -> Vec<Document> {
    vec![doc(
        "1",
        &[
            (0, "Cisplatin", "Chemical"),
            (0, "nephrotoxicity", "Disease"),
            (1, "Cisplatin", "Chemical"),
            (1, "acute renal failure", "Disease"),
        ],
    )]
}

#[test]
fn identical_is_perfect() {
    let r = evaluate(&gold(), &gold(), &TypeMapping::default());
    assert_eq!(counts(&r.strict.micro), (4, 0, 0));
    assert_eq!(r.strict.micro.f1, 1.0);
    assert_eq!(r.overlapping.micro.f1, 1.0);
    assert_eq!(r.documents.scored, 1);
    assert_eq!(r.gold_mentions.scored, 4);
    assert!(r.render().contains("micro"));
}

#[test]
fn boundary_mismatch_overlaps_but_is_not_strict() {
    let pred = vec![doc(
        "1",
        &[
            (0, "Cisplatin", "Chemical"),
            (0, "nephrotoxicity", "Disease"),
            (1, "Cisplatin", "Chemical"),
            (1, "renal failure", "Disease"),
        ],
    )];
    let r = evaluate(&gold(), &pred, &TypeMapping::default());
    assert_eq!(strict(&r, "Disease"), (1, 1, 1));
    assert_eq!(overlapping(&r, "Disease"), (2, 0, 0));
    assert_eq!(strict(&r, "Chemical"), (2, 0, 0));
    assert_eq!(counts(&r.strict.micro), (3, 1, 1));
    assert!((r.strict.micro.precision - 0.75).abs() < 1e-12);
    let e = &r.errors["Disease"];
    assert_eq!(e.false_positive_classes.boundary, 1);
    assert_eq!(e.false_negative_classes.boundary, 1);
    assert_eq!(e.top_false_positives[0].text, "renal failure");
    assert_eq!(e.top_false_negatives[0].text, "acute renal failure");
}

#[test]
fn overlap_matching_is_one_to_one() {
    // Two predictions inside one gold mention: one overlap match, one false positive.
    let pred = vec![doc(
        "1",
        &[
            (0, "Cisplatin", "Chemical"),
            (0, "nephrotoxicity", "Disease"),
            (1, "Cisplatin", "Chemical"),
            (1, "acute", "Disease"),
            (1, "renal failure", "Disease"),
        ],
    )];
    let r = evaluate(&gold(), &pred, &TypeMapping::default());
    assert_eq!(overlapping(&r, "Disease"), (2, 1, 0));
    assert!(r.overlapping.micro.precision <= 1.0 && r.overlapping.micro.recall <= 1.0);
    // The larger overlap wins: "renal failure" is the match, "acute" the false positive.
    assert_eq!(strict(&r, "Disease"), (1, 2, 1));
}

#[test]
fn wrong_type_is_an_error_of_both_types() {
    let pred = vec![doc(
        "1",
        &[
            (0, "Cisplatin", "Disease"),
            (0, "nephrotoxicity", "Disease"),
            (1, "Cisplatin", "Chemical"),
            (1, "acute renal failure", "Disease"),
        ],
    )];
    let r = evaluate(&gold(), &pred, &TypeMapping::default());
    assert_eq!(strict(&r, "Chemical"), (1, 0, 1));
    assert_eq!(strict(&r, "Disease"), (2, 1, 0));
    assert_eq!(overlapping(&r, "Chemical"), (1, 0, 1));
    assert_eq!(overlapping(&r, "Disease"), (2, 1, 0));
    assert_eq!(r.errors["Disease"].false_positive_classes.wrong_type, 1);
    assert_eq!(r.errors["Chemical"].false_negative_classes.wrong_type, 1);
}

#[test]
fn duplicates_count_once() {
    let mut pred = gold();
    let again = pred[0].mentions[3].clone();
    pred[0].mentions.push(again);
    let mut gold = gold();
    let again = gold[0].mentions[0].clone();
    gold[0].mentions.push(again);
    let r = evaluate(&gold, &pred, &TypeMapping::default());
    assert_eq!(counts(&r.strict.micro), (4, 0, 0));
    assert_eq!(r.gold_mentions.duplicates, 1);
    assert_eq!(r.pred_mentions.duplicates, 1);
    assert_eq!(r.gold_mentions.total, 5);
}

#[test]
fn missing_and_extra_documents() {
    let mut gold = gold();
    gold.push(doc("2", &[(1, "rats", "Species")]));
    let pred = vec![gold[0].clone(), doc("3", &[(1, "rats", "Species")])];
    let r = evaluate(&gold, &pred, &TypeMapping::default());
    assert_eq!(r.documents.missing_predictions, 1);
    assert_eq!(r.documents.extra_predictions, 1);
    assert_eq!(r.documents.scored, 2);
    assert_eq!(strict(&r, "Species"), (0, 0, 1));
    assert_eq!(r.errors["Species"].false_negative_classes.unmatched, 1);
    assert_eq!(counts(&r.strict.micro), (4, 0, 1));
}

#[test]
fn text_mismatch_is_skipped_and_counted() {
    let gold = gold();
    let mut other = Document::new("1");
    other
        .passages
        .push(Passage::new(PassageKind::Text, "Something else entirely."));
    let r = evaluate(&gold, &[other], &TypeMapping::default());
    assert_eq!(r.documents.text_mismatches, 1);
    assert_eq!(r.documents.text_mismatch_ids, ["1"]);
    assert_eq!(r.documents.scored, 0);
    assert!(r.strict.per_type.is_empty());
    assert!(r.render().contains("1 text mismatches"));
}

#[test]
fn document_offsets_join_passages_with_a_space() {
    // The same text as one passage: offsets shift by the title length plus one.
    let mut flat = Document::new("1");
    let text = format!("{TITLE} {ABSTRACT}");
    flat.passages
        .push(Passage::new(PassageKind::Text, text.clone()));
    for (start, t, ty) in [
        (0, "Cisplatin", "Chemical"),
        (10, "nephrotoxicity", "Disease"),
        (TITLE.len() + 1, "Cisplatin", "Chemical"),
        (TITLE.len() + 1 + 17, "acute renal failure", "Disease"),
    ] {
        assert_eq!(&text[start..start + t.len()], t);
        flat.mentions.push(Mention {
            range: TextRange::try_new(start, start + t.len()).unwrap(),
            text: t.into(),
            entity_type: ty.into(),
            ..Mention::default()
        });
    }
    let r = evaluate(&gold(), &[flat], &TypeMapping::default());
    assert_eq!(r.documents.text_mismatches, 0);
    assert_eq!(counts(&r.strict.micro), (4, 0, 0));
}

#[test]
fn types_are_mapped_and_unmapped_ones_reported() {
    // Corpus names on the gold side, ours on the predicted side.
    let gold = vec![doc(
        "1",
        &[
            (0, "Cisplatin", "ChemicalEntity"),
            (0, "nephrotoxicity", "SpecificDisease"),
            (1, "acute renal failure", "DiseaseOrPhenotypicFeature"),
            (1, "rats", "FamilyName"),
        ],
    )];
    let pred = vec![doc(
        "1",
        &[
            (0, "Cisplatin", "Chemical"),
            (0, "nephrotoxicity", "Disease"),
            (1, "acute renal failure", "DISEASE"),
            (1, "rats", "Gene"),
            (1, "in", "Mystery"),
        ],
    )];
    let r = evaluate(&gold, &pred, &TypeMapping::default());
    assert_eq!(strict(&r, "Chemical"), (1, 0, 0));
    assert_eq!(strict(&r, "Disease"), (2, 0, 0));
    assert_eq!(r.unmapped_gold["FamilyName"], 1);
    assert_eq!(r.unmapped_pred["Mystery"], 1);
    assert!(r.unmapped_hints.contains_key("FamilyName"));
    // Gene has no gold here: reported, marked, and left out of the micro average.
    assert_eq!(strict(&r, "Gene"), (0, 1, 0));
    assert_eq!(r.pred_only_types, ["Gene"]);
    assert_eq!(counts(&r.strict.micro), (3, 0, 0));
    assert_eq!(r.errors["Gene"].false_positive_classes.overlaps_unmapped, 1);
    let rendered = r.render();
    assert!(rendered.contains("FamilyName"), "{rendered}");
    assert!(rendered.contains("Mystery"), "{rendered}");

    let mapped = TypeMapping::with_overrides(&["FamilyName=Gene"]).unwrap();
    let r = evaluate(&gold, &pred, &mapped);
    assert_eq!(strict(&r, "Gene"), (1, 0, 0));
    assert!(r.unmapped_gold.is_empty());
    assert_eq!(counts(&r.strict.micro), (4, 0, 0));
}

#[test]
fn discontinuous_mentions_use_their_first_range() {
    let mut gold = gold();
    let mut pred = gold.clone();
    let m = &mut gold[0].mentions[3];
    m.fragments.push(TextRange::new(40, 44));
    m.text = "acute renal failure rats".into();
    assert!(gold[0].check_spans().is_empty());
    pred[0].mentions[3].text = "acute renal failure".into();
    let r = evaluate(&gold, &pred, &TypeMapping::default());
    assert_eq!(counts(&r.strict.micro), (4, 0, 0));
    assert_eq!(r.gold_mentions.discontinuous, 1);
}

#[test]
fn invalid_ranges_and_repeated_ids_are_counted() {
    let mut gold = gold();
    gold[0].mentions.push(Mention {
        passage: 7,
        entity_type: "Disease".into(),
        ..Mention::default()
    });
    gold.push(gold[0].clone());
    let r = evaluate(&gold, &gold, &TypeMapping::default());
    assert_eq!(r.gold_mentions.invalid, 1);
    assert_eq!(r.documents.duplicate_gold_ids, 1);
    assert_eq!(r.documents.duplicate_pred_ids, 1);
    assert_eq!(counts(&r.strict.micro), (4, 0, 0));
}

#[test]
fn empty_inputs_score_zero_without_dividing_by_zero() {
    let r = evaluate(&[], &[], &TypeMapping::default());
    assert_eq!(r.strict.micro, Score::from_counts(0, 0, 0));
    assert_eq!(r.strict.micro.f1, 0.0);
    let _ = r.render();
}

#[test]
fn report_serialises() {
    let r = evaluate(&gold(), &gold(), &TypeMapping::default());
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["strict"]["micro"]["fn"], 0);
    assert_eq!(json["strict"]["per_type"]["Disease"]["tp"], 2);
    let back: NerReport = serde_json::from_value(json).unwrap();
    assert_eq!(back, r);
}

#[test]
fn overlapping_never_scores_below_strict() {
    // Degenerate empty spans still match themselves under both criteria.
    let mut gold = gold();
    gold[0].mentions.push(Mention {
        passage: 1,
        range: TextRange::new(9, 9),
        entity_type: "Chemical".into(),
        ..Mention::default()
    });
    let r = evaluate(&gold, &gold, &TypeMapping::default());
    assert_eq!(counts(&r.strict.micro), (5, 0, 0));
    assert_eq!(counts(&r.overlapping.micro), (5, 0, 0));
}
