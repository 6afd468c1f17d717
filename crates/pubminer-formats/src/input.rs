//! Opening inputs: files or standard input, gzip detected by its magic bytes, with a byte
//! counter for progress bars, and a growable window over the decompressed stream that the
//! record splitters share.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use flate2::read::MultiGzDecoder;

/// Counts the bytes read from the raw (possibly compressed) input, for progress reporting.
#[derive(Clone, Debug, Default)]
pub struct Progress(Arc<AtomicU64>);

impl Progress {
    /// Bytes of the raw input consumed so far.
    #[must_use]
    pub fn bytes(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

struct CountingReader<R> {
    inner: R,
    progress: Progress,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.0.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// An opened input: the decompressed byte stream and facts about the raw file.
pub struct Input {
    /// The decompressed stream.
    pub reader: Box<dyn Read + Send>,
    /// Size of the raw file in bytes, when known (not for stdin).
    pub raw_len: Option<u64>,
    /// Raw bytes consumed so far.
    pub progress: Progress,
    /// Whether the raw input was gzip-compressed.
    pub gzip: bool,
}

/// Opens `path` (or standard input for `-`), decompressing gzip transparently.
///
/// # Errors
/// When the file cannot be opened or read.
pub fn open(path: &Path) -> io::Result<Input> {
    let (raw, raw_len): (Box<dyn Read + Send>, Option<u64>) = if path.as_os_str() == "-" {
        (Box::new(io::stdin()), None)
    } else {
        let file = File::open(path)?;
        let len = file.metadata().ok().map(|m| m.len());
        (Box::new(file), len)
    };
    let progress = Progress::default();
    let mut buffered = BufReader::with_capacity(
        1 << 16,
        CountingReader {
            inner: raw,
            progress: progress.clone(),
        },
    );
    let gzip = {
        use std::io::BufRead;
        let head = buffered.fill_buf()?;
        head.starts_with(&[0x1f, 0x8b])
    };
    let reader: Box<dyn Read + Send> = if gzip {
        Box::new(MultiGzDecoder::new(buffered))
    } else {
        Box::new(buffered)
    };
    Ok(Input {
        reader,
        raw_len,
        progress,
        gzip,
    })
}

/// A window over a byte stream that grows on demand and forgets what was consumed.
/// Tracks the absolute byte offset and line number of the first unconsumed byte.
pub(crate) struct StreamBuffer {
    reader: Box<dyn Read + Send>,
    buf: Vec<u8>,
    /// First unconsumed byte in `buf`.
    start: usize,
    /// Absolute offset of `buf[start]`.
    offset: u64,
    /// 1-based line number of `buf[start]`.
    line: u64,
    eof: bool,
}

const CHUNK: usize = 1 << 20;

impl StreamBuffer {
    pub(crate) fn new(reader: Box<dyn Read + Send>) -> Self {
        Self {
            reader,
            buf: Vec::with_capacity(CHUNK),
            start: 0,
            offset: 0,
            line: 1,
            eof: false,
        }
    }

    /// The unconsumed bytes currently in memory.
    pub(crate) fn data(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    pub(crate) fn offset(&self) -> u64 {
        self.offset
    }

    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    pub(crate) fn is_eof(&self) -> bool {
        self.eof
    }

    /// Reads another chunk. Returns `Ok(false)` at end of stream.
    pub(crate) fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.start > 0 && self.start >= self.buf.len() / 2 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        let old_len = self.buf.len();
        // Grow by a chunk, not by doubling: a buffer at the record size limit stays near it.
        self.buf.reserve_exact(CHUNK);
        self.buf.resize(old_len + CHUNK, 0);
        let result = loop {
            match self.reader.read(&mut self.buf[old_len..]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                other => break other,
            }
        };
        match result {
            Ok(0) => {
                self.buf.truncate(old_len);
                self.eof = true;
                Ok(false)
            }
            Ok(n) => {
                self.buf.truncate(old_len + n);
                Ok(true)
            }
            Err(e) => {
                self.buf.truncate(old_len);
                self.eof = true;
                Err(e)
            }
        }
    }

    /// Marks `n` bytes as consumed and returns them.
    pub(crate) fn take(&mut self, n: usize) -> Vec<u8> {
        let bytes = self.buf[self.start..self.start + n].to_vec();
        self.skip(n);
        bytes
    }

    /// Marks `n` bytes as consumed.
    pub(crate) fn skip(&mut self, n: usize) {
        let consumed = &self.buf[self.start..self.start + n];
        self.line += count_newlines(consumed);
        self.offset += n as u64;
        self.start += n;
    }
}

/// Number of `\n` bytes in `bytes`.
pub(crate) fn count_newlines(bytes: &[u8]) -> u64 {
    // A plain loop autovectorises; memchr_iter is slower for dense newlines.
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// Line (1-based) and column (1-based, in bytes) of `byte` within `text` that starts at
/// `base_line`.
pub(crate) fn line_of(text: &[u8], byte: usize, base_line: u64) -> u64 {
    base_line + count_newlines(&text[..byte.min(text.len())])
}
