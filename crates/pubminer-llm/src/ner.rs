//! NER by an LLM, BioSelectTune-style: the model lists the entities of a passage as JSON
//! (text and type), and each is aligned back to exact byte offsets in the passage. An
//! entity whose text is not in the passage (the model paraphrased or invented it) is
//! reported as unaligned, never guessed.
//!
//! Alignment: exact occurrences at word boundaries, else ASCII case-insensitive ones; every
//! occurrence of an entity is tagged (as a dictionary tagger would), and where spans
//! overlap the longest wins.

use pubminer_core::{Document, Mention, TextRange};
use pubminer_fetch::{ChatRequest, Message};

use crate::engine::LlmEngine;
use crate::error::LlmError;

/// The origin of the mentions this module makes.
pub const ORIGIN: &str = "ner.llm/v1";

/// pubminer's entity types, as the prompt and the schema name them.
pub const TYPES: [&str; 6] = [
    "Gene", "Disease", "Chemical", "Species", "CellType", "Anatomy",
];

/// The instruction of the NER prompt.
pub const PROMPT: &str = "List every biomedical named entity in the text below, each with its exact text as written and its type: Gene (genes and proteins, including immunohistochemical markers), Disease (diseases, tumour types, symptoms), Chemical (chemicals and drugs), Species, CellType, Anatomy (organs, tissues, anatomical sites). Answer with JSON only: {\"entities\": [{\"text\": ..., \"type\": ...}]}.\n\nText: ";

/// The JSON schema of an answer.
#[must_use]
pub fn schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "entities": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "text": {"type": "string"},
                        "type": {"type": "string", "enum": TYPES}
                    },
                    "required": ["text", "type"],
                    "additionalProperties": false
                }
            }
        },
        "required": ["entities"],
        "additionalProperties": false
    })
}

/// One entity as the model wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claimed {
    /// The text.
    pub text: String,
    /// The type as written.
    pub entity_type: String,
}

/// Why an entity was not aligned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unaligned {
    /// The entity.
    pub entity: Claimed,
    /// `not in the text`, `unknown type`, `empty`.
    pub reason: &'static str,
}

/// The entities of a JSON answer: `{"entities": [...]}` or a bare list, with or without a
/// Markdown code fence around it.
///
/// # Errors
/// No JSON in the answer.
pub fn parse(answer: &str) -> Result<Vec<Claimed>, LlmError> {
    let body = answer.trim();
    let (start, end) = match (body.find(['{', '[']), body.rfind(['}', ']'])) {
        (Some(s), Some(e)) if e >= s => (s, e + 1),
        _ => {
            return Err(LlmError::Json(format!(
                "no JSON in the NER answer: {}",
                body.chars().take(200).collect::<String>()
            )));
        }
    };
    let v: serde_json::Value = serde_json::from_str(&body[start..end]).map_err(|e| {
        LlmError::Json(format!(
            "{e}: {}",
            body.chars().take(200).collect::<String>()
        ))
    })?;
    let list = match &v {
        serde_json::Value::Array(a) => a.clone(),
        serde_json::Value::Object(o) => o
            .get("entities")
            .and_then(|e| e.as_array())
            .cloned()
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    Ok(list
        .iter()
        .filter_map(|e| {
            Some(Claimed {
                text: e.get("text")?.as_str()?.to_string(),
                entity_type: e
                    .get("type")
                    .and_then(|t| t.as_str())
                    .unwrap_or_default()
                    .to_string(),
            })
        })
        .collect())
}

/// pubminer's type for what a model wrote (`protein` → Gene, `drug` → Chemical...).
#[must_use]
pub fn canonical_type(written: &str) -> Option<&'static str> {
    let t = written
        .trim()
        .to_ascii_lowercase()
        .replace(['_', '-', ' '], "");
    Some(match t.as_str() {
        "gene" | "protein" | "geneorprotein" | "geneprotein" | "gene/protein" | "marker" => "Gene",
        "disease" | "tumour" | "tumor" | "cancer" | "tumourtype" | "tumortype" | "disorder" => {
            "Disease"
        }
        "chemical" | "drug" | "compound" | "chemicalordrug" => "Chemical",
        "species" | "organism" | "taxon" => "Species",
        "celltype" | "cell" | "cellline" => "CellType",
        "anatomy" | "anatomicalsite" | "site" | "organ" | "tissue" => "Anatomy",
        _ => return None,
    })
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// Whether `[start, end)` of `text` does not cut a word.
fn at_boundaries(text: &str, start: usize, end: usize, needle: &str) -> bool {
    let bytes = text.as_bytes();
    let first = needle.as_bytes().first().copied().unwrap_or(b' ');
    let last = needle.as_bytes().last().copied().unwrap_or(b' ');
    let left = start == 0 || !is_word_byte(first) || !is_word_byte(bytes[start - 1]);
    let right = end == bytes.len() || !is_word_byte(last) || !is_word_byte(bytes[end]);
    left && right
}

/// Occurrences of `needle` in `text` at word boundaries: exact ones and those that differ
/// only in the case of the first letter (sentence-initial capitals); where there are none,
/// occurrences ignoring ASCII case.
fn occurrences(text: &str, needle: &str) -> Vec<(usize, usize)> {
    let (hay, n) = (text.as_bytes(), needle.as_bytes());
    if n.is_empty() || n.len() > hay.len() {
        return Vec::new();
    }
    let mut loose = Vec::new();
    let mut close = Vec::new();
    for s in 0..=hay.len() - n.len() {
        let e = s + n.len();
        let matches = text.is_char_boundary(s)
            && text.is_char_boundary(e)
            && hay[s..e].eq_ignore_ascii_case(n)
            && at_boundaries(text, s, e, needle);
        if !matches {
            continue;
        }
        if hay[s + 1..e] == n[1..] {
            close.push((s, e));
        } else {
            loose.push((s, e));
        }
    }
    if close.is_empty() { loose } else { close }
}

/// Aligns `entities` to `text`: spans (start, end, type), longest first where they
/// overlap, and the entities that could not be aligned.
#[must_use]
pub fn align(
    text: &str,
    entities: &[Claimed],
) -> (Vec<(usize, usize, &'static str)>, Vec<Unaligned>) {
    let mut spans: Vec<(usize, usize, &'static str)> = Vec::new();
    let mut unaligned = Vec::new();
    for e in entities {
        let needle = e.text.trim();
        if needle.is_empty() {
            unaligned.push(Unaligned {
                entity: e.clone(),
                reason: "empty",
            });
            continue;
        }
        let Some(t) = canonical_type(&e.entity_type) else {
            unaligned.push(Unaligned {
                entity: e.clone(),
                reason: "unknown type",
            });
            continue;
        };
        let found = occurrences(text, needle);
        if found.is_empty() {
            unaligned.push(Unaligned {
                entity: e.clone(),
                reason: "not in the text",
            });
            continue;
        }
        spans.extend(found.into_iter().map(|(s, end)| (s, end, t)));
    }
    spans.sort_by(|a, b| (b.1 - b.0).cmp(&(a.1 - a.0)).then(a.0.cmp(&b.0)));
    let mut kept: Vec<(usize, usize, &'static str)> = Vec::new();
    for s in spans {
        if kept.iter().all(|k| s.1 <= k.0 || s.0 >= k.1) {
            kept.push(s);
        }
    }
    kept.sort_unstable();
    (kept, unaligned)
}

/// What NER by the LLM did to a document.
#[derive(Clone, Debug, Default)]
pub struct NerOutcome {
    /// Mentions added.
    pub mentions: usize,
    /// Entities the model listed that are not in the text (or had no known type).
    pub unaligned: Vec<Unaligned>,
}

/// Tags each passage of `doc` with the entities `engine`'s model lists (answers cached).
///
/// # Errors
/// The backend, or an answer without JSON.
pub fn tag(engine: &LlmEngine, doc: &mut Document) -> Result<NerOutcome, LlmError> {
    let mut outcome = NerOutcome::default();
    for (p, passage) in doc.passages.iter().enumerate() {
        let text = passage.text();
        if text.trim().is_empty() {
            continue;
        }
        let request = ChatRequest {
            messages: vec![Message::new("user", format!("{PROMPT}{text}"))],
            max_tokens: engine.max_tokens(),
            json_schema: Some(schema()),
            stop: Vec::new(),
        };
        let claimed = parse(&engine.ask(&request)?)?;
        let (spans, unaligned) = align(text, &claimed);
        outcome.unaligned.extend(unaligned);
        for (s, e, t) in spans {
            let Some(range) = TextRange::try_new(s, e) else {
                continue;
            };
            doc.mentions.push(Mention {
                passage: p as u32,
                range,
                text: text[s..e].to_string(),
                entity_type: t.to_string(),
                origin: ORIGIN.to_string(),
                ..Mention::default()
            });
            outcome.mentions += 1;
        }
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(text: &str, t: &str) -> Claimed {
        Claimed {
            text: text.into(),
            entity_type: t.into(),
        }
    }

    #[test]
    fn parses_fenced_and_bare_answers() {
        let a = parse("```json\n{\"entities\": [{\"text\": \"TTF-1\", \"type\": \"Gene\"}]}\n```")
            .unwrap();
        assert_eq!(a, vec![c("TTF-1", "Gene")]);
        let b = parse("[{\"text\": \"lung\", \"type\": \"Anatomy\"}]").unwrap();
        assert_eq!(b, vec![c("lung", "Anatomy")]);
        assert!(parse("I cannot help").is_err());
    }

    #[test]
    fn aligns_every_occurrence_at_word_boundaries_and_reports_the_rest() {
        let text = "TTF-1 stained lung adenocarcinoma; ttf-1 was absent in PTTF-1 cells. Lung adenocarcinoma again.";
        let (spans, unaligned) = align(
            text,
            &[
                c("TTF-1", "protein"),
                c("lung adenocarcinoma", "Disease"),
                c("lung", "Anatomy"),
                c("napsin A", "Gene"),
                c("x", "Vehicle"),
            ],
        );
        let got: Vec<(&str, &str)> = spans.iter().map(|&(s, e, t)| (&text[s..e], t)).collect();
        // Exact occurrences and sentence-initial capitals, not "ttf-1"; not inside
        // "PTTF-1"; "lung" loses to the longer overlapping spans.
        assert_eq!(
            got,
            vec![
                ("TTF-1", "Gene"),
                ("lung adenocarcinoma", "Disease"),
                ("Lung adenocarcinoma", "Disease"),
            ]
        );
        let reasons: Vec<(&str, &str)> = unaligned
            .iter()
            .map(|u| (u.entity.text.as_str(), u.reason))
            .collect();
        assert_eq!(
            reasons,
            vec![("napsin A", "not in the text"), ("x", "unknown type")]
        );
    }
}
