//! `pubminer convert`: read any supported input, write JSONL, PubTator or BioC.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use pubminer_formats::DocWriter;

use super::{Ctx, describe_omissions};
use crate::args::{InputArgs, ToFormat};

/// Convert documents between formats.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  pubminer convert pubmed26n0001.xml.gz --to jsonl -o docs.jsonl\n  pubminer convert CDR_DevelopmentSet.PubTator.txt --to bioc-xml -o cdr.xml"
)]
pub struct ConvertArgs {
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
}

/// Converts the inputs to the output in the format asked for.
///
/// # Errors
/// Unreadable input (per the error policy) or unwritable output.
pub fn run(args: &ConvertArgs, ctx: &Ctx) -> Result<ExitCode> {
    let format = args.to.format();
    let output = &args.output;
    let mut writer = DocWriter::create(output, format)?;
    let encoder = pubminer_formats::sink::encoder(format);
    let summary = ctx.pipeline(
        &args.inputs,
        &args.input.read_options(),
        |doc| {
            let mut bytes = Vec::with_capacity(4096);
            let report = encoder.encode(&doc, &mut bytes);
            (bytes, report)
        },
        |(bytes, report)| {
            writer.write_encoded(&bytes, report)?;
            Ok(())
        },
    )?;
    let report = writer.finish()?;
    if let Some(note) = describe_omissions(&report, format) {
        ctx.printer.status(note);
    }
    Ok(ctx.finish(&summary))
}
