//! The models pubminer trains from its gold data, behind one small API so that every task
//! (IHC profiles and include/exclude now; entity and relation models next) learns the same
//! way: named dense features in, an L2-regularised logistic regression out.
//!
//! It exists to keep the learner crate (linfa's logistic regression, fitted by L-BFGS)
//! fenced in one place, and to give every model the same three properties the tasks need:
//!
//! - **deterministic**: the same rows give the same weights, bit for bit (L-BFGS from zero,
//!   no sampling), so a committed model is rebuilt exactly by its command;
//! - **explainable**: [`LinearModel::contributions`] says which features decided a score;
//! - **small and fast to load**: a model is its feature names, weights and intercept (serde).

use serde::{Deserialize, Serialize};

/// What can go wrong while training.
#[derive(Debug, thiserror::Error)]
pub enum LearnError {
    /// The rows and labels do not fit together.
    #[error("{0}")]
    Shape(String),
    /// Both classes are needed.
    #[error("the training rows hold only one class ({0}); a classifier needs both")]
    OneClass(bool),
    /// The optimiser failed.
    #[error("logistic regression failed: {0}")]
    Fit(String),
}

/// The training settings of a logistic regression.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Logistic {
    /// L2 penalty on the weights.
    pub l2: f64,
    /// L-BFGS iterations at most.
    pub max_iterations: u64,
    /// Stop when the gradient's norm is below this.
    pub tolerance: f64,
    /// Each positive row counts this many times (class balance).
    pub positive_weight: u32,
}

impl Default for Logistic {
    fn default() -> Self {
        Self {
            l2: 1.0,
            max_iterations: 50,
            tolerance: 1e-3,
            positive_weight: 1,
        }
    }
}

/// A dense feature matrix, row-major, with its column names.
#[derive(Clone, Debug, Default)]
pub struct Rows {
    /// Column names.
    pub names: Vec<String>,
    /// `len × names.len()` values.
    pub values: Vec<f32>,
    /// The class of each row.
    pub labels: Vec<bool>,
}

impl Rows {
    /// Empty rows over `names`.
    #[must_use]
    pub fn new(names: Vec<String>) -> Self {
        Self {
            names,
            values: Vec::new(),
            labels: Vec::new(),
        }
    }

    /// Rows.
    #[must_use]
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True without rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Appends one row.
    ///
    /// # Errors
    /// A row of the wrong width.
    pub fn push(&mut self, row: &[f32], label: bool) -> Result<(), LearnError> {
        if row.len() != self.names.len() {
            return Err(LearnError::Shape(format!(
                "a row of {} values for {} features",
                row.len(),
                self.names.len()
            )));
        }
        self.values.extend_from_slice(row);
        self.labels.push(label);
        Ok(())
    }

    /// Appends the rows of `other` (same columns).
    ///
    /// # Errors
    /// Other columns.
    pub fn extend(&mut self, other: &Rows) -> Result<(), LearnError> {
        if other.names != self.names {
            return Err(LearnError::Shape("rows over other features".into()));
        }
        self.values.extend_from_slice(&other.values);
        self.labels.extend_from_slice(&other.labels);
        Ok(())
    }
}

/// A fitted linear model: `P(true) = σ(intercept + Σ weightᵢ · xᵢ)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinearModel {
    /// Feature names, in column order.
    pub features: Vec<String>,
    /// One weight per feature.
    pub weights: Vec<f32>,
    /// The intercept.
    pub intercept: f32,
}

impl LinearModel {
    /// Fits a logistic regression to `rows`.
    ///
    /// # Errors
    /// Mismatched shapes, a single class, or an optimiser failure.
    pub fn fit(rows: &Rows, settings: &Logistic) -> Result<Self, LearnError> {
        use linfa::prelude::Fit;
        let columns = rows.names.len();
        if rows.values.len() != rows.len() * columns {
            return Err(LearnError::Shape(format!(
                "{} values for {} rows of {columns}",
                rows.values.len(),
                rows.len()
            )));
        }
        if let Some(&first) = rows.labels.first()
            && rows.labels.iter().all(|&l| l == first)
        {
            return Err(LearnError::OneClass(first));
        }
        // Positive rows repeated `positive_weight` times: the learner takes no row weights.
        let weight = settings.positive_weight.max(1) as usize;
        let mut data: Vec<f64> = Vec::with_capacity(rows.values.len());
        let mut labels: Vec<bool> = Vec::with_capacity(rows.len());
        for (i, &label) in rows.labels.iter().enumerate() {
            let row = &rows.values[i * columns..(i + 1) * columns];
            for _ in 0..if label { weight } else { 1 } {
                data.extend(row.iter().map(|&v| f64::from(v)));
                labels.push(label);
            }
        }
        let n = labels.len();
        let x = ndarray::Array2::from_shape_vec((n, columns), data)
            .map_err(|e| LearnError::Shape(e.to_string()))?;
        let y = ndarray::Array1::from_vec(labels);
        let dataset = linfa::Dataset::new(x, y);
        let fitted = linfa_logistic::LogisticRegression::default()
            .alpha(settings.l2)
            .max_iterations(settings.max_iterations)
            .gradient_tolerance(settings.tolerance)
            .fit(&dataset)
            .map_err(|e| LearnError::Fit(e.to_string()))?;
        // linfa calls the first class it meets positive.
        let sign = if fitted.labels().pos.class { 1.0 } else { -1.0 };
        Ok(Self {
            features: rows.names.clone(),
            weights: fitted.params().iter().map(|w| (sign * w) as f32).collect(),
            intercept: (sign * fitted.intercept()) as f32,
        })
    }

    /// The log-odds of `row`.
    #[must_use]
    pub fn logit(&self, row: &[f32]) -> f32 {
        self.intercept
            + self
                .weights
                .iter()
                .zip(row)
                .map(|(w, x)| w * x)
                .sum::<f32>()
    }

    /// `P(true)` for `row`.
    #[must_use]
    pub fn probability(&self, row: &[f32]) -> f32 {
        1.0 / (1.0 + (-self.logit(row)).exp())
    }

    /// Each feature's share of the log-odds (`weight × value`), largest magnitude first;
    /// features at 0 are left out.
    #[must_use]
    pub fn contributions(&self, row: &[f32]) -> Vec<(usize, f32)> {
        let mut out: Vec<(usize, f32)> = self
            .weights
            .iter()
            .zip(row)
            .enumerate()
            .map(|(i, (w, x))| (i, w * x))
            .filter(|(_, c)| *c != 0.0)
            .collect();
        out.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
        out
    }

    /// Checks the model against the feature names a caller computes.
    ///
    /// # Errors
    /// Names that differ (another version of the features), naming the first difference.
    pub fn check_features(&self, names: &[&str]) -> Result<(), String> {
        if self.weights.len() != self.features.len() {
            return Err(format!(
                "{} weights for {} features",
                self.weights.len(),
                self.features.len()
            ));
        }
        if self.features.len() != names.len() {
            return Err(format!(
                "the model has {} features, this build computes {}",
                self.features.len(),
                names.len()
            ));
        }
        match self.features.iter().zip(names).find(|(a, b)| a != *b) {
            Some((a, b)) => Err(format!("the model's feature {a:?} is {b:?} in this build")),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn separable() -> Rows {
        let mut rows = Rows::new(vec!["signal".into(), "noise".into()]);
        for i in 0..40u8 {
            let noise = f32::from(i % 3) / 2.0;
            rows.push(&[1.0, noise], true).unwrap();
            rows.push(&[0.0, noise], false).unwrap();
        }
        rows
    }

    #[test]
    fn learns_the_signal_and_explains_it() {
        let model = LinearModel::fit(&separable(), &Logistic::default()).unwrap();
        assert!(model.weights[0] > 2.0, "{model:?}");
        assert!(model.weights[1].abs() < 0.5, "{model:?}");
        assert!(model.probability(&[1.0, 0.5]) > 0.8);
        assert!(model.probability(&[0.0, 0.5]) < 0.2);
        assert_eq!(model.contributions(&[1.0, 0.0])[0].0, 0);
    }

    #[test]
    fn the_same_rows_give_the_same_bytes_whatever_class_comes_first() {
        let a = LinearModel::fit(&separable(), &Logistic::default()).unwrap();
        let b = LinearModel::fit(&separable(), &Logistic::default()).unwrap();
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
        // Negatives first: the same direction.
        let mut flipped = Rows::new(vec!["signal".into(), "noise".into()]);
        flipped.push(&[0.0, 0.0], false).unwrap();
        flipped.extend(&separable()).unwrap();
        let c = LinearModel::fit(&flipped, &Logistic::default()).unwrap();
        assert!(c.weights[0] > 2.0);
    }

    #[test]
    fn one_class_and_bad_shapes_are_errors() {
        let mut rows = Rows::new(vec!["a".into()]);
        rows.push(&[1.0], true).unwrap();
        assert!(matches!(
            LinearModel::fit(&rows, &Logistic::default()),
            Err(LearnError::OneClass(true))
        ));
        assert!(rows.push(&[1.0, 2.0], true).is_err());
        let model = LinearModel::fit(&separable(), &Logistic::default()).unwrap();
        assert!(model.check_features(&["signal", "noise"]).is_ok());
        assert!(model.check_features(&["signal"]).is_err());
        assert!(
            model
                .check_features(&["signal", "other"])
                .unwrap_err()
                .contains("noise")
        );
    }
}
