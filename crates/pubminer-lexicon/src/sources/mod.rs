//! Vocabulary loaders: one module per source format. Each returns [`Concept`]s with
//! prefixed ids, typed synonyms, xrefs and parents (see [`crate::Concept`]).

