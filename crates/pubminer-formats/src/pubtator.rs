//! PubTator: `PMID|t|title`, `PMID|a|abstract`, tab-separated mention lines
//! (`PMID start end text type [identifier [composite texts]]`) and relation lines
//! (`PMID type id1 id2 [more]`), records separated by a blank line.
//!
//! Offsets count characters of `title + " " + abstract` (more generally, of all text lines
//! joined by one space). They are converted to per-passage byte ranges here and nowhere
//! else, and each mention's text is checked against the passage text.

use std::fmt::Write as _;

use pubminer_core::{
    Argument, ArgumentTarget, Diagnostic, Document, Mention, OffsetIndex, Passage, PassageKind,
    Relation,
};

use crate::ReadOptions;
pub use crate::annotation::parse_identifier;
use crate::annotation::{TextCheck, check_text};
use crate::encode::{DocEncoder, EncodeReport, VecWriter};
use crate::error::{ReadError, ReadErrorKind, ReadResult};
use crate::records::{Context, RawRecord};

/// The origin recorded on annotations read from PubTator.
pub const ORIGIN: &str = "input.pubtator";

/// Splits a text line `PMID|k|text` into its parts.
fn text_line(line: &str) -> Option<(&str, &str, &str)> {
    let (id, rest) = line.split_once('|')?;
    let (kind, text) = rest.split_once('|')?;
    (!id.is_empty() && !id.contains('\t') && !kind.is_empty() && !kind.contains('\t'))
        .then_some((id, kind, text))
}

struct PendingMention<'a> {
    line: u64,
    start: usize,
    end: usize,
    columns: Vec<&'a str>,
}

/// Parses one PubTator record (a block of lines).
pub(crate) fn parse(raw: &RawRecord, context: &Context) -> ReadResult<Vec<Document>> {
    let text = context.utf8(raw)?;
    let mut doc = Document::default();
    let mut pending: Vec<PendingMention<'_>> = Vec::new();
    let mut byte = 0usize;
    for (this_line, line) in (raw.line..).zip(text.split_inclusive('\n')) {
        let this_byte = byte;
        byte += line.len();
        let line = line.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            continue;
        }
        // Every PubTator line starts with its PMID: a line before the record's first text
        // line still names the document.
        let location = || {
            let id = if doc.id.is_empty() {
                line.split(['|', '\t']).next().unwrap_or_default()
            } else {
                &doc.id
            };
            context.location_in(raw, Some(id), this_byte)
        };
        if let Some((id, kind, body)) = text_line(line) {
            if doc.id.is_empty() {
                doc.id = id.to_owned();
            } else if doc.id != id {
                doc.diagnostics.push(
                    Diagnostic::warning(
                        "pubtator.id_mismatch",
                        format!("text line for {id} inside the record of {}", doc.id),
                    )
                    .at(location()),
                );
            }
            let kind = match kind {
                "t" => PassageKind::Title,
                "a" => PassageKind::Abstract,
                other => PassageKind::Other(other.to_owned()),
            };
            doc.passages.push(Passage::new(kind, body));
            continue;
        }
        let columns: Vec<&str> = line.split('\t').collect();
        if is_mention_shaped(&columns)
            && !(columns[1].parse::<usize>().is_ok() && columns[2].parse::<usize>().is_ok())
        {
            return Err(ReadError::record(
                location(),
                ReadErrorKind::Format,
                format!(
                    "line {this_line}: mention offsets {:?} and {:?} are not character offsets \
                     (non-negative integers)",
                    truncate(columns[1], 24),
                    truncate(columns[2], 24)
                ),
            ));
        }
        if columns.len() >= 5
            && let (Ok(start), Ok(end)) = (columns[1].parse::<usize>(), columns[2].parse::<usize>())
        {
            if doc.id.is_empty() {
                doc.id = columns[0].to_owned();
            }
            pending.push(PendingMention {
                line: this_line,
                start,
                end,
                columns,
            });
            continue;
        }
        if columns.len() >= 4 && !columns[1].is_empty() {
            if doc.id.is_empty() {
                doc.id = columns[0].to_owned();
            }
            doc.relations.push(Relation {
                relation_type: columns[1].to_owned(),
                arguments: columns[2..4]
                    .iter()
                    .enumerate()
                    .map(|(i, c)| Argument {
                        role: format!("arg{}", i + 1),
                        target: ArgumentTarget::Concept((*c).to_owned()),
                    })
                    .collect(),
                extra: columns[4..].iter().map(|c| (*c).to_owned()).collect(),
                origin: ORIGIN.to_owned(),
                ..Relation::default()
            });
            continue;
        }
        return Err(ReadError::record(
            location(),
            ReadErrorKind::Format,
            format!(
                "line {this_line} is neither a `PMID|t|`/`PMID|a|` text line, a mention line \
                 (PMID, start, end, text, type[, id]) nor a relation line: {:?}",
                truncate(line, 80)
            ),
        ));
    }
    if doc.id.is_empty() {
        return Err(ReadError::record(
            context.record_location(raw, None),
            ReadErrorKind::Format,
            "record has no id",
        ));
    }
    if doc.passages.is_empty() && !pending.is_empty() {
        return Err(ReadError::record(
            context.record_location(raw, Some(&doc.id)),
            ReadErrorKind::Format,
            "mention lines without any `|t|` or `|a|` text line",
        ));
    }
    place_mentions(&mut doc, pending, raw, context);
    Ok(vec![doc])
}

/// A line laid out as a mention (`PMID, start, end, text, type[, id]`) rather than a
/// relation (`PMID, type, id1, id2[, novelty]`): six columns or more, or an offset-like second
/// column (a number, signed or not). Its offsets must then be read, or the line reported.
fn is_mention_shaped(columns: &[&str]) -> bool {
    let number_like = |c: &str| {
        let c = c.trim();
        let digits = c.trim_start_matches(['-', '+']);
        !digits.is_empty()
            && digits.starts_with(|ch: char| ch.is_ascii_digit())
            && c.chars()
                .all(|ch| ch.is_ascii_digit() || matches!(ch, '-' | '+' | '.' | 'e' | 'E'))
    };
    columns.len() >= 6 || (columns.len() >= 5 && number_like(columns[1]))
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Converts joined-text character offsets to passage byte ranges and checks each mention.
fn place_mentions(
    doc: &mut Document,
    pending: Vec<PendingMention<'_>>,
    raw: &RawRecord,
    context: &Context,
) {
    let indexes: Vec<OffsetIndex<'_>> = doc
        .passages
        .iter()
        .map(|p| OffsetIndex::new(p.text(), context.options.offset_unit))
        .collect();
    let mut starts = Vec::with_capacity(indexes.len());
    let mut at = 0usize;
    for idx in &indexes {
        starts.push(at);
        at += idx.len_units() + 1;
    }
    let mut mentions = Vec::with_capacity(pending.len());
    let mut diagnostics = Vec::new();
    for m in pending {
        let location = pubminer_core::Location {
            line: Some(m.line),
            ..context.record_location(raw, Some(&doc.id))
        };
        let mention_text = m.columns[3];
        let placed = locate(
            &doc.passages,
            &indexes,
            &starts,
            m.start,
            m.end,
            mention_text,
            &context.options,
        );
        let (passage, range, repaired, padded) = match placed {
            Ok(found) => found,
            Err(problem) => {
                diagnostics.push(
                    Diagnostic::warning(
                        "annotation.text_mismatch",
                        format!(
                            "mention {:?} at {}..{} ({} {}) not used: {problem}",
                            mention_text,
                            m.start,
                            m.end,
                            m.columns[4],
                            m.columns.get(5).unwrap_or(&"")
                        ),
                    )
                    .at(location),
                );
                continue;
            }
        };
        if padded {
            diagnostics.push(
                Diagnostic::info(
                    "annotation.text_whitespace",
                    format!(
                        "mention {mention_text:?} at {}..{}: surrounding whitespace in the text column ignored",
                        m.start, m.end
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
                        "mention {mention_text:?} at {}..{} moved to where its text is",
                        m.start, m.end
                    ),
                )
                .at(location),
            );
        }
        let identifier = m.columns.get(5).map(|s| (*s).to_owned());
        let (links, nil) = identifier
            .as_deref()
            .map_or((Vec::new(), false), |i| parse_identifier(i, ORIGIN));
        let mut mention = Mention {
            passage: passage as u32,
            range,
            text: doc.passages[passage].text()[range.to_range()].to_owned(),
            entity_type: m.columns[4].to_owned(),
            identifier,
            links,
            nil,
            composite: m.columns.get(6).map(|s| (*s).to_owned()),
            origin: ORIGIN.to_owned(),
            ..Mention::default()
        };
        if m.columns.len() > 7 {
            mention.infons.insert(
                "pubtator_extra".into(),
                m.columns[7..]
                    .iter()
                    .map(|c| serde_json::Value::from(*c))
                    .collect(),
            );
        }
        mentions.push(mention);
    }
    doc.mentions = mentions;
    doc.diagnostics.extend(diagnostics);
}

/// Finds the passage and byte range for joined-text offsets `start..end` and checks the
/// text. Returns `(passage, range, repaired, whitespace_padded)`.
pub(crate) fn locate(
    passages: &[Passage],
    indexes: &[OffsetIndex<'_>],
    starts: &[usize],
    start: usize,
    end: usize,
    expected: &str,
    options: &ReadOptions,
) -> Result<(usize, pubminer_core::TextRange, bool, bool), String> {
    if start > end {
        return Err(format!("start {start} is after end {end}"));
    }
    let Some(p) = starts.iter().rposition(|&s| s <= start) else {
        return Err("offset before the first passage".into());
    };
    let local_start = start - starts[p];
    let local_end = end - starts[p];
    let text = passages[p].text();
    if local_end > indexes[p].len_units() {
        let message = if p + 1 < starts.len() && end > starts[p + 1] {
            "span crosses a passage boundary".to_owned()
        } else {
            format!(
                "span ends past the text (length {})",
                indexes[p].len_units()
            )
        };
        return repair(text, expected, options, message).map(|r| (p, r, true, false));
    }
    let (Some(bs), Some(be)) = (
        indexes[p].to_byte(local_start),
        indexes[p].to_byte(local_end),
    ) else {
        return Err("offset falls inside a character".into());
    };
    let range = pubminer_core::TextRange::try_new(bs, be).ok_or("offset too large")?;
    let found = &text[bs..be];
    match check_text(found, expected) {
        TextCheck::Exact => Ok((p, range, false, false)),
        TextCheck::Whitespace => Ok((p, range, false, true)),
        TextCheck::Mismatch => repair(
            text,
            expected.trim(),
            options,
            format!("the text there is {found:?}"),
        )
        .map(|r| (p, r, true, false)),
    }
}

/// With `--repair-offsets`, finds `expected` in `text` when it occurs exactly once.
fn repair(
    text: &str,
    expected: &str,
    options: &ReadOptions,
    problem: String,
) -> Result<pubminer_core::TextRange, String> {
    if !options.repair_offsets || expected.is_empty() {
        return Err(problem);
    }
    let mut hits = text.match_indices(expected);
    match (hits.next(), hits.next()) {
        (Some((at, _)), None) => {
            pubminer_core::TextRange::try_new(at, at + expected.len()).ok_or(problem)
        }
        _ => Err(problem),
    }
}

/// Writes PubTator.
#[derive(Debug, Default, Clone, Copy)]
pub struct PubtatorEncoder;

/// Which PubTator text line a passage belongs to, if any.
fn line_of_passage(kind: &PassageKind) -> Option<bool> {
    match kind {
        PassageKind::Title => Some(true),
        PassageKind::Abstract | PassageKind::Text | PassageKind::Other(_) => Some(false),
        PassageKind::VernacularTitle | PassageKind::OtherAbstract => None,
    }
}

impl DocEncoder for PubtatorEncoder {
    fn encode(&self, doc: &Document, out: &mut Vec<u8>) -> EncodeReport {
        let mut report = EncodeReport::default();
        if doc.deleted {
            report.omitted_documents += 1;
            return report;
        }
        // Character offset of each passage in `title + " " + abstract`, or None.
        let mut title = String::new();
        let mut abstract_text = String::new();
        let mut placement: Vec<Option<(bool, usize)>> = Vec::with_capacity(doc.passages.len());
        for p in &doc.passages {
            match line_of_passage(&p.kind) {
                Some(is_title) => {
                    let target = if is_title {
                        &mut title
                    } else {
                        &mut abstract_text
                    };
                    if !target.is_empty() {
                        target.push(' ');
                    }
                    placement.push(Some((is_title, target.chars().count())));
                    target.push_str(p.text());
                }
                None => placement.push(None),
            }
        }
        let title_chars = title.chars().count();
        fn clean(s: &str) -> std::borrow::Cow<'_, str> {
            if s.contains(['\n', '\r']) {
                s.replace(['\n', '\r'], " ").into()
            } else {
                s.into()
            }
        }
        let _ = writeln!(
            VecWriter(out),
            "{}|t|{}\n{}|a|{}",
            doc.id,
            clean(&title),
            doc.id,
            clean(&abstract_text)
        );
        // One character index per passage, built when a mention first needs it.
        let mut indexes: Vec<Option<OffsetIndex>> = Vec::new();
        indexes.resize_with(doc.passages.len(), || None);
        for m in &doc.mentions {
            let Some(Some((is_title, base))) = placement.get(m.passage as usize).copied() else {
                report.omitted_mentions += 1;
                continue;
            };
            let passage = &doc.passages[m.passage as usize];
            // PubTator has no discontinuous mentions: write the covering span, as its
            // corpora do for composite mentions ("renal and hepatic failure").
            let start = m
                .fragments
                .iter()
                .map(|f| f.start())
                .fold(m.range.start(), u32::min);
            let end = m
                .fragments
                .iter()
                .map(|f| f.end())
                .fold(m.range.end(), u32::max);
            let index = indexes[m.passage as usize].get_or_insert_with(|| {
                OffsetIndex::new(passage.text(), pubminer_core::OffsetUnit::Char)
            });
            let (Some(s), Some(e), Some(covered)) = (
                index.from_byte(start as usize),
                index.from_byte(end as usize),
                passage.text().get(start as usize..end as usize),
            ) else {
                report.omitted_mentions += 1;
                continue;
            };
            let shift = if is_title {
                base
            } else {
                title_chars + 1 + base
            };
            let _ = write!(VecWriter(out), "{}\t{}\t{}\t", doc.id, s + shift, e + shift);
            if covered.contains(['\n', '\r']) {
                out.extend_from_slice(clean(covered).as_bytes());
            } else {
                out.extend_from_slice(covered.as_bytes());
            }
            out.push(b'\t');
            out.extend_from_slice(m.entity_type.as_bytes());
            let identifier = m.rendered_identifier();
            if identifier.is_some() || m.composite.is_some() {
                out.push(b'\t');
                out.extend_from_slice(identifier.as_deref().unwrap_or("").as_bytes());
            }
            if let Some(c) = &m.composite {
                out.push(b'\t');
                out.extend_from_slice(c.as_bytes());
            }
            if let Some(serde_json::Value::Array(extra)) = m.infons.get("pubtator_extra") {
                for v in extra {
                    out.push(b'\t');
                    out.extend_from_slice(v.as_str().unwrap_or_default().as_bytes());
                }
            }
            out.push(b'\n');
        }
        for r in &doc.relations {
            let mut columns = Vec::with_capacity(r.arguments.len() + r.extra.len() + 2);
            columns.push(doc.id.clone());
            columns.push(r.relation_type.clone());
            let mut ok = r.arguments.len() >= 2;
            for a in &r.arguments {
                match &a.target {
                    ArgumentTarget::Concept(c) => columns.push(c.clone()),
                    ArgumentTarget::Ref(id) => {
                        match doc
                            .mentions
                            .iter()
                            .find(|m| m.id.as_deref() == Some(id))
                            .and_then(Mention::rendered_identifier)
                        {
                            Some(concept) => columns.push(concept),
                            None => ok = false,
                        }
                    }
                }
            }
            if !ok {
                report.omitted_relations += 1;
                continue;
            }
            columns.extend(r.extra.iter().cloned());
            out.extend_from_slice(columns.join("\t").as_bytes());
            out.push(b'\n');
        }
        out.push(b'\n');
        report
    }
}
