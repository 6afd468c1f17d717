//! Training the IHC model from gold abstracts, and judging it honestly: document-level
//! k-fold cross-validation with a fixed seed, the rules-only engine scored on the same folds.
//!
//! Training a model on documents D:
//! 1. every document is read (phases 1-4) and each candidate labelled by the gold: it is a
//!    positive when it matches a gold profile as `eval ihc` matches them;
//! 2. inner folds over D give every candidate a held-out score (a scorer fitted without its
//!    document);
//! 3. the threshold is the one whose held-out selection has the best profile F1;
//! 4. the include/exclude classifier is fitted on document features computed from those
//!    held-out scores (so it learns how far to trust the scorer on unseen text);
//! 5. the scorer is refitted on all of D.

use pubminer_core::Document;
use pubminer_learn::{LinearModel, Logistic, Rows};
use pubminer_text::normalize::KeyBuilder;
use serde::Serialize;

use crate::classify::{Cues, DocFeature};
use crate::eval::{Extras, GoldRecord, IhcReport, Losses, evaluate, match_profiles};
use crate::extract::{Analysis, Extractor};
use crate::features::{self, FEATURES, Feature, FeatureSet};
use crate::markers::MarkerLexicon;
use crate::model::{self, FORMAT, IhcModel, TrainingInfo};
use crate::pipeline::{Engine, screen};
use crate::record::{IhcRecord, Label};

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
    if !profiles.iter().any(|p| p.positive == gp.positive && p.total == gp.total) {
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
            let gold_profiles = if g.include() { g.profiles.as_slice() } else { &[] };
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
                        format!("{}: {} / {} {:?}/{:?}", g.id, gp.marker, gp.tumour_type, gp.positive, gp.total),
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

/// Training settings.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainSettings {
    /// The scorer's learner.
    pub scorer: Logistic,
    /// The classifier's learner.
    pub classifier: Logistic,
    /// Inner folds for held-out scores.
    pub inner_folds: usize,
    /// Seed of the folds.
    pub seed: u64,
    /// Features off.
    pub features: FeatureSet,
}

impl Default for TrainSettings {
    fn default() -> Self {
        Self {
            scorer: Logistic {
                l2: 1.0,
                ..Logistic::default()
            },
            classifier: Logistic {
                l2: 1.0,
                ..Logistic::default()
            },
            inner_folds: 5,
            seed: 13,
            features: FeatureSet::all(),
        }
    }
}

/// The fold (0..k) of each item: stratified by `label`, shuffled by a hash of its id and the
/// seed, so a document's fold never depends on the order of the files.
#[must_use]
pub fn folds(ids: &[(&str, bool)], k: usize, seed: u64) -> Vec<usize> {
    let k = k.max(1);
    let mut fold = vec![0; ids.len()];
    for class in [true, false] {
        let mut members: Vec<(u64, usize)> = ids
            .iter()
            .enumerate()
            .filter(|(_, (_, l))| *l == class)
            .map(|(i, (id, _))| (mix(seed, id), i))
            .collect();
        members.sort_unstable();
        for (n, (_, i)) in members.into_iter().enumerate() {
            fold[i] = n % k;
        }
    }
    fold
}

/// A stable 64-bit hash of `id` under `seed` (FNV-1a, then a SplitMix64 finaliser).
fn mix(seed: u64, id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// The candidate rows of `examples`.
fn candidate_rows(examples: &[&Example]) -> Rows {
    let mut rows = Rows::new(Feature::ALL.iter().map(|f| f.name().to_owned()).collect());
    for e in examples {
        rows.values.extend_from_slice(&e.rows);
        rows.labels.extend_from_slice(&e.labels);
    }
    rows
}

fn scores(scorer: &LinearModel, e: &Example) -> Vec<f32> {
    e.rows.chunks_exact(FEATURES).map(|r| scorer.probability(r)).collect()
}

/// Trains a model on `examples`.
///
/// # Errors
/// Training data with one class only (no gold profile, or no exclusion), or a learner
/// failure.
pub fn train(
    extractor: &Extractor,
    examples: &[&Example],
    settings: &TrainSettings,
    gold_files: Vec<String>,
) -> Result<IhcModel, String> {
    let all = candidate_rows(examples);
    // Held-out scores from inner folds.
    let ids: Vec<(&str, bool)> = examples.iter().map(|e| (e.gold.id.as_str(), e.gold.include())).collect();
    let inner = folds(&ids, settings.inner_folds, settings.seed);
    let mut held_out: Vec<Vec<f32>> = vec![Vec::new(); examples.len()];
    for f in 0..settings.inner_folds {
        let train: Vec<&Example> = examples.iter().zip(&inner).filter(|(_, k)| **k != f).map(|(e, _)| *e).collect();
        let scorer = LinearModel::fit(&candidate_rows(&train), &settings.scorer).map_err(|e| e.to_string())?;
        for (i, e) in examples.iter().enumerate() {
            if inner[i] == f {
                held_out[i] = scores(&scorer, e);
            }
        }
    }
    let threshold = best_threshold(examples, &held_out);
    // The classifier, on document features from held-out scores.
    let mut doc_rows = Rows::new(DocFeature::ALL.iter().map(|f| f.name().to_owned()).collect());
    for (e, s) in examples.iter().zip(&held_out) {
        let (row, _) = model::document_row(&Cues::of(&e.doc), extractor, &e.analysis, s, threshold);
        doc_rows.push(&row, e.gold.include()).map_err(|e| e.to_string())?;
    }
    let classifier = LinearModel::fit(&doc_rows, &settings.classifier).map_err(|e| e.to_string())?;
    let scorer = LinearModel::fit(&all, &settings.scorer).map_err(|e| e.to_string())?;
    Ok(IhcModel {
        format: FORMAT,
        scorer,
        classifier,
        threshold,
        include_threshold: 0.5,
        rules_off: extractor.rules().disabled().iter().map(|r| r.name().to_owned()).collect(),
        features_off: settings.features.disabled().iter().map(|f| f.name().to_owned()).collect(),
        training: TrainingInfo {
            gold: gold_files,
            documents: examples.len(),
            included: examples.iter().filter(|e| e.gold.include()).count(),
            profiles: examples.iter().filter(|e| e.gold.include()).map(|e| e.gold.profiles.len()).sum(),
            candidates: all.len(),
            positives: all.labels.iter().filter(|l| **l).count(),
            unreachable: examples.iter().map(|e| e.unreachable).sum(),
            seed: settings.seed,
            settings: settings.scorer,
        },
    })
}

/// The threshold (0.20 to 0.80 by 0.05) whose selection over the held-out scores of the
/// gold-included documents has the best profile F1 (ties: nearest 0.5).
fn best_threshold(examples: &[&Example], held_out: &[Vec<f32>]) -> f32 {
    let markers = MarkerLexicon::builtin();
    let mut keys = KeyBuilder::new();
    let mut best = (f64::MIN, 0.5f32);
    for step in 4..=16 {
        let t = step as f32 * 0.05;
        let (mut tp, mut pred, mut gold) = (0usize, 0usize, 0usize);
        for (e, s) in examples.iter().zip(held_out) {
            if !e.gold.include() {
                continue;
            }
            let selected: Vec<_> = crate::select::trained(&e.analysis, s, t).into_iter().map(|(_, p)| p).collect();
            tp += match_profiles(&markers, &mut keys, &e.gold.profiles, &selected).iter().flatten().count();
            pred += selected.len();
            gold += e.gold.profiles.len();
        }
        let f1 = if pred + gold == 0 { 0.0 } else { 2.0 * tp as f64 / (pred + gold) as f64 };
        let better = f1 > best.0 + 1e-12 || ((f1 - best.0).abs() <= 1e-12 && (t - 0.5).abs() < (best.1 - 0.5).abs());
        if better {
            best = (f1, t);
        }
    }
    best.1
}

/// The record of an example under `engine` (as `ihc run` would write it).
#[must_use]
pub fn predict(extractor: &Extractor, engine: &Engine, e: &Example) -> IhcRecord {
    match screen(&e.doc, true) {
        Some((_, reason)) => IhcRecord {
            id: e.gold.id.clone(),
            label: Label::Exclude,
            reason,
            decided_by: Vec::new(),
            profiles: Vec::new(),
        },
        None => engine.record(extractor, &e.doc, &e.analysis, &e.gold.id),
    }
}

/// The scores of one fold.
#[derive(Clone, Debug, Serialize)]
pub struct FoldReport {
    /// Held-out documents.
    pub documents: usize,
    /// The trained engine.
    pub trained: IhcReport,
    /// The rules alone.
    pub rules: IhcReport,
}

/// A cross-validation: each fold, and the held-out predictions of all folds together.
#[derive(Clone, Debug, Serialize)]
pub struct CvReport {
    /// Folds.
    pub k: usize,
    /// Seed.
    pub seed: u64,
    /// Each fold.
    pub folds: Vec<FoldReport>,
    /// All held-out predictions of the trained engine, scored together.
    pub trained: IhcReport,
    /// The rules alone, scored together.
    pub rules: IhcReport,
    /// Gold profiles no candidate matched (recall's ceiling).
    pub unreachable: usize,
    /// Gold profiles.
    pub gold_profiles: usize,
    /// Unreached gold profiles by class, with examples.
    pub unreached: Vec<(Unreached, String)>,
}

/// k-fold cross-validation over `examples`.
///
/// # Errors
/// A fold that cannot be trained.
pub fn cross_validate(
    extractor: &Extractor,
    examples: &[Example],
    k: usize,
    settings: &TrainSettings,
) -> Result<CvReport, String> {
    let ids: Vec<(&str, bool)> = examples.iter().map(|e| (e.gold.id.as_str(), e.gold.include())).collect();
    let fold = folds(&ids, k, settings.seed);
    let mut folds_out = Vec::new();
    let (mut all_trained, mut all_rules) = (Vec::new(), Vec::new());
    for f in 0..k {
        let train_set: Vec<&Example> = examples.iter().zip(&fold).filter(|(_, x)| **x != f).map(|(e, _)| e).collect();
        let test_set: Vec<&Example> = examples.iter().zip(&fold).filter(|(_, x)| **x == f).map(|(e, _)| e).collect();
        let model = train(extractor, &train_set, settings, Vec::new())?;
        let engine = Engine::Trained(Box::new(model));
        let trained: Vec<IhcRecord> = test_set.iter().map(|e| predict(extractor, &engine, e)).collect();
        let rules: Vec<IhcRecord> = test_set.iter().map(|e| predict(extractor, &Engine::Rules, e)).collect();
        let gold: Vec<GoldRecord> = test_set.iter().map(|e| e.gold.clone()).collect();
        folds_out.push(FoldReport {
            documents: test_set.len(),
            trained: evaluate(&gold, &trained),
            rules: evaluate(&gold, &rules),
        });
        all_trained.extend(trained);
        all_rules.extend(rules);
    }
    let gold: Vec<GoldRecord> = examples.iter().map(|e| e.gold.clone()).collect();
    Ok(CvReport {
        k,
        seed: settings.seed,
        folds: folds_out,
        trained: evaluate(&gold, &all_trained),
        rules: evaluate(&gold, &all_rules),
        unreachable: examples.iter().map(|e| e.unreachable).sum(),
        gold_profiles: examples.iter().filter(|e| e.gold.include()).map(|e| e.gold.profiles.len()).sum(),
        unreached: examples.iter().flat_map(|e| e.unreached.iter().cloned()).collect(),
    })
}

fn mean_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len().max(1) as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0).max(1.0);
    (mean, var.sqrt())
}

impl CvReport {
    /// Mean and sample standard deviation over the folds of one figure of one engine.
    #[must_use]
    pub fn fold_stat(&self, trained: bool, figure: fn(&IhcReport) -> f64) -> (f64, f64) {
        let v: Vec<f64> = self
            .folds
            .iter()
            .map(|f| figure(if trained { &f.trained } else { &f.rules }))
            .collect();
        mean_sd(&v)
    }

    /// A readable report.
    #[must_use]
    pub fn render(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{}-fold cross-validation (document folds, stratified by label, seed {}); each fold trained on the others",
            self.k, self.seed
        );
        let _ = writeln!(s, "\nfold  docs  engine   accuracy  incl-F1  prof-P  prof-R  prof-F1  fully-correct");
        for (i, f) in self.folds.iter().enumerate() {
            for (name, r) in [("trained", &f.trained), ("rules", &f.rules)] {
                let _ = writeln!(
                    s,
                    "{:>4}  {:>4}  {:<7}  {:>8.3}  {:>7.3}  {:>6.3}  {:>6.3}  {:>7.3}  {:>3}/{:<3} {:.3}",
                    i + 1,
                    f.documents,
                    name,
                    r.accuracy,
                    r.include_f1,
                    r.profile_precision,
                    r.profile_recall,
                    r.profile_f1,
                    r.fully_correct_documents.0,
                    r.fully_correct_documents.1,
                    r.fully_correct
                );
            }
        }
        let _ = writeln!(s, "\nmean ± sd over folds:");
        type Figure = (&'static str, fn(&IhcReport) -> f64);
        let figures: [Figure; 8] = [
            ("accuracy", |r| r.accuracy),
            ("include P", |r| r.include_precision),
            ("include R", |r| r.include_recall),
            ("include F1", |r| r.include_f1),
            ("profile P", |r| r.profile_precision),
            ("profile R", |r| r.profile_recall),
            ("profile F1", |r| r.profile_f1),
            ("fully correct", |r| r.fully_correct),
        ];
        let _ = writeln!(s, "  {:<14} {:>15} {:>15}", "", "trained", "rules");
        for (name, f) in figures {
            let (tm, ts) = self.fold_stat(true, f);
            let (rm, rs) = self.fold_stat(false, f);
            let _ = writeln!(s, "  {name:<14} {tm:>7.3} ± {ts:.3} {rm:>7.3} ± {rs:.3}");
        }
        let _ = writeln!(
            s,
            "\nall held-out predictions together (trained engine):\n{}",
            self.trained.render(false)
        );
        let _ = writeln!(s, "rules alone, the same documents:\n{}", self.rules.render(false));
        let _ = writeln!(
            s,
            "gold profiles no candidate reaches: {} of {} (recall ceiling {:.3})",
            self.unreachable,
            self.gold_profiles,
            1.0 - self.unreachable as f64 / self.gold_profiles.max(1) as f64
        );
        for class in Unreached::ALL {
            let n = self.unreached.iter().filter(|(c, _)| *c == class).count();
            let _ = writeln!(s, "  {:<18} {n}", class.as_str());
        }
        s
    }
}

/// Sums of loss and extra classes (for callers that aggregate reports).
#[must_use]
pub fn add_classes(a: &IhcReport, b: &IhcReport) -> (Losses, Extras) {
    let (mut l, mut x) = (a.losses, a.extras);
    l.add(&b.losses);
    x.add(&b.extras);
    (l, x)
}
