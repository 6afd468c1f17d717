//! The one error type of the crate's engines and backends, apart from both: the backends
//! return it and the engines pass it on, so neither module depends on the other for it.

use pubminer_fetch::FetchError;

use crate::cache::CacheError;

/// LLM engine errors.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    /// The server.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The cache.
    #[error(transparent)]
    Cache(#[from] CacheError),
    /// The native model.
    #[error(transparent)]
    Native(#[from] pubminer_ml::MlError),
    /// A JSON-mode answer that is not the schema's JSON.
    #[error("the model's JSON answer does not parse: {0}")]
    Json(String),
}
