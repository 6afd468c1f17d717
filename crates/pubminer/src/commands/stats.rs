//! `pubminer stats`: what is in these files.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use pubminer_core::{Document, PassageKind};
use serde::Serialize;

use super::Ctx;
use crate::args::InputArgs;
use crate::pipeline::RunSummary;

/// Count documents, abstracts, deletions, languages, publication types and annotations.
#[derive(Args, Debug)]
#[command(after_help = "Example:\n  pubminer stats ../shared/data/pubmed/curated/*.xml.gz")]
pub struct StatsArgs {
    /// Input files (`-` for standard input).
    #[arg(required = true, value_name = "IN")]
    inputs: Vec<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    input: InputArgs,
}

/// Counts over a set of documents.
#[derive(Debug, Default, Serialize)]
pub struct Stats {
    /// Documents that are not deletion tombstones.
    pub documents: u64,
    /// Documents with a non-empty main abstract.
    pub with_abstract: u64,
    /// Documents without one.
    pub without_abstract: u64,
    /// `DeleteCitation` tombstones.
    pub deletions: u64,
    /// Records PubMed marks as retracted (`RetractionIn`).
    pub retracted: u64,
    /// PubMed record types (`PubmedArticle`, `PubmedBookArticle`).
    pub record_types: BTreeMap<String, u64>,
    /// Article languages.
    pub languages: BTreeMap<String, u64>,
    /// Publication types, as `UI name`.
    pub publication_types: BTreeMap<String, u64>,
    /// Passages by kind.
    pub passages: BTreeMap<String, u64>,
    /// Mentions by entity type.
    pub annotations: BTreeMap<String, u64>,
    /// Relations by type.
    pub relations: BTreeMap<String, u64>,
    /// Diagnostics by code (e.g. annotations whose text does not match).
    pub diagnostics: BTreeMap<String, u64>,
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    if let Some(n) = map.get_mut(key) {
        *n += 1;
    } else {
        map.insert(key.to_owned(), 1);
    }
}

impl Stats {
    /// Adds one document.
    pub fn add(&mut self, doc: &Document) {
        for d in &doc.diagnostics {
            bump(&mut self.diagnostics, &d.code);
        }
        if doc.deleted {
            self.deletions += 1;
            return;
        }
        self.documents += 1;
        if doc.has_abstract() {
            self.with_abstract += 1;
        } else {
            self.without_abstract += 1;
        }
        if doc.meta.is_retracted() {
            self.retracted += 1;
        }
        if let Some(t) = &doc.meta.record_type {
            bump(&mut self.record_types, t);
        }
        for l in &doc.meta.languages {
            bump(&mut self.languages, l);
        }
        for p in &doc.meta.publication_types {
            let key = match &p.ui {
                Some(ui) => format!("{ui} {}", p.name),
                None => p.name.clone(),
            };
            bump(&mut self.publication_types, &key);
        }
        for p in &doc.passages {
            let kind = match &p.kind {
                PassageKind::Other(_) => "other",
                k => k.as_str(),
            };
            bump(&mut self.passages, kind);
        }
        for m in &doc.mentions {
            bump(&mut self.annotations, &m.entity_type);
        }
        for r in &doc.relations {
            bump(&mut self.relations, &r.relation_type);
        }
    }

    /// A human-readable report.
    #[must_use]
    pub fn render(&self, summary: &RunSummary) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "files                {:>10}", summary.files);
        let _ = writeln!(s, "records              {:>10}", summary.records);
        let _ = writeln!(s, "skipped records      {:>10}", summary.skipped_total());
        let _ = writeln!(s, "documents            {:>10}", self.documents);
        let _ = writeln!(s, "  with abstract      {:>10}", self.with_abstract);
        let _ = writeln!(s, "  without abstract   {:>10}", self.without_abstract);
        let _ = writeln!(s, "  retracted          {:>10}", self.retracted);
        let _ = writeln!(s, "deletions            {:>10}", self.deletions);
        for (title, map) in [
            ("record types", &self.record_types),
            ("languages", &self.languages),
            ("publication types", &self.publication_types),
            ("passages", &self.passages),
            ("annotations by type", &self.annotations),
            ("relations by type", &self.relations),
            ("diagnostics", &self.diagnostics),
        ] {
            if map.is_empty() {
                continue;
            }
            let _ = writeln!(s, "\n{title}:");
            let mut rows: Vec<(&String, &u64)> = map.iter().collect();
            rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            for (k, n) in rows {
                let _ = writeln!(s, "  {n:>8}  {k}");
            }
        }
        s
    }
}

/// JSON output: the counts plus the run summary.
#[derive(Serialize)]
struct JsonReport<'a> {
    files: u64,
    records: u64,
    skipped_records: &'a BTreeMap<&'static str, u64>,
    failed_files: &'a [String],
    #[serde(flatten)]
    stats: &'a Stats,
}

/// Counts what is in the inputs and prints it on stdout.
///
/// # Errors
/// Unreadable input (per the error policy).
pub fn run(args: &StatsArgs, ctx: &Ctx) -> Result<ExitCode> {
    let mut stats = Stats::default();
    let summary = ctx.pipeline(
        &args.inputs,
        &args.input.read_options(),
        |doc| doc,
        |doc| {
            stats.add(&doc);
            Ok(())
        },
    )?;
    if args.json {
        println!("{}", to_json(&stats, &summary));
    } else {
        print!("{}", stats.render(&summary));
    }
    Ok(ctx.finish(&summary))
}

/// Renders the report as JSON.
#[must_use]
pub fn to_json(stats: &Stats, summary: &RunSummary) -> String {
    let report = JsonReport {
        files: summary.files,
        records: summary.records,
        skipped_records: &summary.skipped,
        failed_files: &summary.failed_files,
        stats,
    };
    serde_json::to_string_pretty(&report).expect("stats serialise")
}
