//! The shared vocabulary of pubminer: the [`Document`] model and the small types every
//! other crate passes around.
//!
//! It exists so that readers, taggers, linkers, extractors and writers agree on one shape
//! without depending on each other. It does no I/O and pulls in no heavy dependency; the
//! only conversions it knows are between byte offsets and the character / UTF-16 offsets
//! that file formats use ([`offsets`]).
//!
//! Architecture invariant: passage text is immutable once a [`Passage`] is built, and every
//! span is a [`TextRange`] of UTF-8 byte offsets into exactly one passage.

pub mod diagnostic;
pub mod document;
pub mod offsets;
pub mod range;
pub mod render;

pub use diagnostic::{Diagnostic, Location, Severity};
pub use document::{
    Abbreviation, Argument, ArgumentTarget, ArticleId, Author, CommentCorrection, Document, Infons,
    Journal, Keyword, Label, Link, Mention, MeshHeading, MeshQualifier, Metadata, Origin, Passage,
    PassageKind, PubDate, PublicationType, Relation, Sentence, Span,
};
pub use offsets::{OffsetIndex, OffsetUnit};
pub use range::TextRange;
