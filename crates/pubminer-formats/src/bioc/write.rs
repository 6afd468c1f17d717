//! Writing BioC: a [`Document`] back into the BioC model (passage offsets kept, or PubTator's
//! convention), then encoded as BioC XML or BioC JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use pubminer_core::{ArgumentTarget, Document, Infons, OffsetIndex, OffsetUnit};

use super::model::{
    BiocAnnotation, BiocDocument, BiocLocation, BiocNode, BiocPassage, BiocRelation,
};
use crate::encode::{DocEncoder, EncodeReport, VecWriter};
use crate::xml::escape;

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
