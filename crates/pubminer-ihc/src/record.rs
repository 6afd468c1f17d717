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

/// One document's result: the `ihc run` JSONL record.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IhcRecord {
    /// Document id (PMID when known).
    pub id: String,
    /// `include` or `exclude`.
    pub label: String,
    /// One-line reason.
    pub reason: String,
    /// Profiles (empty for excluded documents).
    pub profiles: Vec<Profile>,
}
