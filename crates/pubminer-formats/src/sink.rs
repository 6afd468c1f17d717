//! Writing documents: the encoder of each output format, and the file sink.
//!
//! Encoding a document is independent of every other document, so callers can encode in
//! parallel and only the final `write` of bytes is sequential. The encoder trait and its
//! report live in `encode.rs`, below the format modules that implement it; this module
//! sits above them and picks one per [`OutputFormat`].

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use pubminer_core::Document;

use crate::OutputFormat;
pub use crate::encode::{DocEncoder, EncodeReport};
use crate::error::WriteError;
pub use crate::jsonl::JsonlEncoder;

/// The encoder for a format.
#[must_use]
pub fn encoder(format: OutputFormat) -> Box<dyn DocEncoder> {
    match format {
        OutputFormat::Jsonl => Box::new(JsonlEncoder),
        OutputFormat::Pubtator => Box::new(crate::pubtator::PubtatorEncoder),
        OutputFormat::BiocXml => Box::new(crate::bioc::BiocXmlEncoder::default()),
        OutputFormat::BiocJson => Box::new(crate::bioc::BiocJsonEncoder::default()),
    }
}

enum Output {
    Stdout(BufWriter<io::Stdout>),
    File(BufWriter<File>),
    Gzip(Box<GzEncoder<BufWriter<File>>>),
}

impl Output {
    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Self::Stdout(w) => w,
            Self::File(w) => w,
            Self::Gzip(w) => &mut **w,
        }
    }

    fn finish(self) -> io::Result<()> {
        match self {
            Self::Stdout(mut w) => w.flush(),
            Self::File(mut w) => w.flush(),
            Self::Gzip(w) => w.finish()?.flush(),
        }
    }
}

/// Writes encoded documents to a file (atomically: to `FILE.partial`, renamed on
/// [`DocWriter::finish`]) or to standard output for `-`. A `.gz` suffix compresses. No
/// `FILE.partial` outlives a writer that did not finish: it is removed when the writer is
/// dropped unfinished or the rename fails.
pub struct DocWriter {
    out: Option<Output>,
    encoder: Box<dyn DocEncoder>,
    display: String,
    paths: Option<(PathBuf, PathBuf)>,
    documents: u64,
    report: EncodeReport,
    scratch: Vec<u8>,
}

impl DocWriter {
    /// Creates the output.
    ///
    /// # Errors
    /// When `path` is a directory (refused before anything is written, with
    /// [`io::ErrorKind::IsADirectory`]), or the file cannot be created.
    pub fn create(path: &Path, format: OutputFormat) -> Result<Self, WriteError> {
        let display = path.display().to_string();
        let io_err = |source| WriteError::Io {
            path: display.clone(),
            source,
        };
        if path.is_dir() {
            return Err(io_err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "it is a directory; name a file",
            )));
        }
        let (out, paths) = if path.as_os_str() == "-" {
            (Output::Stdout(BufWriter::new(io::stdout())), None)
        } else {
            let mut partial = path.as_os_str().to_owned();
            partial.push(".partial");
            let partial = PathBuf::from(partial);
            let file = BufWriter::with_capacity(1 << 20, File::create(&partial).map_err(io_err)?);
            let out = if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
            {
                Output::Gzip(Box::new(GzEncoder::new(file, Compression::default())))
            } else {
                Output::File(file)
            };
            (out, Some((partial, path.to_path_buf())))
        };
        let encoder = encoder(format);
        let mut writer = Self {
            out: Some(out),
            encoder,
            display,
            paths,
            documents: 0,
            report: EncodeReport::default(),
            scratch: Vec::with_capacity(1 << 16),
        };
        let header = writer.encoder.header();
        writer.write_bytes(&header)?;
        Ok(writer)
    }

    /// The encoder, for encoding documents on other threads.
    #[must_use]
    pub fn encoder(&self) -> &dyn DocEncoder {
        &*self.encoder
    }

    fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        let out = self.out.as_mut().expect("output is open until finish");
        out.writer()
            .write_all(bytes)
            .map_err(|source| WriteError::Io {
                path: self.display.clone(),
                source,
            })
    }

    /// Writes one already-encoded document.
    ///
    /// # Errors
    /// When the output cannot be written.
    pub fn write_encoded(&mut self, bytes: &[u8], report: EncodeReport) -> Result<(), WriteError> {
        self.report += report;
        if bytes.is_empty() {
            return Ok(());
        }
        if self.documents > 0 {
            let sep = self.encoder.separator();
            self.write_bytes(sep)?;
        }
        self.documents += 1;
        self.write_bytes(bytes)
    }

    /// Encodes and writes one document.
    ///
    /// # Errors
    /// When the output cannot be written.
    pub fn write(&mut self, doc: &Document) -> Result<(), WriteError> {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        let report = self.encoder.encode(doc, &mut scratch);
        let result = self.write_encoded(&scratch, report);
        self.scratch = scratch;
        result
    }

    /// Documents written so far.
    #[must_use]
    pub fn documents(&self) -> u64 {
        self.documents
    }

    /// Writes the footer, flushes, and moves the file into place.
    ///
    /// # Errors
    /// When the output cannot be written or renamed.
    pub fn finish(mut self) -> Result<EncodeReport, WriteError> {
        let footer = self.encoder.footer();
        self.write_bytes(&footer)?;
        let out = self.out.take().expect("output is open until finish");
        out.finish().map_err(|source| WriteError::Io {
            path: self.display.clone(),
            source,
        })?;
        if let Some((partial, path)) = &self.paths {
            // On failure `paths` stays set, so `drop` removes the `.partial`.
            fs::rename(partial, path).map_err(|source| WriteError::Io {
                path: self.display.clone(),
                source,
            })?;
            self.paths = None;
        }
        Ok(self.report)
    }
}

impl Drop for DocWriter {
    fn drop(&mut self) {
        // Not finished (an error or an interrupt): leave no half-written `.partial` behind.
        if let Some((partial, _)) = &self.paths {
            let _ = fs::remove_file(partial);
        }
    }
}
