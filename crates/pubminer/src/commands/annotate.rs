//! `pubminer annotate`: dictionary NER (with abbreviation propagation), or NER by an LLM
//! aligned to offsets and linked through the cascade, over any input, written in any
//! output format.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use clap::{Args, ValueEnum};
use pubminer_formats::{DocWriter, EncodeReport, OutputFormat, ReadOptions};
use pubminer_lexicon::EntityType;
use pubminer_ner::DictionaryTagger;

use super::{Ctx, describe_omissions};
use crate::args::{InputArgs, LexiconArgs, LlmBackendArgs, ToFormat, parse_entity_type};
use crate::pipeline::RunSummary;
use crate::services;

/// Tag entities with the dictionary (and abbreviations), linked to concept ids.
#[derive(Args, Debug)]
#[command(
    after_help = "The lexicon is --lexicon FILE, else the default one in the data directory, built on first use\nfrom the vocabularies (`pubminer setup`, --vocab DIR, or ../shared/data/vocab).\n\nExamples:\n  pubminer annotate pubmed26n0001.xml.gz --to pubtator -o annotated.pubtator\n  pubminer annotate CDR_DevelopmentSet.PubTator.txt --types Chemical,Disease --to pubtator -o pred.pubtator"
)]
pub struct AnnotateArgs {
    /// Input files (`-` for standard input).
    #[arg(required = true, value_name = "IN")]
    inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum)]
    to: ToFormat,
    /// Output file (`-` for standard output; a `.gz` suffix compresses).
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    /// Entity types to tag (comma-separated) [default: all]: Gene, Disease, Chemical,
    /// Anatomy, CellType, Species.
    #[arg(long, value_delimiter = ',', value_parser = parse_entity_type)]
    types: Vec<EntityType>,
    /// What to keep when candidates overlap.
    #[arg(long, value_enum, default_value_t = OverlapArg::Longest)]
    overlap: OverlapArg,
    /// Do not detect and propagate abbreviations.
    #[arg(long)]
    no_abbreviations: bool,
    /// Keep the annotations the input already has (they are dropped by default, so
    /// annotating a gold corpus gives predictions only).
    #[arg(long)]
    keep_input_annotations: bool,
    /// Extra stop list (same format as the built-in one, see docs/LEXICON.md).
    #[arg(long, value_name = "FILE")]
    stoplist: Option<PathBuf>,
    /// Do not use the built-in stop list.
    #[arg(long)]
    no_stoplist: bool,
    /// Tag short acronyms of diseases, anatomy and cell types (`RA`, `PC`, `SV`) even where
    /// the document does not define them (by default only defined ones are tagged).
    #[arg(long)]
    undefined_acronyms: bool,
    /// Who finds the entities: `dict` (the lexicon, fast) or `llm` (an LLM lists them as
    /// JSON, aligned back to exact offsets; then linked through the cascade).
    #[arg(long, value_enum, default_value_t = NerArg::Dict)]
    ner: NerArg,
    #[command(flatten)]
    llm: LlmBackendArgs,
    #[command(flatten)]
    lexicon: LexiconArgs,
    #[command(flatten)]
    input: InputArgs,
}

/// What to keep when candidates overlap (`--overlap`).
#[derive(Clone, Copy, Debug, ValueEnum)]
enum OverlapArg {
    /// The longest candidate wins across types (identical spans of other types kept).
    Longest,
    /// Overlaps resolved within each type only (nested mentions of other types kept).
    PerType,
    /// Keep every candidate.
    All,
}

/// Who finds the entities (`--ner`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum NerArg {
    /// The dictionary tagger.
    Dict,
    /// An LLM (`--llm-url` or `--llm-native`).
    Llm,
}

/// Builds the tagger (or the LLM and its linker) the arguments ask for, annotates the
/// inputs and writes them.
///
/// # Errors
/// An unopenable lexicon, stop list or LLM; unreadable input (per the error policy) or
/// unwritable output.
pub fn run(args: &AnnotateArgs, ctx: &Ctx) -> Result<ExitCode> {
    let printer = &ctx.printer;
    let lex = Arc::new(services::lexicon::open(&args.lexicon, printer)?);
    let mut stops = if args.no_stoplist {
        pubminer_ner::StopList::empty()
    } else {
        pubminer_ner::StopList::builtin()
    };
    if let Some(path) = &args.stoplist {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let extra = pubminer_ner::StopList::parse(&text)
            .map_err(|(line, m)| anyhow::anyhow!("{}:{line}: {m}", path.display()))?;
        stops.extend(extra);
    }
    let config = pubminer_ner::TaggerConfig {
        types: (!args.types.is_empty()).then(|| args.types.clone()),
        overlap: match args.overlap {
            OverlapArg::Longest => pubminer_ner::OverlapPolicy::Longest,
            OverlapArg::PerType => pubminer_ner::OverlapPolicy::LongestPerType,
            OverlapArg::All => pubminer_ner::OverlapPolicy::All,
        },
        abbreviations: !args.no_abbreviations,
        stoplist: stops,
        link_xrefs: !matches!(args.to, ToFormat::Pubtator),
        undefined_acronyms: args.undefined_acronyms,
        ..pubminer_ner::TaggerConfig::default()
    };
    let llm_ner = match args.ner {
        NerArg::Dict => None,
        NerArg::Llm => {
            let backend = services::llm::backend(&args.llm)?;
            printer.status(format_args!("NER by {}", backend.describe()));
            let engine =
                pubminer_llm::LlmEngine::new(backend, services::llm::cache(&args.llm)?, true);
            let types: Vec<EntityType> = if args.types.is_empty() {
                EntityType::ALL.to_vec()
            } else {
                args.types.clone()
            };
            let linker = pubminer_link::Linker::new(
                Arc::clone(&lex),
                &types,
                pubminer_link::LinkerConfig::default(),
            );
            Some(LlmNer {
                engine: engine
                    .with_extract_tokens(args.llm.llm_max_tokens)
                    .with_concurrency(args.llm.llm_concurrency),
                linker,
                types,
            })
        }
    };
    let tagger = DictionaryTagger::new(lex, config);
    let ner = match &llm_ner {
        Some(n) => Ner::Llm(n),
        None => Ner::Dict(&tagger),
    };
    let format = args.to.format();
    let (summary, report) = annotate(
        &args.inputs,
        &args.output,
        format,
        &ner,
        args.keep_input_annotations,
        &args.input.read_options(),
        ctx,
    )?;
    printer.status(report.describe());
    if let Some(note) = describe_omissions(&report.encode, format) {
        printer.status(note);
    }
    if report.failed > 0 {
        // Written, but without the annotations asked for: a partial run.
        printer.status(summary.describe());
        return Ok(ExitCode::from(3));
    }
    Ok(ctx.finish(&summary))
}

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
enum Ner<'a> {
    /// The dictionary tagger.
    Dict(&'a DictionaryTagger),
    /// An LLM, then the linking cascade.
    Llm(&'a LlmNer),
}

/// NER by an LLM: the engine that asks, the linker that links what it finds, the types kept.
struct LlmNer {
    /// The LLM (its backend and response cache).
    engine: pubminer_llm::LlmEngine,
    /// The linking cascade.
    linker: pubminer_link::Linker,
    /// Entity types to keep.
    types: Vec<EntityType>,
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
fn annotate(
    inputs: &[PathBuf],
    output: &Path,
    format: OutputFormat,
    ner: &Ner<'_>,
    keep_input_annotations: bool,
    read_options: &ReadOptions,
    ctx: &Ctx,
) -> Result<(RunSummary, AnnotateReport)> {
    let mut writer = DocWriter::create(output, format)?;
    let encoder = pubminer_formats::sink::encoder(format);
    let mut report = AnnotateReport::default();
    let summary = ctx.pipeline(
        inputs,
        read_options,
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
                    Err(e) => failed = Some(format!("{}: {}", doc.id, e.chain())),
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
                ctx.printer.warn(format_args!("NER failed: {e}"));
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
