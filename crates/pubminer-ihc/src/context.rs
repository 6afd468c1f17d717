//! Phase 2: what the whole document says that single sentences rely on: its sentences (with
//! their staining and assay cues), the size of each tumour group (`73 IMTs`, `urothelial
//! carcinoma, 20`), whether it is a case report (and of how many patients), its diagnosis and
//! its main tumour type.

use pubminer_core::Document;
use pubminer_text::normalize::KeyBuilder;
use pubminer_text::sentence::split_sentences;

use crate::counts::{number_after_comma, number_before, reported_patients, series_size};
use crate::mentions::Mentions;
use crate::words::{IHC_CUES, NON_IHC, STAINING_CUES, contains_word, is_generic};

/// One sentence.
#[derive(Clone, Debug)]
pub struct Sentence {
    /// Passage index.
    pub passage: usize,
    /// Byte range in the passage.
    pub start: usize,
    /// End byte.
    pub end: usize,
    /// The sentence, ASCII-lower-cased (same byte offsets as the text).
    pub lower: String,
    /// It names immunohistochemistry or staining (`stain`, `express`, `positiv`...).
    pub staining: bool,
    /// It names an IHC method word (`immunohisto`, `immunostain`, `IHC`...).
    pub ihc: bool,
    /// It names another assay (FISH, PCR, flow cytometry...) and no IHC method or
    /// `overexpression`.
    pub other_assay: bool,
}

/// The size of a tumour group.
#[derive(Clone, Debug)]
pub struct Group {
    /// The tumour's name key.
    pub key: String,
    /// Cases.
    pub size: u32,
}

/// Document-level facts.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// The sentences, in order.
    pub sentences: Vec<Sentence>,
    /// Group sizes, first statement of each tumour.
    pub groups: Vec<Group>,
    /// The document reads as a case report.
    pub case_report: bool,
    /// The document may be a case report (`year-old`, `a case of`, `the patient`): case-report
    /// candidates are read, and the scorer weighs the cues.
    pub case_like: bool,
    /// Patients a case report presents (1 unless it says two, three...).
    pub patients: u32,
    /// The case report's diagnosis (a tumour index), where a sentence states it.
    pub diagnosis: Option<usize>,
    /// The most mentioned tumour type that is not a generic word (a tumour index).
    pub main_tumour: Option<usize>,
    /// The tumour type of the title, where it names one (a tumour index).
    pub title_tumour: Option<usize>,
    /// The study's series size (`Seven cases in total`), if it states one.
    pub series: Option<u32>,
    /// Distinct markers.
    pub distinct_markers: usize,
    /// The document's only marker concept (a marker index).
    pub only_marker: Option<usize>,
    /// The most mentioned marker concept, a title's marker counting thrice (a marker index).
    pub main_marker: Option<usize>,
    /// The marker mentions of each sentence, in text order.
    pub sentence_markers: Vec<Vec<usize>>,
    /// The tumour mentions of each sentence, in text order.
    pub sentence_tumours: Vec<Vec<usize>>,
}

impl Context {
    /// Reads the context of `doc` given its mentions.
    #[must_use]
    pub fn of(doc: &Document, texts: &[&str], mentions: &Mentions, keys: &mut KeyBuilder) -> Self {
        let mut sentences = Vec::new();
        for (p, text) in texts.iter().enumerate() {
            for s in split_sentences(text) {
                let (start, end) = (s.start() as usize, s.end() as usize);
                let lower = text[start..end].to_ascii_lowercase();
                let staining = STAINING_CUES.iter().any(|c| lower.contains(c));
                let ihc = IHC_CUES.iter().any(|c| lower.contains(c));
                let other_assay = NON_IHC.iter().any(|c| contains_word(&lower, c))
                    && !ihc
                    && !lower.contains("overexpression");
                sentences.push(Sentence {
                    passage: p,
                    start,
                    end,
                    lower,
                    staining,
                    ihc,
                    other_assay,
                });
            }
        }
        let lower = texts.join(" ").to_ascii_lowercase();
        let patients = reported_patients(&lower);
        let case_report = doc.meta.has_publication_type("D002363")
            || [
                "case report",
                "we report a case",
                "we present a case",
                "we describe a case",
            ]
            .iter()
            .any(|c| lower.contains(c))
            || patients.is_some()
            || (lower.contains("year-old") && !lower.contains("patients"));
        let case_like = case_report
            || [
                "year-old",
                "year old",
                "a case of",
                "this case",
                "our case",
                "the patient",
                "a patient",
            ]
            .iter()
            .any(|c| lower.contains(c));
        let tumours = &mentions.tumours;
        let mut groups: Vec<Group> = Vec::new();
        for t in tumours {
            let text = texts[t.passage];
            if let Some(n) =
                number_before(text, t.start).or_else(|| number_after_comma(text, t.end))
            {
                let key = keys.name_key(&t.text);
                if !groups.iter().any(|g| g.key == key) {
                    groups.push(Group { key, size: n });
                }
            }
        }
        let diagnosis = sentences
            .iter()
            .filter(|s| {
                ["diagnosis of", "diagnosed", "consistent with"]
                    .iter()
                    .any(|c| s.lower.contains(c))
            })
            .flat_map(|s| {
                tumours.iter().enumerate().filter(move |(_, t)| {
                    t.passage == s.passage && t.start >= s.start && t.end <= s.end
                })
            })
            .max_by_key(|(_, t)| t.end - t.start)
            .map(|(i, _)| i);
        let title = doc
            .passages
            .iter()
            .position(|p| p.kind == pubminer_core::PassageKind::Title);
        let title_tumour = tumours
            .iter()
            .enumerate()
            .filter(|(_, t)| Some(t.passage) == title && !is_generic(&t.text))
            .max_by_key(|(_, t)| t.end - t.start)
            .map(|(i, _)| i);
        // The rules' markers: those of the vocabularies.
        let vocab: Vec<usize> = (0..mentions.markers.len())
            .filter(|&i| mentions.markers[i].vocabulary())
            .collect();
        let mut distinct: Vec<String> = vocab.iter().map(|&i| mentions.markers[i].key()).collect();
        distinct.sort();
        distinct.dedup();
        // Each mention binned to its sentence by binary search: linear in the record, where a
        // scan of every mention per sentence was quadratic.
        let bin = |spans: &mut dyn Iterator<Item = (usize, usize, usize)>| {
            let mut out = vec![Vec::new(); sentences.len()];
            for (i, (passage, start, end)) in spans.enumerate() {
                if let Some(s) = sentence_of(&sentences, passage, start, end) {
                    out[s].push(i);
                }
            }
            out
        };
        let sentence_markers =
            bin(&mut mentions.markers.iter().map(|m| (m.passage, m.start, m.end)));
        let sentence_tumours =
            bin(&mut mentions.tumours.iter().map(|t| (t.passage, t.start, t.end)));
        Self {
            sentences,
            groups,
            case_report,
            case_like,
            patients: patients.unwrap_or(1),
            diagnosis,
            main_tumour: main_tumour(mentions, keys),
            series: texts.iter().rev().find_map(|t| series_size(t)),
            title_tumour,
            distinct_markers: distinct.len(),
            only_marker: vocab.first().copied().filter(|_| distinct.len() == 1),
            main_marker: main_marker(mentions, title),
            sentence_markers,
            sentence_tumours,
        }
    }

    /// The size of the group a tumour name belongs to: the same name, one that starts the
    /// other, the same words cut to seven letters, the only group ending with the name
    /// (`adenocarcinomas` for `lung adenocarcinomas`), or the only group the name ends with
    /// (`usual leiomyomas` for `leiomyomas`).
    #[must_use]
    pub fn group_of(&self, keys: &mut KeyBuilder, name: &str) -> Option<u32> {
        let key = keys.name_key(name);
        let groups = &self.groups;
        groups
            .iter()
            .find(|g| g.key == key)
            .or_else(|| {
                groups
                    .iter()
                    .find(|g| g.key.starts_with(&key) || key.starts_with(g.key.as_str()))
            })
            .or_else(|| {
                let stem = stem_key(&key);
                groups.iter().find(|g| stem_key(&g.key) == stem)
            })
            .or_else(|| {
                let tail = format!(" {key}");
                let mut ending = groups.iter().filter(|g| g.key.ends_with(&tail));
                match (ending.next(), ending.next()) {
                    (Some(g), None) => Some(g),
                    _ => None,
                }
            })
            .or_else(|| {
                // `usual leiomyomas` for the only group `leiomyomas`.
                let mut ended = groups
                    .iter()
                    .filter(|g| key.ends_with(&format!(" {}", g.key)));
                match (ended.next(), ended.next()) {
                    (Some(g), None) => Some(g),
                    _ => None,
                }
            })
            .map(|g| g.size)
    }
}

/// The sentence holding `passage[start..end]` (sentences are in passage and text order).
fn sentence_of(sentences: &[Sentence], passage: usize, start: usize, end: usize) -> Option<usize> {
    let after = sentences.partition_point(|s| (s.passage, s.start) <= (passage, start));
    let i = after.checked_sub(1)?;
    let s = &sentences[i];
    (s.passage == passage && end <= s.end).then_some(i)
}

/// Words cut to their first seven letters: `desmoid fibromatoses` and `desmoid fibromatosis`
/// are one group.
fn stem_key(key: &str) -> String {
    key.split(' ')
        .map(|w| w.get(..7).unwrap_or(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The most mentioned tumour type (ties: the first); generic words are not types.
fn main_tumour(mentions: &Mentions, keys: &mut KeyBuilder) -> Option<usize> {
    let mut counts: std::collections::HashMap<String, (usize, usize)> =
        std::collections::HashMap::new();
    for (i, t) in mentions.tumours.iter().enumerate() {
        if is_generic(&t.text) {
            continue;
        }
        let e = counts.entry(keys.name_key(&t.text)).or_insert((0, i));
        e.0 += 1;
    }
    counts
        .values()
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
        .map(|&(_, i)| i)
}

/// The most mentioned marker concept (a title's mention counts thrice; ties: the first).
fn main_marker(mentions: &Mentions, title: Option<usize>) -> Option<usize> {
    let mut counts: std::collections::HashMap<String, (usize, usize)> =
        std::collections::HashMap::new();
    for (i, m) in mentions.markers.iter().enumerate() {
        if !m.vocabulary() {
            continue;
        }
        let e = counts.entry(m.key()).or_insert((0, i));
        e.0 += if Some(m.passage) == title { 3 } else { 1 };
    }
    counts
        .values()
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
        .map(|&(_, i)| i)
}
