//! A decoder model loaded from GGUF, with its tokenizer and chat template, and greedy
//! generation with a KV cache, stop tokens, stop strings and a token limit.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::time::Instant;

use candle_core::quantized::gguf_file::Content;
use candle_core::{Device, Tensor};
use candle_transformers::models::{quantized_llama, quantized_phi3, quantized_qwen2};

use super::dense::Dense;
use super::gemma::Gemma;
use super::template::{ChatMessage, Template};
use super::vocab::{Vocab, meta_bool, meta_str, meta_u32};
use crate::error::{MlError, Result};

/// The architectures the native backend runs.
enum Arch {
    Dense(Box<Dense>),
    Gemma(Box<Gemma>),
    Llama(Box<quantized_llama::ModelWeights>),
    Qwen2(Box<quantized_qwen2::ModelWeights>),
    Phi3(Box<quantized_phi3::ModelWeights>),
}

impl Arch {
    fn forward(&mut self, tokens: &[u32], pos: usize, device: &Device) -> Result<Tensor> {
        let input = || -> Result<Tensor> { Ok(Tensor::new(tokens, device)?.unsqueeze(0)?) };
        let logits = match self {
            Self::Gemma(m) => return m.forward(tokens, pos),
            Self::Dense(m) => return m.forward(tokens, pos, device),
            Self::Llama(m) => m.forward(&input()?, pos)?,
            Self::Qwen2(m) => m.forward(&input()?, pos)?,
            Self::Phi3(m) => m.forward(&input()?, pos)?,
        };
        // (1, vocab) or (1, t, vocab): the last position's logits.
        let logits = logits.squeeze(0)?;
        let logits = if logits.rank() == 2 {
            logits.get(logits.dim(0)? - 1)?
        } else {
            logits
        };
        Ok(logits.to_dtype(candle_core::DType::F32)?)
    }
}

/// The end-of-turn markers of the chat formats: generation stops at any the vocabulary has.
const END_MARKERS: [&str; 6] = [
    "<end_of_turn>",
    "<|end|>",
    "<|eot_id|>",
    "<|im_end|>",
    "<|endoftext|>",
    "</s>",
];

/// Adds the end-of-turn markers `vocab` has to `ids`, sorted and without repeats.
fn with_end_markers(ids: &mut Vec<u32>, vocab: &Vocab) {
    ids.extend(END_MARKERS.iter().filter_map(|m| vocab.id(m)));
    ids.sort_unstable();
    ids.dedup();
}

/// Where to find what a GGUF file lacks.
#[derive(Clone, Debug, Default)]
pub struct DecoderOptions {
    /// A `tokenizer.json` to use instead of the GGUF's vocabulary.
    pub tokenizer: Option<PathBuf>,
    /// A template to use instead of the model's (`tokenizer_config.json` beside the model,
    /// the GGUF's `tokenizer.chat_template`, or the architecture's built-in format).
    pub template: Option<Template>,
    /// Run on CUDA device 0 (needs the `cuda` feature).
    pub cuda: bool,
}

/// Why generation stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finish {
    /// An end-of-turn token or a stop string.
    Stop,
    /// The token limit.
    Length,
}

impl Finish {
    /// The OpenAI `finish_reason`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stop => "stop",
            Self::Length => "length",
        }
    }
}

/// One generation.
#[derive(Clone, Debug)]
pub struct Generation {
    /// The text, cut before any stop string.
    pub text: String,
    /// The generated token ids (without the stop token).
    pub tokens: Vec<u32>,
    /// Tokens in the prompt.
    pub prompt_tokens: usize,
    /// Why it stopped.
    pub finish: Finish,
    /// Seconds spent on the prompt.
    pub prefill_secs: f64,
    /// Seconds spent generating.
    pub decode_secs: f64,
}

/// A decoder-only LLM run natively.
pub struct Decoder {
    arch: Arch,
    vocab: Vocab,
    template: Template,
    bos: Option<u32>,
    stop_ids: Vec<u32>,
    context: usize,
    name: String,
    architecture: String,
    device: Device,
    /// Tokens in the KV cache.
    pos: usize,
}

impl std::fmt::Debug for Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoder")
            .field("name", &self.name)
            .field("architecture", &self.architecture)
            .field("vocab", &self.vocab)
            .finish_non_exhaustive()
    }
}

/// The GGUF file of `path`: the file itself, or the only `.gguf` file in a directory.
///
/// # Errors
/// No GGUF file, or several in the directory.
pub fn gguf_path(path: &Path) -> Result<PathBuf> {
    if path.is_file() {
        return Ok(path.to_path_buf());
    }
    let entries = std::fs::read_dir(path).map_err(|e| {
        MlError::file(
            path,
            format!("{e}; give a .gguf file or a directory holding one"),
        )
    })?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "gguf"))
        .collect();
    found.sort();
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(MlError::file(path, "no .gguf file in this directory")),
        _ => Err(MlError::file(
            path,
            format!(
                "{} .gguf files in this directory; name the one to use",
                found.len()
            ),
        )),
    }
}

impl Decoder {
    /// Loads a GGUF model (a file, or a directory with one `.gguf` file and optionally the
    /// model's `tokenizer.json` and `tokenizer_config.json`), or a Hugging Face directory of
    /// safetensors weights (`config.json`, `*.safetensors`, `tokenizer.json`).
    ///
    /// # Errors
    /// Unreadable files, an unsupported architecture, missing tensors or metadata.
    pub fn load(path: &Path, options: &DecoderOptions) -> Result<Self> {
        let device = if options.cuda {
            Device::new_cuda(0).map_err(|e| {
                MlError::Model(format!(
                    "no CUDA device ({e}); build with `--features cuda` on a machine with a GPU"
                ))
            })?
        } else {
            Device::Cpu
        };
        if path.is_dir() && path.join("config.json").exists() && gguf_path(path).is_err() {
            return Self::load_dense(path, options, device);
        }
        let file = gguf_path(path)?;
        let dir = file.parent().unwrap_or(Path::new(".")).to_path_buf();
        let mut reader = BufReader::new(
            File::open(&file).map_err(|e| MlError::file(&file, format!("cannot open: {e}")))?,
        );
        let ct = Content::read(&mut reader)
            .map_err(|e| MlError::file(&file, format!("not a GGUF file: {e}")))?;
        let architecture = meta_str(&ct, "general.architecture")
            .ok_or_else(|| MlError::file(&file, "no general.architecture in the GGUF metadata"))?
            .to_string();
        let name = meta_str(&ct, "general.name")
            .map(str::to_string)
            .unwrap_or_else(|| {
                file.file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
        let vocab = match options
            .tokenizer
            .clone()
            .or_else(|| Some(dir.join("tokenizer.json")).filter(|p| p.exists()))
        {
            Some(p) => Vocab::Hf(Box::new(
                tokenizers::Tokenizer::from_file(&p)
                    .map_err(|e| MlError::file(&p, format!("not a tokenizer.json: {e}")))?,
            )),
            None => Vocab::from_gguf(&ct)?,
        };
        let context =
            meta_u32(&ct, &format!("{architecture}.context_length")).map_or(4096, |c| c as usize);
        let bos_id = meta_u32(&ct, "tokenizer.ggml.bos_token_id");
        let add_bos = meta_bool(&ct, "tokenizer.ggml.add_bos_token")
            .unwrap_or(matches!(vocab, Vocab::Spm(_)));
        let bos = bos_id.filter(|_| add_bos);
        let config = dir.join("tokenizer_config.json");
        // The template: the caller's, else the model's tokenizer_config.json beside the file,
        // else the GGUF's own, else the architecture's built-in format.
        let from_config = if config.exists() {
            Template::from_tokenizer_config(&config).ok()
        } else {
            None
        };
        let template = match (&options.template, from_config) {
            (Some(t), _) => t.clone(),
            (None, Some(t)) => t,
            (None, None) => match meta_str(&ct, "tokenizer.chat_template") {
                Some(source) => Template::Jinja {
                    source: source.to_string(),
                    bos: bos_id.and_then(|id| vocab.token(id)).unwrap_or_default(),
                    eos: meta_u32(&ct, "tokenizer.ggml.eos_token_id")
                        .and_then(|id| vocab.token(id))
                        .unwrap_or_default(),
                },
                None => Template::for_architecture(&architecture, |t| vocab.id(t).is_some()),
            },
        };
        let mut stop_ids: Vec<u32> = ["tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id"]
            .iter()
            .filter_map(|k| meta_u32(&ct, k))
            .collect();
        with_end_markers(&mut stop_ids, &vocab);
        let load_err = |e: candle_core::Error| MlError::file(&file, format!("{e}"));
        let arch = match architecture.as_str() {
            "gemma" | "gemma2" | "gemma3" => {
                Arch::Gemma(Box::new(Gemma::from_gguf(&ct, &mut reader, &device)?))
            }
            "llama" => Arch::Llama(Box::new(
                quantized_llama::ModelWeights::from_gguf(ct, &mut reader, &device)
                    .map_err(load_err)?,
            )),
            "qwen2" => Arch::Qwen2(Box::new(
                quantized_qwen2::ModelWeights::from_gguf(ct, &mut reader, &device)
                    .map_err(load_err)?,
            )),
            "phi3" => Arch::Phi3(Box::new(
                quantized_phi3::ModelWeights::from_gguf(false, ct, &mut reader, &device)
                    .map_err(load_err)?,
            )),
            other => {
                return Err(MlError::file(
                    &file,
                    format!(
                        "architecture {other:?} is not supported natively (gemma, gemma2, gemma3, llama, qwen2, phi3 are); serve it through an OpenAI-compatible server (--llm-url)"
                    ),
                ));
            }
        };
        let context = match architecture.as_str() {
            "llama" => context.min(quantized_llama::MAX_SEQ_LEN),
            _ => context,
        };
        Ok(Self {
            arch,
            vocab,
            template,
            bos,
            stop_ids,
            context,
            name,
            architecture,
            device,
            pos: 0,
        })
    }

    /// A Hugging Face directory: `config.json`, safetensors weights, `tokenizer.json`, and
    /// optionally `tokenizer_config.json` (chat template, BOS).
    fn load_dense(dir: &Path, options: &DecoderOptions, device: Device) -> Result<Self> {
        let config_path = dir.join("config.json");
        let text = std::fs::read_to_string(&config_path)
            .map_err(|e| MlError::file(&config_path, e.to_string()))?;
        let config: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| MlError::file(&config_path, format!("not valid JSON: {e}")))?;
        let architecture = super::dense::architecture(&config, &config_path)?.to_string();
        let tokenizer = options
            .tokenizer
            .clone()
            .unwrap_or_else(|| dir.join("tokenizer.json"));
        let vocab = Vocab::Hf(Box::new(
            tokenizers::Tokenizer::from_file(&tokenizer).map_err(|e| {
                MlError::file(
                    &tokenizer,
                    format!("a safetensors model needs its tokenizer.json: {e}"),
                )
            })?,
        ));
        let tk_config_path = dir.join("tokenizer_config.json");
        let tk_config: serde_json::Value = std::fs::read_to_string(&tk_config_path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        let template = match &options.template {
            Some(t) => t.clone(),
            None => Template::from_tokenizer_config(&tk_config_path).unwrap_or_else(|_| {
                Template::for_architecture(&architecture, |t| vocab.id(t).is_some())
            }),
        };
        let text_config = config.get("text_config").unwrap_or(&config);
        let id = |v: &serde_json::Value| v.as_u64().and_then(|x| u32::try_from(x).ok());
        let bos = config
            .get("bos_token_id")
            .or_else(|| text_config.get("bos_token_id"))
            .and_then(id)
            .filter(|_| {
                tk_config
                    .get("add_bos_token")
                    .and_then(serde_json::Value::as_bool)
                    .unwrap_or(false)
            });
        let mut stop_ids: Vec<u32> = match config
            .get("eos_token_id")
            .or_else(|| text_config.get("eos_token_id"))
        {
            Some(serde_json::Value::Array(a)) => a.iter().filter_map(id).collect(),
            Some(v) => id(v).into_iter().collect(),
            None => Vec::new(),
        };
        with_end_markers(&mut stop_ids, &vocab);
        let context = text_config
            .get("max_position_embeddings")
            .and_then(serde_json::Value::as_u64)
            .map_or(4096, |c| c as usize);
        let arch = Arch::Dense(Box::new(Dense::load(dir, &config, &device)?));
        Ok(Self {
            arch,
            vocab,
            template,
            bos,
            stop_ids,
            context,
            name: dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            architecture,
            device,
            pos: 0,
        })
    }

    /// The model's name (`general.name`).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The architecture (`general.architecture`).
    #[must_use]
    pub fn architecture(&self) -> &str {
        &self.architecture
    }

    /// The tokenizer.
    #[must_use]
    pub fn vocab(&self) -> &Vocab {
        &self.vocab
    }

    /// The chat template in use.
    #[must_use]
    pub fn template(&self) -> &Template {
        &self.template
    }

    /// The token ids of a prompt: BOS (when the model adds one and the text does not start
    /// with it), then the text with control tokens read as such.
    ///
    /// # Errors
    /// The tokenizer failed.
    pub fn tokenize_prompt(&self, prompt: &str) -> Result<Vec<u32>> {
        let mut ids = Vec::new();
        if let Some(bos) = self.bos {
            let bos_text = self.vocab.token(bos).unwrap_or_default();
            if bos_text.is_empty() || !prompt.starts_with(&bos_text) {
                ids.push(bos);
            }
        }
        ids.extend(self.vocab.encode(prompt, true)?);
        Ok(ids)
    }

    /// The reply to `messages`, through the chat template.
    ///
    /// # Errors
    /// The template, the tokenizer, a prompt longer than the context, or candle.
    pub fn chat(
        &mut self,
        messages: &[ChatMessage],
        max_tokens: usize,
        stop: &[String],
    ) -> Result<Generation> {
        let prompt = self.template.render(messages)?;
        let ids = self.tokenize_prompt(&prompt)?;
        self.generate(&ids, max_tokens, stop)
    }

    /// Greedy generation after `prompt` (token ids), at most `max_tokens` tokens, stopping
    /// at an end-of-turn token or when the text contains one of `stop`.
    ///
    /// # Errors
    /// An empty prompt or one that does not fit the context, or candle.
    pub fn generate(
        &mut self,
        prompt: &[u32],
        max_tokens: usize,
        stop: &[String],
    ) -> Result<Generation> {
        let started = Instant::now();
        let mut logits = self.prefill(prompt)?;
        let prefill_secs = started.elapsed().as_secs_f64();
        let max_tokens = max_tokens.min(self.context - prompt.len());
        let started = Instant::now();
        let mut tokens = Vec::new();
        let mut bytes = Vec::new();
        let mut finish = Finish::Length;
        let mut stopped_by_string = false;
        let longest_stop = stop.iter().map(String::len).max().unwrap_or(0);
        while tokens.len() < max_tokens {
            let next = argmax(&logits);
            if self.stop_ids.contains(&next) {
                finish = Finish::Stop;
                break;
            }
            tokens.push(next);
            let before = bytes.len();
            bytes.extend(self.vocab.piece(next));
            // Only the bytes this token added can complete a stop string: search the text of
            // the tail (3 bytes more, so a character cut at its start cannot hide a match).
            let from = before.saturating_sub(longest_stop + 3);
            let tail = String::from_utf8_lossy(&bytes[from..]);
            if stop
                .iter()
                .filter(|s| !s.is_empty())
                .any(|s| tail.contains(s.as_str()))
            {
                stopped_by_string = true;
                finish = Finish::Stop;
                break;
            }
            if tokens.len() == max_tokens {
                break;
            }
            logits = self.step(next)?;
        }
        let mut text = match &self.vocab {
            Vocab::Spm(_) => String::from_utf8_lossy(&bytes).into_owned(),
            Vocab::Hf(_) => self.vocab.decode(&tokens),
        };
        if stopped_by_string
            && let Some(at) = stop
                .iter()
                .filter(|s| !s.is_empty())
                .filter_map(|s| text.find(s.as_str()))
                .min()
        {
            // `find` gives a character boundary of the text itself, so this cannot split one.
            text.truncate(at);
        }
        Ok(Generation {
            text,
            tokens,
            prompt_tokens: prompt.len(),
            finish,
            prefill_secs,
            decode_secs: started.elapsed().as_secs_f64(),
        })
    }

    /// Starts a sequence: runs `prompt` through the model (dropping the cache) and returns
    /// the logits of the next token.
    ///
    /// # Errors
    /// An empty prompt or one that does not fit the context, or candle.
    pub fn prefill(&mut self, prompt: &[u32]) -> Result<Vec<f32>> {
        if prompt.is_empty() {
            return Err(MlError::Model("the prompt has no tokens".into()));
        }
        if prompt.len() >= self.context {
            return Err(MlError::Model(format!(
                "the prompt has {} tokens; the model's context is {}",
                prompt.len(),
                self.context
            )));
        }
        let logits = self.arch.forward(prompt, 0, &self.device)?.to_vec1()?;
        self.pos = prompt.len();
        Ok(logits)
    }

    /// Appends one token to the sequence and returns the logits of the next.
    ///
    /// # Errors
    /// No sequence started, the context is full, or candle.
    pub fn step(&mut self, token: u32) -> Result<Vec<f32>> {
        if self.pos == 0 {
            return Err(MlError::Model("step before prefill".into()));
        }
        if self.pos >= self.context {
            return Err(MlError::Model(format!(
                "the context of {} tokens is full",
                self.context
            )));
        }
        let logits = self
            .arch
            .forward(&[token], self.pos, &self.device)?
            .to_vec1()?;
        self.pos += 1;
        Ok(logits)
    }

    /// The tokens that end a turn (EOS, EOT and the end markers of chat formats).
    #[must_use]
    pub fn stop_tokens(&self) -> &[u32] {
        &self.stop_ids
    }
}

/// The first index of the largest logit (llama.cpp's greedy sampler).
#[must_use]
pub fn argmax(logits: &[f32]) -> u32 {
    let mut best = 0usize;
    for (i, x) in logits.iter().enumerate() {
        if *x > logits[best] {
            best = i;
        }
    }
    best as u32
}
