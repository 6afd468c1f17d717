//! Training the IHC model: reproducible to the byte, a small model trained on constructed
//! abstracts reads the profiles of an abstract it was not trained on, the reasons name the
//! decisive cue, and the compiled-in model fits this build.

mod common;

use common::{doc, lexicon};
use pubminer_ihc::eval::{GoldProfile, GoldRecord};
use pubminer_ihc::extract::Extractor;
use pubminer_ihc::model::IhcModel;
use pubminer_ihc::train::{TrainSettings, examples, train};
use pubminer_ihc::{Engine, IhcPipeline, Label, Reason};

const MARKERS: [(&str, &str); 4] = [
    ("TTF-1", "NKX2-1"),
    ("CD56", "NCAM1"),
    ("CDX2", "CDX2"),
    ("ALK", "ALK"),
];
const TUMOURS: [&str; 4] = [
    "lung adenocarcinomas",
    "small cell carcinomas",
    "colonic adenocarcinomas",
    "leiomyosarcomas",
];

fn gold(id: String, include: bool, text: String, profiles: Vec<GoldProfile>) -> GoldRecord {
    GoldRecord {
        id,
        title: "Immunohistochemical study".into(),
        r#abstract: text,
        label: if include { "include" } else { "exclude" }.into(),
        profiles,
    }
}

fn profile(marker: (&str, &str), tumour: &str, x: u32, y: u32) -> GoldProfile {
    GoldProfile {
        marker: marker.0.into(),
        marker_hgnc: Some(marker.1.into()),
        tumour_type: tumour.into(),
        tumour_site: None,
        positive: Some(x),
        total: Some(y),
        evidence: String::new(),
    }
}

/// Constructed abstracts: studies that report counts (with a distracting subgroup count and
/// a negative statement), and studies excluded for animals, cell lines or a review.
fn training_set() -> Vec<GoldRecord> {
    let mut out = Vec::new();
    for i in 0..24u32 {
        let m = MARKERS[i as usize % 4];
        let other = MARKERS[(i as usize + 1) % 4];
        let t = TUMOURS[i as usize % 4];
        let u = TUMOURS[(i as usize + 2) % 4];
        let (y, z) = (20 + i, 10 + i % 7);
        let x = 5 + i % 11;
        let text = format!(
            "We studied {y} {t} and {z} {u} by immunohistochemistry. {} was positive in {x} of \
             {y} ({:.1}%) {t}, with strong staining in {} of {y}. All {u} were negative for {}. \
             The median age was {} years.",
            m.0,
            f64::from(x) * 100.0 / f64::from(y),
            x / 2,
            other.0,
            50 + i
        );
        out.push(gold(
            format!("include-{i}"),
            true,
            text,
            vec![profile(m, t, x, y), profile(other, u, 0, z)],
        ));
    }
    for i in 0..12u32 {
        let m = MARKERS[i as usize % 4];
        let t = TUMOURS[i as usize % 4];
        let text = match i % 3 {
            0 => format!(
                "In this review we summarise the immunohistochemistry of {}: it is positive in \
                 {} of {} {t} in one series.",
                m.0,
                10 + i,
                30 + i
            ),
            1 => format!(
                "Canine {t} were studied by immunohistochemistry. {} was positive in {} of {} \
                 canine tumours in dogs.",
                m.0,
                3 + i,
                12 + i
            ),
            _ => format!(
                "{} expression was studied in cell lines and xenografts by immunohistochemistry; \
                 {} of {} cell lines derived from {t} were positive.",
                m.0,
                2 + i,
                9 + i
            ),
        };
        out.push(gold(format!("exclude-{i}"), false, text, Vec::new()));
    }
    out
}

fn trained() -> IhcModel {
    let extractor = Extractor::new(lexicon());
    let gold = training_set();
    let settings = TrainSettings::default();
    let examples = examples(&extractor, &gold, &settings.features);
    let refs: Vec<_> = examples.iter().collect();
    train(&extractor, &refs, &settings, vec!["constructed".into()]).expect("trains")
}

#[test]
fn training_is_reproducible_to_the_byte() {
    let a = trained().to_json();
    let b = trained().to_json();
    assert_eq!(a, b);
    // And the file reads back as the same model.
    assert_eq!(IhcModel::parse(&a).unwrap().to_json(), a);
}

#[test]
fn a_small_model_reads_an_abstract_it_was_not_trained_on() {
    let model = trained();
    let pipeline = IhcPipeline::new(
        Extractor::new(lexicon()),
        Engine::Trained(Box::new(model)),
        true,
    );
    let outcome = pipeline.process(&doc(
        "Immunohistochemical study",
        "We studied 44 small cell carcinomas and 13 leiomyosarcomas by immunohistochemistry. \
         CD56 was positive in 31 of 44 (70.5%) small cell carcinomas, with strong staining in \
         15 of 44. All leiomyosarcomas were negative for TTF-1. The median age was 61 years.",
    ));
    let r = &outcome.record;
    assert_eq!(r.label, Label::Include, "{r:?}");
    let got: Vec<(String, Option<u32>, Option<u32>)> = r
        .profiles
        .iter()
        .map(|p| (p.marker.clone(), p.positive, p.total))
        .collect();
    assert!(
        got.contains(&("CD56".into(), Some(31), Some(44))),
        "{got:?}"
    );
    assert!(
        got.contains(&("TTF-1".into(), Some(0), Some(13))),
        "{got:?}"
    );
    // The subgroup is no profile of its own.
    assert!(!got.iter().any(|g| g.1 == Some(15)), "{got:?}");
    assert!(!r.decided_by.is_empty());

    let canine = pipeline.process(&doc(
        "Canine tumours",
        "Canine leiomyosarcomas were studied by immunohistochemistry. CDX2 was positive in 4 of \
         9 canine tumours in dogs.",
    ));
    assert_eq!(canine.record.label, Label::Exclude);
    assert!(
        matches!(canine.record.reason, Reason::Animal(_)),
        "{} {:?}",
        canine.record.reason,
        canine.record.decided_by
    );
}

#[test]
fn the_compiled_in_model_fits_this_build() {
    let model = IhcModel::builtin().expect("the compiled-in model loads and fits");
    assert!(model.threshold > 0.0 && model.threshold < 1.0);
    assert!(model.training.documents > 0);
    assert!(Engine::builtin().is_ok());
}
