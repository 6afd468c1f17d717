//! Every feature of the candidate scorer on a sentence written for it: the candidate named
//! by the case has the feature on (non-zero), and a feature switched off by configuration is
//! 0 for every candidate. A last test checks that every feature has a case.

mod common;

use common::{Row, doc, lexicon, row};
use pubminer_ihc::extract::Extractor;
use pubminer_ihc::features::{FEATURES, Feature, FeatureSet, matrix};

/// A document, a candidate of it, and the features that candidate has on.
struct Case {
    title: &'static str,
    text: &'static str,
    candidate: Row,
    on: &'static [Feature],
}

fn r(m: &str, t: &str, x: Option<u32>, y: Option<u32>) -> Row {
    row(m, t, x, y)
}

fn cases() -> Vec<Case> {
    use Feature as F;
    let case = |title, text, candidate, on| Case {
        title,
        text,
        candidate,
        on,
    };
    vec![
        case(
            "TTF-1 immunohistochemistry",
            "We reviewed archival cases. TTF-1 was positive in 27 of 35 (77.1%) lung \
             adenocarcinomas by immunohistochemistry.",
            r("NKX2-1", "lung adenocarcinomas", Some(27), Some(35)),
            &[
                F::AnchorCount,
                F::CountBoth,
                F::PercentAgrees,
                F::SentenceStaining,
                F::SentenceIhc,
                F::SentenceResults,
                F::SentencePosition,
                F::CountsInSentence,
                F::FirstCount,
                F::HowCount,
                F::TotalFromCount,
                F::TotalSize,
                F::StateAgrees,
                F::StateBeforeAgrees,
                F::StateNearBeforeAgrees,
                F::LargestSeries,
                F::MostPositives,
                F::MarkerCurated,
                F::OnlyMarker,
                F::MarkerNearest,
                F::MarkerNearestBefore,
                F::MarkerDistance,
                F::TumourDistance,
                F::MarkerBefore,
                F::MarkerInClause,
                F::MarkerRulePick,
                F::MarkerInTitle,
                F::MarkerMentions,
                F::MarkersInSentence,
                F::TumourInSentence,
                F::TumourNearest,
                F::TumourAfter,
                F::TumourInClause,
                F::TumourRulePick,
                F::TumourRightAfter,
                F::TumourHasConcept,
                F::TumourVocabulary,
                F::TumourIsMain,
                F::TumourMentions,
                F::TumourWords,
                F::TumoursInSentence,
                F::DocumentMarkers,
                F::RulePick,
            ],
        ),
        case(
            "TTF-1 immunohistochemistry",
            "TTF-1 was positive in 27 of 35 (77.1%) lung adenocarcinomas by immunohistochemistry.",
            r("NKX2-1", "lung adenocarcinomas", Some(8), Some(35)),
            &[
                F::HowNegativeConverted,
                F::StateBeforeDisagrees,
                F::StateNearBeforeDisagrees,
            ],
        ),
        case(
            "TTF-1 in lung adenocarcinoma",
            "By immunohistochemistry, 12 of 19 lung adenocarcinomas were negative for TTF-1.",
            r("NKX2-1", "lung adenocarcinomas", Some(7), Some(19)),
            &[
                F::NegativeCue,
                F::StateAfterAgrees,
                F::StateNearAfterAgrees,
                F::TumourNamedInTitle,
            ],
        ),
        case(
            "TTF-1 in lung adenocarcinoma",
            "By immunohistochemistry, 12 of 19 lung adenocarcinomas were negative for TTF-1.",
            r("NKX2-1", "lung adenocarcinomas", Some(12), Some(19)),
            &[F::StateAfterDisagrees, F::StateNearAfterDisagrees],
        ),
        case(
            "TTF-1 immunohistochemistry",
            "We studied 48 lung adenocarcinomas by immunohistochemistry. TTF-1 was expressed in \
             75% of lung adenocarcinomas.",
            r("NKX2-1", "lung adenocarcinomas", Some(36), Some(48)),
            &[
                F::CountPercentOnly,
                F::HowPercentOfGroup,
                F::TotalFromGroup,
                F::TotalIsGroup,
                F::TumourHasGroup,
                F::TumourOfAfter,
            ],
        ),
        case(
            "TTF-1 immunohistochemistry",
            "We studied 48 lung adenocarcinomas by immunohistochemistry. TTF-1 was expressed in \
             66.9% of lung adenocarcinomas.",
            r("NKX2-1", "lung adenocarcinomas", None, Some(48)),
            &[F::PositiveMissing],
        ),
        case(
            "TTF-1 immunohistochemistry",
            "TTF-1 was positive in 12 cases (18.2%) of lung adenocarcinomas.",
            r("NKX2-1", "lung adenocarcinomas", Some(12), Some(66)),
            &[
                F::CountNumeratorPercent,
                F::HowCountOfGroup,
                F::TotalFromPercent,
            ],
        ),
        case(
            "TTF-1 immunohistochemistry",
            "TTF-1 was positive in 12 cases (18.2%) and the other 54 (81.8%) lung \
             adenocarcinomas were negative.",
            r("NKX2-1", "lung adenocarcinomas", Some(12), Some(66)),
            &[F::TotalFromSum],
        ),
        case(
            "TTF-1 immunohistochemistry",
            "TTF-1 was positive in 3 cases (1%) of lung adenocarcinomas.",
            r("NKX2-1", "lung adenocarcinomas", Some(3), None),
            &[F::TotalMissing],
        ),
        case(
            "Immunohistochemistry",
            "Tissue from 21 colonic adenocarcinomas and 10 leiomyosarcomas was studied. CDX2 was \
             studied in both. Positive staining was seen in all of the colonic adenocarcinomas \
             but in none of the leiomyosarcomas.",
            r("CDX2", "colonic adenocarcinomas", Some(21), Some(21)),
            &[
                F::AnchorStatement,
                F::HowAllOfGroup,
                F::AllPositive,
                F::MarkerCarried,
            ],
        ),
        case(
            "CDX2 immunostaining",
            "Tissue from 21 colonic adenocarcinomas and 10 leiomyosarcomas was evaluated for CDX2 \
             immunoreactivity. Positive staining was seen in all of the colonic adenocarcinomas \
             but in none of the leiomyosarcomas.",
            r("CDX2", "leiomyosarcomas", Some(0), Some(10)),
            &[F::HowNoneOfGroup, F::NonePositive],
        ),
        case(
            "CD56 immunohistochemistry",
            "We studied 30 lung adenocarcinomas by immunohistochemistry. CD56 was positive in 12 \
             cases.",
            r("NCAM1", "lung adenocarcinomas", Some(12), Some(30)),
            &[F::AnchorNumerator, F::HowCountOfGroup],
        ),
        case(
            "CD56 immunohistochemistry",
            "CD56 was diffusely expressed in lung adenocarcinomas by immunohistochemistry.",
            r("NCAM1", "lung adenocarcinomas", None, None),
            &[F::AnchorStatement, F::HowQualitative],
        ),
        case(
            "CDX2 immunohistochemistry",
            "CDX2 immunostaining was performed on 30 lung adenocarcinomas.",
            r("CDX2", "lung adenocarcinomas", Some(30), Some(30)),
            &[F::SentenceMethods, F::TotalFromSentence],
        ),
        case(
            "CD56 in the bladder",
            "A 60-year-old man was diagnosed with small cell carcinoma of the bladder. \
             Immunohistochemically, tumor cells were positive for CD56.",
            r("NCAM1", "small cell carcinoma", Some(1), Some(1)),
            &[
                F::AnchorCaseReport,
                F::HowCaseReport,
                F::CaseReportDocument,
                F::CaseLikeDocument,
                F::TotalOne,
                F::TumourDiagnosis,
            ],
        ),
        case(
            "Immunohistochemistry of lung adenocarcinoma",
            "Immunoreactivity for CD56, synaptophysin and CDX2 was found in 17, 30 and 14 of 40 \
             lung adenocarcinomas.",
            r("NCAM1", "lung adenocarcinomas", Some(17), Some(40)),
            &[
                F::AnchorListItem,
                F::HowParallelList,
                F::MarkerListed,
                F::MarkerFarther,
            ],
        ),
        case(
            "Immunohistochemistry of lung adenocarcinoma",
            "Immunoreactivity for CD56, synaptophysin and CDX2 was found in 17, 30 and 14 of 40 \
             lung adenocarcinomas.",
            r("SYP", "lung adenocarcinomas", Some(30), Some(40)),
            &[F::MarkerSecond],
        ),
        case(
            "Immunohistochemistry",
            "We studied 40 lung adenocarcinomas. CD56 and CDX2 were positive in 80% and 20%, \
             respectively.",
            r("NCAM1", "lung adenocarcinomas", Some(32), Some(40)),
            &[F::Respectively, F::MarkerInOrder, F::TumourMain],
        ),
        case(
            "CD56 immunohistochemistry",
            "We studied 30 lung adenocarcinomas by immunohistochemistry. CD56 was positive in 12 \
             of 30 tumors.",
            r("NCAM1", "lung adenocarcinomas", Some(12), Some(30)),
            &[F::TumourGeneric],
        ),
        case(
            "CD56 in leiomyosarcoma",
            "Lung adenocarcinomas and other lung adenocarcinomas were studied. CD56 was positive \
             in 12 of 30 cases by immunohistochemistry.",
            r("NCAM1", "leiomyosarcoma", Some(12), Some(30)),
            &[F::TumourTitle],
        ),
        case(
            "CDX2 immunohistochemistry",
            "We studied 40 lung adenocarcinomas. CDX2 was positive in more than 10% of lung \
             adenocarcinomas by immunohistochemistry.",
            r("CDX2", "lung adenocarcinomas", Some(4), Some(40)),
            &[F::Threshold],
        ),
        case(
            "CDX2 immunohistochemistry",
            "By immunohistochemistry, the sensitivity and specificity of CDX2 were 90% (18/20) \
             in colonic adenocarcinomas.",
            r("CDX2", "colonic adenocarcinomas", Some(18), Some(20)),
            &[F::NotPositivity, F::Sensitivity],
        ),
        case(
            "TTF-1 immunohistochemistry",
            "We studied 40 lung adenocarcinomas. TTF-1 was positive in 20 of 40 (50%) lung \
             adenocarcinomas, and 60% of them showed diffuse positivity.",
            r("NKX2-1", "lung adenocarcinomas", Some(24), Some(40)),
            &[F::PartOfPrevious],
        ),
        case(
            "CD56 immunohistochemistry",
            "We studied 30 lung adenocarcinomas by immunohistochemistry. CD56 was positive in 12 \
             (40%) patients.",
            r("NCAM1", "lung adenocarcinomas", Some(12), Some(30)),
            &[F::UnitsAfter],
        ),
        case(
            "ALK in lung adenocarcinoma",
            "Immunohistochemistry was done. ALK rearrangement was found by FISH in 5 of 40 lung \
             adenocarcinomas.",
            r("ALK", "lung adenocarcinomas", Some(5), Some(40)),
            &[F::SentenceOtherAssay, F::OtherAssayClause],
        ),
        case(
            "CK5/P63 immunohistochemistry",
            "By immunohistochemistry, 19 of 24 lung adenocarcinomas were positive for CK5/P63.",
            r("KRT5", "lung adenocarcinomas", Some(19), Some(24)),
            &[F::MarkerCombined],
        ),
        case(
            "Immunohistochemistry of lung adenocarcinoma",
            "MRK-19 was positive in 5 of 8 lung adenocarcinomas.",
            r("MRK-19", "lung adenocarcinomas", Some(5), Some(8)),
            &[F::MarkerShape],
        ),
        case(
            "Immunohistochemistry of lung adenocarcinoma",
            "WDHD1 was positive in 5 of 8 lung adenocarcinomas.",
            r("WDHD1", "lung adenocarcinomas", Some(5), Some(8)),
            &[F::MarkerLexicon],
        ),
        case(
            "Immunohistochemistry of lung adenocarcinoma",
            "Alk was positive in 5 of 8 lung adenocarcinomas.",
            r("ALK", "lung adenocarcinomas", Some(5), Some(8)),
            &[F::MarkerNamed],
        ),
        case(
            "Immunohistochemistry of lung adenocarcinoma",
            "CD56 (12/30) and CDX2 (3/30) were expressed in lung adenocarcinomas.",
            r("NCAM1", "lung adenocarcinomas", Some(12), Some(30)),
            &[F::MarkerThenBracket, F::MarkerImmediate],
        ),
        case(
            "Immunohistochemistry of lung adenocarcinoma",
            "CD56 (12/30) and CDX2 (3/30) were expressed in lung adenocarcinomas.",
            r("NCAM1", "lung adenocarcinomas", Some(3), Some(30)),
            &[F::MarkerOtherBetween, F::MarkerCountBetween],
        ),
        case(
            "Immunohistochemistry of renal tumours",
            "PAX2 versus PAX8 expression was noted in 90 of 95 versus 92 of 95 for clear cell \
             renal cell carcinomas and 14 of 25 versus 22 of 25 for chromophobe renal cell \
             carcinomas.",
            r(
                "PAX8",
                "chromophobe renal cell carcinomas",
                Some(22),
                Some(25),
            ),
            &[F::MarkerInRunOrder, F::TumourEndsRun],
        ),
        case(
            "Immunohistochemistry of small cell carcinoma",
            "Twenty of 25 tumours were positive for CD56.",
            r("NCAM1", "small cell carcinoma", Some(20), Some(25)),
            &[F::MarkerForAfter, F::MarkerNearestAfter],
        ),
        case(
            "CD56 immunohistochemistry",
            "In lung adenocarcinomas, CD56 was positive in 20 of 25 (80%), in small cell \
             carcinomas in 5 of 10 and in colonic adenocarcinomas in 1 of 10.",
            r("NCAM1", "lung adenocarcinomas", Some(20), Some(25)),
            &[F::TumourIntroduces],
        ),
        case(
            "CD56 immunohistochemistry",
            "In lung adenocarcinomas, CD56 was positive in 20 of 25 (80%), in small cell \
             carcinomas in 5 of 10 and in colonic adenocarcinomas in 1 of 10.",
            r("NCAM1", "lung adenocarcinomas", Some(5), Some(10)),
            &[
                F::TumourCountBetween,
                F::TumourOtherBetween,
                F::TumourFarther,
            ],
        ),
        case(
            "CD56 immunohistochemistry",
            "In lung adenocarcinomas, CD56 was positive in 20 of 25 (80%), in small cell \
             carcinomas in 5 of 10 and in colonic adenocarcinomas in 1 of 10.",
            r("NCAM1", "colonic adenocarcinomas", Some(5), Some(10)),
            &[F::TumourSecond],
        ),
        case(
            "CD56 immunohistochemistry",
            "A total of 20 patients were studied. Lung adenocarcinomas were positive for CD56 in \
             1 (5%) by immunohistochemistry.",
            r("NCAM1", "lung adenocarcinomas", Some(1), Some(20)),
            &[F::TotalFromSeries, F::SeriesDocument],
        ),
        case(
            "CD56 in 20 of 25 small cell carcinomas",
            "Small cell carcinomas were studied by immunohistochemistry.",
            r("NCAM1", "small cell carcinomas", Some(20), Some(25)),
            &[F::InTitle],
        ),
        case(
            "CD56 immunohistochemistry",
            "We studied lung adenocarcinomas (LADC) by immunohistochemistry. CD56 was positive in \
             20 of 25 LADCs.",
            r("NCAM1", "ladcs (lung adenocarcinomas)", Some(20), Some(25)),
            &[F::TumourAbbreviation],
        ),
        case(
            "CDX2 immunohistochemistry",
            "CDX2 was negative in 12 of 12 non-osteogenic spindle sarcomas.",
            r("CDX2", "non-osteogenic spindle sarcomas", Some(0), Some(12)),
            &[F::TumourPhrase],
        ),
        case(
            "CDX2 immunohistochemistry",
            "By immunohistochemistry, primary tumors of breast, prostate, kidney and liver were \
             negative for CDX2.",
            r("CDX2", "primary tumors of breast", Some(0), None),
            &[F::TumourOrganList],
        ),
    ]
}

/// The feature row of the case's candidate under `set`, and every row.
fn rows(case: &Case, set: &FeatureSet) -> (Option<Vec<f32>>, Vec<f32>) {
    let a = Extractor::new(lexicon()).analyse(&doc(case.title, case.text));
    let all = matrix(&a, set);
    let at = a.candidates.candidates.iter().position(|c| {
        let p = a.profile(c);
        let got = (
            p.marker_symbol.clone().unwrap_or_else(|| p.marker.clone()),
            p.tumour_type.to_lowercase(),
            p.positive,
            p.total,
        );
        got == case.candidate
    });
    let row = at.map(|i| all[i * FEATURES..(i + 1) * FEATURES].to_vec());
    (row, all)
}

#[test]
fn each_feature_is_on_for_the_candidate_written_for_it() {
    let mut failures = Vec::new();
    for case in cases() {
        let (row, _) = rows(&case, &FeatureSet::all());
        let Some(row) = row else {
            let a = Extractor::new(lexicon()).analyse(&doc(case.title, case.text));
            let all: Vec<String> = a
                .candidates
                .candidates
                .iter()
                .map(|c| {
                    let p = a.profile(c);
                    format!("{:?}", (p.marker, p.tumour_type, p.positive, p.total))
                })
                .collect();
            failures.push(format!(
                "no candidate {:?} in {:?}; candidates: {}",
                case.candidate,
                case.text,
                all.join(" ")
            ));
            continue;
        };
        for f in case.on {
            if row[*f as usize] == 0.0 {
                failures.push(format!(
                    "{f} is 0 for {:?} in {:?}",
                    case.candidate, case.text
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_feature_switched_off_is_zero_everywhere() {
    for case in cases().into_iter().take(3) {
        for f in case.on {
            let (_, all) = rows(&case, &FeatureSet::all().without(*f));
            assert!(
                all.chunks_exact(FEATURES).all(|r| r[*f as usize] == 0.0),
                "{f}"
            );
        }
    }
}

#[test]
fn every_feature_has_a_case() {
    let covered: Vec<Feature> = cases().iter().flat_map(|c| c.on.iter().copied()).collect();
    let missing: Vec<&Feature> = Feature::ALL
        .iter()
        .filter(|f| !covered.contains(f))
        .collect();
    assert!(missing.is_empty(), "features without a case: {missing:?}");
}
