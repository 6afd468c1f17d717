//! `pubminer ihc`: the IHC tumour-profile pipeline (classify, extract, normalise, store:
//! `run`), its model (`train`, `rules`), the pooled landscape and the Human Protein Atlas
//! concordance (`landscape`, `compare-hpa`), and the whole job on a fresh machine (`demo`).
//! `eval ihc` is in `commands/eval`; the pipeline, model and knowledge base are opened
//! through `services::ihc`.

mod demo;
mod landscape;
mod run;
mod train;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Result;
use clap::{Args, Subcommand};

use super::Ctx;
use crate::paths;
use crate::printer::Printer;

/// The IHC tumour-profile pipeline: classify abstracts, extract marker x tumour x site
/// counts, store them in the knowledge base, and query the pooled landscape.
#[derive(Args, Debug)]
pub struct IhcArgs {
    #[command(subcommand)]
    command: IhcCommand,
}

// Parsed once per process: the size difference between variants costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
enum IhcCommand {
    Run(run::RunArgs),
    Train(train::TrainArgs),
    /// List the rules and features of the IHC engine (names for `--rules-off` and
    /// `--features-off`), and the compiled-in model's weights.
    Rules,
    Landscape(landscape::LandscapeArgs),
    CompareHpa(landscape::CompareHpaArgs),
    Demo(demo::DemoArgs),
}

/// Where `ihc run --query` gets its abstracts.
#[derive(Args, Debug)]
pub(super) struct PubmedArgs {
    /// A PubMed query, run through NCBI E-utilities (esearch, then efetch in batches).
    #[arg(long, value_name = "QUERY")]
    pub(super) query: Option<String>,
    /// Fetch at most this many records of the query.
    #[arg(long, value_name = "N", requires = "query")]
    pub(super) max: Option<u64>,
    /// NCBI API key (10 requests/s instead of 3) [default: $NCBI_API_KEY].
    #[arg(long, value_name = "KEY", requires = "query")]
    pub(super) api_key: Option<String>,
    /// Contact e-mail sent to NCBI with each request, as its usage policy asks [default:
    /// $NCBI_EMAIL].
    #[arg(long, value_name = "ADDRESS", requires = "query")]
    pub(super) email: Option<String>,
    /// Records per efetch request.
    #[arg(long, default_value_t = 200, value_name = "N", requires = "query")]
    pub(super) batch_size: u32,
    /// Where fetched batches are kept (an interrupted fetch resumes from them) [default:
    /// DATA_DIR/pubmed-queries/HASH].
    #[arg(long, value_name = "DIR", requires = "query")]
    pub(super) cache: Option<PathBuf>,
    /// E-utilities base URL (a mirror or a test server).
    #[arg(
        long,
        value_name = "URL",
        default_value = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils",
        requires = "query"
    )]
    pub(super) eutils_url: String,
}

/// Runs an `ihc` subcommand.
///
/// # Errors
/// Whatever the subcommand hits.
pub fn run(args: &IhcArgs, ctx: &Ctx) -> Result<ExitCode> {
    match &args.command {
        IhcCommand::Run(args) => run::run(args, ctx),
        IhcCommand::Train(args) => train::run(args, ctx),
        IhcCommand::Rules => train::rules(),
        IhcCommand::Landscape(args) => landscape::run(args, ctx),
        IhcCommand::CompareHpa(args) => landscape::compare_hpa(args, ctx),
        IhcCommand::Demo(args) => demo::run(args, ctx),
    }
}

/// Fetches the `--query` batches (resumably) and returns their files: the inputs of
/// `ihc run --query` and of `ihc demo` without shared data.
fn fetch_query(args: &PubmedArgs, query: &str, printer: &Printer) -> Result<Vec<PathBuf>> {
    use sha2::Digest as _;
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let config = pubminer_fetch::EutilsConfig {
        base_url: args.eutils_url.clone(),
        api_key: args.api_key.clone().or_else(|| env("NCBI_API_KEY")),
        email: args.email.clone().or_else(|| env("NCBI_EMAIL")),
        batch_size: args.batch_size.clamp(1, 10_000),
        max_records: args.max,
        ..pubminer_fetch::EutilsConfig::default()
    };
    let dir = args.cache.clone().unwrap_or_else(|| {
        let digest = sha2::Sha256::digest(
            format!("{query}\n{}\n{}", config.batch_size, config.base_url).as_bytes(),
        );
        let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        paths::data_dir().join("pubmed-queries").join(hex)
    });
    if config.email.is_none() {
        printer.status(
            "note: NCBI asks for a contact address with E-utilities requests: pass --email or set NCBI_EMAIL",
        );
    }
    let client = pubminer_fetch::Eutils::new(config);
    let mut last_note = Instant::now();
    let got = client.fetch_query(query, &dir, &mut |done, of| {
        if done == of || last_note.elapsed() > Duration::from_secs(5) {
            printer.status(format_args!(
                "fetched {done}/{of} batch(es) into {}",
                dir.display()
            ));
            last_note = Instant::now();
        }
    })?;
    printer.status(format_args!(
        "PubMed: {:?} matches {} record(s); {} wanted, {} batch(es) fetched now, {} reused; {} request(s), {} retried",
        query, got.count, got.wanted, got.fetched, got.reused, got.requests, got.retries
    ));
    for note in &got.notes {
        printer.status(format_args!("note: {note}"));
    }
    Ok(got.files)
}
