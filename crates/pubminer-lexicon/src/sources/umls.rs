//! The UMLS Metathesaurus (for licence holders): `MRCONSO.RRF` (atoms:
//! `CUI|LAT|TS|LUI|STT|SUI|ISPREF|AUI|SAUI|SCUI|SDUI|SAB|TTY|CODE|STR|SRL|SUPPRESS|CVF|`) and
//! `MRSTY.RRF` (semantic types: `CUI|TUI|STN|STY|ATUI|CVF|`).
//!
//! `MRSTY` is read first and decides which concepts are kept and their type:
//!
//! | semantic types | entity type |
//! |---|---|
//! | T047 T191 T046 T048 T019 T020 T037 T184 T190 | Disease ([`Tags::NEOPLASM`] with T191) |
//! | T204 T005 T007 T013 T014 T015 T016 | Species |
//! | T025 | CellType |
//! | T017 T022 T023 T024 T029 T030 T031 | Anatomy |
//! | T121 T195 T200 (drugs) | Chemical |
//! | T116 T126 T028 T087 T192 T129 | Gene |
//! | T109 T196 T197 T131 T125 T123 T122 T130 | Chemical |
//!
//! A concept with several types takes the first row of the table that matches (so a
//! therapeutic antibody, T116 + T121, is a Chemical, and an enzyme, T116 + T126, a Gene);
//! concepts with none of these types are skipped and counted. Then `MRCONSO` is streamed and
//! only atoms of kept concepts are held, so memory follows the kept concepts, not the 15
//! million atoms. Atoms with `SUPPRESS` O, E or Y are skipped. Names come from atoms in
//! [`UmlsOptions::languages`] and [`UmlsOptions::sources`]: the preferred name is the
//! `TS=P, STT=PF, ISPREF=Y` atom of the first listed language that has names (else that
//! language's first kept atom); TTY AB/ACR → Abbreviation,
//! others Exact. Xrefs come from every unsuppressed atom's SAB/CODE: MSH → `MESH:`, NCI →
//! `NCIT:`, HGNC → `HGNC:` (as given), OMIM → `OMIM:`, SNOMEDCT_US → `SNOMEDCT:`. Ids are
//! `UMLS:<CUI>`, source `umls`.

use std::collections::HashMap;
use std::path::Path;

use crate::concept::{Concept, EntityType, SynonymKind, Tags, normalize_curie};
use crate::error::Result;

use super::{Lines, Loaded, push_syn, tidy};

/// Which atoms to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UmlsOptions {
    /// Languages (`LAT`) whose atoms give names; default `ENG`.
    pub languages: Vec<String>,
    /// Source vocabularies (`SAB`) whose atoms give names; empty (the default) means all.
    pub sources: Vec<String>,
}

impl Default for UmlsOptions {
    fn default() -> Self {
        Self {
            languages: vec!["ENG".into()],
            sources: Vec::new(),
        }
    }
}

/// The type of a semantic type and its rank (lower wins), with whether it is a neoplasm.
fn semantic_type(tui: &str) -> Option<(u8, EntityType, bool)> {
    Some(match tui {
        "T191" => (0, EntityType::Disease, true),
        "T047" | "T046" | "T048" | "T019" | "T020" | "T037" | "T184" | "T190" => {
            (0, EntityType::Disease, false)
        }
        "T204" | "T005" | "T007" | "T013" | "T014" | "T015" | "T016" => {
            (1, EntityType::Species, false)
        }
        "T025" => (2, EntityType::CellType, false),
        "T017" | "T022" | "T023" | "T024" | "T029" | "T030" | "T031" => {
            (3, EntityType::Anatomy, false)
        }
        "T121" | "T195" | "T200" => (4, EntityType::Chemical, false),
        "T116" | "T126" | "T028" | "T087" | "T192" | "T129" => (5, EntityType::Gene, false),
        "T109" | "T196" | "T197" | "T131" | "T125" | "T123" | "T122" | "T130" => {
            (6, EntityType::Chemical, false)
        }
        _ => return None,
    })
}

/// What is known of a kept CUI.
struct Kept {
    rank: u8,
    entity_type: EntityType,
    neoplasm: bool,
    builder: Option<usize>,
}

/// A concept being assembled from its atoms.
struct Builder {
    cui: String,
    /// The best name so far, with its rank: (language position, 0 for the preferred atom).
    preferred: Option<((usize, u8), String)>,
    names: Vec<(String, SynonymKind)>,
    xrefs: Vec<String>,
}

/// Loads the concepts of `MRCONSO.RRF` typed by `MRSTY.RRF` (either possibly gzipped).
///
/// # Errors
/// I/O errors; a parse error (file and line) for a line with too few `|`-separated fields.
pub fn load(mrconso: &Path, mrsty: &Path, options: &UmlsOptions) -> Result<Loaded> {
    let mut out = Loaded::default();
    let mut kept: HashMap<String, Kept> = HashMap::new();

    let mut lines = Lines::open(mrsty)?;
    while let Some(line) = lines.next_line()? {
        if line.is_empty() {
            continue;
        }
        let mut f = line.split('|');
        let (Some(cui), Some(tui)) = (f.next(), f.next()) else {
            return Err(line.error("expected CUI|TUI|STN|STY|ATUI|CVF|"));
        };
        if cui.is_empty() || tui.is_empty() {
            return Err(line.error("expected CUI|TUI|STN|STY|ATUI|CVF|"));
        }
        if let Some((rank, entity_type, neoplasm)) = semantic_type(tui) {
            let k = kept.entry(cui.to_owned()).or_insert(Kept {
                rank,
                entity_type,
                neoplasm: false,
                builder: None,
            });
            if rank < k.rank {
                k.rank = rank;
                k.entity_type = entity_type;
            }
            k.neoplasm |= neoplasm;
        }
    }
    drop(lines);

    let mut builders: Vec<Builder> = Vec::new();
    let mut lines = Lines::open(mrconso)?;
    let mut skipped_cui = String::new();
    while let Some(line) = lines.next_line()? {
        if line.is_empty() {
            continue;
        }
        let f: Vec<&str> = line.splitn(19, '|').collect();
        if f.len() < 17 {
            return Err(line.error(format!(
                "{} fields; MRCONSO lines have 18 (CUI|LAT|TS|LUI|STT|SUI|ISPREF|AUI|SAUI|\
                 SCUI|SDUI|SAB|TTY|CODE|STR|SRL|SUPPRESS|CVF|)",
                f.len()
            )));
        }
        let (cui, lat, ts, stt, ispref, sab, tty, code, text, suppress) = (
            f[0], f[1], f[2], f[4], f[6], f[11], f[12], f[13], f[14], f[16],
        );
        let Some(k) = kept.get_mut(cui) else {
            if skipped_cui != cui {
                skipped_cui.clear();
                skipped_cui.push_str(cui);
                out.skip("concept without a recognised semantic type");
            }
            continue;
        };
        if matches!(suppress, "O" | "E" | "Y") {
            out.skip("suppressed atom");
            continue;
        }
        let b = match k.builder {
            Some(i) => &mut builders[i],
            None => {
                k.builder = Some(builders.len());
                builders.push(Builder {
                    cui: cui.to_owned(),
                    preferred: None,
                    names: Vec::new(),
                    xrefs: Vec::new(),
                });
                let last = builders.len() - 1;
                &mut builders[last]
            }
        };
        if let Some(x) = xref(sab, code)
            && !b.xrefs.contains(&x)
        {
            b.xrefs.push(x);
        }
        let Some(language) = options.languages.iter().position(|l| l == lat) else {
            continue;
        };
        if !(options.sources.is_empty() || options.sources.iter().any(|s| s == sab))
            || text.trim().is_empty()
        {
            continue;
        }
        let rank = (
            language,
            u8::from(!(ts == "P" && stt == "PF" && ispref == "Y")),
        );
        if b.preferred.as_ref().is_none_or(|(best, _)| rank < *best) {
            b.preferred = Some((rank, text.to_owned()));
        }
        let kind = match tty {
            "AB" | "ACR" => SynonymKind::Abbreviation,
            _ => SynonymKind::Exact,
        };
        if b.names
            .last()
            .is_none_or(|(t, kd)| t != text || *kd != kind)
        {
            b.names.push((text.to_owned(), kind));
        }
    }

    // Concepts whose semantic types are kept but that have no atom at all in MRCONSO.
    let without_atoms = kept.values().filter(|k| k.builder.is_none()).count();
    out.skip_n("concept without atoms", without_atoms as u64);
    for b in builders {
        let Some(k) = kept.get(&b.cui) else { continue };
        let Some((_, name)) = b.preferred else {
            out.skip("concept without a name in the selected languages and sources");
            continue;
        };
        let mut c = Concept::new(format!("UMLS:{}", b.cui), name, k.entity_type, "umls");
        for (text, kind) in &b.names {
            push_syn(&mut c, text, *kind);
        }
        c.xrefs = b.xrefs;
        if k.neoplasm && k.entity_type == EntityType::Disease {
            c.tags.insert(Tags::NEOPLASM);
        }
        tidy(&mut c);
        out.concepts.push(c);
    }
    Ok(out)
}

/// The xref of an atom's source code, for the vocabularies that are merged on.
fn xref(sab: &str, code: &str) -> Option<String> {
    let code = code.trim();
    if code.is_empty() || code == "NOCODE" {
        return None;
    }
    match sab {
        "MSH" => Some(format!("MESH:{code}")),
        "NCI" => Some(format!("NCIT:{code}")),
        "HGNC" => normalize_curie(code).or_else(|| Some(format!("HGNC:{code}"))),
        "OMIM" => Some(format!("OMIM:{code}")),
        "SNOMEDCT_US" => Some(format!("SNOMEDCT:{code}")),
        _ => None,
    }
}
