//! The extraction rules of the IHC engine, each on a sentence written for it, over a small
//! hand-made lexicon (genes from HGNC, tumour types as neoplasms): count phrasings, group
//! totals, negative states, clauses, coordination, thresholds, case reports, other assays,
//! and the include/exclude decision with its reason.

mod common;

use common::{doc, lexicon, profiles, row};
use pubminer_ihc::extract::Extractor;
use pubminer_ihc::pipeline::{Engine, IhcPipeline};
use pubminer_ihc::{Label, Reason};

#[test]
fn counts_in_their_common_phrasings() {
    let title = "TTF-1 immunohistochemistry in lung adenocarcinoma";
    for (text, x, y) in [
        (
            "TTF-1 was positive in 27 of 35 (77.1%) lung adenocarcinomas.",
            27,
            35,
        ),
        (
            "TTF-1 was expressed in 77.1% (27/35) of lung adenocarcinomas.",
            27,
            35,
        ),
        (
            "TTF-1 immunostaining was positive in 27/35 lung adenocarcinomas.",
            27,
            35,
        ),
    ] {
        assert_eq!(
            profiles(title, text),
            [row("NKX2-1", "lung adenocarcinomas", Some(x), Some(y))],
            "{text}"
        );
    }
}

#[test]
fn percentages_take_the_group_total_only_when_one_integer_fits() {
    let title = "TTF-1 immunohistochemistry";
    let text = "We studied 48 lung adenocarcinomas by immunohistochemistry. \
                TTF-1 was expressed in 75% of lung adenocarcinomas.";
    assert_eq!(
        profiles(title, text),
        [row("NKX2-1", "lung adenocarcinomas", Some(36), Some(48))]
    );
    // 66.9% of 48 is no integer: no numerator is invented.
    let text = "We studied 48 lung adenocarcinomas by immunohistochemistry. \
                TTF-1 was expressed in 66.9% of lung adenocarcinomas.";
    assert!(
        profiles(title, text).iter().all(|(_, _, x, _)| x.is_none()),
        "{:?}",
        profiles(title, text)
    );
}

#[test]
fn negative_state_counts_are_converted() {
    let got = profiles(
        "TTF-1 in lung adenocarcinoma",
        "By immunohistochemistry, 12 of 19 lung adenocarcinomas were TTF-1-negative.",
    );
    assert_eq!(
        got,
        [row("NKX2-1", "lung adenocarcinomas", Some(7), Some(19))]
    );
}

#[test]
fn absent_in_after_the_counts_is_a_negative_statement() {
    let got = profiles(
        "CDX2 immunohistochemistry",
        "By immunohistochemistry, CDX2 expression was observed in 30 of 32 (94%) colonic \
         adenocarcinomas; expression was absent in two lung adenocarcinomas and in the one \
         leiomyosarcoma.",
    );
    assert_eq!(
        got,
        [
            row("CDX2", "colonic adenocarcinomas", Some(30), Some(32)),
            row("CDX2", "lung adenocarcinomas", Some(0), Some(2)),
            row("CDX2", "leiomyosarcoma", Some(0), Some(1)),
        ]
    );
}

#[test]
fn none_of_negates_only_the_tumours_after_it() {
    // `all of the X but none of the Y`: X is all positive, Y all negative, each total from
    // the sentence that lists the series.
    let got = profiles(
        "CDX2 immunostaining",
        "Tissue from 21 colonic adenocarcinomas and 10 leiomyosarcomas was evaluated for CDX2 \
         immunoreactivity. Positive staining was seen in all of the colonic adenocarcinomas \
         but in none of the leiomyosarcomas.",
    );
    assert_eq!(
        got,
        [
            row("CDX2", "colonic adenocarcinomas", Some(21), Some(21)),
            row("CDX2", "leiomyosarcomas", Some(0), Some(10)),
        ]
    );
}

#[test]
fn the_clause_of_a_count_names_its_marker() {
    let got = profiles(
        "CD56 immunohistochemistry in small cell carcinoma",
        "Twenty-two (88%) of 25 small cell carcinomas labeled with CD56, whereas 16 of 25 (64%) \
         stained with synaptophysin in a diffuse pattern and 8 of 25 (32%) showed focal \
         immunoreactivity for CDX2.",
    );
    assert_eq!(
        got,
        [
            row("NCAM1", "small cell carcinomas", Some(22), Some(25)),
            row("SYP", "small cell carcinomas", Some(16), Some(25)),
            row("CDX2", "small cell carcinomas", Some(8), Some(25)),
        ]
    );
}

#[test]
fn abbreviations_are_written_out_and_all_of_a_group_is_counted() {
    let got = profiles(
        "ALK in inflammatory myofibroblastic tumor",
        "Inflammatory myofibroblastic tumor (IMT) is a mesenchymal neoplasm. We examined 73 IMTs \
         and 20 cases of nodular fasciitis by immunohistochemistry. ALK positivity was detected \
         in 44 of 73 (60%) IMTs. All cases of nodular fasciitis were ALK negative.",
    );
    // Shown as written, with the written-out form.
    assert!(
        got.contains(&row(
            "ALK",
            "imts (inflammatory myofibroblastic tumor)",
            Some(44),
            Some(73)
        )),
        "{got:?}"
    );
    assert!(
        got.contains(&row("ALK", "nodular fasciitis", Some(0), Some(20))),
        "{got:?}"
    );
}

#[test]
fn thresholds_are_not_results_and_rates_cover_coordinated_tumours() {
    let got = profiles(
        "CDX2 in leiomyosarcoma and colonic adenocarcinoma",
        "We studied 35 leiomyosarcomas and 20 colonic adenocarcinomas by immunohistochemistry. \
         Strong CDX2 staining (>25% cells positive) was seen in 100% of leiomyosarcomas and \
         colonic adenocarcinomas.",
    );
    assert_eq!(
        got,
        [
            row("CDX2", "leiomyosarcomas", Some(35), Some(35)),
            row("CDX2", "colonic adenocarcinomas", Some(20), Some(20)),
        ]
    );
}

#[test]
fn other_assays_and_stray_aliases_are_not_profiles() {
    // FISH is not IHC; `and 1` is not the gene AND-1.
    let got = profiles(
        "ALK in lung adenocarcinoma",
        "ALK rearrangement was found by FISH in 5 of 40 lung adenocarcinomas. \
         Immunohistochemistry showed ALK in 3 of 21 and 1 of 16 lung adenocarcinomas.",
    );
    assert!(got.iter().all(|(m, _, _, _)| m == "ALK"), "{got:?}");
    assert!(
        !got.iter()
            .any(|(_, _, x, y)| (*x, *y) == (Some(5), Some(40))),
        "{got:?}"
    );
    // In a sentence about another assay, a clause that states IHC positivity still counts.
    let got = profiles(
        "TTF-1 immunohistochemistry in lung adenocarcinoma",
        "ALK mRNA was detected in one case (1%), and positive expression of TTF-1 was found in \
         10 of 100 lung adenocarcinomas (10%).",
    );
    assert_eq!(
        got,
        [row("NKX2-1", "lung adenocarcinomas", Some(10), Some(100))]
    );
}

#[test]
fn case_reports_count_patients_once_per_marker() {
    let got = profiles(
        "Sebaceous neoplasms in Muir-Torre syndrome",
        "We report two patients with sebaceous neoplasms. Immunohistochemical staining of the \
         sebaceous neoplasms demonstrated absence of MSH2. Immunohistochemical staining for MSH2 \
         may aid in the diagnosis.",
    );
    assert_eq!(got, [row("MSH2", "sebaceous neoplasms", Some(0), Some(2))]);
    // A marker stated in a sentence without an immunostaining word still counts when no
    // immunostaining sentence states it, and a tumour in a defining clause is not the
    // patient's.
    let got = profiles(
        "Small cell carcinoma of the bladder: a case report",
        "We present a case of small cell carcinoma of the bladder. Immunohistochemically, tumor \
         cells were positive for CD56. They were also positive for synaptophysin, which is a \
         marker of sebaceous neoplasms.",
    );
    assert_eq!(
        got,
        [
            row("NCAM1", "small cell carcinoma", Some(1), Some(1)),
            row("SYP", "small cell carcinoma", Some(1), Some(1)),
        ]
    );
}

#[test]
fn one_profile_per_marker_and_tumour_type_the_whole_series() {
    // Subgroups of the same series (by intensity) are not profiles of their own.
    let got = profiles(
        "TTF-1 immunohistochemistry in lung adenocarcinoma",
        "TTF-1 was positive in 40 of 50 (80%) lung adenocarcinomas. Strong staining was seen \
         in 20 of 50 lung adenocarcinomas and weak staining in 20 of 50.",
    );
    assert_eq!(
        got,
        [row("NKX2-1", "lung adenocarcinomas", Some(40), Some(50))]
    );
}

#[test]
fn abstracts_without_staining_words_are_not_read() {
    // No staining, positivity or immunohistochemistry word anywhere: not read at all (a
    // word most of PubMed has, such as `expression`, does not make a document worth tagging).
    let found = Extractor::new(lexicon()).extract(&doc(
        "CD56 in small cell carcinoma",
        "Twenty-two of 25 small cell carcinomas carried CD56 mutations and its expression.",
    ));
    assert!(!found.ihc_context && found.profiles.is_empty() && found.markers == 0);
    // A positivity word without an IHC method word is read, and flagged for the classifier.
    let found = Extractor::new(lexicon()).extract(&doc(
        "CD56 in small cell carcinoma",
        "Twenty-two of 25 small cell carcinomas were positive for CD56.",
    ));
    assert!(!found.ihc_context && found.markers == 1);
}

#[test]
fn decisions_come_with_reasons() {
    let pipeline = IhcPipeline::new(Extractor::new(lexicon()), Engine::Rules, true);
    let include = pipeline.process(&doc(
        "TTF-1 in lung adenocarcinoma",
        "TTF-1 was positive in 27 of 35 (77.1%) lung adenocarcinomas by immunohistochemistry.",
    ));
    assert_eq!(
        include.record.label,
        Label::Include,
        "{}",
        include.record.reason
    );
    assert!(matches!(
        include.record.reason,
        Reason::Counts { counts: 1, .. }
    ));

    let mut review = doc(
        "TTF-1 in lung adenocarcinoma: a review",
        "We review the immunohistochemistry of TTF-1, positive in 27 of 35 (77.1%) lung \
         adenocarcinomas in one series.",
    );
    review
        .meta
        .publication_types
        .push(pubminer_core::PublicationType {
            ui: Some("D016454".into()),
            name: "Review".into(),
        });
    let r = pipeline.process(&review);
    assert_eq!(r.record.label, Label::Exclude);
    assert_eq!(r.record.reason, Reason::Review);

    let french = pipeline.process(&doc(
        "TTF-1 dans les adenocarcinomes pulmonaires",
        "Le TTF-1 etait positif dans 30 des 32 adenocarcinomes pulmonaires etudies par \
         immunohistochimie, et dans aucun des 10 carcinomes epidermoides.",
    ));
    assert_eq!(french.record.label, Label::Exclude);
    assert!(
        matches!(french.record.reason, Reason::NotEnglish { .. }),
        "{}",
        french.record.reason
    );
}

#[test]
fn profiles_are_one_per_tumour_as_written_not_per_concept() {
    // Two names of one concept are two groups of the study.
    let got = profiles(
        "CDX2 immunohistochemistry",
        "CDX2 immunohistochemistry was positive in 50 of 100 bone and soft tissue tumors. Of \
         the 59 bone tumors, 37 cases (62.7%) were positive for CDX2.",
    );
    assert_eq!(
        got,
        [
            row("CDX2", "bone and soft tissue tumors", Some(50), Some(100)),
            row("CDX2", "bone tumors", Some(37), Some(59)),
        ]
    );
}

#[test]
fn tumour_types_the_document_abbreviates_are_tumours_where_used() {
    // No vocabulary names STUMP: its long form is the tumour type, also where the short form
    // is used, and the rate covers both coordinated tumours.
    let got = profiles(
        "CDX2 in uterine smooth muscle tumours",
        "We studied 35 leiomyosarcomas (LMS) and 2 cases of smooth muscle tumor of uncertain \
         malignant potential (STUMP) by immunohistochemistry. CDX2 staining was seen in 100% \
         of LMS and STUMP.",
    );
    assert_eq!(
        got,
        [
            row("CDX2", "lms (leiomyosarcomas)", Some(35), Some(35)),
            row(
                "CDX2",
                "stump (smooth muscle tumor of uncertain malignant potential)",
                Some(2),
                Some(2)
            ),
        ]
    );
}

#[test]
fn written_out_totals_complete_counts_about_the_main_tumour() {
    // The total is written out 60 bytes before its tumour; `tumors` is the study's tumour.
    let got = profiles(
        "CDX2 expression in colonic adenocarcinoma",
        "One hundred ninety-four patients with curatively resected colonic adenocarcinoma were \
         included. Tumors were graded, and tumor tissue was fixed. CDX2 immunohistochemistry was positive (moderate or strong staining) in 72 \
         tumors (37.1 %).",
    );
    assert_eq!(
        got,
        [row("CDX2", "colonic adenocarcinoma", Some(72), Some(194))]
    );
}

#[test]
fn double_stains_are_no_marker_and_each_distributes_a_count() {
    // `TTF-1/CDX2` is a combined stain (no profile of either); `TTF-1 and CDX2 each` gives
    // the count to both. A subgroup over the same series (`alone`) has fewer positives.
    let got = profiles(
        "Double TTF-1/CDX2 stain",
        "We used 24 cell blocks of lung adenocarcinomas for immunohistochemistry. Seventeen of \
         24 (70%) lung \
         adenocarcinomas were positive for the double stain TTF-1/CDX2, and 17 of 20 small cell \
         carcinomas were positive for TTF-1/CDX2 too. Two (8%) were positive \
         for TTF-1 alone. Thus, a total 19 of 24 (79%) lung adenocarcinomas were positive for \
         TTF-1 and CDX2 each.",
    );
    assert_eq!(
        got,
        [
            row("NKX2-1", "lung adenocarcinomas", Some(19), Some(24)),
            row("CDX2", "lung adenocarcinomas", Some(19), Some(24)),
        ]
    );
}

#[test]
fn no_staining_in_an_abbreviated_group_is_zero_of_its_size() {
    // `34 CB of lung adenocarcinomas (ADC)`: any one-word unit before `of` sizes the group,
    // and `ADC` (written out as the shorter `adenocarcinomas`) finds it.
    let got = profiles(
        "CDX2 in cell blocks",
        "We used 34 CB of lung adenocarcinomas (ADC). In ADC, no immunoreactivity was detected \
         for CDX2.",
    );
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        (got[0].0.as_str(), got[0].2, got[0].3),
        ("CDX2", Some(0), Some(34))
    );
    // A shorter name finds the only group whose name ends with it.
    let got = profiles(
        "CDX2 in cell blocks",
        "We used 34 lung adenocarcinomas. In adenocarcinomas, no immunoreactivity was \
         detected for CDX2.",
    );
    assert_eq!(got, [row("CDX2", "adenocarcinomas", Some(0), Some(34))]);
    // `no` that says nothing of staining is no statement.
    let got = profiles(
        "CDX2 in colonic adenocarcinoma",
        "Colonic adenocarcinomas showed variable CDX2 expression and no consistent pattern.",
    );
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn figures_that_are_not_positivity_stay_out_with_their_coordinates() {
    // Sensitivity and specificity, `respectively`: neither figure is a rate of positivity,
    // although the second stands far from the word. `60% of them` is a part of the 13, not of
    // the series. A sentence without marker or staining word is no profile.
    let got = profiles(
        "CDX2 immunohistochemistry",
        "CDX2 immunostaining was studied in 15 colonic adenocarcinomas and 34 lung \
         adenocarcinomas. There were 86.7% of colonic adenocarcinomas positive for CDX2, which \
         includes 60% of them showing diffuse CDX2 positivity. When staining of at least half \
         of the cells was positivity, the sensitivity and specificity of CDX2 for telling \
         colonic adenocarcinomas from lung adenocarcinomas were 60.0% and 100%, respectively. \
         Mucinous histology was the predominant type among lung adenocarcinomas (17/34 \
         [50%]).",
    );
    assert_eq!(
        got,
        [row("CDX2", "colonic adenocarcinomas", Some(13), Some(15))]
    );
}

#[test]
fn a_count_takes_the_tumour_nearest_to_its_start_or_end() {
    // `lung adenocarcinoma 27.3% (3/11) and small cell carcinoma ...`: the tumour before the
    // count is 6 bytes from its start, the one after 5 from its end.
    let got = profiles(
        "CDX2 immunostaining",
        "CDX2 immunostaining was done. The positivity rates were as follows: colonic \
         adenocarcinoma 15.6% (10/64), lung adenocarcinoma 27.3% (3/11) and small cell \
         carcinoma 25% (4/16).",
    );
    assert_eq!(
        got,
        [
            row("CDX2", "colonic adenocarcinoma", Some(10), Some(64)),
            row("CDX2", "lung adenocarcinoma", Some(3), Some(11)),
            row("CDX2", "small cell carcinoma", Some(4), Some(16)),
        ]
    );
}

#[test]
fn tumours_of_a_list_of_organs_are_one_type_per_organ() {
    let got = profiles(
        "CDX2 immunostaining",
        "CDX2 immunostaining was done. On the other hand, primary tumors of breast, prostate, \
         kidney and liver were negative for CDX2.",
    );
    assert_eq!(
        got,
        [
            row("CDX2", "primary tumors of breast", Some(0), None),
            row("CDX2", "primary tumors of prostate", Some(0), None),
            row("CDX2", "primary tumors of kidney", Some(0), None),
            row("CDX2", "primary tumors of liver", Some(0), None),
        ]
    );
}

#[test]
fn statements_about_all_tumours_cover_every_listed_marker() {
    // `All the tumours`: the study's tumour type, its size from the methods, and each marker
    // of the list.
    let got = profiles(
        "Immunohistochemistry of colonic adenocarcinoma",
        "From the database, 30 cases of colonic adenocarcinoma were identified. An \
         immunohistochemical study was performed. All the tumours were TTF-1, CD56 and CDX2 \
         negative.",
    );
    assert_eq!(
        got,
        [
            row("NKX2-1", "colonic adenocarcinoma", Some(0), Some(30)),
            row("NCAM1", "colonic adenocarcinoma", Some(0), Some(30)),
            row("CDX2", "colonic adenocarcinoma", Some(0), Some(30)),
        ]
    );
}

#[test]
fn loss_of_expression_is_the_negative_state_and_bounds_are_no_counts() {
    let got = profiles(
        "CDX2 immunohistochemistry",
        "CDX2 immunohistochemistry was done on 39 colonic adenocarcinomas. Loss of \
         heterozygosity occurred in 32% of colonic adenocarcinomas, and correlated with loss of \
         expression of CDX2 in 26%.",
    );
    assert_eq!(
        got,
        [row("CDX2", "colonic adenocarcinomas", Some(29), Some(39))]
    );
    // `up to 63%` bounds a rate; `up to 31.2% (86/276)` still states a count.
    let got = profiles(
        "CDX2 immunohistochemistry",
        "CDX2 immunohistochemistry was done on 148 colonic adenocarcinomas. Up to 63% of \
         colonic adenocarcinomas stained for CDX2.",
    );
    assert!(got.iter().all(|r| r.2.is_none()), "{got:?}");
    let got = profiles(
        "CDX2 immunohistochemistry",
        "CDX2 was expressed in up to 31.2% (86/276) of colonic adenocarcinomas by \
         immunohistochemistry.",
    );
    assert_eq!(
        got,
        [row("CDX2", "colonic adenocarcinomas", Some(86), Some(276))]
    );
}

#[test]
fn of_one_series_the_count_with_most_positives_is_the_profile() {
    // Strong staining is a part of all staining; `60% of them` is a part of the 86.5%.
    let got = profiles(
        "CDX2 immunohistochemistry",
        "Strong CDX2 staining was seen in 10 of 50 colonic adenocarcinomas. Overall, CDX2 was \
         positive in 30 of 50 colonic adenocarcinomas.",
    );
    assert_eq!(
        got,
        [row("CDX2", "colonic adenocarcinomas", Some(30), Some(50))]
    );
    let got = profiles(
        "CDX2 immunohistochemistry",
        "CDX2 immunostaining was studied in 15 colonic adenocarcinomas. There were 86.5% of \
         colonic adenocarcinomas positive for CDX2, which includes 60% of them showing diffuse \
         CDX2 positivity.",
    );
    assert_eq!(
        got,
        [row("CDX2", "colonic adenocarcinomas", None, Some(15))]
    );
}

#[test]
fn a_figure_coordinated_with_a_sensitivity_is_one_too() {
    // No `respectively`, and `100%` stands more than 50 bytes after `specificity`.
    let got = profiles(
        "CDX2 immunohistochemistry",
        "CDX2 immunostaining was studied in 15 colonic adenocarcinomas and 34 lung \
         adenocarcinomas. The specificity of CDX2 for lung adenocarcinomas was 60.0% and 100%.",
    );
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn processes_are_no_tumour_types() {
    // `carcinogenesis` is the most mentioned `neoplasm`, but the patients have the
    // adenocarcinoma.
    let got = profiles(
        "CDX2 in colonic carcinogenesis",
        "We studied CDX2 in carcinogenesis, the carcinogenesis of the colon and colonic \
         adenocarcinoma. By immunohistochemistry, 94% (98/104) of the patients expressed CDX2.",
    );
    assert_eq!(
        got,
        [row("CDX2", "colonic adenocarcinoma", Some(98), Some(104))]
    );
}
