//! The `pubminer` command: turns the biomedical literature into a normalised, quantitative
//! knowledge base.
//!
//! This crate only wires the library crates together: it parses the command line, builds
//! the pipeline, and maps failures to exit codes. All format, text and model logic lives
//! in the library crates.

mod commands;
mod pipeline;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use pubminer_core::OffsetUnit;
use pubminer_formats::{Format, OutputFormat, ReadOptions};

use crate::pipeline::{OnError, RunOptions};

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
/// BioC JSON (incl. PubTator3), JSONL, TSV or plain text, optionally gzip-compressed;
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

#[derive(Subcommand, Debug)]
enum Command {
    /// Convert documents between formats.
    #[command(
        after_help = "Examples:\n  pubminer convert pubmed26n0001.xml.gz --to jsonl -o docs.jsonl\n  pubminer convert CDR_DevelopmentSet.PubTator.txt --to bioc-xml -o cdr.xml"
    )]
    Convert {
        /// Input files (`-` for standard input).
        #[arg(required = true, value_name = "IN")]
        inputs: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum)]
        to: ToFormat,
        /// Output file (`-` for standard output; a `.gz` suffix compresses).
        #[arg(short, long, value_name = "OUT")]
        output: PathBuf,
        #[command(flatten)]
        input: InputArgs,
    },
    /// Count documents, abstracts, deletions, languages, publication types and annotations.
    #[command(after_help = "Example:\n  pubminer stats ../shared/data/pubmed/curated/*.xml.gz")]
    Stats {
        /// Input files (`-` for standard input).
        #[arg(required = true, value_name = "IN")]
        inputs: Vec<PathBuf>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        input: InputArgs,
    },
}

/// Options shared by every command that reads documents.
#[derive(Args, Debug, Clone)]
struct InputArgs {
    /// Input format [default: detected from the content].
    #[arg(long, value_enum, value_name = "FORMAT")]
    from: Option<FromFormat>,
    /// Unit of PubTator/BioC offsets: characters (Python, PubTator) or UTF-16 units (Java).
    #[arg(long, value_enum, default_value_t = UnitArg::Char)]
    offset_unit: UnitArg,
    /// Move an annotation whose offsets do not cover its text to the one place in its
    /// passage where the text occurs (reported), instead of dropping it (also reported).
    #[arg(long)]
    repair_offsets: bool,
    /// Refuse records larger than this many MiB.
    #[arg(long, value_name = "MB", default_value_t = 512)]
    max_record_mb: usize,
}

impl InputArgs {
    fn read_options(&self) -> ReadOptions {
        ReadOptions {
            format: self.from.map(FromFormat::format),
            offset_unit: match self.offset_unit {
                UnitArg::Char => OffsetUnit::Char,
                UnitArg::Utf16 => OffsetUnit::Utf16,
                UnitArg::Byte => OffsetUnit::Byte,
            },
            repair_offsets: self.repair_offsets,
            max_record_bytes: self.max_record_mb.saturating_mul(1 << 20),
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FromFormat {
    Pubmed,
    Pubtator,
    BiocXml,
    BiocJson,
    Jsonl,
    Tsv,
    Text,
}

impl FromFormat {
    fn format(self) -> Format {
        match self {
            Self::Pubmed => Format::Pubmed,
            Self::Pubtator => Format::Pubtator,
            Self::BiocXml => Format::BiocXml,
            Self::BiocJson => Format::BiocJson,
            Self::Jsonl => Format::Jsonl,
            Self::Tsv => Format::Tsv,
            Self::Text => Format::Text,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ToFormat {
    Jsonl,
    Pubtator,
    BiocXml,
    BiocJson,
}

impl ToFormat {
    fn format(self) -> OutputFormat {
        match self {
            Self::Jsonl => OutputFormat::Jsonl,
            Self::Pubtator => OutputFormat::Pubtator,
            Self::BiocXml => OutputFormat::BiocXml,
            Self::BiocJson => OutputFormat::BiocJson,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum UnitArg {
    Char,
    Utf16,
    Byte,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    let options = RunOptions {
        threads: cli.threads.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
        }),
        on_error: cli.on_error,
        progress: !cli.quiet,
        verbose_errors: cli.verbose,
    };
    let summary = match &cli.command {
        Command::Convert {
            inputs,
            to,
            output,
            input,
        } => {
            let (summary, report) = commands::convert::run(
                inputs,
                output,
                to.format(),
                &input.read_options(),
                &options,
            )?;
            if !cli.quiet
                && let Some(note) = commands::convert::describe_omissions(&report, to.format())
            {
                eprintln!("{note}");
            }
            summary
        }
        Command::Stats {
            inputs,
            json,
            input,
        } => {
            let (stats, summary) = commands::stats::run(inputs, &input.read_options(), &options)?;
            if *json {
                println!("{}", commands::stats::to_json(&stats, &summary));
            } else {
                print!("{}", stats.render(&summary));
            }
            summary
        }
    };
    if !cli.quiet {
        eprintln!("{}", summary.describe());
    }
    Ok(if summary.is_partial() {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}
