//! One document through the whole IHC task: language check, extraction, classification.

use pubminer_core::Document;
use pubminer_text::language::document_language;

use crate::classify::classify;
use crate::extract::Extractor;
use crate::kb::DocInfo;
use crate::model::IhcRecord;

/// Why a document was not classified on its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skip {
    /// Not English (and English only was asked).
    Language,
    /// No abstract (title only).
    NoAbstract,
    /// A deletion notice.
    Deleted,
}

impl Skip {
    /// Name for reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Language => "not English",
            Self::NoAbstract => "no abstract",
            Self::Deleted => "deleted",
        }
    }
}

/// The task's settings.
#[derive(Debug)]
pub struct IhcPipeline {
    extractor: Extractor,
    /// Keep English documents only.
    pub english_only: bool,
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
        }
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
        let found = self.extractor.extract(doc);
        let decision = classify(doc, &found);
        Outcome {
            record: IhcRecord {
                id,
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
        }
    }
}
