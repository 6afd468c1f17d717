//! The LLM engine: IHC-LLMiner's two prompts (or one JSON-schema prompt) through an
//! OpenAI-compatible server, answers cached, tables parsed and validated, profiles normalised
//! by the default engine's extractor, so they land in the same records and knowledge base.

use std::sync::atomic::{AtomicU64, Ordering};

use pubminer_core::{Document, PassageKind};
use pubminer_fetch::{ChatRequest, Message};
use pubminer_ihc::{AltEngine, Extractor, IhcRecord, Profile};

use crate::backend::Backend;
use crate::cache::{Cache, key};
pub use crate::error::LlmError;
use crate::prompts;
use crate::table::{Cell, entries, parse_tables};
use crate::validate::Stated;

/// Requests in flight at once unless told otherwise.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// Which engine `ihc run --engine` asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineKind {
    /// Rules and dictionaries (no model).
    Default,
    /// The LLM for every document.
    Llm,
    /// The default engine, and the LLM where it is unsure.
    Hybrid,
}

/// Requests made and answered from the cache, for the run's summary.
#[derive(Debug, Default)]
pub struct Usage {
    /// Requests sent to the server.
    pub requests: AtomicU64,
    /// Answers read from the cache.
    pub cached: AtomicU64,
    /// Tokens generated (as the server reports them).
    pub completion_tokens: AtomicU64,
}

impl Usage {
    /// One line for the run's report.
    #[must_use]
    pub fn describe(&self) -> String {
        format!(
            "LLM: {} request(s), {} answer(s) from the cache, {} token(s) generated",
            self.requests.load(Ordering::Relaxed),
            self.cached.load(Ordering::Relaxed),
            self.completion_tokens.load(Ordering::Relaxed)
        )
    }
}

/// A counting gate: at most `limit` requests in flight (the server's concurrency limit),
/// whatever the number of worker threads asking.
#[derive(Debug)]
struct Gate {
    limit: usize,
    in_flight: std::sync::Mutex<usize>,
    freed: std::sync::Condvar,
}

impl Gate {
    fn new(limit: usize) -> Self {
        Self {
            limit: limit.max(1),
            in_flight: std::sync::Mutex::new(0),
            freed: std::sync::Condvar::new(),
        }
    }

    fn run<T>(&self, f: impl FnOnce() -> T) -> T {
        {
            let mut n = self
                .in_flight
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            while *n >= self.limit {
                n = self
                    .freed
                    .wait(n)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
            }
            *n += 1;
        }
        let out = f();
        *self
            .in_flight
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) -= 1;
        self.freed.notify_one();
        out
    }
}

/// The engine.
#[derive(Debug)]
pub struct LlmEngine {
    backend: Box<dyn Backend>,
    gate: Gate,
    cache: Option<Cache>,
    json: bool,
    extract_tokens: u32,
    /// What it cost (shared, so a caller can read it after handing the engine over).
    pub usage: std::sync::Arc<Usage>,
}

/// The abstract as IHC-LLMiner feeds it: the abstract passages (not the title), joined.
#[must_use]
pub fn abstract_text(doc: &Document) -> String {
    let parts: Vec<&str> = doc
        .passages
        .iter()
        .filter(|p| p.kind != PassageKind::Title)
        .map(|p| p.text())
        .collect();
    if parts.is_empty() {
        doc.passages
            .iter()
            .map(|p| p.text())
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        parts.join(" ")
    }
}

impl LlmEngine {
    /// The backend.
    #[must_use]
    pub fn backend(&self) -> &dyn Backend {
        self.backend.as_ref()
    }

    /// An engine over `backend` (a server or a native model), caching in `cache`; `json`
    /// asks for schema-constrained JSON (one request per abstract) instead of IHC-LLMiner's
    /// two prompts.
    #[must_use]
    pub fn new(backend: Box<dyn Backend>, cache: Option<Cache>, json: bool) -> Self {
        Self {
            backend,
            gate: Gate::new(DEFAULT_CONCURRENCY),
            cache,
            json,
            extract_tokens: prompts::EXTRACT_MAX_TOKENS,
            usage: std::sync::Arc::default(),
        }
    }

    /// Allows at most `n` requests in flight at once (4 by default).
    #[must_use]
    pub fn with_concurrency(mut self, n: usize) -> Self {
        self.gate = Gate::new(n);
        self
    }

    /// Caps the tokens of an extraction or NER answer (IHC-LLMiner's 1,024 by default).
    #[must_use]
    pub fn with_extract_tokens(mut self, tokens: u32) -> Self {
        self.extract_tokens = tokens.max(1);
        self
    }

    /// The cap on the tokens of an extraction or NER answer.
    #[must_use]
    pub fn max_tokens(&self) -> u32 {
        self.extract_tokens
    }

    /// Sends `request` unless the cache has its answer.
    ///
    /// # Errors
    /// The server or the cache.
    pub fn ask(&self, request: &ChatRequest) -> Result<String, LlmError> {
        let model = self.backend.model();
        let k = key(model, &self.backend.request_key(request));
        if let Some(cache) = &self.cache
            && let Some(hit) = cache.get(&k)?
        {
            self.usage.cached.fetch_add(1, Ordering::Relaxed);
            return Ok(hit);
        }
        let answer = self.gate.run(|| self.backend.complete(request))?;
        self.usage.requests.fetch_add(1, Ordering::Relaxed);
        self.usage
            .completion_tokens
            .fetch_add(answer.completion_tokens.unwrap_or(0), Ordering::Relaxed);
        if let Some(cache) = &self.cache {
            cache.put(&k, model, &answer.text)?;
        }
        Ok(answer.text)
    }

    fn request(task: &str, text: &str, max_tokens: u32) -> ChatRequest {
        ChatRequest {
            messages: vec![Message::new("user", prompts::user_turn(task, text))],
            max_tokens,
            json_schema: None,
            stop: Vec::new(),
        }
    }

    /// IHC-LLMiner's Include/Exclude: the answer, and whether it contains "include".
    ///
    /// # Errors
    /// The server or the cache.
    pub fn classify(&self, text: &str) -> Result<(bool, String), LlmError> {
        let answer = self.ask(&Self::request(
            prompts::CLASSIFY,
            text,
            prompts::CLASSIFY_MAX_TOKENS,
        ))?;
        Ok((prompts::is_include(&answer), answer))
    }

    /// IHC-LLMiner's table extraction: the raw answer.
    ///
    /// # Errors
    /// The server or the cache.
    pub fn extract_table(&self, text: &str) -> Result<String, LlmError> {
        self.ask(&Self::request(prompts::EXTRACT, text, self.extract_tokens))
    }

    /// The record of one document: classification, then (for includes) the profiles.
    ///
    /// # Errors
    /// The server, the cache, or (JSON mode) an answer that is not JSON.
    pub fn record(&self, doc: &Document, extractor: &Extractor) -> Result<IhcRecord, LlmError> {
        let text = abstract_text(doc);
        let stated = Stated::of(&text);
        let (include, claimed) = if self.json {
            let mut request = Self::request(
                &format!("{}\n{}", prompts::EXTRACT, prompts::JSON_INSTRUCTION),
                &text,
                self.extract_tokens,
            );
            request.json_schema = Some(prompts::extraction_schema());
            let answer = self.ask(&request)?;
            json_profiles(&answer)?
        } else {
            let (include, answer) = self.classify(&text)?;
            if !include {
                return Ok(IhcRecord {
                    id: doc.id.clone(),
                    label: pubminer_ihc::Label::Exclude,
                    reason: pubminer_ihc::Reason::Other(format!("LLM: {}", answer.trim())),
                    decided_by: Vec::new(),
                    profiles: Vec::new(),
                });
            }
            let table = self.extract_table(&text)?;
            (true, table_profiles(&table))
        };
        if !include {
            return Ok(IhcRecord {
                id: doc.id.clone(),
                label: pubminer_ihc::Label::Exclude,
                reason: pubminer_ihc::Reason::Other("LLM: exclude".into()),
                decided_by: Vec::new(),
                profiles: Vec::new(),
            });
        }
        let mut unverified = 0;
        let profiles: Vec<Profile> = claimed
            .into_iter()
            .map(|mut p| {
                if let (Some(x), Some(y)) = (p.positive, p.total)
                    && let Err(flag) = stated.check(x, y)
                {
                    unverified += 1;
                    p.rule = format!("{}, unverified {x}/{y}: {}", p.rule, flag.as_str());
                    p.positive = None;
                    p.total = None;
                }
                extractor.normalise(&mut p);
                p
            })
            .collect();
        let counted = profiles.iter().filter(|p| p.total.is_some()).count();
        Ok(IhcRecord {
            id: doc.id.clone(),
            label: pubminer_ihc::Label::Include,
            decided_by: Vec::new(),
            reason: pubminer_ihc::Reason::Other(format!(
                "LLM include: {counted} count(s) of IHC positivity{}",
                if unverified > 0 {
                    format!(", {unverified} not found in the abstract (not pooled)")
                } else {
                    String::new()
                }
            )),
            profiles,
        })
    }
}

impl AltEngine for LlmEngine {
    fn process(&self, doc: &Document, extractor: &Extractor) -> Result<IhcRecord, String> {
        self.record(doc, extractor)
            .map_err(|e| format!("LLM failed: {}", e.chain()))
    }
}

/// Profiles from a markdown answer (counts as the model wrote them; validated later).
#[must_use]
pub fn table_profiles(answer: &str) -> Vec<Profile> {
    let mut out = Vec::new();
    for table in parse_tables(answer) {
        for e in entries(&table) {
            let (x, y) = match e.cell {
                Cell::Count { x, y, .. } => (Some(x), Some(y)),
                Cell::Percent(_) | Cell::Missing | Cell::Other(_) => continue,
            };
            out.push(Profile {
                marker: e.marker,
                tumour_type: e.tumour,
                site: e.site,
                positive: x,
                total: y,
                evidence: e.line,
                rule: "llm table".into(),
                ..Profile::default()
            });
        }
    }
    out
}

/// Profiles from a JSON-mode answer.
///
/// # Errors
/// An answer that is not the schema's JSON.
pub fn json_profiles(answer: &str) -> Result<(bool, Vec<Profile>), LlmError> {
    let start = answer.find('{').unwrap_or(0);
    let end = answer.rfind('}').map_or(answer.len(), |i| i + 1);
    let v: serde_json::Value = serde_json::from_str(answer.get(start..end).unwrap_or(answer))
        .map_err(|e| {
            LlmError::Json(format!(
                "{e}: {}",
                answer.chars().take(200).collect::<String>()
            ))
        })?;
    let include = v["include"].as_bool().unwrap_or(false);
    let num = |x: &serde_json::Value| x.as_u64().and_then(|n| u32::try_from(n).ok());
    let profiles = v["profiles"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| {
                    Some(Profile {
                        marker: p["marker"].as_str()?.to_owned(),
                        tumour_type: p["tumour_type"].as_str()?.to_owned(),
                        site: p["site"].as_str().map(str::to_owned),
                        positive: num(&p["positive"]),
                        total: num(&p["total"]),
                        evidence: p.to_string(),
                        rule: "llm json".into(),
                        ..Profile::default()
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Ok((include, profiles))
}
