//! The LLM a command asks for: a native model or an OpenAI-compatible server behind one
//! [`Backend`](pubminer_llm::Backend), and the response cache.

use std::time::Duration;

use anyhow::Result;

use crate::args::LlmBackendArgs;
use crate::paths;

/// The response cache `llm` names (`none`: no cache).
///
/// # Errors
/// An unopenable cache.
pub fn cache(llm: &LlmBackendArgs) -> Result<Option<pubminer_llm::cache::Cache>> {
    let path = match &llm.llm_cache {
        Some(p) if p.as_os_str() == "none" => return Ok(None),
        Some(p) => p.clone(),
        None => paths::data_dir().join("llm-cache.sqlite"),
    };
    Ok(Some(pubminer_llm::cache::Cache::open(&path)?))
}

/// The backend `llm` names: a native GGUF model (`--llm-native`) or an OpenAI-compatible
/// server (`--llm-url`).
///
/// # Errors
/// A native model that does not load.
pub fn backend(llm: &LlmBackendArgs) -> Result<Box<dyn pubminer_llm::Backend>> {
    if let Some(path) = &llm.llm_native {
        let native = pubminer_llm::Native::load(
            path,
            llm.llm_template.as_deref(),
            llm.llm_tokenizer.as_deref(),
            llm.llm_cuda,
        )?;
        return Ok(Box::new(native));
    }
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let config = pubminer_fetch::ChatConfig {
        base_url: llm.llm_url.clone(),
        model: llm.llm_model.clone(),
        api_key: env("PUBMINER_LLM_API_KEY").or_else(|| env("OPENAI_API_KEY")),
        timeout: Duration::from_secs(llm.llm_timeout.max(1)),
        ..pubminer_fetch::ChatConfig::default()
    };
    Ok(Box::new(pubminer_fetch::ChatClient::new(config)))
}
