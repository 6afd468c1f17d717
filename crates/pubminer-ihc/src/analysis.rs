//! One document as the IHC engine read it: the output of phases 1 to 3, which features,
//! scoring and selection read.

use std::collections::HashMap;

use crate::candidates::{self, Candidate, Candidates};
use crate::context::Context;
use crate::mentions::Mentions;
use crate::record::Profile;

/// One document read for the IHC task: its mentions, context and candidate profiles.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    /// Passage texts.
    pub texts: Vec<String>,
    /// The title passage.
    pub title_passage: Option<usize>,
    /// The text names immunohistochemistry.
    pub ihc_context: bool,
    /// Phase 1.
    pub mentions: Mentions,
    /// Phase 2.
    pub context: Context,
    /// Phase 3.
    pub candidates: Candidates,
    /// Each tumour's group size.
    pub group_sizes: Vec<Option<u32>>,
    /// Each tumour's name, as an index (tumours written alike share it).
    pub(crate) tumour_groups: Vec<usize>,
    /// Tumour mentions per name group.
    pub(crate) group_mentions: Vec<usize>,
    /// Whether a name group is mentioned in the title.
    pub(crate) group_in_title: Vec<bool>,
    /// Marker concepts named in the title.
    pub title_markers: Vec<String>,
    /// Markers listed with other markers (`ER, PR and HER2`), in increasing order.
    pub listed_markers: Vec<usize>,
    /// Mentions per marker concept.
    pub(crate) marker_counts: HashMap<String, usize>,
    /// Each sentence's markers, one per concept.
    pub(crate) sentence_markers: Vec<Vec<usize>>,
}

impl Analysis {
    /// The name group of a tumour (tumours written alike share it).
    #[must_use]
    pub fn tumour_group(&self, tumour: usize) -> usize {
        self.tumour_groups[tumour]
    }

    /// Tumour mentions in a name group.
    #[must_use]
    pub fn tumour_groups_count(&self, group: usize) -> usize {
        self.group_mentions.get(group).copied().unwrap_or(0)
    }

    /// True when a mention of the group is in the title.
    #[must_use]
    pub fn group_in_title(&self, group: usize) -> bool {
        self.group_in_title.get(group).copied().unwrap_or(false)
    }

    /// The markers of a sentence, one per concept, in order.
    #[must_use]
    pub fn distinct_in_sentence(&self, sentence: usize) -> &[usize] {
        &self.sentence_markers[sentence]
    }

    /// Mentions of a marker concept.
    #[must_use]
    pub fn marker_mentions(&self, key: &str) -> usize {
        self.marker_counts.get(key).copied().unwrap_or(0)
    }

    /// The profile a candidate stands for.
    #[must_use]
    pub fn profile(&self, c: &Candidate) -> Profile {
        let m = &self.mentions.markers[c.marker];
        let t = &self.mentions.tumours[c.tumour];
        let anchor = &self.candidates.anchors[c.anchor];
        let s = &self.context.sentences[anchor.sentence];
        Profile {
            marker: m.text.clone(),
            marker_id: m.id.clone().filter(|id| !id.starts_with("HGNC-SYMBOL:")),
            marker_symbol: m.symbol.clone(),
            tumour_type: t.display(),
            tumour_id: t.id.clone(),
            site: t.site.as_ref().map(|s| s.0.clone()),
            site_id: t.site.as_ref().and_then(|s| s.1.clone()),
            positive: c.positive,
            total: c.total,
            evidence: self.texts[s.passage][s.start..s.end].to_owned(),
            evidence_span: Some((s.passage as u32, s.start as u32, s.end as u32)),
            case_report: c.how == candidates::How::CaseReport,
            rule: c.how.as_str().to_owned(),
        }
    }
}
