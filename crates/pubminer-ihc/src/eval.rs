//! Scoring IHC results against the hand-annotated development set
//! (`../shared/data/ihc/dev.jsonl`: `{id, title, abstract, label, reason, profiles: [{marker,
//! marker_hgnc, tumour_type, tumour_site, positive, total, evidence}]}`).
//!
//! - Classification: accuracy, and precision/recall/F1 of `include`.
//! - Profiles: a predicted profile matches a gold one (one-to-one, greedy) when the marker is
//!   the same (by HGNC symbol when the gold has one, else by name), the tumour type matches
//!   leniently (its content words mostly shared, or one name contained in the other), and
//!   both counts are equal (`null` = `null`). Profiles of documents either side excluded count
//!   as unmatched.
//! - Fully correct: the share of gold-included documents predicted `include` whose profiles
//!   all match with nothing missing or extra.

use std::collections::HashSet;
use std::fmt::Write as _;

use pubminer_text::normalize::KeyBuilder;
use serde::{Deserialize, Serialize};

use crate::markers::MarkerLexicon;
use crate::record::{IhcRecord, Profile};

/// One gold profile.
#[derive(Clone, Debug, Deserialize)]
pub struct GoldProfile {
    /// Marker as written.
    pub marker: String,
    /// HGNC symbol, or null for non-gene markers.
    pub marker_hgnc: Option<String>,
    /// Tumour type as written.
    pub tumour_type: String,
    /// Site.
    #[serde(default)]
    pub tumour_site: Option<String>,
    /// Positive count.
    pub positive: Option<u32>,
    /// Total.
    pub total: Option<u32>,
    /// Evidence.
    #[serde(default)]
    pub evidence: String,
}

/// One gold record.
#[derive(Clone, Debug, Deserialize)]
pub struct GoldRecord {
    /// Record id.
    pub id: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Abstract.
    #[serde(default)]
    pub r#abstract: String,
    /// `include` or `exclude`.
    pub label: String,
    /// Gold profiles.
    #[serde(default)]
    pub profiles: Vec<GoldProfile>,
}

/// The scores.
#[derive(Clone, Debug, Default, Serialize)]
pub struct IhcReport {
    /// Documents scored.
    pub documents: u64,
    /// Classification accuracy.
    pub accuracy: f64,
    /// Include precision.
    pub include_precision: f64,
    /// Include recall.
    pub include_recall: f64,
    /// Include F1.
    pub include_f1: f64,
    /// Profiles: matched, predicted, gold.
    pub profile_tp: u64,
    /// Predicted profiles.
    pub profile_pred: u64,
    /// Gold profiles.
    pub profile_gold: u64,
    /// Profile precision.
    pub profile_precision: f64,
    /// Profile recall.
    pub profile_recall: f64,
    /// Profile F1.
    pub profile_f1: f64,
    /// Share of gold-included documents with every profile right and nothing extra.
    pub fully_correct: f64,
    /// Counts behind `fully_correct`.
    pub fully_correct_documents: (u64, u64),
    /// Per document: id, gold label, predicted label, matched, predicted, gold.
    pub per_document: Vec<(String, String, String, u64, u64, u64)>,
    /// Gold profiles not found and predicted profiles not in gold, for review.
    pub misses: Vec<String>,
}

fn content_words(keys: &mut KeyBuilder, text: &str) -> HashSet<String> {
    const GENERIC: [&str; 14] = [
        "of", "the", "and", "or", "with", "in", "a", "primary", "case", "type", "tumor", "cancer",
        "neoplasm", "lesion",
    ];
    keys.name_key(text)
        .split(' ')
        .filter(|w| !w.is_empty() && !GENERIC.contains(w))
        .map(str::to_owned)
        .collect()
}

/// Lenient tumour-type match.
#[must_use]
pub fn tumour_matches(keys: &mut KeyBuilder, gold: &str, pred: &str) -> bool {
    let g = content_words(keys, gold);
    let p = content_words(keys, pred);
    if g.is_empty() || p.is_empty() {
        return keys.name_key(gold) == keys.name_key(pred);
    }
    let shared = g.intersection(&p).count();
    shared * 2 >= g.len().max(p.len()) || (shared > 0 && (g.is_subset(&p) || p.is_subset(&g)))
}

fn marker_matches(
    markers: &MarkerLexicon,
    keys: &mut KeyBuilder,
    gold: &GoldProfile,
    pred: &Profile,
) -> bool {
    if let (Some(g), Some(p)) = (&gold.marker_hgnc, &pred.marker_symbol) {
        return g.eq_ignore_ascii_case(p);
    }
    if gold.marker_hgnc.is_some() != pred.marker_symbol.is_some() {
        // One side says a gene, the other does not: compare by name.
        return keys.name_key(&gold.marker) == keys.name_key(&pred.marker);
    }
    // Neither is one gene: same curated concept, or the same name.
    let g = markers
        .lookup(&gold.marker)
        .map(|i| markers.markers()[i].target.clone());
    (g.is_some() && g == pred.marker_id.as_ref().map(|s| s.to_string()))
        || keys.name_key(&gold.marker) == keys.name_key(&pred.marker)
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    }
}

/// Scores `pred` (by id) against `gold`.
#[must_use]
pub fn evaluate(gold: &[GoldRecord], pred: &[IhcRecord]) -> IhcReport {
    let markers = MarkerLexicon::builtin();
    let mut keys = KeyBuilder::new();
    let mut r = IhcReport::default();
    let (mut correct, mut tp_inc, mut pred_inc, mut gold_inc) = (0u64, 0u64, 0u64, 0u64);
    let (mut fully, mut gold_included) = (0u64, 0u64);
    for g in gold {
        let Some(p) = pred.iter().find(|p| p.id == g.id) else {
            continue;
        };
        r.documents += 1;
        let gi = g.label == "include";
        let pi = p.label == "include";
        correct += u64::from(gi == pi);
        tp_inc += u64::from(gi && pi);
        pred_inc += u64::from(pi);
        gold_inc += u64::from(gi);
        let gold_profiles: &[GoldProfile] = if gi { &g.profiles } else { &[] };
        let pred_profiles: &[Profile] = if pi { &p.profiles } else { &[] };
        let mut used = vec![false; pred_profiles.len()];
        let mut matched = 0u64;
        for gp in gold_profiles {
            let hit = pred_profiles.iter().enumerate().position(|(j, pp)| {
                !used[j]
                    && pp.positive == gp.positive
                    && pp.total == gp.total
                    && marker_matches(&markers, &mut keys, gp, pp)
                    && tumour_matches(&mut keys, &gp.tumour_type, &pp.tumour_type)
            });
            match hit {
                Some(j) => {
                    used[j] = true;
                    matched += 1;
                }
                None => r.misses.push(format!(
                    "{}: missed {} / {} {:?}/{:?}",
                    g.id, gp.marker, gp.tumour_type, gp.positive, gp.total
                )),
            }
        }
        for (j, pp) in pred_profiles.iter().enumerate() {
            if !used[j] {
                r.misses.push(format!(
                    "{}: extra {} / {} {:?}/{:?} [{}]",
                    g.id, pp.marker, pp.tumour_type, pp.positive, pp.total, pp.rule
                ));
            }
        }
        r.profile_tp += matched;
        r.profile_pred += pred_profiles.len() as u64;
        r.profile_gold += gold_profiles.len() as u64;
        if gi {
            gold_included += 1;
            if pi
                && matched as usize == gold_profiles.len()
                && matched as usize == pred_profiles.len()
            {
                fully += 1;
            }
        }
        r.per_document.push((
            g.id.clone(),
            g.label.clone(),
            p.label.clone(),
            matched,
            pred_profiles.len() as u64,
            gold_profiles.len() as u64,
        ));
    }
    let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    r.accuracy = ratio(correct, r.documents);
    r.include_precision = ratio(tp_inc, pred_inc);
    r.include_recall = ratio(tp_inc, gold_inc);
    r.include_f1 = f1(r.include_precision, r.include_recall);
    r.profile_precision = ratio(r.profile_tp, r.profile_pred);
    r.profile_recall = ratio(r.profile_tp, r.profile_gold);
    r.profile_f1 = f1(r.profile_precision, r.profile_recall);
    r.fully_correct = ratio(fully, gold_included);
    r.fully_correct_documents = (fully, gold_included);
    r
}

impl IhcReport {
    /// A readable summary.
    #[must_use]
    pub fn render(&self, verbose: bool) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "documents {}\nclassification: accuracy {:.3}; include P {:.3} R {:.3} F1 {:.3}\nprofiles: {} matched of {} predicted, {} gold: P {:.3} R {:.3} F1 {:.3}\nfully correct included documents: {}/{} = {:.3}",
            self.documents,
            self.accuracy,
            self.include_precision,
            self.include_recall,
            self.include_f1,
            self.profile_tp,
            self.profile_pred,
            self.profile_gold,
            self.profile_precision,
            self.profile_recall,
            self.profile_f1,
            self.fully_correct_documents.0,
            self.fully_correct_documents.1,
            self.fully_correct
        );
        if verbose {
            s.push_str("\nper document (id, gold, predicted, matched, predicted profiles, gold profiles):\n");
            for d in &self.per_document {
                let _ = writeln!(s, "  {} {} {} {} {} {}", d.0, d.1, d.2, d.3, d.4, d.5);
            }
            s.push_str("\ndifferences:\n");
            for m in &self.misses {
                let _ = writeln!(s, "  {m}");
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_tumour_matching() {
        let mut k = KeyBuilder::new();
        assert!(tumour_matches(&mut k, "osteosarcoma", "osteosarcomas"));
        assert!(tumour_matches(
            &mut k,
            "Merkel cell carcinoma",
            "Merkel cell carcinomas"
        ));
        assert!(tumour_matches(
            &mut k,
            "pulmonary small cell carcinoma",
            "small cell carcinoma"
        ));
        assert!(!tumour_matches(
            &mut k,
            "squamous cell carcinoma",
            "adenocarcinoma"
        ));
        assert!(tumour_matches(&mut k, "acral nevus", "acral nevi"));
    }
}
