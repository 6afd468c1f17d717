//! Plain text: the whole file is one document whose id is the file name without extension.

use std::io::Read;
use std::path::Path;

use pubminer_core::{Document, Location, Passage, PassageKind};

use crate::error::{ReadError, ReadErrorKind, ReadResult};
use crate::records::Context;

/// Reads a whole text file as one document.
pub(crate) fn read(mut input: Box<dyn Read + Send>, context: &Context) -> ReadResult<Document> {
    let limit = context.options.max_record_bytes as u64;
    let mut bytes = Vec::new();
    input
        .by_ref()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::from_io(context.location(), &e))?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::fatal(
            context.location(),
            ReadErrorKind::TooLarge,
            format!("text file is larger than {limit} bytes"),
        ));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ReadError::fatal(
            context.location(),
            ReadErrorKind::Empty,
            "file is empty",
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        ReadError::fatal(
            Location {
                byte: Some(at as u64),
                line: Some(1 + e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() as u64),
                ..context.location()
            },
            ReadErrorKind::Utf8,
            "invalid UTF-8; pubminer reads UTF-8 only",
        )
    })?;
    let name = Path::new(&context.file);
    let mut stem = name
        .file_name()
        .map_or_else(|| "text".into(), |s| s.to_string_lossy().into_owned());
    for suffix in [".gz", ".txt", ".text"] {
        if let Some(s) = stem.strip_suffix(suffix) {
            stem = s.to_owned();
        }
    }
    let mut doc = Document::new(stem);
    doc.passages.push(Passage::new(PassageKind::Text, text));
    Ok(doc)
}
