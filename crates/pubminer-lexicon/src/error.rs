//! Errors of vocabulary loading and lexicon building.

use std::path::PathBuf;

/// Something went wrong loading a vocabulary or the lexicon.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    /// A file could not be read.
    // The cause is the source, printed once by an error chain, not part of this message.
    #[error("cannot read {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A vocabulary file has content the loader cannot use.
    #[error("{path}, line {line}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line (0 when not line-oriented).
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// The lexicon artifact is corrupt, truncated, or of another version.
    #[error("{path}: {message}")]
    Artifact {
        /// The artifact file.
        path: PathBuf,
        /// What is wrong and what to do.
        message: String,
    },
    /// The configuration is invalid.
    #[error("configuration: {0}")]
    Config(String),
}

impl LexiconError {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }

    /// A parse error at `line` of `path`.
    pub fn parse(path: impl Into<PathBuf>, line: u64, message: impl Into<String>) -> Self {
        Self::Parse {
            path: path.into(),
            line,
            message: message.into(),
        }
    }
}

/// Result alias.
pub type Result<T> = std::result::Result<T, LexiconError>;
