//! One module per subcommand.

pub mod annotate;
pub mod convert;
pub mod eval;
pub mod ihc;
pub mod lexicon;
pub mod link;
pub mod llm;
pub mod serve;
pub mod setup;
pub mod stats;
