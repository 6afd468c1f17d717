//! Immunohistochemistry tumour profiles: the IHC-LLMiner task on a CPU, learned from
//! annotated abstracts and explainable.
//!
//! It exists to turn an abstract into `marker × tumour type × site: X positive of Y tested`
//! rows that can be pooled across studies, each traceable to its sentence. The engine runs in
//! phases, each a module:
//!
//! 1. [`mentions`]: markers (the curated list [`markers`], genes of the main lexicon,
//!    marker-shaped words) and tumour types (vocabularies, the document's abbreviations,
//!    tumour-headed phrases, organ lists);
//! 2. [`context`]: sentences and their cues, group sizes, case reports, the main tumour;
//! 3. [`candidates`]: every count expression ([`counts`]), `all`/`none` statement and case
//!    report finding, with its candidate (marker, tumour, positive, total) readings;
//! 4. [`features`]: what a candidate looks like, as values of [`features::Feature`];
//! 5. [`model`]: a logistic scorer trained on the gold ([`train`]), or the rules' own picks;
//! 6. [`select`]: one profile per marker and tumour type;
//!
//! then [`classify`](mod@classify) (include/exclude with a typed [`Reason`]) and [`kb`] (the SQLite
//! knowledge base and the landscape: pooled rates with Wilson intervals). Every rule is a
//! value of [`rules::Rule`] that a configuration can switch off.

#[macro_use]
mod named;

pub mod analysis;
pub mod candidates;
pub mod classify;
pub mod context;
pub mod counts;
pub mod eval;
pub mod extract;
pub mod features;
pub mod hpa;
pub mod kb;
pub mod markers;
pub mod mentions;
pub mod model;
pub mod output;
pub mod pipeline;
mod record;
pub mod rerank;
pub mod rules;
pub mod select;
pub mod train;
pub mod words;

pub use classify::Decision;
pub use extract::{Analysis, Extractor, Found};
pub use model::IhcModel;
pub use output::IhcFormat;
pub use pipeline::{AltEngine, Engine, IhcPipeline, Mode, Outcome, Skip};
pub use record::{IhcRecord, Label, Profile, Reason};
pub use rules::{Rule, RuleSet};
