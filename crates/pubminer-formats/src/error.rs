//! Read and write errors, always with a location.

use std::fmt;
use std::io;

use pubminer_core::Location;

/// What kind of problem a [`ReadError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReadErrorKind {
    /// The operating system refused (missing file, permission, disk).
    Io,
    /// The gzip stream is corrupt or ends early.
    Gzip,
    /// The file has no content at all.
    Empty,
    /// Bytes that are not UTF-8.
    Utf8,
    /// XML that is not well formed (including unknown entities).
    Xml,
    /// JSON that does not parse or has the wrong shape.
    Json,
    /// A record that parses but breaks the format's rules (bad offsets, missing id...).
    Format,
    /// A record larger than the configured limit.
    TooLarge,
}

impl ReadErrorKind {
    /// A stable short name, used in summaries.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Io => "io",
            Self::Gzip => "gzip",
            Self::Empty => "empty",
            Self::Utf8 => "utf8",
            Self::Xml => "xml",
            Self::Json => "json",
            Self::Format => "format",
            Self::TooLarge => "too_large",
        }
    }
}

/// A problem reading one record (or a whole file), with where it happened.
#[derive(Clone, Debug)]
pub struct ReadError {
    /// File, record, line and byte offset.
    pub location: Location,
    /// The category.
    pub kind: ReadErrorKind,
    /// What went wrong, for a human.
    pub message: String,
    /// True when the reader cannot go on in this file (truncated gzip, I/O failure,
    /// a syntax error in a format that cannot resynchronise). Otherwise only one record
    /// is lost and, with `--on-error skip`, reading continues with the next.
    pub fatal: bool,
}

impl ReadError {
    /// A record-level error.
    pub fn record(location: Location, kind: ReadErrorKind, message: impl Into<String>) -> Self {
        Self {
            location,
            kind,
            message: message.into(),
            fatal: false,
        }
    }

    /// A file-level error after which the file cannot be read further.
    pub fn fatal(location: Location, kind: ReadErrorKind, message: impl Into<String>) -> Self {
        Self {
            fatal: true,
            ..Self::record(location, kind, message)
        }
    }

    /// An I/O error, classified: a broken gzip stream is reported as such.
    pub fn from_io(location: Location, err: &io::Error) -> Self {
        let text = err.to_string();
        let gzip_like = matches!(
            err.kind(),
            io::ErrorKind::UnexpectedEof | io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData
        );
        if gzip_like {
            Self::fatal(
                location,
                ReadErrorKind::Gzip,
                format!("compressed stream is corrupt or truncated ({text})"),
            )
        } else {
            Self::fatal(location, ReadErrorKind::Io, text)
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for ReadError {}

/// A problem writing output.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The output could not be written. The I/O error is the [`source`](std::error::Error::source),
    /// not part of this message, so an error chain prints it once.
    #[error("cannot write {path}")]
    Io {
        /// The output path (`-` for standard output).
        path: String,
        /// The cause.
        source: io::Error,
    },
    /// A document cannot be represented in the target format.
    #[error("document {id}: {message}")]
    Unrepresentable {
        /// The document id.
        id: String,
        /// Why.
        message: String,
    },
}

/// Result alias for reading.
pub type ReadResult<T> = Result<T, ReadError>;
