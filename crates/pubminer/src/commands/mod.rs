//! One module per subcommand. Each owns its clap arguments (a `#[derive(Args)]` struct, or a
//! `#[derive(Subcommand)]` enum for a command with subcommands) and one `run(args, ctx)`
//! returning the exit status. What several commands share is in `args.rs` (argument groups)
//! and `services/` (opening lexicons, models, LLMs, knowledge bases); a command never calls
//! another command's `run`.

pub mod annotate;
pub mod convert;
pub mod embed;
pub mod eval;
pub mod ihc;
pub mod lexicon;
pub mod link;
pub mod llm;
pub mod serve;
pub mod setup;
pub mod stats;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use pubminer_core::Document;
use pubminer_formats::{EncodeReport, OutputFormat, ReadOptions};

use crate::pipeline::{self, RunOptions, RunSummary};
use crate::printer::Printer;

/// What every command gets besides its own arguments: the global options.
pub struct Ctx {
    /// Stderr (`--quiet`, `--verbose`, the progress bar).
    pub printer: Printer,
    /// Threads and the bad-record policy (`--threads`, `--on-error`).
    pub options: RunOptions,
}

impl Ctx {
    /// Runs the document pipeline over `inputs` with the global options (see
    /// [`pipeline::run`]).
    ///
    /// # Errors
    /// As [`pipeline::run`].
    pub fn pipeline<T, P, C>(
        &self,
        inputs: &[PathBuf],
        read_options: &ReadOptions,
        process: P,
        consume: C,
    ) -> Result<RunSummary>
    where
        T: Send,
        P: Fn(Document) -> T + Sync,
        C: FnMut(T) -> Result<()>,
    {
        pipeline::run(
            inputs,
            read_options,
            &self.options,
            &self.printer,
            process,
            consume,
        )
    }

    /// The end of a command that read documents: the summary line on stderr (unless
    /// `--quiet`), and exit status 3 when some input was not read.
    #[must_use]
    pub fn finish(&self, summary: &RunSummary) -> ExitCode {
        self.printer.status(summary.describe());
        summary.exit_code()
    }
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
