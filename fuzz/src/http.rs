//! The `http_params` target: requests with fuzzed paths and query strings against the
//! `pubminer serve` router over a small knowledge base built once per process.
//!
//! A response may be any 2xx, 400 or 404; a 500 (a knowledge-base query that failed, or a
//! worker that panicked), a panic in a handler, or a JSON response that does not parse is a
//! finding.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use pubminer_ihc::kb::{DocInfo, Kb};
use pubminer_ihc::{IhcRecord, Label, Profile, Reason};
use pubminer_serve::{AppState, host_allowed, router};
use tower::ServiceExt as _;

/// The request targets the first input byte chooses between; the rest of the input follows.
pub const ROUTES: &[&str] = &[
    "/api/landscape?",
    "/api/evidence?",
    "/api/search?",
    "/api/markers/",
    "/api/tumours/",
    "/api/documents/",
    "/api/openapi.json?",
    "/",
];

struct Server {
    app: axum::Router,
    runtime: tokio::runtime::Runtime,
}

/// (document, marker, HGNC symbol, tumour type, tumour id, positive, total, evidence).
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    u32,
    u32,
    &'static str,
);

/// The knowledge base's profiles: shared and distinct markers and tumours, non-ASCII text,
/// an id that is not a PMID, a zero total.
const ROWS: &[Row] = &[
    (
        "101",
        "TTF-1",
        "NKX2-1",
        "lung adenocarcinomas",
        "ONCOTREE:LUAD",
        27,
        35,
        "TTF-1 was positive in 27 of 35 (77.1%) lung adenocarcinomas (LUAD).",
    ),
    (
        "101",
        "CK7",
        "KRT7",
        "lung adenocarcinomas",
        "ONCOTREE:LUAD",
        34,
        35,
        "CK7 was positive in 34 of 35 lung adenocarcinomas.",
    ),
    (
        "PMC102",
        "p40",
        "TP63",
        "squamous cell carcinomas",
        "ONCOTREE:LUSC",
        19,
        20,
        "p40 stained 19/20 squamous cell carcinomas (95%), naïve to treatment 🧬.",
    ),
    (
        "10.1000/x.103",
        "Ki-67",
        "MKI67",
        "carcinoïde tumours",
        "ONCOTREE:LUCA",
        0,
        0,
        "Ki-67 was négatif in all cases.",
    ),
];

fn records() -> Vec<(IhcRecord, DocInfo)> {
    let mut out: Vec<(IhcRecord, DocInfo)> = Vec::new();
    for &(id, marker, symbol, tumour, tumour_id, positive, total, evidence) in ROWS {
        let profile = Profile {
            marker: marker.into(),
            marker_id: Some(format!("HGNC:{symbol}")),
            marker_symbol: Some(symbol.into()),
            tumour_type: tumour.into(),
            tumour_id: Some(tumour_id.into()),
            site: Some("lung".into()),
            site_id: Some("UBERON:0002048".into()),
            positive: Some(positive),
            total: Some(total),
            evidence: evidence.into(),
            rule: "count".into(),
            ..Profile::default()
        };
        match out.iter_mut().find(|(r, _)| r.id == id) {
            Some((record, _)) => record.profiles.push(profile),
            None => out.push((
                IhcRecord {
                    id: id.into(),
                    label: Label::Include,
                    reason: Reason::Other("count(s) of IHC positivity".into()),
                    decided_by: Vec::new(),
                    profiles: vec![profile],
                },
                DocInfo {
                    title: format!("Study {id}"),
                    year: Some(2020),
                    journal: Some("J Test".into()),
                },
            )),
        }
    }
    out
}

/// A directory of its own per process under the temporary directory; those of processes
/// that no longer run are removed (statics are never dropped, so each run leaves one).
fn kb_dir() -> PathBuf {
    let base = std::env::temp_dir().join("pubminer-fuzz-http");
    if let Ok(dirs) = std::fs::read_dir(&base) {
        for d in dirs.flatten() {
            let pid = d.file_name().to_string_lossy().into_owned();
            if pid.parse::<u32>().is_ok() && !PathBuf::from("/proc").join(&pid).exists() {
                let _ = std::fs::remove_dir_all(d.path());
            }
        }
    }
    let dir = base.join(std::process::id().to_string());
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary directory");
    dir
}

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let path = kb_dir().join("kb.sqlite");
        let mut kb = Kb::open(&path).expect("knowledge base");
        kb.store(&records()).expect("store");
        drop(kb);
        let state = Arc::new(AppState::load(&path, None).expect("state"));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        Server {
            app: router(state),
            runtime,
        }
    })
}

/// One request: `data[0]` picks a route from [`ROUTES`], the rest is appended to it.
pub fn request(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(rest) = std::str::from_utf8(rest) else {
        return;
    };
    let _ = host_allowed(rest, &["pubminer.example.org".to_owned()]);
    let route = ROUTES[usize::from(selector) % ROUTES.len()];
    let Ok(request) = Request::get(format!("{route}{rest}")).body(Body::empty()) else {
        return; // not a request target hyper would pass on
    };
    let server = server();
    let (status, json, body) = server.runtime.block_on(async {
        let response = server
            .app
            .clone()
            .oneshot(request)
            .await
            .expect("the router is infallible");
        let status = response.status();
        let json = response
            .headers()
            .get("content-type")
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        (status, json, body)
    });
    assert!(
        status.is_success() || status == StatusCode::BAD_REQUEST || status == StatusCode::NOT_FOUND,
        "{status} for {route}{rest:?}: {}",
        String::from_utf8_lossy(&body)
    );
    if json {
        assert!(
            serde_json::from_slice::<serde_json::Value>(&body).is_ok(),
            "invalid JSON for {route}{rest:?}"
        );
    }
}
