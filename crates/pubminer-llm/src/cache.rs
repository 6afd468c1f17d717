//! A response cache in SQLite keyed by SHA-256 of (model, request body): a re-run of the
//! same prompts on the same model costs nothing. Safe to share between worker threads.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension as _, params};
use sha2::{Digest as _, Sha256};

/// Cache errors: the cache file, with SQLite's error as the source.
#[derive(Debug, thiserror::Error)]
#[error("{path}")]
pub struct CacheError {
    path: PathBuf,
    source: rusqlite::Error,
}

/// The cache.
pub struct Cache {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// The cache key of a request to `model` with `body`.
#[must_use]
pub fn key(model: &str, body: &str) -> String {
    let mut h = Sha256::new();
    h.update(model.as_bytes());
    h.update([0]);
    h.update(body.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

impl Cache {
    /// Opens (creating) the cache at `path`.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn open(path: &Path) -> Result<Self, CacheError> {
        let err = |source| CacheError {
            path: path.to_owned(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = std::fs::create_dir_all(dir);
        }
        let conn = Connection::open(path).map_err(err)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE IF NOT EXISTS responses (
                 key TEXT PRIMARY KEY, model TEXT NOT NULL, response TEXT NOT NULL,
                 created INTEGER NOT NULL DEFAULT (strftime('%s', 'now')));",
        )
        .map_err(err)?;
        Ok(Self {
            conn: Mutex::new(conn),
            path: path.to_owned(),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The cached response for `key`.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn get(&self, key: &str) -> Result<Option<String>, CacheError> {
        self.lock()
            .query_row(
                "SELECT response FROM responses WHERE key = ?1",
                params![key],
                |r| r.get(0),
            )
            .optional()
            .map_err(|source| CacheError {
                path: self.path.clone(),
                source,
            })
    }

    /// Stores `response` for `key`.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn put(&self, key: &str, model: &str, response: &str) -> Result<(), CacheError> {
        self.lock()
            .execute(
                "INSERT OR REPLACE INTO responses (key, model, response) VALUES (?1, ?2, ?3)",
                params![key, model, response],
            )
            .map(|_| ())
            .map_err(|source| CacheError {
                path: self.path.clone(),
                source,
            })
    }
}
