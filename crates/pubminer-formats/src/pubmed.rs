//! PubMed / MEDLINE XML: baseline and update files and efetch output.
//!
//! One record is a `PubmedArticle`, a `PubmedBookArticle` or a `DeleteCitation` (which
//! becomes one tombstone per PMID). Text fields keep everything inside them: inline markup
//! (`<i>`, `<b>`, `<sup>`, `<sub>`, `<u>`) and MathML are flattened to their text, never cut
//! at the first child element. Ids are taken only from the article's own elements, never
//! from `CommentsCorrections` or `ReferenceList`.

use pubminer_core::{
    ArticleId, Author, CommentCorrection, Document, Journal, Keyword, MeshHeading, MeshQualifier,
    Passage, PassageKind, PubDate, PublicationType,
};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::error::{ReadError, ReadErrorKind, ReadResult};
use crate::records::{Context, RawRecord};
use crate::xml::{attr, push_normalized, resolve_ref, trim_in_place};

/// The record elements of a PubMed XML file.
pub(crate) const RECORD_ELEMENTS: &[&str] =
    &["PubmedArticle", "PubmedBookArticle", "DeleteCitation"];
/// The root element of a PubMed XML file.
pub(crate) const ROOT_ELEMENT: &str = "PubmedArticleSet";

/// Element names the parser cares about; everything else is `Other`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag {
    PubmedArticle,
    PubmedBookArticle,
    DeleteCitation,
    MedlineCitation,
    BookDocument,
    Book,
    Pmid,
    Article,
    Journal,
    JournalIssue,
    PubDate,
    Abstract,
    OtherAbstract,
    AbstractText,
    AuthorList,
    Author,
    PublicationTypeList,
    MeshHeadingList,
    MeshHeading,
    KeywordList,
    CommentsCorrectionsList,
    CommentsCorrections,
    PubmedData,
    PubmedBookData,
    ArticleIdList,
    Pagination,
    Other,
}

impl Tag {
    fn of(name: &str) -> Self {
        match name {
            "PubmedArticle" => Self::PubmedArticle,
            "PubmedBookArticle" => Self::PubmedBookArticle,
            "DeleteCitation" => Self::DeleteCitation,
            "MedlineCitation" => Self::MedlineCitation,
            "BookDocument" => Self::BookDocument,
            "Book" => Self::Book,
            "PMID" => Self::Pmid,
            "Article" => Self::Article,
            "Journal" => Self::Journal,
            "JournalIssue" => Self::JournalIssue,
            "PubDate" => Self::PubDate,
            "Abstract" => Self::Abstract,
            "OtherAbstract" => Self::OtherAbstract,
            "AbstractText" => Self::AbstractText,
            "AuthorList" => Self::AuthorList,
            "Author" => Self::Author,
            "PublicationTypeList" => Self::PublicationTypeList,
            "MeshHeadingList" => Self::MeshHeadingList,
            "MeshHeading" => Self::MeshHeading,
            "KeywordList" => Self::KeywordList,
            "CommentsCorrectionsList" => Self::CommentsCorrectionsList,
            "CommentsCorrections" => Self::CommentsCorrections,
            "PubmedData" => Self::PubmedData,
            "PubmedBookData" => Self::PubmedBookData,
            "ArticleIdList" => Self::ArticleIdList,
            "Pagination" => Self::Pagination,
            _ => Self::Other,
        }
    }
}

/// Which field a captured text goes to.
#[derive(Clone, Debug)]
enum Field {
    Pmid {
        version: Option<u32>,
    },
    DeletedPmid {
        version: Option<u32>,
    },
    Title,
    VernacularTitle,
    AbstractText {
        label: Option<String>,
        category: Option<String>,
    },
    OtherAbstractText {
        label: Option<String>,
        category: Option<String>,
    },
    Language,
    PublicationType {
        ui: Option<String>,
    },
    JournalTitle,
    IsoAbbreviation,
    Issn,
    Volume,
    Issue,
    Year,
    Month,
    Day,
    Season,
    MedlineDate,
    Pages,
    LastName,
    ForeName,
    Initials,
    CollectiveName,
    Descriptor {
        ui: Option<String>,
        major: bool,
    },
    Qualifier {
        ui: Option<String>,
        major: bool,
    },
    Keyword {
        major: bool,
    },
    RefSource,
    CommentPmid,
    ArticleId {
        kind: String,
    },
    ElocationDoi,
    PublicationStatus,
    BookTitle,
}

/// Text being collected for a field, including all nested markup.
struct Capture {
    field: Field,
    depth: usize,
    text: String,
    math_depth: usize,
}

#[derive(Default)]
struct OtherAbstractState {
    kind: Option<String>,
    language: Option<String>,
}

#[derive(Default)]
struct Builder {
    doc: Document,
    record_tag: Option<Tag>,
    title: Option<String>,
    book_title: Option<String>,
    vernacular: Option<String>,
    abstracts: Vec<Passage>,
    other_abstracts: Vec<Passage>,
    other_state: OtherAbstractState,
    journal: Journal,
    pub_date: PubDate,
    elocation_doi: Option<String>,
    author: Option<Author>,
    mesh: Option<MeshHeading>,
    comment: Option<CommentCorrection>,
    keyword_owner: Option<String>,
    deleted: Vec<(String, Option<u32>)>,
}

/// Parses one PubMed record.
pub(crate) fn parse(raw: &RawRecord, context: &Context) -> ReadResult<Vec<Document>> {
    let text = context.utf8(raw)?;
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Tag> = Vec::with_capacity(16);
    let mut b = Builder::default();
    let mut capture: Option<Capture> = None;

    let fail = |b: &Builder, at: u64, message: String| {
        ReadError::record(
            context.location_in(
                raw,
                b.doc
                    .meta
                    .pmid
                    .as_deref()
                    .map(|p| format!("PMID {p}"))
                    .as_deref(),
                at as usize,
            ),
            ReadErrorKind::Xml,
            message,
        )
    };

    loop {
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(err) => {
                return Err(fail(
                    &b,
                    reader.error_position(),
                    format!("malformed XML: {err}"),
                ));
            }
        };
        match event {
            Event::Start(e) => {
                let tag = Tag::of(e.name().0);
                open(&mut b, &stack, tag, &e, &mut capture)
                    .map_err(|m| fail(&b, reader.buffer_position(), m))?;
                if let Some(c) = &mut capture
                    && e.local_name().into_inner() == "math"
                {
                    c.math_depth += 1;
                }
                stack.push(tag);
            }
            Event::Empty(e) => {
                let tag = Tag::of(e.name().0);
                open(&mut b, &stack, tag, &e, &mut capture)
                    .map_err(|m| fail(&b, reader.buffer_position(), m))?;
                stack.push(tag);
                close(&mut b, &stack, &mut capture);
                stack.pop();
            }
            Event::End(e) => {
                if let Some(c) = &mut capture
                    && e.local_name().into_inner() == "math"
                {
                    c.math_depth = c.math_depth.saturating_sub(1);
                }
                close(&mut b, &stack, &mut capture);
                stack.pop();
            }
            Event::Text(t) => {
                if let Some(c) = &mut capture {
                    let content = t.xml10_content();
                    if c.math_depth == 0 || !content.trim().is_empty() {
                        push_normalized(&mut c.text, &content);
                    }
                }
            }
            Event::CData(t) => {
                if let Some(c) = &mut capture {
                    push_normalized(&mut c.text, &t);
                }
            }
            Event::GeneralRef(r) => {
                let resolved =
                    resolve_ref(&r).map_err(|m| fail(&b, reader.buffer_position(), m))?;
                if let Some(c) = &mut capture {
                    c.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(fail(
            &b,
            text.len() as u64,
            "record ends before its elements are closed".into(),
        ));
    }
    finish(b, raw, context)
}

fn flag(e: &BytesStart<'_>, name: &str) -> Result<bool, String> {
    Ok(attr(e, name)?.as_deref() == Some("Y"))
}

fn version(e: &BytesStart<'_>) -> Result<Option<u32>, String> {
    Ok(attr(e, "Version")?.and_then(|v| v.trim().parse().ok()))
}

/// Handles a start tag: decides whether its text is captured and into which field.
fn open(
    b: &mut Builder,
    stack: &[Tag],
    tag: Tag,
    e: &BytesStart<'_>,
    capture: &mut Option<Capture>,
) -> Result<(), String> {
    if capture.is_some() {
        return Ok(()); // inline markup inside a captured field
    }
    let parent = stack.last().copied().unwrap_or(Tag::Other);
    let grandparent = stack.len().checked_sub(2).map_or(Tag::Other, |i| stack[i]);
    let name = e.name().0;
    let field = match (tag, name) {
        (Tag::PubmedArticle | Tag::PubmedBookArticle | Tag::DeleteCitation, _)
            if stack.is_empty() =>
        {
            b.record_tag = Some(tag);
            None
        }
        (Tag::MedlineCitation, _) => {
            b.doc.meta.citation_status = attr(e, "Status")?;
            None
        }
        (Tag::Pmid, _) => match parent {
            Tag::MedlineCitation | Tag::BookDocument => Some(Field::Pmid {
                version: version(e)?,
            }),
            Tag::DeleteCitation => Some(Field::DeletedPmid {
                version: version(e)?,
            }),
            Tag::CommentsCorrections => Some(Field::CommentPmid),
            _ => None,
        },
        (_, "ArticleTitle") if matches!(parent, Tag::Article | Tag::BookDocument) => {
            Some(Field::Title)
        }
        (_, "VernacularTitle") if matches!(parent, Tag::Article | Tag::BookDocument) => {
            Some(Field::VernacularTitle)
        }
        (Tag::OtherAbstract, _) => {
            b.other_state = OtherAbstractState {
                kind: attr(e, "Type")?,
                language: attr(e, "Language")?,
            };
            None
        }
        (Tag::AbstractText, _) => {
            let label = attr(e, "Label")?;
            let category = attr(e, "NlmCategory")?;
            match parent {
                Tag::Abstract => Some(Field::AbstractText { label, category }),
                Tag::OtherAbstract => Some(Field::OtherAbstractText { label, category }),
                _ => None,
            }
        }
        (_, "Language") if matches!(parent, Tag::Article | Tag::BookDocument) => {
            Some(Field::Language)
        }
        (_, "PublicationType")
            if matches!(parent, Tag::PublicationTypeList | Tag::BookDocument) =>
        {
            Some(Field::PublicationType { ui: attr(e, "UI")? })
        }
        (_, "Title") if parent == Tag::Journal => Some(Field::JournalTitle),
        (_, "ISOAbbreviation") if parent == Tag::Journal => Some(Field::IsoAbbreviation),
        (_, "ISSN") if parent == Tag::Journal => Some(Field::Issn),
        (_, "Volume") if matches!(parent, Tag::JournalIssue | Tag::Book) => Some(Field::Volume),
        (_, "Issue") if parent == Tag::JournalIssue => Some(Field::Issue),
        (_, "Year" | "Month" | "Day" | "Season" | "MedlineDate")
            if parent == Tag::PubDate && matches!(grandparent, Tag::JournalIssue | Tag::Book) =>
        {
            Some(match name {
                "Year" => Field::Year,
                "Month" => Field::Month,
                "Day" => Field::Day,
                "Season" => Field::Season,
                _ => Field::MedlineDate,
            })
        }
        (_, "MedlinePgn") if parent == Tag::Pagination => Some(Field::Pages),
        (Tag::Author, _)
            if parent == Tag::AuthorList
                && matches!(grandparent, Tag::Article | Tag::BookDocument) =>
        {
            b.author = Some(Author::default());
            None
        }
        (_, "LastName" | "ForeName" | "Initials" | "CollectiveName")
            if parent == Tag::Author && b.author.is_some() =>
        {
            Some(match name {
                "LastName" => Field::LastName,
                "ForeName" => Field::ForeName,
                "Initials" => Field::Initials,
                _ => Field::CollectiveName,
            })
        }
        (Tag::MeshHeading, _) if parent == Tag::MeshHeadingList => {
            b.mesh = Some(MeshHeading::default());
            None
        }
        (_, "DescriptorName") if parent == Tag::MeshHeading => Some(Field::Descriptor {
            ui: attr(e, "UI")?,
            major: flag(e, "MajorTopicYN")?,
        }),
        (_, "QualifierName") if parent == Tag::MeshHeading => Some(Field::Qualifier {
            ui: attr(e, "UI")?,
            major: flag(e, "MajorTopicYN")?,
        }),
        (Tag::KeywordList, _) => {
            b.keyword_owner = attr(e, "Owner")?;
            None
        }
        (_, "Keyword") if parent == Tag::KeywordList => Some(Field::Keyword {
            major: flag(e, "MajorTopicYN")?,
        }),
        (Tag::CommentsCorrections, _) if parent == Tag::CommentsCorrectionsList => {
            b.comment = Some(CommentCorrection {
                ref_type: attr(e, "RefType")?.unwrap_or_default(),
                ..CommentCorrection::default()
            });
            None
        }
        (_, "RefSource") if parent == Tag::CommentsCorrections => Some(Field::RefSource),
        (_, "ArticleId")
            if parent == Tag::ArticleIdList
                && matches!(
                    grandparent,
                    Tag::PubmedData | Tag::BookDocument | Tag::PubmedBookData
                ) =>
        {
            Some(Field::ArticleId {
                kind: attr(e, "IdType")?.unwrap_or_else(|| "unknown".into()),
            })
        }
        (_, "ELocationID") if parent == Tag::Article => {
            (attr(e, "EIdType")?.as_deref() == Some("doi")).then_some(Field::ElocationDoi)
        }
        (_, "PublicationStatus") if matches!(parent, Tag::PubmedData | Tag::PubmedBookData) => {
            Some(Field::PublicationStatus)
        }
        (_, "BookTitle") if parent == Tag::Book => Some(Field::BookTitle),
        _ => None,
    };
    if let Some(field) = field {
        *capture = Some(Capture {
            field,
            depth: stack.len() + 1,
            text: String::new(),
            math_depth: 0,
        });
    }
    Ok(())
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// Handles an end tag: completes the captured field or the structure it closes.
/// `stack` still contains the element being closed.
fn close(b: &mut Builder, stack: &[Tag], capture: &mut Option<Capture>) {
    if let Some(c) = capture {
        if c.depth != stack.len() {
            return;
        }
        let mut c = capture.take().expect("capture is set");
        trim_in_place(&mut c.text);
        store(b, c.field, c.text);
        return;
    }
    match stack.last() {
        Some(Tag::Author) => {
            if let Some(a) = b.author.take()
                && a != Author::default()
            {
                b.doc.meta.authors.push(a);
            }
        }
        Some(Tag::MeshHeading) => {
            if let Some(m) = b.mesh.take() {
                b.doc.meta.mesh_headings.push(m);
            }
        }
        Some(Tag::CommentsCorrections) => {
            if let Some(c) = b.comment.take() {
                b.doc.meta.comments_corrections.push(c);
            }
        }
        Some(Tag::OtherAbstract) => b.other_state = OtherAbstractState::default(),
        Some(Tag::KeywordList) => b.keyword_owner = None,
        _ => {}
    }
}

fn store(b: &mut Builder, field: Field, text: String) {
    let meta = &mut b.doc.meta;
    match field {
        Field::Pmid { version } => {
            if meta.pmid.is_none() {
                meta.pmid = Some(text);
                meta.pmid_version = version;
            }
        }
        Field::DeletedPmid { version } => b.deleted.push((text, version)),
        Field::Title => b.title = Some(text),
        Field::VernacularTitle => b.vernacular = non_empty(text),
        Field::AbstractText { label, category } => b
            .abstracts
            .push(Passage::new(PassageKind::Abstract, text).with_section(label, category)),
        Field::OtherAbstractText { label, category } => {
            let mut p = Passage::new(PassageKind::OtherAbstract, text)
                .with_section(label, category)
                .with_language(b.other_state.language.clone());
            if let Some(kind) = &b.other_state.kind {
                p.infons.insert("type".into(), kind.clone().into());
            }
            b.other_abstracts.push(p);
        }
        Field::Language => {
            if !text.is_empty() {
                meta.languages.push(text);
            }
        }
        Field::PublicationType { ui } => meta
            .publication_types
            .push(PublicationType { ui, name: text }),
        Field::JournalTitle => b.journal.title = non_empty(text),
        Field::IsoAbbreviation => b.journal.iso_abbreviation = non_empty(text),
        Field::Issn => b.journal.issn = non_empty(text),
        Field::Volume => b.journal.volume = non_empty(text),
        Field::Issue => b.journal.issue = non_empty(text),
        Field::Pages => b.journal.pages = non_empty(text),
        Field::Year => b.pub_date.year = text.trim().parse().ok(),
        Field::Month => b.pub_date.month = non_empty(text),
        Field::Day => b.pub_date.day = non_empty(text),
        Field::Season => b.pub_date.season = non_empty(text),
        Field::MedlineDate => b.pub_date.medline_date = non_empty(text),
        Field::LastName => set_author(b, |a| a.last_name = non_empty(text)),
        Field::ForeName => set_author(b, |a| a.fore_name = non_empty(text)),
        Field::Initials => set_author(b, |a| a.initials = non_empty(text)),
        Field::CollectiveName => set_author(b, |a| a.collective_name = non_empty(text)),
        Field::Descriptor { ui, major } => {
            if let Some(m) = &mut b.mesh {
                m.ui = ui;
                m.name = text;
                m.major = major;
            }
        }
        Field::Qualifier { ui, major } => {
            if let Some(m) = &mut b.mesh {
                m.qualifiers.push(MeshQualifier {
                    ui,
                    name: text,
                    major,
                });
            }
        }
        Field::Keyword { major } => {
            if !text.is_empty() {
                meta.keywords.push(Keyword {
                    text,
                    major,
                    owner: b.keyword_owner.clone(),
                });
            }
        }
        Field::RefSource => {
            if let Some(c) = &mut b.comment {
                c.ref_source = non_empty(text);
            }
        }
        Field::CommentPmid => {
            if let Some(c) = &mut b.comment {
                c.pmid = non_empty(text);
            }
        }
        Field::ArticleId { kind } => {
            if text.is_empty() {
                return;
            }
            match kind.as_str() {
                "pubmed" => {} // the PMID itself
                "doi" if meta.doi.is_none() => meta.doi = Some(text),
                "pmc" | "pmcid" if meta.pmcid.is_none() => meta.pmcid = Some(text),
                _ => {
                    let id = ArticleId { kind, value: text };
                    if !meta.other_ids.contains(&id) {
                        meta.other_ids.push(id);
                    }
                }
            }
        }
        Field::ElocationDoi => b.elocation_doi = non_empty(text),
        Field::PublicationStatus => meta.publication_status = non_empty(text),
        Field::BookTitle => b.book_title = non_empty(text),
    }
}

fn set_author(b: &mut Builder, f: impl FnOnce(&mut Author)) {
    if let Some(a) = &mut b.author {
        f(a);
    }
}

fn finish(mut b: Builder, raw: &RawRecord, context: &Context) -> ReadResult<Vec<Document>> {
    match b.record_tag {
        Some(Tag::DeleteCitation) => {
            return Ok(b
                .deleted
                .into_iter()
                .filter(|(pmid, _)| !pmid.is_empty())
                .map(|(pmid, version)| {
                    let mut doc = Document::tombstone(pmid.clone());
                    doc.meta.pmid = Some(pmid);
                    doc.meta.pmid_version = version;
                    doc
                })
                .collect());
        }
        Some(tag @ (Tag::PubmedArticle | Tag::PubmedBookArticle)) => {
            b.doc.meta.record_type = Some(
                if tag == Tag::PubmedArticle {
                    "PubmedArticle"
                } else {
                    "PubmedBookArticle"
                }
                .into(),
            );
        }
        _ => {
            return Err(ReadError::record(
                context.record_location(raw, None),
                ReadErrorKind::Format,
                "not a PubmedArticle, PubmedBookArticle or DeleteCitation element",
            ));
        }
    }
    let Some(pmid) = b.doc.meta.pmid.clone().filter(|p| !p.is_empty()) else {
        return Err(ReadError::record(
            context.record_location(raw, None),
            ReadErrorKind::Format,
            "record has no PMID",
        ));
    };
    b.doc.id = pmid;
    let meta = &mut b.doc.meta;
    if meta.doi.is_none() {
        meta.doi = b.elocation_doi.take();
    }
    if b.book_title.is_some() {
        b.journal.title = b.book_title.clone();
    }
    if b.journal != Journal::default() {
        meta.journal = Some(b.journal);
    }
    meta.year = b.pub_date.resolved_year();
    if b.pub_date != PubDate::default() {
        meta.pub_date = Some(b.pub_date);
    }
    let title = b.title.or(b.book_title).unwrap_or_default();
    let passages = &mut b.doc.passages;
    passages.push(Passage::new(PassageKind::Title, title));
    if let Some(v) = b.vernacular {
        passages.push(Passage::new(PassageKind::VernacularTitle, v));
    }
    passages.append(&mut b.abstracts);
    passages.append(&mut b.other_abstracts);
    Ok(vec![b.doc])
}
