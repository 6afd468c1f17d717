//! Linking evaluation.
//!
//! Two measures, as the linking literature reports them:
//!
//! - **With gold mentions** (`pubminer link` run over the gold spans): for every gold mention
//!   with a concept id, the prediction at the same span (document-level byte offsets, as in
//!   NER evaluation) is correct at 1 when its links cover every gold id, and correct at 5
//!   when every gold id is among its first five candidates. An id is covered by a link whose
//!   id or xrefs contain it, so a gold `D003920` (MeSH) matches a link to `MESH:D003920`, and a
//!   gold NCBI Gene id matches an HGNC link through its `NCBIGene:` xref. Gold NIL (`-1`) and
//!   mentions without an id are counted apart.
//! - **End to end** (NER + linking, BioCreative style): per document, the set of gold concept
//!   ids against the set of predicted concepts; a predicted concept (an id and its xrefs) is a
//!   true positive when it covers a gold id of the document.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use pubminer_core::{Document, Link};
use pubminer_lexicon::{EntityType, corpus_ids};
use serde::Serialize;

use crate::ner::{Score, document_span, passage_starts};
use crate::types::TypeMapping;

/// Accuracy with gold mentions, for one type.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Accuracy {
    /// Gold mentions with at least one resolvable id.
    pub mentions: u64,
    /// Correct at 1.
    pub correct_at_1: u64,
    /// Correct within the first five candidates.
    pub correct_at_5: u64,
    /// Gold mentions with no prediction at their span.
    pub unmatched: u64,
    /// Predictions at a gold span that were NIL.
    pub predicted_nil: u64,
    /// acc@1.
    pub acc_at_1: f64,
    /// acc@5.
    pub acc_at_5: f64,
    /// Per linking stage (link origin): (mentions, correct at 1).
    pub by_stage: BTreeMap<String, (u64, u64)>,
}

/// The whole report.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LinkReport {
    /// Accuracy with gold mentions, per canonical type.
    pub accuracy: BTreeMap<String, Accuracy>,
    /// Gold mentions marked NIL (`-1`) or without identifier, per type (not scored).
    pub gold_without_id: BTreeMap<String, u64>,
    /// End-to-end (document, concept) scores per type.
    pub end_to_end: BTreeMap<String, Score>,
    /// End-to-end micro average.
    pub end_to_end_micro: Score,
    /// Documents compared.
    pub documents: u64,
    /// The most frequent wrong links at 1 per type: (mention text, gold, predicted) with counts.
    pub errors: BTreeMap<String, Vec<(String, String, String, u64)>>,
}

/// All ids a link stands for.
fn link_ids(link: &Link) -> impl Iterator<Item = &str> {
    std::iter::once(link.id.as_str()).chain(link.xrefs.iter().map(String::as_str))
}

fn covers(links: &[Link], id: &str) -> bool {
    links.iter().any(|l| link_ids(l).any(|x| x == id))
}

/// Scores `pred` against `gold`.
#[must_use]
pub fn evaluate(gold: &[Document], pred: &[Document], mapping: &TypeMapping) -> LinkReport {
    let mut report = LinkReport::default();
    let type_of = |name: &str| mapping.canonical(name).and_then(EntityType::from_name);
    let pred_by_id: HashMap<&str, &Document> = pred.iter().map(|d| (d.id.as_str(), d)).collect();
    let mut errors: BTreeMap<String, HashMap<(String, String, String), u64>> = BTreeMap::new();
    let mut e2e: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
    for g in gold {
        let Some(p) = pred_by_id.get(g.id.as_str()) else {
            continue;
        };
        report.documents += 1;
        let gs = passage_starts(g);
        let ps = passage_starts(p);
        let mut pred_at: HashMap<(usize, usize, EntityType), &pubminer_core::Mention> =
            HashMap::new();
        for m in &p.mentions {
            if let (Some(span), Some(t)) = (document_span(p, &ps, m), type_of(&m.entity_type)) {
                pred_at.entry((span.0, span.1, t)).or_insert(m);
            }
        }
        // (type) → gold ids in this document; predicted concepts.
        let mut gold_ids: HashMap<EntityType, HashSet<String>> = HashMap::new();
        for m in &g.mentions {
            let Some(t) = type_of(&m.entity_type) else {
                continue;
            };
            let identifier = m
                .identifier
                .clone()
                .or_else(|| {
                    (!m.links.is_empty()).then(|| {
                        m.links
                            .iter()
                            .map(|l| l.id.as_str())
                            .collect::<Vec<_>>()
                            .join("|")
                    })
                })
                .unwrap_or_default();
            // Composite identifiers (`D1|D2`) name one concept per part.
            let ids: Vec<String> = identifier
                .split(['|', ';', ','])
                .flat_map(|part| corpus_ids(part, t))
                .collect();
            if ids.is_empty() {
                *report
                    .gold_without_id
                    .entry(t.name().to_owned())
                    .or_default() += 1;
                continue;
            }
            gold_ids.entry(t).or_default().extend(ids.iter().cloned());
            let acc = report.accuracy.entry(t.name().to_owned()).or_default();
            acc.mentions += 1;
            let Some(span) = document_span(g, &gs, m) else {
                acc.unmatched += 1;
                continue;
            };
            let Some(pm) = pred_at.get(&(span.0, span.1, t)) else {
                acc.unmatched += 1;
                continue;
            };
            if pm.nil || pm.links.is_empty() {
                acc.predicted_nil += 1;
            }
            let at1 = !pm.links.is_empty() && ids.iter().all(|id| covers(&pm.links, id));
            let top5: Vec<Link> = if pm.candidates.is_empty() {
                pm.links.clone()
            } else {
                pm.candidates
                    .iter()
                    .take(5)
                    .cloned()
                    .chain(pm.links.iter().cloned())
                    .collect()
            };
            let at5 = ids.iter().all(|id| covers(&top5, id));
            acc.correct_at_1 += u64::from(at1);
            acc.correct_at_5 += u64::from(at5 || at1);
            let stage = pm
                .links
                .first()
                .map_or_else(|| "nil".to_owned(), |l| l.origin.clone());
            let s = acc.by_stage.entry(stage).or_default();
            s.0 += 1;
            s.1 += u64::from(at1);
            if !at1 {
                let predicted = pm
                    .links
                    .iter()
                    .map(|l| l.id.as_str())
                    .collect::<Vec<_>>()
                    .join("|");
                *errors
                    .entry(t.name().to_owned())
                    .or_default()
                    .entry((
                        m.text.clone(),
                        ids.join("|"),
                        if predicted.is_empty() {
                            "NIL".into()
                        } else {
                            predicted
                        },
                    ))
                    .or_default() += 1;
            }
        }
        // End to end.
        let mut pred_concepts: HashMap<EntityType, Vec<&Link>> = HashMap::new();
        for m in &p.mentions {
            let Some(t) = type_of(&m.entity_type) else {
                continue;
            };
            for l in &m.links {
                let list = pred_concepts.entry(t).or_default();
                if !list.iter().any(|x| x.id == l.id) {
                    list.push(l);
                }
            }
        }
        let types: HashSet<EntityType> = gold_ids
            .keys()
            .chain(pred_concepts.keys())
            .copied()
            .collect();
        for t in types {
            let golds = gold_ids.get(&t).cloned().unwrap_or_default();
            let preds = pred_concepts.get(&t).cloned().unwrap_or_default();
            let mut matched_gold: HashSet<&String> = HashSet::new();
            let mut tp = 0u64;
            let mut fp = 0u64;
            for l in &preds {
                let hit: Vec<&String> = golds
                    .iter()
                    .filter(|g| link_ids(l).any(|x| x == g.as_str()))
                    .collect();
                if hit.is_empty() {
                    fp += 1;
                } else {
                    tp += 1;
                    matched_gold.extend(hit);
                }
            }
            let fn_ = (golds.len() - matched_gold.len()) as u64;
            let c = e2e.entry(t.name().to_owned()).or_default();
            c.0 += tp;
            c.1 += fp;
            c.2 += fn_;
        }
    }
    for acc in report.accuracy.values_mut() {
        let n = acc.mentions.max(1) as f64;
        acc.acc_at_1 = acc.correct_at_1 as f64 / n;
        acc.acc_at_5 = acc.correct_at_5 as f64 / n;
    }
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    for (t, (a, b, c)) in e2e {
        tp += a;
        fp += b;
        fn_ += c;
        report.end_to_end.insert(t, Score::from_counts(a, b, c));
    }
    report.end_to_end_micro = Score::from_counts(tp, fp, fn_);
    for (t, map) in errors {
        let mut v: Vec<_> = map.into_iter().map(|((a, b, c), n)| (a, b, c, n)).collect();
        v.sort_by(|x, y| y.3.cmp(&x.3).then(x.0.cmp(&y.0)));
        v.truncate(15);
        report.errors.insert(t, v);
    }
    report
}

impl LinkReport {
    /// A readable table.
    #[must_use]
    pub fn render(&self) -> String {
        let mut s = format!(
            "documents: {}\n\nwith gold mentions      mentions   acc@1   acc@5  no prediction  NIL\n",
            self.documents
        );
        for (t, a) in &self.accuracy {
            let _ = writeln!(
                s,
                "  {t:<20} {:>9}  {:.4}  {:.4}  {:>13}  {:>3}",
                a.mentions, a.acc_at_1, a.acc_at_5, a.unmatched, a.predicted_nil
            );
            for (stage, (n, ok)) in &a.by_stage {
                let _ = writeln!(
                    s,
                    "      {stage:<20} {n:>7} mentions, {:.4} correct",
                    *ok as f64 / (*n).max(1) as f64
                );
            }
        }
        if !self.gold_without_id.is_empty() {
            let _ = writeln!(
                s,
                "  (gold mentions without an id, not scored: {:?})",
                self.gold_without_id
            );
        }
        s.push_str(
            "\nend to end (document, concept)   tp      fp      fn       P       R      F1\n",
        );
        for (t, sc) in self.end_to_end.iter().chain(std::iter::once((
            &"micro".to_owned(),
            &self.end_to_end_micro,
        ))) {
            let _ = writeln!(
                s,
                "  {t:<28} {:>6}  {:>6}  {:>6}  {:.4}  {:.4}  {:.4}",
                sc.tp, sc.fp, sc.fn_, sc.precision, sc.recall, sc.f1
            );
        }
        for (t, errs) in &self.errors {
            let _ = writeln!(
                s,
                "\n{t}: most frequent wrong links (text, gold, predicted)"
            );
            for (text, g, p, n) in errs {
                let _ = writeln!(s, "  {n:>5}  {text:?}  {g}  → {p}");
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pubminer_core::{Mention, Passage, PassageKind, TextRange};

    fn doc(mentions: Vec<Mention>) -> Document {
        let mut d = Document::new("1");
        d.passages
            .push(Passage::new(PassageKind::Title, "Breast cancer and TTF-1."));
        d.mentions = mentions;
        d
    }

    fn m(
        start: u32,
        end: u32,
        text: &str,
        t: &str,
        id: Option<&str>,
        links: &[(&str, &[&str])],
    ) -> Mention {
        Mention {
            range: TextRange::new(start, end),
            text: text.into(),
            entity_type: t.into(),
            identifier: id.map(str::to_owned),
            links: links
                .iter()
                .map(|(i, x)| Link {
                    id: (*i).into(),
                    xrefs: x.iter().map(|s| (*s).to_owned()).collect(),
                    origin: "link.exact/v1".into(),
                    ..Link::default()
                })
                .collect(),
            ..Mention::default()
        }
    }

    #[test]
    fn ids_match_through_prefixes_and_xrefs() {
        let gold = doc(vec![
            m(0, 13, "Breast cancer", "Disease", Some("D001943"), &[]),
            m(18, 23, "TTF-1", "Gene", Some("7080"), &[]),
        ]);
        let pred = doc(vec![
            m(
                0,
                13,
                "Breast cancer",
                "Disease",
                None,
                &[("MESH:D001943", &[])],
            ),
            m(
                18,
                23,
                "TTF-1",
                "Gene",
                None,
                &[("HGNC:11825", &["NCBIGene:7080"])],
            ),
        ]);
        let r = evaluate(
            std::slice::from_ref(&gold),
            &[pred],
            &TypeMapping::default(),
        );
        assert_eq!(r.accuracy["Disease"].acc_at_1, 1.0);
        assert_eq!(r.accuracy["Gene"].acc_at_1, 1.0);
        assert_eq!(r.end_to_end_micro.f1, 1.0);

        // A wrong link and a missing prediction.
        let pred = doc(vec![m(
            0,
            13,
            "Breast cancer",
            "Disease",
            None,
            &[("MESH:D010051", &[])],
        )]);
        let r = evaluate(&[gold], &[pred], &TypeMapping::default());
        assert_eq!(r.accuracy["Disease"].acc_at_1, 0.0);
        assert_eq!(r.accuracy["Gene"].unmatched, 1);
        assert_eq!(r.end_to_end_micro.tp, 0);
        assert_eq!(r.end_to_end_micro.fp, 1);
        assert_eq!(r.end_to_end_micro.fn_, 2);
    }

    #[test]
    fn composite_gold_needs_every_part() {
        let gold = doc(vec![m(
            0,
            13,
            "Breast cancer",
            "Disease",
            Some("D001943|D010051"),
            &[],
        )]);
        let one = doc(vec![m(
            0,
            13,
            "Breast cancer",
            "Disease",
            None,
            &[("MESH:D001943", &[])],
        )]);
        let both = doc(vec![m(
            0,
            13,
            "Breast cancer",
            "Disease",
            None,
            &[("MESH:D001943", &[]), ("MESH:D010051", &[])],
        )]);
        let mapping = TypeMapping::default();
        assert_eq!(
            evaluate(std::slice::from_ref(&gold), &[one], &mapping).accuracy["Disease"].acc_at_1,
            0.0
        );
        assert_eq!(
            evaluate(&[gold], &[both], &mapping).accuracy["Disease"].acc_at_1,
            1.0
        );
    }
}
