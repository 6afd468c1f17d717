//! k-fold cross-validation: document folds, each trained on the others, the rules alone
//! scored on the same folds.

use serde::Serialize;

use super::examples::{Example, Unreached};
use super::{TrainSettings, folds, train};
use crate::eval::{GoldRecord, IhcReport, evaluate};
use crate::extract::Extractor;
use crate::pipeline::{Engine, screen};
use crate::record::{IhcRecord, Label};

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
    /// The trained engine's held-out record of every document, in the order of the examples'
    /// folds (for reading errors document by document).
    #[serde(skip)]
    pub records: Vec<IhcRecord>,
    /// Mean and standard deviation over the folds of each figure, trained engine.
    pub trained_folds: Vec<(String, f64, f64)>,
    /// The same for the rules alone.
    pub rules_folds: Vec<(String, f64, f64)>,
}

type Figure = (&'static str, fn(&IhcReport) -> f64);

/// The figures reported per fold.
const FIGURES: [Figure; 8] = [
    ("accuracy", |r| r.accuracy),
    ("include_precision", |r| r.include_precision),
    ("include_recall", |r| r.include_recall),
    ("include_f1", |r| r.include_f1),
    ("profile_precision", |r| r.profile_precision),
    ("profile_recall", |r| r.profile_recall),
    ("profile_f1", |r| r.profile_f1),
    ("fully_correct", |r| r.fully_correct),
];

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
    let ids: Vec<(&str, bool)> = examples
        .iter()
        .map(|e| (e.gold.id.as_str(), e.gold.include()))
        .collect();
    let fold = folds(&ids, k, settings.seed);
    let mut folds_out = Vec::new();
    let (mut all_trained, mut all_rules) = (Vec::new(), Vec::new());
    for f in 0..k {
        let train_set: Vec<&Example> = examples
            .iter()
            .zip(&fold)
            .filter(|(_, x)| **x != f)
            .map(|(e, _)| e)
            .collect();
        let test_set: Vec<&Example> = examples
            .iter()
            .zip(&fold)
            .filter(|(_, x)| **x == f)
            .map(|(e, _)| e)
            .collect();
        let model = train(extractor, &train_set, settings, Vec::new())?;
        let engine = Engine::Trained(Box::new(model));
        let trained: Vec<IhcRecord> = test_set
            .iter()
            .map(|e| predict(extractor, &engine, e))
            .collect();
        let rules: Vec<IhcRecord> = test_set
            .iter()
            .map(|e| predict(extractor, &Engine::Rules, e))
            .collect();
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
    let stats = |trained: bool| -> Vec<(String, f64, f64)> {
        FIGURES
            .iter()
            .map(|(name, f)| {
                let v: Vec<f64> = folds_out
                    .iter()
                    .map(|x: &FoldReport| f(if trained { &x.trained } else { &x.rules }))
                    .collect();
                let (m, sd) = mean_sd(&v);
                ((*name).to_owned(), m, sd)
            })
            .collect()
    };
    let (trained_folds, rules_folds) = (stats(true), stats(false));
    Ok(CvReport {
        trained_folds,
        rules_folds,
        k,
        seed: settings.seed,
        folds: folds_out,
        trained: evaluate(&gold, &all_trained),
        rules: evaluate(&gold, &all_rules),
        records: all_trained,
        unreachable: examples.iter().map(|e| e.unreachable).sum(),
        gold_profiles: examples
            .iter()
            .filter(|e| e.gold.include())
            .map(|e| e.gold.profiles.len())
            .sum(),
        unreached: examples
            .iter()
            .flat_map(|e| e.unreached.iter().cloned())
            .collect(),
    })
}

fn mean_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len().max(1) as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0).max(1.0);
    (mean, var.sqrt())
}

impl CvReport {
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
        let _ = writeln!(
            s,
            "\nfold  docs  engine   accuracy  incl-F1  prof-P  prof-R  prof-F1  fully-correct"
        );
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
        let _ = writeln!(s, "  {:<18} {:>15} {:>15}", "", "trained", "rules");
        for ((name, tm, ts), (_, rm, rs)) in self.trained_folds.iter().zip(&self.rules_folds) {
            let _ = writeln!(s, "  {name:<18} {tm:>7.3} ± {ts:.3} {rm:>7.3} ± {rs:.3}");
        }
        let _ = writeln!(
            s,
            "\nall held-out predictions together (trained engine):\n{}",
            self.trained.render(false)
        );
        let _ = writeln!(
            s,
            "rules alone, the same documents:\n{}",
            self.rules.render(false)
        );
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
