//! OBO 1.2 / 1.4 flat files: the Human Disease Ontology (`doid.obo` and its `subsets/*.obo`)
//! and the Cell Ontology (`cl-basic.obo`).
//!
//! Only `[Term]` stanzas are read. Per term: `id`, `name`, `synonym` (`EXACT` → Exact;
//! `RELATED`, `BROAD`, `NARROW` → Related; an `EXACT` synonym whose type is an abbreviation or
//! acronym (`abbreviation`, `acronym`, `OMO:0003000`, `OMO:0003012`, or a
//! `{synonymtypedef="acronym"}` qualifier) → Abbreviation; the OBO 1.0 `exact_synonym` etc.
//! tags likewise), `xref` and `alt_id` (→ xrefs, normalised; URLs and provenance references
//! such as `PMID:` dropped), `is_a` (→ parents), `is_obsolete: true` (→ [`Tags::OBSOLETE`], the
//! concept is kept), `subset`. Escapes (`\"`, `\n`, `\:`...), trailing `{...}` qualifiers and
//! `!` comments are handled. Other tags (`def`, `relationship`, `intersection_of`...) are
//! ignored.
//!
//! Neoplasms are tagged after loading (for the Disease Ontology: see
//! [`OboOptions::disease_ontology`]): a term is [`Tags::NEOPLASM`] when it is one of
//! [`OboOptions::neoplasm_roots`] or descends from one through `is_a`, or is in one of
//! [`OboOptions::neoplasm_subsets`].

use std::collections::HashMap;
use std::path::Path;

use crate::concept::{Concept, EntityType, SynonymKind, Tags, normalize_curie};
use crate::error::Result;

use super::{Lines, Loaded, push_syn, tidy, xref_curie};

/// How to read one OBO vocabulary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OboOptions {
    /// The `source` written on every concept (`doid`, `cl`...).
    pub source: String,
    /// The entity type of every concept.
    pub entity_type: EntityType,
    /// Keep only terms whose id has one of these prefixes (`CL`); empty keeps all. Parents
    /// with other prefixes are dropped too.
    pub id_prefixes: Vec<String>,
    /// Terms that are neoplasms together with everything below them (`DOID:162`).
    pub neoplasm_roots: Vec<String>,
    /// Subsets whose members are neoplasms (`DO_cancer_slim`).
    pub neoplasm_subsets: Vec<String>,
}

impl OboOptions {
    /// Options with no id filter and no neoplasm tagging.
    pub fn new(source: impl Into<String>, entity_type: EntityType) -> Self {
        Self {
            source: source.into(),
            entity_type,
            id_prefixes: Vec::new(),
            neoplasm_roots: Vec::new(),
            neoplasm_subsets: Vec::new(),
        }
    }

    /// The Human Disease Ontology (also its subset files): source `doid`, Disease, `DOID:` ids,
    /// neoplasms at or below DOID:162 "cancer", DOID:0060072 "benign neoplasm" or
    /// DOID:0060071 "pre-malignant neoplasm" (the three neoplasm children of "disease of
    /// cellular proliferation", as MeSH C04 and MONDO "neoplasm" include benign tumours), or
    /// in subset `DO_cancer_slim`.
    #[must_use]
    pub fn disease_ontology() -> Self {
        Self {
            id_prefixes: vec!["DOID".into()],
            neoplasm_roots: vec![
                "DOID:162".into(),
                "DOID:0060072".into(),
                "DOID:0060071".into(),
            ],
            neoplasm_subsets: vec!["DO_cancer_slim".into()],
            ..Self::new("doid", EntityType::Disease)
        }
    }

    /// The Cell Ontology: source `cl`, CellType, only `CL:` ids (the OBO file also holds
    /// obsolete `CP:` and URL-named terms that moved into CL).
    #[must_use]
    pub fn cell_ontology() -> Self {
        Self {
            id_prefixes: vec!["CL".into()],
            ..Self::new("cl", EntityType::CellType)
        }
    }

    fn keeps(&self, id: &str) -> bool {
        self.id_prefixes.is_empty()
            || id
                .split_once(':')
                .is_some_and(|(p, _)| self.id_prefixes.iter().any(|x| x == p))
    }
}

/// A term being read.
struct Term {
    id: Option<String>,
    raw_id: String,
    name: Option<String>,
    synonyms: Vec<(String, SynonymKind)>,
    xrefs: Vec<String>,
    parents: Vec<String>,
    obsolete: bool,
    in_neoplasm_subset: bool,
}

impl Term {
    fn new() -> Self {
        Self {
            id: None,
            raw_id: String::new(),
            name: None,
            synonyms: Vec::new(),
            xrefs: Vec::new(),
            parents: Vec::new(),
            obsolete: false,
            in_neoplasm_subset: false,
        }
    }
}

/// Loads an OBO file.
///
/// # Errors
/// I/O errors, and parse errors (with file and line) for a line in a `[Term]` stanza that is
/// not `tag: value`, a malformed synonym, or a stanza header that is not closed. Terms with no
/// id or no name, or whose id prefix is not kept, are skipped and counted.
pub fn load(path: &Path, options: &OboOptions) -> Result<Loaded> {
    let mut lines = Lines::open(path)?;
    let mut out = Loaded::default();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut neo_subset: Vec<bool> = Vec::new();
    let mut term: Option<Term> = None;

    while let Some(raw) = lines.next_line()? {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('!') {
            continue;
        }
        if line.starts_with('[') {
            if let Some(t) = term.take() {
                finish(t, options, &mut out, &mut index, &mut neo_subset);
            }
            if !line.ends_with(']') {
                return Err(raw.error(format!("unclosed stanza header {line:?}")));
            }
            if line == "[Term]" {
                term = Some(Term::new());
            }
            continue;
        }
        let Some(t) = term.as_mut() else {
            continue; // header tags, [Typedef], [Instance]
        };
        let Some((tag, value)) = line.split_once(':') else {
            return Err(raw.error(format!("expected `tag: value`, found {line:?}")));
        };
        let value = value.trim();
        match tag.trim() {
            "id" => {
                let (main, _) = strip_trailing(value);
                let raw_id = unescape(main);
                t.id = normalize_curie(&raw_id);
                t.raw_id = raw_id;
            }
            "name" => t.name = Some(unescape(strip_trailing(value).0)),
            "synonym" => {
                let (text, kind) = parse_synonym(value, None).map_err(|m| raw.error(m))?;
                t.synonyms.push((text, kind));
            }
            "exact_synonym" | "narrow_synonym" | "broad_synonym" | "related_synonym" => {
                let scope = match tag {
                    "exact_synonym" => SynonymKind::Exact,
                    _ => SynonymKind::Related,
                };
                let (text, kind) = parse_synonym(value, Some(scope)).map_err(|m| raw.error(m))?;
                t.synonyms.push((text, kind));
            }
            "xref" | "xref_analog" | "alt_id" => {
                let (main, _) = strip_trailing(value);
                if let Some(token) = main.split_whitespace().next()
                    && let Some(x) = xref_curie(&unescape(token))
                {
                    t.xrefs.push(x);
                }
            }
            "is_a" => {
                let (main, _) = strip_trailing(value);
                if let Some(token) = main.split_whitespace().next()
                    && let Some(p) = normalize_curie(&unescape(token))
                {
                    t.parents.push(p);
                }
            }
            "is_obsolete" => t.obsolete = strip_trailing(value).0.trim() == "true",
            "subset" => {
                let (main, _) = strip_trailing(value);
                if options.neoplasm_subsets.iter().any(|s| s == main.trim()) {
                    t.in_neoplasm_subset = true;
                }
            }
            _ => {}
        }
    }
    if let Some(t) = term.take() {
        finish(t, options, &mut out, &mut index, &mut neo_subset);
    }

    if !options.neoplasm_roots.is_empty() || !options.neoplasm_subsets.is_empty() {
        let below = descends_from(&out.concepts, &index, &options.neoplasm_roots);
        for (i, c) in out.concepts.iter_mut().enumerate() {
            if below[i] || neo_subset[i] {
                c.tags.insert(Tags::NEOPLASM);
            }
        }
    }
    for c in &mut out.concepts {
        tidy(c);
    }
    Ok(out)
}

/// Turns a finished stanza into a concept (or merges it into an earlier stanza with the same
/// id, as OBO allows).
fn finish(
    t: Term,
    options: &OboOptions,
    out: &mut Loaded,
    index: &mut HashMap<String, usize>,
    neo_subset: &mut Vec<bool>,
) {
    let Some(id) = t.id else {
        out.skip(if t.raw_id.is_empty() {
            "term without id"
        } else {
            "term id is not a CURIE"
        });
        return;
    };
    if !options.keeps(&id) {
        out.skip("term id prefix not kept");
        return;
    }
    let parents: Vec<String> = t.parents.into_iter().filter(|p| options.keeps(p)).collect();
    if let Some(&i) = index.get(&id) {
        let c = &mut out.concepts[i];
        for (text, kind) in &t.synonyms {
            push_syn(c, text, *kind);
        }
        c.xrefs.extend(t.xrefs);
        c.parents.extend(parents);
        if t.obsolete {
            c.tags.insert(Tags::OBSOLETE);
        }
        neo_subset[i] |= t.in_neoplasm_subset;
        return;
    }
    let Some(name) = t.name.filter(|n| !n.trim().is_empty()) else {
        out.skip("term without name");
        return;
    };
    let mut c = Concept::new(
        id.clone(),
        name,
        options.entity_type,
        options.source.clone(),
    );
    for (text, kind) in &t.synonyms {
        push_syn(&mut c, text, *kind);
    }
    c.xrefs = t.xrefs;
    c.parents = parents;
    if t.obsolete {
        c.tags.insert(Tags::OBSOLETE);
    }
    index.insert(id, out.concepts.len());
    out.concepts.push(c);
    neo_subset.push(t.in_neoplasm_subset);
}

/// For each concept, whether it is one of `roots` or reaches one through its parents.
/// Iterative depth-first search with memoisation: linear in concepts + parent links; a cycle
/// is cut where it closes.
pub(crate) fn descends_from(
    concepts: &[Concept],
    index: &HashMap<String, usize>,
    roots: &[String],
) -> Vec<bool> {
    const UNSEEN: u8 = 0;
    const OPEN: u8 = 1;
    const YES: u8 = 2;
    const NO: u8 = 3;
    let n = concepts.len();
    let mut state = vec![UNSEEN; n];
    for (i, c) in concepts.iter().enumerate() {
        if roots.contains(&c.id) {
            state[i] = YES;
        }
    }
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for start in 0..n {
        if state[start] != UNSEEN {
            continue;
        }
        state[start] = OPEN;
        stack.push((start, 0));
        while let Some(top) = stack.last_mut() {
            let (node, k) = *top;
            let parents = &concepts[node].parents;
            if k >= parents.len() {
                state[node] = NO;
                stack.pop();
                continue;
            }
            match index.get(&parents[k]).map(|&p| (p, state[p])) {
                Some((_, YES)) => {
                    state[node] = YES;
                    stack.pop();
                }
                Some((p, UNSEEN)) => {
                    state[p] = OPEN;
                    stack.push((p, 0));
                }
                _ => top.1 += 1,
            }
        }
    }
    state.into_iter().map(|s| s == YES).collect()
}

/// Splits a tag value into its main part and its trailing `{...}` qualifier block (without the
/// braces), dropping a trailing `!` comment. Quotes and backslash escapes are respected.
fn strip_trailing(value: &str) -> (&str, Option<&str>) {
    let mut in_quote = false;
    let mut escaped = false;
    let mut brace = None;
    let mut end = value.len();
    for (i, c) in value.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '"' => in_quote = !in_quote,
            '{' if !in_quote && brace.is_none() => brace = Some(i),
            '!' if !in_quote => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let main = value[..end].trim_end();
    if let Some(b) = brace
        && b < main.len()
        && main.ends_with('}')
    {
        let qualifiers = &main[b + 1..main.len() - 1];
        return (main[..b].trim_end(), Some(qualifiers));
    }
    (main, None)
}

/// Resolves OBO backslash escapes; line breaks and tabs become spaces.
fn unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 't' | 'W') => out.push(' '),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Parses `"text" SCOPE [TYPE] [xrefs] {qualifiers}` into the text and its kind. `scope` is
/// given for the OBO 1.0 tags (`exact_synonym: "text" [xrefs]`).
fn parse_synonym(
    value: &str,
    scope: Option<SynonymKind>,
) -> std::result::Result<(String, SynonymKind), String> {
    let Some(body) = value.strip_prefix('"') else {
        return Err(format!(
            "synonym does not start with a quoted text: {value:?}"
        ));
    };
    let mut text = String::new();
    let mut rest = None;
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, 'n' | 't' | 'W')) => text.push(' '),
                Some((_, other)) => text.push(other),
                None => {}
            },
            '"' => {
                rest = Some(&body[i + 1..]);
                break;
            }
            _ => text.push(c),
        }
    }
    let Some(rest) = rest else {
        return Err(format!("synonym text is not closed: {value:?}"));
    };
    let (main, qualifiers) = strip_trailing(rest);
    let mut tokens = main.split_whitespace();
    let mut kind = scope.unwrap_or(SynonymKind::Related);
    let mut exact = scope == Some(SynonymKind::Exact);
    let mut next = tokens.next();
    if scope.is_none()
        && let Some(token) = next
    {
        match token {
            "EXACT" => {
                kind = SynonymKind::Exact;
                exact = true;
                next = tokens.next();
            }
            "RELATED" | "BROAD" | "NARROW" => next = tokens.next(),
            _ => {}
        }
    }
    let type_is_abbreviation = next
        .filter(|t| !t.starts_with('['))
        .is_some_and(is_abbreviation_type)
        || qualifiers.is_some_and(|q| {
            q.split(',').any(|part| {
                part.split_once('=').is_some_and(|(k, v)| {
                    k.trim() == "synonymtypedef" && is_abbreviation_type(v.trim().trim_matches('"'))
                })
            })
        });
    if exact && type_is_abbreviation {
        kind = SynonymKind::Abbreviation;
    }
    let text = text.trim().to_owned();
    if text.is_empty() {
        return Err(format!("empty synonym text: {value:?}"));
    }
    Ok((text, kind))
}

fn is_abbreviation_type(t: &str) -> bool {
    t.eq_ignore_ascii_case("abbreviation")
        || t.eq_ignore_ascii_case("acronym")
        || t == "OMO:0003000"
        || t == "OMO:0003012"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_parts() {
        assert_eq!(
            strip_trailing("DOID:299 ! adenocarcinoma"),
            ("DOID:299", None)
        );
        assert_eq!(
            strip_trailing("OMIM:616202 {xref=\"url:https://x\"}"),
            ("OMIM:616202", Some("xref=\"url:https://x\""))
        );
        assert_eq!(
            strip_trailing("\"a ! b\" EXACT [] ! c"),
            ("\"a ! b\" EXACT []", None)
        );
        assert_eq!(strip_trailing("x \\! y"), ("x \\! y", None));
    }

    #[test]
    fn synonyms() {
        assert_eq!(
            parse_synonym("\"hemangiosarcoma\" EXACT []", None).unwrap(),
            ("hemangiosarcoma".into(), SynonymKind::Exact)
        );
        assert_eq!(
            parse_synonym("\"DLBCL\" EXACT OMO:0003012 []", None).unwrap(),
            ("DLBCL".into(), SynonymKind::Abbreviation)
        );
        assert_eq!(
            parse_synonym("\"X\" EXACT [] {synonymtypedef=\"acronym\"}", None).unwrap(),
            ("X".into(), SynonymKind::Abbreviation)
        );
        assert_eq!(
            parse_synonym("\"ALS3\" RELATED [OMIM:606640]", None).unwrap(),
            ("ALS3".into(), SynonymKind::Related)
        );
        assert_eq!(
            parse_synonym("\"a \\\"q\\\" b\" NARROW []", None).unwrap(),
            ("a \"q\" b".into(), SynonymKind::Related)
        );
        assert!(parse_synonym("\"open EXACT []", None).is_err());
        assert!(parse_synonym("bare EXACT []", None).is_err());
    }
}
