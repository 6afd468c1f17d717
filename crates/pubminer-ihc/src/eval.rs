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

impl GoldRecord {
    /// The document `ihc run` reads from this record's JSONL line: a title passage and an
    /// abstract passage.
    #[must_use]
    pub fn document(&self) -> pubminer_core::Document {
        use pubminer_core::{Document, Passage, PassageKind};
        let mut doc = Document::new(self.id.clone());
        doc.passages
            .push(Passage::new(PassageKind::Title, self.title.clone()));
        doc.passages
            .push(Passage::new(PassageKind::Abstract, self.r#abstract.clone()));
        doc
    }

    /// True when labelled include.
    #[must_use]
    pub fn include(&self) -> bool {
        self.label == "include"
    }
}

/// Where the gold profiles that were not found were lost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Losses {
    /// The document was classified exclude.
    pub classified_away: u64,
    /// No profile of the document has the marker.
    pub marker_missed: u64,
    /// The marker was found, not with the tumour type.
    pub tumour_missed: u64,
    /// Marker and tumour found, the counts differ.
    pub counts_wrong: u64,
}

/// What the predicted profiles that match no gold profile are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Extras {
    /// In a document the gold excludes.
    pub in_excluded: u64,
    /// A marker the gold has no profile of.
    pub marker_not_in_gold: u64,
    /// A tumour type the gold has no profile of for that marker.
    pub tumour_not_in_gold: u64,
    /// Marker and tumour in the gold, other counts.
    pub counts_wrong: u64,
    /// The same profile as another, already matched.
    pub duplicate: u64,
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
    /// Where missed gold profiles were lost.
    pub losses: Losses,
    /// What extra predicted profiles are.
    pub extras: Extras,
    /// Predicted profiles (of included documents) with an ontology tumour id.
    pub tumour_ids: (u64, u64),
    /// Landscape rows (marker × tumour key over the predicted profiles) that split one tumour
    /// concept by its spelling: rows of one marker whose tumour names read alike
    /// (singular, case, punctuation) but are pooled apart.
    pub split_rows: u64,
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

/// True when `pred` is `gold`: the same marker (by HGNC symbol when the gold has one), the
/// tumour type matched leniently, both counts equal.
#[must_use]
pub fn profile_matches(
    markers: &MarkerLexicon,
    keys: &mut KeyBuilder,
    gold: &GoldProfile,
    pred: &Profile,
) -> bool {
    pred.positive == gold.positive
        && pred.total == gold.total
        && marker_matches(markers, keys, gold, pred)
        && tumour_matches(keys, &gold.tumour_type, &pred.tumour_type)
}

/// Matches predicted profiles to gold ones, one to one, greedily in gold order: for each gold
/// profile, the index of its predicted profile.
#[must_use]
pub fn match_profiles(
    markers: &MarkerLexicon,
    keys: &mut KeyBuilder,
    gold: &[GoldProfile],
    pred: &[Profile],
) -> Vec<Option<usize>> {
    let mut used = vec![false; pred.len()];
    gold.iter()
        .map(|gp| {
            let hit =
                (0..pred.len()).find(|&j| !used[j] && profile_matches(markers, keys, gp, &pred[j]));
            if let Some(j) = hit {
                used[j] = true;
            }
            hit
        })
        .collect()
}

/// True when the predicted marker is the gold one (by HGNC symbol, curated concept or name).
#[must_use]
pub fn marker_matches(
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
    let by_id: std::collections::HashMap<&str, &IhcRecord> =
        pred.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut all_predicted: Vec<&Profile> = Vec::new();
    for g in gold {
        let Some(p) = by_id.get(g.id.as_str()) else {
            continue;
        };
        r.documents += 1;
        let gi = g.include();
        let pi = p.label.is_include();
        correct += u64::from(gi == pi);
        tp_inc += u64::from(gi && pi);
        pred_inc += u64::from(pi);
        gold_inc += u64::from(gi);
        let gold_profiles: &[GoldProfile] = if gi { &g.profiles } else { &[] };
        let pred_profiles: &[Profile] = if pi { &p.profiles } else { &[] };
        all_predicted.extend(pred_profiles);
        let matches = match_profiles(&markers, &mut keys, gold_profiles, pred_profiles);
        let matched = matches.iter().flatten().count() as u64;
        let mut used = vec![false; pred_profiles.len()];
        for j in matches.iter().flatten() {
            used[*j] = true;
        }
        for (gp, m) in gold_profiles.iter().zip(&matches) {
            if m.is_some() {
                continue;
            }
            let losses = &mut r.losses;
            let same_marker: Vec<&Profile> = pred_profiles
                .iter()
                .filter(|pp| marker_matches(&markers, &mut keys, gp, pp))
                .collect();
            if !pi {
                losses.classified_away += 1;
            } else if same_marker.is_empty() {
                losses.marker_missed += 1;
            } else if !same_marker
                .iter()
                .any(|pp| tumour_matches(&mut keys, &gp.tumour_type, &pp.tumour_type))
            {
                losses.tumour_missed += 1;
            } else {
                losses.counts_wrong += 1;
            }
            r.misses.push(format!(
                "{}: missed {} / {} {:?}/{:?}",
                g.id, gp.marker, gp.tumour_type, gp.positive, gp.total
            ));
        }
        for (j, pp) in pred_profiles.iter().enumerate() {
            if used[j] {
                continue;
            }
            let extras = &mut r.extras;
            let same_marker: Vec<&GoldProfile> = gold_profiles
                .iter()
                .filter(|gp| marker_matches(&markers, &mut keys, gp, pp))
                .collect();
            if !gi {
                extras.in_excluded += 1;
            } else if same_marker.is_empty() {
                extras.marker_not_in_gold += 1;
            } else if !same_marker
                .iter()
                .any(|gp| tumour_matches(&mut keys, &gp.tumour_type, &pp.tumour_type))
            {
                extras.tumour_not_in_gold += 1;
            } else if same_marker
                .iter()
                .any(|gp| profile_matches(&markers, &mut keys, gp, pp))
            {
                extras.duplicate += 1;
            } else {
                extras.counts_wrong += 1;
            }
            r.misses.push(format!(
                "{}: extra {} / {} {:?}/{:?} [{}]",
                g.id, pp.marker, pp.tumour_type, pp.positive, pp.total, pp.rule
            ));
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
            p.label.to_string(),
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
    r.tumour_ids = (
        all_predicted
            .iter()
            .filter(|p| p.tumour_id.is_some())
            .count() as u64,
        all_predicted.len() as u64,
    );
    r.split_rows = split_rows(&all_predicted, &mut keys);
    r
}

/// Landscape rows that split one tumour by spelling: the profiles are pooled as the
/// knowledge base pools them (marker concept × tumour concept, else the tumour as written);
/// rows of one marker whose tumour names read alike (name key, singular) but sit in
/// different rows because a spelling got no concept are splits: each such name row beside a
/// concept row, or beyond the first when none has a concept. One name linked to two concepts
/// by its context (`small cell carcinoma` of the bladder and of unknown primary) is no split.
#[must_use]
pub fn split_rows(profiles: &[&Profile], keys: &mut KeyBuilder) -> u64 {
    use std::collections::{BTreeMap, BTreeSet};
    let singular = |k: String| {
        k.split(' ')
            .map(|w| {
                w.strip_suffix("es")
                    .filter(|s| s.ends_with("omas") || s.ends_with("ss"))
                    .or_else(|| {
                        w.strip_suffix('s')
                            .filter(|s| s.len() > 3 && !s.ends_with('s'))
                    })
                    .unwrap_or(w)
                    .to_owned()
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    // (marker, tumour name) → rows, each `(has a concept, key)`.
    let mut by_name: BTreeMap<(String, String), BTreeSet<(bool, String)>> = BTreeMap::new();
    for p in profiles {
        let marker = p
            .marker_symbol
            .clone()
            .or_else(|| p.marker_id.clone())
            .unwrap_or_else(|| p.marker.to_lowercase());
        let row = p
            .tumour_id
            .clone()
            .map_or_else(|| (false, p.tumour_type.to_lowercase()), |id| (true, id));
        by_name
            .entry((marker, singular(keys.name_key(&p.tumour_type))))
            .or_default()
            .insert(row);
    }
    by_name
        .values()
        .map(|rows| {
            let names = rows.iter().filter(|(concept, _)| !concept).count() as u64;
            let concepts = rows.len() as u64 - names;
            if concepts == 0 {
                names.saturating_sub(1)
            } else {
                names
            }
        })
        .sum()
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
        let l = &self.losses;
        let x = &self.extras;
        let _ = writeln!(
            s,
            "missed gold profiles: {} classified away, {} marker missed, {} tumour missed, {} counts wrong\nextra profiles: {} in excluded documents, {} marker not in gold, {} tumour not in gold, {} counts wrong, {} duplicates\ntumour ids: {}/{} predicted profiles; landscape rows split by spelling: {}",
            l.classified_away,
            l.marker_missed,
            l.tumour_missed,
            l.counts_wrong,
            x.in_excluded,
            x.marker_not_in_gold,
            x.tumour_not_in_gold,
            x.counts_wrong,
            x.duplicate,
            self.tumour_ids.0,
            self.tumour_ids.1,
            self.split_rows
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

    #[test]
    fn rows_split_only_by_a_spelling_without_a_concept() {
        let p = |tumour: &str, id: Option<&str>| Profile {
            marker: "SATB2".into(),
            marker_symbol: Some("SATB2".into()),
            tumour_type: tumour.into(),
            tumour_id: id.map(Into::into),
            ..Profile::default()
        };
        let mut k = KeyBuilder::new();
        let linked = p("osteosarcoma", Some("ONCOTREE:OS"));
        let unlinked = p("osteosarcomas", None);
        let also_unlinked = p("Osteosarcoma", None);
        let elsewhere = p("osteosarcoma", Some("ONCOTREE:OTHER"));
        assert_eq!(split_rows(&[&linked, &linked], &mut k), 0);
        assert_eq!(split_rows(&[&linked, &unlinked], &mut k), 1);
        assert_eq!(split_rows(&[&unlinked, &also_unlinked], &mut k), 1);
        assert_eq!(split_rows(&[&linked, &unlinked, &also_unlinked], &mut k), 2);
        // One name, two concepts chosen by context: two real rows.
        assert_eq!(split_rows(&[&linked, &elsewhere], &mut k), 0);
    }
}
