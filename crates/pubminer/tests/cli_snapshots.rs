//! Snapshots of what the binary prints: `--help` and `-h` of every command and subcommand
//! (found by walking the help texts, so a command cannot drop out unseen), and stdout, stderr
//! and exit status of a few end-to-end runs on the repository's fixtures. They pin the command
//! line byte for byte while the binary's code is reorganised.
//!
//! Help is rendered at a fixed width (`COLUMNS=100`, no terminal on any standard stream).
//! In stderr the temporary directory becomes `[HOME]` and timings `[T]`. Each part ends with
//! a marker line, so a changed trailing newline shows too.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::{fixture_lexicon, pubminer, run, write_tsv};

/// The formats crate's fixtures, as a relative path from the crate directory (so messages
/// that name an input are the same on every machine).
const FIXTURES: &str = "../pubminer-formats/tests/fixtures";

fn bare() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pubminer"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("COLUMNS", "100")
        .stdin(Stdio::null());
    c
}

/// Help of `path` (`--help` or `-h`); it must succeed and write nothing to stderr.
fn help(path: &[String], flag: &str) -> String {
    let (code, out, err) = run(bare().args(path).arg(flag));
    assert_eq!(code, 0, "{path:?} {flag}: {err}");
    assert!(err.is_empty(), "{path:?} {flag}: {err}");
    out
}

/// The subcommands a help text lists (without clap's `help`).
fn subcommands(help: &str) -> Vec<String> {
    let Some(start) = help.find("\nCommands:\n") else {
        return Vec::new();
    };
    help[start + "\nCommands:\n".len()..]
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

#[test]
fn help_of_every_command() {
    let mut todo: Vec<Vec<String>> = vec![Vec::new()];
    let mut seen = Vec::new();
    while let Some(path) = todo.pop() {
        let long = help(&path, "--help");
        let short = help(&path, "-h");
        let name = if path.is_empty() {
            "help".to_owned()
        } else {
            format!("help_{}", path.join("_"))
        };
        insta::assert_snapshot!(
            name,
            format!("{long}----- -h -----\n{short}----- end -----")
        );
        for sub in subcommands(&short).into_iter().rev() {
            let mut next = path.clone();
            next.push(sub);
            todo.push(next);
        }
        seen.push(if path.is_empty() {
            "pubminer".to_owned()
        } else {
            format!("pubminer {}", path.join(" "))
        });
    }
    insta::assert_snapshot!("commands", seen.join("\n"));
}

#[test]
fn version() {
    let (code, out, err) = run(bare().arg("--version"));
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(out);
}

/// Replaces `home` with `[HOME]` and every timing (`0.12s`) and size (`3 MB`) with `[T]`.
fn redact(text: &str, home: Option<&Path>) -> String {
    let mut text = text.to_owned();
    if let Some(home) = home {
        text = text.replace(&home.display().to_string(), "[HOME]");
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find(|c: char| c.is_ascii_digit()) {
        let preceded_by_word = rest[..i]
            .chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-');
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, after) = rest.split_at(digits);
        let timing = number.contains('.') && after.starts_with('s');
        let size = after.starts_with(" MB");
        if !preceded_by_word && timing {
            out.push_str("[T]s");
            rest = &after[1..];
        } else if !preceded_by_word && size {
            out.push_str("[T] MB");
            rest = &after[3..];
        } else {
            out.push_str(number);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Exit status, stdout and (redacted) stderr of one run, as one snapshot.
fn outcome(cmd: &mut Command, home: Option<&Path>) -> String {
    let (code, out, err) = run(cmd.stdin(Stdio::null()));
    format!(
        "exit: {code}\n----- stdout -----\n{out}----- stderr -----\n{}----- end -----",
        redact(&err, home)
    )
}

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

#[test]
fn convert_outputs() {
    for (input, to) in [
        ("pubtator/sample.pubtator", "jsonl"),
        ("pubtator/sample.pubtator", "pubtator"),
        ("pubtator/sample.pubtator", "bioc-xml"),
        ("pubtator/sample.pubtator", "bioc-json"),
        ("bioc/sample.xml", "pubtator"),
        ("bioc/collection.json", "bioc-xml"),
        ("bioc/pubtator3.json", "jsonl"),
        ("pubmed/articles.xml", "pubtator"),
        ("tsv/ihc.tsv", "jsonl"),
        ("iob/sample.tsv", "pubtator"),
    ] {
        let name = format!(
            "convert_{}_to_{to}",
            input.replace(['/', '.'], "_").trim_end_matches('_')
        );
        let shown = outcome(
            bare()
                .args(["convert", &fixture(input), "--to", to, "-o", "-"])
                .args(["--threads", "2"]),
            None,
        );
        insta::assert_snapshot!(name, shown);
    }
}

#[test]
fn convert_error_outputs() {
    let shown = outcome(
        bare().args([
            "convert",
            &fixture("pubtator/sample.pubtator"),
            "--to",
            "jsonl",
            "-o",
            "no-such-directory/out.jsonl",
        ]),
        None,
    );
    insta::assert_snapshot!("convert_unwritable_output", shown);
    let shown = outcome(
        bare().args([
            "--on-error",
            "fail",
            "convert",
            &fixture("pubtator/sample.pubtator"),
            "--to",
            "jsonl",
            "-o",
            "-",
        ]),
        None,
    );
    insta::assert_snapshot!("convert_on_error_fail", shown);
    let shown = outcome(
        bare().args(["convert", "x", "--to", "docx", "-o", "y"]),
        None,
    );
    insta::assert_snapshot!("convert_usage_error", shown);
    let shown = outcome(
        bare().args(["stats", "no-such-file.xml", &fixture("pubmed/book.xml")]),
        None,
    );
    insta::assert_snapshot!("stats_missing_file", shown);
}

#[test]
fn stats_outputs() {
    let inputs = [fixture("pubmed/articles.xml"), fixture("pubmed/book.xml")];
    let shown = outcome(bare().arg("stats").args(&inputs), None);
    insta::assert_snapshot!("stats_table", shown);
    let shown = outcome(bare().args(["stats", "--json"]).args(&inputs), None);
    insta::assert_snapshot!("stats_json", shown);
}

#[test]
fn printed_without_inputs() {
    let shown = outcome(bare().args(["ihc", "rules"]), None);
    insta::assert_snapshot!("ihc_rules", shown);
    let shown = outcome(bare().args(["lexicon", "default-config"]), None);
    insta::assert_snapshot!("lexicon_default_config", shown);
}

/// `pubminer` with a private data directory, run in the crate directory (inputs named
/// relative to it).
fn in_crate(home: &Path) -> Command {
    let mut c = pubminer(home);
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// `annotate`, `link`, `lexicon lookup`, `ihc run` and `ihc landscape` on a lexicon built from
/// the loader fixtures.
#[test]
fn lexicon_commands_outputs() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let lexicon = fixture_lexicon(home);
    let sample = fixture("pubtator/sample.pubtator");
    let text = home.join("in.txt");
    std::fs::write(
        &text,
        "NKX2-1 (TTF-1) in lung adenocarcinoma of the lung. Thyroid transcription factor 1 \
         (TTF-1) and CK7 were positive in 27 of 35 (77.1%) lung adenocarcinomas.",
    )
    .unwrap();
    for (name, args) in [
        ("annotate_text_to_pubtator", vec!["--to", "pubtator"]),
        (
            "annotate_text_to_jsonl_per_type",
            vec![
                "--to",
                "jsonl",
                "--overlap",
                "per-type",
                "--types",
                "Gene,Disease",
            ],
        ),
    ] {
        let shown = outcome(
            pubminer(home)
                .arg("annotate")
                .arg(&text)
                .args(["-o", "-", "--lexicon"])
                .arg(&lexicon)
                .args(args),
            Some(home),
        );
        insta::assert_snapshot!(name, shown);
    }
    let shown = outcome(
        in_crate(home)
            .arg("annotate")
            .arg(&sample)
            .args(["--to", "pubtator", "-o", "-", "--keep-input-annotations"])
            .arg("--lexicon")
            .arg(&lexicon),
        Some(home),
    );
    insta::assert_snapshot!("annotate_keep_input_annotations", shown);
    let shown = outcome(
        in_crate(home)
            .arg("link")
            .arg(&sample)
            .args(["--to", "jsonl", "-o", "-", "--lexicon"])
            .arg(&lexicon),
        Some(home),
    );
    insta::assert_snapshot!("link_pubtator_sample", shown);
    let shown = outcome(
        pubminer(home)
            .args([
                "lexicon",
                "lookup",
                "TTF-1",
                "lung adenocarcinoma",
                "--lexicon",
            ])
            .arg(&lexicon),
        Some(home),
    );
    insta::assert_snapshot!("lexicon_lookup", shown);

    let input = write_tsv(home);
    let kb = home.join("kb.sqlite");
    let shown = outcome(
        pubminer(home)
            .args(["ihc", "run"])
            .arg(&input)
            .arg("--kb")
            .arg(&kb)
            .args([
                "-o",
                "-",
                "--format",
                "tsv",
                "--landscape",
                "0",
                "--lexicon",
            ])
            .arg(&lexicon),
        Some(home),
    );
    insta::assert_snapshot!("ihc_run_tsv_and_landscape", shown);
    for (name, args) in [
        ("ihc_landscape_table", vec![]),
        ("ihc_landscape_csv", vec!["--format", "csv"]),
    ] {
        let shown = outcome(
            pubminer(home)
                .args(["ihc", "landscape", "--kb"])
                .arg(&kb)
                .args(args),
            Some(home),
        );
        insta::assert_snapshot!(name, shown);
    }
}
