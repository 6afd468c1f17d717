//! The document pipeline: read every input, parse records in parallel, process each
//! document on the worker threads, and hand the results back in input order.
//!
//! One reader thread splits records (cheap, sequential); a rayon pool parses and processes
//! them in batches; the calling thread consumes results in order (writing output,
//! aggregating). Record errors are handled by the `--on-error` policy and counted; nothing
//! is dropped without a line on stderr and a count in the summary.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use crossbeam_channel::bounded;
use pubminer_core::Document;
use pubminer_formats::{Pending, Progress, ReadError, ReadOptions, ReadResult};
use rayon::prelude::*;

use crate::printer::Printer;

/// What to do with a record that cannot be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OnError {
    /// Report it on stderr, count it, and go on with the next record.
    Skip,
    /// Stop at the first bad record.
    Fail,
}

/// How to run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Worker threads.
    pub threads: usize,
    /// Bad-record policy.
    pub on_error: OnError,
}

/// Counts from a run.
#[derive(Clone, Debug, Default)]
pub struct RunSummary {
    /// Input files opened.
    pub files: u64,
    /// Records read (including skipped ones).
    pub records: u64,
    /// Documents produced.
    pub documents: u64,
    /// Records skipped, by error kind.
    pub skipped: BTreeMap<&'static str, u64>,
    /// Annotations dropped because their offsets do not fit the text (reversed, past the
    /// text, negative, or over a different text): each reported like a skipped record.
    pub dropped_annotations: u64,
    /// Files that could not be read to the end.
    pub failed_files: Vec<String>,
    /// Seconds spent.
    pub seconds: f64,
    /// Raw (possibly compressed) input bytes read.
    pub raw_bytes: u64,
}

impl RunSummary {
    /// Total records skipped.
    #[must_use]
    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }

    /// True when some input was not read.
    #[must_use]
    pub fn is_partial(&self) -> bool {
        self.skipped_total() > 0 || self.dropped_annotations > 0 || !self.failed_files.is_empty()
    }

    /// Exit status 3 when the run is partial, else 0.
    #[must_use]
    pub fn exit_code(&self) -> std::process::ExitCode {
        if self.is_partial() {
            std::process::ExitCode::from(3)
        } else {
            std::process::ExitCode::SUCCESS
        }
    }

    /// One-line account for stderr.
    #[must_use]
    pub fn describe(&self) -> String {
        let mut s = format!(
            "{} file(s), {} record(s), {} document(s) in {:.2}s",
            self.files, self.records, self.documents, self.seconds
        );
        if self.skipped_total() > 0 {
            let kinds: Vec<String> = self
                .skipped
                .iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect();
            s.push_str(&format!(
                "; {} record(s) skipped ({})",
                self.skipped_total(),
                kinds.join(", ")
            ));
        }
        if self.dropped_annotations > 0 {
            s.push_str(&format!(
                "; {} annotation(s) dropped (offsets that do not fit the text)",
                self.dropped_annotations
            ));
        }
        if !self.failed_files.is_empty() {
            s.push_str(&format!(
                "; {} file(s) not read to the end: {}",
                self.failed_files.len(),
                self.failed_files.join(", ")
            ));
        }
        s
    }
}

/// Records per parallel batch.
const BATCH: usize = 256;

/// The diagnostic of an annotation a reader could not place and dropped.
const DROPPED_ANNOTATION: &str = "annotation.text_mismatch";

type Batch = Vec<ReadResult<Pending>>;

/// Reads every input, calls `process` on each document on a worker thread, and `consume`
/// on each result in input order. Skipped records and dropped annotations are printed
/// through `printer` (the first 20 of each, or all with `--verbose`), above its progress bar.
///
/// # Errors
/// A fatal error (unreadable file, or any bad record with `--on-error fail`), or an error
/// returned by `consume`.
pub fn run<T, P, C>(
    inputs: &[PathBuf],
    read_options: &ReadOptions,
    options: &RunOptions,
    printer: &Printer,
    process: P,
    mut consume: C,
) -> Result<RunSummary>
where
    T: Send,
    P: Fn(Document) -> T + Sync,
    C: FnMut(T) -> Result<()>,
{
    let started = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.max(1))
        .build()
        .context("cannot start worker threads")?;
    let total: Option<u64> = inputs
        .iter()
        .map(|p| std::fs::metadata(p).ok().map(|m| m.len()))
        .sum();
    let bar = printer.progress(total);
    let mut summary = RunSummary::default();
    let mut done_bytes = 0u64;

    for path in inputs {
        let records = match pubminer_formats::open(path, read_options) {
            Ok(r) => r,
            Err(err) => {
                handle_file_error(&err, options, &mut summary, printer)?;
                continue;
            }
        };
        summary.files += 1;
        bar.set_message(path.display().to_string());
        let progress: Progress = records.progress.clone();
        let (tx, rx) = bounded::<Batch>(4);
        let reader = std::thread::spawn(move || {
            let mut batch = Vec::with_capacity(BATCH);
            for item in records {
                let fatal = item.as_ref().is_err_and(|e| e.fatal);
                batch.push(item);
                if batch.len() == BATCH || fatal {
                    if tx
                        .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                        .is_err()
                    {
                        return;
                    }
                    if fatal {
                        return;
                    }
                }
            }
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
        });
        let mut result: Result<()> = Ok(());
        // This read's own diagnostics count, not those a JSONL document carries from before.
        let file = path.display().to_string();
        for batch in &rx {
            type Processed<T> = ReadResult<(Vec<T>, Vec<String>)>;
            let processed: Vec<Processed<T>> = pool.install(|| {
                batch
                    .into_par_iter()
                    .map(|item| {
                        let docs = item.and_then(Pending::run)?;
                        let dropped = docs
                            .iter()
                            .flat_map(|d| &d.diagnostics)
                            .filter(|d| {
                                d.code == DROPPED_ANNOTATION
                                    && d.location.file.as_deref() == Some(file.as_str())
                            })
                            .map(ToString::to_string)
                            .collect();
                        Ok((docs.into_iter().map(&process).collect(), dropped))
                    })
                    .collect()
            });
            for item in processed {
                match item {
                    Ok((outputs, dropped)) => {
                        summary.records += 1;
                        for diagnostic in &dropped {
                            if let Err(e) = handle_dropped_annotation(
                                diagnostic,
                                options,
                                &mut summary,
                                printer,
                            ) {
                                result = Err(e);
                                break;
                            }
                        }
                        if result.is_err() {
                            break;
                        }
                        for output in outputs {
                            summary.documents += 1;
                            if let Err(e) = consume(output) {
                                result = Err(e);
                                break;
                            }
                        }
                    }
                    Err(err) if err.fatal => {
                        if let Err(e) = handle_file_error(&err, options, &mut summary, printer) {
                            result = Err(e);
                        }
                    }
                    Err(err) => {
                        summary.records += 1;
                        if let Err(e) = handle_record_error(&err, options, &mut summary, printer) {
                            result = Err(e);
                        }
                    }
                }
                if result.is_err() {
                    break;
                }
            }
            bar.set_position(done_bytes + progress.bytes());
            if result.is_err() {
                break;
            }
        }
        drop(rx);
        let _ = reader.join();
        result?;
        done_bytes += progress.bytes();
        summary.raw_bytes += progress.bytes();
    }
    drop(bar);
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

fn handle_record_error(
    err: &ReadError,
    options: &RunOptions,
    summary: &mut RunSummary,
    printer: &Printer,
) -> Result<()> {
    if options.on_error == OnError::Fail {
        bail!("{err}\n(use --on-error skip to skip bad records and continue)");
    }
    let count = summary.skipped.entry(err.kind.as_str()).or_default();
    *count += 1;
    if printer.verbose() || summary.skipped_total() <= 20 {
        printer.warn(format_args!("warning: skipped {err}"));
    } else if summary.skipped_total() == 21 {
        printer.warn(
            "warning: further skipped records are counted but not printed (use --verbose to print all)",
        );
    }
    Ok(())
}

/// An annotation a reader dropped counts like a skipped record: printed (the first 20),
/// counted towards exit status 3, and fatal with `--on-error fail`.
fn handle_dropped_annotation(
    diagnostic: &str,
    options: &RunOptions,
    summary: &mut RunSummary,
    printer: &Printer,
) -> Result<()> {
    if options.on_error == OnError::Fail {
        bail!("{diagnostic}\n(use --on-error skip to drop such annotations and continue)");
    }
    summary.dropped_annotations += 1;
    if printer.verbose() || summary.dropped_annotations <= 20 {
        printer.warn(diagnostic);
    } else if summary.dropped_annotations == 21 {
        printer.warn(
            "warning: further dropped annotations are counted but not printed (use --verbose to print all)",
        );
    }
    Ok(())
}

fn handle_file_error(
    err: &ReadError,
    options: &RunOptions,
    summary: &mut RunSummary,
    printer: &Printer,
) -> Result<()> {
    if options.on_error == OnError::Fail {
        bail!("{err}");
    }
    let file = err.location.file.clone().unwrap_or_default();
    printer.warn(format_args!(
        "error: {err} (the rest of this file is not read)"
    ));
    summary.failed_files.push(file);
    Ok(())
}
