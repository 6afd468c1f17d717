//! `pubminer eval ner` and `eval link`: score predicted mentions and links against gold ones.
//!
//! Gold and predictions are read like any other input (any readable format, detected or
//! forced), through the same pipeline and error policy as `convert` and `stats`: a record
//! that cannot be read is reported and counted, and an unreadable gold record is announced
//! loudly because it silently lowers the bar the predictions are measured against.

use std::path::PathBuf;

use anyhow::Result;
use pubminer_core::Document;
use pubminer_eval::ner::{self, NerReport};
use pubminer_eval::types::TypeMapping;
use pubminer_formats::ReadOptions;
use serde::Serialize;

use crate::commands::Ctx;
use crate::pipeline::RunSummary;

/// What `pubminer eval ner` (or `eval link`) was asked to do.
pub(super) struct NerArgs<'a> {
    /// Gold files.
    pub gold: &'a [PathBuf],
    /// Prediction files.
    pub pred: &'a [PathBuf],
    /// How to read the gold files.
    pub gold_options: ReadOptions,
    /// How to read the prediction files.
    pub pred_options: ReadOptions,
    /// `Corpus=Ours` type overrides.
    pub map: &'a [String],
    /// Print JSON instead of the table.
    pub json: bool,
}

fn read(
    inputs: &[PathBuf],
    read_options: &ReadOptions,
    ctx: &Ctx,
) -> Result<(Vec<Document>, RunSummary)> {
    let mut docs = Vec::new();
    let summary = ctx.pipeline(
        inputs,
        read_options,
        |doc| doc,
        |doc| {
            docs.push(doc);
            Ok(())
        },
    )?;
    Ok((docs, summary))
}

/// How one side was read, for the JSON output.
#[derive(Serialize)]
struct ReadSummary<'a> {
    files: u64,
    records: u64,
    documents: u64,
    skipped_records: &'a std::collections::BTreeMap<&'static str, u64>,
    failed_files: &'a [String],
}

impl<'a> From<&'a RunSummary> for ReadSummary<'a> {
    fn from(s: &'a RunSummary) -> Self {
        Self {
            files: s.files,
            records: s.records,
            documents: s.documents,
            skipped_records: &s.skipped,
            failed_files: &s.failed_files,
        }
    }
}

#[derive(Serialize)]
struct JsonOutput<'a> {
    gold_read: ReadSummary<'a>,
    pred_read: ReadSummary<'a>,
    #[serde(flatten)]
    report: &'a NerReport,
}

/// Both sides' reading counts in one summary (for the exit code and the final line).
fn combine(gold: &RunSummary, pred: &RunSummary) -> RunSummary {
    let mut all = gold.clone();
    all.files += pred.files;
    all.records += pred.records;
    all.documents += pred.documents;
    for (kind, n) in &pred.skipped {
        *all.skipped.entry(kind).or_default() += n;
    }
    all.failed_files.extend(pred.failed_files.iter().cloned());
    all.seconds += pred.seconds;
    all.raw_bytes += pred.raw_bytes;
    all
}

/// Reads gold and predictions, scores them, prints the report on stdout and notes on
/// stderr. Returns the combined reading summary.
///
/// # Errors
/// Unreadable input (per the error policy) or a bad `--map`.
pub(super) fn run_ner(args: &NerArgs<'_>, ctx: &Ctx) -> Result<(NerReport, RunSummary)> {
    let printer = &ctx.printer;
    let mapping = TypeMapping::with_overrides(args.map)?;
    let (gold, gold_summary) = read(args.gold, &args.gold_options, ctx)?;
    let (pred, pred_summary) = read(args.pred, &args.pred_options, ctx)?;
    if gold_summary.is_partial() {
        // Always said, even with --quiet: the scores are against an incomplete gold standard.
        printer.warn(format_args!(
            "WARNING: {} gold record(s) could not be read, {} gold annotation(s) were dropped and {} gold file(s) were not read to the end; \
             their mentions are missing from the gold standard, so these scores are NOT a complete evaluation",
            gold_summary.skipped_total(),
            gold_summary.dropped_annotations,
            gold_summary.failed_files.len()
        ));
    }
    if pred_summary.is_partial() {
        printer.status(format_args!(
            "warning: {} predicted record(s) could not be read, {} predicted annotation(s) were dropped and {} prediction file(s) were not read to the end; \
             their gold documents count as missing predictions",
            pred_summary.skipped_total(),
            pred_summary.dropped_annotations,
            pred_summary.failed_files.len()
        ));
    }
    let report = ner::evaluate(&gold, &pred, &mapping);
    if args.json {
        let output = JsonOutput {
            gold_read: (&gold_summary).into(),
            pred_read: (&pred_summary).into(),
            report: &report,
        };
        println!("{}", serde_json::to_string_pretty(&output)?);
    } else {
        print!("{}", report.render());
    }
    printer.status(format_args!("gold: {}", gold_summary.describe()));
    printer.status(format_args!("pred: {}", pred_summary.describe()));
    let d = &report.documents;
    if d.text_mismatches > 0 {
        printer.status(format_args!(
            "warning: {} document pair(s) have different texts and were not scored (e.g. {})",
            d.text_mismatches,
            d.text_mismatch_ids.first().map_or("", String::as_str)
        ));
    }
    if d.missing_predictions > 0 {
        printer.status(format_args!(
            "warning: {} gold document(s) have no prediction; their mentions count as false negatives",
            d.missing_predictions
        ));
    }
    if d.extra_predictions > 0 {
        printer.status(format_args!(
            "note: {} predicted document(s) have no gold document and were ignored",
            d.extra_predictions
        ));
    }
    if !report.unmapped_gold.is_empty() || !report.unmapped_pred.is_empty() {
        let names: Vec<&str> = report
            .unmapped_gold
            .keys()
            .chain(report.unmapped_pred.keys())
            .map(String::as_str)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        printer.status(format_args!(
            "note: mentions of unmapped types were not scored ({}); see --map",
            names.join(", ")
        ));
    }
    Ok((report, combine(&gold_summary, &pred_summary)))
}

/// Reads gold and predictions and prints the linking scores (accuracy with gold mentions,
/// end-to-end document-level P/R/F1). Returns the combined reading summary.
///
/// # Errors
/// Unreadable input (per the error policy) or a bad `--map`.
pub(super) fn run_link(args: &NerArgs<'_>, ctx: &Ctx) -> Result<RunSummary> {
    let printer = &ctx.printer;
    let mapping = TypeMapping::with_overrides(args.map)?;
    let (gold, gold_summary) = read(args.gold, &args.gold_options, ctx)?;
    let (pred, pred_summary) = read(args.pred, &args.pred_options, ctx)?;
    if gold_summary.is_partial() {
        printer.warn(format_args!(
            "WARNING: {} gold record(s) could not be read and {} gold annotation(s) were dropped; these scores are NOT a complete evaluation",
            gold_summary.skipped_total(),
            gold_summary.dropped_annotations
        ));
    }
    let report = pubminer_eval::link::evaluate(&gold, &pred, &mapping);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.render());
    }
    printer.status(format_args!("gold: {}", gold_summary.describe()));
    printer.status(format_args!("pred: {}", pred_summary.describe()));
    Ok(combine(&gold_summary, &pred_summary))
}
