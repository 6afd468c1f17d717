//! Training the IHC model from gold abstracts, and judging it honestly: document-level
//! k-fold cross-validation with a fixed seed, the rules-only engine scored on the same folds.
//!
//! Training a model on documents D:
//! 1. every document is read (phases 1-4) and each candidate labelled by the gold: it is a
//!    positive when it matches a gold profile as `eval ihc` matches them;
//! 2. inner folds over D give every candidate a held-out score (a scorer fitted without its
//!    document);
//! 3. the reranker is fitted on those held-out scores beside their rivals' (`rerank.rs`), and
//!    its scores replace them;
//! 4. the threshold is the one whose held-out selection has the best profile F1;
//! 5. the include/exclude classifier is fitted on document features computed from those
//!    held-out scores (so it learns how far to trust the scorer on unseen text);
//! 6. the scorer is refitted on all of D.

mod cv;
mod examples;

use pubminer_learn::{LinearModel, Logistic, Rows};
use pubminer_text::normalize::KeyBuilder;

pub use cv::{CvReport, FoldReport, cross_validate, predict};
pub use examples::{Example, Unreached, examples};

use crate::classify::{Cues, DocFeature};
use crate::eval::match_profiles;
use crate::extract::Extractor;
use crate::features::{FEATURES, Feature, FeatureSet};
use crate::markers::MarkerLexicon;
use crate::model::{self, FORMAT, IhcModel, TrainingInfo};

/// Training settings.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainSettings {
    /// The scorer's learner.
    pub scorer: Logistic,
    /// The classifier's learner.
    pub classifier: Logistic,
    /// The reranker's learner (`None`: no reranker).
    pub reranker: Option<Logistic>,
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
            // Chosen by 5-fold cross-validation over train + dev (profile F1; l2 of 0.1, 1, 10,
            // 30 and 100 for the scorer, 0.1, 1 and 10 for the classifier): a strong penalty
            // on the ~117 correlated candidate features, a light one on the 34 document
            // features. See docs/RESULTS.md.
            scorer: Logistic {
                l2: 10.0,
                ..Logistic::default()
            },
            classifier: Logistic {
                l2: 0.1,
                ..Logistic::default()
            },
            reranker: Some(Logistic {
                l2: 1.0,
                ..Logistic::default()
            }),
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
/// The scorer learns which candidates of an *included* document are its profiles: whether a
/// document is included at all is the classifier's question, so excluded documents' counts
/// (animal studies, cell lines, prognosis-only series) do not teach it that a well-formed
/// count is no profile.
fn candidate_rows(examples: &[&Example]) -> Rows {
    let mut rows = Rows::new(Feature::ALL.iter().map(|f| f.name().to_owned()).collect());
    for e in examples.iter().filter(|e| e.gold.include()) {
        rows.values.extend_from_slice(&e.rows);
        rows.labels.extend_from_slice(&e.labels);
    }
    rows
}

fn scores(scorer: &LinearModel, e: &Example) -> Vec<f32> {
    e.rows
        .chunks_exact(FEATURES)
        .map(|r| scorer.probability(r))
        .collect()
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
    let HeldOut {
        documents,
        threshold,
        reranker,
    } = held_out(extractor, examples, settings)?;
    let classifier =
        LinearModel::fit(&documents, &settings.classifier).map_err(|e| e.to_string())?;
    let scorer = LinearModel::fit(&all, &settings.scorer).map_err(|e| e.to_string())?;
    Ok(IhcModel {
        format: FORMAT,
        scorer,
        reranker,
        classifier,
        threshold,
        include_threshold: 0.5,
        rules_off: extractor
            .rules()
            .disabled()
            .iter()
            .map(|r| r.name().to_owned())
            .collect(),
        features_off: settings
            .features
            .disabled()
            .iter()
            .map(|f| f.name().to_owned())
            .collect(),
        training: TrainingInfo {
            gold: gold_files,
            documents: examples.len(),
            included: examples.iter().filter(|e| e.gold.include()).count(),
            profiles: examples
                .iter()
                .filter(|e| e.gold.include())
                .map(|e| e.gold.profiles.len())
                .sum(),
            candidates: all.len(),
            positives: all.labels.iter().filter(|l| **l).count(),
            unreachable: examples.iter().map(|e| e.unreachable).sum(),
            seed: settings.seed,
            settings: settings.scorer,
        },
    })
}

/// What training learns from held-out scores (inner folds over the training documents, each
/// scorer fitted without the document): the reranker, the threshold, and the classifier's
/// rows, so that the later stages learn how far to trust the scorer on unseen text.
pub struct HeldOut {
    /// The classifier's rows, one per document.
    pub documents: Rows,
    /// The score threshold of a profile.
    pub threshold: f32,
    /// The reranker, when the settings ask for one.
    pub reranker: Option<LinearModel>,
}

/// Computes [`HeldOut`] for `examples`.
///
/// # Errors
/// A fold whose candidates hold one class only, or a learner failure.
pub fn held_out(
    extractor: &Extractor,
    examples: &[&Example],
    settings: &TrainSettings,
) -> Result<HeldOut, String> {
    let ids: Vec<(&str, bool)> = examples
        .iter()
        .map(|e| (e.gold.id.as_str(), e.gold.include()))
        .collect();
    let inner = folds(&ids, settings.inner_folds, settings.seed);
    let mut held_out: Vec<Vec<f32>> = vec![Vec::new(); examples.len()];
    for f in 0..settings.inner_folds {
        let train: Vec<&Example> = examples
            .iter()
            .zip(&inner)
            .filter(|(_, k)| **k != f)
            .map(|(e, _)| *e)
            .collect();
        let scorer = LinearModel::fit(&candidate_rows(&train), &settings.scorer)
            .map_err(|e| e.to_string())?;
        for (i, e) in examples.iter().enumerate() {
            if inner[i] == f {
                held_out[i] = scores(&scorer, e);
            }
        }
    }
    // The reranker learns from the held-out scores of the included documents' candidates; its
    // own scores then replace them (it has a few features, so its in-sample scores are close
    // to held-out ones).
    let reranker = match &settings.reranker {
        Some(learner) => {
            let mut rows = Rows::new(
                crate::rerank::RerankFeature::ALL
                    .iter()
                    .map(|f| f.name().to_owned())
                    .collect(),
            );
            for (e, s) in examples.iter().zip(&held_out) {
                if e.gold.include() {
                    rows.values.extend(crate::rerank::rows(&e.analysis, s));
                    rows.labels.extend_from_slice(&e.labels);
                }
            }
            let reranker = LinearModel::fit(&rows, learner).map_err(|e| e.to_string())?;
            for (e, s) in examples.iter().zip(held_out.iter_mut()) {
                *s = model::rerank(&reranker, &e.analysis, s);
            }
            Some(reranker)
        }
        None => None,
    };
    let threshold = best_threshold(examples, &held_out);
    let mut doc_rows = Rows::new(
        DocFeature::ALL
            .iter()
            .map(|f| f.name().to_owned())
            .collect(),
    );
    for (e, s) in examples.iter().zip(&held_out) {
        let (row, _) = model::document_row(&Cues::of(&e.doc), extractor, &e.analysis, s, threshold);
        doc_rows
            .push(&row, e.gold.include())
            .map_err(|e| e.to_string())?;
    }
    Ok(HeldOut {
        documents: doc_rows,
        threshold,
        reranker,
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
            let selected: Vec<_> = crate::select::trained(&e.analysis, s, t)
                .into_iter()
                .map(|(_, p)| p)
                .collect();
            tp += match_profiles(&markers, &mut keys, &e.gold.profiles, &selected)
                .iter()
                .flatten()
                .count();
            pred += selected.len();
            gold += e.gold.profiles.len();
        }
        let f1 = if pred + gold == 0 {
            0.0
        } else {
            2.0 * tp as f64 / (pred + gold) as f64
        };
        let better = f1 > best.0 + 1e-12
            || ((f1 - best.0).abs() <= 1e-12 && (t - 0.5).abs() < (best.1 - 0.5).abs());
        if better {
            best = (f1, t);
        }
    }
    best.1
}
