//! Named-entity recognition scores: precision, recall and F1 per canonical type, strict
//! and overlapping, with the error classes and the most frequent error strings.
//!
//! How mentions are compared:
//!
//! - Documents are paired by `id`. A gold document without a prediction counts all its
//!   mentions as false negatives (`missing_predictions`); a predicted document without gold
//!   is counted (`extra_predictions`) and ignored. When an id occurs twice on one side,
//!   the first document is used and the others are counted (`duplicate_*_ids`).
//! - A mention is `(document, canonical type, start, end)`, where start and end are
//!   **document-level byte offsets**: the passage texts concatenated with one space
//!   between passages (PubTator's `title + " " + abstract`), so gold read from PubTator
//!   and predictions written in another format line up. When the concatenated texts of a
//!   pair differ, the pair is skipped and counted (`text_mismatches`), never scored.
//! - Types are mapped with a [`TypeMapping`]; mentions of unmapped types are left out of
//!   the scores and counted by their original name (`unmapped_gold`, `unmapped_pred`).
//! - A discontinuous mention (non-empty `fragments`) is compared on its first range only.
//! - Identical mentions (same type and span) count once (`duplicates`). A mention whose
//!   range does not fit its passage is left out and counted (`invalid`).
//! - **Strict**: same type and exactly the same span. **Overlapping**: same type and spans
//!   sharing at least one byte, matched one-to-one greedily (largest overlap first, then
//!   the tighter pair), so each gold and each predicted mention is used at most once and
//!   precision and recall stay at most 1.
//! - Precision, recall and F1 are 0 when undefined (no predictions, no gold).
//! - The micro average sums the counts of the types that have gold mentions. Types that
//!   only the predictions have (a Gene tagger run on a disease-only corpus) are reported
//!   per type, marked, and left out of the micro average (`pred_only_types`).
//!
//! Strict errors are also classified, to show which kinds dominate: a false positive is
//! `wrong_type` when a gold mention has its exact span but another type, `boundary` when a
//! gold mention of its type overlaps it, `type_and_boundary` when only a gold mention of
//! another type overlaps it, `overlaps_unmapped` when only a gold mention of an unmapped
//! type overlaps it, and `unmatched` (spurious) otherwise; false negatives symmetrically
//! (`unmatched` there means missed).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use pubminer_core::{Document, Mention};
use serde::{Deserialize, Serialize};

use crate::types::TypeMapping;

/// How many error strings are kept per type and direction.
pub const TOP_ERRORS: usize = 15;

/// How many text-mismatch document ids are kept in the report.
const MISMATCH_IDS: usize = 50;

/// Counts and scores for one type (or the micro average).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// True positives.
    pub tp: u64,
    /// False positives.
    pub fp: u64,
    /// False negatives.
    #[serde(rename = "fn")]
    pub fn_: u64,
    /// `tp / (tp + fp)`, 0 when there are no predictions.
    pub precision: f64,
    /// `tp / (tp + fn)`, 0 when there is no gold.
    pub recall: f64,
    /// Harmonic mean of precision and recall, 0 when both are 0.
    pub f1: f64,
}

impl Score {
    /// A score from counts.
    #[must_use]
    pub fn from_counts(tp: u64, fp: u64, fn_: u64) -> Self {
        let ratio = |num: u64, den: u64| {
            if den == 0 {
                0.0
            } else {
                num as f64 / den as f64
            }
        };
        let precision = ratio(tp, tp + fp);
        let recall = ratio(tp, tp + fn_);
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Self {
            tp,
            fp,
            fn_,
            precision,
            recall,
            f1,
        }
    }

    /// Gold mentions: `tp + fn`.
    #[must_use]
    pub fn gold(&self) -> u64 {
        self.tp + self.fn_
    }

    /// Predicted mentions: `tp + fp`.
    #[must_use]
    pub fn predicted(&self) -> u64 {
        self.tp + self.fp
    }
}

/// Scores under one matching criterion.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// Per canonical type (every type with gold or predicted mentions).
    pub per_type: BTreeMap<String, Score>,
    /// Micro average over the types that have gold mentions.
    pub micro: Score,
}

/// What happened to the documents.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentCounts {
    /// Gold documents given.
    pub gold: u64,
    /// Predicted documents given.
    pub pred: u64,
    /// Gold documents scored (paired, plus those without a prediction).
    pub scored: u64,
    /// Gold documents without a predicted document (all their mentions are false negatives).
    pub missing_predictions: u64,
    /// Predicted documents without a gold document (ignored).
    pub extra_predictions: u64,
    /// Pairs whose concatenated texts differ (skipped, not scored).
    pub text_mismatches: u64,
    /// The first ids of pairs whose texts differ.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub text_mismatch_ids: Vec<String>,
    /// Gold documents whose id was already seen (ignored).
    pub duplicate_gold_ids: u64,
    /// Predicted documents whose id was already seen (ignored).
    pub duplicate_pred_ids: u64,
}

/// Mention counts for one side (gold or predictions), over the scored documents.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MentionCounts {
    /// Mentions in the scored documents, of any type.
    pub total: u64,
    /// Mentions scored (mapped type, valid range, duplicates removed).
    pub scored: u64,
    /// Mentions of unmapped types.
    pub unmapped: u64,
    /// Identical repeats removed.
    pub duplicates: u64,
    /// Mentions whose range does not fit their passage.
    pub invalid: u64,
    /// Discontinuous mentions (compared on their first range).
    pub discontinuous: u64,
    /// Diagnostics the reader attached to the scored documents, by code. An
    /// `annotation.text_mismatch` is an annotation of the file that is *not* among the
    /// mentions, because its offsets did not cover its text.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub diagnostics: BTreeMap<String, u64>,
}

/// Strict errors of one direction, by class (see the module documentation).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorClasses {
    /// Same type, overlapping but different span.
    pub boundary: u64,
    /// Same span, other type.
    pub wrong_type: u64,
    /// Other type and different but overlapping span.
    pub type_and_boundary: u64,
    /// Overlaps only a mention of an unmapped type on the other side.
    pub overlaps_unmapped: u64,
    /// Nothing on the other side overlaps it (spurious / missed).
    pub unmatched: u64,
}

impl ErrorClasses {
    /// All errors counted.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.boundary
            + self.wrong_type
            + self.type_and_boundary
            + self.overlaps_unmapped
            + self.unmatched
    }

    fn bump(&mut self, class: ErrorClass) {
        match class {
            ErrorClass::Boundary => self.boundary += 1,
            ErrorClass::WrongType => self.wrong_type += 1,
            ErrorClass::TypeAndBoundary => self.type_and_boundary += 1,
            ErrorClass::OverlapsUnmapped => self.overlaps_unmapped += 1,
            ErrorClass::Unmatched => self.unmatched += 1,
        }
    }
}

/// A surface string and how often it was an error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Surface {
    /// The mention text.
    pub text: String,
    /// Occurrences.
    pub count: u64,
}

/// The strict errors of one canonical type.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeErrors {
    /// False positives by class.
    pub false_positive_classes: ErrorClasses,
    /// False negatives by class.
    pub false_negative_classes: ErrorClasses,
    /// The most frequent false-positive strings (at most [`TOP_ERRORS`]), most frequent first.
    pub top_false_positives: Vec<Surface>,
    /// The most frequent false-negative strings (at most [`TOP_ERRORS`]), most frequent first.
    pub top_false_negatives: Vec<Surface>,
}

/// The result of [`evaluate`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NerReport {
    /// Document pairing.
    pub documents: DocumentCounts,
    /// Gold mention counts.
    pub gold_mentions: MentionCounts,
    /// Predicted mention counts.
    pub pred_mentions: MentionCounts,
    /// Gold mentions of unmapped types, by original type name.
    pub unmapped_gold: BTreeMap<String, u64>,
    /// Predicted mentions of unmapped types, by original type name.
    pub unmapped_pred: BTreeMap<String, u64>,
    /// Canonical types that only the predictions have (left out of the micro averages).
    pub pred_only_types: Vec<String>,
    /// Exact span and type.
    pub strict: Scores,
    /// Same type, overlapping spans, one-to-one.
    pub overlapping: Scores,
    /// Strict errors per canonical type.
    pub errors: BTreeMap<String, TypeErrors>,
    /// Hints for unmapped names the mapping knows about (name → why it is unmapped).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unmapped_hints: BTreeMap<String, String>,
}

/// A scored mention: canonical type and document-level byte span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Item<'a> {
    entity_type: &'static str,
    start: usize,
    end: usize,
    text: &'a str,
}

impl Item<'_> {
    fn key(&self) -> (&'static str, usize, usize) {
        (self.entity_type, self.start, self.end)
    }

    fn overlap(&self, other: &Self) -> usize {
        self.end
            .min(other.end)
            .saturating_sub(self.start.max(other.start))
    }
}

/// One side of a document pair, mapped and deduplicated.
#[derive(Default)]
struct Side<'a> {
    items: Vec<Item<'a>>,
    /// Spans of mentions with unmapped types.
    unmapped: Vec<(usize, usize)>,
}

#[derive(Clone, Copy, Debug)]
enum ErrorClass {
    Boundary,
    WrongType,
    TypeAndBoundary,
    OverlapsUnmapped,
    Unmatched,
}

/// The concatenated text of a document: passages joined by one space.
fn document_text(doc: &Document) -> String {
    let mut text = String::new();
    for (i, passage) in doc.passages.iter().enumerate() {
        if i > 0 {
            text.push(' ');
        }
        text.push_str(passage.text());
    }
    text
}

/// Document-level byte offset of each passage.
pub(crate) fn passage_starts(doc: &Document) -> Vec<usize> {
    let mut starts = Vec::with_capacity(doc.passages.len());
    let mut at = 0usize;
    for passage in &doc.passages {
        starts.push(at);
        at = at.saturating_add(passage.text().len()).saturating_add(1);
    }
    starts
}

/// Document-level span of a mention, or `None` when its range does not fit its passage.
pub(crate) fn document_span(
    doc: &Document,
    starts: &[usize],
    mention: &Mention,
) -> Option<(usize, usize)> {
    let index = mention.passage as usize;
    let text = doc.passages.get(index)?.text();
    let range = mention.range.to_range();
    text.get(range.clone())?;
    let base = starts[index];
    Some((base.checked_add(range.start)?, base.checked_add(range.end)?))
}

#[derive(Default)]
struct Accumulator {
    strict: HashMap<&'static str, (u64, u64, u64)>,
    overlapping: HashMap<&'static str, (u64, u64, u64)>,
    classes: HashMap<&'static str, (ErrorClasses, ErrorClasses)>,
    fp_strings: HashMap<&'static str, HashMap<String, u64>>,
    fn_strings: HashMap<&'static str, HashMap<String, u64>>,
}

fn side<'a>(
    doc: &'a Document,
    mapping: &TypeMapping,
    counts: &mut MentionCounts,
    unmapped: &mut BTreeMap<String, u64>,
) -> Side<'a> {
    let starts = passage_starts(doc);
    let mut side = Side::default();
    for diagnostic in &doc.diagnostics {
        *counts
            .diagnostics
            .entry(diagnostic.code.clone())
            .or_insert(0) += 1;
    }
    for mention in &doc.mentions {
        counts.total += 1;
        let Some((start, end)) = document_span(doc, &starts, mention) else {
            counts.invalid += 1;
            continue;
        };
        if !mention.fragments.is_empty() {
            counts.discontinuous += 1;
        }
        match mapping.canonical(&mention.entity_type) {
            None => {
                counts.unmapped += 1;
                *unmapped.entry(mention.entity_type.clone()).or_insert(0) += 1;
                side.unmapped.push((start, end));
            }
            Some(entity_type) => side.items.push(Item {
                entity_type,
                start,
                end,
                text: &mention.text,
            }),
        }
    }
    side.items
        .sort_unstable_by_key(|item| (item.key(), item.text));
    let before = side.items.len();
    side.items.dedup_by_key(|item| item.key());
    counts.duplicates += (before - side.items.len()) as u64;
    counts.scored += side.items.len() as u64;
    side
}

/// Classifies a strict error `item` against the other side.
fn classify(item: &Item<'_>, other: &Side<'_>) -> ErrorClass {
    let mut class = None::<ErrorClass>;
    for o in &other.items {
        if o.start == item.start && o.end == item.end && o.entity_type != item.entity_type {
            return ErrorClass::WrongType;
        }
        if item.overlap(o) > 0 {
            if o.entity_type == item.entity_type {
                class = Some(ErrorClass::Boundary);
            } else if class.is_none() {
                class = Some(ErrorClass::TypeAndBoundary);
            }
        }
    }
    if let Some(class) = class {
        return class;
    }
    let overlaps_unmapped = other
        .unmapped
        .iter()
        .any(|&(s, e)| item.start.max(s) < item.end.min(e));
    if overlaps_unmapped {
        ErrorClass::OverlapsUnmapped
    } else {
        ErrorClass::Unmatched
    }
}

/// One-to-one greedy overlap matching of one type's mentions; returns the matched count.
fn overlap_matches(gold: &[Item<'_>], pred: &[Item<'_>]) -> u64 {
    if gold.is_empty() || pred.is_empty() {
        return 0;
    }
    // Gold sorted by start; any gold overlapping `p` starts after `p.start - longest`.
    let mut gold: Vec<&Item<'_>> = gold.iter().collect();
    gold.sort_unstable_by_key(|g| (g.start, g.end));
    let longest = gold.iter().map(|g| g.end - g.start).max().unwrap_or(0);
    let mut pairs: Vec<(usize, usize, usize, usize)> = Vec::new();
    for (pi, p) in pred.iter().enumerate() {
        let from = gold.partition_point(|g| g.start < p.start.saturating_sub(longest));
        for (gi, g) in gold.iter().enumerate().skip(from) {
            if g.start > p.end {
                break;
            }
            let overlap = g.overlap(p);
            // Identical empty spans match strictly, so they must overlap-match too.
            if overlap > 0 || (g.start, g.end) == (p.start, p.end) {
                let union = g.end.max(p.end) - g.start.min(p.start);
                pairs.push((overlap, union, gi, pi));
            }
        }
    }
    pairs.sort_unstable_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.cmp(&b.1))
            .then((a.2, a.3).cmp(&(b.2, b.3)))
    });
    let mut gold_used = vec![false; gold.len()];
    let mut pred_used = vec![false; pred.len()];
    let mut matched = 0;
    for (_, _, gi, pi) in pairs {
        if !gold_used[gi] && !pred_used[pi] {
            gold_used[gi] = true;
            pred_used[pi] = true;
            matched += 1;
        }
    }
    matched
}

impl Accumulator {
    fn score(&mut self, gold: &Side<'_>, pred: &Side<'_>) {
        let gold_keys: HashSet<_> = gold.items.iter().map(Item::key).collect();
        let pred_keys: HashSet<_> = pred.items.iter().map(Item::key).collect();
        for g in &gold.items {
            let counts = self.strict.entry(g.entity_type).or_default();
            if pred_keys.contains(&g.key()) {
                counts.0 += 1;
            } else {
                counts.2 += 1;
                let class = classify(g, pred);
                self.classes.entry(g.entity_type).or_default().1.bump(class);
                *self
                    .fn_strings
                    .entry(g.entity_type)
                    .or_default()
                    .entry(g.text.to_owned())
                    .or_insert(0) += 1;
            }
        }
        for p in &pred.items {
            if !gold_keys.contains(&p.key()) {
                self.strict.entry(p.entity_type).or_default().1 += 1;
                let class = classify(p, gold);
                self.classes.entry(p.entity_type).or_default().0.bump(class);
                *self
                    .fp_strings
                    .entry(p.entity_type)
                    .or_default()
                    .entry(p.text.to_owned())
                    .or_insert(0) += 1;
            }
        }
        // Items are sorted by type, so each type is one contiguous run.
        let mut types: Vec<&'static str> = gold
            .items
            .iter()
            .chain(&pred.items)
            .map(|i| i.entity_type)
            .collect();
        types.sort_unstable();
        types.dedup();
        for entity_type in types {
            let g: Vec<Item<'_>> = gold
                .items
                .iter()
                .filter(|i| i.entity_type == entity_type)
                .copied()
                .collect();
            let p: Vec<Item<'_>> = pred
                .items
                .iter()
                .filter(|i| i.entity_type == entity_type)
                .copied()
                .collect();
            let matched = overlap_matches(&g, &p);
            let counts = self.overlapping.entry(entity_type).or_default();
            counts.0 += matched;
            counts.1 += p.len() as u64 - matched;
            counts.2 += g.len() as u64 - matched;
        }
    }
}

fn top(strings: Option<HashMap<String, u64>>) -> Vec<Surface> {
    let mut list: Vec<Surface> = strings
        .unwrap_or_default()
        .into_iter()
        .map(|(text, count)| Surface { text, count })
        .collect();
    list.sort_unstable_by(|a, b| b.count.cmp(&a.count).then_with(|| a.text.cmp(&b.text)));
    list.truncate(TOP_ERRORS);
    list
}

fn scores(
    counts: &HashMap<&'static str, (u64, u64, u64)>,
    gold_types: &HashSet<&'static str>,
) -> Scores {
    let mut result = Scores::default();
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    for (&entity_type, &(t, p, n)) in counts {
        result
            .per_type
            .insert(entity_type.to_owned(), Score::from_counts(t, p, n));
        if gold_types.contains(entity_type) {
            tp += t;
            fp += p;
            fn_ += n;
        }
    }
    result.micro = Score::from_counts(tp, fp, fn_);
    result
}

/// Scores `pred` against `gold` (see the module documentation for the rules).
#[must_use]
pub fn evaluate(gold: &[Document], pred: &[Document], mapping: &TypeMapping) -> NerReport {
    let mut report = NerReport::default();
    report.documents.gold = gold.len() as u64;
    report.documents.pred = pred.len() as u64;
    let mut pred_by_id: HashMap<&str, &Document> = HashMap::with_capacity(pred.len());
    for doc in pred {
        if pred_by_id.contains_key(doc.id.as_str()) {
            report.documents.duplicate_pred_ids += 1;
        } else {
            pred_by_id.insert(&doc.id, doc);
        }
    }
    let mut acc = Accumulator::default();
    let mut gold_ids: HashSet<&str> = HashSet::with_capacity(gold.len());
    let empty = Document::default();
    for g in gold {
        if !gold_ids.insert(&g.id) {
            report.documents.duplicate_gold_ids += 1;
            continue;
        }
        let p = match pred_by_id.get(g.id.as_str()) {
            Some(p) => {
                if document_text(g) != document_text(p) {
                    report.documents.text_mismatches += 1;
                    if report.documents.text_mismatch_ids.len() < MISMATCH_IDS {
                        report.documents.text_mismatch_ids.push(g.id.clone());
                    }
                    continue;
                }
                *p
            }
            None => {
                report.documents.missing_predictions += 1;
                &empty
            }
        };
        report.documents.scored += 1;
        let gold_side = side(
            g,
            mapping,
            &mut report.gold_mentions,
            &mut report.unmapped_gold,
        );
        let pred_side = side(
            p,
            mapping,
            &mut report.pred_mentions,
            &mut report.unmapped_pred,
        );
        acc.score(&gold_side, &pred_side);
    }
    report.documents.extra_predictions = pred_by_id
        .keys()
        .filter(|id| !gold_ids.contains(*id))
        .count() as u64;

    let gold_types: HashSet<&'static str> = acc
        .strict
        .iter()
        .filter(|(_, (tp, _, fn_))| tp + fn_ > 0)
        .map(|(t, _)| *t)
        .collect();
    report.strict = scores(&acc.strict, &gold_types);
    report.overlapping = scores(&acc.overlapping, &gold_types);
    let mut pred_only: Vec<String> = acc
        .strict
        .keys()
        .filter(|t| !gold_types.contains(*t))
        .map(|t| (*t).to_owned())
        .collect();
    pred_only.sort();
    report.pred_only_types = pred_only;
    for &entity_type in acc.strict.keys() {
        let (fp_classes, fn_classes) = acc.classes.remove(entity_type).unwrap_or_default();
        report.errors.insert(
            entity_type.to_owned(),
            TypeErrors {
                false_positive_classes: fp_classes,
                false_negative_classes: fn_classes,
                top_false_positives: top(acc.fp_strings.remove(entity_type)),
                top_false_negatives: top(acc.fn_strings.remove(entity_type)),
            },
        );
    }
    for name in report
        .unmapped_gold
        .keys()
        .chain(report.unmapped_pred.keys())
    {
        if let Some(why) = mapping.unmapped_reason(name) {
            report.unmapped_hints.insert(name.clone(), why.to_owned());
        }
    }
    report
}

fn score_table(out: &mut String, title: &str, scores: &Scores, pred_only: &[String]) {
    let _ = writeln!(
        out,
        "{title:<14} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7}",
        "gold", "pred", "tp", "fp", "fn", "P", "R", "F1"
    );
    let row = |out: &mut String, name: &str, s: &Score, mark: &str| {
        let _ = writeln!(
            out,
            "  {name:<12} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7.4} {:>7.4} {:>7.4}{mark}",
            s.gold(),
            s.predicted(),
            s.tp,
            s.fp,
            s.fn_,
            s.precision,
            s.recall,
            s.f1
        );
    };
    for (name, s) in &scores.per_type {
        let mark = if pred_only.contains(name) { "  *" } else { "" };
        row(out, name, s, mark);
    }
    row(out, "micro", &scores.micro, "");
}

impl NerReport {
    /// A readable fixed-width report: document pairing, strict and overlapping scores,
    /// unmapped types, error classes and the most frequent error strings.
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = String::new();
        let d = &self.documents;
        let _ = writeln!(
            out,
            "documents: {} gold, {} predicted, {} scored; {} without prediction, {} predicted without gold, {} text mismatches (skipped)",
            d.gold, d.pred, d.scored, d.missing_predictions, d.extra_predictions, d.text_mismatches
        );
        if d.duplicate_gold_ids + d.duplicate_pred_ids > 0 {
            let _ = writeln!(
                out,
                "  repeated ids ignored: {} gold, {} predicted",
                d.duplicate_gold_ids, d.duplicate_pred_ids
            );
        }
        if !d.text_mismatch_ids.is_empty() {
            let _ = writeln!(
                out,
                "  text mismatches: {}{}",
                d.text_mismatch_ids.join(", "),
                if d.text_mismatches > d.text_mismatch_ids.len() as u64 {
                    ", ..."
                } else {
                    ""
                }
            );
        }
        for (what, m) in [
            ("gold", &self.gold_mentions),
            ("predicted", &self.pred_mentions),
        ] {
            let _ = writeln!(
                out,
                "{what} mentions: {} scored of {} ({} unmapped type, {} duplicate, {} invalid range; {} discontinuous, compared on their first range)",
                m.scored, m.total, m.unmapped, m.duplicates, m.invalid, m.discontinuous
            );
            if !m.diagnostics.is_empty() {
                let codes: Vec<String> = m
                    .diagnostics
                    .iter()
                    .map(|(code, n)| format!("{n} {code}"))
                    .collect();
                let _ = writeln!(
                    out,
                    "  reader diagnostics in {what} documents: {} (an annotation.text_mismatch is an annotation left out because its offsets do not cover its text)",
                    codes.join(", ")
                );
            }
        }
        out.push('\n');
        score_table(&mut out, "strict", &self.strict, &self.pred_only_types);
        out.push('\n');
        score_table(
            &mut out,
            "overlapping",
            &self.overlapping,
            &self.pred_only_types,
        );
        if !self.pred_only_types.is_empty() {
            let _ = writeln!(
                out,
                "  * no gold mentions of this type: left out of the micro average"
            );
        }
        if !self.unmapped_gold.is_empty() || !self.unmapped_pred.is_empty() {
            let _ = writeln!(
                out,
                "\nunmapped types (not scored; use --map Corpus=Ours):\n  {:<30} {:>7} {:>7}",
                "type", "gold", "pred"
            );
            let names: std::collections::BTreeSet<&String> = self
                .unmapped_gold
                .keys()
                .chain(self.unmapped_pred.keys())
                .collect();
            for name in names {
                let _ = write!(
                    out,
                    "  {name:<30} {:>7} {:>7}",
                    self.unmapped_gold.get(name).copied().unwrap_or(0),
                    self.unmapped_pred.get(name).copied().unwrap_or(0)
                );
                if let Some(why) = self.unmapped_hints.get(name) {
                    let _ = write!(out, "  ({why})");
                }
                out.push('\n');
            }
        }
        let any_errors = self
            .errors
            .values()
            .any(|e| e.false_positive_classes.total() + e.false_negative_classes.total() > 0);
        if !any_errors {
            return out;
        }
        let _ = writeln!(
            out,
            "\nstrict errors by class:\n  {:<12} {:>4} {:>8} {:>8} {:>10} {:>9} {:>10}",
            "type", "", "boundary", "type", "type+bound", "unmapped", "unmatched"
        );
        for (name, e) in &self.errors {
            for (dir, c) in [
                ("FP", &e.false_positive_classes),
                ("FN", &e.false_negative_classes),
            ] {
                let _ = writeln!(
                    out,
                    "  {name:<12} {dir:>4} {:>8} {:>8} {:>10} {:>9} {:>10}",
                    c.boundary, c.wrong_type, c.type_and_boundary, c.overlaps_unmapped, c.unmatched
                );
            }
        }
        for (name, e) in &self.errors {
            for (dir, list) in [
                ("false positives", &e.top_false_positives),
                ("false negatives", &e.top_false_negatives),
            ] {
                if list.is_empty() {
                    continue;
                }
                let _ = writeln!(out, "\n{name}: most frequent {dir}");
                for s in list {
                    let _ = writeln!(out, "  {:>6}  {}", s.count, s.text);
                }
            }
        }
        out
    }
}
