//! The markdown tables LLMs write for IHC-LLMiner's extraction prompt, parsed robustly:
//! leading and trailing pipes optional, the separator line optional (or malformed), `\|`
//! inside cells, text before and after the table, several tables, and cells such as `27/35`,
//! `27/35 (77.1%)`, `77.1% (27/35)`, `27 of 35`, `NA`, `N/A`, `-`, percentages alone.
//!
//! Two layouts are read: IHC-LLMiner's wide one (a row per tumour type, `Tumor type` and
//! `Tumor site` columns, a column per marker) and a long one (a `Marker` column and a result
//! column).

/// One table: its header and its rows, cells trimmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// Header cells.
    pub header: Vec<String>,
    /// Body rows (padded or cut to the header's width).
    pub rows: Vec<Vec<String>>,
    /// The source line of each row (for evidence).
    pub lines: Vec<String>,
}

/// A result cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// `X/Y`, with the percentage when one is written too.
    Count {
        /// Positive cases.
        x: u32,
        /// Cases tested.
        y: u32,
        /// The percentage written beside them.
        percent: Option<f64>,
    },
    /// A percentage without counts.
    Percent(f64),
    /// `NA`, empty, `-`, `not reported`.
    Missing,
    /// Anything else (kept for the diagnostics).
    Other(String),
}

/// One (tumour type, site, marker, cell) of a parsed table.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Tumour type as written.
    pub tumour: String,
    /// Site as written (`None` for `NA`).
    pub site: Option<String>,
    /// Marker as written.
    pub marker: String,
    /// The result.
    pub cell: Cell,
    /// The table row it came from.
    pub line: String,
}

/// Splits a line at unescaped `|`, dropping the empty edges of `| a | b |`.
fn split_row(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut chars = line.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cur.push('|');
                chars.next();
            }
            '|' => cells.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    cells.push(cur);
    let trimmed = line.trim();
    if trimmed.starts_with('|') && !cells.is_empty() {
        cells.remove(0);
    }
    if trimmed.ends_with('|') && !trimmed.ends_with("\\|") && !cells.is_empty() {
        cells.pop();
    }
    cells
        .into_iter()
        .map(|c| c.trim().trim_matches('*').trim().to_owned())
        .collect()
}

fn is_separator(cells: &[String]) -> bool {
    !cells.is_empty()
        && cells
            .iter()
            .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ' | '=')))
}

/// Every table in `text`: runs of lines containing `|` with at least two cells.
#[must_use]
pub fn parse_tables(text: &str) -> Vec<Table> {
    let mut tables = Vec::new();
    let mut block: Vec<&str> = Vec::new();
    let flush = |block: &mut Vec<&str>, tables: &mut Vec<Table>| {
        let mut lines = block.drain(..).filter(|l| !is_separator(&split_row(l)));
        let Some(head) = lines.next() else { return };
        let header = split_row(head);
        if header.len() < 2 {
            return;
        }
        let mut t = Table {
            header,
            rows: Vec::new(),
            lines: Vec::new(),
        };
        for l in lines {
            let mut row = split_row(l);
            if row.iter().all(String::is_empty) {
                continue;
            }
            row.resize(t.header.len(), String::new());
            t.rows.push(row);
            t.lines.push(l.trim().to_owned());
        }
        if !t.rows.is_empty() {
            tables.push(t);
        }
    };
    for line in text.lines() {
        if line.contains('|') && split_row(line).len() >= 2 {
            block.push(line);
        } else {
            flush(&mut block, &mut tables);
        }
    }
    flush(&mut block, &mut tables);
    tables
}

fn number(s: &str) -> Option<u32> {
    s.trim().replace(',', "").parse().ok()
}

fn percent(s: &str) -> Option<f64> {
    let s = s
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim();
    let v = s.strip_suffix('%')?.trim();
    v.parse::<f64>().ok().filter(|p| (0.0..=100.0).contains(p))
}

/// Reads one result cell.
#[must_use]
pub fn parse_cell(raw: &str) -> Cell {
    let s = raw.trim();
    let lower = s.to_lowercase();
    if s.is_empty()
        || matches!(
            lower.as_str(),
            "na" | "n/a"
                | "-"
                | "\u{2013}"
                | "nr"
                | "not reported"
                | "not given"
                | "none"
                | "unclear"
        )
    {
        return Cell::Missing;
    }
    // Split the percentage in parentheses from the rest: `27/35 (77.1%)`, `77.1% (27/35)`.
    let (main, paren) = match (s.find('('), s.rfind(')')) {
        (Some(a), Some(b)) if a < b => (
            format!("{} {}", &s[..a], &s[b + 1..]).trim().to_owned(),
            Some(s[a + 1..b].trim().to_owned()),
        ),
        _ => (s.to_owned(), None),
    };
    let count = |t: &str| -> Option<(u32, u32)> {
        if let Some((a, b)) = t.split_once('/') {
            return Some((number(a)?, number(b)?));
        }
        let lower = t.to_lowercase();
        let (a, b) = lower.split_once(" of ")?;
        Some((number(a)?, number(b)?))
    };
    match (count(&main), paren.as_deref()) {
        (Some((x, y)), p) => Cell::Count {
            x,
            y,
            percent: p.and_then(percent),
        },
        (None, Some(p)) => match (count(p), percent(&main)) {
            (Some((x, y)), pct) => Cell::Count { x, y, percent: pct },
            (None, Some(pct)) => Cell::Percent(pct),
            (None, None) => Cell::Other(s.to_owned()),
        },
        (None, None) => percent(&main).map_or_else(|| Cell::Other(s.to_owned()), Cell::Percent),
    }
}

fn is_tumour_header(h: &str) -> bool {
    let h = h.to_lowercase();
    (h.contains("tumo")
        || h.contains("type")
        || h.contains("diagnos")
        || h.contains("cancer")
        || h.contains("entity"))
        && !h.contains("site")
}

fn is_site_header(h: &str) -> bool {
    let h = h.to_lowercase();
    h.contains("site") || h.contains("location") || h.contains("organ")
}

fn is_marker_header(h: &str) -> bool {
    let h = h.to_lowercase();
    h.contains("marker") || h.contains("antibod") || h == "ihc" || h.contains("stain")
}

fn site_of(s: &str) -> Option<String> {
    match parse_cell(s) {
        Cell::Missing => None,
        _ => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
    }
}

/// The entries of one table, in either layout.
#[must_use]
pub fn entries(table: &Table) -> Vec<Entry> {
    let h = &table.header;
    let tumour_col = h.iter().position(|c| is_tumour_header(c)).unwrap_or(0);
    let site_col = h
        .iter()
        .enumerate()
        .position(|(i, c)| i != tumour_col && is_site_header(c));
    let marker_col = h
        .iter()
        .enumerate()
        .position(|(i, c)| i != tumour_col && Some(i) != site_col && is_marker_header(c));
    let mut out = Vec::new();
    for (row, line) in table.rows.iter().zip(&table.lines) {
        let tumour = row[tumour_col].trim().to_owned();
        if tumour.is_empty() || matches!(parse_cell(&tumour), Cell::Missing) {
            continue;
        }
        let site = site_col.and_then(|c| site_of(&row[c]));
        match marker_col {
            // Long layout: `| Tumour | Site | Marker | Result |`.
            Some(mc) => {
                let result = (0..h.len())
                    .filter(|&i| i != tumour_col && Some(i) != site_col && i != mc)
                    .map(|i| parse_cell(&row[i]))
                    .find(|c| !matches!(c, Cell::Missing | Cell::Other(_)))
                    .unwrap_or(Cell::Missing);
                out.push(Entry {
                    tumour: tumour.clone(),
                    site: site.clone(),
                    marker: row[mc].trim().to_owned(),
                    cell: result,
                    line: line.clone(),
                });
            }
            // IHC-LLMiner's wide layout: a column per marker.
            None => {
                for (i, marker) in h.iter().enumerate() {
                    if i == tumour_col || Some(i) == site_col || marker.is_empty() {
                        continue;
                    }
                    out.push(Entry {
                        tumour: tumour.clone(),
                        site: site.clone(),
                        marker: marker.trim().to_owned(),
                        cell: parse_cell(&row[i]),
                        line: line.clone(),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(x: u32, y: u32, percent: Option<f64>) -> Cell {
        Cell::Count { x, y, percent }
    }

    #[test]
    fn cells_in_their_many_spellings() {
        assert_eq!(parse_cell("27/35"), count(27, 35, None));
        assert_eq!(parse_cell(" 27 / 35 (77.1%) "), count(27, 35, Some(77.1)));
        assert_eq!(parse_cell("77.1% (27/35)"), count(27, 35, Some(77.1)));
        assert_eq!(parse_cell("27 of 35"), count(27, 35, None));
        assert_eq!(parse_cell("1,204/2,000"), count(1204, 2000, None));
        assert_eq!(parse_cell("60%"), Cell::Percent(60.0));
        for na in ["NA", "N/A", "-", "", "not reported"] {
            assert_eq!(parse_cell(na), Cell::Missing, "{na:?}");
        }
        assert_eq!(parse_cell("positive"), Cell::Other("positive".into()));
    }

    #[test]
    fn ihc_llminer_tables_with_and_without_pipes_and_separators() {
        let answer = "Here is the table:\n\n\
            | Tumor type | Tumor site | TTF-1 | CK7 |\n\
            |---|---|---|---|\n\
            | Adenocarcinoma | Lung | 27/35 (77.1%) | 34/35 |\n\
            | Squamous cell carcinoma | NA | 1/20 | NA |\n\nNote: counts from the abstract.";
        let tables = parse_tables(answer);
        assert_eq!(tables.len(), 1);
        let e = entries(&tables[0]);
        assert_eq!(e.len(), 4);
        assert_eq!(
            (
                e[0].tumour.as_str(),
                e[0].site.as_deref(),
                e[0].marker.as_str(),
                &e[0].cell
            ),
            (
                "Adenocarcinoma",
                Some("Lung"),
                "TTF-1",
                &count(27, 35, Some(77.1))
            )
        );
        assert_eq!(e[2].site, None, "NA site");
        assert_eq!(e[3].cell, Cell::Missing);

        // No outer pipes, no separator line, a `|` escaped inside a cell.
        let bare = "Tumour type | Site | CD117\\|c-kit\nGIST | stomach | 45/50";
        let e = entries(&parse_tables(bare)[0]);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].marker, "CD117|c-kit");
        assert_eq!(e[0].cell, count(45, 50, None));
    }

    #[test]
    fn long_layout_with_a_marker_column() {
        let answer = "| Marker | Tumour type | Site | Result |\n| :-- | :-- | :-- | :-- |\n\
            | SATB2 | Osteosarcoma | bone | 88/95 |\n| SATB2 | Ewing sarcoma | NA | 0/12 |";
        let e = entries(&parse_tables(answer)[0]);
        assert_eq!(e.len(), 2);
        assert_eq!(e[1].marker, "SATB2");
        assert_eq!(e[1].tumour, "Ewing sarcoma");
        assert_eq!(e[1].cell, count(0, 12, None));
    }

    #[test]
    fn no_table_no_entries() {
        assert!(parse_tables("Exclude").is_empty());
        assert!(parse_tables("a | b").is_empty(), "a header without rows");
    }
}
