//! Shared helpers.

use std::path::PathBuf;

use pubminer_core::Document;
use pubminer_formats::{OutputFormat, ReadError, ReadOptions};

/// Path of a fixture file.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Reads a fixture, splitting documents from errors.
pub fn read(name: &str, options: &ReadOptions) -> (Vec<Document>, Vec<ReadError>) {
    read_path(&fixture(name), options)
}

/// Reads any path, splitting documents from errors.
pub fn read_path(path: &std::path::Path, options: &ReadOptions) -> (Vec<Document>, Vec<ReadError>) {
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    match pubminer_formats::open(path, options) {
        Ok(records) => {
            for item in records.documents() {
                match item {
                    Ok(d) => docs.push(d),
                    Err(e) => errors.push(e),
                }
            }
        }
        Err(e) => errors.push(e),
    }
    (docs, errors)
}

/// Reads bytes held in memory.
pub fn read_bytes(
    name: &str,
    bytes: Vec<u8>,
    options: &ReadOptions,
) -> (Vec<Document>, Vec<ReadError>) {
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    match pubminer_formats::from_bytes(name, bytes, options) {
        Ok(records) => {
            for item in records.documents() {
                match item {
                    Ok(d) => docs.push(d),
                    Err(e) => errors.push(e),
                }
            }
        }
        Err(e) => errors.push(e),
    }
    (docs, errors)
}

/// Encodes documents the way `pubminer convert` does.
pub fn encode(docs: &[Document], format: OutputFormat) -> Vec<u8> {
    let encoder = pubminer_formats::sink::encoder(format);
    let mut out = encoder.header();
    for (i, d) in docs.iter().enumerate() {
        let mut bytes = Vec::new();
        encoder.encode(d, &mut bytes);
        if i > 0 && !bytes.is_empty() {
            out.extend_from_slice(encoder.separator());
        }
        out.extend_from_slice(&bytes);
    }
    out.extend_from_slice(&encoder.footer());
    out
}

/// Default options forcing a format.
pub fn forced(format: pubminer_formats::Format) -> ReadOptions {
    ReadOptions {
        format: Some(format),
        ..ReadOptions::default()
    }
}

/// Every span in every document matches its text.
pub fn assert_spans_ok(docs: &[Document]) {
    for d in docs {
        let problems = d.check_spans();
        assert!(problems.is_empty(), "document {}: {problems:?}", d.id);
    }
}

/// The shared data directory, or `None` (with a message) when absent.
pub fn shared_data() -> Option<PathBuf> {
    let dir = std::env::var_os("PUBMINER_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    if dir.join("README.md").exists() {
        Some(dir)
    } else {
        eprintln!(
            "SKIP: shared data not found at {} (set PUBMINER_DATA to run real-data tests)",
            dir.display()
        );
        None
    }
}
