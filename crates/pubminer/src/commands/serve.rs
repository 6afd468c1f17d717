//! `pubminer serve`: the web page and JSON API over a knowledge base.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use clap::Args;

use super::Ctx;
use crate::paths;
use crate::services;
use crate::services::listen::on_loopback_unless_told;

/// The web page and JSON API over an IHC knowledge base (read-only): the landscape
/// heatmap, marker and tumour pages with forest plots and the HPA reference, the evidence
/// sentences, search, CSV/JSON downloads; the OpenAPI document at /api/openapi.json.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  pubminer serve\n  pubminer serve --kb study.sqlite --addr 127.0.0.1:9000 --hpa hpa_cancer_ihc_pathology.tsv"
)]
pub struct ServeArgs {
    /// The knowledge base [default: DATA_DIR/ihc.sqlite].
    #[arg(long, value_name = "FILE")]
    kb: Option<PathBuf>,
    /// Address to listen on (loopback unless told otherwise).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    addr: SocketAddr,
    /// HPA's `hpa_cancer_ihc_pathology.tsv` for the reference column [default: the shared
    /// data's, when present].
    #[arg(long, value_name = "FILE")]
    hpa: Option<PathBuf>,
    /// A host name the server answers to besides localhost and IP addresses (repeat for
    /// more; `*` for any). Other names get 421, which stops DNS rebinding.
    #[arg(long, value_name = "NAME")]
    allow_host: Vec<String>,
}

/// Loads the knowledge base and serves it until Ctrl-C.
///
/// # Errors
/// A missing or unreadable knowledge base or HPA table, or an address that cannot be bound.
pub fn run(args: &ServeArgs, ctx: &Ctx) -> Result<ExitCode> {
    let printer = &ctx.printer;
    let limits = pubminer_serve::Limits {
        allowed_hosts: args.allow_host.clone(),
        ..pubminer_serve::Limits::default()
    };
    let kb = args.kb.clone().unwrap_or_else(paths::default_kb);
    let hpa = services::ihc::hpa_table(args.hpa.as_deref());
    let started = std::time::Instant::now();
    let state = Arc::new(pubminer_serve::AppState::load(&kb, hpa.as_deref())?);
    on_loopback_unless_told(args.addr, printer, |listener, bound| async move {
        printer.status(format_args!(
            "knowledge base {}: {} landscape row(s) loaded in {:.2}s{}",
            kb.display(),
            state.landscape.len(),
            started.elapsed().as_secs_f64(),
            hpa.as_ref()
                .map(|p| format!("; HPA reference {}", p.display()))
                .unwrap_or_default()
        ));
        // The line a script waits for (the port is the real one when ADDR ends in :0).
        println!("listening on http://{bound}/");
        pubminer_serve::serve(listener, Arc::clone(&state), &limits)
            .await
            .context("the server failed")
    })?;
    Ok(ExitCode::SUCCESS)
}
