//! The trained classifier's inputs and its reasons: document features (cues of reviews,
//! animals, cell lines, assays; what the scorer made of the candidates; the rules' decision).

use super::{
    ANIMAL_TEXT, ANIMAL_TITLE, CELL_LINES, Cues, Decision, NORMAL_TISSUE, included, without_counts,
};
use crate::extract::Analysis;
use crate::record::{Label, Profile, Reason};
use crate::words::{IHC_CUES, NON_IHC};

named_enum! {
    /// One feature of a document for the trained include/exclude classifier.
    DocFeature, "document feature" {
    /// The best candidate profile's score.
    BestProfileScore = "best-profile-score",
    /// The best score of a count expression's candidate.
    BestCountScore = "best-count-score",
    /// The best score of a statement's candidate.
    BestStatementScore = "best-statement-score",
    /// The best score of a case report's candidate.
    BestCaseReportScore = "best-case-report-score",
    /// The mean score of the selected profiles.
    SelectedMeanScore = "selected-mean-score",
    /// Selected profiles scoring 0.5 or more (scaled).
    StrongProfiles = "strong-profiles",
    /// Flow cytometry named.
    FlowCytometry = "flow-cytometry",
    /// Molecular assays named (PCR, mRNA, ISH, sequencing, Western blot, FISH).
    MolecularAssays = "molecular-assays",
    /// The title has a number (`of 418 cases`).
    CountsInTitle = "counts-in-title",
    /// Profiles selected (scaled).
    SelectedProfiles = "selected-profiles",
    /// Selected profiles with both numbers (scaled).
    CountedProfiles = "counted-profiles",
    /// Selected case-report findings.
    CaseReportProfiles = "case-report-profiles",
    /// The rules include the document.
    RulesInclude = "rules-include",
    /// IHC method words (scaled).
    IhcWords = "ihc-words",
    /// The title names an IHC method.
    IhcInTitle = "ihc-in-title",
    /// Meta-analysis (publication type or words).
    MetaAnalysis = "meta-analysis",
    /// Systematic review.
    SystematicReview = "systematic-review",
    /// Review publication type.
    ReviewType = "review-type",
    /// `in this review`, `we review`.
    ReviewWords = "review-words",
    /// `review` in the title.
    ReviewTitle = "review-title",
    /// Animal words in the title.
    AnimalTitle = "animal-title",
    /// Animal words in the text (scaled).
    AnimalText = "animal-text",
    /// Cell lines, xenografts.
    CellLines = "cell-lines",
    /// `in vitro`, `cultured`, `transfected`.
    InVitro = "in-vitro",
    /// Normal tissue only words.
    NormalTissue = "normal-tissue",
    /// Other assays named (scaled).
    OtherAssays = "other-assays",
    /// Prognosis and survival words.
    Prognosis = "prognosis",
    /// Scores and means of staining (`H-score`, `mean`).
    StainingScores = "staining-scores",
    /// Count expressions (scaled).
    CountsSeen = "counts-seen",
    /// Distinct markers (scaled).
    Markers = "markers",
    /// Tumour mentions (scaled).
    Tumours = "tumours",
    /// The document reads as a case report.
    CaseReport = "case-report",
    /// Case report publication type.
    CaseReportType = "case-report-type",
    /// Sensitivity or specificity figures.
    Sensitivity = "sensitivity",
    }
}

/// Number of document features.
pub const DOC_FEATURES: usize = DocFeature::ALL.len();

fn scaled(n: usize, max: f64) -> f32 {
    (((1 + n) as f64).ln() / (1.0 + max).ln()).min(1.0) as f32
}

/// The uses of `words` in `text`, each word's counted as `str::matches` counts them (left to
/// right, not overlapping itself), in one pass over the text.
fn occurrences(text: &str, words: &WordCounter) -> usize {
    let mut last_end = vec![0usize; words.words];
    let mut n = 0;
    for m in words.automaton.find_overlapping_iter(text) {
        let end = &mut last_end[m.pattern().as_usize()];
        if m.start() >= *end {
            *end = m.end();
            n += 1;
        }
    }
    n
}

/// An automaton over a fixed word list, built once.
struct WordCounter {
    automaton: aho_corasick::AhoCorasick,
    /// Words in the list.
    words: usize,
}

impl WordCounter {
    fn new(words: &[&str]) -> Self {
        Self {
            automaton: aho_corasick::AhoCorasick::new(words).expect("a few literal cue words"),
            words: words.len(),
        }
    }
}

static IHC_CUE_COUNTER: std::sync::LazyLock<WordCounter> =
    std::sync::LazyLock::new(|| WordCounter::new(&IHC_CUES));
static ANIMAL_TEXT_COUNTER: std::sync::LazyLock<WordCounter> =
    std::sync::LazyLock::new(|| WordCounter::new(&ANIMAL_TEXT));

/// What the scorer made of a document's candidates.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scored {
    /// Best candidate score.
    pub best: f32,
    /// Best score of a count expression's candidate.
    pub best_count: f32,
    /// Best score of a statement's candidate.
    pub best_statement: f32,
    /// Best score of a case report's candidate.
    pub best_case: f32,
    /// Mean score of the selected profiles.
    pub selected_mean: f32,
    /// Selected profiles scoring 0.5 or more.
    pub strong: usize,
}

impl Scored {
    /// Reads the scores.
    #[must_use]
    pub fn of(analysis: &Analysis, scores: &[f32], selected: &[(usize, Profile)]) -> Self {
        use crate::candidates::AnchorKind;
        let mut s = Self::default();
        for (c, &p) in analysis.candidates.candidates.iter().zip(scores) {
            s.best = s.best.max(p);
            let slot = match analysis.candidates.anchors[c.anchor].kind {
                AnchorKind::Count | AnchorKind::ListItem | AnchorKind::Numerator => {
                    &mut s.best_count
                }
                AnchorKind::Statement => &mut s.best_statement,
                AnchorKind::CaseReport => &mut s.best_case,
            };
            *slot = slot.max(p);
        }
        if !selected.is_empty() {
            s.selected_mean =
                selected.iter().map(|(i, _)| scores[*i]).sum::<f32>() / selected.len() as f32;
        }
        s.strong = selected.iter().filter(|(i, _)| scores[*i] >= 0.5).count();
        s
    }
}

/// The document features, given the rules' decision and the scored, selected profiles.
#[must_use]
pub fn doc_features(
    cues: &Cues,
    analysis: &Analysis,
    rules: &Decision,
    scored: &Scored,
    selected: &[Profile],
) -> Vec<f32> {
    use DocFeature as F;
    let mut row = vec![0f32; DOC_FEATURES];
    let text = cues.text.as_str();
    let mut set = |f: DocFeature, v: f32| row[f as usize] = v;
    let b = |v: bool| f32::from(u8::from(v));
    set(F::BestProfileScore, scored.best);
    set(F::BestCountScore, scored.best_count);
    set(F::BestStatementScore, scored.best_statement);
    set(F::BestCaseReportScore, scored.best_case);
    set(F::SelectedMeanScore, scored.selected_mean);
    set(F::StrongProfiles, scaled(scored.strong, 20.0));
    set(
        F::FlowCytometry,
        b(text.contains("flow cytometr") || text.contains("flow-cytometr")),
    );
    set(
        F::MolecularAssays,
        b([
            "pcr",
            "mrna",
            "in situ hybridi",
            "sequencing",
            "western blot",
            "fish ",
        ]
        .iter()
        .any(|c| text.contains(c))),
    );
    set(
        F::CountsInTitle,
        b(cues.title.chars().any(|c| c.is_ascii_digit())),
    );
    set(F::SelectedProfiles, scaled(selected.len(), 20.0));
    let counted = selected
        .iter()
        .filter(|p| p.positive.is_some() && p.total.is_some())
        .count();
    set(F::CountedProfiles, scaled(counted, 20.0));
    set(
        F::CaseReportProfiles,
        b(selected.iter().any(|p| p.case_report)),
    );
    set(F::RulesInclude, b(rules.label.is_include()));
    set(
        F::IhcWords,
        scaled(occurrences(text, &IHC_CUE_COUNTER), 10.0),
    );
    set(
        F::IhcInTitle,
        b(IHC_CUES.iter().any(|c| cues.title.contains(c))),
    );
    set(F::MetaAnalysis, b(cues.meta_analysis()));
    set(F::SystematicReview, b(cues.systematic_review()));
    set(F::ReviewType, b(cues.review_type && !cues.case_report_type));
    set(F::ReviewWords, b(cues.review_words()));
    set(F::ReviewTitle, b(cues.review_title()));
    set(
        F::AnimalTitle,
        b(Cues::any(&cues.title, &ANIMAL_TITLE).is_some()),
    );
    set(
        F::AnimalText,
        scaled(occurrences(text, &ANIMAL_TEXT_COUNTER), 10.0),
    );
    set(F::CellLines, b(Cues::any(text, &CELL_LINES).is_some()));
    set(
        F::InVitro,
        b(["in vitro", "cultured", "transfect"]
            .iter()
            .any(|c| text.contains(c))),
    );
    set(
        F::NormalTissue,
        b(Cues::any(text, &NORMAL_TISSUE).is_some()),
    );
    set(
        F::OtherAssays,
        scaled(NON_IHC.iter().filter(|c| text.contains(*c)).count(), 6.0),
    );
    set(
        F::Prognosis,
        b(["prognos", "survival", "hazard ratio"]
            .iter()
            .any(|c| text.contains(c))),
    );
    set(
        F::StainingScores,
        b(["h-score", "h score", "staining score", "mean "]
            .iter()
            .any(|c| text.contains(c))),
    );
    set(F::CountsSeen, scaled(analysis.candidates.counts_seen, 30.0));
    set(F::Markers, scaled(analysis.context.distinct_markers, 20.0));
    set(F::Tumours, scaled(analysis.mentions.tumours.len(), 30.0));
    set(F::CaseReport, b(analysis.context.case_report));
    set(F::CaseReportType, b(cues.case_report_type));
    set(
        F::Sensitivity,
        b(text.contains("sensitivity") || text.contains("specificity")),
    );
    row
}

/// The trained classifier's reason: for an inclusion, what the selected profiles are; for an
/// exclusion, the cue that weighed most against it (`contributions`: feature index and share
/// of the log-odds), else the want of counts.
#[must_use]
pub fn trained_reason(
    include: bool,
    selected: &[Profile],
    contributions: &[(usize, f32)],
    cues: &Cues,
    analysis: &Analysis,
) -> Decision {
    if include && let Some(d) = included(selected) {
        return d;
    }
    let exclude = |reason| Decision {
        label: Label::Exclude,
        reason,
    };
    let decisive = contributions
        .iter()
        .filter(|(_, c)| *c < -0.5)
        .find_map(|&(i, _)| {
            Some(match DocFeature::ALL.get(i)? {
                DocFeature::MetaAnalysis => Reason::MetaAnalysis,
                DocFeature::SystematicReview => Reason::SystematicReview,
                DocFeature::ReviewType | DocFeature::ReviewWords | DocFeature::ReviewTitle => {
                    Reason::Review
                }
                DocFeature::AnimalTitle | DocFeature::AnimalText => Reason::Animal(
                    Cues::any(&cues.title, &ANIMAL_TITLE)
                        .or_else(|| Cues::any(&cues.text, &ANIMAL_TEXT))
                        .unwrap_or("animal")
                        .trim()
                        .to_owned(),
                ),
                DocFeature::CellLines | DocFeature::InVitro => Reason::CellLines(
                    Cues::any(&cues.text, &CELL_LINES)
                        .or_else(|| Cues::any(&cues.text, &["in vitro", "cultured", "transfect"]))
                        .unwrap_or("cell lines")
                        .to_owned(),
                ),
                DocFeature::NormalTissue => Reason::NormalTissue(
                    Cues::any(&cues.text, &NORMAL_TISSUE)
                        .unwrap_or("normal tissue")
                        .to_owned(),
                ),
                _ => return None,
            })
        });
    if let Some(reason) = decisive {
        return exclude(reason);
    }
    if !analysis.ihc_context {
        return exclude(Reason::NoIhc);
    }
    exclude(without_counts(
        analysis.context.distinct_markers,
        analysis.candidates.counts_seen,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_word_as_str_matches_does() {
        for text in [
            "",
            "immunohistochemistry and immunostaining; immunohistochemical",
            "rat rat rats mice mouse murine micemice",
            "rat rat rat ",
            "canine, feline and bovine tissue; porcine mice",
        ] {
            let by_word =
                |words: &[&str]| -> usize { words.iter().map(|w| text.matches(w).count()).sum() };
            assert_eq!(
                occurrences(text, &IHC_CUE_COUNTER),
                by_word(&IHC_CUES),
                "{text}"
            );
            assert_eq!(
                occurrences(text, &ANIMAL_TEXT_COUNTER),
                by_word(&ANIMAL_TEXT),
                "{text}"
            );
        }
    }
}
