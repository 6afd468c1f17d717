//! The async runtime and the listener of both servers (`serve` and `llm serve`): bound to
//! the address asked for, with a note when that is not a loopback address.

use std::net::SocketAddr;

use anyhow::{Context as _, Result};

use crate::printer::Printer;

/// Starts the async runtime, binds `addr` (saying so when it is not a loopback address),
/// and runs `serve` on the listener and its bound address until it returns. Shared by
/// `serve` and `llm serve`.
///
/// # Errors
/// The runtime, the bind, or what `serve` returns.
pub fn on_loopback_unless_told<F, Fut>(addr: SocketAddr, printer: &Printer, serve: F) -> Result<()>
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
        if !bound.ip().is_loopback() {
            printer.status(format_args!(
                "note: listening on {bound}, reachable from other machines"
            ));
        }
        serve(listener, bound).await
    })
}
