//! Checks an LLM's counts against the abstract before they may be pooled: `X <= Y`, and both
//! numbers present in the abstract (as digits or words), or X derivable from it (the
//! complement `Y - n` of a negative-state count, or a stated percentage of Y). A count that
//! fails is kept as evidence of what the model claimed, but with no numbers, so it never
//! reaches a pooled rate.

use pubminer_ihc::counts::{Atom, atoms};

/// Why a count was not trusted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Flag {
    /// More positive than tested.
    MoreThanTotal,
    /// The total does not occur in the abstract.
    TotalNotInAbstract,
    /// Neither the positive count, its complement, nor a stated percentage of the total
    /// occurs in the abstract.
    PositiveNotInAbstract,
}

impl Flag {
    /// A short description.
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::MoreThanTotal => "positive > total",
            Self::TotalNotInAbstract => "total not in the abstract",
            Self::PositiveNotInAbstract => "positive count not in the abstract",
        }
    }
}

/// The numbers and percentages an abstract states.
#[derive(Clone, Debug, Default)]
pub struct Stated {
    numbers: Vec<u32>,
    percents: Vec<f64>,
}

impl Stated {
    /// Reads `text`.
    #[must_use]
    pub fn of(text: &str) -> Self {
        let mut s = Self::default();
        for a in atoms(text) {
            match a.atom {
                Atom::Number(n) => s.numbers.push(n),
                Atom::Percent(p, _) => s.percents.push(p),
                _ => {}
            }
        }
        s
    }

    /// Checks a claimed `x` of `y`.
    ///
    /// # Errors
    /// The first check that fails.
    pub fn check(&self, x: u32, y: u32) -> Result<(), Flag> {
        if x > y {
            return Err(Flag::MoreThanTotal);
        }
        if !self.numbers.contains(&y) {
            return Err(Flag::TotalNotInAbstract);
        }
        let from_percent = self
            .percents
            .iter()
            .any(|p| (p * f64::from(y) / 100.0).round() as u32 == x);
        // `none` / `all` need no number of their own.
        if x == 0
            || x == y
            || self.numbers.contains(&x)
            || self.numbers.contains(&(y - x))
            || from_percent
        {
            Ok(())
        } else {
            Err(Flag::PositiveNotInAbstract)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_must_come_from_the_abstract() {
        let s = Stated::of(
            "TTF-1 was positive in twenty-seven of 35 tumours; 12 of 19 were CK20-negative; \
             CK7 was expressed in 75% of 48 cases.",
        );
        assert_eq!(s.check(27, 35), Ok(()));
        assert_eq!(s.check(7, 19), Ok(()), "complement of a negative count");
        assert_eq!(s.check(36, 48), Ok(()), "75% of 48");
        assert_eq!(s.check(0, 35), Ok(()));
        assert_eq!(s.check(36, 35), Err(Flag::MoreThanTotal));
        assert_eq!(s.check(5, 40), Err(Flag::TotalNotInAbstract));
        assert_eq!(s.check(30, 35), Err(Flag::PositiveNotInAbstract));
    }
}
