//! Decoder-only LLMs run natively: GGUF weights (Gemma 1/2/3, Llama 2/3, Qwen2, Phi-3) with
//! llama.cpp-compatible tokenization from the GGUF metadata (or a `tokenizer.json`), or a
//! Hugging Face safetensors directory (Gemma 2/3, Llama, Qwen2, Phi-3); the model's chat
//! template; greedy decoding with a KV cache.

mod decoder;
mod dense;
mod gemma;
mod template;
mod vocab;

pub use decoder::{Decoder, DecoderOptions, Finish, Generation, argmax, gguf_path};
pub use template::{ChatMessage, Template};
pub use vocab::Vocab;
