//! The web page and JSON API over an IHC knowledge base (`pubminer serve`).
//!
//! Why a crate of its own: it is the only part of pubminer that runs an async runtime and an
//! HTTP stack (tokio, axum), and keeping them here keeps every other crate synchronous and
//! light. The server is read-only: it opens the SQLite file with `SQLITE_OPEN_READ_ONLY`,
//! computes the landscape once at start-up (the file does not change under it), and answers
//! evidence and document requests with bound-parameter queries on a small pool of
//! connections. The page is one HTML file embedded in the binary (no Node build step).
//!
//! Routes (documented in `/api/openapi.json`):
//! `/` (the page), `/api/landscape`, `/api/markers/{key}`, `/api/tumours/{key}`,
//! `/api/evidence`, `/api/documents/{id}`, `/api/search`, `/api/openapi.json`.
//!
//! It also holds the OpenAI-compatible chat server of `pubminer llm serve` ([`llm_router`]),
//! which puts a native GGUF model behind `/v1/chat/completions`.

mod api;
mod error;
mod limits;
mod openai;
mod params;
mod state;

use std::sync::Arc;

pub use limits::{Limits, host_allowed, serve_router};
pub use openai::{LlmState, llm_router, serve_llm};
pub use state::{AppState, StateError};

/// The page, embedded.
const INDEX_HTML: &str = include_str!("../assets/index.html");
/// The OpenAPI document, embedded.
pub const OPENAPI_JSON: &str = include_str!("../assets/openapi.json");

/// The router over `state`.
pub fn router(state: Arc<AppState>) -> axum::Router {
    use axum::routing::get;
    axum::Router::new()
        .route("/", get(|| async { axum::response::Html(INDEX_HTML) }))
        .route(
            "/api/openapi.json",
            get(|| async {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    OPENAPI_JSON,
                )
            }),
        )
        .route("/api/landscape", get(api::landscape))
        .route("/api/markers/{*key}", get(api::marker))
        .route("/api/tumours/{*key}", get(api::tumour))
        .route("/api/evidence", get(api::evidence))
        .route("/api/documents/{*id}", get(api::document))
        .route("/api/search", get(api::search))
        .fallback(api::not_found)
        .with_state(state)
}

/// Serves `state` on `listener` with `limits` until Ctrl-C.
///
/// # Errors
/// I/O errors of the listener.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    limits: &Limits,
) -> std::io::Result<()> {
    serve_router(listener, router(state), limits).await
}
