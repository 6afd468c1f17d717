//! `pubminer ihc`: the IHC tumour-profile pipeline (classify, extract, normalise, store),
//! the landscape, the Human Protein Atlas concordance, and `eval ihc`.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use pubminer_formats::ReadOptions;
use pubminer_ihc::kb::{DocInfo, Kb, LandscapeRow};
use pubminer_ihc::{Engine, IhcFormat, IhcModel, IhcPipeline, IhcRecord, Outcome};

use crate::pipeline::{self, RunOptions, RunSummary};

/// Documents per knowledge-base transaction: a crash loses at most this many, and a
/// resumed run redoes them.
const COMMIT_EVERY: usize = 2_000;

/// What `ihc run` did.
#[derive(Clone, Debug, Default)]
pub struct IhcRunReport {
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

/// What `ihc run` was asked to do.
pub struct RunArgs<'a> {
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

/// `PATH.partial`: where a file output is written until the run completes.
fn partial_path(path: &Path) -> PathBuf {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    PathBuf::from(partial)
}

/// Runs the pipeline over `args.inputs`, storing into the knowledge base.
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
pub fn run(
    args: &RunArgs<'_>,
    ihc: &IhcPipeline,
    read_options: &ReadOptions,
    options: &RunOptions,
) -> Result<(RunSummary, IhcRunReport)> {
    let mut kb = Kb::open(args.kb)?;
    let existing: HashSet<String> = if args.resume {
        kb.document_ids()?
    } else {
        HashSet::new()
    };
    let file_output = args.output.filter(|p| p.as_os_str() != "-");
    let mut out: Option<Box<dyn std::io::Write>> = match args.output {
        None => None,
        Some(p) if p.as_os_str() == "-" => {
            Some(Box::new(std::io::BufWriter::new(std::io::stdout().lock())))
        }
        Some(p) => {
            let partial = partial_path(p);
            Some(Box::new(std::io::BufWriter::new(
                std::fs::File::create(&partial)
                    .with_context(|| format!("cannot create {}", partial.display()))?,
            )))
        }
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
    let summary = pipeline::run(
        args.inputs,
        read_options,
        options,
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
    if let Some(p) = file_output {
        let partial = partial_path(p);
        std::fs::rename(&partial, p)
            .with_context(|| format!("cannot rename {} to {}", partial.display(), p.display()))?;
    }
    Ok((summary, report))
}

/// Landscape output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    /// An aligned table for the terminal.
    Table,
    /// Tab-separated, with a header.
    Tsv,
    /// Comma-separated (RFC 4180 quoting), with a header.
    Csv,
    /// A JSON array.
    Json,
}

/// Renders landscape rows.
///
/// # Errors
/// Never in practice (JSON of plain rows).
pub fn render_landscape(
    rows: &[LandscapeRow],
    format: TableFormat,
    max_ids: usize,
) -> Result<String> {
    let mut s = String::new();
    let header = [
        "marker",
        "marker_name",
        "tumour",
        "tumour_name",
        "positive",
        "total",
        "rate",
        "ci_low",
        "ci_high",
        "studies",
        "case_reports",
        "documents",
    ];
    match format {
        TableFormat::Json => s = serde_json::to_string_pretty(rows)? + "\n",
        TableFormat::Tsv | TableFormat::Csv => {
            let sep = if format == TableFormat::Tsv {
                "\t"
            } else {
                ","
            };
            let field = |v: &str| -> String {
                if format == TableFormat::Csv {
                    pubminer_ihc::output::csv_field(v).into_owned()
                } else {
                    v.replace(['\t', '\n'], " ")
                }
            };
            s.push_str(&header.join(sep));
            s.push('\n');
            for r in rows {
                let values = [
                    field(&r.marker),
                    field(&r.marker_name),
                    field(&r.tumour),
                    field(&r.tumour_name),
                    r.positive.to_string(),
                    r.total.to_string(),
                    format!("{:.4}", r.rate),
                    format!("{:.4}", r.low),
                    format!("{:.4}", r.high),
                    r.studies.to_string(),
                    r.case_reports.to_string(),
                    field(&r.documents.join(";")),
                ];
                s.push_str(&values.join(sep));
                s.push('\n');
            }
        }
        TableFormat::Table => {
            if rows.is_empty() {
                s.push_str("no profiles match\n");
                return Ok(s);
            }
            let tumour_w = rows
                .iter()
                .map(|r| label(r).chars().count())
                .max()
                .unwrap_or(6)
                .clamp(6, 48);
            let marker_w = rows
                .iter()
                .map(|r| r.marker_name.chars().count())
                .max()
                .unwrap_or(6)
                .clamp(6, 16);
            let _ = writeln!(
                s,
                "{:<marker_w$}  {:<tumour_w$}  {:>9}  {:>6}  {:<13}  {:>7}  {:>5}  documents",
                "marker", "tumour type", "pos/total", "rate", "95% CI", "studies", "cases"
            );
            for r in rows {
                let ids: Vec<&str> = r
                    .documents
                    .iter()
                    .take(max_ids)
                    .map(String::as_str)
                    .collect();
                let more = r.documents.len().saturating_sub(max_ids);
                let (frac, rate, ci) = if r.total > 0 {
                    (
                        format!("{}/{}", r.positive, r.total),
                        format!("{:.1}%", 100.0 * r.rate),
                        format!("{:.1}-{:.1}%", 100.0 * r.low, 100.0 * r.high),
                    )
                } else {
                    ("-".to_owned(), "-".to_owned(), "-".to_owned())
                };
                let _ = writeln!(
                    s,
                    "{:<marker_w$}  {:<tumour_w$}  {frac:>9}  {rate:>6}  {ci:<13}  {:>7}  {:>5}  {}{}",
                    truncate(&r.marker_name, marker_w),
                    truncate(&label(r), tumour_w),
                    r.studies,
                    r.case_reports,
                    ids.join(","),
                    if more > 0 {
                        format!(" +{more}")
                    } else {
                        String::new()
                    }
                );
            }
        }
    }
    Ok(s)
}

/// `lung adenocarcinoma [ONCOTREE:LUAD]`, or the name alone when it is not normalised.
fn label(r: &LandscapeRow) -> String {
    if r.tumour.contains(':') {
        format!("{} [{}]", r.tumour_name, r.tumour)
    } else {
        r.tumour_name.clone()
    }
}

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Reads the gold IHC records (the dev set's JSONL).
///
/// # Errors
/// An unreadable file or a line that is not a gold record (with its line number).
pub fn read_gold(path: &Path) -> Result<Vec<pubminer_ihc::eval::GoldRecord>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l)
                .with_context(|| format!("{}:{}: not an IHC gold record", path.display(), i + 1))
        })
        .collect()
}

/// Reads `ihc run` JSONL output.
///
/// # Errors
/// An unreadable file or a line that is not an `ihc run` record.
pub fn read_records(path: &Path) -> Result<Vec<IhcRecord>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).with_context(|| {
                format!(
                    "{}:{}: not an `ihc run` JSONL record",
                    path.display(),
                    i + 1
                )
            })
        })
        .collect()
}

/// Runs the pipeline on `inputs` in memory (for `eval ihc` without `--pred`).
///
/// # Errors
/// Unreadable input, per the error policy.
pub fn predict(
    inputs: &[PathBuf],
    ihc: &IhcPipeline,
    read_options: &ReadOptions,
    options: &RunOptions,
) -> Result<(Vec<IhcRecord>, RunSummary)> {
    let mut records = Vec::new();
    let summary = pipeline::run(
        inputs,
        read_options,
        options,
        |doc| ihc.process(&doc).record,
        |r| {
            records.push(r);
            Ok(())
        },
    )?;
    Ok((records, summary))
}

/// Builds the pipeline over the lexicon that `lexicon` names (or the default one), with the
/// default engine `engine` asks for: the trained model (`--model`, else the compiled-in
/// one) or the rules alone.
///
/// # Errors
/// When the lexicon cannot be opened or built, or the model read.
pub fn pipeline_for(
    lexicon: &crate::LexiconArgs,
    engine: &EngineChoice<'_>,
    english_only: bool,
    quiet: bool,
) -> Result<IhcPipeline> {
    let lex =
        crate::paths::open_lexicon(lexicon.lexicon.as_deref(), lexicon.vocab.as_deref(), quiet)?;
    let asked = pubminer_ihc::RuleSet::parse_off(engine.rules_off.unwrap_or(""))
        .map_err(anyhow::Error::msg)?;
    let default = if engine.rules_only {
        Engine::Rules
    } else {
        Engine::Trained(Box::new(read_model(engine.model)?))
    };
    let rules = match &default {
        Engine::Trained(model) => {
            let trained = model.rule_set().map_err(anyhow::Error::msg)?;
            if engine.rules_off.is_some() && asked != trained {
                anyhow::bail!(
                    "the model was trained with the rules off: [{}]; --rules-off asks for [{}] (train a model with them: `pubminer ihc train --rules-off ...`, or use --engine rules)",
                    names(&trained.disabled()),
                    names(&asked.disabled())
                );
            }
            trained
        }
        Engine::Rules => asked,
    };
    let extractor = pubminer_ihc::Extractor::new(Arc::new(lex)).with_rules(rules);
    Ok(IhcPipeline::new(extractor, default, english_only))
}

/// The default engine a command runs: the trained model (a file, else the compiled-in one)
/// or the rules alone, and the rules switched off.
#[derive(Clone, Copy, Debug, Default)]
pub struct EngineChoice<'a> {
    /// The rules alone.
    pub rules_only: bool,
    /// A model file.
    pub model: Option<&'a Path>,
    /// Rules off (comma-separated names).
    pub rules_off: Option<&'a str>,
}

impl<'a> EngineChoice<'a> {
    /// What `--engine`, `--model` and `--rules-off` ask for.
    #[must_use]
    pub fn of(args: &'a crate::EngineArgs) -> Self {
        Self {
            rules_only: args.engine == crate::EngineArg::Rules,
            model: args.model.as_deref(),
            rules_off: args.rules_off.as_deref(),
        }
    }
}

fn names(rules: &[pubminer_ihc::Rule]) -> String {
    rules
        .iter()
        .map(|r| r.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The model at `path`, else the compiled-in one.
///
/// # Errors
/// An unreadable file, or a model that does not fit this build.
pub fn read_model(path: Option<&Path>) -> Result<IhcModel> {
    match path {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read the IHC model {}", p.display()))?;
            IhcModel::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))
        }
        None => IhcModel::builtin().map_err(|e| anyhow::anyhow!("the compiled-in IHC model: {e}")),
    }
}

/// Adds the LLM engine that `engine` asks for.
///
/// # Errors
/// An unopenable response cache.
fn with_engine(
    ihc: IhcPipeline,
    engine: &crate::EngineArgs,
    quiet: bool,
) -> Result<(IhcPipeline, Option<Arc<pubminer_llm::engine::Usage>>)> {
    let mode = match engine.engine {
        crate::EngineArg::Default | crate::EngineArg::Rules => return Ok((ihc, None)),
        crate::EngineArg::Llm => pubminer_ihc::Mode::Alt,
        crate::EngineArg::Hybrid => pubminer_ihc::Mode::Hybrid,
    };
    let backend = llm_backend(&engine.llm)?;
    let cache = llm_cache(&engine.llm)?;
    if !quiet {
        eprintln!(
            "engine {:?}: {}{}",
            engine.engine,
            backend.describe(),
            if engine.llm_json {
                ", JSON mode"
            } else {
                ", IHC-LLMiner prompts"
            }
        );
    }
    let llm = pubminer_llm::LlmEngine::new(backend, cache, engine.llm_json)
        .with_extract_tokens(engine.llm.llm_max_tokens)
        .with_concurrency(engine.llm.llm_concurrency);
    let usage = Arc::clone(&llm.usage);
    Ok((ihc.with_engine(Box::new(llm), mode), Some(usage)))
}

/// The response cache `llm` names (`none`: no cache).
///
/// # Errors
/// An unopenable cache.
pub fn llm_cache(llm: &crate::LlmArgs) -> Result<Option<pubminer_llm::cache::Cache>> {
    let path = match &llm.llm_cache {
        Some(p) if p.as_os_str() == "none" => return Ok(None),
        Some(p) => p.clone(),
        None => crate::paths::data_dir().join("llm-cache.sqlite"),
    };
    Ok(Some(pubminer_llm::cache::Cache::open(&path)?))
}

/// The backend `engine` names: a native GGUF model (`--llm-native`) or an OpenAI-compatible
/// server (`--llm-url`).
///
/// # Errors
/// A native model that does not load.
pub fn llm_backend(engine: &crate::LlmArgs) -> Result<Box<dyn pubminer_llm::Backend>> {
    if let Some(path) = &engine.llm_native {
        let native = pubminer_llm::Native::load(
            path,
            engine.llm_template.as_deref(),
            engine.llm_tokenizer.as_deref(),
            engine.llm_cuda,
        )?;
        return Ok(Box::new(native));
    }
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let config = pubminer_fetch::ChatConfig {
        base_url: engine.llm_url.clone(),
        model: engine.llm_model.clone(),
        api_key: env("PUBMINER_LLM_API_KEY").or_else(|| env("OPENAI_API_KEY")),
        timeout: Duration::from_secs(engine.llm_timeout.max(1)),
        ..pubminer_fetch::ChatConfig::default()
    };
    Ok(Box::new(pubminer_fetch::ChatClient::new(config)))
}

fn kb_path(kb: Option<&Path>) -> Result<PathBuf> {
    let path = kb.map_or_else(crate::paths::default_kb, Path::to_owned);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    Ok(path)
}

fn existing_kb(kb: Option<&Path>) -> Result<Kb> {
    let path = kb.map_or_else(crate::paths::default_kb, Path::to_owned);
    if !path.exists() {
        anyhow::bail!(
            "no knowledge base at {}: fill it with `pubminer ihc run IN...`{}",
            path.display(),
            if kb.is_some() {
                ""
            } else {
                " (or pass --kb FILE)"
            }
        );
    }
    Ok(Kb::open_read_only(&path)?)
}

/// Fetches the `--query` batches (resumably) and returns their files.
fn fetch_query(args: &crate::PubmedArgs, query: &str, quiet: bool) -> Result<Vec<PathBuf>> {
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
        crate::paths::data_dir().join("pubmed-queries").join(hex)
    });
    if !quiet && config.email.is_none() {
        eprintln!(
            "note: NCBI asks for a contact address with E-utilities requests: pass --email or set NCBI_EMAIL"
        );
    }
    let client = pubminer_fetch::Eutils::new(config);
    let mut last_note = Instant::now();
    let got = client.fetch_query(query, &dir, &mut |done, of| {
        if !quiet && (done == of || last_note.elapsed() > Duration::from_secs(5)) {
            eprintln!("fetched {done}/{of} batch(es) into {}", dir.display());
            last_note = Instant::now();
        }
    })?;
    if !quiet {
        eprintln!(
            "PubMed: {:?} matches {} record(s); {} wanted, {} batch(es) fetched now, {} reused; {} request(s), {} retried",
            query, got.count, got.wanted, got.fetched, got.reused, got.requests, got.retries
        );
        for note in &got.notes {
            eprintln!("note: {note}");
        }
    }
    Ok(got.files)
}

/// The default query of `ihc demo` without shared data: human tumour IHC studies with
/// abstracts.
pub const DEMO_QUERY: &str = "immunohistochemistry[Title/Abstract] AND neoplasms[MeSH Terms] AND hasabstract AND english[Language]";

/// What `ihc demo` was asked to do.
struct DemoArgs<'a> {
    kb: Option<&'a Path>,
    min_total: u64,
    query: Option<&'a str>,
    max: u64,
    email: Option<&'a str>,
    lexicon: &'a crate::LexiconArgs,
}

/// `ihc demo`: the shared data's dev set and PubMed file when present, else the official
/// vocabularies and a PubMed query; a fresh knowledge base; the landscape on stdout.
fn demo(args: &DemoArgs<'_>, quiet: bool, options: &RunOptions) -> Result<std::process::ExitCode> {
    let shared = crate::paths::shared_data();
    let mut files: Vec<PathBuf> = match (&shared, args.query) {
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
            && !crate::paths::default_lexicon().exists()
            && crate::paths::vocab_dir(args.lexicon.vocab.as_deref()).is_err()
        {
            if !quiet {
                eprintln!(
                    "no vocabularies here: downloading the official releases (`pubminer setup --download`)"
                );
            }
            let summary = super::setup::run(&super::setup::SetupArgs {
                from: None,
                download: true,
                mirror: None,
                checksums: None,
                no_build: false,
                quiet,
            })?;
            if !quiet {
                eprint!("{summary}");
            }
        }
        let query = args.query.unwrap_or(DEMO_QUERY);
        let pubmed = crate::PubmedArgs {
            query: Some(query.to_owned()),
            max: Some(args.max),
            api_key: None,
            email: args.email.map(str::to_owned),
            batch_size: 200,
            cache: None,
            eutils_url: "https://eutils.ncbi.nlm.nih.gov/entrez/eutils".to_owned(),
        };
        files = fetch_query(&pubmed, query, quiet)?;
    }
    if !quiet {
        for f in &files {
            eprintln!("input {}", f.display());
        }
    }
    let ihc = pipeline_for(args.lexicon, &EngineChoice::default(), true, quiet)?;
    let kb = args.kb.map_or_else(
        || crate::paths::data_dir().join("demo.sqlite"),
        Path::to_owned,
    );
    if args.kb.is_none() {
        for suffix in ["", "-wal", "-shm"] {
            let p = PathBuf::from(format!("{}{suffix}", kb.display()));
            if p.exists() {
                std::fs::remove_file(&p)
                    .with_context(|| format!("cannot replace {}", p.display()))?;
            }
        }
    }
    let run_args = RunArgs {
        inputs: &files,
        kb: &kb,
        output: None,
        format: IhcFormat::Jsonl,
        resume: false,
    };
    let (summary, report) = run(&run_args, &ihc, &ReadOptions::default(), options)?;
    if !quiet {
        eprintln!("{}", report.describe());
        eprintln!("{}", summary.describe());
    }
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
    Ok(if summary.is_partial() {
        std::process::ExitCode::from(3)
    } else {
        std::process::ExitCode::SUCCESS
    })
}

/// Runs an `ihc` subcommand.
///
/// # Errors
/// Whatever the subcommand hits.
pub fn dispatch(
    command: &crate::IhcCommand,
    quiet: bool,
    options: &RunOptions,
) -> Result<std::process::ExitCode> {
    match command {
        crate::IhcCommand::Train {
            gold,
            output,
            seed,
            rules_off,
            features_off,
            lexicon,
        } => train(
            &TrainArgs {
                gold,
                output,
                seed: *seed,
                rules_off: rules_off.as_deref(),
                features_off: features_off.as_deref(),
                lexicon,
            },
            quiet,
        ),
        crate::IhcCommand::Rules => rules(),
        crate::IhcCommand::Run {
            inputs,
            kb,
            output,
            format,
            all_languages,
            resume,
            landscape,
            pubmed,
            engine,
            lexicon,
            input,
        } => {
            let mut files = inputs.clone();
            if let Some(query) = &pubmed.query {
                files.extend(fetch_query(pubmed, query, quiet)?);
            }
            let ihc = pipeline_for(lexicon, &EngineChoice::of(engine), !all_languages, quiet)?;
            let (ihc, usage) = with_engine(ihc, engine, quiet)?;
            let kb = kb_path(kb.as_deref())?;
            let format = match format {
                crate::IhcFormatArg::Jsonl => IhcFormat::Jsonl,
                crate::IhcFormatArg::IhcTable => IhcFormat::IhcTable,
                crate::IhcFormatArg::Tsv => IhcFormat::Tsv,
            };
            let args = RunArgs {
                inputs: &files,
                kb: &kb,
                output: output.as_deref(),
                format,
                resume: *resume,
            };
            let (summary, report) = run(&args, &ihc, &input.read_options(), options)?;
            if !quiet {
                eprintln!("{}", report.describe());
                eprintln!("{}", summary.describe());
                if let Some(usage) = &usage {
                    eprintln!("{}", usage.describe());
                }
                let store = Kb::open_read_only(&kb)?;
                let (docs, included, profiles) = store.counts()?;
                eprintln!(
                    "knowledge base {}: {docs} document(s), {included} included, {profiles} profile(s)",
                    kb.display()
                );
            }
            if let Some(min_total) = landscape {
                let store = Kb::open_read_only(&kb)?;
                let rows = store.landscape(None, None, *min_total)?;
                print!("{}", render_landscape(&rows, TableFormat::Table, 5)?);
            }
            Ok(if summary.is_partial() {
                std::process::ExitCode::from(3)
            } else {
                std::process::ExitCode::SUCCESS
            })
        }
        crate::IhcCommand::Demo {
            kb,
            min_total,
            query,
            max,
            email,
            lexicon,
        } => demo(
            &DemoArgs {
                kb: kb.as_deref(),
                min_total: *min_total,
                query: query.as_deref(),
                max: *max,
                email: email.as_deref(),
                lexicon,
            },
            quiet,
            options,
        ),
        crate::IhcCommand::Landscape {
            kb,
            marker,
            tumour,
            min_total,
            format,
            output,
        } => {
            let store = existing_kb(kb.as_deref())?;
            let rows = store.landscape(marker.as_deref(), tumour.as_deref(), *min_total)?;
            let text = render_landscape(&rows, *format, 8)?;
            match output {
                Some(path) => std::fs::write(path, text)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => print!("{text}"),
            }
            Ok(std::process::ExitCode::SUCCESS)
        }
        crate::IhcCommand::CompareHpa {
            kb,
            hpa,
            min_total,
            json,
        } => {
            let store = existing_kb(kb.as_deref())?;
            let hpa = match hpa {
                Some(p) => p.clone(),
                None => crate::paths::shared_data()
                    .map(|d| d.join("reference/hpa-ihc/hpa_cancer_ihc_pathology.tsv"))
                    .filter(|p| p.exists())
                    .context("no HPA table found: pass --hpa FILE (hpa_cancer_ihc_pathology.tsv from proteinatlas.org)")?,
            };
            let table = pubminer_ihc::hpa::HpaTable::read(&hpa)?;
            let rows = store.landscape(None, None, *min_total)?;
            let report = pubminer_ihc::hpa::compare(&rows, &table, *min_total);
            if *json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", report.render());
            }
            Ok(std::process::ExitCode::SUCCESS)
        }
    }
}

/// What `eval ihc` was asked to do.
pub struct EvalArgs<'a> {
    /// The engine.
    pub engine: &'a crate::EngineArgs,
    /// Gold JSONL files.
    pub gold: &'a [PathBuf],
    /// Cross-validation folds.
    pub folds: Option<usize>,
    /// Seed of the folds.
    pub seed: u64,
    /// Features off (cross-validation).
    pub features_off: Option<&'a str>,
    /// `ihc run` output; the pipeline runs on the gold abstracts when absent.
    pub pred: Option<&'a Path>,
    /// List every miss.
    pub verbose_misses: bool,
    /// JSON output.
    pub json: bool,
    /// The lexicon.
    pub lexicon: &'a crate::LexiconArgs,
}

/// The records of several gold files (ids unique across them).
///
/// # Errors
/// An unreadable file, a bad line, or an id in two files.
pub fn read_golds(paths: &[PathBuf]) -> Result<Vec<pubminer_ihc::eval::GoldRecord>> {
    let mut all = Vec::new();
    let mut seen = HashSet::new();
    for p in paths {
        for g in read_gold(p)? {
            if !seen.insert(g.id.clone()) {
                anyhow::bail!(
                    "{}: record {} is also in an earlier gold file",
                    p.display(),
                    g.id
                );
            }
            all.push(g);
        }
    }
    Ok(all)
}

/// `pubminer eval ihc`.
///
/// # Errors
/// Unreadable gold or predictions (a gold file not read completely is an error: the scores
/// would be wrong).
pub fn eval(
    args: &EvalArgs<'_>,
    quiet: bool,
    options: &RunOptions,
) -> Result<std::process::ExitCode> {
    let gold = read_golds(args.gold)?;
    if let Some(k) = args.folds {
        return cross_validate(args, &gold, k, quiet);
    }
    let records = match args.pred {
        Some(p) => read_records(p)?,
        None => {
            let (ihc, usage) = with_engine(
                pipeline_for(args.lexicon, &EngineChoice::of(args.engine), true, quiet)?,
                args.engine,
                quiet,
            )?;
            let read = ReadOptions {
                format: Some(pubminer_formats::Format::Jsonl),
                ..ReadOptions::default()
            };
            let (records, summary) = predict(args.gold, &ihc, &read, options)?;
            if let Some(usage) = usage.filter(|_| !quiet) {
                eprintln!("{}", usage.describe());
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
    Ok(std::process::ExitCode::SUCCESS)
}

/// `eval ihc --folds K`: k-fold cross-validation of the trained engine against the rules.
fn cross_validate(
    args: &EvalArgs<'_>,
    gold: &[pubminer_ihc::eval::GoldRecord],
    k: usize,
    quiet: bool,
) -> Result<std::process::ExitCode> {
    if k < 2 {
        anyhow::bail!("--folds needs at least 2 folds");
    }
    if args.engine.engine != crate::EngineArg::Default || args.engine.model.is_some() {
        anyhow::bail!("--folds trains a model per fold: leave out --engine and --model");
    }
    let rules = pubminer_ihc::RuleSet::parse_off(args.engine.rules_off.as_deref().unwrap_or(""))
        .map_err(anyhow::Error::msg)?;
    let features = pubminer_ihc::features::FeatureSet::parse_off(args.features_off.unwrap_or(""))
        .map_err(anyhow::Error::msg)?;
    let lex = crate::paths::open_lexicon(
        args.lexicon.lexicon.as_deref(),
        args.lexicon.vocab.as_deref(),
        quiet,
    )?;
    let extractor = pubminer_ihc::Extractor::new(Arc::new(lex)).with_rules(rules);
    let settings = pubminer_ihc::train::TrainSettings {
        seed: args.seed,
        features,
        ..pubminer_ihc::train::TrainSettings::default()
    };
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
    if !quiet {
        eprintln!("cross-validated in {:.1}s", started.elapsed().as_secs_f64());
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// What `ihc train` was asked to do.
pub struct TrainArgs<'a> {
    /// Gold JSONL files.
    pub gold: &'a [PathBuf],
    /// Model file.
    pub output: &'a Path,
    /// Seed.
    pub seed: u64,
    /// Rules off.
    pub rules_off: Option<&'a str>,
    /// Features off.
    pub features_off: Option<&'a str>,
    /// The lexicon.
    pub lexicon: &'a crate::LexiconArgs,
}

/// `pubminer ihc train`.
///
/// # Errors
/// Unreadable gold, bad rule or feature names, data a model cannot be trained on, or an
/// unwritable output.
pub fn train(args: &TrainArgs<'_>, quiet: bool) -> Result<std::process::ExitCode> {
    use sha2::Digest as _;
    let gold = read_golds(args.gold)?;
    let rules = pubminer_ihc::RuleSet::parse_off(args.rules_off.unwrap_or(""))
        .map_err(anyhow::Error::msg)?;
    let features = pubminer_ihc::features::FeatureSet::parse_off(args.features_off.unwrap_or(""))
        .map_err(anyhow::Error::msg)?;
    let lex = crate::paths::open_lexicon(
        args.lexicon.lexicon.as_deref(),
        args.lexicon.vocab.as_deref(),
        quiet,
    )?;
    let extractor = pubminer_ihc::Extractor::new(Arc::new(lex)).with_rules(rules);
    let settings = pubminer_ihc::train::TrainSettings {
        seed: args.seed,
        features,
        ..pubminer_ihc::train::TrainSettings::default()
    };
    let mut files = Vec::new();
    for p in args.gold {
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
    crate::paths::write_atomically(args.output, model.to_json().as_bytes())?;
    if !quiet {
        let t = &model.training;
        eprintln!(
            "trained on {} documents ({} include, {} gold profiles): {} candidates, {} match a gold profile, {} gold profiles no candidate reaches; threshold {:.2}; {:.1}s",
            t.documents,
            t.included,
            t.profiles,
            t.candidates,
            t.positives,
            t.unreachable,
            model.threshold,
            started.elapsed().as_secs_f64()
        );
        eprintln!("model written to {}", args.output.display());
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// `pubminer ihc rules`: the rules, the features and the compiled-in model's weights.
///
/// # Errors
/// A compiled-in model that does not fit this build.
pub fn rules() -> Result<std::process::ExitCode> {
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
    Ok(std::process::ExitCode::SUCCESS)
}
