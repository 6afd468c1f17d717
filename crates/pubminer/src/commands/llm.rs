//! `pubminer llm`: run a GGUF model natively (`generate`), or serve it as an
//! OpenAI-compatible server (`serve`).

use std::io::Read as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use clap::{Args, Subcommand};
use pubminer_ml::llm::{ChatMessage, Decoder, DecoderOptions, Template};

use super::Ctx;
use crate::printer::Printer;
use crate::services::listen::on_loopback_unless_told;

/// Run an LLM natively (GGUF or safetensors: Gemma, Llama, Qwen2, Phi-3), or serve it as
/// an OpenAI-compatible server.
#[derive(Args, Debug)]
pub struct LlmCommandArgs {
    #[command(subcommand)]
    command: LlmCommand,
}

#[derive(Subcommand, Debug)]
enum LlmCommand {
    /// The model's greedy answer to a prompt, and its speed.
    #[command(after_help = "Examples:
  pubminer llm generate --model gemma-3-270m-q4_k_m.gguf \"Name three IHC markers of lung adenocarcinoma.\"
  cat prompt.txt | pubminer llm generate --model model.gguf --raw -")]
    Generate {
        /// A `.gguf` file, a directory with one, or a Hugging Face safetensors directory.
        #[arg(long, value_name = "PATH")]
        model: PathBuf,
        /// The user message (`-` reads standard input).
        prompt: String,
        /// Tokens at most.
        #[arg(long, default_value_t = 256, value_name = "N")]
        max_tokens: usize,
        /// Stop at this text (repeatable).
        #[arg(long, value_name = "TEXT")]
        stop: Vec<String>,
        /// The prompt as it is, without the chat template.
        #[arg(long)]
        raw: bool,
        /// Chat format instead of the model's: gemma, phi3, ihc-llminer, chatml, llama3,
        /// llama2, raw.
        #[arg(long, value_name = "NAME")]
        template: Option<String>,
        /// CUDA device 0 (a build with `--features cuda`).
        #[arg(long)]
        cuda: bool,
    },
    /// Serve the model at `/v1/chat/completions` (OpenAI-compatible, greedy).
    #[command(after_help = "Examples:
  pubminer llm serve --model gemma-3-270m-q4_k_m.gguf
  pubminer ihc run abstracts.tsv --engine llm --llm-url http://127.0.0.1:8081/v1")]
    Serve {
        /// A `.gguf` file, a directory with one, or a Hugging Face safetensors directory.
        #[arg(long, value_name = "PATH")]
        model: PathBuf,
        /// Address to listen on (loopback unless told otherwise).
        #[arg(long, default_value = "127.0.0.1:8081", value_name = "ADDR")]
        addr: SocketAddr,
        /// The model name to announce [default: from the GGUF].
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// Chat format instead of the model's.
        #[arg(long, value_name = "NAME")]
        template: Option<String>,
        /// CUDA device 0 (a build with `--features cuda`).
        #[arg(long)]
        cuda: bool,
    },
}

/// Runs an `llm` subcommand.
///
/// # Errors
/// The model does not load, generation fails, or the address cannot be bound.
pub fn run(args: &LlmCommandArgs, ctx: &Ctx) -> Result<ExitCode> {
    match &args.command {
        LlmCommand::Generate {
            model,
            prompt,
            max_tokens,
            stop,
            raw,
            template,
            cuda,
        } => generate(
            &GenerateArgs {
                model,
                prompt,
                max_tokens: *max_tokens,
                stop,
                raw: *raw,
                template: template.as_deref(),
                cuda: *cuda,
            },
            &ctx.printer,
        )?,
        LlmCommand::Serve {
            model,
            addr,
            name,
            template,
            cuda,
        } => serve(
            model,
            *addr,
            template.as_deref(),
            name.as_deref(),
            *cuda,
            &ctx.printer,
        )?,
    }
    Ok(ExitCode::SUCCESS)
}

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
struct GenerateArgs<'a> {
    /// The model.
    model: &'a Path,
    /// The user message (`-` for standard input); with `raw`, the whole prompt.
    prompt: &'a str,
    /// Tokens at most.
    max_tokens: usize,
    /// Stop strings.
    stop: &'a [String],
    /// Use the prompt as it is (no chat template).
    raw: bool,
    /// Template override.
    template: Option<&'a str>,
    /// CUDA device 0.
    cuda: bool,
}

/// Prints the model's greedy answer, and its speed on stderr.
///
/// # Errors
/// The model does not load or generation fails.
fn generate(args: &GenerateArgs<'_>, printer: &Printer) -> Result<()> {
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
    let decoded = g.tokens.len();
    printer.status(format_args!(
        "{} {}: loaded in {loaded:.2}s; prompt {} tokens in {:.2}s ({:.0} tokens/s); {decoded} tokens generated in {:.2}s ({:.1} tokens/s); stopped by {}",
        model.architecture(),
        model.name(),
        g.prompt_tokens,
        g.prefill_secs,
        g.prompt_tokens as f64 / g.prefill_secs.max(1e-9),
        g.decode_secs,
        decoded.saturating_sub(1) as f64 / g.decode_secs.max(1e-9),
        g.finish.as_str()
    ));
    Ok(())
}

/// Serves the model on `addr` until Ctrl-C.
///
/// # Errors
/// The model does not load or the address cannot be bound.
fn serve(
    model: &Path,
    addr: SocketAddr,
    template: Option<&str>,
    name: Option<&str>,
    cuda: bool,
    printer: &Printer,
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
    on_loopback_unless_told(addr, printer, |listener, bound| async move {
        // The line a script waits for (the real port when ADDR ends in :0).
        println!("model {name} at http://{bound}/v1");
        pubminer_serve::serve_llm(listener, state, &pubminer_serve::Limits::default())
            .await
            .context("the server failed")
    })
}
