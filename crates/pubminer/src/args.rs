//! Argument groups that several commands flatten into theirs: how to read inputs
//! ([`InputArgs`]), where the lexicon comes from ([`LexiconArgs`]), which IHC engine decides
//! ([`EngineArgs`]) and how to reach an LLM ([`LlmBackendArgs`]), with the value enums they use
//! and their conversions to the library crates' types.
//!
//! Each command's own arguments live in its `commands/` module; only what is shared is here.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use pubminer_core::OffsetUnit;
use pubminer_eval::types::TypeMapping;
use pubminer_formats::{Format, OutputFormat, ReadOptions};
use pubminer_lexicon::EntityType;

/// Options shared by every command that reads documents.
#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// Input format [default: detected from the content].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub from: Option<FromFormat>,
    /// Unit of PubTator/BioC offsets: characters (Python, PubTator) or UTF-16 units (Java).
    #[arg(long, value_enum, default_value_t = UnitArg::Char)]
    pub offset_unit: UnitArg,
    /// Move an annotation whose offsets do not cover its text to the one place in its
    /// passage where the text occurs (reported), instead of dropping it (also reported).
    #[arg(long)]
    pub repair_offsets: bool,
    /// Refuse records larger than this many MiB: each is skipped while it is read (reported;
    /// the file is read on). A PubMed record is tens of KB, the largest PMC article a few MB.
    #[arg(long, value_name = "MB", default_value_t = 32)]
    pub max_record_mb: usize,
}

impl InputArgs {
    /// The reading options these arguments ask for.
    #[must_use]
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            format: self.from.map(FromFormat::format),
            offset_unit: match self.offset_unit {
                UnitArg::Char => OffsetUnit::Char,
                UnitArg::Utf16 => OffsetUnit::Utf16,
                UnitArg::Byte => OffsetUnit::Byte,
            },
            repair_offsets: self.repair_offsets,
            max_record_bytes: self.max_record_mb.saturating_mul(1 << 20),
        }
    }
}

/// An input format (`--from`).
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FromFormat {
    Pubmed,
    Pubtator,
    BiocXml,
    BiocJson,
    Jsonl,
    Tsv,
    Text,
    Iob,
}

impl FromFormat {
    /// The library's format.
    #[must_use]
    pub fn format(self) -> Format {
        match self {
            Self::Pubmed => Format::Pubmed,
            Self::Pubtator => Format::Pubtator,
            Self::BiocXml => Format::BiocXml,
            Self::BiocJson => Format::BiocJson,
            Self::Jsonl => Format::Jsonl,
            Self::Tsv => Format::Tsv,
            Self::Text => Format::Text,
            Self::Iob => Format::Iob,
        }
    }
}

/// An output format (`--to`).
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ToFormat {
    Jsonl,
    Pubtator,
    BiocXml,
    BiocJson,
}

impl ToFormat {
    /// The library's format.
    #[must_use]
    pub fn format(self) -> OutputFormat {
        match self {
            Self::Jsonl => OutputFormat::Jsonl,
            Self::Pubtator => OutputFormat::Pubtator,
            Self::BiocXml => OutputFormat::BiocXml,
            Self::BiocJson => OutputFormat::BiocJson,
        }
    }
}

/// The unit of external offsets (`--offset-unit`).
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum UnitArg {
    Char,
    Utf16,
    Byte,
}

/// Where the lexicon comes from.
#[derive(Args, Debug, Clone)]
pub struct LexiconArgs {
    /// Lexicon artifact [default: DATA_DIR/lexicon.pmlex, built on first use].
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,
    /// Vocabulary directory for building the default lexicon.
    #[arg(long, value_name = "DIR")]
    pub vocab: Option<PathBuf>,
}

/// Which IHC engine decides, and how to reach an LLM.
#[derive(Args, Debug, Clone)]
pub struct EngineArgs {
    /// `default` (a model trained on annotated abstracts decides over the rules'
    /// candidates), `rules` (the rules alone), `llm` (IHC-LLMiner's prompts through an
    /// OpenAI-compatible server or a native model), or `hybrid` (the LLM only where the
    /// default engine is unsure).
    #[arg(long, value_enum, default_value_t = EngineArg::Default)]
    pub engine: EngineArg,
    /// An IHC model from `pubminer ihc train` instead of the compiled-in one.
    #[arg(long, value_name = "MODEL")]
    pub model: Option<PathBuf>,
    /// Rules to switch off, comma-separated (`pubminer ihc rules` lists them); a trained
    /// model runs with the rules it was trained with.
    #[arg(long, value_name = "RULES")]
    pub rules_off: Option<String>,
    /// One JSON-schema-constrained request per abstract instead of IHC-LLMiner's two prompts.
    #[arg(long)]
    pub llm_json: bool,
    #[command(flatten)]
    pub llm: LlmBackendArgs,
}

/// The IHC engine (`--engine`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    /// The trained model over the rules' candidates (`--model`, else the compiled-in one).
    Default,
    /// The rules alone (their own picks and include/exclude rules), for comparison.
    Rules,
    /// An LLM alone.
    Llm,
    /// The default engine, and the LLM where it is unsure.
    Hybrid,
}

/// How to reach an LLM: a server, or a GGUF model run natively.
#[derive(Args, Debug, Clone)]
pub struct LlmBackendArgs {
    /// The server's OpenAI-compatible base URL (vLLM, llama.cpp, Ollama, TGI, OpenAI,
    /// `pubminer llm serve`); the API key is read from $PUBMINER_LLM_API_KEY or
    /// $OPENAI_API_KEY.
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8080/v1")]
    pub llm_url: String,
    /// The model name the server knows.
    #[arg(long, value_name = "NAME", default_value = "default")]
    pub llm_model: String,
    /// Response cache [default: DATA_DIR/llm-cache.sqlite]; `none` disables it.
    #[arg(long, value_name = "FILE")]
    pub llm_cache: Option<PathBuf>,
    /// Seconds per request.
    #[arg(long, default_value_t = 300, value_name = "S")]
    pub llm_timeout: u64,
    /// Requests in flight at once, whatever the number of worker threads.
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub llm_concurrency: usize,
    /// Tokens of an answer at most: an IHC extraction table (IHC-LLMiner: 1024) or the
    /// entities of one passage.
    #[arg(long, default_value_t = 1024, value_name = "N")]
    pub llm_max_tokens: u32,
    /// Run a model natively instead of asking a server: a `.gguf` file, a directory with one
    /// (and optionally the model's tokenizer.json and tokenizer_config.json), or a Hugging
    /// Face directory of safetensors weights. GGUF: Gemma 1/2/3, Llama 2/3, Qwen2, Phi-3;
    /// safetensors: Gemma 2/3, Llama, Qwen2, Phi-3.
    #[arg(long, value_name = "PATH")]
    pub llm_native: Option<PathBuf>,
    /// Chat format of the native model instead of its own template: gemma, phi3,
    /// ihc-llminer (IHC-LLMiner's fine-tuned checkpoints), chatml, llama3, llama2, raw.
    #[arg(long, value_name = "NAME", requires = "llm_native")]
    pub llm_template: Option<String>,
    /// A tokenizer.json for the native model instead of the GGUF's vocabulary.
    #[arg(long, value_name = "FILE", requires = "llm_native")]
    pub llm_tokenizer: Option<PathBuf>,
    /// Run the native model on CUDA device 0 (a build with `--features cuda`).
    #[arg(long, requires = "llm_native")]
    pub llm_cuda: bool,
}

/// Parses an entity type name (`--types`), listing the known ones when it is not one.
///
/// # Errors
/// An unknown name.
pub fn parse_entity_type(s: &str) -> Result<EntityType, String> {
    EntityType::from_name(s.trim()).ok_or_else(|| {
        format!(
            "unknown entity type {s:?} (known: {})",
            EntityType::ALL.map(|t| t.name()).join(", ")
        )
    })
}

/// Checks a `--map` value (for clap), so a malformed one is a usage error.
///
/// # Errors
/// When the value is not `Corpus=Ours` with a known target.
pub fn parse_map(value: &str) -> Result<String, String> {
    TypeMapping::default()
        .parse_override(value)
        .map(|()| value.to_owned())
        .map_err(|e| e.to_string())
}
