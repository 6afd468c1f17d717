//! `pubminer link`: run the linking cascade over the mentions of any input, and the
//! adapters that plug `pubminer-ml`'s models into it.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use clap::Args;
use pubminer_formats::{DocWriter, EncodeReport, OutputFormat, ReadOptions};
use pubminer_lexicon::{EntityType, Lexicon};
use pubminer_link::{DenseIndex, Embedder, Linker, LinkerConfig, Reranker};
use sha2::{Digest, Sha256};

use super::{Ctx, describe_omissions};
use crate::args::{InputArgs, LexiconArgs, ToFormat, parse_entity_type, parse_map};
use crate::paths;
use crate::pipeline::RunSummary;
use crate::printer::Printer;
use crate::services;

/// Link the mentions of any input to concepts through the cascade: exact and
/// normalised names, composites, character 3-gram TF-IDF, optional dense encoder and
/// cross-encoder; NIL below the thresholds, ranked candidates kept.
#[derive(Args, Debug)]
#[command(
    after_help = "Mention types are read through the same corpus type mapping as `eval ner` (SpecificDisease,\nChemical, GeneOrGeneProduct...).\n\nExamples:\n  pubminer link CDR_DevelopmentSet.PubTator.txt --to jsonl -o linked.jsonl\n  pubminer link mentions.jsonl --encoder ~/models/SapBERT --to jsonl -o linked.jsonl"
)]
pub struct LinkArgs {
    /// Input files with mentions (`-` for standard input).
    #[arg(required = true, value_name = "IN")]
    inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum)]
    to: ToFormat,
    /// Output file.
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    /// Entity types to link [default: Gene, Disease, Chemical, Anatomy, CellType, Species].
    #[arg(long, value_delimiter = ',', value_parser = parse_entity_type)]
    types: Vec<EntityType>,
    /// Keep mentions that already have links (default: relink every mention).
    #[arg(long)]
    only_unlinked: bool,
    /// TF-IDF cosine below which a mention is NIL.
    #[arg(long, default_value_t = 0.5, value_name = "X")]
    tfidf_threshold: f32,
    /// Bi-encoder cosine below which a mention is NIL.
    #[arg(long, default_value_t = 0.75, value_name = "X")]
    dense_threshold: f32,
    /// Candidates kept per mention.
    #[arg(long, default_value_t = 5, value_name = "K")]
    top_k: usize,
    /// Link only to concepts with an id in these namespaces (comma-separated, e.g.
    /// `MESH,OMIM` for MeSH/MEDIC-coded corpora).
    #[arg(long, value_delimiter = ',', value_name = "PREFIX")]
    namespaces: Vec<String>,
    /// A BERT bi-encoder model directory (SapBERT, PubMedBERT, MiniLM) for the dense stage.
    #[arg(long, value_name = "DIR")]
    encoder: Option<PathBuf>,
    /// A BERT sequence-classification model directory for the rerank stage.
    #[arg(long, value_name = "DIR")]
    cross_encoder: Option<PathBuf>,
    /// Corpus type name overrides (`Corpus=Ours`).
    #[arg(long = "map", value_name = "CORPUS=OURS", value_parser = parse_map)]
    map: Vec<String>,
    #[command(flatten)]
    lexicon: LexiconArgs,
    #[command(flatten)]
    input: InputArgs,
}

/// Builds the cascade the arguments ask for, links the mentions of the inputs and writes
/// them.
///
/// # Errors
/// An unopenable lexicon or model; unreadable input (per the error policy) or unwritable
/// output.
pub fn run(args: &LinkArgs, ctx: &Ctx) -> Result<ExitCode> {
    let printer = &ctx.printer;
    let lex = Arc::new(services::lexicon::open(&args.lexicon, printer)?);
    let types = if args.types.is_empty() {
        use EntityType as T;
        vec![
            T::Gene,
            T::Disease,
            T::Chemical,
            T::Anatomy,
            T::CellType,
            T::Species,
        ]
    } else {
        args.types.clone()
    };
    let config = LinkerConfig {
        top_k: args.top_k,
        tfidf_threshold: args.tfidf_threshold,
        dense_threshold: args.dense_threshold,
        namespaces: (!args.namespaces.is_empty()).then(|| args.namespaces.clone()),
        ..LinkerConfig::default()
    };
    let models = ModelArgs {
        encoder: args.encoder.clone(),
        cross_encoder: args.cross_encoder.clone(),
    };
    let lexicon_path = args
        .lexicon
        .lexicon
        .clone()
        .unwrap_or_else(paths::default_lexicon);
    let linker = build_linker(lex, &lexicon_path, &types, config, &models, printer)?;
    let format = args.to.format();
    let (summary, report) = link(
        &args.inputs,
        &args.output,
        format,
        &linker,
        args.only_unlinked,
        &args.map,
        &args.input.read_options(),
        ctx,
    )?;
    let parts: Vec<String> = report
        .outcomes
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    printer.status(format_args!(
        "mentions linked by stage: {}",
        parts.join(", ")
    ));
    if let Some(note) = describe_omissions(&report.encode, format) {
        printer.status(note);
    }
    Ok(ctx.finish(&summary))
}

/// A BERT encoder from `pubminer-ml` as the cascade's embedder.
struct EncoderAdapter {
    encoder: pubminer_ml::BertEncoder,
    id: String,
}

impl Embedder for EncoderAdapter {
    fn dim(&self) -> usize {
        self.encoder.dim()
    }
    fn embed(&self, texts: &[&str]) -> Result<Vec<f32>, String> {
        self.encoder
            .embed(texts)
            .map_err(|e| format!("{:#}", anyhow::Error::new(e)))
    }
    fn id(&self) -> String {
        self.id.clone()
    }
}

/// A cross-encoder from `pubminer-ml` as the cascade's reranker.
struct CrossAdapter(pubminer_ml::CrossEncoder);

impl Reranker for CrossAdapter {
    fn score(&self, pairs: &[(&str, &str)]) -> Result<Vec<f32>, String> {
        self.0
            .score(pairs)
            .map_err(|e| format!("{:#}", anyhow::Error::new(e)))
    }
}

/// Identifies a model directory's contents for caches: path, and size and modification time
/// of the weights.
fn model_id(dir: &Path) -> String {
    let weights = ["model.safetensors", "pytorch_model.bin"]
        .iter()
        .map(|f| dir.join(f))
        .find(|p| p.exists());
    let stamp = weights
        .and_then(|p| std::fs::metadata(p).ok())
        .map(|m| {
            let t = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_secs());
            format!("{}:{t}", m.len())
        })
        .unwrap_or_default();
    format!(
        "{}|{stamp}",
        dir.canonicalize()
            .unwrap_or_else(|_| dir.to_owned())
            .display()
    )
}

/// Neural stages of the cascade.
#[derive(Debug, Default, Clone)]
struct ModelArgs {
    /// A bi-encoder model directory (SapBERT, MiniLM...).
    encoder: Option<PathBuf>,
    /// A cross-encoder model directory.
    cross_encoder: Option<PathBuf>,
}

/// Builds the cascade for `types`: TF-IDF always, the dense stage when an encoder is given
/// (name vectors cached next to the lexicon), rerank when a cross-encoder is given.
///
/// # Errors
/// Unloadable models, an unwritable cache.
fn build_linker(
    lexicon: Arc<Lexicon>,
    lexicon_path: &Path,
    types: &[EntityType],
    config: LinkerConfig,
    models: &ModelArgs,
    printer: &Printer,
) -> Result<Linker> {
    let started = std::time::Instant::now();
    let mut linker = Linker::new(Arc::clone(&lexicon), types, config);
    printer.status(format_args!(
        "linking indexes (TF-IDF, word variants) for {} built in {:.1}s",
        types
            .iter()
            .map(|t| t.name())
            .collect::<Vec<_>>()
            .join(", "),
        started.elapsed().as_secs_f64()
    ));
    if let Some(dir) = &models.encoder {
        let encoder = pubminer_ml::BertEncoder::load(dir, &pubminer_ml::EncoderOptions::default())
            .with_context(|| format!("loading the encoder {}", dir.display()))?;
        let adapter = Arc::new(EncoderAdapter {
            encoder,
            id: model_id(dir),
        });
        let mut indexes = HashMap::new();
        for &t in types {
            let key = format!("{}|{}|{}", lexicon.meta().built_at, t.name(), adapter.id());
            let hash = Sha256::digest(key.as_bytes());
            let short: String = hash.iter().take(8).map(|b| format!("{b:02x}")).collect();
            let cache = lexicon_path.with_extension(format!("{}.{short}.dense", t.name()));
            let index = match DenseIndex::load(&cache, &key) {
                Some(index) => index,
                None => {
                    printer.status(format_args!(
                        "embedding the {} names of the lexicon with {} (once; cached in {})",
                        t.name(),
                        dir.display(),
                        cache.display()
                    ));
                    let index =
                        DenseIndex::build(&lexicon, &[t], adapter.as_ref(), &mut |done, total| {
                            if done % 20_480 < 512 || done == total {
                                printer.status(format_args!("  {done}/{total}"));
                            }
                        })
                        .map_err(|e| anyhow::anyhow!("embedding names: {e}"))?;
                    index
                        .save(&cache, &key)
                        .with_context(|| format!("cannot write {}", cache.display()))?;
                    index
                }
            };
            indexes.insert(t, index);
        }
        linker = linker.with_dense(adapter, indexes);
    }
    if let Some(dir) = &models.cross_encoder {
        let cross = pubminer_ml::CrossEncoder::load(dir, 64)
            .with_context(|| format!("loading the cross-encoder {}", dir.display()))?;
        linker = linker.with_reranker(Arc::new(CrossAdapter(cross)));
    }
    Ok(linker)
}

/// What linking did.
#[derive(Debug, Default)]
struct LinkReport {
    /// Mentions by outcome (`exact`, `tfidf`, `nil`...).
    outcomes: BTreeMap<&'static str, u64>,
    /// What the output format could not hold.
    encode: EncodeReport,
}

/// Links the mentions of `inputs` and writes them to `output`.
#[expect(clippy::too_many_arguments)]
fn link(
    inputs: &[PathBuf],
    output: &Path,
    format: OutputFormat,
    linker: &Linker,
    only_unlinked: bool,
    map: &[String],
    read_options: &ReadOptions,
    ctx: &Ctx,
) -> Result<(RunSummary, LinkReport)> {
    let mapping = pubminer_eval::types::TypeMapping::with_overrides(map)
        .map_err(|e| anyhow::anyhow!("--map: {e}"))?;
    let type_of = |name: &str| mapping.canonical(name).and_then(EntityType::from_name);
    let mut writer = DocWriter::create(output, format)?;
    let encoder = pubminer_formats::sink::encoder(format);
    let mut report = LinkReport::default();
    let summary = ctx.pipeline(
        inputs,
        read_options,
        |mut doc| {
            let stats = linker.link_document(&mut doc, only_unlinked, &type_of);
            let mut bytes = Vec::with_capacity(4096);
            let encoded = encoder.encode(&doc, &mut bytes);
            (bytes, encoded, stats)
        },
        |(bytes, encoded, stats)| {
            for (k, n) in stats {
                *report.outcomes.entry(k).or_default() += n;
            }
            writer.write_encoded(&bytes, encoded)?;
            Ok(())
        },
    )?;
    report.encode = writer.finish()?;
    Ok((summary, report))
}
