//! Writing `ihc run` results: JSONL (one record per document), IHC-LLMiner's markdown table
//! per abstract, and TSV (one row per profile).

use std::fmt::Write as _;

use crate::record::IhcRecord;

/// Output formats of `ihc run`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IhcFormat {
    /// One JSON object per document: `id`, `label`, `reason`, `profiles`.
    Jsonl,
    /// IHC-LLMiner's markdown table per abstract: a row per tumour type and site, a column
    /// per marker, cells `X/Y` (`NA` for an unknown number).
    IhcTable,
    /// One row per profile (a document without profiles gets one row with its label and
    /// reason), with a header.
    Tsv,
}

/// The TSV header.
pub const TSV_HEADER: &str = "id\tlabel\treason\tmarker\tmarker_id\tmarker_symbol\ttumour_type\ttumour_id\tsite\tsite_id\tpositive\ttotal\tcase_report\trule\tevidence\n";

fn tsv_field(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

fn num(n: Option<u32>) -> String {
    n.map_or_else(|| "NA".to_owned(), |n| n.to_string())
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A CSV field (RFC 4180): quoted, with inner quotes doubled, when it holds a comma, a quote
/// or a line break. Shared by `ihc landscape --format csv` and the server's CSV downloads.
#[must_use]
pub fn csv_field(v: &str) -> std::borrow::Cow<'_, str> {
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\"")).into()
    } else {
        v.into()
    }
}

/// Appends `record` in `format` to `out` (the TSV header is not included).
///
/// # Panics
/// Never: serialising an [`IhcRecord`] to JSON cannot fail.
pub fn encode(record: &IhcRecord, format: IhcFormat, out: &mut String) {
    match format {
        IhcFormat::Jsonl => {
            out.push_str(&serde_json::to_string(record).expect("IhcRecord serialises"));
            out.push('\n');
        }
        IhcFormat::Tsv => {
            let head = format!(
                "{}\t{}\t{}",
                tsv_field(&record.id),
                record.label,
                tsv_field(&record.reason.to_string())
            );
            if record.profiles.is_empty() {
                let _ = writeln!(out, "{head}\t\t\t\t\t\t\t\t\t\t\t\t");
            }
            for p in &record.profiles {
                let opt = |s: &Option<String>| s.as_deref().map(tsv_field).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "{head}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    tsv_field(&p.marker),
                    opt(&p.marker_id),
                    opt(&p.marker_symbol),
                    tsv_field(&p.tumour_type),
                    opt(&p.tumour_id),
                    opt(&p.site),
                    opt(&p.site_id),
                    p.positive.map(|n| n.to_string()).unwrap_or_default(),
                    p.total.map(|n| n.to_string()).unwrap_or_default(),
                    u8::from(p.case_report),
                    tsv_field(&p.rule),
                    tsv_field(&p.evidence),
                );
            }
        }
        IhcFormat::IhcTable => {
            let _ = writeln!(out, "## {} ({})\n", record.id, record.label);
            if record.profiles.is_empty() {
                let _ = writeln!(out, "{}\n", record.reason);
                return;
            }
            // Columns: markers in order of first appearance; rows: (tumour, site).
            let mut markers: Vec<&str> = Vec::new();
            let mut rows: Vec<(&str, Option<&str>)> = Vec::new();
            for p in &record.profiles {
                if !markers.contains(&p.marker.as_str()) {
                    markers.push(&p.marker);
                }
                let row = (p.tumour_type.as_str(), p.site.as_deref());
                if !rows.contains(&row) {
                    rows.push(row);
                }
            }
            out.push_str("| Tumour type | Tumour site |");
            for m in &markers {
                let _ = write!(out, " {} |", cell(m));
            }
            out.push_str("\n|---|---|");
            for _ in &markers {
                out.push_str("---|");
            }
            out.push('\n');
            for (tumour, site) in &rows {
                let _ = write!(
                    out,
                    "| {} | {} |",
                    cell(tumour),
                    site.map_or_else(|| "NA".to_owned(), cell)
                );
                for m in &markers {
                    let values: Vec<String> = record
                        .profiles
                        .iter()
                        .filter(|p| {
                            p.marker == *m && p.tumour_type == *tumour && p.site.as_deref() == *site
                        })
                        .map(|p| format!("{}/{}", num(p.positive), num(p.total)))
                        .collect();
                    let _ = write!(
                        out,
                        " {} |",
                        if values.is_empty() {
                            "NA".to_owned()
                        } else {
                            values.join("; ")
                        }
                    );
                }
                out.push('\n');
            }
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("TTF-1"), "TTF-1");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }

    use super::*;
    use crate::record::Profile;

    fn record() -> IhcRecord {
        let p = |marker: &str, tumour: &str, x: Option<u32>, n: Option<u32>| Profile {
            marker: marker.into(),
            tumour_type: tumour.into(),
            positive: x,
            total: n,
            evidence: "TTF-1 was positive in 27 of 35\tcases.".into(),
            ..Profile::default()
        };
        IhcRecord {
            id: "123".into(),
            label: crate::record::Label::Include,
            reason: crate::record::Reason::Counts {
                counts: 2,
                markers: 1,
                tumours: 1,
            },
            decided_by: Vec::new(),
            profiles: vec![
                p("TTF-1", "lung adenocarcinoma", Some(27), Some(35)),
                p("CK7", "lung adenocarcinoma", Some(30), None),
                p("TTF-1", "mesothelioma", Some(0), Some(12)),
            ],
        }
    }

    #[test]
    fn ihc_table_has_a_row_per_tumour_and_a_column_per_marker() {
        let mut out = String::new();
        encode(&record(), IhcFormat::IhcTable, &mut out);
        assert_eq!(
            out,
            "## 123 (include)\n\n| Tumour type | Tumour site | TTF-1 | CK7 |\n|---|---|---|---|\n\
             | lung adenocarcinoma | NA | 27/35 | 30/NA |\n| mesothelioma | NA | 0/12 | NA |\n\n"
        );
    }

    #[test]
    fn tsv_rows_have_the_header_width_and_no_raw_tabs() {
        let mut out = String::new();
        encode(&record(), IhcFormat::Tsv, &mut out);
        let excluded = IhcRecord {
            id: "9".into(),
            label: crate::record::Label::Exclude,
            reason: crate::record::Reason::Review,
            decided_by: Vec::new(),
            profiles: vec![],
        };
        encode(&excluded, IhcFormat::Tsv, &mut out);
        let width = TSV_HEADER.split('\t').count();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 4);
        for line in lines {
            assert_eq!(line.split('\t').count(), width, "{line}");
        }
    }

    #[test]
    fn jsonl_round_trips() {
        let mut out = String::new();
        encode(&record(), IhcFormat::Jsonl, &mut out);
        let back: IhcRecord = serde_json::from_str(out.trim_end()).unwrap();
        assert_eq!(back, record());
    }
}
