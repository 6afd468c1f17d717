//! BioC XML and BioC JSON, including PubTator3's `{"PubTator3": [...]}` dialect.
//!
//! Both serialisations map onto one intermediate model ([`BiocDocument`]), and one
//! conversion turns it into a [`Document`]: annotation locations are document-level
//! character offsets, converted to passage byte ranges here and checked against the text.
//! Infons may hold any JSON value (PubTator3 puts objects, numbers and booleans there).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufReader, Read};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use pubminer_core::{
    Argument, ArgumentTarget, Diagnostic, Document, Infons, Location, Mention, OffsetIndex,
    OffsetUnit, Passage, PassageKind, Relation, Sentence, TextRange,
};
use quick_xml::Reader;
use quick_xml::events::Event;
use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

use crate::error::{ReadError, ReadErrorKind, ReadResult};
use crate::pubtator::{VecWriter, parse_identifier};
use crate::records::{Context, Pending, RawRecord};
use crate::sink::{DocEncoder, EncodeReport};
use crate::xml::{attr, escape, resolve_ref};

/// The origin recorded on annotations read from BioC.
pub const ORIGIN: &str = "input.bioc";

/// The record element of a BioC XML file.
pub(crate) const RECORD_ELEMENTS: &[&str] = &["document"];
/// The root element of a BioC XML file.
pub(crate) const ROOT_ELEMENT: &str = "collection";

/// The largest gap between sentences that is filled with spaces when a passage is rebuilt
/// from its sentences; larger gaps are reported, not allocated.
const MAX_SENTENCE_GAP: i64 = 10_000;

/// Infon keys that hold an annotation's concept id, in order of preference.
const IDENTIFIER_KEYS: &[&str] = &["identifier", "Identifier", "MESH", "NCBI Gene", "NCBI_Gene"];

fn de_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

fn de_offset<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => n
            .as_i64()
            .ok_or_else(|| serde::de::Error::custom("offset is not an integer")),
        serde_json::Value::String(s) => s
            .trim()
            .parse()
            .map_err(|_| serde::de::Error::custom(format!("offset {s:?} is not an integer"))),
        serde_json::Value::Null => Ok(0),
        other => Err(serde::de::Error::custom(format!(
            "offset {other} is not an integer"
        ))),
    }
}

fn de_infons<'de, D: Deserializer<'de>>(d: D) -> Result<Infons, D::Error> {
    Ok(Option::<Infons>::deserialize(d)?.unwrap_or_default())
}

fn de_vec<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A BioC document as serialised.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct BiocDocument {
    /// Document id.
    #[serde(default, deserialize_with = "de_id")]
    pub id: Option<String>,
    /// Key/values.
    #[serde(default, deserialize_with = "de_infons")]
    pub infons: Infons,
    /// Passages.
    #[serde(default, deserialize_with = "de_vec")]
    pub passages: Vec<BiocPassage>,
    /// Document-level annotations.
    #[serde(default, deserialize_with = "de_vec")]
    pub annotations: Vec<BiocAnnotation>,
    /// Document-level relations.
    #[serde(default, deserialize_with = "de_vec")]
    pub relations: Vec<BiocRelation>,
    /// Fields outside the BioC schema (PubTator3's `_id`, `pmid`, `journal`...).
    #[serde(flatten, skip_serializing)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// A BioC passage.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct BiocPassage {
    /// Key/values (`type`: title, abstract...).
    #[serde(default, deserialize_with = "de_infons")]
    pub infons: Infons,
    /// Document-level character offset of the passage.
    #[serde(default, deserialize_with = "de_offset")]
    pub offset: i64,
    /// The text (absent when the passage is given as sentences).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Sentences.
    #[serde(
        default,
        deserialize_with = "de_vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub sentences: Vec<BiocSentence>,
    /// Annotations.
    #[serde(default, deserialize_with = "de_vec")]
    pub annotations: Vec<BiocAnnotation>,
    /// Relations.
    #[serde(default, deserialize_with = "de_vec")]
    pub relations: Vec<BiocRelation>,
}

/// A BioC sentence.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct BiocSentence {
    /// Key/values.
    #[serde(default, deserialize_with = "de_infons")]
    pub infons: Infons,
    /// Document-level character offset.
    #[serde(default, deserialize_with = "de_offset")]
    pub offset: i64,
    /// Text.
    #[serde(default)]
    pub text: Option<String>,
    /// Annotations.
    #[serde(default, deserialize_with = "de_vec")]
    pub annotations: Vec<BiocAnnotation>,
    /// Relations.
    #[serde(default, deserialize_with = "de_vec")]
    pub relations: Vec<BiocRelation>,
}

/// A BioC annotation.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct BiocAnnotation {
    /// Annotation id.
    #[serde(default, deserialize_with = "de_id")]
    pub id: Option<String>,
    /// Key/values (`type`, `identifier`...).
    #[serde(default, deserialize_with = "de_infons")]
    pub infons: Infons,
    /// The annotated text.
    #[serde(default)]
    pub text: Option<String>,
    /// Locations (several for discontinuous mentions).
    #[serde(default, deserialize_with = "de_vec")]
    pub locations: Vec<BiocLocation>,
}

/// A location: document-level character offset and length.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct BiocLocation {
    /// Offset.
    #[serde(deserialize_with = "de_offset")]
    pub offset: i64,
    /// Length.
    #[serde(deserialize_with = "de_offset")]
    pub length: i64,
}

/// A BioC relation.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct BiocRelation {
    /// Relation id.
    #[serde(default, deserialize_with = "de_id")]
    pub id: Option<String>,
    /// Key/values.
    #[serde(default, deserialize_with = "de_infons")]
    pub infons: Infons,
    /// Nodes.
    #[serde(default, deserialize_with = "de_vec")]
    pub nodes: Vec<BiocNode>,
}

/// A relation node.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct BiocNode {
    /// Referenced annotation or relation id.
    #[serde(default)]
    pub refid: String,
    /// Role.
    #[serde(default)]
    pub role: String,
}

fn infon_str(infons: &Infons, key: &str) -> Option<String> {
    match infons.get(key)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// Converts a BioC document into a [`Document`], checking every annotation.
pub(crate) fn to_document(
    bioc: BiocDocument,
    raw: &RawRecord,
    context: &Context,
) -> ReadResult<Document> {
    let id = bioc
        .id
        .clone()
        .filter(|s| !s.is_empty())
        .or_else(|| {
            bioc.extra.get("pmid").and_then(|v| match v {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
        })
        .or_else(|| infon_str(&bioc.infons, "pmid"))
        .ok_or_else(|| {
            ReadError::record(
                context.record_location(raw, None),
                ReadErrorKind::Format,
                "BioC document has no id",
            )
        })?;
    let mut doc = Document::new(id.clone());
    doc.infons = bioc.infons;
    for (k, v) in bioc.extra {
        doc.infons.insert(k, v);
    }
    let location = context.record_location(raw, Some(&id));
    let unit = context.options.offset_unit;

    let mut owned_annotations: Vec<(Option<usize>, BiocAnnotation)> = Vec::new();
    let mut relations: Vec<BiocRelation> = bioc.relations;
    let mut passage_offsets: Vec<i64> = Vec::with_capacity(bioc.passages.len());
    for (p_index, bp) in bioc.passages.into_iter().enumerate() {
        let mut infons = bp.infons;
        let kind = infons.remove("type").map_or(PassageKind::Text, |v| {
            PassageKind::from_name(v.as_str().unwrap_or("text"))
        });
        let mut sentences = Vec::new();
        let text = match bp.text {
            Some(t) if !t.is_empty() || bp.sentences.is_empty() => t,
            _ => {
                // Rebuild the passage text from its sentences, spaces filling the gaps.
                let mut text = String::new();
                let mut chars = 0i64;
                for s in &bp.sentences {
                    let gap = s.offset.saturating_sub(bp.offset).saturating_sub(chars);
                    if !(0..=MAX_SENTENCE_GAP).contains(&gap) {
                        doc.diagnostics.push(
                            Diagnostic::warning(
                                "bioc.sentence_offset",
                                format!(
                                    "sentence at offset {} does not follow the previous one \
                                     (gap {gap}); placed one space after it",
                                    s.offset
                                ),
                            )
                            .at(location.clone()),
                        );
                    }
                    let gap = if (0..=MAX_SENTENCE_GAP).contains(&gap) {
                        gap
                    } else {
                        i64::from(!text.is_empty())
                    };
                    text.extend(std::iter::repeat_n(' ', gap as usize));
                    chars += gap;
                    let start = text.len();
                    let sentence_text = s.text.as_deref().unwrap_or("");
                    text.push_str(sentence_text);
                    chars += sentence_text.chars().count() as i64;
                    sentences.push(Sentence {
                        range: TextRange::try_new(start, text.len()).unwrap_or_default(),
                        infons: s.infons.clone(),
                    });
                }
                text
            }
        };
        for s in bp.sentences {
            owned_annotations.extend(s.annotations.into_iter().map(|a| (Some(p_index), a)));
            relations.extend(s.relations);
        }
        owned_annotations.extend(bp.annotations.into_iter().map(|a| (Some(p_index), a)));
        relations.extend(bp.relations);
        let mut passage = Passage::new(kind, text);
        passage.offset = u32::try_from(bp.offset).ok();
        passage.infons = infons;
        passage.sentences = sentences;
        passage_offsets.push(bp.offset);
        doc.passages.push(passage);
    }
    owned_annotations.extend(bioc.annotations.into_iter().map(|a| (None, a)));

    let indexes: Vec<OffsetIndex<'_>> = doc
        .passages
        .iter()
        .map(|p| OffsetIndex::new(p.text(), unit))
        .collect();
    let mut mentions = Vec::with_capacity(owned_annotations.len());
    let mut diagnostics = Vec::new();
    for (owner, a) in owned_annotations {
        match place_annotation(
            &doc.passages,
            &indexes,
            &passage_offsets,
            owner,
            &a,
            context,
        ) {
            Ok((mention, repaired, padded)) => {
                if padded {
                    diagnostics.push(
                        Diagnostic::info(
                            "annotation.text_whitespace",
                            format!(
                                "annotation {}: surrounding whitespace in its text ignored",
                                a.id.as_deref().unwrap_or("?")
                            ),
                        )
                        .at(location.clone()),
                    );
                }
                if repaired {
                    diagnostics.push(
                        Diagnostic::warning(
                            "annotation.offset_repaired",
                            format!(
                                "annotation {} {:?} moved to where its text is",
                                a.id.as_deref().unwrap_or("?"),
                                mention.text
                            ),
                        )
                        .at(location.clone()),
                    );
                }
                mentions.push(mention);
            }
            Err(problem) => diagnostics.push(
                Diagnostic::warning(
                    "annotation.text_mismatch",
                    format!(
                        "annotation {} {:?} at {:?} not used: {problem}",
                        a.id.as_deref().unwrap_or("?"),
                        a.text.as_deref().unwrap_or(""),
                        a.locations
                            .iter()
                            .map(|l| (l.offset, l.length))
                            .collect::<Vec<_>>()
                    ),
                )
                .at(location.clone()),
            ),
        }
    }
    drop(indexes);
    doc.mentions = mentions;
    doc.diagnostics.extend(diagnostics);
    doc.relations = relations.into_iter().map(to_relation).collect();
    Ok(doc)
}

fn place_annotation(
    passages: &[Passage],
    indexes: &[OffsetIndex<'_>],
    offsets: &[i64],
    owner: Option<usize>,
    a: &BiocAnnotation,
    context: &Context,
) -> Result<(Mention, bool, bool), String> {
    let Some(first) = a.locations.first() else {
        return Err("annotation has no location".into());
    };
    // Local start and end (in units) of a location within passage `p`, if it fits.
    let local = |p: usize, loc: &BiocLocation| -> Option<(usize, usize)> {
        let start = usize::try_from(loc.offset.checked_sub(offsets[p])?).ok()?;
        let end = start.checked_add(usize::try_from(loc.length).ok()?)?;
        (end <= indexes[p].len_units()).then_some((start, end))
    };
    let fits = |p: usize, loc: &BiocLocation| local(p, loc).is_some();
    let passage = match owner {
        Some(p) if fits(p, first) => Some(p),
        _ => (0..passages.len())
            .rev()
            .find(|&p| offsets[p] <= first.offset && fits(p, first)),
    };
    let expected = a.text.as_deref();
    let mut repaired = false;
    let mut padded = false;
    let slice = |p: usize, loc: &BiocLocation| -> Option<TextRange> {
        let (start, end) = local(p, loc)?;
        TextRange::try_new(indexes[p].to_byte(start)?, indexes[p].to_byte(end)?)
    };
    let mut ranges = Vec::with_capacity(a.locations.len());
    let passage = match passage {
        Some(p) => {
            for loc in &a.locations {
                ranges.push(
                    slice(p, loc)
                        .ok_or("a location lies outside the passage or inside a character")?,
                );
            }
            let text = passages[p].text();
            let found = ranges
                .iter()
                .map(|r| &text[r.to_range()])
                .collect::<Vec<_>>()
                .join(" ");
            match expected.map(|t| crate::check_text(&found, t)) {
                None | Some(crate::TextCheck::Exact) => p,
                Some(crate::TextCheck::Whitespace) => {
                    padded = true;
                    p
                }
                Some(crate::TextCheck::Mismatch) => {
                    let t = expected.unwrap_or_default();
                    let target = owner.unwrap_or(p);
                    let fixed = (a.locations.len() == 1)
                        .then(|| repair_in(passages[target].text(), t.trim(), context))
                        .flatten()
                        .ok_or_else(|| format!("the text there is {found:?}"))?;
                    repaired = true;
                    ranges = vec![fixed];
                    target
                }
            }
        }
        None => {
            let problem = format!(
                "offset {}+{} lies outside every passage",
                first.offset, first.length
            );
            let (Some(target), Some(t), 1) = (owner, expected, a.locations.len()) else {
                return Err(problem);
            };
            let fixed = repair_in(passages[target].text(), t.trim(), context).ok_or(problem)?;
            repaired = true;
            ranges.push(fixed);
            target
        }
    };
    let range = ranges[0];
    let fragments = ranges[1..].to_vec();
    let mut infons = a.infons.clone();
    let entity_type = infons
        .remove("type")
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
        .unwrap_or_default();
    let identifier = IDENTIFIER_KEYS.iter().find_map(|k| infon_str(&infons, k));
    let (links, nil) = identifier
        .as_deref()
        .map_or((Vec::new(), false), |i| parse_identifier(i, ORIGIN));
    let text = passages[passage].text()[range.to_range()].to_owned();
    Ok((
        Mention {
            passage: passage as u32,
            range,
            text: if a.locations.len() == 1 {
                text
            } else {
                expected.map_or(text, str::to_owned)
            },
            entity_type,
            id: a.id.clone(),
            identifier,
            links,
            nil,
            fragments,
            origin: ORIGIN.to_owned(),
            infons,
            ..Mention::default()
        },
        repaired,
        padded,
    ))
}

fn repair_in(text: &str, expected: &str, context: &Context) -> Option<TextRange> {
    if !context.options.repair_offsets || expected.is_empty() {
        return None;
    }
    let mut hits = text.match_indices(expected);
    match (hits.next(), hits.next()) {
        (Some((at, _)), None) => TextRange::try_new(at, at + expected.len()),
        _ => None,
    }
}

/// Infon keys that describe a relation rather than name an argument.
const RELATION_META_KEYS: &[&str] = &[
    "type",
    "relation",
    "novel",
    "Novel",
    "score",
    "novelty",
    "directionality",
];

fn to_relation(r: BiocRelation) -> Relation {
    let relation_type = infon_str(&r.infons, "type")
        .or_else(|| infon_str(&r.infons, "relation"))
        .unwrap_or_else(|| "relation".into());
    let mut arguments: Vec<Argument> = r
        .nodes
        .iter()
        .map(|n| Argument {
            role: n.role.clone(),
            target: ArgumentTarget::Ref(n.refid.clone()),
        })
        .collect();
    if arguments.is_empty() {
        // PubTator3 (`role1`/`role2` objects) and BC5CDR (`Chemical`/`Disease` strings)
        // name concept arguments in infons.
        for (key, value) in &r.infons {
            if RELATION_META_KEYS.contains(&key.as_str()) {
                continue;
            }
            let concept = match value {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Object(o) => o
                    .get("identifier")
                    .and_then(|v| v.as_str())
                    .map(str::to_owned),
                _ => None,
            };
            if let Some(concept) = concept {
                arguments.push(Argument {
                    role: key.clone(),
                    target: ArgumentTarget::Concept(concept),
                });
            }
        }
    }
    Relation {
        id: r.id,
        relation_type,
        arguments,
        origin: ORIGIN.to_owned(),
        infons: r.infons,
        ..Relation::default()
    }
}

// ---------------------------------------------------------------------------------------
// BioC XML reading

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
            context.location_in(raw, None, at),
            ReadErrorKind::Xml,
            message,
        )
    })?;
    Ok(vec![to_document(bioc, raw, context)?])
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

// ---------------------------------------------------------------------------------------
// BioC JSON reading: a streaming walk over the collection on its own thread

/// Byte and line counters behind serde_json, which reads one byte at a time.
struct CountingBytes<R> {
    inner: R,
    bytes: Arc<std::sync::atomic::AtomicU64>,
    lines: Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for CountingBytes<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::sync::atomic::Ordering::Relaxed;
        let n = self.inner.read(buf)?;
        self.bytes.fetch_add(n as u64, Relaxed);
        let newlines = buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        if newlines > 0 {
            self.lines.fetch_add(newlines, Relaxed);
        }
        Ok(n)
    }
}

type Sender = SyncSender<ReadResult<RawRecord>>;

struct Walker {
    tx: Sender,
    bytes: Arc<std::sync::atomic::AtomicU64>,
    lines: Arc<std::sync::atomic::AtomicU64>,
    ordinal: std::cell::Cell<u64>,
}

impl Walker {
    fn position(&self) -> (u64, u64) {
        use std::sync::atomic::Ordering::Relaxed;
        (self.bytes.load(Relaxed), self.lines.load(Relaxed) + 1)
    }

    fn send(&self, raw: &RawValue, offset: u64, line: u64) -> bool {
        self.ordinal.set(self.ordinal.get() + 1);
        self.tx
            .send(Ok(RawRecord {
                bytes: raw.get().as_bytes().to_vec(),
                ordinal: self.ordinal.get(),
                offset,
                line,
            }))
            .is_ok()
    }
}

struct DocumentSeq<'w>(&'w Walker);

impl<'de> Visitor<'de> for DocumentSeq<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of BioC documents")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            let (offset, line) = self.0.position();
            let Some(raw) = seq.next_element::<Box<RawValue>>()? else {
                return Ok(());
            };
            if !self.0.send(&raw, offset, line) {
                return Err(serde::de::Error::custom("reader closed"));
            }
        }
    }
}

impl<'de> DeserializeSeed<'de> for DocumentSeq<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

struct Collection<'w>(&'w Walker);

impl<'de> Visitor<'de> for Collection<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a BioC collection, a PubTator3 result, an array of documents or one document")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        DocumentSeq(self.0).visit_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut single: serde_json::Map<String, serde_json::Value> = serde_json::Map::new();
        let mut saw_documents = false;
        while let Some(key) = map.next_key::<String>()? {
            if matches!(key.as_str(), "documents" | "PubTator3") {
                saw_documents = true;
                map.next_value_seed(DocumentSeq(self.0))?;
            } else {
                // Collection header fields, or the fields of a single bare document.
                let value: serde_json::Value = map.next_value()?;
                single.insert(key, value);
            }
        }
        if !saw_documents && single.contains_key("passages") {
            let text = serde_json::to_string(&single).map_err(serde::de::Error::custom)?;
            let raw = RawValue::from_string(text).map_err(serde::de::Error::custom)?;
            self.0.send(&raw, 0, 1);
        } else if !saw_documents {
            return Err(serde::de::Error::custom(
                "no \"documents\" (BioC), \"PubTator3\" or \"passages\" (single document) key",
            ));
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Collection<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

/// Streams the documents of a BioC JSON input, walking the collection on a thread.
/// Dropping the splitter closes the channel, which stops the walk, and joins the thread.
pub(crate) struct JsonSplitter {
    rx: Option<Receiver<ReadResult<RawRecord>>>,
    walker: Option<std::thread::JoinHandle<()>>,
    context: Arc<Context>,
}

impl Drop for JsonSplitter {
    fn drop(&mut self) {
        drop(self.rx.take());
        if let Some(handle) = self.walker.take() {
            let _ = handle.join();
        }
    }
}

impl JsonSplitter {
    pub(crate) fn new(reader: Box<dyn Read + Send>, context: Arc<Context>) -> Self {
        let (tx, rx) = sync_channel(64);
        let thread_context = Arc::clone(&context);
        let walker = std::thread::spawn(move || {
            let bytes = Arc::new(std::sync::atomic::AtomicU64::new(0));
            let lines = Arc::new(std::sync::atomic::AtomicU64::new(0));
            let counting = CountingBytes {
                inner: BufReader::with_capacity(1 << 16, reader),
                bytes: Arc::clone(&bytes),
                lines: Arc::clone(&lines),
            };
            let walker = Walker {
                tx: tx.clone(),
                bytes,
                lines,
                ordinal: std::cell::Cell::new(0),
            };
            let mut de = serde_json::Deserializer::from_reader(counting);
            let result = Collection(&walker)
                .deserialize(&mut de)
                .and_then(|()| de.end());
            if let Err(err) = result {
                if err.to_string().contains("reader closed") {
                    return;
                }
                let (byte, _) = walker.position();
                let (kind, message) = if err.is_eof() && byte == 0 {
                    (ReadErrorKind::Empty, "file is empty".to_owned())
                } else if err.is_io() {
                    (
                        ReadErrorKind::Gzip,
                        format!("compressed stream is corrupt or truncated ({err})"),
                    )
                } else {
                    (ReadErrorKind::Json, format!("malformed BioC JSON: {err}"))
                };
                let location = Location {
                    line: (err.line() > 0).then_some(err.line() as u64),
                    byte: Some(byte),
                    record: (walker.ordinal.get() > 0)
                        .then(|| format!("after record #{}", walker.ordinal.get())),
                    ..thread_context.location()
                };
                let _ = tx.send(Err(ReadError::fatal(location, kind, message)));
            }
        });
        Self {
            rx: Some(rx),
            walker: Some(walker),
            context,
        }
    }
}

impl Iterator for JsonSplitter {
    type Item = ReadResult<Pending>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.rx.as_ref()?.recv().ok()?;
        Some(item.map(|raw| Pending::parse(raw, Arc::clone(&self.context))))
    }
}

/// Parses one BioC JSON document.
pub(crate) fn parse_json(raw: &RawRecord, context: &Context) -> ReadResult<Vec<Document>> {
    let bioc: BiocDocument = serde_json::from_slice(&raw.bytes).map_err(|e| {
        ReadError::record(
            Location {
                line: Some(raw.line + e.line().saturating_sub(1) as u64),
                ..context.record_location(raw, None)
            },
            ReadErrorKind::Json,
            format!("not a BioC document: {e}"),
        )
    })?;
    Ok(vec![to_document(bioc, raw, context)?])
}

// ---------------------------------------------------------------------------------------
// Writing

/// Converts a [`Document`] to the BioC model. Passage offsets are kept when the document
/// came from BioC; otherwise they follow PubTator's convention (passages joined by one
/// space). Returns the mentions that could not be placed.
#[must_use]
pub fn from_document(doc: &Document) -> (BiocDocument, EncodeReport) {
    let mut report = EncodeReport::default();
    let mut passages = Vec::with_capacity(doc.passages.len());
    let mut next_offset = 0i64;
    let mut offsets = Vec::with_capacity(doc.passages.len());
    for p in &doc.passages {
        let offset = p.offset.map_or(next_offset, i64::from);
        let chars = p.text().chars().count() as i64;
        next_offset = offset + chars + 1;
        offsets.push(offset);
        let mut infons = p.infons.clone();
        infons.insert("type".into(), p.kind.as_str().into());
        if let Some(l) = &p.label {
            infons
                .entry("section_label".into())
                .or_insert_with(|| l.clone().into());
        }
        if let Some(c) = &p.nlm_category {
            infons
                .entry("nlm_category".into())
                .or_insert_with(|| c.clone().into());
        }
        if let Some(l) = &p.language {
            infons
                .entry("language".into())
                .or_insert_with(|| l.clone().into());
        }
        passages.push(BiocPassage {
            infons,
            offset,
            text: Some(p.text().to_owned()),
            ..BiocPassage::default()
        });
    }
    let mut next_id = 0usize;
    // One character index per passage, built when a mention first needs it.
    let mut indexes: Vec<Option<OffsetIndex>> = Vec::new();
    indexes.resize_with(doc.passages.len(), || None);
    for m in &doc.mentions {
        let Some(passage) = doc.passages.get(m.passage as usize) else {
            report.omitted_mentions += 1;
            continue;
        };
        let index = indexes[m.passage as usize]
            .get_or_insert_with(|| OffsetIndex::new(passage.text(), OffsetUnit::Char));
        let base = offsets[m.passage as usize];
        let mut locations = Vec::with_capacity(1 + m.fragments.len());
        for r in std::iter::once(&m.range).chain(&m.fragments) {
            if let (Some(s), Some(e)) = (
                index.from_byte(r.start() as usize),
                index.from_byte(r.end() as usize),
            ) {
                locations.push(BiocLocation {
                    offset: base + s as i64,
                    length: (e - s) as i64,
                });
            }
        }
        if locations.len() != 1 + m.fragments.len() {
            report.omitted_mentions += 1;
            continue;
        }
        let mut infons = m.infons.clone();
        infons.insert("type".into(), m.entity_type.clone().into());
        if let Some(identifier) = m.rendered_identifier() {
            let already = infons
                .values()
                .any(|v| v.as_str() == Some(identifier.as_str()));
            if !already {
                infons.insert("identifier".into(), identifier.into());
            }
        }
        if let Some(c) = &m.composite {
            infons
                .entry("composite".into())
                .or_insert_with(|| c.clone().into());
        }
        next_id += 1;
        passages[m.passage as usize]
            .annotations
            .push(BiocAnnotation {
                id: Some(m.id.clone().unwrap_or_else(|| format!("T{next_id}"))),
                infons,
                text: Some(m.text.clone()),
                locations,
            });
    }
    let relations = doc
        .relations
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut infons = r.infons.clone();
            infons
                .entry("type".into())
                .or_insert_with(|| r.relation_type.clone().into());
            let mut nodes = Vec::new();
            for a in &r.arguments {
                match &a.target {
                    ArgumentTarget::Ref(id) => nodes.push(BiocNode {
                        refid: id.clone(),
                        role: a.role.clone(),
                    }),
                    ArgumentTarget::Concept(c) => {
                        infons
                            .entry(a.role.clone())
                            .or_insert_with(|| c.clone().into());
                    }
                }
            }
            for (j, extra) in r.extra.iter().enumerate() {
                infons
                    .entry(format!("extra{}", j + 1))
                    .or_insert_with(|| extra.clone().into());
            }
            BiocRelation {
                id: Some(r.id.clone().unwrap_or_else(|| format!("R{}", i + 1))),
                infons,
                nodes,
            }
        })
        .collect();
    let mut infons = doc.infons.clone();
    if let Some(pmid) = &doc.meta.pmid {
        infons
            .entry("pmid".into())
            .or_insert_with(|| pmid.clone().into());
    }
    (
        BiocDocument {
            id: Some(doc.id.clone()),
            infons,
            passages,
            annotations: Vec::new(),
            relations,
            extra: BTreeMap::new(),
        },
        report,
    )
}

/// Writes BioC XML.
#[derive(Debug, Clone)]
pub struct BiocXmlEncoder {
    /// `<source>` of the collection.
    pub source: String,
}

impl Default for BiocXmlEncoder {
    fn default() -> Self {
        Self {
            source: "pubminer".into(),
        }
    }
}

fn xml_infons(out: &mut String, infons: &Infons, indent: &str) {
    for (k, v) in infons {
        let value = match v {
            serde_json::Value::String(s) => std::borrow::Cow::Borrowed(s.as_str()),
            other => std::borrow::Cow::Owned(other.to_string()),
        };
        let _ = writeln!(
            out,
            "{indent}<infon key=\"{}\">{}</infon>",
            escape(k),
            escape(&value)
        );
    }
}

impl DocEncoder for BiocXmlEncoder {
    fn header(&self) -> Vec<u8> {
        format!(
            "<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE collection SYSTEM 'BioC.dtd'>\n<collection>\n  <source>{}</source>\n  <date></date>\n  <key>pubminer.key</key>\n",
            escape(&self.source)
        )
        .into_bytes()
    }

    fn footer(&self) -> Vec<u8> {
        b"</collection>\n".to_vec()
    }

    fn encode(&self, doc: &Document, out: &mut Vec<u8>) -> EncodeReport {
        if doc.deleted {
            return EncodeReport {
                omitted_documents: 1,
                ..EncodeReport::default()
            };
        }
        let (bioc, report) = from_document(doc);
        let mut s = String::with_capacity(4096);
        let _ = writeln!(
            s,
            "  <document>\n    <id>{}</id>",
            escape(bioc.id.as_deref().unwrap_or(""))
        );
        xml_infons(&mut s, &bioc.infons, "    ");
        for p in &bioc.passages {
            s.push_str("    <passage>\n");
            xml_infons(&mut s, &p.infons, "      ");
            let _ = writeln!(s, "      <offset>{}</offset>", p.offset);
            let _ = writeln!(
                s,
                "      <text>{}</text>",
                escape(p.text.as_deref().unwrap_or(""))
            );
            for a in &p.annotations {
                let _ = writeln!(
                    s,
                    "      <annotation id=\"{}\">",
                    escape(a.id.as_deref().unwrap_or(""))
                );
                xml_infons(&mut s, &a.infons, "        ");
                for l in &a.locations {
                    let _ = writeln!(
                        s,
                        "        <location offset=\"{}\" length=\"{}\"/>",
                        l.offset, l.length
                    );
                }
                let _ = writeln!(
                    s,
                    "        <text>{}</text>",
                    escape(a.text.as_deref().unwrap_or(""))
                );
                s.push_str("      </annotation>\n");
            }
            s.push_str("    </passage>\n");
        }
        for r in &bioc.relations {
            let _ = writeln!(
                s,
                "    <relation id=\"{}\">",
                escape(r.id.as_deref().unwrap_or(""))
            );
            xml_infons(&mut s, &r.infons, "      ");
            for n in &r.nodes {
                let _ = writeln!(
                    s,
                    "      <node refid=\"{}\" role=\"{}\"/>",
                    escape(&n.refid),
                    escape(&n.role)
                );
            }
            s.push_str("    </relation>\n");
        }
        s.push_str("  </document>\n");
        out.extend_from_slice(s.as_bytes());
        report
    }
}

/// Writes a BioC JSON collection.
#[derive(Debug, Clone)]
pub struct BiocJsonEncoder {
    /// `source` of the collection.
    pub source: String,
}

impl Default for BiocJsonEncoder {
    fn default() -> Self {
        Self {
            source: "pubminer".into(),
        }
    }
}

impl DocEncoder for BiocJsonEncoder {
    fn header(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let _ = writeln!(
            VecWriter(&mut out),
            "{{\"source\":{},\"date\":\"\",\"key\":\"pubminer.key\",\"infons\":{{}},\"documents\":[",
            serde_json::Value::from(self.source.as_str())
        );
        out
    }

    fn separator(&self) -> &'static [u8] {
        b",\n"
    }

    fn footer(&self) -> Vec<u8> {
        b"\n]}\n".to_vec()
    }

    fn encode(&self, doc: &Document, out: &mut Vec<u8>) -> EncodeReport {
        if doc.deleted {
            return EncodeReport {
                omitted_documents: 1,
                ..EncodeReport::default()
            };
        }
        let (bioc, report) = from_document(doc);
        serde_json::to_writer(&mut *out, &bioc).expect("BioC documents serialise");
        report
    }
}
