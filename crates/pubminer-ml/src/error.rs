//! Errors of model loading and inference.

use std::path::PathBuf;

/// Something went wrong with a model.
#[derive(Debug, thiserror::Error)]
pub enum MlError {
    /// A model file is missing or unreadable.
    #[error("{path}: {message}")]
    File {
        /// The file or directory.
        path: PathBuf,
        /// What is wrong and what to do.
        message: String,
    },
    /// The tokenizer failed.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// candle failed (shapes, weights).
    #[error("model: {0}")]
    Candle(#[from] candle_core::Error),
}

impl MlError {
    pub(crate) fn file(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::File {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Result alias.
pub type Result<T> = std::result::Result<T, MlError>;
