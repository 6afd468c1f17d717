//! `pubminer ihc demo`: the whole job on a fresh machine. With the shared data, its IHC dev
//! set and a real PubMed update file; without it, the official vocabularies (installed as
//! `setup --download` does) and a PubMed query. A fresh knowledge base; the landscape on
//! stdout.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::Args;
use pubminer_formats::ReadOptions;
use pubminer_ihc::IhcFormat;
use pubminer_ihc::kb::Kb;

use super::landscape::{TableFormat, render_landscape};
use super::run::{Store, store};
use super::{PubmedArgs, fetch_query};
use crate::args::LexiconArgs;
use crate::commands::Ctx;
use crate::paths;
use crate::services;
use crate::services::ihc::EngineChoice;
use crate::services::vocab;

/// The whole job on a fresh machine: with ../shared/data, the IHC dev set and a real
/// PubMed update file; without it, the official vocabularies are downloaded (`setup
/// --download`) and a PubMed query is fetched. Fills a knowledge base and prints the
/// landscape.
#[derive(Args, Debug)]
#[command(
    after_help = "Example:\n  pubminer ihc demo\n  pubminer ihc demo --query \"CDX2 immunohisto*\" --max 300 --email me@example.org"
)]
pub struct DemoArgs {
    /// The knowledge base [default: DATA_DIR/demo.sqlite, replaced on each run].
    #[arg(long, value_name = "FILE")]
    kb: Option<PathBuf>,
    /// Landscape rows with at least this many cases.
    #[arg(long, default_value_t = 5, value_name = "N")]
    min_total: u64,
    /// The PubMed query used without shared data (or to replace it).
    #[arg(long, value_name = "QUERY")]
    query: Option<String>,
    /// Records of the query to fetch.
    #[arg(long, default_value_t = 500, value_name = "N")]
    max: u64,
    /// Contact e-mail for NCBI [default: $NCBI_EMAIL].
    #[arg(long, value_name = "ADDRESS")]
    email: Option<String>,
    #[command(flatten)]
    lexicon: LexiconArgs,
}

/// The default query of `ihc demo` without shared data: human tumour IHC studies with
/// abstracts.
const DEMO_QUERY: &str = "immunohistochemistry[Title/Abstract] AND neoplasms[MeSH Terms] AND hasabstract AND english[Language]";

/// `ihc demo`: the shared data's dev set and PubMed file when present, else the official
/// vocabularies and a PubMed query; a fresh knowledge base; the landscape on stdout.
pub(super) fn run(args: &DemoArgs, ctx: &Ctx) -> Result<ExitCode> {
    let printer = &ctx.printer;
    let shared = paths::shared_data();
    let mut files: Vec<PathBuf> = match (&shared, args.query.as_deref()) {
        (Some(d), None) => [
            "pubmed/curated/pmparser_update_pubmed26n1335.xml.gz",
            "ihc/dev.jsonl",
        ]
        .iter()
        .map(|f| d.join(f))
        .filter(|p| p.exists())
        .collect(),
        _ => Vec::new(),
    };
    if files.is_empty() {
        if args.lexicon.lexicon.is_none()
            && !paths::default_lexicon().exists()
            && paths::vocab_dir(args.lexicon.vocab.as_deref()).is_err()
        {
            printer.status(
            "no vocabularies here: downloading the official releases (`pubminer setup --download`)",
        );
            let summary = vocab::install(
                &vocab::Install {
                    from: None,
                    download: true,
                    mirror: None,
                    checksums: None,
                    no_build: false,
                },
                printer,
            )?;
            printer.status_text(summary);
        }
        let query = args.query.as_deref().unwrap_or(DEMO_QUERY);
        let pubmed = PubmedArgs {
            query: Some(query.to_owned()),
            max: Some(args.max),
            api_key: None,
            email: args.email.clone(),
            batch_size: 200,
            cache: None,
            eutils_url: "https://eutils.ncbi.nlm.nih.gov/entrez/eutils".to_owned(),
        };
        files = fetch_query(&pubmed, query, printer)?;
    }
    for f in &files {
        printer.status(format_args!("input {}", f.display()));
    }
    let ihc = services::ihc::pipeline(&args.lexicon, &EngineChoice::default(), true, printer)?;
    let kb = args
        .kb
        .clone()
        .unwrap_or_else(|| paths::data_dir().join("demo.sqlite"));
    if args.kb.is_none() {
        for suffix in ["", "-wal", "-shm"] {
            let p = PathBuf::from(format!("{}{suffix}", kb.display()));
            if p.exists() {
                std::fs::remove_file(&p)
                    .with_context(|| format!("cannot replace {}", p.display()))?;
            }
        }
    }
    let store_args = Store {
        inputs: &files,
        kb: &kb,
        output: None,
        format: IhcFormat::Jsonl,
        resume: false,
    };
    let (summary, report) = store(&store_args, &ihc, &ReadOptions::default(), ctx)?;
    printer.status(report.describe());
    printer.status(summary.describe());
    let store = Kb::open_read_only(&kb)?;
    let (docs, included, profiles) = store.counts()?;
    let rows = store.landscape(None, None, args.min_total)?;
    println!(
        "knowledge base {}: {docs} document(s), {included} included, {profiles} profile(s); landscape rows with >= {} cases:",
        kb.display(),
        args.min_total
    );
    print!("{}", render_landscape(&rows, TableFormat::Table, 5)?);
    println!(
        "(more: pubminer ihc landscape --kb {} --marker NAME | --tumour NAME | --format csv)",
        kb.display()
    );
    Ok(summary.exit_code())
}
