//! Conversion between byte offsets and the offsets other tools use.
//!
//! PubTator and BioC count Unicode scalar values (Python `str` indices); Java tools and
//! JavaScript count UTF-16 code units. Internally pubminer uses UTF-8 bytes. These
//! conversions are done only when reading or writing a file, through an [`OffsetIndex`]
//! built once per text.

use serde::{Deserialize, Serialize};

/// The unit an external offset counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum OffsetUnit {
    /// UTF-8 bytes (pubminer's own unit).
    Byte,
    /// Unicode scalar values (Python `str` indices). PubTator and BioC use this.
    #[default]
    Char,
    /// UTF-16 code units (Java `String` indices, JavaScript).
    Utf16,
}

impl OffsetUnit {
    fn width(self, c: char) -> usize {
        match self {
            Self::Byte => c.len_utf8(),
            Self::Char => 1,
            Self::Utf16 => c.len_utf16(),
        }
    }
}

/// How many characters lie between two checkpoints.
const STRIDE: usize = 64;

/// A compact index for converting offsets in one text.
///
/// ASCII text needs no index at all (every unit is one byte). Otherwise the index stores
/// a checkpoint (byte offset, unit offset) every 64 characters, so conversion costs at most
/// 64 character steps and memory is about 1/8 of the text.
#[derive(Clone, Debug)]
pub struct OffsetIndex<'a> {
    text: &'a str,
    unit: OffsetUnit,
    /// `(byte, unit)` pairs; empty when the text is ASCII or the unit is bytes.
    checkpoints: Vec<(u32, u32)>,
    total_units: usize,
}

impl<'a> OffsetIndex<'a> {
    /// Builds the index for `text` counting `unit`s.
    #[must_use]
    pub fn new(text: &'a str, unit: OffsetUnit) -> Self {
        if unit == OffsetUnit::Byte || text.is_ascii() {
            return Self {
                text,
                unit,
                checkpoints: Vec::new(),
                total_units: text.len(),
            };
        }
        let mut checkpoints = Vec::with_capacity(text.len() / STRIDE + 2);
        let mut units = 0usize;
        for (n, (byte, c)) in text.char_indices().enumerate() {
            if n % STRIDE == 0 {
                checkpoints.push((byte as u32, units as u32));
            }
            units += unit.width(c);
        }
        Self {
            text,
            unit,
            checkpoints,
            total_units: units,
        }
    }

    /// The text's length in this index's unit.
    #[must_use]
    pub fn len_units(&self) -> usize {
        self.total_units
    }

    fn is_identity(&self) -> bool {
        self.checkpoints.is_empty()
    }

    /// Converts an external offset to a byte offset. `None` when the offset is past the end
    /// of the text or falls inside a character (e.g. between the two halves of a UTF-16
    /// surrogate pair).
    #[must_use]
    pub fn to_byte(&self, unit_offset: usize) -> Option<usize> {
        if self.is_identity() {
            return (unit_offset <= self.text.len() && self.text.is_char_boundary(unit_offset))
                .then_some(unit_offset);
        }
        if unit_offset > self.total_units {
            return None;
        }
        if unit_offset == self.total_units {
            return Some(self.text.len());
        }
        let i = self
            .checkpoints
            .partition_point(|&(_, u)| u as usize <= unit_offset)
            - 1;
        let (mut byte, mut units) = (
            self.checkpoints[i].0 as usize,
            self.checkpoints[i].1 as usize,
        );
        for c in self.text[byte..].chars() {
            if units == unit_offset {
                return Some(byte);
            }
            if units > unit_offset {
                return None;
            }
            units += self.unit.width(c);
            byte += c.len_utf8();
        }
        (units == unit_offset).then_some(byte)
    }

    /// Converts a byte offset to this index's unit. `None` when the offset is past the end or
    /// not on a character boundary.
    #[must_use]
    pub fn from_byte(&self, byte_offset: usize) -> Option<usize> {
        if !self.text.is_char_boundary(byte_offset) {
            return None;
        }
        if self.is_identity() {
            return Some(byte_offset);
        }
        let i = self
            .checkpoints
            .partition_point(|&(b, _)| b as usize <= byte_offset)
            - 1;
        let (start, mut units) = (
            self.checkpoints[i].0 as usize,
            self.checkpoints[i].1 as usize,
        );
        for c in self.text[start..byte_offset].chars() {
            units += self.unit.width(c);
        }
        Some(units)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn ascii_is_identity() {
        let idx = OffsetIndex::new("hello", OffsetUnit::Char);
        assert_eq!(idx.to_byte(3), Some(3));
        assert_eq!(idx.from_byte(5), Some(5));
        assert_eq!(idx.to_byte(6), None);
    }

    #[test]
    fn non_bmp_characters() {
        // 'é' is 2 bytes/1 char/1 unit; '𝛼' (U+1D6FC) is 4 bytes/1 char/2 UTF-16 units.
        let text = "aé𝛼b";
        let chars = OffsetIndex::new(text, OffsetUnit::Char);
        assert_eq!(chars.to_byte(0), Some(0));
        assert_eq!(chars.to_byte(1), Some(1));
        assert_eq!(chars.to_byte(2), Some(3));
        assert_eq!(chars.to_byte(3), Some(7));
        assert_eq!(chars.to_byte(4), Some(8));
        assert_eq!(chars.to_byte(5), None);
        let utf16 = OffsetIndex::new(text, OffsetUnit::Utf16);
        assert_eq!(utf16.to_byte(2), Some(3));
        assert_eq!(utf16.to_byte(3), None, "inside a surrogate pair");
        assert_eq!(utf16.to_byte(4), Some(7));
        assert_eq!(utf16.from_byte(7), Some(4));
        assert_eq!(utf16.len_units(), 5);
        assert_eq!(chars.from_byte(2), None, "inside 'é'");
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        // Mix ASCII, 2-, 3- and 4-byte characters so checkpoints land everywhere.
        prop::collection::vec(
            prop_oneof![
                Just('a'),
                Just(' '),
                Just('é'),
                Just('α'),
                Just('中'),
                Just('𝛼'),
                Just('😀'),
                any::<char>(),
            ],
            0..400,
        )
        .prop_map(|cs| cs.into_iter().collect())
    }

    proptest! {
        #[test]
        fn round_trip_every_boundary(text in text_strategy()) {
            for unit in [OffsetUnit::Byte, OffsetUnit::Char, OffsetUnit::Utf16] {
                let idx = OffsetIndex::new(&text, unit);
                let mut expected_units = 0usize;
                for (byte, c) in text.char_indices() {
                    prop_assert_eq!(idx.from_byte(byte), Some(expected_units));
                    prop_assert_eq!(idx.to_byte(expected_units), Some(byte));
                    expected_units += unit.width(c);
                }
                prop_assert_eq!(idx.len_units(), expected_units);
                prop_assert_eq!(idx.to_byte(expected_units), Some(text.len()));
                prop_assert_eq!(idx.from_byte(text.len()), Some(expected_units));
                prop_assert_eq!(idx.to_byte(expected_units + 1), None);
            }
        }

        #[test]
        fn char_offsets_match_python_indices(text in text_strategy(), a in 0usize..400, b in 0usize..400) {
            let chars: Vec<char> = text.chars().collect();
            let (a, b) = (a.min(b).min(chars.len()), a.max(b).min(chars.len()));
            let idx = OffsetIndex::new(&text, OffsetUnit::Char);
            let (start, end) = (idx.to_byte(a).unwrap(), idx.to_byte(b).unwrap());
            let expected: String = chars[a..b].iter().collect();
            prop_assert_eq!(&text[start..end], expected.as_str());
        }
    }
}
