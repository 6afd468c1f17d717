//! Vocabulary loaders: one module per source format. Each returns [`Concept`](crate::Concept)s with
//! prefixed ids, typed synonyms, xrefs and parents (see [`crate::Concept`]).
