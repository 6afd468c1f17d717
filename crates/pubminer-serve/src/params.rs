//! Query parameters: only the documented ones are accepted, each parsed with a message that
//! names it, so a typo is a 400 rather than a silently ignored filter.

use std::collections::HashMap;

use crate::error::ApiError;

/// A request's query parameters, checked against the names an endpoint accepts.
pub struct Params(HashMap<String, String>);

impl Params {
    /// Checks that every parameter in `raw` is one of `allowed`.
    pub fn new(raw: HashMap<String, String>, allowed: &[&str]) -> Result<Self, ApiError> {
        if let Some(unknown) = raw.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(ApiError::BadRequest(format!(
                "unknown parameter `{unknown}` (this endpoint takes: {})",
                allowed.join(", ")
            )));
        }
        Ok(Self(raw))
    }

    /// A non-empty string parameter.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
    }

    /// A required non-empty string parameter.
    pub fn required(&self, name: &str) -> Result<&str, ApiError> {
        self.text(name)
            .ok_or_else(|| ApiError::BadRequest(format!("parameter `{name}` is required")))
    }

    /// A non-negative integer parameter in `0..=max`, or `default`.
    pub fn number(&self, name: &str, default: u64, max: u64) -> Result<u64, ApiError> {
        match self.text(name) {
            None => Ok(default),
            Some(v) => match v.parse::<u64>() {
                Ok(n) if n <= max => Ok(n),
                Ok(_) => Err(ApiError::BadRequest(format!(
                    "parameter `{name}` is at most {max}"
                ))),
                Err(_) => Err(ApiError::BadRequest(format!(
                    "parameter `{name}` must be a non-negative integer, not {v:?}"
                ))),
            },
        }
    }

    /// One of `choices`, or `default`.
    pub fn choice<'a>(
        &self,
        name: &str,
        choices: &[&'a str],
        default: &'a str,
    ) -> Result<&'a str, ApiError> {
        match self.text(name) {
            None => Ok(default),
            Some(v) => choices.iter().find(|c| **c == v).copied().ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "parameter `{name}` must be one of {}, not {v:?}",
                    choices.join(", ")
                ))
            }),
        }
    }
}
