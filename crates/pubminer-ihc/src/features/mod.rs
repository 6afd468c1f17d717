//! Phase 4: the features of a candidate profile, as values of [`Feature`]. Each is a number in
//! [0, 1] read from the candidate, its anchor, its sentence and the document; the rules'
//! own choices are features too (`marker-rule-pick`...), so the trained scorer starts from
//! what the rules know and learns when to overrule them. A [`FeatureSet`] switches any of
//! them off (the value is then 0 for training and scoring alike).

mod catalogue;
mod layout;
mod values;

use std::collections::HashMap;

pub use catalogue::Feature;

use crate::extract::Analysis;

/// Number of features.
pub const FEATURES: usize = Feature::ALL.len();

/// Which features are on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct FeatureSet {
    off: u128,
}

impl FeatureSet {
    /// Every feature on.
    #[must_use]
    pub const fn all() -> Self {
        Self { off: 0 }
    }

    /// This set with `feature` off.
    #[must_use]
    pub fn without(self, feature: Feature) -> Self {
        Self {
            off: self.off | (1 << feature as u32),
        }
    }

    /// True when `feature` is on.
    #[must_use]
    pub fn on(&self, feature: Feature) -> bool {
        self.off & (1 << feature as u32) == 0
    }

    /// The features that are off, by name.
    #[must_use]
    pub fn disabled(&self) -> Vec<Feature> {
        Feature::ALL
            .iter()
            .copied()
            .filter(|f| !self.on(*f))
            .collect()
    }

    /// Parses a comma-separated list of feature names to switch off.
    ///
    /// # Errors
    /// An unknown name, with the list of known ones.
    pub fn parse_off(list: &str) -> Result<Self, String> {
        let mut set = Self::all();
        for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            set = set.without(name.parse()?);
        }
        Ok(set)
    }
}

/// The features of every candidate of `analysis`, row-major (`candidates × FEATURES`).
#[must_use]
pub fn matrix(analysis: &Analysis, set: &FeatureSet) -> Vec<f32> {
    let cands = &analysis.candidates.candidates;
    let mut out = vec![0f32; cands.len() * FEATURES];
    // Series statistics per marker and tumour: the largest total, and the most positives for
    // each total.
    let mut largest: HashMap<(String, usize), u32> = HashMap::new();
    let mut most: HashMap<(String, usize, u32), u32> = HashMap::new();
    for c in cands {
        let key = (
            analysis.mentions.markers[c.marker].key(),
            analysis.tumour_group(c.tumour),
        );
        let total = c.total.unwrap_or(0);
        let e = largest.entry(key.clone()).or_insert(0);
        *e = (*e).max(total);
        let e = most.entry((key.0, key.1, total)).or_insert(0);
        *e = (*e).max(c.positive.unwrap_or(0));
    }
    let layout = layout::layout(analysis);
    for (i, c) in cands.iter().enumerate() {
        let row = &mut out[i * FEATURES..(i + 1) * FEATURES];
        let key = (
            analysis.mentions.markers[c.marker].key(),
            analysis.tumour_group(c.tumour),
        );
        let total = c.total.unwrap_or(0);
        let largest = largest.get(&key).copied() == Some(total);
        let most = most.get(&(key.0, key.1, total)).copied() == Some(c.positive.unwrap_or(0));
        values::fill(analysis, &layout, c, largest, most, row);
        for f in Feature::ALL {
            if !set.on(*f) {
                row[*f as usize] = 0.0;
            }
        }
    }
    out
}
