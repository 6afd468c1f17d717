//! Evaluation against gold annotations.
//!
//! It exists so that quality is measured, not asserted: every figure in `docs/RESULTS.md`
//! comes from a function here, run by `pubminer eval`.

pub mod link;
pub mod ner;
pub mod types;
