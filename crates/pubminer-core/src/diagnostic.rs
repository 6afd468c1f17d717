//! Diagnostics: what went wrong with an input, and exactly where.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; the data was used as read.
    Info,
    /// Part of a record was not trusted (e.g. an annotation whose text does not match).
    Warning,
    /// A whole record could not be read.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        })
    }
}

/// Where in the input something was found. Every field is optional because not every
/// format has lines (gzip streams, JSON) or record ids (a record that failed to parse).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// The input file, as the user named it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The record: its id when known (e.g. `PMID 12345`), else its ordinal (`record #7`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// 1-based line number in the (decompressed) input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 0-based byte offset in the (decompressed) input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub byte: Option<u64>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::with_capacity(4);
        if let Some(file) = &self.file {
            parts.push(file.clone());
        }
        if let Some(record) = &self.record {
            parts.push(record.clone());
        }
        if let Some(line) = self.line {
            parts.push(format!("line {line}"));
        }
        if let Some(byte) = self.byte {
            parts.push(format!("byte {byte}"));
        }
        if parts.is_empty() {
            f.write_str("<unknown location>")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

/// A problem found while reading or processing a document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// A stable machine-readable code, e.g. `annotation.text_mismatch`.
    pub code: String,
    /// A human-readable explanation.
    pub message: String,
    /// Where it happened.
    #[serde(default, skip_serializing_if = "is_default_location")]
    pub location: Location,
}

fn is_default_location(location: &Location) -> bool {
    *location == Location::default()
}

impl Diagnostic {
    /// A warning with a code and message.
    pub fn warning(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            code: code.into(),
            message: message.into(),
            location: Location::default(),
        }
    }

    /// An informational diagnostic.
    pub fn info(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Info,
            ..Self::warning(code, message)
        }
    }

    /// Attaches a location.
    #[must_use]
    pub fn at(mut self, location: Location) -> Self {
        self.location = location;
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}]: {} ({})",
            self.severity, self.code, self.message, self.location
        )
    }
}
