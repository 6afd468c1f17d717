//! The encoder side of every output format: the [`DocEncoder`] trait, the [`EncodeReport`]
//! of what a format could not hold, and a `fmt::Write` over bytes for the text formats.
//!
//! It exists apart from `sink.rs` so that the format modules (`pubtator`, `bioc`, `jsonl`)
//! depend on it and `sink` depends on them, never the other way round. An encoder reports
//! what the target format cannot hold (a PubTator file has no place for an `OtherAbstract`'s
//! mentions, for example) instead of dropping it silently.

use std::ops::AddAssign;

use pubminer_core::Document;

/// What an encoder could not represent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EncodeReport {
    /// Documents not written (e.g. deletion tombstones in PubTator).
    pub omitted_documents: u64,
    /// Mentions not written (their passage has no place in the format).
    pub omitted_mentions: u64,
    /// Relations not written (their arguments cannot be expressed).
    pub omitted_relations: u64,
}

impl EncodeReport {
    /// True when nothing was omitted.
    #[must_use]
    pub fn is_clean(&self) -> bool {
        *self == Self::default()
    }
}

impl AddAssign for EncodeReport {
    fn add_assign(&mut self, rhs: Self) {
        self.omitted_documents += rhs.omitted_documents;
        self.omitted_mentions += rhs.omitted_mentions;
        self.omitted_relations += rhs.omitted_relations;
    }
}

/// Turns documents into bytes of one format.
pub trait DocEncoder: Send + Sync {
    /// Bytes before the first document.
    fn header(&self) -> Vec<u8> {
        Vec::new()
    }
    /// Bytes between two documents.
    fn separator(&self) -> &'static [u8] {
        b""
    }
    /// Bytes after the last document.
    fn footer(&self) -> Vec<u8> {
        Vec::new()
    }
    /// Appends one document to `out`.
    fn encode(&self, doc: &Document, out: &mut Vec<u8>) -> EncodeReport;
}

/// `fmt::Write` over a byte vector.
pub(crate) struct VecWriter<'a>(pub &'a mut Vec<u8>);

impl std::fmt::Write for VecWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}
