//! Include/Exclude with IHC-LLMiner's criteria, explained.
//!
//! Include iff (1) the abstract reports the positivity of one or more IHC markers in one or
//! more tumour types (a single-patient case report with IHC findings counts even without
//! numbers), (2) unless a case report, it gives counts per marker per tumour type (exact, or
//! percentages with a stated total), and (3) it is not a review or meta-analysis.
//!
//! Two deciders share the [`Reason`]s: [`rules`] (ordered rules; the first that fires gives
//! the reason) and the trained classifier over [`DocFeature`]s (the rules' decision is one of
//! them), whose reason names the cue that weighed most.

use pubminer_core::Document;

use crate::extract::{Analysis, Found};
use crate::record::{Label, Profile, Reason};
use crate::words::{IHC_CUES, NON_IHC};

/// A decision and its reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// Include or exclude.
    pub label: Label,
    /// Why.
    pub reason: Reason,
}

/// What a document says about itself, read once for both deciders.
#[derive(Clone, Debug, Default)]
pub struct Cues {
    /// Lower-cased title.
    title: String,
    /// Lower-cased title and abstract.
    text: String,
    review_type: bool,
    case_report_type: bool,
    meta_type: bool,
    systematic_type: bool,
}

const ANIMAL_TITLE: [&str; 9] = [
    "canine", "feline", "murine", "equine", "bovine", "in dogs", "in cats", "in mice", "in rats",
];
const ANIMAL_TEXT: [&str; 10] = [
    "mice", "mouse", "rats", "rat ", "dogs", "canine", "murine", "feline", "bovine", "porcine",
];
const NORMAL_TISSUE: [&str; 3] = ["normal human tissue", "normal tissues only", "in normal human"];
const CELL_LINES: [&str; 3] = ["initiating cells", "cell lines", "xenograft"];

impl Cues {
    /// Reads the cues of `doc`.
    #[must_use]
    pub fn of(doc: &Document) -> Self {
        let title = doc.title().map(|p| p.text().to_lowercase()).unwrap_or_default();
        let text = doc
            .passages
            .iter()
            .map(|p| p.text().to_lowercase())
            .collect::<Vec<_>>()
            .join(" ");
        let meta = &doc.meta;
        Self {
            title,
            text,
            review_type: meta.has_publication_type("D016454"),
            case_report_type: meta.has_publication_type("D002363"),
            meta_type: meta.has_publication_type("D017418"),
            systematic_type: meta.has_publication_type("D000078182"),
        }
    }

    fn any<'a>(text: &str, cues: &[&'a str]) -> Option<&'a str> {
        cues.iter().copied().find(|c| text.contains(c))
    }

    fn meta_analysis(&self) -> bool {
        self.meta_type || self.title.contains("meta-analysis") || self.text.contains("this meta-analysis")
    }

    fn systematic_review(&self) -> bool {
        self.systematic_type || self.title.contains("systematic review")
    }

    fn review_words(&self) -> bool {
        ["in this review", "we review", "this review"].iter().any(|c| self.text.contains(c))
    }

    fn review_title(&self) -> bool {
        self.title.contains("review") && !self.title.contains("review of literature")
    }
}

/// The rules' decision for `doc` given what the rules extracted.
#[must_use]
pub fn rules(cues: &Cues, found: &Found) -> Decision {
    let exclude = |reason: Reason| Decision {
        label: Label::Exclude,
        reason,
    };
    if cues.meta_analysis() {
        return exclude(Reason::MetaAnalysis);
    }
    if cues.systematic_review() {
        return exclude(Reason::SystematicReview);
    }
    if (cues.review_type && !cues.case_report_type)
        || cues.review_words()
        || (cues.review_title() && !found.case_report)
    {
        return exclude(Reason::Review);
    }
    if let Some(cue) = Cues::any(&cues.title, &ANIMAL_TITLE) {
        return exclude(Reason::Animal(cue.to_owned()));
    }
    if let Some(cue) = Cues::any(&cues.text, &NORMAL_TISSUE)
        && found.tumours == 0
    {
        return exclude(Reason::NormalTissue(cue.to_owned()));
    }
    if !found.ihc_context {
        return exclude(Reason::NoIhc);
    }
    if let Some(cue) = Cues::any(&cues.text, &CELL_LINES)
        && found.profiles.is_empty()
    {
        return exclude(Reason::CellLines(cue.to_owned()));
    }
    included(&found.profiles).unwrap_or_else(|| exclude(without_counts(found.markers, found.counts_seen)))
}

/// The reason of an exclusion for want of counts.
fn without_counts(markers: usize, counts_seen: usize) -> Reason {
    if markers == 0 {
        Reason::NoMarker
    } else if counts_seen == 0 {
        Reason::QualitativeOnly
    } else {
        Reason::NoPositivityCount
    }
}

/// The inclusion `profiles` justify, if any: a case report's findings, or counts.
fn included(profiles: &[Profile]) -> Option<Decision> {
    let include = |reason| {
        Some(Decision {
            label: Label::Include,
            reason,
        })
    };
    let case_markers = profiles.iter().filter(|p| p.case_report).count();
    let counted = profiles
        .iter()
        .filter(|p| p.positive.is_some() && p.total.is_some())
        .count();
    if case_markers > 0 && counted == case_markers {
        return include(Reason::CaseReport {
            markers: case_markers,
        });
    }
    if counted == 0 {
        return None;
    }
    let distinct = |f: fn(&Profile) -> &str| {
        profiles
            .iter()
            .map(f)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    };
    include(Reason::Counts {
        counts: counted,
        markers: distinct(|p| p.marker.as_str()),
        tumours: distinct(|p| p.tumour_type.as_str()),
    })
}

named_enum! {
    /// One feature of a document for the trained include/exclude classifier.
    DocFeature, "document feature" {
    /// The best candidate profile's score.
    BestProfileScore = "best-profile-score",
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

fn occurrences(text: &str, words: &[&str]) -> usize {
    words.iter().map(|w| text.matches(w).count()).sum()
}

/// The document features, given the rules' decision and the scored, selected profiles.
#[must_use]
pub fn doc_features(
    cues: &Cues,
    analysis: &Analysis,
    rules: &Decision,
    best_score: f32,
    selected: &[Profile],
) -> Vec<f32> {
    use DocFeature as F;
    let mut row = vec![0f32; DOC_FEATURES];
    let text = cues.text.as_str();
    let mut set = |f: DocFeature, v: f32| row[f as usize] = v;
    let b = |v: bool| f32::from(u8::from(v));
    set(F::BestProfileScore, best_score);
    set(F::SelectedProfiles, scaled(selected.len(), 20.0));
    let counted = selected.iter().filter(|p| p.positive.is_some() && p.total.is_some()).count();
    set(F::CountedProfiles, scaled(counted, 20.0));
    set(F::CaseReportProfiles, b(selected.iter().any(|p| p.case_report)));
    set(F::RulesInclude, b(rules.label.is_include()));
    set(F::IhcWords, scaled(occurrences(text, &IHC_CUES), 10.0));
    set(F::IhcInTitle, b(IHC_CUES.iter().any(|c| cues.title.contains(c))));
    set(F::MetaAnalysis, b(cues.meta_analysis()));
    set(F::SystematicReview, b(cues.systematic_review()));
    set(F::ReviewType, b(cues.review_type && !cues.case_report_type));
    set(F::ReviewWords, b(cues.review_words()));
    set(F::ReviewTitle, b(cues.review_title()));
    set(F::AnimalTitle, b(Cues::any(&cues.title, &ANIMAL_TITLE).is_some()));
    set(F::AnimalText, scaled(occurrences(text, &ANIMAL_TEXT), 10.0));
    set(F::CellLines, b(Cues::any(text, &CELL_LINES).is_some()));
    set(F::InVitro, b(["in vitro", "cultured", "transfect"].iter().any(|c| text.contains(c))));
    set(F::NormalTissue, b(Cues::any(text, &NORMAL_TISSUE).is_some()));
    set(F::OtherAssays, scaled(NON_IHC.iter().filter(|c| text.contains(*c)).count(), 6.0));
    set(F::Prognosis, b(["prognos", "survival", "hazard ratio"].iter().any(|c| text.contains(c))));
    set(F::StainingScores, b(["h-score", "h score", "staining score", "mean "].iter().any(|c| text.contains(c))));
    set(F::CountsSeen, scaled(analysis.candidates.counts_seen, 30.0));
    set(F::Markers, scaled(analysis.context.distinct_markers, 20.0));
    set(F::Tumours, scaled(analysis.mentions.tumours.len(), 30.0));
    set(F::CaseReport, b(analysis.context.case_report));
    set(F::CaseReportType, b(cues.case_report_type));
    set(F::Sensitivity, b(text.contains("sensitivity") || text.contains("specificity")));
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
                DocFeature::ReviewType | DocFeature::ReviewWords | DocFeature::ReviewTitle => Reason::Review,
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
                    Cues::any(&cues.text, &NORMAL_TISSUE).unwrap_or("normal tissue").to_owned(),
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
    exclude(without_counts(analysis.context.distinct_markers, analysis.candidates.counts_seen))
}
