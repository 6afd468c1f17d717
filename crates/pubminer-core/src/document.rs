//! The Document model.
//!
//! A [`Document`] is BioC-shaped: passages of immutable text plus annotation layers that
//! point into them by byte range. Every annotation (mention, link, relation, label,
//! abbreviation) says which component produced it (`origin`) and how sure it was (`score`),
//! so output is always explainable.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::range::TextRange;

/// Free-form key/value pairs carried through from formats that have them (BioC infons).
/// Values stay JSON so PubTator3's nested objects, numbers and booleans survive.
pub type Infons = BTreeMap<String, serde_json::Value>;

/// Which component produced an annotation, e.g. `gold`, `ner.dict/v1`, `link.exact/v1`.
pub type Origin = String;

// `skip_serializing_if` needs a function taking a reference.
#[expect(clippy::trivially_copy_pass_by_ref)]
fn is_false(b: &bool) -> bool {
    !*b
}

/// One input record: an article, a book chapter, a deletion tombstone, or a plain text.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// The record's id as its source gives it (a PMID for PubMed and PubTator).
    pub id: String,
    /// A PubMed `DeleteCitation` tombstone: the id is withdrawn and there is no text.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deleted: bool,
    /// Bibliographic metadata.
    #[serde(default, skip_serializing_if = "Metadata::is_empty")]
    pub meta: Metadata,
    /// The text, in reading order. Always serialised, even when empty, so a JSONL line
    /// is recognisable as pubminer's schema.
    #[serde(default)]
    pub passages: Vec<Passage>,
    /// Entity mentions; they may overlap.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<Mention>,
    /// Abbreviation definitions found in the text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub abbreviations: Vec<Abbreviation>,
    /// Relations between mentions or concepts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<Relation>,
    /// Document-level labels (e.g. an include/exclude decision).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<Label>,
    /// Problems found while reading or processing this document.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
    /// Source key/values without a typed home (BioC document infons).
    #[serde(default, skip_serializing_if = "Infons::is_empty")]
    pub infons: Infons,
}

impl Document {
    /// An empty document with an id.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            ..Self::default()
        }
    }

    /// A tombstone for a deleted PubMed record.
    pub fn tombstone(id: impl Into<String>) -> Self {
        Self {
            deleted: true,
            ..Self::new(id)
        }
    }

    /// The first title passage, if any.
    #[must_use]
    pub fn title(&self) -> Option<&Passage> {
        self.passages.iter().find(|p| p.kind == PassageKind::Title)
    }

    /// The main-language abstract passages (all sections, in order).
    pub fn abstract_passages(&self) -> impl Iterator<Item = &Passage> {
        self.passages
            .iter()
            .filter(|p| p.kind == PassageKind::Abstract)
    }

    /// True when the document has a non-empty main abstract.
    #[must_use]
    pub fn has_abstract(&self) -> bool {
        self.abstract_passages()
            .any(|p| !p.text().trim().is_empty())
    }

    /// The text a mention covers, or `None` when the mention does not fit its passage.
    /// A discontinuous mention's text is its pieces joined by one space.
    #[must_use]
    pub fn mention_text(&self, mention: &Mention) -> Option<std::borrow::Cow<'_, str>> {
        let text = self.passages.get(mention.passage as usize)?.text();
        let first = text.get(mention.range.to_range())?;
        if mention.fragments.is_empty() {
            return Some(std::borrow::Cow::Borrowed(first));
        }
        let mut joined = first.to_owned();
        for fragment in &mention.fragments {
            joined.push(' ');
            joined.push_str(text.get(fragment.to_range())?);
        }
        Some(std::borrow::Cow::Owned(joined))
    }

    /// Checks every span against the text: each mention's range lies on character
    /// boundaries inside its passage and covers exactly the mention's text.
    /// Returns a description of each violation.
    #[must_use]
    pub fn check_spans(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (i, m) in self.mentions.iter().enumerate() {
            match self.mention_text(m) {
                None => problems.push(format!(
                    "mention #{i} {:?}: range {} does not fit passage {}",
                    m.text, m.range, m.passage
                )),
                Some(found) if *found != m.text => problems.push(format!(
                    "mention #{i}: range {} covers {found:?}, not {:?}",
                    m.range, m.text
                )),
                Some(_) => {}
            }
        }
        for (i, a) in self.abbreviations.iter().enumerate() {
            for (what, span) in [("short", &a.short), ("long", &a.long)] {
                let fits = self
                    .passages
                    .get(span.passage as usize)
                    .and_then(|p| p.text().get(span.range.to_range()))
                    .is_some();
                if !fits {
                    problems.push(format!("abbreviation #{i}: {what} form does not fit"));
                }
            }
        }
        for (p, passage) in self.passages.iter().enumerate() {
            for s in &passage.sentences {
                if passage.text().get(s.range.to_range()).is_none() {
                    problems.push(format!(
                        "passage {p}: sentence {} does not fit the text",
                        s.range
                    ));
                }
            }
        }
        problems
    }
}

/// What a passage is.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub enum PassageKind {
    /// The article title.
    Title,
    /// A section of the main abstract (structured abstracts have several).
    Abstract,
    /// A title in the original language (PubMed `VernacularTitle`).
    VernacularTitle,
    /// An abstract from `OtherAbstract` (another language, a plain-language summary...).
    OtherAbstract,
    /// Plain text without a more specific role.
    #[default]
    Text,
    /// Any other role, as its source names it (BioC passage `type` infons such as `paragraph`).
    Other(String),
}

impl PassageKind {
    /// The name used in files (BioC `type` infon, JSONL `kind`).
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Title => "title",
            Self::Abstract => "abstract",
            Self::VernacularTitle => "vernacular_title",
            Self::OtherAbstract => "other_abstract",
            Self::Text => "text",
            Self::Other(s) => s,
        }
    }

    /// Parses a name from a file (inverse of [`PassageKind::as_str`]).
    #[must_use]
    pub fn from_name(name: &str) -> Self {
        match name {
            "title" => Self::Title,
            "abstract" => Self::Abstract,
            "vernacular_title" => Self::VernacularTitle,
            "other_abstract" => Self::OtherAbstract,
            "text" => Self::Text,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for PassageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for PassageKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PassageKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<str>::deserialize(deserializer)?;
        Ok(Self::from_name(&name))
    }
}

/// A contiguous piece of text. The text is fixed at construction: every span in the
/// document points into it, so it can never be rewritten.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// What the passage is.
    #[serde(default)]
    pub kind: PassageKind,
    /// Section label as printed, e.g. `BACKGROUND` (PubMed `AbstractText/@Label`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// NLM's normalised section category, e.g. `METHODS` (`@NlmCategory`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nlm_category: Option<String>,
    /// The passage language when it differs from the document's (ISO 639-2, e.g. `por`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The offset this passage had in its source document (BioC `offset`, in characters),
    /// kept so BioC output reproduces it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
    text: String,
    /// Sentence spans, when a source or the sentence splitter provides them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sentences: Vec<Sentence>,
    /// Source key/values without a typed home (BioC passage infons, `OtherAbstract/@Type`).
    #[serde(default, skip_serializing_if = "Infons::is_empty")]
    pub infons: Infons,
}

impl Passage {
    /// A passage of the given kind and text.
    pub fn new(kind: PassageKind, text: impl Into<String>) -> Self {
        Self {
            kind,
            text: text.into(),
            ..Self::default()
        }
    }

    /// The passage text (immutable).
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Sets the section label and category (builder style).
    #[must_use]
    pub fn with_section(mut self, label: Option<String>, nlm_category: Option<String>) -> Self {
        self.label = label;
        self.nlm_category = nlm_category;
        self
    }

    /// Sets the language (builder style).
    #[must_use]
    pub fn with_language(mut self, language: Option<String>) -> Self {
        self.language = language;
        self
    }
}

/// A sentence span within a passage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sentence {
    /// Byte range in the passage text.
    pub range: TextRange,
    /// Source key/values (BioC sentence infons).
    #[serde(default, skip_serializing_if = "Infons::is_empty")]
    pub infons: Infons,
}

/// A span of text that names an entity.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    /// Index of the passage the span points into.
    pub passage: u32,
    /// Byte range in that passage's text.
    pub range: TextRange,
    /// The covered text: always equal to the passage slice (readers check this); for a
    /// discontinuous mention, the slices of `range` and `fragments` joined by one space.
    pub text: String,
    /// Entity type as the producer names it (`Disease`, `Chemical`, `Gene`...).
    #[serde(rename = "type")]
    pub entity_type: String,
    /// The annotation id in its source (BioC `annotation/@id`), used by relation arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The identifier field exactly as the source wrote it (e.g. `D002318|D012131`,
    /// `-1`, `4524(Tax:9606)`). Writers reproduce it verbatim; `links` holds the parsed form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// Concepts this mention refers to (several for composite mentions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// Ranked alternatives a linker considered, best first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<Link>,
    /// An explicit "no concept" decision (PubTator `-1`, or a linker's NIL).
    #[serde(default, skip_serializing_if = "is_false")]
    pub nil: bool,
    /// The component texts of a composite mention (PubTator's 7th column), as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub composite: Option<String>,
    /// Further ranges of a discontinuous mention (BioC allows several locations).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fragments: Vec<TextRange>,
    /// The long form when this mention is an abbreviation defined in the document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long_form: Option<String>,
    /// Who produced the mention (`gold`, `ner.dict/v1`...).
    pub origin: Origin,
    /// Confidence in [0, 1] when the producer has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f32>,
    /// Source key/values (BioC annotation infons other than `type`).
    #[serde(default, skip_serializing_if = "Infons::is_empty")]
    pub infons: Infons,
}

impl Mention {
    /// Replaces the links (e.g. after linking), dropping the verbatim source identifier so
    /// writers render the new links.
    pub fn set_links(&mut self, links: Vec<Link>, nil: bool) {
        self.links = links;
        self.nil = nil;
        self.identifier = None;
    }

    /// The identifier as writers should render it: the verbatim source field when present,
    /// else the links joined by `|`, `-1` for NIL, `None` when the mention was never linked.
    #[must_use]
    pub fn rendered_identifier(&self) -> Option<String> {
        if let Some(raw) = &self.identifier {
            return Some(raw.clone());
        }
        if !self.links.is_empty() {
            let ids: Vec<&str> = self.links.iter().map(|l| l.id.as_str()).collect();
            return Some(ids.join("|"));
        }
        self.nil.then(|| "-1".to_owned())
    }
}

/// A link from a mention to a concept.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// Concept id, prefixed where the producer knows the namespace (`MESH:D009369`).
    pub id: String,
    /// The concept's preferred name, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Equivalent ids of the same concept in other vocabularies (`DOID:3910`,
    /// `NCIT:C3512`, `NCBIGene:7080`), so a consumer keyed on another namespace still finds it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub xrefs: Vec<String>,
    /// Who made the link (`gold`, `link.exact/v1`, `link.tfidf/v1`...).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub origin: Origin,
    /// Confidence when the producer has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f32>,
}

/// One end of a relation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Argument {
    /// The argument's role (`Chemical`, `Disease`, `arg1`...).
    pub role: String,
    /// What the argument points at.
    #[serde(flatten)]
    pub target: ArgumentTarget,
}

/// What a relation argument points at.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArgumentTarget {
    /// A concept id (PubTator relation lines are concept-level).
    Concept(String),
    /// A mention (or another relation) by its source id (BioC `node/@refid`).
    Ref(String),
}

/// A relation between concepts or mentions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Relation {
    /// The relation id in its source (BioC `relation/@id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The relation type (`CID`, `Association`...).
    #[serde(rename = "type")]
    pub relation_type: String,
    /// The arguments, in source order.
    pub arguments: Vec<Argument>,
    /// Further columns of a PubTator relation line (BioRED's `Novel`/`No`), verbatim.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<String>,
    /// Who produced it.
    pub origin: Origin,
    /// Confidence when the producer has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f32>,
    /// Source key/values (BioC relation infons).
    #[serde(default, skip_serializing_if = "Infons::is_empty")]
    pub infons: Infons,
}

/// A document-level decision, e.g. `task = "ihc"`, `value = "include"`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Label {
    /// The task the label answers.
    pub task: String,
    /// The answer.
    pub value: String,
    /// A one-line human-readable reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Who produced it.
    pub origin: Origin,
    /// Confidence when the producer has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f32>,
}

/// A span in a particular passage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// Passage index.
    pub passage: u32,
    /// Byte range in that passage.
    pub range: TextRange,
}

/// An abbreviation definition: `long (short)`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Abbreviation {
    /// The short form's definition site.
    pub short: Span,
    /// The long form's span.
    pub long: Span,
    /// Who found it.
    pub origin: Origin,
    /// Confidence when the producer has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f32>,
}

/// Bibliographic metadata. PubMed fills most of it; other formats fill what they carry.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    /// PubMed id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pmid: Option<String>,
    /// PubMed record version (`PMID/@Version`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pmid_version: Option<u32>,
    /// The article's own DOI (never one from a reference list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// The article's PMC id (`PMC1234567`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pmcid: Option<String>,
    /// Other ids of the article itself (`pii`, `mid`...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_ids: Vec<ArticleId>,
    /// `PubmedArticle` or `PubmedBookArticle` for PubMed records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_type: Option<String>,
    /// Journal (or book) the record appeared in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journal: Option<Journal>,
    /// Publication date as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pub_date: Option<PubDate>,
    /// Publication year (from `Year`, else the first year in `MedlineDate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Article languages (ISO 639-2 codes as PubMed writes them, e.g. `eng`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
    /// Publication types, keyed by MeSH UI.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub publication_types: Vec<PublicationType>,
    /// MeSH indexing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mesh_headings: Vec<MeshHeading>,
    /// Author keywords.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<Keyword>,
    /// Authors in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<Author>,
    /// `MedlineCitation/@Status` (MEDLINE, PubMed-not-MEDLINE, In-Process, Publisher...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation_status: Option<String>,
    /// `PublicationStatus` (ppublish, epublish, aheadofprint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publication_status: Option<String>,
    /// Links to other records: retractions, errata, comments (`CommentsCorrections`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments_corrections: Vec<CommentCorrection>,
}

impl Metadata {
    /// True when nothing is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// True when PubMed links this record to a retraction notice (`RetractionIn`).
    #[must_use]
    pub fn is_retracted(&self) -> bool {
        self.comments_corrections
            .iter()
            .any(|c| c.ref_type == "RetractionIn")
    }

    /// True when any publication type has this MeSH UI (e.g. `D016454` Review).
    #[must_use]
    pub fn has_publication_type(&self, ui: &str) -> bool {
        self.publication_types
            .iter()
            .any(|p| p.ui.as_deref() == Some(ui))
    }
}

/// An id of the article itself, by type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleId {
    /// Id type (`pii`, `mid`, `bookaccession`...).
    pub kind: String,
    /// The id.
    pub value: String,
}

/// Where a record was published.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    /// Full journal (or book) title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// ISO abbreviation (or MEDLINE TA).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iso_abbreviation: Option<String>,
    /// ISSN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issn: Option<String>,
    /// Volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    /// Issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    /// Pages (`MedlinePgn`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<String>,
}

/// A publication date in any of PubMed's shapes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PubDate {
    /// Year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Month as written (`Jan`, `01`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<String>,
    /// Day as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<String>,
    /// Season (`Spring`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub season: Option<String>,
    /// Free-text date (`2019 Jan-Feb`, `1998 Dec-1999 Jan`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medline_date: Option<String>,
}

impl PubDate {
    /// The year: `Year`, else the first plausible four-digit year in `MedlineDate`.
    #[must_use]
    pub fn resolved_year(&self) -> Option<i32> {
        self.year
            .or_else(|| self.medline_date.as_deref().and_then(first_year))
    }
}

/// The first four-digit number between 1000 and 2999 in `text`.
#[must_use]
pub fn first_year(text: &str) -> Option<i32> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i + 4 <= bytes.len() {
        let window = &bytes[i..i + 4];
        let boundary_before = i == 0 || !bytes[i - 1].is_ascii_digit();
        let boundary_after = i + 4 == bytes.len() || !bytes[i + 4].is_ascii_digit();
        if boundary_before
            && boundary_after
            && window.iter().all(u8::is_ascii_digit)
            && matches!(window[0], b'1' | b'2')
        {
            return text[i..i + 4].parse().ok();
        }
        i += 1;
    }
    None
}

/// A publication type such as `Journal Article` (`D016428`) or `Review` (`D016454`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicationType {
    /// MeSH unique id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ui: Option<String>,
    /// Name.
    pub name: String,
}

/// A MeSH heading: a descriptor and its qualifiers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeshHeading {
    /// Descriptor MeSH UI (`D008407`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ui: Option<String>,
    /// Descriptor name.
    pub name: String,
    /// Major topic.
    #[serde(default, skip_serializing_if = "is_false")]
    pub major: bool,
    /// Qualifiers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub qualifiers: Vec<MeshQualifier>,
}

/// A MeSH qualifier (subheading).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeshQualifier {
    /// Qualifier UI (`Q000276`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ui: Option<String>,
    /// Name.
    pub name: String,
    /// Major topic.
    #[serde(default, skip_serializing_if = "is_false")]
    pub major: bool,
}

/// A keyword.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keyword {
    /// The keyword text.
    pub text: String,
    /// Major topic.
    #[serde(default, skip_serializing_if = "is_false")]
    pub major: bool,
    /// List owner (`NOTNLM`, `NLM`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// An author, or a collective name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Fore name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fore_name: Option<String>,
    /// Initials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initials: Option<String>,
    /// A group author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collective_name: Option<String>,
}

/// A link to another record (`CommentsCorrections`): retractions, errata, comments.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentCorrection {
    /// `RetractionIn`, `RetractionOf`, `ErratumIn`, `CommentOn`...
    pub ref_type: String,
    /// Citation text of the other record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ref_source: Option<String>,
    /// PMID of the other record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pmid: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_from_medline_dates() {
        assert_eq!(first_year("2019 Jan-Feb"), Some(2019));
        assert_eq!(first_year("1998 Dec-1999 Jan"), Some(1998));
        assert_eq!(first_year("Winter 12345 2001"), Some(2001));
        assert_eq!(first_year("n.d."), None);
    }

    #[test]
    fn identifier_rendering() {
        let mut m = Mention {
            identifier: Some("D1|D2".into()),
            ..Mention::default()
        };
        assert_eq!(m.rendered_identifier().as_deref(), Some("D1|D2"));
        m.set_links(
            vec![Link {
                id: "MESH:D3".into(),
                ..Link::default()
            }],
            false,
        );
        assert_eq!(m.rendered_identifier().as_deref(), Some("MESH:D3"));
        m.set_links(Vec::new(), true);
        assert_eq!(m.rendered_identifier().as_deref(), Some("-1"));
        m.set_links(Vec::new(), false);
        assert_eq!(m.rendered_identifier(), None);
    }

    #[test]
    fn passage_kind_names_round_trip() {
        for name in [
            "title",
            "abstract",
            "vernacular_title",
            "other_abstract",
            "text",
            "paragraph",
        ] {
            assert_eq!(PassageKind::from_name(name).as_str(), name);
        }
    }

    #[test]
    fn span_check_finds_mismatches() {
        let mut doc = Document::new("1");
        doc.passages
            .push(Passage::new(PassageKind::Title, "Lung adenocarcinoma."));
        doc.mentions.push(Mention {
            range: TextRange::new(0, 4),
            text: "Lung".into(),
            ..Mention::default()
        });
        assert!(doc.check_spans().is_empty());
        doc.mentions.push(Mention {
            range: TextRange::new(0, 4),
            text: "lung".into(),
            ..Mention::default()
        });
        doc.mentions.push(Mention {
            passage: 3,
            ..Mention::default()
        });
        assert_eq!(doc.check_spans().len(), 2);
    }
}
