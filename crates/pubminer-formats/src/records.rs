//! Splitting a byte stream into records before parsing them.
//!
//! Reading is two-phase. A cheap sequential *splitter* cuts the stream into raw records
//! (one `<PubmedArticle>`, one BioC `<document>`, one PubTator block, one JSONL line);
//! parsing a raw record is independent of every other, so callers may parse in parallel
//! and a malformed record costs only itself: the splitter resynchronises at the next record
//! boundary. Memory is bounded by the largest single record.

use std::sync::Arc;

use memchr::memmem;
use pubminer_core::{Document, Location};

use crate::error::{ReadError, ReadErrorKind, ReadResult};
use crate::input::{StreamBuffer, line_of};
use crate::{Format, ReadOptions};

/// One unparsed record.
#[derive(Clone, Debug)]
pub struct RawRecord {
    /// The record's bytes.
    pub bytes: Vec<u8>,
    /// 1-based ordinal of the record in its file.
    pub ordinal: u64,
    /// Byte offset of the record's first byte in the decompressed stream.
    pub offset: u64,
    /// 1-based line of the record's first byte.
    pub line: u64,
}

/// What a parser needs to know about where a record came from.
#[derive(Clone, Debug)]
pub struct Context {
    /// The input file as the user named it.
    pub file: String,
    /// The input's format.
    pub format: Format,
    /// Reading options.
    pub options: ReadOptions,
}

impl Context {
    /// A location in this file.
    #[must_use]
    pub fn location(&self) -> Location {
        Location {
            file: Some(self.file.clone()),
            ..Location::default()
        }
    }

    /// A location for a record, with its id when known (an empty id is no id).
    #[must_use]
    pub fn record_location(&self, raw: &RawRecord, id: Option<&str>) -> Location {
        Location {
            file: Some(self.file.clone()),
            record: Some(match id.filter(|id| !id.is_empty()) {
                Some(id) => format!("record #{} ({id})", raw.ordinal),
                None => format!("record #{}", raw.ordinal),
            }),
            line: Some(raw.line),
            byte: Some(raw.offset),
        }
    }

    /// A location at `byte` inside a record.
    #[must_use]
    pub fn location_in(&self, raw: &RawRecord, id: Option<&str>, byte: usize) -> Location {
        Location {
            line: Some(line_of(&raw.bytes, byte, raw.line)),
            byte: Some(raw.offset + byte as u64),
            ..self.record_location(raw, id)
        }
    }

    /// The record's bytes as UTF-8, or an error at the first invalid byte.
    pub(crate) fn utf8<'r>(&self, raw: &'r RawRecord) -> ReadResult<&'r str> {
        std::str::from_utf8(&raw.bytes).map_err(|err| {
            let at = err.valid_up_to();
            ReadError::record(
                self.location_in(raw, None, at),
                ReadErrorKind::Utf8,
                format!(
                    "invalid UTF-8 (byte 0x{:02x}); pubminer reads UTF-8 only",
                    raw.bytes[at]
                ),
            )
        })
    }
}

/// True for a PubTator `PMID|t|...` line: where the line splitter starts a block, and what
/// format detection looks for.
pub(crate) fn is_title_line(line: &[u8]) -> bool {
    let Some(bar) = memchr::memchr(b'|', line) else {
        return false;
    };
    bar > 0 && line[bar + 1..].starts_with(b"t|") && !line[..bar].contains(&b'\t')
}

/// A record waiting to be parsed. Parsing is pure, so pending records may be parsed on any
/// thread; results keep their `ordinal` so output order can be restored.
pub struct Pending {
    /// 1-based ordinal of the record in its file.
    pub ordinal: u64,
    job: Job,
}

enum Job {
    Parse {
        raw: RawRecord,
        context: Arc<Context>,
    },
    Ready(ReadResult<Vec<Document>>),
}

impl Pending {
    pub(crate) fn parse(raw: RawRecord, context: Arc<Context>) -> Self {
        Self {
            ordinal: raw.ordinal,
            job: Job::Parse { raw, context },
        }
    }

    pub(crate) fn ready(ordinal: u64, result: ReadResult<Vec<Document>>) -> Self {
        Self {
            ordinal,
            job: Job::Ready(result),
        }
    }

    /// Parses the record into documents (several for a `DeleteCitation`).
    ///
    /// # Errors
    /// A [`ReadError`] locating the problem when the record is malformed.
    pub fn run(self) -> ReadResult<Vec<Document>> {
        match self.job {
            Job::Ready(result) => result,
            Job::Parse { raw, context } => crate::parse_record(&raw, &context),
        }
    }
}

/// Default upper bound on one record's size: 32 MiB. The largest PubMed record is tens of
/// kilobytes and the largest PMC full-text article a few megabytes; a record over this is
/// refused while it is read (memory stays near the limit) and skipped, and the file read on.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 32 << 20;

/// Cuts an XML stream into the elements named `names` (e.g. `PubmedArticle`,
/// `DeleteCitation`), which must not nest. Text between records (the root element, DOCTYPE,
/// whitespace) is skipped; the first 1 MiB of it is kept as the prologue.
pub(crate) struct XmlSplitter {
    buf: StreamBuffer,
    context: Arc<Context>,
    starts: Vec<(memmem::Finder<'static>, &'static str)>,
    ends: Vec<memmem::Finder<'static>>,
    root: &'static str,
    ordinal: u64,
    done: bool,
    prologue: Vec<u8>,
    total_seen: u64,
}

const PROLOGUE_LIMIT: usize = 1 << 20;

impl XmlSplitter {
    pub(crate) fn new(
        buf: StreamBuffer,
        context: Arc<Context>,
        names: &'static [&'static str],
        root: &'static str,
    ) -> Self {
        let starts = names
            .iter()
            .map(|n| {
                (
                    memmem::Finder::new(format!("<{n}").as_bytes()).into_owned(),
                    *n,
                )
            })
            .collect();
        let ends = names
            .iter()
            .map(|n| memmem::Finder::new(format!("</{n}>").as_bytes()).into_owned())
            .collect();
        Self {
            buf,
            context,
            starts,
            ends,
            root,
            ordinal: 0,
            done: false,
            prologue: Vec::new(),
            total_seen: 0,
        }
    }

    /// Finds the earliest start tag of any record element in `data`: `(position, index)`.
    fn find_start(&self, data: &[u8]) -> Option<(usize, usize)> {
        let mut best: Option<(usize, usize)> = None;
        for (index, (finder, name)) in self.starts.iter().enumerate() {
            let limit = best.map_or(data.len(), |(p, _)| p);
            let mut from = 0;
            while let Some(p) = finder.find(&data[from..limit]) {
                let at = from + p;
                match data.get(at + 1 + name.len()) {
                    Some(b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/') => {
                        best = Some((at, index));
                        break;
                    }
                    // A longer name (`<PubmedArticleSet`): keep looking.
                    Some(_) => from = at + 1,
                    // Cannot tell yet: treat as a start so the caller reads more.
                    None => {
                        best = Some((at, index));
                        break;
                    }
                }
            }
        }
        best
    }

    fn error_here(&self, kind: ReadErrorKind, message: String, fatal: bool) -> ReadError {
        let location = Location {
            line: Some(self.buf.line()),
            byte: Some(self.buf.offset()),
            ..self.context.location()
        };
        if fatal {
            ReadError::fatal(location, kind, message)
        } else {
            ReadError::record(location, kind, message)
        }
    }

    fn io_error(&self, err: &std::io::Error) -> ReadError {
        ReadError::from_io(
            Location {
                line: Some(self.buf.line()),
                byte: Some(self.buf.offset() + self.buf.data().len() as u64),
                ..self.context.location()
            },
            err,
        )
    }

    fn finish_without_records(&mut self) -> Option<ReadResult<RawRecord>> {
        self.done = true;
        if self.ordinal > 0 {
            return None;
        }
        if self.total_seen == 0 {
            return Some(Err(self.error_here(
                ReadErrorKind::Empty,
                "file is empty".into(),
                true,
            )));
        }
        let root_tag = format!("<{}", self.root);
        if memmem::find(&self.prologue, root_tag.as_bytes()).is_some() {
            return None; // a well-formed file with no records
        }
        let names: Vec<String> = self.starts.iter().map(|(_, n)| format!("<{n}>")).collect();
        Some(Err(self.error_here(
            ReadErrorKind::Format,
            format!(
                "no {} records and no <{}> root element found; is this really {}?",
                names.join(", "),
                self.root,
                self.context.format.name()
            ),
            true,
        )))
    }

    fn next_record(&mut self) -> Option<ReadResult<RawRecord>> {
        if self.done {
            return None;
        }
        // 1. Find the next start tag, skipping (and remembering) what lies before it.
        let (index, name) = loop {
            let data = self.buf.data();
            if let Some((pos, index)) = self.find_start(data) {
                let tag_complete = data.len() > pos + 1 + self.starts[index].1.len();
                if tag_complete || self.buf.is_eof() {
                    self.keep_prologue(pos);
                    self.buf.skip(pos);
                    break (index, self.starts[index].1);
                }
            } else {
                // Keep a tail in case a start tag straddles the chunk boundary.
                let keep = data.len().min(64);
                let skip = data.len() - keep;
                self.keep_prologue(skip);
                self.buf.skip(skip);
            }
            match self.buf.fill() {
                Ok(true) => self.total_seen = self.total_seen.max(1),
                Ok(false) => {
                    let rest = self.buf.data().len();
                    self.keep_prologue(rest);
                    self.buf.skip(rest);
                    return self.finish_without_records();
                }
                Err(err) => {
                    self.done = true;
                    return Some(Err(self.io_error(&err)));
                }
            }
        };
        // 2. Find its end tag.
        let end_len = name.len() + 3;
        let mut search_from = 1usize;
        loop {
            let data = self.buf.data();
            if let Some(p) = self.ends[index].find(&data[search_from..]) {
                let end = search_from + p + end_len;
                // A record start before our end tag means this record was never closed.
                if let Some((next, _)) = self.find_start(&data[1..end - end_len]) {
                    let cut = next + 1;
                    let record = self.take_record(cut);
                    return Some(Err(ReadError::record(
                        self.context.record_location(&record, None),
                        ReadErrorKind::Xml,
                        format!(
                            "<{name}> is not closed before the next record starts at byte {}",
                            record.offset + cut as u64
                        ),
                    )));
                }
                return Some(Ok(self.take_record(end)));
            }
            search_from = data.len().saturating_sub(end_len).max(1);
            let max = self.context.options.max_record_bytes;
            if data.len() > max {
                // Refused while reading: skip past its end tag, never holding more of it.
                self.ordinal += 1;
                let error = self.error_here(
                    ReadErrorKind::TooLarge,
                    format!(
                        "<{name}> record is larger than {max} bytes and was skipped; raise --max-record-mb if it is genuine"
                    ),
                    false,
                );
                return Some(match self.skip_past_end(index, end_len) {
                    Ok(true) => Err(error),
                    Ok(false) => {
                        self.done = true;
                        Err(ReadError {
                            fatal: true,
                            ..error
                        })
                    }
                    Err(err) => {
                        self.done = true;
                        Err(self.io_error(&err))
                    }
                });
            }
            match self.buf.fill() {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    return Some(Err(self.error_here(
                        ReadErrorKind::Xml,
                        format!(
                            "file ends inside <{name}> (the file is truncated; {} bytes of the record were read)",
                            self.buf.data().len()
                        ),
                        true,
                    )));
                }
                Err(err) => {
                    self.done = true;
                    return Some(Err(self.io_error(&err)));
                }
            }
        }
    }

    /// Discards the stream up to and including the next end tag of record element `index`;
    /// `Ok(false)` when the stream ends first.
    fn skip_past_end(&mut self, index: usize, end_len: usize) -> std::io::Result<bool> {
        loop {
            let data = self.buf.data();
            if let Some(p) = self.ends[index].find(data) {
                self.buf.skip(p + end_len);
                return Ok(true);
            }
            // Keep a tail in case the end tag straddles the chunk boundary.
            let n = data.len().saturating_sub(end_len);
            self.buf.skip(n);
            if !self.buf.fill()? {
                return Ok(false);
            }
        }
    }

    fn keep_prologue(&mut self, n: usize) {
        if self.ordinal == 0 && self.prologue.len() < PROLOGUE_LIMIT {
            let take = n.min(PROLOGUE_LIMIT - self.prologue.len());
            self.prologue.extend_from_slice(&self.buf.data()[..take]);
        }
    }

    fn take_record(&mut self, n: usize) -> RawRecord {
        self.ordinal += 1;
        let offset = self.buf.offset();
        let line = self.buf.line();
        RawRecord {
            bytes: self.buf.take(n),
            ordinal: self.ordinal,
            offset,
            line,
        }
    }
}

impl Iterator for XmlSplitter {
    type Item = ReadResult<Pending>;

    fn next(&mut self) -> Option<Self::Item> {
        let record = self.next_record()?;
        Some(record.map(|raw| Pending::parse(raw, Arc::clone(&self.context))))
    }
}

/// Cuts a line-oriented stream into records: single lines (JSONL) or blocks separated by
/// blank lines (PubTator).
pub(crate) struct LineSplitter {
    buf: StreamBuffer,
    context: Arc<Context>,
    blocks: bool,
    ordinal: u64,
    done: bool,
    seen_bytes: bool,
}

impl LineSplitter {
    pub(crate) fn new(buf: StreamBuffer, context: Arc<Context>, blocks: bool) -> Self {
        Self {
            buf,
            context,
            blocks,
            ordinal: 0,
            done: false,
            seen_bytes: false,
        }
    }

    /// Length of the next line including its `\n`, if a whole line is buffered.
    fn line_len(data: &[u8], from: usize) -> Option<usize> {
        memchr::memchr(b'\n', &data[from..]).map(|p| p + 1)
    }

    fn is_blank(line: &[u8]) -> bool {
        line.iter().all(u8::is_ascii_whitespace)
    }

    /// Scans buffered data for a complete record: `(skip, len)` where `skip` blank bytes
    /// precede a record of `len` bytes. `None` when more data is needed.
    fn find_record(&self, data: &[u8], at_eof: bool) -> Option<(usize, usize)> {
        let mut pos = 0;
        // Skip blank lines.
        loop {
            match Self::line_len(data, pos) {
                Some(n) if Self::is_blank(&data[pos..pos + n]) => pos += n,
                Some(_) => break,
                None if at_eof && Self::is_blank(&data[pos..]) => return Some((data.len(), 0)),
                None if at_eof => break,
                None => return None,
            }
        }
        let start = pos;
        if !self.blocks {
            return match Self::line_len(data, pos) {
                Some(n) => Some((start, n)),
                None if at_eof => Some((start, data.len() - start)),
                None => None,
            };
        }
        let mut lines = 0usize;
        loop {
            match Self::line_len(data, pos) {
                Some(n) => {
                    let line = &data[pos..pos + n];
                    if Self::is_blank(line) {
                        return Some((start, pos - start));
                    }
                    // A new title line without a blank line before it starts a new record.
                    if lines > 0 && is_title_line(line) {
                        return Some((start, pos - start));
                    }
                    lines += 1;
                    pos += n;
                }
                None if at_eof => return Some((start, data.len() - start)),
                None => return None,
            }
        }
    }
}

impl LineSplitter {
    /// Discards the record that starts the buffer: its line (JSONL) or its lines up to the
    /// next blank line (PubTator), reading on as needed.
    fn skip_record(&mut self) -> std::io::Result<()> {
        // True while the buffer starts in the middle of a line already partly skipped.
        let mut mid_line = false;
        loop {
            while let Some(n) = Self::line_len(self.buf.data(), 0) {
                let blank = !mid_line && Self::is_blank(&self.buf.data()[..n]);
                self.buf.skip(n);
                mid_line = false;
                if !self.blocks || blank {
                    return Ok(());
                }
            }
            let rest = self.buf.data().len();
            if rest > 0 {
                self.buf.skip(rest);
                mid_line = true;
            }
            if !self.buf.fill()? {
                return Ok(());
            }
        }
    }
}

impl Iterator for LineSplitter {
    type Item = ReadResult<Pending>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        loop {
            let at_eof = self.buf.is_eof();
            if let Some((skip, len)) = self.find_record(self.buf.data(), at_eof) {
                self.buf.skip(skip);
                if len == 0 {
                    self.done = true;
                    break;
                }
                self.ordinal += 1;
                let raw = RawRecord {
                    offset: self.buf.offset(),
                    line: self.buf.line(),
                    ordinal: self.ordinal,
                    bytes: self.buf.take(len),
                };
                return Some(Ok(Pending::parse(raw, Arc::clone(&self.context))));
            }
            if self.buf.data().len() > self.context.options.max_record_bytes {
                // Refused while reading: skip to the next record, never holding more of it.
                while let Some(n) = Self::line_len(self.buf.data(), 0)
                    .filter(|&n| Self::is_blank(&self.buf.data()[..n]))
                {
                    self.buf.skip(n);
                }
                self.ordinal += 1;
                let location = Location {
                    line: Some(self.buf.line()),
                    byte: Some(self.buf.offset()),
                    record: Some(format!("record #{}", self.ordinal)),
                    ..self.context.location()
                };
                let message = format!(
                    "record is larger than {} bytes and was skipped; raise --max-record-mb if it is genuine",
                    self.context.options.max_record_bytes
                );
                return Some(match self.skip_record() {
                    Ok(()) => Err(ReadError::record(
                        location,
                        ReadErrorKind::TooLarge,
                        message,
                    )),
                    Err(err) => {
                        self.done = true;
                        Err(ReadError::from_io(location, &err))
                    }
                });
            }
            match self.buf.fill() {
                Ok(true) => self.seen_bytes = true,
                Ok(false) => {}
                Err(err) => {
                    self.done = true;
                    return Some(Err(ReadError::from_io(
                        Location {
                            line: Some(self.buf.line()),
                            byte: Some(self.buf.offset() + self.buf.data().len() as u64),
                            ..self.context.location()
                        },
                        &err,
                    )));
                }
            }
        }
        if !self.seen_bytes {
            return Some(Err(ReadError::fatal(
                self.context.location(),
                ReadErrorKind::Empty,
                "file is empty",
            )));
        }
        None
    }
}
