//! One document through the whole IHC task: language check, extraction, classification.

use pubminer_core::Document;
use pubminer_text::language::document_language;

use crate::classify::classify;
use crate::extract::Extractor;
use crate::kb::DocInfo;
use crate::record::IhcRecord;

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

/// Where the default engine is unsure: IHC with markers but no count it could read, or an
/// include with a profile missing a number.
#[must_use]
pub fn unsure(record: &IhcRecord) -> bool {
    if record.label == "include" {
        return record
            .profiles
            .iter()
            .any(|p| !p.case_report && (p.positive.is_none() || p.total.is_none()));
    }
    record.reason.starts_with("counts given, but none")
        || record
            .reason
            .starts_with("IHC results are qualitative only")
}

/// The task's settings.
#[derive(Debug)]
pub struct IhcPipeline {
    extractor: Extractor,
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
    /// A pipeline around `extractor`.
    #[must_use]
    pub fn new(extractor: Extractor, english_only: bool) -> Self {
        Self {
            extractor,
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
        let skip = |why: Skip, reason: String| Outcome {
            record: IhcRecord {
                id: id.clone(),
                label: "exclude".into(),
                reason,
                profiles: Vec::new(),
            },
            info: info.clone(),
            skipped: Some(why),
        };
        if doc.deleted {
            return skip(Skip::Deleted, "deleted citation".into());
        }
        if !doc.has_abstract() {
            return skip(Skip::NoAbstract, "no abstract".into());
        }
        if self.english_only {
            let lang = document_language(doc);
            if !lang.is_english() {
                return skip(
                    Skip::Language,
                    format!(
                        "not English ({}, from the {}); use --all-languages to keep it",
                        lang.code,
                        match lang.source {
                            pubminer_text::language::LanguageSource::Metadata =>
                                "record's Language",
                            _ => "text",
                        }
                    ),
                );
            }
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
                Err(e) => skip(Skip::EngineError, e),
            };
        }
        let found = self.extractor.extract(doc);
        let decision = classify(doc, &found);
        let outcome = Outcome {
            record: IhcRecord {
                id: id.clone(),
                label: if decision.include {
                    "include"
                } else {
                    "exclude"
                }
                .into(),
                reason: decision.reason,
                profiles: if decision.include {
                    found.profiles
                } else {
                    Vec::new()
                },
            },
            info,
            skipped: None,
        };
        match &self.alt {
            Some((engine, Mode::Hybrid)) if unsure(&outcome.record) => {
                match engine.process(doc, &self.extractor) {
                    Ok(mut record) => {
                        record.id = id;
                        record.reason = format!(
                            "{} (asked because the default engine was unsure: {})",
                            record.reason, outcome.record.reason
                        );
                        Outcome { record, ..outcome }
                    }
                    // The default engine's answer stands; the failure is in the reason.
                    Err(e) => {
                        let mut outcome = outcome;
                        outcome.record.reason =
                            format!("{} (second opinion failed: {e})", outcome.record.reason);
                        outcome
                    }
                }
            }
            _ => outcome,
        }
    }
}
