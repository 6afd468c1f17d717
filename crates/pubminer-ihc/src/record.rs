//! The output of the IHC pipeline.

use serde::{Deserialize, Serialize};

/// One marker × tumour type × site row.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// The marker as written (`TTF-1`).
    pub marker: String,
    /// Its concept: an HGNC id (`HGNC:11825`), or a pubminer IHC concept (`IHC:S100`) for
    /// cocktails, families and epitopes; `None` when not normalised.
    pub marker_id: Option<String>,
    /// HGNC symbol when the marker is one gene (`NKX2-1`).
    pub marker_symbol: Option<String>,
    /// The tumour type as written.
    pub tumour_type: String,
    /// Its concept: an OncoTree code when one is linked (`ONCOTREE:LUAD`), else the lexicon's
    /// canonical id (MeSH, DOID...); `None` is an explicit "not normalised".
    pub tumour_id: Option<String>,
    /// The site as written, when stated.
    pub site: Option<String>,
    /// UBERON id of the site.
    pub site_id: Option<String>,
    /// Cases positive, when known.
    pub positive: Option<u32>,
    /// Cases tested, when known.
    pub total: Option<u32>,
    /// The sentence (or sentences, joined by ` ... `) the numbers come from.
    pub evidence: String,
    /// Passage index and byte range of the evidence in that passage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_span: Option<(u32, u32, u32)>,
    /// From a single-patient (or two-patient) case report.
    #[serde(default)]
    pub case_report: bool,
    /// How the numbers were read (`count`, `percent of group`, `all/none`, `case report`,
    /// `negative state converted`...), for review.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rule: String,
}

/// Include or exclude.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    /// The abstract reports IHC positivity counts of its own.
    Include,
    /// It does not.
    #[default]
    Exclude,
}

impl Label {
    /// `include` or `exclude`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Include => "include",
            Self::Exclude => "exclude",
        }
    }

    /// True for `include`.
    #[must_use]
    pub fn is_include(self) -> bool {
        self == Self::Include
    }

    /// `include` when `include`.
    #[must_use]
    pub fn from_bool(include: bool) -> Self {
        if include {
            Self::Include
        } else {
            Self::Exclude
        }
    }
}

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a document was included or excluded. Each value writes one line (its `Display`, the
/// `reason` string of `ihc run` output) and reads back from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// A meta-analysis.
    MetaAnalysis,
    /// A systematic review.
    SystematicReview,
    /// A review.
    Review,
    /// Animal tumours (the cue).
    Animal(String),
    /// Normal tissue only (the cue).
    NormalTissue(String),
    /// No immunohistochemistry named.
    NoIhc,
    /// Cell lines or xenografts (the cue).
    CellLines(String),
    /// No marker named.
    NoMarker,
    /// Qualitative results only.
    QualitativeOnly,
    /// Counts, but none a marker's positivity in a tumour type.
    NoPositivityCount,
    /// A case report with findings for this many markers.
    CaseReport {
        /// Markers.
        markers: usize,
    },
    /// Counts of IHC positivity.
    Counts {
        /// Profiles with both numbers.
        counts: usize,
        /// Markers.
        markers: usize,
        /// Tumour types.
        tumours: usize,
    },
    /// A deletion notice.
    Deleted,
    /// Title only.
    NoAbstract,
    /// Not English (language code, read from the record's metadata or the text).
    NotEnglish {
        /// ISO 639-3 code.
        code: String,
        /// From the record's `Language` (else from the text).
        from_metadata: bool,
    },
    /// Another engine's words (an LLM's answer), or why it failed.
    Other(String),
}

impl Reason {
    /// True when the rules could not read a count they trust: IHC with markers but no
    /// count, or counts that are no positivity (where a second opinion helps).
    #[must_use]
    pub fn is_unsure(&self) -> bool {
        matches!(self, Self::QualitativeOnly | Self::NoPositivityCount)
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::MetaAnalysis => f.write_str("meta-analysis: pooled results of other studies, no original counts"),
            Self::SystematicReview => f.write_str("systematic review: no original results"),
            Self::Review => f.write_str("review: no original results"),
            Self::Animal(cue) => write!(f, "animal tumours ({cue}), not human"),
            Self::NormalTissue(cue) => write!(f, "normal tissue only ({cue})"),
            Self::NoIhc => f.write_str("no immunohistochemistry: other methods only"),
            Self::CellLines(cue) => write!(f, "cell lines or xenografts ({cue}), no tumour tissue counts"),
            Self::NoMarker => f.write_str("no IHC marker named"),
            Self::QualitativeOnly => f.write_str("IHC results are qualitative only: no counts per marker and tumour"),
            Self::NoPositivityCount => f.write_str(
                "counts given, but none is a marker's positivity in a tumour type with a computable total",
            ),
            Self::CaseReport { markers } => write!(f, "case report with IHC findings for {markers} marker(s)"),
            Self::Counts { counts, markers, tumours } => write!(
                f,
                "{counts} count(s) of IHC positivity for {markers} marker(s) in {tumours} tumour type(s)"
            ),
            Self::Deleted => f.write_str("deleted citation"),
            Self::NoAbstract => f.write_str("no abstract"),
            Self::NotEnglish { code, from_metadata } => write!(
                f,
                "not English ({code}, from the {}); use --all-languages to keep it",
                if *from_metadata { "record's Language" } else { "text" }
            ),
            Self::Other(text) => f.write_str(text),
        }
    }
}

impl std::str::FromStr for Reason {
    type Err = std::convert::Infallible;

    /// Reads a reason string back (what no value writes is [`Reason::Other`]).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let inner = |prefix: &str, suffix: &str| {
            s.strip_prefix(prefix)
                .and_then(|r| r.strip_suffix(suffix))
                .map(str::to_owned)
        };
        let numbers = || -> Vec<usize> {
            s.split(|c: char| !c.is_ascii_digit())
                .filter_map(|w| w.parse().ok())
                .collect()
        };
        let fixed = [
            Self::MetaAnalysis,
            Self::SystematicReview,
            Self::Review,
            Self::NoIhc,
            Self::NoMarker,
            Self::QualitativeOnly,
            Self::NoPositivityCount,
            Self::Deleted,
            Self::NoAbstract,
        ];
        if let Some(r) = fixed.into_iter().find(|r| r.to_string() == s) {
            return Ok(r);
        }
        let parsed = if let Some(cue) = inner("animal tumours (", "), not human") {
            Some(Self::Animal(cue))
        } else if let Some(cue) = inner("normal tissue only (", ")") {
            Some(Self::NormalTissue(cue))
        } else if let Some(cue) = inner("cell lines or xenografts (", "), no tumour tissue counts")
        {
            Some(Self::CellLines(cue))
        } else if s.starts_with("case report with IHC findings for ") {
            numbers()
                .first()
                .map(|&markers| Self::CaseReport { markers })
        } else if s.contains(" count(s) of IHC positivity for ") {
            match numbers()[..] {
                [counts, markers, tumours] => Some(Self::Counts {
                    counts,
                    markers,
                    tumours,
                }),
                _ => None,
            }
        } else if let Some(rest) = inner("not English (", "); use --all-languages to keep it") {
            rest.split_once(", from the ")
                .map(|(code, from)| Self::NotEnglish {
                    code: code.to_owned(),
                    from_metadata: from == "record's Language",
                })
        } else {
            None
        };
        Ok(parsed
            .filter(|r| r.to_string() == s)
            .unwrap_or_else(|| Self::Other(s.to_owned())))
    }
}

impl Default for Reason {
    fn default() -> Self {
        Self::Other(String::new())
    }
}

impl Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Reason {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Ok(s.parse()
            .unwrap_or_else(|never: std::convert::Infallible| match never {}))
    }
}

/// One document's result: the `ihc run` JSONL record.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IhcRecord {
    /// Document id (PMID when known).
    pub id: String,
    /// `include` or `exclude`.
    pub label: Label,
    /// One-line reason.
    pub reason: Reason,
    /// The features that decided the label, with their share of the log-odds (`review-cue
    /// -2.31`), for the trained engine.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decided_by: Vec<String>,
    /// Profiles (empty for excluded documents).
    pub profiles: Vec<Profile>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_write_todays_strings_and_read_them_back() {
        let reasons = [
            Reason::MetaAnalysis,
            Reason::Review,
            Reason::Animal("canine".into()),
            Reason::NormalTissue("normal human tissue".into()),
            Reason::CellLines("xenograft".into()),
            Reason::NoPositivityCount,
            Reason::CaseReport { markers: 3 },
            Reason::Counts {
                counts: 4,
                markers: 2,
                tumours: 1,
            },
            Reason::NotEnglish {
                code: "fra".into(),
                from_metadata: true,
            },
            Reason::Other("LLM: exclude".into()),
        ];
        for r in reasons {
            assert_eq!(r.to_string().parse::<Reason>(), Ok(r.clone()), "{r}");
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(serde_json::from_str::<Reason>(&json).unwrap(), r);
        }
        assert_eq!(
            Reason::Counts {
                counts: 2,
                markers: 2,
                tumours: 1
            }
            .to_string(),
            "2 count(s) of IHC positivity for 2 marker(s) in 1 tumour type(s)"
        );
        assert_eq!(
            serde_json::to_string(&Label::Include).unwrap(),
            "\"include\""
        );
    }
}
