//! Hugging Face safetensors directories (`config.json`, `model.safetensors`,
//! `tokenizer.json`) of every supported architecture, as tiny random-weight models this test
//! writes: each loads, decodes with its KV cache to the logits of a fresh run, and generates.

use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use candle_transformers::models::{gemma2, gemma3, llama, phi3, qwen2};
use pubminer_ml::llm::{ChatMessage, Decoder, DecoderOptions, argmax};

const VOCAB: usize = 64;

fn words() -> Vec<String> {
    let mut w: Vec<String> = [
        "[UNK]", "<bos>", "<eos>", "the", "thin", "tiger", "ate", "in", "inn",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    w.extend((w.len()..VOCAB).map(|i| format!("w{i}")));
    w
}

fn write_tokenizer(dir: &Path) {
    use tokenizers::models::wordlevel::WordLevel;
    use tokenizers::pre_tokenizers::whitespace::Whitespace;
    let vocab = words()
        .into_iter()
        .enumerate()
        .map(|(i, w)| (w, i as u32))
        .collect();
    let model = WordLevel::builder()
        .vocab(vocab)
        .unk_token("[UNK]".into())
        .build()
        .unwrap();
    let mut tk = tokenizers::Tokenizer::new(model);
    tk.with_pre_tokenizer(Some(Whitespace {}));
    tk.add_special_tokens(vec![
        tokenizers::AddedToken::from("<bos>", true),
        tokenizers::AddedToken::from("<eos>", true),
    ])
    .unwrap();
    tk.save(dir.join("tokenizer.json"), false).unwrap();
    std::fs::write(
        dir.join("tokenizer_config.json"),
        r#"{"add_bos_token": true, "bos_token": "<bos>", "eos_token": "<eos>",
            "chat_template": "{{ bos_token }}{% for m in messages %}{{ m['role'] }} {{ m['content'] }} {% endfor %}"}"#,
    )
    .unwrap();
}

/// Builds the model once over a `VarMap` (so every tensor it asks for exists), fills the
/// variables with deterministic noise, and saves them.
fn write_weights(dir: &Path, build: impl FnOnce(VarBuilder<'_>)) {
    let map = VarMap::new();
    build(VarBuilder::from_varmap(&map, DType::F32, &Device::Cpu));
    let mut seed = 11u64;
    for var in map.all_vars() {
        let shape = var.shape().clone();
        let n = shape.elem_count();
        let v: Vec<f32> = (0..n)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                ((seed >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 0.4
            })
            .collect();
        var.set(&Tensor::from_vec(v, shape, &Device::Cpu).unwrap())
            .unwrap();
    }
    map.save(dir.join("model.safetensors")).unwrap();
}

fn check(dir: &Path, arch: &str) {
    let mut m = Decoder::load(dir, &DecoderOptions::default()).unwrap();
    assert_eq!(m.architecture(), arch);
    let prompt = m
        .tokenize_prompt("the thin tiger ate in the inn the thin")
        .unwrap();
    assert_eq!(prompt[0], 1, "{arch}: BOS from tokenizer_config.json");
    let mut seq = prompt.clone();
    let mut logits = m.prefill(&seq).unwrap();
    for step in 0..6 {
        let next = argmax(&logits);
        seq.push(next);
        logits = m.step(next).unwrap();
        let mut fresh = Decoder::load(dir, &DecoderOptions::default()).unwrap();
        let f = fresh.prefill(&seq).unwrap();
        let diff = logits
            .iter()
            .zip(&f)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(diff < 1e-3, "{arch}: step {step}: cached vs fresh {diff}");
    }
    let g = m.generate(&prompt, 5, &[]).unwrap();
    assert_eq!(g.tokens, seq[prompt.len()..prompt.len() + g.tokens.len()]);
    // The template writes the BOS itself: it is not added twice.
    assert_eq!(m.tokenize_prompt("<bos>the inn").unwrap(), vec![1, 3, 8]);
    let chat = m
        .chat(&[ChatMessage::new("user", "the inn")], 2, &[])
        .unwrap();
    assert_eq!(chat.prompt_tokens, 4, "{arch}: <bos> user the inn");
}

fn config(dir: &Path, json: serde_json::Value) {
    std::fs::write(dir.join("config.json"), json.to_string()).unwrap();
}

#[test]
fn gemma3_directory() {
    let dir = tempfile::tempdir().unwrap();
    let json = serde_json::json!({
        "model_type": "gemma3_text", "attention_bias": false, "head_dim": 16,
        "hidden_activation": "gelu_pytorch_tanh", "hidden_size": 64, "intermediate_size": 128,
        "num_attention_heads": 4, "num_hidden_layers": 2, "num_key_value_heads": 2,
        "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "rope_local_base_freq": 10000.0,
        "vocab_size": VOCAB, "final_logit_softcapping": null, "attn_logit_softcapping": null,
        "query_pre_attn_scalar": 16, "sliding_window": 512, "sliding_window_pattern": 2,
        "max_position_embeddings": 128, "bos_token_id": 1, "eos_token_id": 2
    });
    let cfg: gemma3::Config = serde_json::from_value(json.clone()).unwrap();
    config(dir.path(), json);
    write_weights(dir.path(), |vb| {
        gemma3::Model::new(false, &cfg, vb).unwrap();
    });
    write_tokenizer(dir.path());
    check(dir.path(), "gemma3");
}

#[test]
fn gemma2_directory() {
    let dir = tempfile::tempdir().unwrap();
    let json = serde_json::json!({
        "model_type": "gemma2", "attention_bias": false, "head_dim": 16,
        "hidden_activation": "gelu_pytorch_tanh", "hidden_size": 64, "intermediate_size": 128,
        "num_attention_heads": 4, "num_hidden_layers": 2, "num_key_value_heads": 2,
        "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "vocab_size": VOCAB,
        "final_logit_softcapping": 30.0, "attn_logit_softcapping": 50.0,
        "query_pre_attn_scalar": 16, "sliding_window": 512, "max_position_embeddings": 128,
        "bos_token_id": 1, "eos_token_id": 2
    });
    let cfg: gemma2::Config = serde_json::from_value(json.clone()).unwrap();
    config(dir.path(), json);
    write_weights(dir.path(), |vb| {
        gemma2::Model::new(false, &cfg, vb).unwrap();
    });
    write_tokenizer(dir.path());
    check(dir.path(), "gemma2");
}

#[test]
fn llama_directory() {
    let dir = tempfile::tempdir().unwrap();
    let json = serde_json::json!({
        "model_type": "llama", "hidden_size": 64, "intermediate_size": 128,
        "vocab_size": VOCAB, "num_hidden_layers": 2, "num_attention_heads": 4,
        "num_key_value_heads": 2, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
        "max_position_embeddings": 128, "bos_token_id": 1, "eos_token_id": 2,
        "tie_word_embeddings": false
    });
    let cfg: llama::LlamaConfig = serde_json::from_value(json.clone()).unwrap();
    config(dir.path(), json);
    write_weights(dir.path(), |vb| {
        llama::Llama::load(vb, &cfg.into_config(false)).unwrap();
    });
    write_tokenizer(dir.path());
    check(dir.path(), "llama");
}

#[test]
fn qwen2_directory() {
    let dir = tempfile::tempdir().unwrap();
    let json = serde_json::json!({
        "model_type": "qwen2", "vocab_size": VOCAB, "hidden_size": 64,
        "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4,
        "num_key_value_heads": 2, "max_position_embeddings": 128, "sliding_window": 128,
        "max_window_layers": 2, "tie_word_embeddings": true, "rope_theta": 1000000.0,
        "rms_norm_eps": 1e-6, "use_sliding_window": false, "hidden_act": "silu",
        "bos_token_id": 1, "eos_token_id": 2
    });
    let cfg: qwen2::Config = serde_json::from_value(json.clone()).unwrap();
    config(dir.path(), json);
    write_weights(dir.path(), |vb| {
        qwen2::ModelForCausalLM::new(&cfg, vb).unwrap();
    });
    write_tokenizer(dir.path());
    check(dir.path(), "qwen2");
}

#[test]
fn phi3_directory() {
    let dir = tempfile::tempdir().unwrap();
    let json = serde_json::json!({
        "model_type": "phi3", "vocab_size": VOCAB, "hidden_act": "silu", "hidden_size": 64,
        "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4,
        "num_key_value_heads": 4, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
        "bos_token_id": 1, "eos_token_id": 2, "rope_scaling": null,
        "max_position_embeddings": 128
    });
    let cfg: phi3::Config = serde_json::from_value(json.clone()).unwrap();
    config(dir.path(), json);
    write_weights(dir.path(), |vb| {
        phi3::Model::new(&cfg, vb).unwrap();
    });
    write_tokenizer(dir.path());
    check(dir.path(), "phi3");
}

#[test]
fn unsupported_and_incomplete_directories_say_why() {
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), serde_json::json!({"model_type": "mamba"}));
    let e = Decoder::load(dir.path(), &DecoderOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("mamba") && e.contains("not supported"), "{e}");
    config(dir.path(), serde_json::json!({"model_type": "qwen2"}));
    let e = Decoder::load(dir.path(), &DecoderOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("tokenizer.json"), "{e}");
}
