//! The text layer: sentences, tokens with byte offsets, a normaliser with an alignment
//! map back to the source, abbreviation detection, and the language of a document.
//!
//! It exists so that every later stage (dictionary NER, linking, IHC extraction) sees the
//! same sentence and token boundaries and the same normalised forms, and so that no stage
//! ever rewrites source text: everything here returns byte ranges into the text it was
//! given, or normalised copies that carry a map back to those bytes.

pub mod abbreviation;
pub mod language;
pub mod normalize;
pub mod sentence;
pub mod token;
