//! `pubminer lexicon`: build, inspect and query the compiled lexicon.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::{Args, Subcommand};
use pubminer_lexicon::{EntityType, Lexicon};
use pubminer_text::normalize::KeyBuilder;

use super::Ctx;
use crate::args::{LexiconArgs, parse_entity_type};
use crate::paths;
use crate::services;

/// Build, inspect and query the compiled lexicon.
#[derive(Args, Debug)]
pub struct LexiconCommandArgs {
    #[command(subcommand)]
    command: LexiconCommand,
}

#[derive(Subcommand, Debug)]
enum LexiconCommand {
    /// Compile vocabularies into a lexicon artifact.
    #[command(
        after_help = "Example:\n  pubminer lexicon build --vocab ../shared/data/vocab -o lexicon.pmlex\n  pubminer lexicon default-config > my.toml && pubminer lexicon build --config my.toml"
    )]
    Build {
        /// Build configuration [default: the shipped one; see `lexicon default-config`].
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Vocabulary directory [default: see `pubminer setup --help`].
        #[arg(long, value_name = "DIR")]
        vocab: Option<PathBuf>,
        /// Output artifact [default: DATA_DIR/lexicon.pmlex].
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Tune on the gold annotations of a training corpus (repeatable): add the names
        /// annotators used, stop the names they never mark. Never a test or dev split.
        #[arg(long, value_name = "CORPUS")]
        tune_on: Vec<PathBuf>,
        /// Corpus type mapping overrides for --tune-on (`Corpus=Ours`, as in `eval ner`).
        #[arg(long, value_name = "CORPUS=OURS", requires = "tune_on")]
        tune_map: Vec<String>,
    },
    /// Describe a lexicon: sources, counts, load time.
    Info {
        /// The artifact [default: DATA_DIR/lexicon.pmlex].
        file: Option<PathBuf>,
    },
    /// Print the default build configuration.
    DefaultConfig,
    /// Show every entry a name matches.
    Lookup {
        /// Names to look up.
        #[arg(required = true)]
        names: Vec<String>,
        #[command(flatten)]
        lexicon: LexiconArgs,
    },
    /// Write every (type, id, name) as TSV.
    ExportNames {
        /// Entity types (comma-separated) [default: all].
        #[arg(long, value_delimiter = ',', value_parser = parse_entity_type)]
        types: Vec<EntityType>,
        /// Output file (`-` for standard output).
        #[arg(short, long, value_name = "OUT")]
        output: PathBuf,
        #[command(flatten)]
        lexicon: LexiconArgs,
    },
}

/// Runs a `lexicon` subcommand.
///
/// # Errors
/// Whatever the subcommand hits: missing vocabularies, an unreadable lexicon, an unwritable
/// output.
pub fn run(args: &LexiconCommandArgs, ctx: &Ctx) -> Result<ExitCode> {
    let printer = &ctx.printer;
    match &args.command {
        LexiconCommand::Build {
            config,
            vocab,
            output,
            tune_on,
            tune_map,
        } => {
            let vocab = paths::vocab_dir(vocab.as_deref())?;
            let out = output.clone().unwrap_or_else(paths::default_lexicon);
            print!(
                "{}",
                services::lexicon::build_tuned(
                    config.as_deref(),
                    &vocab,
                    &out,
                    tune_on,
                    tune_map,
                    printer
                )?
            );
        }
        LexiconCommand::Info { file } => {
            let path = file.clone().unwrap_or_else(paths::default_lexicon);
            print!("{}", info(&path)?);
        }
        LexiconCommand::DefaultConfig => {
            print!("{}", pubminer_lexicon::build::DEFAULT_CONFIG);
        }
        LexiconCommand::Lookup { names, lexicon } => {
            let lex = services::lexicon::open(lexicon, printer)?;
            for name in names {
                print!("{}", lookup(&lex, name));
            }
        }
        LexiconCommand::ExportNames {
            types,
            output,
            lexicon,
        } => {
            let lex = services::lexicon::open(lexicon, printer)?;
            let types = (!types.is_empty()).then_some(types.as_slice());
            let n = if output.as_os_str() == "-" {
                export_names(&lex, types, &mut std::io::stdout())?
            } else {
                let mut file = std::fs::File::create(output)
                    .with_context(|| format!("cannot create {}", output.display()))?;
                export_names(&lex, types, &mut file)?
            };
            printer.status(format_args!("{n} names written"));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Describes a lexicon: build info, sources, counts, load time.
///
/// # Errors
/// An unreadable artifact.
fn info(path: &Path) -> Result<String> {
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
fn lookup(lexicon: &Lexicon, name: &str) -> String {
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
fn export_names(
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
