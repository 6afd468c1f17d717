//! The JSON API against a knowledge base written from fixture records: the landscape with
//! filters, sorting, paging and CSV; marker and tumour pages with per-study rates; evidence
//! with highlights; documents; search; the OpenAPI document; 400s and 404s; and that the
//! server never writes to the database.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use pubminer_ihc::kb::{DocInfo, Kb};
use pubminer_ihc::{IhcRecord, Profile};
use pubminer_serve::{AppState, OPENAPI_JSON, router};
use tower::ServiceExt as _;

fn profile(
    marker: &str,
    symbol: &str,
    tumour: &str,
    tumour_id: &str,
    x: u32,
    n: u32,
    evidence: &str,
) -> Profile {
    Profile {
        marker: marker.into(),
        marker_id: Some(format!("HGNC:{symbol}")),
        marker_symbol: Some(symbol.into()),
        tumour_type: tumour.into(),
        tumour_id: Some(tumour_id.into()),
        site: Some("lung".into()),
        site_id: Some("UBERON:0002048".into()),
        positive: Some(x),
        total: Some(n),
        evidence: evidence.into(),
        rule: "count".into(),
        ..Profile::default()
    }
}

fn record(id: &str, profiles: Vec<Profile>) -> (IhcRecord, DocInfo) {
    (
        IhcRecord {
            id: id.into(),
            label: pubminer_ihc::Label::Include,
            reason: pubminer_ihc::Reason::Other(format!(
                "{} count(s) of IHC positivity",
                profiles.len()
            )),
            decided_by: Vec::new(),
            profiles,
        },
        DocInfo {
            title: format!("Study {id}"),
            year: Some(2020),
            journal: Some("J Test".into()),
        },
    )
}

fn kb(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("kb.sqlite");
    let mut kb = Kb::open(&path).unwrap();
    kb.store(&[
        record(
            "101",
            vec![
                profile("TTF-1", "NKX2-1", "lung adenocarcinomas", "ONCOTREE:LUAD", 27, 35,
                    "TTF-1 was positive in 27 of 35 (77.1%) lung adenocarcinomas."),
                profile("CK7", "KRT7", "lung adenocarcinomas", "ONCOTREE:LUAD", 34, 35,
                    "CK7 was positive in 34 of 35 lung adenocarcinomas."),
            ],
        ),
        record(
            "102",
            vec![profile("TTF1", "NKX2-1", "adenocarcinoma of the lung", "ONCOTREE:LUAD", 40, 50,
                "Nuclear TTF1 expression was found in 40 of 50 cases of adenocarcinoma of the lung.")],
        ),
        record(
            "103",
            vec![profile("p40", "TP63", "squamous cell carcinomas", "ONCOTREE:LUSC", 19, 20,
                "p40 stained 19/20 squamous cell carcinomas (95%), naïve to treatment.")],
        ),
    ])
    .unwrap();
    path
}

struct Api {
    app: axum::Router,
    _dir: tempfile::TempDir,
}

impl Api {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = kb(dir.path());
        let state = Arc::new(AppState::load(&path, None).unwrap());
        Self {
            app: router(state),
            _dir: dir,
        }
    }

    async fn get(&self, uri: &str) -> (StatusCode, String, String) {
        let response = self
            .app
            .clone()
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let kind = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, kind, String::from_utf8(body.to_vec()).unwrap())
    }

    async fn json(&self, uri: &str) -> serde_json::Value {
        let (status, kind, body) = self.get(uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
        assert!(kind.starts_with("application/json"), "{uri}: {kind}");
        serde_json::from_str(&body).unwrap()
    }
}

#[tokio::test]
async fn landscape_pools_filters_sorts_pages_and_exports() {
    let api = Api::new();
    let all = api.json("/api/landscape").await;
    assert_eq!(all["total"], 3);
    // TTF-1 and TTF1 are one marker (NKX2-1) and one tumour type (ONCOTREE:LUAD): pooled.
    let luad = api
        .json("/api/landscape?marker=TTF-1&tumour=lung%20adeno&documents=true")
        .await;
    assert_eq!(luad["total"], 1, "{luad}");
    let row = &luad["rows"][0];
    assert_eq!(
        (row["positive"].as_u64(), row["total"].as_u64()),
        (Some(67), Some(85))
    );
    assert_eq!(row["studies"], 2);
    assert_eq!(row["documents"], serde_json::json!(["101", "102"]));
    let (low, high) = (row["low"].as_f64().unwrap(), row["high"].as_f64().unwrap());
    assert!(low < 67.0 / 85.0 && 67.0 / 85.0 < high);
    // PMIDs only when asked.
    assert!(all["rows"][0].get("documents").is_none(), "{all}");
    // A site filter, a minimum, sorting and paging.
    assert_eq!(api.json("/api/landscape?site=lung").await["total"], 3);
    assert_eq!(api.json("/api/landscape?site=breast").await["total"], 0);
    assert_eq!(api.json("/api/landscape?min_total=40").await["total"], 1);
    let by_rate = api.json("/api/landscape?sort=rate&order=desc").await;
    let rates: Vec<f64> = by_rate["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rate"].as_f64().unwrap())
        .collect();
    assert!(rates.windows(2).all(|w| w[0] >= w[1]), "{rates:?}");
    let page = api
        .json("/api/landscape?sort=rate&order=desc&limit=1&offset=1")
        .await;
    assert_eq!(page["total"], 3);
    assert_eq!(page["rows"].as_array().unwrap().len(), 1);
    assert_eq!(page["rows"][0]["rate"].as_f64(), Some(rates[1]));
    // CSV of the same selection.
    let (status, kind, csv) = api.get("/api/landscape?marker=NKX2-1&format=csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("text/csv"), "{kind}");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("marker,tumour,tumour_name,positive,total"));
    assert!(lines[1].starts_with("NKX2-1,ONCOTREE:LUAD,"), "{csv}");
}

#[tokio::test]
async fn bad_parameters_are_400_and_unknown_ids_404() {
    let api = Api::new();
    for (uri, needle) in [
        ("/api/landscape?min_total=-1", "min_total"),
        ("/api/landscape?limit=lots", "limit"),
        ("/api/landscape?sort=colour", "sort"),
        ("/api/landscape?markr=TTF-1", "unknown parameter `markr`"),
        ("/api/evidence?marker=NKX2-1", "tumour"),
        ("/api/search", "q"),
        ("/api/markers/NKX2-1?format=xml", "format"),
    ] {
        let (status, _, body) = api.get(uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert!(
            v["error"].as_str().unwrap().contains(needle),
            "{uri}: {body}"
        );
    }
    for uri in [
        "/api/markers/NOPE",
        "/api/tumours/ONCOTREE:NOPE",
        "/api/evidence?marker=NKX2-1&tumour=ONCOTREE:LUSC",
        "/api/documents/999",
        "/api/nothing",
    ] {
        let (status, _, body) = api.get(uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}: {body}");
        assert!(body.contains("\"error\""), "{uri}: {body}");
    }
    // Quotes and SQL in parameters are data, not SQL.
    let (status, _, _) = api
        .get("/api/evidence?marker=x%27%20OR%201%3D1%20--&tumour=y")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        api.json("/api/landscape?tumour=%27%29%3B%20DROP%20TABLE%20profiles%3B--")
            .await["total"],
        0
    );
    assert_eq!(api.json("/api/landscape").await["total"], 3);
}

#[tokio::test]
async fn marker_tumour_evidence_and_document_pages() {
    let api = Api::new();
    // A marker by its curated name, its symbol, or a name it was written under.
    for key in ["NKX2-1", "TTF-1", "ttf1"] {
        let m = api.json(&format!("/api/markers/{key}")).await;
        assert_eq!(m["key"], "NKX2-1", "{key}");
        let rows = m["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 1);
        let studies = rows[0]["studies_detail"].as_array().unwrap();
        assert_eq!(studies.len(), 2);
        assert_eq!(studies[0]["total"], 50, "largest study first");
        assert!((studies[0]["rate"].as_f64().unwrap() - 0.8).abs() < 1e-9);
    }
    let t = api.json("/api/tumours/ONCOTREE:LUAD").await;
    let markers: Vec<&str> = t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["marker"].as_str().unwrap())
        .collect();
    assert_eq!(markers, ["KRT7", "NKX2-1"]);

    let ev = api
        .json("/api/evidence?marker=TP63&tumour=ONCOTREE:LUSC")
        .await;
    let study = &ev["studies"][0];
    assert_eq!(study["url"], "https://pubmed.ncbi.nlm.nih.gov/103/");
    assert_eq!(study["reason"], "1 count(s) of IHC positivity");
    // Highlights are UTF-16 offsets: the sentence has a non-ASCII letter after them, and the
    // marker, the tumour and both counts are marked.
    let sentence: Vec<u16> = study["evidence"].as_str().unwrap().encode_utf16().collect();
    let marked: Vec<(String, String)> = study["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let (s, e) = (
                h["start"].as_u64().unwrap() as usize,
                h["end"].as_u64().unwrap() as usize,
            );
            (
                h["kind"].as_str().unwrap().to_owned(),
                String::from_utf16(&sentence[s..e]).unwrap(),
            )
        })
        .collect();
    assert_eq!(
        marked,
        [
            ("marker".to_owned(), "p40".to_owned()),
            ("count".to_owned(), "19".to_owned()),
            ("count".to_owned(), "20".to_owned()),
            ("tumour".to_owned(), "squamous cell carcinomas".to_owned()),
        ]
    );
    let (status, kind, csv) = api
        .get("/api/evidence?marker=TP63&tumour=ONCOTREE:LUSC&format=csv")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("text/csv"));
    assert!(
        csv.contains("\"p40 stained 19/20 squamous cell carcinomas (95%), naïve to treatment.\""),
        "{csv}"
    );

    // Paged: the largest study first, the total of all pages.
    let page = api
        .json("/api/evidence?marker=NKX2-1&tumour=ONCOTREE:LUAD&limit=1")
        .await;
    assert_eq!(page["total"], 2);
    assert_eq!(page["studies"].as_array().unwrap().len(), 1);
    assert_eq!(page["studies"][0]["document"], "102");
    let page = api
        .json("/api/evidence?marker=NKX2-1&tumour=ONCOTREE:LUAD&limit=1&offset=1")
        .await;
    assert_eq!(page["studies"][0]["document"], "101");

    let doc = api.json("/api/documents/101").await;
    assert_eq!(doc["label"], "include");
    assert_eq!(doc["profiles"].as_array().unwrap().len(), 2);
    assert_eq!(doc["url"], "https://pubmed.ncbi.nlm.nih.gov/101/");
}

#[tokio::test]
async fn search_the_page_and_the_openapi_document() {
    let api = Api::new();
    // One suggestion per concept (TTF1 and TTF-1 are both NKX2-1), the shortest name first.
    let hits = api.json("/api/search?q=ttf").await;
    assert_eq!(
        hits,
        serde_json::json!([{"kind": "marker", "key": "NKX2-1", "name": "TTF1"}])
    );
    let hits = api.json("/api/search?q=carcinoma").await;
    assert!(
        hits.as_array()
            .unwrap()
            .iter()
            .any(|h| h["key"] == "ONCOTREE:LUSC")
    );

    let (status, kind, page) = api.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("text/html"));
    assert!(page.contains("id=\"heatmap\"") || page.contains("heatmap"));

    // Every path the OpenAPI document lists answers (with its required parameters).
    let spec: serde_json::Value = serde_json::from_str(OPENAPI_JSON).unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
    for (path, example) in [
        ("/api/landscape", "/api/landscape"),
        ("/api/markers/{key}", "/api/markers/KRT7"),
        ("/api/tumours/{key}", "/api/tumours/ONCOTREE:LUAD"),
        (
            "/api/evidence",
            "/api/evidence?marker=KRT7&tumour=ONCOTREE:LUAD",
        ),
        ("/api/documents/{id}", "/api/documents/102"),
        ("/api/search", "/api/search?q=ck"),
        ("/api/openapi.json", "/api/openapi.json"),
    ] {
        assert!(spec["paths"][path].is_object(), "{path} undocumented");
        let (status, _, body) = api.get(example).await;
        assert_eq!(status, StatusCode::OK, "{example}: {body}");
    }
    assert_eq!(spec["paths"].as_object().unwrap().len(), 7);
}

#[test]
fn the_server_opens_the_database_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = kb(dir.path());
    let before = std::fs::read(&path).unwrap();
    let state = AppState::load(&path, None).unwrap();
    let written =
        state.with_kb(|kb| Ok(kb.connection().execute("DELETE FROM profiles", []).is_err()));
    assert_eq!(written.ok(), Some(true), "a write must fail");
    drop(state);
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // A missing file is a clear error, not an empty database.
    let err = AppState::load(&dir.path().join("none.sqlite"), None).unwrap_err();
    assert!(err.to_string().contains("none.sqlite"), "{err}");
}
