//! `pubminer ihc train` and `ihc rules`: train the IHC model (deterministic, so the same gold
//! and seed give the same bytes), and list the rules, features and compiled-in weights.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context as _, Result};
use clap::Args;
use pubminer_ihc::IhcModel;

use crate::args::LexiconArgs;
use crate::commands::Ctx;
use crate::paths;
use crate::services;

/// Train the IHC model (candidate scorer and include/exclude classifier) on annotated
/// abstracts; deterministic, so the same gold and seed give the same bytes.
#[derive(Args, Debug)]
#[command(
    after_help = "Example (the compiled-in model):\n  pubminer ihc train --gold ../shared/data/ihc/train.jsonl --gold ../shared/data/ihc/dev.jsonl -o crates/pubminer-ihc/data/ihc-model.json"
)]
pub struct TrainArgs {
    /// Gold JSONL files (`eval ihc`'s format).
    #[arg(long, value_name = "GOLD", required = true)]
    gold: Vec<PathBuf>,
    /// Where to write the model (JSON).
    #[arg(short, long, value_name = "MODEL")]
    output: PathBuf,
    /// Seed of the inner folds.
    #[arg(long, default_value_t = 13, value_name = "N")]
    seed: u64,
    /// Rules to switch off, comma-separated.
    #[arg(long, value_name = "RULES")]
    rules_off: Option<String>,
    /// Features to switch off, comma-separated.
    #[arg(long, value_name = "FEATURES")]
    features_off: Option<String>,
    /// Train without the reranker: the scorer's probabilities decide alone.
    #[arg(long)]
    no_reranker: bool,
    #[command(flatten)]
    lexicon: LexiconArgs,
}

/// `pubminer ihc train`.
///
/// # Errors
/// Unreadable gold, bad rule or feature names, data a model cannot be trained on, or an
/// unwritable output.
pub(super) fn run(args: &TrainArgs, ctx: &Ctx) -> Result<ExitCode> {
    use sha2::Digest as _;
    let printer = &ctx.printer;
    let gold = services::ihc::read_golds(&args.gold)?;
    let (extractor, settings) = services::ihc::trainer(
        args.rules_off.as_deref(),
        args.features_off.as_deref(),
        args.seed,
        args.no_reranker,
        &args.lexicon,
        printer,
    )?;
    let mut files = Vec::new();
    for p in &args.gold {
        let bytes = std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?;
        let records = bytes
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .count();
        let name = p.file_name().map_or_else(
            || p.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        files.push(format!(
            "{name} sha256:{:x} records:{records}",
            sha2::Sha256::digest(&bytes)
        ));
    }
    let started = Instant::now();
    let examples = pubminer_ihc::train::examples(&extractor, &gold, &settings.features);
    let refs: Vec<&pubminer_ihc::train::Example> = examples.iter().collect();
    let model = pubminer_ihc::train::train(&extractor, &refs, &settings, files)
        .map_err(anyhow::Error::msg)?;
    paths::write_atomically(&args.output, model.to_json().as_bytes())?;
    let t = &model.training;
    printer.status(format_args!(
        "trained on {} documents ({} include, {} gold profiles): {} candidates, {} match a gold profile, {} gold profiles no candidate reaches; threshold {:.2}; {:.1}s",
        t.documents,
        t.included,
        t.profiles,
        t.candidates,
        t.positives,
        t.unreachable,
        model.threshold,
        started.elapsed().as_secs_f64()
    ));
    printer.status(format_args!("model written to {}", args.output.display()));
    Ok(ExitCode::SUCCESS)
}

/// `pubminer ihc rules`: the rules, the features and the compiled-in model's weights (scorer,
/// reranker, classifier).
///
/// # Errors
/// A compiled-in model that does not fit this build.
pub(super) fn rules() -> Result<ExitCode> {
    println!("rules (--rules-off NAME,...):");
    for r in pubminer_ihc::Rule::ALL {
        println!("  {:<30} {}", r.name(), r.describe());
    }
    let model = IhcModel::builtin().map_err(anyhow::Error::msg)?;
    println!(
        "\ncandidate features (--features-off NAME,...), with the compiled-in scorer's weights:"
    );
    for (f, w) in pubminer_ihc::features::Feature::ALL
        .iter()
        .zip(&model.scorer.weights)
    {
        println!("  {:<26} {w:>+7.3}  {}", f.name(), f.describe());
    }
    if let Some(reranker) = &model.reranker {
        println!("\nreranker features, with the reranker's weights:");
        for (f, w) in pubminer_ihc::rerank::RerankFeature::ALL
            .iter()
            .zip(&reranker.weights)
        {
            println!("  {:<26} {w:>+7.3}  {}", f.name(), f.describe());
        }
    }
    println!("\ndocument features, with the classifier's weights:");
    for (f, w) in pubminer_ihc::classify::DocFeature::ALL
        .iter()
        .zip(&model.classifier.weights)
    {
        println!("  {:<26} {w:>+7.3}  {}", f.name(), f.describe());
    }
    println!(
        "\nthresholds: profile {:.2}, include {:.2}; trained on {}",
        model.threshold,
        model.include_threshold,
        model.training.gold.join(", ")
    );
    Ok(ExitCode::SUCCESS)
}
