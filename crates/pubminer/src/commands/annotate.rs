//! `pubminer annotate`: dictionary NER (with abbreviation propagation) over any input,
//! written in any output format.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use pubminer_formats::{DocWriter, EncodeReport, OutputFormat, ReadOptions};
use pubminer_lexicon::EntityType;
use pubminer_ner::DictionaryTagger;

use crate::pipeline::{self, RunOptions, RunSummary};

/// Counts of what was annotated.
#[derive(Clone, Debug, Default)]
pub struct AnnotateReport {
    /// Mentions by entity type.
    pub mentions: BTreeMap<String, u64>,
    /// Mentions that came from abbreviation propagation.
    pub from_abbreviations: u64,
    /// Abbreviation definitions found.
    pub abbreviations: u64,
    /// What the output format could not hold.
    pub encode: EncodeReport,
}

impl AnnotateReport {
    /// One line for stderr.
    #[must_use]
    pub fn describe(&self) -> String {
        let total: u64 = self.mentions.values().sum();
        let by_type: Vec<String> = self
            .mentions
            .iter()
            .map(|(t, n)| format!("{n} {t}"))
            .collect();
        format!(
            "{total} mention(s): {}; {} abbreviation definition(s), {} mention(s) from them",
            if by_type.is_empty() {
                "none".to_owned()
            } else {
                by_type.join(", ")
            },
            self.abbreviations,
            self.from_abbreviations
        )
    }
}

/// Annotates `inputs` into `output`.
///
/// # Errors
/// Unreadable input (per the error policy) or unwritable output.
pub fn run(
    inputs: &[PathBuf],
    output: &Path,
    format: OutputFormat,
    tagger: &DictionaryTagger,
    keep_input_annotations: bool,
    read_options: &ReadOptions,
    options: &RunOptions,
) -> Result<(RunSummary, AnnotateReport)> {
    let mut writer = DocWriter::create(output, format)
        .with_context(|| format!("cannot create {}", output.display()))?;
    let encoder = pubminer_formats::sink::encoder(format);
    let mut report = AnnotateReport::default();
    let summary = pipeline::run(
        inputs,
        read_options,
        options,
        |mut doc| {
            if !keep_input_annotations {
                doc.mentions.clear();
                doc.relations.clear();
                doc.abbreviations.clear();
            }
            tagger.tag(&mut doc);
            // Per-type counts without allocating: the tagger only emits pubminer's types.
            let mut counts = [0u64; EntityType::ALL.len()];
            let mut from_abbreviations = 0u64;
            for m in &doc.mentions {
                if let Some(t) = EntityType::ALL.iter().find(|t| t.name() == m.entity_type) {
                    counts[t.code() as usize] += 1;
                }
                from_abbreviations += u64::from(m.origin == pubminer_ner::ORIGIN_ABBREVIATION);
            }
            let abbreviations = doc.abbreviations.len() as u64;
            let mut bytes = Vec::with_capacity(4096);
            let encoded = encoder.encode(&doc, &mut bytes);
            (bytes, encoded, counts, from_abbreviations, abbreviations)
        },
        |(bytes, encoded, counts, from_abbreviations, abbreviations)| {
            for t in EntityType::ALL {
                let n = counts[t.code() as usize];
                if n > 0 {
                    *report.mentions.entry(t.name().to_owned()).or_default() += n;
                }
            }
            report.from_abbreviations += from_abbreviations;
            report.abbreviations += abbreviations;
            writer.write_encoded(&bytes, encoded)?;
            Ok(())
        },
    )?;
    report.encode = writer.finish()?;
    Ok((summary, report))
}
