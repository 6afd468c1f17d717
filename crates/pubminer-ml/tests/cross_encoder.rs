//! The cross-encoder on a tiny BERT sequence-classification checkpoint that the test
//! creates: random encoder weights, a classification head set by hand so the expected
//! probabilities are known exactly, a WordPiece tokenizer built from a 30-token vocabulary.

use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use candle_transformers::models::bert::{BertModel, Config};
use pubminer_ml::CrossEncoder;
use tokenizers::Tokenizer;
use tokenizers::models::wordpiece::WordPiece;
use tokenizers::normalizers::bert::BertNormalizer;
use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
use tokenizers::processors::bert::BertProcessing;

const VOCAB: [&str; 30] = [
    "[PAD]",
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "[MASK]",
    "lung",
    "adeno",
    "##carcinoma",
    "carcinoma",
    "breast",
    "cancer",
    "ttf",
    "-",
    "1",
    "nkx",
    "##2",
    "kit",
    "cd",
    "##117",
    "tumour",
    "tumor",
    "of",
    "the",
    "positive",
    "negative",
    "gene",
    "protein",
    "cell",
    "b",
    "t",
];

fn write_tokenizer(dir: &Path) {
    let vocab_file = dir.join("vocab.txt");
    std::fs::write(&vocab_file, VOCAB.join("\n") + "\n").unwrap();
    let model = WordPiece::from_file(&vocab_file.to_string_lossy())
        .unk_token("[UNK]".into())
        .build()
        .unwrap();
    let mut tokenizer = Tokenizer::new(model);
    let _ = tokenizer.with_normalizer(Some(BertNormalizer::default()));
    tokenizer.with_pre_tokenizer(Some(BertPreTokenizer));
    tokenizer.with_post_processor(Some(BertProcessing::new(
        ("[SEP]".into(), 3),
        ("[CLS]".into(), 2),
    )));
    tokenizer.save(dir.join("tokenizer.json"), false).unwrap();
}

fn config() -> Config {
    Config {
        vocab_size: VOCAB.len(),
        hidden_size: 16,
        num_hidden_layers: 2,
        num_attention_heads: 2,
        intermediate_size: 32,
        max_position_embeddings: 64,
        ..Config::default()
    }
}

/// Writes a checkpoint whose classifier has zero weights and `bias`, so every pair gets
/// softmax(bias) whatever the encoder computes.
fn write_model(dir: &Path, bias: [f32; 2]) {
    let device = Device::Cpu;
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &device);
    let cfg = config();
    BertModel::load(vb.pp("bert"), &cfg).unwrap();
    candle_nn::linear(16, 16, vb.pp("bert.pooler.dense")).unwrap();
    candle_nn::linear(16, 2, vb.pp("classifier")).unwrap();
    {
        let data = varmap.data().lock().unwrap();
        data["classifier.weight"]
            .set(&Tensor::zeros((2, 16), DType::F32, &device).unwrap())
            .unwrap();
        data["classifier.bias"]
            .set(&Tensor::new(&bias, &device).unwrap())
            .unwrap();
    }
    varmap.save(dir.join("model.safetensors")).unwrap();
    let json = serde_json::json!({
        "model_type": "bert",
        "architectures": ["BertForSequenceClassification"],
        "vocab_size": cfg.vocab_size,
        "hidden_size": 16,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "intermediate_size": 32,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "max_position_embeddings": 64,
        "type_vocab_size": 2,
        "initializer_range": 0.02,
        "layer_norm_eps": 1e-12,
        "pad_token_id": 0,
        "id2label": {"0": "no_match", "1": "match"},
    });
    std::fs::write(dir.join("config.json"), json.to_string()).unwrap();
    write_tokenizer(dir);
}

#[test]
fn the_head_is_wired_as_transformers_does_it() {
    let dir = tempfile::tempdir().unwrap();
    write_model(dir.path(), [-1.0, 1.0]);
    let model = CrossEncoder::load(dir.path(), 32).unwrap();
    assert_eq!(model.labels(), 2);
    let pairs = [
        ("TTF-1", "NKX2-1"),
        ("lung adenocarcinoma", "adenocarcinoma of the lung"),
        ("CD117", "KIT"),
    ];
    let scores = model.score(&pairs).unwrap();
    // softmax([-1, 1])[1] = 1 / (1 + e^-2)
    let expected = 1.0 / (1.0 + (-2.0f32).exp());
    for s in &scores {
        assert!((s - expected).abs() < 1e-6, "{s} vs {expected}");
    }
}

#[test]
fn scores_depend_on_the_pair_and_not_on_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    write_model(dir.path(), [0.0, 0.0]);
    // Now give the classifier real weights: random ones, from a second checkpoint load.
    let device = Device::Cpu;
    let mut tensors =
        candle_core::safetensors::load(dir.path().join("model.safetensors"), &device).unwrap();
    let w = Tensor::randn(0f32, 1f32, (2, 16), &device).unwrap();
    tensors.insert("classifier.weight".into(), w);
    candle_core::safetensors::save(&tensors, dir.path().join("model.safetensors")).unwrap();
    let model = CrossEncoder::load(dir.path(), 32).unwrap();
    let pairs = [
        ("lung adenocarcinoma", "lung carcinoma"),
        ("breast cancer", "tumour of the breast"),
        ("CD117", "KIT"),
    ];
    let together = model.score(&pairs).unwrap();
    for (i, pair) in pairs.iter().enumerate() {
        let alone = model.score(std::slice::from_ref(pair)).unwrap()[0];
        assert!(
            (alone - together[i]).abs() < 1e-5,
            "padding changed a score"
        );
        assert!((0.0..=1.0).contains(&alone));
    }
    assert!(
        (together[0] - together[1]).abs() > 1e-6,
        "different pairs, different scores"
    );
}

#[test]
fn a_checkpoint_without_a_head_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write_model(dir.path(), [0.0, 0.0]);
    let device = Device::Cpu;
    let mut tensors =
        candle_core::safetensors::load(dir.path().join("model.safetensors"), &device).unwrap();
    tensors.remove("classifier.weight");
    tensors.remove("classifier.bias");
    candle_core::safetensors::save(&tensors, dir.path().join("model.safetensors")).unwrap();
    let err = CrossEncoder::load(dir.path(), 32).unwrap_err();
    assert!(err.to_string().contains("classifier"), "{err}");
}
