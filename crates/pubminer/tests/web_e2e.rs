//! The web page in a real headless browser: `ihc run` fills a knowledge base from
//! IHC-LLMiner-style TSV, `pubminer serve` serves it on loopback, and Chromium (driven through
//! chromedriver's WebDriver protocol) loads the landscape, clicks the heatmap cell of one
//! marker × tumour type, and must show that cell's evidence: the pooled counts, the sentence
//! with the marker highlighted, and the PMID linking to PubMed. A screenshot of the evidence
//! view is written to `$PUBMINER_ARTIFACTS` (default `target/ci-artifacts/`).
//!
//! Needs `chromium` and `chromedriver` (Debian: `chromium chromium-driver`, which `.ci/run`
//! installs). Without them the test says so and passes, unless `PUBMINER_REQUIRE_BROWSER=1`
//! (set by CI), where their absence fails it.

mod common;

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use common::{fixture_lexicon, pubminer, run};
use serde_json::{Value, json};

const TSV: &str = "marker\tpmid\turl\tabstract\n\
TTF-1\t201\thttps://pubmed.ncbi.nlm.nih.gov/201/\tWe assessed TTF-1 by immunohistochemistry in primary lung tumours. TTF-1 was positive in 27 of 35 (77.1%) lung adenocarcinomas.\n\
TTF-1\t202\thttps://pubmed.ncbi.nlm.nih.gov/202/\tImmunohistochemical staining for TTF-1 was performed on 50 lung adenocarcinomas. Nuclear TTF-1 expression was found in 40 of 50 (80%) lung adenocarcinomas.\n";

/// Kills the child on drop.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A minimal W3C WebDriver client over chromedriver's HTTP endpoint.
struct Driver {
    agent: ureq::Agent,
    base: String,
    session: String,
}

impl Driver {
    fn call(agent: &ureq::Agent, method: &str, url: &str, body: Option<Value>) -> Value {
        let mut response = match (method, body) {
            ("GET", _) => agent.get(url).call(),
            ("DELETE", _) => agent.delete(url).call(),
            (_, body) => agent
                .post(url)
                .header("content-type", "application/json")
                .send(body.unwrap_or_else(|| json!({})).to_string()),
        }
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
        let text = response.body_mut().read_to_string().unwrap();
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        assert!(
            v["value"]["error"].is_null(),
            "{method} {url}: {}",
            v["value"]
        );
        v["value"].clone()
    }

    fn start(base: String, chromium: &Path) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium.to_str().unwrap(),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1300,900"]
            }
        }}});
        let v = Self::call(&agent, "POST", &format!("{base}/session"), Some(caps));
        let session = v["sessionId"].as_str().unwrap().to_owned();
        Self {
            agent,
            base,
            session,
        }
    }

    fn post(&self, path: &str, body: Value) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        Self::call(&self.agent, "POST", &url, Some(body))
    }

    fn get(&self, path: &str) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        Self::call(&self.agent, "GET", &url, None)
    }

    /// Waits for a CSS selector to match, returning the element id.
    fn wait_for(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let found = self.post("/elements", json!({"using": "css selector", "value": css}));
            if let Some(first) = found.as_array().and_then(|a| a.first()) {
                return first
                    .as_object()
                    .and_then(|o| o.values().next())
                    .and_then(Value::as_str)
                    .unwrap()
                    .to_owned();
            }
            assert!(Instant::now() < deadline, "{css} never appeared");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn text(&self, element: &str) -> String {
        self.get(&format!("/element/{element}/text"))
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    fn attribute(&self, element: &str, name: &str) -> Option<String> {
        self.get(&format!("/element/{element}/attribute/{name}"))
            .as_str()
            .map(str::to_owned)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let url = format!("{}/session/{}", self.base, self.session);
        let _ = self.agent.delete(&url).call();
    }
}

#[test]
fn heatmap_cell_click_shows_its_evidence_in_a_real_browser() {
    let required = std::env::var_os("PUBMINER_REQUIRE_BROWSER").is_some_and(|v| v == "1");
    let (Some(chromium), Some(chromedriver)) = (
        which("chromium").or_else(|| which("chromium-browser")),
        which("chromedriver"),
    ) else {
        assert!(
            !required,
            "PUBMINER_REQUIRE_BROWSER=1 but chromium/chromedriver are not installed"
        );
        eprintln!(
            "skipped: chromium and chromedriver are not installed (Debian: apt-get install chromium chromium-driver)"
        );
        return;
    };

    // A knowledge base from the pipeline itself.
    let home = tempfile::tempdir().unwrap();
    let lexicon = fixture_lexicon(home.path());
    let input = home.path().join("abstracts.tsv");
    std::fs::write(&input, TSV).unwrap();
    let kb = home.path().join("kb.sqlite");
    let (code, _, err) = run(pubminer(home.path())
        .args(["ihc", "run", "-q"])
        .arg(&input)
        .arg("--kb")
        .arg(&kb)
        .arg("--lexicon")
        .arg(&lexicon));
    assert_eq!(code, 0, "{err}");

    // The server, on a free loopback port; its first stdout line names the address.
    let mut server = pubminer(home.path())
        .args(["serve", "--addr", "127.0.0.1:0", "--kb"])
        .arg(&kb)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _server = Running(server);
    let site = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .trim_end_matches('/')
        .to_owned();

    let port = free_port();
    let driver_process = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _driver_process = Running(driver_process);
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let driver = Driver::start(base, &chromium);

    driver.post("/url", json!({"url": format!("{site}/")}));
    let cell = driver.wait_for("td.cell[data-marker='NKX2-1']");
    assert_eq!(
        driver.attribute(&cell, "data-tumour").as_deref(),
        Some("ONCOTREE:LUAD")
    );
    assert!(
        driver.text(&cell).contains("67/85"),
        "{}",
        driver.text(&cell)
    );
    driver.post(&format!("/element/{cell}/click"), json!({}));

    let pooled = driver.wait_for("#pooled");
    let pooled_text = driver.text(&pooled);
    assert!(pooled_text.contains("67/85"), "{pooled_text}");
    assert!(pooled_text.contains("2 studies"), "{pooled_text}");
    let title = driver.text(&driver.wait_for("#evidence-title"));
    assert!(title.contains("NKX2-1"), "{title}");
    let mark = driver.wait_for(".study mark.marker");
    assert_eq!(driver.text(&mark), "TTF-1");
    let link = driver.wait_for(".study a.pmid");
    let href = driver.attribute(&link, "href").unwrap_or_default();
    assert!(
        href.starts_with("https://pubmed.ncbi.nlm.nih.gov/20"),
        "{href}"
    );
    let studies = driver.post(
        "/elements",
        json!({"using": "css selector", "value": ".study"}),
    );
    assert_eq!(studies.as_array().map(Vec::len), Some(2));

    // The screenshot, as a CI artifact.
    let png = base64::engine::general_purpose::STANDARD
        .decode(driver.get("/screenshot").as_str().unwrap())
        .unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    let dir = std::env::var_os("PUBMINER_ARTIFACTS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/ci-artifacts"),
        PathBuf::from,
    );
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("web-evidence.png"), png).unwrap();
}
