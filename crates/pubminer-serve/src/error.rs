//! The API's error: an HTTP status and a message, answered as `{"error": "..."}`. Both the
//! handlers (`api.rs`) and the parameter checks (`params.rs`) return it, so it lives apart
//! from both.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An API error: status and message, as `{"error": "..."}`.
#[derive(Debug)]
pub enum ApiError {
    /// 400.
    BadRequest(String),
    /// 404.
    NotFound(String),
    /// 500.
    Internal(String),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            Self::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
            Self::NotFound(m) => (StatusCode::NOT_FOUND, m),
            Self::Internal(m) => (StatusCode::INTERNAL_SERVER_ERROR, m),
        };
        (status, Json(serde_json::json!({ "error": message }))).into_response()
    }
}

/// `err` and its causes, joined by `: `, for an error message that is text, not a chain.
pub fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}
