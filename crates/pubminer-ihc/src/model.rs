//! Phase 5: the trained engine. An [`IhcModel`] is three logistic models over named features
//! ([`pubminer_learn::LinearModel`]): the *scorer* (candidate → probability that it is a gold
//! profile, over [`crate::features::Feature`]), the *reranker* (that probability beside its
//! rivals' → a new one, over [`crate::rerank::RerankFeature`]; optional) and the *classifier*
//! (document → probability of `include`, over [`crate::classify::DocFeature`]), with the score
//! threshold the training chose. It is a small JSON file; the default one
//! (`data/ihc-model.json`, trained on the shared train and dev sets) is compiled in and rebuilt
//! by `pubminer ihc train`.

use pubminer_core::Document;
use pubminer_learn::{LinearModel, Logistic};
use serde::{Deserialize, Serialize};

use crate::classify::{self, Cues, DocFeature};
use crate::extract::{Analysis, Extractor};
use crate::features::{self, FEATURES, Feature, FeatureSet};
use crate::record::{Label, Profile, Reason};
use crate::rerank::{RERANK_FEATURES, RerankFeature};
use crate::rules::RuleSet;
use crate::select;

/// The model file's format version.
pub const FORMAT: u32 = 1;

const BUILTIN: &str = include_str!("../data/ihc-model.json");

/// How a model was trained, for the record.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainingInfo {
    /// The gold files (name, SHA-256, records).
    pub gold: Vec<String>,
    /// Documents.
    pub documents: usize,
    /// Documents labelled include.
    pub included: usize,
    /// Gold profiles.
    pub profiles: usize,
    /// Candidates scored.
    pub candidates: usize,
    /// Candidates that match a gold profile.
    pub positives: usize,
    /// Gold profiles no candidate matches (the ceiling of recall).
    pub unreachable: usize,
    /// Seed of the folds that chose the threshold and trained the classifier.
    pub seed: u64,
    /// The learner's settings.
    pub settings: Logistic,
}

/// A trained IHC model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IhcModel {
    /// [`FORMAT`].
    pub format: u32,
    /// Candidate scorer.
    pub scorer: LinearModel,
    /// The second look at each candidate's score beside its rivals' ([`crate::rerank`]);
    /// absent in models trained without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reranker: Option<LinearModel>,
    /// Include/exclude classifier.
    pub classifier: LinearModel,
    /// Candidates scoring at least this are profiles.
    pub threshold: f32,
    /// Documents scoring at least this are included.
    pub include_threshold: f32,
    /// Rules that were off while training (they must be off when it runs).
    pub rules_off: Vec<String>,
    /// Features that were off.
    pub features_off: Vec<String>,
    /// How it was trained.
    pub training: TrainingInfo,
}

/// What the trained engine decided for one document.
#[derive(Clone, Debug)]
pub struct TrainedDecision {
    /// Include or exclude.
    pub label: Label,
    /// Why.
    pub reason: Reason,
    /// The classifier's decisive features (`review-title -2.31`).
    pub decided_by: Vec<String>,
    /// Profiles (empty when excluded).
    pub profiles: Vec<Profile>,
}

impl IhcModel {
    /// The model compiled into pubminer.
    ///
    /// # Errors
    /// A compiled-in model that does not fit this build's features (a build error that the
    /// tests catch).
    pub fn builtin() -> Result<Self, String> {
        Self::parse(BUILTIN)
    }

    /// Reads a model from its JSON text, checking that it fits this build.
    ///
    /// # Errors
    /// Not a model, another format, or other features.
    pub fn parse(text: &str) -> Result<Self, String> {
        let model: Self =
            serde_json::from_str(text).map_err(|e| format!("not an IHC model: {e}"))?;
        model.check()?;
        Ok(model)
    }

    /// Checks the format and the feature names.
    ///
    /// # Errors
    /// What does not fit.
    pub fn check(&self) -> Result<(), String> {
        if self.format != FORMAT {
            return Err(format!(
                "IHC model format {} (this build reads {FORMAT}); retrain it with `pubminer ihc train`",
                self.format
            ));
        }
        let names: Vec<&str> = Feature::ALL.iter().map(|f| f.name()).collect();
        self.scorer
            .check_features(&names)
            .map_err(|e| format!("scorer: {e}; retrain it with `pubminer ihc train`"))?;
        if let Some(reranker) = &self.reranker {
            let names: Vec<&str> = RerankFeature::ALL.iter().map(|f| f.name()).collect();
            reranker
                .check_features(&names)
                .map_err(|e| format!("reranker: {e}; retrain it with `pubminer ihc train`"))?;
        }
        let names: Vec<&str> = DocFeature::ALL.iter().map(|f| f.name()).collect();
        self.classifier
            .check_features(&names)
            .map_err(|e| format!("classifier: {e}; retrain it with `pubminer ihc train`"))?;
        self.rule_set()?;
        self.feature_set()?;
        Ok(())
    }

    /// The model as JSON (stable: the same model gives the same bytes).
    ///
    /// # Panics
    /// Never: the model serialises.
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a model serialises");
        s.push('\n');
        s
    }

    /// The rules the model expects.
    ///
    /// # Errors
    /// An unknown rule name.
    pub fn rule_set(&self) -> Result<RuleSet, String> {
        RuleSet::parse_off(&self.rules_off.join(","))
    }

    /// The features the model uses.
    ///
    /// # Errors
    /// An unknown feature name.
    pub fn feature_set(&self) -> Result<FeatureSet, String> {
        FeatureSet::parse_off(&self.features_off.join(","))
    }

    /// Each candidate's score.
    #[must_use]
    pub fn scores(&self, analysis: &Analysis) -> Vec<f32> {
        let set = self.feature_set().unwrap_or_default();
        let rows = features::matrix(analysis, &set);
        let scores: Vec<f32> = rows
            .chunks_exact(FEATURES)
            .map(|r| self.scorer.probability(r))
            .collect();
        match &self.reranker {
            Some(reranker) => rerank(reranker, analysis, &scores),
            None => scores,
        }
    }

    /// The classifier's features of `doc` (named by [`DocFeature::ALL`]).
    #[must_use]
    pub fn document_features(
        &self,
        doc: &Document,
        extractor: &Extractor,
        analysis: &Analysis,
    ) -> Vec<f32> {
        let scores = self.scores(analysis);
        document_row(&Cues::of(doc), extractor, analysis, &scores, self.threshold).0
    }

    /// Decides on `doc` (read by `extractor` into `analysis`).
    #[must_use]
    pub fn decide(
        &self,
        doc: &Document,
        extractor: &Extractor,
        analysis: &Analysis,
    ) -> TrainedDecision {
        let scores = self.scores(analysis);
        self.decide_scored(doc, extractor, analysis, &scores)
    }

    /// Decides given the candidates' scores (training uses held-out scores).
    #[must_use]
    pub fn decide_scored(
        &self,
        doc: &Document,
        extractor: &Extractor,
        analysis: &Analysis,
        scores: &[f32],
    ) -> TrainedDecision {
        let cues = Cues::of(doc);
        let (row, selected) = document_row(&cues, extractor, analysis, scores, self.threshold);
        let p = self.classifier.probability(&row);
        let contributions = self.classifier.contributions(&row);
        let include = p >= self.include_threshold;
        let mut profiles: Vec<Profile> = selected.into_iter().map(|(_, p)| p).collect();
        if include && profiles.is_empty() {
            // The classifier says the document counts: its best-scoring candidate is the count.
            let best =
                (0..scores.len()).max_by(|&a, &b| scores[a].total_cmp(&scores[b]).then(b.cmp(&a)));
            profiles.extend(best.map(|i| analysis.profile(&analysis.candidates.candidates[i])));
        }
        let decision =
            classify::trained_reason(include, &profiles, &contributions, &cues, analysis);
        let decided_by = contributions
            .iter()
            .take(3)
            .map(|&(i, c)| format!("{} {c:+.2}", DocFeature::ALL[i].name()))
            .collect();
        TrainedDecision {
            label: decision.label,
            reason: decision.reason,
            decided_by,
            profiles: if decision.label.is_include() {
                profiles
            } else {
                Vec::new()
            },
        }
    }
}

/// The reranker's probabilities of `analysis`'s candidates, given the scorer's.
pub(crate) fn rerank(reranker: &LinearModel, analysis: &Analysis, scores: &[f32]) -> Vec<f32> {
    crate::rerank::rows(analysis, scores)
        .chunks_exact(RERANK_FEATURES)
        .map(|r| reranker.probability(r))
        .collect()
}

/// The document features and the selected profiles, given the candidates' scores.
pub(crate) fn document_row(
    cues: &Cues,
    extractor: &Extractor,
    analysis: &Analysis,
    scores: &[f32],
    threshold: f32,
) -> (Vec<f32>, Vec<(usize, Profile)>) {
    let selected = select::trained(analysis, scores, threshold);
    let found = select::rules(analysis, extractor.rules());
    let rules = classify::rules(cues, &found);
    let profiles: Vec<Profile> = selected.iter().map(|(_, p)| p.clone()).collect();
    let scored = classify::Scored::of(analysis, scores, &selected);
    (
        classify::doc_features(cues, analysis, &rules, &scored, &profiles),
        selected,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_without_a_reranker_still_loads() {
        let builtin = IhcModel::builtin().expect("builtin");
        assert!(
            builtin.reranker.is_some(),
            "the default model has a reranker"
        );
        let mut json: serde_json::Value = serde_json::from_str(BUILTIN).expect("json");
        json.as_object_mut().expect("object").remove("reranker");
        let older = IhcModel::parse(&json.to_string()).expect("a model without a reranker");
        assert!(older.reranker.is_none());
        // A reranker over other features is refused with the reason.
        let mut bad = builtin.clone();
        if let Some(r) = bad.reranker.as_mut() {
            r.features[0] = "not-a-feature".into();
        }
        let err = IhcModel::parse(&bad.to_json()).unwrap_err();
        assert!(err.contains("reranker"), "{err}");
    }
}
