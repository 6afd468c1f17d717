//! Every rule of the IHC engine on a sentence written for it: with every rule on, the rule
//! does what it says; with it switched off (the configuration `--rules-off` uses), what is
//! read changes. This is the mutation check `bench/ihc_rule_mutations.py` used to do by
//! patching the source. A last test checks that every rule has its case.

mod common;

use common::{Row, candidates, mentions, picked, row};
use pubminer_ihc::rules::{Rule, RuleSet};

/// What a case checks.
enum Check {
    /// The rules engine picks the row with the rule on, not with it off.
    Picked(Row),
    /// The rules engine picks the row only with the rule off (a rule that filters).
    Filtered(Row),
    /// Some candidate is the row with the rule on, none with it off.
    Candidate(Row),
    /// A candidate is the row only with the rule off.
    NoCandidate(Row),
    /// The mention (`marker X` or `tumour X`) is read with the rule on, not with it off.
    Mention(&'static str),
    /// The mention is read only with the rule off.
    NoMention(&'static str),
}

struct Case {
    rule: Rule,
    title: &'static str,
    text: &'static str,
    check: Check,
}

fn r(m: &str, t: &str, x: u32, y: u32) -> Row {
    row(m, t, Some(x), Some(y))
}

fn cases() -> Vec<Case> {
    use Check::*;
    let case = |rule, title, text, check| Case {
        rule,
        title,
        text,
        check,
    };
    vec![
        case(
            Rule::DoubleStain,
            "CK5/P63 immunohistochemistry",
            "By immunohistochemistry, 19 of 24 lung adenocarcinomas were positive for CK5/P63.",
            Filtered(r("KRT5", "lung adenocarcinomas", 19, 24)),
        ),
        case(
            Rule::StrayGeneAliases,
            "ALK immunohistochemistry",
            "Immunohistochemistry showed ALK in 3 of 21 and 1 of 16 lung adenocarcinomas.",
            NoMention("marker and 1"),
        ),
        case(
            Rule::GeneAliasDefinedAsTumour,
            "CD56 immunohistochemistry",
            "We studied small cell carcinoma (SCC) by immunohistochemistry. CD56 was positive \
             in 20 of 25 SCCs.",
            NoMention("marker SCCs"),
        ),
        case(
            Rule::ProcessesAreNotTumours,
            "CDX2 immunohistochemistry",
            "CDX2 staining was studied in carcinogenesis by immunohistochemistry.",
            NoMention("tumour carcinogenesis"),
        ),
        case(
            Rule::AdjacentTumoursMerge,
            "CD56 immunohistochemistry",
            "CD56 staining was positive in 4 of 10 desmoid fibromatoses.",
            Mention("tumour desmoid fibromatoses"),
        ),
        case(
            Rule::AbbreviatedTumours,
            "CDX2 immunohistochemistry",
            "We studied 5 cases of myxoid spindle cell sarcoma (mscs) by immunohistochemistry. \
             CDX2 staining was seen in 2 of 5 mscss.",
            Mention("tumour myxoid spindle cell sarcoma [mscss]"),
        ),
        case(
            Rule::HeadPhrases,
            "CDX2 immunohistochemistry",
            "CDX2 was negative in 12 of 12 non-osteogenic spindle sarcomas.",
            Mention("tumour non-osteogenic spindle sarcomas"),
        ),
        case(
            Rule::OrganLists,
            "CDX2 immunohistochemistry",
            "By immunohistochemistry, primary tumors of breast, prostate, kidney and liver were \
             negative for CDX2.",
            Mention("tumour primary tumors of breast"),
        ),
        case(
            Rule::ShapeMarkers,
            "Immunohistochemistry of lung adenocarcinoma",
            "MRK-19 was positive in 5 of 8 lung adenocarcinomas.",
            Candidate(r("MRK-19", "lung adenocarcinomas", 5, 8)),
        ),
        case(
            Rule::AbbreviatedMarkers,
            "Immunohistochemistry of lung adenocarcinoma",
            "By immunohistochemistry, SYNP was positive in 10 of 12 lung adenocarcinomas. \
             Synaptophysin (SYNP) and CD56 are neuroendocrine markers.",
            Picked(r("SYP", "lung adenocarcinomas", 10, 12)),
        ),
        case(
            Rule::MarkerNumbers,
            "Immunohistochemistry of lung adenocarcinoma",
            "Lung adenocarcinomas stained for CK 7 (28.9%) in 13 of 45.",
            NoCandidate(row("KRT7", "lung adenocarcinomas", Some(7), None)),
        ),
        case(
            Rule::ParallelList,
            "Immunohistochemistry of lung adenocarcinoma",
            "Immunoreactivity for CD56, synaptophysin and CDX2 was found in 17, 30 and 14 of 40 \
             lung adenocarcinomas.",
            Picked(r("NCAM1", "lung adenocarcinomas", 17, 40)),
        ),
        case(
            Rule::Respectively,
            "Immunohistochemistry of lung adenocarcinoma",
            "We studied 40 lung adenocarcinomas. CD56 and CDX2 were positive in 80% and 20%, \
             respectively.",
            Picked(r("NCAM1", "lung adenocarcinomas", 32, 40)),
        ),
        case(
            Rule::ClauseOfCount,
            "CD56 immunohistochemistry in small cell carcinoma",
            "Twenty-two (88%) of 25 small cell carcinomas labeled with CD56, whereas 16 of 25 \
             (64%) stained with synaptophysin in a diffuse pattern and 8 of 25 (32%) showed \
             focal immunoreactivity for CDX2.",
            Picked(r("SYP", "small cell carcinomas", 16, 25)),
        ),
        case(
            Rule::GroupTotals,
            "ALK in lung adenocarcinoma",
            "We examined 73 lung adenocarcinomas by immunohistochemistry. ALK positivity was \
             detected in 44 (60%) lung adenocarcinomas.",
            Picked(r("ALK", "lung adenocarcinomas", 44, 73)),
        ),
        case(
            Rule::PercentOfGroup,
            "TTF-1 immunohistochemistry",
            "We studied 48 lung adenocarcinomas by immunohistochemistry. TTF-1 was expressed in \
             75% of lung adenocarcinomas.",
            Picked(r("NKX2-1", "lung adenocarcinomas", 36, 48)),
        ),
        case(
            Rule::TotalFromPercent,
            "TTF-1 immunohistochemistry",
            "TTF-1 was positive in 12 cases (18.2%) of lung adenocarcinomas.",
            Candidate(r("NKX2-1", "lung adenocarcinomas", 12, 66)),
        ),
        case(
            Rule::SeriesTotals,
            "CD56 immunohistochemistry",
            "A total of 20 patients were studied. Lung adenocarcinomas were positive for CD56 in \
             1 (5%) by immunohistochemistry.",
            Candidate(r("NCAM1", "lung adenocarcinomas", 1, 20)),
        ),
        case(
            Rule::MarkerStatements,
            "Lung adenocarcinoma: immunohistochemistry",
            "Four cases of lung adenocarcinoma were studied. Immunohistochemically, all cases were \
             positive for CD56 and CDX2.",
            Candidate(r("CDX2", "lung adenocarcinoma", 4, 4)),
        ),
        case(
            Rule::NegativeState,
            "TTF-1 in lung adenocarcinoma",
            "By immunohistochemistry, 12 of 19 lung adenocarcinomas were TTF-1-negative.",
            Picked(r("NKX2-1", "lung adenocarcinomas", 7, 19)),
        ),
        case(
            Rule::Statements,
            "CDX2 immunostaining",
            "Tissue from 21 colonic adenocarcinomas and 10 leiomyosarcomas was evaluated for CDX2 \
             immunoreactivity. Positive staining was seen in all of the colonic adenocarcinomas \
             but in none of the leiomyosarcomas.",
            Picked(r("CDX2", "colonic adenocarcinomas", 21, 21)),
        ),
        case(
            Rule::CaseReports,
            "Small cell carcinoma of the bladder: a case report",
            "We present a case of small cell carcinoma of the bladder. Immunohistochemically, \
             tumor cells were positive for CD56.",
            Picked(r("NCAM1", "small cell carcinoma", 1, 1)),
        ),
        case(
            Rule::EachMarker,
            "CD56 and CDX2 immunohistochemistry",
            "By immunohistochemistry, 19 of 24 lung adenocarcinomas were positive for CD56 and \
             CDX2 each.",
            Picked(r("CDX2", "lung adenocarcinomas", 19, 24)),
        ),
        case(
            Rule::CoordinatedMarkers,
            "Immunohistochemistry of lung adenocarcinoma",
            "We studied 30 lung adenocarcinomas by immunohistochemistry. All the tumours were \
             CD56, CDX2 and TTF-1 negative.",
            Picked(r("CDX2", "lung adenocarcinomas", 0, 30)),
        ),
        case(
            Rule::CoordinatedTumours,
            "CDX2 in leiomyosarcoma and colonic adenocarcinoma",
            "We studied 35 leiomyosarcomas and 20 colonic adenocarcinomas by immunohistochemistry. \
             CDX2 staining was seen in 100% of leiomyosarcomas and colonic adenocarcinomas.",
            Picked(r("CDX2", "colonic adenocarcinomas", 20, 20)),
        ),
        case(
            Rule::GenericTumourIsMain,
            "CD56 immunohistochemistry",
            "We studied 30 lung adenocarcinomas by immunohistochemistry. CD56 was positive in 12 \
             of 30 tumors.",
            Picked(r("NCAM1", "lung adenocarcinomas", 12, 30)),
        ),
        case(
            Rule::Thresholds,
            "CDX2 immunohistochemistry",
            "We studied 40 lung adenocarcinomas. CDX2 was positive in more than 10% of lung \
             adenocarcinomas by immunohistochemistry.",
            Filtered(r("CDX2", "lung adenocarcinomas", 4, 40)),
        ),
        case(
            Rule::NotPositivity,
            "CDX2 immunohistochemistry",
            "By immunohistochemistry, the specificity of CDX2 was 90% (18/20) in colonic \
             adenocarcinomas.",
            Filtered(r("CDX2", "colonic adenocarcinomas", 18, 20)),
        ),
        case(
            Rule::PartOfPrevious,
            "TTF-1 immunohistochemistry",
            "We studied 40 lung adenocarcinomas. TTF-1 was positive in 20 of 40 (50%) lung \
             adenocarcinomas, and 60% of them showed diffuse positivity.",
            Filtered(r("NKX2-1", "lung adenocarcinomas", 24, 40)),
        ),
        case(
            Rule::UnitsAfterCount,
            "CD56 immunohistochemistry",
            "We studied 30 lung adenocarcinomas by immunohistochemistry. CD56 was positive in 12 \
             (40%) patients.",
            Filtered(r("NCAM1", "lung adenocarcinomas", 12, 30)),
        ),
        case(
            Rule::OtherAssay,
            "ALK in lung adenocarcinoma",
            "Immunohistochemistry was done. ALK rearrangement was found by FISH in 5 of 40 lung \
             adenocarcinomas.",
            Filtered(r("ALK", "lung adenocarcinomas", 5, 40)),
        ),
        case(
            Rule::StainingSentence,
            "TTF-1 immunohistochemistry",
            "TTF-1 immunostaining was performed. Lung adenocarcinoma was the predominant type \
             (29/36).",
            Filtered(r("NKX2-1", "lung adenocarcinoma", 29, 36)),
        ),
        case(
            Rule::MostPositivesOfSeries,
            "TTF-1 immunohistochemistry in lung adenocarcinoma",
            "Strong TTF-1 staining was seen in 20 of 50 lung adenocarcinomas, and TTF-1 was \
             positive in 40 of 50 lung adenocarcinomas.",
            Picked(r("NKX2-1", "lung adenocarcinomas", 40, 50)),
        ),
    ]
}

/// The same marker and numbers, the tumour named alike (as `eval ihc` compares them).
fn same(a: &Row, b: &Row) -> bool {
    let mut keys = pubminer_text::normalize::KeyBuilder::new();
    a.0 == b.0
        && a.2 == b.2
        && a.3 == b.3
        && pubminer_ihc::eval::tumour_matches(&mut keys, &a.1, &b.1)
}

/// Whether the case's row (or mention) is read under `rules`.
fn observed(case: &Case, rules: RuleSet) -> bool {
    let (title, text) = (case.title, case.text);
    match &case.check {
        Check::Picked(row) | Check::Filtered(row) => {
            picked(rules, title, text).iter().any(|p| same(p, row))
        }
        Check::Candidate(row) | Check::NoCandidate(row) => {
            candidates(rules, title, text).iter().any(|p| same(p, row))
        }
        Check::Mention(m) | Check::NoMention(m) => {
            mentions(rules, title, text).iter().any(|x| x == m)
        }
    }
}

#[test]
fn each_rule_does_what_it_says_and_switching_it_off_changes_the_reading() {
    let mut failures = Vec::new();
    for case in cases() {
        let on = observed(&case, RuleSet::all());
        let off = observed(&case, RuleSet::all().without(case.rule));
        let wanted_on = matches!(
            case.check,
            Check::Picked(_) | Check::Candidate(_) | Check::Mention(_)
        );
        if on != wanted_on || off == wanted_on {
            failures.push(format!(
                "{}: with the rule {} (wanted {wanted_on}), without it {off}: picked {:?}, mentions {:?}",
                case.rule,
                on,
                picked(RuleSet::all(), case.title, case.text),
                mentions(RuleSet::all(), case.title, case.text)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_a_case() {
    let covered: Vec<Rule> = cases().iter().map(|c| c.rule).collect();
    let missing: Vec<&Rule> = Rule::ALL.iter().filter(|r| !covered.contains(r)).collect();
    assert!(missing.is_empty(), "rules without a case: {missing:?}");
}
