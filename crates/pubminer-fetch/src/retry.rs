//! The retry policy the E-utilities and chat clients share: transient failures (network
//! errors, HTTP 429 and 5xx, a body cut short) are retried with exponential backoff and up to
//! 50% jitter, never sooner than the server's `Retry-After`; anything else is final.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::{FetchError, Result};

/// What one attempt came to.
pub(crate) enum Attempt<T> {
    /// An answer (or a final refusal the caller turns into one).
    Done(T),
    /// Worth trying again: why, and how long the server asked to wait.
    Transient {
        message: String,
        retry_after: Option<Duration>,
    },
}

/// A pseudo-random fraction in [0, 1) for backoff jitter.
pub(crate) fn jitter() -> f64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    f64::from(nanos % 1000) / 1000.0
}

/// The `Retry-After` of a response, in seconds.
fn retry_after(headers: &ureq::http::HeaderMap) -> Option<Duration> {
    headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// A sent request: the response's status, `Retry-After` and body, or (for a network error)
/// the transient attempt to report.
///
/// # Errors
/// The [`Attempt::Transient`] of a request that never got a response.
pub(crate) fn received<T>(
    sent: std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> std::result::Result<(u16, Option<Duration>, ureq::Body), Attempt<T>> {
    match sent {
        Ok(response) => Ok((
            response.status().as_u16(),
            retry_after(response.headers()),
            response.into_body(),
        )),
        Err(e) => Err(Attempt::Transient {
            message: e.to_string(),
            retry_after: None,
        }),
    }
}

/// Whether an HTTP status is worth retrying (429 and 5xx).
pub(crate) fn is_transient(status: u16) -> bool {
    status == 429 || (500..=599).contains(&status)
}

/// Runs `once` (given the attempt number, from 1) until it is done, at most `attempts`
/// times, sleeping `backoff`·2^(n−1) plus jitter between attempts (at least `Retry-After`).
///
/// # Errors
/// What `once` returns, or [`FetchError::Network`] naming `url` after the last transient
/// failure.
pub(crate) fn with_retries<T>(
    url: &str,
    attempts: u32,
    backoff: Duration,
    mut once: impl FnMut(u32) -> Result<Attempt<T>>,
) -> Result<T> {
    let attempts = attempts.max(1);
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        let (message, retry_after) = match once(attempt)? {
            Attempt::Done(t) => return Ok(t),
            Attempt::Transient {
                message,
                retry_after,
            } => (message, retry_after),
        };
        if attempt >= attempts {
            return Err(FetchError::Network {
                url: url.to_owned(),
                message,
                attempts: attempt,
            });
        }
        let base = backoff.as_secs_f64() * f64::from(1u32 << (attempt - 1).min(6));
        let delay = Duration::from_secs_f64(base * (1.0 + 0.5 * jitter()));
        std::thread::sleep(retry_after.map_or(delay, |r| r.max(delay)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_transient_failures_then_gives_up_naming_the_url() {
        let mut calls = 0;
        let got = with_retries("http://x/y", 3, Duration::from_millis(1), |n| {
            calls += 1;
            Ok(if n < 3 {
                Attempt::Transient {
                    message: "HTTP 503".into(),
                    retry_after: None,
                }
            } else {
                Attempt::Done(n)
            })
        });
        assert_eq!(got.unwrap(), 3);
        assert_eq!(calls, 3);
        let err = with_retries::<()>("http://x/y", 2, Duration::from_millis(1), |_| {
            Ok(Attempt::Transient {
                message: "HTTP 429".into(),
                retry_after: Some(Duration::from_millis(1)),
            })
        })
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("http://x/y") && err.contains("HTTP 429"),
            "{err}"
        );
    }
}
