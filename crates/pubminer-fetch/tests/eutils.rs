//! The E-utilities client against a local HTTP server (tiny_http) that serves recorded-shape
//! responses (`tests/data/eutils/`): history search, batched efetch, request spacing,
//! 429/5xx retries, an expired history handle, resuming an interrupted fetch, and errors.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pubminer_fetch::{Eutils, EutilsConfig, FetchError};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/eutils")
            .join(name),
    )
    .unwrap()
}

/// A request as the server saw it.
#[derive(Clone, Debug)]
struct Seen {
    path: String,
    params: Vec<(String, String)>,
    at: Instant,
}

impl Seen {
    fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

type Handler = dyn Fn(&Seen, &[Seen]) -> (u16, Vec<u8>) + Send + Sync;

struct Server {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

fn decode(s: &str) -> String {
    let bytes = s.replace('+', " ").into_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 3 <= bytes.len()
            && let Ok(b) = u8::from_str_radix(
                std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                16,
            )
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

fn serve(handler: Box<Handler>) -> Server {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let base = format!(
        "http://{}/entrez/eutils",
        server.server_addr().to_ip().unwrap()
    );
    let seen = Arc::new(Mutex::new(Vec::<Seen>::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let url = request.url().to_owned();
            let (path, query) = url.split_once('?').unwrap_or((&url, ""));
            let params = query
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap_or((p, ""));
                    (decode(k), decode(v))
                })
                .collect();
            let this = Seen {
                path: path.rsplit('/').next().unwrap_or("").to_owned(),
                params,
                at: Instant::now(),
            };
            let (status, body) = {
                let mut all = log.lock().unwrap();
                let answer = handler(&this, &all);
                all.push(this);
                answer
            };
            let mut response = tiny_http::Response::from_data(body).with_status_code(status);
            if status == 429 {
                response.add_header(
                    tiny_http::Header::from_bytes(&b"Retry-After"[..], &b"0"[..]).unwrap(),
                );
            }
            let _ = request.respond(response);
        }
    });
    Server { base, seen }
}

/// The normal answers: the search, then batch 0 (two records) and batch 2 (one record).
fn normal(req: &Seen) -> (u16, Vec<u8>) {
    match (req.path.as_str(), req.param("retstart")) {
        ("esearch.fcgi", _) => (200, fixture("esearch.json")),
        ("efetch.fcgi", Some("0")) => (200, fixture("efetch-0.xml")),
        ("efetch.fcgi", Some("2")) => (200, fixture("efetch-2.xml")),
        _ => (404, b"unexpected request".to_vec()),
    }
}

fn config(base: &str) -> EutilsConfig {
    EutilsConfig {
        base_url: base.to_owned(),
        api_key: Some("KEY123".into()),
        email: Some("curator@example.org".into()),
        batch_size: 2,
        backoff: Duration::from_millis(10),
        min_interval: Some(Duration::from_millis(60)),
        ..EutilsConfig::default()
    }
}

fn batch_names(files: &[PathBuf]) -> Vec<String> {
    files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn query_is_searched_once_and_fetched_in_paced_batches() {
    let server = serve(Box::new(|req, _| normal(req)));
    let dir = tempfile::tempdir().unwrap();
    let client = Eutils::new(config(&server.base));
    let mut calls = Vec::new();
    let got = client
        .fetch_query("TTF-1 immunohisto*", dir.path(), &mut |done, of| {
            calls.push((done, of))
        })
        .unwrap();
    assert_eq!(
        (got.count, got.wanted, got.fetched, got.reused),
        (3, 3, 2, 0)
    );
    assert_eq!(
        batch_names(&got.files),
        ["batch-000000000.xml", "batch-000000002.xml"]
    );
    assert_eq!(calls, [(1, 2), (2, 2)]);
    assert_eq!(
        std::fs::read(&got.files[1]).unwrap(),
        fixture("efetch-2.xml")
    );

    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3);
    let search = &seen[0];
    assert_eq!(search.path, "esearch.fcgi");
    assert_eq!(search.param("term"), Some("TTF-1 immunohisto*"));
    assert_eq!(search.param("usehistory"), Some("y"));
    assert_eq!(search.param("db"), Some("pubmed"));
    for req in &seen {
        assert_eq!(req.param("tool"), Some("pubminer"));
        assert_eq!(req.param("email"), Some("curator@example.org"));
        assert_eq!(req.param("api_key"), Some("KEY123"));
    }
    assert_eq!(seen[1].param("WebEnv"), Some("MCID_test_webenv_1"));
    assert_eq!(seen[1].param("query_key"), Some("1"));
    assert_eq!(
        seen[2].param("retmax"),
        Some("1"),
        "the last batch asks only for what is left"
    );
    for pair in seen.windows(2) {
        let gap = pair[1].at.duration_since(pair[0].at);
        assert!(gap >= Duration::from_millis(50), "requests {gap:?} apart");
    }
    // No partial files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "partial"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn default_pacing_follows_ncbi_limits() {
    let keyless = EutilsConfig::default();
    assert!(
        keyless.interval() >= Duration::from_millis(333),
        "3 requests/s without a key"
    );
    let keyed = EutilsConfig {
        api_key: Some("k".into()),
        ..EutilsConfig::default()
    };
    assert!(
        keyed.interval() >= Duration::from_millis(100),
        "10 requests/s with a key"
    );
}

#[test]
fn rate_limits_and_server_errors_are_retried() {
    let server = serve(Box::new(|req, all| {
        let efetches = all.iter().filter(|s| s.path == "efetch.fcgi").count();
        if req.path == "efetch.fcgi" && efetches == 0 {
            return (429, b"Too Many Requests".to_vec());
        }
        if req.path == "efetch.fcgi" && efetches == 1 {
            return (503, b"Service Unavailable".to_vec());
        }
        normal(req)
    }));
    let dir = tempfile::tempdir().unwrap();
    let got = Eutils::new(config(&server.base))
        .fetch_query("TTF-1 immunohisto*", dir.path(), &mut |_, _| {})
        .unwrap();
    assert_eq!(got.fetched, 2);
    assert_eq!(got.retries, 2);
    assert_eq!(got.requests, 5);
}

#[test]
fn an_interrupted_fetch_resumes_with_the_missing_batches_only() {
    let dir = tempfile::tempdir().unwrap();
    {
        // The second batch keeps failing: the run stops with an error, the first batch stays.
        let server = serve(Box::new(|req, _| {
            if req.param("retstart") == Some("2") {
                return (502, b"Bad Gateway".to_vec());
            }
            normal(req)
        }));
        let cfg = EutilsConfig {
            attempts: 2,
            ..config(&server.base)
        };
        let err = Eutils::new(cfg)
            .fetch_query("TTF-1 immunohisto*", dir.path(), &mut |_, _| {})
            .unwrap_err();
        assert!(
            matches!(err, FetchError::Network { attempts: 2, .. }),
            "{err}"
        );
        assert!(dir.path().join("batch-000000000.xml").exists());
        assert!(!dir.path().join("batch-000000002.xml").exists());
    }
    let server = serve(Box::new(|req, _| normal(req)));
    let got = Eutils::new(config(&server.base))
        .fetch_query("TTF-1 immunohisto*", dir.path(), &mut |_, _| {})
        .unwrap();
    assert_eq!((got.reused, got.fetched), (1, 1));
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "no new search, one efetch: {seen:?}");
    assert_eq!(seen[0].param("retstart"), Some("2"));

    // The same directory refuses another query.
    let err = Eutils::new(config(&server.base))
        .fetch_query("CK7", dir.path(), &mut |_, _| {})
        .unwrap_err();
    assert!(err.to_string().contains("another query"), "{err}");
}

#[test]
fn an_expired_history_handle_is_renewed() {
    let server = serve(Box::new(|req, all| {
        let searches = all.iter().filter(|s| s.path == "esearch.fcgi").count();
        match req.path.as_str() {
            "esearch.fcgi" if searches >= 1 => (
                200,
                String::from_utf8(fixture("esearch.json"))
                    .unwrap()
                    .replace("webenv_1", "webenv_2")
                    .into_bytes(),
            ),
            "efetch.fcgi" if req.param("WebEnv") == Some("MCID_test_webenv_1") => {
                (200, fixture("efetch-expired.xml"))
            }
            _ => normal(req),
        }
    }));
    let dir = tempfile::tempdir().unwrap();
    let got = Eutils::new(config(&server.base))
        .fetch_query("TTF-1 immunohisto*", dir.path(), &mut |_, _| {})
        .unwrap();
    assert_eq!(got.fetched, 2);
    assert!(
        got.notes.is_empty(),
        "same count, nothing to warn about: {:?}",
        got.notes
    );
    let state = std::fs::read_to_string(dir.path().join("query.json")).unwrap();
    assert!(state.contains("MCID_test_webenv_2"), "{state}");
}

#[test]
fn search_errors_and_max_records() {
    let server = serve(Box::new(|req, _| {
        if req.param("term") == Some("((") {
            return (200, fixture("esearch-error.json"));
        }
        normal(req)
    }));
    let client = Eutils::new(config(&server.base));
    let err = client.esearch("((").unwrap_err();
    assert!(err.to_string().contains("Invalid query"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let limited = Eutils::new(EutilsConfig {
        max_records: Some(2),
        ..config(&server.base)
    });
    let got = limited
        .fetch_query("TTF-1 immunohisto*", dir.path(), &mut |_, _| {})
        .unwrap();
    assert_eq!((got.count, got.wanted, got.files.len()), (3, 2, 1));
}
