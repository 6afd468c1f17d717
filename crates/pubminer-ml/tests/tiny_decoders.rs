//! Every native architecture's loading and decoding code, on tiny random-weight GGUF models
//! this test writes (Gemma, Gemma 2, Gemma 3, Llama, Qwen2, Phi-3; f32 and Q8_0 tensors; a
//! SentencePiece vocabulary and a byte-level BPE one).
//!
//! What must hold for each: the model loads from the GGUF alone; decoding with the KV cache
//! gives the logits of a fresh run over the whole sequence (so the cache, the positions and
//! the sliding-window mask agree between prefill and decoding); greedy generation is
//! deterministic, stops at the token limit and at stop strings; the chat template of the
//! architecture is used.

use std::path::Path;

use candle_core::quantized::gguf_file::{self, Value};
use candle_core::quantized::{GgmlDType, QTensor};
use candle_core::{Device, Tensor};
use pubminer_ml::llm::{ChatMessage, Decoder, DecoderOptions, Finish, Template, argmax};

const D: usize = 64;
const FF: usize = 128;
const HEADS: usize = 4;
const KV_HEADS: usize = 2;
const HEAD_DIM: usize = 16;
const LAYERS: usize = 3;

/// Deterministic weights in [-scale, scale].
struct Rng(u64);
impl Rng {
    fn tensor(&mut self, shape: &[usize], scale: f32) -> Tensor {
        let n: usize = shape.iter().product();
        let v: Vec<f32> = (0..n)
            .map(|_| {
                self.0 = self
                    .0
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                ((self.0 >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * scale
            })
            .collect();
        Tensor::from_vec(v, shape, &Device::Cpu).unwrap()
    }
}

struct Builder {
    rng: Rng,
    tensors: Vec<(String, QTensor)>,
    meta: Vec<(String, Value)>,
}

impl Builder {
    fn new(arch: &str) -> Self {
        let mut b = Self {
            rng: Rng(7),
            tensors: Vec::new(),
            meta: Vec::new(),
        };
        b.meta("general.architecture", Value::String(arch.into()));
        b.meta("general.name", Value::String(format!("tiny-{arch}")));
        b
    }
    fn meta(&mut self, key: &str, v: Value) {
        self.meta.push((key.to_string(), v));
    }
    fn u32(&mut self, arch: &str, key: &str, v: u32) {
        self.meta(&format!("{arch}.{key}"), Value::U32(v));
    }
    fn weight(&mut self, name: &str, shape: &[usize], dtype: GgmlDType) {
        let scale = 1.0 / (*shape.last().unwrap() as f32).sqrt();
        let t = self.rng.tensor(shape, scale * 1.5);
        self.tensors
            .push((name.to_string(), QTensor::quantize(&t, dtype).unwrap()));
    }
    fn norm(&mut self, name: &str, n: usize) {
        let t = (self.rng.tensor(&[n], 0.1) + 1.0).unwrap();
        self.tensors.push((
            name.to_string(),
            QTensor::quantize(&t, GgmlDType::F32).unwrap(),
        ));
    }
    fn write(&self, path: &Path) {
        let mut f = std::fs::File::create(path).unwrap();
        let meta: Vec<(&str, &Value)> = self.meta.iter().map(|(k, v)| (k.as_str(), v)).collect();
        let tensors: Vec<(&str, &QTensor)> =
            self.tensors.iter().map(|(k, v)| (k.as_str(), v)).collect();
        gguf_file::write(&mut f, &meta, &tensors).unwrap();
    }

    /// A SentencePiece vocabulary: control tokens, byte fallback, letters and a few merges.
    fn spm_vocab(&mut self, turn: (&str, &str)) -> usize {
        let mut tokens: Vec<(String, f32, i32)> = vec![
            ("<pad>".into(), 0.0, 3),
            ("<eos>".into(), 0.0, 3),
            ("<bos>".into(), 0.0, 3),
            ("<unk>".into(), 0.0, 2),
            (turn.0.into(), 0.0, 3),
            (turn.1.into(), 0.0, 3),
        ];
        for b in 0..=255u8 {
            tokens.push((format!("<0x{b:02X}>"), 0.0, 6));
        }
        tokens.push(("\u{2581}".into(), -1.0, 1));
        for c in 'a'..='z' {
            tokens.push((c.to_string(), -2.0, 1));
        }
        for (i, w) in [
            "th",
            "he",
            "\u{2581}t",
            "\u{2581}th",
            "\u{2581}the",
            "in",
            "er",
            "\u{2581}a",
        ]
        .iter()
        .enumerate()
        {
            tokens.push(((*w).to_string(), -0.5 - i as f32 * 0.01, 1));
        }
        let n = tokens.len();
        self.meta("tokenizer.ggml.model", Value::String("llama".into()));
        self.meta(
            "tokenizer.ggml.tokens",
            Value::Array(tokens.iter().map(|t| Value::String(t.0.clone())).collect()),
        );
        self.meta(
            "tokenizer.ggml.scores",
            Value::Array(tokens.iter().map(|t| Value::F32(t.1)).collect()),
        );
        self.meta(
            "tokenizer.ggml.token_type",
            Value::Array(tokens.iter().map(|t| Value::I32(t.2)).collect()),
        );
        self.meta("tokenizer.ggml.bos_token_id", Value::U32(2));
        self.meta("tokenizer.ggml.eos_token_id", Value::U32(1));
        self.meta("tokenizer.ggml.unknown_token_id", Value::U32(3));
        self.meta("tokenizer.ggml.add_space_prefix", Value::Bool(false));
        n
    }

    /// A byte-level BPE vocabulary (GPT-2's byte alphabet, a few merges, ChatML markers).
    fn bpe_vocab(&mut self) -> usize {
        let mut tokens: Vec<String> = (0..=255u8).map(byte_char).map(String::from).collect();
        let merges = ["Ġ t", "h e", "Ġt he", "i n", "e r"];
        for m in merges {
            tokens.push(m.replace(' ', ""));
        }
        let mut types = vec![1i32; tokens.len()];
        for s in ["<|endoftext|>", "<|im_start|>", "<|im_end|>"] {
            tokens.push(s.into());
            types.push(3);
        }
        let n = tokens.len();
        self.meta("tokenizer.ggml.model", Value::String("gpt2".into()));
        self.meta("tokenizer.ggml.pre", Value::String("qwen2".into()));
        self.meta(
            "tokenizer.ggml.tokens",
            Value::Array(tokens.into_iter().map(Value::String).collect()),
        );
        self.meta(
            "tokenizer.ggml.merges",
            Value::Array(merges.iter().map(|m| Value::String((*m).into())).collect()),
        );
        self.meta(
            "tokenizer.ggml.token_type",
            Value::Array(types.into_iter().map(Value::I32).collect()),
        );
        self.meta("tokenizer.ggml.eos_token_id", Value::U32(n as u32 - 3));
        n
    }
}

/// GPT-2's `bytes_to_unicode`.
fn byte_char(b: u8) -> char {
    let printable = (b'!'..=b'~').contains(&b) || (0xA1..=0xAC).contains(&b) || b >= 0xAE;
    if printable {
        char::from(b)
    } else {
        let offset = (0..b)
            .filter(|&x| !((b'!'..=b'~').contains(&x) || (0xA1..=0xAC).contains(&x) || x >= 0xAE))
            .count();
        char::from_u32(256 + offset as u32).unwrap()
    }
}

fn attention(b: &mut Builder, p: &str, q8: bool) {
    let dt = if q8 { GgmlDType::Q8_0 } else { GgmlDType::F32 };
    b.weight(&format!("{p}.attn_q.weight"), &[HEADS * HEAD_DIM, D], dt);
    b.weight(&format!("{p}.attn_k.weight"), &[KV_HEADS * HEAD_DIM, D], dt);
    b.weight(&format!("{p}.attn_v.weight"), &[KV_HEADS * HEAD_DIM, D], dt);
    b.weight(
        &format!("{p}.attn_output.weight"),
        &[D, HEADS * HEAD_DIM],
        dt,
    );
}

fn mlp(b: &mut Builder, p: &str) {
    b.weight(&format!("{p}.ffn_gate.weight"), &[FF, D], GgmlDType::Q8_0);
    b.weight(&format!("{p}.ffn_up.weight"), &[FF, D], GgmlDType::Q8_0);
    b.weight(&format!("{p}.ffn_down.weight"), &[D, FF], GgmlDType::F32);
}

fn common(b: &mut Builder, arch: &str, vocab: usize) {
    b.u32(arch, "attention.head_count", HEADS as u32);
    b.u32(arch, "attention.head_count_kv", KV_HEADS as u32);
    b.u32(arch, "block_count", LAYERS as u32);
    b.u32(arch, "embedding_length", D as u32);
    b.u32(arch, "feed_forward_length", FF as u32);
    b.u32(arch, "context_length", 256);
    b.meta(
        &format!("{arch}.attention.layer_norm_rms_epsilon"),
        Value::F32(1e-6),
    );
    b.weight("token_embd.weight", &[vocab, D], GgmlDType::Q8_0);
    b.norm("output_norm.weight", D);
}

fn gemma(arch: &str, path: &Path) {
    let mut b = Builder::new(arch);
    let vocab = b.spm_vocab(("<start_of_turn>", "<end_of_turn>"));
    common(&mut b, arch, vocab);
    b.u32(arch, "attention.key_length", HEAD_DIM as u32);
    b.u32(arch, "attention.value_length", HEAD_DIM as u32);
    // A window shorter than the test's prompts, so masking is exercised.
    b.u32(arch, "attention.sliding_window", 5);
    if arch == "gemma3" {
        b.u32(arch, "attention.sliding_window_type", 2);
    } else if arch == "gemma2" {
        b.meta("gemma2.attn_logit_softcapping", Value::F32(50.0));
        b.meta("gemma2.final_logit_softcapping", Value::F32(30.0));
    }
    for i in 0..LAYERS {
        let p = format!("blk.{i}");
        attention(&mut b, &p, i % 2 == 0);
        mlp(&mut b, &p);
        for n in [
            "attn_norm",
            "post_attention_norm",
            "ffn_norm",
            "post_ffw_norm",
        ] {
            b.norm(&format!("{p}.{n}.weight"), D);
        }
        if arch == "gemma3" {
            b.norm(&format!("{p}.attn_q_norm.weight"), HEAD_DIM);
            b.norm(&format!("{p}.attn_k_norm.weight"), HEAD_DIM);
        }
    }
    b.write(path);
}

fn llama(path: &Path) {
    let mut b = Builder::new("llama");
    let vocab = b.spm_vocab(("<s_turn>", "</s_turn>"));
    common(&mut b, "llama", vocab);
    b.u32("llama", "rope.dimension_count", HEAD_DIM as u32);
    b.weight("output.weight", &[vocab, D], GgmlDType::Q8_0);
    for i in 0..LAYERS {
        let p = format!("blk.{i}");
        attention(&mut b, &p, i == 1);
        mlp(&mut b, &p);
        b.norm(&format!("{p}.attn_norm.weight"), D);
        b.norm(&format!("{p}.ffn_norm.weight"), D);
    }
    b.write(path);
}

fn qwen2(path: &Path) {
    let mut b = Builder::new("qwen2");
    let vocab = b.bpe_vocab();
    common(&mut b, "qwen2", vocab);
    b.meta("qwen2.rope.freq_base", Value::F32(1_000_000.0));
    for i in 0..LAYERS {
        let p = format!("blk.{i}");
        attention(&mut b, &p, false);
        b.norm(&format!("{p}.attn_q.bias"), HEADS * HEAD_DIM);
        b.norm(&format!("{p}.attn_k.bias"), KV_HEADS * HEAD_DIM);
        b.norm(&format!("{p}.attn_v.bias"), KV_HEADS * HEAD_DIM);
        mlp(&mut b, &p);
        b.norm(&format!("{p}.attn_norm.weight"), D);
        b.norm(&format!("{p}.ffn_norm.weight"), D);
    }
    b.write(path);
}

fn phi3(path: &Path) {
    let mut b = Builder::new("phi3");
    let vocab = b.spm_vocab(("<|user|>", "<|end|>"));
    // Phi-3 uses full multi-head attention in its fused QKV.
    b.u32("phi3", "attention.head_count", HEADS as u32);
    b.u32("phi3", "attention.head_count_kv", HEADS as u32);
    b.u32("phi3", "block_count", LAYERS as u32);
    b.u32("phi3", "embedding_length", D as u32);
    b.u32("phi3", "feed_forward_length", FF as u32);
    b.u32("phi3", "context_length", 256);
    b.u32("phi3", "rope.dimension_count", HEAD_DIM as u32);
    b.meta("phi3.attention.layer_norm_rms_epsilon", Value::F32(1e-5));
    b.weight("token_embd.weight", &[vocab, D], GgmlDType::F32);
    b.norm("output_norm.weight", D);
    b.weight("output.weight", &[vocab, D], GgmlDType::Q8_0);
    for i in 0..LAYERS {
        let p = format!("blk.{i}");
        b.weight(
            &format!("{p}.attn_qkv.weight"),
            &[3 * HEADS * HEAD_DIM, D],
            GgmlDType::Q8_0,
        );
        b.weight(
            &format!("{p}.attn_output.weight"),
            &[D, HEADS * HEAD_DIM],
            GgmlDType::F32,
        );
        b.weight(&format!("{p}.ffn_up.weight"), &[2 * FF, D], GgmlDType::Q8_0);
        b.weight(&format!("{p}.ffn_down.weight"), &[D, FF], GgmlDType::F32);
        b.norm(&format!("{p}.attn_norm.weight"), D);
        b.norm(&format!("{p}.ffn_norm.weight"), D);
    }
    b.write(path);
}

fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

/// The checks every architecture must pass.
fn check(path: &Path, arch: &str, template: &Template) {
    let mut m = Decoder::load(path, &DecoderOptions::default()).unwrap();
    assert_eq!(m.architecture(), arch);
    assert_eq!(m.template(), template, "{arch}");
    let prompt = m.tokenize_prompt("the thin tiger ate in the inn").unwrap();
    assert!(prompt.len() > 8, "{arch}: {prompt:?}");
    // Decoding with the cache = a fresh run over the whole sequence.
    let mut seq = prompt.clone();
    let mut logits = m.prefill(&seq).unwrap();
    for step in 0..8 {
        let next = argmax(&logits);
        seq.push(next);
        logits = m.step(next).unwrap();
        let fresh = {
            let mut other = Decoder::load(path, &DecoderOptions::default()).unwrap();
            other.prefill(&seq).unwrap()
        };
        let diff = max_diff(&logits, &fresh);
        assert!(diff < 1e-3, "{arch}: step {step}: cached vs fresh {diff}");
    }
    // Deterministic greedy generation with a token limit.
    let a = m.generate(&prompt, 6, &[]).unwrap();
    let b = m.generate(&prompt, 6, &[]).unwrap();
    assert_eq!(a.tokens, b.tokens, "{arch}");
    assert!(a.tokens.len() <= 6);
    assert_eq!(a.tokens, seq[prompt.len()..prompt.len() + a.tokens.len()]);
    if a.finish == Finish::Length {
        assert_eq!(a.tokens.len(), 6);
    }
    // A stop string cuts the text.
    if let Some(c) = a.text.chars().nth(1) {
        let g = m.generate(&prompt, 6, &[c.to_string()]).unwrap();
        assert!(!g.text.contains(c), "{arch}: {:?} kept {c:?}", g.text);
        assert_eq!(g.finish, Finish::Stop);
    }
    // Chat through the template.
    let chat = m
        .chat(&[ChatMessage::new("user", "the inn")], 3, &[])
        .unwrap();
    assert!(chat.prompt_tokens > 3);
}

#[test]
fn gemma3_loads_and_decodes() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("tiny-gemma3.gguf");
    gemma("gemma3", &p);
    check(&p, "gemma3", &Template::Gemma);
}

#[test]
fn gemma1_loads_and_decodes() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("tiny-gemma.gguf");
    gemma("gemma", &p);
    check(&p, "gemma", &Template::Gemma);
}

#[test]
fn gemma2_loads_and_decodes() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("tiny-gemma2.gguf");
    gemma("gemma2", &p);
    check(&p, "gemma2", &Template::Gemma);
}

#[test]
fn llama_loads_and_decodes() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("tiny-llama.gguf");
    llama(&p);
    check(&p, "llama", &Template::Llama2);
}

#[test]
fn qwen2_loads_and_decodes_with_a_bpe_vocabulary() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("tiny-qwen2.gguf");
    qwen2(&p);
    check(&p, "qwen2", &Template::ChatMl);
    let m = Decoder::load(&p, &DecoderOptions::default()).unwrap();
    let ids = m.vocab().encode("<|im_start|>the", true).unwrap();
    assert_eq!(ids[0], m.vocab().id("<|im_start|>").unwrap());
    assert_eq!(m.vocab().decode(&ids), "the");
}

#[test]
fn phi3_loads_and_decodes() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("tiny-phi3.gguf");
    phi3(&p);
    check(&p, "phi3", &Template::Phi3);
}

#[test]
fn sentencepiece_merges_by_score_and_falls_back_to_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("tiny-gemma3.gguf");
    gemma("gemma3", &p);
    let m = Decoder::load(&p, &DecoderOptions::default()).unwrap();
    let v = m.vocab();
    let ids = v.encode(" the", false).unwrap();
    assert_eq!(ids, vec![v.id("\u{2581}the").unwrap()]);
    // "é" has no token: two byte tokens, which decode back.
    let ids = v.encode("é", false).unwrap();
    assert_eq!(ids, vec![v.id("<0xC3>").unwrap(), v.id("<0xA9>").unwrap()]);
    assert_eq!(v.decode(&ids), "é");
    // Control tokens are read only when asked for.
    let turn = v.id("<start_of_turn>").unwrap();
    assert_eq!(v.encode("<start_of_turn>", true).unwrap(), vec![turn]);
    assert!(!v.encode("<start_of_turn>", false).unwrap().contains(&turn));
    // BOS once.
    let prompt = m.tokenize_prompt("the").unwrap();
    assert_eq!(prompt[0], 2);
    assert_eq!(m.tokenize_prompt("<bos>the").unwrap(), prompt);
}

#[test]
fn errors_name_the_file_and_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("broken.gguf");
    std::fs::write(&p, b"not a gguf").unwrap();
    let e = Decoder::load(&p, &DecoderOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("broken.gguf") && e.contains("not a GGUF"), "{e}");
    let e = Decoder::load(dir.path(), &DecoderOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains(".gguf"), "{e}");
    let mut b = Builder::new("mamba");
    b.spm_vocab(("<a>", "<b>"));
    let q = dir.path().join("mamba.gguf");
    b.write(&q);
    let e = Decoder::load(&q, &DecoderOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("mamba") && e.contains("not supported"), "{e}");
}
