//! BioC JSON reading: a streaming walk over the collection (BioC's `documents`, PubTator3's
//! `PubTator3`, a bare array or one document) on its own thread, handing each document on
//! as a raw record, so memory is bounded by the largest document, not the file.

use std::io::{BufReader, Read};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use pubminer_core::{Document, Location};
use serde::Deserializer;
use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::convert::to_document;
use super::model::BiocDocument;
use crate::error::{ReadError, ReadErrorKind, ReadResult};
use crate::records::{Context, Pending, RawRecord};

/// Byte and line counters behind serde_json, which reads one byte at a time.
struct CountingBytes<R> {
    inner: R,
    bytes: Arc<std::sync::atomic::AtomicU64>,
    lines: Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for CountingBytes<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::sync::atomic::Ordering::Relaxed;
        let n = self.inner.read(buf)?;
        self.bytes.fetch_add(n as u64, Relaxed);
        let newlines = buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        if newlines > 0 {
            self.lines.fetch_add(newlines, Relaxed);
        }
        Ok(n)
    }
}

type Sender = SyncSender<ReadResult<RawRecord>>;

struct Walker {
    tx: Sender,
    bytes: Arc<std::sync::atomic::AtomicU64>,
    lines: Arc<std::sync::atomic::AtomicU64>,
    ordinal: std::cell::Cell<u64>,
}

impl Walker {
    fn position(&self) -> (u64, u64) {
        use std::sync::atomic::Ordering::Relaxed;
        (self.bytes.load(Relaxed), self.lines.load(Relaxed) + 1)
    }

    fn send(&self, raw: &RawValue, offset: u64, line: u64) -> bool {
        self.ordinal.set(self.ordinal.get() + 1);
        self.tx
            .send(Ok(RawRecord {
                bytes: raw.get().as_bytes().to_vec(),
                ordinal: self.ordinal.get(),
                offset,
                line,
            }))
            .is_ok()
    }
}

struct DocumentSeq<'w>(&'w Walker);

impl<'de> Visitor<'de> for DocumentSeq<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of BioC documents")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            let (offset, line) = self.0.position();
            let Some(raw) = seq.next_element::<Box<RawValue>>()? else {
                return Ok(());
            };
            if !self.0.send(&raw, offset, line) {
                return Err(serde::de::Error::custom("reader closed"));
            }
        }
    }
}

impl<'de> DeserializeSeed<'de> for DocumentSeq<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

struct Collection<'w>(&'w Walker);

impl<'de> Visitor<'de> for Collection<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a BioC collection, a PubTator3 result, an array of documents or one document")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        DocumentSeq(self.0).visit_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut single: serde_json::Map<String, serde_json::Value> = serde_json::Map::new();
        let mut saw_documents = false;
        while let Some(key) = map.next_key::<String>()? {
            if matches!(key.as_str(), "documents" | "PubTator3") {
                saw_documents = true;
                map.next_value_seed(DocumentSeq(self.0))?;
            } else {
                // Collection header fields, or the fields of a single bare document.
                let value: serde_json::Value = map.next_value()?;
                single.insert(key, value);
            }
        }
        if !saw_documents && single.contains_key("passages") {
            let text = serde_json::to_string(&single).map_err(serde::de::Error::custom)?;
            let raw = RawValue::from_string(text).map_err(serde::de::Error::custom)?;
            self.0.send(&raw, 0, 1);
        } else if !saw_documents {
            return Err(serde::de::Error::custom(
                "no \"documents\" (BioC), \"PubTator3\" or \"passages\" (single document) key",
            ));
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Collection<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

/// Streams the documents of a BioC JSON input, walking the collection on a thread.
/// Dropping the splitter closes the channel, which stops the walk, and joins the thread.
pub(crate) struct JsonSplitter {
    rx: Option<Receiver<ReadResult<RawRecord>>>,
    walker: Option<std::thread::JoinHandle<()>>,
    context: Arc<Context>,
}

impl Drop for JsonSplitter {
    fn drop(&mut self) {
        drop(self.rx.take());
        if let Some(handle) = self.walker.take() {
            let _ = handle.join();
        }
    }
}

impl JsonSplitter {
    pub(crate) fn new(reader: Box<dyn Read + Send>, context: Arc<Context>) -> Self {
        let (tx, rx) = sync_channel(64);
        let thread_context = Arc::clone(&context);
        let walker = std::thread::spawn(move || {
            let bytes = Arc::new(std::sync::atomic::AtomicU64::new(0));
            let lines = Arc::new(std::sync::atomic::AtomicU64::new(0));
            let counting = CountingBytes {
                inner: BufReader::with_capacity(1 << 16, reader),
                bytes: Arc::clone(&bytes),
                lines: Arc::clone(&lines),
            };
            let walker = Walker {
                tx: tx.clone(),
                bytes,
                lines,
                ordinal: std::cell::Cell::new(0),
            };
            let mut de = serde_json::Deserializer::from_reader(counting);
            let result = Collection(&walker)
                .deserialize(&mut de)
                .and_then(|()| de.end());
            if let Err(err) = result {
                if err.to_string().contains("reader closed") {
                    return;
                }
                let (byte, _) = walker.position();
                let (kind, message) = if err.is_eof() && byte == 0 {
                    (ReadErrorKind::Empty, "file is empty".to_owned())
                } else if err.is_io() {
                    (
                        ReadErrorKind::Gzip,
                        format!("compressed stream is corrupt or truncated ({err})"),
                    )
                } else {
                    (ReadErrorKind::Json, format!("malformed BioC JSON: {err}"))
                };
                let location = Location {
                    line: (err.line() > 0).then_some(err.line() as u64),
                    byte: Some(byte),
                    record: (walker.ordinal.get() > 0)
                        .then(|| format!("after record #{}", walker.ordinal.get())),
                    ..thread_context.location()
                };
                let _ = tx.send(Err(ReadError::fatal(location, kind, message)));
            }
        });
        Self {
            rx: Some(rx),
            walker: Some(walker),
            context,
        }
    }
}

impl Iterator for JsonSplitter {
    type Item = ReadResult<Pending>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.rx.as_ref()?.recv().ok()?;
        Some(item.map(|raw| Pending::parse(raw, Arc::clone(&self.context))))
    }
}

/// Parses one BioC JSON document.
pub(crate) fn parse_json(raw: &RawRecord, context: &Context) -> ReadResult<Vec<Document>> {
    let bioc: BiocDocument = serde_json::from_slice(&raw.bytes).map_err(|e| {
        ReadError::record(
            Location {
                line: Some(raw.line + e.line().saturating_sub(1) as u64),
                ..context.record_location(raw, peek_id(&raw.bytes).as_deref())
            },
            ReadErrorKind::Json,
            format!("not a BioC document: {e}"),
        )
    })?;
    Ok(vec![to_document(bioc, raw, context)?])
}

/// The id of a document that is JSON but not a BioC document (`id`, else PubTator3's `pmid`
/// or `_id`), so its error names it.
fn peek_id(bytes: &[u8]) -> Option<String> {
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(bytes).ok()?;
    ["id", "pmid", "_id"]
        .iter()
        .find_map(|key| match object.get(*key)? {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .filter(|id| !id.is_empty())
}
