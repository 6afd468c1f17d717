//! Byte ranges into passage text.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A half-open range `[start, end)` of UTF-8 byte offsets into one passage's text.
///
/// Every span in pubminer is a `TextRange`: mentions, sentences, tokens, abbreviations.
/// Conversion to character or UTF-16 offsets happens only at the I/O boundary
/// (see [`crate::offsets`]). Serialised as a two-element array `[start, end]`.
///
/// Architecture invariant: `start <= end`; constructors enforce it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct TextRange {
    start: u32,
    end: u32,
}

impl TextRange {
    /// A range from `start` to `end` (byte offsets).
    ///
    /// # Panics
    /// If `start > end`. Use [`TextRange::try_new`] for untrusted input.
    #[must_use]
    pub const fn new(start: u32, end: u32) -> Self {
        assert!(start <= end, "TextRange start > end");
        Self { start, end }
    }

    /// A range from untrusted offsets; `None` when `start > end` or an offset exceeds `u32`.
    #[must_use]
    pub fn try_new(start: usize, end: usize) -> Option<Self> {
        let start = u32::try_from(start).ok()?;
        let end = u32::try_from(end).ok()?;
        (start <= end).then_some(Self { start, end })
    }

    /// The start offset in bytes.
    #[must_use]
    pub const fn start(self) -> u32 {
        self.start
    }

    /// The end offset in bytes (exclusive).
    #[must_use]
    pub const fn end(self) -> u32 {
        self.end
    }

    /// Length in bytes.
    #[must_use]
    pub const fn len(self) -> u32 {
        self.end - self.start
    }

    /// True when the range covers no bytes.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// As a `usize` range, for slicing.
    #[must_use]
    pub const fn to_range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// True when the two ranges share at least one byte.
    #[must_use]
    pub const fn overlaps(self, other: Self) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// True when `other` lies entirely inside `self`.
    #[must_use]
    pub const fn contains_range(self, other: Self) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The range shifted right by `offset` bytes.
    #[must_use]
    pub const fn shifted(self, offset: u32) -> Self {
        Self {
            start: self.start + offset,
            end: self.end + offset,
        }
    }

    /// The slice of `text` this range covers, or `None` when it is out of bounds or not on
    /// character boundaries.
    #[must_use]
    pub fn slice(self, text: &str) -> Option<&str> {
        text.get(self.to_range())
    }
}

impl fmt::Debug for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl fmt::Display for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl Serialize for TextRange {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        [self.start, self.end].serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for TextRange {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let [start, end] = <[u32; 2]>::deserialize(deserializer)?;
        if start > end {
            return Err(serde::de::Error::custom(format!(
                "range start {start} is after end {end}"
            )));
        }
        Ok(Self { start, end })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_and_containment() {
        let a = TextRange::new(0, 5);
        let b = TextRange::new(4, 9);
        let c = TextRange::new(5, 9);
        assert!(a.overlaps(b));
        assert!(!a.overlaps(c), "touching ranges do not overlap");
        assert!(TextRange::new(0, 9).contains_range(b));
        assert!(!b.contains_range(a));
    }

    #[test]
    fn serde_is_an_array_and_rejects_reversed() {
        let r = TextRange::new(3, 7);
        assert_eq!(serde_json::to_string(&r).unwrap(), "[3,7]");
        assert_eq!(serde_json::from_str::<TextRange>("[3,7]").unwrap(), r);
        assert!(serde_json::from_str::<TextRange>("[7,3]").is_err());
    }

    #[test]
    fn try_new_rejects_bad_input() {
        assert!(TextRange::try_new(5, 4).is_none());
        assert!(TextRange::try_new(0, usize::MAX).is_none());
        assert_eq!(TextRange::try_new(1, 2), Some(TextRange::new(1, 2)));
    }
}
