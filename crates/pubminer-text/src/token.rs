//! Tokens with byte offsets.
//!
//! A token is either a *word* (a maximal run of letters, digits and combining marks, in any
//! script) or a single *punctuation* character. Whitespace separates tokens and is not a
//! token. Each token records whether whitespace came right before it, which the dictionary
//! matcher needs to decide whether punctuation joins two words (`CK-7`, `AE1/AE3`,
//! `2,4-dinitrophenol`) or separates them (`lung, liver`).
//!
//! Word tokens are not split at letter/digit changes (`CK7` is one token): matching works
//! on normalised keys (see [`crate::normalize`]), which insert those breaks, so a match
//! can only start and end where a word starts and ends in the source.

use pubminer_core::TextRange;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Letters, digits and combining marks.
    Word,
    /// One punctuation or symbol character.
    Punct,
}

/// A token: a byte range into the text it was cut from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Token {
    /// Byte range in the source text.
    pub range: TextRange,
    /// Word or punctuation.
    pub kind: TokenKind,
    /// True when whitespace (or the start of the text) comes right before the token.
    pub space_before: bool,
}

impl Token {
    /// The token's text.
    #[must_use]
    pub fn text<'t>(&self, source: &'t str) -> &'t str {
        source.get(self.range.to_range()).unwrap_or("")
    }
}

/// True for characters that belong inside a word token.
#[must_use]
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Cuts `text` into tokens, appending them to `out` (which is not cleared, so one buffer
/// can be reused across passages). Offsets are relative to `text`.
pub fn tokenize_into(text: &str, out: &mut Vec<Token>) {
    let bytes = text.as_bytes();
    let mut i = 0usize;
    let mut space_before = true;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            // ASCII fast path.
            if b.is_ascii_whitespace() {
                space_before = true;
                i += 1;
                continue;
            }
            if b.is_ascii_alphanumeric() {
                let start = i;
                i = scan_word(text, i);
                push(out, start, i, TokenKind::Word, space_before);
            } else {
                push(out, i, i + 1, TokenKind::Punct, space_before);
                i += 1;
            }
            space_before = false;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let len = c.len_utf8();
        if c.is_whitespace() {
            space_before = true;
            i += len;
            continue;
        }
        if is_word_char(c) {
            let start = i;
            i = scan_word(text, i);
            push(out, start, i, TokenKind::Word, space_before);
        } else {
            push(out, i, i + len, TokenKind::Punct, space_before);
            i += len;
        }
        space_before = false;
    }
}

/// Tokens of `text`.
#[must_use]
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    tokenize_into(text, &mut out);
    out
}

/// The end of the word starting at byte `i`.
fn scan_word(text: &str, mut i: usize) -> usize {
    let bytes = text.as_bytes();
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if b.is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            break;
        }
        match text[i..].chars().next() {
            Some(c) if is_word_char(c) => i += c.len_utf8(),
            _ => break,
        }
    }
    i
}

fn push(out: &mut Vec<Token>, start: usize, end: usize, kind: TokenKind, space_before: bool) {
    // Passages are far below 4 GiB (readers refuse larger records), so offsets fit in u32.
    if let Some(range) = TextRange::try_new(start, end) {
        out.push(Token {
            range,
            kind,
            space_before,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<(&str, bool)> {
        tokenize(s)
            .iter()
            .map(|t| (t.text(s), t.space_before))
            .collect()
    }

    #[test]
    fn words_punctuation_and_spacing() {
        assert_eq!(
            texts("CK7+/CK20- (n = 12)."),
            vec![
                ("CK7", true),
                ("+", false),
                ("/", false),
                ("CK20", false),
                ("-", false),
                ("(", true),
                ("n", false),
                ("=", true),
                ("12", true),
                (")", false),
                (".", false),
            ]
        );
    }

    #[test]
    fn unicode_words_keep_byte_offsets() {
        let s = "α-SMA in Sjögren’s 𝛽x";
        let toks = tokenize(s);
        let words: Vec<&str> = toks.iter().map(|t| t.text(s)).collect();
        assert_eq!(
            words,
            vec!["α", "-", "SMA", "in", "Sjögren", "’", "s", "𝛽x"]
        );
        for t in &toks {
            assert!(s.is_char_boundary(t.range.start() as usize));
            assert!(s.is_char_boundary(t.range.end() as usize));
        }
    }

    #[test]
    fn combining_marks_stay_in_the_word() {
        let s = "Sjo\u{308}gren";
        assert_eq!(tokenize(s).len(), 1);
    }

    #[test]
    fn empty_and_whitespace() {
        assert!(tokenize("").is_empty());
        assert!(tokenize(" \n\t\u{a0}").is_empty());
    }

    proptest::proptest! {
        #[test]
        fn tokens_cover_all_non_space_text(s in "\\PC{0,64}") {
            let toks = tokenize(&s);
            let mut last = 0usize;
            for t in &toks {
                let r = t.range.to_range();
                proptest::prop_assert!(r.start >= last);
                proptest::prop_assert!(s[last..r.start].chars().all(char::is_whitespace));
                proptest::prop_assert!(!s[r.clone()].is_empty());
                last = r.end;
            }
            proptest::prop_assert!(s[last..].chars().all(char::is_whitespace));
        }
    }
}
