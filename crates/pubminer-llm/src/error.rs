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

impl LlmError {
    /// This error and its causes, joined by `: `: for where it becomes text rather than an
    /// error chain (a record's reason, an HTTP error body), so no cause is lost.
    #[must_use]
    pub fn chain(&self) -> String {
        let mut text = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(c) = cause {
            text.push_str(": ");
            text.push_str(&c.to_string());
            cause = c.source();
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_keeps_the_cause_the_message_leaves_to_the_source() {
        let dir = tempfile::tempdir().unwrap();
        let err = LlmError::from(crate::cache::Cache::open(dir.path()).unwrap_err());
        let cause = std::error::Error::source(&err).unwrap().to_string();
        assert!(!err.to_string().contains(&cause), "{err}");
        assert!(
            err.chain().starts_with(&format!("{err}: {cause}")),
            "{}",
            err.chain()
        );
    }
}
