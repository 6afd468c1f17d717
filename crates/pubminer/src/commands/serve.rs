//! `pubminer serve`: the web page and JSON API over a knowledge base.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context as _, Result};

/// Loads the knowledge base and serves it on `addr` with `limits` until Ctrl-C.
///
/// # Errors
/// A missing or unreadable knowledge base or HPA table, or an address that cannot be bound.
pub fn run(
    kb: Option<&Path>,
    addr: SocketAddr,
    hpa: Option<&Path>,
    limits: &pubminer_serve::Limits,
    quiet: bool,
) -> Result<()> {
    let kb = kb.map_or_else(crate::paths::default_kb, Path::to_owned);
    let hpa = hpa.map(Path::to_owned).or_else(|| {
        crate::paths::shared_data()
            .map(|d| d.join("reference/hpa-ihc/hpa_cancer_ihc_pathology.tsv"))
            .filter(|p| p.exists())
    });
    let started = std::time::Instant::now();
    let state = Arc::new(pubminer_serve::AppState::load(&kb, hpa.as_deref())?);
    on_loopback_unless_told(addr, quiet, |listener, bound| async move {
        if !quiet {
            eprintln!(
                "knowledge base {}: {} landscape row(s) loaded in {:.2}s{}",
                kb.display(),
                state.landscape.len(),
                started.elapsed().as_secs_f64(),
                hpa.as_ref()
                    .map(|p| format!("; HPA reference {}", p.display()))
                    .unwrap_or_default()
            );
        }
        // The line a script waits for (the port is the real one when ADDR ends in :0).
        println!("listening on http://{bound}/");
        pubminer_serve::serve(listener, Arc::clone(&state), limits)
            .await
            .context("the server failed")
    })
}

/// Starts the async runtime, binds `addr` (saying so when it is not a loopback address),
/// and runs `serve` on the listener and its bound address until it returns. Shared by
/// `serve` and `llm serve`.
///
/// # Errors
/// The runtime, the bind, or what `serve` returns.
pub fn on_loopback_unless_told<F, Fut>(addr: SocketAddr, quiet: bool, serve: F) -> Result<()>
where
    F: FnOnce(tokio::net::TcpListener, SocketAddr) -> Fut,
    Fut: Future<Output = Result<()>>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let bound = listener.local_addr()?;
        if !quiet && !bound.ip().is_loopback() {
            eprintln!("note: listening on {bound}, reachable from other machines");
        }
        serve(listener, bound).await
    })
}
