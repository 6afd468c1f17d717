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

mod trained;

pub use trained::{DOC_FEATURES, DocFeature, Scored, doc_features, trained_reason};

use crate::extract::Found;
use crate::record::{Label, Profile, Reason};

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
    pub(crate) title: String,
    /// Lower-cased title and abstract.
    pub(crate) text: String,
    pub(crate) review_type: bool,
    pub(crate) case_report_type: bool,
    meta_type: bool,
    systematic_type: bool,
}

pub(crate) const ANIMAL_TITLE: [&str; 9] = [
    "canine", "feline", "murine", "equine", "bovine", "in dogs", "in cats", "in mice", "in rats",
];
pub(crate) const ANIMAL_TEXT: [&str; 10] = [
    "mice", "mouse", "rats", "rat ", "dogs", "canine", "murine", "feline", "bovine", "porcine",
];
pub(crate) const NORMAL_TISSUE: [&str; 3] = [
    "normal human tissue",
    "normal tissues only",
    "in normal human",
];
pub(crate) const CELL_LINES: [&str; 3] = ["initiating cells", "cell lines", "xenograft"];

impl Cues {
    /// Reads the cues of `doc`.
    #[must_use]
    pub fn of(doc: &Document) -> Self {
        let title = doc
            .title()
            .map(|p| p.text().to_lowercase())
            .unwrap_or_default();
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

    pub(crate) fn any<'a>(text: &str, cues: &[&'a str]) -> Option<&'a str> {
        cues.iter().copied().find(|c| text.contains(c))
    }

    pub(crate) fn meta_analysis(&self) -> bool {
        self.meta_type
            || self.title.contains("meta-analysis")
            || self.text.contains("this meta-analysis")
    }

    pub(crate) fn systematic_review(&self) -> bool {
        self.systematic_type || self.title.contains("systematic review")
    }

    pub(crate) fn review_words(&self) -> bool {
        ["in this review", "we review", "this review"]
            .iter()
            .any(|c| self.text.contains(c))
    }

    pub(crate) fn review_title(&self) -> bool {
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
    included(&found.profiles)
        .unwrap_or_else(|| exclude(without_counts(found.markers, found.counts_seen)))
}

/// The reason of an exclusion for want of counts.
pub(crate) fn without_counts(markers: usize, counts_seen: usize) -> Reason {
    if markers == 0 {
        Reason::NoMarker
    } else if counts_seen == 0 {
        Reason::QualitativeOnly
    } else {
        Reason::NoPositivityCount
    }
}

/// The inclusion `profiles` justify, if any: a case report's findings, or counts.
pub(crate) fn included(profiles: &[Profile]) -> Option<Decision> {
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
