//! Include/Exclude with IHC-LLMiner's criteria, explained.
//!
//! Include iff (1) the abstract reports the positivity of one or more IHC markers in one or
//! more tumour types (a single-patient case report with IHC findings counts even without
//! numbers), (2) unless a case report, it gives counts per marker per tumour type (exact, or
//! percentages with a stated total), and (3) it is not a review or meta-analysis. The rules
//! below decide in order; the first that fires gives the reason.

use pubminer_core::Document;

use crate::extract::Found;

/// The decision and its reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// True for `include`.
    pub include: bool,
    /// One line.
    pub reason: String,
}

fn has_any(text: &str, cues: &[&str]) -> Option<String> {
    cues.iter()
        .find(|c| text.contains(*c))
        .map(|c| (*c).to_owned())
}

/// Decides for `doc` given what extraction found.
#[must_use]
pub fn classify(doc: &Document, found: &Found) -> Decision {
    let title = doc
        .title()
        .map(|p| p.text().to_lowercase())
        .unwrap_or_default();
    let text: String = doc
        .passages
        .iter()
        .map(|p| p.text().to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    let exclude = |reason: String| Decision {
        include: false,
        reason,
    };
    let meta = &doc.meta;
    // (3) Reviews and meta-analyses.
    if meta.has_publication_type("D017418")
        || title.contains("meta-analysis")
        || text.contains("this meta-analysis")
    {
        return exclude(
            "meta-analysis: pooled results of other studies, no original counts".into(),
        );
    }
    if meta.has_publication_type("D000078182") || title.contains("systematic review") {
        return exclude("systematic review: no original results".into());
    }
    if (meta.has_publication_type("D016454") && !meta.has_publication_type("D002363"))
        || text.contains("in this review")
        || text.contains("we review")
        || text.contains("this review")
        || (title.contains("review")
            && !title.contains("review of literature")
            && !found.case_report)
    {
        return exclude("review: no original results".into());
    }
    // Not human tumour tissue.
    if let Some(cue) = has_any(
        &title,
        &[
            "canine", "feline", "murine", "equine", "bovine", "in dogs", "in cats", "in mice",
            "in rats",
        ],
    ) {
        return exclude(format!("animal tumours ({cue}), not human"));
    }
    if let Some(cue) = has_any(
        &text,
        &[
            "normal human tissue",
            "normal tissues only",
            "in normal human",
        ],
    ) && found.tumours == 0
    {
        return exclude(format!("normal tissue only ({cue})"));
    }
    if !found.ihc_context {
        return exclude("no immunohistochemistry: other methods only".into());
    }
    if let Some(cue) = has_any(&text, &["initiating cells", "cell lines", "xenograft"])
        && found.profiles.is_empty()
    {
        return exclude(format!(
            "cell lines or xenografts ({cue}), no tumour tissue counts"
        ));
    }
    // (1)+(2) Profiles.
    let counted = found
        .profiles
        .iter()
        .filter(|p| p.positive.is_some() && p.total.is_some())
        .count();
    if found.case_report && found.profiles.iter().any(|p| p.case_report) {
        return Decision {
            include: true,
            reason: format!(
                "case report with IHC findings for {} marker(s)",
                found.profiles.iter().filter(|p| p.case_report).count()
            ),
        };
    }
    if counted == 0 {
        return exclude(if found.markers == 0 {
            "no IHC marker named".into()
        } else if found.counts_seen == 0 {
            "IHC results are qualitative only: no counts per marker and tumour".into()
        } else {
            "counts given, but none is a marker's positivity in a tumour type with a computable total".into()
        });
    }
    let markers: std::collections::BTreeSet<&str> =
        found.profiles.iter().map(|p| p.marker.as_str()).collect();
    let tumours: std::collections::BTreeSet<&str> = found
        .profiles
        .iter()
        .map(|p| p.tumour_type.as_str())
        .collect();
    Decision {
        include: true,
        reason: format!(
            "{counted} count(s) of IHC positivity for {} marker(s) in {} tumour type(s)",
            markers.len(),
            tumours.len()
        ),
    }
}
