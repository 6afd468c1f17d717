//! A small hand-curated list of organisms common in PubMed, with NCBI Taxonomy ids.
//!
//! The built-in list (`data/species.tsv`, embedded in the binary: [`load_builtin`]) has about
//! sixty organisms: model animals, domestic animals, common pathogens and viruses. A user's own
//! list in the same format is read with [`load`]. The file documents its columns in its `#`
//! comment lines: id (`NCBITaxon:9606`), name, `|`-separated synonyms (Exact), related names
//! and adjectives (`murine`: Related), abbreviations (`HIV-1`: Abbreviation). Every concept is
//! a [`EntityType::Species`] with source `species`.

use std::path::Path;

use crate::concept::{Concept, EntityType, SynonymKind, normalize_curie};
use crate::error::{LexiconError, Result};

use super::{Lines, Loaded, push_syn, split_values, tidy};

/// The built-in list.
const BUILTIN: &str = include_str!("../../data/species.tsv");

/// Loads the built-in species list.
///
/// # Errors
/// Never in practice (the embedded file is checked by the tests); the signature matches
/// [`load`].
pub fn load_builtin() -> Result<Loaded> {
    let mut out = Loaded::default();
    for (i, line) in BUILTIN.lines().enumerate() {
        parse_line(line, &mut out)
            .map_err(|m| LexiconError::parse("<built-in species.tsv>", i as u64 + 1, m))?;
    }
    Ok(out)
}

/// Loads a species list in the format of the built-in one.
///
/// # Errors
/// I/O errors; a parse error (file and line) for a line with more than five fields, without
/// a name, or whose id is neither a CURIE nor a number.
pub fn load(path: &Path) -> Result<Loaded> {
    let mut lines = Lines::open(path)?;
    let mut out = Loaded::default();
    while let Some(line) = lines.next_line()? {
        let result = parse_line(&line, &mut out);
        result.map_err(|m| line.error(m))?;
    }
    Ok(out)
}

fn parse_line(line: &str, out: &mut Loaded) -> std::result::Result<(), String> {
    if line.trim().is_empty() || line.trim_start().starts_with('#') {
        return Ok(());
    }
    let f: Vec<&str> = line.split('\t').map(str::trim).collect();
    if f.len() > 5 {
        return Err(format!(
            "{} fields; expected id, name, synonyms, related, abbreviations",
            f.len()
        ));
    }
    let raw_id = f[0];
    let id = if !raw_id.is_empty() && raw_id.bytes().all(|b| b.is_ascii_digit()) {
        format!("NCBITaxon:{raw_id}")
    } else {
        normalize_curie(raw_id).ok_or_else(|| format!("not a taxonomy id: {raw_id:?}"))?
    };
    let name = f.get(1).copied().unwrap_or("");
    if name.is_empty() {
        return Err(format!("{id} has no name"));
    }
    let mut c = Concept::new(id, name, EntityType::Species, "species");
    for (i, kind) in [
        (2, SynonymKind::Exact),
        (3, SynonymKind::Related),
        (4, SynonymKind::Abbreviation),
    ] {
        for s in split_values(f.get(i).copied().unwrap_or(""), '|') {
            push_syn(&mut c, s, kind);
        }
    }
    tidy(&mut c);
    out.concepts.push(c);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_list() {
        let loaded = load_builtin().unwrap();
        assert!(loaded.concepts.len() >= 40, "{}", loaded.concepts.len());
        let human = &loaded.concepts[0];
        assert_eq!(human.id, "NCBITaxon:9606");
        assert_eq!(human.name, "Homo sapiens");
        assert!(human.synonyms.iter().any(|s| s.text == "humans"));
        assert!(
            loaded
                .concepts
                .iter()
                .flat_map(|c| c.names())
                .all(|(n, _)| n != "patients")
        );
        let mouse = loaded
            .concepts
            .iter()
            .find(|c| c.id == "NCBITaxon:10090")
            .unwrap();
        assert!(mouse.synonyms.contains(&crate::concept::Synonym::new(
            "murine",
            SynonymKind::Related
        )));
        let mut ids: Vec<_> = loaded.concepts.iter().map(|c| &c.id).collect();
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate ids");
    }
}
