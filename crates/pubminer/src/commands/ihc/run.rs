//! `pubminer ihc run`: classify each abstract, extract its IHC profiles, and store both in
//! the knowledge base in batches, with the per-document output written beside it.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::{Args, ValueEnum};
use pubminer_formats::ReadOptions;
use pubminer_ihc::kb::{DocInfo, Kb};
use pubminer_ihc::{IhcFormat, IhcPipeline, IhcRecord, Outcome};

use super::landscape::{TableFormat, render_landscape};
use super::{PubmedArgs, fetch_query};
use crate::args::{EngineArgs, InputArgs, LexiconArgs};
use crate::commands::Ctx;
use crate::paths;
use crate::pipeline::RunSummary;
use crate::services;
use crate::services::ihc::EngineChoice;

/// Classify each abstract include/exclude (with a reason), extract its IHC profiles, and
/// store both in the knowledge base (re-running over the same PMIDs replaces them).
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  pubminer ihc run pubmed26n1335.xml.gz -o profiles.jsonl\n  pubminer ihc run --query \"TTF-1 immunohisto*\" --max 2000 --email me@example.org\n  pubminer ihc run abstracts.tsv --format ihc-table -o tables.md --kb study.sqlite"
)]
pub struct RunArgs {
    /// Input files in any supported format, incl. IHC-LLMiner's TSV (`marker, pmid, url,
    /// abstract`).
    #[arg(value_name = "IN", required_unless_present = "query")]
    inputs: Vec<PathBuf>,
    /// The knowledge base [default: DATA_DIR/ihc.sqlite].
    #[arg(long, value_name = "FILE")]
    kb: Option<PathBuf>,
    /// Per-document results (`-` for standard output).
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Format of OUT.
    #[arg(long, value_enum, default_value_t = IhcFormatArg::Jsonl)]
    format: IhcFormatArg,
    /// Keep non-English documents (by default they are stored as `exclude`, with the
    /// language as the reason).
    #[arg(long)]
    all_languages: bool,
    /// Leave alone the documents the knowledge base already has (to finish an
    /// interrupted run).
    #[arg(long)]
    resume: bool,
    /// Print the landscape afterwards (rows with at least this many cases).
    #[arg(long, value_name = "N")]
    landscape: Option<u64>,
    #[command(flatten)]
    pubmed: PubmedArgs,
    #[command(flatten)]
    engine: EngineArgs,
    #[command(flatten)]
    lexicon: LexiconArgs,
    #[command(flatten)]
    input: InputArgs,
}

/// The per-document output format (`--format`).
#[derive(Clone, Copy, Debug, ValueEnum)]
enum IhcFormatArg {
    /// One JSON record per document: id, label, reason, profiles.
    Jsonl,
    /// IHC-LLMiner's markdown table per abstract.
    IhcTable,
    /// One row per profile.
    Tsv,
}

/// Fetches the query's abstracts when asked, builds the pipeline and engine, stores every
/// input document, and prints the summary (and the landscape when asked).
///
/// # Errors
/// A failed fetch, an unopenable lexicon, model or knowledge base, unreadable input (per
/// the error policy), an unwritable output.
pub(super) fn run(args: &RunArgs, ctx: &Ctx) -> Result<ExitCode> {
    let printer = &ctx.printer;
    let mut files = args.inputs.clone();
    if let Some(query) = &args.pubmed.query {
        files.extend(fetch_query(&args.pubmed, query, printer)?);
    }
    let ihc = services::ihc::pipeline(
        &args.lexicon,
        &EngineChoice::of(&args.engine),
        !args.all_languages,
        printer,
    )?;
    let (ihc, usage) = services::ihc::with_llm(ihc, &args.engine, printer)?;
    let kb = services::ihc::kb_path(args.kb.as_deref())?;
    let format = match args.format {
        IhcFormatArg::Jsonl => IhcFormat::Jsonl,
        IhcFormatArg::IhcTable => IhcFormat::IhcTable,
        IhcFormatArg::Tsv => IhcFormat::Tsv,
    };
    let store_args = Store {
        inputs: &files,
        kb: &kb,
        output: args.output.as_deref(),
        format,
        resume: args.resume,
    };
    let (summary, report) = store(&store_args, &ihc, &args.input.read_options(), ctx)?;
    printer.status(report.describe());
    printer.status(summary.describe());
    if let Some(usage) = &usage {
        printer.status(usage.describe());
    }
    // The counts cost a query over the whole knowledge base: only when they are printed.
    if !printer.quiet() {
        let kb_store = Kb::open_read_only(&kb)?;
        let (docs, included, profiles) = kb_store.counts()?;
        printer.status(format_args!(
            "knowledge base {}: {docs} document(s), {included} included, {profiles} profile(s)",
            kb.display()
        ));
    }
    if let Some(min_total) = args.landscape {
        let kb_store = Kb::open_read_only(&kb)?;
        let rows = kb_store.landscape(None, None, min_total)?;
        print!("{}", render_landscape(&rows, TableFormat::Table, 5)?);
    }
    Ok(summary.exit_code())
}

/// Documents per knowledge-base transaction: a crash loses at most this many, and a
/// resumed run redoes them.
const COMMIT_EVERY: usize = 2_000;

/// What `ihc run` did.
#[derive(Clone, Debug, Default)]
pub(super) struct IhcRunReport {
    /// Documents classified include.
    pub included: u64,
    /// Documents classified exclude on their content.
    pub excluded: u64,
    /// Documents not read on their content, by cause (stored as `exclude` with the cause).
    pub skipped: BTreeMap<&'static str, u64>,
    /// Documents already in the knowledge base, left alone (`--resume`).
    pub resumed: u64,
    /// Profiles extracted from included documents.
    pub profiles: u64,
    /// Exclusion reasons (their first words), for the summary.
    pub reasons: BTreeMap<String, u64>,
}

impl IhcRunReport {
    /// Lines for stderr.
    #[must_use]
    pub fn describe(&self) -> String {
        let mut s = format!(
            "{} include, {} exclude, {} profile(s)",
            self.included, self.excluded, self.profiles
        );
        for (k, n) in &self.skipped {
            let _ = write!(s, "; {n} {k} (stored as exclude)");
        }
        if self.resumed > 0 {
            let _ = write!(
                s,
                "; {} already in the knowledge base (--resume)",
                self.resumed
            );
        }
        let mut reasons: Vec<(&String, &u64)> = self.reasons.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1));
        for (r, n) in reasons.into_iter().take(6) {
            let _ = write!(s, "\n  exclude: {n:>6}  {r}");
        }
        s
    }
}

/// Where [`store`] reads from and writes to.
pub(super) struct Store<'a> {
    /// Inputs (files, or the batches a PubMed query downloaded).
    pub inputs: &'a [PathBuf],
    /// The knowledge base.
    pub kb: &'a Path,
    /// The per-document output, when asked.
    pub output: Option<&'a Path>,
    /// Its format.
    pub format: IhcFormat,
    /// Skip documents the knowledge base already has.
    pub resume: bool,
}

/// The reason's gist: the part before a colon or parenthesis (`review`, `no IHC marker
/// named`), so the summary groups like reasons.
fn reason_class(reason: &str) -> String {
    let end = reason.find([':', '(']).unwrap_or(reason.len());
    reason[..end].trim().to_owned()
}

/// Runs the pipeline over `args.inputs`, storing into the knowledge base: the work of
/// `ihc run`, and of `ihc demo` after it has found its inputs.
///
/// The output file is written as `OUT.partial`, batch by batch right after the knowledge base
/// commits the batch, and renamed to `OUT` when the run completes: a killed run leaves no
/// `OUT`, and its `OUT.partial` holds no record the knowledge base did not commit. With
/// `--resume` and an output, documents already stored are read again for the output (not
/// stored twice), so the finished `OUT` holds every input document, as a run never
/// interrupted would.
///
/// # Errors
/// Unreadable input (per the error policy), an unwritable output or knowledge base.
pub(super) fn store(
    args: &Store<'_>,
    ihc: &IhcPipeline,
    read_options: &ReadOptions,
    ctx: &Ctx,
) -> Result<(RunSummary, IhcRunReport)> {
    // A file output's `OUT.partial`, checked before anything is written or stored.
    let file_output = args.output.filter(|p| p.as_os_str() != "-");
    let partial = file_output.map(paths::partial_path).transpose()?;
    let mut kb = Kb::open(args.kb)?;
    let existing: HashSet<String> = if args.resume {
        kb.document_ids()?
    } else {
        HashSet::new()
    };
    let mut out: Option<Box<dyn std::io::Write>> = match (args.output, &partial) {
        (None, _) => None,
        (Some(_), Some(partial)) => Some(Box::new(std::io::BufWriter::new(
            std::fs::File::create(partial)
                .with_context(|| format!("cannot create {}", partial.display()))?,
        ))),
        (Some(_), None) => Some(Box::new(std::io::BufWriter::new(std::io::stdout().lock()))),
    };
    if let Some(w) = out.as_mut()
        && args.format == IhcFormat::Tsv
    {
        w.write_all(pubminer_ihc::output::TSV_HEADER.as_bytes())?;
    }
    let format = args.format;
    let encode = out.is_some();
    let mut report = IhcRunReport::default();
    let mut batch: Vec<(IhcRecord, DocInfo)> = Vec::with_capacity(COMMIT_EVERY);
    // The output of the batch not yet committed.
    let mut pending = String::new();
    // Commits the batch, then writes and flushes its output.
    let commit = |kb: &mut Kb,
                  batch: &mut Vec<(IhcRecord, DocInfo)>,
                  pending: &mut String,
                  out: &mut Option<Box<dyn std::io::Write>>|
     -> Result<()> {
        kb.store(batch)?;
        batch.clear();
        if let Some(w) = out.as_mut() {
            w.write_all(pending.as_bytes())
                .and_then(|()| w.flush())
                .context("cannot write the output")?;
        }
        pending.clear();
        Ok(())
    };
    let summary = ctx.pipeline(
        args.inputs,
        read_options,
        |doc| {
            let id = doc.meta.pmid.as_deref().unwrap_or(&doc.id);
            let stored = existing.contains(id);
            if stored && !encode {
                return None;
            }
            let outcome = ihc.process(&doc);
            let mut text = String::new();
            if encode {
                pubminer_ihc::output::encode(&outcome.record, format, &mut text);
            }
            Some((outcome, text, stored))
        },
        |item| {
            let Some((
                Outcome {
                    record,
                    info,
                    skipped,
                },
                text,
                stored,
            )) = item
            else {
                report.resumed += 1;
                return Ok(());
            };
            pending.push_str(&text);
            if stored {
                report.resumed += 1;
                return Ok(());
            }
            match skipped {
                Some(why) => *report.skipped.entry(why.as_str()).or_default() += 1,
                None if record.label.is_include() => report.included += 1,
                None => {
                    report.excluded += 1;
                    *report
                        .reasons
                        .entry(reason_class(&record.reason.to_string()))
                        .or_default() += 1;
                }
            }
            report.profiles += record.profiles.len() as u64;
            batch.push((record, info));
            if batch.len() >= COMMIT_EVERY {
                commit(&mut kb, &mut batch, &mut pending, &mut out)?;
            }
            Ok(())
        },
    )?;
    commit(&mut kb, &mut batch, &mut pending, &mut out)?;
    drop(out);
    if let (Some(p), Some(partial)) = (file_output, partial) {
        std::fs::rename(&partial, p)
            .with_context(|| format!("cannot rename {} to {}", partial.display(), p.display()))?;
    }
    Ok((summary, report))
}
