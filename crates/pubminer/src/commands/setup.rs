//! `pubminer setup`: put the vocabularies in the user's data directory and build the
//! default lexicon (the work is `services::vocab`, which `ihc demo` uses too).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::Ctx;
use crate::services::vocab;

/// Install the vocabularies into the data directory and build the default lexicon.
#[derive(Args, Debug)]
#[command(
    after_help = "The data directory is $PUBMINER_HOME, else $XDG_DATA_HOME/pubminer, else ~/.local/share/pubminer.\n\nExamples:\n  pubminer setup                      # copy from ../shared/data/vocab\n  pubminer setup --from /data/vocab\n  pubminer setup --download           # official HGNC, MeSH, MEDIC, DO, OncoTree, UBERON, CL, MONDO, FamPlex"
)]
pub struct SetupArgs {
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
}

/// Installs the vocabularies, builds the lexicon, and prints what was done on stdout.
///
/// # Errors
/// Nothing to copy from, failed transfers, checksum mismatches, a failed build.
pub fn run(args: &SetupArgs, ctx: &Ctx) -> Result<ExitCode> {
    let install = vocab::Install {
        from: args.from.as_deref(),
        download: args.download,
        mirror: args.mirror.as_deref(),
        checksums: args.checksums.as_deref(),
        no_build: args.no_build,
    };
    print!("{}", vocab::install(&install, &ctx.printer)?);
    Ok(ExitCode::SUCCESS)
}
