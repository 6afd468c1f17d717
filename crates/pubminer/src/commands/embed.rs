//! `pubminer embed`: texts through a BERT encoder, natively (candle); the same encoder that
//! `link --encoder` uses, run alone for timing and for vectors to use elsewhere.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::Args;

use super::Ctx;

/// Embed texts (one per line) with a BERT encoder model directory, natively (candle).
///
/// Writes little-endian f32 vectors, row-major, to OUT (`-o -` discards them, for
/// timing), and prints the shape. The same encoder serves `link --encoder`.
#[derive(Args, Debug)]
pub struct EmbedArgs {
    /// A file of texts, one per line.
    input: PathBuf,
    /// The model directory (config.json, tokenizer.json, model.safetensors).
    #[arg(long, value_name = "DIR")]
    encoder: PathBuf,
    /// Texts per forward pass (after sorting by length).
    #[arg(long, default_value_t = 64)]
    batch: usize,
    /// Output file of f32 vectors (`-` to discard).
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
}

/// Embeds the texts, writes the vectors and prints the shape and speed on stdout.
///
/// # Errors
/// An unreadable input, a model that does not load, an unwritable output.
pub fn run(args: &EmbedArgs, _ctx: &Ctx) -> Result<ExitCode> {
    let (input, encoder, output) = (&args.input, &args.encoder, &args.output);
    let text = std::fs::read_to_string(input)
        .with_context(|| format!("cannot read {}", input.display()))?;
    let texts: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let started = std::time::Instant::now();
    let model = pubminer_ml::BertEncoder::load(
        encoder,
        &pubminer_ml::EncoderOptions {
            batch_size: Some(args.batch),
            ..pubminer_ml::EncoderOptions::default()
        },
    )
    .with_context(|| format!("loading {}", encoder.display()))?;
    let loaded = started.elapsed().as_secs_f64();
    let started = std::time::Instant::now();
    let vectors = model.embed(&texts)?;
    let seconds = started.elapsed().as_secs_f64();
    if output.as_os_str() != "-" {
        let bytes: Vec<u8> = vectors.iter().flat_map(|v| v.to_le_bytes()).collect();
        std::fs::write(output, bytes)
            .with_context(|| format!("cannot write {}", output.display()))?;
    }
    println!(
        "{} texts x {} dims in {seconds:.2}s ({:.0} texts/s; model loaded in {loaded:.2}s)",
        texts.len(),
        model.dim(),
        texts.len() as f64 / seconds.max(1e-9)
    );
    Ok(ExitCode::SUCCESS)
}
