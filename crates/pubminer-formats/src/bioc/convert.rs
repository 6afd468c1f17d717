//! From the BioC model to a [`Document`]: passage texts (rebuilt from sentences when a
//! passage has no text), annotations placed by converting document-level offsets to passage
//! byte ranges and checked against the text, and relations with their arguments.

use pubminer_core::{
    Argument, ArgumentTarget, Diagnostic, Document, Mention, OffsetIndex, Passage, PassageKind,
    Relation, Sentence, TextRange,
};

use super::ORIGIN;
use super::model::{BiocAnnotation, BiocDocument, BiocLocation, BiocRelation, infon_str};
use crate::annotation::{TextCheck, check_text, parse_identifier};
use crate::error::{ReadError, ReadErrorKind, ReadResult};
use crate::records::{Context, RawRecord};

/// The largest gap between sentences that is filled with spaces when a passage is rebuilt
/// from its sentences; larger gaps are reported, not allocated.
const MAX_SENTENCE_GAP: i64 = 10_000;

/// Infon keys that hold an annotation's concept id, in order of preference.
const IDENTIFIER_KEYS: &[&str] = &["identifier", "Identifier", "MESH", "NCBI Gene", "NCBI_Gene"];

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
            match expected.map(|t| check_text(&found, t)) {
                None | Some(TextCheck::Exact) => p,
                Some(TextCheck::Whitespace) => {
                    padded = true;
                    p
                }
                Some(TextCheck::Mismatch) => {
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
