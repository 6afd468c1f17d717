//! Abbreviation definitions in biomedical text, after Schwartz & Hearst (2003), "A simple
//! algorithm for identifying abbreviation definitions in biomedical text" (PSB 2003).
//!
//! Abstracts define most of their abbreviations once ("thyroid transcription factor-1
//! (TTF-1)") and then use only the short form, so NER, linking and the IHC extractor need
//! the definition to understand later mentions. [`find_abbreviations`] finds the definitions
//! in a text, sentence by sentence; [`occurrences`] finds the later whole-word uses of a short
//! form so a definition can be propagated through a document.
//!
//! # The algorithm
//!
//! For every `(` in a sentence, with its matching `)` in the same sentence:
//!
//! 1. **Short form candidate**: the text inside the parentheses, cut at the first `, `,
//!    `; ` or `: ` (the last one added: "phenobarbital (PB: 15 mg per rat)"), trimmed. It
//!    must have 2–10 characters, at most 2 words, at least one letter, a letter or digit
//!    first, and none of `= < > % ± ≤ ≥`; it must not start with a reference
//!    word (`Fig`, `Table`, `see`, `e.g.`, ...), and a two-word short form needs an
//!    uppercase letter or a digit. This rejects "(p < 0.05)", "(n = 12)", "(Fig. 1)",
//!    "(95% CI 1.2–3.4)", "(2019)", "(see below)", "(12/15, 80%)". A list of abbreviations
//!    ("(ALT, BUN and CPK)", "(ER, PR)": after the cut comes another all-capitals token) is
//!    not a definition either.
//! 2. **Long form window**: at most `min(|SF| + 5, |SF| * 2)` whitespace-separated words
//!    before the parenthesis (|SF| in characters), never before the sentence start nor
//!    before the previous parenthesis of the sentence, except a parenthesised group glued
//!    to the word after it, which belongs to that word ("(R)-alpha-methylhistamine (RAMH)",
//!    "N(6)-cyclopentyl adenosine (CPA)").
//! 3. **Matching** (S&H `findBestLongForm`): the short form's letters and digits are matched,
//!    right to left and case-insensitively, against the window, each at or before the
//!    previous match; the first short-form character must match at the start of a word
//!    (its left neighbour is not a letter or digit). The long form then starts at the start
//!    of the whitespace-delimited word holding that first match: the shortest
//!    word-start-aligned suffix of the window that matches.
//!
//!    One refinement comes first: an *acronym match*, where every short-form character
//!    matches at a word start (its left neighbour is not a letter or digit) and every word
//!    of the long form (split at whitespace, `-`, `/`) holds a match or is a function word
//!    (`of`, `and`, `the`, ...). Plain S&H gives "transcription factor-1" for "TTF-1",
//!    because its greedy right-to-left match finds both Ts in "transcription"; the acronym
//!    match gives "thyroid transcription factor-1". When there is no acronym match, the
//!    plain S&H match is used, unless its long form has several words, skips a content
//!    word between matched words *and* cannot place half of the short form's capitals and
//!    digits at word starts ("analysis of serum chemistry (ALT, ...)" is refused, "mean
//!    arterial blood pressure (MAP)" and "alanine aminotransferase (ALT)" are kept).
//! 4. **Checks** (S&H `extractAbbrPair`): the long form is at least as long as the short
//!    form, does not contain the short form followed by a space nor end with it, and has at
//!    most `min(2n, n + 5)` words counting `-` as a separator, where `n` is the number of
//!    letters and digits of the short form (`n <= 10`). Added: the long form does not start
//!    with a conjunction or preposition (`and`, `or`, `of`, `with`, ...: "and tranexamic
//!    acid (AMCA)") and its round brackets are balanced.
//!
//! # Extensions
//!
//! - **Plural**: "gastrointestinal stromal tumours (GISTs)" matches as is; when it does not,
//!   a short form ending in `s` after an uppercase letter is retried without the `s` (the
//!   short range still covers the `s`).
//! - **Greek letters**: a Greek letter in the short form also matches its spelled-out name at
//!   a word start ("alpha-smooth muscle actin (α-SMA)", "interleukin-1 beta (IL-1β)").
//! - **Strict short forms**: a short form with no uppercase letter ("bp", "aa") must have an
//!   acronym match, so "(ii)" does not pick up "in vivo"; an uppercase roman numeral ("II",
//!   "IV") must have an acronym match or a one-word long form ("intravenous (IV)"). In an
//!   acronym a final plural `s` may match anywhere ("combined oral contraceptives (COCs)").
//! - **Reverse pattern** "SF (long form)": when the parenthesised text cannot be a short
//!   form or does not match, and it has more than one word or more than 10 characters, the
//!   token just before the parenthesis is taken as the short form (2–10 characters, with an
//!   uppercase letter, a letter or digit first) and matched against the parenthesised text.
//!   Because this pattern is riskier ("HBV (HBsAg-negative ...)"), it needs an acronym match
//!   or a one-word long form without capitals ("IHC (immunohistochemistry)").
//!
//! # Scores
//!
//! - `1.0`: the plain Schwartz–Hearst pattern `long form (SF)` matched (acronym or greedy).
//! - `0.9`: the forward pattern matched only with an extension (plural retry, spelled-out
//!   Greek letter).
//! - `0.7`: the reverse pattern `SF (long form)` matched; `0.6` when it needed an extension.
//!
//! All ranges are byte ranges into the text given, on character boundaries.

use pubminer_core::TextRange;

/// One definition: `long (short)` or `short (long)`.
#[derive(Clone, Debug, PartialEq)]
pub struct AbbreviationPair {
    /// Byte range of the short form ("TTF-1").
    pub short: TextRange,
    /// Byte range of the long form ("thyroid transcription factor-1").
    pub long: TextRange,
    /// Confidence: 1.0 for a plain Schwartz–Hearst match, lower for the extensions and the
    /// reverse pattern (see the [module documentation](self)).
    pub score: f32,
}

/// Score of a plain forward match.
const SCORE_FORWARD: f32 = 1.0;
/// Score of a forward match that needed an extension.
const SCORE_FORWARD_EXTENDED: f32 = 0.9;
/// Score of a reverse-pattern match.
const SCORE_REVERSE: f32 = 0.7;
/// Score of a reverse-pattern match that needed an extension.
const SCORE_REVERSE_EXTENDED: f32 = 0.6;

/// Shortest and longest short form, in characters.
const SHORT_CHARS: std::ops::RangeInclusive<usize> = 2..=10;
/// The matching `)` is looked for at most this many bytes after the `(`.
const MAX_PAREN_BYTES: usize = 400;
/// The long form window is at most this many bytes before the `(`.
const MAX_WINDOW_BYTES: usize = 600;

/// Words that start parenthesised references, statistics or asides, never short forms
/// (compared ignoring ASCII case, a final period removed).
const REFERENCE_WORDS: &[&str] = &[
    "fig",
    "figs",
    "figure",
    "figures",
    "table",
    "tables",
    "tab",
    "ref",
    "refs",
    "eq",
    "see",
    "cf",
    "e.g",
    "i.e",
    "et",
    "suppl",
    "supplementary",
    "appendix",
    "data",
    "vs",
    "ca",
    "approx",
    "and",
    "or",
];

/// Greek letters (lowercase and uppercase) and their spelled-out names.
const GREEK: &[(char, char, &str)] = &[
    ('α', 'Α', "alpha"),
    ('β', 'Β', "beta"),
    ('γ', 'Γ', "gamma"),
    ('δ', 'Δ', "delta"),
    ('ε', 'Ε', "epsilon"),
    ('ζ', 'Ζ', "zeta"),
    ('η', 'Η', "eta"),
    ('θ', 'Θ', "theta"),
    ('ι', 'Ι', "iota"),
    ('κ', 'Κ', "kappa"),
    ('λ', 'Λ', "lambda"),
    ('μ', 'Μ', "mu"),
    ('ν', 'Ν', "nu"),
    ('ξ', 'Ξ', "xi"),
    ('π', 'Π', "pi"),
    ('ρ', 'Ρ', "rho"),
    ('σ', 'Σ', "sigma"),
    ('τ', 'Τ', "tau"),
    ('υ', 'Υ', "upsilon"),
    ('φ', 'Φ', "phi"),
    ('χ', 'Χ', "chi"),
    ('ψ', 'Ψ', "psi"),
    ('ω', 'Ω', "omega"),
];

/// Definitions found in `text`; candidates never cross the given sentence ranges (byte ranges
/// into `text`, as returned by [`split_sentences`](crate::sentence::split_sentences)).
///
/// Sentence ranges that are out of bounds or not on character boundaries are skipped. The
/// result is ordered by short-form position, at most one definition per parenthesis.
#[must_use]
pub fn find_abbreviations(text: &str, sentences: &[TextRange]) -> Vec<AbbreviationPair> {
    let mut out = Vec::new();
    let mut chars = Vec::new();
    for sentence in sentences {
        if sentence.slice(text).is_none() {
            continue;
        }
        scan_sentence(text, sentence.to_range(), &mut chars, &mut out);
    }
    out.sort_by_key(|pair| (pair.short.start(), pair.long.start()));
    out.dedup_by(|a, b| a.short == b.short && a.long == b.long);
    out
}

/// Whole-word occurrences of `short` in `text` (case-sensitive; the characters before and
/// after must not be letters/digits; a `-` after is allowed unless a digit follows it), for
/// propagating a definition through a document.
///
/// So in "TTF-1 and TTF-1-positive" `TTF-1` occurs twice, in "ER- and PR-positive" `ER`
/// occurs once, and `IL` does not occur in "IL-6" (a different name). An empty `short`
/// occurs nowhere.
#[must_use]
pub fn occurrences(text: &str, short: &str) -> Vec<TextRange> {
    if short.is_empty() {
        return Vec::new();
    }
    text.match_indices(short)
        .filter(|&(start, _)| whole_word(text, start, start + short.len()))
        .filter_map(|(start, _)| TextRange::try_new(start, start + short.len()))
        .collect()
}

/// [`occurrences`] of every short form at once, in one pass over `text` (Aho-Corasick): the
/// `i`-th list holds the uses of `shorts[i]`. Linear in the text, where a pass per short form
/// made a long text with many abbreviations quadratic.
#[must_use]
pub fn occurrences_of_all(text: &str, shorts: &[&str]) -> Vec<Vec<TextRange>> {
    let mut out = vec![Vec::new(); shorts.len()];
    let patterns: Vec<(usize, &str)> = shorts
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, s)| !s.is_empty())
        .collect();
    // Built once per document: a contiguous NFA builds several times faster than the DFA
    // `AhoCorasick::new` picks for a few patterns, and one pass over an abstract does not
    // repay a DFA.
    let Ok(automaton) = aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
        .build(patterns.iter().map(|(_, s)| s))
    else {
        // Too many patterns for the automaton: one pass each.
        for (i, s) in patterns {
            out[i] = occurrences(text, s);
        }
        return out;
    };
    for m in automaton.find_overlapping_iter(text) {
        let (start, end) = (m.start(), m.end());
        if whole_word(text, start, end)
            && let Some(range) = TextRange::try_new(start, end)
        {
            out[patterns[m.pattern().as_usize()].0].push(range);
        }
    }
    out
}

/// `text[start..end]` is a whole word: no letter or digit just before, none just after (a
/// hyphen and a digit after is a variant: `CK-7`).
fn whole_word(text: &str, start: usize, end: usize) -> bool {
    let before_ok = text
        .get(..start)
        .and_then(|s| s.chars().next_back())
        .is_none_or(|c| !c.is_alphanumeric());
    let mut after = text.get(end..).unwrap_or_default().chars();
    let after_ok = match after.next() {
        None => true,
        Some('-') => after.next().is_none_or(|c| !c.is_ascii_digit()),
        Some(c) => !c.is_alphanumeric(),
    };
    before_ok && after_ok
}

/// Finds the definitions in `text[sentence]`, appending them to `out`. `chars` is a
/// reusable buffer.
fn scan_sentence(
    text: &str,
    sentence: std::ops::Range<usize>,
    chars: &mut Vec<(usize, char)>,
    out: &mut Vec<AbbreviationPair>,
) {
    let bytes = text.as_bytes();
    let mut floor = sentence.start;
    for open in sentence.clone() {
        match bytes.get(open) {
            Some(b'(') => {}
            Some(b')') => {
                if !glued_after(bytes, open) {
                    floor = open + 1;
                }
                continue;
            }
            _ => continue,
        }
        let close = matching_paren(bytes, open, sentence.end);
        if let Some(close) = close
            && let Some(pair) = definition_at(text, floor, open, close, chars)
        {
            out.push(pair);
        }
        // A group glued to the word after it ("(R)-alpha-methylhistamine",
        // "N(6)-cyclopentyl") belongs to that word, so it does not cut the next window.
        if close.is_none_or(|close| !glued_after(bytes, close)) {
            floor = open + 1;
        }
    }
}

/// Whether the `)` at `close` is glued to a following word (a letter, digit or `-`).
fn glued_after(bytes: &[u8], close: usize) -> bool {
    bytes
        .get(close + 1)
        .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'-' || b >= 0x80)
}

/// The offset of the `)` that closes the `(` at `open`, before `end` and within
/// [`MAX_PAREN_BYTES`].
fn matching_paren(bytes: &[u8], open: usize, end: usize) -> Option<usize> {
    let limit = end.min(open.saturating_add(MAX_PAREN_BYTES));
    let mut depth = 0usize;
    for (pos, &b) in bytes.get(open..limit)?.iter().enumerate() {
        match b {
            b'(' => depth += 1,
            b')' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(open + pos);
                }
            }
            _ => {}
        }
    }
    None
}

/// A trimmed piece of text with its byte offset in the whole text.
#[derive(Clone, Copy, Debug)]
struct Piece<'a> {
    /// Byte offset of `text` in the whole text.
    start: usize,
    /// The text.
    text: &'a str,
}

impl<'a> Piece<'a> {
    /// `whole[start..end]`, when that is a valid slice.
    fn new(whole: &'a str, start: usize, end: usize) -> Option<Self> {
        Some(Self {
            start,
            text: whole.get(start..end)?,
        })
    }

    /// The piece without surrounding whitespace.
    fn trim(self) -> Self {
        let lead = self.text.len() - self.text.trim_start().len();
        Self {
            start: self.start + lead,
            text: self.text.trim(),
        }
    }

    /// The byte range of the piece.
    fn range(self) -> Option<TextRange> {
        TextRange::try_new(self.start, self.start + self.text.len())
    }
}

/// Tries both patterns for the parentheses at `open..=close`, with the long form window
/// starting no earlier than `floor`.
fn definition_at(
    text: &str,
    floor: usize,
    open: usize,
    close: usize,
    chars: &mut Vec<(usize, char)>,
) -> Option<AbbreviationPair> {
    let inside = Piece::new(text, open + 1, close)?;
    let content = cut_at_separator(inside).trim();
    if content.text.is_empty() || is_list_of_short_forms(inside, content) {
        return None;
    }
    let before = Piece::new(text, floor, open)?.trim();
    if before.text.is_empty() {
        return None;
    }
    if is_valid_short(content.text)
        && let Some(pair) = forward(content, before, chars)
    {
        return Some(pair);
    }
    let words = content.text.split_whitespace().count();
    if words > 1 || content.text.chars().count() > *SHORT_CHARS.end() {
        return reverse(content, before, chars);
    }
    None
}

/// Whether the parenthesised text is a list of abbreviations ("(ALT, BUN and CPK)",
/// "(ER, PR)"): after the cut comes another token with an uppercase letter and no lowercase
/// one. Such a list names things; it does not define the words before it.
fn is_list_of_short_forms(inside: Piece<'_>, content: Piece<'_>) -> bool {
    let cut_end = content.start + content.text.len() - inside.start;
    let rest = inside.text.get(cut_end..).unwrap_or_default();
    let rest = rest.trim_start_matches([',', ';', ' ']);
    let next = rest.split_whitespace().next().unwrap_or_default();
    let next = next.trim_end_matches([',', ';']);
    next.chars().count() >= 2
        && next.chars().any(char::is_uppercase)
        && !next.chars().any(char::is_lowercase)
        && next.chars().next().is_some_and(char::is_alphabetic)
}

/// The text before the first `, `, `; ` or `: ` (S&H cut the short form at the first two).
fn cut_at_separator(piece: Piece<'_>) -> Piece<'_> {
    let bytes = piece.text.as_bytes();
    let cut = bytes
        .windows(2)
        .position(|w| matches!(w, [b',' | b';' | b':', b' ']))
        .unwrap_or(bytes.len());
    Piece {
        start: piece.start,
        text: piece.text.get(..cut).unwrap_or(piece.text),
    }
}

/// The forward pattern: `before` ends with the long form of `short`.
fn forward(
    short: Piece<'_>,
    before: Piece<'_>,
    chars: &mut Vec<(usize, char)>,
) -> Option<AbbreviationPair> {
    let short_chars = short.text.chars().count();
    let max_words = (short_chars + 5).min(short_chars * 2);
    let window = last_words(before, max_words);
    fill_chars(chars, window);
    let attempt = |sf: &str, chars: &[(usize, char)]| -> Option<(TextRange, bool)> {
        let (found, _) = match_short(sf, chars)?;
        let long = long_form_piece(window, chars, found.first)?;
        accept(sf, long.text).then_some((long.range()?, found.extended))
    };
    let (long, score) = match attempt(short.text, chars) {
        Some((long, false)) => (long, SCORE_FORWARD),
        Some((long, true)) => (long, SCORE_FORWARD_EXTENDED),
        None => (
            attempt(plural_stem(short.text)?, chars)?.0,
            SCORE_FORWARD_EXTENDED,
        ),
    };
    Some(AbbreviationPair {
        short: short.range()?,
        long,
        score,
    })
}

/// The reverse pattern: the token that ends `before` is the short form of `long`.
fn reverse(
    long: Piece<'_>,
    before: Piece<'_>,
    chars: &mut Vec<(usize, char)>,
) -> Option<AbbreviationPair> {
    let token_start = before
        .text
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let short = Piece {
        start: before.start + token_start,
        text: before.text.get(token_start..)?,
    };
    if !is_valid_reverse_short(short.text) || long.text.contains(['(', ')']) {
        return None;
    }
    fill_chars(chars, long);
    let (matched, how) = match_short(short.text, chars)?;
    let found = long_form_piece(long, chars, matched.first)?;
    // The reverse pattern is riskier: it needs an acronym match, or a long form of one word
    // without capitals ("IHC (immunohistochemistry)").
    let one_plain_word =
        !found.text.contains(char::is_whitespace) && !found.text.chars().any(char::is_uppercase);
    if !(how == Found::Acronym || one_plain_word) || !accept(short.text, found.text) {
        return None;
    }
    Some(AbbreviationPair {
        short: short.range()?,
        long: found.range()?,
        score: if matched.extended {
            SCORE_REVERSE_EXTENDED
        } else {
            SCORE_REVERSE
        },
    })
}

/// Refills `chars` with the characters of `piece` and their byte offsets in the whole text.
fn fill_chars(chars: &mut Vec<(usize, char)>, piece: Piece<'_>) {
    chars.clear();
    chars.extend(piece.text.char_indices().map(|(i, c)| (piece.start + i, c)));
}

/// The long form in `base` (whose characters are `chars`) that contains the match at
/// `chars[first]` and runs to the end of `base`: extended left to the start of its
/// whitespace-delimited word, then trimmed of opening quotes/brackets at the start and of
/// trailing punctuation.
fn long_form_piece<'a>(
    base: Piece<'a>,
    chars: &[(usize, char)],
    first: usize,
) -> Option<Piece<'a>> {
    let start = word_start_before(chars, first);
    let offset = chars.get(start)?.0.checked_sub(base.start)?;
    let text = base
        .text
        .get(offset..)?
        .trim_start_matches(['"', '\'', '“', '‘', '[', '{', '«']);
    let trimmed = text.trim_end_matches([',', ';', ':', '"', '\'', '”', '’', '»']);
    Some(Piece {
        start: base.start + base.text.len() - text.len(),
        text: trimmed,
    })
}

/// The last `max_words` whitespace-separated words of `piece` (within
/// [`MAX_WINDOW_BYTES`]).
fn last_words(piece: Piece<'_>, max_words: usize) -> Piece<'_> {
    let text = piece.text;
    let mut floor = text.len().saturating_sub(MAX_WINDOW_BYTES);
    while !text.is_char_boundary(floor) {
        floor += 1;
    }
    let mut start = text.len();
    let mut words = 0usize;
    let mut in_word = false;
    for (pos, c) in text.get(floor..).unwrap_or_default().char_indices().rev() {
        let pos = floor + pos;
        if c.is_whitespace() {
            if in_word {
                words += 1;
                if words == max_words {
                    break;
                }
            }
            in_word = false;
        } else {
            in_word = true;
            start = pos;
        }
    }
    Piece {
        start: piece.start + start,
        text: text.get(start..).unwrap_or_default(),
    }
}

/// How short-form characters may match the long form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// S&H: only the first character must match at a word start.
    Greedy,
    /// Every character must match at a word start, and every word of the long form must hold
    /// a match or be a function word ("thyroid transcription factor-1", "base pairs").
    Acronym,
}

/// A match of a short form in a long form window.
#[derive(Clone, Copy, Debug)]
struct Match {
    /// Index (into the window's characters) of the match of the first short-form character.
    first: usize,
    /// Whether a Greek letter matched its spelled-out name.
    extended: bool,
    /// Indices of the matches, last short-form character first.
    positions: [usize; 10],
    /// How many of `positions` are used.
    count: usize,
}

/// S&H `findBestLongForm`: matches the letters and digits of `short` right to left against
/// `chars`, each at or before the previous match, case-insensitively; the first short-form
/// character (every character in [`Mode::Acronym`]) must match at a word start.
fn best_long_form(short: &str, chars: &[(usize, char)], mode: Mode) -> Option<Match> {
    let mut found = Match {
        first: 0,
        extended: false,
        positions: [0; 10],
        count: 0,
    };
    let mut next = chars.len();
    for (si, sc) in short.char_indices().rev() {
        if !sc.is_alphanumeric() {
            continue;
        }
        // In an acronym a final plural `s` ("COCs") may match anywhere in the last word.
        let plural_s = sc == 's'
            && si + 1 == short.len()
            && short
                .get(..si)
                .and_then(|head| head.chars().next_back())
                .is_some_and(char::is_uppercase);
        let needs_word_start = si == 0 || (mode == Mode::Acronym && !plural_s);
        let greek = greek_name(sc);
        loop {
            let li = next.checked_sub(1)?;
            next = li;
            let word_start =
                li == 0 || chars.get(li - 1).is_none_or(|&(_, c)| !c.is_alphanumeric());
            if needs_word_start && !word_start {
                continue;
            }
            let &(_, lc) = chars.get(li)?;
            if eq_ignore_case(lc, sc) {
                break;
            }
            if let Some(name) = greek
                && word_start
                && starts_with_ignore_ascii_case(chars.get(li..).unwrap_or_default(), name)
            {
                found.extended = true;
                break;
            }
        }
        *found.positions.get_mut(found.count)? = next;
        found.count += 1;
        found.first = next;
    }
    (found.count > 0).then_some(found)
}

/// Function words an acronym may skip ("Food and Drug Administration (FDA)").
const SKIPPABLE_WORDS: &[&str] = &[
    "a", "an", "and", "as", "at", "by", "de", "for", "from", "in", "of", "on", "or", "the", "to",
    "with",
];

/// Whether every word (split at whitespace, `-` and `/`) of `chars[start..]` holds one of the
/// matched positions or is a function word; with `allow_trailing`, words after the last
/// matched position are allowed too (S&H long forms run up to the parenthesis:
/// "butyrylcholinesterase gene (BCHE)").
fn no_skipped_words(
    chars: &[(usize, char)],
    start: usize,
    found: &Match,
    allow_trailing: bool,
) -> bool {
    let matched = found.positions.get(..found.count).unwrap_or_default();
    let last_match = matched.iter().copied().max().unwrap_or(0);
    let word_ok = |from: usize, to: usize| {
        let word = chars.get(from..to).unwrap_or_default();
        (from..to).any(|i| matched.contains(&i))
            || (allow_trailing && from > last_match)
            || word.iter().all(|&(_, c)| !c.is_alphanumeric())
            || SKIPPABLE_WORDS
                .iter()
                .any(|w| w.len() == word.len() && w.chars().zip(word).all(|(a, &(_, b))| a == b))
    };
    let mut word_start = None;
    for (i, &(_, c)) in chars.iter().enumerate().skip(start) {
        if c.is_whitespace() || c == '-' || c == '/' {
            if let Some(from) = word_start.take()
                && !word_ok(from, i)
            {
                return false;
            }
        } else {
            word_start.get_or_insert(i);
        }
    }
    word_start.is_none_or(|from| word_ok(from, chars.len()))
}

/// The largest number of the letters and digits of `short` that an in-order match against
/// `chars` can place at word starts (`None` when `short` does not match literally, e.g.
/// through a spelled-out Greek letter). A small dynamic programme over at most ten
/// short-form characters, without allocation.
fn max_word_initials(short: &str, chars: &[(usize, char)]) -> Option<usize> {
    let mut sf = ['\0'; 10];
    let mut n = 0usize;
    for c in short.chars().filter(|c| c.is_alphanumeric()) {
        *sf.get_mut(n)? = c;
        n += 1;
    }
    // best[i]: the most word initials with the first i short-form characters matched.
    let mut best: [Option<usize>; 11] = [None; 11];
    best[0] = Some(0);
    for (j, &(_, lc)) in chars.iter().enumerate() {
        let initial =
            usize::from(j == 0 || chars.get(j - 1).is_none_or(|&(_, p)| !p.is_alphanumeric()));
        for i in (1..=n).rev() {
            if let (Some(prev), Some(&sc)) = (best[i - 1], sf.get(i - 1))
                && eq_ignore_case(lc, sc)
            {
                let candidate = prev + initial;
                best[i] = Some(best[i].map_or(candidate, |b| b.max(candidate)));
            }
        }
    }
    best[n]
}

/// Which matches [`match_short`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Found {
    /// Every character at a word start, no content word skipped.
    Acronym,
    /// Plain S&H.
    Greedy,
}

/// Matches `short` against `chars`: first as an acronym (every character at a word start,
/// no content word skipped), then the plain S&H way. A plain match over several words is
/// refused when it skips a content word between matched words *and* cannot place at least
/// half of the short form's capitals and digits at word starts ("analysis of serum
/// chemistry (ALT)" is refused; "mean arterial blood pressure (MAP)" and "alanine
/// aminotransferase (ALT)" are kept). A short form without an uppercase letter only matches as an acronym; an uppercase
/// roman numeral ("IV") only as an acronym or within one word ("intravenous").
fn match_short(short: &str, chars: &[(usize, char)]) -> Option<(Match, Found)> {
    let acronym = best_long_form(short, chars, Mode::Acronym)
        .filter(|found| no_skipped_words(chars, found.first, found, false));
    if let Some(found) = acronym {
        return Some((found, Found::Acronym));
    }
    if !short.chars().any(char::is_uppercase) {
        return None;
    }
    let found = best_long_form(short, chars, Mode::Greedy)?;
    let long = chars
        .get(word_start_before(chars, found.first)..)
        .unwrap_or_default();
    let several_words = long.iter().any(|&(_, c)| c.is_whitespace());
    if several_words {
        if is_roman(short) {
            return None;
        }
        let key = short
            .chars()
            .filter(|c| c.is_uppercase() || c.is_ascii_digit())
            .count();
        let few_initials = max_word_initials(short, long).is_some_and(|i| 2 * i < key);
        if few_initials && !no_skipped_words(chars, found.first, &found, true) {
            return None;
        }
    }
    Some((found, Found::Greedy))
}

/// The index of the start of the whitespace-delimited word holding `chars[index]`.
fn word_start_before(chars: &[(usize, char)], index: usize) -> usize {
    let mut start = index;
    while start > 0
        && chars
            .get(start - 1)
            .is_some_and(|&(_, c)| !c.is_whitespace())
    {
        start -= 1;
    }
    start
}

/// S&H `extractAbbrPair` checks on a matched pair.
fn accept(short: &str, long: &str) -> bool {
    let n = short.chars().filter(|c| c.is_alphanumeric()).count();
    if n == 0 || n > *SHORT_CHARS.end() || long.chars().count() < short.chars().count() {
        return false;
    }
    let contains_short_then_space = long
        .match_indices(short)
        .any(|(i, _)| long.as_bytes().get(i + short.len()) == Some(&b' '));
    if contains_short_then_space || long.ends_with(short) {
        return false;
    }
    let first_word = long.split_whitespace().next().unwrap_or_default();
    if LEADING_FUNCTION_WORDS.contains(&first_word) || !balanced_parens(long) {
        return false;
    }
    let words = long
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .count();
    words <= (2 * n).min(n + 5) && long.chars().any(char::is_alphabetic)
}

/// Words a long form never starts with: a match that reaches back to one of them ("and
/// tranexamic acid (AMCA)", "of TA-T1 (O-A)") has picked up a letter by chance.
const LEADING_FUNCTION_WORDS: &[&str] = &[
    "and", "or", "of", "with", "for", "to", "by", "from", "than", "versus", "vs", "vs.", "but",
    "that", "which", "were", "was", "is", "are",
];

/// Whether the round brackets in `text` are balanced.
fn balanced_parens(text: &str) -> bool {
    let mut depth = 0usize;
    for b in text.bytes() {
        match b {
            b'(' => depth += 1,
            b')' => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            _ => {}
        }
    }
    depth == 0
}

/// Whether `short` is a plausible short form inside parentheses (step 1).
fn is_valid_short(short: &str) -> bool {
    if !SHORT_CHARS.contains(&short.chars().count()) || !common_short_checks(short) {
        return false;
    }
    let words = short.split_whitespace().count();
    match words {
        1 => true,
        2 => short
            .chars()
            .any(|c| c.is_uppercase() || c.is_ascii_digit()),
        _ => false,
    }
}

/// Whether `short` is a plausible short form before parentheses (reverse pattern).
fn is_valid_reverse_short(short: &str) -> bool {
    SHORT_CHARS.contains(&short.chars().count())
        && common_short_checks(short)
        && short.chars().any(char::is_uppercase)
}

/// Checks shared by both patterns: a letter, a letter or digit first, no comparison or
/// percent signs, no leading reference word.
fn common_short_checks(short: &str) -> bool {
    let Some(first) = short.chars().next() else {
        return false;
    };
    if !first.is_alphanumeric() || !short.chars().any(char::is_alphabetic) {
        return false;
    }
    if short.contains(['=', '<', '>', '%', '±', '≤', '≥']) {
        return false;
    }
    let first_word = short.split_whitespace().next().unwrap_or_default();
    let first_word = first_word.strip_suffix('.').unwrap_or(first_word);
    !REFERENCE_WORDS
        .iter()
        .any(|w| first_word.eq_ignore_ascii_case(w))
}

/// Whether `short` is made only of the roman-numeral letters I, V, X ("II", "IV").
fn is_roman(short: &str) -> bool {
    short.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
}

/// `GISTs` → `GIST`: a short form ending in `s` after an uppercase letter, without the `s`.
fn plural_stem(short: &str) -> Option<&str> {
    let stem = short.strip_suffix('s')?;
    (stem.chars().count() >= 2 && stem.chars().next_back()?.is_uppercase()).then_some(stem)
}

/// The spelled-out name of a Greek letter.
fn greek_name(c: char) -> Option<&'static str> {
    GREEK
        .iter()
        .find(|(lower, upper, _)| c == *lower || c == *upper)
        .map(|(_, _, name)| *name)
}

/// Case-insensitive character comparison without allocation.
fn eq_ignore_case(a: char, b: char) -> bool {
    a == b || a.to_lowercase().eq(b.to_lowercase())
}

/// Whether `chars` start with the ASCII word `name`, ignoring case.
fn starts_with_ignore_ascii_case(chars: &[(usize, char)], name: &str) -> bool {
    name.len() <= chars.len()
        && name
            .chars()
            .zip(chars)
            .all(|(n, &(_, c))| c.to_ascii_lowercase() == n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars_of(text: &str) -> Vec<(usize, char)> {
        text.char_indices().collect()
    }

    #[test]
    fn greedy_and_acronym_matches() {
        let chars = chars_of("thyroid transcription factor-1");
        let greedy = best_long_form("TTF-1", &chars, Mode::Greedy).unwrap();
        assert_eq!(greedy.first, 8, "plain S&H stops at 'transcription'");
        let (acronym, how) = match_short("TTF-1", &chars).unwrap();
        assert_eq!((acronym.first, how), (0, Found::Acronym));
    }

    #[test]
    fn word_initials() {
        assert_eq!(
            max_word_initials("MAP", &chars_of("mean arterial blood pressure")),
            Some(3)
        );
        assert_eq!(
            max_word_initials("ALT", &chars_of("analysis of serum chemistry")),
            Some(1)
        );
        assert_eq!(max_word_initials("XYZ", &chars_of("abc")), None);
    }

    #[test]
    fn short_form_checks() {
        assert!(is_valid_short("TTF-1"));
        assert!(is_valid_short("HER2 neu"));
        assert!(!is_valid_short("see below"));
        assert!(!is_valid_short("p < 0.05"));
        assert!(!is_valid_short("2019"));
        assert!(!is_valid_short("Fig. 1"));
        assert!(!is_valid_short("-ABC"));
        assert!(is_valid_reverse_short("TNF"));
        assert!(!is_valid_reverse_short("tumour"));
        assert_eq!(plural_stem("GISTs"), Some("GIST"));
        assert_eq!(plural_stem("Hbs"), None);
        assert!(is_roman("IV"));
        assert!(!is_roman("IHC"));
    }

    #[test]
    fn lists_and_parentheses() {
        let text = "(ALT, BUN and CPK)";
        let inside = Piece::new(text, 1, text.len() - 1).unwrap();
        let content = cut_at_separator(inside).trim();
        assert_eq!(content.text, "ALT");
        assert!(is_list_of_short_forms(inside, content));
        let text = "(TNF, 10 ng/ml)";
        let inside = Piece::new(text, 1, text.len() - 1).unwrap();
        assert!(!is_list_of_short_forms(
            inside,
            cut_at_separator(inside).trim()
        ));
        assert_eq!(matching_paren(b"a (b (c) d) e", 2, 13), Some(10));
        assert_eq!(matching_paren(b"a (b (c d e", 2, 11), None);
        assert!(balanced_parens("(R)-alpha"));
        assert!(!balanced_parens("R)-alpha"));
    }
}
