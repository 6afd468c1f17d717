//! An OpenAI-compatible chat-completions client (vLLM, llama.cpp's server, Ollama, TGI,
//! OpenAI): `POST {base}/chat/completions` with the messages, greedy decoding by default,
//! optional JSON-schema-constrained output, a timeout, and retries with backoff and jitter on
//! 429/5xx and network failures (honouring `Retry-After`). The API key comes from the caller
//! (the command line reads it from the environment); it is sent as a bearer token.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{FetchError, Result};
use crate::retry::{Attempt, is_transient, received, with_retries};

/// How to reach the server.
#[derive(Clone, Debug)]
pub struct ChatConfig {
    /// Base URL up to `/v1` (`http://127.0.0.1:8080/v1`).
    pub base_url: String,
    /// Model name the server knows.
    pub model: String,
    /// Bearer token.
    pub api_key: Option<String>,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Attempts per request (1 = no retry).
    pub attempts: u32,
    /// First backoff delay (doubles per attempt, plus up to 50% jitter).
    pub backoff: Duration,
}

impl Default for ChatConfig {
    fn default() -> Self {
        Self {
            base_url: "http://127.0.0.1:8080/v1".into(),
            model: "default".into(),
            api_key: None,
            timeout: Duration::from_secs(300),
            attempts: 4,
            backoff: Duration::from_millis(500),
        }
    }
}

/// One chat message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// `system`, `user` or `assistant`.
    pub role: String,
    /// The text.
    pub content: String,
}

impl Message {
    /// A message from `role`.
    #[must_use]
    pub fn new(role: &str, content: impl Into<String>) -> Self {
        Self {
            role: role.into(),
            content: content.into(),
        }
    }
}

/// What to ask.
#[derive(Clone, Debug, Default)]
pub struct ChatRequest {
    /// The conversation.
    pub messages: Vec<Message>,
    /// Tokens to generate at most.
    pub max_tokens: u32,
    /// A JSON schema the answer must follow (`response_format: json_schema`), when the server
    /// supports it.
    pub json_schema: Option<serde_json::Value>,
    /// Stop strings.
    pub stop: Vec<String>,
}

/// The answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatAnswer {
    /// The generated text of the first choice.
    pub text: String,
    /// Prompt tokens, when the server reports usage.
    pub prompt_tokens: Option<u64>,
    /// Generated tokens, when reported.
    pub completion_tokens: Option<u64>,
    /// Attempts it took.
    pub attempts: u32,
}

/// A client.
pub struct ChatClient {
    agent: ureq::Agent,
    config: ChatConfig,
}

impl std::fmt::Debug for ChatClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatClient")
            .field("base_url", &self.config.base_url)
            .field("model", &self.config.model)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct Completion {
    choices: Vec<Choice>,
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Choice {
    message: Option<Message>,
    text: Option<String>,
}

#[derive(Deserialize)]
struct Usage {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
}

impl ChatClient {
    /// A client with `config`.
    #[must_use]
    pub fn new(config: ChatConfig) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(30)))
            .timeout_global(Some(config.timeout))
            .user_agent(concat!("pubminer/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Self { agent, config }
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &ChatConfig {
        &self.config
    }

    /// The request body for `request` (also what the response cache keys on).
    #[must_use]
    pub fn body(&self, request: &ChatRequest) -> serde_json::Value {
        let mut body = serde_json::json!({
            "model": self.config.model,
            "messages": request.messages,
            "temperature": 0,
            "max_tokens": request.max_tokens,
            "stream": false,
        });
        if !request.stop.is_empty() {
            body["stop"] = serde_json::json!(request.stop);
        }
        if let Some(schema) = &request.json_schema {
            body["response_format"] = serde_json::json!({
                "type": "json_schema",
                "json_schema": {"name": "answer", "strict": true, "schema": schema},
            });
        }
        body
    }

    /// Sends `request`, retrying transient failures.
    ///
    /// # Errors
    /// Network failures or 429/5xx after the retries, a refused request (4xx, with the
    /// server's message), or an answer that is not a chat completion.
    pub fn complete(&self, request: &ChatRequest) -> Result<ChatAnswer> {
        let url = format!(
            "{}/chat/completions",
            self.config.base_url.trim_end_matches('/')
        );
        let body = self.body(request).to_string();
        with_retries(&url, self.config.attempts, self.config.backoff, |attempt| {
            let mut call = self
                .agent
                .post(&url)
                .header("content-type", "application/json");
            if let Some(key) = &self.config.api_key {
                call = call.header("authorization", &format!("Bearer {key}"));
            }
            let (status, wait, mut reply) = match received(call.send(body.as_str())) {
                Ok(r) => r,
                Err(transient) => return Ok(transient),
            };
            let text = reply.with_config().limit(64 << 20).read_to_string();
            match (status, text) {
                (200, Ok(text)) => parse(&url, &text, attempt).map(Attempt::Done),
                (200, Err(e)) => Ok(Attempt::Transient {
                    message: format!("reading the response: {e}"),
                    retry_after: None,
                }),
                (s, _) if is_transient(s) => Ok(Attempt::Transient {
                    message: format!("HTTP {status}"),
                    retry_after: wait,
                }),
                (_, text) => Err(FetchError::Protocol {
                    url: url.clone(),
                    message: format!(
                        "HTTP {status}: {}",
                        text.unwrap_or_default()
                            .chars()
                            .take(300)
                            .collect::<String>()
                    ),
                }),
            }
        })
    }
}

fn parse(url: &str, text: &str, attempts: u32) -> Result<ChatAnswer> {
    let completion: Completion = serde_json::from_str(text).map_err(|e| FetchError::Protocol {
        url: url.to_owned(),
        message: format!(
            "not a chat completion ({e}): {}",
            text.chars().take(200).collect::<String>()
        ),
    })?;
    let choice = completion
        .choices
        .into_iter()
        .next()
        .ok_or_else(|| FetchError::Protocol {
            url: url.to_owned(),
            message: "the completion has no choices".into(),
        })?;
    let text = choice
        .message
        .map(|m| m.content)
        .or(choice.text)
        .unwrap_or_default();
    Ok(ChatAnswer {
        text,
        prompt_tokens: completion.usage.as_ref().and_then(|u| u.prompt_tokens),
        completion_tokens: completion.usage.as_ref().and_then(|u| u.completion_tokens),
        attempts,
    })
}
