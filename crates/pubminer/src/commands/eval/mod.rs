//! `pubminer eval`: score annotations against a gold standard: IHC records (`eval ihc`),
//! entity linking (`eval link`) and named-entity recognition (`eval ner`).

mod ihc;
mod ner;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Subcommand};
use pubminer_formats::ReadOptions;

use super::Ctx;
use crate::args::{EngineArgs, FromFormat, InputArgs, LexiconArgs, parse_map};

/// Evaluate annotations against a gold standard.
#[derive(Args, Debug)]
pub struct EvalArgs {
    #[command(subcommand)]
    command: EvalCommand,
}

// Parsed once per process; the size of a clap enum costs nothing worth boxing for.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
enum EvalCommand {
    /// The IHC task: include/exclude accuracy and F1, profile P/R/F1 (marker by HGNC symbol,
    /// tumour type matched leniently, counts exact), and the share of included abstracts
    /// whose profiles are all right with nothing missing or extra.
    #[command(
        after_help = "Examples:\n  pubminer eval ihc --gold ../shared/data/ihc/train.jsonl --gold ../shared/data/ihc/dev.jsonl --folds 5\n  pubminer eval ihc --gold ../shared/data/ihc/dev.jsonl --engine rules\n  pubminer ihc run ../shared/data/ihc/dev.jsonl -o pred.jsonl && pubminer eval ihc --gold ../shared/data/ihc/dev.jsonl --pred pred.jsonl"
    )]
    Ihc {
        /// Gold JSONL (`{id, title, abstract, label, profiles}` per line); repeat for several
        /// files.
        #[arg(long, value_name = "GOLD", required = true)]
        gold: Vec<PathBuf>,
        /// Cross-validate: train on k-1 document folds of the gold, score the held-out fold,
        /// for each fold; the rules alone are scored on the same folds.
        #[arg(long, value_name = "K", conflicts_with = "pred")]
        folds: Option<usize>,
        /// Seed of the folds (and of the training's inner folds).
        #[arg(long, default_value_t = 13, value_name = "N")]
        seed: u64,
        /// Features to switch off while cross-validating, comma-separated.
        #[arg(long, value_name = "FEATURES", requires = "folds")]
        features_off: Option<String>,
        /// Train the folds' models without the reranker (the scorer's probabilities decide
        /// alone), to measure what it adds.
        #[arg(long, requires = "folds")]
        no_reranker: bool,
        /// `ihc run` JSONL output [default: run the pipeline on the gold abstracts].
        #[arg(long, value_name = "PRED")]
        pred: Option<PathBuf>,
        /// List every missed and extra profile.
        #[arg(long)]
        verbose_misses: bool,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        engine: EngineArgs,
        #[command(flatten)]
        lexicon: LexiconArgs,
    },
    /// Entity linking: accuracy@1/@5 with gold mentions, and end-to-end (document,
    /// concept) P/R/F1.
    ///
    /// A gold id matches a predicted link when it is the link's id or one of its xrefs, so
    /// MeSH ids (`D003920`), MEDIC/OMIM ids and NCBI Gene ids (through HGNC's `NCBIGene:`
    /// xrefs) are all scored against pubminer's canonical ids.
    #[command(
        after_help = "Example:\n  pubminer link CDR_DevelopmentSet.PubTator.txt --to jsonl -o linked.jsonl\n  pubminer eval link --gold CDR_DevelopmentSet.PubTator.txt --pred linked.jsonl"
    )]
    Link {
        /// Gold files.
        #[arg(long, required = true, num_args = 1.., value_name = "GOLD")]
        gold: Vec<PathBuf>,
        /// Prediction files.
        #[arg(long, required = true, num_args = 1.., value_name = "PRED")]
        pred: Vec<PathBuf>,
        /// Corpus type name overrides (`Corpus=Ours`).
        #[arg(long = "map", value_name = "CORPUS=OURS", value_parser = parse_map)]
        map: Vec<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        input: InputArgs,
    },
    /// Named-entity recognition: precision, recall and F1 per type, strict and overlapping.
    ///
    /// Documents are paired by id; mentions are compared by canonical type and byte span in
    /// the document text (passages joined by one space, as PubTator does). Corpus type names
    /// are mapped to pubminer's types (Gene, Disease, Chemical, Anatomy, CellType, Species,
    /// CellLine, Variant) by a built-in table; unmapped ones are reported, not scored.
    #[command(
        after_help = "Examples:\n  pubminer eval ner --gold CDR_DevelopmentSet.PubTator.txt --pred predicted.jsonl\n  pubminer eval ner --gold BioNLP13CG/devel.tsv --pred predicted.jsonl --map Cell=CellType\n  pubminer eval ner --gold NLMgene_Train.PubTator --pred genes.jsonl --map FamilyName=Gene --json"
    )]
    Ner {
        /// Gold files (`-` for standard input).
        #[arg(long, required = true, num_args = 1.., value_name = "GOLD")]
        gold: Vec<PathBuf>,
        /// Prediction files.
        #[arg(long, required = true, num_args = 1.., value_name = "PRED")]
        pred: Vec<PathBuf>,
        /// Map a corpus type name to one of pubminer's types, or to `none` to leave it out
        /// (repeatable): `FamilyName=Gene`, `Cell=CellType`, `Entity=Disease`, `Modifier=none`.
        #[arg(long = "map", value_name = "CORPUS=OURS", value_parser = parse_map)]
        map: Vec<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Format of the gold files [default: --from, else detected].
        #[arg(long, value_enum, value_name = "FORMAT")]
        gold_format: Option<FromFormat>,
        /// Format of the prediction files [default: --from, else detected].
        #[arg(long, value_enum, value_name = "FORMAT")]
        pred_format: Option<FromFormat>,
        #[command(flatten)]
        input: InputArgs,
    },
}

/// Runs an `eval` subcommand.
///
/// # Errors
/// Unreadable gold or predictions, a bad `--map`, an engine that cannot be built.
pub fn run(args: &EvalArgs, ctx: &Ctx) -> Result<ExitCode> {
    match &args.command {
        EvalCommand::Ihc {
            gold,
            folds,
            seed,
            features_off,
            no_reranker,
            pred,
            verbose_misses,
            json,
            engine,
            lexicon,
        } => ihc::run(
            &ihc::IhcEval {
                engine,
                gold,
                folds: *folds,
                seed: *seed,
                features_off: features_off.as_deref(),
                no_reranker: *no_reranker,
                pred: pred.as_deref(),
                verbose_misses: *verbose_misses,
                json: *json,
                lexicon,
            },
            ctx,
        ),
        EvalCommand::Link {
            gold,
            pred,
            map,
            json,
            input,
        } => {
            let args = ner::NerArgs {
                gold,
                pred,
                gold_options: input.read_options(),
                pred_options: input.read_options(),
                map,
                json: *json,
            };
            Ok(ctx.finish(&ner::run_link(&args, ctx)?))
        }
        EvalCommand::Ner {
            gold,
            pred,
            map,
            json,
            gold_format,
            pred_format,
            input,
        } => {
            let base = input.read_options();
            let with_format = |format: Option<FromFormat>| ReadOptions {
                format: format.map(FromFormat::format).or(base.format),
                ..base.clone()
            };
            let args = ner::NerArgs {
                gold,
                pred,
                gold_options: with_format(*gold_format),
                pred_options: with_format(*pred_format),
                map,
                json: *json,
            };
            Ok(ctx.finish(&ner::run_ner(&args, ctx)?.1))
        }
    }
}
