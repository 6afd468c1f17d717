//! Shared helpers for the pubminer fuzz targets.

use pubminer_core::{Document, OffsetUnit};
use pubminer_formats::{Format, OutputFormat, ReadOptions, from_bytes};

pub mod http;

/// Reads `data` as `format` and parses every record. Errors are fine; panics are bugs.
pub fn read(format: Format, data: &[u8], options: ReadOptions) -> Vec<Document> {
    let options = ReadOptions {
        format: Some(format),
        ..options
    };
    let mut docs = Vec::new();
    if let Ok(records) = from_bytes("fuzz-input", data.to_vec(), &options) {
        docs.extend(records.documents().flatten());
    }
    docs
}

/// Reads `data` as `format` with default options.
pub fn read_default(format: Format, data: &[u8]) {
    let _ = read(format, data, ReadOptions::default());
}

/// Reads `data` with options picked by its first byte (low bit: PubTator or BioC XML;
/// next two bits: offset unit), with `repair_offsets` on.
pub fn read_repair(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let format = if selector & 1 == 0 {
        Format::Pubtator
    } else {
        Format::BiocXml
    };
    let offset_unit = match (selector >> 1) & 3 {
        0 | 3 => OffsetUnit::Char,
        1 => OffsetUnit::Byte,
        _ => OffsetUnit::Utf16,
    };
    let options = ReadOptions {
        offset_unit,
        repair_offsets: true,
        ..ReadOptions::default()
    };
    let _ = read(format, rest, options);
}

/// Every output format, paired with the input format that reads it back.
pub const OUTPUTS: &[(OutputFormat, Format)] = &[
    (OutputFormat::Pubtator, Format::Pubtator),
    (OutputFormat::BiocXml, Format::BiocXml),
    (OutputFormat::BiocJson, Format::BiocJson),
    (OutputFormat::Jsonl, Format::Jsonl),
];

/// Reads PubTator, encodes every document in every output format, and reads the
/// encoded bytes back with the matching reader. Nothing may panic.
pub fn round_trip(data: &[u8]) {
    let docs = read(Format::Pubtator, data, ReadOptions::default());
    if docs.is_empty() {
        return;
    }
    for &(output, input) in OUTPUTS {
        let encoder = pubminer_formats::sink::encoder(output);
        let mut out = encoder.header();
        for (i, doc) in docs.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(encoder.separator());
            }
            let _report = encoder.encode(doc, &mut out);
        }
        out.extend(encoder.footer());
        let _ = read(input, &out, ReadOptions::default());
    }
}
