//! LLM engines for the IHC task, for users who hold IHC-LLMiner's fine-tuned checkpoints or
//! any instruction model behind an OpenAI-compatible server (vLLM, llama.cpp, Ollama, TGI).
//!
//! Why a crate of its own: the default engine (`pubminer-ihc`) must stay free of model and
//! network code, and what an LLM answers needs its own checking. This crate holds
//! IHC-LLMiner's prompts reproduced verbatim ([`prompts`]), the robust parser for the
//! markdown tables such models write ([`table`]), the validation that flags numbers the
//! abstract does not contain instead of pooling them ([`validate`]), a SQLite response cache
//! keyed by (model, request) so a re-run costs nothing ([`cache`]), and the engines that turn
//! answers into the same `IhcRecord`s, normalisation and knowledge base as the default engine
//! ([`engine`]). Engines talk to a [`Backend`]: an OpenAI-compatible server (the HTTP client
//! lives in `pubminer-fetch`, the only crate that talks to the network) or a GGUF model run
//! natively ([`Native`], over `pubminer-ml`'s decoder).

pub mod backend;
pub mod cache;
pub mod engine;
mod error;
pub mod ner;
pub mod prompts;
pub mod table;
pub mod validate;

pub use backend::{Backend, Native};
pub use engine::{EngineKind, LlmEngine};
pub use error::LlmError;
