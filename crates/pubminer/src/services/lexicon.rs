//! The lexicon: opened from `--lexicon FILE`, else the default one in the data directory,
//! built from the vocabularies the first time it is needed; and the build itself, plain or
//! tuned on a training corpus (`lexicon build`, `setup`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use pubminer_lexicon::{BuildConfig, EntityType, Lexicon};

use crate::args::LexiconArgs;
use crate::paths;
use crate::printer::Printer;

/// Opens the lexicon `args` names, or the default one, building the default one first when
/// it does not exist yet (a one-time step of about a minute, announced on stderr).
///
/// # Errors
/// When the lexicon cannot be opened or built.
pub fn open(args: &LexiconArgs, printer: &Printer) -> Result<Lexicon> {
    let explicit = args.lexicon.as_deref();
    let path = explicit.map_or_else(paths::default_lexicon, Path::to_owned);
    if explicit.is_none() && !path.exists() {
        let vocab = paths::vocab_dir(args.vocab.as_deref())?;
        printer.status(format_args!(
            "building the default lexicon from {} into {} (once; `pubminer lexicon build` rebuilds it)",
            vocab.display(),
            path.display()
        ));
        let config = BuildConfig::default_config()?;
        let mut log = |line: &str| printer.status(format_args!("  {line}"));
        pubminer_lexicon::build(&config, &vocab, &path, &mut log)
            .with_context(|| format!("building the default lexicon from {}", vocab.display()))?;
    }
    let started = std::time::Instant::now();
    let lexicon = Lexicon::open(&path)?;
    printer.status(format_args!(
        "lexicon {} ({} entries, {:.0} MB) loaded in {:.2}s",
        path.display(),
        lexicon.len(),
        lexicon.size_bytes() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    ));
    Ok(lexicon)
}

/// Builds a lexicon from `config` (default: the shipped one) and the vocabularies in `vocab`.
///
/// # Errors
/// Bad configuration, missing vocabularies, unwritable output.
pub fn build(config: Option<&Path>, vocab: &Path, out: &Path, printer: &Printer) -> Result<String> {
    build_tuned(config, vocab, out, &[], &[], printer)
}

/// [`build`], tuned on the gold annotations of `corpora` (training splits only): names
/// learned from them are added, and surfaces they rarely confirm are stopped (see
/// `pubminer_ner::tune`). `map` overrides the corpus type mapping (`Corpus=Ours`).
///
/// # Errors
/// As [`build`], and unreadable corpora.
pub fn build_tuned(
    config: Option<&Path>,
    vocab: &Path,
    out: &Path,
    corpora: &[PathBuf],
    map: &[String],
    printer: &Printer,
) -> Result<String> {
    let config = match config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            BuildConfig::parse(&text).with_context(|| format!("{}", path.display()))?
        }
        None => BuildConfig::default_config()?,
    };
    let mut log = |line: &str| printer.status(line);
    let report = if corpora.is_empty() {
        pubminer_lexicon::build(&config, vocab, out, &mut log)?
    } else {
        let mapping = pubminer_eval::types::TypeMapping::with_overrides(map)
            .map_err(|e| anyhow::anyhow!("--tune-map: {e}"))?;
        let type_of = |name: &str| mapping.canonical(name).and_then(EntityType::from_name);
        let mut documents = Vec::new();
        for path in corpora {
            let docs = pubminer_formats::read_all(path, &pubminer_formats::ReadOptions::default())
                .with_context(|| format!("reading the tuning corpus {}", path.display()))?;
            documents.extend(docs);
        }
        let origin = corpora
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let tagger_for = |path: &Path| -> Result<pubminer_ner::DictionaryTagger> {
            let lexicon = Lexicon::open(path)?;
            Ok(pubminer_ner::DictionaryTagger::new(
                std::sync::Arc::new(lexicon),
                pubminer_ner::TaggerConfig::default(),
            ))
        };
        let base = out.with_extension("base.partial");
        log("tuning: base lexicon");
        pubminer_lexicon::build(&config, vocab, &base, &mut log)?;
        let names =
            pubminer_ner::tune::learn_names(tagger_for(&base)?.lexicon(), &documents, &type_of);
        let learned: u64 = names
            .names
            .iter()
            .map(|c| 1 + c.synonyms.len() as u64)
            .sum();
        log(&format!(
            "tuning: {learned} names for {} entries learned from {} documents; not resolved: {:?}",
            names.names.len(),
            documents.len(),
            names.unresolved
        ));
        let mut extra = pubminer_lexicon::Extra {
            concepts: names.names,
            stoplist: String::new(),
            origin: format!("names learned from {origin}"),
        };
        log("tuning: lexicon with the learned names");
        pubminer_lexicon::build_with(&config, vocab, &base, &mut log, &extra)?;
        let (stoplist, rules) = pubminer_ner::tune::learn_stops(
            &tagger_for(&base)?,
            &documents,
            &type_of,
            pubminer_ner::tune::TuneOptions::default(),
        );
        log(&format!("tuning: {rules} stop rules"));
        extra.stoplist = stoplist;
        let _ = std::fs::remove_file(&base);
        pubminer_lexicon::build_with(&config, vocab, out, &mut log, &extra)?
    };
    let size = std::fs::metadata(out).map_or(0, |m| m.len());
    let mut s = format!(
        "wrote {} in {:.1}s: {} entries, {} keys, {} postings, {:.0} MB\n",
        out.display(),
        report.seconds,
        report.meta.entries,
        report.meta.keys,
        report.meta.postings,
        size as f64 / 1e6
    );
    for (reason, n) in &report.meta.dropped_names {
        let _ = writeln!(s, "  names dropped ({reason}): {n}");
    }
    for (source, reasons) in &report.skipped {
        for (reason, n) in reasons {
            let _ = writeln!(s, "  {source}: skipped {n} ({reason})");
        }
    }
    Ok(s)
}
