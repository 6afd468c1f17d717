//! The SQLite knowledge base: documents, labels, profiles with provenance, and the
//! landscape (pooled rates per marker and tumour type, with Wilson 95% intervals).
//!
//! Re-running over the same documents replaces their rows (one transaction per batch), so
//! nothing is counted twice and an interrupted run keeps every committed batch.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension as _, params};
use serde::Serialize;

use crate::record::IhcRecord;

/// Errors of the knowledge base.
#[derive(Debug, thiserror::Error)]
pub enum KbError {
    /// SQLite failed (its error is the source).
    #[error("{path}")]
    Sqlite {
        /// The database file.
        path: String,
        /// The cause.
        source: rusqlite::Error,
    },
    /// The database was written by a newer pubminer.
    #[error(
        "{path}: knowledge base schema {found} is newer than this pubminer's ({SCHEMA_VERSION}); upgrade pubminer"
    )]
    Schema {
        /// The database file.
        path: String,
        /// Its schema version.
        found: i64,
    },
}

/// Result alias.
pub type Result<T> = std::result::Result<T, KbError>;

/// The schema version written in `PRAGMA user_version`.
pub const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    year INTEGER,
    journal TEXT,
    label TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS profiles (
    id INTEGER PRIMARY KEY,
    document TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    marker TEXT NOT NULL,
    marker_id TEXT,
    marker_symbol TEXT,
    tumour_type TEXT NOT NULL,
    tumour_id TEXT,
    site TEXT,
    site_id TEXT,
    positive INTEGER,
    total INTEGER,
    case_report INTEGER NOT NULL DEFAULT 0,
    evidence TEXT NOT NULL,
    passage INTEGER,
    evidence_start INTEGER,
    evidence_end INTEGER,
    rule TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS profiles_marker ON profiles(marker_symbol, marker_id);
CREATE INDEX IF NOT EXISTS profiles_tumour ON profiles(tumour_id, tumour_type);
CREATE INDEX IF NOT EXISTS profiles_document ON profiles(document);
CREATE INDEX IF NOT EXISTS profiles_cell ON profiles(
    coalesce(marker_symbol, marker_id, lower(marker)), coalesce(tumour_id, lower(tumour_type)));
";

/// An open knowledge base.
pub struct Kb {
    conn: Connection,
    path: String,
}

impl std::fmt::Debug for Kb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kb")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Document facts stored beside the IHC record.
#[derive(Clone, Debug, Default)]
pub struct DocInfo {
    /// Title.
    pub title: String,
    /// Publication year.
    pub year: Option<i32>,
    /// Journal.
    pub journal: Option<String>,
}

/// One row of the landscape.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LandscapeRow {
    /// Marker key (HGNC symbol, or the concept / name): what rows pool by.
    pub marker: String,
    /// The marker's name to show: the HGNC symbol, else a name as written (`CLA` rather than
    /// the concept `IHC:CLA`).
    pub marker_name: String,
    /// Tumour type (concept id when normalised, with a name).
    pub tumour: String,
    /// A name of the tumour type as written.
    pub tumour_name: String,
    /// Pooled positives (studies with both counts, case reports excluded).
    pub positive: u64,
    /// Pooled totals.
    pub total: u64,
    /// positive / total.
    pub rate: f64,
    /// Wilson 95% interval, lower bound.
    pub low: f64,
    /// Wilson 95% interval, upper bound.
    pub high: f64,
    /// Studies (documents) pooled.
    pub studies: u64,
    /// Case reports, counted apart.
    pub case_reports: u64,
    /// PMIDs (document ids) behind the row.
    pub documents: Vec<String>,
    /// Anatomical sites named with the tumour type, as written.
    pub sites: Vec<String>,
}

/// One study behind a landscape cell: the profile, its sentence and its document.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Evidence {
    /// Document id (PMID).
    pub document: String,
    /// Title.
    pub title: String,
    /// Year.
    pub year: Option<i32>,
    /// Journal.
    pub journal: Option<String>,
    /// The document's classification reason.
    pub reason: String,
    /// Marker as written.
    pub marker: String,
    /// Tumour type as written.
    pub tumour_type: String,
    /// Site as written.
    pub site: Option<String>,
    /// Positive cases.
    pub positive: Option<u32>,
    /// Cases tested.
    pub total: Option<u32>,
    /// From a case report.
    pub case_report: bool,
    /// The evidence sentence.
    pub evidence: String,
    /// The extraction rule.
    pub rule: String,
}

/// A stored document with its profiles.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct StoredDocument {
    /// Document id (PMID).
    pub id: String,
    /// Title.
    pub title: String,
    /// Year.
    pub year: Option<i32>,
    /// Journal.
    pub journal: Option<String>,
    /// `include` or `exclude`.
    pub label: String,
    /// Why.
    pub reason: String,
    /// Its profiles, as evidence rows.
    pub profiles: Vec<Evidence>,
}

/// The landscape key of a marker: the expression `landscape` groups by.
const MARKER_KEY: &str = "coalesce(p.marker_symbol, p.marker_id, lower(p.marker))";
/// The landscape key of a tumour type.
const TUMOUR_KEY: &str = "coalesce(p.tumour_id, lower(p.tumour_type))";

/// Wilson score interval (95%) for `x` successes of `n`.
#[must_use]
pub fn wilson(x: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 0.0);
    }
    let z = 1.959_963_984_540_054_f64;
    let n = n as f64;
    let p = x as f64 / n;
    let denom = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denom;
    let half = z * ((p * (1.0 - p) + z * z / (4.0 * n)) / n).sqrt() / denom;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

impl Kb {
    /// Opens (creating when needed) the database at `path`.
    ///
    /// # Errors
    /// SQLite errors, or a database of a newer schema.
    pub fn open(path: &Path) -> Result<Self> {
        let p = path.display().to_string();
        let err = |source| KbError::Sqlite {
            path: p.clone(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // A failure shows up as the open error below, naming the file.
            let _ = std::fs::create_dir_all(dir);
        }
        let conn = Connection::open(path).map_err(err)?;
        conn.execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
        )
        .map_err(err)?;
        let found: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(err)?;
        if found > SCHEMA_VERSION {
            return Err(KbError::Schema { path: p, found });
        }
        conn.execute_batch(SCHEMA).map_err(err)?;
        conn.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(err)?;
        Ok(Self { conn, path: p })
    }

    /// Opens an existing database read-only (for the server and the landscape commands).
    ///
    /// # Errors
    /// A missing or unreadable file.
    pub fn open_read_only(path: &Path) -> Result<Self> {
        let p = path.display().to_string();
        let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|source| KbError::Sqlite {
                path: p.clone(),
                source,
            })?;
        Ok(Self { conn, path: p })
    }

    fn err(&self) -> impl Fn(rusqlite::Error) -> KbError + '_ {
        move |source| KbError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// The connection, for queries of other crates (the HTTP API).
    #[must_use]
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Stores a batch of records in one transaction, replacing earlier rows of the same
    /// documents.
    ///
    /// # Errors
    /// SQLite errors (nothing of the batch is stored then).
    pub fn store(&mut self, batch: &[(IhcRecord, DocInfo)]) -> Result<()> {
        let path = self.path.clone();
        let err = |source| KbError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(err)?;
        {
            let mut del = tx
                .prepare_cached("DELETE FROM documents WHERE id = ?1")
                .map_err(err)?;
            let mut doc = tx
                .prepare_cached("INSERT INTO documents (id, title, year, journal, label, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                .map_err(err)?;
            let mut prof = tx
                .prepare_cached(
                    "INSERT INTO profiles (document, marker, marker_id, marker_symbol, tumour_type, tumour_id, site, site_id, positive, total, case_report, evidence, passage, evidence_start, evidence_end, rule) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                )
                .map_err(err)?;
            for (r, info) in batch {
                del.execute(params![r.id]).map_err(err)?;
                doc.execute(params![
                    r.id,
                    info.title,
                    info.year,
                    info.journal,
                    r.label.as_str(),
                    r.reason.to_string()
                ])
                .map_err(err)?;
                if !r.label.is_include() {
                    continue;
                }
                for p in &r.profiles {
                    let (passage, s, e) = p
                        .evidence_span
                        .map_or((None, None, None), |(a, b, c)| (Some(a), Some(b), Some(c)));
                    prof.execute(params![
                        r.id,
                        p.marker,
                        p.marker_id,
                        p.marker_symbol,
                        p.tumour_type,
                        p.tumour_id,
                        p.site,
                        p.site_id,
                        p.positive,
                        p.total,
                        p.case_report,
                        p.evidence,
                        passage,
                        s,
                        e,
                        p.rule
                    ])
                    .map_err(err)?;
                }
            }
        }
        tx.commit().map_err(err)
    }

    /// The ids of every stored document (for `--resume`).
    ///
    /// # Errors
    /// SQLite errors.
    pub fn document_ids(&self) -> Result<std::collections::HashSet<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM documents")
            .map_err(self.err())?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(self.err())?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(self.err())
    }

    /// Documents and profiles stored.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn counts(&self) -> Result<(u64, u64, u64)> {
        let q = |sql: &str| -> Result<u64> {
            self.conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(|n| n as u64)
                .map_err(self.err())
        };
        Ok((
            q("SELECT count(*) FROM documents")?,
            q("SELECT count(*) FROM documents WHERE label = 'include'")?,
            q("SELECT count(*) FROM profiles")?,
        ))
    }

    /// The landscape: per (marker, tumour type), pooled counts over studies with both counts,
    /// filtered by marker and tumour (case-insensitive; symbol, id or name, substring for
    /// names: a tumour name also selects every row of the concepts it was linked to, so
    /// `lung adenocarcinoma` finds `adenocarcinoma of the lung` through `ONCOTREE:LUAD`) and a
    /// minimum total.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn landscape(
        &self,
        marker: Option<&str>,
        tumour: Option<&str>,
        min_total: u64,
    ) -> Result<Vec<LandscapeRow>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT coalesce(p.marker_symbol, p.marker_id, lower(p.marker)) AS mk,
                        coalesce(p.tumour_id, lower(p.tumour_type)) AS tk,
                        min(p.tumour_type),
                        min(coalesce(p.marker_symbol, p.marker)),
                        sum(CASE WHEN p.case_report = 0 AND p.positive IS NOT NULL AND p.total IS NOT NULL THEN p.positive ELSE 0 END),
                        sum(CASE WHEN p.case_report = 0 AND p.positive IS NOT NULL AND p.total IS NOT NULL THEN p.total ELSE 0 END),
                        count(DISTINCT CASE WHEN p.case_report = 0 AND p.total IS NOT NULL THEN p.document END),
                        count(DISTINCT CASE WHEN p.case_report = 1 THEN p.document END),
                        group_concat(DISTINCT p.document),
                        group_concat(DISTINCT p.site)
                 FROM profiles p
                 WHERE (?1 IS NULL OR lower(p.marker_symbol) = lower(?1) OR lower(p.marker) = lower(?1) OR lower(p.marker_id) = lower(?1))
                   AND (?2 IS NULL OR lower(p.tumour_type) LIKE '%' || lower(?2) || '%' OR lower(p.tumour_id) = lower(?2)
                        OR p.tumour_id IN (SELECT q.tumour_id FROM profiles q WHERE q.tumour_id IS NOT NULL AND lower(q.tumour_type) LIKE '%' || lower(?2) || '%'))
                 GROUP BY mk, tk
                 ORDER BY mk, 5 DESC",
            )
            .map_err(self.err())?;
        let marker_param = marker.map(|m| self.resolve_marker(m));
        let rows = stmt
            .query_map(params![marker_param, tumour], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, i64>(7)?,
                    r.get::<_, Option<String>>(8)?,
                    r.get::<_, Option<String>>(9)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .map_err(self.err())?;
        let mut out = Vec::new();
        for row in rows {
            let (mk, tk, tn, x, n, studies, cases, docs, sites, marker_name) =
                row.map_err(self.err())?;
            let (x, n) = (x.max(0) as u64, n.max(0) as u64);
            if n < min_total && cases == 0 {
                continue;
            }
            let (low, high) = wilson(x, n);
            out.push(LandscapeRow {
                marker: mk,
                marker_name,
                tumour: tk,
                tumour_name: tn,
                positive: x,
                total: n,
                rate: if n == 0 { 0.0 } else { x as f64 / n as f64 },
                low,
                high,
                studies: studies.max(0) as u64,
                case_reports: cases.max(0) as u64,
                documents: docs
                    .unwrap_or_default()
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                sites: sites
                    .unwrap_or_default()
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
            });
        }
        Ok(out)
    }

    /// The studies behind one landscape cell (`marker` and `tumour` are the row's keys, as
    /// [`LandscapeRow::marker`] and [`LandscapeRow::tumour`]), largest first.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn evidence(&self, marker: &str, tumour: &str) -> Result<Vec<Evidence>> {
        self.evidence_page(marker, tumour, u64::MAX, 0)
    }

    /// A page of [`Kb::evidence`]: at most `limit` studies after `offset`.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn evidence_page(
        &self,
        marker: &str,
        tumour: &str,
        limit: u64,
        offset: u64,
    ) -> Result<Vec<Evidence>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        self.evidence_where(
            &format!("{MARKER_KEY} = ?1 AND {TUMOUR_KEY} = ?2"),
            "LIMIT ?3 OFFSET ?4",
            params![marker, tumour, limit, offset],
        )
    }

    /// How many profiles [`Kb::evidence`] has for a cell.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn evidence_count(&self, marker: &str, tumour: &str) -> Result<u64> {
        let sql = format!(
            "SELECT count(*) FROM profiles p WHERE {MARKER_KEY} = ?1 AND {TUMOUR_KEY} = ?2"
        );
        self.conn
            .query_row(&sql, params![marker, tumour], |r| r.get::<_, i64>(0))
            .map(|n| n.max(0) as u64)
            .map_err(self.err())
    }

    /// One stored document and its profiles, if present.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn document(&self, id: &str) -> Result<Option<StoredDocument>> {
        let doc = self
            .conn
            .query_row(
                "SELECT id, title, year, journal, label, reason FROM documents WHERE id = ?1",
                params![id],
                |r| {
                    Ok(StoredDocument {
                        id: r.get(0)?,
                        title: r.get(1)?,
                        year: r.get(2)?,
                        journal: r.get(3)?,
                        label: r.get(4)?,
                        reason: r.get(5)?,
                        profiles: Vec::new(),
                    })
                },
            )
            .optional()
            .map_err(self.err())?;
        let Some(mut doc) = doc else {
            return Ok(None);
        };
        doc.profiles = self.evidence_where("p.document = ?1", "", params![id])?;
        Ok(Some(doc))
    }

    fn evidence_where(
        &self,
        condition: &str,
        page: &str,
        values: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<Evidence>> {
        // `condition` and `page` are fixed strings of this file; values are always bound
        // parameters.
        let sql = format!(
            "SELECT p.document, d.title, d.year, d.journal, d.reason, p.marker, p.tumour_type, p.site,
                    p.positive, p.total, p.case_report, p.evidence, p.rule
             FROM profiles p JOIN documents d ON d.id = p.document
             WHERE {condition}
             ORDER BY p.total IS NULL, p.total DESC, p.document, p.id {page}"
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(self.err())?;
        let rows = stmt
            .query_map(values, |r| {
                Ok(Evidence {
                    document: r.get(0)?,
                    title: r.get(1)?,
                    year: r.get(2)?,
                    journal: r.get(3)?,
                    reason: r.get(4)?,
                    marker: r.get(5)?,
                    tumour_type: r.get(6)?,
                    site: r.get(7)?,
                    positive: r.get(8)?,
                    total: r.get(9)?,
                    case_report: r.get(10)?,
                    evidence: r.get(11)?,
                    rule: r.get(12)?,
                })
            })
            .map_err(self.err())?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(self.err())
    }

    /// Every name under which a landscape key was written: `(kind, key, name)` with kind
    /// `marker` or `tumour`, for search and autocomplete.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn names(&self) -> Result<Vec<(String, String, String)>> {
        let sql = format!(
            "SELECT DISTINCT 'marker', {MARKER_KEY}, p.marker FROM profiles p
             UNION SELECT DISTINCT 'tumour', {TUMOUR_KEY}, p.tumour_type FROM profiles p"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(self.err())?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(self.err())?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(self.err())
    }

    /// A marker as typed (`TTF-1`) to the symbol stored (`NKX2-1`) via the curated lexicon.
    fn resolve_marker(&self, marker: &str) -> String {
        let lex = crate::markers::MarkerLexicon::builtin();
        lex.lookup(marker)
            .map_or_else(|| marker.to_owned(), |i| lex.markers()[i].target.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Profile;

    #[test]
    fn wilson_intervals() {
        let (lo, hi) = wilson(412, 480);
        // Hand-computed: centre 0.8555, half-width 0.0312.
        assert!(
            (lo - 0.8243).abs() < 0.0005 && (hi - 0.8867).abs() < 0.0005,
            "{lo} {hi}"
        );
        assert_eq!(wilson(0, 0), (0.0, 0.0));
        let (lo, hi) = wilson(0, 10);
        assert!(lo == 0.0 && hi > 0.27 && hi < 0.28);
    }

    fn record(id: &str, x: u32, n: u32) -> (IhcRecord, DocInfo) {
        (
            IhcRecord {
                id: id.into(),
                label: crate::record::Label::Include,
                reason: crate::record::Reason::Other("test".into()),
                decided_by: Vec::new(),
                profiles: vec![Profile {
                    marker: "TTF-1".into(),
                    marker_symbol: Some("NKX2-1".into()),
                    marker_id: Some("HGNC:11825".into()),
                    tumour_type: "lung adenocarcinoma".into(),
                    tumour_id: Some("ONCOTREE:LUAD".into()),
                    positive: Some(x),
                    total: Some(n),
                    evidence: "x".into(),
                    ..Profile::default()
                }],
            },
            DocInfo::default(),
        )
    }

    #[test]
    fn pooling_replacing_and_filters() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kb.sqlite");
        let mut kb = Kb::open(&path).unwrap();
        kb.store(&[record("1", 40, 50), record("2", 30, 40)])
            .unwrap();
        // Re-running document 2 replaces it.
        kb.store(&[record("2", 32, 40)]).unwrap();
        let rows = kb.landscape(Some("TTF-1"), None, 0).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].positive, rows[0].total, rows[0].studies),
            (72, 90, 2)
        );
        assert!(rows[0].low < 0.8 && rows[0].high > 0.8);
        assert_eq!(
            kb.landscape(None, Some("adenocarcinoma"), 0).unwrap().len(),
            1
        );
        assert!(kb.landscape(None, Some("melanoma"), 0).unwrap().is_empty());
        assert!(kb.landscape(None, None, 100).unwrap().is_empty());
        assert_eq!(kb.counts().unwrap(), (2, 2, 2));
    }
}
