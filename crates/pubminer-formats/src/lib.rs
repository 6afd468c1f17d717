//! Every file format pubminer reads or writes, and nothing else.
//!
//! It exists to keep the messy boundary with the outside world in one place: streaming
//! readers that never hold more than one record in memory, decompress gzip transparently,
//! convert external character offsets to the byte [`TextRange`](pubminer_core::TextRange)s
//! of the Document model, check every annotation against its text, and report each bad
//! record with its file, record, line and byte offset instead of panicking.
//!
//! | format | read | write |
//! |---|---|---|
//! | PubMed / MEDLINE XML (baseline, update, efetch) | yes | — |
//! | PubTator | yes | yes |
//! | BioC XML | yes | yes |
//! | BioC JSON (incl. PubTator3's dialect) | yes | yes |
//! | pubminer JSONL (lossless) and flat JSONL | yes | yes (pubminer) |
//! | TSV (IHC-LLMiner's `marker, pmid, url, abstract`) | yes | — |
//! | plain text | yes | — |
//! | IOB / CoNLL NER (`token<TAB>tag`, one sentence a block) | yes | — |
//!
//! Reading is split into a sequential record splitter and a pure per-record parse
//! ([`records::Pending::run`]) so callers can parse on many threads.

mod annotation;
pub mod bioc;
mod encode;
pub mod error;
pub mod input;
mod iob;
pub mod jsonl;
pub mod pubmed;
pub mod pubtator;
pub mod records;
pub mod sink;
mod text;
mod tsv;
mod xml;

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use pubminer_core::{Document, Location, OffsetUnit};

pub use error::{ReadError, ReadErrorKind, ReadResult, WriteError};
pub use input::Progress;
pub use iob::UNTYPED as IOB_UNTYPED;
pub use records::{Context, DEFAULT_MAX_RECORD_BYTES, Pending, RawRecord};
pub use sink::{DocEncoder, DocWriter, EncodeReport};

/// An input format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// PubMed / MEDLINE XML.
    Pubmed,
    /// PubTator.
    Pubtator,
    /// BioC XML.
    BiocXml,
    /// BioC JSON (and PubTator3 BioC JSON).
    BiocJson,
    /// JSON Lines (pubminer's schema or flat objects).
    Jsonl,
    /// Tab-separated abstracts.
    Tsv,
    /// Plain text, one document per file.
    Text,
    /// Token-per-line IOB NER (`token<TAB>tag`), one document per sentence.
    Iob,
}

impl Format {
    /// The format's command-line name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Pubmed => "pubmed",
            Self::Pubtator => "pubtator",
            Self::BiocXml => "bioc-xml",
            Self::BiocJson => "bioc-json",
            Self::Jsonl => "jsonl",
            Self::Tsv => "tsv",
            Self::Text => "text",
            Self::Iob => "iob",
        }
    }

    /// Parses a command-line name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "pubmed" | "pubmed-xml" | "medline" => Self::Pubmed,
            "pubtator" => Self::Pubtator,
            "bioc-xml" | "bioc" => Self::BiocXml,
            "bioc-json" | "pubtator3" => Self::BiocJson,
            "jsonl" | "ndjson" => Self::Jsonl,
            "tsv" => Self::Tsv,
            "text" | "txt" => Self::Text,
            "iob" | "conll" => Self::Iob,
            _ => return None,
        })
    }

    /// Guesses the format from the file name and the first bytes of its (decompressed)
    /// content. Content wins over the extension when it is unambiguous. IOB is detected
    /// only from content: the first non-empty lines are all `token<TAB>tag` with an IOB tag.
    #[must_use]
    pub fn detect(path: &Path, head: &[u8]) -> Self {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        let head_text = String::from_utf8_lossy(&head[..head.len().min(8192)]);
        let trimmed = head_text.trim_start_matches('\u{feff}').trim_start();
        if trimmed.starts_with('<') {
            if trimmed.contains("<collection") && !trimmed.contains("<PubmedArticle") {
                return Self::BiocXml;
            }
            return Self::Pubmed;
        }
        if trimmed.starts_with('{') || trimmed.starts_with('[') {
            if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
                return Self::Jsonl;
            }
            if name.ends_with(".json") || trimmed.starts_with('[') {
                return Self::BiocJson;
            }
            // One complete object on the first line, another starting on the next: JSONL.
            let mut lines = trimmed.lines();
            let first = lines.next().unwrap_or("");
            let looks_lined = serde_json::from_str::<serde_json::Value>(first).is_ok();
            return if looks_lined {
                Self::Jsonl
            } else {
                Self::BiocJson
            };
        }
        let first_line = trimmed.lines().next().unwrap_or("");
        if records::is_title_line(first_line.as_bytes()) {
            return Self::Pubtator;
        }
        if iob::looks_like_iob(trimmed) {
            return Self::Iob;
        }
        if name.ends_with(".tsv")
            || (first_line.contains('\t') && first_line.to_ascii_lowercase().contains("pmid"))
        {
            return Self::Tsv;
        }
        if name.ends_with(".pubtator") || name.contains("pubtator") {
            return Self::Pubtator;
        }
        Self::Text
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    /// pubminer JSONL.
    Jsonl,
    /// PubTator.
    Pubtator,
    /// BioC XML.
    BiocXml,
    /// BioC JSON.
    BiocJson,
}

impl OutputFormat {
    /// The format's command-line name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Jsonl => "jsonl",
            Self::Pubtator => "pubtator",
            Self::BiocXml => "bioc-xml",
            Self::BiocJson => "bioc-json",
        }
    }
}

/// How to read.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Force a format instead of detecting it.
    pub format: Option<Format>,
    /// The unit of PubTator and BioC offsets (characters unless the producer used UTF-16).
    pub offset_unit: OffsetUnit,
    /// When an annotation's offsets do not cover its text, move it to the single place in
    /// its passage where the text occurs (reported as `annotation.offset_repaired`),
    /// instead of dropping it (reported as `annotation.text_mismatch`).
    pub repair_offsets: bool,
    /// Records larger than this are refused.
    pub max_record_bytes: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            format: None,
            offset_unit: OffsetUnit::Char,
            repair_offsets: false,
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
        }
    }
}

/// A stream of pending records from one input.
pub struct Records {
    inner: Box<dyn Iterator<Item = ReadResult<Pending>> + Send>,
    /// The detected (or forced) format.
    pub format: Format,
    /// Raw bytes consumed so far, for progress bars.
    pub progress: Progress,
    /// Size of the raw input, when known.
    pub raw_len: Option<u64>,
    /// Where records come from.
    pub context: Arc<Context>,
}

impl Iterator for Records {
    type Item = ReadResult<Pending>;

    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next()
    }
}

impl Records {
    /// Parses sequentially, yielding documents (one record may yield several).
    pub fn documents(self) -> impl Iterator<Item = ReadResult<Document>> {
        self.flat_map(|pending| {
            let result = pending.and_then(Pending::run);
            let items: Vec<ReadResult<Document>> = match result {
                Ok(docs) => docs.into_iter().map(Ok).collect(),
                Err(e) => vec![Err(e)],
            };
            items
        })
    }
}

/// Opens `path` (`-` for standard input) and prepares its records.
///
/// # Errors
/// When the file cannot be opened, or its start cannot be read.
pub fn open(path: &Path, options: &ReadOptions) -> ReadResult<Records> {
    let file = path.display().to_string();
    let location = Location {
        file: Some(file.clone()),
        ..Location::default()
    };
    let opened = input::open(path)
        .map_err(|e| ReadError::fatal(location, ReadErrorKind::Io, e.to_string()))?;
    from_reader(
        file,
        opened.reader,
        opened.progress,
        opened.raw_len,
        options,
    )
}

/// Reads records from bytes already in memory (tests, fuzzing, network responses).
/// `name` is used in error locations and for format detection; gzip is detected.
///
/// # Errors
/// When the start of the stream cannot be read.
pub fn from_bytes(name: &str, bytes: Vec<u8>, options: &ReadOptions) -> ReadResult<Records> {
    let raw_len = Some(bytes.len() as u64);
    let reader: Box<dyn Read + Send> = if bytes.starts_with(&[0x1f, 0x8b]) {
        Box::new(flate2::read::MultiGzDecoder::new(std::io::Cursor::new(
            bytes,
        )))
    } else {
        Box::new(std::io::Cursor::new(bytes))
    };
    from_reader(
        name.to_owned(),
        reader,
        Progress::default(),
        raw_len,
        options,
    )
}

fn from_reader(
    file: String,
    reader: Box<dyn Read + Send>,
    progress: Progress,
    raw_len: Option<u64>,
    options: &ReadOptions,
) -> ReadResult<Records> {
    let location = Location {
        file: Some(file.clone()),
        ..Location::default()
    };
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let format = match options.format {
        Some(f) => f,
        None => {
            let head = reader
                .fill_buf()
                .map_err(|e| ReadError::from_io(location, &e))?;
            Format::detect(Path::new(&file), head)
        }
    };
    let context = Arc::new(Context {
        file,
        format,
        options: options.clone(),
    });
    let stream: Box<dyn Read + Send> = Box::new(reader);
    let inner: Box<dyn Iterator<Item = ReadResult<Pending>> + Send> = match format {
        Format::Pubmed => Box::new(records::XmlSplitter::new(
            input::StreamBuffer::new(stream),
            Arc::clone(&context),
            pubmed::RECORD_ELEMENTS,
            pubmed::ROOT_ELEMENT,
        )),
        Format::BiocXml => Box::new(records::XmlSplitter::new(
            input::StreamBuffer::new(stream),
            Arc::clone(&context),
            bioc::RECORD_ELEMENTS,
            bioc::ROOT_ELEMENT,
        )),
        Format::Pubtator => Box::new(records::LineSplitter::new(
            input::StreamBuffer::new(stream),
            Arc::clone(&context),
            true,
        )),
        Format::Jsonl => Box::new(records::LineSplitter::new(
            input::StreamBuffer::new(stream),
            Arc::clone(&context),
            false,
        )),
        Format::BiocJson => Box::new(bioc::JsonSplitter::new(stream, Arc::clone(&context))),
        Format::Tsv => Box::new(tsv::TsvReader::new(stream, Arc::clone(&context))),
        Format::Iob => Box::new(iob::IobSplitter::new(
            input::StreamBuffer::new(stream),
            Arc::clone(&context),
        )),
        Format::Text => {
            let result = text::read(stream, &context).map(|d| vec![d]);
            Box::new(std::iter::once(match result {
                Ok(docs) => Ok(Pending::ready(1, Ok(docs))),
                Err(e) => Err(e),
            }))
        }
    };
    Ok(Records {
        inner,
        format,
        progress,
        raw_len,
        context,
    })
}

/// Parses one raw record of the context's format.
pub(crate) fn parse_record(raw: &RawRecord, context: &Context) -> ReadResult<Vec<Document>> {
    match context.format {
        Format::Pubmed => pubmed::parse(raw, context),
        Format::Pubtator => pubtator::parse(raw, context),
        Format::BiocXml => bioc::parse_xml(raw, context),
        Format::BiocJson => bioc::parse_json(raw, context),
        Format::Jsonl => jsonl::parse(raw, context),
        Format::Iob => iob::parse(raw, context),
        Format::Tsv | Format::Text => Err(ReadError::record(
            context.record_location(raw, None),
            ReadErrorKind::Format,
            "internal: this format is parsed while it is read",
        )),
    }
}

/// Reads a whole file sequentially into memory (for tests and small inputs).
///
/// # Errors
/// The first read error.
pub fn read_all(path: &Path, options: &ReadOptions) -> ReadResult<Vec<Document>> {
    open(path, options)?.documents().collect()
}
