//! Concept vocabularies and the compiled lexicon.
//!
//! pubminer recognises and links entities by looking them up in real vocabularies first.
//! This crate loads them ([`sources`]: HGNC, MeSH, CTD MEDIC, Disease Ontology, OncoTree,
//! UBERON, Cell Ontology, MONDO, FamPlex, UMLS), merges equivalent concepts through their
//! cross-references ([`merge`]), and compiles the result into one versioned artifact
//! ([`artifact`]) that loads in milliseconds: an `fst` map from normalised names to
//! concepts, plus compact concept tables read straight from the file's bytes.

pub mod artifact;
pub mod build;
pub mod concept;
pub mod error;
pub mod merge;
pub mod sources;

pub use artifact::{CaseRule, EntryRef, Lexicon, Posting};
pub use build::{BuildConfig, BuildReport, Extra, build, build_with};
pub use concept::{Concept, EntityType, Synonym, SynonymKind, Tags, corpus_ids, normalize_curie};
pub use error::{LexiconError, Result};
pub use merge::{Entry, MergeOptions, MergeStats};
