//! `pubminer eval ihc`: the IHC task's scores against gold JSONL, from `ihc run` output or
//! from the pipeline run on the gold abstracts, or cross-validated (`--folds`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;
use pubminer_formats::ReadOptions;
use pubminer_ihc::{IhcPipeline, IhcRecord};

use crate::args::{EngineArg, EngineArgs, LexiconArgs};
use crate::commands::Ctx;
use crate::pipeline::RunSummary;
use crate::services;
use crate::services::ihc::EngineChoice;

/// What `eval ihc` was asked to do.
pub(super) struct IhcEval<'a> {
    /// The engine.
    pub engine: &'a EngineArgs,
    /// Gold JSONL files.
    pub gold: &'a [PathBuf],
    /// Cross-validation folds.
    pub folds: Option<usize>,
    /// Seed of the folds.
    pub seed: u64,
    /// Features off (cross-validation).
    pub features_off: Option<&'a str>,
    /// No reranker (cross-validation).
    pub no_reranker: bool,
    /// `ihc run` output; the pipeline runs on the gold abstracts when absent.
    pub pred: Option<&'a Path>,
    /// List every miss.
    pub verbose_misses: bool,
    /// JSON output.
    pub json: bool,
    /// The lexicon.
    pub lexicon: &'a LexiconArgs,
}

/// `pubminer eval ihc`.
///
/// # Errors
/// Unreadable gold or predictions (a gold file not read completely is an error: the scores
/// would be wrong).
pub(super) fn run(args: &IhcEval<'_>, ctx: &Ctx) -> Result<ExitCode> {
    let printer = &ctx.printer;
    let gold = services::ihc::read_golds(args.gold)?;
    if let Some(k) = args.folds {
        return cross_validate(args, &gold, k, ctx);
    }
    let records = match args.pred {
        Some(p) => services::ihc::read_records(p)?,
        None => {
            let (ihc, usage) = services::ihc::with_llm(
                services::ihc::pipeline(
                    args.lexicon,
                    &EngineChoice::of(args.engine),
                    true,
                    printer,
                )?,
                args.engine,
                printer,
            )?;
            let read = ReadOptions {
                format: Some(pubminer_formats::Format::Jsonl),
                ..ReadOptions::default()
            };
            let (records, summary) = predict(args.gold, &ihc, &read, ctx)?;
            if let Some(usage) = usage {
                printer.status(usage.describe());
            }
            if summary.is_partial() {
                anyhow::bail!(
                    "the gold file was not read completely ({}); the scores would be wrong",
                    summary.describe()
                );
            }
            records
        }
    };
    let report = pubminer_ihc::eval::evaluate(&gold, &records);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.render(args.verbose_misses));
    }
    Ok(ExitCode::SUCCESS)
}

/// `eval ihc --folds K`: k-fold cross-validation of the trained engine against the rules.
fn cross_validate(
    args: &IhcEval<'_>,
    gold: &[pubminer_ihc::eval::GoldRecord],
    k: usize,
    ctx: &Ctx,
) -> Result<ExitCode> {
    if k < 2 {
        anyhow::bail!("--folds needs at least 2 folds");
    }
    if args.engine.engine != EngineArg::Default || args.engine.model.is_some() {
        anyhow::bail!("--folds trains a model per fold: leave out --engine and --model");
    }
    let (extractor, settings) = services::ihc::trainer(
        args.engine.rules_off.as_deref(),
        args.features_off,
        args.seed,
        args.no_reranker,
        args.lexicon,
        &ctx.printer,
    )?;
    let started = Instant::now();
    let examples = pubminer_ihc::train::examples(&extractor, gold, &settings.features);
    let report = pubminer_ihc::train::cross_validate(&extractor, &examples, k, &settings)
        .map_err(anyhow::Error::msg)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.render());
        if args.verbose_misses {
            println!("\ngold profiles no candidate reaches:");
            for (class, m) in &report.unreached {
                println!("  [{}] {m}", class.as_str());
            }
            println!("\ndifferences (trained engine, held-out):");
            for m in &report.trained.misses {
                println!("  {m}");
            }
        }
    }
    ctx.printer.status(format_args!(
        "cross-validated in {:.1}s",
        started.elapsed().as_secs_f64()
    ));
    Ok(ExitCode::SUCCESS)
}

/// Runs the pipeline on `inputs` in memory (for `eval ihc` without `--pred`).
fn predict(
    inputs: &[PathBuf],
    ihc: &IhcPipeline,
    read_options: &ReadOptions,
    ctx: &Ctx,
) -> Result<(Vec<IhcRecord>, RunSummary)> {
    let mut records = Vec::new();
    let summary = ctx.pipeline(
        inputs,
        read_options,
        |doc| ihc.process(&doc).record,
        |r| {
            records.push(r);
            Ok(())
        },
    )?;
    Ok((records, summary))
}
