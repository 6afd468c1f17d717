//! Neural models, run natively in Rust with candle.
//!
//! It exists to fence candle and tokenizers (large, slow to compile) into one crate, and to
//! give the rest of pubminer models that load from a plain Hugging Face model directory
//! (`config.json`, `tokenizer.json`, `model.safetensors` or `pytorch_model.bin`) with no Python,
//! no GPU and no network:
//!
//! - [`BertEncoder`]: BERT-family sentence encoders (SapBERT, BioLORD, PubMedBERT,
//!   all-MiniLM...) with CLS or mean pooling, optional L2 normalisation, length-sorted
//!   batches. Matches sentence-transformers to ~1e-6 on all-MiniLM-L6-v2 (see the parity
//!   test).
//! - [`CrossEncoder`]: BERT sequence-classification checkpoints scoring (mention, name)
//!   pairs, for reranking.
//!
//! - [`llm::Decoder`]: decoder-only LLMs from GGUF files (Gemma 1/2/3, Llama 2/3, Qwen2,
//!   Phi-3) with llama.cpp's tokenization, the model's chat template and greedy decoding
//!   with a KV cache, for IHC-LLMiner's prompts and JSON NER without a server.
//!
//! The BERT forward pass (`bert.rs`) follows Hugging Face `transformers`' `modeling_bert.py`
//! as `candle_transformers::models::bert` ports it (its `Config` is reused), rearranged for
//! CPU speed: one matrix product per linear layer over the whole batch, fused query/key/value
//! projections, attention and layer norm on reused buffers, vectorised erf and exp, batches
//! on threads of their own. Its products go through `matmul.rs`, the crate's one module with
//! `unsafe` code (a bounds-checked `gemm` call and run-time CPU-feature dispatch).

mod bert;
mod cross;
mod encoder;
mod error;
mod files;
pub mod llm;
mod matmul;

pub use cross::CrossEncoder;
pub use encoder::{BertEncoder, EncoderOptions, Pooling};
pub use error::{MlError, Result};
