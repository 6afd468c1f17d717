//! End-to-end tests of `pubminer eval ner`.

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

const GOLD: &str = "\
1|t|Cisplatin nephrotoxicity.
1|a|Cisplatin caused acute renal failure in rats.
1\t0\t9\tCisplatin\tChemical\tD002945
1\t10\t24\tnephrotoxicity\tDisease\tD007674
1\t26\t35\tCisplatin\tChemical\tD002945
1\t43\t62\tacute renal failure\tDisease\tD058186

2|t|Lithium tremor.
2|a|Tremor was seen.
2\t0\t7\tLithium\tChemical\tD008094
2\t8\t14\ttremor\tDisease\tD014202
";

/// Predictions: a boundary error, a missed chemical, a wrong type; document 2 missing.
const PRED: &str = "\
1|t|Cisplatin nephrotoxicity.
1|a|Cisplatin caused acute renal failure in rats.
1\t0\t9\tCisplatin\tChemical
1\t10\t24\tnephrotoxicity\tDisease
1\t49\t62\trenal failure\tDisease
1\t66\t70\trats\tChemical

3|t|Other.
3|a|Text.
";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn table_report_with_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let gold = write(dir.path(), "gold.pubtator", GOLD);
    let pred = write(dir.path(), "pred.pubtator", PRED);
    let (code, out, err) = run(pubminer()
        .args(["eval", "ner", "--gold"])
        .arg(&gold)
        .arg("--pred")
        .arg(&pred));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("strict"), "{out}");
    assert!(out.contains("overlapping"), "{out}");
    // Disease: nephrotoxicity right, acute renal failure a boundary error, tremor missed.
    let disease = out
        .lines()
        .find(|l| l.trim_start().starts_with("Disease"))
        .unwrap();
    let cells: Vec<&str> = disease.split_whitespace().collect();
    assert_eq!(&cells[..6], ["Disease", "3", "2", "1", "1", "2"], "{out}");
    assert!(out.contains("acute renal failure"), "{out}");
    assert!(
        err.contains("1 gold document(s) have no prediction"),
        "{err}"
    );
    assert!(
        err.contains("1 predicted document(s) have no gold"),
        "{err}"
    );
}

#[test]
fn json_report() {
    let dir = tempfile::tempdir().unwrap();
    let gold = write(dir.path(), "gold.pubtator", GOLD);
    let pred = write(dir.path(), "pred.pubtator", PRED);
    let (code, out, err) = run(pubminer()
        .args(["eval", "ner", "--json", "-q", "--gold"])
        .arg(&gold)
        .arg("--pred")
        .arg(&pred));
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "--quiet: {err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON on stdout");
    assert_eq!(json["strict"]["micro"]["tp"], 2);
    assert_eq!(json["strict"]["micro"]["fp"], 2);
    assert_eq!(json["strict"]["micro"]["fn"], 4);
    assert_eq!(json["overlapping"]["micro"]["tp"], 3);
    assert_eq!(json["documents"]["missing_predictions"], 1);
    assert_eq!(json["gold_read"]["documents"], 2);
    assert_eq!(
        json["errors"]["Chemical"]["false_positive_classes"]["unmatched"],
        1
    );
}

#[test]
fn identical_iob_gold_and_pred_score_one() {
    let gold = fixture("iob/sample.tsv");
    let (code, out, err) = run(pubminer()
        .args(["eval", "ner", "--json", "--gold"])
        .arg(&gold)
        .arg("--pred")
        .arg(&gold)
        .args(["--map", "Entity=Disease", "--map", "GENE=Gene"]));
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["strict"]["micro"]["f1"], 1.0);
    // BRCA1 and breast cancer (untyped, mapped to Disease) plus two BioNLP13CG `Cancer`s.
    assert_eq!(json["strict"]["per_type"]["Disease"]["tp"], 4);
    // `Cell` is unmapped by default (the corpora disagree on it) and reported.
    assert_eq!(json["unmapped_gold"]["Cell"], 2);
    assert!(err.contains("Cell"), "{err}");
}

#[test]
fn forced_formats_and_unreadable_gold_records() {
    let dir = tempfile::tempdir().unwrap();
    // Space-separated IOB is read only when forced; the second gold sentence is bad.
    let gold = write(
        dir.path(),
        "gold.txt",
        "BRCA1 B-Gene\nmutations O\n\nbad X\n\nTP53 B-Gene\n",
    );
    let pred = write(
        dir.path(),
        "pred.txt",
        "BRCA1 B-Gene\nmutations O\n\nbad O\n\nTP53 O\n",
    );
    let (code, out, err) = run(pubminer()
        .args(["eval", "ner", "--from", "iob", "--json", "--gold"])
        .arg(&gold)
        .arg("--pred")
        .arg(&pred));
    assert_eq!(code, 3, "a skipped gold record is a partial run: {err}");
    assert!(err.contains("WARNING"), "{err}");
    assert!(err.contains("gold record(s) could not be read"), "{err}");
    assert!(
        err.contains("\"X\""),
        "the bad record itself is shown: {err}"
    );
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["gold_read"]["skipped_records"]["format"], 1);
    assert_eq!(json["strict"]["per_type"]["Gene"]["tp"], 1);
    assert_eq!(json["strict"]["per_type"]["Gene"]["fn"], 1);
    assert_eq!(json["documents"]["extra_predictions"], 1);

    // --gold-format / --pred-format per side; with --on-error fail the bad record stops it.
    let (code, _, err) = run(pubminer()
        .args(["eval", "ner", "--on-error", "fail", "--gold-format", "iob"])
        .arg("--gold")
        .arg(&gold)
        .args(["--pred-format", "iob", "--pred"])
        .arg(&pred));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("\"X\""), "{err}");
}

#[test]
fn text_mismatch_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let gold = write(dir.path(), "gold.pubtator", GOLD);
    let other = GOLD.replace("Lithium tremor.", "Lithium tremors");
    let pred = write(dir.path(), "pred.pubtator", &other);
    let (code, out, err) = run(pubminer()
        .args(["eval", "ner", "--gold"])
        .arg(&gold)
        .arg("--pred")
        .arg(&pred));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 text mismatches"), "{out}");
    assert!(err.contains("different texts"), "{err}");
}

#[test]
fn usage_errors_are_exit_2() {
    let gold = fixture("iob/sample.tsv");
    let (code, _, err) = run(pubminer()
        .args(["eval", "ner", "--map", "Gene=Protein", "--gold"])
        .arg(&gold)
        .arg("--pred")
        .arg(&gold));
    assert_eq!(code, 2);
    assert!(err.contains("Protein"), "{err}");
    let (code, _, err) = run(pubminer().args(["eval", "ner", "--gold"]).arg(&gold));
    assert_eq!(code, 2);
    assert!(err.contains("--pred"), "{err}");
}

#[test]
fn help_describes_the_command() {
    let (code, out, _) = run(pubminer().args(["eval", "ner", "--help"]));
    assert_eq!(code, 0);
    for needle in [
        "--gold",
        "--pred",
        "--map",
        "--json",
        "--gold-format",
        "--from",
    ] {
        assert!(out.contains(needle), "help lacks {needle}:\n{out}");
    }
    let (code, out, _) = run(pubminer().arg("--help"));
    assert_eq!(code, 0);
    assert!(out.contains("eval"), "{out}");
}
