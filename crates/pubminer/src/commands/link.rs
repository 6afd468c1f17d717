//! `pubminer link`: run the linking cascade over the mentions of any input, and the
//! adapters that plug `pubminer-ml`'s models into it.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result};
use pubminer_formats::{DocWriter, EncodeReport, OutputFormat, ReadOptions};
use pubminer_lexicon::{EntityType, Lexicon};
use pubminer_link::{DenseIndex, Embedder, Linker, LinkerConfig, Reranker};
use sha2::{Digest, Sha256};

use crate::pipeline::{self, RunOptions, RunSummary};

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
        self.encoder.embed(texts).map_err(|e| e.to_string())
    }
    fn id(&self) -> String {
        self.id.clone()
    }
}

/// A cross-encoder from `pubminer-ml` as the cascade's reranker.
struct CrossAdapter(pubminer_ml::CrossEncoder);

impl Reranker for CrossAdapter {
    fn score(&self, pairs: &[(&str, &str)]) -> Result<Vec<f32>, String> {
        self.0.score(pairs).map_err(|e| e.to_string())
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
pub struct ModelArgs {
    /// A bi-encoder model directory (SapBERT, MiniLM...).
    pub encoder: Option<PathBuf>,
    /// A cross-encoder model directory.
    pub cross_encoder: Option<PathBuf>,
}

/// Builds the cascade for `types`: TF-IDF always, the dense stage when an encoder is given
/// (name vectors cached next to the lexicon), rerank when a cross-encoder is given.
///
/// # Errors
/// Unloadable models, an unwritable cache.
pub fn build_linker(
    lexicon: Arc<Lexicon>,
    lexicon_path: &Path,
    types: &[EntityType],
    config: LinkerConfig,
    models: &ModelArgs,
    quiet: bool,
) -> Result<Linker> {
    let started = std::time::Instant::now();
    let mut linker = Linker::new(Arc::clone(&lexicon), types, config);
    if !quiet {
        eprintln!(
            "linking indexes (TF-IDF, word variants) for {} built in {:.1}s",
            types
                .iter()
                .map(|t| t.name())
                .collect::<Vec<_>>()
                .join(", "),
            started.elapsed().as_secs_f64()
        );
    }
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
                    if !quiet {
                        eprintln!(
                            "embedding the {} names of the lexicon with {} (once; cached in {})",
                            t.name(),
                            dir.display(),
                            cache.display()
                        );
                    }
                    let index =
                        DenseIndex::build(&lexicon, &[t], adapter.as_ref(), &mut |done, total| {
                            if !quiet && (done % 20_480 < 512 || done == total) {
                                eprintln!("  {done}/{total}");
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
pub struct LinkReport {
    /// Mentions by outcome (`exact`, `tfidf`, `nil`...).
    pub outcomes: BTreeMap<&'static str, u64>,
    /// What the output format could not hold.
    pub encode: EncodeReport,
}

/// Links the mentions of `inputs` and writes them to `output`.
///
/// # Errors
/// Unreadable input (per the error policy) or unwritable output.
#[expect(clippy::too_many_arguments)]
pub fn run(
    inputs: &[PathBuf],
    output: &Path,
    format: OutputFormat,
    linker: &Linker,
    only_unlinked: bool,
    map: &[String],
    read_options: &ReadOptions,
    options: &RunOptions,
) -> Result<(RunSummary, LinkReport)> {
    let mapping = pubminer_eval::types::TypeMapping::with_overrides(map)
        .map_err(|e| anyhow::anyhow!("--map: {e}"))?;
    let type_of = |name: &str| mapping.canonical(name).and_then(EntityType::from_name);
    let mut writer = DocWriter::create(output, format)
        .with_context(|| format!("cannot create {}", output.display()))?;
    let encoder = pubminer_formats::sink::encoder(format);
    let mut report = LinkReport::default();
    let summary = pipeline::run(
        inputs,
        read_options,
        options,
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
