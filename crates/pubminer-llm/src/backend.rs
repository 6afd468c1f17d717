//! One LLM interface, two backends: an OpenAI-compatible server (`pubminer-fetch`'s
//! [`ChatClient`]) and a model run natively with candle (`pubminer-ml`'s [`Decoder`]).
//! Engines talk to a [`Backend`] and do not know which.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use pubminer_fetch::{ChatAnswer, ChatClient, ChatRequest};
use pubminer_ml::llm::{ChatMessage, Decoder, DecoderOptions, Template};

use crate::error::LlmError;

/// Something that answers chat requests.
pub trait Backend: Send + Sync + std::fmt::Debug {
    /// The model's name, part of every cache key.
    fn model(&self) -> &str;

    /// What identifies a request's answer besides the model (for the cache).
    fn request_key(&self, request: &ChatRequest) -> String;

    /// The answer.
    ///
    /// # Errors
    /// The server, or the native model.
    fn complete(&self, request: &ChatRequest) -> Result<ChatAnswer, LlmError>;

    /// Where it runs, for messages (`http://…/v1`, `native gemma3 (…)`).
    fn describe(&self) -> String;
}

impl Backend for ChatClient {
    fn model(&self) -> &str {
        &self.config().model
    }

    fn request_key(&self, request: &ChatRequest) -> String {
        self.body(request).to_string()
    }

    fn complete(&self, request: &ChatRequest) -> Result<ChatAnswer, LlmError> {
        Ok(ChatClient::complete(self, request)?)
    }

    fn describe(&self) -> String {
        self.config().base_url.clone()
    }
}

/// A GGUF model run in this process. One request at a time (the model holds its KV cache);
/// candle spreads each matrix product over the cores.
///
/// JSON schemas are not enforced while decoding (no grammar sampler): the prompt asks for
/// JSON and the answer is parsed leniently; servers that constrain output (llama.cpp, vLLM)
/// do better through [`ChatClient`].
pub struct Native {
    decoder: Mutex<Decoder>,
    model: String,
    path: PathBuf,
}

impl std::fmt::Debug for Native {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Native")
            .field("model", &self.model)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Native {
    /// Loads the model at `path` (a GGUF file, a directory with one and optionally its
    /// `tokenizer.json` / `tokenizer_config.json`, or a Hugging Face safetensors directory);
    /// `template` names a built-in chat format
    /// to use instead of the model's (`ihc-llminer` for IHC-LLMiner's fine-tuned models).
    ///
    /// # Errors
    /// What [`Decoder::load`] reports, or an unknown template name.
    pub fn load(
        path: &Path,
        template: Option<&str>,
        tokenizer: Option<&Path>,
        cuda: bool,
    ) -> Result<Self, LlmError> {
        let options = DecoderOptions {
            tokenizer: tokenizer.map(Path::to_path_buf),
            template: template.map(Template::named).transpose()?,
            cuda,
        };
        let file = pubminer_ml::llm::gguf_path(path).unwrap_or_else(|_| path.to_path_buf());
        let decoder = Decoder::load(path, &options)?;
        // The cache key names the weights and their size, so another quantization of the
        // same model does not share answers.
        let size: u64 = if file.is_dir() {
            std::fs::read_dir(&file)
                .map(|entries| {
                    entries
                        .filter_map(Result::ok)
                        .filter(|e| e.path().extension().is_some_and(|x| x == "safetensors"))
                        .filter_map(|e| e.metadata().ok())
                        .map(|m| m.len())
                        .sum()
                })
                .unwrap_or(0)
        } else {
            std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0)
        };
        let model = format!(
            "native:{}:{size}:{:?}",
            file.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            decoder.template()
        );
        Ok(Self {
            decoder: Mutex::new(decoder),
            model,
            path: file,
        })
    }

    /// Runs `f` on the model.
    pub fn with_decoder<T>(&self, f: impl FnOnce(&mut Decoder) -> T) -> T {
        let mut d = self
            .decoder
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut d)
    }
}

impl Backend for Native {
    fn model(&self) -> &str {
        &self.model
    }

    fn request_key(&self, request: &ChatRequest) -> String {
        serde_json::json!({
            "messages": request.messages.iter().map(|m| [&m.role, &m.content]).collect::<Vec<_>>(),
            "max_tokens": request.max_tokens,
            "stop": request.stop,
            "json_schema": request.json_schema,
        })
        .to_string()
    }

    fn complete(&self, request: &ChatRequest) -> Result<ChatAnswer, LlmError> {
        let messages: Vec<ChatMessage> = request
            .messages
            .iter()
            .map(|m| ChatMessage::new(&m.role, m.content.clone()))
            .collect();
        let g =
            self.with_decoder(|d| d.chat(&messages, request.max_tokens as usize, &request.stop))?;
        Ok(ChatAnswer {
            text: g.text,
            prompt_tokens: Some(g.prompt_tokens as u64),
            completion_tokens: Some(g.tokens.len() as u64),
            attempts: 1,
        })
    }

    fn describe(&self) -> String {
        self.with_decoder(|d| {
            format!(
                "native {} ({}, {})",
                d.architecture(),
                d.name(),
                self.path.display()
            )
        })
    }
}
