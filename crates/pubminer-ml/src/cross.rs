//! Cross-encoders: BERT sequence classification over (query, candidate) pairs.

use std::path::Path;

use candle_core::{D, Device, Tensor};
use candle_nn::{Linear, Module, linear};
use tokenizers::{EncodeInput, Tokenizer};

use crate::bert::Bert;
use crate::encoder::tensors;
use crate::error::{MlError, Result};
use crate::files;

/// A `BertForSequenceClassification` checkpoint used to score pairs.
///
/// Port of `transformers`' `BertForSequenceClassification.forward`
/// (modeling_bert.py): `pooled = tanh(pooler.dense(h_cls))`, `logits = classifier(pooled)`.
/// A one-label head gives `sigmoid(logit)`; a multi-label head gives the softmax probability
/// of its last label ("match").
pub struct CrossEncoder {
    bert: Bert,
    pooler: Linear,
    classifier: Linear,
    labels: usize,
    tokenizer: Tokenizer,
    batch_size: usize,
    device: Device,
}

impl std::fmt::Debug for CrossEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CrossEncoder")
            .field("labels", &self.labels)
            .finish_non_exhaustive()
    }
}

impl CrossEncoder {
    /// Loads a sequence-classification checkpoint from `dir`.
    ///
    /// # Errors
    /// Missing files, or weights without a classification head.
    pub fn load(dir: &Path, max_length: usize) -> Result<Self> {
        let device = Device::Cpu;
        let (config, raw) = files::config(dir)?;
        let labels = raw
            .get("id2label")
            .and_then(|m| m.as_object())
            .map_or_else(
                || raw.get("num_labels").and_then(|n| n.as_u64()).unwrap_or(1) as usize,
                |m| m.len(),
            )
            .max(1);
        let vb = files::weights(dir, &device)?;
        let bert = Bert::load(vb.clone(), &config)
            .map_err(|e| MlError::file(dir, format!("the weights do not fit a BERT model: {e}")))?;
        let prefix = if vb.contains_tensor("bert.pooler.dense.weight") {
            "bert."
        } else {
            ""
        };
        let h = config.hidden_size;
        let pooler = linear(h, h, vb.pp(format!("{prefix}pooler.dense"))).map_err(|e| {
            MlError::file(
                dir,
                format!("no pooler: not a sequence-classification checkpoint ({e})"),
            )
        })?;
        let classifier = linear(h, labels, vb.pp("classifier")).map_err(|e| {
            MlError::file(
                dir,
                format!("no classifier head: not a sequence-classification checkpoint ({e})"),
            )
        })?;
        Ok(Self {
            bert,
            pooler,
            classifier,
            labels,
            tokenizer: files::tokenizer(dir, max_length)?,
            batch_size: 32,
            device,
        })
    }

    /// Scores each (query, candidate) pair in [0, 1]; higher is a better match.
    ///
    /// # Errors
    /// Tokenizer or model failures.
    pub fn score(&self, pairs: &[(&str, &str)]) -> Result<Vec<f32>> {
        use rayon::prelude::*;
        // Batches in parallel, each on one thread, as `BertEncoder::embed` runs them.
        let threads = rayon::current_num_threads().max(1);
        let per_batch = self.batch_size.min(pairs.len().div_ceil(threads)).max(1);
        let scored = pairs
            .par_chunks(per_batch)
            .map(|chunk| self.score_batch(chunk))
            .collect::<Result<Vec<_>>>()?;
        Ok(scored.into_iter().flatten().collect())
    }

    fn score_batch(&self, chunk: &[(&str, &str)]) -> Result<Vec<f32>> {
        let inputs: Vec<EncodeInput> = chunk
            .iter()
            .map(|&(a, b)| EncodeInput::Dual(a.into(), b.into()))
            .collect();
        let encodings = self
            .tokenizer
            .encode_batch(inputs, true)
            .map_err(|e| MlError::Tokenizer(e.to_string()))?;
        let (ids, types, mask) = tensors(&encodings, &self.device)?;
        let logits = self.logits(&ids, &types, &mask)?;
        let scores = if self.labels == 1 {
            candle_nn::ops::sigmoid(&logits)?.squeeze(1)?
        } else {
            let probs = candle_nn::ops::softmax(&logits, D::Minus1)?;
            probs.narrow(1, self.labels - 1, 1)?.squeeze(1)?
        };
        Ok(scores.to_vec1::<f32>()?)
    }

    /// Raw logits `[batch, labels]` for encoded inputs.
    ///
    /// # Errors
    /// Shape mismatches.
    pub fn logits(&self, ids: &Tensor, types: &Tensor, mask: &Tensor) -> Result<Tensor> {
        let hidden = self.bert.forward(ids, types, mask)?;
        let cls = hidden.narrow(1, 0, 1)?.squeeze(1)?;
        let pooled = self.pooler.forward(&cls)?.tanh()?;
        Ok(self.classifier.forward(&pooled)?)
    }

    /// Number of labels of the head.
    #[must_use]
    pub fn labels(&self) -> usize {
        self.labels
    }
}
