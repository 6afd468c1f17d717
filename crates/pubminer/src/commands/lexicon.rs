//! `pubminer lexicon`: build, inspect and query the compiled lexicon.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use pubminer_lexicon::{BuildConfig, EntityType, Lexicon};
use pubminer_text::normalize::KeyBuilder;

/// Builds a lexicon from `config` (default: the shipped one) and the vocabularies in `vocab`.
///
/// # Errors
/// Bad configuration, missing vocabularies, unwritable output.
pub fn build(config: Option<&Path>, vocab: &Path, out: &Path, quiet: bool) -> Result<String> {
    build_tuned(config, vocab, out, &[], &[], quiet)
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
    quiet: bool,
) -> Result<String> {
    let config = match config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            BuildConfig::parse(&text).with_context(|| format!("{}", path.display()))?
        }
        None => BuildConfig::default_config()?,
    };
    let mut log = |line: &str| {
        if !quiet {
            eprintln!("{line}");
        }
    };
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

/// Describes a lexicon: build info, sources, counts, load time.
///
/// # Errors
/// An unreadable artifact.
pub fn info(path: &Path) -> Result<String> {
    let started = std::time::Instant::now();
    let lexicon = Lexicon::open(path)?;
    let load = started.elapsed().as_secs_f64();
    let meta = lexicon.meta();
    let mut s = format!(
        "{}\n  built by {} at {} (unix time)\n  {} entries, {} keys, {} postings, {:.0} MB, loaded in {:.3}s\n  concepts merged into other entries: {}\n",
        path.display(),
        meta.builder,
        meta.built_at,
        meta.entries,
        meta.keys,
        meta.postings,
        lexicon.size_bytes() as f64 / 1e6,
        load,
        meta.merged_concepts
    );
    let mut by_type = [0u64; EntityType::ALL.len()];
    for e in lexicon.entries() {
        by_type[e.entity_type().code() as usize] += 1;
    }
    s.push_str("  entries by type:");
    for t in EntityType::ALL {
        let n = by_type[t.code() as usize];
        if n > 0 {
            let _ = write!(s, " {t} {n};");
        }
    }
    s.push_str("\n  sources:\n");
    for src in &meta.sources {
        let _ = writeln!(
            s,
            "    {:<9} {:>8} concepts {:>9} names  {}",
            src.name, src.concepts, src.names, src.path
        );
    }
    for (reason, n) in &meta.dropped_names {
        let _ = writeln!(s, "  names dropped ({reason}): {n}");
    }
    Ok(s)
}

/// Every entry a name matches, with ids, types and xrefs.
#[must_use]
pub fn lookup(lexicon: &Lexicon, name: &str) -> String {
    let key = KeyBuilder::new().name_key(name);
    let mut s = format!("{name:?} → key {key:?}\n");
    let mut any = false;
    for p in lexicon.lookup_key(&key) {
        let Some(e) = lexicon.entry(p.entry) else {
            continue;
        };
        any = true;
        let xrefs: Vec<&str> = e.xrefs().collect();
        let _ = writeln!(
            s,
            "  {:<8} {:<18} {:<40} via {:?} ({:?}, case {:?}){}",
            e.entity_type().name(),
            e.id(),
            e.name(),
            lexicon.string(p.name),
            p.kind,
            p.case,
            if xrefs.is_empty() {
                String::new()
            } else {
                format!("  xrefs {}", xrefs.join(" "))
            }
        );
    }
    if !any {
        s.push_str("  (no entry)\n");
    }
    s
}

/// Writes every (type, id, name) as TSV, for peers that need the same synonym list.
///
/// # Errors
/// An unwritable output.
pub fn export_names(
    lexicon: &Lexicon,
    types: Option<&[EntityType]>,
    out: &mut dyn std::io::Write,
) -> Result<u64> {
    let mut n = 0u64;
    let mut w = std::io::BufWriter::new(out);
    for e in lexicon.entries() {
        let t = e.entity_type();
        if types.is_some_and(|ts| !ts.contains(&t))
            || e.tags().contains(pubminer_lexicon::Tags::OBSOLETE)
        {
            continue;
        }
        for (name, _) in e.names() {
            if name.contains(['\t', '\n']) {
                continue;
            }
            writeln!(w, "{}\t{}\t{}", t.name(), e.id(), name)?;
            n += 1;
        }
    }
    w.flush()?;
    Ok(n)
}
