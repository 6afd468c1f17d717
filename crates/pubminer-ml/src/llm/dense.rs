//! Decoder models from a Hugging Face directory (`config.json`, `*.safetensors`,
//! `tokenizer.json`), through candle-transformers' full-precision Gemma 2, Gemma 3, Llama,
//! Qwen2 and Phi-3. Weights are read into memory (no `unsafe` memory map) and run in f32 on
//! CPUs.

use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::{gemma2, gemma3, llama, phi3, qwen2};

use crate::error::{MlError, Result};

/// A full-precision model and its KV cache.
pub enum Dense {
    /// Gemma 2.
    Gemma2(Box<gemma2::Model>),
    /// Gemma 3 (text).
    Gemma3(Box<gemma3::Model>),
    /// Llama 2/3 (and Mistral-shaped checkpoints that declare `llama`).
    Llama(Box<llama::Llama>, Box<llama::Cache>, Box<llama::Cache>),
    /// Qwen2.
    Qwen2(Box<qwen2::ModelForCausalLM>),
    /// Phi-3.
    Phi3(Box<phi3::Model>),
}

/// The architecture a `config.json` declares (`model_type`), in the GGUF spelling.
///
/// # Errors
/// An unreadable or unsupported configuration.
pub fn architecture(config: &serde_json::Value, path: &Path) -> Result<&'static str> {
    let t = config
        .get("model_type")
        .and_then(|t| t.as_str())
        .unwrap_or_default();
    Ok(match t {
        "gemma2" => "gemma2",
        "gemma3" | "gemma3_text" => "gemma3",
        "llama" => "llama",
        "qwen2" => "qwen2",
        "phi3" => "phi3",
        other => {
            return Err(MlError::file(
                path,
                format!(
                    "model_type {other:?} is not supported natively (gemma2, gemma3, llama, qwen2, phi3 are); serve it through an OpenAI-compatible server (--llm-url)"
                ),
            ));
        }
    })
}

/// Every tensor of the directory's safetensors files (one file or shards).
fn weights(dir: &Path, device: &Device) -> Result<VarBuilder<'static>> {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| MlError::file(dir, e.to_string()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "safetensors"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(MlError::file(
            dir,
            "no .safetensors file in the model directory",
        ));
    }
    let mut tensors = std::collections::HashMap::new();
    for f in &files {
        let bytes = std::fs::read(f).map_err(|e| MlError::file(f, e.to_string()))?;
        let loaded = candle_core::safetensors::load_buffer(&bytes, device)
            .map_err(|e| MlError::file(f, format!("cannot read the weights: {e}")))?;
        for (name, t) in loaded {
            tensors.insert(name, t.to_dtype(DType::F32)?);
        }
    }
    Ok(VarBuilder::from_tensors(tensors, DType::F32, device))
}

impl Dense {
    /// Loads the model of `dir` described by `config` (the parsed `config.json`).
    ///
    /// # Errors
    /// A configuration the architecture cannot read, or missing weights.
    pub fn load(dir: &Path, config: &serde_json::Value, device: &Device) -> Result<Self> {
        let path = dir.join("config.json");
        let arch = architecture(config, &path)?;
        // Multimodal Gemma 3 checkpoints nest the text model's configuration.
        let text = config.get("text_config").unwrap_or(config).clone();
        let bad =
            |e: serde_json::Error| MlError::file(&path, format!("not a {arch} configuration: {e}"));
        let vb = weights(dir, device)?;
        Ok(match arch {
            "gemma2" => {
                let cfg: gemma2::Config = serde_json::from_value(text).map_err(bad)?;
                Self::Gemma2(Box::new(gemma2::Model::new(false, &cfg, vb)?))
            }
            "gemma3" => {
                let cfg: gemma3::Config = serde_json::from_value(text).map_err(bad)?;
                let vb = if config.get("text_config").is_some() {
                    vb.pp("language_model")
                } else {
                    vb
                };
                Self::Gemma3(Box::new(gemma3::Model::new(false, &cfg, vb)?))
            }
            "llama" => {
                let cfg: llama::LlamaConfig = serde_json::from_value(text).map_err(bad)?;
                let cfg = cfg.into_config(false);
                let cache = llama::Cache::new(true, DType::F32, &cfg, device)?;
                let model = llama::Llama::load(vb, &cfg)?;
                Self::Llama(Box::new(model), Box::new(cache.clone()), Box::new(cache))
            }
            "qwen2" => {
                let cfg: qwen2::Config = serde_json::from_value(text).map_err(bad)?;
                Self::Qwen2(Box::new(qwen2::ModelForCausalLM::new(&cfg, vb)?))
            }
            _ => {
                let cfg: phi3::Config = serde_json::from_value(text).map_err(bad)?;
                Self::Phi3(Box::new(phi3::Model::new(&cfg, vb)?))
            }
        })
    }

    /// The logits after `tokens` at positions `pos..` (position 0 starts a new sequence).
    ///
    /// # Errors
    /// candle.
    pub fn forward(&mut self, tokens: &[u32], pos: usize, device: &Device) -> Result<Tensor> {
        let x = Tensor::new(tokens, device)?.unsqueeze(0)?;
        let logits = match self {
            Self::Gemma2(m) => {
                if pos == 0 {
                    m.clear_kv_cache();
                }
                m.forward(&x, pos)?
            }
            Self::Gemma3(m) => {
                if pos == 0 {
                    m.clear_kv_cache();
                }
                // candle-transformers 0.11's Gemma 3 appends non-contiguous keys to its KV
                // cache when several tokens share a step and there are several KV heads
                // ("slice-set only supports contiguous tensors"); one token at a time is
                // correct, if slower on prompts. GGUF files go through `gemma.rs` instead.
                let mut last = None;
                for (i, &t) in tokens.iter().enumerate() {
                    let one = Tensor::new(&[t], device)?.unsqueeze(0)?;
                    last = Some(m.forward(&one, pos + i)?);
                }
                last.ok_or_else(|| MlError::Model("no tokens".into()))?
            }
            Self::Llama(m, pristine, cache) => {
                if pos == 0 {
                    **cache = (**pristine).clone();
                }
                m.forward(&x, pos, cache)?
            }
            Self::Qwen2(m) => {
                if pos == 0 {
                    m.clear_kv_cache();
                }
                m.forward(&x, pos)?
            }
            Self::Phi3(m) => {
                if pos == 0 {
                    m.clear_kv_cache();
                }
                m.forward(&x, pos)?
            }
        };
        // (1, vocab), (1, 1, vocab) or (1, t, vocab): the last position's logits.
        let logits = logits.squeeze(0)?;
        let logits = if logits.rank() == 2 {
            logits.get(logits.dim(0)? - 1)?
        } else {
            logits
        };
        Ok(logits.to_dtype(DType::F32)?)
    }
}
