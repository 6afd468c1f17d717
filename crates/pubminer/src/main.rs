//! The `pubminer` command: turns the biomedical literature into a normalised, quantitative
//! knowledge base.
//!
//! This crate only wires the library crates together: it parses the command line, builds
//! the pipeline, and maps failures to exit codes. All format, text and model logic lives
//! in the library crates.
//!
//! `main.rs` parses the global options, builds the [`Printer`] that owns
//! stderr, and hands the subcommand to its module in `commands/`, which owns the
//! subcommand's arguments and its one `run`. What commands share is in `args.rs` (argument
//! groups), `services/` (lexicon, IHC model and knowledge base, LLM backends, the HPA
//! table, vocabularies), `pipeline.rs` (reading documents in parallel) and `paths.rs`.

mod args;
mod commands;
mod paths;
mod pipeline;
mod printer;
mod services;

// Documents are built, annotated and encoded on many threads at once, with many small
// strings each: mimalloc's per-thread heaps measured ~20% faster than glibc's malloc on
// `annotate` (docs/BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::commands::{
    Ctx, annotate, convert, embed, eval, ihc, lexicon, link, llm, serve, setup, stats,
};
use crate::pipeline::{OnError, RunOptions};
use crate::printer::Printer;

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  error: unreadable input with --on-error fail, unwritable output, bad configuration
  2  command-line usage error
  3  finished, but some records were skipped or some files not read to the end
     (--on-error skip); stderr says which";

/// Turn PubMed and annotated corpora into a normalised, quantitative knowledge base.
///
/// Inputs may be PubMed/MEDLINE XML (baseline, update, efetch), PubTator, BioC XML,
/// BioC JSON (incl. PubTator3), JSONL, TSV, IOB or plain text, optionally gzip-compressed;
/// the format is detected from the content and can be forced with --from.
#[derive(Parser, Debug)]
#[command(name = "pubminer", version, after_help = EXIT_CODES, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// Worker threads [default: all cores].
    #[arg(short = 'j', long, global = true, value_name = "N")]
    threads: Option<usize>,

    /// What to do with a record that cannot be read.
    #[arg(long, global = true, value_enum, default_value_t = OnError::Skip)]
    on_error: OnError,

    /// No progress bar and no summary on stderr.
    #[arg(short, long, global = true)]
    quiet: bool,

    /// Print every skipped record (by default the first 20, then only the count).
    #[arg(short, long, global = true)]
    verbose: bool,
}

// The subcommands, in the order `--help` lists them; each one's arguments and help are in
// its module (a doc comment here would become the about text of `pubminer` itself).
// Parsed once per process: the size difference between variants costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
enum Command {
    Convert(convert::ConvertArgs),
    Stats(stats::StatsArgs),
    Annotate(annotate::AnnotateArgs),
    Link(link::LinkArgs),
    Embed(embed::EmbedArgs),
    Lexicon(lexicon::LexiconCommandArgs),
    Setup(setup::SetupArgs),
    Ihc(ihc::IhcArgs),
    Serve(serve::ServeArgs),
    Eval(eval::EvalArgs),
    Llm(llm::LlmCommandArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ctx = Ctx {
        printer: Printer::new(cli.quiet, cli.verbose),
        options: RunOptions {
            threads: cli.threads.unwrap_or_else(|| {
                std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
            }),
            on_error: cli.on_error,
        },
    };
    let outcome = match &cli.command {
        Command::Convert(args) => convert::run(args, &ctx),
        Command::Stats(args) => stats::run(args, &ctx),
        Command::Annotate(args) => annotate::run(args, &ctx),
        Command::Link(args) => link::run(args, &ctx),
        Command::Embed(args) => embed::run(args, &ctx),
        Command::Lexicon(args) => lexicon::run(args, &ctx),
        Command::Setup(args) => setup::run(args, &ctx),
        Command::Ihc(args) => ihc::run(args, &ctx),
        Command::Serve(args) => serve::run(args, &ctx),
        Command::Eval(args) => eval::run(args, &ctx),
        Command::Llm(args) => llm::run(args, &ctx),
    };
    outcome.unwrap_or_else(|err| {
        ctx.printer.error(&err);
        ExitCode::from(1)
    })
}
