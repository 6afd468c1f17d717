//! Entity linking: from a mention's text to a concept id, or an explicit "no link".
//!
//! It exists because normalisation is where other tools fail users: a nearest name with no
//! threshold, one index shared across types, gigabytes of memory. Here linking is a cascade
//! whose every step is recorded on the link it makes (`origin`):
//!
//! 1. `link.exact/v1`: the mention's normalised key (and its abbreviation long form) is a
//!    name in the lexicon, of the mention's entity type;
//! 2. `link.composite/v1`: a coordination (`breast and ovarian cancer`) whose parts each link
//!    exactly, or a name a training corpus gave several concepts at once (`hemorrhagic
//!    cystitis` = Cystitis + Hemorrhage in BC5CDR);
//! 3. `link.variant/v1`: a rewrite of the mention equals a name, word order aside
//!    ([`VariantIndex`]: `liver tumours` = Liver Neoplasms, `cataleptic` = Catalepsy, `renal
//!    lesions` = Kidney Diseases);
//! 4. `link.tfidf/v1`: character 3-gram TF-IDF nearest names ([`TfidfIndex`]), accepted above
//!    a cosine threshold, ranked with a small prior for concepts a training corpus named
//!    often;
//! 5. `link.dense/v1`: nearest names by a bi-encoder ([`Embedder`], e.g. SapBERT through
//!    `pubminer-ml`) over an exact vector index ([`DenseIndex`]), for what is still unlinked;
//! 6. `link.rerank/v1`: a cross-encoder ([`Reranker`]) rescoring the union of candidates.
//!
//! Below every threshold a mention is NIL (`nil: true`), with its ranked candidates kept.
//! [`Linker::link_document`] gives each mention the long form its document defines for it
//! (Schwartz–Hearst); a short form that still found no exact name is tried once more with a
//! long form the document gives it less formally: a mention just before it in parentheses
//! (`ammonium acetate (NH4Ac)`), or the one exactly linked mention whose words its letters
//! spell out (`PB` … `phenobarbital`).
//! Type constraints hold throughout: a gene mention only links to gene concepts.

mod dense;
mod linker;
mod tfidf;
mod variant;

pub use dense::{DenseIndex, Embedder};
pub use linker::{Linked, Linker, LinkerConfig, Reranker, Stage};
pub use tfidf::{Scored, TfidfIndex};
pub use variant::{VariantHit, VariantIndex};
