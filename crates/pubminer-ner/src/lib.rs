//! Dictionary named-entity recognition over the compiled lexicon.
//!
//! It exists because the fastest, most explainable way to find biomedical entities is to
//! look their names up in real vocabularies: every mention says which name of which concept
//! it matched and why it was kept. Learned and neural taggers plug in beside it later; this
//! one is the default that runs anywhere.
//!
//! How a passage is tagged ([`DictionaryTagger`]):
//!
//! 1. The text is cut into sentences and tokens (`pubminer-text`), and each word token gets
//!    its normalised key, so `CK7`, `CK 7` and `CK-7`, `tumours` and `tumor` meet.
//! 2. From every word, the lexicon's fst is walked word by word while the keys still form a
//!    prefix of some name; every complete name on the way is a candidate (longest match is
//!    then a choice, not a limit of the search). A walk stops at a sentence end and at
//!    punctuation that separates (`(`, `;`, `, `), and passes punctuation that joins (`CK-7`,
//!    `AE1/AE3`, `2,4-D`, `Crohn's`).
//! 3. Each candidate name is checked: its entity type is selected, its case rule holds (a
//!    symbol such as `KIT` or `WAS` must look like one in the text), and it is not on the
//!    [`StopList`] (aliases that are common words or common non-entity acronyms).
//! 4. Overlaps are resolved by an explicit [`OverlapPolicy`].
//! 5. Abbreviations (Schwartz–Hearst) propagate through the document: after
//!    "thyroid transcription factor-1 (TTF-1)" every `TTF-1` is that concept, with the long
//!    form recorded on the mention; a short form defined as something that is not an entity
//!    (`endoplasmic reticulum (ER)`) stops being tagged in that document.

mod stoplist;
mod tagger;
pub mod tune;

pub use stoplist::{StopList, StopRule};
pub use tagger::{DictionaryTagger, OverlapPolicy, TaggerConfig};

/// The origin recorded on dictionary mentions and links.
pub const ORIGIN: &str = "ner.dict/v1";
/// The origin recorded on mentions created by abbreviation propagation.
pub const ORIGIN_ABBREVIATION: &str = "ner.abbrev/v1";
