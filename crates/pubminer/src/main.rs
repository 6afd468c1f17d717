//! The `pubminer` command: turns the biomedical literature into a normalised, quantitative
//! knowledge base.
//!
//! This crate only wires the library crates together: it parses the command line, builds
//! the pipeline, and maps failures to exit codes. All format, text and model logic lives
//! in the library crates.

mod commands;
mod paths;

// Documents are built, annotated and encoded on many threads at once, with many small
// strings each: mimalloc's per-thread heaps measured ~20% faster than glibc's malloc on
// `annotate` (docs/BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
mod pipeline;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand, ValueEnum};
use pubminer_core::OffsetUnit;
use pubminer_formats::{Format, OutputFormat, ReadOptions};

use crate::pipeline::{OnError, RunOptions};

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  error: unreadable input with --on-error fail, unwritable output, bad configuration
  2  command-line usage error
  3  finished, but some records were skipped or some files not read to the end
     (--on-error skip); stderr says which";

/// Turn PubMed and annotated corpora into a normalised, quantitative knowledge base.
///
/// Inputs may be PubMed/MEDLINE XML (baseline, update, efetch), PubTator, BioC XML,
/// BioC JSON (incl. PubTator3), JSONL, TSV, IOB or plain text, optionally gzip-compressed;
/// the format is detected from the content and can be forced with --from.
#[derive(Parser, Debug)]
#[command(name = "pubminer", version, after_help = EXIT_CODES, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// Worker threads [default: all cores].
    #[arg(short = 'j', long, global = true, value_name = "N")]
    threads: Option<usize>,

    /// What to do with a record that cannot be read.
    #[arg(long, global = true, value_enum, default_value_t = OnError::Skip)]
    on_error: OnError,

    /// No progress bar and no summary on stderr.
    #[arg(short, long, global = true)]
    quiet: bool,

    /// Print every skipped record (by default the first 20, then only the count).
    #[arg(short, long, global = true)]
    verbose: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Convert documents between formats.
    #[command(
        after_help = "Examples:\n  pubminer convert pubmed26n0001.xml.gz --to jsonl -o docs.jsonl\n  pubminer convert CDR_DevelopmentSet.PubTator.txt --to bioc-xml -o cdr.xml"
    )]
    Convert {
        /// Input files (`-` for standard input).
        #[arg(required = true, value_name = "IN")]
        inputs: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum)]
        to: ToFormat,
        /// Output file (`-` for standard output; a `.gz` suffix compresses).
        #[arg(short, long, value_name = "OUT")]
        output: PathBuf,
        #[command(flatten)]
        input: InputArgs,
    },
    /// Count documents, abstracts, deletions, languages, publication types and annotations.
    #[command(after_help = "Example:\n  pubminer stats ../shared/data/pubmed/curated/*.xml.gz")]
    Stats {
        /// Input files (`-` for standard input).
        #[arg(required = true, value_name = "IN")]
        inputs: Vec<PathBuf>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        input: InputArgs,
    },
    /// Tag entities with the dictionary (and abbreviations), linked to concept ids.
    #[command(
        after_help = "The lexicon is --lexicon FILE, else the default one in the data directory, built on first use\nfrom the vocabularies (`pubminer setup`, --vocab DIR, or ../shared/data/vocab).\n\nExamples:\n  pubminer annotate pubmed26n0001.xml.gz --to pubtator -o annotated.pubtator\n  pubminer annotate CDR_DevelopmentSet.PubTator.txt --types Chemical,Disease --to pubtator -o pred.pubtator"
    )]
    Annotate {
        /// Input files (`-` for standard input).
        #[arg(required = true, value_name = "IN")]
        inputs: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum)]
        to: ToFormat,
        /// Output file (`-` for standard output; a `.gz` suffix compresses).
        #[arg(short, long, value_name = "OUT")]
        output: PathBuf,
        /// Entity types to tag (comma-separated) [default: all]: Gene, Disease, Chemical,
        /// Anatomy, CellType, Species.
        #[arg(long, value_delimiter = ',', value_parser = parse_entity_type)]
        types: Vec<pubminer_lexicon::EntityType>,
        /// What to keep when candidates overlap.
        #[arg(long, value_enum, default_value_t = OverlapArg::Longest)]
        overlap: OverlapArg,
        /// Do not detect and propagate abbreviations.
        #[arg(long)]
        no_abbreviations: bool,
        /// Keep the annotations the input already has (they are dropped by default, so
        /// annotating a gold corpus gives predictions only).
        #[arg(long)]
        keep_input_annotations: bool,
        /// Extra stop list (same format as the built-in one, see docs/LEXICON.md).
        #[arg(long, value_name = "FILE")]
        stoplist: Option<PathBuf>,
        /// Do not use the built-in stop list.
        #[arg(long)]
        no_stoplist: bool,
        /// Tag short acronyms of diseases, anatomy and cell types (`RA`, `PC`, `SV`) even where
        /// the document does not define them (by default only defined ones are tagged).
        #[arg(long)]
        undefined_acronyms: bool,
        /// Who finds the entities: `dict` (the lexicon, fast) or `llm` (an LLM lists them as
        /// JSON, aligned back to exact offsets; then linked through the cascade).
        #[arg(long, value_enum, default_value_t = NerArg::Dict)]
        ner: NerArg,
        #[command(flatten)]
        llm: LlmArgs,
        #[command(flatten)]
        lexicon: LexiconArgs,
        #[command(flatten)]
        input: InputArgs,
    },
    /// Link the mentions of any input to concepts through the cascade: exact and
    /// normalised names, composites, character 3-gram TF-IDF, optional dense encoder and
    /// cross-encoder; NIL below the thresholds, ranked candidates kept.
    #[command(
        after_help = "Mention types are read through the same corpus type mapping as `eval ner` (SpecificDisease,\nChemical, GeneOrGeneProduct...).\n\nExamples:\n  pubminer link CDR_DevelopmentSet.PubTator.txt --to jsonl -o linked.jsonl\n  pubminer link mentions.jsonl --encoder ~/models/SapBERT --to jsonl -o linked.jsonl"
    )]
    Link {
        /// Input files with mentions (`-` for standard input).
        #[arg(required = true, value_name = "IN")]
        inputs: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum)]
        to: ToFormat,
        /// Output file.
        #[arg(short, long, value_name = "OUT")]
        output: PathBuf,
        /// Entity types to link [default: Gene, Disease, Chemical, Anatomy, CellType, Species].
        #[arg(long, value_delimiter = ',', value_parser = parse_entity_type)]
        types: Vec<pubminer_lexicon::EntityType>,
        /// Keep mentions that already have links (default: relink every mention).
        #[arg(long)]
        only_unlinked: bool,
        /// TF-IDF cosine below which a mention is NIL.
        #[arg(long, default_value_t = 0.5, value_name = "X")]
        tfidf_threshold: f32,
        /// Bi-encoder cosine below which a mention is NIL.
        #[arg(long, default_value_t = 0.75, value_name = "X")]
        dense_threshold: f32,
        /// Candidates kept per mention.
        #[arg(long, default_value_t = 5, value_name = "K")]
        top_k: usize,
        /// Link only to concepts with an id in these namespaces (comma-separated, e.g.
        /// `MESH,OMIM` for MeSH/MEDIC-coded corpora).
        #[arg(long, value_delimiter = ',', value_name = "PREFIX")]
        namespaces: Vec<String>,
        /// A BERT bi-encoder model directory (SapBERT, PubMedBERT, MiniLM) for the dense stage.
        #[arg(long, value_name = "DIR")]
        encoder: Option<PathBuf>,
        /// A BERT sequence-classification model directory for the rerank stage.
        #[arg(long, value_name = "DIR")]
        cross_encoder: Option<PathBuf>,
        /// Corpus type name overrides (`Corpus=Ours`).
        #[arg(long = "map", value_name = "CORPUS=OURS", value_parser = commands::eval::parse_map)]
        map: Vec<String>,
        #[command(flatten)]
        lexicon: LexiconArgs,
        #[command(flatten)]
        input: InputArgs,
    },
    /// Embed texts (one per line) with a BERT encoder model directory, natively (candle).
    ///
    /// Writes little-endian f32 vectors, row-major, to OUT (`-o -` discards them, for
    /// timing), and prints the shape. The same encoder serves `link --encoder`.
    Embed {
        /// A file of texts, one per line.
        input: PathBuf,
        /// The model directory (config.json, tokenizer.json, model.safetensors).
        #[arg(long, value_name = "DIR")]
        encoder: PathBuf,
        /// Texts per forward pass (after sorting by length).
        #[arg(long, default_value_t = 64)]
        batch: usize,
        /// Output file of f32 vectors (`-` to discard).
        #[arg(short, long, value_name = "OUT")]
        output: PathBuf,
    },
    /// Build, inspect and query the compiled lexicon.
    Lexicon {
        #[command(subcommand)]
        command: LexiconCommand,
    },
    /// Install the vocabularies into the data directory and build the default lexicon.
    #[command(
        after_help = "The data directory is $PUBMINER_HOME, else $XDG_DATA_HOME/pubminer, else ~/.local/share/pubminer.\n\nExamples:\n  pubminer setup                      # copy from ../shared/data/vocab\n  pubminer setup --from /data/vocab\n  pubminer setup --download           # official HGNC, MeSH, MEDIC, DO, OncoTree, UBERON, CL, MONDO, FamPlex"
    )]
    Setup {
        /// Copy the vocabularies from this folder [default: ../shared/data/vocab].
        #[arg(long, value_name = "DIR", conflicts_with = "download")]
        from: Option<PathBuf>,
        /// Download the official release files instead (resumable; SHA-256 recorded).
        #[arg(long)]
        download: bool,
        /// With --download: fetch `BASE/PATH` instead of the official hosts (a mirror).
        #[arg(long, value_name = "BASE_URL", requires = "download")]
        mirror: Option<String>,
        /// Pinned checksums, `sha256sum` format (`HEX  path/under/vocab`).
        #[arg(long, value_name = "FILE")]
        checksums: Option<PathBuf>,
        /// Only install the files; do not build the lexicon.
        #[arg(long)]
        no_build: bool,
    },
    /// The IHC tumour-profile pipeline: classify abstracts, extract marker x tumour x site
    /// counts, store them in the knowledge base, and query the pooled landscape.
    Ihc {
        #[command(subcommand)]
        command: IhcCommand,
    },
    /// The web page and JSON API over an IHC knowledge base (read-only): the landscape
    /// heatmap, marker and tumour pages with forest plots and the HPA reference, the evidence
    /// sentences, search, CSV/JSON downloads; the OpenAPI document at /api/openapi.json.
    #[command(
        after_help = "Examples:\n  pubminer serve\n  pubminer serve --kb study.sqlite --addr 127.0.0.1:9000 --hpa hpa_cancer_ihc_pathology.tsv"
    )]
    Serve {
        /// The knowledge base [default: DATA_DIR/ihc.sqlite].
        #[arg(long, value_name = "FILE")]
        kb: Option<PathBuf>,
        /// Address to listen on (loopback unless told otherwise).
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
        addr: std::net::SocketAddr,
        /// HPA's `hpa_cancer_ihc_pathology.tsv` for the reference column [default: the shared
        /// data's, when present].
        #[arg(long, value_name = "FILE")]
        hpa: Option<PathBuf>,
        /// A host name the server answers to besides localhost and IP addresses (repeat for
        /// more; `*` for any). Other names get 421, which stops DNS rebinding.
        #[arg(long, value_name = "NAME")]
        allow_host: Vec<String>,
    },
    /// Evaluate annotations against a gold standard.
    Eval {
        #[command(subcommand)]
        command: EvalCommand,
    },
    /// Run an LLM natively (GGUF or safetensors: Gemma, Llama, Qwen2, Phi-3), or serve it as
    /// an OpenAI-compatible server.
    Llm {
        #[command(subcommand)]
        command: LlmCommand,
    },
}

#[derive(Subcommand, Debug)]
enum LlmCommand {
    /// The model's greedy answer to a prompt, and its speed.
    #[command(after_help = "Examples:
  pubminer llm generate --model gemma-3-270m-q4_k_m.gguf \"Name three IHC markers of lung adenocarcinoma.\"
  cat prompt.txt | pubminer llm generate --model model.gguf --raw -")]
    Generate {
        /// A `.gguf` file, a directory with one, or a Hugging Face safetensors directory.
        #[arg(long, value_name = "PATH")]
        model: PathBuf,
        /// The user message (`-` reads standard input).
        prompt: String,
        /// Tokens at most.
        #[arg(long, default_value_t = 256, value_name = "N")]
        max_tokens: usize,
        /// Stop at this text (repeatable).
        #[arg(long, value_name = "TEXT")]
        stop: Vec<String>,
        /// The prompt as it is, without the chat template.
        #[arg(long)]
        raw: bool,
        /// Chat format instead of the model's: gemma, phi3, ihc-llminer, chatml, llama3,
        /// llama2, raw.
        #[arg(long, value_name = "NAME")]
        template: Option<String>,
        /// CUDA device 0 (a build with `--features cuda`).
        #[arg(long)]
        cuda: bool,
    },
    /// Serve the model at `/v1/chat/completions` (OpenAI-compatible, greedy).
    #[command(after_help = "Examples:
  pubminer llm serve --model gemma-3-270m-q4_k_m.gguf
  pubminer ihc run abstracts.tsv --engine llm --llm-url http://127.0.0.1:8081/v1")]
    Serve {
        /// A `.gguf` file, a directory with one, or a Hugging Face safetensors directory.
        #[arg(long, value_name = "PATH")]
        model: PathBuf,
        /// Address to listen on (loopback unless told otherwise).
        #[arg(long, default_value = "127.0.0.1:8081", value_name = "ADDR")]
        addr: std::net::SocketAddr,
        /// The model name to announce [default: from the GGUF].
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// Chat format instead of the model's.
        #[arg(long, value_name = "NAME")]
        template: Option<String>,
        /// CUDA device 0 (a build with `--features cuda`).
        #[arg(long)]
        cuda: bool,
    },
}

// Parsed once per process: the size difference between variants costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
enum IhcCommand {
    /// Classify each abstract include/exclude (with a reason), extract its IHC profiles, and
    /// store both in the knowledge base (re-running over the same PMIDs replaces them).
    #[command(
        after_help = "Examples:\n  pubminer ihc run pubmed26n1335.xml.gz -o profiles.jsonl\n  pubminer ihc run --query \"TTF-1 immunohisto*\" --max 2000 --email me@example.org\n  pubminer ihc run abstracts.tsv --format ihc-table -o tables.md --kb study.sqlite"
    )]
    Run {
        /// Input files in any supported format, incl. IHC-LLMiner's TSV (`marker, pmid, url,
        /// abstract`).
        #[arg(value_name = "IN", required_unless_present = "query")]
        inputs: Vec<PathBuf>,
        /// The knowledge base [default: DATA_DIR/ihc.sqlite].
        #[arg(long, value_name = "FILE")]
        kb: Option<PathBuf>,
        /// Per-document results (`-` for standard output).
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        /// Format of OUT.
        #[arg(long, value_enum, default_value_t = IhcFormatArg::Jsonl)]
        format: IhcFormatArg,
        /// Keep non-English documents (by default they are stored as `exclude`, with the
        /// language as the reason).
        #[arg(long)]
        all_languages: bool,
        /// Leave alone the documents the knowledge base already has (to finish an
        /// interrupted run).
        #[arg(long)]
        resume: bool,
        /// Print the landscape afterwards (rows with at least this many cases).
        #[arg(long, value_name = "N")]
        landscape: Option<u64>,
        #[command(flatten)]
        pubmed: PubmedArgs,
        #[command(flatten)]
        engine: EngineArgs,
        #[command(flatten)]
        lexicon: LexiconArgs,
        #[command(flatten)]
        input: InputArgs,
    },
    /// Train the IHC model (candidate scorer and include/exclude classifier) on annotated
    /// abstracts; deterministic, so the same gold and seed give the same bytes.
    #[command(
        after_help = "Example (the compiled-in model):\n  pubminer ihc train --gold ../shared/data/ihc/train.jsonl --gold ../shared/data/ihc/dev.jsonl -o crates/pubminer-ihc/data/ihc-model.json"
    )]
    Train {
        /// Gold JSONL files (`eval ihc`'s format).
        #[arg(long, value_name = "GOLD", required = true)]
        gold: Vec<PathBuf>,
        /// Where to write the model (JSON).
        #[arg(short, long, value_name = "MODEL")]
        output: PathBuf,
        /// Seed of the inner folds.
        #[arg(long, default_value_t = 13, value_name = "N")]
        seed: u64,
        /// Rules to switch off, comma-separated.
        #[arg(long, value_name = "RULES")]
        rules_off: Option<String>,
        /// Features to switch off, comma-separated.
        #[arg(long, value_name = "FEATURES")]
        features_off: Option<String>,
        #[command(flatten)]
        lexicon: LexiconArgs,
    },
    /// List the rules and features of the IHC engine (names for `--rules-off` and
    /// `--features-off`), and the compiled-in model's weights.
    Rules,
    /// Pooled positivity per marker and tumour type: positive/total over studies, the rate
    /// with a Wilson 95% interval, studies, case reports (counted apart) and PMIDs.
    #[command(
        after_help = "Examples:\n  pubminer ihc landscape --marker TTF-1\n  pubminer ihc landscape --tumour \"lung adenocarcinoma\" --format csv -o luad.csv"
    )]
    Landscape {
        /// The knowledge base [default: DATA_DIR/ihc.sqlite].
        #[arg(long, value_name = "FILE")]
        kb: Option<PathBuf>,
        /// Marker: as written (`TTF-1`, `CK7`), HGNC symbol or id, or IHC concept.
        #[arg(long)]
        marker: Option<String>,
        /// Tumour type: a name (substring) or concept id (`ONCOTREE:LUAD`).
        #[arg(long)]
        tumour: Option<String>,
        /// Only rows with at least this many cases pooled (case-report rows are kept).
        #[arg(long, default_value_t = 0, value_name = "N")]
        min_total: u64,
        /// Output format.
        #[arg(long, value_enum, default_value_t = commands::ihc::TableFormat::Table)]
        format: commands::ihc::TableFormat,
        /// Write to a file instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Compare the landscape with the Human Protein Atlas cancer IHC table where marker and
    /// tumour overlap, and report the agreement.
    #[command(
        after_help = "Example:\n  pubminer ihc compare-hpa --hpa ../shared/data/reference/hpa-ihc/hpa_cancer_ihc_pathology.tsv"
    )]
    CompareHpa {
        /// The knowledge base [default: DATA_DIR/ihc.sqlite].
        #[arg(long, value_name = "FILE")]
        kb: Option<PathBuf>,
        /// HPA's `hpa_cancer_ihc_pathology.tsv` [default: the shared data's].
        #[arg(long, value_name = "FILE")]
        hpa: Option<PathBuf>,
        /// Only pairs with at least this many literature cases.
        #[arg(long, default_value_t = 10, value_name = "N")]
        min_total: u64,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// The whole job on a fresh machine: with ../shared/data, the IHC dev set and a real
    /// PubMed update file; without it, the official vocabularies are downloaded (`setup
    /// --download`) and a PubMed query is fetched. Fills a knowledge base and prints the
    /// landscape.
    #[command(
        after_help = "Example:\n  pubminer ihc demo\n  pubminer ihc demo --query \"CDX2 immunohisto*\" --max 300 --email me@example.org"
    )]
    Demo {
        /// The knowledge base [default: DATA_DIR/demo.sqlite, replaced on each run].
        #[arg(long, value_name = "FILE")]
        kb: Option<PathBuf>,
        /// Landscape rows with at least this many cases.
        #[arg(long, default_value_t = 5, value_name = "N")]
        min_total: u64,
        /// The PubMed query used without shared data (or to replace it).
        #[arg(long, value_name = "QUERY")]
        query: Option<String>,
        /// Records of the query to fetch.
        #[arg(long, default_value_t = 500, value_name = "N")]
        max: u64,
        /// Contact e-mail for NCBI [default: $NCBI_EMAIL].
        #[arg(long, value_name = "ADDRESS")]
        email: Option<String>,
        #[command(flatten)]
        lexicon: LexiconArgs,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum IhcFormatArg {
    /// One JSON record per document: id, label, reason, profiles.
    Jsonl,
    /// IHC-LLMiner's markdown table per abstract.
    IhcTable,
    /// One row per profile.
    Tsv,
}

/// Where `ihc run --query` gets its abstracts.
#[derive(Args, Debug)]
struct PubmedArgs {
    /// A PubMed query, run through NCBI E-utilities (esearch, then efetch in batches).
    #[arg(long, value_name = "QUERY")]
    query: Option<String>,
    /// Fetch at most this many records of the query.
    #[arg(long, value_name = "N", requires = "query")]
    max: Option<u64>,
    /// NCBI API key (10 requests/s instead of 3) [default: $NCBI_API_KEY].
    #[arg(long, value_name = "KEY", requires = "query")]
    api_key: Option<String>,
    /// Contact e-mail sent to NCBI with each request, as its usage policy asks [default:
    /// $NCBI_EMAIL].
    #[arg(long, value_name = "ADDRESS", requires = "query")]
    email: Option<String>,
    /// Records per efetch request.
    #[arg(long, default_value_t = 200, value_name = "N", requires = "query")]
    batch_size: u32,
    /// Where fetched batches are kept (an interrupted fetch resumes from them) [default:
    /// DATA_DIR/pubmed-queries/HASH].
    #[arg(long, value_name = "DIR", requires = "query")]
    cache: Option<PathBuf>,
    /// E-utilities base URL (a mirror or a test server).
    #[arg(
        long,
        value_name = "URL",
        default_value = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils",
        requires = "query"
    )]
    eutils_url: String,
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
        #[arg(long = "map", value_name = "CORPUS=OURS", value_parser = commands::eval::parse_map)]
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
        #[arg(long = "map", value_name = "CORPUS=OURS", value_parser = commands::eval::parse_map)]
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
        types: Vec<pubminer_lexicon::EntityType>,
        /// Output file (`-` for standard output).
        #[arg(short, long, value_name = "OUT")]
        output: PathBuf,
        #[command(flatten)]
        lexicon: LexiconArgs,
    },
}

/// Which IHC engine decides, and how to reach an LLM.
#[derive(Args, Debug, Clone)]
struct EngineArgs {
    /// `default` (a model trained on annotated abstracts decides over the rules'
    /// candidates), `rules` (the rules alone), `llm` (IHC-LLMiner's prompts through an
    /// OpenAI-compatible server or a native model), or `hybrid` (the LLM only where the
    /// default engine is unsure).
    #[arg(long, value_enum, default_value_t = EngineArg::Default)]
    engine: EngineArg,
    /// An IHC model from `pubminer ihc train` instead of the compiled-in one.
    #[arg(long, value_name = "MODEL")]
    model: Option<PathBuf>,
    /// Rules to switch off, comma-separated (`pubminer ihc rules` lists them); a trained
    /// model runs with the rules it was trained with.
    #[arg(long, value_name = "RULES")]
    rules_off: Option<String>,
    /// One JSON-schema-constrained request per abstract instead of IHC-LLMiner's two prompts.
    #[arg(long)]
    llm_json: bool,
    #[command(flatten)]
    llm: LlmArgs,
}

/// How to reach an LLM: a server, or a GGUF model run natively.
#[derive(Args, Debug, Clone)]
struct LlmArgs {
    /// The server's OpenAI-compatible base URL (vLLM, llama.cpp, Ollama, TGI, OpenAI,
    /// `pubminer llm serve`); the API key is read from $PUBMINER_LLM_API_KEY or
    /// $OPENAI_API_KEY.
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8080/v1")]
    llm_url: String,
    /// The model name the server knows.
    #[arg(long, value_name = "NAME", default_value = "default")]
    llm_model: String,
    /// Response cache [default: DATA_DIR/llm-cache.sqlite]; `none` disables it.
    #[arg(long, value_name = "FILE")]
    llm_cache: Option<PathBuf>,
    /// Seconds per request.
    #[arg(long, default_value_t = 300, value_name = "S")]
    llm_timeout: u64,
    /// Requests in flight at once, whatever the number of worker threads.
    #[arg(long, default_value_t = 4, value_name = "N")]
    llm_concurrency: usize,
    /// Tokens of an answer at most: an IHC extraction table (IHC-LLMiner: 1024) or the
    /// entities of one passage.
    #[arg(long, default_value_t = 1024, value_name = "N")]
    llm_max_tokens: u32,
    /// Run a model natively instead of asking a server: a `.gguf` file, a directory with one
    /// (and optionally the model's tokenizer.json and tokenizer_config.json), or a Hugging
    /// Face directory of safetensors weights. GGUF: Gemma 1/2/3, Llama 2/3, Qwen2, Phi-3;
    /// safetensors: Gemma 2/3, Llama, Qwen2, Phi-3.
    #[arg(long, value_name = "PATH")]
    llm_native: Option<PathBuf>,
    /// Chat format of the native model instead of its own template: gemma, phi3,
    /// ihc-llminer (IHC-LLMiner's fine-tuned checkpoints), chatml, llama3, llama2, raw.
    #[arg(long, value_name = "NAME", requires = "llm_native")]
    llm_template: Option<String>,
    /// A tokenizer.json for the native model instead of the GGUF's vocabulary.
    #[arg(long, value_name = "FILE", requires = "llm_native")]
    llm_tokenizer: Option<PathBuf>,
    /// Run the native model on CUDA device 0 (a build with `--features cuda`).
    #[arg(long, requires = "llm_native")]
    llm_cuda: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum NerArg {
    /// The dictionary tagger.
    Dict,
    /// An LLM (`--llm-url` or `--llm-native`).
    Llm,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum EngineArg {
    /// The trained model over the rules' candidates (`--model`, else the compiled-in one).
    Default,
    /// The rules alone (their own picks and include/exclude rules), for comparison.
    Rules,
    /// An LLM alone.
    Llm,
    /// The default engine, and the LLM where it is unsure.
    Hybrid,
}

/// Where the lexicon comes from.
#[derive(Args, Debug, Clone)]
struct LexiconArgs {
    /// Lexicon artifact [default: DATA_DIR/lexicon.pmlex, built on first use].
    #[arg(long, value_name = "FILE")]
    lexicon: Option<PathBuf>,
    /// Vocabulary directory for building the default lexicon.
    #[arg(long, value_name = "DIR")]
    vocab: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum OverlapArg {
    /// The longest candidate wins across types (identical spans of other types kept).
    Longest,
    /// Overlaps resolved within each type only (nested mentions of other types kept).
    PerType,
    /// Keep every candidate.
    All,
}

fn parse_entity_type(s: &str) -> Result<pubminer_lexicon::EntityType, String> {
    pubminer_lexicon::EntityType::from_name(s.trim()).ok_or_else(|| {
        format!(
            "unknown entity type {s:?} (known: {})",
            pubminer_lexicon::EntityType::ALL
                .map(|t| t.name())
                .join(", ")
        )
    })
}

/// Options shared by every command that reads documents.
#[derive(Args, Debug, Clone)]
struct InputArgs {
    /// Input format [default: detected from the content].
    #[arg(long, value_enum, value_name = "FORMAT")]
    from: Option<FromFormat>,
    /// Unit of PubTator/BioC offsets: characters (Python, PubTator) or UTF-16 units (Java).
    #[arg(long, value_enum, default_value_t = UnitArg::Char)]
    offset_unit: UnitArg,
    /// Move an annotation whose offsets do not cover its text to the one place in its
    /// passage where the text occurs (reported), instead of dropping it (also reported).
    #[arg(long)]
    repair_offsets: bool,
    /// Refuse records larger than this many MiB: each is skipped while it is read (reported;
    /// the file is read on). A PubMed record is tens of KB, the largest PMC article a few MB.
    #[arg(long, value_name = "MB", default_value_t = 32)]
    max_record_mb: usize,
}

impl InputArgs {
    fn read_options(&self) -> ReadOptions {
        ReadOptions {
            format: self.from.map(FromFormat::format),
            offset_unit: match self.offset_unit {
                UnitArg::Char => OffsetUnit::Char,
                UnitArg::Utf16 => OffsetUnit::Utf16,
                UnitArg::Byte => OffsetUnit::Byte,
            },
            repair_offsets: self.repair_offsets,
            max_record_bytes: self.max_record_mb.saturating_mul(1 << 20),
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FromFormat {
    Pubmed,
    Pubtator,
    BiocXml,
    BiocJson,
    Jsonl,
    Tsv,
    Text,
    Iob,
}

impl FromFormat {
    fn format(self) -> Format {
        match self {
            Self::Pubmed => Format::Pubmed,
            Self::Pubtator => Format::Pubtator,
            Self::BiocXml => Format::BiocXml,
            Self::BiocJson => Format::BiocJson,
            Self::Jsonl => Format::Jsonl,
            Self::Tsv => Format::Tsv,
            Self::Text => Format::Text,
            Self::Iob => Format::Iob,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ToFormat {
    Jsonl,
    Pubtator,
    BiocXml,
    BiocJson,
}

impl ToFormat {
    fn format(self) -> OutputFormat {
        match self {
            Self::Jsonl => OutputFormat::Jsonl,
            Self::Pubtator => OutputFormat::Pubtator,
            Self::BiocXml => OutputFormat::BiocXml,
            Self::BiocJson => OutputFormat::BiocJson,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum UnitArg {
    Char,
    Utf16,
    Byte,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    let options = RunOptions {
        threads: cli.threads.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
        }),
        on_error: cli.on_error,
        progress: !cli.quiet,
        verbose_errors: cli.verbose,
    };
    let summary = match &cli.command {
        Command::Convert {
            inputs,
            to,
            output,
            input,
        } => {
            let (summary, report) = commands::convert::run(
                inputs,
                output,
                to.format(),
                &input.read_options(),
                &options,
            )?;
            if !cli.quiet
                && let Some(note) = commands::convert::describe_omissions(&report, to.format())
            {
                eprintln!("{note}");
            }
            summary
        }
        Command::Stats {
            inputs,
            json,
            input,
        } => {
            let (stats, summary) = commands::stats::run(inputs, &input.read_options(), &options)?;
            if *json {
                println!("{}", commands::stats::to_json(&stats, &summary));
            } else {
                print!("{}", stats.render(&summary));
            }
            summary
        }
        Command::Annotate {
            inputs,
            to,
            output,
            types,
            overlap,
            no_abbreviations,
            keep_input_annotations,
            stoplist,
            no_stoplist,
            undefined_acronyms,
            ner,
            llm,
            lexicon,
            input,
        } => {
            let lex = paths::open_lexicon(
                lexicon.lexicon.as_deref(),
                lexicon.vocab.as_deref(),
                cli.quiet,
            )?;
            let mut stops = if *no_stoplist {
                pubminer_ner::StopList::empty()
            } else {
                pubminer_ner::StopList::builtin()
            };
            if let Some(path) = stoplist {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                let extra = pubminer_ner::StopList::parse(&text)
                    .map_err(|(line, m)| anyhow::anyhow!("{}:{line}: {m}", path.display()))?;
                stops.extend(extra);
            }
            let config = pubminer_ner::TaggerConfig {
                types: (!types.is_empty()).then(|| types.clone()),
                overlap: match overlap {
                    OverlapArg::Longest => pubminer_ner::OverlapPolicy::Longest,
                    OverlapArg::PerType => pubminer_ner::OverlapPolicy::LongestPerType,
                    OverlapArg::All => pubminer_ner::OverlapPolicy::All,
                },
                abbreviations: !no_abbreviations,
                stoplist: stops,
                link_xrefs: !matches!(to, ToFormat::Pubtator),
                undefined_acronyms: *undefined_acronyms,
                ..pubminer_ner::TaggerConfig::default()
            };
            let lex = std::sync::Arc::new(lex);
            let llm_ner = match ner {
                NerArg::Dict => None,
                NerArg::Llm => {
                    let backend = commands::ihc::llm_backend(llm)?;
                    if !cli.quiet {
                        eprintln!("NER by {}", backend.describe());
                    }
                    let engine =
                        pubminer_llm::LlmEngine::new(backend, commands::ihc::llm_cache(llm)?, true);
                    let types: Vec<pubminer_lexicon::EntityType> = if types.is_empty() {
                        pubminer_lexicon::EntityType::ALL.to_vec()
                    } else {
                        types.clone()
                    };
                    let linker = pubminer_link::Linker::new(
                        std::sync::Arc::clone(&lex),
                        &types,
                        pubminer_link::LinkerConfig::default(),
                    );
                    Some(commands::annotate::LlmNer {
                        engine: engine
                            .with_extract_tokens(llm.llm_max_tokens)
                            .with_concurrency(llm.llm_concurrency),
                        linker,
                        types,
                    })
                }
            };
            let tagger = pubminer_ner::DictionaryTagger::new(lex, config);
            let ner = match &llm_ner {
                Some(n) => commands::annotate::Ner::Llm(n),
                None => commands::annotate::Ner::Dict(&tagger),
            };
            let (summary, report) = commands::annotate::run(
                inputs,
                output,
                to.format(),
                &ner,
                *keep_input_annotations,
                &input.read_options(),
                &options,
            )?;
            if !cli.quiet {
                eprintln!("{}", report.describe());
                if let Some(note) =
                    commands::convert::describe_omissions(&report.encode, to.format())
                {
                    eprintln!("{note}");
                }
            }
            if report.failed > 0 {
                // Written, but without the annotations asked for: a partial run.
                if !cli.quiet {
                    eprintln!("{}", summary.describe());
                }
                return Ok(ExitCode::from(3));
            }
            summary
        }
        Command::Link {
            inputs,
            to,
            output,
            types,
            only_unlinked,
            tfidf_threshold,
            dense_threshold,
            top_k,
            namespaces,
            encoder,
            cross_encoder,
            map,
            lexicon,
            input,
        } => {
            let lex = std::sync::Arc::new(paths::open_lexicon(
                lexicon.lexicon.as_deref(),
                lexicon.vocab.as_deref(),
                cli.quiet,
            )?);
            let types = if types.is_empty() {
                use pubminer_lexicon::EntityType as T;
                vec![
                    T::Gene,
                    T::Disease,
                    T::Chemical,
                    T::Anatomy,
                    T::CellType,
                    T::Species,
                ]
            } else {
                types.clone()
            };
            let config = pubminer_link::LinkerConfig {
                top_k: *top_k,
                tfidf_threshold: *tfidf_threshold,
                dense_threshold: *dense_threshold,
                namespaces: (!namespaces.is_empty()).then(|| namespaces.clone()),
                ..pubminer_link::LinkerConfig::default()
            };
            let models = commands::link::ModelArgs {
                encoder: encoder.clone(),
                cross_encoder: cross_encoder.clone(),
            };
            let lexicon_path = lexicon
                .lexicon
                .clone()
                .unwrap_or_else(paths::default_lexicon);
            let linker = commands::link::build_linker(
                lex,
                &lexicon_path,
                &types,
                config,
                &models,
                cli.quiet,
            )?;
            let (summary, report) = commands::link::run(
                inputs,
                output,
                to.format(),
                &linker,
                *only_unlinked,
                map,
                &input.read_options(),
                &options,
            )?;
            if !cli.quiet {
                let parts: Vec<String> = report
                    .outcomes
                    .iter()
                    .map(|(k, n)| format!("{n} {k}"))
                    .collect();
                eprintln!("mentions linked by stage: {}", parts.join(", "));
                if let Some(note) =
                    commands::convert::describe_omissions(&report.encode, to.format())
                {
                    eprintln!("{note}");
                }
            }
            summary
        }
        Command::Embed {
            input,
            encoder,
            batch,
            output,
        } => {
            let text = std::fs::read_to_string(input)
                .with_context(|| format!("cannot read {}", input.display()))?;
            let texts: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            let started = std::time::Instant::now();
            let model = pubminer_ml::BertEncoder::load(
                encoder,
                &pubminer_ml::EncoderOptions {
                    batch_size: Some(*batch),
                    ..pubminer_ml::EncoderOptions::default()
                },
            )
            .with_context(|| format!("loading {}", encoder.display()))?;
            let loaded = started.elapsed().as_secs_f64();
            let started = std::time::Instant::now();
            let vectors = model.embed(&texts)?;
            let seconds = started.elapsed().as_secs_f64();
            if output.as_os_str() != "-" {
                let bytes: Vec<u8> = vectors.iter().flat_map(|v| v.to_le_bytes()).collect();
                std::fs::write(output, bytes)
                    .with_context(|| format!("cannot write {}", output.display()))?;
            }
            println!(
                "{} texts x {} dims in {seconds:.2}s ({:.0} texts/s; model loaded in {loaded:.2}s)",
                texts.len(),
                model.dim(),
                texts.len() as f64 / seconds.max(1e-9)
            );
            return Ok(ExitCode::SUCCESS);
        }
        Command::Lexicon { command } => {
            match command {
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
                        commands::lexicon::build_tuned(
                            config.as_deref(),
                            &vocab,
                            &out,
                            tune_on,
                            tune_map,
                            cli.quiet
                        )?
                    );
                }
                LexiconCommand::Info { file } => {
                    let path = file.clone().unwrap_or_else(paths::default_lexicon);
                    print!("{}", commands::lexicon::info(&path)?);
                }
                LexiconCommand::DefaultConfig => {
                    print!("{}", pubminer_lexicon::build::DEFAULT_CONFIG)
                }
                LexiconCommand::Lookup { names, lexicon } => {
                    let lex = paths::open_lexicon(
                        lexicon.lexicon.as_deref(),
                        lexicon.vocab.as_deref(),
                        cli.quiet,
                    )?;
                    for name in names {
                        print!("{}", commands::lexicon::lookup(&lex, name));
                    }
                }
                LexiconCommand::ExportNames {
                    types,
                    output,
                    lexicon,
                } => {
                    let lex = paths::open_lexicon(
                        lexicon.lexicon.as_deref(),
                        lexicon.vocab.as_deref(),
                        cli.quiet,
                    )?;
                    let types = (!types.is_empty()).then_some(types.as_slice());
                    let n = if output.as_os_str() == "-" {
                        commands::lexicon::export_names(&lex, types, &mut std::io::stdout())?
                    } else {
                        let mut file = std::fs::File::create(output)
                            .with_context(|| format!("cannot create {}", output.display()))?;
                        commands::lexicon::export_names(&lex, types, &mut file)?
                    };
                    if !cli.quiet {
                        eprintln!("{n} names written");
                    }
                }
            }
            return Ok(ExitCode::SUCCESS);
        }
        Command::Setup {
            from,
            download,
            mirror,
            checksums,
            no_build,
        } => {
            let args = commands::setup::SetupArgs {
                from: from.as_deref(),
                download: *download,
                mirror: mirror.as_deref(),
                checksums: checksums.as_deref(),
                no_build: *no_build,
                quiet: cli.quiet,
            };
            print!("{}", commands::setup::run(&args)?);
            return Ok(ExitCode::SUCCESS);
        }
        Command::Ihc { command } => return commands::ihc::dispatch(command, cli.quiet, &options),
        Command::Llm { command } => {
            match command {
                LlmCommand::Generate {
                    model,
                    prompt,
                    max_tokens,
                    stop,
                    raw,
                    template,
                    cuda,
                } => commands::llm::generate(
                    &commands::llm::GenerateArgs {
                        model,
                        prompt,
                        max_tokens: *max_tokens,
                        stop,
                        raw: *raw,
                        template: template.as_deref(),
                        cuda: *cuda,
                    },
                    cli.quiet,
                )?,
                LlmCommand::Serve {
                    model,
                    addr,
                    name,
                    template,
                    cuda,
                } => commands::llm::serve(
                    model,
                    *addr,
                    template.as_deref(),
                    name.as_deref(),
                    *cuda,
                    cli.quiet,
                )?,
            }
            return Ok(ExitCode::SUCCESS);
        }
        Command::Serve {
            kb,
            addr,
            hpa,
            allow_host,
        } => {
            let limits = pubminer_serve::Limits {
                allowed_hosts: allow_host.clone(),
                ..pubminer_serve::Limits::default()
            };
            commands::serve::run(kb.as_deref(), *addr, hpa.as_deref(), &limits, cli.quiet)?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Eval {
            command:
                EvalCommand::Ihc {
                    gold,
                    folds,
                    seed,
                    features_off,
                    pred,
                    verbose_misses,
                    json,
                    engine,
                    lexicon,
                },
        } => {
            let args = commands::ihc::EvalArgs {
                engine,
                gold,
                folds: *folds,
                seed: *seed,
                features_off: features_off.as_deref(),
                pred: pred.as_deref(),
                verbose_misses: *verbose_misses,
                json: *json,
                lexicon,
            };
            return commands::ihc::eval(&args, cli.quiet, &options);
        }
        Command::Eval {
            command:
                EvalCommand::Link {
                    gold,
                    pred,
                    map,
                    json,
                    input,
                },
        } => {
            let args = commands::eval::NerArgs {
                gold,
                pred,
                gold_options: input.read_options(),
                pred_options: input.read_options(),
                map,
                json: *json,
                quiet: cli.quiet,
            };
            commands::eval::run_link(&args, &options)?
        }
        Command::Eval {
            command:
                EvalCommand::Ner {
                    gold,
                    pred,
                    map,
                    json,
                    gold_format,
                    pred_format,
                    input,
                },
        } => {
            let base = input.read_options();
            let with_format = |format: Option<FromFormat>| ReadOptions {
                format: format.map(FromFormat::format).or(base.format),
                ..base.clone()
            };
            let args = commands::eval::NerArgs {
                gold,
                pred,
                gold_options: with_format(*gold_format),
                pred_options: with_format(*pred_format),
                map,
                json: *json,
                quiet: cli.quiet,
            };
            commands::eval::run_ner(&args, &options)?.1
        }
    };
    if !cli.quiet {
        eprintln!("{}", summary.describe());
    }
    Ok(if summary.is_partial() {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}
