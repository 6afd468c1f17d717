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
    /// A model file lacks what its architecture needs (metadata, tensors), or a request
    /// does not fit the model.
    #[error("model: {0}")]
    Model(String),
    /// A chat template failed to render.
    #[error("chat template: {0}")]
    Template(String),
    /// candle failed (shapes, weights); candle's error is the source.
    #[error("model")]
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
