//! Reading a Hugging Face model directory: config, tokenizer, weights.

use std::path::Path;

use candle_core::{DType, Device};
use candle_nn::VarBuilder;
use candle_transformers::models::bert;
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

use crate::error::{MlError, Result};

/// The BERT configuration in `dir/config.json`, and the raw JSON for other fields.
pub fn config(dir: &Path) -> Result<(bert::Config, serde_json::Value)> {
    let path = dir.join("config.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        MlError::file(
            &path,
            format!("{e}; a model directory needs config.json, tokenizer.json and model.safetensors (or pytorch_model.bin)"),
        )
    })?;
    let raw: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| MlError::file(&path, format!("not valid JSON: {e}")))?;
    if let Some(t) = raw.get("model_type").and_then(|t| t.as_str())
        && t != "bert"
    {
        return Err(MlError::file(
            &path,
            format!(
                "model_type {t:?} is not supported: the native encoder runs BERT models (SapBERT, PubMedBERT, BioBERT, MiniLM); serve others through an OpenAI-compatible embedding server"
            ),
        ));
    }
    let config: bert::Config = serde_json::from_value(raw.clone())
        .map_err(|e| MlError::file(&path, format!("not a BERT configuration: {e}")))?;
    Ok((config, raw))
}

/// The weights: `model.safetensors` (read into memory; no `unsafe` memory map), else
/// `pytorch_model.bin`.
pub fn weights(dir: &Path, device: &Device) -> Result<VarBuilder<'static>> {
    let safetensors = dir.join("model.safetensors");
    if safetensors.exists() {
        let bytes =
            std::fs::read(&safetensors).map_err(|e| MlError::file(&safetensors, e.to_string()))?;
        return VarBuilder::from_buffered_safetensors(bytes, DType::F32, device)
            .map_err(|e| MlError::file(&safetensors, format!("cannot read the weights: {e}")));
    }
    let pth = dir.join("pytorch_model.bin");
    if pth.exists() {
        return VarBuilder::from_pth(&pth, DType::F32, device)
            .map_err(|e| MlError::file(&pth, format!("cannot read the weights: {e}")));
    }
    Err(MlError::file(
        dir,
        "no model.safetensors or pytorch_model.bin in the model directory",
    ))
}

/// The tokenizer in `dir/tokenizer.json`, set to pad each batch to its longest input and to
/// truncate at `max_length` (model directories often ship fixed padding to 128, which would
/// pad every short name to 128 tokens).
pub fn tokenizer(dir: &Path, max_length: usize) -> Result<Tokenizer> {
    let path = dir.join("tokenizer.json");
    let mut tokenizer = Tokenizer::from_file(&path)
        .map_err(|e| MlError::file(&path, format!("cannot load the tokenizer: {e}")))?;
    let pad_id = tokenizer.get_padding().map_or(0, |p| p.pad_id);
    let pad_token = tokenizer
        .get_padding()
        .map_or_else(|| "[PAD]".to_owned(), |p| p.pad_token.clone());
    tokenizer.with_padding(Some(PaddingParams {
        strategy: PaddingStrategy::BatchLongest,
        pad_id,
        pad_token,
        ..PaddingParams::default()
    }));
    tokenizer
        .with_truncation(Some(TruncationParams {
            max_length,
            ..TruncationParams::default()
        }))
        .map_err(|e| MlError::Tokenizer(e.to_string()))?;
    Ok(tokenizer)
}

/// A JSON file in the model directory, if present and readable.
pub fn optional_json(path: &Path) -> Option<serde_json::Value> {
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}
