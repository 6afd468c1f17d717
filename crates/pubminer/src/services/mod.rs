//! What several commands open or build the same way, in one place: the lexicon (opened, or
//! built on first use; [`lexicon`]), the IHC pipeline with its model, engine and knowledge
//! base, the HPA table's path and the gold files ([`ihc`]), the LLM backends and response
//! cache ([`llm`]), the vocabularies `setup` installs ([`vocab`]), and the runtime and
//! listener of both servers ([`listen`]).
//!
//! Commands call these and never each other's `run`: `ihc demo` installs vocabularies and
//! `setup` builds the lexicon through here, not through another command. A service says what
//! it is doing through the [`Printer`](crate::printer::Printer) it is given.

pub mod ihc;
pub mod lexicon;
pub mod listen;
pub mod llm;
pub mod vocab;
