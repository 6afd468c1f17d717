//! The BioC model as serialised: one intermediate form that both BioC XML and BioC JSON
//! (PubTator3's dialect included) are read into and written from. Ids and offsets are read
//! leniently (numbers or strings), and infons may hold any JSON value.

use std::collections::BTreeMap;

use pubminer_core::Infons;
use serde::{Deserialize, Deserializer, Serialize};

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

/// An infon as text (`null` is absent; numbers, booleans and objects as JSON).
pub(super) fn infon_str(infons: &Infons, key: &str) -> Option<String> {
    match infons.get(key)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}
