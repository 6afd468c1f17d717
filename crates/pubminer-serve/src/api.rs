//! The JSON API handlers. Every SQL statement they reach binds its values as parameters
//! (`pubminer_ihc::kb`); filters over the landscape run in memory on the rows loaded at
//! start-up.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use pubminer_ihc::kb::{Evidence, LandscapeRow, wilson};
use serde::Serialize;

use crate::error::{ApiError, chain};
use crate::params::Params;
use crate::state::AppState;

type Raw = Query<HashMap<String, String>>;

/// Runs a knowledge-base query off the async threads.
async fn blocking<T: Send + 'static>(
    state: &Arc<AppState>,
    f: impl FnOnce(&AppState) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    // At most `AppState::workers` queries at once: memory stays bounded under load (each
    // worker holds one pooled connection), and the rest wait their turn.
    let _permit = state
        .workers
        .acquire()
        .await
        .map_err(|e| ApiError::Internal(format!("worker pool closed: {e}")))?;
    let state = Arc::clone(state);
    tokio::task::spawn_blocking(move || f(&state))
        .await
        .map_err(|e| ApiError::Internal(format!("worker failed: {e}")))?
}

fn kb_error(e: pubminer_ihc::kb::KbError) -> ApiError {
    ApiError::Internal(chain(&e))
}

/// CSV of rows with the given header and cells.
fn csv_response(
    name: &str,
    header_row: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Response {
    let mut out = header_row.join(",");
    out.push('\n');
    for row in rows {
        let cells: Vec<std::borrow::Cow<'_, str>> = row
            .iter()
            .map(|c| pubminer_ihc::output::csv_field(c))
            .collect();
        let _ = writeln!(out, "{}", cells.join(","));
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
        ],
        out,
    )
        .into_response()
}

const LANDSCAPE_CSV: [&str; 12] = [
    "marker",
    "tumour",
    "tumour_name",
    "positive",
    "total",
    "rate",
    "low",
    "high",
    "studies",
    "case_reports",
    "sites",
    "documents",
];

fn landscape_cells(r: &LandscapeRow) -> Vec<String> {
    vec![
        r.marker.clone(),
        r.tumour.clone(),
        r.tumour_name.clone(),
        r.positive.to_string(),
        r.total.to_string(),
        format!("{:.4}", r.rate),
        format!("{:.4}", r.low),
        format!("{:.4}", r.high),
        r.studies.to_string(),
        r.case_reports.to_string(),
        r.sites.join("; "),
        r.documents.join("; "),
    ]
}

/// A landscape row as the API shows it: the PMIDs only when asked (`documents=true`), since
/// a popular cell has thousands.
#[derive(Serialize)]
pub struct RowOut<'a> {
    marker: &'a str,
    marker_name: &'a str,
    tumour: &'a str,
    tumour_name: &'a str,
    positive: u64,
    total: u64,
    rate: f64,
    low: f64,
    high: f64,
    studies: u64,
    case_reports: u64,
    sites: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    documents: Option<&'a [String]>,
}

impl<'a> RowOut<'a> {
    fn new(r: &'a LandscapeRow, documents: bool) -> Self {
        Self {
            marker: &r.marker,
            marker_name: &r.marker_name,
            tumour: &r.tumour,
            tumour_name: &r.tumour_name,
            positive: r.positive,
            total: r.total,
            rate: r.rate,
            low: r.low,
            high: r.high,
            studies: r.studies,
            case_reports: r.case_reports,
            sites: &r.sites,
            documents: documents.then_some(r.documents.as_slice()),
        }
    }
}

#[derive(Serialize)]
struct LandscapePage<'a> {
    total: usize,
    offset: u64,
    limit: u64,
    rows: Vec<RowOut<'a>>,
}

/// `GET /api/landscape?marker&tumour&site&min_total&sort&order&limit&offset&format`.
pub async fn landscape(State(state): State<Arc<AppState>>, Query(raw): Raw) -> Response {
    match landscape_inner(&state, raw) {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

fn landscape_inner(state: &AppState, raw: HashMap<String, String>) -> Result<Response, ApiError> {
    let p = Params::new(
        raw,
        &[
            "marker",
            "tumour",
            "site",
            "min_total",
            "sort",
            "order",
            "limit",
            "offset",
            "format",
            "documents",
        ],
    )?;
    let documents = p.choice("documents", &["true", "false"], "false")? == "true";
    let min_total = p.number("min_total", 0, u64::MAX)?;
    let sort = p.choice(
        "sort",
        &["marker", "tumour", "rate", "total", "positive", "studies"],
        "marker",
    )?;
    let order = p.choice("order", &["asc", "desc"], "asc")?;
    let limit = p.number("limit", 500, 10_000)?;
    let offset = p.number("offset", 0, u64::MAX)?;
    let format = p.choice("format", &["json", "csv"], "json")?;
    let marker_keys = p.text("marker").map(|m| state.marker_keys(m));
    let tumour_keys = p.text("tumour").map(|t| state.tumour_keys(t));
    let site = p.text("site").map(str::to_lowercase);
    let mut rows: Vec<&LandscapeRow> = state
        .landscape
        .iter()
        .filter(|r| marker_keys.as_ref().is_none_or(|k| k.contains(&r.marker)))
        .filter(|r| tumour_keys.as_ref().is_none_or(|k| k.contains(&r.tumour)))
        .filter(|r| {
            site.as_ref()
                .is_none_or(|s| r.sites.iter().any(|x| x.to_lowercase().contains(s)))
        })
        .filter(|r| r.total >= min_total)
        .collect();
    sort_rows(&mut rows, sort, order == "desc");
    let total = rows.len();
    let page: Vec<&LandscapeRow> = rows
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .collect();
    if format == "csv" {
        return Ok(csv_response(
            "landscape",
            &LANDSCAPE_CSV,
            page.iter().map(|r| landscape_cells(r)),
        ));
    }
    Ok(Json(LandscapePage {
        total,
        offset,
        limit,
        rows: page
            .into_iter()
            .map(|r| RowOut::new(r, documents))
            .collect(),
    })
    .into_response())
}

fn sort_rows(rows: &mut [&LandscapeRow], by: &str, desc: bool) {
    rows.sort_by(|a, b| {
        let o = match by {
            "tumour" => a
                .tumour_name
                .to_lowercase()
                .cmp(&b.tumour_name.to_lowercase()),
            "rate" => a.rate.total_cmp(&b.rate),
            "total" => a.total.cmp(&b.total),
            "positive" => a.positive.cmp(&b.positive),
            "studies" => a.studies.cmp(&b.studies),
            _ => a.marker.cmp(&b.marker),
        };
        let o = if desc { o.reverse() } else { o };
        o.then(b.total.cmp(&a.total))
    });
}

/// A study's own rate, for forest plots.
#[derive(Serialize)]
struct Study {
    document: String,
    positive: Option<u32>,
    total: Option<u32>,
    rate: Option<f64>,
    low: Option<f64>,
    high: Option<f64>,
    case_report: bool,
}

#[derive(Serialize)]
struct Hpa {
    cancer: &'static str,
    high: u32,
    medium: u32,
    low: u32,
    not_detected: u32,
    detected_rate: f64,
}

#[derive(Serialize)]
struct RowDetail<'a> {
    #[serde(flatten)]
    row: RowOut<'a>,
    studies_detail: Vec<Study>,
    hpa: Option<Hpa>,
}

#[derive(Serialize)]
struct Detail<'a> {
    key: String,
    rows: Vec<RowDetail<'a>>,
}

fn study_of(e: &Evidence) -> Study {
    let (rate, low, high) = match (e.positive, e.total) {
        (Some(x), Some(n)) if n > 0 && !e.case_report => {
            let (lo, hi) = wilson(u64::from(x), u64::from(n));
            (Some(f64::from(x) / f64::from(n)), Some(lo), Some(hi))
        }
        _ => (None, None, None),
    };
    Study {
        document: e.document.clone(),
        positive: e.positive,
        total: e.total,
        rate,
        low,
        high,
        case_report: e.case_report,
    }
}

async fn detail(
    state: Arc<AppState>,
    key: String,
    raw: HashMap<String, String>,
    pick: fn(&LandscapeRow, &str) -> bool,
    what: &'static str,
) -> Result<Response, ApiError> {
    let p = Params::new(raw, &["format"])?;
    let format = p.choice("format", &["json", "csv"], "json")?;
    let key = key.trim_start_matches('/').to_owned();
    let st = Arc::clone(&state);
    let k = key.clone();
    let rows: Vec<usize> = state
        .landscape
        .iter()
        .enumerate()
        .filter(|(_, r)| pick(r, &k))
        .map(|(i, _)| i)
        .collect();
    if rows.is_empty() {
        return Err(ApiError::NotFound(format!(
            "no {what} {key:?} in the knowledge base"
        )));
    }
    if format == "csv" {
        return Ok(csv_response(
            what,
            &LANDSCAPE_CSV,
            rows.iter().map(|&i| landscape_cells(&state.landscape[i])),
        ));
    }
    let studies: Vec<Vec<Study>> = blocking(&st, move |s| {
        s.with_kb(|kb| {
            rows.iter()
                .map(|&i| {
                    let r = &s.landscape[i];
                    kb.evidence(&r.marker, &r.tumour)
                        .map(|ev| ev.iter().map(study_of).collect())
                })
                .collect()
        })
        .map_err(kb_error)
    })
    .await?;
    let rows: Vec<RowDetail<'_>> = state
        .landscape
        .iter()
        .filter(|r| pick(r, &key))
        .zip(studies)
        .map(|(row, studies_detail)| RowDetail {
            hpa: state.hpa_for(row).map(|(cancer, s)| Hpa {
                cancer,
                high: s.high,
                medium: s.medium,
                low: s.low,
                not_detected: s.not_detected,
                detected_rate: s.detected_rate(),
            }),
            row: RowOut::new(row, false),
            studies_detail,
        })
        .collect();
    Ok(Json(Detail { key, rows }).into_response())
}

/// `GET /api/markers/{key}`: every tumour type of one marker, with per-study rates and HPA.
pub async fn marker(
    State(state): State<Arc<AppState>>,
    Path(key): Path<String>,
    Query(raw): Raw,
) -> Response {
    let keys = state.marker_keys(key.trim_start_matches('/'));
    let key = keys.first().cloned().unwrap_or(key);
    detail(state, key, raw, |r, k| r.marker == k, "marker")
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

/// `GET /api/tumours/{key}`: every marker of one tumour type.
pub async fn tumour(
    State(state): State<Arc<AppState>>,
    Path(key): Path<String>,
    Query(raw): Raw,
) -> Response {
    detail(state, key, raw, |r, k| r.tumour == k, "tumour type")
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

/// A highlighted span of an evidence sentence, in UTF-16 code units (what a browser's
/// string offsets count).
#[derive(Serialize)]
struct Highlight {
    start: usize,
    end: usize,
    kind: &'static str,
}

#[derive(Serialize)]
struct EvidenceRow {
    #[serde(flatten)]
    evidence: Evidence,
    url: Option<String>,
    highlights: Vec<Highlight>,
}

/// Byte offset → UTF-16 offset in `s`.
fn utf16_at(s: &str, byte: usize) -> usize {
    s[..byte].encode_utf16().count()
}

/// Where the marker, the tumour and the two counts appear in the sentence.
fn highlights(e: &Evidence) -> Vec<Highlight> {
    let text = &e.evidence;
    let lower = text.to_ascii_lowercase();
    let mut out: Vec<Highlight> = Vec::new();
    let mark = |start: usize, end: usize, kind: &'static str, out: &mut Vec<Highlight>| {
        let (s16, e16) = (utf16_at(text, start), utf16_at(text, end));
        if !out.iter().any(|h| h.start < e16 && s16 < h.end) {
            out.push(Highlight {
                start: s16,
                end: e16,
                kind,
            });
        }
    };
    for (needle, kind) in [(&e.marker, "marker"), (&e.tumour_type, "tumour")] {
        let n = needle.to_ascii_lowercase();
        if !n.is_empty()
            && let Some(i) = lower.find(&n)
        {
            mark(i, i + n.len(), kind, &mut out);
        } else if kind == "tumour"
            && let Some((i, len)) = find_acronym(text, needle)
        {
            // The profile keeps the long form the document defined ("inflammatory
            // myofibroblastic tumor"); the sentence may use the abbreviation ("IMTs").
            mark(i, i + len, kind, &mut out);
        }
    }
    for n in [e.positive, e.total].into_iter().flatten() {
        let digits = n.to_string();
        let found = lower.match_indices(&digits).find(|(i, _)| {
            let before = lower[..*i].chars().next_back();
            let after = lower[i + digits.len()..].chars().next();
            !before.is_some_and(|c| c.is_ascii_digit() || c == '.')
                && !after.is_some_and(|c| c.is_ascii_digit())
        });
        if let Some((i, _)) = found {
            mark(i, i + digits.len(), "count", &mut out);
        }
    }
    out.sort_by_key(|h| h.start);
    out
}

/// Where the acronym of a multi-word `long_form` (its words' initials, upper case, `IMT` for
/// "inflammatory myofibroblastic tumor") stands in `text` as a word, with an optional plural
/// `s`: the start and length in bytes.
fn find_acronym(text: &str, long_form: &str) -> Option<(usize, usize)> {
    let initials: String = long_form
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter_map(|w| w.chars().next())
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if initials.len() < 2 {
        return None;
    }
    let bytes = text.as_bytes();
    text.match_indices(&initials).find_map(|(i, m)| {
        let mut end = i + m.len();
        if bytes.get(end) == Some(&b's') {
            end += 1;
        }
        let before = i.checked_sub(1).map(|j| bytes[j]);
        let after = bytes.get(end).copied();
        let word = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric());
        (!word(before) && !word(after)).then_some((i, end - i))
    })
}

fn url_of(document: &str) -> Option<String> {
    if document.starts_with("http://") || document.starts_with("https://") {
        return Some(document.to_owned());
    }
    let pmid = document.strip_prefix("PMID:").unwrap_or(document);
    if !pmid.is_empty() && pmid.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("https://pubmed.ncbi.nlm.nih.gov/{pmid}/"));
    }
    document
        .strip_prefix("DOI:")
        .map(|doi| format!("https://doi.org/{doi}"))
}

#[derive(Serialize)]
struct EvidencePage<'a> {
    row: RowOut<'a>,
    /// Profiles behind the cell (all pages).
    total: u64,
    offset: u64,
    limit: u64,
    studies: Vec<EvidenceRow>,
}

/// `GET /api/evidence?marker=KEY&tumour=KEY[&format=csv]`: the studies behind one cell.
pub async fn evidence(State(state): State<Arc<AppState>>, Query(raw): Raw) -> Response {
    evidence_inner(state, raw)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

async fn evidence_inner(
    state: Arc<AppState>,
    raw: HashMap<String, String>,
) -> Result<Response, ApiError> {
    let p = Params::new(raw, &["marker", "tumour", "format", "limit", "offset"])?;
    let marker = p.required("marker")?.to_owned();
    let tumour = p.required("tumour")?.to_owned();
    let format = p.choice("format", &["json", "csv"], "json")?;
    let limit = p.number("limit", 200, 5_000)?;
    let offset = p.number("offset", 0, u64::MAX)?;
    let Some(row_index) = state
        .landscape
        .iter()
        .position(|r| r.marker == marker && r.tumour == tumour)
    else {
        return Err(ApiError::NotFound(format!(
            "no landscape cell for marker {marker:?} and tumour {tumour:?}"
        )));
    };
    let (rows, total) = blocking(&state, move |s| {
        s.with_kb(|kb| {
            Ok((
                kb.evidence_page(&marker, &tumour, limit, offset)?,
                kb.evidence_count(&marker, &tumour)?,
            ))
        })
        .map_err(kb_error)
    })
    .await?;
    if format == "csv" {
        return Ok(csv_response(
            "evidence",
            &[
                "document",
                "title",
                "year",
                "marker",
                "tumour_type",
                "site",
                "positive",
                "total",
                "case_report",
                "rule",
                "evidence",
                "reason",
            ],
            rows.iter().map(|e| {
                vec![
                    e.document.clone(),
                    e.title.clone(),
                    e.year.map(|y| y.to_string()).unwrap_or_default(),
                    e.marker.clone(),
                    e.tumour_type.clone(),
                    e.site.clone().unwrap_or_default(),
                    e.positive.map(|x| x.to_string()).unwrap_or_default(),
                    e.total.map(|x| x.to_string()).unwrap_or_default(),
                    u8::from(e.case_report).to_string(),
                    e.rule.clone(),
                    e.evidence.clone(),
                    e.reason.clone(),
                ]
            }),
        ));
    }
    let studies = rows
        .into_iter()
        .map(|e| EvidenceRow {
            highlights: highlights(&e),
            url: url_of(&e.document),
            evidence: e,
        })
        .collect();
    Ok(Json(EvidencePage {
        row: RowOut::new(&state.landscape[row_index], false),
        total,
        offset,
        limit,
        studies,
    })
    .into_response())
}

/// `GET /api/documents/{id}`: one document, its label, reason and profiles.
pub async fn document(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let id = id.trim_start_matches('/').to_owned();
    let shown = id.clone();
    let got = blocking(&state, move |s| {
        s.with_kb(|kb| kb.document(&id)).map_err(kb_error)
    })
    .await;
    match got {
        Ok(Some(doc)) => {
            let url = url_of(&doc.id);
            let mut v = serde_json::to_value(&doc).unwrap_or_default();
            v["url"] = serde_json::json!(url);
            Json(v).into_response()
        }
        Ok(None) => ApiError::NotFound(format!("no document {shown:?} in the knowledge base"))
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /api/search?q=TEXT[&limit=N]`: marker and tumour names for autocomplete.
pub async fn search(State(state): State<Arc<AppState>>, Query(raw): Raw) -> Response {
    let run = || -> Result<Response, ApiError> {
        let p = Params::new(raw, &["q", "limit"])?;
        let q = p.required("q")?;
        let limit = p.number("limit", 20, 200)?;
        let hits = state.search(q, usize::try_from(limit).unwrap_or(20));
        Ok(Json(hits).into_response())
    };
    run().unwrap_or_else(IntoResponse::into_response)
}

/// Anything else: 404 as JSON.
pub async fn not_found(uri: axum::http::Uri) -> Response {
    ApiError::NotFound(format!("no route {}", uri.path())).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence(sentence: &str, tumour: &str) -> Evidence {
        Evidence {
            document: "1".into(),
            title: String::new(),
            year: None,
            journal: None,
            reason: String::new(),
            marker: "ALK".into(),
            tumour_type: tumour.into(),
            site: None,
            positive: Some(44),
            total: Some(73),
            case_report: false,
            evidence: sentence.into(),
            rule: String::new(),
        }
    }

    #[test]
    fn a_long_form_tumour_is_highlighted_where_the_sentence_abbreviates_it() {
        let e = evidence(
            "ALK was expressed in 44 of 73 IMTs.",
            "inflammatory myofibroblastic tumor",
        );
        let kinds: Vec<(&str, usize, usize)> = highlights(&e)
            .iter()
            .map(|h| (h.kind, h.start, h.end))
            .collect();
        assert!(kinds.contains(&("tumour", 30, 34)), "{kinds:?}");
        assert!(kinds.contains(&("marker", 0, 3)), "{kinds:?}");
        // Not inside a longer word, and not for one-word tumour names.
        assert_eq!(
            find_acronym("SIMTS and IMTX", "inflammatory myofibroblastic tumor"),
            None
        );
        assert_eq!(find_acronym("LMS", "leiomyosarcoma"), None);
    }
}
