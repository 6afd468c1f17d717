//! Serving a router over TCP with the limits a server needs even on loopback: a header-read
//! timeout (hyper's, which also closes a keep-alive connection left idle), a cap on open
//! connections (a semaphore; a connection over the cap is closed at once), and a `Host` check
//! against DNS rebinding (a page on another site that resolves its name to 127.0.0.1 cannot
//! read the API: its requests carry that name).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::sync::Semaphore;

/// The limits of a server.
#[derive(Clone, Debug)]
pub struct Limits {
    /// A client must send a request's headers within this time, and an idle connection is
    /// closed after it.
    pub header_timeout: Duration,
    /// Connections open at once; one more is closed as soon as it is accepted.
    pub max_connections: usize,
    /// Host names accepted besides `localhost` (and its subdomains) and IP addresses
    /// (`*` accepts any).
    pub allowed_hosts: Vec<String>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            max_connections: 512,
            allowed_hosts: Vec::new(),
        }
    }
}

/// True when a request's `Host` header names this server: `localhost` (or a subdomain of
/// it), an IP address (DNS rebinding needs a name), or a name the user allowed; any port.
#[must_use]
pub fn host_allowed(host: &str, allowed: &[String]) -> bool {
    let host = host.trim();
    let name = if let Some(rest) = host.strip_prefix('[') {
        // `[::1]:8080`
        rest.split(']').next().unwrap_or_default()
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        }
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<IpAddr>().is_ok()
        || allowed
            .iter()
            .any(|a| a == "*" || a.trim_end_matches('.').eq_ignore_ascii_case(&name))
}

async fn check_host(
    State(allowed): State<Arc<Vec<String>>>,
    request: Request,
    next: Next,
) -> Response {
    let host = request.headers().get(header::HOST).map(|h| h.to_str());
    match host {
        // HTTP/1.0 without a Host header: no browser sends that.
        None => next.run(request).await,
        Some(Ok(h)) if host_allowed(h, &allowed) => next.run(request).await,
        Some(_) => (
            StatusCode::MISDIRECTED_REQUEST,
            "this server answers only to localhost and its IP addresses (pubminer serve --allow-host NAME to add a name)\n",
        )
            .into_response(),
    }
}

/// Serves `router` on `listener` with `limits` until Ctrl-C.
///
/// # Errors
/// Never in practice: accept errors (such as running out of file descriptors) are waited
/// out, not returned.
pub async fn serve_router(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    limits: &Limits,
) -> std::io::Result<()> {
    let router = router.layer(axum::middleware::from_fn_with_state(
        Arc::new(limits.allowed_hosts.clone()),
        check_host,
    ));
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let shutdown = tokio::signal::ctrl_c();
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            _ = &mut shutdown => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => {
                    // Out of descriptors or a connection reset before accept: wait a little
                    // rather than spin.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let service = TowerToHyperService::new(router.clone());
        let timeout = limits.header_timeout;
        tokio::spawn(async move {
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(timeout)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            drop(permit);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::host_allowed;

    #[test]
    fn hosts() {
        let none: Vec<String> = Vec::new();
        for ok in [
            "localhost",
            "localhost:8080",
            "LOCALHOST.",
            "app.localhost:1",
            "127.0.0.1:5",
            "[::1]:80",
            "192.168.1.7:8080",
        ] {
            assert!(host_allowed(ok, &none), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8080",
            "localhost.evil.example",
            "",
        ] {
            assert!(!host_allowed(bad, &none), "{bad}");
        }
        assert!(host_allowed("kb.lab.org:80", &["kb.lab.org".to_owned()]));
        assert!(host_allowed("anything", &["*".to_owned()]));
    }
}
