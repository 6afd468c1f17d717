//! The LLM engine over the OpenAI chat-completions protocol, against a loopback server that
//! answers like a model would (the protocol side: request shape, retries, errors, the cache,
//! validation of what comes back, normalisation, hybrid mode). The same engine against a real
//! server with a real model is `tests/real_server.rs`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pubminer_core::{Document, Passage, PassageKind};
use pubminer_fetch::{ChatClient, ChatConfig};
use pubminer_ihc::{Engine, Extractor, IhcPipeline, Label, Mode};
use pubminer_lexicon::{Concept, EntityType, Lexicon, Synonym, SynonymKind, Tags};
use pubminer_llm::LlmEngine;
use pubminer_llm::cache::Cache;

const ABSTRACT: &str = "We studied TTF-1 by immunohistochemistry. TTF-1 was positive in 27 of \
                        35 (77.1%) lung adenocarcinomas and in 1 of 20 squamous cell carcinomas.";

/// The answer a model gives: `Include`, and a table with one count the abstract does not
/// contain (30/40).
const TABLE: &str = "| Tumor type | Tumor site | TTF-1 |\n|---|---|---|\n\
                     | lung adenocarcinoma | lung | 27/35 (77.1%) |\n\
                     | squamous cell carcinoma | lung | 1/20 |\n\
                     | large cell carcinoma | lung | 30/40 |\n";

struct Server {
    url: String,
    requests: Arc<AtomicUsize>,
    bodies: Arc<Mutex<Vec<serde_json::Value>>>,
}

/// A chat server; `fail_first` requests get a 503 first.
fn serve(fail_first: usize) -> Server {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", server.server_addr().to_ip().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let (r, b) = (Arc::clone(&requests), Arc::clone(&bodies));
    std::thread::spawn(move || {
        for mut request in server.incoming_requests() {
            let n = r.fetch_add(1, Ordering::SeqCst);
            let mut text = String::new();
            request.as_reader().read_to_string(&mut text).unwrap();
            if n < fail_first {
                let _ = request.respond(
                    tiny_http::Response::from_string("busy")
                        .with_status_code(503)
                        .with_header("Retry-After: 0".parse::<tiny_http::Header>().unwrap()),
                );
                continue;
            }
            let body: serde_json::Value = serde_json::from_str(&text).unwrap();
            b.lock().unwrap().push(body.clone());
            let prompt = body["messages"][0]["content"].as_str().unwrap_or_default();
            if request.url() != "/v1/chat/completions" || body["model"] != "ihc-test" {
                let _ = request.respond(
                    tiny_http::Response::from_string(r#"{"error":"unknown model"}"#)
                        .with_status_code(400),
                );
                continue;
            }
            let answer = if prompt.contains("output 'Include'") {
                if prompt.contains("In this review") {
                    "Exclude"
                } else {
                    "Include"
                }
            } else {
                TABLE
            };
            let reply = serde_json::json!({
                "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}}],
                "usage": {"prompt_tokens": 100, "completion_tokens": 20}
            });
            let _ = request.respond(tiny_http::Response::from_string(reply.to_string()));
        }
    });
    Server {
        url,
        requests,
        bodies,
    }
}

fn lexicon() -> Arc<Lexicon> {
    let gene = |id: &str, sym: &str, aliases: &[&str]| {
        let mut c = Concept::new(id, sym, EntityType::Gene, "hgnc");
        c.synonyms.push(Synonym::new(sym, SynonymKind::Symbol));
        for a in aliases {
            c.synonyms.push(Synonym::new(*a, SynonymKind::AliasSymbol));
        }
        c
    };
    let tumour = |id: &str, name: &str| {
        let mut c = Concept::new(id, name, EntityType::Disease, "oncotree");
        c.tags = Tags::NEOPLASM;
        c
    };
    let mut lung = Concept::new("UBERON:0002048", "lung", EntityType::Anatomy, "uberon");
    lung.synonyms.push(Synonym::new("lung", SynonymKind::Exact));
    Arc::new(
        Lexicon::from_concepts(vec![
            gene("HGNC:11825", "NKX2-1", &["TTF-1"]),
            tumour("ONCOTREE:LUAD", "lung adenocarcinoma"),
            tumour("ONCOTREE:LUSC", "squamous cell carcinoma"),
            lung,
        ])
        .unwrap(),
    )
}

fn doc(title: &str, text: &str) -> Document {
    let mut d = Document::new("9");
    d.passages.push(Passage::new(PassageKind::Title, title));
    d.passages.push(Passage::new(PassageKind::Abstract, text));
    d
}

fn engine(url: &str, cache: Option<Cache>) -> LlmEngine {
    LlmEngine::new(
        Box::new(ChatClient::new(ChatConfig {
            base_url: url.into(),
            model: "ihc-test".into(),
            backoff: Duration::from_millis(10),
            ..ChatConfig::default()
        })),
        cache,
        false,
    )
}

#[test]
fn ihc_llminer_prompts_in_validated_normalised_profiles_out() {
    let server = serve(0);
    let extractor = Extractor::new(lexicon());
    let record = engine(&server.url, None)
        .record(&doc("TTF-1 in lung tumours", ABSTRACT), &extractor)
        .unwrap();
    assert_eq!(record.label, Label::Include, "{}", record.reason);
    assert_eq!(record.profiles.len(), 3);
    let luad = &record.profiles[0];
    assert_eq!((luad.positive, luad.total), (Some(27), Some(35)));
    assert_eq!(
        luad.marker_id.as_deref(),
        Some("HGNC:11825"),
        "TTF-1 normalised"
    );
    assert_eq!(luad.tumour_id.as_deref(), Some("ONCOTREE:LUAD"));
    assert_eq!(luad.site_id.as_deref(), Some("UBERON:0002048"));
    // 30/40 is not in the abstract: kept as evidence, never pooled.
    let made_up = &record.profiles[2];
    assert_eq!((made_up.positive, made_up.total), (None, None));
    assert!(
        made_up.rule.contains("unverified 30/40"),
        "{}",
        made_up.rule
    );
    assert!(
        record
            .reason
            .to_string()
            .contains("1 not found in the abstract"),
        "{}",
        record.reason
    );

    // The requests: IHC-LLMiner's user turn (system prompt, task, abstract only), greedy.
    let bodies = server.bodies.lock().unwrap();
    assert_eq!(bodies.len(), 2, "classify, then extract");
    let first = &bodies[0];
    assert_eq!(first["temperature"], 0);
    assert_eq!(first["max_tokens"], 4);
    let content = first["messages"][0]["content"].as_str().unwrap();
    assert!(content.starts_with("Act as a histopathology expert.\nThe following is an abstract"));
    assert!(content.ends_with(ABSTRACT), "the abstract, not the title");
    assert_eq!(bodies[1]["max_tokens"], 1024);
}

#[test]
fn excludes_stop_after_the_first_prompt() {
    let server = serve(0);
    let extractor = Extractor::new(lexicon());
    let record = engine(&server.url, None)
        .record(
            &doc(
                "A review",
                "In this review we discuss TTF-1 in 27 of 35 tumours.",
            ),
            &extractor,
        )
        .unwrap();
    assert_eq!(record.label, Label::Exclude);
    assert_eq!(record.reason.to_string(), "LLM: Exclude");
    assert_eq!(server.requests.load(Ordering::SeqCst), 1);
}

#[test]
fn retries_errors_and_the_cache() {
    // Two 503s, then answers: the client retries.
    let server = serve(2);
    let extractor = Extractor::new(lexicon());
    let dir = tempfile::tempdir().unwrap();
    let cache_path = dir.path().join("cache.sqlite");
    let e = engine(&server.url, Some(Cache::open(&cache_path).unwrap()));
    let first = e.record(&doc("t", ABSTRACT), &extractor).unwrap();
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        4,
        "2 failures + 2 answers"
    );
    // A re-run with the cache costs no request and gives the same record.
    let again = engine(&server.url, Some(Cache::open(&cache_path).unwrap()));
    let second = again.record(&doc("t", ABSTRACT), &extractor).unwrap();
    assert_eq!(first, second);
    assert_eq!(server.requests.load(Ordering::SeqCst), 4);
    assert_eq!(again.usage.cached.load(Ordering::SeqCst), 2);

    // A refused request (unknown model) is an error with the server's message, not a retry.
    let bad = LlmEngine::new(
        Box::new(ChatClient::new(ChatConfig {
            base_url: server.url.clone(),
            model: "other".into(),
            ..ChatConfig::default()
        })),
        None,
        false,
    );
    let before = server.requests.load(Ordering::SeqCst);
    let err = bad.record(&doc("t", ABSTRACT), &extractor).unwrap_err();
    assert!(err.to_string().contains("HTTP 400"), "{err}");
    assert_eq!(server.requests.load(Ordering::SeqCst), before + 1);

    // Nothing listening: a network error after the attempts, as a skipped record in a run.
    let pipeline = IhcPipeline::new(Extractor::new(lexicon()), Engine::Rules, true).with_engine(
        Box::new(LlmEngine::new(
            Box::new(ChatClient::new(ChatConfig {
                base_url: "http://127.0.0.1:9/v1".into(),
                attempts: 1,
                ..ChatConfig::default()
            })),
            None,
            false,
        )),
        Mode::Alt,
    );
    let outcome = pipeline.process(&doc("t", ABSTRACT));
    assert_eq!(outcome.record.label, Label::Exclude);
    assert!(
        outcome.record.reason.to_string().starts_with("LLM failed"),
        "{}",
        outcome.record.reason
    );
    assert_eq!(outcome.skipped, Some(pubminer_ihc::Skip::EngineError));
}

#[test]
fn hybrid_asks_only_where_the_default_engine_is_unsure() {
    let server = serve(0);
    let pipeline = IhcPipeline::new(Extractor::new(lexicon()), Engine::Rules, true)
        .with_engine(Box::new(engine(&server.url, None)), Mode::Hybrid);
    // The default engine reads this one itself: no request.
    let sure = pipeline.process(&doc("TTF-1 in lung adenocarcinoma", ABSTRACT));
    assert_eq!(sure.record.label, Label::Include);
    assert_eq!(server.requests.load(Ordering::SeqCst), 0);
    // IHC and a marker, but no count the rules can read: the LLM is asked.
    let unsure = pipeline.process(&doc(
        "TTF-1 in lung adenocarcinoma",
        "Immunohistochemistry for TTF-1 was performed on lung adenocarcinomas; most were positive.",
    ));
    assert!(server.requests.load(Ordering::SeqCst) > 0);
    assert!(
        unsure.record.reason.to_string().contains("unsure"),
        "{}",
        unsure.record.reason
    );
}

/// A backend that takes 30 ms per answer and records how many requests overlap.
#[derive(Debug, Default)]
struct Slow {
    now: AtomicUsize,
    most: AtomicUsize,
}

impl pubminer_llm::Backend for Slow {
    fn model(&self) -> &str {
        "slow"
    }
    fn request_key(&self, request: &pubminer_fetch::ChatRequest) -> String {
        request.messages[0].content.clone()
    }
    fn complete(
        &self,
        _request: &pubminer_fetch::ChatRequest,
    ) -> Result<pubminer_fetch::ChatAnswer, pubminer_llm::LlmError> {
        let n = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(n, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(30));
        self.now.fetch_sub(1, Ordering::SeqCst);
        Ok(pubminer_fetch::ChatAnswer {
            text: "Exclude".into(),
            prompt_tokens: None,
            completion_tokens: None,
            attempts: 1,
        })
    }
    fn describe(&self) -> String {
        "slow".into()
    }
}

#[test]
fn at_most_the_concurrency_limit_in_flight() {
    let slow = Arc::new(Slow::default());
    struct Shared(Arc<Slow>);
    impl std::fmt::Debug for Shared {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            self.0.fmt(f)
        }
    }
    impl pubminer_llm::Backend for Shared {
        fn model(&self) -> &str {
            self.0.model()
        }
        fn request_key(&self, r: &pubminer_fetch::ChatRequest) -> String {
            self.0.request_key(r)
        }
        fn complete(
            &self,
            r: &pubminer_fetch::ChatRequest,
        ) -> Result<pubminer_fetch::ChatAnswer, pubminer_llm::LlmError> {
            self.0.complete(r)
        }
        fn describe(&self) -> String {
            self.0.describe()
        }
    }
    let engine =
        LlmEngine::new(Box::new(Shared(Arc::clone(&slow))), None, false).with_concurrency(2);
    std::thread::scope(|s| {
        for i in 0..8 {
            let engine = &engine;
            s.spawn(move || engine.classify(&format!("abstract {i}")).unwrap());
        }
    });
    assert_eq!(slow.most.load(Ordering::SeqCst), 2);
    assert_eq!(engine.usage.requests.load(Ordering::SeqCst), 8);
}
