//! BioC XML reading: one `<document>` record, cut from the stream by the XML splitter, read
//! into the BioC model with quick-xml.

use pubminer_core::Document;
use quick_xml::Reader;
use quick_xml::events::Event;

use super::convert::to_document;
use super::model::{
    BiocAnnotation, BiocDocument, BiocLocation, BiocNode, BiocPassage, BiocRelation, BiocSentence,
};
use crate::error::{ReadError, ReadErrorKind, ReadResult};
use crate::records::{Context, RawRecord};
use crate::xml::{attr, resolve_ref};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Document,
    Passage,
    Sentence,
    Annotation,
    Relation,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TextField {
    Id,
    Offset,
    Text,
    Infon,
}

/// Parses one BioC XML `<document>` record.
pub(crate) fn parse_xml(raw: &RawRecord, context: &Context) -> ReadResult<Vec<Document>> {
    let text = context.utf8(raw)?;
    let bioc = read_xml_document(text).map_err(|(at, message)| {
        ReadError::record(
            context.location_in(raw, peek_id(text, at), at),
            ReadErrorKind::Xml,
            message,
        )
    })?;
    Ok(vec![to_document(bioc, raw, context)?])
}

/// The document's `<id>` (the only `id` element in BioC: annotations and relations have `id`
/// attributes) when it comes before `end`, where the XML broke, so the error names it.
fn peek_id(text: &str, end: usize) -> Option<&str> {
    let head = text.get(..end)?;
    let start = head.find("<id>")? + "<id>".len();
    let len = head[start..].find("</id>")?;
    Some(head[start..start + len].trim()).filter(|id| !id.is_empty())
}

fn read_xml_document(text: &str) -> Result<BiocDocument, (usize, String)> {
    let mut reader = Reader::from_str(text);
    let mut doc = BiocDocument::default();
    let mut levels: Vec<Level> = Vec::new();
    let mut capture: Option<(TextField, String, Option<String>)> = None;
    loop {
        let pos = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| {
            (
                reader.error_position() as usize,
                format!("malformed XML: {e}"),
            )
        })?;
        let err = |m: String| (pos, m);
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.name().0;
                match name {
                    "document" => levels.push(Level::Document),
                    "passage" => {
                        doc.passages.push(BiocPassage::default());
                        levels.push(Level::Passage);
                    }
                    "sentence" => {
                        let p = doc
                            .passages
                            .last_mut()
                            .ok_or_else(|| err("<sentence> outside a passage".into()))?;
                        p.sentences.push(BiocSentence::default());
                        levels.push(Level::Sentence);
                    }
                    "annotation" => {
                        let a = BiocAnnotation {
                            id: attr(e, "id").map_err(err)?,
                            ..BiocAnnotation::default()
                        };
                        annotations_at(&mut doc, &levels)
                            .ok_or_else(|| err(MISPLACED.into()))?
                            .push(a);
                        levels.push(Level::Annotation);
                    }
                    "relation" => {
                        let r = BiocRelation {
                            id: attr(e, "id").map_err(err)?,
                            ..BiocRelation::default()
                        };
                        relations_at(&mut doc, &levels)
                            .ok_or_else(|| err(MISPLACED.into()))?
                            .push(r);
                        levels.push(Level::Relation);
                    }
                    "location" => {
                        let parse = |k: &str| -> Result<i64, (usize, String)> {
                            attr(e, k)
                                .map_err(err)?
                                .ok_or_else(|| err(format!("<location> without {k}")))?
                                .trim()
                                .parse()
                                .map_err(|_| err(format!("<location> {k} is not an integer")))
                        };
                        let loc = BiocLocation {
                            offset: parse("offset")?,
                            length: parse("length")?,
                        };
                        current_annotation(&mut doc, &levels)
                            .ok_or_else(|| err("<location> outside an annotation".into()))?
                            .locations
                            .push(loc);
                    }
                    "node" => {
                        let node = BiocNode {
                            refid: attr(e, "refid").map_err(err)?.unwrap_or_default(),
                            role: attr(e, "role").map_err(err)?.unwrap_or_default(),
                        };
                        current_relation(&mut doc, &levels)
                            .ok_or_else(|| err("<node> outside a relation".into()))?
                            .nodes
                            .push(node);
                    }
                    "id" | "offset" | "text" | "infon" if !empty => {
                        let field = match name {
                            "id" => TextField::Id,
                            "offset" => TextField::Offset,
                            "text" => TextField::Text,
                            _ => TextField::Infon,
                        };
                        let key = if field == TextField::Infon {
                            attr(e, "key").map_err(err)?
                        } else {
                            None
                        };
                        capture = Some((field, String::new(), key));
                    }
                    "infon" | "text" => {
                        // `<infon key="k"/>` and `<text/>`: empty values.
                        let key = attr(e, "key").map_err(err)?;
                        store_xml_field(
                            &mut doc,
                            &levels,
                            if name == "text" {
                                TextField::Text
                            } else {
                                TextField::Infon
                            },
                            String::new(),
                            key,
                        )
                        .map_err(err)?;
                    }
                    _ => {}
                }
                if empty
                    && matches!(
                        name,
                        "document" | "passage" | "sentence" | "annotation" | "relation"
                    )
                {
                    levels.pop();
                }
            }
            Event::End(e) => match e.name().0 {
                "document" | "passage" | "sentence" | "annotation" | "relation" => {
                    levels.pop();
                }
                "id" | "offset" | "text" | "infon" => {
                    if let Some((field, value, key)) = capture.take() {
                        store_xml_field(&mut doc, &levels, field, value, key).map_err(err)?;
                    }
                }
                _ => {}
            },
            Event::Text(t) => {
                if let Some((_, value, _)) = &mut capture {
                    value.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some((_, value, _)) = &mut capture {
                    value.push_str(&t);
                }
            }
            Event::GeneralRef(r) => {
                let resolved = resolve_ref(&r).map_err(err)?;
                if let Some((_, value, _)) = &mut capture {
                    value.push_str(&resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !levels.is_empty() {
        return Err((
            text.len(),
            "record ends before its elements are closed".into(),
        ));
    }
    Ok(doc)
}

/// A `<passage>` nested in a sentence (or an annotation, a relation) leaves the open sentence
/// in an earlier passage than the last one: what follows has no place.
const MISPLACED: &str = "element in a <sentence> after a <passage> nested in it";

fn annotations_at<'d>(
    doc: &'d mut BiocDocument,
    levels: &[Level],
) -> Option<&'d mut Vec<BiocAnnotation>> {
    Some(match levels.last() {
        Some(Level::Passage) => &mut doc.passages.last_mut()?.annotations,
        Some(Level::Sentence) => &mut doc.passages.last_mut()?.sentences.last_mut()?.annotations,
        _ => &mut doc.annotations,
    })
}

fn relations_at<'d>(
    doc: &'d mut BiocDocument,
    levels: &[Level],
) -> Option<&'d mut Vec<BiocRelation>> {
    Some(match levels.last() {
        Some(Level::Passage) => &mut doc.passages.last_mut()?.relations,
        Some(Level::Sentence) => &mut doc.passages.last_mut()?.sentences.last_mut()?.relations,
        _ => &mut doc.relations,
    })
}

fn current_annotation<'d>(
    doc: &'d mut BiocDocument,
    levels: &[Level],
) -> Option<&'d mut BiocAnnotation> {
    if levels.last() != Some(&Level::Annotation) {
        return None;
    }
    annotations_at(doc, &levels[..levels.len() - 1])?.last_mut()
}

fn current_relation<'d>(
    doc: &'d mut BiocDocument,
    levels: &[Level],
) -> Option<&'d mut BiocRelation> {
    if levels.last() != Some(&Level::Relation) {
        return None;
    }
    relations_at(doc, &levels[..levels.len() - 1])?.last_mut()
}

fn store_xml_field(
    doc: &mut BiocDocument,
    levels: &[Level],
    field: TextField,
    value: String,
    key: Option<String>,
) -> Result<(), String> {
    let parse_offset = |v: &str| {
        v.trim()
            .parse::<i64>()
            .map_err(|_| format!("<offset> {v:?} is not an integer"))
    };
    let level = levels.last().copied();
    match (field, level) {
        (TextField::Id, Some(Level::Document)) => doc.id = Some(value.trim().to_owned()),
        (TextField::Infon, Some(level)) => {
            let key = key.ok_or("<infon> without a key")?;
            let value = serde_json::Value::String(value);
            let infons = match level {
                Level::Document => &mut doc.infons,
                Level::Passage => &mut doc.passages.last_mut().ok_or("no passage")?.infons,
                Level::Sentence => {
                    &mut doc
                        .passages
                        .last_mut()
                        .and_then(|p| p.sentences.last_mut())
                        .ok_or("no sentence")?
                        .infons
                }
                Level::Annotation => {
                    &mut current_annotation(doc, levels)
                        .ok_or("no annotation")?
                        .infons
                }
                Level::Relation => &mut current_relation(doc, levels).ok_or("no relation")?.infons,
            };
            infons.insert(key, value);
        }
        (TextField::Offset, Some(Level::Passage)) => {
            doc.passages.last_mut().ok_or("no passage")?.offset = parse_offset(&value)?;
        }
        (TextField::Offset, Some(Level::Sentence)) => {
            doc.passages
                .last_mut()
                .and_then(|p| p.sentences.last_mut())
                .ok_or("no sentence")?
                .offset = parse_offset(&value)?;
        }
        (TextField::Text, Some(Level::Passage)) => {
            doc.passages.last_mut().ok_or("no passage")?.text = Some(value)
        }
        (TextField::Text, Some(Level::Sentence)) => {
            doc.passages
                .last_mut()
                .and_then(|p| p.sentences.last_mut())
                .ok_or("no sentence")?
                .text = Some(value);
        }
        (TextField::Text, Some(Level::Annotation)) => {
            current_annotation(doc, levels).ok_or("no annotation")?.text = Some(value);
        }
        _ => {} // collection-level fields are handled in the prologue
    }
    Ok(())
}
