//! End-to-end tests of the `pubminer` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn pubminer() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pubminer"))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../pubminer-formats/tests/fixtures")
        .join(name)
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("pubminer runs");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

#[test]
fn help_documents_exit_codes_and_commands() {
    let (code, out, _) = run(pubminer().arg("--help"));
    assert_eq!(code, 0);
    for needle in ["convert", "stats", "Exit codes", "--on-error", "--threads"] {
        assert!(out.contains(needle), "--help lacks {needle}:\n{out}");
    }
}

#[test]
fn usage_error_is_exit_2() {
    let (code, _, err) = run(pubminer().args(["convert", "x", "--to", "docx", "-o", "y"]));
    assert_eq!(code, 2);
    assert!(err.contains("docx"), "{err}");
}

#[test]
fn pubtator_round_trip_through_jsonl() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("docs.jsonl");
    let back = dir.path().join("back.pubtator");
    let source = fixture("pubtator/sample.pubtator");
    let (code, _, err) = run(pubminer()
        .arg("convert")
        .arg(&source)
        .args(["--to", "jsonl", "-o"])
        .arg(&jsonl));
    // The fixture's one annotation whose text does not match is dropped, said, and counted.
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("abstractX") && err.contains("line 14"),
        "{err}"
    );
    let (code, _, err) = run(pubminer()
        .arg("convert")
        .arg(&jsonl)
        .args(["--to", "pubtator", "-o"])
        .arg(&back));
    assert_eq!(code, 0, "{err}");
    let original = std::fs::read_to_string(&source).unwrap();
    let written = std::fs::read_to_string(&back).unwrap();
    // The one annotation whose text does not match was reported and not carried over.
    let expected: String = original
        .lines()
        .filter(|l| !l.contains("abstractX"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(written, expected);
}

#[test]
fn stats_counts_and_json() {
    let (code, out, err) = run(pubminer()
        .arg("stats")
        .arg("--json")
        .arg(fixture("pubmed/articles.xml"))
        .arg(fixture("pubmed/book.xml")));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["documents"], 4);
    assert_eq!(v["deletions"], 3);
    assert_eq!(v["with_abstract"], 3);
    assert_eq!(v["retracted"], 1);
    assert_eq!(v["languages"]["eng"], 3);
    assert_eq!(v["publication_types"]["D016454 Review"], 2);
    assert_eq!(v["record_types"]["PubmedBookArticle"], 1);
    assert!(
        err.contains("2 file(s), 5 record(s), 7 document(s)"),
        "{err}"
    );
}

#[test]
fn skip_mode_reports_and_exits_3_fail_mode_stops_with_1() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.xml");
    std::fs::write(
        &bad,
        "<PubmedArticleSet>\n<PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>One</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n<PubmedArticle><MedlineCitation><PMID>2</PMID><Article><ArticleTitle>Two &foo; x</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n</PubmedArticleSet>\n",
    )
    .unwrap();
    let out = dir.path().join("out.jsonl");
    let (code, _, err) = run(pubminer()
        .arg("convert")
        .arg(&bad)
        .args(["--to", "jsonl", "-o"])
        .arg(&out));
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("bad.xml, record #2 (PMID 2), line 3"), "{err}");
    assert!(err.contains("&foo;"), "{err}");
    assert!(err.contains("1 record(s) skipped"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 1);

    let out2 = dir.path().join("out2.jsonl");
    let (code, _, err) = run(pubminer()
        .args(["--on-error", "fail", "convert"])
        .arg(&bad)
        .args(["--to", "jsonl", "-o"])
        .arg(&out2));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("record #2 (PMID 2)"), "{err}");
    assert!(!out2.exists(), "a failed run leaves no output file");
    assert!(!dir.path().join("out2.jsonl.partial").exists());
}

/// Mention lines whose offsets are no offsets are bad records, not relations; offsets that
/// do not fit the text (reversed, past it; negative BioC locations) drop the annotation with
/// a located line on stderr, exit status 3, and `--on-error fail` stops on them.
#[test]
fn malformed_and_unplaceable_offsets_are_reported_not_dropped_silently() {
    let dir = tempfile::tempdir().unwrap();
    let text = "1|t|Lung adenocarcinoma\n1|a|TTF-1 was positive.\n";
    let convert = |name: &str, body: &str, fail: bool| {
        let path = dir.path().join(name);
        std::fs::write(&path, body).unwrap();
        let out = dir.path().join(format!("{name}.out.jsonl"));
        let mut cmd = pubminer();
        if fail {
            cmd.args(["--on-error", "fail"]);
        }
        let (code, _, err) = run(cmd
            .arg("convert")
            .arg(&path)
            .args(["--from", "pubtator", "--to", "pubtator", "-o"])
            .arg(&out));
        (code, err, std::fs::read_to_string(&out).unwrap_or_default())
    };
    for offsets in ["-5\t-1", "abc\t1e3", "18446744073709551616\t3"] {
        let body = format!("{text}1\t{offsets}\tLung\tDisease\tD1\n\n2|t|Two\n2|a|Fine.\n\n");
        let (code, err, out) = convert("bad.pubtator", &body, false);
        assert_eq!(code, 3, "{offsets}: {err}");
        assert!(err.contains("bad.pubtator"), "{err}");
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("not character offsets"), "{err}");
        assert!(
            !out.contains("\tDisease\t") && !out.contains("1\t-5"),
            "{out}"
        );
        assert!(
            out.lines().all(|l| !l.starts_with("1\t")),
            "no relation line made of it: {out}"
        );
        assert!(out.contains("2|t|Two"), "the next record is read: {out}");
        let (code, err, _) = convert("bad.pubtator", &body, true);
        assert_eq!(code, 1, "{offsets}: {err}");
    }
    for (offsets, why) in [("8\t2", "after end"), ("30\t500", "past the text")] {
        let body = format!("{text}1\t{offsets}\tLung\tDisease\tD1\n\n");
        let (code, err, out) = convert("unplaced.pubtator", &body, false);
        assert_eq!(code, 3, "{offsets}: {err}");
        assert!(err.contains("annotation.text_mismatch"), "{err}");
        assert!(err.contains(why), "{err}");
        assert!(
            err.contains("unplaced.pubtator") && err.contains("record #1 (1)"),
            "{err}"
        );
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("1 annotation(s) dropped"), "{err}");
        assert!(out.contains("1|t|Lung"), "the document is kept: {out}");
        let (code, err, _) = convert("unplaced.pubtator", &body, true);
        assert_eq!(code, 1, "{offsets}: {err}");
    }
    let bioc = r#"{"source":"x","documents":[{"id":"7","passages":[{"offset":0,"text":"TTF-1 was positive.","annotations":[{"id":"a1","infons":{"type":"Gene"},"text":"TTF-1","locations":[{"offset":-3,"length":5}]}]}]}]}"#;
    let path = dir.path().join("neg.json");
    std::fs::write(&path, bioc).unwrap();
    let (code, _, err) = run(pubminer()
        .arg("convert")
        .arg(&path)
        .args(["--to", "jsonl", "-o"])
        .arg(dir.path().join("neg.out.jsonl")));
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("neg.json") && err.contains("annotation.text_mismatch"),
        "{err}"
    );
}

#[test]
fn missing_file_is_reported_and_others_still_read() {
    let (code, out, err) = run(pubminer()
        .arg("stats")
        .arg("/nonexistent/file.xml")
        .arg(fixture("pubmed/book.xml")));
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("/nonexistent/file.xml"), "{err}");
    assert!(out.contains("documents                     1"), "{out}");
}

#[test]
fn reads_standard_input_and_writes_standard_output() {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = pubminer()
        .args([
            "convert",
            "-",
            "--from",
            "pubtator",
            "--to",
            "bioc-json",
            "-o",
            "-",
            "-q",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(fixture("pubtator/sample.pubtator")).unwrap())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    // Written in full; 3 because the fixture's mismatched annotation was dropped.
    assert_eq!(output.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(v["documents"].as_array().unwrap().len(), 2);
}

#[test]
fn gzip_output_and_threads() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl.gz");
    let (code, _, err) = run(pubminer()
        .args(["-j", "1", "convert"])
        .arg(fixture("pubmed/articles.xml"))
        .args(["--to", "jsonl", "-o"])
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    let (code, out_text, err) = run(pubminer().args(["stats", "--json"]).arg(&out));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out_text).unwrap();
    assert_eq!(v["deletions"], 3);
    assert_eq!(v["documents"], 3);
}

/// `-o DIR` is refused before anything is written; it used to write all of `DIR.partial`,
/// fail at the rename, and leave `DIR.partial` behind.
#[test]
fn output_naming_a_directory_is_refused_and_leaves_no_partial() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("out");
    std::fs::create_dir(&dir).unwrap();
    let (code, _, err) = run(pubminer()
        .arg("convert")
        .arg(fixture("pubmed/articles.xml"))
        .args(["--to", "jsonl", "-o"])
        .arg(&dir));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("is a directory"), "{err}");
    assert!(!parent.path().join("out.partial").exists());
}

/// Each cause once: an error whose message already held its OS error used to be printed
/// with that error again as its cause (`...: No such file or directory (os error 2): No
/// such file or directory (os error 2)`).
#[test]
fn error_messages_print_each_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_database = dir.path().join("kb.sqlite");
    std::fs::write(&not_a_database, "not SQLite\n").unwrap();
    let missing = dir.path().join("missing");
    let cases: Vec<(Vec<std::ffi::OsString>, &str)> = vec![
        (
            vec![
                "convert".into(),
                fixture("pubmed/articles.xml").into(),
                "--to".into(),
                "jsonl".into(),
                "-o".into(),
                missing.join("out.jsonl").into(),
            ],
            "No such file or directory",
        ),
        (
            vec![
                "lexicon".into(),
                "lookup".into(),
                "TTF-1".into(),
                "--lexicon".into(),
                missing.join("lex.pmlex").into(),
            ],
            "No such file or directory",
        ),
        (
            vec![
                "ihc".into(),
                "landscape".into(),
                "--kb".into(),
                not_a_database.into(),
            ],
            "file is not a database",
        ),
    ];
    for (args, cause) in cases {
        let (code, _, err) = run(pubminer().args(&args));
        assert_eq!(code, 1, "{args:?}: {err}");
        assert_eq!(err.matches(cause).count(), 1, "{args:?}: {err}");
    }
}

/// A skipped record names its document when the id was read (here the TSV row's PMID), not
/// only its ordinal.
#[test]
fn skipped_record_warnings_name_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let tsv = dir.path().join("abstracts.tsv");
    std::fs::write(
        &tsv,
        "marker\tpmid\turl\tabstract\nTTF-1\t101\tu\tTTF-1 was positive.\nCK7\t102\tu\n",
    )
    .unwrap();
    let (code, _, err) = run(pubminer().arg("stats").arg(&tsv));
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("warning: skipped") && err.contains("record #2 (PMID 102), line 3"),
        "{err}"
    );
}
