//! `pubminer ihc landscape` and `ihc compare-hpa`: the pooled positivity per marker and
//! tumour type from the knowledge base, as a table, TSV, CSV or JSON; and its agreement
//! with the Human Protein Atlas.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::Args;
use pubminer_ihc::kb::LandscapeRow;

use crate::commands::Ctx;
use crate::services;

/// Pooled positivity per marker and tumour type: positive/total over studies, the rate
/// with a Wilson 95% interval, studies, case reports (counted apart) and PMIDs.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  pubminer ihc landscape --marker TTF-1\n  pubminer ihc landscape --tumour \"lung adenocarcinoma\" --format csv -o luad.csv"
)]
pub struct LandscapeArgs {
    /// The knowledge base [default: DATA_DIR/ihc.sqlite].
    #[arg(long, value_name = "FILE")]
    kb: Option<PathBuf>,
    /// Marker: as written (`TTF-1`, `CK7`), HGNC symbol or id, or IHC concept.
    #[arg(long)]
    marker: Option<String>,
    /// Tumour type: a name (substring) or concept id (`ONCOTREE:LUAD`).
    #[arg(long)]
    tumour: Option<String>,
    /// Only rows with at least this many cases pooled (case-report rows are kept).
    #[arg(long, default_value_t = 0, value_name = "N")]
    min_total: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    format: TableFormat,
    /// Write to a file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Compare the landscape with the Human Protein Atlas cancer IHC table where marker and
/// tumour overlap, and report the agreement.
#[derive(Args, Debug)]
#[command(
    after_help = "Example:\n  pubminer ihc compare-hpa --hpa ../shared/data/reference/hpa-ihc/hpa_cancer_ihc_pathology.tsv"
)]
pub struct CompareHpaArgs {
    /// The knowledge base [default: DATA_DIR/ihc.sqlite].
    #[arg(long, value_name = "FILE")]
    kb: Option<PathBuf>,
    /// HPA's `hpa_cancer_ihc_pathology.tsv` [default: the shared data's].
    #[arg(long, value_name = "FILE")]
    hpa: Option<PathBuf>,
    /// Only pairs with at least this many literature cases.
    #[arg(long, default_value_t = 10, value_name = "N")]
    min_total: u64,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// Prints (or writes) the landscape rows the filters select.
///
/// # Errors
/// No knowledge base, or an unwritable output.
pub(super) fn run(args: &LandscapeArgs, _ctx: &Ctx) -> Result<ExitCode> {
    let store = services::ihc::existing_kb(args.kb.as_deref())?;
    let rows = store.landscape(
        args.marker.as_deref(),
        args.tumour.as_deref(),
        args.min_total,
    )?;
    let text = render_landscape(&rows, args.format, 8)?;
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints the agreement of the landscape with the HPA table.
///
/// # Errors
/// No knowledge base, or no readable HPA table.
pub(super) fn compare_hpa(args: &CompareHpaArgs, _ctx: &Ctx) -> Result<ExitCode> {
    let store = services::ihc::existing_kb(args.kb.as_deref())?;
    let hpa = services::ihc::hpa_table(args.hpa.as_deref()).context(
        "no HPA table found: pass --hpa FILE (hpa_cancer_ihc_pathology.tsv from proteinatlas.org)",
    )?;
    let table = pubminer_ihc::hpa::HpaTable::read(&hpa)?;
    let rows = store.landscape(None, None, args.min_total)?;
    let report = pubminer_ihc::hpa::compare(&rows, &table, args.min_total);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.render());
    }
    Ok(ExitCode::SUCCESS)
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
pub(super) fn render_landscape(
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
