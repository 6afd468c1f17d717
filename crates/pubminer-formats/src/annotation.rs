//! What the readers of annotated formats (PubTator, BioC) share: corpus identifier fields
//! (`D1|D2`, `D1,D2`, `D1;D2`, `D1+D2`, `-1` for NIL) parsed into links, and the check of an
//! annotation's stated text against the text its offsets cover.

use pubminer_core::Link;

/// Parses a PubTator identifier field into links (`D1|D2`, `D1,D2`, `D1;D2`, `D1+D2`).
#[must_use]
pub fn parse_identifier(identifier: &str, origin: &str) -> (Vec<Link>, bool) {
    let trimmed = identifier.trim();
    if trimmed == "-1" || trimmed.eq_ignore_ascii_case("-") {
        return (Vec::new(), true);
    }
    let links = trimmed
        .split(['|', ',', ';', '+'])
        .map(str::trim)
        .filter(|id| !id.is_empty() && *id != "-1")
        .map(|id| Link {
            id: id.to_owned(),
            origin: origin.to_owned(),
            ..Link::default()
        })
        .collect::<Vec<_>>();
    let nil = links.is_empty() && !trimmed.is_empty();
    (links, nil)
}

/// How an annotation's stated text compares with the text its offsets cover.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TextCheck {
    /// Identical.
    Exact,
    /// Identical but for leading/trailing whitespace in the stated text (a padded column).
    Whitespace,
    /// Different: the offsets are not trusted.
    Mismatch,
}

pub(crate) fn check_text(found: &str, stated: &str) -> TextCheck {
    if found == stated {
        TextCheck::Exact
    } else if !found.is_empty() && found == stated.trim() {
        TextCheck::Whitespace
    } else {
        TextCheck::Mismatch
    }
}
