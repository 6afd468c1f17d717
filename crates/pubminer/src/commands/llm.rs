//! `pubminer llm`: run a GGUF model natively (`generate`), or serve it as an
//! OpenAI-compatible server (`serve`).

use std::io::Read as _;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use pubminer_ml::llm::{ChatMessage, Decoder, DecoderOptions, Template};

/// Loads a native model with an optional template override.
fn load(model: &Path, template: Option<&str>, cuda: bool) -> Result<Decoder> {
    let options = DecoderOptions {
        template: template.map(Template::named).transpose()?,
        cuda,
        ..DecoderOptions::default()
    };
    Decoder::load(model, &options).with_context(|| format!("loading {}", model.display()))
}

/// What `generate` was asked.
pub struct GenerateArgs<'a> {
    /// The model.
    pub model: &'a Path,
    /// The user message (`-` for standard input); with `raw`, the whole prompt.
    pub prompt: &'a str,
    /// Tokens at most.
    pub max_tokens: usize,
    /// Stop strings.
    pub stop: &'a [String],
    /// Use the prompt as it is (no chat template).
    pub raw: bool,
    /// Template override.
    pub template: Option<&'a str>,
    /// CUDA device 0.
    pub cuda: bool,
}

/// Prints the model's greedy answer, and its speed on stderr.
///
/// # Errors
/// The model does not load or generation fails.
pub fn generate(args: &GenerateArgs<'_>, quiet: bool) -> Result<()> {
    let started = std::time::Instant::now();
    let mut model = load(args.model, args.template, args.cuda)?;
    let loaded = started.elapsed().as_secs_f64();
    let text = if args.prompt == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("cannot read the prompt from standard input")?;
        s
    } else {
        args.prompt.to_string()
    };
    let g = if args.raw {
        let ids = model.tokenize_prompt(&text)?;
        model.generate(&ids, args.max_tokens, args.stop)?
    } else {
        model.chat(
            &[ChatMessage::new("user", text)],
            args.max_tokens,
            args.stop,
        )?
    };
    println!("{}", g.text);
    if !quiet {
        let decoded = g.tokens.len();
        eprintln!(
            "{} {}: loaded in {loaded:.2}s; prompt {} tokens in {:.2}s ({:.0} tokens/s); {decoded} tokens generated in {:.2}s ({:.1} tokens/s); stopped by {}",
            model.architecture(),
            model.name(),
            g.prompt_tokens,
            g.prefill_secs,
            g.prompt_tokens as f64 / g.prefill_secs.max(1e-9),
            g.decode_secs,
            decoded.saturating_sub(1) as f64 / g.decode_secs.max(1e-9),
            g.finish.as_str()
        );
    }
    Ok(())
}

/// Serves the model on `addr` until Ctrl-C.
///
/// # Errors
/// The model does not load or the address cannot be bound.
pub fn serve(
    model: &Path,
    addr: SocketAddr,
    template: Option<&str>,
    name: Option<&str>,
    cuda: bool,
    quiet: bool,
) -> Result<()> {
    let backend = pubminer_llm::Native::load(model, template, None, cuda)
        .with_context(|| format!("loading {}", model.display()))?;
    let name = name.map_or_else(
        || {
            backend.with_decoder(|d| {
                d.name()
                    .to_lowercase()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join("-")
            })
        },
        str::to_string,
    );
    let state = Arc::new(pubminer_serve::LlmState::new(
        Box::new(backend),
        name.clone(),
    ));
    super::serve::on_loopback_unless_told(addr, quiet, |listener, bound| async move {
        // The line a script waits for (the real port when ADDR ends in :0).
        println!("model {name} at http://{bound}/v1");
        pubminer_serve::serve_llm(listener, state, &pubminer_serve::Limits::default())
            .await
            .context("the server failed")
    })
}
