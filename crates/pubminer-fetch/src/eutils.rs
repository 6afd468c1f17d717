//! NCBI E-utilities: a PubMed query to PubMed XML files on disk, politely and resumably.
//!
//! - `esearch` with `usehistory=y` runs the query once on NCBI's side and returns a `WebEnv`
//!   and `query_key`; `efetch` then pages through the result in batches (`retstart`,
//!   `retmax`), so a query of any size costs one request per batch.
//! - Every request carries `tool` and `email` (NCBI's usage policy) and `api_key` when
//!   given; requests are spaced to at most 3 per second without a key and 10 with one.
//! - 429 and 5xx answers and network failures are retried with exponential backoff and
//!   jitter (honouring `Retry-After`).
//! - Each batch is written to `DIR/batch-RETSTART.xml` through a `.partial` file and a
//!   rename, so a file present is a complete batch; `DIR/query.json` records the query and
//!   its history handle. Running the same query into the same directory again fetches only
//!   the missing batches (after a fresh `esearch` when the history handle has expired, which
//!   NCBI does after some hours).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{FetchError, Result};
use crate::retry::{Attempt, is_transient, received, with_retries};

/// The public E-utilities endpoint.
pub const EUTILS_BASE: &str = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils";

/// How to talk to E-utilities.
#[derive(Clone, Debug)]
pub struct EutilsConfig {
    /// Base URL (`…/entrez/eutils`); a mirror or a test server may replace it.
    pub base_url: String,
    /// NCBI API key (raises the limit to 10 requests/s).
    pub api_key: Option<String>,
    /// `tool` parameter.
    pub tool: String,
    /// Contact address (`email` parameter).
    pub email: Option<String>,
    /// Records per efetch request (NCBI allows up to 10,000; a few hundred keeps each
    /// response small and each retry cheap).
    pub batch_size: u32,
    /// Fetch at most this many records.
    pub max_records: Option<u64>,
    /// Attempts per request.
    pub attempts: u32,
    /// First backoff delay; doubled on each retry, with up to 50% jitter.
    pub backoff: Duration,
    /// Minimum spacing of requests [default: 1/3 s, or 1/10 s with a key].
    pub min_interval: Option<Duration>,
}

impl Default for EutilsConfig {
    fn default() -> Self {
        Self {
            base_url: EUTILS_BASE.to_owned(),
            api_key: None,
            tool: "pubminer".to_owned(),
            email: None,
            batch_size: 200,
            max_records: None,
            attempts: 6,
            backoff: Duration::from_secs(1),
            min_interval: None,
        }
    }
}

impl EutilsConfig {
    /// The spacing between requests.
    #[must_use]
    pub fn interval(&self) -> Duration {
        self.min_interval.unwrap_or_else(|| {
            if self.api_key.is_some() {
                Duration::from_millis(100)
            } else {
                Duration::from_millis(334)
            }
        })
    }
}

/// A query's history handle on NCBI's side, and what was fetched of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryState {
    /// The query as given.
    pub query: String,
    /// Records matching.
    pub count: u64,
    /// History server handle.
    pub webenv: String,
    /// Query key within `webenv`.
    pub query_key: String,
    /// Records per batch file (fixed for the directory: batch files are named by offset).
    pub batch_size: u32,
}

/// What a fetch did.
#[derive(Clone, Debug, Default)]
pub struct QueryFetch {
    /// Batch files, in result order.
    pub files: Vec<PathBuf>,
    /// Records the query matches.
    pub count: u64,
    /// Records to fetch (`count`, or `max_records`).
    pub wanted: u64,
    /// Batches fetched now.
    pub fetched: usize,
    /// Batches already on disk from an earlier run.
    pub reused: usize,
    /// Requests made.
    pub requests: u64,
    /// Retries after 429/5xx/network failures.
    pub retries: u64,
    /// Notes for the user (a changed result count after the handle expired...).
    pub notes: Vec<String>,
}

/// An E-utilities client.
#[derive(Debug)]
pub struct Eutils {
    agent: ureq::Agent,
    config: EutilsConfig,
    last_request: Mutex<Option<Instant>>,
    requests: Mutex<(u64, u64)>,
}

#[derive(Deserialize)]
struct SearchEnvelope {
    esearchresult: SearchResult,
}

#[derive(Deserialize)]
struct SearchResult {
    #[serde(default)]
    count: Option<String>,
    #[serde(default)]
    webenv: Option<String>,
    #[serde(default)]
    querykey: Option<String>,
    #[serde(default, rename = "ERROR")]
    error: Option<String>,
}

enum Answer {
    Body(Vec<u8>),
    /// A 4xx other than 429: the request itself is wrong (or the history handle expired).
    Refused(u16, String),
}

impl Eutils {
    /// A client with `config`.
    #[must_use]
    pub fn new(config: EutilsConfig) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(30)))
            .timeout_global(Some(Duration::from_secs(300)))
            .user_agent(concat!("pubminer/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Self {
            agent,
            config,
            last_request: Mutex::new(None),
            requests: Mutex::new((0, 0)),
        }
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &EutilsConfig {
        &self.config
    }

    /// Waits until the next request is allowed.
    fn pace(&self) {
        let mut last = self
            .last_request
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(at) = *last {
            let wait = self.config.interval().saturating_sub(at.elapsed());
            if !wait.is_zero() {
                std::thread::sleep(wait);
            }
        }
        *last = Some(Instant::now());
    }

    fn count_request(&self, retry: bool) {
        let mut r = self
            .requests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        r.0 += 1;
        r.1 += u64::from(retry);
    }

    /// GET `utility` with `params` (plus tool, email, api_key), retrying transient failures.
    fn get(&self, utility: &str, params: &[(&str, &str)]) -> Result<Answer> {
        let url = format!("{}/{utility}", self.config.base_url.trim_end_matches('/'));
        with_retries(&url, self.config.attempts, self.config.backoff, |attempt| {
            self.pace();
            self.count_request(attempt > 1);
            let mut request = self.agent.get(&url).query("tool", &self.config.tool);
            if let Some(email) = &self.config.email {
                request = request.query("email", email);
            }
            if let Some(key) = &self.config.api_key {
                request = request.query("api_key", key);
            }
            for (k, v) in params {
                request = request.query(*k, *v);
            }
            let (status, wait, mut body) = match received(request.call()) {
                Ok(r) => r,
                Err(transient) => return Ok(transient),
            };
            Ok(match status {
                200 => match body.with_config().limit(1 << 30).read_to_vec() {
                    Ok(body) => Attempt::Done(Answer::Body(body)),
                    Err(e) => Attempt::Transient {
                        message: format!("reading the response: {e}"),
                        retry_after: None,
                    },
                },
                s if is_transient(s) => Attempt::Transient {
                    message: format!("HTTP {status}"),
                    retry_after: wait,
                },
                _ => {
                    let text = body.read_to_string().unwrap_or_default();
                    Attempt::Done(Answer::Refused(status, text.chars().take(300).collect()))
                }
            })
        })
    }

    /// Runs `query` on the history server.
    ///
    /// # Errors
    /// Network failures after the retries, a refused request, or an answer that is not an
    /// esearch result (NCBI's error message is included).
    pub fn esearch(&self, query: &str) -> Result<QueryState> {
        let url = format!("{}/esearch.fcgi", self.config.base_url);
        let body = match self.get(
            "esearch.fcgi",
            &[
                ("db", "pubmed"),
                ("term", query),
                ("usehistory", "y"),
                ("retmax", "0"),
                ("retmode", "json"),
            ],
        )? {
            Answer::Body(b) => b,
            Answer::Refused(status, message) => {
                return Err(FetchError::Protocol {
                    url,
                    message: format!("HTTP {status}: {message}"),
                });
            }
        };
        let parsed: SearchEnvelope =
            serde_json::from_slice(&body).map_err(|e| FetchError::Protocol {
                url: url.clone(),
                message: format!(
                    "not an esearch JSON result ({e}): {}",
                    String::from_utf8_lossy(&body[..body.len().min(200)])
                ),
            })?;
        let r = parsed.esearchresult;
        if let Some(error) = r.error {
            return Err(FetchError::Protocol {
                url,
                message: error,
            });
        }
        let missing = |what: &str| FetchError::Protocol {
            url: url.clone(),
            message: format!("esearch result without {what}"),
        };
        let count = r
            .count
            .ok_or_else(|| missing("count"))?
            .parse::<u64>()
            .map_err(|_| missing("a numeric count"))?;
        Ok(QueryState {
            query: query.to_owned(),
            count,
            webenv: r.webenv.ok_or_else(|| missing("webenv"))?,
            query_key: r.querykey.ok_or_else(|| missing("querykey"))?,
            batch_size: self.config.batch_size,
        })
    }

    /// Fetches records `retstart..retstart+retmax` of `state` as PubMed XML. `Ok(None)` when
    /// the history handle is no longer valid.
    ///
    /// # Errors
    /// Network failures after the retries, or an answer that is neither PubMed XML nor a
    /// history error.
    pub fn efetch(
        &self,
        state: &QueryState,
        retstart: u64,
        retmax: u32,
    ) -> Result<Option<Vec<u8>>> {
        let url = format!("{}/efetch.fcgi", self.config.base_url);
        let (start, max) = (retstart.to_string(), retmax.to_string());
        let answer = self.get(
            "efetch.fcgi",
            &[
                ("db", "pubmed"),
                ("WebEnv", &state.webenv),
                ("query_key", &state.query_key),
                ("retstart", &start),
                ("retmax", &max),
                ("retmode", "xml"),
            ],
        )?;
        let body = match answer {
            Answer::Body(b) => b,
            // NCBI answers an expired or unknown WebEnv with 400.
            Answer::Refused(400, _) => return Ok(None),
            Answer::Refused(status, message) => {
                return Err(FetchError::Protocol {
                    url,
                    message: format!("HTTP {status}: {message}"),
                });
            }
        };
        let head = String::from_utf8_lossy(&body[..body.len().min(4096)]);
        if head.contains("<PubmedArticleSet") {
            return Ok(Some(body));
        }
        if head.contains("<ERROR>") || head.contains("\"ERROR\"") {
            return Ok(None);
        }
        Err(FetchError::Protocol {
            url,
            message: format!(
                "not PubMed XML: {}",
                head.chars().take(200).collect::<String>()
            ),
        })
    }

    /// Runs `query` and writes its records into `dir` as batch files, reusing the batches an
    /// earlier run left there. `progress` is called with batches done and batches wanted.
    ///
    /// # Errors
    /// Network failures after the retries, refused requests, a directory that holds another
    /// query or another batch size, or local I/O errors.
    pub fn fetch_query(
        &self,
        query: &str,
        dir: &Path,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<QueryFetch> {
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| FetchError::Io { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let state_path = dir.join("query.json");
        let mut out = QueryFetch::default();
        let saved: Option<QueryState> = match std::fs::read(&state_path) {
            Ok(bytes) => {
                Some(
                    serde_json::from_slice(&bytes).map_err(|e| FetchError::Protocol {
                        url: state_path.display().to_string(),
                        message: format!(
                            "unreadable query state ({e}); remove the directory to start over"
                        ),
                    })?,
                )
            }
            Err(_) => None,
        };
        if let Some(s) = &saved
            && (s.query != query || s.batch_size != self.config.batch_size)
        {
            return Err(FetchError::Protocol {
                url: dir.display().to_string(),
                message: format!(
                    "this directory holds batches of another query or batch size ({:?}, {} per batch); use another --cache",
                    s.query, s.batch_size
                ),
            });
        }
        let batch_path = |start: u64| dir.join(format!("batch-{start:09}.xml"));
        let mut state = match saved {
            Some(s) => s,
            None => {
                let s = self.esearch(query)?;
                write_atomic(
                    &state_path,
                    &serde_json::to_vec_pretty(&s).unwrap_or_default(),
                )?;
                s
            }
        };
        let wanted = self
            .config
            .max_records
            .map_or(state.count, |m| m.min(state.count));
        out.count = state.count;
        out.wanted = wanted;
        let size = u64::from(self.config.batch_size.max(1));
        let starts: Vec<u64> = (0..wanted).step_by(size as usize).collect();
        let mut refreshed = false;
        for (i, &start) in starts.iter().enumerate() {
            let path = batch_path(start);
            if path.exists() {
                out.reused += 1;
                out.files.push(path);
                progress(i + 1, starts.len());
                continue;
            }
            let retmax = u32::try_from((wanted - start).min(size)).unwrap_or(u32::MAX);
            let body = match self.efetch(&state, start, retmax)? {
                Some(body) => body,
                None if !refreshed => {
                    // The handle expired: search again and go on with the missing batches.
                    let fresh = self.esearch(query)?;
                    if fresh.count != state.count {
                        out.notes.push(format!(
                            "the query now matches {} records (was {}); batches fetched before may overlap or miss records near the batch edges — the knowledge base replaces duplicates by PMID",
                            fresh.count, state.count
                        ));
                    }
                    state = fresh;
                    write_atomic(
                        &state_path,
                        &serde_json::to_vec_pretty(&state).unwrap_or_default(),
                    )?;
                    refreshed = true;
                    self.efetch(&state, start, retmax)?
                        .ok_or_else(|| FetchError::Protocol {
                            url: format!("{}/efetch.fcgi", self.config.base_url),
                            message: "efetch refused a fresh history handle".into(),
                        })?
                }
                None => {
                    return Err(FetchError::Protocol {
                        url: format!("{}/efetch.fcgi", self.config.base_url),
                        message: "efetch refused the history handle twice".into(),
                    });
                }
            };
            write_atomic(&path, &body)?;
            out.fetched += 1;
            out.files.push(path);
            progress(i + 1, starts.len());
        }
        let r = self
            .requests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        out.requests = r.0;
        out.retries = r.1;
        Ok(out)
    }
}

/// Writes `bytes` to `path` through `path.partial` and a rename.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    std::fs::write(&partial, bytes).map_err(|source| FetchError::Io {
        path: partial.clone(),
        source,
    })?;
    std::fs::rename(&partial, path).map_err(|source| FetchError::Io {
        path: path.to_owned(),
        source,
    })
}
