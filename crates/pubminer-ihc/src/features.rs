//! Phase 4: the features of a candidate profile, as values of [`Feature`]. Each is a number in
//! [0, 1] read from the candidate, its anchor, its sentence and the document; the rules'
//! own choices are features too (`marker-rule-pick`...), so the trained scorer starts from
//! what the rules know and learns when to overrule them. A [`FeatureSet`] switches any of
//! them off (the value is then 0 for training and scoring alike).

use std::collections::HashMap;

use crate::candidates::{AnchorKind, Candidate, How, TotalFrom, TumourFrom};
use crate::counts::agrees;
use crate::extract::Analysis;
use crate::mentions::{MarkerSource, TumourSource};

named_enum! {
    /// One feature of a candidate profile.
    Feature, "feature" {
    /// The anchor is a count expression.
    AnchorCount = "anchor-count",
    /// The anchor is a value of a parallel list.
    AnchorListItem = "anchor-list-item",
    /// The anchor is an `all`/`none` statement.
    AnchorStatement = "anchor-statement",
    /// The anchor is a case report's finding.
    AnchorCaseReport = "anchor-case-report",
    /// The count states both numbers (`27/35`, `27 of 35`).
    CountBoth = "count-both",
    /// The count is a percentage alone.
    CountPercentOnly = "count-percent-only",
    /// The count is a numerator with a percentage (`14 (70%)`).
    CountNumeratorPercent = "count-numerator-percent",
    /// The count's percentage agrees with its numbers.
    PercentAgrees = "percent-agrees",
    /// A threshold, not a result (`>25% of cells`).
    Threshold = "threshold",
    /// Sensitivity, specificity, survival, age... in the clause before the figure.
    NotPositivity = "not-positivity",
    /// A part of the count before (`60% of them`).
    PartOfPrevious = "part-of-previous",
    /// A unit after the number (`years`, `patients`, `mm`).
    UnitsAfter = "units-after",
    /// In a sentence about another assay, the clause does not state a marker's staining.
    OtherAssayClause = "other-assay-clause",
    /// The nearest state word is negative.
    NegativeCue = "negative-cue",
    /// The nearest state word before the figure in its clause agrees with the reading
    /// (negative for a converted, `none` or 0 reading; positive otherwise).
    StateBeforeAgrees = "state-before-agrees",
    /// It disagrees.
    StateBeforeDisagrees = "state-before-disagrees",
    /// The nearest state word after the figure agrees with the reading.
    StateAfterAgrees = "state-after-agrees",
    /// It disagrees.
    StateAfterDisagrees = "state-after-disagrees",
    /// The sentence speaks of staining or expression.
    SentenceStaining = "sentence-staining",
    /// The sentence names an IHC method word.
    SentenceIhc = "sentence-ihc",
    /// The sentence names another assay and no IHC method.
    SentenceOtherAssay = "sentence-other-assay",
    /// The sentence says `respectively`.
    Respectively = "respectively",
    /// The sentence names sensitivity.
    Sensitivity = "sensitivity",
    /// The sentence is the title.
    InTitle = "in-title",
    /// Position of the sentence in the document (0 first, 1 last).
    SentencePosition = "sentence-position",
    /// Number of counts in the sentence (scaled).
    CountsInSentence = "counts-in-sentence",
    /// The first count of its sentence.
    FirstCount = "first-count",
    /// Numbers as written.
    HowCount = "how-count",
    /// Numerator as written, total from the group.
    HowCountOfGroup = "how-count-of-group",
    /// Numerator from the percentage of the group.
    HowPercentOfGroup = "how-percent-of-group",
    /// Converted from the negative state.
    HowNegativeConverted = "how-negative-converted",
    /// A value of a parallel list.
    HowParallelList = "how-parallel-list",
    /// `all` of a group.
    HowAllOfGroup = "how-all-of-group",
    /// `none of` a group.
    HowNoneOfGroup = "how-none-of-group",
    /// A case report's finding.
    HowCaseReport = "how-case-report",
    /// The reading's state agrees with the negative cue (converted or none when negative).
    StateAgrees = "state-agrees",
    /// No total.
    TotalMissing = "total-missing",
    /// The total is stated by the count.
    TotalFromCount = "total-from-count",
    /// The total is the tumour's group size.
    TotalFromGroup = "total-from-group",
    /// The total is a number before the tumour in the sentence.
    TotalFromSentence = "total-from-sentence",
    /// The total is the study's series size.
    TotalFromSeries = "total-from-series",
    /// The total is implied by the numerator and its percentage.
    TotalFromPercent = "total-from-percent",
    /// The total is the sum of complementary counts.
    TotalFromSum = "total-from-sum",
    /// No numerator.
    PositiveMissing = "positive-missing",
    /// All positive.
    AllPositive = "all-positive",
    /// None positive.
    NonePositive = "none-positive",
    /// One case.
    TotalOne = "total-one",
    /// Total, log-scaled.
    TotalSize = "total-size",
    /// The total is the tumour's group size.
    TotalIsGroup = "total-is-group",
    /// The largest total among the candidates of this marker and tumour.
    LargestSeries = "largest-series",
    /// The most positives among the candidates of this marker, tumour and total.
    MostPositives = "most-positives",
    /// The marker comes from the curated list.
    MarkerCurated = "marker-curated",
    /// The marker is a gene of the main lexicon.
    MarkerLexicon = "marker-lexicon",
    /// The marker is a marker-shaped word no vocabulary lists.
    MarkerShape = "marker-shape",
    /// The marker is half of a double stain.
    MarkerCombined = "marker-combined",
    /// The marker is not in the anchor's sentence.
    MarkerCarried = "marker-carried",
    /// The document names one marker.
    OnlyMarker = "only-marker",
    /// The marker is the nearest of the sentence.
    MarkerNearest = "marker-nearest",
    /// The marker is the second nearest.
    MarkerSecond = "marker-second",
    /// The marker is third or farther.
    MarkerFarther = "marker-farther",
    /// Distance from the anchor to the marker (bytes, scaled).
    MarkerDistance = "marker-distance",
    /// The marker comes before the anchor.
    MarkerBefore = "marker-before",
    /// The marker is in the count's clause.
    MarkerInClause = "marker-in-clause",
    /// The rules give the anchor this marker.
    MarkerRulePick = "marker-rule-pick",
    /// The marker's place among the sentence's markers is the count's among its counts.
    MarkerInOrder = "marker-in-order",
    /// The count follows the marker in brackets (`CK7 (2/4)`).
    MarkerThenBracket = "marker-then-bracket",
    /// The marker comes right before the figure, a few bytes away, nothing between (`M2PK in 68%`).
    MarkerImmediate = "marker-immediate",
    /// The nearest marker, before the figure.
    MarkerNearestBefore = "marker-nearest-before",
    /// The nearest marker, after the figure.
    MarkerNearestAfter = "marker-nearest-after",
    /// Another marker lies between the marker and the figure.
    MarkerOtherBetween = "marker-other-between",
    /// Another count lies between the marker and the figure.
    MarkerCountBetween = "marker-count-between",
    /// `for` or `with` joins the count to the marker after it (`in 20 of 25 for CD10`).
    MarkerForAfter = "marker-for-after",
    /// The marker is named in the title.
    MarkerInTitle = "marker-in-title",
    /// Mentions of the marker in the document (scaled).
    MarkerMentions = "marker-mentions",
    /// Markers in the sentence (scaled).
    MarkersInSentence = "markers-in-sentence",
    /// The marker is listed with other markers (`ER, PR and HER2`).
    MarkerListed = "marker-listed",
    /// The tumour is a mention of the sentence.
    TumourInSentence = "tumour-in-sentence",
    /// The tumour is the main one, for a generic word of the sentence.
    TumourGeneric = "tumour-generic",
    /// The tumour is the main one; the sentence's were not taken.
    TumourMain = "tumour-main",
    /// The tumour is the title's.
    TumourTitle = "tumour-title",
    /// The tumour is the case report's diagnosis.
    TumourDiagnosis = "tumour-diagnosis",
    /// The tumour is the nearest of the sentence.
    TumourNearest = "tumour-nearest",
    /// The tumour is the second nearest.
    TumourSecond = "tumour-second",
    /// The tumour is third or farther.
    TumourFarther = "tumour-farther",
    /// Distance from the anchor to the tumour (bytes, scaled).
    TumourDistance = "tumour-distance",
    /// The tumour comes after the anchor.
    TumourAfter = "tumour-after",
    /// The tumour is in the count's clause.
    TumourInClause = "tumour-in-clause",
    /// The rules give the anchor this tumour.
    TumourRulePick = "tumour-rule-pick",
    /// The tumour right after the count (`24/27 (89%) Merkel cell carcinomas`).
    TumourRightAfter = "tumour-right-after",
    /// Another tumour lies between the tumour and the figure.
    TumourOtherBetween = "tumour-other-between",
    /// Another count lies between the tumour and the figure.
    TumourCountBetween = "tumour-count-between",
    /// The tumour opens a phrase before the figure (`In endometrial cancers, 84%`).
    TumourIntroduces = "tumour-introduces",
    /// `of` or `in` joins the figure to the tumour after it (`27 of 35 LMS`, `in 5 STUMPs`).
    TumourOfAfter = "tumour-of-after",
    /// The tumour has a vocabulary concept.
    TumourHasConcept = "tumour-has-concept",
    /// The tumour comes from the vocabularies.
    TumourVocabulary = "tumour-vocabulary",
    /// The tumour is an abbreviation the document defines.
    TumourAbbreviation = "tumour-abbreviation",
    /// The tumour is a noun phrase headed by a tumour word.
    TumourPhrase = "tumour-phrase",
    /// The tumour is one organ of a list.
    TumourOrganList = "tumour-organ-list",
    /// The tumour has a group size.
    TumourHasGroup = "tumour-has-group",
    /// The tumour is the document's main tumour.
    TumourIsMain = "tumour-is-main",
    /// Words of the tumour's name (scaled).
    TumourWords = "tumour-words",
    /// Tumours in the sentence (scaled).
    TumoursInSentence = "tumours-in-sentence",
    /// The document reads as a case report.
    CaseReportDocument = "case-report-document",
    /// The document may be a case report (`year-old`, `the patient`).
    CaseLikeDocument = "case-like-document",
    /// The document names a series size.
    SeriesDocument = "series-document",
    /// Distinct markers of the document (scaled).
    DocumentMarkers = "document-markers",
    /// The rules-only engine takes this candidate.
    RulePick = "rule-pick",
    }
}

/// Number of features.
pub const FEATURES: usize = Feature::ALL.len();

/// Which features are on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct FeatureSet {
    off: u128,
}

impl FeatureSet {
    /// Every feature on.
    #[must_use]
    pub const fn all() -> Self {
        Self { off: 0 }
    }

    /// This set with `feature` off.
    #[must_use]
    pub fn without(self, feature: Feature) -> Self {
        Self {
            off: self.off | (1 << feature as u32),
        }
    }

    /// True when `feature` is on.
    #[must_use]
    pub fn on(&self, feature: Feature) -> bool {
        self.off & (1 << feature as u32) == 0
    }

    /// The features that are off, by name.
    #[must_use]
    pub fn disabled(&self) -> Vec<Feature> {
        Feature::ALL.iter().copied().filter(|f| !self.on(*f)).collect()
    }

    /// Parses a comma-separated list of feature names to switch off.
    ///
    /// # Errors
    /// An unknown name, with the list of known ones.
    pub fn parse_off(list: &str) -> Result<Self, String> {
        let mut set = Self::all();
        for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            set = set.without(name.parse()?);
        }
        Ok(set)
    }
}

/// Where a sentence's markers, tumours and counts are (bytes relative to the sentence).
#[derive(Default)]
struct Layout {
    markers: Vec<(usize, usize)>,
    tumours: Vec<(usize, usize)>,
    counts: Vec<(usize, usize)>,
}

fn layout(analysis: &Analysis) -> Vec<Layout> {
    let sentences = &analysis.context.sentences;
    let mut out: Vec<Layout> = sentences.iter().map(|_| Layout::default()).collect();
    let find = |passage: usize, start: usize, end: usize| {
        sentences
            .iter()
            .position(|s| s.passage == passage && start >= s.start && end <= s.end)
    };
    for m in &analysis.mentions.markers {
        if let Some(i) = find(m.passage, m.start, m.end) {
            out[i].markers.push((m.start - sentences[i].start, m.end - sentences[i].start));
        }
    }
    for t in &analysis.mentions.tumours {
        if let Some(i) = find(t.passage, t.start, t.end) {
            out[i].tumours.push((t.start - sentences[i].start, t.end - sentences[i].start));
        }
    }
    for a in &analysis.candidates.anchors {
        if a.kind == AnchorKind::Count {
            out[a.sentence].counts.push((a.start, a.end));
        }
    }
    out
}

fn scaled_log(n: f64, max: f64) -> f32 {
    ((1.0 + n).ln() / (1.0 + max).ln()).min(1.0) as f32
}

/// The features of every candidate of `analysis`, row-major (`candidates × FEATURES`).
#[must_use]
pub fn matrix(analysis: &Analysis, set: &FeatureSet) -> Vec<f32> {
    let cands = &analysis.candidates.candidates;
    let mut out = vec![0f32; cands.len() * FEATURES];
    // Series statistics per marker and tumour: the largest total, and the most positives for
    // each total.
    let mut largest: HashMap<(String, usize), u32> = HashMap::new();
    let mut most: HashMap<(String, usize, u32), u32> = HashMap::new();
    for c in cands {
        let key = (analysis.mentions.markers[c.marker].key(), analysis.tumour_group(c.tumour));
        let total = c.total.unwrap_or(0);
        let e = largest.entry(key.clone()).or_insert(0);
        *e = (*e).max(total);
        let e = most.entry((key.0, key.1, total)).or_insert(0);
        *e = (*e).max(c.positive.unwrap_or(0));
    }
    let layout = layout(analysis);
    for (i, c) in cands.iter().enumerate() {
        let row = &mut out[i * FEATURES..(i + 1) * FEATURES];
        let key = (analysis.mentions.markers[c.marker].key(), analysis.tumour_group(c.tumour));
        let total = c.total.unwrap_or(0);
        let largest = largest.get(&key).copied() == Some(total);
        let most = most.get(&(key.0, key.1, total)).copied() == Some(c.positive.unwrap_or(0));
        fill(analysis, &layout, c, largest, most, row);
        for f in Feature::ALL {
            if !set.on(*f) {
                row[*f as usize] = 0.0;
            }
        }
    }
    out
}

fn fill(analysis: &Analysis, layout: &[Layout], c: &Candidate, largest: bool, most: bool, row: &mut [f32]) {
    use Feature as F;
    let anchor = &analysis.candidates.anchors[c.anchor];
    let sentence = &analysis.context.sentences[anchor.sentence];
    let text = &analysis.texts[sentence.passage][sentence.start..sentence.end];
    let lower = sentence.lower.as_str();
    let off = sentence.start;
    let m = &analysis.mentions.markers[c.marker];
    let t = &analysis.mentions.tumours[c.tumour];
    let count = anchor.count.as_ref();
    let mut set = |f: Feature, v: bool| row[f as usize] = f32::from(u8::from(v));
    set(F::AnchorCount, anchor.kind == AnchorKind::Count);
    set(F::AnchorListItem, anchor.kind == AnchorKind::ListItem);
    set(F::AnchorStatement, anchor.kind == AnchorKind::Statement);
    set(F::AnchorCaseReport, anchor.kind == AnchorKind::CaseReport);
    set(F::CountBoth, count.is_some_and(|k| k.x.is_some() && k.y.is_some()));
    set(F::CountPercentOnly, count.is_some_and(|k| k.x.is_none() && k.y.is_none()));
    set(F::CountNumeratorPercent, count.is_some_and(|k| k.x.is_some() && k.y.is_none()));
    set(
        F::PercentAgrees,
        count.is_some_and(|k| matches!((k.x, k.y, k.percent), (Some(x), Some(y), Some(p)) if agrees(x, y, p))),
    );
    let cues = anchor.cues;
    set(F::Threshold, cues.threshold);
    set(F::NotPositivity, cues.not_positivity);
    set(F::PartOfPrevious, cues.part_of_previous);
    set(F::UnitsAfter, cues.units_after);
    set(F::OtherAssayClause, cues.other_assay);
    set(F::NegativeCue, cues.negative);
    set(F::SentenceStaining, sentence.staining);
    set(F::SentenceIhc, sentence.ihc);
    set(F::SentenceOtherAssay, sentence.other_assay);
    set(F::Respectively, lower.contains("respectively"));
    set(F::Sensitivity, lower.contains("sensitiv"));
    set(F::InTitle, Some(sentence.passage) == analysis.title_passage);
    let sentences = analysis.context.sentences.len().max(2) - 1;
    row[F::SentencePosition as usize] = anchor.sentence as f32 / sentences as f32;
    let counts_here = analysis
        .candidates
        .anchors
        .iter()
        .filter(|a| a.sentence == anchor.sentence && a.kind == AnchorKind::Count)
        .count();
    let mut set = |f: Feature, v: bool| row[f as usize] = f32::from(u8::from(v));
    set(F::FirstCount, anchor.kind == AnchorKind::Count && anchor.index == 0);
    set(F::HowCount, c.how == How::Count);
    set(F::HowCountOfGroup, c.how == How::CountOfGroup);
    set(F::HowPercentOfGroup, c.how == How::PercentOfGroup);
    set(F::HowNegativeConverted, c.how == How::NegativeConverted);
    set(F::HowParallelList, c.how == How::ParallelList);
    set(F::HowAllOfGroup, c.how == How::AllOfGroup);
    set(F::HowNoneOfGroup, c.how == How::NoneOfGroup);
    set(F::HowCaseReport, c.how == How::CaseReport);
    let negative_reading = matches!(c.how, How::NegativeConverted | How::NoneOfGroup)
        || c.how == How::CaseReport && c.positive == Some(0);
    set(F::StateAgrees, negative_reading == cues.negative);
    set(F::StateBeforeAgrees, cues.state_before == Some(!negative_reading));
    set(F::StateBeforeDisagrees, cues.state_before == Some(negative_reading));
    set(F::StateAfterAgrees, cues.state_after == Some(!negative_reading));
    set(F::StateAfterDisagrees, cues.state_after == Some(negative_reading));
    set(F::TotalMissing, c.total.is_none());
    set(F::TotalFromCount, c.total_from == TotalFrom::Count);
    set(F::TotalFromGroup, c.total_from == TotalFrom::Group);
    set(F::TotalFromSentence, c.total_from == TotalFrom::Sentence);
    set(F::TotalFromSeries, c.total_from == TotalFrom::Series);
    set(F::TotalFromPercent, c.total_from == TotalFrom::Percent);
    set(F::TotalFromSum, c.total_from == TotalFrom::Sum);
    set(F::PositiveMissing, c.positive.is_none());
    set(F::AllPositive, c.positive.is_some() && c.positive == c.total);
    set(F::NonePositive, c.positive == Some(0));
    set(F::TotalOne, c.total == Some(1));
    set(F::LargestSeries, largest);
    set(F::MostPositives, most);
    set(F::MarkerCurated, m.source == MarkerSource::Curated);
    set(F::MarkerLexicon, m.source == MarkerSource::Lexicon);
    set(F::MarkerShape, m.source == MarkerSource::Shape);
    set(F::MarkerCombined, m.combined);
    set(F::MarkerCarried, c.marker_carried);
    set(F::OnlyMarker, analysis.context.distinct_markers == 1);
    let m_rank = anchor.near_markers.iter().position(|&x| x == c.marker);
    set(F::MarkerNearest, m_rank == Some(0));
    set(F::MarkerSecond, m_rank == Some(1));
    set(F::MarkerFarther, m_rank.is_some_and(|r| r >= 2));
    let (ms, me) = (m.start.wrapping_sub(off), m.end.wrapping_sub(off));
    let in_sentence = !c.marker_carried && m.passage == sentence.passage;
    let m_before = in_sentence && me <= anchor.start;
    set(F::MarkerBefore, m_before);
    let (lo, hi) = anchor.clause;
    set(F::MarkerInClause, in_sentence && ms >= lo && me <= hi);
    set(F::MarkerRulePick, anchor.rule_markers.contains(&c.marker));
    let distinct = analysis.distinct_in_sentence(anchor.sentence);
    let order = distinct.iter().position(|&x| analysis.mentions.markers[x].key() == m.key());
    set(
        F::MarkerInOrder,
        anchor.kind == AnchorKind::Count && order == Some(anchor.index) && distinct.len() == counts_here,
    );
    set(
        F::MarkerThenBracket,
        m_before && text.get(me..anchor.start).is_some_and(|g| matches!(g.trim(), "(" | "[" | ":" | "," | "(n =" | "")),
    );
    set(
        F::MarkerForAfter,
        in_sentence
            && ms >= anchor.end
            && lower.get(anchor.end..ms).is_some_and(|g| g.len() < 40 && (g.contains("for ") || g.contains("with "))),
    );
    set(F::MarkerInTitle, analysis.title_markers.contains(&m.key()));
    let spans = &layout[anchor.sentence];
    let between = |list: &[(usize, usize)], a: (usize, usize), b: (usize, usize)| {
        let (lo, hi) = if a.1 <= b.0 { (a.1, b.0) } else { (b.1, a.0) };
        list.iter().any(|&(s, e)| s >= lo && e <= hi && (s, e) != a && (s, e) != b)
    };
    let anchor_span = (anchor.start, anchor.end);
    if in_sentence {
        let m_span = (ms, me);
        set(F::MarkerOtherBetween, between(&spans.markers, m_span, anchor_span));
        set(F::MarkerCountBetween, between(&spans.counts, m_span, anchor_span));
        set(
            F::MarkerImmediate,
            m_before
                && anchor.start - me <= 14
                && !between(&spans.markers, m_span, anchor_span)
                && !between(&spans.counts, m_span, anchor_span),
        );
    }
    set(F::MarkerNearestBefore, m_rank == Some(0) && m_before);
    set(F::MarkerNearestAfter, m_rank == Some(0) && in_sentence && ms >= anchor.end);
    set(F::MarkerListed, analysis.listed_markers.contains(&c.marker));
    let t_rank = anchor.near_tumours.iter().position(|&x| x == c.tumour);
    set(F::TumourInSentence, c.tumour_from == TumourFrom::Sentence);
    set(F::TumourGeneric, c.tumour_from == TumourFrom::Generic);
    set(F::TumourMain, c.tumour_from == TumourFrom::Main);
    set(F::TumourTitle, c.tumour_from == TumourFrom::Title);
    set(F::TumourDiagnosis, c.tumour_from == TumourFrom::Diagnosis);
    set(F::TumourNearest, t_rank == Some(0));
    set(F::TumourSecond, t_rank == Some(1));
    set(F::TumourFarther, t_rank.is_some_and(|r| r >= 2));
    let t_here = c.tumour_from == TumourFrom::Sentence && t.passage == sentence.passage;
    let (ts, te) = (t.start.wrapping_sub(off), t.end.wrapping_sub(off));
    set(F::TumourAfter, t_here && ts >= anchor.end);
    set(F::TumourInClause, t_here && ts >= lo && te <= hi);
    set(F::TumourRulePick, anchor.rule_tumours.contains(&c.tumour));
    set(
        F::TumourRightAfter,
        t_here && ts >= anchor.end && text.get(anchor.end..ts).is_some_and(|g| g.trim().len() <= 12),
    );
    if t_here {
        let t_span = (ts, te);
        set(F::TumourOtherBetween, between(&spans.tumours, t_span, anchor_span));
        set(F::TumourCountBetween, between(&spans.counts, t_span, anchor_span));
        let lead = lower.get(..ts).unwrap_or("").trim_end();
        set(
            F::TumourIntroduces,
            te <= anchor.start
                && [" in", " of", " among", " for", "in", "of"].iter().any(|w| lead.ends_with(w))
                && text.get(te..anchor.start).is_some_and(|g| g.contains(',') && g.len() < 60),
        );
        set(
            F::TumourOfAfter,
            ts >= anchor.end
                && lower
                    .get(anchor.end..ts)
                    .is_some_and(|g| g.len() < 30 && (g.contains(" of ") || g.contains(" in ") || g.trim_start().starts_with("of") || g.trim_start().starts_with("in "))),
        );
    }
    set(F::TumourHasConcept, t.id.is_some());
    set(F::TumourVocabulary, t.source == TumourSource::Vocabulary);
    set(F::TumourAbbreviation, t.source == TumourSource::Abbreviation);
    set(F::TumourPhrase, t.source == TumourSource::Phrase);
    set(F::TumourOrganList, t.source == TumourSource::OrganList);
    set(F::TumourHasGroup, analysis.group_sizes[c.tumour].is_some());
    set(F::TumourIsMain, analysis.context.main_tumour == Some(c.tumour));
    set(F::CaseReportDocument, analysis.context.case_report);
    set(F::CaseLikeDocument, analysis.context.case_like);
    set(F::SeriesDocument, analysis.context.series.is_some_and(|n| n > 2));
    set(F::RulePick, c.rule_pick);
    set(
        F::TotalIsGroup,
        c.total.is_some() && c.total == analysis.group_sizes[c.tumour],
    );
    row[F::CountsInSentence as usize] = scaled_log(counts_here as f64, 20.0);
    row[F::TotalSize as usize] = scaled_log(f64::from(c.total.unwrap_or(0)), 2000.0);
    let distance = |d: usize| (d.min(200) as f32) / 200.0;
    row[F::MarkerDistance as usize] = if in_sentence {
        distance(if m_before { anchor.start - me } else { ms.saturating_sub(anchor.end) })
    } else {
        1.0
    };
    row[F::TumourDistance as usize] = if t_here {
        distance(if te <= anchor.start { anchor.start - te } else { ts.saturating_sub(anchor.end) })
    } else {
        1.0
    };
    row[F::MarkerMentions as usize] = scaled_log(analysis.marker_mentions(&m.key()) as f64, 20.0);
    row[F::MarkersInSentence as usize] = scaled_log(anchor.near_markers.len() as f64, 20.0);
    row[F::TumoursInSentence as usize] = scaled_log(anchor.near_tumours.len() as f64, 20.0);
    row[F::TumourWords as usize] = (t.text.split_whitespace().count().min(8) as f32) / 8.0;
    row[F::DocumentMarkers as usize] = scaled_log(analysis.context.distinct_markers as f64, 30.0);
}
