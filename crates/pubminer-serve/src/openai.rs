//! An OpenAI-compatible chat server over any [`Backend`] (`pubminer llm serve`): a native
//! GGUF model becomes a server that other tools (and other pubminer runs, through
//! `--llm-url`) can use. `POST /v1/chat/completions` (greedy; `stream` is refused),
//! `GET /v1/models`, `GET /health`. Decoding is greedy whatever `temperature` says (the
//! answer's `system_fingerprint` says so).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pubminer_fetch::{ChatRequest, Message};
use pubminer_llm::Backend;
use serde::Deserialize;
use serde_json::json;

/// What the server holds.
pub struct LlmState {
    backend: Box<dyn Backend>,
    name: String,
    served: AtomicU64,
}

impl LlmState {
    /// A server for `backend`, announcing itself as model `name`.
    #[must_use]
    pub fn new(backend: Box<dyn Backend>, name: impl Into<String>) -> Self {
        Self {
            backend,
            name: name.into(),
            served: AtomicU64::new(0),
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Stop {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct InMessage {
    role: String,
    #[serde(default)]
    content: serde_json::Value,
}

#[derive(Deserialize)]
struct Request {
    #[serde(default)]
    messages: Vec<InMessage>,
    max_tokens: Option<u32>,
    max_completion_tokens: Option<u32>,
    stop: Option<Stop>,
    #[serde(default)]
    stream: bool,
    response_format: Option<serde_json::Value>,
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (
        status,
        Json(json!({"error": {"message": message.into(), "type": "invalid_request_error"}})),
    )
        .into_response()
}

/// The text of a message's `content`: a string, or the text parts of a list.
fn content_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Array(parts) => Some(
            parts
                .iter()
                .filter_map(|p| p.get("text").and_then(|t| t.as_str()))
                .collect::<Vec<_>>()
                .join(""),
        ),
        serde_json::Value::Null => Some(String::new()),
        _ => None,
    }
}

async fn chat(State(state): State<Arc<LlmState>>, body: axum::body::Bytes) -> Response {
    let req: Request = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return error(StatusCode::BAD_REQUEST, format!("bad request body: {e}")),
    };
    if req.stream {
        return error(
            StatusCode::BAD_REQUEST,
            "stream=true is not supported; ask without streaming",
        );
    }
    if req.messages.is_empty() {
        return error(StatusCode::BAD_REQUEST, "messages is empty");
    }
    let mut messages = Vec::with_capacity(req.messages.len());
    for (i, m) in req.messages.iter().enumerate() {
        let Some(text) = content_text(&m.content) else {
            return error(
                StatusCode::BAD_REQUEST,
                format!("messages[{i}].content must be a string or a list of text parts"),
            );
        };
        messages.push(Message::new(&m.role, text));
    }
    let json_schema = req
        .response_format
        .as_ref()
        .and_then(|f| f.get("json_schema").and_then(|s| s.get("schema")).cloned());
    let request = ChatRequest {
        messages,
        max_tokens: req
            .max_completion_tokens
            .or(req.max_tokens)
            .unwrap_or(512)
            .max(1),
        json_schema,
        stop: match req.stop {
            None => Vec::new(),
            Some(Stop::One(s)) => vec![s],
            Some(Stop::Many(v)) => v,
        },
    };
    let max_tokens = request.max_tokens;
    let worker = Arc::clone(&state);
    let answer = tokio::task::spawn_blocking(move || worker.backend.complete(&request)).await;
    let answer = match answer {
        Ok(Ok(a)) => a,
        Ok(Err(e)) => return error(StatusCode::BAD_REQUEST, e.chain()),
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    };
    let n = state.served.fetch_add(1, Ordering::Relaxed);
    let completion = answer.completion_tokens.unwrap_or(0);
    let prompt = answer.prompt_tokens.unwrap_or(0);
    let created = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Json(json!({
        "id": format!("chatcmpl-{n}"),
        "object": "chat.completion",
        "created": created,
        "model": state.name,
        "system_fingerprint": "pubminer-native-greedy",
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": answer.text},
            "finish_reason": if completion >= u64::from(max_tokens) { "length" } else { "stop" },
        }],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        },
    }))
    .into_response()
}

async fn models(State(state): State<Arc<LlmState>>) -> Response {
    Json(json!({
        "object": "list",
        "data": [{"id": state.name, "object": "model", "owned_by": "pubminer"}],
    }))
    .into_response()
}

/// The router of the OpenAI-compatible server.
pub fn llm_router(state: Arc<LlmState>) -> axum::Router {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/v1/chat/completions", post(chat))
        .route("/v1/models", get(models))
        .route("/health", get(|| async { Json(json!({"status": "ok"})) }))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "no such route") })
        .with_state(state)
}

/// Serves `state` on `listener` until Ctrl-C.
///
/// # Errors
/// I/O errors of the listener.
pub async fn serve_llm(
    listener: tokio::net::TcpListener,
    state: Arc<LlmState>,
    limits: &crate::Limits,
) -> std::io::Result<()> {
    crate::serve_router(listener, llm_router(state), limits).await
}
