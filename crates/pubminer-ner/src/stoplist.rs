//! Names that the dictionary must not tag, although a vocabulary lists them.
//!
//! Gene aliases such as `WAS`, `CAT` or `MS`, and acronyms such as `CT`, `OR` or `CI`, are
//! real names of real concepts that are far more often something else in an abstract. The
//! case rule of the lexicon already keeps `was` and `kit` out; this list handles the rest.
//! A rule may apply only outside an immunohistochemistry context: `ER`, `PR` and `AR` in an
//! IHC abstract are the receptors, elsewhere often not.

use rustc_hash::FxHashMap;

use pubminer_lexicon::EntityType;

/// When a stop rule applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopRule {
    /// Never tag this name.
    Always,
    /// Tag it only in documents that talk about immunohistochemistry.
    UnlessIhc,
}

/// A set of names not to tag, per entity type.
#[derive(Clone, Debug, Default)]
pub struct StopList {
    /// Lower-cased surface → (types it applies to, or empty for all types; rule).
    rules: FxHashMap<String, Vec<(Option<EntityType>, StopRule)>>,
    /// Length in bytes of the longest surface (upper-casing never shortens ASCII; other
    /// scripts get slack).
    longest: usize,
}

/// The list that ships with pubminer (`data/stoplist.tsv`).
const BUILTIN: &str = include_str!("../data/stoplist.tsv");

impl StopList {
    /// The built-in list.
    ///
    /// # Panics
    /// Never: the built-in file is checked by a unit test.
    #[must_use]
    pub fn builtin() -> Self {
        Self::parse(BUILTIN).unwrap_or_default()
    }

    /// An empty list.
    #[must_use]
    pub fn empty() -> Self {
        Self::default()
    }

    /// Parses a list: one rule per line, `surface<TAB>types<TAB>rule`, where `types` is `*`
    /// or a comma-separated list of entity types and `rule` is `always` (default) or
    /// `unless-ihc`. `#` starts a comment.
    ///
    /// # Errors
    /// The 1-based line number and what is wrong.
    pub fn parse(text: &str) -> Result<Self, (usize, String)> {
        let mut list = Self::default();
        for (i, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim_end();
            if line.trim().is_empty() {
                continue;
            }
            let mut cols = line.split('\t');
            let surface = cols.next().unwrap_or("").trim();
            let types = cols.next().unwrap_or("*").trim();
            let rule = match cols.next().unwrap_or("always").trim() {
                "" | "always" => StopRule::Always,
                "unless-ihc" => StopRule::UnlessIhc,
                other => return Err((i + 1, format!("unknown rule {other:?}"))),
            };
            if surface.is_empty() {
                return Err((i + 1, "empty name".into()));
            }
            let mut parsed = Vec::new();
            if types == "*" || types.is_empty() {
                parsed.push((None, rule));
            } else {
                for t in types.split(',') {
                    let t = EntityType::from_name(t.trim())
                        .ok_or_else(|| (i + 1, format!("unknown entity type {t:?}")))?;
                    parsed.push((Some(t), rule));
                }
            }
            let lowered = surface.to_lowercase();
            list.longest = list.longest.max(lowered.len() + 8);
            list.rules.entry(lowered).or_default().extend(parsed);
        }
        Ok(list)
    }

    /// Adds the rules of another list.
    pub fn extend(&mut self, other: Self) {
        self.longest = self.longest.max(other.longest);
        for (k, v) in other.rules {
            self.rules.entry(k).or_default().extend(v);
        }
    }

    /// True when `surface` of type `t` must not be tagged in a document whose IHC context
    /// is `ihc`.
    #[must_use]
    pub fn stops(&self, surface: &str, t: EntityType, ihc: bool) -> bool {
        self.rules_for(surface)
            .is_some_and(|rules| Self::applies(rules, t, ihc))
    }

    /// The rules for `surface`, if any. Allocates only for a surface with capitals or
    /// non-ASCII letters that is short enough to be on the list.
    #[must_use]
    pub fn rules_for(&self, surface: &str) -> Option<&[(Option<EntityType>, StopRule)]> {
        if self.rules.is_empty() || surface.len() > self.longest {
            return None;
        }
        let lowered;
        let key = if surface.is_ascii() && !surface.bytes().any(|b| b.is_ascii_uppercase()) {
            surface
        } else {
            lowered = surface.to_lowercase();
            &lowered
        };
        self.rules.get(key).map(Vec::as_slice)
    }

    /// True when one of `rules` (from [`StopList::rules_for`]) stops type `t`.
    #[must_use]
    pub fn applies(rules: &[(Option<EntityType>, StopRule)], t: EntityType, ihc: bool) -> bool {
        rules.iter().any(|(types, rule)| {
            types.is_none_or(|x| x == t)
                && match rule {
                    StopRule::Always => true,
                    StopRule::UnlessIhc => !ihc,
                }
        })
    }

    /// Number of names with rules.
    #[must_use]
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when the list has no rules.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

/// True when a document's text talks about immunohistochemistry.
#[must_use]
pub fn is_ihc_context(texts: &[&str]) -> bool {
    const CUES: [&str; 6] = [
        "immunohisto",
        "immunostain",
        "immunoreactiv",
        "immunoexpress",
        "immunolabel",
        "tissue microarray",
    ];
    texts.iter().any(|t| {
        let lower = t.to_ascii_lowercase();
        CUES.iter().any(|c| lower.contains(c)) || t.contains("IHC")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_list_parses() {
        let list = StopList::parse(BUILTIN).expect("builtin stop list");
        assert!(list.len() > 50);
        assert!(list.stops("WAS", EntityType::Gene, false));
        assert!(list.stops("ER", EntityType::Gene, false));
        assert!(!list.stops("ER", EntityType::Gene, true));
        assert!(!list.stops("KRAS", EntityType::Gene, false));
    }

    #[test]
    fn rules_are_typed() {
        let list = StopList::parse("lead\tChemical\nCT\t*\n").unwrap();
        assert!(list.stops("Lead", EntityType::Chemical, false));
        assert!(!list.stops("lead", EntityType::Gene, false));
        assert!(list.stops("CT", EntityType::Disease, false));
        assert!(StopList::parse("x\tNoSuchType\n").is_err());
        assert!(StopList::parse("x\t*\tsometimes\n").is_err());
    }

    #[test]
    fn ihc_context() {
        assert!(is_ihc_context(&["Immunohistochemical staining for ER"]));
        assert!(is_ihc_context(&["by IHC"]));
        assert!(!is_ihc_context(&["Patients were seen in the ER."]));
    }
}
