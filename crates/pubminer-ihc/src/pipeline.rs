//! One document through the whole IHC task: language check, reading, the engine's decision.

use pubminer_core::Document;
use pubminer_text::language::document_language;

use crate::classify::{self, Cues};
use crate::extract::{Analysis, Extractor};
use crate::kb::DocInfo;
use crate::model::IhcModel;
use crate::record::{IhcRecord, Label, Reason};

/// Why a document was not classified on its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skip {
    /// Not English (and English only was asked).
    Language,
    /// No abstract (title only).
    NoAbstract,
    /// A deletion notice.
    Deleted,
    /// The other engine (an LLM) failed on it; the reason says how.
    EngineError,
}

impl Skip {
    /// Name for reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Language => "not English",
            Self::NoAbstract => "no abstract",
            Self::Deleted => "deleted",
            Self::EngineError => "engine error",
        }
    }
}

/// Another way to read a document (an LLM, in `pubminer-llm`), for `--engine llm|hybrid`.
/// It returns the same record as the default engine, normalised through the same extractor.
pub trait AltEngine: Send + Sync + std::fmt::Debug {
    /// Reads `doc`.
    ///
    /// # Errors
    /// What went wrong (the server, the cache), as a message for the record's reason.
    fn process(&self, doc: &Document, extractor: &Extractor) -> Result<IhcRecord, String>;
}

/// Which engine decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The default engine alone.
    Default,
    /// The other engine alone.
    Alt,
    /// The default engine, and the other one only where the default is unsure.
    Hybrid,
}

/// The default engine: the rules alone, or the trained model over the rules' candidates.
#[derive(Clone, Debug)]
pub enum Engine {
    /// The rules' own picks and include/exclude rules (`--engine rules`).
    Rules,
    /// A trained model (the default: the compiled-in one).
    Trained(Box<IhcModel>),
}

impl Engine {
    /// The trained engine with the compiled-in model.
    ///
    /// # Errors
    /// A compiled-in model that does not fit this build.
    pub fn builtin() -> Result<Self, String> {
        IhcModel::builtin().map(|m| Self::Trained(Box::new(m)))
    }

    /// The record of `doc`, read by `extractor` into `analysis`.
    #[must_use]
    pub fn record(
        &self,
        extractor: &Extractor,
        doc: &Document,
        analysis: &Analysis,
        id: &str,
    ) -> IhcRecord {
        match self {
            Self::Rules => {
                let found = crate::select::rules(analysis, extractor.rules());
                let decision = classify::rules(&Cues::of(doc), &found);
                IhcRecord {
                    id: id.to_owned(),
                    label: decision.label,
                    reason: decision.reason,
                    decided_by: Vec::new(),
                    profiles: if decision.label.is_include() {
                        found.profiles
                    } else {
                        Vec::new()
                    },
                }
            }
            Self::Trained(model) => {
                let d = model.decide(doc, extractor, analysis);
                IhcRecord {
                    id: id.to_owned(),
                    label: d.label,
                    reason: d.reason,
                    decided_by: d.decided_by,
                    profiles: d.profiles,
                }
            }
        }
    }
}

/// Where the default engine is unsure: IHC with markers but no count it could read, or an
/// include with a profile missing a number.
#[must_use]
pub fn unsure(record: &IhcRecord) -> bool {
    if record.label.is_include() {
        return record
            .profiles
            .iter()
            .any(|p| !p.case_report && (p.positive.is_none() || p.total.is_none()));
    }
    record.reason.is_unsure()
}

/// Why `doc` is not read on its content, if it is not.
#[must_use]
pub fn screen(doc: &Document, english_only: bool) -> Option<(Skip, Reason)> {
    if doc.deleted {
        return Some((Skip::Deleted, Reason::Deleted));
    }
    if !doc.has_abstract() {
        return Some((Skip::NoAbstract, Reason::NoAbstract));
    }
    if english_only {
        let lang = document_language(doc);
        if !lang.is_english() {
            return Some((
                Skip::Language,
                Reason::NotEnglish {
                    code: lang.code.to_string(),
                    from_metadata: matches!(
                        lang.source,
                        pubminer_text::language::LanguageSource::Metadata
                    ),
                },
            ));
        }
    }
    None
}

/// The task's settings.
#[derive(Debug)]
pub struct IhcPipeline {
    extractor: Extractor,
    engine: Engine,
    /// Keep English documents only.
    pub english_only: bool,
    alt: Option<(Box<dyn AltEngine>, Mode)>,
}

/// One document's outcome.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The record (`exclude` with the reason for skipped documents, so nothing vanishes).
    pub record: IhcRecord,
    /// Facts for the knowledge base.
    pub info: DocInfo,
    /// Set when the content was not read.
    pub skipped: Option<Skip>,
}

impl IhcPipeline {
    /// A pipeline around `extractor` with `engine`.
    #[must_use]
    pub fn new(extractor: Extractor, engine: Engine, english_only: bool) -> Self {
        Self {
            extractor,
            engine,
            english_only,
            alt: None,
        }
    }

    /// Uses `engine` as `mode` says (`Mode::Default` drops it).
    #[must_use]
    pub fn with_engine(mut self, engine: Box<dyn AltEngine>, mode: Mode) -> Self {
        self.alt = (mode != Mode::Default).then_some((engine, mode));
        self
    }

    /// The extractor.
    #[must_use]
    pub fn extractor(&self) -> &Extractor {
        &self.extractor
    }

    /// The default engine.
    #[must_use]
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Runs the task on `doc`.
    #[must_use]
    pub fn process(&self, doc: &Document) -> Outcome {
        let info = DocInfo {
            title: doc.title().map(|p| p.text().to_owned()).unwrap_or_default(),
            year: doc.meta.year,
            journal: doc
                .meta
                .journal
                .as_ref()
                .and_then(|j| j.iso_abbreviation.clone().or_else(|| j.title.clone())),
        };
        let id = doc.meta.pmid.clone().unwrap_or_else(|| doc.id.clone());
        let skip = |why: Skip, reason: Reason| Outcome {
            record: IhcRecord {
                id: id.clone(),
                label: Label::Exclude,
                reason,
                decided_by: Vec::new(),
                profiles: Vec::new(),
            },
            info: info.clone(),
            skipped: Some(why),
        };
        if let Some((why, reason)) = screen(doc, self.english_only) {
            return skip(why, reason);
        }
        if let Some((engine, Mode::Alt)) = &self.alt {
            return match engine.process(doc, &self.extractor) {
                Ok(mut record) => {
                    record.id = id;
                    Outcome {
                        record,
                        info,
                        skipped: None,
                    }
                }
                Err(e) => skip(Skip::EngineError, Reason::Other(e)),
            };
        }
        let analysis = self.extractor.analyse(doc);
        let outcome = Outcome {
            record: self.engine.record(&self.extractor, doc, &analysis, &id),
            info,
            skipped: None,
        };
        match &self.alt {
            Some((engine, Mode::Hybrid)) if unsure(&outcome.record) => {
                match engine.process(doc, &self.extractor) {
                    Ok(mut record) => {
                        record.id = id;
                        record.reason = Reason::Other(format!(
                            "{} (asked because the default engine was unsure: {})",
                            record.reason, outcome.record.reason
                        ));
                        Outcome { record, ..outcome }
                    }
                    // The default engine's answer stands; the failure is in the reason.
                    Err(e) => {
                        let mut outcome = outcome;
                        outcome.record.reason = Reason::Other(format!(
                            "{} (second opinion failed: {e})",
                            outcome.record.reason
                        ));
                        outcome
                    }
                }
            }
            _ => outcome,
        }
    }
}
