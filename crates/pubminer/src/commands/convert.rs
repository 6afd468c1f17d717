//! `pubminer convert`: read any supported input, write JSONL, PubTator or BioC.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use pubminer_formats::{DocWriter, EncodeReport, OutputFormat, ReadOptions};

use crate::pipeline::{self, RunOptions, RunSummary};

/// Converts `inputs` to `output` in `format`.
///
/// # Errors
/// Unreadable input (per the error policy) or unwritable output.
pub fn run(
    inputs: &[PathBuf],
    output: &Path,
    format: OutputFormat,
    read_options: &ReadOptions,
    options: &RunOptions,
) -> Result<(RunSummary, EncodeReport)> {
    let mut writer = DocWriter::create(output, format)
        .with_context(|| format!("cannot create {}", output.display()))?;
    let encoder = pubminer_formats::sink::encoder(format);
    let summary = pipeline::run(
        inputs,
        read_options,
        options,
        |doc| {
            let mut bytes = Vec::with_capacity(4096);
            let report = encoder.encode(&doc, &mut bytes);
            (bytes, report)
        },
        |(bytes, report)| {
            writer.write_encoded(&bytes, report)?;
            Ok(())
        },
    )?;
    let report = writer.finish()?;
    Ok((summary, report))
}

/// A line for stderr about what the output format could not hold, if anything.
#[must_use]
pub fn describe_omissions(report: &EncodeReport, format: OutputFormat) -> Option<String> {
    if report.is_clean() {
        return None;
    }
    let mut parts = Vec::new();
    if report.omitted_documents > 0 {
        parts.push(format!(
            "{} deletion tombstone(s)",
            report.omitted_documents
        ));
    }
    if report.omitted_mentions > 0 {
        parts.push(format!(
            "{} mention(s) in passages the format has no place for",
            report.omitted_mentions
        ));
    }
    if report.omitted_relations > 0 {
        parts.push(format!(
            "{} relation(s) whose arguments cannot be expressed",
            report.omitted_relations
        ));
    }
    Some(format!(
        "note: {} cannot represent {}; use --to jsonl to keep everything",
        format.name(),
        parts.join(", ")
    ))
}
