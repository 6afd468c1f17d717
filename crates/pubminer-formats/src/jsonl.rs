//! JSON Lines: pubminer's own lossless schema (one [`Document`] per line), and the flat
//! shape many corpora use (`{"pmid"|"id", "title", "abstract", ...}`), whose other keys are
//! kept as document infons. Written back in pubminer's schema only ([`JsonlEncoder`]).

use memchr::memmem;
use pubminer_core::{Document, Location, Passage, PassageKind};

use crate::encode::{DocEncoder, EncodeReport};
use crate::error::{ReadError, ReadErrorKind, ReadResult};
use crate::records::{Context, RawRecord};

/// Keys that name the document id in flat JSONL, in order of preference.
const ID_KEYS: &[&str] = &["id", "pmid", "PMID", "_id", "doc_id"];
/// Keys that hold the main text in flat JSONL.
const TEXT_KEYS: &[&str] = &["abstract", "text", "body"];

/// Parses one JSON line.
pub(crate) fn parse(raw: &RawRecord, context: &Context) -> ReadResult<Vec<Document>> {
    let json_error = |e: serde_json::Error| {
        // A line that is JSON but not a document still names it, when it has an id.
        let id = serde_json::from_slice(&raw.bytes)
            .ok()
            .and_then(|value: serde_json::Map<String, serde_json::Value>| flat_id(&value));
        ReadError::record(
            Location {
                byte: Some(raw.offset + e.column().saturating_sub(1) as u64),
                ..context.record_location(raw, id.as_deref())
            },
            ReadErrorKind::Json,
            format!("invalid JSON line: {e}"),
        )
    };
    if memmem::find(&raw.bytes, b"\"passages\"").is_some() {
        let doc: Document = serde_json::from_slice(&raw.bytes).map_err(json_error)?;
        let problems = doc.check_spans();
        if !problems.is_empty() {
            return Err(ReadError::record(
                context.record_location(raw, Some(&doc.id)),
                ReadErrorKind::Format,
                format!("spans do not match the text: {}", problems.join("; ")),
            ));
        }
        return Ok(vec![doc]);
    }
    let value: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&raw.bytes).map_err(json_error)?;
    let id = flat_id(&value);
    flat_document(value).map(|d| vec![d]).map_err(|message| {
        ReadError::record(
            context.record_location(raw, id.as_deref()),
            ReadErrorKind::Format,
            message,
        )
    })
}

fn as_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The document id of a JSON object: the first of [`ID_KEYS`] it has, if not empty.
fn flat_id(value: &serde_json::Map<String, serde_json::Value>) -> Option<String> {
    ID_KEYS
        .iter()
        .find_map(|k| value.get(*k).and_then(as_text))
        .filter(|s| !s.is_empty())
}

/// Builds a document from a flat JSON object.
fn flat_document(
    mut value: serde_json::Map<String, serde_json::Value>,
) -> Result<Document, String> {
    let id = flat_id(&value).ok_or_else(|| {
        format!(
            "JSON object has no {} key and no \"passages\" (pubminer JSONL)",
            ID_KEYS.join("/")
        )
    })?;
    let title = value.remove("title").as_ref().and_then(as_text);
    let body_key = TEXT_KEYS.iter().find(|k| value.contains_key(**k)).copied();
    let body = body_key
        .and_then(|k| value.remove(k))
        .as_ref()
        .and_then(as_text);
    if title.is_none() && body.is_none() {
        return Err(format!(
            "JSON object {id} has neither \"title\" nor any of {}",
            TEXT_KEYS.join("/")
        ));
    }
    let mut doc = Document::new(id.clone());
    if value.get("pmid").and_then(as_text).is_some_and(|p| p == id) {
        doc.meta.pmid = Some(id);
    }
    doc.passages
        .push(Passage::new(PassageKind::Title, title.unwrap_or_default()));
    if let Some(body) = body {
        doc.passages.push(Passage::new(PassageKind::Abstract, body));
    }
    doc.infons = value.into_iter().collect();
    Ok(doc)
}

/// pubminer's own JSON Lines: one [`Document`] per line, lossless.
#[derive(Debug, Default, Clone, Copy)]
pub struct JsonlEncoder;

impl DocEncoder for JsonlEncoder {
    fn encode(&self, doc: &Document, out: &mut Vec<u8>) -> EncodeReport {
        serde_json::to_writer(&mut *out, doc).expect("a Document always serialises");
        out.push(b'\n');
        EncodeReport::default()
    }
}
