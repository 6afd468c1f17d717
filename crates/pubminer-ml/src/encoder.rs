//! BERT sentence encoders.

use std::path::Path;

use candle_core::{DType, Device, Tensor};
use tokenizers::Tokenizer;

use crate::bert::Bert;
use crate::error::{MlError, Result};
use crate::files;

/// How token vectors become one vector per text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pooling {
    /// The `[CLS]` token's vector (SapBERT, most cross-encoders).
    Cls,
    /// The mean over real (unpadded) tokens (sentence-transformers models such as MiniLM).
    Mean,
}

/// How to load and run an encoder.
#[derive(Clone, Debug, Default)]
pub struct EncoderOptions {
    /// Pooling; `None`: read it from the sentence-transformers `1_Pooling/config.json` when
    /// the directory has one, else `Cls`.
    pub pooling: Option<Pooling>,
    /// L2-normalise the vectors; `None`: when the directory's `modules.json` has a
    /// `Normalize` module, or always for CLS pooling (cosine search either way).
    pub normalize: Option<bool>,
    /// Longest input in tokens; `None`: `sentence_bert_config.json`'s `max_seq_length`,
    /// else 64 (entity names are short).
    pub max_length: Option<usize>,
    /// Texts per forward pass (after sorting by length); `None`: 64.
    pub batch_size: Option<usize>,
}

/// A BERT-family encoder loaded from a Hugging Face model directory.
pub struct BertEncoder {
    model: Bert,
    tokenizer: Tokenizer,
    pooling: Pooling,
    normalize: bool,
    batch_size: usize,
    dim: usize,
    device: Device,
}

impl std::fmt::Debug for BertEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BertEncoder")
            .field("pooling", &self.pooling)
            .field("normalize", &self.normalize)
            .field("dim", &self.dim)
            .finish_non_exhaustive()
    }
}

impl BertEncoder {
    /// Loads `dir` (`config.json`, `tokenizer.json`, `model.safetensors` or
    /// `pytorch_model.bin`).
    ///
    /// # Errors
    /// Missing or malformed files, with the path and what to do.
    pub fn load(dir: &Path, options: &EncoderOptions) -> Result<Self> {
        let device = Device::Cpu;
        let (config, _) = files::config(dir)?;
        let vb = files::weights(dir, &device)?;
        let model = Bert::load(vb, &config)
            .map_err(|e| MlError::file(dir, format!("the weights do not fit a BERT model: {e}")))?;
        let st_pooling = files::optional_json(&dir.join("1_Pooling/config.json"));
        let pooling = options.pooling.unwrap_or_else(|| match &st_pooling {
            Some(p)
                if p.get("pooling_mode_mean_tokens") == Some(&serde_json::Value::Bool(true)) =>
            {
                Pooling::Mean
            }
            _ => Pooling::Cls,
        });
        let has_normalize = files::optional_json(&dir.join("modules.json")).is_some_and(|m| {
            m.as_array().is_some_and(|mods| {
                mods.iter().any(|x| {
                    x.get("type")
                        .and_then(|t| t.as_str())
                        .is_some_and(|t| t.ends_with("Normalize"))
                })
            })
        });
        let normalize = options
            .normalize
            .unwrap_or(has_normalize || pooling == Pooling::Cls);
        let max_length = options.max_length.unwrap_or_else(|| {
            files::optional_json(&dir.join("sentence_bert_config.json"))
                .and_then(|c| c.get("max_seq_length")?.as_u64())
                .map_or(64, |n| n as usize)
        });
        let max_length = max_length.min(config.max_position_embeddings);
        let tokenizer = files::tokenizer(dir, max_length)?;
        Ok(Self {
            model,
            tokenizer,
            pooling,
            normalize,
            batch_size: options.batch_size.unwrap_or(64).max(1),
            dim: config.hidden_size,
            device,
        })
    }

    /// Vector size.
    #[must_use]
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The pooling in use.
    #[must_use]
    pub fn pooling(&self) -> Pooling {
        self.pooling
    }

    /// Whether vectors are L2-normalised.
    #[must_use]
    pub fn normalizes(&self) -> bool {
        self.normalize
    }

    /// Embeds `texts`, returning `texts.len() * dim` floats, row-major, in input order.
    /// Texts are sorted by length and run in batches, so padding stays small.
    ///
    /// # Errors
    /// Tokenizer or model failures.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<f32>> {
        use rayon::prelude::*;
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| texts[i].len());
        // Batches run on threads of their own, each batch's products on its thread (see
        // `bert.rs`; one product spread over the threads kept them waiting on each other); a
        // call with fewer texts than one batch per thread gets smaller batches, so every core
        // still has one.
        let threads = rayon::current_num_threads().max(1);
        let per_batch = self.batch_size.min(texts.len().div_ceil(threads)).max(1);
        // Longest batches first, so the threads finish together.
        let batches: Vec<&[usize]> = order.chunks(per_batch).rev().collect();
        let vectors = batches
            .par_iter()
            .map(|chunk| {
                let batch: Vec<&str> = chunk.iter().map(|&i| texts[i]).collect();
                self.embed_batch(&batch)
            })
            .collect::<Result<Vec<_>>>()?;
        let mut out = vec![0f32; texts.len() * self.dim];
        for (chunk, vectors) in batches.iter().zip(&vectors) {
            for (row, &i) in chunk.iter().enumerate() {
                out[i * self.dim..(i + 1) * self.dim]
                    .copy_from_slice(&vectors[row * self.dim..(row + 1) * self.dim]);
            }
        }
        Ok(out)
    }

    fn embed_batch(&self, texts: &[&str]) -> Result<Vec<f32>> {
        let (ids, types, mask) = encode(&self.tokenizer, texts, &self.device)?;
        let hidden = self.model.forward(&ids, &types, &mask)?;
        let pooled = match self.pooling {
            Pooling::Cls => hidden.narrow(1, 0, 1)?.squeeze(1)?,
            Pooling::Mean => {
                let m = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
                let summed = hidden.broadcast_mul(&m)?.sum(1)?;
                let counts = m.sum(1)?.clamp(1e-9, f64::MAX)?;
                summed.broadcast_div(&counts)?
            }
        };
        let pooled = if self.normalize {
            let norm = pooled
                .sqr()?
                .sum_keepdim(1)?
                .sqrt()?
                .clamp(1e-12, f64::MAX)?;
            pooled.broadcast_div(&norm)?
        } else {
            pooled
        };
        Ok(pooled.flatten_all()?.to_vec1::<f32>()?)
    }
}

/// Token ids, type ids and attention mask for a batch, as `[batch, length]` tensors.
pub(crate) fn encode(
    tokenizer: &Tokenizer,
    inputs: &[&str],
    device: &Device,
) -> Result<(Tensor, Tensor, Tensor)> {
    let encodings = tokenizer
        .encode_batch(inputs.to_vec(), true)
        .map_err(|e| MlError::Tokenizer(e.to_string()))?;
    tensors(&encodings, device)
}

/// Stacks encodings (already padded to one length) into tensors.
pub(crate) fn tensors(
    encodings: &[tokenizers::Encoding],
    device: &Device,
) -> Result<(Tensor, Tensor, Tensor)> {
    let n = encodings.len();
    let len = encodings.first().map_or(0, |e| e.get_ids().len());
    let mut ids = Vec::with_capacity(n * len);
    let mut types = Vec::with_capacity(n * len);
    let mut mask = Vec::with_capacity(n * len);
    for e in encodings {
        ids.extend_from_slice(e.get_ids());
        types.extend_from_slice(e.get_type_ids());
        mask.extend_from_slice(e.get_attention_mask());
    }
    Ok((
        Tensor::from_vec(ids, (n, len), device)?,
        Tensor::from_vec(types, (n, len), device)?,
        Tensor::from_vec(mask, (n, len), device)?,
    ))
}
