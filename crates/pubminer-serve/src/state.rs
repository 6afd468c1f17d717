//! What the server holds: the landscape (computed once), the names for search, the HPA
//! table when given, and a pool of read-only connections for evidence and documents.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use pubminer_ihc::hpa::{HpaTable, Staining, hpa_cancer};
use pubminer_ihc::kb::{Kb, KbError, LandscapeRow};
use pubminer_ihc::markers::MarkerLexicon;

/// Errors loading the state.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The knowledge base cannot be read.
    #[error(transparent)]
    Kb(#[from] KbError),
    /// The knowledge base file does not exist.
    #[error("{0}: no such knowledge base (create one with `pubminer ihc run`)")]
    Missing(PathBuf),
    /// The HPA table cannot be read.
    #[error("{0}")]
    Hpa(String),
}

/// Concurrent knowledge-base queries (and pooled connections).
const WORKERS: usize = 4;

/// A name under which a marker or tumour type was written, for search.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Name {
    /// `marker` or `tumour`.
    pub kind: &'static str,
    /// The landscape key (`NKX2-1`, `ONCOTREE:LUAD`).
    pub key: String,
    /// The name as written.
    pub name: String,
    #[serde(skip)]
    lower: String,
}

/// The server's state.
pub struct AppState {
    path: PathBuf,
    pool: Mutex<Vec<Kb>>,
    /// Every landscape row, no filter, sorted by marker then total.
    pub landscape: Vec<LandscapeRow>,
    /// Names for search, sorted by length then name.
    pub names: Vec<Name>,
    markers: MarkerLexicon,
    hpa: Option<HpaTable>,
    /// Permits for knowledge-base queries (one per pooled connection).
    pub workers: tokio::sync::Semaphore,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("path", &self.path)
            .field("rows", &self.landscape.len())
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// Loads the knowledge base at `kb` (read-only) and the HPA table at `hpa`, if given.
    ///
    /// # Errors
    /// A missing or unreadable knowledge base or HPA table.
    pub fn load(kb: &Path, hpa: Option<&Path>) -> Result<Self, StateError> {
        if !kb.exists() {
            return Err(StateError::Missing(kb.to_owned()));
        }
        let store = Kb::open_read_only(kb)?;
        let landscape = store.landscape(None, None, 0)?;
        let mut names: Vec<Name> = store
            .names()?
            .into_iter()
            .map(|(kind, key, name)| Name {
                kind: if kind == "marker" { "marker" } else { "tumour" },
                lower: name.to_lowercase(),
                key,
                name,
            })
            .collect();
        // Marker keys are names too (`NKX2-1` finds the rows written `TTF-1`).
        let mut keys: Vec<String> = landscape.iter().map(|r| r.marker.clone()).collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            if !names
                .iter()
                .any(|n| n.kind == "marker" && n.name.eq_ignore_ascii_case(&key))
            {
                names.push(Name {
                    kind: "marker",
                    lower: key.to_lowercase(),
                    name: key.clone(),
                    key,
                });
            }
        }
        names.sort_by(|a, b| a.name.len().cmp(&b.name.len()).then(a.name.cmp(&b.name)));
        let hpa = match hpa {
            Some(p) => {
                Some(HpaTable::read(p).map_err(|e| StateError::Hpa(crate::error::chain(&e)))?)
            }
            None => None,
        };
        Ok(Self {
            path: kb.to_owned(),
            pool: Mutex::new(vec![store]),
            landscape,
            names,
            markers: MarkerLexicon::builtin(),
            hpa,
            workers: tokio::sync::Semaphore::new(WORKERS),
        })
    }

    /// Runs `f` on a pooled read-only connection (opening one when all are busy).
    ///
    /// # Errors
    /// Opening a connection, or what `f` returns.
    pub fn with_kb<T>(&self, f: impl FnOnce(&Kb) -> Result<T, KbError>) -> Result<T, KbError> {
        let taken = self.pool.lock().map_or(None, |mut p| p.pop());
        let kb = match taken {
            Some(kb) => kb,
            None => Kb::open_read_only(&self.path)?,
        };
        let out = f(&kb);
        if let Ok(mut pool) = self.pool.lock()
            && pool.len() < WORKERS
        {
            pool.push(kb);
        }
        out
    }

    /// The marker keys a query names: a key itself, a name it was written under, or a curated
    /// marker name (`TTF-1` → `NKX2-1`).
    #[must_use]
    pub fn marker_keys(&self, query: &str) -> Vec<String> {
        let q = query.trim();
        let mut keys: Vec<String> = self
            .names
            .iter()
            .filter(|n| {
                n.kind == "marker" && (n.key.eq_ignore_ascii_case(q) || n.lower == q.to_lowercase())
            })
            .map(|n| n.key.clone())
            .collect();
        if let Some(i) = self.markers.lookup(q) {
            keys.push(self.markers.markers()[i].target.clone());
        }
        keys.sort();
        keys.dedup();
        keys
    }

    /// The tumour keys a query names: a key itself, or any name containing it.
    #[must_use]
    pub fn tumour_keys(&self, query: &str) -> Vec<String> {
        let q = query.trim().to_lowercase();
        let mut keys: Vec<String> = self
            .names
            .iter()
            .filter(|n| n.kind == "tumour" && (n.key.to_lowercase() == q || n.lower.contains(&q)))
            .map(|n| n.key.clone())
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }

    /// Names matching `query` (prefix matches first, then substrings), at most `limit`.
    #[must_use]
    pub fn search(&self, query: &str, limit: usize) -> Vec<Name> {
        let q = query.trim().to_lowercase();
        let prefix = self.names.iter().filter(|n| n.lower.starts_with(&q));
        let inner = self
            .names
            .iter()
            .filter(|n| !n.lower.starts_with(&q) && n.lower.contains(&q));
        let mut seen: Vec<(&str, &str)> = Vec::new();
        let mut out = Vec::new();
        for n in prefix.chain(inner) {
            if seen.contains(&(n.kind, n.key.as_str())) {
                continue;
            }
            seen.push((n.kind, n.key.as_str()));
            out.push(n.clone());
            if out.len() >= limit {
                break;
            }
        }
        out
    }

    /// HPA's staining for a landscape row, when the table is loaded and the row maps.
    #[must_use]
    pub fn hpa_for(&self, row: &LandscapeRow) -> Option<(&'static str, Staining)> {
        let table = self.hpa.as_ref()?;
        let cancer = hpa_cancer(&row.tumour, &row.tumour_name)?;
        table.get(&row.marker, cancer).map(|s| (cancer, s))
    }
}
