//! Gold documents read and labelled: every candidate is a positive when it matches a gold
//! profile as `eval ihc` matches them; gold profiles no candidate reaches are classed.

use pubminer_core::Document;
use pubminer_text::normalize::KeyBuilder;
use serde::Serialize;

use crate::eval::GoldRecord;
use crate::extract::{Analysis, Extractor};
use crate::features::{self, FeatureSet};
use crate::markers::MarkerLexicon;

/// One gold document, read and labelled.
#[derive(Debug)]
pub struct Example {
    /// The gold record.
    pub gold: GoldRecord,
    /// Its document.
    pub doc: Document,
    /// What the extractor read.
    pub analysis: Analysis,
    /// Candidate features, row-major.
    pub rows: Vec<f32>,
    /// Whether each candidate is a gold profile.
    pub labels: Vec<bool>,
    /// Gold profiles no candidate matches.
    pub unreachable: usize,
    /// Why, for each such profile.
    pub unreached: Vec<(Unreached, String)>,
}

/// Why no candidate matches a gold profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Unreached {
    /// No marker mention is the gold marker.
    Marker,
    /// No tumour mention names the gold tumour type.
    Tumour,
    /// No candidate has the gold numbers.
    Numbers,
    /// Marker, tumour and numbers are read, never together.
    Pairing,
}

impl Unreached {
    /// Every class.
    pub const ALL: [Unreached; 4] = [Self::Marker, Self::Tumour, Self::Numbers, Self::Pairing];

    /// Its name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Marker => "marker not found",
            Self::Tumour => "tumour not found",
            Self::Numbers => "numbers not read",
            Self::Pairing => "never paired",
        }
    }
}

fn unreached(
    analysis: &Analysis,
    profiles: &[crate::record::Profile],
    gp: &crate::eval::GoldProfile,
    markers: &MarkerLexicon,
    keys: &mut KeyBuilder,
) -> Unreached {
    let marker_found = analysis.mentions.markers.iter().any(|m| {
        let p = crate::record::Profile {
            marker: m.text.clone(),
            marker_id: m.id.clone(),
            marker_symbol: m.symbol.clone(),
            ..crate::record::Profile::default()
        };
        crate::eval::marker_matches(markers, keys, gp, &p)
    });
    if !marker_found {
        return Unreached::Marker;
    }
    if !analysis
        .mentions
        .tumours
        .iter()
        .any(|t| crate::eval::tumour_matches(keys, &gp.tumour_type, &t.text))
    {
        return Unreached::Tumour;
    }
    if !profiles
        .iter()
        .any(|p| p.positive == gp.positive && p.total == gp.total)
    {
        return Unreached::Numbers;
    }
    Unreached::Pairing
}

/// Reads and labels `gold`.
#[must_use]
pub fn examples(extractor: &Extractor, gold: &[GoldRecord], set: &FeatureSet) -> Vec<Example> {
    let markers = MarkerLexicon::builtin();
    let mut keys = KeyBuilder::new();
    gold.iter()
        .map(|g| {
            let doc = g.document();
            let analysis = extractor.analyse(&doc);
            let rows = features::matrix(&analysis, set);
            let profiles: Vec<_> = analysis
                .candidates
                .candidates
                .iter()
                .map(|c| analysis.profile(c))
                .collect();
            let gold_profiles = if g.include() {
                g.profiles.as_slice()
            } else {
                &[]
            };
            let labels = profiles
                .iter()
                .map(|p| {
                    gold_profiles
                        .iter()
                        .any(|gp| crate::eval::profile_matches(&markers, &mut keys, gp, p))
                })
                .collect();
            let missed: Vec<_> = gold_profiles
                .iter()
                .filter(|gp| {
                    !profiles
                        .iter()
                        .any(|p| crate::eval::profile_matches(&markers, &mut keys, gp, p))
                })
                .collect();
            let unreached: Vec<(Unreached, String)> = missed
                .into_iter()
                .map(|gp| {
                    (
                        unreached(&analysis, &profiles, gp, &markers, &mut keys),
                        format!(
                            "{}: {} / {} {:?}/{:?}",
                            g.id, gp.marker, gp.tumour_type, gp.positive, gp.total
                        ),
                    )
                })
                .collect();
            Example {
                gold: g.clone(),
                doc,
                analysis,
                rows,
                labels,
                unreachable: unreached.len(),
                unreached,
            }
        })
        .collect()
}
