//! Sentence splitting for biomedical abstracts.
//!
//! Every later stage (abbreviation detection, dictionary NER, relation and IHC extraction)
//! works sentence by sentence, so the splitter must not cut through entity names
//! ("E. coli", "Fig. 2A", "et al.", "2.5 mg", "U.S. Food and Drug Administration") while
//! still splitting the short, dense sentences of abstracts ("... (80.0%). Vimentin ...").
//!
//! [`split_sentences`] is a single left-to-right pass over the text: each run of whitespace
//! is a candidate boundary, decided by looking at a bounded window before and after it, so
//! the cost is linear in the input and no input can make it panic.
//!
//! # Rules, in order
//!
//! 1. A blank line (two or more line breaks in one run of whitespace) always ends a sentence.
//! 2. A line break followed by an all-caps section heading (`RESULTS:`, `MATERIALS AND
//!    METHODS:`, or a line that is only an all-caps heading) ends a sentence. The heading
//!    stays at the start of the next sentence.
//! 3. Otherwise a sentence can only end after `.`, `?`, `!` or `…`, optionally followed by
//!    closing brackets or quotes (`).`, `."`, `?)`), and then whitespace.
//! 4. `?`, `!`, `…` and a period that ends an ordinary word or a bracket split when the next
//!    text starts a sentence: an uppercase letter, a digit, an opening bracket or quote, or
//!    a lowercase-initial gene-like token that contains an uppercase letter or a digit
//!    (`mRNA`, `p53`, `mTOR`, `α-SMA`). A single line break after the punctuation splits
//!    whatever follows ("the previous line ends with sentence punctuation").
//! 5. A period that ends a known abbreviation (see `ABBREVIATIONS`) follows its kind:
//!    - *never-final* ones (`e.g.`, `i.e.`, `vs.`, `cf.`, `approx.`, `ca.`, `Fig.`, `Tab.`,
//!      `Ref.`, `Eq.`, `Dr.`, `Prof.`, `et al.`, `Suppl.`, `vol.`, `pp.`, `U.S.`, ...) never
//!      split, not even before a capital or a line break;
//!    - *maybe-final* ones (`etc.`, `Inc.`, `Ltd.`, `Co.`, `spp.`, `sp.`, `var.`, `min.`,
//!      `No.`, months, ...) split before a capitalised word but not before a digit or an
//!      opening bracket (`Jan. 2005`, `No. 5`, `Sigma Chemical Co. (St. Louis`).
//!
//!    A period after a closing bracket or quote is not an abbreviation period.
//! 6. Chains of single letters: uppercase ones (`U.S.`, `J.R.`, `U.K.`) are never final;
//!    lowercase ones (`i.v.`, `i.p.`, `s.c.`, `b.i.d.`) are maybe-final, so
//!    "mg/kg i.v. Rats were" splits. A single lowercase letter (`p.`) is maybe-final.
//! 7. A single capital letter followed by a period (an *initial*): before a lowercase word it
//!    never splits ("E. coli", "S. aureus"). Before a capitalised word it is ambiguous
//!    ("J. Smith" versus "of vitamin D. The"); we **split**, because in abstracts a
//!    sentence-final gene, vitamin, group or hepatitis letter is far more common than a
//!    personal name, except when
//!    - the initial follows another initial or a never-final abbreviation ("J. R. Smith",
//!      "Dr. J. Smith"), or the word "by" ("by J. Smith"), or starts the text;
//!    - another initial follows ("J. R. Smith", "E. C. 1.1.1.49");
//!    - the capitalised word is a known capitalised species epithet (`S. Typhimurium`).
//!
//!    So "J. Smith" after an ordinary lowercase word does split: a documented trade-off.
//!
//! 8. A period inside an enzyme commission number written with spaces ("EC 1. 1. 1. 49")
//!    does not split before the next digit, and a period after a list marker that is all the
//!    sentence so far ("1. Torsades de pointes ...", "2. We studied ...") does not split.
//!    A period right after `=`, `<` or `>`, or inside a decimal written with a space after
//!    its point that follows a sign ("P = 0. 05", "+/- 0. 8": the NCBI Disease corpus is
//!    tokenised like that), does not split; nor does the period of an all-caps section word
//!    that is the whole sentence so far ("METHODS. We studied ..."), nor the period after a
//!    chromosome band before its sub-band ("17p11. 2", NCBI Disease again).
//! 9. An all-caps heading that starts with a known section word and ends in a colon
//!    (`... mutations METHODS: In a ...`) is a boundary even in the middle of a line.
//!
//! Decimals ("2.5 mg", "p < 0.05") never split because there is no whitespace after the
//! period. Sentences are trimmed of whitespace ([`char::is_whitespace`]), never empty, in
//! order and disjoint, and together they cover every non-whitespace byte of the text.

use pubminer_core::TextRange;

/// How a known abbreviation that ends in a period behaves at a candidate boundary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Never ends a sentence ("e.g.", "Fig.", "et al."): no split whatever follows.
    Never,
    /// May end a sentence ("etc.", "spp.", "Inc."): splits before a capitalised word, but not
    /// before a digit or an opening bracket.
    Maybe,
}

/// Whether an entry of [`ABBREVIATIONS`] is matched exactly or ignoring ASCII case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Case {
    /// Exactly as written (titles such as `Dr`, `Ms`, so that `ms.` or `MS.` still end
    /// sentences).
    Exact,
    /// Ignoring ASCII case (`Fig`, `FIG`, `fig`).
    Any,
}

/// Abbreviations whose final period is not (necessarily) a sentence end: the text before
/// the final period, its kind, and how its case is matched. One list, in one place.
const ABBREVIATIONS: &[(&str, Kind, Case)] = &[
    // Never final: they introduce what follows.
    ("e.g", Kind::Never, Case::Any),
    ("i.e", Kind::Never, Case::Any),
    ("vs", Kind::Never, Case::Any),
    ("viz", Kind::Never, Case::Any),
    ("cf", Kind::Never, Case::Any),
    ("approx", Kind::Never, Case::Any),
    ("ca", Kind::Never, Case::Exact),
    ("fig", Kind::Never, Case::Any),
    ("figs", Kind::Never, Case::Any),
    ("tab", Kind::Never, Case::Any),
    ("tabs", Kind::Never, Case::Any),
    ("ref", Kind::Never, Case::Any),
    ("refs", Kind::Never, Case::Any),
    ("eq", Kind::Never, Case::Any),
    ("eqs", Kind::Never, Case::Any),
    ("suppl", Kind::Never, Case::Any),
    ("vol", Kind::Never, Case::Any),
    ("vols", Kind::Never, Case::Any),
    ("pp", Kind::Never, Case::Any),
    ("incl", Kind::Never, Case::Any),
    ("al", Kind::Never, Case::Any),
    ("Dr", Kind::Never, Case::Exact),
    ("Drs", Kind::Never, Case::Exact),
    ("Prof", Kind::Never, Case::Exact),
    ("Mr", Kind::Never, Case::Exact),
    ("Mrs", Kind::Never, Case::Exact),
    ("Ms", Kind::Never, Case::Exact),
    ("St", Kind::Never, Case::Exact),
    ("Mt", Kind::Never, Case::Exact),
    ("u.s", Kind::Never, Case::Any),
    ("u.k", Kind::Never, Case::Any),
    ("u.s.a", Kind::Never, Case::Any),
    // Maybe final: they often end a sentence, but not before a number or a bracket.
    ("etc", Kind::Maybe, Case::Any),
    ("resp", Kind::Maybe, Case::Any),
    ("spp", Kind::Maybe, Case::Any),
    ("sp", Kind::Maybe, Case::Any),
    ("subsp", Kind::Maybe, Case::Any),
    ("ssp", Kind::Maybe, Case::Any),
    ("var", Kind::Maybe, Case::Any),
    ("cv", Kind::Maybe, Case::Exact),
    ("min", Kind::Maybe, Case::Any),
    ("max", Kind::Maybe, Case::Any),
    ("No", Kind::Maybe, Case::Exact),
    ("no", Kind::Maybe, Case::Exact),
    ("Nos", Kind::Maybe, Case::Exact),
    ("nos", Kind::Maybe, Case::Exact),
    ("Inc", Kind::Maybe, Case::Any),
    ("Ltd", Kind::Maybe, Case::Any),
    ("Co", Kind::Maybe, Case::Exact),
    ("Corp", Kind::Maybe, Case::Any),
    ("Jr", Kind::Maybe, Case::Exact),
    ("Sr", Kind::Maybe, Case::Exact),
    ("Jan", Kind::Maybe, Case::Exact),
    ("Feb", Kind::Maybe, Case::Exact),
    ("Mar", Kind::Maybe, Case::Exact),
    ("Apr", Kind::Maybe, Case::Exact),
    ("Jun", Kind::Maybe, Case::Exact),
    ("Jul", Kind::Maybe, Case::Exact),
    ("Aug", Kind::Maybe, Case::Exact),
    ("Sep", Kind::Maybe, Case::Exact),
    ("Sept", Kind::Maybe, Case::Exact),
    ("Oct", Kind::Maybe, Case::Exact),
    ("Nov", Kind::Maybe, Case::Exact),
    ("Dec", Kind::Maybe, Case::Exact),
];

/// Capitalised words that follow a genus initial ("S. Typhimurium"), so that an initial
/// before them is not a sentence end.
const CAPITALISED_EPITHETS: &[&str] = &[
    "Typhimurium",
    "Enteritidis",
    "Typhi",
    "Paratyphi",
    "Choleraesuis",
    "Dublin",
];

/// First words of the section headings of structured abstracts, recognised even in the
/// middle of a line when they are in capitals and followed by a colon.
const SECTION_WORDS: &[&str] = &[
    "ABSTRACT",
    "AIM",
    "AIMS",
    "BACKGROUND",
    "CASE",
    "CLINICAL",
    "CONCLUSION",
    "CONCLUSIONS",
    "CONTEXT",
    "DESIGN",
    "DISCUSSION",
    "EVIDENCE",
    "FINDINGS",
    "HYPOTHESIS",
    "IMPORTANCE",
    "INTERPRETATION",
    "INTERVENTION",
    "INTERVENTIONS",
    "INTRODUCTION",
    "LIMITATIONS",
    "MAIN",
    "MATERIAL",
    "MATERIALS",
    "MEASUREMENTS",
    "METHOD",
    "METHODOLOGY",
    "METHODS",
    "OBJECTIVE",
    "OBJECTIVES",
    "OUTCOME",
    "OUTCOMES",
    "PARTICIPANTS",
    "PATIENTS",
    "PURPOSE",
    "RATIONALE",
    "RESULT",
    "RESULTS",
    "SETTING",
    "SETTINGS",
    "SIGNIFICANCE",
    "STUDY",
    "SUBJECTS",
    "SUMMARY",
];

/// Longest token (in characters) looked at before a period; longer words are ordinary words.
const MAX_TOKEN_CHARS: usize = 24;
/// Longest token (in characters) looked at after a candidate boundary.
const MAX_NEXT_CHARS: usize = 40;
/// Longest section heading (in bytes) recognised after a line break.
const MAX_HEADING_BYTES: usize = 60;

/// Byte ranges of the sentences of `text`, in order, each trimmed of surrounding whitespace.
///
/// See the [module documentation](self) for the rules. The ranges never overlap, are never
/// empty, and together cover every non-whitespace byte of `text`. Runs in linear time and
/// never panics. Text longer than `u32::MAX` bytes is covered up to the last sentence that
/// fits a [`TextRange`].
#[must_use]
pub fn split_sentences(text: &str) -> Vec<TextRange> {
    let mut out = Vec::new();
    let mut sentence_start: Option<usize> = None;
    let mut last_end = 0usize;
    let bytes = text.as_bytes();
    // The character at byte `i` (callers only pass char boundaries).
    let char_at = |i: usize| text.get(i..).and_then(|rest| rest.chars().next());
    let mut pos = 0usize;
    while pos < bytes.len() {
        // Fast path: ASCII that is not whitespace (most of any text).
        let b = bytes[pos];
        let ch = if b < 0x80 {
            if !matches!(b, 9..=13 | b' ') {
                sentence_start.get_or_insert(pos);
                pos += 1;
                last_end = pos;
                continue;
            }
            b as char
        } else {
            let Some(c) = char_at(pos) else { break };
            if !c.is_whitespace() {
                sentence_start.get_or_insert(pos);
                pos += c.len_utf8();
                last_end = pos;
                continue;
            }
            c
        };
        // A run of whitespace: count its line breaks (CRLF counts once).
        let ws_start = pos;
        let mut breaks = line_breaks(ch, None);
        let mut prev = ch;
        let mut ws_end = pos + ch.len_utf8();
        while let Some(c) = char_at(ws_end) {
            if !c.is_whitespace() {
                break;
            }
            breaks += line_breaks(c, Some(prev));
            prev = c;
            ws_end += c.len_utf8();
        }
        pos = ws_end;
        if let Some(start) = sentence_start
            && ws_end < text.len()
            && is_boundary(text, start, ws_start, ws_end, breaks)
        {
            let Some(range) = TextRange::try_new(start, ws_start) else {
                return out;
            };
            out.push(range);
            sentence_start = None;
        }
    }
    if let Some(start) = sentence_start
        && let Some(range) = TextRange::try_new(start, last_end)
    {
        out.push(range);
    }
    out
}

/// How many line breaks `c` contributes to a run of whitespace (`prev` is the character
/// before it in the run). A paragraph separator counts as a blank line.
fn line_breaks(c: char, prev: Option<char>) -> usize {
    match c {
        '\n' if prev == Some('\r') => 0,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' => 1,
        '\u{2029}' => 2,
        _ => 0,
    }
}

/// The sentence-ending punctuation found just before a run of whitespace.
struct Terminal {
    /// The punctuation character.
    mark: char,
    /// Byte offset of the punctuation character.
    pos: usize,
    /// Whether closing brackets or quotes follow the punctuation (`).`, `."`).
    closed: bool,
}

/// What starts the text after a candidate boundary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Next {
    /// An uppercase letter.
    Upper,
    /// A digit.
    Digit,
    /// An opening bracket or quote.
    Open,
    /// A lowercase-initial token with an uppercase letter or a digit in it (`mRNA`, `p53`).
    GeneLike,
    /// Anything else (a lowercase word, other punctuation).
    Other,
}

impl Next {
    /// Whether this can start a sentence after ordinary sentence punctuation.
    fn starts_sentence(self) -> bool {
        self != Self::Other
    }
}

/// Decides whether the whitespace run `text[ws_start..ws_end]` (with `breaks` line breaks,
/// followed by more text) is a sentence boundary; the current sentence started at
/// `sentence_start`.
fn is_boundary(
    text: &str,
    sentence_start: usize,
    ws_start: usize,
    ws_end: usize,
    breaks: usize,
) -> bool {
    if breaks >= 2 {
        return true;
    }
    let after = text.get(ws_end..).unwrap_or_default();
    if breaks == 1 && starts_with_heading(after) {
        return true;
    }
    if starts_with_inline_heading(after)
        && !ends_in_capitals(text.get(..ws_start).unwrap_or_default())
    {
        return true;
    }
    let before = text.get(..ws_start).unwrap_or_default();
    let Some(terminal) = terminal_before(before) else {
        return false;
    };
    let next = classify_next(after);
    let newline = breaks == 1;
    if terminal.mark != '.' || terminal.closed {
        return newline || next.starts_sentence();
    }
    let token_text = before.get(..terminal.pos).unwrap_or_default();
    if next == Next::Digit
        && (in_ec_number(token_text)
            || is_spaced_decimal(token_text)
            || token_before(token_text).is_some_and(|(_, t)| is_cytoband(t)))
    {
        return false;
    }
    if token_text.ends_with(['=', '<', '>']) {
        return false;
    }
    let sentence_so_far = token_text.get(sentence_start..).unwrap_or_default();
    if is_list_marker(sentence_so_far) || is_heading_word(sentence_so_far) {
        return false;
    }
    match classify_token(token_text) {
        Token::Plain => newline || next.starts_sentence(),
        Token::Abbreviation(Kind::Never) => false,
        Token::Abbreviation(Kind::Maybe) => matches!(next, Next::Upper | Next::GeneLike),
        Token::Initial { token_start } => {
            if !matches!(next, Next::Upper | Next::Digit | Next::Open) {
                return false;
            }
            if next == Next::Upper && (is_epithet(after) || starts_with_initial(after)) {
                return false;
            }
            !initial_context_continues(token_text.get(..token_start).unwrap_or_default())
        }
    }
}

/// Whether `before` (the text up to a period followed by a digit) ends inside an enzyme
/// commission number written with spaces ("EC 1. 1. 1. 49", "E.C. 1.1. 1"): digits, periods
/// and spaces after `EC` or `E.C.`.
fn in_ec_number(before: &str) -> bool {
    let bytes = before.as_bytes();
    let mut i = bytes.len();
    while i > 0 && bytes.len() - i < 16 && matches!(bytes[i - 1], b'0'..=b'9' | b'.' | b' ') {
        i -= 1;
    }
    // Periods right after the letters belong to "E.C.".
    while bytes.get(i) == Some(&b'.') {
        i += 1;
    }
    if bytes.get(i) != Some(&b' ') {
        return false;
    }
    let head = before.get(..i).unwrap_or_default().trim_end_matches('.');
    let Some(rest) = ["EC", "E.C", "E. C"]
        .iter()
        .find_map(|suffix| head.strip_suffix(suffix))
    else {
        return false;
    };
    rest.chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric())
}

/// Finds `.`, `?`, `!` or `…` at the end of `before`, allowing up to three closing brackets
/// or quotes after it.
fn terminal_before(before: &str) -> Option<Terminal> {
    let mut closed = false;
    for (steps, (pos, c)) in before.char_indices().rev().enumerate() {
        match c {
            '.' | '?' | '!' | '…' => {
                return Some(Terminal {
                    mark: c,
                    pos,
                    closed,
                });
            }
            ')' | ']' | '}' | '"' | '\'' | '”' | '’' | '»' if steps < 3 => closed = true,
            _ => return None,
        }
    }
    None
}

/// What the word before a sentence-final period is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    /// An ordinary word, a number, a bracket: the period ends the sentence.
    Plain,
    /// A known abbreviation or a chain of single letters.
    Abbreviation(Kind),
    /// A single capital letter; `token_start` is its byte offset in the text before it.
    Initial {
        /// Byte offset where the letter starts.
        token_start: usize,
    },
}

/// Classifies the token that ends `text` (the text up to, not including, a period).
fn classify_token(text: &str) -> Token {
    let Some((start, token)) = token_before(text) else {
        return Token::Plain;
    };
    if token.is_empty() {
        return Token::Plain;
    }
    if let Some(kind) = lookup_abbreviation(token) {
        return Token::Abbreviation(kind);
    }
    let mut letters = token.chars();
    if let (Some(c), None) = (letters.next(), letters.next()) {
        let preceded_ok = text
            .get(..start)
            .unwrap_or_default()
            .chars()
            .next_back()
            .is_none_or(|p| p.is_whitespace() || is_opener(p));
        if !preceded_ok || !c.is_alphabetic() {
            return Token::Plain;
        }
        return if c.is_uppercase() {
            Token::Initial { token_start: start }
        } else {
            Token::Abbreviation(Kind::Maybe)
        };
    }
    if let Some(upper) = letter_chain(token) {
        return Token::Abbreviation(if upper { Kind::Never } else { Kind::Maybe });
    }
    Token::Plain
}

/// The run of alphanumeric characters and periods that ends `text`, with its byte start;
/// `None` when the run is longer than [`MAX_TOKEN_CHARS`] (an ordinary long word).
fn token_before(text: &str) -> Option<(usize, &str)> {
    let mut start = text.len();
    for (count, (pos, c)) in text.char_indices().rev().enumerate() {
        if !(c.is_alphanumeric() || c == '.') {
            break;
        }
        if count >= MAX_TOKEN_CHARS {
            return None;
        }
        start = pos;
    }
    Some((start, text.get(start..)?))
}

/// The kind of `token` (the text before a final period) when it is a known abbreviation.
fn lookup_abbreviation(token: &str) -> Option<Kind> {
    ABBREVIATIONS
        .iter()
        .find(|(abbr, _, case)| match case {
            Case::Exact => token == *abbr,
            Case::Any => token.eq_ignore_ascii_case(abbr),
        })
        .map(|(_, kind, _)| *kind)
}

/// For a chain of single letters separated by periods (`U.S`, `i.v`, `b.i.d`; at least two
/// letters), whether all its letters are uppercase; `None` for anything else.
fn letter_chain(token: &str) -> Option<bool> {
    let mut count = 0usize;
    let mut all_upper = true;
    for part in token.split('.') {
        let mut chars = part.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            return None;
        };
        if !c.is_alphabetic() {
            return None;
        }
        all_upper &= c.is_uppercase();
        count += 1;
    }
    (count >= 2).then_some(all_upper)
}

/// Whether the text before an initial shows it is part of a name: it follows another
/// initial, a never-final abbreviation ("Dr."), the word "by", or nothing at all.
fn initial_context_continues(before: &str) -> bool {
    let trimmed = before.trim_end();
    if trimmed.len() == before.len() {
        // Not preceded by whitespace: an opening bracket or the very start of the text.
        return trimmed.is_empty();
    }
    if trimmed.is_empty() {
        return true;
    }
    if let Some(head) = trimmed.strip_suffix('.') {
        return matches!(
            classify_token(head),
            Token::Initial { .. } | Token::Abbreviation(Kind::Never)
        );
    }
    matches!(token_before(trimmed), Some((_, word)) if word.eq_ignore_ascii_case("by"))
}

/// Whether `after` starts with a capitalised species epithet followed by a non-letter.
fn is_epithet(after: &str) -> bool {
    CAPITALISED_EPITHETS.iter().any(|word| {
        after
            .strip_prefix(word)
            .is_some_and(|rest| rest.chars().next().is_none_or(|c| !c.is_alphanumeric()))
    })
}

/// Whether `after` starts with another initial: one uppercase letter and a period.
fn starts_with_initial(after: &str) -> bool {
    let mut chars = after.chars();
    matches!(
        (chars.next(), chars.next()),
        (Some(c), Some('.')) if c.is_uppercase()
    )
}

/// Classifies the text after a candidate boundary.
fn classify_next(after: &str) -> Next {
    let Some(first) = after.chars().next() else {
        return Next::Other;
    };
    if first.is_uppercase() {
        return Next::Upper;
    }
    if first.is_ascii_digit() {
        return Next::Digit;
    }
    if is_opener(first) {
        return Next::Open;
    }
    if first.is_lowercase() {
        // The leading run of letters, digits and hyphens: `mRNA`, `p53`, `α-SMA`, but not
        // `l(-1)` or `n=12`.
        let mut run = 0usize;
        let mut marked = false;
        for c in after
            .chars()
            .take(MAX_NEXT_CHARS)
            .take_while(|&c| c.is_alphanumeric() || c == '-')
        {
            run += 1;
            marked |= c.is_uppercase() || c.is_ascii_digit();
        }
        if run >= 2 && marked && !is_unit_power(after) {
            return Next::GeneLike;
        }
    }
    Next::Other
}

/// Whether `after` starts with a unit to a power such as `kg-1`, `min-1`, `d-1` (one to three
/// lowercase ASCII letters, `-`, a digit), which is not a gene-like sentence start.
fn is_unit_power(after: &str) -> bool {
    let bytes = after.as_bytes();
    let letters = bytes.iter().take_while(|b| b.is_ascii_lowercase()).count();
    (1..=3).contains(&letters)
        && bytes.get(letters) == Some(&b'-')
        && bytes.get(letters + 1).is_some_and(u8::is_ascii_digit)
}

/// Opening brackets and quotes that may start a sentence.
fn is_opener(c: char) -> bool {
    matches!(c, '(' | '[' | '{' | '"' | '\'' | '“' | '‘' | '«')
}

/// Whether `before` (the text up to a period followed by a space and a digit) ends in a
/// number of one to three digits that follows a sign, a bracket or "vs.": a decimal written
/// with a space after its point, as in the NCBI Disease corpus ("P = 0. 05", "(1. 5 +/- 0. 8
/// vs. 0. 7)", "0.91-0. 96").
fn is_spaced_decimal(before: &str) -> bool {
    let digits = before.bytes().rev().take_while(u8::is_ascii_digit).count();
    if !(1..=3).contains(&digits) {
        return false;
    }
    let head = before
        .get(..before.len() - digits)
        .unwrap_or_default()
        .trim_end();
    head.ends_with(['=', '<', '>', '(', '±', '-'])
        || head.ends_with("+/-")
        || head.ends_with(" vs.")
}

/// Whether `token` is a chromosome band before its sub-band ("17p11", "Xp22", "q31"): the
/// NCBI Disease corpus writes "17p11. 2".
fn is_cytoband(token: &str) -> bool {
    let bytes = token.as_bytes();
    let prefix = match bytes.first() {
        Some(b'X' | b'Y') => 1,
        _ => bytes.iter().take_while(|b| b.is_ascii_digit()).count(),
    };
    if prefix > 2 || !matches!(bytes.get(prefix), Some(b'p' | b'q')) {
        return false;
    }
    let rest = bytes.get(prefix + 1..).unwrap_or_default();
    (1..=3).contains(&rest.len()) && rest.iter().all(u8::is_ascii_digit)
}

/// Whether `sentence` (the sentence so far, before a period) is an all-caps section heading
/// that starts with a known section word ("METHODS. We studied ...").
fn is_heading_word(sentence: &str) -> bool {
    let first_word_end = sentence
        .find(|c: char| !c.is_ascii_uppercase())
        .unwrap_or(sentence.len());
    SECTION_WORDS.contains(&sentence.get(..first_word_end).unwrap_or_default())
        && sentence
            .chars()
            .all(|c| c.is_ascii_uppercase() || matches!(c, ' ' | ',' | '&' | '/' | '-'))
}

/// Whether `sentence` (the sentence so far, before a period) is only a list marker: one or
/// two digits or a single letter ("1. Torsades de pointes ...", "2. We studied ...").
fn is_list_marker(sentence: &str) -> bool {
    let mut chars = sentence.chars();
    match (chars.next(), chars.next(), chars.next()) {
        (Some(a), None, None) => a.is_ascii_digit() || a.is_alphabetic(),
        (Some(a), Some(b), None) => a.is_ascii_digit() && b.is_ascii_digit(),
        _ => false,
    }
}

/// Whether `after` starts with a heading ([`starts_with_heading`], ended by a colon) whose
/// first word is a known section word ("... mutations METHODS: In a ...", "DESIGN, SETTING,
/// AND PARTICIPANTS: ..."): a boundary even without a line break or a period.
fn starts_with_inline_heading(after: &str) -> bool {
    let first_word_end = after
        .find(|c: char| !c.is_ascii_uppercase())
        .unwrap_or(after.len());
    if first_word_end < 3 {
        return false; // not an all-caps word: the common case, decided without the list
    }
    let first_word = after.get(..first_word_end).unwrap_or_default();
    SECTION_WORDS.contains(&first_word) && heading_terminator(after) == Some(':')
}

/// Whether `before` ends in a capital letter, possibly followed by `,`, `&` or `/` (the
/// middle of a heading such as "MATERIALS AND METHODS:").
fn ends_in_capitals(before: &str) -> bool {
    before
        .trim_end_matches([',', '&', '/'])
        .chars()
        .next_back()
        .is_some_and(char::is_uppercase)
}

/// Whether `after` (the start of a line) is an all-caps section heading: uppercase letters,
/// spaces, `&`, `/`, `-` or `,` (at least three letters, no lowercase letter), ended by a
/// colon or by the end of the line.
fn starts_with_heading(after: &str) -> bool {
    heading_terminator(after).is_some()
}

/// The character (`:` or a line break) that ends the all-caps heading at the start of
/// `after`, if there is one.
fn heading_terminator(after: &str) -> Option<char> {
    let mut letters = 0usize;
    for (pos, c) in after.char_indices() {
        if pos > MAX_HEADING_BYTES {
            return None;
        }
        match c {
            ':' | '\n' | '\r' => return (letters >= 3).then_some(c),
            c if c.is_uppercase() => letters += 1,
            ' ' | '&' | '/' | '-' | ',' if letters > 0 => {}
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        split_sentences(text)
            .into_iter()
            .map(|r| &text[r.to_range()])
            .collect()
    }

    #[test]
    fn empty_and_whitespace() {
        assert!(split_sentences("").is_empty());
        assert!(split_sentences(" \n\t \u{a0} ").is_empty());
        assert_eq!(split("  one  "), vec!["one"]);
    }

    #[test]
    fn token_classification() {
        assert_eq!(classify_token("see e.g"), Token::Abbreviation(Kind::Never));
        assert_eq!(
            classify_token("in the U.S"),
            Token::Abbreviation(Kind::Never)
        );
        assert_eq!(
            classify_token("mg/kg i.v"),
            Token::Abbreviation(Kind::Maybe)
        );
        assert_eq!(
            classify_token("vitamin D"),
            Token::Initial { token_start: 8 }
        );
        assert_eq!(classify_token("hepatitis-B"), Token::Plain);
        assert_eq!(classify_token("p < 0.001"), Token::Plain);
        assert_eq!(classify_token("(80.0%)"), Token::Plain);
        assert_eq!(classify_token("Ki-67"), Token::Plain);
        assert_eq!(classify_token("ms"), Token::Plain);
        assert_eq!(classify_token("MS"), Token::Plain);
    }

    #[test]
    fn headings() {
        assert!(starts_with_heading("RESULTS: We"));
        assert!(starts_with_heading("MATERIALS AND METHODS: We"));
        assert!(starts_with_heading("BACKGROUND\nText"));
        assert!(!starts_with_heading("CD117 was"));
        assert!(!starts_with_heading("A: b"));
        assert!(!starts_with_heading("Results: We"));
    }
}
