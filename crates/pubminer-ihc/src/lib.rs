//! Immunohistochemistry tumour profiles: the IHC-LLMiner task, done by explainable rules on a
//! CPU.
//!
//! It exists to turn an abstract into `marker × tumour type × site: X positive of Y tested`
//! rows that can be pooled across studies, each traceable to its sentence:
//!
//! - [`extract`]: markers (a curated lexicon, [`markers`], over the main lexicon's genes),
//!   tumour types and sites (the dictionary tagger), count expressions ([`counts`]: `27 of 35
//!   (77.1%)`, `77.1% (27/35)`, `Forty-five of 48`, percentages against group sizes stated
//!   elsewhere), lists matched by `respectively`, `all`/`none of` statements, counts given for
//!   the negative state, case reports; FISH, PCR, flow cytometry, normal tissue and
//!   sensitivity/specificity figures are not profiles;
//! - [`classify`](mod@classify): Include/Exclude with IHC-LLMiner's criteria and a one-line reason;
//! - [`kb`]: the SQLite knowledge base and the landscape (pooled rates with Wilson intervals).

pub mod classify;
pub mod counts;
pub mod eval;
pub mod extract;
pub mod hpa;
pub mod kb;
pub mod markers;
mod model;
pub mod output;
pub mod pipeline;

pub use classify::{Decision, classify};
pub use extract::{Extractor, Found};
pub use model::{IhcRecord, Profile};
pub use output::IhcFormat;
pub use pipeline::{AltEngine, IhcPipeline, Mode, Outcome, Skip};
