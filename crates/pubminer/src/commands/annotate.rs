//! `pubminer annotate`: dictionary NER (with abbreviation propagation), or NER by an LLM
//! aligned to offsets and linked through the cascade, over any input, written in any
//! output format.

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
    /// Entities an LLM listed that are not in the text (or had no known type).
    pub unaligned: u64,
    /// A few of them, for the report.
    pub unaligned_examples: Vec<String>,
    /// Documents whose NER request failed (counted, written without mentions).
    pub failed: u64,
}

/// Who finds the entities.
pub enum Ner<'a> {
    /// The dictionary tagger.
    Dict(&'a DictionaryTagger),
    /// An LLM, then the linking cascade.
    Llm(&'a LlmNer),
}

/// NER by an LLM: the engine that asks, the linker that links what it finds, the types kept.
pub struct LlmNer {
    /// The LLM (its backend and response cache).
    pub engine: pubminer_llm::LlmEngine,
    /// The linking cascade.
    pub linker: pubminer_link::Linker,
    /// Entity types to keep.
    pub types: Vec<EntityType>,
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
        let mut line = format!(
            "{total} mention(s): {}; {} abbreviation definition(s), {} mention(s) from them",
            if by_type.is_empty() {
                "none".to_owned()
            } else {
                by_type.join(", ")
            },
            self.abbreviations,
            self.from_abbreviations
        );
        if self.unaligned > 0 {
            line.push_str(&format!(
                "; {} entit(ies) the LLM listed are not in the text and were not tagged (e.g. {})",
                self.unaligned,
                self.unaligned_examples.join("; ")
            ));
        }
        if self.failed > 0 {
            line.push_str(&format!(
                "; {} document(s) failed NER and were written without mentions",
                self.failed
            ));
        }
        line
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
    ner: &Ner<'_>,
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
            let mut unaligned = Vec::new();
            let mut failed = None;
            match ner {
                Ner::Dict(tagger) => tagger.tag(&mut doc),
                Ner::Llm(ner) => match pubminer_llm::ner::tag(&ner.engine, &mut doc) {
                    Ok(outcome) => {
                        doc.mentions.retain(|m| {
                            EntityType::from_name(&m.entity_type)
                                .is_none_or(|t| ner.types.contains(&t))
                        });
                        ner.linker
                            .link_document(&mut doc, true, &EntityType::from_name);
                        unaligned = outcome
                            .unaligned
                            .into_iter()
                            .map(|u| {
                                format!(
                                    "{:?} ({}, {})",
                                    u.entity.text, u.entity.entity_type, u.reason
                                )
                            })
                            .collect();
                    }
                    Err(e) => failed = Some(format!("{}: {e}", doc.id)),
                },
            }
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
            (
                bytes,
                encoded,
                counts,
                from_abbreviations,
                abbreviations,
                unaligned,
                failed,
            )
        },
        |(bytes, encoded, counts, from_abbreviations, abbreviations, unaligned, failed)| {
            if let Some(e) = failed {
                eprintln!("NER failed: {e}");
                report.failed += 1;
            }
            report.unaligned += unaligned.len() as u64;
            for u in unaligned {
                if report.unaligned_examples.len() < 3 {
                    report.unaligned_examples.push(u);
                }
            }
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
