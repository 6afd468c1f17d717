//! The rules of the IHC engine as values: each one can be switched off by configuration
//! (`--rules-off`), and each has a test on a sentence written for it
//! (`tests/rules.rs`), which also checks that switching it off changes what is read.
//!
//! Rules decide which mentions and candidates exist (mention rules, candidate rules) and,
//! for the rules-only engine (`--engine rules`), which candidate each count becomes (choice
//! rules). The trained engine sees every choice rule as a feature instead.

named_enum! {
    /// One rule.
    Rule, "rule" {
    /// Two different markers joined by a slash (`CK5/P63`) are a double stain: no profile of either.
    DoubleStain = "double-stain",
    /// Gene aliases that are function words (`AND-1`) or a letter and a digit (`B2`) are not markers.
    StrayGeneAliases = "stray-gene-aliases",
    /// A gene alias the document defines as a tumour (`SCC` = small cell carcinoma) is that tumour.
    GeneAliasDefinedAsTumour = "gene-alias-defined-as-tumour",
    /// Processes (`carcinogenesis`) are no tumour types.
    ProcessesAreNotTumours = "processes-are-not-tumours",
    /// Adjacent tumour mentions are one type (`desmoid` + `fibromatoses`).
    AdjacentTumoursMerge = "adjacent-tumours-merge",
    /// A tumour type the document abbreviates is a tumour wherever its short form is used (`STUMP`).
    AbbreviatedTumours = "abbreviated-tumours",
    /// Noun phrases headed by a tumour word that no vocabulary names are tumour types (`non-osteogenic bone tumors`).
    HeadPhrases = "head-phrases",
    /// `tumors of breast, prostate and liver` is one tumour type per organ.
    OrganLists = "organ-lists",
    /// A marker the document abbreviates is a marker wherever its short form is used (`carbonic anhydrase IX (CA IX)`).
    AbbreviatedMarkers = "abbreviated-markers",
    /// Marker-shaped words no vocabulary lists are markers where the text uses them as markers (`Ber-EP4 (2/2)`).
    ShapeMarkers = "shape-markers",
    /// Numbers inside marker names (`CK 5/6`, `CK 7 (28.9%)`) are no counts.
    MarkerNumbers = "marker-numbers",
    /// `desmin, SMA and MSA ... in 28, 30 and 29 of 30` pairs markers and numbers in order.
    ParallelList = "parallel-list",
    /// `respectively` pairs the n-th marker (or tumour) with the n-th count.
    Respectively = "respectively",
    /// A count's own clause names its marker and tumour before nearer ones across a clause break.
    ClauseOfCount = "clause-of-count",
    /// A count without a total takes the size of its tumour's group stated elsewhere.
    GroupTotals = "group-totals",
    /// A percentage becomes a count when exactly one integer of the group reproduces it.
    PercentOfGroup = "percent-of-group",
    /// A numerator with its percentage implies its total when one integer fits (`12 (18.2%)` of 66), and two complementary counts add up to theirs.
    TotalFromPercent = "total-from-percent",
    /// The study's series size (`Seven cases in total`) is the total of counts and statements about its main tumour.
    SeriesTotals = "series-totals",
    /// A sentence stating markers of `all cases` or `the tumour cells` without naming a tumour states them of the main tumour.
    MarkerStatements = "marker-statements",
    /// A count of the negative state (`negative in 12 of 19`) is converted to positives.
    NegativeState = "negative-state",
    /// `all` / `none of` / `negative for` statements about a group give N/N or 0/N.
    Statements = "statements",
    /// A case report gives 1/1 (0/1) for each marker stated positive (negative).
    CaseReports = "case-reports",
    /// `positive for CK5 and P63 each` gives the count to every marker of the clause.
    EachMarker = "each-marker",
    /// `ER, PR and HER2 negative` states every listed marker.
    CoordinatedMarkers = "coordinated-markers",
    /// A rate without a count covers every tumour of a coordination (`100% of LMS and STUMP`).
    CoordinatedTumours = "coordinated-tumours",
    /// A generic tumour word (`these tumours`) is the document's main tumour type.
    GenericTumourIsMain = "generic-tumour-is-main",
    /// Thresholds (`>25% of cells`, `more than 10%`, `up to 63%`) are definitions, not results.
    Thresholds = "thresholds",
    /// Sensitivity, specificity, survival, age... near a figure make it no positivity count.
    NotPositivity = "not-positivity",
    /// `60% of them` after a count is a part of it, not a rate of the series.
    PartOfPrevious = "part-of-previous",
    /// A number followed by `years`, `patients`, `mm`... is no count.
    UnitsAfterCount = "units-after-count",
    /// A sentence about another assay (FISH, PCR) gives counts only in a clause that states a marker's staining.
    OtherAssay = "other-assay",
    /// A sentence naming no marker and no staining word gives no count to the previous sentence's marker.
    StainingSentence = "staining-sentence",
    /// Of several counts of one marker and tumour, the largest series and then the most positives wins.
    MostPositivesOfSeries = "most-positives-of-series",
    }
}

/// Which rules are on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleSet {
    off: u64,
}

impl Default for RuleSet {
    fn default() -> Self {
        Self::all()
    }
}

impl RuleSet {
    /// Every rule on.
    #[must_use]
    pub const fn all() -> Self {
        Self { off: 0 }
    }

    /// This set with `rule` off.
    #[must_use]
    pub fn without(self, rule: Rule) -> Self {
        Self {
            off: self.off | (1 << rule as u32),
        }
    }

    /// True when `rule` is on.
    #[must_use]
    pub fn on(&self, rule: Rule) -> bool {
        self.off & (1 << rule as u32) == 0
    }

    /// The rules that are off.
    #[must_use]
    pub fn disabled(&self) -> Vec<Rule> {
        Rule::ALL.iter().copied().filter(|r| !self.on(*r)).collect()
    }

    /// Parses a comma-separated list of rule names to switch off.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_sets_switch_rules_off() {
        assert!(Rule::ALL.len() < 64);
        for r in Rule::ALL {
            assert_eq!(r.name().parse::<Rule>(), Ok(*r));
            assert!(!r.describe().is_empty());
        }
        let set = RuleSet::parse_off("negative-state, thresholds").unwrap();
        assert!(!set.on(Rule::NegativeState));
        assert!(!set.on(Rule::Thresholds));
        assert!(set.on(Rule::Respectively));
        assert_eq!(set.disabled(), [Rule::NegativeState, Rule::Thresholds]);
        assert!(
            RuleSet::parse_off("nope")
                .unwrap_err()
                .contains("negative-state")
        );
    }
}
