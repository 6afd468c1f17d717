//! Errors of HTTP transfers.

use std::path::PathBuf;

/// A transfer failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The server answered with an error status that retrying will not fix.
    #[error("{url}: HTTP {status}")]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The network failed, and kept failing after the retries.
    #[error("{url}: {message} (after {attempts} attempt(s))")]
    Network {
        /// The URL.
        url: String,
        /// What went wrong.
        message: String,
        /// Attempts made.
        attempts: u32,
    },
    /// The downloaded file does not have the expected checksum.
    #[error(
        "{url}: SHA-256 mismatch for {path}: expected {expected}, got {actual}; the file was removed, run the command again or check the pinned checksum"
    )]
    Checksum {
        /// The URL.
        url: String,
        /// The file.
        path: PathBuf,
        /// The expected digest (hex).
        expected: String,
        /// The digest of what arrived (hex).
        actual: String,
    },
    /// The server answered, but not with what the protocol promises (an E-utilities error
    /// message, a malformed result).
    #[error("{url}: {message}")]
    Protocol {
        /// The URL (or local state file).
        url: String,
        /// What was wrong.
        message: String,
    },
    /// A local file could not be read or written (the I/O error is the source, printed
    /// once by an error chain).
    #[error("{path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// Result alias.
pub type Result<T> = std::result::Result<T, FetchError>;
