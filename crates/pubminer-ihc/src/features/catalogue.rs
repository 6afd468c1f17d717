//! The catalogue of candidate features: each a value of [`Feature`] with its name (used in
//! model files and `--features-off`) and what it means.

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
    /// The anchor is a numerator alone (`positive in 4 cases`).
    AnchorNumerator = "anchor-numerator",
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
    /// A state word within 25 bytes before the figure agrees with the reading.
    StateNearBeforeAgrees = "state-near-before-agrees",
    /// A state word within 25 bytes before the figure disagrees.
    StateNearBeforeDisagrees = "state-near-before-disagrees",
    /// A state word within 40 bytes after the figure agrees with the reading.
    StateNearAfterAgrees = "state-near-after-agrees",
    /// A state word within 40 bytes after the figure disagrees.
    StateNearAfterDisagrees = "state-near-after-disagrees",
    /// The sentence speaks of staining or expression.
    SentenceStaining = "sentence-staining",
    /// The sentence names an IHC method word.
    SentenceIhc = "sentence-ihc",
    /// The sentence names another assay and no IHC method.
    SentenceOtherAssay = "sentence-other-assay",
    /// The sentence describes methods (`was performed`, `were examined`).
    SentenceMethods = "sentence-methods",
    /// The sentence states findings (`positive`, `was found`, `showed`).
    SentenceResults = "sentence-results",
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
    /// A statement read without numbers (`X was expressed in Y`: null of null).
    HowQualitative = "how-qualitative",
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
    /// The marker is a gene or family name of the main lexicon matched case aside.
    MarkerNamed = "marker-named",
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
    /// Markers listed, then a run of as many counts per tumour (`A, B and C were positive in
    /// 5/9, 2/9 and 7/9 of X, and in ... of Y`): the marker's place among the sentence's
    /// markers is the count's place in its run (the counts with no tumour named between them).
    MarkerInRunOrder = "marker-in-run-order",
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
    /// The tumour right after the count (`13/17 (76%) thymic carcinomas`).
    TumourRightAfter = "tumour-right-after",
    /// Another tumour lies between the tumour and the figure.
    TumourOtherBetween = "tumour-other-between",
    /// Another count lies between the tumour and the figure.
    TumourCountBetween = "tumour-count-between",
    /// The tumour is the first named after a run of two or more counts that holds the figure
    /// (`90 of 95 versus 92 of 95 for clear cell RCC`).
    TumourEndsRun = "tumour-ends-run",
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
    /// Mentions of the tumour's name in the document (scaled).
    TumourMentions = "tumour-mentions",
    /// The tumour's name is in the title.
    TumourNamedInTitle = "tumour-named-in-title",
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
