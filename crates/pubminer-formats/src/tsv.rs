//! Tab-separated abstracts, as IHC-LLMiner distributes them: `marker, pmid, url, abstract`.
//! A header row is recognised by its column names (`pmid` plus `abstract` or `text`, in any
//! order, with `marker`, `url` and `title` optional); without one the IHC-LLMiner column
//! order is assumed. Quoted fields (embedded tabs, newlines) are handled by the `csv` crate.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex};

use pubminer_core::{Document, Location, Passage, PassageKind};

use crate::error::{ReadError, ReadErrorKind};
use crate::records::{Context, Pending};

/// Column positions.
#[derive(Clone, Copy, Debug)]
struct Columns {
    marker: Option<usize>,
    pmid: usize,
    url: Option<usize>,
    title: Option<usize>,
    text: usize,
}

const IHC_LLMINER: Columns = Columns {
    marker: Some(0),
    pmid: 1,
    url: Some(2),
    title: None,
    text: 3,
};

fn header_columns(record: &csv::ByteRecord) -> Option<Columns> {
    let names: Vec<String> = record
        .iter()
        .map(|f| String::from_utf8_lossy(f).trim().to_ascii_lowercase())
        .collect();
    let find = |want: &[&str]| names.iter().position(|n| want.contains(&n.as_str()));
    Some(Columns {
        pmid: find(&["pmid", "id", "pubmed_id"])?,
        text: find(&["abstract", "text"])?,
        marker: find(&["marker"]),
        url: find(&["url", "link"]),
        title: find(&["title"]),
    })
}

/// Remembers where newlines were read so a byte offset can be turned into a line number
/// (the `csv` crate's own line count skips newlines inside quoted fields). Offsets are
/// queried in increasing order, so positions before the last query are forgotten.
#[derive(Default)]
struct Lines {
    read: u64,
    newlines: VecDeque<u64>,
    passed: u64,
}

impl Lines {
    fn line_at(&mut self, byte: u64) -> u64 {
        while self.newlines.front().is_some_and(|&p| p < byte) {
            self.newlines.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }
}

struct LineCounting {
    inner: Box<dyn Read + Send>,
    lines: Arc<Mutex<Lines>>,
}

impl Read for LineCounting {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut lines = self.lines.lock().expect("line tracker");
        let base = lines.read;
        for (i, _) in buf[..n].iter().enumerate().filter(|(_, b)| **b == b'\n') {
            lines.newlines.push_back(base + i as u64);
        }
        lines.read += n as u64;
        Ok(n)
    }
}

/// Streams the rows of a TSV file as ready documents.
pub(crate) struct TsvReader {
    reader: csv::Reader<LineCounting>,
    lines: Arc<Mutex<Lines>>,
    context: Arc<Context>,
    columns: Option<Columns>,
    record: csv::ByteRecord,
    ordinal: u64,
    done: bool,
}

impl TsvReader {
    pub(crate) fn new(input: Box<dyn Read + Send>, context: Arc<Context>) -> Self {
        let lines = Arc::new(Mutex::new(Lines::default()));
        let reader = csv::ReaderBuilder::new()
            .delimiter(b'\t')
            .has_headers(false)
            .flexible(true)
            .from_reader(LineCounting {
                inner: input,
                lines: Arc::clone(&lines),
            });
        Self {
            reader,
            lines,
            context,
            columns: None,
            record: csv::ByteRecord::new(),
            ordinal: 0,
            done: false,
        }
    }

    /// Column `i` of the current row as text, if the row has it.
    fn field(&self, i: usize, location: &Location) -> Result<Option<String>, ReadError> {
        match self.record.get(i) {
            None => Ok(None),
            Some(bytes) => std::str::from_utf8(bytes)
                .map(|s| Some(s.to_owned()))
                .map_err(|e| {
                    ReadError::record(
                        location.clone(),
                        ReadErrorKind::Utf8,
                        format!("column {} is not UTF-8: {e}", i + 1),
                    )
                }),
        }
    }

    fn row(&self, columns: Columns, location: Location) -> Result<Document, ReadError> {
        let pmid = self
            .field(columns.pmid, &location)?
            .map(|s| s.trim().to_owned())
            .unwrap_or_default();
        // From here on, errors name the row's PMID.
        let location = if pmid.is_empty() {
            location
        } else {
            Location {
                record: location.record.map(|r| format!("{r} (PMID {pmid})")),
                ..location
            }
        };
        let field = |i: usize| self.field(i, &location);
        let text = field(columns.text)?.ok_or_else(|| {
            ReadError::record(
                location.clone(),
                ReadErrorKind::Format,
                format!(
                    "row has {} columns; the abstract is expected in column {}",
                    self.record.len(),
                    columns.text + 1
                ),
            )
        })?;
        if pmid.is_empty() {
            return Err(ReadError::record(
                location,
                ReadErrorKind::Format,
                "row has an empty PMID",
            ));
        }
        let mut doc = Document::new(pmid.clone());
        if pmid.bytes().all(|b| b.is_ascii_digit()) {
            doc.meta.pmid = Some(pmid);
        }
        let title = columns.title.map(&field).transpose()?.flatten();
        doc.passages
            .push(Passage::new(PassageKind::Title, title.unwrap_or_default()));
        doc.passages.push(Passage::new(PassageKind::Abstract, text));
        for (key, index) in [("marker", columns.marker), ("url", columns.url)] {
            if let Some(value) = index.map(&field).transpose()?.flatten() {
                doc.infons.insert(key.into(), value.into());
            }
        }
        Ok(doc)
    }
}

impl Iterator for TsvReader {
    type Item = Result<Pending, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            let position = self.reader.position().clone();
            let location = Location {
                byte: Some(position.byte()),
                ..self.context.location()
            };
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => {
                    self.done = true;
                    if position.byte() == 0 {
                        return Some(Err(ReadError::fatal(
                            location,
                            ReadErrorKind::Empty,
                            "file is empty",
                        )));
                    }
                    return None;
                }
                Err(err) => {
                    self.done = true;
                    let io = matches!(err.kind(), csv::ErrorKind::Io(_));
                    return Some(Err(if io {
                        let csv::ErrorKind::Io(e) = err.into_kind() else {
                            unreachable!()
                        };
                        ReadError::from_io(location, &e)
                    } else {
                        ReadError::fatal(location, ReadErrorKind::Format, err.to_string())
                    }));
                }
                Ok(true) => {}
            }
            if self
                .record
                .iter()
                .all(|f| f.iter().all(u8::is_ascii_whitespace))
            {
                continue;
            }
            let columns = match self.columns {
                Some(c) => c,
                None => {
                    if let Some(c) = header_columns(&self.record) {
                        self.columns = Some(c);
                        continue;
                    }
                    self.columns = Some(IHC_LLMINER);
                    IHC_LLMINER
                }
            };
            self.ordinal += 1;
            // The record's last byte is on line L; its first on L minus the newlines
            // inside its quoted fields. (csv's own start position includes skipped blank
            // lines, and its line count ignores quoted newlines.)
            let end = self.reader.position().byte();
            let quoted_newlines = self
                .record
                .iter()
                .flatten()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            let last_line = self
                .lines
                .lock()
                .expect("line tracker")
                .line_at(end.saturating_sub(1));
            let line = last_line.saturating_sub(quoted_newlines);
            let start = self
                .record
                .position()
                .map_or(position.byte(), csv::Position::byte);
            let location = Location {
                record: Some(format!("record #{}", self.ordinal)),
                line: Some(line),
                byte: Some(start),
                ..location
            };
            let max = self.context.options.max_record_bytes;
            if self.record.as_slice().len() > max {
                // The csv reader holds a whole row, so this refuses it after reading.
                return Some(Err(ReadError::record(
                    location,
                    ReadErrorKind::TooLarge,
                    format!(
                        "row is larger than {max} bytes and was skipped; raise --max-record-mb if it is genuine"
                    ),
                )));
            }
            let result = self.row(columns, location).map(|d| vec![d]);
            return Some(Ok(Pending::ready(self.ordinal, result)));
        }
    }
}
