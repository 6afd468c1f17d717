//! Phase 3: candidate profiles. Every count expression, `all`/`none` statement and case-report
//! finding is an *anchor*; each anchor gives candidate (marker, tumour type, positive, total)
//! tuples: the markers and tumours near it (and the document's fallbacks), with the readings
//! of its numbers (as written, converted from the negative state, completed by a group size
//! or from a percentage). The rules' own choice among them is marked (`rule_pick`), so the
//! rules-only engine is a filter over the same candidates the trained engine scores.

mod case_reports;
mod counts;
pub mod cues;
mod figures;
mod lists;
mod marker_statements;
mod readings;
pub(crate) use figures::by_distance;
pub use readings::TotalFrom;
mod statements;

use pubminer_text::normalize::KeyBuilder;

use crate::context::Context;
use crate::counts::Count;
use crate::mentions::Mentions;
use crate::rules::RuleSet;

/// What an anchor is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnchorKind {
    /// A count expression (`27 of 35`, `77% (27/35)`, `14 (70%)`, `86.5%`).
    Count,
    /// One number of a parallel list (`28, 30 and 29 of 30`).
    ListItem,
    /// An `all` / `none of` / `negative for` statement about a tumour group.
    Statement,
    /// A case report's finding for a marker.
    CaseReport,
    /// A numerator alone (`positive in 4 cases`): its total comes from the tumour's group.
    /// Unlike a count it leaves the sentence's statements in place and is not a count the
    /// classifier or the rules see.
    Numerator,
}

/// Facts about an anchor's figure that decide whether it is a positivity count at all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FigureCues {
    /// A threshold, not a result (`>25% of cells`, `more than 10%`, `up to 63%`).
    pub threshold: bool,
    /// Sensitivity, specificity, survival, age... in the clause before it.
    pub not_positivity: bool,
    /// A part of the count before it (`60% of them`).
    pub part_of_previous: bool,
    /// Followed by a unit (`years`, `patients`, `mm`).
    pub units_after: bool,
    /// The nearest state word is negative (`negative`, `absent`, `loss of`).
    pub negative: bool,
    /// In a sentence about another assay, its clause does not state a marker's staining.
    pub other_assay: bool,
    /// The nearest state word before the figure in its clause: positive or negative.
    pub state_before: Option<bool>,
    /// The nearest state word after it.
    pub state_after: Option<bool>,
}

/// Where candidate profiles come from.
#[derive(Clone, Debug)]
pub struct Anchor {
    /// Its kind.
    pub kind: AnchorKind,
    /// Sentence index (into [`Context::sentences`]).
    pub sentence: usize,
    /// Byte range in the sentence (relative to its start).
    pub start: usize,
    /// End byte.
    pub end: usize,
    /// The count expression, for counts and list items.
    pub count: Option<Count>,
    /// Index among the sentence's counts (or list items).
    pub index: usize,
    /// The clause of the figure in the sentence (relative bytes).
    pub clause: (usize, usize),
    /// Cues about the figure.
    pub cues: FigureCues,
    /// The markers the rules would give it (whether or not they read the figure at all).
    pub rule_markers: Vec<usize>,
    /// The tumours the rules would give it.
    pub rule_tumours: Vec<usize>,
    /// The sentence's markers, nearest first.
    pub near_markers: Vec<usize>,
    /// The sentence's tumours, nearest first.
    pub near_tumours: Vec<usize>,
}

/// How a candidate's numbers were read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum How {
    /// As written.
    Count,
    /// Numerator as written, total from the group size.
    CountOfGroup,
    /// Numerator from a percentage of the group size.
    PercentOfGroup,
    /// Converted from a count of the negative state.
    NegativeConverted,
    /// One value of a parallel list.
    ParallelList,
    /// `all` of a group.
    AllOfGroup,
    /// `none of` a group, `negative for`.
    NoneOfGroup,
    /// A case report's finding.
    CaseReport,
    /// Stated without numbers (`X was expressed in Y`): positive and total unknown.
    Qualitative,
}

impl How {
    /// The name in `Profile::rule`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Count => "count",
            Self::CountOfGroup => "count of group",
            Self::PercentOfGroup => "percent of group",
            Self::NegativeConverted => "negative state converted",
            Self::ParallelList => "parallel list",
            Self::AllOfGroup => "all of group",
            Self::NoneOfGroup => "none of group",
            Self::CaseReport => "case report",
            Self::Qualitative => "qualitative",
        }
    }
}

/// Where a candidate's tumour comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TumourFrom {
    /// A mention in the anchor's sentence.
    Sentence,
    /// The document's main tumour, standing for a generic word of the sentence (`these
    /// tumours`).
    Generic,
    /// The document's main tumour; the sentence names none that was taken.
    Main,
    /// The tumour of the title.
    Title,
    /// A case report's diagnosis.
    Diagnosis,
}

/// One candidate profile.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// Its anchor.
    pub anchor: usize,
    /// Marker index (into [`Mentions::markers`]).
    pub marker: usize,
    /// The marker is not in the anchor's sentence (carried from before, or the only one).
    pub marker_carried: bool,
    /// Tumour index (into [`Mentions::tumours`]).
    pub tumour: usize,
    /// Where the tumour comes from.
    pub tumour_from: TumourFrom,
    /// Positive cases.
    pub positive: Option<u32>,
    /// Cases tested.
    pub total: Option<u32>,
    /// How the numbers were read.
    pub how: How,
    /// Where the total comes from.
    pub total_from: TotalFrom,
    /// The rules-only engine takes this candidate.
    pub rule_pick: bool,
}

/// The anchors and candidates of one document.
#[derive(Clone, Debug, Default)]
pub struct Candidates {
    /// Anchors.
    pub anchors: Vec<Anchor>,
    /// Candidates, grouped by anchor.
    pub candidates: Vec<Candidate>,
    /// Count expressions seen anywhere (for reasons).
    pub counts_seen: usize,
}

/// Everything a sentence's candidate generation reads.
pub(crate) struct SentenceView<'a> {
    pub index: usize,
    pub text: &'a str,
    pub lower: &'a str,
    /// Marker indices in the sentence.
    pub markers: Vec<usize>,
    /// Those the rules read (curated or tagged by the vocabularies).
    pub vocab: Vec<usize>,
    /// Tumour indices in the sentence.
    pub tumours: Vec<usize>,
    /// Passage offset of the sentence.
    pub offset: usize,
}

/// State carried from sentence to sentence.
#[derive(Default)]
pub(crate) struct Carry {
    /// The last marker named (the rules' fallback for a count that names none).
    pub last_marker: Option<usize>,
}

/// Generates the anchors and candidates of a document.
#[must_use]
pub fn generate(
    texts: &[&str],
    mentions: &Mentions,
    context: &Context,
    rules: &RuleSet,
    keys: &mut KeyBuilder,
) -> Candidates {
    let mut out = Candidates::default();
    let mut carry = Carry::default();
    for (index, s) in context.sentences.iter().enumerate() {
        let markers = context.sentence_markers[index].clone();
        let view = SentenceView {
            index,
            text: &texts[s.passage][s.start..s.end],
            lower: &s.lower,
            markers: markers.clone(),
            vocab: markers
                .iter()
                .copied()
                .filter(|&i| mentions.markers[i].vocabulary())
                .collect(),
            tumours: context.sentence_tumours[index].clone(),
            offset: s.start,
        };
        let used = counts::sentence(
            &view, texts, mentions, context, rules, keys, &mut carry, &mut out,
        );
        statements::sentence(
            &view, texts, mentions, context, rules, keys, &carry, &used, &mut out,
        );
        marker_statements::marker_statements(&view, mentions, context, rules, keys, &mut out);
        case_reports::sentence(&view, mentions, context, rules, &mut out);
        if let Some(&m) = view
            .vocab
            .iter()
            .rev()
            .find(|&&m| !mentions.markers[m].combined)
        {
            carry.last_marker = Some(m);
        }
    }
    out
}

/// The anchors of `sentence` so far: anchors are made sentence by sentence, so they are the
/// last ones (a scan from the end, not of every anchor of the document).
fn this_sentence(anchors: &[Anchor], sentence: usize) -> impl Iterator<Item = &Anchor> {
    anchors
        .iter()
        .rev()
        .take_while(move |a| a.sentence == sentence)
}

/// Adds to a candidate's markers the rules' picks, a fallback and the document's main marker,
/// each unless a marker of the same key is already there; a marker not in the sentence is
/// flagged (`true`) as coming from outside it.
fn add_marker_fallbacks(
    markers: &mut Vec<(usize, bool)>,
    more: impl Iterator<Item = usize>,
    mentions: &Mentions,
    view: &SentenceView<'_>,
) {
    for m in more {
        if !markers
            .iter()
            .any(|(x, _)| mentions.markers[*x].key() == mentions.markers[m].key())
        {
            markers.push((m, !view.markers.contains(&m)));
        }
    }
}
