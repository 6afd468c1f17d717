//! Token-per-line IOB files (CoNLL style), as the MTL-Bioinformatics-2016 NER corpora
//! (BC2GM, AnatEM, BioNLP13CG) and the NCBI Disease CoNLL release distribute them.
//!
//! - One token per line: `token<TAB>tag`. Without a tab, runs of spaces separate the
//!   columns. With more than two columns (CoNLL-2003's `token POS chunk tag`), the token is
//!   the first column and the tag the last.
//! - Tags are `O`, `B-TYPE`, `I-TYPE`, or `B`/`I` without a type; an untyped tag gets the
//!   entity type [`UNTYPED`] (`Entity`), which an evaluation type mapping can rename.
//! - Blank lines separate sentences. `-DOCSTART-` lines (CoNLL-2003) separate too and are
//!   not sentences.
//!
//! Each sentence becomes one [`Document`] whose id is its 1-based sentence number in the
//! file (`1`, `2`, ...), with one passage of kind [`PassageKind::Text`] holding the tokens
//! joined by single spaces and one gold [`Mention`] per `B`/`I` run. Runs follow conlleval:
//! a mention starts at every `B`, and at an `I` that does not continue a mention of the
//! same type (so an `I` after `O` starts one). A sentence that cannot be read (a line
//! without a tag, an unknown tag, invalid UTF-8) is a record error; it still uses up its
//! number, so the ids of the other sentences do not depend on errors.

use std::sync::Arc;

use pubminer_core::{Document, Location, Mention, Passage, PassageKind, TextRange};

use crate::error::{ReadError, ReadErrorKind, ReadResult};
use crate::input::StreamBuffer;
use crate::records::{Context, Pending, RawRecord};

/// The entity type given to `B`/`I` tags that carry no type.
pub const UNTYPED: &str = "Entity";

/// The `origin` of every mention read from an IOB file.
const ORIGIN: &str = "gold";

/// Lines examined by content detection.
const DETECT_LINES: usize = 20;

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

fn is_docstart(line: &[u8]) -> bool {
    line.trim_ascii_start().starts_with(b"-DOCSTART-")
}

/// A line that separates sentences.
fn is_separator(line: &[u8]) -> bool {
    is_blank(line) || is_docstart(line)
}

/// A parsed tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag<'a> {
    Outside,
    Begin(&'a str),
    Inside(&'a str),
}

fn parse_tag(tag: &str) -> Option<Tag<'_>> {
    match tag {
        "O" => Some(Tag::Outside),
        "B" => Some(Tag::Begin(UNTYPED)),
        "I" => Some(Tag::Inside(UNTYPED)),
        _ => {
            let (prefix, entity_type) = tag.split_at_checked(2)?;
            let valid_type = !entity_type.is_empty() && !entity_type.contains(char::is_whitespace);
            match prefix {
                "B-" if valid_type => Some(Tag::Begin(entity_type)),
                "I-" if valid_type => Some(Tag::Inside(entity_type)),
                _ => None,
            }
        }
    }
}

/// Splits a token line into `(token, tag)`: tab-separated when it has a tab, else
/// space-separated; the token is the first column and the tag the last.
fn split_line(line: &str) -> Option<(&str, &str)> {
    if line.contains('\t') {
        let mut fields = line.split('\t');
        let token = fields.next()?.trim_ascii();
        let tag = fields.next_back()?.trim_ascii();
        Some((token, tag))
    } else {
        let mut fields = line.split_ascii_whitespace();
        let token = fields.next()?;
        let tag = fields.next_back()?;
        Some((token, tag))
    }
}

/// True when the start of a file is unambiguously IOB: every one of its first complete
/// non-empty lines (at least two, at most 20) is `token<TAB>tag` with exactly two
/// tab-separated columns, no spaces, and a tag of the form `O`, `B`, `I`, `B-TYPE` or
/// `I-TYPE`. Space-separated and multi-column files are read only when the format is
/// forced.
pub(crate) fn looks_like_iob(head: &str) -> bool {
    // Only lines known to be complete: the head may end in the middle of one.
    let complete = match head.rfind('\n') {
        Some(end) => &head[..end],
        None => return false,
    };
    let mut seen = 0;
    for line in complete.lines() {
        if is_separator(line.as_bytes()) {
            continue;
        }
        let Some((token, tag)) = line.split_once('\t') else {
            return false;
        };
        let tag = tag.strip_suffix('\r').unwrap_or(tag);
        if token.is_empty()
            || token.contains(' ')
            || tag.contains(['\t', ' '])
            || parse_tag(tag).is_none()
        {
            return false;
        }
        seen += 1;
        if seen == DETECT_LINES {
            break;
        }
    }
    seen >= 2
}

/// Cuts an IOB stream into sentences (blocks of lines between separator lines).
pub(crate) struct IobSplitter {
    buf: StreamBuffer,
    context: Arc<Context>,
    ordinal: u64,
    done: bool,
    seen_bytes: bool,
}

impl IobSplitter {
    pub(crate) fn new(buf: StreamBuffer, context: Arc<Context>) -> Self {
        Self {
            buf,
            context,
            ordinal: 0,
            done: false,
            seen_bytes: false,
        }
    }

    /// Length of the next line including its `\n`, if a whole line is buffered.
    fn line_len(data: &[u8], from: usize) -> Option<usize> {
        memchr::memchr(b'\n', &data[from..]).map(|p| p + 1)
    }

    /// Scans buffered data for a complete sentence: `(skip, len)` where `skip` separator
    /// bytes precede a sentence of `len` bytes; `len == 0` at the end of the input.
    /// `None` when more data is needed.
    fn find_record(data: &[u8], at_eof: bool) -> Option<(usize, usize)> {
        let mut pos = 0;
        loop {
            match Self::line_len(data, pos) {
                Some(n) if is_separator(&data[pos..pos + n]) => pos += n,
                Some(_) => break,
                None if at_eof && is_separator(&data[pos..]) => return Some((data.len(), 0)),
                None if at_eof => break,
                None => return None,
            }
        }
        let start = pos;
        loop {
            match Self::line_len(data, pos) {
                Some(n) if is_separator(&data[pos..pos + n]) => return Some((start, pos - start)),
                Some(n) => pos += n,
                None if at_eof => return Some((start, data.len() - start)),
                None => return None,
            }
        }
    }

    fn here(&self) -> Location {
        Location {
            line: Some(self.buf.line()),
            byte: Some(self.buf.offset()),
            ..self.context.location()
        }
    }
}

impl Iterator for IobSplitter {
    type Item = ReadResult<Pending>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        loop {
            let at_eof = self.buf.is_eof();
            if let Some((skip, len)) = Self::find_record(self.buf.data(), at_eof) {
                self.buf.skip(skip);
                if len == 0 {
                    self.done = true;
                    break;
                }
                self.ordinal += 1;
                let max = self.context.options.max_record_bytes;
                if len > max {
                    // The sentence's end is known: refuse only this one.
                    let location = Location {
                        record: Some(format!("record #{}", self.ordinal)),
                        ..self.here()
                    };
                    self.buf.skip(len);
                    return Some(Err(ReadError::record(
                        location,
                        ReadErrorKind::TooLarge,
                        format!(
                            "IOB sentence of {len} bytes is larger than {max} bytes; raise --max-record-mb if it is genuine"
                        ),
                    )));
                }
                let raw = RawRecord {
                    offset: self.buf.offset(),
                    line: self.buf.line(),
                    ordinal: self.ordinal,
                    bytes: self.buf.take(len),
                };
                return Some(Ok(Pending::parse(raw, Arc::clone(&self.context))));
            }
            let max = self.context.options.max_record_bytes;
            if self.buf.data().len() > max {
                self.done = true;
                return Some(Err(ReadError::fatal(
                    self.here(),
                    ReadErrorKind::TooLarge,
                    format!(
                        "IOB sentence is larger than {max} bytes (no blank line); raise --max-record-mb if it is genuine"
                    ),
                )));
            }
            match self.buf.fill() {
                Ok(true) => self.seen_bytes = true,
                Ok(false) => {}
                Err(err) => {
                    self.done = true;
                    let location = Location {
                        byte: Some(self.buf.offset() + self.buf.data().len() as u64),
                        ..self.here()
                    };
                    return Some(Err(ReadError::from_io(location, &err)));
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

/// A mention being built: its type and byte range in the sentence text.
struct Open<'a> {
    entity_type: &'a str,
    start: usize,
    end: usize,
}

/// Parses one sentence into a document.
pub(crate) fn parse(raw: &RawRecord, context: &Context) -> ReadResult<Vec<Document>> {
    let input = context.utf8(raw)?;
    let mut text = String::with_capacity(input.len());
    let mut spans: Vec<Open<'_>> = Vec::new();
    let mut open: Option<Open<'_>> = None;
    let mut line_start = 0usize;
    for line in input.split_inclusive('\n') {
        let at = line_start;
        line_start += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if is_blank(content.as_bytes()) {
            continue;
        }
        let error = |message: String| {
            ReadError::record(
                context.location_in(raw, None, at),
                ReadErrorKind::Format,
                message,
            )
        };
        let (token, tag) = split_line(content)
            .filter(|(token, _)| !token.is_empty())
            .ok_or_else(|| {
                error(format!(
                    "line {content:?} is not `token<TAB>tag` (a token and a tag are required)"
                ))
            })?;
        let tag = parse_tag(tag).ok_or_else(|| {
            error(format!(
                "unknown IOB tag {tag:?} for token {token:?}; expected O, B, I, B-TYPE or I-TYPE"
            ))
        })?;
        if !text.is_empty() {
            text.push(' ');
        }
        let start = text.len();
        text.push_str(token);
        let end = text.len();
        match tag {
            Tag::Outside => spans.extend(open.take()),
            Tag::Inside(entity_type)
                if open.as_ref().is_some_and(|o| o.entity_type == entity_type) =>
            {
                if let Some(o) = open.as_mut() {
                    o.end = end;
                }
            }
            Tag::Begin(entity_type) | Tag::Inside(entity_type) => {
                spans.extend(open.replace(Open {
                    entity_type,
                    start,
                    end,
                }));
            }
        }
    }
    spans.extend(open.take());
    let mut doc = Document::new(raw.ordinal.to_string());
    let mut mentions = Vec::with_capacity(spans.len());
    for span in spans {
        let range = TextRange::try_new(span.start, span.end).ok_or_else(|| {
            ReadError::record(
                context.record_location(raw, None),
                ReadErrorKind::TooLarge,
                "sentence text is longer than 4 GiB",
            )
        })?;
        mentions.push(Mention {
            passage: 0,
            range,
            text: text[span.start..span.end].to_owned(),
            entity_type: span.entity_type.to_owned(),
            origin: ORIGIN.to_owned(),
            ..Mention::default()
        });
    }
    doc.passages.push(Passage::new(PassageKind::Text, text));
    doc.mentions = mentions;
    Ok(vec![doc])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        assert_eq!(parse_tag("O"), Some(Tag::Outside));
        assert_eq!(parse_tag("B"), Some(Tag::Begin(UNTYPED)));
        assert_eq!(parse_tag("I-GENE"), Some(Tag::Inside("GENE")));
        assert_eq!(
            parse_tag("B-Multi-tissue_structure"),
            Some(Tag::Begin("Multi-tissue_structure"))
        );
        for bad in ["", "B-", "X", "o", "E-Gene", "S", "BGENE", "B-a b", "é"] {
            assert_eq!(parse_tag(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn detection() {
        assert!(looks_like_iob("The\tO\nTGF\tB-Gene\n-\tI-Gene\n"));
        assert!(looks_like_iob("a\tO\r\n\r\nb\tB\r\n"));
        assert!(!looks_like_iob("a\tO\n"), "one line is not enough");
        assert!(
            !looks_like_iob("a\tO\nb\tB-"),
            "the incomplete last line is ignored"
        );
        assert!(!looks_like_iob("marker\tpmid\turl\tabstract\nx\t1\tu\tt\n"));
        assert!(
            !looks_like_iob("a O\nb B-Gene\n"),
            "spaces only when forced"
        );
        assert!(
            !looks_like_iob("a\tPOS\tO\nb\tPOS\tO\n"),
            "extra columns only when forced"
        );
        assert!(!looks_like_iob("a\tO\nsome text\tO\n"));
    }
}
