//! The IHC pipeline a command runs (lexicon, trained model or rules, optionally an LLM
//! engine), the knowledge base it writes or reads, the Human Protein Atlas table beside it,
//! and the gold files that `ihc train` and `eval ihc` read.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result};
use pubminer_ihc::kb::Kb;
use pubminer_ihc::{Engine, IhcModel, IhcPipeline, IhcRecord};

use crate::args::{EngineArg, EngineArgs, LexiconArgs};
use crate::paths;
use crate::printer::Printer;

/// Builds the pipeline over the lexicon that `lexicon` names (or the default one), with the
/// default engine `engine` asks for: the trained model (`--model`, else the compiled-in
/// one) or the rules alone.
///
/// # Errors
/// When the lexicon cannot be opened or built, or the model read.
pub fn pipeline(
    lexicon: &LexiconArgs,
    engine: &EngineChoice<'_>,
    english_only: bool,
    printer: &Printer,
) -> Result<IhcPipeline> {
    let lex = super::lexicon::open(lexicon, printer)?;
    let asked = pubminer_ihc::RuleSet::parse_off(engine.rules_off.unwrap_or(""))
        .map_err(anyhow::Error::msg)?;
    let default = if engine.rules_only {
        Engine::Rules
    } else {
        Engine::Trained(Box::new(read_model(engine.model)?))
    };
    let rules = match &default {
        Engine::Trained(model) => {
            let trained = model.rule_set().map_err(anyhow::Error::msg)?;
            if engine.rules_off.is_some() && asked != trained {
                anyhow::bail!(
                    "the model was trained with the rules off: [{}]; --rules-off asks for [{}] (train a model with them: `pubminer ihc train --rules-off ...`, or use --engine rules)",
                    names(&trained.disabled()),
                    names(&asked.disabled())
                );
            }
            trained
        }
        Engine::Rules => asked,
    };
    let extractor = pubminer_ihc::Extractor::new(Arc::new(lex)).with_rules(rules);
    Ok(IhcPipeline::new(extractor, default, english_only))
}

/// The default engine a command runs: the trained model (a file, else the compiled-in one)
/// or the rules alone, and the rules switched off.
#[derive(Clone, Copy, Debug, Default)]
pub struct EngineChoice<'a> {
    /// The rules alone.
    pub rules_only: bool,
    /// A model file.
    pub model: Option<&'a Path>,
    /// Rules off (comma-separated names).
    pub rules_off: Option<&'a str>,
}

impl<'a> EngineChoice<'a> {
    /// What `--engine`, `--model` and `--rules-off` ask for.
    #[must_use]
    pub fn of(args: &'a EngineArgs) -> Self {
        Self {
            rules_only: args.engine == EngineArg::Rules,
            model: args.model.as_deref(),
            rules_off: args.rules_off.as_deref(),
        }
    }
}

fn names(rules: &[pubminer_ihc::Rule]) -> String {
    rules
        .iter()
        .map(|r| r.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The model at `path`, else the compiled-in one.
///
/// # Errors
/// An unreadable file, or a model that does not fit this build.
pub fn read_model(path: Option<&Path>) -> Result<IhcModel> {
    match path {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read the IHC model {}", p.display()))?;
            IhcModel::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))
        }
        None => IhcModel::builtin().map_err(|e| anyhow::anyhow!("the compiled-in IHC model: {e}")),
    }
}

/// Adds the LLM engine that `engine` asks for (`--engine llm|hybrid`), and returns its usage
/// counters for the run's summary.
///
/// # Errors
/// A native model that does not load, an unopenable response cache.
pub fn with_llm(
    ihc: IhcPipeline,
    engine: &EngineArgs,
    printer: &Printer,
) -> Result<(IhcPipeline, Option<Arc<pubminer_llm::engine::Usage>>)> {
    let mode = match engine.engine {
        EngineArg::Default | EngineArg::Rules => return Ok((ihc, None)),
        EngineArg::Llm => pubminer_ihc::Mode::Alt,
        EngineArg::Hybrid => pubminer_ihc::Mode::Hybrid,
    };
    let backend = super::llm::backend(&engine.llm)?;
    let cache = super::llm::cache(&engine.llm)?;
    printer.status(format_args!(
        "engine {:?}: {}{}",
        engine.engine,
        backend.describe(),
        if engine.llm_json {
            ", JSON mode"
        } else {
            ", IHC-LLMiner prompts"
        }
    ));
    let llm = pubminer_llm::LlmEngine::new(backend, cache, engine.llm_json)
        .with_extract_tokens(engine.llm.llm_max_tokens)
        .with_concurrency(engine.llm.llm_concurrency);
    let usage = Arc::clone(&llm.usage);
    Ok((ihc.with_engine(Box::new(llm), mode), Some(usage)))
}

/// The knowledge base to write (`--kb`, else the default one), its directory created.
///
/// # Errors
/// A directory that cannot be created.
pub fn kb_path(kb: Option<&Path>) -> Result<PathBuf> {
    let path = kb.map_or_else(paths::default_kb, Path::to_owned);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    Ok(path)
}

/// The knowledge base to read (`--kb`, else the default one), which must exist.
///
/// # Errors
/// No knowledge base there, or one that cannot be opened.
pub fn existing_kb(kb: Option<&Path>) -> Result<Kb> {
    let path = kb.map_or_else(paths::default_kb, Path::to_owned);
    if !path.exists() {
        anyhow::bail!(
            "no knowledge base at {}: fill it with `pubminer ihc run IN...`{}",
            path.display(),
            if kb.is_some() {
                ""
            } else {
                " (or pass --kb FILE)"
            }
        );
    }
    Ok(Kb::open_read_only(&path)?)
}

/// HPA's `hpa_cancer_ihc_pathology.tsv`: `explicit`, else the shared data's when present.
#[must_use]
pub fn hpa_table(explicit: Option<&Path>) -> Option<PathBuf> {
    explicit.map(Path::to_owned).or_else(|| {
        paths::shared_data()
            .map(|d| d.join("reference/hpa-ihc/hpa_cancer_ihc_pathology.tsv"))
            .filter(|p| p.exists())
    })
}

/// Reads the gold IHC records (the dev set's JSONL).
///
/// # Errors
/// An unreadable file or a line that is not a gold record (with its line number).
pub fn read_gold(path: &Path) -> Result<Vec<pubminer_ihc::eval::GoldRecord>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l)
                .with_context(|| format!("{}:{}: not an IHC gold record", path.display(), i + 1))
        })
        .collect()
}

/// Reads `ihc run` JSONL output.
///
/// # Errors
/// An unreadable file or a line that is not an `ihc run` record.
pub fn read_records(path: &Path) -> Result<Vec<IhcRecord>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).with_context(|| {
                format!(
                    "{}:{}: not an `ihc run` JSONL record",
                    path.display(),
                    i + 1
                )
            })
        })
        .collect()
}

/// The records of several gold files (ids unique across them).
///
/// # Errors
/// An unreadable file, a bad line, or an id in two files.
pub fn read_golds(paths: &[PathBuf]) -> Result<Vec<pubminer_ihc::eval::GoldRecord>> {
    let mut all = Vec::new();
    let mut seen = HashSet::new();
    for p in paths {
        for g in read_gold(p)? {
            if !seen.insert(g.id.clone()) {
                anyhow::bail!(
                    "{}: record {} is also in an earlier gold file",
                    p.display(),
                    g.id
                );
            }
            all.push(g);
        }
    }
    Ok(all)
}

/// The extractor and training settings of `ihc train` and `eval ihc --folds`: the rules and
/// candidate features switched off, the seed, and whether to train a reranker.
///
/// # Errors
/// An unknown rule or feature name, or a lexicon that cannot be opened.
pub fn trainer(
    rules_off: Option<&str>,
    features_off: Option<&str>,
    seed: u64,
    no_reranker: bool,
    lexicon: &LexiconArgs,
    printer: &Printer,
) -> Result<(pubminer_ihc::Extractor, pubminer_ihc::train::TrainSettings)> {
    let rules =
        pubminer_ihc::RuleSet::parse_off(rules_off.unwrap_or("")).map_err(anyhow::Error::msg)?;
    let features = pubminer_ihc::features::FeatureSet::parse_off(features_off.unwrap_or(""))
        .map_err(anyhow::Error::msg)?;
    let lex = super::lexicon::open(lexicon, printer)?;
    let defaults = pubminer_ihc::train::TrainSettings::default();
    let settings = pubminer_ihc::train::TrainSettings {
        seed,
        features,
        reranker: if no_reranker { None } else { defaults.reranker },
        ..defaults
    };
    Ok((
        pubminer_ihc::Extractor::new(Arc::new(lex)).with_rules(rules),
        settings,
    ))
}
