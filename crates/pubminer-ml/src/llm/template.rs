//! Chat templates: the model's own Jinja template (from `tokenizer_config.json` beside the
//! model, or `tokenizer.chat_template` in the GGUF), rendered with minijinja and Python's
//! string methods, or a built-in format for GGUF files that carry none.

use std::path::Path;

use crate::error::{MlError, Result};

/// One chat message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatMessage {
    /// `system`, `user` or `assistant`.
    pub role: String,
    /// The text.
    pub content: String,
}

impl ChatMessage {
    /// A message.
    #[must_use]
    pub fn new(role: &str, content: impl Into<String>) -> Self {
        Self {
            role: role.to_string(),
            content: content.into(),
        }
    }
}

/// How messages become a prompt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Template {
    /// A Jinja template (Hugging Face `chat_template`), with the BOS and EOS token texts.
    Jinja {
        /// The template source.
        source: String,
        /// `bos_token` in the template's context.
        bos: String,
        /// `eos_token` in the template's context.
        eos: String,
    },
    /// Gemma: `<start_of_turn>user\n...<end_of_turn>\n<start_of_turn>model\n`.
    Gemma,
    /// Phi-3: `<|user|>\n...<|end|>\n<|assistant|>\n`.
    Phi3,
    /// IHC-LLMiner's wrapper of its fine-tuned models: `<|user|>\n...<|end|>\n<|assistant|>`.
    IhcLlminer,
    /// ChatML (Qwen2): `<|im_start|>user\n...<|im_end|>\n<|im_start|>assistant\n`.
    ChatMl,
    /// Llama 3: header ids and `<|eot_id|>`.
    Llama3,
    /// Llama 2: `[INST] ... [/INST]`.
    Llama2,
    /// The messages' contents, joined by newlines (completion models).
    Raw,
}

impl Template {
    /// A built-in template by name (`gemma`, `phi3`, `ihc-llminer`, `chatml`, `llama3`,
    /// `llama2`, `raw`).
    ///
    /// # Errors
    /// An unknown name.
    pub fn named(name: &str) -> Result<Self> {
        Ok(match name {
            "gemma" => Self::Gemma,
            "phi3" => Self::Phi3,
            "ihc-llminer" => Self::IhcLlminer,
            "chatml" => Self::ChatMl,
            "llama3" => Self::Llama3,
            "llama2" => Self::Llama2,
            "raw" => Self::Raw,
            other => {
                return Err(MlError::Template(format!(
                    "unknown template {other:?}; use gemma, phi3, ihc-llminer, chatml, llama3, llama2 or raw (or a tokenizer_config.json with a chat_template)"
                )));
            }
        })
    }

    /// The `chat_template` of a Hugging Face `tokenizer_config.json` (a string, or the
    /// `default` entry of a list of named templates), with its BOS and EOS texts.
    ///
    /// # Errors
    /// An unreadable file, or one without a chat template.
    pub fn from_tokenizer_config(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| MlError::file(path, format!("cannot read: {e}")))?;
        let v: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| MlError::file(path, format!("not valid JSON: {e}")))?;
        let source = match v.get("chat_template") {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Array(list)) => list
                .iter()
                .find(|t| t.get("name").and_then(|n| n.as_str()) == Some("default"))
                .or_else(|| list.first())
                .and_then(|t| t.get("template"))
                .and_then(|t| t.as_str())
                .map(str::to_string)
                .ok_or_else(|| MlError::file(path, "chat_template list has no template"))?,
            _ => return Err(MlError::file(path, "no chat_template in this file")),
        };
        let token = |key: &str| match v.get(key) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Object(o)) => o
                .get("content")
                .and_then(|c| c.as_str())
                .unwrap_or_default()
                .to_string(),
            _ => String::new(),
        };
        Ok(Self::Jinja {
            source,
            bos: token("bos_token"),
            eos: token("eos_token"),
        })
    }

    /// The built-in template of a GGUF architecture without its own template (`vocab_has`
    /// tells whether a token text exists, to tell Llama 3 from Llama 2).
    #[must_use]
    pub fn for_architecture(arch: &str, vocab_has: impl Fn(&str) -> bool) -> Self {
        match arch {
            "gemma" | "gemma2" | "gemma3" => Self::Gemma,
            "phi3" => Self::Phi3,
            "qwen2" | "qwen3" => Self::ChatMl,
            "llama" if vocab_has("<|eot_id|>") => Self::Llama3,
            "llama" if vocab_has("<|im_start|>") => Self::ChatMl,
            "llama" => Self::Llama2,
            _ => Self::Raw,
        }
    }

    /// The prompt for `messages`, ending where the assistant's answer starts.
    ///
    /// # Errors
    /// A Jinja template that fails to render (it may `raise_exception`).
    pub fn render(&self, messages: &[ChatMessage]) -> Result<String> {
        let mut out = String::new();
        match self {
            Self::Jinja { source, bos, eos } => return render_jinja(source, bos, eos, messages),
            Self::Gemma => {
                let mut system = String::new();
                for m in messages {
                    if m.role == "system" {
                        system.push_str(&m.content);
                        system.push_str("\n\n");
                        continue;
                    }
                    let role = if m.role == "assistant" {
                        "model"
                    } else {
                        "user"
                    };
                    out.push_str("<start_of_turn>");
                    out.push_str(role);
                    out.push('\n');
                    if role == "user" {
                        out.push_str(&std::mem::take(&mut system));
                    }
                    out.push_str(m.content.trim());
                    out.push_str("<end_of_turn>\n");
                }
                out.push_str("<start_of_turn>model\n");
            }
            Self::Phi3 | Self::IhcLlminer => {
                for m in messages {
                    out.push_str(&format!("<|{}|>\n{}<|end|>\n", m.role, m.content));
                }
                out.push_str(if *self == Self::Phi3 {
                    "<|assistant|>\n"
                } else {
                    "<|assistant|>"
                });
            }
            Self::ChatMl => {
                for m in messages {
                    out.push_str(&format!(
                        "<|im_start|>{}\n{}<|im_end|>\n",
                        m.role, m.content
                    ));
                }
                out.push_str("<|im_start|>assistant\n");
            }
            Self::Llama3 => {
                for m in messages {
                    out.push_str(&format!(
                        "<|start_header_id|>{}<|end_header_id|>\n\n{}<|eot_id|>",
                        m.role,
                        m.content.trim()
                    ));
                }
                out.push_str("<|start_header_id|>assistant<|end_header_id|>\n\n");
            }
            Self::Llama2 => {
                let mut system = String::new();
                for m in messages {
                    match m.role.as_str() {
                        "system" => system = format!("<<SYS>>\n{}\n<</SYS>>\n\n", m.content),
                        "assistant" => out.push_str(&format!(" {} ", m.content.trim())),
                        _ => out.push_str(&format!(
                            "[INST] {}{} [/INST]",
                            std::mem::take(&mut system),
                            m.content.trim()
                        )),
                    }
                }
            }
            Self::Raw => {
                let parts: Vec<&str> = messages.iter().map(|m| m.content.as_str()).collect();
                out = parts.join("\n");
            }
        }
        Ok(out)
    }
}

fn render_jinja(source: &str, bos: &str, eos: &str, messages: &[ChatMessage]) -> Result<String> {
    let mut env = minijinja::Environment::new();
    env.set_unknown_method_callback(minijinja_contrib::pycompat::unknown_method_callback);
    env.add_function(
        "raise_exception",
        |msg: String| -> std::result::Result<String, minijinja::Error> {
            Err(minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                msg,
            ))
        },
    );
    env.add_template("chat", source)
        .map_err(|e| MlError::Template(e.to_string()))?;
    let template = env
        .get_template("chat")
        .map_err(|e| MlError::Template(e.to_string()))?;
    let messages: minijinja::Value = messages
        .iter()
        .map(|m| {
            minijinja::Value::from_pairs([
                ("role", minijinja::Value::from(m.role.as_str())),
                ("content", minijinja::Value::from(m.content.as_str())),
            ])
        })
        .collect();
    template
        .render(minijinja::context! {
            messages => messages,
            bos_token => bos,
            eos_token => eos,
            add_generation_prompt => true,
        })
        .map_err(|e| MlError::Template(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(text: &str) -> Vec<ChatMessage> {
        vec![ChatMessage::new("user", text)]
    }

    #[test]
    fn built_in_formats() {
        assert_eq!(
            Template::Gemma.render(&user("Hi")).unwrap(),
            "<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n"
        );
        assert_eq!(
            Template::IhcLlminer.render(&user("Hi")).unwrap(),
            "<|user|>\nHi<|end|>\n<|assistant|>"
        );
        assert_eq!(
            Template::ChatMl.render(&user("Hi")).unwrap(),
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
        );
        let sys = vec![
            ChatMessage::new("system", "Be brief."),
            user("Hi").remove(0),
        ];
        assert_eq!(
            Template::Gemma.render(&sys).unwrap(),
            "<start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\n"
        );
    }

    /// Gemma's own Hugging Face template (google/gemma-2-2b-it `tokenizer_config.json`),
    /// which uses `raise_exception`, string methods and loop variables.
    #[test]
    fn hugging_face_jinja_template() {
        let source = "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}";
        let t = Template::Jinja {
            source: source.into(),
            bos: "<bos>".into(),
            eos: "<eos>".into(),
        };
        assert_eq!(
            t.render(&user(" Hi ")).unwrap(),
            "<bos><start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n"
        );
        let err = t
            .render(&[ChatMessage::new("system", "x")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("System role not supported"), "{err}");
        let py = Template::Jinja {
            source: "{{ messages[0]['content'].strip().upper() }}".into(),
            bos: String::new(),
            eos: String::new(),
        };
        assert_eq!(py.render(&user("  abc ")).unwrap(), "ABC");
    }
}
