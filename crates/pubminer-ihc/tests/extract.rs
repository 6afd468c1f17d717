//! The extraction rules of the IHC engine, each on a sentence written for it, over a small
//! hand-made lexicon (genes from HGNC, tumour types as neoplasms): count phrasings, group
//! totals, negative states, clauses, coordination, thresholds, case reports, other assays,
//! and the include/exclude decision with its reason.

use std::sync::Arc;

use pubminer_core::{Document, Passage, PassageKind};
use pubminer_ihc::extract::Extractor;
use pubminer_ihc::pipeline::IhcPipeline;
use pubminer_lexicon::{Concept, EntityType, Lexicon, Synonym, SynonymKind, Tags};

fn gene(id: &str, symbol: &str, aliases: &[&str]) -> Concept {
    let mut c = Concept::new(id, symbol, EntityType::Gene, "hgnc");
    c.synonyms.push(Synonym::new(symbol, SynonymKind::Symbol));
    for a in aliases {
        c.synonyms.push(Synonym::new(*a, SynonymKind::AliasSymbol));
    }
    c
}

fn tumour(id: &str, name: &str, synonyms: &[&str]) -> Concept {
    let mut c = Concept::new(id, name, EntityType::Disease, "oncotree");
    for s in synonyms {
        c.synonyms.push(Synonym::new(*s, SynonymKind::Exact));
    }
    c.tags = Tags::NEOPLASM;
    c
}

fn lexicon() -> Arc<Lexicon> {
    Arc::new(
        Lexicon::from_concepts(vec![
            gene("HGNC:11825", "NKX2-1", &["TTF-1", "TTF1"]),
            gene("HGNC:12397", "TTF1", &[]),
            gene("HGNC:7656", "NCAM1", &["CD56"]),
            gene("HGNC:11506", "SYP", &[]),
            gene("HGNC:427", "ALK", &[]),
            gene("HGNC:1806", "CDX2", &[]),
            gene("HGNC:7325", "MSH2", &[]),
            gene("HGNC:16905", "WDHD1", &["AND-1"]),
            tumour(
                "ONCOTREE:LUAD",
                "lung adenocarcinoma",
                &["lung adenocarcinomas"],
            ),
            tumour("ONCOTREE:SCLC", "small cell carcinoma", &[]),
            tumour("ONCOTREE:IMT", "inflammatory myofibroblastic tumor", &[]),
            tumour("ONCOTREE:NF", "nodular fasciitis", &[]),
            tumour("ONCOTREE:LMS", "leiomyosarcoma", &[]),
            tumour("ONCOTREE:COAD", "colonic adenocarcinoma", &[]),
            tumour(
                "ONCOTREE:SEB",
                "sebaceous neoplasm",
                &["sebaceous neoplasms"],
            ),
        ])
        .unwrap(),
    )
}

fn doc(title: &str, text: &str) -> Document {
    let mut d = Document::new("1");
    d.passages.push(Passage::new(PassageKind::Title, title));
    d.passages.push(Passage::new(PassageKind::Abstract, text));
    d
}

/// `(marker symbol or text, tumour, positive, total)` of each profile.
fn profiles(title: &str, text: &str) -> Vec<(String, String, Option<u32>, Option<u32>)> {
    let found = Extractor::new(lexicon()).extract(&doc(title, text));
    found
        .profiles
        .iter()
        .map(|p| {
            (
                p.marker_symbol.clone().unwrap_or_else(|| p.marker.clone()),
                p.tumour_type.to_lowercase(),
                p.positive,
                p.total,
            )
        })
        .collect()
}

fn row(
    m: &str,
    t: &str,
    x: Option<u32>,
    y: Option<u32>,
) -> (String, String, Option<u32>, Option<u32>) {
    (m.to_owned(), t.to_owned(), x, y)
}

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
    assert!(
        got.contains(&row(
            "ALK",
            "inflammatory myofibroblastic tumor",
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
fn abstracts_without_immunohistochemistry_are_not_tagged() {
    // The same sentence with no IHC cue anywhere: excluded on the cue alone.
    let found = Extractor::new(lexicon()).extract(&doc(
        "CD56 in small cell carcinoma",
        "Twenty-two of 25 small cell carcinomas labeled with CD56.",
    ));
    assert!(!found.ihc_context && found.profiles.is_empty());
}

#[test]
fn decisions_come_with_reasons() {
    let pipeline = IhcPipeline::new(Extractor::new(lexicon()), true);
    let include = pipeline.process(&doc(
        "TTF-1 in lung adenocarcinoma",
        "TTF-1 was positive in 27 of 35 (77.1%) lung adenocarcinomas by immunohistochemistry.",
    ));
    assert_eq!(include.record.label, "include", "{}", include.record.reason);
    assert!(!include.record.reason.is_empty());

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
    assert_eq!(r.record.label, "exclude");
    assert!(r.record.reason.contains("review"), "{}", r.record.reason);

    let french = pipeline.process(&doc(
        "TTF-1 dans les adenocarcinomes pulmonaires",
        "Le TTF-1 etait positif dans 30 des 32 adenocarcinomes pulmonaires etudies par \
         immunohistochimie, et dans aucun des 10 carcinomes epidermoides.",
    ));
    assert_eq!(french.record.label, "exclude");
    assert!(
        french.record.reason.contains("not English"),
        "{}",
        french.record.reason
    );
}
