//! BioC XML and BioC JSON, including PubTator3's `{"PubTator3": [...]}` dialect.
//!
//! Both serialisations map onto one intermediate model ([`BiocDocument`]), and one
//! conversion turns it into a [`Document`](pubminer_core::Document): annotation locations are document-level
//! character offsets, converted to passage byte ranges here and checked against the text.
//! Infons may hold any JSON value (PubTator3 puts objects, numbers and booleans there).
//!
//! One module per part: `model` (the serialised form), `convert` (model → `Document`), `xml`
//! and `json` (reading each serialisation), `write` (`Document` → model → bytes).

mod convert;
mod json;
mod model;
mod write;
mod xml;

pub(crate) use json::{JsonSplitter, parse_json};
pub use model::{
    BiocAnnotation, BiocDocument, BiocLocation, BiocNode, BiocPassage, BiocRelation, BiocSentence,
};
pub use write::{BiocJsonEncoder, BiocXmlEncoder, from_document};
pub(crate) use xml::parse_xml;

/// The origin recorded on annotations read from BioC.
pub const ORIGIN: &str = "input.bioc";

/// The record element of a BioC XML file.
pub(crate) const RECORD_ELEMENTS: &[&str] = &["document"];
/// The root element of a BioC XML file.
pub(crate) const ROOT_ELEMENT: &str = "collection";
